/* The pools' figures, per (pool, period) and by program: see pools.h. */
#include "pools.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "err.h"
#include "money.h"
#include "period.h"
#include "rollup.h"
#include "store.h"

int ledger_flows_add(struct ledger_flows *to, const struct ledger_flows *add)
{
	int rc;

	if ((rc = money_add(to->granted, add->granted, &to->granted)) < 0 ||
	    (rc = money_add(to->redeemed, add->redeemed, &to->redeemed)) < 0 ||
	    (rc = money_add(to->paid_out, add->paid_out, &to->paid_out)) < 0 ||
	    (rc = money_add(to->expired, add->expired, &to->expired)) < 0 ||
	    (rc = money_add(to->revoked, add->revoked, &to->revoked)) < 0 ||
	    (rc = money_add(to->recovered, add->recovered, &to->recovered)) <
	        0 ||
	    (rc = money_add(to->unfunded, add->unfunded, &to->unfunded)) < 0)
		return rc;
	return 0;
}

/* The pool rows to list, gathered before they are answered: the stored
 * ones and the policy's pools without figures, then sorted. */
struct pwalk {
	const struct policy *pol;
	const char *pool;
	int32_t period;
	struct ledger_pool *v;
	size_t n, cap;
};

static int pool_add(struct pwalk *w, const char *pool, int32_t period,
                    const struct pool_row *r)
{
	struct ledger_pool *p;
	int idx;

	if (w->n == w->cap) {
		size_t nc = w->cap ? w->cap * 2 : 16;
		void *q = realloc(w->v, nc * sizeof(*w->v));
		if (q == NULL)
			return VD_ENOMEM;
		w->v = q;
		w->cap = nc;
	}
	p = &w->v[w->n++];
	memset(p, 0, sizeof(*p));
	snprintf(p->pool, sizeof(p->pool), "%s", pool);
	p->period = period;
	idx = w->pol ? policy_pool_index(w->pol, p->pool) : -1;
	/* the period's budget once fixed, else the policy's */
	p->budget = r->fixed ? r->budget
	            : idx >= 0
	                ? policy_pool_budget(&w->pol->pools[idx], period, NULL)
	                : 0;
	p->paid_out = r->paid_out;
	p->recovered = r->recovered;
	p->granted = r->granted;
	p->redeemed = r->redeemed;
	p->expired = r->expired;
	p->revoked = r->revoked;
	p->unfunded = r->unfunded;
	p->remaining =
	    p->budget - r->granted + r->expired + r->revoked + r->recovered;
	return 0;
}

static int pool_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct pwalk *w = arg;
	char pool[STORE_ID + 1];
	struct pool_row r;
	int32_t period;

	if (k->mv_size != STORE_ID + 2 || v->mv_size != sizeof(r))
		return VD_EINTERNAL;
	memcpy(&r, v->mv_data, sizeof(r));
	store_key_get_id(k->mv_data, pool);
	period = store_get_u16((const uint8_t *)k->mv_data + STORE_ID);
	if ((w->pool && strcmp(w->pool, pool) != 0) ||
	    (w->period && w->period != period))
		return 0;
	return pool_add(w, pool, period, &r);
}

static int pool_cmp(const void *a, const void *b)
{
	const struct ledger_pool *x = a, *y = b;
	int c = strcmp(x->pool, y->pool);

	return c ? c : (x->period > y->period) - (x->period < y->period);
}

/* The rows ledger_pools lists, into w (the caller frees w->v). */
static int gather(struct ltx *t, struct pwalk *w, int64_t now)
{
	static const struct pool_row zero;
	int32_t want = w->period ? w->period : (int32_t)period_of(now);
	size_t i, j, stored;
	int rc;

	rc = ltx_walk(t, DB_POOLS, NULL, 0, NULL, 0, pool_one, w);
	/* every pool of the policy, for the period asked (or the current
	 * one), with figures or not */
	stored = w->n;
	for (i = 0; rc == 0 && w->pol && i < w->pol->npools; i++) {
		const char *id = w->pol->pools[i].id;
		int seen = 0;
		if (w->pool && strcmp(w->pool, id) != 0)
			continue;
		for (j = 0; j < stored && !seen; j++)
			seen = w->v[j].period == want &&
			       strcmp(w->v[j].pool, id) == 0;
		if (!seen)
			rc = pool_add(w, id, want, &zero);
	}
	if (rc == 0 && w->n > 1)
		qsort(w->v, w->n, sizeof(*w->v), pool_cmp);
	return rc;
}

int ledger_pools(struct ledger *l, const char *pool, int32_t period,
                 int64_t now, ledger_pool_fn fn, void *arg)
{
	struct pwalk w = {ledger_policy(l), pool, period, NULL, 0, 0};
	struct ltx t;
	size_t i;
	int rc;

	if ((rc = ltx_begin(ledger_store(l), NULL, 1, &t)) < 0)
		return rc;
	rc = gather(&t, &w, now);
	ltx_abort(&t);
	for (i = 0; rc == 0 && i < w.n; i++)
		rc = fn(arg, &w.v[i]);
	free(w.v);
	return rc == 1 ? 0 : rc;
}

/* The (pool, period, program) parts, gathered before they are listed. */
struct bwalk {
	const struct policy *pol;
	const char *pool;
	int32_t period;
	struct ledger_pool_program *v;
	size_t n, cap;
};

static int part_of(struct bwalk *w, const char *pool, int32_t period,
                   const char *prog, struct ledger_pool_program **out)
{
	struct ledger_pool_program *p;
	size_t i;

	for (i = 0; i < w->n; i++)
		if (w->v[i].period == period &&
		    strcmp(w->v[i].pool, pool) == 0 &&
		    strcmp(w->v[i].program, prog) == 0) {
			*out = &w->v[i];
			return 0;
		}
	if (w->n == w->cap) {
		size_t nc = w->cap ? w->cap * 2 : 16;
		void *q = realloc(w->v, nc * sizeof(*w->v));
		if (q == NULL)
			return VD_ENOMEM;
		w->v = q;
		w->cap = nc;
	}
	p = &w->v[w->n++];
	memset(p, 0, sizeof(*p));
	snprintf(p->pool, sizeof(p->pool), "%s", pool);
	p->period = period;
	snprintf(p->program, sizeof(p->program), "%s", prog);
	*out = p;
	return 0;
}

/* A rollup row into its (pool, period, program) part. */
static int rollup_part(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct bwalk *w = arg;
	char pool[STORE_ID + 1], prog[STORE_ID + 1];
	struct ledger_pool_program *p;
	struct ledger_flows r;
	int32_t period, day;
	int rc;

	if (v->mv_size != sizeof(r) ||
	    rollup_key_parse(k->mv_data, k->mv_size, pool, &period, &day,
	                     prog) < 0)
		return VD_EINTERNAL;
	if ((w->pool && strcmp(w->pool, pool) != 0) ||
	    (w->period && w->period != period))
		return 0;
	memcpy(&r, v->mv_data, sizeof(r));
	if ((rc = part_of(w, pool, period, prog, &p)) < 0)
		return rc;
	return ledger_flows_add(&p->f, &r);
}

static int part_cmp(const void *a, const void *b)
{
	const struct ledger_pool_program *x = a, *y = b;
	int c = strcmp(x->pool, y->pool);

	if (c == 0)
		c = (x->period > y->period) - (x->period < y->period);
	return c ? c : strcmp(x->program, y->program);
}

static int flows_zero(const struct ledger_flows *f)
{
	return f->granted == 0 && f->redeemed == 0 && f->paid_out == 0 &&
	       f->expired == 0 && f->revoked == 0 && f->recovered == 0 &&
	       f->unfunded == 0;
}

int ledger_pools_by_program(struct ledger *l, const char *pool, int32_t period,
                            int64_t now, ledger_pool_fn pfn,
                            ledger_pool_program_fn fn, void *arg)
{
	struct pwalk w = {ledger_policy(l), pool, period, NULL, 0, 0};
	struct bwalk bw = {ledger_policy(l), pool, period, NULL, 0, 0};
	struct ltx t;
	size_t i;
	int rc;

	if ((rc = ltx_begin(ledger_store(l), NULL, 1, &t)) < 0)
		return rc;
	rc = gather(&t, &w, now);
	/* the rollup's rows, summed over their days (a pool's are one
	 * range) */
	if (rc == 0) {
		uint8_t k[STORE_ID];
		rc = ltx_walk(&t, DB_ROLLUP, k,
		              pool ? store_key_id(k, 0, pool) : 0, NULL, 0,
		              rollup_part, &bw);
	}
	ltx_abort(&t);
	if (rc == 0 && bw.n > 1)
		qsort(bw.v, bw.n, sizeof(*bw.v), part_cmp);
	for (i = 0; rc == 0 && i < w.n; i++)
		rc = pfn(arg, &w.v[i]);
	for (i = 0; rc == 0 && i < bw.n; i++)
		if (!flows_zero(&bw.v[i].f))
			rc = fn(arg, &bw.v[i]);
	free(w.v);
	free(bw.v);
	return rc == 1 ? 0 : rc;
}

struct dwalk {
	const char *pool;
	int32_t period;
	ledger_pool_day_fn fn;
	void *arg;
	struct ledger_pool_day cur; /* the day being summed */
	int have;
};

/* The day summed so far to fn, if any of it moved. */
static int day_flush(struct dwalk *w)
{
	int rc = 0;

	if (w->have && !flows_zero(&w->cur.f))
		rc = w->fn(w->arg, &w->cur);
	w->have = 0;
	return rc;
}

/* Rows come in (pool, period, day, program) order: a day's programs are
 * next to each other, summed as they come. */
static int day_part(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct dwalk *w = arg;
	char pool[STORE_ID + 1], prog[STORE_ID + 1];
	struct ledger_pool_day *d = &w->cur;
	struct ledger_flows r;
	int32_t period, day;
	int rc;

	if (v->mv_size != sizeof(r) ||
	    rollup_key_parse(k->mv_data, k->mv_size, pool, &period, &day,
	                     prog) < 0)
		return VD_EINTERNAL;
	if ((w->pool && strcmp(w->pool, pool) != 0) ||
	    (w->period && w->period != period))
		return 0;
	memcpy(&r, v->mv_data, sizeof(r));
	if (w->have &&
	    (d->day != day || d->period != period ||
	     strcmp(d->pool, pool) != 0) &&
	    (rc = day_flush(w)) != 0)
		return rc;
	if (!w->have) {
		memset(d, 0, sizeof(*d));
		snprintf(d->pool, sizeof(d->pool), "%s", pool);
		d->period = period;
		d->day = day;
		w->have = 1;
	}
	return ledger_flows_add(&d->f, &r);
}

int ledger_pools_by_day(struct ledger *l, const char *pool, int32_t period,
                        int64_t now, ledger_pool_fn pfn, ledger_pool_day_fn fn,
                        void *arg)
{
	struct pwalk w = {ledger_policy(l), pool, period, NULL, 0, 0};
	struct dwalk dw;
	uint8_t k[STORE_ID + 2];
	size_t i, n = 0;
	struct ltx t;
	int rc;

	memset(&dw, 0, sizeof(dw));
	dw.pool = pool;
	dw.period = period;
	dw.fn = fn;
	dw.arg = arg;
	if ((rc = ltx_begin(ledger_store(l), NULL, 1, &t)) < 0)
		return rc;
	rc = gather(&t, &w, now);
	for (i = 0; rc == 0 && i < w.n; i++)
		rc = pfn(arg, &w.v[i]);
	/* one (pool, period) is one range of the rollup */
	if (pool != NULL) {
		n = store_key_id(k, 0, pool);
		if (period)
			n = store_key_u16(k, n, (uint16_t)period);
	}
	if (rc == 0)
		rc = ltx_walk(&t, DB_ROLLUP, k, n, NULL, 0, day_part, &dw);
	if (rc == 0)
		rc = day_flush(&dw);
	ltx_abort(&t);
	free(w.v);
	return rc == 1 ? 0 : rc;
}
