/* Money: checked arithmetic, basis points, yuan and percent text.
 * Expected values are worked out by hand in the comments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "money.h"

static void test_add_sub_mul_edges(void **state)
{
	int64_t r = 0;

	(void)state;
	assert_int_equal(money_add(INT64_MAX - 1, 1, &r), 0);
	assert_true(r == INT64_MAX);
	assert_int_equal(money_add(INT64_MAX, 1, &r), VD_EOVERFLOW);
	assert_true(r == INT64_MAX); /* untouched on error */
	assert_int_equal(money_add(INT64_MIN, -1, &r), VD_EOVERFLOW);
	assert_int_equal(money_sub(INT64_MIN + 1, 1, &r), 0);
	assert_true(r == INT64_MIN);
	assert_int_equal(money_sub(INT64_MIN, 1, &r), VD_EOVERFLOW);
	assert_int_equal(money_sub(0, INT64_MIN, &r), VD_EOVERFLOW);
	assert_int_equal(money_mul(INT64_MAX, 2, &r), VD_EOVERFLOW);
	assert_int_equal(money_mul(INT64_MIN, -1, &r), VD_EOVERFLOW);
	assert_int_equal(money_mul(4611686018427387903, 2, &r), 0);
	assert_true(r == INT64_MAX - 1);
	/* 1,000,000 kWh at 12 fen = 12,000,000 fen (programs.md ex. 8) */
	assert_int_equal(money_mul(1000000, 12, &r), 0);
	assert_true(r == 12000000);
}

static void test_apply_bp(void **state)
{
	int64_t r = 0;

	(void)state;
	/* programs.md ex. 3: 3% and 2% of 10,000,000 fen */
	assert_int_equal(money_apply_bp(10000000, 300, &r), 0);
	assert_true(r == 300000);
	assert_int_equal(money_apply_bp(10000000, 200, &r), 0);
	assert_true(r == 200000);
	/* floor: 3% of 33 fen is 0.99 fen -> 0; of 34 -> 1.02 -> 1 */
	assert_int_equal(money_apply_bp(33, 300, &r), 0);
	assert_true(r == 0);
	assert_int_equal(money_apply_bp(34, 300, &r), 0);
	assert_true(r == 1);
	/* INT64_MAX * 300 needs 73 bits; 9223372036854775807 * 3 / 100 =
	 * 276701161105643274.21 -> 276701161105643274 */
	assert_int_equal(money_apply_bp(INT64_MAX, 300, &r), 0);
	assert_true(r == 276701161105643274LL);
	assert_int_equal(money_apply_bp(INT64_MAX, 10000, &r), 0);
	assert_true(r == INT64_MAX);
	/* 0.01% of INT64_MAX = 922337203685477.5807 -> 922337203685477 */
	assert_int_equal(money_apply_bp(INT64_MAX, 1, &r), 0);
	assert_true(r == 922337203685477LL);
	/* rounding is towards minus infinity, also for negative amounts */
	assert_int_equal(money_apply_bp(-1, 300, &r), 0);
	assert_true(r == -1);
	assert_int_equal(money_apply_bp(INT64_MAX, 20000, &r), VD_EOVERFLOW);
	assert_int_equal(money_apply_bp(5, -1, &r), VD_EINVAL);
}

static void test_muldiv(void **state)
{
	int64_t r = 0;

	(void)state;
	/* programs.md ex. 2: 50,000,000 * 500,000,000 / 600,000,000 */
	assert_int_equal(money_muldiv_floor(50000000, 500000000, 600000000, &r),
	                 0);
	assert_true(r == 41666666);
	assert_int_equal(
	    money_muldiv_floor(INT64_MAX, INT64_MAX, INT64_MAX, &r), 0);
	assert_true(r == INT64_MAX);
	assert_int_equal(money_muldiv_floor(INT64_MAX, 2, 1, &r), VD_EOVERFLOW);
	assert_int_equal(money_muldiv_floor(1, 1, 0, &r), VD_EINVAL);
	assert_int_equal(money_muldiv_floor(-7, 1, 2, &r), 0);
	assert_true(r == -4);
}

static int64_t yuan(const char *s, unsigned flags, int *rc)
{
	int64_t v = 777;

	*rc = money_parse_yuan(s, strlen(s), flags, &v);
	return v;
}

static void test_parse_yuan_ok(void **state)
{
	int rc;

	(void)state;
	assert_true(yuan("12,345.67", MONEY_GROUPED, &rc) == 1234567);
	assert_int_equal(rc, 0);
	assert_true(yuan("-0.01", MONEY_SIGNED, &rc) == -1);
	assert_int_equal(rc, 0);
	assert_true(yuan("2000000", 0, &rc) == 200000000);
	assert_true(yuan("2000000.50", 0, &rc) == 200000050);
	assert_true(yuan("0.12", 0, &rc) == 12);
	assert_true(yuan("0.1", 0, &rc) == 10);
	assert_true(yuan("0", 0, &rc) == 0);
	assert_true(yuan("1,000,000", MONEY_GROUPED, &rc) == 100000000);
	assert_true(yuan("999", MONEY_GROUPED, &rc) == 99900);
	assert_true(yuan("92233720368547758.07", 0, &rc) == INT64_MAX);
	assert_int_equal(rc, 0);
	assert_true(yuan("-92,233,720,368,547,758.08",
	                 MONEY_SIGNED | MONEY_GROUPED, &rc) == INT64_MIN);
	assert_int_equal(rc, 0);
}

static void test_parse_yuan_bad(void **state)
{
	static const char *const bad[] = {
	    "",        "-",      "1.",   ".5",   "+1",       "1e3",
	    " 1",      "1 ",     "01",   "00.1", "1.234",    "0.001",
	    "12,34.5", "1,2345", ",123", "123,", "1,,234",   "1234,567",
	    "1.2.3",   "--1",    "1-",   "abc",  "1,234.5,6"};
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		yuan(bad[i], MONEY_GROUPED | MONEY_SIGNED, &rc);
		if (rc != VD_EINVAL)
			fail_msg("'%s' was accepted (rc %d)", bad[i], rc);
	}
	/* separators and signs only where the caller allows them */
	yuan("12,345", 0, &rc);
	assert_int_equal(rc, VD_EINVAL);
	yuan("-1", 0, &rc);
	assert_int_equal(rc, VD_EINVAL);
	/* one fen past INT64 either way */
	yuan("92233720368547758.08", 0, &rc);
	assert_int_equal(rc, VD_EOVERFLOW);
	yuan("-92233720368547758.09", MONEY_SIGNED, &rc);
	assert_int_equal(rc, VD_EOVERFLOW);
	yuan("99999999999999999999999", 0, &rc);
	assert_int_equal(rc, VD_EOVERFLOW);
}

static void test_parse_not_nul_terminated(void **state)
{
	const char buf[] = {'1', '2', '.', '3', '4', '5', '%'};
	int64_t v = 0;

	(void)state;
	assert_int_equal(money_parse_yuan(buf, 5, 0, &v), 0);
	assert_true(v == 1234);
	assert_int_equal(money_parse_uint(buf, 2, &v), 0);
	assert_true(v == 12);
	/* "12.345%" is finer than 0.01% */
	assert_int_equal(money_parse_percent(buf, 7, &v), VD_EINVAL);
}

static void test_format_yuan(void **state)
{
	static const struct {
		int64_t fen;
		const char *text;
	} cases[] = {{1234567, "12,345.67"},
	             {-1, "-0.01"},
	             {0, "0.00"},
	             {99, "0.99"},
	             {100, "1.00"},
	             {123456, "1,234.56"},
	             {100000000, "1,000,000.00"},
	             {-100000, "-1,000.00"},
	             {INT64_MAX, "92,233,720,368,547,758.07"},
	             {INT64_MIN, "-92,233,720,368,547,758.08"}};
	char buf[MONEY_FMT_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = money_format_yuan(cases[i].fen, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].text);
		assert_int_equal(n, (int)strlen(cases[i].text));
	}
	assert_int_equal(money_format_yuan(1, buf, 8), VD_ELIMIT);
}

static void test_format_parse_round_trip(void **state)
{
	static const int64_t v[] = {
	    0, 1, -1, 999, 1000, 123456789, INT64_MAX, INT64_MIN, -100000000};
	char buf[MONEY_FMT_MAX];
	int64_t back = 0;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		money_format_yuan(v[i], buf, sizeof(buf));
		assert_int_equal(money_parse_yuan(buf, strlen(buf),
		                                  MONEY_GROUPED | MONEY_SIGNED,
		                                  &back),
		                 0);
		assert_true(back == v[i]);
	}
}

static void test_parse_percent(void **state)
{
	static const struct {
		const char *s;
		int64_t bp;
	} ok[] = {{"3%", 300},     {"2.5%", 250}, {"0.01%", 1},
	          {"100%", 10000}, {"30%", 3000}, {"0%", 0},
	          {"12.34%", 1234}};
	static const char *const bad[] = {"0.005%", "3",   "101%", "100.01%",
	                                  "%",      "-3%", "3 %",  "3%%",
	                                  "03%",    "3.%", "",     "1e2%"};
	int64_t bp = 0;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(
		    money_parse_percent(ok[i].s, strlen(ok[i].s), &bp), 0);
		assert_true(bp == ok[i].bp);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (money_parse_percent(bad[i], strlen(bad[i]), &bp) !=
		    VD_EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
}

static void test_parse_uint(void **state)
{
	int64_t v = 0;

	(void)state;
	assert_int_equal(money_parse_uint("9223372036854775807", 19, &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(money_parse_uint("9223372036854775808", 19, &v),
	                 VD_EOVERFLOW);
	assert_int_equal(money_parse_uint("0", 1, &v), 0);
	assert_true(v == 0);
	assert_int_equal(money_parse_uint("007", 3, &v), VD_EINVAL);
	assert_int_equal(money_parse_uint("-1", 2, &v), VD_EINVAL);
	assert_int_equal(money_parse_uint("", 0, &v), VD_EINVAL);
	/* num_parse's order: a non-digit is found before the overflow */
	assert_int_equal(money_parse_uint("99999999999999999999x", 21, &v),
	                 VD_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_sub_mul_edges),
	    cmocka_unit_test(test_apply_bp),
	    cmocka_unit_test(test_muldiv),
	    cmocka_unit_test(test_parse_yuan_ok),
	    cmocka_unit_test(test_parse_yuan_bad),
	    cmocka_unit_test(test_parse_not_nul_terminated),
	    cmocka_unit_test(test_format_yuan),
	    cmocka_unit_test(test_format_parse_round_trip),
	    cmocka_unit_test(test_parse_percent),
	    cmocka_unit_test(test_parse_uint),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
