/* Grants by application (ISSUE) and annual settlement (SETTLE). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accrual.h"
#include "err.h"
#include "group.h"
#include "money.h"
#include "ops.h"
#include "period.h"

/* An application, for its replay. unfunded came after schema 4's first
 * release, project with schema 6: a row without them (APP_ROW_OLD or
 * APP_ROW_V5 bytes) reads as 0 and "" (no project). */
struct application_row {
	char org[65];
	int64_t need, asked, amount, granted;
	uint64_t seq;
	char voucher[BOOK_VID];
	int64_t unfunded; /* what of its amount the pools could not pay */
	char project[65]; /* "": none */
};

#define APP_ROW_OLD offsetof(struct application_row, unfunded)
#define APP_ROW_V5 offsetof(struct application_row, project)

/* What the rows of g's group that an application of project project
 * grants into hold: the members' rows for it (book_row_project). */
static int64_t group_granted(struct book *b, const struct policy_program *g,
                             int prog, const char *ben, const char *project,
                             int32_t period)
{
	const struct policy_group *grp =
	    g->group == POLICY_NO_GROUP ? NULL : &b->pol->groups[g->group];
	size_t i, n = grp ? grp->nprograms : 1;
	int64_t sum = 0;
	struct acc_row r;

	for (i = 0; i < n; i++) {
		const struct policy_program *p =
		    &b->pol->programs[grp ? grp->programs[i] : prog];
		if (book_acc_get(b, p->id, ben, book_row_project(p, project),
		                 period, &r) == 0)
			sum += r.granted;
	}
	return sum;
}

int ops_issue(struct book *b, struct ledger_op *op)
{
	const struct policy_program *g;
	struct principal_row org;
	struct application_row app;
	struct acc_row acc;
	struct jfields f;
	int64_t prior, basis_all, granted_other, earned_other, before, unf;
	const char *proj;
	uint8_t k[2 * STORE_ID];
	int32_t period;
	MDB_val v;
	int prog, rc;

	prog = policy_program_index(b->pol, op->u.issue.program);
	if (prog < 0)
		return ops_refuse(&op->why, VD_ENOENT, "unknown program");
	g = &b->pol->programs[prog];
	/* protocol.md's order: NOTFOUND, then DENIED, then a BADREQ that
	 * depends on stored state */
	if ((rc = book_principal(b, op->u.issue.org, &org)) < 0)
		return rc == VD_ENOENT ? ops_refuse(&op->why, rc, "unknown org")
		                       : rc;
	if (org.role != ROLE_ORG)
		return ops_refuse(&op->why, VD_ENOENT,
		                  "the org named is not an org");
	if (org.status == P_SUSPENDED)
		return ops_refuse(&op->why, VD_EDENIED, "the org is suspended");
	if (g->settlement != POLICY_GRANT)
		return ops_refuse(&op->why, VD_EINVAL, "not a grant program");
	store_key_id(k, store_key_id(k, 0, g->id), op->u.issue.ref);
	rc = ltx_get(b->t, DB_APPLICATIONS, k, sizeof(k), &v);
	if (rc == 0) {
		if (v.mv_size != sizeof(app) && v.mv_size != APP_ROW_OLD &&
		    v.mv_size != APP_ROW_V5)
			return VD_EINTERNAL;
		memset(&app, 0, sizeof(app));
		memcpy(&app, v.mv_data, v.mv_size);
		if (strcmp(app.org, op->u.issue.org) != 0 ||
		    app.need != op->u.issue.need ||
		    app.asked != op->u.issue.asked ||
		    strcmp(app.project, op->u.issue.project) != 0)
			return ops_refuse(&op->why, VD_ECONFLICT,
			                  "ref already used for another "
			                  "application");
		/* the same application again: the first answer */
		op->status = LEDGER_DUPLICATE;
		op->amount = app.granted;
		op->remaining = app.unfunded;
		op->seq = app.seq;
		snprintf(op->voucher, sizeof(op->voucher), "%s", app.voucher);
		return 0;
	}
	if (rc != VD_ENOENT)
		return rc;
	if (!policy_list_has(&g->org_kinds, org.kind, strlen(org.kind)))
		return ops_refuse(&op->why, VD_EINVAL,
		                  "the program does not cover the org's kind");
	if (g->region[0] && !g->ben_any &&
	    !region_within(org.region, g->region))
		return ops_refuse(&op->why, VD_EINVAL,
		                  "the org is not within the program's region");
	if (b->now < g->valid_from || b->now >= g->valid_until)
		return ops_refuse(&op->why, VD_EINVAL,
		                  "outside the program's validity dates");
	if (op->u.issue.need < 0)
		return ops_refuse(&op->why, VD_EINVAL, "negative need");
	period = (int32_t)period_of(b->now);
	/* a per-project program's cap is the project's (domain.md) */
	proj = book_row_project(g, op->u.issue.project);
	if ((rc = book_acc_get(b, g->id, op->u.issue.org, proj, period, &acc)) <
	        0 ||
	    (rc = book_lifetime(b, g->id, op->u.issue.org, proj, period,
	                        &basis_all, &granted_other, &earned_other)) < 0)
		return rc;
	/* the cap counts this program's own applications */
	prior =
	    acc.earned + (g->cap_period == POLICY_LIFETIME ? earned_other : 0);
	memset(&app, 0, sizeof(app));
	if ((rc = accrual_application(g, op->u.issue.need, op->u.issue.asked,
	                              prior, &app.amount)) < 0)
		return rc;
	/* each application is a voucher of its own (domain.md, step 6):
	 * revoking one leaves the others, a later one does not extend an
	 * earlier one's expiry */
	acc.voucher[0] = '\0';
	if ((rc = money_add(acc.earned, app.amount, &acc.earned)) < 0 ||
	    (rc = money_add(acc.basis, op->u.issue.need, &acc.basis)) < 0 ||
	    (rc = book_acc_put(b, g->id, op->u.issue.org, proj, period, &acc)) <
	        0)
		return rc;
	journal_fields_init(&f);
	journal_str(&f, "program", g->id);
	journal_str(&f, "org", op->u.issue.org);
	/* the application's project; its row's is book_row_project's */
	if (op->u.issue.project[0])
		journal_str(&f, "project", op->u.issue.project);
	journal_i64(&f, "period", period);
	journal_i64(&f, "need", op->u.issue.need);
	if (op->u.issue.asked >= 0)
		journal_i64(&f, "asked", op->u.issue.asked);
	journal_i64(&f, "amount", app.amount);
	journal_str(&f, "ref", op->u.issue.ref);
	if ((rc = journal_append(b->t, b->now, "issue", &f, &app.seq)) < 0)
		return rc;
	before = group_granted(b, g, prog, op->u.issue.org, op->u.issue.project,
	                       period);
	unf = acc.unfunded;
	if ((rc = group_settle(b, prog, op->u.issue.org, op->u.issue.project,
	                       period, app.amount)) < 0 ||
	    (rc = book_acc_get(b, g->id, op->u.issue.org, proj, period, &acc)) <
	        0)
		return rc == VD_ELIMIT
		           ? ops_refuse(&op->why, rc, GROUP_UNITS_WHY)
		           : rc;
	app.granted = group_granted(b, g, prog, op->u.issue.org,
	                            op->u.issue.project, period) -
	              before;
	/* the row's unmet demand grew by what of this application the
	 * pools could not pay */
	app.unfunded = acc.unfunded - unf;
	if (app.unfunded < 0)
		app.unfunded = 0;
	if (app.unfunded > app.amount)
		app.unfunded = app.amount;
	snprintf(app.org, sizeof(app.org), "%s", op->u.issue.org);
	app.need = op->u.issue.need;
	app.asked = op->u.issue.asked;
	snprintf(app.project, sizeof(app.project), "%s", op->u.issue.project);
	memcpy(app.voucher, acc.voucher, sizeof(app.voucher));
	if ((rc = ltx_put(b->t, DB_APPLICATIONS, k, sizeof(k), &app,
	                  sizeof(app))) < 0)
		return rc;
	op->status = LEDGER_ACCEPTED;
	op->amount = app.granted;
	op->remaining = app.unfunded;
	op->seq = app.seq;
	memcpy(op->voucher, acc.voucher, sizeof(op->voucher));
	return 0;
}

struct bens {
	struct ltx *t;
	const char *prog;
	int32_t period;
	struct settle_ben *v;
	size_t n, cap;
};

static int collect(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct bens *s = arg;
	char prog[STORE_ID + 1], ben[STORE_ID + 1], proj[STORE_ID + 1];
	int32_t period;
	int rc;

	(void)v;
	if ((rc = book_acc_key_parse(s->t, k->mv_data, k->mv_size, prog, ben,
	                             proj, &period)) < 0)
		return rc;
	if (period != s->period || strcmp(prog, s->prog) != 0)
		return 0;
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 64;
		void *q = realloc(s->v, nc * sizeof(*s->v));
		if (q == NULL)
			return VD_ENOMEM;
		s->v = q;
		s->cap = nc;
	}
	memcpy(s->v[s->n].ben, ben, sizeof(ben));
	memcpy(s->v[s->n].proj, proj, sizeof(proj));
	s->n++;
	return 0;
}

/* Pro rata within R (p->cap), then as each voucher books its own split:
 * the odd fen of every beneficiary go to the first pool, which can need
 * up to a fen per beneficiary more than the split of the sum. While a
 * pool would be overdrawn, R comes down by the excess (nobody is paid
 * what a pool does not have; the preview shows that R). */
static int prorata_within(const struct policy_program *g, const int64_t *rem,
                          struct settle_plan *p)
{
	int64_t parts[POLICY_MAX_SHARES], sum[POLICY_MAX_SHARES], over;
	size_t i, k;
	int rc;

	for (;;) {
		if ((rc = accrual_prorata(p->due, p->n, p->cap, p->paid,
		                          &p->left)) < 0)
			return rc;
		memset(sum, 0, sizeof(sum));
		for (i = 0; i < p->n; i++) {
			if ((rc = accrual_split(g, p->paid[i], parts)) < 0)
				return rc;
			for (k = 0; k < g->nshares; k++)
				sum[k] += parts[k];
		}
		over = 0;
		for (k = 0; k < g->nshares; k++)
			if (sum[k] - (rem[k] > 0 ? rem[k] : 0) > over)
				over = sum[k] - (rem[k] > 0 ? rem[k] : 0);
		if (over == 0)
			return 0;
		/* paid sums to at most min(R, T): lowering that ends by
		 * R = 0 at the latest */
		if (p->cap > p->total)
			p->cap = p->total;
		p->cap = p->cap < over ? 0 : p->cap - over;
	}
}

int ops_settle_plan(struct book *b, const char *program, int32_t period,
                    const char **why, struct settle_plan *p)
{
	int64_t rem[POLICY_MAX_SHARES];
	struct bens s = {b->t, NULL, 0, NULL, 0, 0};
	const struct policy_program *g;
	size_t i;
	int prog, rc;

	memset(p, 0, sizeof(*p));
	prog = policy_program_index(b->pol, program);
	if (prog < 0)
		return ops_refuse(why, VD_ENOENT, "unknown program");
	g = &b->pol->programs[prog];
	p->prog = prog;
	if (g->settlement != POLICY_ANNUAL)
		return ops_refuse(why, VD_EINVAL, "not an annual program");
	if (period < PERIOD_MIN || period > PERIOD_MAX)
		return ops_refuse(why, VD_EINVAL,
		                  "period outside the years 1970 to 9999");
	if ((rc = ops_settled(b, g->id, period)) != 0)
		return rc < 0 ? rc
		              : ops_refuse(why, VD_ECLOSED, "already settled");
	s.prog = g->id;
	s.period = period;
	/* the rows are by beneficiary first: a settlement, once a year per
	 * program, reads the whole table for the program's rows, in
	 * beneficiary id order (the order its grants are journaled in) */
	if ((rc = book_acc_walk(b->t, collect, &s)) < 0)
		goto fail;
	p->n = s.n;
	p->due = calloc(s.n + 1, sizeof(*p->due));
	p->paid = calloc(s.n + 1, sizeof(*p->paid));
	p->rows = s.v;
	s.v = NULL;
	if (p->due == NULL || p->paid == NULL) {
		rc = VD_ENOMEM;
		goto fail;
	}
	for (i = 0; i < p->n; i++)
		if ((rc = group_due(b, prog, p->rows[i].ben, p->rows[i].proj,
		                    period, &p->due[i])) < 0 ||
		    (rc = money_add(p->total, p->due[i], &p->total)) < 0)
			goto fail;
	if ((rc = book_pools_remaining(b, g, period, rem)) < 0 ||
	    (rc = accrual_capacity(g, 0, rem, INT64_MAX, &p->cap)) < 0 ||
	    (rc = prorata_within(g, rem, p)) < 0)
		goto fail;
	for (i = 0; i < p->n; i++)
		p->paid_sum += p->paid[i];
	return 0;
fail:
	free(s.v);
	ops_settle_plan_free(p);
	return rc;
}

void ops_settle_plan_free(struct settle_plan *p)
{
	free(p->rows);
	free(p->due);
	free(p->paid);
	p->rows = NULL;
	p->due = p->paid = NULL;
}

int ops_settle(struct book *b, struct ledger_op *op)
{
	const struct policy_program *g;
	struct settle_plan p;
	uint8_t k[STORE_ID + 2];
	struct jfields f;
	int32_t period = op->u.settle.period;
	size_t i;
	int rc;

	if ((rc = ops_settle_plan(b, op->u.settle.program, period, &op->why,
	                          &p)) < 0)
		return rc;
	g = &b->pol->programs[p.prog];
	/* after the period has ended, or forced by the bureau */
	if (!op->u.settle.force && b->now < period_start(period + 1)) {
		rc = ops_refuse(
		    &op->why, VD_EINVAL,
		    "the period has not ended and settlement is not forced");
		goto out;
	}
	journal_fields_init(&f);
	journal_str(&f, "program", g->id);
	journal_i64(&f, "period", period);
	journal_i64(&f, "total", p.total);
	journal_i64(&f, "available", p.cap);
	journal_i64(&f, "paid", p.paid_sum);
	if ((rc = journal_append(b->t, b->now, "settle", &f, &op->seq)) < 0)
		goto out;
	/* a settlement fixes its period's budget in each of the program's
	 * pools, even when it pays nothing (domain.md, fine points) */
	for (i = 0; i < g->nshares; i++) {
		const char *pool = b->pol->pools[g->shares[i].pool].id;
		struct pool_row pr;
		if ((rc = book_pool_get(b, pool, period, &pr)) < 0 ||
		    (pr.fixed == 0 &&
		     ((rc = book_pool_fix(b, g->shares[i].pool, period, &pr)) <
		          0 ||
		      (rc = book_pool_put(b, pool, period, &pr)) < 0)))
			goto out;
	}
	for (i = 0; i < p.n; i++) {
		const char *ben = p.rows[i].ben, *proj = p.rows[i].proj;
		struct acc_row r;
		if ((rc = book_acc_get(b, g->id, ben, proj, period, &r)) < 0 ||
		    (rc = book_earned(b, g, ben, proj, period, &r.earned)) <
		        0 ||
		    (rc = book_grant(b, g, ben, proj, period, p.paid[i], &r)) <
		        0 ||
		    (rc = book_set_unfunded(b, g, period, &r,
		                            p.due[i] - p.paid[i])) < 0 ||
		    (rc = book_acc_put(b, g->id, ben, proj, period, &r)) < 0)
			goto out;
	}
	{
		int64_t row[4] = {p.total, p.cap, p.paid_sum, (int64_t)op->seq};
		store_key_u16(k, store_key_id(k, 0, g->id), (uint16_t)period);
		if ((rc = ltx_put(b->t, DB_SETTLED, k, sizeof(k), row,
		                  sizeof(row))) < 0)
			goto out;
	}
	op->amount = p.paid_sum;
	op->remaining = p.total - p.paid_sum;
out:
	ops_settle_plan_free(&p);
	return rc;
}
