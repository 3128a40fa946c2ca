#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "money.h"
#include "ptime.h"
#include "record.h"
#include "reply.h"

enum { C_ID, C_ORG, C_AT, C_AMOUNT, C_QTY, C_UNIT, C_KIND, C_CLASS, C_N };
static const char *const col_names[C_N] = {"id",  "org",  "at",   "amount",
                                           "qty", "unit", "kind", "class"};

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
		    write(s->fd, lines, len) != (ssize_t)len)
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
			long k = m ? strtol(m + 5, NULL, 10) : 0;
			if (k < 1 || (size_t)k > n) {
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

int report_csv(struct session *s, const char *provider, FILE *f, FILE *err,
               int progress, struct report_stats *st)
{
	static struct pend pend[REPORT_BATCH];
	char buf[4096], *fields[16];
	int idx[C_N], nf, i, rc;
	size_t n = 0;
	long lineno = 1;

	memset(st, 0, sizeof(*st));
	if (fgets(buf, sizeof(buf), f) == NULL)
		return 0;
	for (i = 0; i < C_N; i++)
		idx[i] = -1;
	nf = split(buf, fields, 16);
	for (i = 0; i < nf; i++) {
		int k;
		for (k = 0; k < C_N; k++)
			if (strcmp(fields[i], col_names[k]) == 0)
				idx[k] = i;
	}
	for (i = 0; i < C_CLASS; i++)
		if (idx[i] < 0) {
			fprintf(err, "line 1: the header has no '%s' column\n",
			        col_names[i]);
			return 2;
		}
	while (fgets(buf, sizeof(buf), f)) {
		struct record r;
		int64_t t;
		lineno++;
		if (strspn(buf, " \r\n") == strlen(buf))
			continue;
		st->lines++;
		nf = split(buf, fields, 16);
		memset(&r, 0, sizeof(r));
		for (i = 0; i < C_CLASS; i++)
			if (nf <= idx[i])
				break;
		if (i < C_CLASS) {
			fprintf(err, "line %ld: too few columns\n", lineno);
			st->refused++;
			continue;
		}
		snprintf(r.provider, sizeof(r.provider), "%s", provider);
		snprintf(r.id, sizeof(r.id), "%s", fields[idx[C_ID]]);
		snprintf(r.org, sizeof(r.org), "%s", fields[idx[C_ORG]]);
		snprintf(r.unit, sizeof(r.unit), "%s", fields[idx[C_UNIT]]);
		if (idx[C_CLASS] >= 0 && nf > idx[C_CLASS])
			snprintf(r.klass, sizeof(r.klass), "%s",
			         fields[idx[C_CLASS]]);
		r.kind = cmd_kind_lookup(fields[idx[C_KIND]],
		                         strlen(fields[idx[C_KIND]]));
		if (ptime_parse(fields[idx[C_AT]], strlen(fields[idx[C_AT]]),
		                &t) < 0 ||
		    money_parse_yuan(fields[idx[C_AMOUNT]],
		                     strlen(fields[idx[C_AMOUNT]]), 0,
		                     &r.amount) < 0 ||
		    money_parse_uint(fields[idx[C_QTY]],
		                     strlen(fields[idx[C_QTY]]), &r.qty) < 0 ||
		    r.kind < 0) {
			fprintf(err,
			        "line %ld: bad time, amount, qty or kind\n",
			        lineno);
			st->refused++;
			continue;
		}
		r.at = t;
		if (record_format(&r, pend[n].text, sizeof(pend[n].text)) < 0) {
			fprintf(err, "line %ld: bad id, org or unit\n", lineno);
			st->refused++;
			continue;
		}
		pend[n++].line = lineno;
		if (n == REPORT_BATCH) {
			if ((rc = send_batch(s, provider, pend, n, err, st)) !=
			    0)
				return rc;
			n = 0;
			if (progress)
				fprintf(stderr,
				        "\r%ld lines: %ld accepted, %ld "
				        "duplicate, %ld refused",
				        st->lines, st->accepted, st->duplicate,
				        st->refused);
		}
	}
	if (n > 0 && (rc = send_batch(s, provider, pend, n, err, st)) != 0)
		return rc;
	if (progress)
		fprintf(stderr, "\r%*s\r", 60, "");
	return 0;
}
