/* Lowercase hex: encoding, and the one spelling decode accepts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "hex.h"

/* sig.h's hex test, as it was (a refusal is VD_EINVAL, base's code, where
 * sig_hex_decode said PROTO_EINVAL; every caller only tests < 0) */
static void test_hex(void **state)
{
	uint8_t b[2] = {0xab, 0x01};
	char s[5];

	(void)state;
	hex_encode(b, 2, s);
	assert_string_equal(s, "ab01");
	assert_int_equal(hex_decode("AB01", 4, b, 2), VD_EINVAL);
	assert_int_equal(hex_decode("ab0", 3, b, 2), VD_EINVAL);
	assert_int_equal(hex_decode("ab0g", 4, b, 2), VD_EINVAL);
	assert_int_equal(hex_decode("0fe1", 4, b, 2), 0);
	assert_true(b[0] == 0x0f && b[1] == 0xe1);
}

static void test_edges(void **state)
{
	uint8_t b[3] = {0x00, 0xff, 0x10};
	char s[7];

	(void)state;
	hex_encode(b, 3, s);
	assert_string_equal(s, "00ff10");
	hex_encode(b, 0, s);
	assert_string_equal(s, "");
	assert_int_equal(hex_decode("", 0, b, 0), 0);
	/* a refusal writes nothing, even after good digits */
	assert_int_equal(hex_decode("1234zz", 6, b, 3), VD_EINVAL);
	assert_true(b[0] == 0x00 && b[1] == 0xff && b[2] == 0x10);
	/* only len bytes are read: no NUL needed */
	assert_int_equal(hex_decode("7f80ignored", 4, b, 2), 0);
	assert_true(b[0] == 0x7f && b[1] == 0x80);
	assert_int_equal(hex_decode("7f80", 4, b, 1), VD_EINVAL);
	assert_int_equal(hex_decode("7f 8", 4, b, 2), VD_EINVAL);
	assert_int_equal(hex_decode(NULL, 0, b, 0), VD_EINVAL);
	assert_int_equal(hex_decode("00", 2, NULL, 1), VD_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hex),
	    cmocka_unit_test(test_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
