/* The bureau's controls over principals (domain.md): AMEND, SUSPEND and
 * REINSTATE, the bureau's VOID. Every figure worked by hand from the
 * Xinxing seed (3% to the org, 2% to a local provider, immediate). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ledger_fixture.h"

static int control(struct fx *f, int type, const char *id, const char *by,
                   struct ledger_op *out)
{
	struct ledger_op op;
	int rc;

	memset(&op, 0, sizeof(op));
	op.type = type;
	snprintf(op.u.suspend.id, sizeof(op.u.suspend.id), "%s", id);
	snprintf(op.u.suspend.by, sizeof(op.u.suspend.by), "%s", by);
	snprintf(op.u.suspend.reason, sizeof(op.u.suspend.reason), "失信");
	rc = fx_run(f, &op);
	if (out)
		*out = op;
	return rc;
}

static int amend(struct fx *f, const char *id, const char *kind,
                 const char *region, int local, struct ledger_op *out)
{
	struct ledger_op op;
	int rc;

	memset(&op, 0, sizeof(op));
	op.type = OP_AMEND;
	snprintf(op.u.amend.id, sizeof(op.u.amend.id), "%s", id);
	snprintf(op.u.amend.kind, sizeof(op.u.amend.kind), "%s", kind);
	snprintf(op.u.amend.region, sizeof(op.u.amend.region), "%s", region);
	op.u.amend.local = local;
	rc = fx_run(f, &op);
	if (out)
		*out = op;
	return rc;
}

/* programs.md example 16: a Xinxing school suspended; a local bill of
 * 10,000,000 accepted meanwhile earns it nothing, before or after
 * REINSTATE; the next bill of 10,000,000 after reinstatement earns
 * 300,000. The provider's 2% of both bills is unaffected: 400,000.
 * SUSPEND twice is the same status, nothing written; nobody suspends
 * itself. */
static void test_ex16_suspension(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	struct ledger_recinfo ri;
	struct ledger_op op;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "bureau", ROLE_BUREAU, "", 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	assert_int_equal(control(&f, OP_SUSPEND, "s", "bureau", &op), 0);
	assert_true(op.status == LEDGER_SUSPENDED && op.seq > 0);
	assert_int_equal(control(&f, OP_SUSPEND, "s", "bureau", &op), 0);
	assert_true(op.status == LEDGER_SUSPENDED && op.seq == 0);
	assert_int_equal(control(&f, OP_SUSPEND, "bureau", "bureau", &op),
	                 VD_EDENIED);
	assert_int_equal(fx_usage(&f, "dc", "b1", "s", JUNE_2026, 10000000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, NULL) == -1);
	assert_int_equal(ledger_record(f.l, "dc", "b1", &ri), 0);
	assert_true(ri.excluded && !ri.voided);
	assert_int_equal(control(&f, OP_REINSTATE, "s", "bureau", &op), 0);
	assert_true(op.status == LEDGER_ACTIVE && op.seq > 0);
	/* still nothing for the bill of the suspension */
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, NULL) == -1);
	assert_int_equal(fx_usage(&f, "dc", "b2", "s", JUNE_2026, 10000000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, NULL) ==
	            300000);
	assert_true(fx_granted(&f, "xinxing-supply", "dc", 2026, NULL) ==
	            400000);
	fx_check_ok(&f);
	fx_close(&f);
}

/* A suspended provider writes nothing: USAGE, VOID and REDEEM are DENIED,
 * nothing is stored; a suspended org's voucher is neither redeemed nor
 * paid out (its provider's 2% entitlement waits too). */
static void test_suspended_writes_denied(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	struct ledger_recinfo ri;
	struct ledger_voucher v, cash;
	struct ledger_op op;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "bureau", ROLE_BUREAU, "", 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "b1", "s", JUNE_2026, 1000000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, &v) == 30000);
	assert_true(fx_granted(&f, "xinxing-supply", "dc", 2026, &cash) ==
	            20000);
	assert_int_equal(control(&f, OP_SUSPEND, "s", "bureau", NULL), 0);
	assert_int_equal(fx_redeem(&f, "dc", v.id, "b1", 100, "k1", &op),
	                 VD_EDENIED);
	assert_string_equal(op.why, "the voucher's holder is suspended");
	assert_int_equal(control(&f, OP_REINSTATE, "s", "bureau", NULL), 0);
	assert_int_equal(control(&f, OP_SUSPEND, "dc", "bureau", NULL), 0);
	assert_int_equal(fx_usage(&f, "dc", "b2", "s", JUNE_2026, 1000000),
	                 VD_EDENIED);
	assert_int_equal(ledger_record(f.l, "dc", "b2", &ri), VD_ENOENT);
	assert_int_equal(fx_redeem(&f, "dc", v.id, "b1", 100, "k2", &op),
	                 VD_EDENIED);
	assert_string_equal(op.why, "the provider is suspended");
	assert_int_equal(fx_void(&f, "dc", "b1"), VD_EDENIED);
	memset(&op, 0, sizeof(op));
	op.type = OP_PAYOUT;
	snprintf(op.u.payout.voucher, sizeof(op.u.payout.voucher), "%s",
	         cash.id);
	op.u.payout.amount = 100;
	snprintf(op.u.payout.ref, sizeof(op.u.payout.ref), "p1");
	assert_int_equal(fx_run(&f, &op), VD_EDENIED);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, &v) == 30000);
	assert_true(v.redeemed == 0);
	fx_check_ok(&f);
	fx_close(&f);
}

/* AMEND of an org's kind between two records: Xinxing pays schools and
 * enterprises, not "government". The first 1,000,000 bill (as a school)
 * earns 30,000; amended to government, the second earns nothing and the
 * first keeps its 30,000; amended back, a third earns 30,000 more.
 * Nothing changed: no seq. Kind on a provider is BADREQ. */
static void test_amend_kind_between_records(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	struct ledger_op op;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "b1", "s", JUNE_2026, 1000000), 0);
	assert_int_equal(amend(&f, "s", "government", "", -1, &op), 0);
	assert_true(op.seq > 0);
	assert_int_equal(amend(&f, "s", "government", "", -1, &op), 0);
	assert_true(op.seq == 0);
	assert_int_equal(fx_usage(&f, "dc", "b2", "s", JUNE_2026, 1000000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, NULL) == 30000);
	assert_int_equal(amend(&f, "s", "school", "", -1, &op), 0);
	assert_int_equal(fx_usage(&f, "dc", "b3", "s", JUNE_2026, 1000000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, NULL) == 60000);
	assert_int_equal(amend(&f, "dc", "school", "", -1, &op), VD_EINVAL);
	assert_int_equal(amend(&f, "nobody", "school", "", -1, &op), VD_ENOENT);
	fx_check_ok(&f);
	fx_close(&f);
}

/* The bureau's VOID needs no provider signature: it voids a record of a
 * suspended provider; a record counting for a settled annual period is
 * CLOSED for the bureau too (Yuxi, settled 2026; all in Yuxi). */
static void test_bureau_void(void **state)
{
	static const char *const files[] = {"xinxing.ini", "yuxi.ini", NULL};
	struct ledger_recinfo ri;
	struct ledger_op op;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	snprintf(f.region, sizeof(f.region), "yunnan.yuxi");
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "e", ROLE_ORG, "enterprise", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "b1", "e", JUNE_2026, 1000000), 0);
	assert_int_equal(control(&f, OP_SUSPEND, "dc", "bureau", NULL), 0);
	memset(&op, 0, sizeof(op));
	op.type = OP_VOID;
	snprintf(op.u.void_.provider, sizeof(op.u.void_.provider), "dc");
	snprintf(op.u.void_.id, sizeof(op.u.void_.id), "b1");
	op.u.void_.at = f.now;
	snprintf(op.u.void_.reason, sizeof(op.u.void_.reason), "fraud");
	op.u.void_.by_bureau = 1;
	assert_int_equal(fx_run(&f, &op), 0);
	assert_int_equal(ledger_record(f.l, "dc", "b1", &ri), 0);
	assert_true(ri.voided);
	assert_int_equal(control(&f, OP_REINSTATE, "dc", "bureau", NULL), 0);
	assert_int_equal(fx_usage(&f, "dc", "b2", "e", JUNE_2026, 1000000), 0);
	f.now = T2027 + 86400;
	assert_int_equal(fx_settle(&f, "yuxi-compute", 2026, 0, NULL), 0);
	memset(&op, 0, sizeof(op));
	op.type = OP_VOID;
	snprintf(op.u.void_.provider, sizeof(op.u.void_.provider), "dc");
	snprintf(op.u.void_.id, sizeof(op.u.void_.id), "b2");
	op.u.void_.at = f.now;
	op.u.void_.by_bureau = 1;
	assert_int_equal(fx_run(&f, &op), VD_ECLOSED);
	fx_check_ok(&f);
	fx_close(&f);
}

/* A review's cases. A suspended principal's write is refused in the
 * writer (op.by), whatever it is: a bureau b2's AMEND queued before its
 * suspension committed is DENIED after it. The order of protocol.md:
 * an unknown record (NOTFOUND) before a suspended holder (DENIED);
 * ISSUE to a provider (NOTFOUND), to a suspended org of a non-grant
 * program (DENIED before BADREQ). REINSTATE of oneself while active is
 * the unchanged status. */
static void test_review_order(void **state)
{
	static const char *const files[] = {"xinxing.ini", "datong.ini", NULL};
	struct ledger_voucher v;
	struct ledger_op op;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	snprintf(f.region, sizeof(f.region), "xinjiang.xinxing");
	assert_int_equal(fx_register(&f, "bureau", ROLE_BUREAU, "", 0), 0);
	assert_int_equal(fx_register(&f, "b2", ROLE_BUREAU, "", 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "b1", "s", JUNE_2026, 1000000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, &v) == 30000);
	assert_int_equal(control(&f, OP_REINSTATE, "b2", "b2", &op), 0);
	assert_true(op.status == LEDGER_ACTIVE && op.seq == 0);
	assert_int_equal(control(&f, OP_SUSPEND, "b2", "bureau", NULL), 0);
	memset(&op, 0, sizeof(op));
	op.type = OP_AMEND;
	snprintf(op.by, sizeof(op.by), "b2");
	snprintf(op.u.amend.id, sizeof(op.u.amend.id), "s");
	snprintf(op.u.amend.kind, sizeof(op.u.amend.kind), "medical");
	op.u.amend.local = -1;
	assert_int_equal(fx_run(&f, &op), VD_EDENIED);
	assert_string_equal(op.why, "you are suspended");
	assert_int_equal(control(&f, OP_SUSPEND, "s", "bureau", NULL), 0);
	assert_int_equal(fx_redeem(&f, "dc", v.id, "nope", 100, "k1", &op),
	                 VD_ENOENT);
	assert_int_equal(fx_redeem(&f, "dc", v.id, "b1", 100, "k1", &op),
	                 VD_EDENIED);
	assert_int_equal(
	    fx_issue(&f, "datong-pool-grant", "dc", 1000, -1, "a1", &op),
	    VD_ENOENT);
	assert_int_equal(
	    fx_issue(&f, "xinxing-demand", "s", 1000, -1, "a2", &op),
	    VD_EDENIED);
	fx_check_ok(&f);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ex16_suspension),
	    cmocka_unit_test(test_suspended_writes_denied),
	    cmocka_unit_test(test_amend_kind_between_records),
	    cmocka_unit_test(test_bureau_void),
	    cmocka_unit_test(test_review_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
