/* basis = net (domain.md, "Redemptions against a voided record, and net
 * basis"): a record counts its amount minus what vouchers of any program
 * redeemed against it, and a redemption recomputes the record's net
 * programs as a partial void would. Every figure below is worked by hand
 * in the test's comment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ledger_fixture.h"

#define NET_DIR VD_SOURCE_DIR "/tests/data/policy-net/"

struct acc_q {
	const char *program;
	struct ledger_accrual a;
	int found;
};

static int acc_one(void *arg, const struct ledger_accrual *a)
{
	struct acc_q *q = arg;

	if (strcmp(a->program, q->program) == 0) {
		q->a = *a;
		q->found = 1;
	}
	return 0;
}

/* The row of (program, ben, period) into *a. */
static void row(struct fx *f, const char *program, const char *ben,
                int32_t period, struct ledger_accrual *a)
{
	struct acc_q q;

	memset(&q, 0, sizeof(q));
	q.program = program;

	assert_int_equal(ledger_accruals(f->l, NULL, ben, period, acc_one, &q),
	                 0);
	assert_true(q.found);
	*a = q.a;
}

struct entries {
	const char *type;
	char last[512];
	int n;
};

static int entry_one(void *arg, uint64_t seq, const char *e, size_t len,
                     const uint8_t hash[32])
{
	struct entries *q = arg;
	char want[32];

	(void)seq;
	(void)hash;
	snprintf(want, sizeof(want), " type=%s ", q->type);
	if (memmem(e, len, want, strlen(want)) != NULL) {
		snprintf(q->last, sizeof(q->last), "%.*s", (int)len, e);
		q->n++;
	}
	return 0;
}

/* The last journal entry of type into buf. */
static void last_entry(struct fx *f, const char *type, char *buf, size_t size)
{
	struct entries q = {type, "", 0};

	assert_int_equal(ledger_journal(f->l, 0, 0, entry_one, &q), 0);
	assert_true(q.n > 0);
	snprintf(buf, size, "%s", q.last);
}

/* programs.md example 14: org D's 2026 local bills are 40,000,000 (two
 * of 20,000,000); the test's own voucher program (20%) grants it
 * 8,000,000 and 5,000,000 of it pays part of the first bill. Yuxi's net
 * basis is 35,000,000 (over the 30,000,000 threshold): earned so far 30%
 * = 10,500,000, and settled in January 2027 that is what D is paid. A
 * redemption after the settlement (1,000,000 against the second bill)
 * no longer changes the settled period's net basis. */
static void test_ex14_yuxi_net(void **state)
{
	static const char *const files[] = {"yuxi.ini", NET_DIR "voucher.ini",
	                                    NULL};
	struct ledger_accrual a;
	struct ledger_voucher v, e;
	char entry[512];
	int64_t paid;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	snprintf(f.region, sizeof(f.region), "yunnan.yuxi");
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "d", ROLE_ORG, "enterprise", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "b1", "d", JUNE_2026, 20000000), 0);
	assert_int_equal(fx_usage(&f, "dc", "b2", "d", JUNE_2026, 20000000), 0);
	assert_true(fx_granted(&f, "test-voucher", "d", 2026, &v) == 8000000);
	row(&f, "yuxi-compute", "d", 2026, &a);
	assert_true(a.basis == 40000000 && a.earned == 12000000);
	assert_int_equal(fx_redeem(&f, "dc", v.id, "b1", 5000000, "k1", NULL),
	                 0);
	row(&f, "yuxi-compute", "d", 2026, &a);
	assert_true(a.basis == 35000000 && a.earned == 10500000 &&
	            a.granted == 0);
	last_entry(&f, "redeem", entry, sizeof(entry));
	assert_non_null(
	    strstr(entry, " net=yuxi-compute org=d record_period=2026"));
	fx_check_ok(&f);
	f.now = T2027 + 10LL * 86400;
	assert_int_equal(fx_settle(&f, "yuxi-compute", 2026, 0, &paid), 0);
	assert_true(paid == 10500000);
	assert_true(fx_granted(&f, "yuxi-compute", "d", 2026, &e) == 10500000);
	/* settled: frozen */
	assert_int_equal(fx_redeem(&f, "dc", v.id, "b2", 1000000, "k2", NULL),
	                 0);
	row(&f, "yuxi-compute", "d", 2026, &a);
	assert_true(a.basis == 35000000 && a.granted == 10500000);
	last_entry(&f, "redeem", entry, sizeof(entry));
	assert_null(strstr(entry, " net="));
	fx_check_ok(&f);
	fx_close(&f);
}

/* Net basis through an immediate program's cap. capped-net: 10% of the
 * net basis, at most 100,000 fen a year, cash; half: 50% vouchers. One
 * 1,500,000 bill: capped-net earns 150,000, capped to 100,000 (granted);
 * half grants 750,000.
 * - 400,000 of half's voucher redeemed against it: net 1,100,000 earns
 *   110,000, still capped at 100,000: nothing changes.
 * - 200,000 more: net 900,000 earns 90,000; the 10,000 excess comes off
 *   the entitlement's remaining (revoked, back to pool n).
 * - The bureau pays out the 90,000 left; 100,000 more redeemed: net
 *   800,000 earns 80,000, and with nothing remaining the 10,000 is
 *   clawback due.
 * - dc voids the bill: the 700,000 redeemed go back to half's voucher;
 *   the net basis 800,000 leaves (1,500,000 less the 700,000 vouchers had
 *   paid), earned 0: the 80,000 still granted is owed back too (due
 *   90,000 = all that was paid out); half's 750,000 comes off its
 *   remaining. Pool n: granted 100,000, revoked 10,000, paid out 90,000,
 *   remaining 10,000,000 - 100,000 + 10,000 = 9,910,000. */
static void test_net_through_cap(void **state)
{
	static const char *const files[] = {NET_DIR "capped.ini", NULL};
	struct ledger_voucher h, c;
	char cid[LEDGER_ID + 1], hid[LEDGER_ID + 1];
	struct ledger_accrual a;
	struct ledger_pool pool;
	struct ledger_op op;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "b1", "s", JUNE_2026, 1500000), 0);
	assert_true(fx_granted(&f, "capped-net", "s", 2026, &c) == 100000);
	assert_true(fx_granted(&f, "half", "s", 2026, &h) == 750000);
	snprintf(cid, sizeof(cid), "%s", c.id);
	snprintf(hid, sizeof(hid), "%s", h.id);

	assert_int_equal(fx_redeem(&f, "dc", h.id, "b1", 400000, "k1", NULL),
	                 0);
	row(&f, "capped-net", "s", 2026, &a);
	assert_true(a.basis == 1100000 && a.earned == 100000 &&
	            a.granted == 100000);
	assert_int_equal(ledger_voucher(f.l, cid, &c), 0);
	assert_true(c.remaining == 100000 && c.revoked == 0);

	assert_int_equal(fx_redeem(&f, "dc", h.id, "b1", 200000, "k2", NULL),
	                 0);
	row(&f, "capped-net", "s", 2026, &a);
	assert_true(a.basis == 900000 && a.earned == 90000 &&
	            a.granted == 90000);
	assert_int_equal(ledger_voucher(f.l, cid, &c), 0);
	assert_true(c.remaining == 90000 && c.revoked == 10000);
	fx_check_ok(&f);

	memset(&op, 0, sizeof(op));
	op.type = OP_PAYOUT;
	snprintf(op.u.payout.voucher, sizeof(op.u.payout.voucher), "%s", c.id);
	op.u.payout.amount = 90000;
	snprintf(op.u.payout.ref, sizeof(op.u.payout.ref), "p1");
	assert_int_equal(fx_run(&f, &op), 0);
	assert_int_equal(fx_redeem(&f, "dc", h.id, "b1", 100000, "k3", NULL),
	                 0);
	row(&f, "capped-net", "s", 2026, &a);
	assert_true(a.basis == 800000 && a.earned == 80000 &&
	            a.granted == 80000);
	assert_int_equal(ledger_voucher(f.l, cid, &c), 0);
	assert_true(c.paid_out == 90000 && c.remaining == 0 &&
	            c.clawback_due == 10000);
	fx_check_ok(&f);

	assert_int_equal(fx_void(&f, "dc", "b1"), 0);
	row(&f, "capped-net", "s", 2026, &a);
	assert_true(a.basis == 0 && a.earned == 0 && a.granted == 0);
	assert_int_equal(ledger_voucher(f.l, cid, &c), 0);
	assert_true(c.granted == 100000 && c.revoked == 10000 &&
	            c.paid_out == 90000 && c.clawback_due == 90000 &&
	            c.remaining == 0);
	assert_int_equal(ledger_voucher(f.l, hid, &h), 0);
	assert_true(h.redeemed == 0 && h.revoked == 750000 && h.remaining == 0);
	assert_int_equal(fx_pool(&f, "n", 2026, &pool), 0);
	assert_true(pool.granted == 100000 && pool.revoked == 10000 &&
	            pool.paid_out == 90000 && pool.remaining == 9910000);
	assert_int_equal(fx_pool(&f, "v", 2026, &pool), 0);
	assert_true(pool.granted == 750000 && pool.redeemed == 0 &&
	            pool.revoked == 750000 && pool.remaining == 10000000);
	fx_check_ok(&f);
	fx_close(&f);
}

/* A period that ended more than late_days ago is frozen: a 600,000 bill
 * earns capped-net 60,000 (under its cap); a redemption of 100,000
 * against it on 2027-04-02 (91 days after 2026 ended) leaves the row at
 * net 600,000, earned and granted 60,000. */
static void test_net_frozen_after_late_days(void **state)
{
	static const char *const files[] = {NET_DIR "capped.ini", NULL};
	struct ledger_accrual a;
	struct ledger_voucher h;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "b1", "s", JUNE_2026, 600000), 0);
	assert_true(fx_granted(&f, "half", "s", 2026, &h) == 300000);
	f.now = T2027 + 91LL * 86400;
	assert_int_equal(fx_redeem(&f, "dc", h.id, "b1", 100000, "k1", NULL),
	                 0);
	row(&f, "capped-net", "s", 2026, &a);
	assert_true(a.basis == 600000 && a.earned == 60000 &&
	            a.granted == 60000);
	fx_check_ok(&f);
	fx_close(&f);
}

/* A reload may not reopen a closed period (a review's case): once 2026
 * closed on 2027-04-01 (late_days 90), a redemption against a 2026 bill
 * left capped-net's net basis alone; raising late_days to 365 would let
 * the bill be voided and take off the 100,000 it never lowered. Refused,
 * naming the line; the void stays CLOSED. */
static void test_no_reopening(void **state)
{
	static const char *const files[] = {NET_DIR "capped.ini", NULL};
	struct ledger_voucher h;
	struct policy *p;
	char path[256], why[300];
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "b1", "s", JUNE_2026, 600000), 0);
	assert_true(fx_granted(&f, "half", "s", 2026, &h) == 300000);
	f.now = T2027 + 100LL * 86400;
	assert_int_equal(fx_redeem(&f, "dc", h.id, "b1", 100000, "k1", NULL),
	                 0);
	p = fx_policy_of(&f, "late.ini",
	                 "[ledger]\nlate_days = 365\n"
	                 "[pool n]\nbudget = 100000\n[pool v]\n"
	                 "budget = 100000\n[program capped-net]\npool = n\n"
	                 "beneficiary = consumer\nbasis = net\nrate = 10%\n"
	                 "cap = 1000\nsettlement = immediate\npays = cash\n"
	                 "[program half]\npool = v\nbeneficiary = consumer\n"
	                 "rate = 50%\nsettlement = immediate\n",
	                 path, sizeof(path));
	assert_int_equal(fx_reload(&f, p, f.p, why, sizeof(why)), VD_EPOLICY);
	if (strstr(why, "late.ini:2: late_days = 365 would reopen 2026, "
	                "closed since 2027-04-01 (late_days 90)") == NULL)
		fail_msg("why: %s", why);
	assert_int_equal(fx_void(&f, "dc", "b1"), VD_ECLOSED);
	fx_check_ok(&f);
	policy_free(p);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ex14_yuxi_net),
	    cmocka_unit_test(test_net_through_cap),
	    cmocka_unit_test(test_net_frozen_after_late_days),
	    cmocka_unit_test(test_no_reopening),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
