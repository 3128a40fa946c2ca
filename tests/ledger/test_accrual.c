/* Accrual rules on the seed programs: every worked example of
 * ../shared/spec/programs.md with its numbers, and the edge cases of the
 * issue. Amounts in fen; each expected value is worked out in a comment. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "accrual.h"
#include "err.h"
#include "money.h"
#include "period.h"
#include "policy.h"

#define T_2026 1767196800LL /* 2025-12-31T16:00:00Z = 2026-01-01 00:00 CST */
#define MID_2026 (T_2026 + 100LL * 86400)

static int load_seeds(void **state)
{
	struct policy *p = NULL;

	if (policy_load_dir(VD_SOURCE_DIR "/deploy/policies", &p, NULL) < 0)
		return -1;
	*state = p;
	return 0;
}

static int free_seeds(void **state)
{
	policy_free(*state);
	return 0;
}

static const struct policy_program *prog(void **state, const char *id)
{
	const struct policy_program *g = policy_program(*state, id);

	assert_non_null(g);
	return g;
}

static const struct policy_group *group(void **state, const char *id)
{
	const struct policy *p = *state;
	int i = policy_group_index(p, id);

	assert_true(i >= 0);
	return &p->groups[i];
}

static int64_t earned_for(const struct policy_program *g, int64_t basis)
{
	struct accrual_state st = {basis, 0, 0};
	int64_t e = -1;

	assert_int_equal(accrual_earned(g, &st, &e), 0);
	return e;
}

/* The seed city a test's records are billed in: the org is within it,
 * and so is the provider when it is local (the seeds' programs have the
 * region of their city's pool). */
static const char *city = "";

static struct accrual_record rec(const char *provider, int local,
                                 const char *org_kind, int kind, int64_t at,
                                 int64_t amount)
{
	struct accrual_record r = {
	    provider,   local, org_kind, kind, NULL,
	    "gpu-hour", at,    amount,   0,    local ? city : "elsewhere",
	    city};
	return r;
}

/* A program built in code, with every filter open. */
static struct policy_program mkprog(const char *id, int64_t rate_bp)
{
	struct policy_program g;

	memset(&g, 0, sizeof(g));
	snprintf(g.id, sizeof(g.id), "%s", id);
	g.nshares = 1;
	g.shares[0].bp = MONEY_BP_ONE;
	g.group = POLICY_NO_GROUP;
	g.rule = POLICY_RATE;
	g.rate_bp = rate_bp;
	g.cap = POLICY_NO_CAP;
	g.kinds = POLICY_KINDS_ALL;
	g.classes.any = 1;
	g.org_kinds.any = 1;
	g.valid_from = INT64_MIN;
	g.valid_until = INT64_MAX;
	g.cover_bp = MONEY_BP_ONE;
	return g;
}

/* ---- programs.md worked examples ---- */

/* 1. Yuxi threshold and cap, annual settlement. */
static void test_ex1_yuxi_threshold_cap_settle(void **state)
{
	const struct policy_program *g = prog(state, "yuxi-compute");
	const struct policy *p = *state;
	int64_t earned[3], paid[3], left = -1;

	earned[0] = earned_for(g, 29999999);  /* A: under 30,000,000 */
	earned[1] = earned_for(g, 100000000); /* B: 30% = 30,000,000 */
	earned[2] = earned_for(g, 400000000); /* C: 120,000,000 -> cap */
	assert_true(earned[0] == 0);
	assert_true(earned[1] == 30000000);
	assert_true(earned[2] == 50000000);
	/* T = 80,000,000 <= R = 500,000,000: everyone gets earned */
	assert_int_equal(
	    accrual_prorata(earned, 3,
	                    p->pools[policy_pool_index(p, "yuxi")].budget, paid,
	                    &left),
	    0);
	assert_true(paid[0] == 0 && paid[1] == 30000000 && paid[2] == 50000000);
	assert_true(left == 420000000);
}

/* 2. Yuxi oversubscribed: 12 orgs at the cap. */
static void test_ex2_yuxi_oversubscribed(void **state)
{
	const struct policy_program *g = prog(state, "yuxi-compute");
	int64_t earned[12], paid[12], left = -1;
	int i;

	for (i = 0; i < 12; i++)
		earned[i] = earned_for(g, 200000000);
	assert_true(earned[0] == 50000000);
	/* T = 600,000,000 > R = 500,000,000 */
	assert_int_equal(accrual_prorata(earned, 12, 500000000, paid, &left),
	                 0);
	for (i = 0; i < 12; i++)
		assert_true(paid[i] == 41666666);
	assert_true(left == 8); /* 500,000,000 - 12 * 41,666,666 */
}

/* 3. Xinxing pays both sides; only local compute counts. */
static void test_ex3_xinxing_both_sides(void **state)
{
	const struct policy_program *d = prog(state, "xinxing-demand");
	const struct policy_program *s = prog(state, "xinxing-supply");

	city = "xinjiang.xinxing";
	const struct policy *p = *state;
	struct accrual_record local =
	    rec("dc-local", 1, "school", KIND_TRAINING, MID_2026, 10000000);
	struct accrual_record remote =
	    rec("dc-far", 0, "school", KIND_TRAINING, MID_2026, 10000000);
	int64_t budget = p->pools[policy_pool_index(p, "xinxing")].budget;
	struct accrual_funding fd, fs;

	assert_true(accrual_counts(d, &local) && accrual_counts(s, &local));
	assert_true(earned_for(d, accrual_basis_of(d, &local)) == 300000);
	assert_true(earned_for(s, accrual_basis_of(s, &local)) == 200000);
	/* both draw on pool xinxing */
	assert_int_equal(d->shares[0].pool, s->shares[0].pool);
	assert_int_equal(accrual_fund(d, 300000, 0, &budget, &fd), 0);
	budget -= fd.part[0];
	assert_int_equal(accrual_fund(s, 200000, 0, &budget, &fs), 0);
	assert_true(fd.grant == 300000 && fs.grant == 200000);
	assert_true(fd.unfunded == 0 && fs.unfunded == 0);
	assert_true(budget == 2000000000LL - 300000);
	/* a non-local provider's bill earns nothing for either side */
	assert_false(accrual_counts(d, &remote));
	assert_false(accrual_counts(s, &remote));
}

/* 4. Xinxing cap: 1,000,000 yuan a year, again from 0 the next year. */
static void test_ex4_xinxing_cap_per_year(void **state)
{
	const struct policy_program *d = prog(state, "xinxing-demand");
	struct accrual_member m;
	int64_t ent = -1;

	/* 3% of 4,000,000,000 = 120,000,000, capped at 100,000,000 */
	assert_true(earned_for(d, 4000000000LL) == 100000000);
	/* a further bill adds nothing: earned stays at the cap and the
	 * whole cap was granted already */
	m.earned = earned_for(d, 4010000000LL);
	m.granted = 100000000;
	assert_int_equal(accrual_group(NULL, &m, 1, 0, &ent), 0);
	assert_true(ent == 100000000 && m.delta == 0);
	/* 2027 is its own cap period: the first 10,000,000 earn 300,000 */
	m.earned = earned_for(d, 10000000);
	m.granted = 0;
	assert_int_equal(accrual_group(NULL, &m, 1, 0, &ent), 0);
	assert_true(m.delta == 300000);
}

/* 5. Datong threshold is whole-basis. */
static void test_ex5_datong_threshold_whole_basis(void **state)
{
	const struct policy_group *grp = group(state, "datong");
	const struct policy *p = *state;
	struct accrual_member m[2] = {{0, 0, 0}, {0, 0, 0}};
	const struct policy_program *c = prog(state, "datong-compute");
	int64_t ent = -1;

	/* members in id order: datong-compute, datong-pool-grant */
	assert_ptr_equal(&p->programs[grp->programs[0]], c);
	m[0].earned = earned_for(c, 15000000); /* under 20,000,000 */
	assert_int_equal(accrual_group(grp, m, 2, 0, &ent), 0);
	assert_true(ent == 0 && m[0].delta == 0 && m[1].delta == 0);
	m[0].earned = earned_for(c, 20000000); /* threshold reached */
	assert_int_equal(accrual_group(grp, m, 2, 0, &ent), 0);
	/* 10% of the whole 20,000,000 at once */
	assert_true(ent == 2000000 && m[0].delta == 2000000);
	assert_true(m[1].delta == 0);
}

/* 6. Mentougou: max pays the higher program; sum would stack. */
static void test_ex6_mentougou_group(void **state)
{
	const struct policy_group *grp = group(state, "mentougou");
	const struct policy *p = *state;
	const struct policy_program *api = prog(state, "mentougou-api");
	const struct policy_program *tr = prog(state, "mentougou-training");

	city = "beijing.mentougou";
	struct accrual_record r_tr =
	    rec("dc", 0, "enterprise", KIND_TRAINING, MID_2026, 50000000);
	struct accrual_record r_api =
	    rec("dc", 0, "enterprise", KIND_API, MID_2026, 30000000);
	struct accrual_member m[2];
	struct policy_group sum = *grp;
	int64_t ent = -1;

	/* each record counts for its own program only */
	assert_true(accrual_counts(tr, &r_tr) && !accrual_counts(api, &r_tr));
	assert_true(accrual_counts(api, &r_api) && !accrual_counts(tr, &r_api));
	/* id order: mentougou-api first */
	assert_ptr_equal(&p->programs[grp->programs[0]], api);
	m[0] = (struct accrual_member){earned_for(api, 30000000), 0, 0};
	m[1] = (struct accrual_member){earned_for(tr, 50000000), 0, 0};
	assert_true(m[0].earned == 6000000 && m[1].earned == 10000000);
	assert_int_equal(accrual_group(grp, m, 2, 0, &ent), 0);
	assert_true(ent == 10000000);
	assert_true(m[1].delta == 10000000 && m[0].delta == 0);
	sum.combine = POLICY_SUM;
	assert_int_equal(accrual_group(&sum, m, 2, 0, &ent), 0);
	assert_true(ent == 16000000);
	assert_true(m[0].delta == 6000000 && m[1].delta == 10000000);
}

/* 7. Green power top-up (晋级补差), within a year and across years. */
static void test_ex7_greenpower_top_up(void **state)
{
	const struct policy_program *g = prog(state, "xinxing-greenpower");
	struct accrual_state st = {25000000, 0, 0};
	struct accrual_member m;
	int64_t e = -1, ent;

	assert_int_equal(accrual_earned(g, &st, &e), 0);
	assert_true(e == 100000000); /* tier 1: 1,000,000 yuan */
	/* later the lifetime kWh reach 60,000,000: tier 2 is 2,000,000 yuan,
	 * of which 1,000,000 was paid: a further 100,000,000 fen */
	st.basis = 60000000;
	assert_int_equal(accrual_earned(g, &st, &e), 0);
	m = (struct accrual_member){e, 100000000, 0};
	assert_int_equal(accrual_group(NULL, &m, 1, 0, &ent), 0);
	assert_true(m.delta == 100000000);
	/* the same when the second tier is reached in a later period: the
	 * first period's grant is off the lifetime award */
	st.granted_other = 100000000;
	assert_int_equal(accrual_earned(g, &st, &e), 0);
	assert_true(e == 100000000);
	/* 19,999,999 kWh: no tier yet */
	st = (struct accrual_state){19999999, 0, 0};
	assert_int_equal(accrual_earned(g, &st, &e), 0);
	assert_true(e == 0);
}

/* 8. Yinchuan power: 1,000,000 kWh at 12 fen. */
static void test_ex8_yinchuan_power(void **state)
{
	const struct policy_program *g = prog(state, "yinchuan-power");

	city = "ningxia.yinchuan"; /* the centre is in Yinchuan */
	struct accrual_record r =
	    rec("yinchuan-dc1", 1, "enterprise", KIND_OTHER, MID_2026, 0);

	r.qty = 1000000;
	r.unit = "kWh";
	assert_true(accrual_counts(g, &r));
	assert_true(earned_for(g, accrual_basis_of(g, &r)) == 12000000);
	r.unit = "gpu-hour"; /* other units do not count */
	assert_false(accrual_counts(g, &r));
	r.unit = "kWh";
	r.provider = "other-dc"; /* not on the PUE < 1.2 list */
	assert_false(accrual_counts(g, &r));
}

/* 9. Datong grant of 30% of a declared need; cover 30% per bill. */
static void test_ex9_datong_grant_cover(void **state)
{
	const struct policy_program *g = prog(state, "datong-pool-grant");
	int64_t a = -1, most = -1;

	assert_int_equal(accrual_application(g, 10000000, -1, 0, &a), 0);
	assert_true(a == 3000000);
	/* a 2,000,000 bill: at most floor(2,000,000 * 30%) from it */
	assert_int_equal(money_apply_bp(2000000, g->cover_bp, &most), 0);
	assert_true(most == 600000);
	/* amount= may ask for less */
	assert_int_equal(accrual_application(g, 10000000, 1000000, 0, &a), 0);
	assert_true(a == 1000000);
}

/* 10. Period boundary: 2025-12-31T16:00:00Z is 2026. */
static void test_ex10_period_boundary(void **state)
{
	const struct policy_program *d = prog(state, "xinxing-demand");

	city = "xinjiang.xinxing";
	struct accrual_record r =
	    rec("dc", 1, "school", KIND_TRAINING, T_2026, 100);

	assert_int_equal(period_of(r.at), 2026);
	/* xinxing's window opens 2026-01-01 CST: this second counts, the
	 * one before does not */
	assert_true(accrual_counts(d, &r));
	r.at = T_2026 - 1;
	assert_int_equal(period_of(r.at), 2025);
	assert_false(accrual_counts(d, &r));
}

/* ---- edges ---- */

static void test_threshold_exact_and_one_fen_short(void **state)
{
	const struct policy_program *g = prog(state, "yuxi-compute");

	assert_true(earned_for(g, 30000000) == 9000000);
	assert_true(earned_for(g, 29999999) == 0);
	g = prog(state, "datong-compute");
	assert_true(earned_for(g, 20000000) == 2000000);
	assert_true(earned_for(g, 19999999) == 0);
}

static void test_lifetime_cap_across_periods(void **state)
{
	struct policy_program g = mkprog("life", 1000); /* 10% */
	struct accrual_state st = {6000, 0, 0};
	int64_t e = -1;

	(void)state;
	g.cap = 1000;
	g.cap_period = POLICY_LIFETIME;
	/* period 1: 10% of 6,000 = 600 */
	assert_int_equal(accrual_earned(&g, &st, &e), 0);
	assert_true(e == 600);
	/* period 2: lifetime basis 15,000 -> 1,500, capped 1,000, less 600
	 * granted in period 1 */
	st = (struct accrual_state){15000, 600, 1};
	assert_int_equal(accrual_earned(&g, &st, &e), 0);
	assert_true(e == 400);
	/* period 3: the cap is used up */
	st = (struct accrual_state){90000, 1000, 2};
	assert_int_equal(accrual_earned(&g, &st, &e), 0);
	assert_true(e == 0);
}

static void test_lifetime_grant_cap(void **state)
{
	const struct policy_program *g = prog(state, "yinchuan-model");
	int64_t a = -1;

	/* 30% of 2,000,000,000 = 600,000,000 > 500,000,000 lifetime cap */
	assert_int_equal(accrual_application(g, 2000000000, -1, 0, &a), 0);
	assert_true(a == 500000000);
	assert_int_equal(accrual_application(g, 100, -1, 500000000, &a), 0);
	assert_true(a == 0);
	assert_int_equal(accrual_application(g, 1000000, -1, 499900000, &a), 0);
	assert_true(a == 100000); /* 300,000 but only 100,000 left */
}

static void test_max_periods(void **state)
{
	struct policy_program g = mkprog("mp", 1000);
	struct accrual_state st = {1000, 0, 2};
	int64_t e = -1;

	(void)state;
	g.max_periods = 3;
	assert_int_equal(accrual_earned(&g, &st, &e), 0);
	assert_true(e == 100);
	st.periods_before = 3;
	assert_int_equal(accrual_earned(&g, &st, &e), 0);
	assert_true(e == 0);
}

static void test_round_yuan(void **state)
{
	struct policy_program g = mkprog("r", 300);

	(void)state;
	/* 3% of 12,345 = 370.35 -> 370 fen -> 3 yuan = 300 fen */
	assert_true(earned_for(&g, 12345) == 370);
	g.round = POLICY_ROUND_YUAN;
	assert_true(earned_for(&g, 12345) == 300);
}

static void test_max_group_tie_lowest_id(void **state)
{
	struct policy_group grp = {
	    "g", POLICY_MAX, POLICY_NO_CAP, POLICY_YEAR, POLICY_PER_BENEFICIARY,
	    0,   NULL,       {NULL, 0}};
	struct accrual_member m[3] = {{500, 0, 0}, {700, 0, 0}, {700, 0, 0}};
	int64_t ent = -1;

	(void)state;
	assert_int_equal(accrual_group(&grp, m, 3, 0, &ent), 0);
	assert_true(ent == 700);
	assert_true(m[1].delta == 700 && m[2].delta == 0 && m[0].delta == 0);
}

static void test_max_group_pays_only_above_what_was_paid(void **state)
{
	const struct policy_group *grp = group(state, "datong");
	const struct policy_program *gr = prog(state, "datong-pool-grant");
	struct accrual_member m[2];
	int64_t app = -1, ent = -1;

	/* a 3,000,000 grant was issued (30% of 10,000,000) */
	assert_int_equal(accrual_application(gr, 10000000, -1, 0, &app), 0);
	/* compute earns 2,000,000: below what the group paid, nothing */
	m[0] = (struct accrual_member){2000000, 0, 0};
	m[1] = (struct accrual_member){app, app, 0};
	assert_int_equal(accrual_group(grp, m, 2, 0, &ent), 0);
	assert_true(ent == 3000000 && m[0].delta == 0 && m[1].delta == 0);
	/* compute earns 5,000,000: it pays the 2,000,000 above */
	m[0].earned = 5000000;
	assert_int_equal(accrual_group(grp, m, 2, 0, &ent), 0);
	assert_true(ent == 5000000 && m[0].delta == 2000000 && m[1].delta == 0);
}

static void test_sum_group_shared_cap(void **state)
{
	struct policy_group grp = {
	    "g", POLICY_SUM, 1000,     POLICY_YEAR, POLICY_PER_BENEFICIARY,
	    0,   NULL,       {NULL, 0}};
	struct accrual_member m[2] = {{700, 0, 0}, {600, 0, 0}};
	int64_t ent = -1;

	(void)state;
	/* 1,300 earned, the group cap is 1,000: id order fills 700 + 300 */
	assert_int_equal(accrual_group(&grp, m, 2, 0, &ent), 0);
	assert_true(ent == 1000 && m[0].delta == 700 && m[1].delta == 300);
	/* after those grants, more basis adds nothing */
	m[0] = (struct accrual_member){900, 700, 0};
	m[1] = (struct accrual_member){800, 300, 0};
	assert_int_equal(accrual_group(&grp, m, 2, 0, &ent), 0);
	assert_true(ent == 1000 && m[0].delta == 0 && m[1].delta == 0);
	/* a lifetime group cap counts what other periods were paid */
	grp.cap_period = POLICY_LIFETIME;
	m[0] = (struct accrual_member){700, 0, 0};
	m[1] = (struct accrual_member){600, 0, 0};
	assert_int_equal(accrual_group(&grp, m, 2, 800, &ent), 0);
	assert_true(ent == 200 && m[0].delta == 200 && m[1].delta == 0);
}

static void test_cofunding_odd_fen(void **state)
{
	struct policy_program g = mkprog("co", 300);
	int64_t parts[3];

	(void)state;
	g.nshares = 2;
	g.shares[0].bp = 5000;
	g.shares[1].bp = 5000;
	/* 101 fen 1:1: each floors to 50, the odd fen to the first pool */
	assert_int_equal(accrual_split(&g, 101, parts), 0);
	assert_true(parts[0] == 51 && parts[1] == 50);
	assert_int_equal(accrual_split(&g, 1, parts), 0);
	assert_true(parts[0] == 1 && parts[1] == 0);
	/* 34/33/33 of 100: 33 and 33 floored, the first takes 34 */
	g.nshares = 3;
	g.shares[0].bp = 3400;
	g.shares[1].bp = 3300;
	g.shares[2].bp = 3300;
	assert_int_equal(accrual_split(&g, 100, parts), 0);
	assert_true(parts[0] == 34 && parts[1] == 33 && parts[2] == 33);
}

static void test_fund_pool_limits_and_unfunded(void **state)
{
	struct policy_program g = mkprog("co", 300);
	struct accrual_funding f;
	int64_t rem[2] = {10, 1000}, cap = -1;

	(void)state;
	g.nshares = 2;
	g.shares[0].bp = 5000;
	g.shares[1].bp = 5000;
	/* the first pool has 10 fen: 21 would split 11 + 10, so 20 is the
	 * most (10 + 10); the other 80 are unfunded */
	assert_int_equal(accrual_fund(&g, 100, 0, rem, &f), 0);
	assert_true(f.grant == 20 && f.unfunded == 80);
	assert_true(f.part[0] == 10 && f.part[1] == 10);
	/* the second pool limits: 1,000 and 3 -> 7 (4 + 3) */
	rem[1] = 3;
	rem[0] = 1000;
	assert_int_equal(accrual_capacity(&g, 0, rem, INT64_MAX, &cap), 0);
	assert_true(cap == 7);
	/* an empty pool funds nothing: all of it is unmet demand */
	rem[1] = 0;
	assert_int_equal(accrual_fund(&g, 500, 0, rem, &f), 0);
	assert_true(f.grant == 1 && f.unfunded == 499); /* 1 + 0 fits */
	/* min_grant: a small delta is not granted and not unfunded */
	g.min_grant = 5000;
	rem[1] = 1000;
	assert_int_equal(accrual_fund(&g, 4999, 0, rem, &f), 0);
	assert_true(f.grant == 0 && f.unfunded == 0);
	assert_int_equal(accrual_fund(&g, 5000, 0, rem, &f), 0);
	assert_true(f.grant == 2000 && f.unfunded == 3000);
	/* a top-up books the change in each pool's share of the voucher's
	 * running total: from 3 (2 + 1), with 1 fen left in the second
	 * pool, 4 is (2 + 2) and 5 is (3 + 2), but 6 would be (3 + 3): 2 is
	 * the most, booked 1 + 1 */
	g.min_grant = 0;
	rem[0] = 100;
	rem[1] = 1;
	assert_int_equal(accrual_fund(&g, 10, 3, rem, &f), 0);
	assert_true(f.grant == 2 && f.unfunded == 8);
	assert_true(f.part[0] == 1 && f.part[1] == 1);
	/* from 3 with nothing left there: 4 would book the second pool's
	 * fen, so nothing is granted (split alone, 1 fen = 1 + 0 fits) */
	rem[1] = 0;
	assert_int_equal(accrual_fund(&g, 1, 3, rem, &f), 0);
	assert_true(f.grant == 0 && f.unfunded == 1);
}

static void test_prorata_t_equals_r_and_r_plus_1(void **state)
{
	int64_t earned[3] = {100, 200, 300}, paid[3], left = -1;

	(void)state;
	/* T == R: each gets its earned, nothing left */
	assert_int_equal(accrual_prorata(earned, 3, 600, paid, &left), 0);
	assert_true(paid[0] == 100 && paid[1] == 200 && paid[2] == 300);
	assert_true(left == 0);
	/* T == R + 1: 100*599/600 = 99.83, 200*599/600 = 199.67,
	 * 300*599/600 = 299.5: 99 + 199 + 299 = 597, 2 stay */
	assert_int_equal(accrual_prorata(earned, 3, 599, paid, &left), 0);
	assert_true(paid[0] == 99 && paid[1] == 199 && paid[2] == 299);
	assert_true(left == 2);
	/* nothing available: nobody is paid */
	assert_int_equal(accrual_prorata(earned, 3, 0, paid, &left), 0);
	assert_true(paid[0] == 0 && paid[2] == 0 && left == 0);
}

static void test_overflow_at_int64_edges(void **state)
{
	struct policy_program g = mkprog("u", 0);
	struct accrual_member m[2] = {{INT64_MAX, 0, 0}, {1, 0, 0}};
	struct policy_group sum = {
	    "g", POLICY_SUM, POLICY_NO_CAP, POLICY_YEAR, POLICY_PER_BENEFICIARY,
	    0,   NULL,       {NULL, 0}};
	int64_t e = -1, earned[2] = {INT64_MAX, 1}, paid[2], left;

	(void)state;
	g.rule = POLICY_UNIT_RATE;
	g.basis = POLICY_QUANTITY;
	g.unit_rate = 12;
	assert_int_equal(accrual_rule(&g, INT64_MAX / 12, &e), 0);
	assert_true(e == (INT64_MAX / 12) * 12);
	assert_int_equal(accrual_rule(&g, INT64_MAX / 12 + 1, &e),
	                 VD_EOVERFLOW);
	/* a rate never overflows: 100% of INT64_MAX is INT64_MAX */
	g = mkprog("r", 10000);
	assert_true(earned_for(&g, INT64_MAX) == INT64_MAX);
	/* sums refuse to wrap */
	assert_int_equal(accrual_group(&sum, m, 2, 0, &e), VD_EOVERFLOW);
	assert_int_equal(accrual_prorata(earned, 2, 10, paid, &left),
	                 VD_EOVERFLOW);
	/* a max group of INT64_MAX is fine */
	assert_int_equal(accrual_group(NULL, m, 1, 0, &e), 0);
	assert_true(e == INT64_MAX);
	/* the pool bound near INT64_MAX */
	{
		struct policy_program h = mkprog("h", 100);
		int64_t rem = INT64_MAX, cap = -1;
		assert_int_equal(accrual_capacity(&h, 0, &rem, INT64_MAX, &cap),
		                 0);
		assert_true(cap == INT64_MAX);
	}
}

static void test_filters(void **state)
{
	struct policy_program g = mkprog("f", 100);
	char classes[1][POLICY_ID_MAX + 1] = {"domestic"};
	struct accrual_record r =
	    rec("dc", 0, "school", KIND_TRAINING, MID_2026, 100);

	(void)state;
	assert_true(accrual_counts(&g, &r));
	/* a class list: a record without class is not in it */
	g.classes.any = 0;
	g.classes.n = 1;
	g.classes.items = classes;
	assert_false(accrual_counts(&g, &r));
	r.class = "domestic";
	assert_true(accrual_counts(&g, &r));
	r.class = "imported";
	assert_false(accrual_counts(&g, &r));
	g.classes.any = 1;
	g.kinds = 1u << KIND_API;
	assert_false(accrual_counts(&g, &r));
	g.kinds = POLICY_KINDS_ALL;
	/* the window is [valid_from, valid_until) */
	g.valid_from = MID_2026;
	g.valid_until = MID_2026 + 1;
	assert_true(accrual_counts(&g, &r));
	r.at = MID_2026 + 1;
	assert_false(accrual_counts(&g, &r));
	/* org kinds: datong's grant is for startups and SMEs only */
	assert_false(accrual_counts(
	    prog(state, "datong-pool-grant"),
	    &(struct accrual_record){"dc", 0, "school", KIND_TRAINING, NULL,
	                             "h", MID_2026, 1, 0, NULL,
	                             "shanxi.datong"}));
	assert_true(accrual_counts(
	    prog(state, "datong-pool-grant"),
	    &(struct accrual_record){"dc", 0, "sme", KIND_TRAINING, NULL, "h",
	                             MID_2026, 1, 0, NULL, "shanxi.datong"}));
}

#define T(fn) cmocka_unit_test(fn)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_ex1_yuxi_threshold_cap_settle),
	    T(test_ex2_yuxi_oversubscribed),
	    T(test_ex3_xinxing_both_sides),
	    T(test_ex4_xinxing_cap_per_year),
	    T(test_ex5_datong_threshold_whole_basis),
	    T(test_ex6_mentougou_group),
	    T(test_ex7_greenpower_top_up),
	    T(test_ex8_yinchuan_power),
	    T(test_ex9_datong_grant_cover),
	    T(test_ex10_period_boundary),
	    T(test_threshold_exact_and_one_fen_short),
	    T(test_lifetime_cap_across_periods),
	    T(test_lifetime_grant_cap),
	    T(test_max_periods),
	    T(test_round_yuan),
	    T(test_max_group_tie_lowest_id),
	    T(test_max_group_pays_only_above_what_was_paid),
	    T(test_sum_group_shared_cap),
	    T(test_cofunding_odd_fen),
	    T(test_fund_pool_limits_and_unfunded),
	    T(test_prorata_t_equals_r_and_r_plus_1),
	    T(test_overflow_at_int64_edges),
	    T(test_filters),
	};
	return cmocka_run_group_tests(tests, load_seeds, free_seeds);
}
