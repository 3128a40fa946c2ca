/* Edges a review found, each worked by hand; each test failed before its
 * fix. Co-funded programs at the edge of a pool (domain.md: "a grant
 * never exceeds what every pool can still pay for its share"; the
 * figures are running totals of each voucher's split), and applications
 * after a pool ran dry (each application is its own voucher). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ledger_fixture.h"

/* Pool a 100 yuan, pool b 1 fen, one program 100% of the bill from a:50%
 * b:50%. Four 1-fen bills of one org: the voucher's total goes 1, 2, 3,
 * split (1,0), (1,1), (2,1): b's fen is used by the second grant. The
 * fourth would make it 4 = (2,2), a second fen of b: nothing is granted,
 * 1 fen is unfunded. Before, the capacity was judged on the split of the
 * new fen alone (1 = 1 + 0 fits) and b ended at remaining -1. */
static void test_topup_within_running_split(void **state)
{
	struct ledger_pool a, b;
	struct policy *p;
	char path[256], why[300], id[8];
	struct fx f;
	int i;

	(void)state;
	{
		static const char *const files[] = {
		    VD_SOURCE_DIR "/tests/data/policy-small/small.ini", NULL};
		assert_int_equal(fx_open(&f, files, 0), 0);
	}
	p = fx_policy_of(&f, "co.ini",
	                 "[pool a]\nbudget = 100\n[pool b]\nbudget = 0.01\n"
	                 "[program co]\npool = a:50%, b:50%\n"
	                 "beneficiary = consumer\nrate = 100%\n"
	                 "settlement = immediate\n",
	                 path, sizeof(path));
	assert_int_equal(fx_reload(&f, p, NULL, why, sizeof(why)), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	for (i = 0; i < 4; i++) {
		snprintf(id, sizeof(id), "r%d", i);
		assert_int_equal(fx_usage(&f, "dc", id, "s", JUNE_2026, 1), 0);
	}
	assert_true(fx_granted(&f, "co", "s", 2026, NULL) == 3);
	assert_int_equal(fx_pool(&f, "a", 2026, &a), 0);
	assert_int_equal(fx_pool(&f, "b", 2026, &b), 0);
	assert_true(a.granted == 2 && a.remaining == 9998);
	assert_true(b.granted == 1 && b.remaining == 0 && b.unfunded == 0);
	/* the row's 1 fen of unmet demand is split 1 + 0 */
	assert_true(a.unfunded == 1);
	fx_check_ok(&f);
	ledger_set_policy(f.l, f.p);
	policy_free(p);
	fx_close(&f);
}

/* Pool a 2 fen, pool b 1 fen, an annual program 100% from a:50% b:50%.
 * Three orgs bill 1 fen each: T = 3, and 3 splits (2,1), which fits, so
 * R was 3. But each org's voucher books its own split, 1 = (1,0): three
 * fen from a, which has 2. R comes down to 2: each is paid
 * floor(1 * 2 / 3) = 0, and nothing is overdrawn. (With R = 2 the
 * payments sum to 0 <= 2: a's and b's remaining stay 2 and 1.) */
static void test_settlement_within_each_split(void **state)
{
	struct ledger_pool a, b;
	struct policy *p;
	char path[256], why[300], org[8];
	int64_t paid = -1;
	struct fx f;
	int i;

	(void)state;
	{
		static const char *const files[] = {
		    VD_SOURCE_DIR "/tests/data/policy-small/small.ini", NULL};
		assert_int_equal(fx_open(&f, files, 0), 0);
	}
	p = fx_policy_of(&f, "ann.ini",
	                 "[pool a]\nbudget = 0.02\n[pool b]\nbudget = 0.01\n"
	                 "[program ann]\npool = a:50%, b:50%\n"
	                 "beneficiary = consumer\nrate = 100%\n"
	                 "settlement = annual\npays = cash\n",
	                 path, sizeof(path));
	assert_int_equal(fx_reload(&f, p, NULL, why, sizeof(why)), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	for (i = 0; i < 3; i++) {
		char rid[8];
		snprintf(org, sizeof(org), "o%d", i);
		snprintf(rid, sizeof(rid), "r%d", i);
		assert_int_equal(fx_register(&f, org, ROLE_ORG, "school", 0),
		                 0);
		assert_int_equal(fx_usage(&f, "dc", rid, org, JUNE_2026, 1), 0);
	}
	f.now = T2027 + 86400;
	assert_int_equal(fx_settle(&f, "ann", 2026, 0, &paid), 0);
	assert_true(paid == 0);
	assert_int_equal(fx_pool(&f, "a", 2026, &a), 0);
	assert_int_equal(fx_pool(&f, "b", 2026, &b), 0);
	assert_true(a.granted == 0 && a.remaining == 2);
	assert_true(b.granted == 0 && b.remaining == 1);
	fx_check_ok(&f);
	ledger_set_policy(f.l, f.p);
	policy_free(p);
	fx_close(&f);
}

/* Pool g 10 yuan, grant program gp 30% of the need. a1 (need 10,000)
 * asks 3,000: the pool pays 1,000, 2,000 unfunded. a2 (need 1,000) asks
 * 300: nothing left, 300 unfunded. The budget is raised to 100 yuan;
 * a3 (need 100) asks 30 and gets its 30, no more: its voucher is its
 * own, so revoking it cannot take a1's or a2's money, and their 2,300
 * stay unmet demand on the row. Before, a3's voucher took 2,330. */
static void test_application_gets_its_own(void **state)
{
	struct policy *p, *q;
	struct ledger_voucher v;
	struct ledger_op op;
	char path[256], why[300];
	struct fx f;

	(void)state;
	{
		static const char *const files[] = {
		    VD_SOURCE_DIR "/tests/data/policy-small/small.ini", NULL};
		assert_int_equal(fx_open(&f, files, 0), 0);
	}
	p = fx_policy_of(&f, "g.ini",
	                 "[pool g]\nbudget = 10\n[program gp]\npool = g\n"
	                 "beneficiary = consumer\nrate = 30%\n"
	                 "settlement = grant\n",
	                 path, sizeof(path));
	assert_int_equal(fx_reload(&f, p, NULL, why, sizeof(why)), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "startup", 0), 0);
	assert_int_equal(fx_issue(&f, "gp", "s", 10000, -1, "a1", &op), 0);
	assert_true(op.amount == 1000 && op.remaining == 2000);
	assert_int_equal(fx_issue(&f, "gp", "s", 1000, -1, "a2", &op), 0);
	assert_true(op.amount == 0 && op.remaining == 300);
	q = fx_policy_of(&f, "g.ini",
	                 "[pool g]\nbudget = 100\n[program gp]\npool = g\n"
	                 "beneficiary = consumer\nrate = 30%\n"
	                 "settlement = grant\n",
	                 path, sizeof(path));
	assert_int_equal(fx_reload(&f, q, p, why, sizeof(why)), 0);
	assert_int_equal(fx_issue(&f, "gp", "s", 100, -1, "a3", &op), 0);
	assert_true(op.amount == 30 && op.remaining == 0);
	assert_int_equal(ledger_voucher(f.l, op.voucher, &v), 0);
	assert_true(v.granted == 30);
	fx_check_ok(&f);
	ledger_set_policy(f.l, f.p);
	policy_free(p);
	policy_free(q);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_topup_within_running_split),
	    cmocka_unit_test(test_settlement_within_each_split),
	    cmocka_unit_test(test_application_gets_its_own),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
