/* vouchctl pool: each pool and period, with a sparkline of its last 30
 * days in the table; or the same figures split by program or by CST day. */
#include "cmds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "civil.h"
#include "reply.h"
#include "spark.h"

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

/* Where a row keeps its sparkline until the table is printed: no key of
 * a POOL row on the wire (protocol.md), so it cannot shadow one. */
#define SPARK_KEY "last_30_days"
_Static_assert(SPARK_DAYS == 30, "the column's title says 30 days");

/* The sparkline is the last column: a terminal that draws the block
 * characters wide (East Asian ambiguous width) then puts only it out of
 * line. --json and --csv leave it out (ncols - 1). */
static const struct out_col pool_cols[] = {
    {"id", "pool", OUT_TEXT, NULL},
    {"period", "period", OUT_TEXT, NULL},
    {"budget", ">budget", OUT_YUAN, NULL},
    {"granted", ">granted", OUT_YUAN, NULL},
    {"redeemed", ">redeemed", OUT_YUAN, NULL},
    {"paid_out", ">paid out", OUT_YUAN, NULL},
    {"expired", ">expired", OUT_YUAN, NULL},
    {"revoked", ">revoked", OUT_YUAN, NULL},
    {"recovered", ">recovered", OUT_YUAN, NULL},
    {"remaining", ">remaining", OUT_YUAN, NULL},
    {"unfunded", ">unfunded", OUT_YUAN, NULL},
    {"used", ">used", OUT_SHARE, "used_pct"},
    {SPARK_KEY, "last 30 days", OUT_TEXT, NULL}};

/* budgets stay per pool: a program's or a day's row has no budget,
 * remaining or share used */
static const struct out_col by_program[] = {
    {"id", "pool", OUT_TEXT, NULL},
    {"period", "period", OUT_TEXT, NULL},
    {"program", "program", OUT_TEXT, NULL},
    {"granted", ">granted", OUT_YUAN, NULL},
    {"redeemed", ">redeemed", OUT_YUAN, NULL},
    {"paid_out", ">paid out", OUT_YUAN, NULL},
    {"expired", ">expired", OUT_YUAN, NULL},
    {"revoked", ">revoked", OUT_YUAN, NULL},
    {"recovered", ">recovered", OUT_YUAN, NULL},
    {"unfunded", ">unfunded", OUT_YUAN, NULL}};

static const struct out_col by_day[] = {
    {"id", "pool", OUT_TEXT, NULL},
    {"period", "period", OUT_TEXT, NULL},
    {"day", "day", OUT_TEXT, NULL},
    {"granted", ">granted", OUT_YUAN, NULL},
    {"redeemed", ">redeemed", OUT_YUAN, NULL},
    {"paid_out", ">paid out", OUT_YUAN, NULL},
    {"expired", ">expired", OUT_YUAN, NULL},
    {"revoked", ">revoked", OUT_YUAN, NULL},
    {"recovered", ">recovered", OUT_YUAN, NULL},
    {"unfunded", ">unfunded", OUT_YUAN, NULL}};

/* A pool row's window, from its period; ok is 0 for a row without a
 * period vouchctl can place (it keeps '-'). */
struct row_spark {
	struct spark s;
	int ok;
};

static int same_row(const json_t *row, const char *id, size_t n, int64_t period)
{
	const json_t *v = json_object_get(row, "id");
	const json_t *p = json_object_get(row, "period");

	return json_is_string(v) && json_string_length(v) == n &&
	       memcmp(json_string_value(v), id, n) == 0 && json_is_integer(p) &&
	       json_integer_value(p) == period;
}

/* The index of the pool row (id, period) in rows, trying hint first:
 * day rows come grouped by (pool, period), so the last match is nearly
 * always the next one's. -1 when the listing has no such row. */
static long find_row(const json_t *rows, size_t hint, const char *id, size_t n,
                     int64_t period)
{
	size_t i;

	if (same_row(json_array_get(rows, hint), id, n, period))
		return (long)hint;
	for (i = 0; i < json_array_size(rows); i++)
		if (same_row(json_array_get(rows, i), id, n, period))
			return (long)i;
	return -1;
}

/* One POOL by=day row into its pool row's sparkline. 0, or -1 for a row
 * that is not one protocol.md describes. */
static int add_day(const struct reply *row, const json_t *rows,
                   struct row_spark *sp, size_t *hint)
{
	static const char *const keys[4] = {"granted", "expired", "revoked",
	                                    "recovered"};
	int64_t period, v[4], y;
	const char *id, *day;
	size_t idn, dn, i;
	int m, d;
	long k;

	id = reply_get(row, "id", &idn);
	day = reply_get(row, "day", &dn);
	if (row->kind != REPLY_ROW || id == NULL || day == NULL ||
	    reply_get_i64(row, "period", &period) != 0 ||
	    civil_parse_date(day, dn, &y, &m, &d) != 0)
		return -1;
	for (i = 0; i < 4; i++)
		if (reply_get_i64(row, keys[i], &v[i]) != 0)
			return -1;
	if ((k = find_row(rows, *hint, id, idn, period)) < 0)
		return 0; /* a (pool, period) the listing did not show */
	*hint = (size_t)k;
	if (sp[k].ok && spark_add(&sp[k].s, civil_to_days(y, m, d), v[0], v[1],
	                          v[2], v[3]) != 0)
		return -1;
	return 0;
}

/* Each pool row's sparkline, from days (POOL ... by=day with the same
 * filters) on the same session, kept in the row under SPARK_KEY. A
 * daemon that refuses by=day (one older than the daily rollup) leaves the
 * column '-' with a note on stderr: the pools are still worth printing.
 * The day rows are read one at a time, so a long history costs no
 * memory. 0, or 3 when the connection or the reply breaks. */
static int add_sparklines(struct out_list *L, struct session *s,
                          const char *days, int64_t now)
{
	size_t nrows = json_array_size(L->rows), i;
	char line[SPARK_MAX];
	struct row_spark *sp;
	struct reply r;
	const char *l;
	int64_t n, j, last;
	size_t hint = 0;
	int rc = 0;

	if (nrows == 0)
		return 0;
	if ((sp = calloc(nrows, sizeof(*sp))) == NULL) {
		fprintf(stderr, "vouchctl pool: out of memory\n");
		return 1;
	}
	for (i = 0; i < nrows; i++) {
		const json_t *p =
		    json_object_get(json_array_get(L->rows, i), "period");
		if (json_is_integer(p) &&
		    spark_last_day(json_integer_value(p), now, &last) == 0) {
			spark_init(&sp[i].s, last);
			sp[i].ok = 1;
		}
	}
	if (session_send(s, days) < 0 || (l = session_line(s)) == NULL ||
	    reply_parse(l, strlen(l), &r) != 0) {
		fprintf(stderr, "vouchctl pool: the connection closed\n");
		rc = 3;
		goto done;
	}
	if (r.kind == REPLY_ERR) {
		fprintf(stderr, "vouchctl pool: no sparkline: %s\n", l + 4);
		goto done;
	}
	n = r.n; /* r points into the line the next read overwrites */
	for (j = 0; j < n; j++) {
		struct reply row;
		if ((l = session_line(s)) == NULL ||
		    reply_parse(l, strlen(l), &row) != 0 ||
		    add_day(&row, L->rows, sp, &hint) != 0) {
			fprintf(stderr, "vouchctl pool: cannot read the days' "
			                "listing\n");
			rc = 3;
			goto done;
		}
	}
	for (i = 0; i < nrows; i++)
		if (sp[i].ok) {
			spark_format(&sp[i].s, line);
			json_object_set_new(json_array_get(L->rows, i),
			                    SPARK_KEY, json_string(line));
		}
done:
	free(sp);
	return rc;
}

/* The listing req asks for; with days (the table only) each row's
 * sparkline too. */
static int listing(struct ctl *c, const char *req, const struct out_col *cols,
                   size_t ncols, const char *days)
{
	struct session *s = calloc(1, sizeof(*s));
	struct out_list L;
	char next[OUT_CURSOR];
	int rc;

	if (s == NULL) {
		fprintf(stderr, "vouchctl pool: out of memory\n");
		return 1;
	}
	if ((rc = cmds_open(c, s)) != 0) {
		free(s);
		return rc;
	}
	out_list_init(&L, cols, ncols);
	rc = out_list_fetch(&L, s, req, next);
	if (rc == 0 && days != NULL)
		rc = add_sparklines(&L, s, days, (int64_t)time(NULL));
	session_close(s);
	free(s);
	if (rc == 0)
		out_list_print(&L, cmds_mode(c), "remaining");
	out_list_free(&L);
	return rc;
}

int cmd_pool(struct ctl *c)
{
	char req[400] = "POOL", days[400];

	cmds_arg(req, sizeof(req), "pool", c->pool);
	cmds_arg(req, sizeof(req), "period", c->period);
	if (c->by_program) {
		cmds_arg(req, sizeof(req), "by", "program");
		return listing(c, req, by_program, NCOLS(by_program), NULL);
	}
	if (c->by_day) {
		cmds_arg(req, sizeof(req), "by", "day");
		return listing(c, req, by_day, NCOLS(by_day), NULL);
	}
	if (cmds_mode(c) != OUT_TABLE)
		return listing(c, req, pool_cols, NCOLS(pool_cols) - 1, NULL);
	snprintf(days, sizeof(days), "%s", req);
	cmds_arg(days, sizeof(days), "by", "day");
	return listing(c, req, pool_cols, NCOLS(pool_cols), days);
}
