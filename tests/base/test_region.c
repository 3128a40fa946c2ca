/* Regions: the syntax of domain.md ("Territories") and the within rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "region.h"

#define V(s) region_valid(s, strlen(s))

static void test_valid(void **state)
{
	char big[REGION_MAX + 2];

	(void)state;
	assert_true(V("yunnan"));
	assert_true(V("yunnan.yuxi"));
	assert_true(V("xinjiang.xinxing"));
	assert_true(V("a-b.c0"));
	assert_false(V(""));
	assert_false(V("."));
	assert_false(V("yunnan."));
	assert_false(V(".yunnan"));
	assert_false(V("yunnan..yuxi"));
	assert_false(V("Yunnan"));
	assert_false(V("yun nan"));
	assert_false(V("yun_nan"));
	assert_false(region_valid(NULL, 3));
	/* a byte range: "yunnan.yuxi" with len 6 is "yunnan" */
	assert_true(region_valid("yunnan.yuxi", 6));
	memset(big, 'a', sizeof(big));
	assert_true(region_valid(big, REGION_MAX));
	assert_false(region_valid(big, REGION_MAX + 1));
}

static void test_within(void **state)
{
	(void)state;
	assert_true(region_within("yunnan.yuxi", "yunnan"));
	assert_true(region_within("yunnan.yuxi", "yunnan.yuxi"));
	assert_true(region_within("yunnan.yuxi.hongta", "yunnan"));
	assert_false(region_within("yunnan", "yunnan.yuxi"));
	assert_false(region_within("yunnanx", "yunnan"));
	assert_false(region_within("yunnan.yuxix", "yunnan.yuxi"));
	assert_false(region_within("beijing.mentougou", "yunnan"));
	/* no region is within none, and none within it */
	assert_false(region_within("", "yunnan"));
	assert_false(region_within(NULL, "yunnan"));
	assert_false(region_within("yunnan", ""));
	assert_false(region_within("", ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid),
	    cmocka_unit_test(test_within),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
