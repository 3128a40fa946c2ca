#include "output.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

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

/* The share of a pool's budget used, (budget - remaining) / budget, in
 * basis points; -1 when there is no budget. */
static int64_t share_bp(const struct reply *r)
{
	int64_t budget, remaining, used;

	if (reply_get_i64(r, "budget", &budget) < 0 ||
	    reply_get_i64(r, "remaining", &remaining) < 0 || budget <= 0 ||
	    money_sub(budget, remaining, &used) < 0 ||
	    money_muldiv_floor(used, 10000, budget, &used) < 0)
		return -1;
	return used;
}

static void cell(struct table *t, const struct reply *r,
                 const struct out_col *c)
{
	size_t n;
	const char *v = reply_get(r, c->key, &n);
	char y[MONEY_FMT_MAX];
	int64_t x;

	if (c->fmt == OUT_SHARE) {
		x = share_bp(r);
		if (x < 0)
			table_cell(t, "-");
		else
			table_cell(t, "%" PRId64 ".%02" PRId64 "%%", x / 100,
			           x % 100);
		return;
	}
	if (v == NULL) {
		table_cell(t, "-");
		return;
	}
	if (c->fmt == OUT_YUAN && reply_get_i64(r, c->key, &x) == 0) {
		money_format_yuan(x, y, sizeof(y));
		table_cell(t, "%s", y);
		return;
	}
	table_cell(t, "%.*s", (int)n, v);
}

void out_list_init(struct out_list *L, const struct out_col *cols, size_t ncols)
{
	const char *heads[TABLE_MAX_COLS];
	size_t k;

	L->cols = cols;
	L->ncols = ncols;
	for (k = 0; k < ncols; k++)
		heads[k] = cols[k].head;
	table_init(&L->t, ncols, heads);
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
		table_row(&L->t);
		for (k = 0; k < L->ncols; k++) {
			cell(&L->t, &row, &L->cols[k]);
			if (L->cols[k].fmt == OUT_SHARE)
				json_object_set_new(
				    o, "used_bp", json_integer(share_bp(&row)));
		}
		json_array_append_new(L->rows, o);
	}
	v = reply_get(&r, "next", &n);
	if (v != NULL && n < OUT_CURSOR)
		snprintf(next, OUT_CURSOR, "%.*s", (int)n, v);
	return 0;
}

void out_list_print(struct out_list *L, int json, const char *sumkey)
{
	if (json) {
		json_t *top = L->top ? json_incref(L->top) : json_object();
		json_object_set(top, "rows", L->rows);
		json_object_set_new(
		    top, "n",
		    json_integer((json_int_t)json_array_size(L->rows)));
		json_dumpf(top, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		printf("\n");
		json_decref(top);
		return;
	}
	table_print(&L->t, stdout, "");
	if (sumkey && L->top) {
		json_t *v = json_object_get(L->top, sumkey);
		char y[MONEY_FMT_MAX];
		if (json_is_integer(v)) {
			money_format_yuan((int64_t)json_integer_value(v), y,
			                  sizeof(y));
			printf("%s: %s yuan\n", sumkey, y);
		}
	}
}

void out_list_free(struct out_list *L)
{
	table_free(&L->t);
	json_decref(L->top);
	json_decref(L->rows);
	L->top = L->rows = NULL;
}

int out_listing(struct session *s, const char *request,
                const struct out_col *cols, size_t ncols, const char *sumkey,
                int json)
{
	struct out_list L;
	char next[OUT_CURSOR];
	int rc;

	out_list_init(&L, cols, ncols);
	rc = out_list_fetch(&L, s, request, next);
	if (rc == 0)
		out_list_print(&L, json, sumkey);
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
