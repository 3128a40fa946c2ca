/* Roles: the stored values, the names on the wire, the bit sets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "role.h"

static void test_values_names_bits(void **state)
{
	(void)state;
	/* stored as a byte in every principal: never renumbered */
	assert_int_equal(ROLE_NONE, 0);
	assert_int_equal(ROLE_PROVIDER, 1);
	assert_int_equal(ROLE_ORG, 2);
	assert_int_equal(ROLE_BUREAU, 3);
	assert_string_equal(role_name(ROLE_PROVIDER), "provider");
	assert_string_equal(role_name(ROLE_ORG), "org");
	assert_string_equal(role_name(ROLE_BUREAU), "bureau");
	assert_string_equal(role_name(ROLE_NONE), "none");
	assert_string_equal(role_name(4), "none");
	assert_string_equal(role_name(-1), "none");
	/* the command table's bits: 0x1 before AUTH, then 0x2, 0x4, 0x8 */
	assert_int_equal(ROLE_BIT(ROLE_NONE), 0x1);
	assert_int_equal(ROLE_BIT(ROLE_BUREAU), 0x8);
	assert_int_equal(ROLES_AUTHED, 0xe);
	assert_int_equal(ROLES_ALL, 0xf);
}

static void test_lookup(void **state)
{
	(void)state;
	assert_int_equal(role_lookup("provider", 8), ROLE_PROVIDER);
	assert_int_equal(role_lookup("org", 3), ROLE_ORG);
	assert_int_equal(role_lookup("bureau", 6), ROLE_BUREAU);
	/* nobody registers as none */
	assert_int_equal(role_lookup("none", 4), -1);
	assert_int_equal(role_lookup("Org", 3), -1);
	assert_int_equal(role_lookup("orgs", 4), -1);
	assert_int_equal(role_lookup("", 0), -1);
	assert_int_equal(role_lookup(NULL, 0), -1);
	assert_int_equal(role_lookup("organisation", 3), ROLE_ORG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values_names_bits),
	    cmocka_unit_test(test_lookup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
