/* Text tables: alignment and ownership. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "table.h"

/* What t prints with prefix (the caller frees it); t is freed. */
static char *printed(struct table *t, const char *prefix)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	assert_int_equal(table_print(t, f, prefix), 0);
	fclose(f);
	table_free(t);
	return out;
}

static void test_alignment(void **state)
{
	static const char *const heads[] = {"id", ">amount", "note"};
	struct table t;
	char *out;

	(void)state;
	assert_int_equal(table_init(&t, 3, heads), 0);
	table_row(&t);
	table_cell(&t, "a");
	table_cell(&t, "1.00");
	table_cell(&t, "x");
	table_row(&t);
	table_cell(&t, "bbb");
	table_cell(&t, "12,345.67");
	/* third cell missing: printed empty */
	out = printed(&t, "> ");
	assert_string_equal(out, "> id      amount  note\n"
	                         "> --------------------\n"
	                         "> a         1.00  x\n"
	                         "> bbb  12,345.67  \n");
	free(out);
}

/* UTF-8 cells are as wide as their code points, not their bytes: "▁█"
 * is 6 bytes and 2 columns, "·" 2 bytes and 1 column. The rule and the
 * padding count columns: pool 4, drawn 5 ("1.00" and "·▁" pad to it),
 * last 5 ("····█"): 4 + 2 + 5 + 2 + 5 = 18 dashes. */
static void test_utf8_width(void **state)
{
	static const char *const heads[] = {"pool", ">drawn", "last"};
	struct table t;
	char *out;

	(void)state;
	assert_int_equal(table_init(&t, 3, heads), 0);
	table_row(&t);
	table_cell(&t, "a");
	table_cell(&t, "·▁");
	table_cell(&t, "▁█");
	table_row(&t);
	table_cell(&t, "bbb");
	table_cell(&t, "1.00");
	table_cell(&t, "····█");
	out = printed(&t, "");
	assert_string_equal(out, "pool  drawn  last\n"
	                         "------------------\n"
	                         "a        ·▁  ▁█\n"
	                         "bbb    1.00  ····█\n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alignment),
	    cmocka_unit_test(test_utf8_width),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
