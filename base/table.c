#include "table.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

int table_init(struct table *t, size_t ncols, const char *const *heads)
{
	size_t i;

	if (ncols == 0 || ncols > TABLE_MAX_COLS)
		return VD_EINVAL;
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	for (i = 0; i < ncols; i++) {
		t->heads[i] = heads[i];
		if (heads[i][0] == '>') {
			t->right |= 1u << i;
			t->heads[i] = heads[i] + 1;
		}
	}
	t->cur = ncols;
	return 0;
}

int table_row(struct table *t)
{
	size_t i;

	if (t->oom)
		return VD_ENOMEM;
	/* fill a short previous row so every row has ncols cells */
	while (t->nrows > 0 && t->cur < t->ncols)
		if (table_cell(t, "%s", "") < 0)
			return VD_ENOMEM;
	if (t->nrows == t->caprows) {
		size_t nc = t->caprows ? t->caprows * 2 : 16;
		char **p = realloc(t->cells, nc * t->ncols * sizeof(char *));
		if (p == NULL) {
			t->oom = 1;
			return VD_ENOMEM;
		}
		t->cells = p;
		t->caprows = nc;
	}
	for (i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = NULL;
	t->nrows++;
	t->cur = 0;
	return 0;
}

int table_cell(struct table *t, const char *fmt, ...)
{
	char buf[TABLE_CELL_MAX];
	va_list ap;
	char *c;

	if (t->oom || t->nrows == 0 || t->cur >= t->ncols)
		return VD_EINVAL;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	c = strdup(buf);
	if (c == NULL) {
		t->oom = 1;
		return VD_ENOMEM;
	}
	t->cells[(t->nrows - 1) * t->ncols + t->cur++] = c;
	return 0;
}

/* The columns s takes: its code points, i.e. its bytes less UTF-8
 * continuation bytes (10xxxxxx). printf's widths count bytes, which put
 * vouchctl's sparkline blocks (3 bytes each) out of line. Each code point
 * is one column: wide CJK characters would need wcwidth and a locale,
 * and no table prints them. */
static size_t text_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int print_line(const struct table *t, FILE *f, const char *indent,
                      const char *const *cells, const size_t *w)
{
	size_t i;

	if (fputs(indent, f) < 0)
		return VD_EIO;
	for (i = 0; i < t->ncols; i++) {
		const char *c = cells[i] ? cells[i] : "";
		int last = i + 1 == t->ncols;
		size_t cw = text_width(c);
		int pad = w[i] > cw ? (int)(w[i] - cw) : 0;
		if (t->right & (1u << i)) {
			if (fprintf(f, "%*s%s", pad, "", c) < 0)
				return VD_EIO;
		} else if (fprintf(f, "%s%*s", c, last ? 0 : pad, "") < 0)
			return VD_EIO;
		if (!last && fputs("  ", f) < 0)
			return VD_EIO;
	}
	return fputc('\n', f) < 0 ? VD_EIO : 0;
}

int table_print(const struct table *t, FILE *f, const char *indent)
{
	size_t w[TABLE_MAX_COLS], i, r, total = 0;
	char rule[1024];
	int rc;

	if (t->oom)
		return VD_ENOMEM;
	for (i = 0; i < t->ncols; i++) {
		w[i] = text_width(t->heads[i]);
		for (r = 0; r < t->nrows; r++) {
			const char *c = t->cells[r * t->ncols + i];
			if (c && text_width(c) > w[i])
				w[i] = text_width(c);
		}
		total += w[i] + (i + 1 < t->ncols ? 2 : 0);
	}
	if ((rc = print_line(t, f, indent, t->heads, w)) < 0)
		return rc;
	if (total >= sizeof(rule))
		total = sizeof(rule) - 1;
	memset(rule, '-', total);
	rule[total] = '\0';
	if (fprintf(f, "%s%s\n", indent, rule) < 0)
		return VD_EIO;
	for (r = 0; r < t->nrows; r++)
		if ((rc = print_line(
		         t, f, indent,
		         (const char *const *)&t->cells[r * t->ncols], w)) < 0)
			return rc;
	return 0;
}

void table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
