#include "report.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "civil.h"
#include "kind.h"
#include "money.h"
#include "num.h"
#include "record.h"
#include "reply.h"

/* class and project, the last, are optional */
enum {
	C_ID,
	C_ORG,
	C_AT,
	C_AMOUNT,
	C_QTY,
	C_UNIT,
	C_KIND,
	C_CLASS,
	C_PROJECT,
	C_N
};
static const char *const col_names[C_N] = {
    "id", "org", "at", "amount", "qty", "unit", "kind", "class", "project"};

struct pend {
	long line; /* in the file */
	char text[RECORD_LINE_MAX];
};

/* Split a CSV line on commas (no quoting: billing ids and yuan amounts
 * need none); trims spaces. */
static int split(char *line, char **f, int max)
{
	int n = 0;
	char *p = line;

	for (;;) {
		char *comma = strchr(p, ',');
		char *e;
		if (n == max)
			return -1;
		if (comma)
			*comma = '\0';
		while (*p == ' ')
			p++;
		e = p + strlen(p);
		while (e > p &&
		       (e[-1] == ' ' || e[-1] == '\r' || e[-1] == '\n'))
			*--e = '\0';
		f[n++] = p;
		if (comma == NULL)
			return n;
		p = comma + 1;
	}
}

/* Send pend[0..n) as one BATCH; on a refusal naming line k, report that
 * record and send the others again. */
static int send_batch(struct session *s, const char *provider,
                      struct pend *pend, size_t n, FILE *err,
                      struct report_stats *st)
{
	static char lines[REPORT_BATCH * (RECORD_LINE_MAX + 1)];
	char hdr[400];
	struct reply r;
	const char *l;
	size_t len, i;
	int64_t v;

	while (n > 0) {
		len = 0;
		for (i = 0; i < n; i++) {
			size_t m = strlen(pend[i].text);
			memcpy(lines + len, pend[i].text, m);
			len += m;
			lines[len++] = '\n';
		}
		if (record_batch_header(s->key, provider, lines, len, n, hdr,
		                        sizeof(hdr)) < 0 ||
		    session_send(s, hdr) < 0 ||
		    session_write(s, lines, len) < 0)
			return 3;
		l = session_line(s);
		if (l == NULL || reply_parse(l, strlen(l), &r) != 0)
			return 3;
		if (r.kind == REPLY_OK) {
			if (reply_get_i64(&r, "accepted", &v) == 0)
				st->accepted += v;
			if (reply_get_i64(&r, "duplicate", &v) == 0)
				st->duplicate += v;
			return 0;
		}
		/* "ERR CODE line K: reason": K is 1-based in the batch */
		{
			const char *m = strstr(l, "line ");
			int64_t k = 0;
			if (m == NULL ||
			    num_parse(m + 5, strspn(m + 5, "0123456789"), 1,
			              (int64_t)n, &k, NULL) < 0) {
				/* the whole batch (e.g. BADSIG): report all */
				for (i = 0; i < n; i++)
					fprintf(err, "line %ld: %s\n",
					        pend[i].line, l + 4);
				st->refused += (long)n;
				return 0;
			}
			fprintf(err, "line %ld: %s\n", pend[k - 1].line, l + 4);
			st->refused++;
			memmove(&pend[k - 1], &pend[k],
			        (n - (size_t)k) * sizeof(*pend));
			n--;
		}
	}
	return 0;
}

/* A record from its column texts (C_CLASS and C_PROJECT may be NULL); 0,
 * or -1 with the reason on err. */
static int make_record(const char *provider, char *const *v, long lineno,
                       FILE *err, struct record *r)
{
	int64_t t;

	memset(r, 0, sizeof(*r));
	snprintf(r->provider, sizeof(r->provider), "%s", provider);
	if (strlen(v[C_ID]) >= sizeof(r->id) ||
	    strlen(v[C_ORG]) >= sizeof(r->org) ||
	    strlen(v[C_UNIT]) >= sizeof(r->unit) ||
	    (v[C_CLASS] && strlen(v[C_CLASS]) >= sizeof(r->klass)) ||
	    (v[C_PROJECT] && strlen(v[C_PROJECT]) >= sizeof(r->project))) {
		fprintf(err,
		        "line %ld: id, org, unit, class or project too long\n",
		        lineno);
		return -1;
	}
	/* "-" names the unnamed project; a record in it names none */
	if (v[C_PROJECT] && strcmp(v[C_PROJECT], "-") == 0) {
		fprintf(err,
		        "line %ld: project '-' is not allowed: leave the cell "
		        "empty for no project\n",
		        lineno);
		return -1;
	}
	snprintf(r->id, sizeof(r->id), "%s", v[C_ID]);
	snprintf(r->org, sizeof(r->org), "%s", v[C_ORG]);
	snprintf(r->unit, sizeof(r->unit), "%s", v[C_UNIT]);
	if (v[C_CLASS])
		snprintf(r->klass, sizeof(r->klass), "%s", v[C_CLASS]);
	if (v[C_PROJECT])
		snprintf(r->project, sizeof(r->project), "%s", v[C_PROJECT]);
	r->kind = kind_lookup(v[C_KIND], strlen(v[C_KIND]));
	if (civil_parse_utc(v[C_AT], strlen(v[C_AT]), &t) < 0) {
		fprintf(err,
		        "line %ld: at is not a UTC time like "
		        "2026-03-01T08:00:00Z\n",
		        lineno);
		return -1;
	}
	if (money_parse_yuan(v[C_AMOUNT], strlen(v[C_AMOUNT]), 0, &r->amount) <
	    0) {
		fprintf(err,
		        "line %ld: amount is not yuan with at most two "
		        "decimals\n",
		        lineno);
		return -1;
	}
	if (money_parse_uint(v[C_QTY], strlen(v[C_QTY]), &r->qty) < 0) {
		fprintf(err, "line %ld: qty is not a whole number\n", lineno);
		return -1;
	}
	if (r->kind < 0) {
		fprintf(err, "line %ld: kind is not training or inference\n",
		        lineno);
		return -1;
	}
	r->at = t;
	return 0;
}

/* A CSV line's columns by the header's order. */
static int csv_columns(char *buf, const int *idx, char **v)
{
	char *fields[16];
	int nf = split(buf, fields, 16), i;

	for (i = 0; i < C_N; i++) {
		if (idx[i] < 0 || idx[i] >= nf) {
			if (i < C_CLASS && idx[i] >= nf)
				return -1;
			v[i] = NULL;
		} else {
			v[i] = fields[idx[i]];
		}
	}
	/* an empty optional cell: none (the unnamed project) */
	if (v[C_CLASS] && v[C_CLASS][0] == '\0')
		v[C_CLASS] = NULL;
	if (v[C_PROJECT] && v[C_PROJECT][0] == '\0')
		v[C_PROJECT] = NULL;
	return 0;
}

/* An NDJSON object's columns: strings as they are; integers printed;
 * a JSON real amount (1234.5) accepted when it is exactly a number of
 * fen, since billing systems write amounts as numbers. */
static int json_columns(const char *line, char store[C_N][96], char **v,
                        const char **why)
{
	json_t *o = json_loads(line, JSON_REJECT_DUPLICATES, NULL);
	int i, rc = 0;

	*why = "not a JSON object";
	if (o == NULL || !json_is_object(o)) {
		json_decref(o);
		return -1;
	}
	for (i = 0; i < C_N && rc == 0; i++) {
		json_t *x = json_object_get(o, col_names[i]);
		v[i] = store[i];
		if (x == NULL || json_is_null(x)) {
			v[i] = NULL;
			if (i < C_CLASS) {
				*why = "a column is missing";
				rc = -1;
			}
		} else if (json_is_string(x) && json_string_length(x) < 96) {
			snprintf(store[i], 96, "%s", json_string_value(x));
		} else if (json_is_string(x)) {
			*why = "a column's text is longer than 95 bytes";
			rc = -1;
		} else if (json_is_integer(x)) {
			snprintf(store[i], 96, "%" JSON_INTEGER_FORMAT,
			         json_integer_value(x));
		} else if (json_is_real(x) && i == C_AMOUNT) {
			double d = json_real_value(x) * 100.0;
			long long fen = llround(d);
			if (d < 0 || d > 9e15 || fabs(d - (double)fen) > 1e-6) {
				*why = "amount is not a whole number of fen";
				rc = -1;
			}
			snprintf(store[i], 96, "%lld.%02lld", fen / 100,
			         fen % 100);
		} else {
			*why = "a column is neither text nor a number";
			rc = -1;
		}
	}
	json_decref(o);
	return rc;
}

/* report_file's side of report_read: records gathered into pend and
 * sent as a batch when REPORT_BATCH are in. */
struct sender {
	struct session *s;
	const char *provider;
	FILE *err;
	int progress;
	struct report_stats *st;
	struct pend *pend;
	size_t n;
};

static int gather(void *arg, long line, const char *text)
{
	struct sender *x = arg;
	int rc;

	snprintf(x->pend[x->n].text, sizeof(x->pend[x->n].text), "%s", text);
	x->pend[x->n++].line = line;
	if (x->n < REPORT_BATCH)
		return 0;
	if ((rc = send_batch(x->s, x->provider, x->pend, x->n, x->err,
	                     x->st)) != 0)
		return rc;
	x->n = 0;
	if (x->progress)
		fprintf(stderr,
		        "\r%ld lines: %ld accepted, %ld duplicate, %ld refused",
		        x->st->lines, x->st->accepted, x->st->duplicate,
		        x->st->refused);
	return 0;
}

/* The CSV header's columns into idx; 0, or 2 when a needed one is
 * missing (reported on err). */
static int csv_header(char *buf, int *idx, FILE *err)
{
	char *fields[16];
	int nf = split(buf, fields, 16), i, k;

	for (i = 0; i < nf; i++)
		for (k = 0; k < C_N; k++)
			if (strcmp(fields[i], col_names[k]) == 0)
				idx[k] = i;
	for (i = 0; i < C_CLASS; i++)
		if (idx[i] < 0) {
			fprintf(err, "line 1: the header has no '%s' column\n",
			        col_names[i]);
			return 2;
		}
	return 0;
}

/* One record line (buf, NUL-ended) into its canonical text; 0, or -1
 * with the reason on err. */
static int read_line(const char *provider, char *buf, int ndjson,
                     const int *idx, long lineno, FILE *err,
                     char text[RECORD_LINE_MAX])
{
	char store[C_N][96], *v[C_N];
	const char *why = "too few columns";
	struct record r;

	if ((ndjson ? json_columns(buf, store, v, &why)
	            : csv_columns(buf, idx, v)) < 0) {
		fprintf(err, "line %ld: %s\n", lineno, why);
		return -1;
	}
	if (make_record(provider, v, lineno, err, &r) < 0)
		return -1;
	if (record_format(&r, text, RECORD_LINE_MAX) < 0) {
		fprintf(err, "line %ld: bad id, org, unit, class or project\n",
		        lineno);
		return -1;
	}
	return 0;
}

int report_read(FILE *f, const char *provider, FILE *err,
                struct report_stats *st, report_each_fn each, void *arg)
{
	char buf[4096], text[RECORD_LINE_MAX];
	int idx[C_N], i, rc, ndjson, have = 1;
	long lineno = 1;

	memset(st, 0, sizeof(*st));
	if (fgets(buf, sizeof(buf), f) == NULL)
		return 0;
	ndjson = buf[strspn(buf, " \t")] == '{';
	for (i = 0; i < C_N; i++)
		idx[i] = -1;
	if (!ndjson) {
		if ((rc = csv_header(buf, idx, err)) != 0)
			return rc;
		lineno++;
		have = fgets(buf, sizeof(buf), f) != NULL;
	}
	/* buf holds line `lineno` (the first record line) */
	for (; have; lineno++, have = fgets(buf, sizeof(buf), f) != NULL) {
		size_t len = strlen(buf);
		if (len == sizeof(buf) - 1 && buf[len - 1] != '\n') {
			int ch;
			while ((ch = fgetc(f)) != EOF && ch != '\n')
				;
			fprintf(err, "line %ld: longer than %zu bytes\n",
			        lineno, sizeof(buf) - 2);
			st->lines++;
			st->refused++;
		} else if (strspn(buf, " \t\r\n") != len) {
			st->lines++;
			if (read_line(provider, buf, ndjson, idx, lineno, err,
			              text) < 0)
				st->refused++;
			else if ((rc = each(arg, lineno, text)) != 0)
				return rc;
		}
	}
	return 0;
}

int report_file(struct session *s, const char *provider, FILE *f, FILE *err,
                int progress, struct report_stats *st)
{
	static struct pend pend[REPORT_BATCH];
	struct sender x = {s, provider, err, progress, st, pend, 0};
	int rc;

	if ((rc = report_read(f, provider, err, st, gather, &x)) != 0)
		return rc;
	if (x.n > 0 && (rc = send_batch(s, provider, pend, x.n, err, st)) != 0)
		return rc;
	if (progress)
		fprintf(stderr, "\r%*s\r", 60, "");
	return 0;
}
