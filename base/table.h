/* Aligned text tables for people: vouchd check-policy and vouchctl print
 * with them. Cells are copied; the table owns its memory until
 * table_free(). ASCII content is assumed for alignment. */
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

/* ncols heads; a head starting with '>' is right-aligned (numbers) and
 * printed without the '>'. */
int table_init(struct table *t, size_t ncols, const char *const *heads);

/* Start a row; then one table_cell per column. */
int table_row(struct table *t);
int table_cell(struct table *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Print heads, a rule and rows, each line prefixed by indent. Returns 0,
 * VD_ENOMEM if a cell could not be stored, or VD_EIO. */
int table_print(const struct table *t, FILE *f, const char *indent);

void table_free(struct table *t);

#endif
