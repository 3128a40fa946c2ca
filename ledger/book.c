#include "book.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accrual.h"
#include "civil.h"
#include "err.h"
#include "money.h"
#include "period.h"
#include "rollup.h"

#define ACC_KEY BOOK_ACC_KEY
#define ACC_KEY_MIN (4 + 1 + 1 + 2) /* empty program and project */

const char *book_row_project(const struct policy_program *g,
                             const char *project)
{
	if (g->per != POLICY_PER_PROJECT)
		return "";
	return project[0] ? project : "-";
}

/* Beneficiary first: the rows of one org (every program, every period)
 * sit together, so a record dirties one accrual page for its org, not
 * one per program it counts for (bench/README.md), and an org's
 * ACCRUAL listing is one range. The project before the period: a
 * per-project lifetime cap sums one range. Schema 8: the beneficiary as
 * its number, program and project at their own length (store.h). */
static int acc_key(struct ltx *t, uint8_t *k, size_t *n, const char *prog,
                   const char *ben, const char *proj, int32_t period)
{
	int rc;

	if ((rc = book_acc_prefix(t, k, n, ben, prog)) < 0)
		return rc;
	*n = store_key_str(k, *n, proj);
	*n = store_key_u16(k, *n, (uint16_t)period);
	return 0;
}

int book_acc_key_parse(struct ltx *t, const void *key, size_t klen, char *prog,
                       char *ben, char *proj, int32_t *period)
{
	const uint8_t *p = key, *end = p + klen;
	char pj[STORE_ID + 1];
	uint16_t u;
	int rc;

	uint32_t no;

	/* ben NULL: the caller knows whose rows it walks (no lookup) */
	if ((rc = ben ? pno_take(t, &p, end, ben)
	              : store_key_take_u32(&p, end, &no)) < 0 ||
	    (rc = store_key_take_str(&p, end, prog)) < 0 ||
	    (rc = store_key_take_str(&p, end, proj ? proj : pj)) < 0 ||
	    (rc = store_key_take_u16(&p, end, &u)) < 0)
		return rc;
	if (p != end)
		return VD_EINTERNAL;
	*period = u;
	return 0;
}

int book_acc_prefix(struct ltx *t, uint8_t *k, size_t *n, const char *ben,
                    const char *prog)
{
	int rc;

	*n = 0;
	if ((rc = pno_key(t, k, n, ben)) < 0)
		return rc;
	if (prog)
		*n = store_key_str(k, *n, prog);
	return 0;
}

struct acc_walk {
	struct ltx *t;
	ltx_walk_fn fn;
	void *arg;
	int stop; /* fn returned 1: no more beneficiaries */
};

static int acc_row_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct acc_walk *w = arg;
	int rc = w->fn(w->arg, k, v);

	if (rc == 1)
		w->stop = 1;
	return rc;
}

static int acc_ben(void *arg, const char *id, uint32_t no)
{
	struct acc_walk *w = arg;
	uint8_t k[4];
	int rc;

	(void)id;
	store_key_u32(k, 0, no);
	rc = ltx_walk(w->t, DB_ACCRUAL, k, sizeof(k), NULL, 0, acc_row_one, w);
	return rc < 0 ? rc : w->stop;
}

int book_acc_walk(struct ltx *t, ltx_walk_fn fn, void *arg)
{
	struct acc_walk w = {t, fn, arg, 0};

	return pno_walk(t, acc_ben, &w);
}

int book_principal(struct book *b, const char *id, struct principal_row *r)
{
	uint8_t k[STORE_ID];
	MDB_val v;
	int rc;

	store_key_id(k, 0, id);
	if ((rc = ltx_get(b->t, DB_PRINCIPALS, k, STORE_ID, &v)) < 0)
		return rc;
	if (v.mv_size != sizeof(*r))
		return VD_EINTERNAL;
	memcpy(r, v.mv_data, sizeof(*r));
	return 0;
}

int book_record(struct book *b, const char *provider, const char *id,
                uint32_t *pno, struct recrow *r, char *org)
{
	uint8_t k[RECROW_KEY];
	uint32_t no;
	MDB_val v;
	int rc;

	if ((rc = pno_get(b->t, provider, &no)) < 0 ||
	    (rc = ltx_get(b->t, DB_RECORDS, k, recrow_key(k, no, id), &v)) <
	        0 ||
	    (rc = recrow_decode(v.mv_data, v.mv_size, r)) < 0)
		return rc;
	if (pno)
		*pno = no;
	/* every record's org is a principal */
	if (org && (rc = pno_id(b->t, r->org, org)) < 0)
		return rc == VD_ENOENT ? VD_EINTERNAL : rc;
	return 0;
}

int book_acc_find(struct book *b, const char *prog, const char *ben,
                  const char *proj, int32_t period, struct acc_row *r,
                  struct book_acc_at *at)
{
	MDB_val v;
	int rc;

	memset(r, 0, sizeof(*r));
	at->n = 0;
	/* an unregistered beneficiary has no rows */
	if ((rc = acc_key(b->t, at->k, &at->n, prog, ben, proj, period)) < 0)
		at->n = 0;
	else
		rc = ltx_get(b->t, DB_ACCRUAL, at->k, at->n, &v);
	if (rc == VD_ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	if (v.mv_size != sizeof(*r))
		return VD_EINTERNAL;
	memcpy(r, v.mv_data, sizeof(*r));
	return 0;
}

int book_acc_get(struct book *b, const char *prog, const char *ben,
                 const char *proj, int32_t period, struct acc_row *r)
{
	struct book_acc_at at;

	return book_acc_find(b, prog, ben, proj, period, r, &at);
}

int book_acc_put_at(struct book *b, const struct book_acc_at *at,
                    const struct acc_row *r)
{
	/* found no principal: its rows are never written */
	if (at->n == 0)
		return VD_EINTERNAL;
	return ltx_put(b->t, DB_ACCRUAL, at->k, at->n, r, sizeof(*r));
}

int book_acc_put(struct book *b, const char *prog, const char *ben,
                 const char *proj, int32_t period, const struct acc_row *r)
{
	uint8_t k[ACC_KEY];
	size_t n;
	int rc;

	if ((rc = acc_key(b->t, k, &n, prog, ben, proj, period)) < 0)
		return rc == VD_ENOENT ? VD_EINTERNAL : rc;
	return ltx_put(b->t, DB_ACCRUAL, k, n, r, sizeof(*r));
}

int book_pool_get(struct book *b, const char *pool, int32_t period,
                  struct pool_row *r)
{
	uint8_t k[STORE_ID + 2];
	MDB_val v;
	int rc;

	store_key_u16(k, store_key_id(k, 0, pool), (uint16_t)period);
	memset(r, 0, sizeof(*r));
	rc = ltx_get(b->t, DB_POOLS, k, sizeof(k), &v);
	if (rc == VD_ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	if (v.mv_size != sizeof(*r))
		return VD_EINTERNAL;
	memcpy(r, v.mv_data, sizeof(*r));
	return 0;
}

int book_pool_put(struct book *b, const char *pool, int32_t period,
                  const struct pool_row *r)
{
	uint8_t k[STORE_ID + 2];

	store_key_u16(k, store_key_id(k, 0, pool), (uint16_t)period);
	return ltx_put(b->t, DB_POOLS, k, sizeof(k), r, sizeof(*r));
}

/* A voucher's row lives under (beneficiary, voucher id): the vouchers of
 * one org share a page, so a record's grants dirty one voucher page for
 * its org instead of one per voucher, and BALANCE reads one range. The
 * voucher id alone leads to the beneficiary (DB_VOUCHERS). */
int book_voucher_get_of(struct book *b, const char *ben, const char *vid,
                        struct voucher_row *r)
{
	uint8_t k[BOOK_VBY_KEY];
	size_t n;
	MDB_val v;
	int rc;

	if ((rc = book_vby_key(b->t, k, &n, ben, vid)) < 0 ||
	    (rc = ltx_get(b->t, DB_VOUCHERS_BY, k, n, &v)) < 0)
		return rc == VD_ENOENT ? VD_EINTERNAL : rc;
	if (v.mv_size != sizeof(*r))
		return VD_EINTERNAL;
	memcpy(r, v.mv_data, sizeof(*r));
	return 0;
}

int book_vby_key(struct ltx *t, uint8_t *k, size_t *n, const char *ben,
                 const char *vid)
{
	int rc;

	*n = 0;
	if ((rc = pno_key(t, k, n, ben)) < 0)
		return rc;
	*n = store_key_str(k, *n, vid);
	return 0;
}

int book_batch_key(struct ltx *t, uint8_t k[BOOK_BATCH_KEY], const char *prov,
                   uint64_t seq)
{
	size_t n = 0;
	int rc;

	if ((rc = pno_key(t, k, &n, prov)) < 0)
		return rc;
	store_key_u64(k, n, seq);
	return 0;
}

int book_voucher_at(struct book *b, const char *vid, const MDB_val *v,
                    struct voucher_row *r)
{
	char ben[STORE_ID + 1];

	if (v->mv_size == 0 || v->mv_size > STORE_ID)
		return VD_EINTERNAL;
	memcpy(ben, v->mv_data, v->mv_size);
	ben[v->mv_size] = '\0';
	return book_voucher_get_of(b, ben, vid, r);
}

int book_voucher_get(struct book *b, const char *vid, struct voucher_row *r)
{
	uint8_t k[STORE_KSTR];
	MDB_val v;
	int rc;

	if ((rc = ltx_get(b->t, DB_VOUCHERS, k, store_key_str(k, 0, vid), &v)) <
	    0)
		return rc;
	return book_voucher_at(b, vid, &v, r);
}

int64_t book_remaining(const struct voucher_row *v)
{
	return v->granted - v->redeemed - v->paid_out - v->expired - v->revoked;
}

static int in_expiry(const struct voucher_row *v)
{
	/* a cash entitlement (expires_at 0) never expires */
	return v->status == V_ACTIVE && v->expires_at != 0 &&
	       book_remaining(v) > 0;
}

static size_t expiry_key(uint8_t *k, const struct voucher_row *v,
                         const char *vid)
{
	/* offset so that negative times would still sort first */
	size_t n = store_key_u64(k, 0, (uint64_t)v->expires_at ^ (1ull << 63));

	return store_key_str(k, n, vid);
}

int book_voucher_put(struct book *b, const char *vid,
                     const struct voucher_row *old, const struct voucher_row *r)
{
	uint8_t k[STORE_KSTR], ek[8 + STORE_KSTR], bk[BOOK_VBY_KEY];
	int rc, was, is, moved;
	size_t n;

	if ((rc = book_vby_key(b->t, bk, &n, r->beneficiary, vid)) < 0)
		return rc == VD_ENOENT ? VD_EINTERNAL : rc;
	if ((rc = ltx_put(b->t, DB_VOUCHERS_BY, bk, n, r, sizeof(*r))) < 0)
		return rc;
	if (old == NULL &&
	    (rc = ltx_put(b->t, DB_VOUCHERS, k, store_key_str(k, 0, vid),
	                  r->beneficiary, strnlen(r->beneficiary, STORE_ID))) <
	        0)
		return rc;
	/* the expiry index holds the active vouchers with money left; the
	 * key changes only when that or the expiry does (a top-up within a
	 * period under the default voucher_days leaves it where it is) */
	was = old != NULL && in_expiry(old);
	is = in_expiry(r);
	moved = !was || !is || old->expires_at != r->expires_at;
	if (was && moved &&
	    (rc = ltx_del(b->t, DB_EXPIRY, ek, expiry_key(ek, old, vid))) < 0)
		return rc;
	if (is && moved)
		return ltx_put(b->t, DB_EXPIRY, ek, expiry_key(ek, r, vid), "",
		               0);
	return 0;
}

int book_pools_move(struct book *b, const struct policy_program *g,
                    int32_t period, size_t figure, int64_t *total,
                    int64_t delta, char *parts, size_t size)
{
	int64_t from[POLICY_MAX_SHARES], to[POLICY_MAX_SHARES], d, *f, next;
	/* where the movement goes in the day's rollup row (every figure
	 * moved here is one; -1 would be one that is not) */
	long rf = rollup_field(figure);
	struct pool_row row;
	size_t i, n = 0;
	int fix, rc;

	if ((rc = money_add(*total, delta, &next)) < 0)
		return rc;
	if (parts != NULL)
		snprintf(parts, size, "-");
	/* a program no longer in the policy: its figures stay as they are */
	if (g == NULL || delta == 0) {
		*total = next;
		return 0;
	}
	/* each pool books the change in its share of the voucher's running
	 * total, so no pool gives back more than it was booked */
	if ((rc = accrual_split(g, *total, from)) < 0 ||
	    (rc = accrual_split(g, next, to)) < 0)
		return rc;
	for (i = 0; i < g->nshares; i++) {
		const char *pool = b->pol->pools[g->shares[i].pool].id;
		d = to[i] - from[i];
		if (parts != NULL) {
			/* the entry's type says the direction: its parts add
			 * up to |delta| */
			n += (size_t)snprintf(
			    parts + n, n < size ? size - n : 0, "%s%s:%" PRId64,
			    i ? "," : "", pool, delta < 0 ? -d : d);
			if (n >= size)
				return VD_ELIMIT;
		}
		/* a draw fixes the period's budget in each of the program's
		 * pools, also one whose part of this draw is 0 */
		fix = figure == offsetof(struct pool_row, granted) && delta > 0;
		if (d == 0 && !fix)
			continue;
		if ((rc = book_pool_get(b, pool, period, &row)) < 0 ||
		    (fix && (rc = book_pool_fix(b, g->shares[i].pool, period,
		                                &row)) < 0))
			return rc;
		f = (int64_t *)((char *)&row + figure);
		if ((rc = money_add(*f, d, f)) < 0)
			return rc;
		if ((rc = book_pool_put(b, pool, period, &row)) < 0 ||
		    (rf >= 0 && (rc = rollup_add(b, pool, period, g->id,
		                                 (size_t)rf, d)) < 0))
			return rc;
	}
	*total = next;
	return 0;
}

int book_pool_fix(struct book *b, int pool, int32_t period,
                  struct pool_row *row)
{
	const struct policy_pool *p = &b->pol->pools[pool];
	struct jfields f;

	if (row->fixed)
		return 0;
	row->fixed = 1;
	row->budget = policy_pool_budget(p, period, NULL);
	journal_fields_init(&f);
	journal_str(&f, "pool", p->id);
	journal_i64(&f, "period", period);
	journal_i64(&f, "budget", row->budget);
	return journal_append(b->t, b->now, "budget", &f, NULL);
}

int book_pools_remaining(struct book *b, const struct policy_program *g,
                         int32_t period, int64_t *rem)
{
	struct pool_row row;
	size_t i;
	int rc;

	for (i = 0; i < g->nshares; i++) {
		const struct policy_pool *p = &b->pol->pools[g->shares[i].pool];
		if ((rc = book_pool_get(b, p->id, period, &row)) < 0)
			return rc;
		/* budget - granted + expired + revoked + recovered
		 * (domain.md) */
		rem[i] = (row.fixed ? row.budget
		                    : policy_pool_budget(p, period, NULL)) -
		         row.granted + row.expired + row.revoked +
		         row.recovered;
		if (rem[i] < 0)
			rem[i] = 0;
	}
	return 0;
}

struct life {
	int32_t period;
	int64_t basis, granted_other, periods_before, earned_other;
};

static int life_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct life *l = arg;
	struct acc_row r;
	int32_t p;

	/* the period ends the key (book_acc_key_parse) */
	if (k->mv_size < ACC_KEY_MIN || k->mv_size > ACC_KEY ||
	    v->mv_size != sizeof(r))
		return VD_EINTERNAL;
	memcpy(&r, v->mv_data, sizeof(r));
	p = store_get_u16((const uint8_t *)k->mv_data + k->mv_size - 2);
	if (money_add(l->basis, r.basis, &l->basis) < 0)
		return VD_EOVERFLOW;
	if (p != l->period) {
		l->granted_other += r.granted;
		l->earned_other += r.earned;
		if (p < l->period && r.granted > 0)
			l->periods_before++;
	}
	return 0;
}

/* The rows of (prog, ben) of project proj, or of every project (NULL) */
static int lifetime(struct book *b, const char *prog, const char *ben,
                    const char *proj, int32_t period, struct life *l)
{
	uint8_t k[ACC_KEY];
	size_t n;
	int rc;

	memset(l, 0, sizeof(*l));
	l->period = period;
	if ((rc = book_acc_prefix(b->t, k, &n, ben, prog)) < 0)
		return rc == VD_ENOENT ? 0 : rc;
	if (proj != NULL)
		n = store_key_str(k, n, proj);
	return ltx_walk(b->t, DB_ACCRUAL, k, n, NULL, 0, life_one, l);
}

int book_earned(struct book *b, const struct policy_program *g, const char *ben,
                const char *proj, int32_t period, int64_t *earned)
{
	struct acc_row row;
	int rc;

	if ((rc = book_acc_get(b, g->id, ben, proj, period, &row)) < 0)
		return rc;
	return book_earned_row(b, g, ben, proj, period, &row, earned);
}

int book_earned_row(struct book *b, const struct policy_program *g,
                    const char *ben, const char *proj, int32_t period,
                    const struct acc_row *row, int64_t *earned)
{
	struct accrual_state st;
	struct life l;
	int rc;

	if (g->settlement == POLICY_GRANT) {
		*earned = row->earned;
		return 0;
	}
	/* the other periods' rows count only for a lifetime cap or
	 * max_periods: a yearly program skips the walk over them */
	if (g->cap_period == POLICY_LIFETIME || g->max_periods > 0) {
		if ((rc = lifetime(b, g->id, ben, proj, period, &l)) < 0)
			return rc;
	} else {
		memset(&l, 0, sizeof(l));
	}
	st.basis = g->cap_period == POLICY_LIFETIME ? l.basis : row->basis;
	st.granted_other = l.granted_other;
	st.periods_before = l.periods_before;
	if (st.basis < 0)
		st.basis = 0;
	return accrual_earned(g, &st, earned);
}

const char *book_beneficiary(const struct policy_program *g,
                             const char *provider, const char *org)
{
	return g->beneficiary == POLICY_PROVIDER ? provider : org;
}

int64_t book_clawback_room(const struct voucher_row *v)
{
	/* a refund owed to the holder (due below 0) makes no room */
	int64_t r = v->redeemed + v->paid_out -
	            (v->clawback_due > 0 ? v->clawback_due : 0) - v->recovered;

	return r > 0 ? r : 0;
}

struct cwalk {
	int64_t sum;
};

static int claw_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct voucher_row r;

	(void)k;
	if (v->mv_size != sizeof(r))
		return VD_EINTERNAL;
	memcpy(&r, v->mv_data, sizeof(r));
	return money_add(((struct cwalk *)arg)->sum, r.clawback_due,
	                 &((struct cwalk *)arg)->sum);
}

int book_clawback_get(struct book *b, const char *ben, int64_t *amount)
{
	struct cwalk w = {0};
	uint8_t k[4];
	size_t n = 0;
	int rc;

	*amount = 0;
	if ((rc = pno_key(b->t, k, &n, ben)) < 0)
		return rc == VD_ENOENT ? 0 : rc;
	rc = ltx_walk(b->t, DB_VOUCHERS_BY, k, n, NULL, 0, claw_one, &w);
	*amount = w.sum;
	return rc;
}

static int new_voucher_id(struct book *b, char vid[BOOK_VID])
{
	uint64_t n = 0;
	MDB_val v;
	int rc;

	rc = ltx_get(b->t, DB_META, "vseq", 4, &v);
	if (rc == 0 && v.mv_size == sizeof(n))
		memcpy(&n, v.mv_data, sizeof(n));
	else if (rc < 0 && rc != VD_ENOENT)
		return rc;
	n++;
	if ((rc = ltx_put(b->t, DB_META, "vseq", 4, &n, sizeof(n))) < 0)
		return rc;
	snprintf(vid, BOOK_VID, "V%012" PRIu64, n);
	return 0;
}

int book_grant(struct book *b, const struct policy_program *g, const char *ben,
               const char *proj, int32_t period, int64_t amount,
               struct acc_row *acc)
{
	struct voucher_row old, v;
	char parts[512], exp[21];
	struct jfields fields, *f = &fields;
	int64_t total;
	int have = 0, rc;

	if (amount <= 0)
		return 0;
	if (acc->voucher[0] != '\0') {
		rc = book_voucher_get_of(b, ben, acc->voucher, &old);
		if (rc < 0)
			return rc;
		/* a revoked voucher takes no more grants, and its program
		 * grants nothing more to ben for the period (a grant
		 * program's next application has a voucher of its own) */
		if (old.status == V_REVOKED)
			return 0;
		have = 1;
	}
	if (!have && (rc = new_voucher_id(b, acc->voucher)) < 0)
		return rc;
	if (have)
		v = old;
	else {
		memset(&v, 0, sizeof(v));
		snprintf(v.program, sizeof(v.program), "%s", g->id);
		snprintf(v.beneficiary, sizeof(v.beneficiary), "%s", ben);
		snprintf(v.project, sizeof(v.project), "%s", proj);
		v.period = period;
		v.pays = (uint8_t)g->pays;
	}
	total = v.granted;
	if ((rc = money_add(v.granted, amount, &v.granted)) < 0 ||
	    (rc = money_add(acc->granted, amount, &acc->granted)) < 0)
		return rc;
	/* redeemable voucher_days after its latest top-up, or by default to
	 * the end of the period after the one it was topped up in */
	v.expires_at = v.pays == POLICY_PAYS_CASH ? 0
	               : g->voucher_days ? b->now + g->voucher_days * 86400
	                                 : period_start(period_of(b->now) + 2);
	v.status = V_ACTIVE;
	if ((rc = book_voucher_put(b, acc->voucher, have ? &old : NULL, &v)) <
	        0 ||
	    (rc = book_pools_move(b, g, period,
	                          offsetof(struct pool_row, granted), &total,
	                          amount, parts, sizeof(parts))) < 0)
		return rc;
	journal_fields_init(f);
	journal_str(f, "voucher", acc->voucher);
	journal_str(f, "program", g->id);
	journal_str(f, "beneficiary", ben);
	if (proj[0])
		journal_str(f, "project", proj);
	journal_i64(f, "period", period);
	journal_i64(f, "amount", amount);
	journal_str(f, "pools", parts);
	if (v.expires_at != 0) {
		civil_format_utc_clamped(v.expires_at, exp);
		journal_str(f, "expires", exp);
	} else
		journal_str(f, "pays", "cash");
	return journal_append(b->t, b->now, "grant", f, NULL);
}

/* Keep the pools' unfunded figure equal to the split of every row's
 * unfunded amount. */
int book_set_unfunded(struct book *b, const struct policy_program *g,
                      int32_t period, struct acc_row *acc, int64_t u)
{
	int64_t po[POLICY_MAX_SHARES], pn[POLICY_MAX_SHARES];
	struct pool_row row;
	size_t i;
	int rc;

	if (u == acc->unfunded)
		return 0;
	if ((rc = accrual_split(g, acc->unfunded, po)) < 0 ||
	    (rc = accrual_split(g, u, pn)) < 0)
		return rc;
	for (i = 0; i < g->nshares; i++) {
		const char *pool = b->pol->pools[g->shares[i].pool].id;
		if ((rc = book_pool_get(b, pool, period, &row)) < 0)
			return rc;
		row.unfunded += pn[i] - po[i];
		if ((rc = book_pool_put(b, pool, period, &row)) < 0 ||
		    (rc = rollup_add(b, pool, period, g->id,
		                     offsetof(struct ledger_flows, unfunded),
		                     pn[i] - po[i])) < 0)
			return rc;
	}
	acc->unfunded = u;
	return 0;
}

int book_lifetime(struct book *b, const char *prog, const char *ben,
                  const char *proj, int32_t period, int64_t *basis,
                  int64_t *granted_other, int64_t *earned_other)
{
	struct life l;
	int rc;

	if ((rc = lifetime(b, prog, ben, proj, period, &l)) < 0)
		return rc;
	*basis = l.basis;
	*granted_other = l.granted_other;
	*earned_other = l.earned_other;
	return 0;
}
