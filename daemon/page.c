/* The bureau's page: its figures, gathered (page.h). */
#include "page.h"

#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "err.h"
#include "forecast.h"
#include "money.h"
#include "period.h"
#include "reads.h"
#include "rollup.h"

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *q;
	size_t nc;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 8;
	if ((q = realloc(*v, nc * size)) == NULL)
		return VD_ENOMEM;
	*v = q;
	*cap = nc;
	return 0;
}

/* The gathering's state: the page, and where the rows of the listing
 * running now go. */
struct gather {
	struct page *pg;
	size_t cap_pools;
	size_t cur;     /* the pool the last day or part went to */
	size_t cap_cur; /* capacity of that pool's array being filled */
	int have_cur;
};

static int pool_row(void *arg, const struct ledger_pool *p)
{
	struct gather *g = arg;
	struct page *pg = g->pg;
	struct page_pool *pp;
	int rc;

	if ((rc = grow((void **)&pg->pools, &g->cap_pools, pg->npools,
	               sizeof(*pg->pools))) < 0)
		return rc;
	pp = &pg->pools[pg->npools++];
	memset(pp, 0, sizeof(*pp));
	pp->fig = *p;
	return 0;
}

static int no_pool_row(void *arg, const struct ledger_pool *p)
{
	(void)arg;
	(void)p;
	return 0;
}

/* The pool rows of the listing running, for rows that come in pool
 * order: the current one, or the next with that id (NULL: none, the
 * row is skipped; the ledger lists a pool row for every pool with
 * rollup rows). */
static struct page_pool *pool_at(struct gather *g, const char *id)
{
	struct page *pg = g->pg;

	if (g->have_cur && strcmp(pg->pools[g->cur].fig.pool, id) == 0)
		return &pg->pools[g->cur];
	for (g->cur = 0; g->cur < pg->npools; g->cur++)
		if (strcmp(pg->pools[g->cur].fig.pool, id) == 0) {
			g->have_cur = 1;
			g->cap_cur = 0;
			return &pg->pools[g->cur];
		}
	g->have_cur = 0;
	return NULL;
}

static int add_into(struct page_day *t, const struct ledger_pool_day *d)
{
	int rc;

	if ((rc = money_add(t->granted, d->f.granted, &t->granted)) < 0 ||
	    (rc = money_add(t->redeemed, d->f.redeemed, &t->redeemed)) < 0 ||
	    (rc = money_add(t->paid_out, d->f.paid_out, &t->paid_out)) < 0 ||
	    (rc = money_add(t->expired, d->f.expired, &t->expired)) < 0 ||
	    (rc = money_add(t->revoked, d->f.revoked, &t->revoked)) < 0 ||
	    (rc = money_add(t->recovered, d->f.recovered, &t->recovered)) < 0 ||
	    (rc = money_add(t->unfunded, d->f.unfunded, &t->unfunded)) < 0)
		return rc;
	return 0;
}

static int day_row(void *arg, const struct ledger_pool_day *d)
{
	struct gather *g = arg;
	struct page_pool *pp = pool_at(g, d->pool);
	int32_t day = d->day < g->pg->first_day ? g->pg->first_day : d->day;
	struct page_day *t;
	int rc;

	if (pp == NULL)
		return 0;
	/* days come in order: a day clamped to the first day merges with
	 * it */
	if (pp->ndays == 0 || pp->days[pp->ndays - 1].day != day) {
		if ((rc = grow((void **)&pp->days, &g->cap_cur, pp->ndays,
		               sizeof(*pp->days))) < 0)
			return rc;
		t = &pp->days[pp->ndays++];
		memset(t, 0, sizeof(*t));
		t->day = day;
	}
	t = &pp->days[pp->ndays - 1];
	if (day > g->pg->end_day)
		g->pg->end_day = day;
	return add_into(t, d);
}

static int part_row(void *arg, const struct ledger_pool_program *p)
{
	struct gather *g = arg;
	struct page_pool *pp = pool_at(g, p->pool);
	struct page_program *q;
	int rc;

	if (pp == NULL)
		return 0;
	if ((rc = grow((void **)&pp->progs, &g->cap_cur, pp->nprogs,
	               sizeof(*pp->progs))) < 0)
		return rc;
	q = &pp->progs[pp->nprogs++];
	memset(q, 0, sizeof(*q));
	snprintf(q->id, sizeof(q->id), "%s", p->program);
	q->settlement = q->pays = -1;
	q->granted = p->f.granted;
	q->redeemed = p->f.redeemed;
	q->paid_out = p->f.paid_out;
	q->expired = p->f.expired;
	q->revoked = p->f.revoked;
	q->recovered = p->f.recovered;
	q->unfunded = p->f.unfunded;
	return 0;
}

/* The preview's rows name beneficiaries: they are not kept. */
static int settle_row(void *arg, const char *ben, const char *proj, int64_t due,
                      int64_t paid)
{
	(void)arg;
	(void)ben;
	(void)proj;
	(void)due;
	(void)paid;
	return 0;
}

static int add_settle(struct page_pool *pp, const struct page_settle *st)
{
	void *q = realloc(pp->settles, (pp->nsettles + 1) * sizeof(*st));

	if (q == NULL)
		return VD_ENOMEM;
	pp->settles = q;
	pp->settles[pp->nsettles++] = *st;
	return 0;
}

/* Each annual program of pol: its preview, under every pool of this
 * page it draws on. */
static int settles(struct ledger *l, const struct policy *pol, struct page *pg)
{
	size_t i, k;
	int rc;

	for (i = 0; i < pol->nprograms; i++) {
		const struct policy_program *g = &pol->programs[i];
		struct page_settle st;
		int64_t paid;
		int skip;
		if (g->settlement != POLICY_ANNUAL)
			continue;
		memset(&st, 0, sizeof(st));
		snprintf(st.program, sizeof(st.program), "%s", g->id);
		st.cofunded = g->nshares > 1;
		/* a preview walks every accrual row of the program: only for
		 * the periods a settlement is still ahead of or just behind
		 * (the current one and the one before), so that asking for
		 * any of 8,000 periods does not cost a walk each */
		skip = pg->period < period_of(pg->now) - 1 ||
		       pg->period > period_of(pg->now);
		st.why = "previews are for this period and the last";
		rc = skip ? VD_EINVAL
		          : ledger_settle_preview(l, g->id, pg->period, pg->now,
		                                  settle_row, NULL, &st.total,
		                                  &st.cap, &paid, &st.why);
		if (rc == VD_ECLOSED)
			st.state = PAGE_SETTLE_DONE;
		else if (rc == VD_EIO || rc == VD_ENOMEM ||
		         rc == VD_EINTERNAL || rc == VD_EOVERFLOW)
			return rc;
		else if (rc < 0)
			st.state = PAGE_SETTLE_ERR;
		st.factor_ppm = 1000000;
		if (st.state == PAGE_SETTLE_OPEN && st.total > st.cap &&
		    (rc = money_muldiv_floor(st.cap > 0 ? st.cap : 0, 1000000,
		                             st.total, &st.factor_ppm)) < 0)
			return rc;
		if (st.state != PAGE_SETTLE_ERR)
			st.why = NULL;
		for (k = 0; k < g->nshares; k++) {
			const char *id = pol->pools[g->shares[k].pool].id;
			struct page_pool *pp =
			    (struct page_pool *)page_pool(pg, id);
			if (pp && (rc = add_settle(pp, &st)) < 0)
				return rc;
		}
	}
	return 0;
}

/* What the policy in force says of the pools and programs listed. */
static void annotate(const struct policy *pol, struct page *pg)
{
	size_t i, k;

	for (i = 0; i < pg->npools; i++) {
		struct page_pool *pp = &pg->pools[i];
		int idx = policy_pool_index(pol, pp->fig.pool);
		if (idx >= 0)
			snprintf(pp->region, sizeof(pp->region), "%s",
			         pol->pools[idx].region);
		for (k = 0; k < pp->nprogs; k++) {
			const struct policy_program *g =
			    policy_program(pol, pp->progs[k].id);
			if (g != NULL) {
				pp->progs[k].settlement = (int)g->settlement;
				pp->progs[k].pays = (int)g->pays;
			}
		}
	}
}

void page_date(int32_t d, char buf[11])
{
	period_format_date((int64_t)d * 86400 - PERIOD_TZ_OFFSET, buf);
}

int page_project(const struct page *pg, struct page_pool *pp)
{
	int64_t draw[PAGE_WINDOW];
	struct forecast fc;
	int32_t from, n, i;
	size_t k;
	int rc;

	pp->dry_day = 0;
	pp->pace = 0;
	pp->window = 0;
	/* a period not begun has drawn nothing: a pool without budget is
	 * not "used up" before it starts (a hostile review's finding) */
	if (pg->today < pg->first_day) {
		pp->outlook = PAGE_NOT_BEGUN;
		return 0;
	}
	if (pp->fig.remaining <= 0) {
		/* nothing ever drawn from an ended period: it ended */
		pp->outlook = pg->today > pg->last_day && pp->fig.granted == 0
		                  ? PAGE_ENDED
		                  : PAGE_DRY;
		return 0;
	}
	from = pg->asof - (PAGE_WINDOW - 1);
	if (from < pg->first_day)
		from = pg->first_day;
	n = pg->asof - from + 1;
	memset(draw, 0, sizeof(draw));
	for (k = 0; k < pp->ndays; k++) {
		const struct page_day *d = &pp->days[k];
		int64_t v;
		if (d->day < from || d->day > pg->asof)
			continue;
		i = d->day - from;
		if ((rc = money_sub(d->granted, d->expired, &v)) < 0 ||
		    (rc = money_sub(v, d->revoked, &v)) < 0 ||
		    (rc = money_sub(v, d->recovered, &v)) < 0)
			return rc;
		draw[i] = v;
	}
	if ((rc = forecast_dry(pp->fig.remaining, draw, (size_t)n, pg->asof,
	                       pg->last_day, &fc)) < 0)
		return rc;
	pp->window = n;
	pp->pace = fc.pace;
	switch (fc.kind) {
	case FORECAST_DRY:
		pp->outlook = PAGE_DRY;
		break;
	case FORECAST_ON:
		pp->outlook = PAGE_ON;
		pp->dry_day = fc.day;
		break;
	case FORECAST_NOT_THIS:
		pp->outlook = PAGE_NOT_THIS;
		break;
	case FORECAST_NO_PACE:
		pp->outlook = PAGE_NO_PACE;
		break;
	}
	/* an ended period's pool that is not used up will not be: its
	 * budget is not carried over */
	if (pg->today > pg->last_day && pp->outlook != PAGE_DRY)
		pp->outlook = PAGE_ENDED;
	return 0;
}

const struct page_pool *page_pool(const struct page *pg, const char *id)
{
	size_t i;

	for (i = 0; i < pg->npools; i++)
		if (strcmp(pg->pools[i].fig.pool, id) == 0)
			return &pg->pools[i];
	return NULL;
}

int page_gather(struct ledger *l, const struct policy *pol, int32_t period,
                int64_t now, struct page **out)
{
	struct gather g;
	struct page *pg;
	size_t i;
	int rc;

	*out = NULL;
	if (period < PERIOD_MIN || period > PERIOD_MAX)
		return VD_EINVAL;
	if ((pg = calloc(1, sizeof(*pg))) == NULL)
		return VD_ENOMEM;
	pg->period = period;
	pg->now = now;
	pg->first_day = (int32_t)civil_to_days(period, 1, 1);
	pg->last_day = (int32_t)civil_to_days(period + 1, 1, 1) - 1;
	pg->today = rollup_day(now);
	pg->asof = pg->today > pg->last_day    ? pg->last_day
	           : pg->today < pg->first_day ? pg->first_day - 1
	                                       : pg->today;
	pg->end_day = pg->last_day;
	memset(&g, 0, sizeof(g));
	g.pg = pg;
	rc = ledger_pools_by_day(l, NULL, period, now, pool_row, day_row, &g);
	g.have_cur = 0;
	if (rc == 0)
		rc = ledger_pools_by_program(l, NULL, period, now, no_pool_row,
		                             part_row, &g);
	if (rc == 0 && pol != NULL) {
		annotate(pol, pg);
		rc = settles(l, pol, pg);
	}
	for (i = 0; rc == 0 && i < pg->npools; i++)
		rc = page_project(pg, &pg->pools[i]);
	if (rc < 0) {
		page_free(pg);
		return rc;
	}
	*out = pg;
	return 0;
}

void page_free(struct page *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->npools; i++) {
		free(p->pools[i].days);
		free(p->pools[i].progs);
		free(p->pools[i].settles);
	}
	free(p->pools);
	free(p);
}
