/* Usage kinds: the names of domain.md, in their stored order. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kind.h"

static void test_names_and_values(void **state)
{
	static const char *const want[] = {"training", "inference",  "api",
	                                   "finetune", "deployment", "storage",
	                                   "other"};
	int i;

	(void)state;
	/* the values are stored: they never move */
	assert_int_equal(KIND_TRAINING, 0);
	assert_int_equal(KIND_API, 2);
	assert_int_equal(KIND_OTHER, 6);
	assert_int_equal(KIND_COUNT, 7);
	for (i = 0; i < KIND_COUNT; i++) {
		assert_string_equal(kind_name(i), want[i]);
		assert_int_equal(kind_lookup(want[i], strlen(want[i])), i);
	}
	assert_string_equal(kind_name(-1), "?");
	assert_string_equal(kind_name(KIND_COUNT), "?");
}

static void test_lookup_is_exact(void **state)
{
	(void)state;
	assert_int_equal(kind_lookup("Training", 8), -1);
	assert_int_equal(kind_lookup("train", 5), -1);
	assert_int_equal(kind_lookup("training ", 9), -1);
	assert_int_equal(kind_lookup("", 0), -1);
	assert_int_equal(kind_lookup(NULL, 3), -1);
	/* a byte range: "apiary" with len 3 is "api" */
	assert_int_equal(kind_lookup("apiary", 3), KIND_API);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names_and_values),
	    cmocka_unit_test(test_lookup_is_exact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
