#include "output.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "err.h"
#include "money.h"
#include "req.h"

int out_int(const char *v, size_t n, json_int_t *out)
{
	int64_t x;

	if (n > 1 && v[0] == '-') {
		if (money_parse_uint(v + 1, n - 1, &x) < 0 || x == 0)
			return -1;
		*out = -(json_int_t)x;
		return 0;
	}
	if (money_parse_uint(v, n, &x) < 0)
		return -1;
	*out = (json_int_t)x;
	return 0;
}

/* integers as numbers (fen, counts), everything else as text */
static json_t *json_value(const char *v, size_t n)
{
	json_int_t x;

	return out_int(v, n, &x) == 0 ? json_integer(x) : json_stringn(v, n);
}

json_t *out_json_of(const struct reply *r)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < r->nkv; i++) {
		char key[64];
		snprintf(key, sizeof(key), "%.*s", (int)r->kv[i].key.len,
		         r->line + r->kv[i].key.off);
		json_object_set_new(
		    o, key,
		    json_value(r->line + r->kv[i].val.off, r->kv[i].val.len));
	}
	return o;
}

static int jint(const json_t *o, const char *key, int64_t *x)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		return -1;
	*x = (int64_t)json_integer_value(v);
	return 0;
}

/* The share of a pool's budget used, (budget - remaining) / budget, in
 * basis points; -1 when there is no budget. */
static int64_t share_bp(const json_t *row)
{
	int64_t budget, remaining, used;

	if (jint(row, "budget", &budget) < 0 ||
	    jint(row, "remaining", &remaining) < 0 || budget <= 0 ||
	    money_sub(budget, remaining, &used) < 0 ||
	    money_muldiv_floor(used, 10000, budget, &used) < 0)
		return -1;
	return used;
}

int out_factor(int64_t T, int64_t R, char *buf, size_t size)
{
	int64_t ppm = 1000000;

	if (T < 0 || R < 0 || size < OUT_FACTOR_MAX)
		return VD_EINVAL;
	if (T > R && money_muldiv_floor(R, 1000000, T, &ppm) < 0)
		return VD_EINVAL;
	return snprintf(buf, size, "%" PRId64 ".%06" PRId64, ppm / 1000000,
	                ppm % 1000000);
}

/* What a cell shows, in *p and *n (pointing into row, or into buf of
 * MONEY_FMT_MAX bytes): 0 for nothing (the row lacks the key), 1 for
 * text from the server, 2 for a figure vouchctl formatted. plain: yuan
 * without thousands separators, a share without '%' (for CSV). */
static int cell(const struct out_list *L, const json_t *row,
                const struct out_col *c, int plain, char *buf, const char **p,
                size_t *n)
{
	const json_t *v = json_object_get(row, c->key);
	int64_t x, T, R;
	int len = -1;

	if (c->fmt == OUT_SHARE) {
		if ((x = share_bp(row)) >= 0)
			len = snprintf(buf, MONEY_FMT_MAX,
			               "%" PRId64 ".%02" PRId64 "%s", x / 100,
			               x % 100, plain ? "" : "%");
	} else if (c->fmt == OUT_FACTOR) {
		if (jint(L->top, "earned", &T) == 0 &&
		    jint(L->top, "remaining", &R) == 0)
			len = out_factor(T, R, buf, MONEY_FMT_MAX);
	} else if (json_is_integer(v)) {
		x = (int64_t)json_integer_value(v);
		if (c->fmt != OUT_YUAN)
			len = snprintf(buf, MONEY_FMT_MAX, "%" PRId64, x);
		else if (plain)
			len = csv_yuan(x, buf, MONEY_FMT_MAX);
		else
			len = money_format_yuan(x, buf, MONEY_FMT_MAX);
	} else if (json_is_string(v)) {
		/* not a number: text even in a money column (cap=none) */
		*p = json_string_value(v);
		*n = json_string_length(v);
		return 1;
	}
	if (len < 0)
		return 0;
	*p = buf;
	*n = (size_t)len;
	return 2;
}

void out_list_init(struct out_list *L, const struct out_col *cols, size_t ncols)
{
	L->cols = cols;
	L->ncols = ncols < TABLE_MAX_COLS ? ncols : TABLE_MAX_COLS;
	L->top = NULL;
	L->rows = json_array();
}

int out_list_fetch(struct out_list *L, struct session *s, const char *request,
                   char *next)
{
	static char header[REQ_MAX_LINE + 1];
	struct reply r;
	const char *l, *v;
	int64_t i;
	size_t k, n;

	next[0] = '\0';
	if (session_send(s, request) < 0 || (l = session_line(s)) == NULL) {
		fprintf(stderr, "vouchctl: the connection closed\n");
		return 3;
	}
	/* the header is needed after the rows are read: keep it */
	snprintf(header, sizeof(header), "%s", l);
	if (reply_parse(header, strlen(header), &r) != 0) {
		fprintf(stderr, "vouchctl: cannot parse the reply\n");
		return 3;
	}
	if (r.kind == REPLY_ERR) {
		fprintf(stderr, "vouchctl: %s\n", header + 4);
		return 1;
	}
	if (L->top == NULL) {
		L->top = out_json_of(&r);
		json_object_del(L->top, "next");
	}
	for (i = 0; i < r.n; i++) {
		struct reply row;
		json_t *o;
		if ((l = session_line(s)) == NULL ||
		    reply_parse(l, strlen(l), &row) != 0) {
			fprintf(stderr, "vouchctl: the listing broke off\n");
			return 3;
		}
		o = out_json_of(&row);
		for (k = 0; k < L->ncols; k++)
			if (L->cols[k].fmt == OUT_SHARE)
				json_object_set_new(o, "used_bp",
				                    json_integer(share_bp(o)));
		json_array_append_new(L->rows, o);
	}
	v = reply_get(&r, "next", &n);
	if (v != NULL && n < OUT_CURSOR)
		snprintf(next, OUT_CURSOR, "%.*s", (int)n, v);
	return 0;
}

static void print_json(struct out_list *L)
{
	json_t *top = L->top ? json_incref(L->top) : json_object();

	json_object_set(top, "rows", L->rows);
	json_object_set_new(top, "n",
	                    json_integer((json_int_t)json_array_size(L->rows)));
	json_dumpf(top, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	printf("\n");
	json_decref(top);
}

static void print_csv(struct out_list *L)
{
	char buf[MONEY_FMT_MAX];
	const char *p;
	size_t i, k, n;
	int kind;

	for (k = 0; k < L->ncols; k++) {
		p = L->cols[k].csv ? L->cols[k].csv : L->cols[k].key;
		csv_field(stdout, k == 0, p, strlen(p));
	}
	fputs(CSV_EOL, stdout);
	for (i = 0; i < json_array_size(L->rows); i++) {
		for (k = 0; k < L->ncols; k++) {
			kind = cell(L, json_array_get(L->rows, i), &L->cols[k],
			            1, buf, &p, &n);
			if (kind == 1)
				csv_text(stdout, k == 0, p, n);
			else
				/* a missing value is an empty field, which a
				 * spreadsheet leaves blank */
				csv_field(stdout, k == 0, kind ? p : "",
				          kind ? n : 0);
		}
		fputs(CSV_EOL, stdout);
	}
}

static void print_table(struct out_list *L, const char *sumkey)
{
	const char *heads[TABLE_MAX_COLS];
	char buf[MONEY_FMT_MAX];
	struct table t;
	const char *p;
	size_t i, k, n;
	int64_t x;

	for (k = 0; k < L->ncols; k++)
		heads[k] = L->cols[k].head;
	if (table_init(&t, L->ncols, heads) < 0)
		return;
	for (i = 0; i < json_array_size(L->rows); i++) {
		table_row(&t);
		for (k = 0; k < L->ncols; k++) {
			if (cell(L, json_array_get(L->rows, i), &L->cols[k], 0,
			         buf, &p, &n) == 0)
				table_cell(&t, "-");
			else
				table_cell(&t, "%.*s", (int)n, p);
		}
	}
	table_print(&t, stdout, "");
	table_free(&t);
	if (sumkey && L->top && jint(L->top, sumkey, &x) == 0) {
		money_format_yuan(x, buf, sizeof(buf));
		printf("%s: %s yuan\n", sumkey, buf);
	}
}

void out_list_print(struct out_list *L, enum out_mode mode, const char *sumkey)
{
	if (mode == OUT_JSON)
		print_json(L);
	else if (mode == OUT_CSV)
		print_csv(L);
	else
		print_table(L, sumkey);
}

void out_list_free(struct out_list *L)
{
	json_decref(L->top);
	json_decref(L->rows);
	L->top = L->rows = NULL;
}

int out_listing(struct session *s, const char *request,
                const struct out_col *cols, size_t ncols, const char *sumkey,
                enum out_mode mode)
{
	struct out_list L;
	char next[OUT_CURSOR];
	int rc;

	out_list_init(&L, cols, ncols);
	rc = out_list_fetch(&L, s, request, next);
	if (rc == 0)
		out_list_print(&L, mode, sumkey);
	out_list_free(&L);
	return rc;
}

static int is_money(const char *const *money, const char *k, size_t n)
{
	for (; money && *money; money++)
		if (strlen(*money) == n && memcmp(*money, k, n) == 0)
			return 1;
	return 0;
}

int out_reply(struct session *s, const char *request, const char *const *money,
              int json)
{
	const char *l;
	struct reply r;
	size_t i, w = 0;

	if (session_send(s, request) < 0 || (l = session_line(s)) == NULL ||
	    reply_parse(l, strlen(l), &r) != 0) {
		fprintf(stderr, "vouchctl: the connection closed\n");
		return 3;
	}
	if (r.kind == REPLY_ERR) {
		fprintf(stderr, "vouchctl: %s\n", l + 4);
		return 1;
	}
	if (json) {
		json_t *o = out_json_of(&r);
		json_dumpf(o, stdout, JSON_INDENT(2));
		printf("\n");
		json_decref(o);
		return 0;
	}
	if (r.nkv == 0)
		printf("ok\n");
	for (i = 0; i < r.nkv; i++)
		if (r.kv[i].key.len > w)
			w = r.kv[i].key.len;
	for (i = 0; i < r.nkv; i++) {
		const char *k = r.line + r.kv[i].key.off;
		const char *v = r.line + r.kv[i].val.off;
		size_t kn = r.kv[i].key.len, vn = r.kv[i].val.len;
		char y[MONEY_FMT_MAX];
		int64_t x;
		if (is_money(money, k, kn) &&
		    money_parse_uint(v, vn, &x) == 0) {
			money_format_yuan(x, y, sizeof(y));
			printf("%-*.*s  %s yuan\n", (int)w, (int)kn, k, y);
		} else {
			printf("%-*.*s  %.*s\n", (int)w, (int)kn, k, (int)vn,
			       v);
		}
	}
	return 0;
}
