/* The command table: one row per command of proto/cmd.h, in its order;
 * a read row has a read function only, a write row a check and a finish,
 * and the rows that run as writes are exactly the commands the protocol's
 * table marks CMD_WRITE (answered after their commit) plus RELOAD, whose
 * policy swap goes through the commit thread too. A write row may also
 * have a read for one form of its request, and then a predicate that
 * tells it (SETTLE dry=1, the only one). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "dispatch.h"

static void test_rows(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < CMD_COUNT; i++) {
		const struct dispatch_row *r = &dispatch_rows[i];
		int write =
		    (cmd_table[i].flags & CMD_WRITE) != 0 || i == CMD_RELOAD;
		assert_int_equal(r->id, i);
		if (write) {
			assert_true((r->read == NULL) == (r->is_read == NULL));
			assert_true(r->read == NULL || i == CMD_SETTLE);
			assert_non_null(r->check);
			assert_non_null(r->finish);
		} else {
			assert_non_null(r->read);
			assert_null(r->check);
			assert_null(r->finish);
			assert_null(r->is_read);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
