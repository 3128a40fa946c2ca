#include "carry.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "num.h"
#include "period.h"

struct held {
	char type[16];
	char *fields; /* " k=v ..." as journal_fields built them */
	size_t len;
	int carried;
};

struct taken {
	struct held *e;
	size_t n, cap;
};

/* An entry taken back: its type and its fields, copied. */
static int take(void *arg, uint64_t seq, const char *bytes, size_t len,
                const uint8_t hash[CHAIN_HASH_LEN])
{
	struct taken *t = arg;
	const char *ty = NULL;
	size_t tl;

	(void)seq;
	(void)hash;
	/* "seq=S time=T type=X[ fields]": the bytes are LMDB's, with no
	 * NUL after them, which journal_span keeps within */
	if (!journal_span(bytes, len, "type", &ty, &tl) || tl == 0 ||
	    tl >= sizeof(t->e[0].type))
		return VD_EINTERNAL;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		struct held *e = realloc(t->e, cap * sizeof(*e));
		if (e == NULL)
			return VD_ENOMEM;
		t->e = e;
		t->cap = cap;
	}
	memset(&t->e[t->n], 0, sizeof(t->e[0]));
	memcpy(t->e[t->n].type, ty, tl);
	t->e[t->n].len = len - (size_t)(ty + tl - bytes);
	if ((t->e[t->n].fields = malloc(t->e[t->n].len + 1)) == NULL)
		return VD_ENOMEM;
	memcpy(t->e[t->n].fields, ty + tl, t->e[t->n].len);
	t->e[t->n].fields[t->e[t->n].len] = '\0';
	t->n++;
	return 0;
}

/* A grant entry's fields in their carried form (carry.h). */
static int carried(struct book *b, const struct held *h, char *out, size_t size)
{
	struct carry_grant g;
	struct acc_row row;
	const char *e = h->fields;
	size_t n = h->len;
	const char *why;
	int64_t period;
	int rc, w;

	memset(&g, 0, sizeof(g));
	if (!journal_field(e, n, "voucher", g.voucher, sizeof(g.voucher)) ||
	    !journal_field(e, n, "program", g.program, sizeof(g.program)) ||
	    !journal_field(e, n, "beneficiary", g.beneficiary,
	                   sizeof(g.beneficiary)) ||
	    !journal_field(e, n, "period", g.period, sizeof(g.period)) ||
	    !journal_field(e, n, "amount", g.amount, sizeof(g.amount)) ||
	    !journal_field(e, n, "pools", g.pools, sizeof(g.pools)))
		return VD_EINTERNAL;
	if (!journal_field(e, n, "expires", g.expires, sizeof(g.expires)))
		snprintf(g.expires, sizeof(g.expires), "cash");
	if (!journal_field(e, n, "project", g.project, sizeof(g.project)))
		g.project[0] = '\0';
	/* our own grant entry: a period of another shape is a damaged one */
	if (num_parse(g.period, strlen(g.period), PERIOD_MIN, PERIOD_MAX,
	              &period, &why) < 0)
		return VD_EINTERNAL;
	/* the row's unfunded once the record is applied: each of its rows
	 * is funded once per record */
	if ((rc = book_acc_get(b, g.program, g.beneficiary, g.project,
	                       (int32_t)period, &row)) < 0)
		return rc;
	w = snprintf(out, size, "%s/%s/%s/%s/%s/%" PRId64 "/%s/%s%s%s",
	             g.voucher, g.program, g.beneficiary, g.period, g.amount,
	             row.unfunded, g.pools, g.expires, g.project[0] ? "/" : "",
	             g.project);
	return w < 0 || (size_t)w >= size ? VD_ELIMIT : 0;
}

int carry_journal(struct book *b, uint64_t before, const char *type,
                  struct jfields *f, uint64_t *seq)
{
	struct taken t = {NULL, 0, 0};
	char key[24], form[JOURNAL_ENTRY_MAX];
	size_t i, k = 0;
	int stop = 0, rc;

	if ((rc = journal_takeback(b->t, before, take, &t)) < 0)
		goto out;
	for (i = 0; i < t.n && !stop && f->err == 0; i++) {
		if (strcmp(t.e[i].type, "grant") != 0)
			continue;
		if ((rc = carried(b, &t.e[i], form, sizeof(form))) < 0)
			goto out;
		snprintf(key, sizeof(key), "grant%zu", k + 1);
		journal_str(f, key, form);
		/* journal_str writes nothing when it fails: the entry is
		 * as it was, and this grant and the later ones go alone */
		if (f->err == VD_ELIMIT) {
			f->err = 0;
			stop = 1;
		} else {
			t.e[i].carried = 1;
			k++;
		}
	}
	if ((rc = journal_append(b->t, b->now, type, f, seq)) < 0)
		goto out;
	for (i = 0; i < t.n; i++) {
		struct jfields g;
		if (t.e[i].carried)
			continue;
		if (t.e[i].len >= sizeof(g.buf)) {
			rc = VD_EINTERNAL;
			goto out;
		}
		memcpy(g.buf, t.e[i].fields, t.e[i].len + 1);
		g.len = t.e[i].len;
		g.err = 0;
		if ((rc = journal_append(b->t, b->now, t.e[i].type, &g, NULL)) <
		    0)
			goto out;
	}
out:
	for (i = 0; i < t.n; i++)
		free(t.e[i].fields);
	free(t.e);
	return rc;
}

/* The next '/'-ended field of s into out (size bytes); the rest. */
static const char *field(const char *s, const char *end, char *out, size_t size,
                         int last)
{
	const char *p = s;
	size_t n;

	if (s == NULL)
		return NULL;
	if (!last)
		while (p < end && *p != '/')
			p++;
	else
		p = end;
	n = (size_t)(p - s);
	if (n == 0 || n >= size)
		return NULL;
	memcpy(out, s, n);
	out[n] = '\0';
	return p < end ? p + 1 : p;
}

int carry_parse(const char *s, size_t len, struct carry_grant *g)
{
	const char *end = s + len, *p = s;

	memset(g, 0, sizeof(*g));
	p = field(p, end, g->voucher, sizeof(g->voucher), 0);
	p = field(p, end, g->program, sizeof(g->program), 0);
	p = field(p, end, g->beneficiary, sizeof(g->beneficiary), 0);
	p = field(p, end, g->period, sizeof(g->period), 0);
	p = field(p, end, g->amount, sizeof(g->amount), 0);
	p = field(p, end, g->unfunded, sizeof(g->unfunded), 0);
	p = field(p, end, g->pools, sizeof(g->pools), 0);
	if (p == NULL || p >= end)
		return -1;
	p = field(p, end, g->expires, sizeof(g->expires), 0);
	/* then the project (which may hold '/'), if a '/' follows: the
	 * rest, not empty */
	if (p == NULL || (p == end && p[-1] == '/') ||
	    (p < end &&
	     field(p, end, g->project, sizeof(g->project), 1) == NULL))
		return -1;
	return 0;
}
