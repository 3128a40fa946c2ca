/* A policy becomes the one in force (start, RELOAD, SIGHUP): recorded
 * once, and judged against the store first (domain.md, "Budgets per
 * period, and what a policy reload may change"). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "money.h"
#include "ops.h"
#include "period.h"

/* A fixed budget the new policy changes: applied once every rule holds. */
struct change {
	char pool[STORE_ID + 1];
	int32_t period;
	struct pool_row row;
	int64_t was;
};

struct judge {
	struct book *b;
	const struct policy *prev;
	struct ledger_op *op;
	struct change *ch;
	size_t n, cap;
};

static int refuse(struct judge *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int refuse(struct judge *j, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->op->why_buf, sizeof(j->op->why_buf), fmt, ap);
	va_end(ap);
	j->op->why = j->op->why_buf;
	return VD_EPOLICY;
}

/* Settled by an annual program of the new policy drawing on pool. */
static int settled_on(struct judge *j, int pool, int32_t period)
{
	const struct policy *pol = j->b->pol;
	size_t i, k;
	int rc;

	for (i = 0; i < pol->nprograms; i++) {
		const struct policy_program *g = &pol->programs[i];
		if (g->settlement != POLICY_ANNUAL)
			continue;
		for (k = 0; k < g->nshares; k++)
			if (g->shares[k].pool == pool &&
			    (rc = ops_settled(j->b, g->id, period)) != 0)
				return rc;
	}
	return 0;
}

static int pool_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct judge *j = arg;
	const struct policy *pol = j->b->pol;
	int64_t late = (j->prev ? j->prev : pol)->late_days, nb, committed;
	struct policy_origin where;
	char pool[STORE_ID + 1];
	struct pool_row r;
	int32_t period;
	int idx, rc;

	if (k->mv_size != STORE_ID + 2 || v->mv_size != sizeof(r))
		return VD_EINTERNAL;
	memcpy(&r, v->mv_data, sizeof(r));
	store_key_get_id(k->mv_data, pool);
	period = store_get_u16((const uint8_t *)k->mv_data + STORE_ID);
	if ((idx = policy_pool_index(pol, pool)) < 0)
		return refuse(j,
		              "pool %s would be removed, but the store refers "
		              "to it (its %d figures)",
		              pool, period);
	if (!r.fixed)
		return 0;
	nb = policy_pool_budget(&pol->pools[idx], period, &where);
	if (nb == r.budget)
		return 0;
	if (j->b->now >= period_start(period + 1) + late * 86400)
		return refuse(
		    j,
		    "%s:%d: pool %s's budget for %d is fixed at %" PRId64
		    " fen and the period is closed (ended more than "
		    "late_days ago)",
		    where.file, where.line, pool, period, r.budget);
	if ((rc = settled_on(j, idx, period)) != 0)
		return rc < 0
		           ? rc
		           : refuse(j,
		                    "%s:%d: pool %s's budget for %d is fixed "
		                    "at %" PRId64
		                    " fen and an annual program has settled "
		                    "the period",
		                    where.file, where.line, pool, period,
		                    r.budget);
	committed = r.granted - r.expired - r.revoked - r.recovered;
	if (nb < committed)
		return refuse(j,
		              "%s:%d: pool %s's budget for %d would be %" PRId64
		              " fen, below the %" PRId64 " it has committed",
		              where.file, where.line, pool, period, nb,
		              committed);
	if (j->n == j->cap) {
		size_t nc = j->cap ? j->cap * 2 : 8;
		void *q = realloc(j->ch, nc * sizeof(*j->ch));
		if (q == NULL)
			return VD_ENOMEM;
		j->ch = q;
		j->cap = nc;
	}
	memcpy(j->ch[j->n].pool, pool, sizeof(pool));
	j->ch[j->n].period = period;
	j->ch[j->n].was = r.budget;
	r.budget = nb;
	j->ch[j->n].row = r;
	j->n++;
	return 0;
}

static int same_shares(const struct policy *pa, const struct policy_program *a,
                       const struct policy *pb, const struct policy_program *b)
{
	size_t i;

	if (a->nshares != b->nshares)
		return 0;
	for (i = 0; i < a->nshares; i++)
		if (a->shares[i].bp != b->shares[i].bp ||
		    strcmp(pa->pools[a->shares[i].pool].id,
		           pb->pools[b->shares[i].pool].id) != 0)
			return 0;
	return 1;
}

/* Accrual rows name their program: none may be removed from under them,
 * nor have its pools changed. */
static int row_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct judge *j = arg;
	char prog[STORE_ID + 1], ben[STORE_ID + 1];
	int32_t period;
	int rc;

	const struct policy_program *now, *was;
	struct acc_row row;

	if ((rc = book_acc_key_parse(j->b->t, k->mv_data, k->mv_size, prog, ben,
	                             NULL, &period)) < 0)
		return rc;
	if ((now = policy_program(j->b->pol, prog)) == NULL)
		return refuse(j,
		              "program %s would be removed, but the store "
		              "refers to it (%s's %d row); to end it, set "
		              "valid_until",
		              prog, ben, period);
	if (v->mv_size != sizeof(row))
		return VD_EINTERNAL;
	memcpy(&row, v->mv_data, sizeof(row));
	was = j->prev != NULL ? policy_program(j->prev, prog) : NULL;
	/* a row's basis is a sum in the program's basis: another basis
	 * would mix two measures in one figure */
	if (was != NULL && was->basis != now->basis)
		return refuse(j,
		              "%s:%d: program %s's basis would change, but the "
		              "store has its rows (%s's %d); add a new "
		              "program instead",
		              now->where.file, now->where.line, prog, ben,
		              period);
	/* rows are per beneficiary or per project: the other way would
	 * leave them beside rows of another shape, the basis split between
	 * them (stricter than domain.md's "has granted anything": a row
	 * with a basis and no grant yet is refused too) */
	if (was != NULL && was->per != now->per)
		return refuse(
		    j,
		    "%s:%d: program %s's per would change, but the "
		    "store has its rows (%s's %d): a program's rows "
		    "are per beneficiary or per project for its life; "
		    "keep per as it was",
		    now->per_where.file, now->per_where.line, prog, ben,
		    period);
	/* so is what its group combines: a group per project turned per
	 * beneficiary would combine rows already granted per project */
	if (was != NULL && was->group != POLICY_NO_GROUP &&
	    now->group != POLICY_NO_GROUP &&
	    j->prev->groups[was->group].per !=
	        j->b->pol->groups[now->group].per)
		return refuse(
		    j,
		    "%s:%d: program %s's group %s would combine per "
		    "%s instead of per %s, but the store has the "
		    "program's rows (%s's %d); keep the group's per "
		    "as it was",
		    now->group_where.file, now->group_where.line, prog,
		    j->b->pol->groups[now->group].id,
		    j->b->pol->groups[now->group].per == POLICY_PER_PROJECT
		        ? "project"
		        : "beneficiary",
		    j->prev->groups[was->group].per == POLICY_PER_PROJECT
		        ? "project"
		        : "beneficiary",
		    ben, period);
	/* the pools' figures are running totals of each voucher's split
	 * (book_pools_move): other pools or shares would book a voucher's
	 * next movement against parts it never had */
	if (was != NULL && (row.voucher[0] != '\0' || row.unfunded != 0) &&
	    !same_shares(j->b->pol, now, j->prev, was))
		return refuse(j,
		              "%s:%d: program %s's pools would change, but it "
		              "has granted from them (%s's %d row); add a "
		              "new program instead",
		              now->where.file, now->where.line, prog, ben,
		              period);
	return 0;
}

/* A larger late_days may not reopen a period that has closed: its
 * voids, late records and net bases would change what was final (a
 * redemption in a closed period left the net basis alone; a void after
 * reopening would take off what it never lowered). */
static int reopens(struct judge *j)
{
	int64_t was = j->prev->late_days, now = j->b->pol->late_days;
	int32_t p = (int32_t)period_of(j->b->now);
	const struct policy_origin *w = &j->b->pol->late_days_where;

	if (now <= was)
		return 0;
	for (; p >= PERIOD_MIN && period_start(p + 1) + now * 86400 > j->b->now;
	     p--) {
		char day[11];
		if (period_start(p + 1) + was * 86400 > j->b->now)
			continue; /* still open under the old rule */
		period_format_date(period_start(p + 1) + was * 86400, day);
		return refuse(j,
		              "%s:%d: late_days = %" PRId64 " would reopen %d, "
		              "closed since %s (late_days %" PRId64 ")",
		              w->file ? w->file : "-", w->line, now, p, day,
		              was);
	}
	return 0;
}

static int judge_and_apply(struct judge *j)
{
	struct book *b = j->b;
	struct jfields f;
	size_t i;
	int rc;

	if (j->prev != NULL && (rc = reopens(j)) != 0)
		return rc;
	if ((rc = ltx_walk(b->t, DB_POOLS, NULL, 0, NULL, 0, pool_one, j)) !=
	        0 ||
	    (rc = book_acc_walk(b->t, row_one, j)) != 0)
		return rc;
	for (i = 0; i < j->n; i++) {
		const struct change *c = &j->ch[i];
		if ((rc = book_pool_put(b, c->pool, c->period, &c->row)) < 0)
			return rc;
		journal_fields_init(&f);
		journal_str(&f, "pool", c->pool);
		journal_i64(&f, "period", c->period);
		journal_i64(&f, "budget", c->row.budget);
		journal_i64(&f, "was", c->was);
		if ((rc = journal_append(b->t, b->now, "budget", &f, NULL)) < 0)
			return rc;
	}
	return 0;
}

static int load_recorded(struct book *b, const void *sha, size_t len,
                         struct policy **out)
{
	MDB_val v;
	int rc;

	if (len != sizeof(b->pol->sha256))
		return VD_EINTERNAL;
	if ((rc = ltx_get(b->t, DB_POLICIES, sha, len, &v)) < 0)
		return rc == VD_ENOENT ? VD_EINTERNAL : rc;
	/* a recorded policy that no longer loads (a vouchd that reads
	 * policies more strictly) judges nothing: the rules that need it
	 * are skipped, as before it was recorded */
	if (policy_load_blob(v.mv_data, v.mv_size, out, NULL) < 0)
		*out = NULL;
	return 0;
}

int ops_policy(struct book *b, struct ledger_op *op)
{
	struct judge j = {b, op->u.policy.prev, op, NULL, 0, 0};
	struct policy *recorded = NULL;
	struct jfields f;
	MDB_val v;
	int rc;

	/* decided here, in the writer, so that two reloads in a row cannot
	 * both see the old policy recorded (and journal the new one twice) */
	rc = ltx_get(b->t, DB_META, "policy", 6, &v);
	if (rc < 0 && rc != VD_ENOENT)
		return rc;
	if (rc == 0 && v.mv_size == sizeof(b->pol->sha256) &&
	    memcmp(v.mv_data, b->pol->sha256, v.mv_size) == 0) {
		op->status = LEDGER_DUPLICATE;
		op->seq = 0;
		return 0;
	}
	/* at a start nothing runs yet: the rules compare with the policy
	 * the store last recorded */
	if (rc == 0 && j.prev == NULL &&
	    (rc = load_recorded(b, v.mv_data, v.mv_size, &recorded)) < 0)
		return rc;
	if (j.prev == NULL)
		j.prev = recorded;
	/* judged against the store before anything is written */
	rc = judge_and_apply(&j);
	free(j.ch);
	policy_free(recorded);
	if (rc != 0)
		return rc;
	op->status = LEDGER_ACCEPTED;
	journal_fields_init(&f);
	journal_hex(&f, "sha256", b->pol->sha256, sizeof(b->pol->sha256));
	journal_i64(&f, "files", (int64_t)b->pol->nfiles);
	journal_i64(&f, "pools", (int64_t)b->pol->npools);
	journal_i64(&f, "programs", (int64_t)b->pol->nprograms);
	journal_i64(&f, "groups", (int64_t)b->pol->ngroups);
	if ((rc = journal_append(b->t, b->now, "policy", &f, &op->seq)) < 0)
		return rc;
	/* the text itself, so that the policy in force can be reloaded */
	if ((rc = ltx_put(
	         b->t, DB_POLICIES, b->pol->sha256, sizeof(b->pol->sha256),
	         b->pol->blob ? b->pol->blob : "", b->pol->blob_len)) < 0)
		return rc;
	return ltx_put(b->t, DB_META, "policy", 6, b->pol->sha256,
	               sizeof(b->pol->sha256));
}
