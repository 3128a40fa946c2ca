/* vouchctl pool's sparkline: the window a period shows, the net draw of
 * a day and its block. Day numbers worked by hand: 2021-01-01 is Unix
 * day 18,628 (1,609,459,200 s), so 2020-12-31 is 18,627; 2026-01-01 is
 * 20,454 (1,767,225,600 s), so 2026-12-03 (day 337 of the year) is
 * 20,790 and 2026-12-31 is 20,818. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "spark.h"

/* 2026-12-03T07:05:52Z, 15:05 in CST */
#define NOW_DEC3 (INT64_C(20790) * 86400 + 7 * 3600 + 5 * 60 + 52)
/* 2026-12-31T16:00:00Z: 2027-01-01 00:00 in CST */
#define NEW_YEAR_CST (INT64_C(20818) * 86400 + 16 * 3600)

static void test_last_day(void **state)
{
	int64_t last = -1;

	(void)state;
	/* a period that is over ends on its 31 December */
	assert_int_equal(spark_last_day(2020, NOW_DEC3, &last), 0);
	assert_int_equal(last, 18627);
	/* this period: today */
	assert_int_equal(spark_last_day(2026, NOW_DEC3, &last), 0);
	assert_int_equal(last, 20790);
	/* a period not begun yet: today as well (it has no days) */
	assert_int_equal(spark_last_day(2027, NOW_DEC3, &last), 0);
	assert_int_equal(last, 20790);
	/* the day turns at midnight CST, 16:00Z: a second before it 2026 is
	 * still today's, at it 2026 is over and 2027's today is day 20,819 */
	assert_int_equal(spark_last_day(2026, NEW_YEAR_CST - 1, &last), 0);
	assert_int_equal(last, 20818);
	assert_int_equal(spark_last_day(2027, NEW_YEAR_CST - 1, &last), 0);
	assert_int_equal(last, 20818);
	assert_int_equal(spark_last_day(2026, NEW_YEAR_CST, &last), 0);
	assert_int_equal(last, 20818);
	assert_int_equal(spark_last_day(2027, NEW_YEAR_CST, &last), 0);
	assert_int_equal(last, 20819);
	/* periods the ledger never has */
	last = -1;
	assert_int_equal(spark_last_day(1969, NOW_DEC3, &last), VD_EINVAL);
	assert_int_equal(spark_last_day(10000, NOW_DEC3, &last), VD_EINVAL);
	assert_int_equal(last, -1);
	assert_int_equal(spark_last_day(9999, INT64_MAX, &last), 0);
}

/* Window days 1000 to 1029, the largest draw 800 (day 1008): each day's
 * block is ceil(8 * draw / 800) eighths. */
static void test_blocks(void **state)
{
	struct spark s;
	char buf[SPARK_MAX];

	(void)state;
	spark_init(&s, 1029);
	assert_int_equal(s.first, 1000);
	/* 100 is exactly 1/8: ▁ */
	assert_int_equal(spark_add(&s, 1000, 100, 0, 0, 0), 0);
	/* 101 is just above 1/8: ▂ */
	assert_int_equal(spark_add(&s, 1001, 101, 0, 0, 0), 0);
	/* the net draw: 1,000 - 100 - 50 - 50 = 800: █ */
	assert_int_equal(spark_add(&s, 1008, 1000, 100, 50, 50), 0);
	/* 401: ceil(4.01) = 5, ▅; 400: 4, ▄ */
	assert_int_equal(spark_add(&s, 1009, 401, 0, 0, 0), 0);
	assert_int_equal(spark_add(&s, 1010, 400, 0, 0, 0), 0);
	/* more came back than was granted: -300, no draw */
	assert_int_equal(spark_add(&s, 1011, 0, 0, 300, 0), 0);
	/* two rows of one day add up: 350 + 350 = 700, 7/8: ▇ */
	assert_int_equal(spark_add(&s, 1012, 350, 0, 0, 0), 0);
	assert_int_equal(spark_add(&s, 1012, 350, 0, 0, 0), 0);
	/* 701: ceil(7.01) = 8, █ as the largest */
	assert_int_equal(spark_add(&s, 1013, 701, 0, 0, 0), 0);
	/* the smallest draw still shows: ▁ */
	assert_int_equal(spark_add(&s, 1029, 1, 0, 0, 0), 0);
	/* outside the window: ignored, or 1,000,000 would be the largest */
	assert_int_equal(spark_add(&s, 999, 1000000, 0, 0, 0), 0);
	assert_int_equal(spark_add(&s, 1030, 1000000, 0, 0, 0), 0);
	/* 8 blocks of 3 bytes and 22 dots of 2 */
	assert_int_equal(spark_format(&s, buf), 8 * 3 + 22 * 2);
	assert_string_equal(buf, "▁▂······█▅▄·▇█···············▁");
}

static void test_nothing_drawn(void **state)
{
	struct spark s;
	char buf[SPARK_MAX];

	(void)state;
	spark_init(&s, 20790);
	assert_int_equal(spark_format(&s, buf), 30 * 2);
	assert_string_equal(buf, "······························");
	/* a window where only money came back has no largest draw */
	assert_int_equal(spark_add(&s, 20790, 5, 10, 0, 0), 0);
	spark_format(&s, buf);
	assert_string_equal(buf, "······························");
}

/* Figures at the edge of int64: the scale does not overflow, and a net
 * draw that would is refused and leaves the day as it was. */
static void test_extremes(void **state)
{
	struct spark s;
	char buf[SPARK_MAX];

	(void)state;
	spark_init(&s, 29);
	assert_int_equal(spark_add(&s, 0, INT64_MAX, 0, 0, 0), 0);
	/* 8 * (2^62 - 1) / (2^63 - 1) = 4 - 4 / (2^63 - 1): ceil 4, ▄ */
	assert_int_equal(spark_add(&s, 1, INT64_MAX / 2, 0, 0, 0), 0);
	assert_int_equal(spark_add(&s, 2, 1, 0, 0, 0), 0);
	assert_int_equal(spark_add(&s, 3, INT64_MIN, 1, 0, 0), VD_EOVERFLOW);
	assert_int_equal(spark_add(&s, 0, 1, 0, 0, 0), VD_EOVERFLOW);
	assert_int_equal(s.draw[0], INT64_MAX);
	assert_int_equal(s.draw[3], 0);
	/* every character is 3 bytes (blocks) or 2 (·): 3 * 3 + 27 * 2 */
	assert_int_equal(spark_format(&s, buf), 63);
	assert_string_equal(buf, "█▄▁···························");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_last_day),
	    cmocka_unit_test(test_blocks),
	    cmocka_unit_test(test_nothing_drawn),
	    cmocka_unit_test(test_extremes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
