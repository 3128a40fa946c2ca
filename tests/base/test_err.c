/* Error codes: one phrase per code of either range, and the values the
 * other layers and the daemon's ERR table rely on. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"

static void test_values_fixed(void **state)
{
	(void)state;
	/* both ranges keep their numbers: logs and tests name them */
	assert_int_equal(VD_EINVAL, -1);
	assert_int_equal(VD_EAUTH, -19);
	assert_int_equal(VD_ERANGE, -20);
	assert_int_equal(VD_EBADSIG, -21);
	assert_int_equal(PROTO_EINVAL, -100);
	assert_int_equal(PROTO_ECRYPTO, -107);
	assert_int_equal(PROTO_ETOOLONG, -120);
	assert_int_equal(PROTO_EUNKNOWN, -130);
	assert_int_equal(PROTO_EKEY, -140);
	assert_int_equal(PROTO_ESIGBATCH, -153);
	assert_int_equal(PROTO_EREGION, -154);
	assert_int_equal(PROTO_EPROJECT, -155);
}

static void test_one_strerror_for_both(void **state)
{
	int c;

	(void)state;
	assert_string_equal(err_str(0), "ok");
	assert_string_equal(err_str(VD_EINVAL), "invalid argument");
	assert_string_equal(err_str(VD_ESPENT), "voucher spent");
	assert_string_equal(err_str(PROTO_EINVAL), "invalid argument");
	assert_string_equal(err_str(PROTO_EPERM),
	                    "private key file is readable by group or others");
	assert_string_equal(err_str(PROTO_ETIME),
	                    "bad time (want YYYY-MM-DDTHH:MM:SSZ)");
	assert_string_equal(err_str(PROTO_ESIGBATCH),
	                    "a line in a batch carries no sig=");
	assert_string_equal(err_str(1), "unknown error");
	assert_string_equal(err_str(-99), "unknown error");
	assert_string_equal(err_str(-156), "unknown error");
	/* every code of both ranges has its own phrase */
	for (c = VD_EINVAL; c >= VD_EBADSIG; c--)
		assert_string_not_equal(err_str(c), "unknown error");
	for (c = PROTO_EINVAL; c >= PROTO_ECRYPTO; c--)
		assert_string_not_equal(err_str(c), "unknown error");
	for (c = PROTO_ETOOLONG; c >= PROTO_ENOEQ; c--)
		assert_string_not_equal(err_str(c), "unknown error");
	for (c = PROTO_EKEY; c >= PROTO_EPROJECT; c--)
		assert_string_not_equal(err_str(c), "unknown error");
	assert_string_not_equal(err_str(PROTO_EUNKNOWN), "unknown error");
	assert_string_not_equal(err_str(PROTO_EBATCHCMD), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values_fixed),
	    cmocka_unit_test(test_one_strerror_for_both),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
