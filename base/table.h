/* Aligned text tables for people: vouchd check-policy and vouchctl print
 * with them.
 *
 * A struct table lives in the caller's storage: table_init fills it,
 * table_free releases what it holds. Cells are copied (at most
 * TABLE_CELL_MAX - 1 bytes each); heads are not, and must outlive the
 * table (string literals in practice). After a failed allocation the table
 * refuses further cells and table_print returns VD_ENOMEM, so a caller may
 * check once, at the end. Text is UTF-8 and aligned by code points, each
 * taken as one column (right for ASCII and vouchctl's block characters,
 * wrong for wide CJK characters). No global state; one table is not to be
 * shared between threads. */
#ifndef VD_TABLE_H
#define VD_TABLE_H

#include <stddef.h>
#include <stdio.h>

#define TABLE_MAX_COLS 16
#define TABLE_CELL_MAX 512

struct table {
	size_t ncols, nrows, caprows;
	const char *heads[TABLE_MAX_COLS]; /* static strings, not copied */
	unsigned right;                    /* bit i: column i aligned right */
	char **cells;                      /* nrows * ncols */
	size_t cur;                        /* next cell of the last row */
	int oom;
};

/* ncols heads (1 to TABLE_MAX_COLS); a head starting with '>' is
 * right-aligned (numbers) and printed without the '>'. 0, or VD_EINVAL
 * for a bad ncols (t is then untouched and must not be freed). */
int table_init(struct table *t, size_t ncols, const char *const *heads);

/* Start a row; then one table_cell per column. A previous row with fewer
 * cells is padded with empty ones. 0, or VD_ENOMEM. table_cell: 0,
 * VD_ENOMEM, or VD_EINVAL before the first row, past ncols cells in a row,
 * or once an allocation has failed. */
int table_row(struct table *t);
int table_cell(struct table *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Print heads, a rule and rows, each line prefixed by indent. Returns 0,
 * VD_ENOMEM if a cell could not be stored, or VD_EIO. */
int table_print(const struct table *t, FILE *f, const char *indent);

/* Free every cell; t is zeroed and may be initialised again. */
void table_free(struct table *t);

#endif
