/* Every worked example of programs.md end to end through the LMDB store,
 * each on its city's seed policy file. Amounts in fen. After each one the
 * invariant checker must agree with the store. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ledger_fixture.h"

/* 1. Yuxi threshold and cap, annual settlement. */
static void test_ex1_yuxi_settlement(void **state)
{
	static const char *const files[] = {"yuxi.ini", NULL};
	struct ledger_pool pool;
	struct fx f;
	int64_t paid = -1;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "a", ROLE_ORG, "enterprise", 0), 0);
	assert_int_equal(fx_register(&f, "b", ROLE_ORG, "enterprise", 0), 0);
	assert_int_equal(fx_register(&f, "c", ROLE_ORG, "enterprise", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "r-a", "a", JUNE_2026, 29999999),
	                 0);
	assert_int_equal(fx_usage(&f, "dc", "r-b", "b", JUNE_2026, 100000000),
	                 0);
	/* C's spend in two bills */
	assert_int_equal(fx_usage(&f, "dc", "r-c1", "c", JUNE_2026, 150000000),
	                 0);
	assert_int_equal(fx_usage(&f, "dc", "r-c2", "c", JUNE_2026, 250000000),
	                 0);
	/* 先用后补: nothing is granted before settlement */
	assert_true(fx_granted(&f, "yuxi-compute", "c", 2026, NULL) == -1);
	/* not before the period has ended */
	assert_int_equal(fx_settle(&f, "yuxi-compute", 2026, 0, NULL),
	                 VD_EINVAL);
	f.now = T2027 + 86400;
	assert_int_equal(fx_settle(&f, "yuxi-compute", 2026, 0, &paid), 0);
	assert_true(paid == 80000000);
	assert_true(fx_granted(&f, "yuxi-compute", "a", 2026, NULL) == -1);
	assert_true(fx_granted(&f, "yuxi-compute", "b", 2026, NULL) ==
	            30000000);
	assert_true(fx_granted(&f, "yuxi-compute", "c", 2026, NULL) ==
	            50000000);
	assert_int_equal(fx_pool(&f, "yuxi", 2026, &pool), 0);
	assert_true(pool.budget == 500000000 && pool.granted == 80000000);
	assert_true(pool.remaining == 420000000);
	/* settling twice is refused */
	assert_int_equal(fx_settle(&f, "yuxi-compute", 2026, 0, NULL),
	                 VD_ECLOSED);
	/* and a settled year takes no more records */
	assert_int_equal(fx_usage(&f, "dc", "r-late", "b", JUNE_2026, 5),
	                 VD_ECLOSED);
	fx_check_ok(&f);
	fx_close(&f);
}

struct preview {
	char ben[4][16];
	int64_t due[4], paid[4];
	int n;
};

/* rows of per-beneficiary programs only: proj is "" */
static int preview_one(void *arg, const char *ben, const char *proj,
                       int64_t due, int64_t paid)
{
	struct preview *p = arg;

	if (proj[0] != '\0')
		return VD_EINTERNAL;
	if (p->n < 4) {
		snprintf(p->ben[p->n], sizeof(p->ben[0]), "%s", ben);
		p->due[p->n] = due;
		p->paid[p->n++] = paid;
	}
	return 0;
}

/* SETTLE dry=1 on example 1: every beneficiary with a row, A's 0
 * included, earned summing to T = 80,000,000, R the pool's 500,000,000,
 * paid as the settlement then pays; nothing written (the journal head
 * stays); after the settlement, CLOSED. */
static void test_ex1_settlement_preview(void **state)
{
	static const char *const files[] = {"yuxi.ini", NULL};
	struct preview p = {{{0}}, {0}, {0}, 0};
	int64_t total, cap, paid;
	const char *why;
	uint64_t s0, s1;
	uint8_t h[32];
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "a", ROLE_ORG, "enterprise", 0), 0);
	assert_int_equal(fx_register(&f, "b", ROLE_ORG, "enterprise", 0), 0);
	assert_int_equal(fx_register(&f, "c", ROLE_ORG, "enterprise", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "r-a", "a", JUNE_2026, 29999999),
	                 0);
	assert_int_equal(fx_usage(&f, "dc", "r-b", "b", JUNE_2026, 100000000),
	                 0);
	assert_int_equal(fx_usage(&f, "dc", "r-c1", "c", JUNE_2026, 150000000),
	                 0);
	assert_int_equal(fx_usage(&f, "dc", "r-c2", "c", JUNE_2026, 250000000),
	                 0);
	assert_int_equal(ledger_head(f.l, &s0, h), 0);
	/* before the period ends too */
	assert_int_equal(ledger_settle_preview(f.l, "yuxi-compute", 2026, f.now,
	                                       preview_one, &p, &total, &cap,
	                                       &paid, &why),
	                 0);
	assert_int_equal(p.n, 3);
	assert_string_equal(p.ben[0], "a");
	assert_true(p.due[0] == 0 && p.paid[0] == 0);
	assert_string_equal(p.ben[1], "b");
	assert_true(p.due[1] == 30000000 && p.paid[1] == 30000000);
	assert_string_equal(p.ben[2], "c");
	assert_true(p.due[2] == 50000000 && p.paid[2] == 50000000);
	assert_true(total == 80000000 && cap == 500000000 && paid == 80000000);
	assert_int_equal(ledger_head(f.l, &s1, h), 0);
	assert_true(s1 == s0);
	f.now = T2027 + 86400;
	assert_int_equal(fx_settle(&f, "yuxi-compute", 2026, 0, &paid), 0);
	assert_true(paid == 80000000);
	assert_int_equal(ledger_settle_preview(f.l, "yuxi-compute", 2026, f.now,
	                                       preview_one, &p, &total, &cap,
	                                       &paid, &why),
	                 VD_ECLOSED);
	assert_string_equal(why, "already settled");
	fx_check_ok(&f);
	fx_close(&f);
}

/* 11. Cash entitlement paid out (Yuxi): after example 1's settlement B
 * holds a pays=cash entitlement of 30,000,000; a provider's REDEEM of it
 * is DENIED; PAYOUT of 30,000,000 (ref yx-2026-b) leaves paid_out
 * 30,000,000, remaining 0, status spent; pool yuxi 2026: granted
 * 80,000,000, paid_out 30,000,000, remaining 420,000,000; the same
 * PAYOUT again answers the first result. */
static void test_ex11_yuxi_payout(void **state)
{
	static const char *const files[] = {"yuxi.ini", NULL};
	struct ledger_voucher v;
	struct ledger_pool pool;
	struct ledger_op op;
	struct fx f;
	int i;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "b", ROLE_ORG, "enterprise", 0), 0);
	assert_int_equal(fx_register(&f, "c", ROLE_ORG, "enterprise", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "r-b", "b", JUNE_2026, 100000000),
	                 0);
	assert_int_equal(fx_usage(&f, "dc", "r-c1", "c", JUNE_2026, 150000000),
	                 0);
	assert_int_equal(fx_usage(&f, "dc", "r-c2", "c", JUNE_2026, 250000000),
	                 0);
	f.now = T2027 + 86400;
	assert_int_equal(fx_settle(&f, "yuxi-compute", 2026, 0, NULL), 0);
	assert_true(fx_granted(&f, "yuxi-compute", "b", 2026, &v) == 30000000);
	assert_int_equal(v.pays, POLICY_PAYS_CASH);
	assert_int_equal(fx_redeem(&f, "dc", v.id, "r-b", 1000, "k1", NULL),
	                 VD_EDENIED);
	for (i = 0; i < 2; i++) {
		memset(&op, 0, sizeof(op));
		op.type = OP_PAYOUT;
		snprintf(op.u.payout.voucher, sizeof(op.u.payout.voucher), "%s",
		         v.id);
		op.u.payout.amount = 30000000;
		snprintf(op.u.payout.ref, sizeof(op.u.payout.ref), "yx-2026-b");
		assert_int_equal(fx_run(&f, &op), 0);
		assert_true(op.amount == 30000000 && op.remaining == 0);
	}
	assert_true(fx_granted(&f, "yuxi-compute", "b", 2026, &v) == 30000000);
	assert_true(v.paid_out == 30000000 && v.remaining == 0 &&
	            v.status == LEDGER_V_SPENT);
	assert_int_equal(fx_pool(&f, "yuxi", 2026, &pool), 0);
	assert_true(pool.granted == 80000000 && pool.paid_out == 30000000 &&
	            pool.remaining == 420000000);
	fx_check_ok(&f);
	fx_close(&f);
}

/* 2. Yuxi oversubscribed: 12 orgs at the cap share the pool pro rata. */
static void test_ex2_yuxi_oversubscribed(void **state)
{
	static const char *const files[] = {"yuxi.ini", NULL};
	struct ledger_pool pool;
	char org[16], rid[16];
	struct fx f;
	int64_t paid;
	int i;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	for (i = 0; i < 12; i++) {
		snprintf(org, sizeof(org), "org%d", i);
		snprintf(rid, sizeof(rid), "r%d", i);
		assert_int_equal(
		    fx_register(&f, org, ROLE_ORG, "enterprise", 0), 0);
		assert_int_equal(
		    fx_usage(&f, "dc", rid, org, JUNE_2026, 200000000), 0);
	}
	f.now = T2027 + 86400;
	assert_int_equal(fx_settle(&f, "yuxi-compute", 2026, 0, &paid), 0);
	for (i = 0; i < 12; i++) {
		snprintf(org, sizeof(org), "org%d", i);
		assert_true(fx_granted(&f, "yuxi-compute", org, 2026, NULL) ==
		            41666666);
	}
	assert_true(paid == 499999992);
	assert_int_equal(fx_pool(&f, "yuxi", 2026, &pool), 0);
	assert_true(pool.remaining == 8);
	/* the unmet demand is on record: 12 * 50,000,000 - 499,999,992 */
	assert_true(pool.unfunded == 100000008);
	fx_check_ok(&f);
	fx_close(&f);
}

/* 3. Xinxing pays both sides of a local bill; a non-local bill earns
 * nothing for either. */
static void test_ex3_xinxing_both_sides(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	struct ledger_pool pool;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc-local", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "dc-far", ROLE_PROVIDER, "", 0), 0);
	assert_int_equal(fx_register(&f, "school", ROLE_ORG, "school", 0), 0);
	assert_int_equal(
	    fx_usage(&f, "dc-local", "r1", "school", JUNE_2026, 10000000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "school", 2026, NULL) ==
	            300000);
	assert_true(fx_granted(&f, "xinxing-supply", "dc-local", 2026, NULL) ==
	            200000);
	assert_int_equal(fx_pool(&f, "xinxing", 2026, &pool), 0);
	assert_true(pool.granted == 500000);
	assert_int_equal(
	    fx_usage(&f, "dc-far", "r2", "school", JUNE_2026, 10000000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "school", 2026, NULL) ==
	            300000);
	assert_true(fx_granted(&f, "xinxing-supply", "dc-far", 2026, NULL) ==
	            -1);
	fx_check_ok(&f);
	fx_close(&f);
}

/* 4. Xinxing cap per year, and a new year starts from 0. */
static void test_ex4_xinxing_cap(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "lab", ROLE_ORG, "research", 0), 0);
	/* 4,000,000,000 in 2026 in two bills: 3% = 120,000,000 > cap */
	assert_int_equal(fx_usage(&f, "dc", "r1", "lab", JUNE_2026, 1500000000),
	                 0);
	assert_int_equal(fx_usage(&f, "dc", "r2", "lab", JUNE_2026, 2500000000),
	                 0);
	assert_true(fx_granted(&f, "xinxing-demand", "lab", 2026, NULL) ==
	            100000000);
	assert_int_equal(fx_usage(&f, "dc", "r3", "lab", JUNE_2026, 10000000),
	                 0);
	assert_true(fx_granted(&f, "xinxing-demand", "lab", 2026, NULL) ==
	            100000000);
	f.now = T2027 + 30 * 86400;
	assert_int_equal(
	    fx_usage(&f, "dc", "r4", "lab", T2027 + 10 * 86400, 10000000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "lab", 2027, NULL) ==
	            300000);
	fx_check_ok(&f);
	fx_close(&f);
}

/* 5. Datong's threshold is whole-basis. */
static void test_ex5_datong_threshold(void **state)
{
	static const char *const files[] = {"datong.ini", NULL};
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 0), 0);
	assert_int_equal(fx_register(&f, "ent", ROLE_ORG, "enterprise", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "r1", "ent", JUNE_2026, 15000000),
	                 0);
	assert_true(fx_granted(&f, "datong-compute", "ent", 2026, NULL) == -1);
	assert_int_equal(fx_usage(&f, "dc", "r2", "ent", JUNE_2026, 5000000),
	                 0);
	assert_true(fx_granted(&f, "datong-compute", "ent", 2026, NULL) ==
	            2000000);
	fx_check_ok(&f);
	fx_close(&f);
}

/* 6. Mentougou (annual, cash): an org's 2026 training bills 50,000,000
 * and API bills 30,000,000 earn 10,000,000 and 6,000,000; combine = max
 * entitles it to 10,000,000, paid by mentougou-training once both
 * programs are settled, in either order (the API program's share is 0:
 * the higher program pays). */
static void test_ex6_mentougou_group(void **state)
{
	static const char *const files[] = {"mentougou.ini", NULL};
	static const char *const order[2][2] = {
	    {"mentougou-training", "mentougou-api"},
	    {"mentougou-api", "mentougou-training"}};
	struct ledger_voucher v;
	struct ledger_record r;
	int64_t paid[2];
	struct fx f;
	int o, i;

	(void)state;
	for (o = 0; o < 2; o++) {
		assert_int_equal(fx_open(&f, files, 0), 0);
		assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 0),
		                 0);
		assert_int_equal(
		    fx_register(&f, "o1", ROLE_ORG, "enterprise", 0), 0);
		fx_record(&r, "dc", "t1", "o1", JUNE_2026, 50000000,
		          KIND_TRAINING);
		assert_int_equal(fx_usage_rec(&f, &r, NULL), 0);
		fx_record(&r, "dc", "a1", "o1", JUNE_2026, 30000000, KIND_API);
		assert_int_equal(fx_usage_rec(&f, &r, NULL), 0);
		f.now = T2027 + 86400;
		for (i = 0; i < 2; i++)
			assert_int_equal(
			    fx_settle(&f, order[o][i], 2026, 0, &paid[i]), 0);
		assert_true(paid[o == 0 ? 0 : 1] == 10000000);
		assert_true(paid[o == 0 ? 1 : 0] == 0);
		assert_true(fx_granted(&f, "mentougou-training", "o1", 2026,
		                       &v) == 10000000);
		assert_int_equal(v.pays, POLICY_PAYS_CASH);
		assert_true(fx_granted(&f, "mentougou-api", "o1", 2026, NULL) ==
		            -1);
		fx_check_ok(&f);
		fx_close(&f);
	}
}

/* 7. Green power: tier 1, then the top-up to tier 2 (晋级补差). */
static void test_ex7_greenpower(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	struct ledger_record r;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "grid", ROLE_ORG, "enterprise", 0), 0);
	fx_record(&r, "dc", "g1", "grid", JUNE_2026, 0, KIND_OTHER);
	r.qty = 25000000;
	snprintf(r.unit, sizeof(r.unit), "kWh");
	assert_int_equal(fx_usage_rec(&f, &r, NULL), 0);
	assert_true(fx_granted(&f, "xinxing-greenpower", "dc", 2026, NULL) ==
	            100000000);
	/* a further 35,000,000 kWh: 60,000,000 reach tier 2 */
	snprintf(r.id, sizeof(r.id), "g2");
	r.qty = 35000000;
	assert_int_equal(fx_usage_rec(&f, &r, NULL), 0);
	assert_true(fx_granted(&f, "xinxing-greenpower", "dc", 2026, NULL) ==
	            200000000);
	/* the next year the lifetime basis goes on: 100,000,000 kWh reach
	 * tier 3, a further 100,000,000 fen in 2027 */
	f.now = T2027 + 86400;
	snprintf(r.id, sizeof(r.id), "g3");
	r.qty = 40000000;
	r.at = T2027 + 3600;
	assert_int_equal(fx_usage_rec(&f, &r, NULL), 0);
	assert_true(fx_granted(&f, "xinxing-greenpower", "dc", 2027, NULL) ==
	            100000000);
	fx_check_ok(&f);
	fx_close(&f);
}

/* 8. Yinchuan power: 1,000,000 kWh at 12 fen. */
static void test_ex8_yinchuan_power(void **state)
{
	static const char *const files[] = {"yinchuan.ini", NULL};
	struct ledger_record r;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	/* a centre in Yinchuan (the program's region) */
	assert_int_equal(fx_register(&f, "yinchuan-dc1", ROLE_PROVIDER, "", 1),
	                 0);
	assert_int_equal(fx_register(&f, "m", ROLE_ORG, "enterprise", 0), 0);
	fx_record(&r, "yinchuan-dc1", "p1", "m", JUNE_2026, 500000, KIND_OTHER);
	r.qty = 1000000;
	snprintf(r.unit, sizeof(r.unit), "kWh");
	assert_int_equal(fx_usage_rec(&f, &r, NULL), 0);
	assert_true(fx_granted(&f, "yinchuan-power", "yinchuan-dc1", 2026,
	                       NULL) == 12000000);
	fx_check_ok(&f);
	fx_close(&f);
}

/* 9. Datong grant of 30% of a declared need; each bill at most 30%. */
static void test_ex9_datong_cover(void **state)
{
	static const char *const files[] = {"datong.ini", NULL};
	struct ledger_voucher v;
	struct ledger_op op;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 0), 0);
	assert_int_equal(fx_register(&f, "start", ROLE_ORG, "startup", 0), 0);
	assert_int_equal(fx_issue(&f, "datong-pool-grant", "start", 10000000,
	                          -1, "app-1", &op),
	                 0);
	assert_true(op.amount == 3000000);
	assert_true(fx_granted(&f, "datong-pool-grant", "start", 2026, &v) ==
	            3000000);
	assert_string_equal(v.id, op.voucher);
	assert_int_equal(
	    fx_usage(&f, "dc", "bill-1", "start", JUNE_2026, 2000000), 0);
	/* floor(2,000,000 * 30%) = 600,000 of this bill */
	assert_int_equal(
	    fx_redeem(&f, "dc", v.id, "bill-1", 600001, "k1", NULL), VD_ECOVER);
	assert_int_equal(fx_redeem(&f, "dc", v.id, "bill-1", 600000, "k2", &op),
	                 0);
	assert_true(op.remaining == 2400000);
	assert_int_equal(fx_redeem(&f, "dc", v.id, "bill-1", 1, "k3", NULL),
	                 VD_ECOVER);
	fx_check_ok(&f);
	fx_close(&f);
}

static int receivable_one(void *arg, const struct ledger_receivable *r)
{
	*(struct ledger_receivable *)arg = *r;
	return 0;
}

static int pay(struct fx *f, const char *provider, int64_t amount,
               const char *ref)
{
	struct ledger_op op;

	memset(&op, 0, sizeof(op));
	op.type = OP_PAY;
	snprintf(op.u.pay.provider, sizeof(op.u.pay.provider), "%s", provider);
	op.u.pay.amount = amount;
	snprintf(op.u.pay.ref, sizeof(op.u.pay.ref), "%s", ref);
	return fx_run(f, &op);
}

/* 15. Void after redemption. In example 9 the provider redeems 600,000
 * of the start-up's grant voucher against the 2,000,000 bill, and the
 * bureau pays it (PAY 600,000: owed 0). The provider then voids the
 * bill: the voucher's remaining is 3,000,000 again, the provider's
 * receivable shows redeemed 0, paid 600,000, owed -600,000; PAY is
 * refused while owed <= 0. */
static void test_ex15_void_after_redemption(void **state)
{
	static const char *const files[] = {"datong.ini", NULL};
	struct ledger_receivable rcv;
	struct ledger_pool pool;
	struct ledger_voucher v;
	struct ledger_op op;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 0), 0);
	assert_int_equal(fx_register(&f, "start", ROLE_ORG, "startup", 0), 0);
	assert_int_equal(fx_issue(&f, "datong-pool-grant", "start", 10000000,
	                          -1, "app-1", &op),
	                 0);
	assert_true(fx_granted(&f, "datong-pool-grant", "start", 2026, &v) ==
	            3000000);
	assert_int_equal(
	    fx_usage(&f, "dc", "bill-1", "start", JUNE_2026, 2000000), 0);
	assert_int_equal(fx_redeem(&f, "dc", v.id, "bill-1", 600000, "k2", &op),
	                 0);
	assert_true(op.remaining == 2400000);
	assert_int_equal(pay(&f, "dc", 600000, "p1"), 0);
	assert_int_equal(fx_void(&f, "dc", "bill-1"), 0);
	assert_true(fx_granted(&f, "datong-pool-grant", "start", 2026, &v) ==
	            3000000);
	assert_true(v.remaining == 3000000 && v.redeemed == 0 &&
	            v.status == LEDGER_V_ACTIVE);
	assert_int_equal(ledger_receivables(f.l, "dc", receivable_one, &rcv),
	                 0);
	assert_true(rcv.redeemed == 0 && rcv.paid == 600000 &&
	            rcv.owed == -600000);
	assert_int_equal(pay(&f, "dc", 1, "p2"), VD_EFUNDS);
	assert_int_equal(fx_pool(&f, "datong", 2026, &pool), 0);
	assert_true(pool.granted == 3000000 && pool.redeemed == 0);
	fx_check_ok(&f);
	fx_close(&f);
}

/* 10. A record at 2025-12-31T16:00:00Z is 2026. */
static void test_ex10_period_boundary(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	f.now = T2026 + 3600;
	assert_int_equal(fx_usage(&f, "dc", "r1", "s", T2026, 1000000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, NULL) == 30000);
	/* one second earlier is 2025, before xinxing's window: nothing */
	assert_int_equal(fx_usage(&f, "dc", "r0", "s", T2026 - 1, 1000000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2025, NULL) == -1);
	fx_check_ok(&f);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ex1_yuxi_settlement),
	    cmocka_unit_test(test_ex1_settlement_preview),
	    cmocka_unit_test(test_ex11_yuxi_payout),
	    cmocka_unit_test(test_ex2_yuxi_oversubscribed),
	    cmocka_unit_test(test_ex3_xinxing_both_sides),
	    cmocka_unit_test(test_ex4_xinxing_cap),
	    cmocka_unit_test(test_ex5_datong_threshold),
	    cmocka_unit_test(test_ex6_mentougou_group),
	    cmocka_unit_test(test_ex7_greenpower),
	    cmocka_unit_test(test_ex8_yinchuan_power),
	    cmocka_unit_test(test_ex9_datong_cover),
	    cmocka_unit_test(test_ex10_period_boundary),
	    cmocka_unit_test(test_ex15_void_after_redemption),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
