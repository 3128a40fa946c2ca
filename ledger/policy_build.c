/* From raw INI sections to a checked policy: every value is parsed with
 * bounds, every cross-reference resolved, every rule of domain.md's
 * parameter table checked. Errors carry the line of the offending key, or
 * of the section header for a key that is missing. */
#include "policy_build.h"
#include "policy_conv.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "kind.h"
#include "money.h"
#include "period.h"

int policy_id_valid(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > POLICY_ID_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		char c = s[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (i > 0)
			ok = ok || c == '.' || c == '_' || c == '-';
		if (!ok)
			return 0;
	}
	return 1;
}

static int unit_valid(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > POLICY_UNIT_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-' || c == '/'))
			return 0;
	}
	return 1;
}

static int kind_item(struct conv *c, const char *s, size_t len, void *arg)
{
	unsigned *mask = arg;
	int k = kind_lookup(s, len);
	char q[80];

	policy_quote(q, sizeof(q), s, len);
	if (k < 0) {
		KERR(c,
		     "unknown usage kind '%s' (expected training, "
		     "inference, api, finetune, deployment, storage, "
		     "other or *)",
		     q);
		return -1;
	}
	if (*mask & (1u << k)) {
		KERR(c, "'%s' appears twice in 'kinds'", q);
		return -1;
	}
	*mask |= 1u << k;
	return 0;
}

struct share_arg {
	struct policy_program *g;
	int64_t sum;
	int single; /* the value has no ':' at all: one pool at 100% */
};

static int share_item(struct conv *c, const char *s, size_t len, void *arg)
{
	struct share_arg *a = arg;
	const char *colon = memchr(s, ':', len);
	size_t idlen = colon ? (size_t)(colon - s) : len;
	int64_t bp = MONEY_BP_ONE;
	char q[80];
	size_t i;
	int pool;

	if (colon == NULL && !a->single) {
		KERR(c, "co-funded 'pool' needs a share for every pool, e.g. "
		        "prov:50%%, city:50%%");
		return -1;
	}
	if (colon != NULL && conv_pct(c, colon + 1, len - idlen - 1, &bp) < 0)
		return -1;
	while (idlen > 0 && (s[idlen - 1] == ' ' || s[idlen - 1] == '\t'))
		idlen--;
	policy_quote(q, sizeof(q), s, idlen);
	if (!policy_id_valid(s, idlen)) {
		KERR(c, "invalid pool name '%s'", q);
		return -1;
	}
	{
		char id[POLICY_ID_MAX + 1];
		memcpy(id, s, idlen);
		id[idlen] = '\0';
		pool = policy_pool_index(c->p, id);
	}
	if (pool < 0) {
		KERR(c, "unknown pool '%s'", q);
		return -1;
	}
	for (i = 0; i < a->g->nshares; i++)
		if (a->g->shares[i].pool == pool) {
			KERR(c, "pool '%s' appears twice in 'pool'", q);
			return -1;
		}
	if (a->g->nshares >= POLICY_MAX_SHARES) {
		KERR(c, "more than %d pools in 'pool'", POLICY_MAX_SHARES);
		return -1;
	}
	a->g->shares[a->g->nshares].pool = pool;
	a->g->shares[a->g->nshares].bp = bp;
	a->g->nshares++;
	a->sum += bp;
	return 0;
}

static int val_shares(struct conv *c, struct policy_program *g)
{
	struct share_arg a = {g, 0,
	                      strchr(c->kv->value, ':') == NULL &&
	                          strchr(c->kv->value, ',') == NULL};
	int rc;

	g->nshares = 0;
	if ((rc = conv_split(c, share_item, &a)) < 0)
		return rc;
	if (a.sum != MONEY_BP_ONE) {
		char pct[MONEY_FMT_MAX];
		money_format_yuan(a.sum, pct, sizeof(pct));
		KERR(c, "co-funding shares sum to %s%%, not 100%%", pct);
		return -1;
	}
	/* With three or more pools the first pool's part (the total less
	 * the others' floored shares) can fall as the total grows (34/33/33:
	 * 3 is 3+0+0, 4 is 2+1+1), so the running totals the pools book
	 * would give back more than was granted. A store's recorded policy
	 * from before this rule still loads. */
	if (g->nshares > 2 && !c->p->recorded) {
		KERR(c, "at most two pools may co-fund a program (with three "
		        "the odd fen would make the first pool give back more "
		        "than it granted)");
		return -1;
	}
	return 0;
}

/* A threshold in the program's basis: yuan for amount and net, units
 * for quantity. */
static int val_basis(struct conv *c, enum policy_basis basis, const char *s,
                     size_t len, int positive, int64_t *out)
{
	if (basis != POLICY_QUANTITY)
		return conv_yuan(c, s, len, positive, out);
	return conv_uint(c, s, len, positive ? 1 : 0, INT64_MAX, out);
}

struct tier_arg {
	struct policy_program *g;
	int bad;
};

static int tier_item(struct conv *c, const char *s, size_t len, void *arg)
{
	struct tier_arg *a = arg;
	const char *colon = memchr(s, ':', len);
	struct policy_tier t;
	size_t n = a->g->ntiers;

	if (colon == NULL) {
		KERR(c, "tiers are threshold:award pairs, e.g. "
		        "20000000:1000000");
		return -1;
	}
	if (val_basis(c, a->g->basis, s, (size_t)(colon - s), 1, &t.threshold) <
	        0 ||
	    conv_yuan(c, colon + 1, len - (size_t)(colon - s) - 1, 1,
	              &t.award) < 0)
		return -1;
	if (n >= POLICY_MAX_TIERS) {
		KERR(c, "more than %d tiers", POLICY_MAX_TIERS);
		return -1;
	}
	if (n > 0 && (t.threshold <= a->g->tiers[n - 1].threshold ||
	              t.award <= a->g->tiers[n - 1].award)) {
		KERR(c,
		     "tiers must increase strictly in both threshold and "
		     "award (tier %zu does not)",
		     n + 1);
		return -1;
	}
	a->g->tiers[a->g->ntiers++] = t;
	return 0;
}

/* A region (base/region.h) into out (REGION_MAX + 1 bytes). */
static int val_region(struct conv *c, const char *s, char *out)
{
	char q[REGION_MAX + 8];

	if (!region_valid(s, strlen(s))) {
		policy_quote(q, sizeof(q), s, strlen(s));
		KERR(c,
		     "bad region '%s': words of a-z, 0-9 and -, joined by "
		     "dots, most general first",
		     q);
		return -1;
	}
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

static int build_ledger(struct conv *c)
{
	size_t i;

	for (i = 0; i < c->s->nkv; i++) {
		c->kv = &c->s->kv[i];
		if (strcmp(c->kv->key, "late_days") == 0) {
			c->p->late_days_where.file = c->s->file;
			c->p->late_days_where.line = c->kv->line;
			conv_uint(c, c->kv->value, strlen(c->kv->value), 0,
			          36500, &c->p->late_days);
		} else
			conv_unknown_key(c);
	}
	return 0;
}

static int build_pool(struct conv *c, struct policy_pool *pool)
{
	int have_budget = 0;
	size_t i;

	memcpy(pool->id, c->s->id, sizeof(pool->id));
	pool->where.file = c->s->file;
	pool->where.line = c->s->line;
	for (i = 0; i < c->s->nkv; i++) {
		const char *k;
		c->kv = &c->s->kv[i];
		k = c->kv->key;
		if (strcmp(k, "budget") == 0) {
			have_budget = 1;
			pool->budget_where.file = c->s->file;
			pool->budget_where.line = c->kv->line;
			conv_yuan(c, c->kv->value, strlen(c->kv->value), 0,
			          &pool->budget);
		} else if (strncmp(k, "budget.", 7) == 0) {
			/* budget.YYYY: one period's own budget */
			int64_t year = 0;
			size_t j;
			if (strlen(k) != 11 ||
			    strspn(k + 7, "0123456789") != 4 ||
			    (year = strtol(k + 7, NULL, 10)) < 1970) {
				KERR(c,
				     "'%s': budget.YYYY takes a year from "
				     "1970",
				     k);
				continue;
			}
			for (j = 0; j < pool->nyears; j++)
				if (pool->years[j].period == (int32_t)year)
					KERR(c, "'%s' given twice", k);
			if (pool->nyears == POLICY_MAX_YEARS) {
				KERR(c, "more than %d budget.YYYY keys",
				     POLICY_MAX_YEARS);
				continue;
			}
			j = pool->nyears++;
			pool->years[j].period = (int32_t)year;
			pool->years[j].where.file = c->s->file;
			pool->years[j].where.line = c->kv->line;
			conv_yuan(c, c->kv->value, strlen(c->kv->value), 0,
			          &pool->years[j].budget);
		} else if (strcmp(k, "region") == 0) {
			val_region(c, c->kv->value, pool->region);
		} else
			conv_unknown_key(c);
	}
	if (!have_budget)
		SERR(c, "[pool %s]: missing required key 'budget'", c->s->id);
	return 0;
}

static const char *const period_names[] = {"year", "lifetime"};
static const char *const per_names[] = {"beneficiary", "project"};

static int build_group(struct conv *c, struct policy_group *g)
{
	static const char *const combine_names[] = {"max", "sum"};
	int have_combine = 0, v;
	size_t i;

	memcpy(g->id, c->s->id, sizeof(g->id));
	g->where.file = c->s->file;
	g->where.line = c->s->line;
	g->cap = POLICY_NO_CAP;
	g->cap_period = POLICY_YEAR;
	for (i = 0; i < c->s->nkv; i++) {
		const char *k = c->s->kv[i].key, *v_ = c->s->kv[i].value;
		c->kv = &c->s->kv[i];
		if (strcmp(k, "combine") == 0) {
			have_combine = 1;
			if (conv_enum(c, combine_names, 2, "max or sum", &v) ==
			    0)
				g->combine = (enum policy_combine)v;
		} else if (strcmp(k, "cap") == 0) {
			conv_yuan(c, v_, strlen(v_), 1, &g->cap);
		} else if (strcmp(k, "cap_period") == 0) {
			if (conv_enum(c, period_names, 2, "year or lifetime",
			              &v) == 0)
				g->cap_period = (enum policy_cap_period)v;
		} else if (strcmp(k, "per") == 0) {
			if (conv_enum(c, per_names, 2, "beneficiary or project",
			              &v) == 0)
				g->per = (enum policy_per)v;
		} else
			conv_unknown_key(c);
	}
	if (!have_combine)
		SERR(c, "[group %s]: missing required key 'combine'", c->s->id);
	return 0;
}

static int build_program(struct conv *c, struct policy_program *g)
{
	static const char *const ben_names[] = {"consumer", "provider"};
	static const char *const basis_names[] = {"amount", "quantity", "net"};
	static const char *const round_names[] = {"fen", "yuan"};
	static const char *const settle_names[] = {"immediate", "annual",
	                                           "grant"};
	static const char *const pays_names[] = {"voucher", "cash"};
	static const char *const ben_region_names[] = {"within", "any"};
	const struct policy_raw_kv *basis_kv, *rule_kv = NULL, *unit_kv = NULL;
	const struct policy_raw_kv *from_kv = NULL, *until_kv = NULL;
	const struct policy_raw_kv *pays_kv = NULL, *days_kv = NULL;
	int have_pool = 0, have_ben = 0, have_settle = 0, own_region = 0, v;
	int rc = 0;
	size_t i;

	memcpy(g->id, c->s->id, sizeof(g->id));
	g->where.file = c->s->file;
	g->where.line = c->s->line;
	g->per_where = g->where;
	g->group = POLICY_NO_GROUP;
	g->basis = POLICY_AMOUNT;
	g->rule = (enum policy_rule) - 1;
	g->cap = POLICY_NO_CAP;
	g->cap_period = POLICY_YEAR;
	g->round = POLICY_ROUND_FEN;
	g->providers = POLICY_PROV_ANY;
	g->kinds = POLICY_KINDS_ALL;
	g->classes.any = 1;
	g->org_kinds.any = 1;
	g->valid_from = INT64_MIN;
	g->valid_until = INT64_MAX;
	g->cover_bp = MONEY_BP_ONE;
	/* basis decides how thresholds and tiers read, wherever it stands */
	if ((basis_kv = conv_find_kv(c->s, "basis")) != NULL) {
		c->kv = basis_kv;
		if (conv_enum(c, basis_names, 3, "amount, quantity or net",
		              &v) == 0)
			g->basis = (enum policy_basis)v;
	}
	for (i = 0; i < c->s->nkv && rc == 0; i++) {
		const char *k = c->s->kv[i].key, *val = c->s->kv[i].value;
		size_t len = strlen(val);
		c->kv = &c->s->kv[i];
		if (strcmp(k, "basis") == 0)
			continue;
		if (strcmp(k, "rate") == 0 || strcmp(k, "unit_rate") == 0 ||
		    strcmp(k, "tiers") == 0) {
			if (rule_kv != NULL) {
				KERR(c,
				     "'%s' and '%s' exclude each other "
				     "(line %d)",
				     k, rule_kv->key, rule_kv->line);
				continue;
			}
			rule_kv = c->kv;
		}
		if (strcmp(k, "pool") == 0) {
			have_pool = 1;
			val_shares(c, g);
		} else if (strcmp(k, "group") == 0) {
			g->group_where.file = c->s->file;
			g->group_where.line = c->kv->line;
			if (!policy_id_valid(val, len) ||
			    (g->group = policy_group_index(c->p, val)) < 0) {
				char q[80];
				policy_quote(q, sizeof(q), val, len);
				KERR(c, "unknown group '%s'", q);
				g->group = POLICY_NO_GROUP;
			}
		} else if (strcmp(k, "beneficiary") == 0) {
			have_ben = 1;
			if (conv_enum(c, ben_names, 2, "consumer or provider",
			              &v) == 0)
				g->beneficiary = (enum policy_beneficiary)v;
		} else if (strcmp(k, "unit") == 0) {
			unit_kv = c->kv;
			if (!unit_valid(val, len))
				conv_bad_value(c, "a unit name of up to 32 "
				                  "characters [A-Za-z0-9._/-]");
			else
				memcpy(g->unit, val, len + 1);
		} else if (strcmp(k, "rate") == 0) {
			g->rule = POLICY_RATE;
			conv_pct(c, val, len, &g->rate_bp);
		} else if (strcmp(k, "unit_rate") == 0) {
			g->rule = POLICY_UNIT_RATE;
			conv_yuan(c, val, len, 1, &g->unit_rate);
		} else if (strcmp(k, "tiers") == 0) {
			struct tier_arg a = {g, 0};
			g->rule = POLICY_TIERS;
			conv_split(c, tier_item, &a);
		} else if (strcmp(k, "threshold") == 0) {
			val_basis(c, g->basis, val, len, 0, &g->threshold);
		} else if (strcmp(k, "cap") == 0) {
			conv_yuan(c, val, len, 1, &g->cap);
		} else if (strcmp(k, "cap_period") == 0) {
			if (conv_enum(c, period_names, 2, "year or lifetime",
			              &v) == 0)
				g->cap_period = (enum policy_cap_period)v;
		} else if (strcmp(k, "max_periods") == 0) {
			conv_uint(c, val, len, 1, 1000, &g->max_periods);
		} else if (strcmp(k, "min_grant") == 0) {
			conv_yuan(c, val, len, 0, &g->min_grant);
		} else if (strcmp(k, "round") == 0) {
			if (conv_enum(c, round_names, 2, "fen or yuan", &v) ==
			    0)
				g->round = (enum policy_round)v;
		} else if (strcmp(k, "providers") == 0) {
			if (strcmp(val, "local") == 0)
				g->providers = POLICY_PROV_LOCAL;
			else if (strcmp(val, "*") == 0)
				g->providers = POLICY_PROV_ANY;
			else {
				g->providers = POLICY_PROV_LIST;
				rc = conv_list(c, &g->provider_ids);
			}
		} else if (strcmp(k, "kinds") == 0) {
			if (strcmp(val, "*") != 0) {
				g->kinds = 0;
				conv_split(c, kind_item, &g->kinds);
			}
		} else if (strcmp(k, "classes") == 0) {
			rc = conv_list(c, &g->classes);
		} else if (strcmp(k, "org_kinds") == 0) {
			rc = conv_list(c, &g->org_kinds);
		} else if (strcmp(k, "valid_from") == 0) {
			from_kv = c->kv;
			conv_date(c, &g->valid_from);
		} else if (strcmp(k, "valid_until") == 0) {
			/* the named day is the last one that counts */
			until_kv = c->kv;
			if (conv_date(c, &g->valid_until) == 0)
				g->valid_until += 86400;
		} else if (strcmp(k, "settlement") == 0) {
			have_settle = 1;
			if (conv_enum(c, settle_names, 3,
			              "immediate, annual or grant", &v) == 0)
				g->settlement = (enum policy_settlement)v;
		} else if (strcmp(k, "cover") == 0) {
			conv_pct(c, val, len, &g->cover_bp);
		} else if (strcmp(k, "voucher_days") == 0) {
			days_kv = c->kv;
			conv_uint(c, val, len, 1, 36500, &g->voucher_days);
		} else if (strcmp(k, "pays") == 0) {
			pays_kv = c->kv;
			if (conv_enum(c, pays_names, 2, "voucher or cash",
			              &v) == 0)
				g->pays = (enum policy_pays)v;
		} else if (strcmp(k, "region") == 0) {
			own_region = 1;
			val_region(c, val, g->region);
		} else if (strcmp(k, "beneficiary_region") == 0) {
			if (conv_enum(c, ben_region_names, 2, "within or any",
			              &v) == 0)
				g->ben_any = v == 1;
		} else if (strcmp(k, "per") == 0) {
			g->per_where.file = c->s->file;
			g->per_where.line = c->kv->line;
			if (conv_enum(c, per_names, 2, "beneficiary or project",
			              &v) == 0)
				g->per = (enum policy_per)v;
		} else
			conv_unknown_key(c);
	}
	if (rc < 0)
		return rc;
	/* a program's territory: its own, else its first pool's */
	if (!own_region && g->nshares > 0)
		memcpy(g->region, c->p->pools[g->shares[0].pool].region,
		       sizeof(g->region));
	if (!have_pool)
		SERR(c, "[program %s]: missing required key 'pool'", g->id);
	if (!have_ben)
		SERR(c, "[program %s]: missing required key 'beneficiary'",
		     g->id);
	if (!have_settle)
		SERR(c, "[program %s]: missing required key 'settlement'",
		     g->id);
	if (rule_kv == NULL) {
		SERR(c,
		     "[program %s]: needs one of 'rate', 'unit_rate' or "
		     "'tiers'",
		     g->id);
		return 0;
	}
	c->kv = rule_kv;
	if (g->rule == POLICY_RATE && g->basis == POLICY_QUANTITY)
		KERR(c, "'rate' goes with basis = amount or net; use "
		        "'unit_rate' or 'tiers' with basis = quantity");
	if (g->rule == POLICY_UNIT_RATE && g->basis != POLICY_QUANTITY)
		KERR(c, "'unit_rate' goes with basis = quantity");
	/* what vouchers paid of a bill is the org's, not its provider's */
	if (g->basis == POLICY_NET && g->beneficiary != POLICY_CONSUMER) {
		c->kv = basis_kv;
		KERR(c, "basis = net goes with beneficiary = consumer");
	}
	if (have_settle && g->settlement == POLICY_GRANT &&
	    g->rule != POLICY_RATE)
		KERR(c, "a grant program takes 'rate' (of the declared need)");
	/* a grant's basis is the declared need, an amount */
	if (have_settle && g->settlement == POLICY_GRANT &&
	    g->basis != POLICY_AMOUNT) {
		c->kv = basis_kv;
		KERR(c, "a grant program's basis is the declared need: basis "
		        "= amount");
	}
	if (unit_kv != NULL && g->basis != POLICY_QUANTITY) {
		c->kv = unit_kv;
		KERR(c, "'unit' goes with basis = quantity");
	}
	if (pays_kv == NULL)
		g->pays = g->beneficiary == POLICY_PROVIDER
		              ? POLICY_PAYS_CASH
		              : POLICY_PAYS_VOUCHER;
	else if (g->beneficiary == POLICY_PROVIDER &&
	         g->pays == POLICY_PAYS_VOUCHER) {
		c->kv = pays_kv;
		KERR(c, "a provider program pays cash (a provider's voucher "
		        "could never be redeemed)");
	}
	if (days_kv != NULL && g->pays == POLICY_PAYS_CASH) {
		c->kv = days_kv;
		KERR(c, "'voucher_days' goes with pays = voucher (a cash "
		        "entitlement never expires)");
	}
	if (from_kv != NULL && until_kv != NULL &&
	    g->valid_until <= g->valid_from) {
		c->kv = until_kv;
		KERR(c, "valid_until is before valid_from (line %d)",
		     from_kv->line);
	}
	return 0;
}

static int cmp_pool(const void *a, const void *b)
{
	return strcmp(((const struct policy_pool *)a)->id,
	              ((const struct policy_pool *)b)->id);
}

static int cmp_group(const void *a, const void *b)
{
	return strcmp(((const struct policy_group *)a)->id,
	              ((const struct policy_group *)b)->id);
}

static int cmp_program(const void *a, const void *b)
{
	return strcmp(((const struct policy_program *)a)->id,
	              ((const struct policy_program *)b)->id);
}

static size_t count_type(const struct policy_raw *raw, enum policy_sec_type t)
{
	size_t i, n = 0;

	for (i = 0; i < raw->nsec; i++)
		n += raw->secs[i].type == t;
	return n;
}

/* Each group's programs in id order; a group may not mix annual programs
 * with others, since settlement of the one and first-come grants of the
 * other cannot share one entitlement. */
static int link_groups(struct policy *p, struct policy_errors *errs)
{
	size_t i, j;

	for (i = 0; i < p->ngroups; i++) {
		struct policy_group *g = &p->groups[i];
		const struct policy_program *first = NULL;
		g->programs =
		    calloc(p->nprograms ? p->nprograms : 1, sizeof(int));
		if (g->programs == NULL)
			return VD_ENOMEM;
		for (j = 0; j < p->nprograms; j++) {
			const struct policy_program *pr = &p->programs[j];
			if (pr->group != (int)i)
				continue;
			g->programs[g->nprograms++] = (int)j;
			/* a per-project group combines per (beneficiary,
			 * project): a program of one firm-wide figure has no
			 * project to combine in (domain.md, "Projects") */
			if (g->per == POLICY_PER_PROJECT &&
			    pr->per != POLICY_PER_PROJECT)
				policy_error(
				    errs, pr->group_where.file,
				    pr->group_where.line,
				    "group '%s' is per project but its "
				    "program '%s' is not (add 'per = "
				    "project' to it, or make the group "
				    "per beneficiary)",
				    g->id, pr->id);
			if (first == NULL) {
				first = pr;
				continue;
			}
			if ((first->settlement == POLICY_ANNUAL) !=
			    (pr->settlement == POLICY_ANNUAL))
				policy_error(errs, pr->group_where.file,
				             pr->group_where.line,
				             "group '%s' mixes annual program "
				             "'%s' with non-annual program "
				             "'%s'",
				             g->id,
				             first->settlement == POLICY_ANNUAL
				                 ? first->id
				                 : pr->id,
				             first->settlement == POLICY_ANNUAL
				                 ? pr->id
				                 : first->id);
			/* one entitlement is one beneficiary's: an org's and
			 * its provider's cannot be combined (domain.md, step
			 * 4) */
			if (first->beneficiary != pr->beneficiary &&
			    !p->recorded)
				policy_error(errs, pr->group_where.file,
				             pr->group_where.line,
				             "group '%s' mixes consumer and "
				             "provider programs ('%s', '%s')",
				             g->id, first->id, pr->id);
		}
	}
	return 0;
}

int policy_build(struct policy *p, const struct policy_raw *raw,
                 struct policy_errors *errs)
{
	struct conv c = {p, errs, NULL, NULL};
	size_t i, npool = 0, ngroup = 0, nprog = 0;
	int rc;

	p->late_days = POLICY_DEFAULT_LATE_DAYS;
	p->pools =
	    calloc(count_type(raw, POLICY_SEC_POOL) + 1, sizeof(*p->pools));
	p->groups =
	    calloc(count_type(raw, POLICY_SEC_GROUP) + 1, sizeof(*p->groups));
	p->programs = calloc(count_type(raw, POLICY_SEC_PROGRAM) + 1,
	                     sizeof(*p->programs));
	if (!p->pools || !p->groups || !p->programs)
		return VD_ENOMEM;
	/* Pools and groups first, sorted, so that programs can refer to
	 * them wherever they are defined. */
	for (i = 0; i < raw->nsec; i++) {
		c.s = &raw->secs[i];
		if (c.s->type == POLICY_SEC_LEDGER)
			build_ledger(&c);
		else if (c.s->type == POLICY_SEC_POOL)
			build_pool(&c, &p->pools[npool++]);
		else if (c.s->type == POLICY_SEC_GROUP)
			build_group(&c, &p->groups[ngroup++]);
	}
	if (npool > POLICY_MAX_POOLS || ngroup > POLICY_MAX_GROUPS) {
		policy_error(errs, raw->nsec ? raw->secs[0].file : "policy", 0,
		             "more than %d pools or %d groups",
		             POLICY_MAX_POOLS, POLICY_MAX_GROUPS);
		return 0;
	}
	p->npools = npool;
	p->ngroups = ngroup;
	qsort(p->pools, npool, sizeof(*p->pools), cmp_pool);
	qsort(p->groups, ngroup, sizeof(*p->groups), cmp_group);
	for (i = 0; i < raw->nsec; i++) {
		c.s = &raw->secs[i];
		if (c.s->type != POLICY_SEC_PROGRAM)
			continue;
		p->nprograms = ++nprog;
		if ((rc = build_program(&c, &p->programs[nprog - 1])) < 0)
			return rc;
	}
	if (nprog > POLICY_MAX_PROGRAMS) {
		policy_error(errs, raw->secs[0].file, 0,
		             "more than %d programs", POLICY_MAX_PROGRAMS);
		return 0;
	}
	if (nprog == 0 && errs->total == 0)
		policy_error(errs, raw->nsec ? raw->secs[0].file : "policy", 0,
		             "no [program] section in the policy");
	qsort(p->programs, nprog, sizeof(*p->programs), cmp_program);
	return link_groups(p, errs);
}
