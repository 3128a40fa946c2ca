/* Civil time: the proleptic Gregorian calendar and the wire's RFC 3339
 * UTC spelling. Day counts are worked out by hand in the comments:
 * 1970..1999 are 30 years with 7 leap days (72, 76, ..., 96), 10957 days;
 * 2000..2025 are 26 years with 7 leap days (2000, ..., 2024), 9497 days;
 * so 2000-01-01 is day 10957 and 2026-01-01 is day 20454. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "civil.h"
#include "err.h"

static void test_days(void **state)
{
	int64_t y = 0;
	int m = 0, d = 0;

	(void)state;
	assert_true(civil_to_days(1970, 1, 1) == 0);
	/* 10957 days to 2000-01-01, then 31 + 29 (leap February) */
	assert_true(civil_to_days(2000, 3, 1) == 11017);
	assert_true(civil_to_days(2026, 1, 1) * 86400 == 1767225600LL);
	assert_true(civil_to_days(1969, 12, 31) == -1);
	/* year 0 is a leap year: 0000-03-01 is 719468 days before the
	 * epoch, and 0000-01-01 60 days (31 + 29) before that */
	assert_true(civil_to_days(0, 3, 1) == -719468);
	assert_true(civil_to_days(0, 1, 1) == -719528);
	civil_from_days(20454, &y, &m, &d);
	assert_true(y == 2026 && m == 1 && d == 1);
	civil_from_days(-1, &y, &m, &d);
	assert_true(y == 1969 && m == 12 && d == 31);
	civil_from_days(11016, &y, &m, &d);
	assert_true(y == 2000 && m == 2 && d == 29);
	civil_from_days(-719528, &y, &m, &d);
	assert_true(y == 0 && m == 1 && d == 1);
}

static void test_day_of_instant(void **state)
{
	(void)state;
	assert_true(civil_day(0) == 0);
	assert_true(civil_day(86399) == 0);
	assert_true(civil_day(86400) == 1);
	/* floor, not truncation, before the epoch */
	assert_true(civil_day(-1) == -1);
	assert_true(civil_day(-86400) == -1);
	assert_true(civil_day(-86401) == -2);
	assert_true(civil_day(1767225600LL) == 20454);
}

static void test_dates(void **state)
{
	int64_t y = 7;
	int m = 7, d = 7;

	(void)state;
	assert_int_equal(civil_date_valid(2024, 2, 29), 1);
	assert_int_equal(civil_date_valid(2000, 2, 29), 1);
	assert_int_equal(civil_date_valid(2025, 2, 29), 0);
	assert_int_equal(civil_date_valid(1900, 2, 29), 0);
	assert_int_equal(civil_date_valid(2026, 4, 31), 0);
	assert_int_equal(civil_date_valid(2026, 12, 31), 1);
	assert_int_equal(civil_date_valid(0, 1, 1), 0);
	assert_int_equal(civil_date_valid(1, 1, 1), 1);
	assert_int_equal(civil_date_valid(9999, 12, 31), 1);
	assert_int_equal(civil_date_valid(10000, 1, 1), 0);
	assert_int_equal(civil_date_valid(2026, 0, 1), 0);
	assert_int_equal(civil_date_valid(2026, 13, 1), 0);
	assert_int_equal(civil_date_valid(2026, 1, 0), 0);

	assert_int_equal(civil_parse_date("2026-03-01", 10, &y, &m, &d), 0);
	assert_true(y == 2026 && m == 3 && d == 1);
	assert_int_equal(civil_parse_date("2026-02-30", 10, &y, &m, &d),
	                 VD_EINVAL);
	assert_int_equal(civil_parse_date("0000-01-01", 10, &y, &m, &d),
	                 VD_EINVAL);
	assert_int_equal(civil_parse_date("2026-3-01", 9, &y, &m, &d),
	                 VD_EINVAL);
	assert_int_equal(civil_parse_date("2026-03-+1", 10, &y, &m, &d),
	                 VD_EINVAL);
	/* only the range given is read: no NUL needed, none looked for */
	assert_int_equal(civil_parse_date("2026-03-01T", 10, &y, &m, &d), 0);
	assert_int_equal(civil_parse_date(NULL, 10, &y, &m, &d), VD_EINVAL);
	/* refusals leave the outputs alone */
	assert_true(y == 2026 && m == 3 && d == 1);
}

/* ptime.h's tests, as they were (the code for a refusal is now VD_EINVAL,
 * base's; proto's callers turn it into PROTO_ETIME or PROTO_EINVAL). */
static void test_times(void **state)
{
	char buf[CIVIL_UTC_LEN + 1];
	int64_t t = 0;

	(void)state;
	assert_int_equal(civil_parse_utc("2026-03-01T08:00:00Z", 20, &t), 0);
	assert_true(t == 1772352000);
	assert_int_equal(civil_format_utc(t, buf), 0);
	assert_string_equal(buf, "2026-03-01T08:00:00Z");
	/* the period boundary of programs.md ex. 10 */
	assert_int_equal(civil_parse_utc("2025-12-31T16:00:00Z", 20, &t), 0);
	assert_true(t == 1767196800);
	assert_int_equal(civil_format_utc(0, buf), 0);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	assert_int_equal(civil_format_utc(253402300799LL, buf), 0);
	assert_string_equal(buf, "9999-12-31T23:59:59Z");
	assert_int_equal(civil_format_utc(-1, buf), VD_EINVAL);
	assert_int_equal(civil_parse_utc("2100-02-29T00:00:00Z", 20, &t),
	                 VD_EINVAL);
}

static void test_utc_edges(void **state)
{
	char buf[CIVIL_UTC_LEN + 1];
	int64_t t = 5;

	(void)state;
	assert_int_equal(civil_parse_utc("1970-01-01T00:00:00Z", 20, &t), 0);
	assert_true(t == 0);
	assert_int_equal(civil_parse_utc("9999-12-31T23:59:59Z", 20, &t), 0);
	assert_true(t == 253402300799LL);
	/* 2024-01-01 is day 19723 (20454 - 365 - 366); + 31 + 28 */
	assert_int_equal(civil_parse_utc("2024-02-29T23:59:59Z", 20, &t), 0);
	assert_true(t == 19782LL * 86400 + 86399);
	t = 5;
	assert_int_equal(civil_parse_utc("1969-12-31T23:59:59Z", 20, &t),
	                 VD_EINVAL);
	assert_int_equal(civil_parse_utc("2026-03-01T24:00:00Z", 20, &t),
	                 VD_EINVAL);
	assert_int_equal(civil_parse_utc("2026-03-01T08:60:00Z", 20, &t),
	                 VD_EINVAL);
	assert_int_equal(civil_parse_utc("2026-03-01T08:00:60Z", 20, &t),
	                 VD_EINVAL);
	assert_int_equal(civil_parse_utc("2026-03-01t08:00:00Z", 20, &t),
	                 VD_EINVAL);
	assert_int_equal(civil_parse_utc("2026-03-01T08:00:00z", 20, &t),
	                 VD_EINVAL);
	assert_int_equal(civil_parse_utc("2026-03-01T08:00:00.0Z", 22, &t),
	                 VD_EINVAL);
	assert_int_equal(civil_parse_utc("2026-03-01T08:00:00+00:00", 25, &t),
	                 VD_EINVAL);
	assert_int_equal(civil_parse_utc("2026-03-01T08:00:00Z", 19, &t),
	                 VD_EINVAL);
	assert_true(t == 5);

	memset(buf, 'x', sizeof(buf));
	assert_int_equal(civil_format_utc(253402300800LL, buf), VD_EINVAL);
	assert_int_equal(buf[0], 'x');
	assert_int_equal(civil_format_utc(86399, buf), 0);
	assert_string_equal(buf, "1970-01-01T23:59:59Z");
}

/* period_format_utc's contract: any t, clamped to years 0..9999 */
static void test_clamped(void **state)
{
	char buf[CIVIL_UTC_LEN + 1];

	(void)state;
	civil_format_utc_clamped(1767196800LL, buf);
	assert_string_equal(buf, "2025-12-31T16:00:00Z");
	civil_format_utc_clamped(-1, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
	civil_format_utc_clamped(-62167219200LL, buf);
	assert_string_equal(buf, "0000-01-01T00:00:00Z");
	civil_format_utc_clamped(-62167219201LL, buf);
	assert_string_equal(buf, "0000-01-01T00:00:00Z");
	civil_format_utc_clamped(INT64_MIN, buf);
	assert_string_equal(buf, "0000-01-01T00:00:00Z");
	civil_format_utc_clamped(253402300800LL, buf);
	assert_string_equal(buf, "9999-12-31T23:59:59Z");
	civil_format_utc_clamped(INT64_MAX, buf);
	assert_string_equal(buf, "9999-12-31T23:59:59Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_days),
	    cmocka_unit_test(test_day_of_instant),
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_times),
	    cmocka_unit_test(test_utc_edges),
	    cmocka_unit_test(test_clamped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
