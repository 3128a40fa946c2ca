/* The pools' figures, per (pool, period) and by program: see pools.h. */
#include "pools.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accrual.h"
#include "book.h"
#include "err.h"
#include "money.h"
#include "period.h"
#include "store.h"

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

/* Add the split of n figures of program prog (vals[i] to the figure at
 * offsetof offs[i]) to its parts of period. */
static int add_split(struct bwalk *w, const char *prog, int32_t period,
                     const int64_t *vals, const size_t *offs, size_t n)
{
	const struct policy_program *g = policy_program(w->pol, prog);
	int64_t parts[POLICY_MAX_SHARES];
	struct ledger_pool_program *p;
	size_t i, k;
	int rc;

	if (g == NULL || (w->period && w->period != period))
		return 0;
	for (k = 0; k < n; k++) {
		if (vals[k] == 0)
			continue;
		if ((rc = accrual_split(g, vals[k], parts)) < 0)
			return rc == VD_EINVAL ? VD_EINTERNAL : rc;
		for (i = 0; i < g->nshares; i++) {
			const char *pool = w->pol->pools[g->shares[i].pool].id;
			int64_t *f;
			if (w->pool && strcmp(w->pool, pool) != 0)
				continue;
			if ((rc = part_of(w, pool, period, prog, &p)) < 0)
				return rc;
			f = (int64_t *)((char *)p + offs[k]);
			if ((rc = money_add(*f, parts[i], f)) < 0)
				return rc;
		}
	}
	return 0;
}

#define OFF(x) offsetof(struct ledger_pool_program, x)

static int voucher_part(void *arg, const MDB_val *k, const MDB_val *v)
{
	static const size_t offs[] = {OFF(granted),  OFF(redeemed),
	                              OFF(paid_out), OFF(expired),
	                              OFF(revoked),  OFF(recovered)};
	struct voucher_row r;
	int64_t vals[6];

	(void)k;
	if (v->mv_size != sizeof(r))
		return VD_EINTERNAL;
	memcpy(&r, v->mv_data, sizeof(r));
	vals[0] = r.granted;
	vals[1] = r.redeemed;
	vals[2] = r.paid_out;
	vals[3] = r.expired;
	vals[4] = r.revoked;
	vals[5] = r.recovered;
	return add_split(arg, r.program, r.period, vals, offs, 6);
}

static int unfunded_part(void *arg, const MDB_val *k, const MDB_val *v)
{
	static const size_t offs[] = {OFF(unfunded)};
	char prog[STORE_ID + 1], ben[STORE_ID + 1];
	struct acc_row r;
	int32_t period;
	int rc;

	if (v->mv_size != sizeof(r))
		return VD_EINTERNAL;
	memcpy(&r, v->mv_data, sizeof(r));
	if ((rc = book_acc_key_parse(k->mv_data, k->mv_size, prog, ben, NULL,
	                             &period)) < 0)
		return rc;
	return add_split(arg, prog, period, &r.unfunded, offs, 1);
}

static int part_cmp(const void *a, const void *b)
{
	const struct ledger_pool_program *x = a, *y = b;
	int c = strcmp(x->pool, y->pool);

	if (c == 0)
		c = (x->period > y->period) - (x->period < y->period);
	return c ? c : strcmp(x->program, y->program);
}

static int zero_part(const struct ledger_pool_program *p)
{
	return p->granted == 0 && p->redeemed == 0 && p->paid_out == 0 &&
	       p->expired == 0 && p->revoked == 0 && p->recovered == 0 &&
	       p->unfunded == 0;
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
	if (rc == 0 && bw.pol != NULL)
		rc = ltx_walk(&t, DB_VOUCHERS_BY, NULL, 0, NULL, 0,
		              voucher_part, &bw);
	if (rc == 0 && bw.pol != NULL)
		rc = ltx_walk(&t, DB_ACCRUAL, NULL, 0, NULL, 0, unfunded_part,
		              &bw);
	ltx_abort(&t);
	if (rc == 0 && bw.n > 1)
		qsort(bw.v, bw.n, sizeof(*bw.v), part_cmp);
	for (i = 0; rc == 0 && i < w.n; i++)
		rc = pfn(arg, &w.v[i]);
	for (i = 0; rc == 0 && i < bw.n; i++)
		if (!zero_part(&bw.v[i]))
			rc = fn(arg, &bw.v[i]);
	free(w.v);
	free(bw.v);
	return rc == 1 ? 0 : rc;
}
