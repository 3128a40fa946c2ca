#include "accrual.h"

#include <string.h>

#include "err.h"
#include "money.h"
#include "region.h"

static int str_in(const struct policy_list *l, const char *s)
{
	return s != NULL && policy_list_has(l, s, strlen(s));
}

int accrual_provider_ok(const struct policy_program *g, const char *provider,
                        int provider_local, const char *provider_region)
{
	if (g->providers == POLICY_PROV_LOCAL)
		return g->region[0] ? region_within(provider_region, g->region)
		                    : provider_local;
	if (g->providers == POLICY_PROV_LIST)
		return provider != NULL &&
		       policy_list_has(&g->provider_ids, provider,
		                       strlen(provider));
	return 1;
}

int accrual_counts(const struct policy_program *g,
                   const struct accrual_record *r)
{
	if (!accrual_provider_ok(g, r->provider, r->provider_local,
	                         r->provider_region))
		return 0;
	/* a program pays within its territory (domain.md, "Territories") */
	if (g->region[0] && !g->ben_any &&
	    !region_within(g->beneficiary == POLICY_CONSUMER
	                       ? r->org_region
	                       : r->provider_region,
	                   g->region))
		return 0;
	if (r->kind < 0 || r->kind >= KIND_COUNT ||
	    !(g->kinds & (1u << r->kind)))
		return 0;
	/* With a class list, a record without class is not in it. */
	if (!g->classes.any && !str_in(&g->classes, r->class))
		return 0;
	if (!g->org_kinds.any && !str_in(&g->org_kinds, r->org_kind))
		return 0;
	if (g->basis == POLICY_QUANTITY && g->unit[0] != '\0' &&
	    (r->unit == NULL || strcmp(r->unit, g->unit) != 0))
		return 0;
	return r->at >= g->valid_from && r->at < g->valid_until;
}

int64_t accrual_basis_of(const struct policy_program *g,
                         const struct accrual_record *r)
{
	/* net: nothing is redeemed against a record before it is counted */
	return POLICY_BASIS_MONEY(g) ? r->amount : r->qty;
}

int accrual_rule(const struct policy_program *g, int64_t basis, int64_t *earned)
{
	int64_t e = 0;
	size_t i;
	int rc;

	if (basis < 0)
		return VD_EINVAL;
	if (basis < g->threshold) {
		*earned = 0;
		return 0;
	}
	/* Once the threshold is reached the whole basis counts. */
	switch (g->rule) {
	case POLICY_RATE:
		if ((rc = money_apply_bp(basis, g->rate_bp, &e)) < 0)
			return rc;
		break;
	case POLICY_UNIT_RATE:
		if ((rc = money_mul(basis, g->unit_rate, &e)) < 0)
			return rc;
		break;
	case POLICY_TIERS:
		/* the award of the highest tier reached; what was paid for
		 * lower tiers comes off as `granted` (晋级补差) */
		for (i = 0; i < g->ntiers; i++)
			if (basis >= g->tiers[i].threshold)
				e = g->tiers[i].award;
		break;
	default:
		return VD_EINVAL;
	}
	if (g->round == POLICY_ROUND_YUAN)
		e -= e % 100;
	*earned = e;
	return 0;
}

int accrual_earned(const struct policy_program *g,
                   const struct accrual_state *st, int64_t *earned)
{
	int64_t e;
	int rc;

	if (st->granted_other < 0 || st->periods_before < 0)
		return VD_EINVAL;
	if (g->max_periods > 0 && st->periods_before >= g->max_periods) {
		*earned = 0;
		return 0;
	}
	if ((rc = accrual_rule(g, st->basis, &e)) < 0)
		return rc;
	if (g->cap != POLICY_NO_CAP && e > g->cap)
		e = g->cap;
	/* A lifetime basis earns once over the program's life: what other
	 * periods were granted is not due again. */
	if (g->cap_period == POLICY_LIFETIME)
		e = e > st->granted_other ? e - st->granted_other : 0;
	*earned = e;
	return 0;
}

int accrual_application(const struct policy_program *g, int64_t need,
                        int64_t asked, int64_t granted, int64_t *amount)
{
	int64_t a;
	int rc;

	if (need < 0 || granted < 0 || g->rule != POLICY_RATE)
		return VD_EINVAL;
	if ((rc = money_apply_bp(need, g->rate_bp, &a)) < 0)
		return rc;
	if (asked >= 0 && asked < a)
		a = asked;
	if (g->round == POLICY_ROUND_YUAN)
		a -= a % 100;
	if (g->cap != POLICY_NO_CAP) {
		int64_t room = g->cap > granted ? g->cap - granted : 0;
		if (a > room)
			a = room;
	}
	*amount = a;
	return 0;
}

int accrual_group(const struct policy_group *grp, struct accrual_member *m,
                  size_t n, int64_t group_granted_other, int64_t *entitled)
{
	int64_t ent = 0, granted = 0, delta;
	size_t i, best = 0;
	int rc;

	if (n == 0 || m == NULL || group_granted_other < 0)
		return VD_EINVAL;
	for (i = 0; i < n; i++) {
		if (m[i].earned < 0 || m[i].granted < 0)
			return VD_EINVAL;
		m[i].delta = 0;
		if ((rc = money_add(granted, m[i].granted, &granted)) < 0)
			return rc;
		if (grp == NULL || grp->combine == POLICY_MAX) {
			/* strictly greater: ties stay with the lowest id */
			if (m[i].earned > m[best].earned)
				best = i;
		} else if ((rc = money_add(ent, m[i].earned, &ent)) < 0)
			return rc;
	}
	if (grp == NULL || grp->combine == POLICY_MAX)
		ent = m[best].earned;
	if (grp != NULL && grp->cap != POLICY_NO_CAP) {
		int64_t cap = grp->cap;
		if (grp->cap_period == POLICY_LIFETIME)
			cap = cap > group_granted_other
			          ? cap - group_granted_other
			          : 0;
		if (ent > cap)
			ent = cap;
	}
	*entitled = ent;
	delta = ent - granted;
	if (delta <= 0)
		return 0;
	if (grp == NULL || grp->combine == POLICY_MAX) {
		m[best].delta = delta;
		return 0;
	}
	/* sum: fill in id order, each program up to what it earns; the
	 * rooms add up to at least delta since ent <= sum of earned */
	for (i = 0; i < n && delta > 0; i++) {
		int64_t room = m[i].earned - m[i].granted;
		if (room <= 0)
			continue;
		m[i].delta = room < delta ? room : delta;
		delta -= m[i].delta;
	}
	return delta == 0 ? 0 : VD_EINTERNAL;
}

int accrual_split(const struct policy_program *g, int64_t amount,
                  int64_t *parts)
{
	int64_t rest = amount;
	size_t i;
	int rc;

	if (amount < 0 || g->nshares == 0)
		return VD_EINVAL;
	for (i = 1; i < g->nshares; i++) {
		if ((rc = money_apply_bp(amount, g->shares[i].bp, &parts[i])) <
		    0)
			return rc;
		rest -= parts[i];
	}
	/* the first pool takes its own floored share plus the odd fen */
	parts[0] = rest;
	return 0;
}

/* Whether a voucher whose running total of granted is base can grow by x:
 * each pool books the change in its share of the total (book_pools_move),
 * which must fit what the pool still has. */
static int fits(const struct policy_program *g, int64_t base, int64_t x,
                const int64_t *remaining, int64_t *parts)
{
	int64_t from[POLICY_MAX_SHARES];
	size_t i;

	if (accrual_split(g, base, from) < 0 ||
	    accrual_split(g, base + x, parts) < 0)
		return 0;
	for (i = 0; i < g->nshares; i++) {
		parts[i] -= from[i];
		if (parts[i] > (remaining[i] > 0 ? remaining[i] : 0))
			return 0;
	}
	return 1;
}

int accrual_capacity(const struct policy_program *g, int64_t base,
                     const int64_t *remaining, int64_t limit, int64_t *cap)
{
	int64_t parts[POLICY_MAX_SHARES], lo = 0, hi;

	if (g->nshares == 0 || g->nshares > POLICY_MAX_SHARES || base < 0 ||
	    limit < 0 || base > INT64_MAX - limit)
		return VD_EINVAL;
	/* With one or two pools each pool's booked part grows with x, so
	 * "fits" holds up to some x and not beyond: the largest is found by
	 * halving. (With more pools the first pool's part is not monotone;
	 * a policy allows at most two, and lo only ever takes a value that
	 * fits, whatever the policy.) */
	hi = limit;
	while (lo < hi) {
		/* the upper middle, without overflow at INT64_MAX */
		int64_t mid = lo + (hi - lo) / 2 + ((hi - lo) & 1);
		if (fits(g, base, mid, remaining, parts))
			lo = mid;
		else
			hi = mid - 1;
	}
	*cap = lo;
	return 0;
}

int accrual_fund(const struct policy_program *g, int64_t delta, int64_t base,
                 const int64_t *remaining, struct accrual_funding *out)
{
	int64_t from[POLICY_MAX_SHARES];
	size_t i;
	int rc;

	if (delta < 0)
		return VD_EINVAL;
	memset(out, 0, sizeof(*out));
	if (delta == 0 || delta < g->min_grant)
		return 0;
	if ((rc = accrual_capacity(g, base, remaining, delta, &out->grant)) < 0)
		return rc;
	out->unfunded = delta - out->grant;
	if ((rc = accrual_split(g, base, from)) < 0 ||
	    (rc = accrual_split(g, base + out->grant, out->part)) < 0)
		return rc;
	for (i = 0; i < g->nshares; i++)
		out->part[i] -= from[i];
	return 0;
}

int accrual_prorata(const int64_t *earned, size_t n, int64_t available,
                    int64_t *paid, int64_t *left)
{
	int64_t total = 0, sum = 0;
	size_t i;
	int rc;

	if (available < 0 || (n > 0 && (earned == NULL || paid == NULL)))
		return VD_EINVAL;
	for (i = 0; i < n; i++) {
		if (earned[i] < 0)
			return VD_EINVAL;
		if ((rc = money_add(total, earned[i], &total)) < 0)
			return rc;
	}
	for (i = 0; i < n; i++) {
		if (total <= available)
			paid[i] = earned[i];
		else if ((rc = money_muldiv_floor(earned[i], available, total,
		                                  &paid[i])) < 0)
			return rc;
		sum += paid[i];
	}
	*left = available - sum;
	return 0;
}
