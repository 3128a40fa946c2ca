/* Territories (domain.md, "Territories"): regions on principals, pools
 * and programs; `providers = local` and the beneficiary within a
 * program's region; a principal without a region is within none. On
 * tests/data/policy-regions/regions.ini; every figure worked by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ledger_fixture.h"

#define REGIONS VD_SOURCE_DIR "/tests/data/policy-regions/regions.ini"

static int count_row(void *arg, const struct ledger_accrual *a)
{
	(void)a;
	++*(int *)arg;
	return 0;
}

/* Providers: yx in yunnan.yuxi.hongta (a sub-region of Yuxi), km in
 * yunnan.kunming, xx in xinjiang.xinxing, nr in none but flagged local.
 * Orgs: a in yunnan.yuxi, b in yunnan.kunming, c in none, d in
 * xinjiang.xinxing. */
static int setup(void **state)
{
	static const char *const files[] = {REGIONS, NULL};
	static struct fx f;

	if (fx_open(&f, files, 0) != 0 ||
	    fx_register_in(&f, "yx", ROLE_PROVIDER, "", 0,
	                   "yunnan.yuxi.hongta") != 0 ||
	    fx_register_in(&f, "km", ROLE_PROVIDER, "", 0, "yunnan.kunming") !=
	        0 ||
	    fx_register_in(&f, "xx", ROLE_PROVIDER, "", 0,
	                   "xinjiang.xinxing") != 0 ||
	    fx_register_in(&f, "nr", ROLE_PROVIDER, "", 1, "") != 0 ||
	    fx_register_in(&f, "a", ROLE_ORG, "enterprise", 0, "yunnan.yuxi") !=
	        0 ||
	    fx_register_in(&f, "b", ROLE_ORG, "enterprise", 0,
	                   "yunnan.kunming") != 0 ||
	    fx_register_in(&f, "c", ROLE_ORG, "enterprise", 0, "") != 0 ||
	    fx_register_in(&f, "d", ROLE_ORG, "enterprise", 0,
	                   "xinjiang.xinxing") != 0)
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	fx_close(*state);
	return 0;
}

/* city-local (10%, region yunnan.yuxi: its first pool's) and prov-local
 * (1%, region yunnan) on 1,000,000-fen bills:
 * - yx (in a sub-region of Yuxi) bills a: 100,000 and 10,000;
 * - km (Kunming) bills a: not within Yuxi, within Yunnan: 10,000 more;
 * - yx bills b (Kunming): only the province's, 10,000;
 * - nr (no region, flagged local) bills a: a program with a region does
 *   not read the flag: nothing;
 * - yx bills c (no region): c is within no region: nothing.
 * city-local's 100,000 is co-funded: 50,000 from each pool. */
static void test_city_program_province_pool(void **state)
{
	struct fx *f = *state;
	struct ledger_pool city, prov;

	assert_int_equal(fx_usage(f, "yx", "r1", "a", JUNE_2026, 1000000), 0);
	assert_int_equal(fx_usage(f, "km", "r2", "a", JUNE_2026, 1000000), 0);
	assert_int_equal(fx_usage(f, "yx", "r3", "b", JUNE_2026, 1000000), 0);
	assert_int_equal(fx_usage(f, "nr", "r4", "a", JUNE_2026, 1000000), 0);
	assert_int_equal(fx_usage(f, "yx", "r5", "c", JUNE_2026, 1000000), 0);
	assert_true(fx_granted(f, "city-local", "a", 2026, NULL) == 100000);
	assert_true(fx_granted(f, "prov-local", "a", 2026, NULL) == 20000);
	assert_true(fx_granted(f, "city-local", "b", 2026, NULL) == -1);
	assert_true(fx_granted(f, "prov-local", "b", 2026, NULL) == 10000);
	assert_true(fx_granted(f, "city-local", "c", 2026, NULL) == -1);
	assert_true(fx_granted(f, "prov-local", "c", 2026, NULL) == -1);
	assert_int_equal(fx_pool(f, "city", 2026, &city), 0);
	assert_int_equal(fx_pool(f, "prov", 2026, &prov), 0);
	/* city: 50,000 + half of prov-local's 30,000; prov the same */
	assert_true(city.granted == 65000 && prov.granted == 65000);
	fx_check_ok(f);
}

/* far-any pays 2% of xinjiang.xinxing's local compute to anyone: xx bills
 * b (Kunming) 1,000,000: 20,000; nr (no region) is not local to it. */
static void test_any_beneficiary(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_usage(f, "xx", "s1", "b", JUNE_2026, 1000000), 0);
	assert_int_equal(fx_usage(f, "nr", "s2", "b", JUNE_2026, 1000000), 0);
	assert_true(fx_granted(f, "far-any", "b", 2026, NULL) == 20000);
	fx_check_ok(f);
}

/* far-grant's region is its pool's, xinjiang.xinxing: an application for
 * a (Yuxi) is BADREQ, for d 30% of the need. */
static void test_issue_within_region(void **state)
{
	struct fx *f = *state;
	struct ledger_op op;

	assert_int_equal(fx_issue(f, "far-grant", "a", 100000, -1, "g1", &op),
	                 VD_EINVAL);
	assert_string_equal(op.why,
	                    "the org is not within the program's region");
	assert_int_equal(fx_issue(f, "far-grant", "d", 100000, -1, "g2", &op),
	                 0);
	assert_true(op.amount == 30000);
}

/* a's city-local voucher (100,000) pays only providers within Yuxi: km
 * redeeming against its own bill to a is DENIED, yx may. */
static void test_redeem_within_region(void **state)
{
	struct fx *f = *state;
	struct ledger_voucher v;
	struct ledger_op op;

	assert_true(fx_granted(f, "city-local", "a", 2026, &v) == 100000);
	assert_int_equal(fx_redeem(f, "km", v.id, "r2", 1000, "k1", &op),
	                 VD_EDENIED);
	assert_string_equal(
	    op.why, "the program pays providers within its region only");
	assert_int_equal(fx_redeem(f, "yx", v.id, "r1", 1000, "k2", &op), 0);
	fx_check_ok(f);
}

/* programs.md example 12: the Xinxing and Yuxi seeds in one ledger.
 * Provider P in xinjiang.xinxing bills org Q in yunnan.yuxi 10,000,000
 * in 2026: xinxing-demand gives Q nothing (Q is not within Xinxing),
 * xinxing-supply gives P 2% = 200,000, and yuxi-compute does not count
 * the bill (P is not within Yuxi): Q has no row at all. */
static void test_ex12_territory(void **state)
{
	static const char *const files[] = {"xinxing.ini", "yuxi.ini", NULL};
	struct fx f;
	int n = 0;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(
	    fx_register_in(&f, "p", ROLE_PROVIDER, "", 1, "xinjiang.xinxing"),
	    0);
	assert_int_equal(
	    fx_register_in(&f, "q", ROLE_ORG, "enterprise", 0, "yunnan.yuxi"),
	    0);
	assert_int_equal(fx_usage(&f, "p", "b1", "q", JUNE_2026, 10000000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "q", 2026, NULL) == -1);
	assert_true(fx_granted(&f, "xinxing-supply", "p", 2026, NULL) ==
	            200000);
	assert_int_equal(ledger_accruals(f.l, NULL, "q", 0, count_row, &n), 0);
	assert_int_equal(n, 0);
	fx_check_ok(&f);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_city_program_province_pool),
	    cmocka_unit_test(test_any_beneficiary),
	    cmocka_unit_test(test_issue_within_region),
	    cmocka_unit_test(test_redeem_within_region),
	};
	const struct CMUnitTest alone[] = {
	    cmocka_unit_test(test_ex12_territory),
	};
	int failed = cmocka_run_group_tests(tests, setup, teardown);

	return failed + cmocka_run_group_tests(alone, NULL, NULL);
}
