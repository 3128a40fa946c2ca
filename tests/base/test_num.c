/* The bounded integer parser. INT64_MAX is 9223372036854775807 (2^63 - 1);
 * every expected value below is written out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "num.h"

/* num_parse over the whole C string s */
static int parse(const char *s, int64_t min, int64_t max, int64_t *out,
                 const char **why)
{
	return num_parse(s, strlen(s), min, max, out, why);
}

static void test_numbers(void **state)
{
	const char *why = "unset";
	int64_t v = -1;

	(void)state;
	assert_int_equal(parse("0", 0, INT64_MAX, &v, &why), 0);
	assert_true(v == 0);
	assert_null(why);
	assert_int_equal(parse("7", 0, INT64_MAX, &v, &why), 0);
	assert_true(v == 7);
	assert_int_equal(parse("10", 0, INT64_MAX, &v, &why), 0);
	assert_true(v == 10);
	assert_int_equal(parse("2026", 0, INT64_MAX, &v, &why), 0);
	assert_true(v == 2026);
	assert_int_equal(parse("9223372036854775807", 0, INT64_MAX, &v, &why),
	                 0);
	assert_true(v == INT64_MAX);
	/* a byte range: "123" with len 2 is 12, and nothing past it is read */
	assert_int_equal(num_parse("123", 2, 0, 100, &v, &why), 0);
	assert_true(v == 12);
	assert_int_equal(num_parse("5x", 1, 0, 9, &v, NULL), 0);
	assert_true(v == 5);
}

static void test_not_a_number(void **state)
{
	static const char *const bad[] = {"",
	                                  "00",
	                                  "01",
	                                  "007",
	                                  "-1",
	                                  "+1",
	                                  " 1",
	                                  "1 ",
	                                  "1x",
	                                  "x1",
	                                  "0x10",
	                                  "1.0",
	                                  "1e3",
	                                  "١", /* Arabic-Indic one, UTF-8 */
	                                  "99999999999999999999x"};
	const char *why = NULL;
	int64_t v = 42;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_int_equal(parse(bad[i], 0, INT64_MAX, &v, &why),
		                 VD_EINVAL);
		assert_string_equal(why, "not a number");
	}
	assert_int_equal(num_parse(NULL, 1, 0, 1, &v, &why), VD_EINVAL);
	assert_string_equal(why, "not a number");
	/* a NUL inside the range is a byte like any other */
	assert_int_equal(num_parse("1\0002", 3, 0, 1000, &v, &why), VD_EINVAL);
	assert_true(v == 42);
}

static void test_too_large(void **state)
{
	const char *why = NULL;
	int64_t v = 42;

	(void)state;
	/* INT64_MAX + 1 */
	assert_int_equal(parse("9223372036854775808", 0, INT64_MAX, &v, &why),
	                 VD_EOVERFLOW);
	assert_string_equal(why, "too large");
	/* 2^64, which a uint64 accumulator would wrap to 0 */
	assert_int_equal(parse("18446744073709551616", 0, INT64_MAX, &v, &why),
	                 VD_EOVERFLOW);
	/* 2^64 + 7, which would wrap to 7 */
	assert_int_equal(parse("18446744073709551623", 0, INT64_MAX, &v, &why),
	                 VD_EOVERFLOW);
	assert_int_equal(parse("99999999999999999999999999999999999999", 0,
	                       INT64_MAX, &v, &why),
	                 VD_EOVERFLOW);
	assert_string_equal(why, "too large");
	assert_true(v == 42);
}

static void test_bounds(void **state)
{
	const char *why = NULL;
	int64_t v = 42;

	(void)state;
	assert_int_equal(parse("1969", 1970, 9999, &v, &why), VD_ERANGE);
	assert_string_equal(why, "out of range");
	assert_true(v == 42);
	assert_int_equal(parse("1970", 1970, 9999, &v, &why), 0);
	assert_true(v == 1970);
	assert_int_equal(parse("9999", 1970, 9999, &v, &why), 0);
	assert_true(v == 9999);
	assert_int_equal(parse("10000", 1970, 9999, &v, &why), VD_ERANGE);
	assert_int_equal(parse("0", 1, INT64_MAX, &v, &why), VD_ERANGE);
	assert_int_equal(parse("1", 1, 1, &v, &why), 0);
	assert_true(v == 1);
	assert_int_equal(parse("2", 1, 1, &v, &why), VD_ERANGE);
	assert_int_equal(
	    parse("9223372036854775807", INT64_MAX, INT64_MAX, &v, &why), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(
	    parse("9223372036854775806", INT64_MAX, INT64_MAX, &v, &why),
	    VD_ERANGE);
	/* past INT64_MAX is too large whatever max is */
	assert_int_equal(parse("9223372036854775808", 0, 5, &v, &why),
	                 VD_EOVERFLOW);
	/* a negative min admits nothing more: there is no sign */
	assert_int_equal(parse("3", -5, 5, &v, &why), 0);
	assert_true(v == 3);
	assert_int_equal(parse("-3", -5, 5, &v, &why), VD_EINVAL);
	/* the caller's mistakes */
	assert_int_equal(parse("3", 5, 4, &v, &why), VD_EINVAL);
	assert_string_equal(why, "invalid arguments");
	assert_int_equal(parse("3", 0, 5, NULL, &why), VD_EINVAL);
	assert_string_equal(why, "invalid arguments");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_not_a_number),
	    cmocka_unit_test(test_too_large),
	    cmocka_unit_test(test_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
