/* The daily rollup (rollup.h) against the pools' figures: Xinxing's pool
 * after a grant, a redemption, a payout, a void, a revoke, a repayment
 * and an expiry, each on its own CST day. POOL by=day lists each day's
 * movements, by=program the programs' sums, and both add up to POOL's
 * row. Every figure worked out by hand (fen). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ledger_fixture.h"
#include "rollup.h"
#include "store.h"

struct days {
	struct ledger_pool total;
	struct ledger_pool_day d[16];
	struct ledger_pool_program p[8];
	size_t nd, np;
};

static int total_one(void *arg, const struct ledger_pool *p)
{
	struct days *s = arg;

	if (strcmp(p->pool, "xinxing") == 0)
		s->total = *p;
	return 0;
}

static int day_one(void *arg, const struct ledger_pool_day *d)
{
	struct days *s = arg;

	if (s->nd < 16)
		s->d[s->nd++] = *d;
	return 0;
}

static int prog_one(void *arg, const struct ledger_pool_program *p)
{
	struct days *s = arg;

	if (s->np < 8)
		s->p[s->np++] = *p;
	return 0;
}

static int op(struct fx *f, int type, const char *vid, int64_t amount,
              const char *ref)
{
	struct ledger_op o;

	memset(&o, 0, sizeof(o));
	o.type = type;
	if (type == OP_REVOKE) {
		snprintf(o.u.revoke.voucher, sizeof(o.u.revoke.voucher), "%s",
		         vid);
		snprintf(o.u.revoke.reason, sizeof(o.u.revoke.reason),
		         "finding");
	} else if (type != OP_EXPIRE) {
		snprintf(o.u.payout.voucher, sizeof(o.u.payout.voucher), "%s",
		         vid);
		o.u.payout.amount = amount;
		snprintf(o.u.payout.ref, sizeof(o.u.payout.ref), "%s", ref);
	}
	return fx_run(f, &o);
}

#define DAY(n) (JUNE_2026 + (n)*86400LL + 3600)

static void test_rollup_adds_up(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	struct ledger_voucher school, dc;
	struct days s;
	int32_t d1;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	/* day 1: 10,000,000 and 1,000,000 billed: the school 3% (330,000),
	 * the provider 2% (220,000) */
	f.now = DAY(0);
	d1 = rollup_day(f.now);
	assert_int_equal(fx_usage(&f, "dc", "r1", "s", DAY(0), 10000000), 0);
	assert_int_equal(fx_usage(&f, "dc", "r2", "s", DAY(0), 1000000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, &school) ==
	            330000);
	assert_true(fx_granted(&f, "xinxing-supply", "dc", 2026, &dc) ==
	            220000);
	/* day 2: 100,000 of the school's voucher redeemed against r1 */
	f.now = DAY(1);
	assert_int_equal(
	    fx_redeem(&f, "dc", school.id, "r1", 100000, "k1", NULL), 0);
	/* day 3: 50,000 of the provider's entitlement paid out */
	f.now = DAY(2);
	assert_int_equal(op(&f, OP_PAYOUT, dc.id, 50000, "p1"), 0);
	/* day 4: r2 voided: 30,000 and 20,000 come back (revoked) */
	f.now = DAY(3);
	assert_int_equal(fx_void(&f, "dc", "r2"), 0);
	/* day 5: the entitlement revoked: its 150,000 left come back, the
	 * 50,000 paid out is owed; day 6: 20,000 of it repaid */
	f.now = DAY(4);
	assert_int_equal(op(&f, OP_REVOKE, dc.id, 0, NULL), 0);
	f.now = DAY(5);
	assert_int_equal(op(&f, OP_REPAY, dc.id, 20000, "b1"), 0);
	/* 2028: the school's voucher (to the end of 2027) expires: the
	 * 200,000 left */
	f.now = T2028 + 86400;
	assert_int_equal(op(&f, OP_EXPIRE, NULL, 0, NULL), 0);

	memset(&s, 0, sizeof(s));
	assert_int_equal(ledger_pools_by_day(f.l, "xinxing", 2026, f.now,
	                                     total_one, day_one, &s),
	                 0);
	assert_true(s.total.granted == 550000 && s.total.redeemed == 100000 &&
	            s.total.paid_out == 50000 && s.total.revoked == 200000 &&
	            s.total.recovered == 20000 && s.total.expired == 200000);
	assert_int_equal(s.nd, 7);
	assert_true(s.d[0].day == d1 && s.d[0].f.granted == 550000 &&
	            s.d[0].f.redeemed == 0);
	assert_true(s.d[1].day == d1 + 1 && s.d[1].f.redeemed == 100000);
	assert_true(s.d[2].day == d1 + 2 && s.d[2].f.paid_out == 50000);
	assert_true(s.d[3].day == d1 + 3 && s.d[3].f.revoked == 50000 &&
	            s.d[3].f.granted == 0);
	assert_true(s.d[4].day == d1 + 4 && s.d[4].f.revoked == 150000);
	assert_true(s.d[5].day == d1 + 5 && s.d[5].f.recovered == 20000);
	assert_true(s.d[6].day == rollup_day(T2028 + 86400) &&
	            s.d[6].f.expired == 200000);
	assert_int_equal(ledger_pools_by_program(f.l, "xinxing", 2026, f.now,
	                                         total_one, prog_one, &s),
	                 0);
	assert_int_equal(s.np, 2);
	assert_string_equal(s.p[0].program, "xinxing-demand");
	assert_true(s.p[0].f.granted == 330000 && s.p[0].f.redeemed == 100000 &&
	            s.p[0].f.revoked == 30000 && s.p[0].f.expired == 200000);
	assert_string_equal(s.p[1].program, "xinxing-supply");
	assert_true(s.p[1].f.granted == 220000 && s.p[1].f.paid_out == 50000 &&
	            s.p[1].f.revoked == 170000 && s.p[1].f.recovered == 20000);
	/* other pools and periods have no days */
	s.nd = 0;
	assert_int_equal(ledger_pools_by_day(f.l, "xinxing", 2027, f.now,
	                                     total_one, day_one, &s),
	                 0);
	assert_int_equal(s.nd, 0);
	fx_check_ok(&f);
	/* the checker rebuilds the days from the journal: one fen more on
	 * day 1's grant is found and named */
	{
		char msg[300], want[200];
		struct ledger_flows r;
		uint8_t k[ROLLUP_KEY];
		struct ltx t;
		MDB_val v;
		rollup_key(k, "xinxing", 2026, d1, "xinxing-demand");
		assert_int_equal(ltx_begin(ledger_store(f.l), NULL, 0, &t), 0);
		assert_int_equal(ltx_get(&t, DB_ROLLUP, k, sizeof(k), &v), 0);
		memcpy(&r, v.mv_data, sizeof(r));
		assert_true(r.granted == 330000);
		r.granted++;
		assert_int_equal(
		    ltx_put(&t, DB_ROLLUP, k, sizeof(k), &r, sizeof(r)), 0);
		assert_int_equal(ltx_commit(&t), 0);
		assert_int_equal(fx_check(&f, msg, sizeof(msg)), VD_EINTERNAL);
		snprintf(
		    want, sizeof(want),
		    "rollup xinxing|2026|%d|xinxing-demand granted: 330001 "
		    "stored, 330000 from the journal",
		    (int)d1);
		assert_string_equal(msg, want);
	}
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rollup_adds_up),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
