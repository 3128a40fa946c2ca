/* Refusals carry the reason the ledger decided where it refused: every
 * refusal of the ledger's operations, with its exact phrase. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ledger_fixture.h"

/* op->why is what the ledger decided, set where it refused: exact
 * phrases. assert_non_null first, so that a reason not set fails the
 * test (at the line of the call) instead of crashing it. */
#define expect_why(op, code, reason)                                           \
	do {                                                                   \
		assert_int_equal((op)->rc, (code));                            \
		assert_non_null((op)->why);                                    \
		assert_string_equal((op)->why, (reason));                      \
	} while (0)

static void test_refusal_reasons(void **state)
{
	static const char *const files[] = {"xinxing.ini", "yuxi.ini",
	                                    "datong.ini", NULL};
	struct ledger_record recs[4];
	struct ledger_voucher v;
	struct ledger_op op, ops[3];
	struct fx f;
	int i;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	snprintf(f.region, sizeof(f.region), "xinjiang.xinxing");
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);

	/* a USAGE dated more than a day ahead; the caller's stale why is
	 * overwritten */
	memset(&op, 0, sizeof(op));
	op.type = OP_USAGE;
	fx_record(&op.u.usage, "dc", "r0", "s", f.now + 86401, 5, 0);
	op.why = "stale";
	assert_int_equal(fx_run(&f, &op), VD_EINVAL);
	expect_why(&op, VD_EINVAL, "record dated more than a day ahead");
	/* the same op fixed applies, and says no reason */
	op.u.usage.at = f.now;
	assert_int_equal(fx_run(&f, &op), 0);
	assert_null(op.why);
	/* an org nobody registered */
	op.u.usage.org[0] = 'x';
	snprintf(op.u.usage.id, sizeof(op.u.usage.id), "r00");
	assert_int_equal(fx_run(&f, &op), VD_ENOENT);
	expect_why(&op, VD_ENOENT, "unknown org");

	/* REDEEM against a voided record: s's 3% of 10,000,000 is 300,000 */
	assert_int_equal(fx_usage(&f, "dc", "r1", "s", JUNE_2026, 10000000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, &v) == 300000);
	assert_int_equal(fx_void(&f, "dc", "r1"), 0);
	assert_int_equal(fx_redeem(&f, "dc", v.id, "r1", 100, "k1", &op),
	                 VD_EINVAL);
	expect_why(&op, VD_EINVAL, "the record is voided");
	/* and an amount of 0, the other VD_EINVAL of a REDEEM */
	assert_int_equal(fx_redeem(&f, "dc", v.id, "r1", 0, "k2", &op),
	                 VD_EINVAL);
	expect_why(&op, VD_EINVAL, "amount is not above 0");

	/* PAY over owed: nothing was redeemed, nothing is owed */
	memset(&op, 0, sizeof(op));
	op.type = OP_PAY;
	snprintf(op.u.pay.provider, sizeof(op.u.pay.provider), "dc");
	snprintf(op.u.pay.ref, sizeof(op.u.pay.ref), "p1");
	op.u.pay.amount = 1;
	assert_int_equal(fx_run(&f, &op), VD_EFUNDS);
	expect_why(&op, VD_EFUNDS, "more than owed");

	/* ISSUE on an immediate program, and on a grant program for an org
	 * kind it does not cover (Datong's pool is for start-ups and SMEs) */
	assert_int_equal(
	    fx_issue(&f, "xinxing-demand", "s", 1000, -1, "a1", &op),
	    VD_EINVAL);
	expect_why(&op, VD_EINVAL, "not a grant program");
	assert_int_equal(
	    fx_issue(&f, "datong-pool-grant", "s", 1000, -1, "a2", &op),
	    VD_EINVAL);
	expect_why(&op, VD_EINVAL, "the program does not cover the org's kind");

	/* a BATCH whose third record is dated too far ahead, between two
	 * good USAGEs of one group: the batch wrote its first two records
	 * before the refusal, so the group runs again with it in a child
	 * transaction; its reason and index survive that second run */
	fx_record(&recs[0], "dc", "b1", "s", JUNE_2026, 100, 0);
	fx_record(&recs[1], "dc", "b2", "s", JUNE_2026, 100, 0);
	fx_record(&recs[2], "dc", "b3", "s", f.now + 2 * 86400, 100, 0);
	fx_record(&recs[3], "dc", "b4", "s", JUNE_2026, 100, 0);
	memset(ops, 0, sizeof(ops));
	ops[0].type = OP_USAGE;
	fx_record(&ops[0].u.usage, "dc", "g1", "s", JUNE_2026, 100, 0);
	ops[1].type = OP_BATCH;
	ops[1].u.batch.recs = recs;
	ops[1].u.batch.n = 4;
	ops[1].u.batch.lines = "l1\nl2\nl3\nl4\n";
	ops[1].u.batch.lines_len = 12;
	ops[2].type = OP_USAGE;
	fx_record(&ops[2].u.usage, "dc", "g3", "s", JUNE_2026, 100, 0);
	for (i = 0; i < 3; i++)
		ops[i].now = f.now;
	assert_int_equal(ledger_batch(f.l, ops, 3), 0);
	assert_int_equal(ops[0].rc, 0);
	assert_null(ops[0].why);
	expect_why(&ops[1], VD_EINVAL, "record dated more than a day ahead");
	assert_int_equal(ops[1].bad_index, 2);
	assert_int_equal(ops[2].rc, 0);
	assert_null(ops[2].why);
	/* a record of another provider in third place */
	fx_record(&recs[2], "dc2", "b3", "s", JUNE_2026, 100, 0);
	assert_int_equal(fx_run(&f, &ops[1]), VD_EINVAL);
	expect_why(&ops[1], VD_EINVAL,
	           "record of another provider than the batch's first");
	assert_int_equal(ops[1].bad_index, 2);

	/* SETTLE: not annual; not ended and not forced; forced, then
	 * again: already settled */
	memset(&op, 0, sizeof(op));
	op.type = OP_SETTLE;
	snprintf(op.u.settle.program, sizeof(op.u.settle.program),
	         "xinxing-demand");
	op.u.settle.period = 2026;
	assert_int_equal(fx_run(&f, &op), VD_EINVAL);
	expect_why(&op, VD_EINVAL, "not an annual program");
	snprintf(op.u.settle.program, sizeof(op.u.settle.program),
	         "yuxi-compute");
	assert_int_equal(fx_run(&f, &op), VD_EINVAL);
	expect_why(&op, VD_EINVAL,
	           "the period has not ended and settlement is not forced");
	op.u.settle.force = 1;
	assert_int_equal(fx_run(&f, &op), 0);
	assert_null(op.why);
	assert_int_equal(fx_run(&f, &op), VD_ECLOSED);
	expect_why(&op, VD_ECLOSED, "already settled");

	/* Yuxi's program counts a Yuxi provider's records for a Yuxi firm:
	 * 2026 takes no more */
	assert_int_equal(fx_register_in(&f, "firm", ROLE_ORG, "enterprise", 0,
	                                "yunnan.yuxi"),
	                 0);
	assert_int_equal(
	    fx_register_in(&f, "yx", ROLE_PROVIDER, "", 0, "yunnan.yuxi"), 0);
	memset(&op, 0, sizeof(op));
	fx_record(&op.u.usage, "yx", "late", "firm", JUNE_2026, 5, 0);
	op.type = OP_USAGE;
	assert_int_equal(fx_run(&f, &op), VD_ECLOSED);
	expect_why(&op, VD_ECLOSED,
	           "an annual program the record counts for "
	           "is settled for its period");
	fx_check_ok(&f);
	fx_close(&f);
}

/* A second record of 2^63 - 1 fen would take the school's basis past
 * int64: the client's fault, refused VD_EINVAL with the reason (it was
 * VD_EOVERFLOW, INTERNAL on the wire), and nothing of it is kept. */
static void test_overflow_is_the_clients(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	struct ledger_op op;
	char msg[256];
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	memset(&op, 0, sizeof(op));
	op.type = OP_USAGE;
	fx_record(&op.u.usage, "dc", "r1", "s", JUNE_2026, INT64_MAX,
	          KIND_TRAINING);
	assert_int_equal(fx_run(&f, &op), 0);
	fx_record(&op.u.usage, "dc", "r2", "s", JUNE_2026, INT64_MAX,
	          KIND_TRAINING);
	assert_int_equal(fx_run(&f, &op), VD_EINVAL);
	assert_string_equal(op.why, "a figure would pass the largest amount "
	                            "the ledger holds (2^63 - 1 fen): an "
	                            "amount too large");
	assert_int_equal(fx_check(&f, msg, sizeof(msg)), 0);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_refusal_reasons),
	    cmocka_unit_test(test_overflow_is_the_clients),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
