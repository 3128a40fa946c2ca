/* Periods: the CST calendar year of an instant, and policy dates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "period.h"

/* 2026-01-01T00:00:00Z is 1767225600 (20454 days * 86400); eight hours
 * earlier, 2025-12-31T16:00:00Z = 1767196800, is midnight in Beijing. */
#define T_2026_CST 1767196800LL

static void test_boundary_dec31_1600z(void **state)
{
	(void)state;
	/* programs.md ex. 10: 2025-12-31T16:00:00Z belongs to 2026 */
	assert_int_equal(period_of(T_2026_CST), 2026);
	assert_int_equal(period_of(T_2026_CST - 1), 2025); /* 15:59:59Z */
	assert_int_equal(period_of(1767225600LL), 2026);
	assert_true(period_start(2026) == T_2026_CST);
}

static void test_epoch(void **state)
{
	(void)state;
	assert_int_equal(period_of(0), 1970);
	assert_int_equal(period_of(-28800), 1970); /* 1970-01-01 00:00 CST */
	assert_int_equal(period_of(-28801), 1969);
	/* last second of 2026 in Beijing: 2026-12-31T15:59:59Z */
	assert_int_equal(period_of(period_start(2027) - 1), 2026);
	assert_int_equal(period_of(INT64_MAX) > 9999, 1);
}

static void test_parse_date(void **state)
{
	int64_t t = 0;

	(void)state;
	assert_int_equal(period_parse_date("2026-01-01", 10, &t), 0);
	assert_true(t == T_2026_CST);
	assert_int_equal(period_parse_date("2024-02-29", 10, &t), 0);
	assert_int_equal(period_parse_date("2026-02-30", 10, &t), VD_EINVAL);
	assert_int_equal(period_parse_date("2025-02-29", 10, &t), VD_EINVAL);
	assert_int_equal(period_parse_date("1900-02-29", 10, &t), VD_EINVAL);
	assert_int_equal(period_parse_date("2000-02-29", 10, &t), 0);
	assert_int_equal(period_parse_date("2026-13-01", 10, &t), VD_EINVAL);
	assert_int_equal(period_parse_date("2026-00-10", 10, &t), VD_EINVAL);
	assert_int_equal(period_parse_date("2026-1-01", 9, &t), VD_EINVAL);
	assert_int_equal(period_parse_date("2026/01/01", 10, &t), VD_EINVAL);
	assert_int_equal(period_parse_date("2026-01-0a", 10, &t), VD_EINVAL);
	assert_int_equal(period_parse_date("0000-01-01", 10, &t), VD_EINVAL);
}

static void test_format_date(void **state)
{
	char buf[11];

	(void)state;
	period_format_date(T_2026_CST, buf);
	assert_string_equal(buf, "2026-01-01");
	period_format_date(T_2026_CST - 1, buf);
	assert_string_equal(buf, "2025-12-31");
	/* past either end of years 0..9999: the nearest end */
	period_format_date(INT64_MAX, buf);
	assert_string_equal(buf, "9999-12-31");
	period_format_date(INT64_MIN, buf);
	assert_string_equal(buf, "0000-01-01");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_boundary_dec31_1600z),
	    cmocka_unit_test(test_epoch),
	    cmocka_unit_test(test_parse_date),
	    cmocka_unit_test(test_format_date),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
