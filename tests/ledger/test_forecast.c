/* forecast_dry: when a pool runs dry at its last days' pace. Every day
 * worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "err.h"
#include "forecast.h"

#define TODAY 20600 /* a CST day number; only differences matter */

static void fill(int64_t *d, int64_t v)
{
	int i;

	for (i = 0; i < 30; i++)
		d[i] = v;
}

/* 10,000 fen a day for 30 days: 1,000,000 remaining lasts 100 days */
static void test_steady_pace(void **state)
{
	int64_t d[30];
	struct forecast f;

	(void)state;
	fill(d, 10000);
	assert_int_equal(forecast_dry(1000000, d, 30, TODAY, TODAY + 200, &f),
	                 0);
	assert_int_equal(f.kind, FORECAST_ON);
	assert_int_equal(f.day, TODAY + 100);
	assert_true(f.pace == 10000);
	/* the period ends on day 100: dry on its last day */
	assert_int_equal(forecast_dry(1000000, d, 30, TODAY, TODAY + 100, &f),
	                 0);
	assert_int_equal(f.kind, FORECAST_ON);
	assert_int_equal(f.day, TODAY + 100);
	/* one day earlier: not this period */
	assert_int_equal(forecast_dry(1000000, d, 30, TODAY, TODAY + 99, &f),
	                 0);
	assert_int_equal(f.kind, FORECAST_NOT_THIS);
}

/* 30,000 on the last day only: 1,000 a day; 2,500 remaining takes 2.5
 * days, so the third day uses it up. The pace is the mean, rounded
 * down for display (1,000), the day from the exact sum. */
static void test_uneven_window(void **state)
{
	int64_t d[30];
	struct forecast f;

	(void)state;
	fill(d, 0);
	d[29] = 30000;
	assert_int_equal(forecast_dry(2500, d, 30, TODAY, TODAY + 365, &f), 0);
	assert_int_equal(f.kind, FORECAST_ON);
	assert_int_equal(f.day, TODAY + 3);
	assert_true(f.pace == 1000);
	/* 31 fen in 30 days: 1.03 a day, shown as 1; 62 remaining take
	 * 62 * 30 / 31 = 60 days exactly */
	fill(d, 0);
	d[0] = 31;
	assert_int_equal(forecast_dry(62, d, 30, TODAY, TODAY + 365, &f), 0);
	assert_int_equal(f.day, TODAY + 60);
	assert_true(f.pace == 1);
}

static void test_dry_or_no_pace(void **state)
{
	int64_t d[30];
	struct forecast f;

	(void)state;
	fill(d, 10000);
	assert_int_equal(forecast_dry(0, d, 30, TODAY, TODAY + 365, &f), 0);
	assert_int_equal(f.kind, FORECAST_DRY);
	assert_int_equal(forecast_dry(-5, d, 30, TODAY, TODAY + 365, &f), 0);
	assert_int_equal(f.kind, FORECAST_DRY);
	fill(d, 0);
	assert_int_equal(forecast_dry(100, d, 30, TODAY, TODAY + 365, &f), 0);
	assert_int_equal(f.kind, FORECAST_NO_PACE);
	/* more came back than was granted: no pace either */
	d[3] = 500;
	d[4] = -800;
	assert_int_equal(forecast_dry(100, d, 30, TODAY, TODAY + 365, &f), 0);
	assert_int_equal(f.kind, FORECAST_NO_PACE);
	assert_true(f.pace == 0);
	/* a period that is over: not this period, whatever the pace */
	fill(d, 10000);
	assert_int_equal(forecast_dry(100, d, 30, TODAY, TODAY - 1, &f), 0);
	assert_int_equal(f.kind, FORECAST_NOT_THIS);
}

static void test_bad_arguments(void **state)
{
	int64_t d[2] = {INT64_MAX, 1};
	struct forecast f;

	(void)state;
	assert_int_equal(forecast_dry(1, d, 0, TODAY, TODAY, &f), VD_EINVAL);
	assert_int_equal(forecast_dry(1, NULL, 30, TODAY, TODAY, &f),
	                 VD_EINVAL);
	assert_int_equal(forecast_dry(1, d, 2, TODAY, TODAY + 9, &f),
	                 VD_EOVERFLOW);
	/* a huge remaining at a pace of 1 fen a day: far past the period */
	d[0] = 1;
	d[1] = 1;
	assert_int_equal(forecast_dry(INT64_MAX, d, 2, TODAY, TODAY + 365, &f),
	                 0);
	assert_int_equal(f.kind, FORECAST_NOT_THIS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_steady_pace),
	    cmocka_unit_test(test_uneven_window),
	    cmocka_unit_test(test_dry_or_no_pace),
	    cmocka_unit_test(test_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
