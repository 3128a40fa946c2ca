/* policy_print(): the tables of `vouchd check-policy`, for the bureau to
 * compare a policy with its documents line by line. */
#include "policy.h"

#include <inttypes.h>
#include <string.h>

#include "err.h"
#include "money.h"
#include "period.h"
#include "table.h"

static void fmt_pct(int64_t bp, char *buf, size_t size)
{
	if (bp % 100 == 0)
		snprintf(buf, size, "%" PRId64 "%%", bp / 100);
	else if (bp % 10 == 0)
		snprintf(buf, size, "%" PRId64 ".%" PRId64 "%%", bp / 100,
		         (bp % 100) / 10);
	else
		snprintf(buf, size, "%" PRId64 ".%02" PRId64 "%%", bp / 100,
		         bp % 100);
}

static void fmt_yuan(int64_t fen, char *buf, size_t size)
{
	char tmp[MONEY_FMT_MAX];

	money_format_yuan(fen, tmp, sizeof(tmp));
	snprintf(buf, size, "%s", tmp);
}

/* A basis figure: yuan for amount and net programs, units for quantity
 * ones. */
static void fmt_basis(const struct policy_program *g, int64_t v, char *buf,
                      size_t size)
{
	if (POLICY_BASIS_MONEY(g))
		fmt_yuan(v, buf, size);
	else
		snprintf(buf, size, "%" PRId64 " %s", v,
		         g->unit[0] ? g->unit : "units");
}

/* whom a cap is per: only "per project" is said, per beneficiary being
 * what a reader assumes */
static void fmt_cap(int64_t cap, enum policy_cap_period per,
                    enum policy_per who, char *buf, size_t size)
{
	const char *proj = who == POLICY_PER_PROJECT ? " per project" : "";
	char y[MONEY_FMT_MAX];

	if (cap == POLICY_NO_CAP) {
		snprintf(buf, size, "none%s%s",
		         per == POLICY_LIFETIME ? " (lifetime basis)" : "",
		         proj);
		return;
	}
	fmt_yuan(cap, y, sizeof(y));
	snprintf(buf, size, "%s/%s%s", y,
	         per == POLICY_LIFETIME ? "lifetime" : "year", proj);
}

static void fmt_list(const struct policy_list *l, char *buf, size_t size)
{
	size_t i, n = 0;

	if (l->any) {
		snprintf(buf, size, "*");
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < l->n && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? "," : "",
		                      l->items[i]);
}

static void fmt_rule(const struct policy_program *g, char *buf, size_t size)
{
	char a[64];

	switch (g->rule) {
	case POLICY_RATE:
		fmt_pct(g->rate_bp, a, sizeof(a));
		snprintf(buf, size, "rate %s", a);
		return;
	case POLICY_UNIT_RATE:
		fmt_yuan(g->unit_rate, a, sizeof(a));
		snprintf(buf, size, "%s yuan/%s", a,
		         g->unit[0] ? g->unit : "unit");
		return;
	case POLICY_TIERS:
		snprintf(buf, size, "%zu tiers (below)", g->ntiers);
		return;
	}
	snprintf(buf, size, "?");
}

static const char *settle_word(enum policy_settlement s)
{
	return s == POLICY_IMMEDIATE ? "immediate"
	       : s == POLICY_ANNUAL  ? "annual"
	                             : "grant";
}

static int print_pools(const struct policy *p, FILE *f)
{
	static const char *const heads[] = {"pool", "region",
	                                    ">budget/period (yuan)", "programs",
	                                    "defined at"};
	char b[MONEY_FMT_MAX], progs[TABLE_CELL_MAX];
	struct table t;
	size_t i, j, k;
	int rc;

	table_init(&t, 5, heads);
	for (i = 0; i < p->npools; i++) {
		size_t n = 0;
		progs[0] = '\0';
		for (j = 0; j < p->nprograms; j++)
			for (k = 0; k < p->programs[j].nshares; k++)
				if (p->programs[j].shares[k].pool == (int)i &&
				    n < sizeof(progs))
					n += (size_t)snprintf(
					    progs + n, sizeof(progs) - n,
					    "%s%s", n ? "," : "",
					    p->programs[j].id);
		fmt_yuan(p->pools[i].budget, b, sizeof(b));
		table_row(&t);
		table_cell(&t, "%s", p->pools[i].id);
		table_cell(&t, "%s",
		           p->pools[i].region[0] ? p->pools[i].region : "-");
		table_cell(&t, "%s", b);
		table_cell(&t, "%s", n ? progs : "-");
		table_cell(&t, "%s:%d", p->pools[i].where.file,
		           p->pools[i].where.line);
	}
	rc = table_print(&t, f, "  ");
	table_free(&t);
	return rc;
}

static int print_groups(const struct policy *p, FILE *f)
{
	static const char *const heads[] = {"group", "combine", ">cap (yuan)",
	                                    "programs (id order)"};
	char cap[96], progs[TABLE_CELL_MAX];
	struct table t;
	size_t i, j;
	int rc;

	table_init(&t, 4, heads);
	for (i = 0; i < p->ngroups; i++) {
		const struct policy_group *g = &p->groups[i];
		size_t n = 0;
		progs[0] = '\0';
		for (j = 0; j < g->nprograms && n < sizeof(progs); j++)
			n += (size_t)snprintf(progs + n, sizeof(progs) - n,
			                      "%s%s", j ? "," : "",
			                      p->programs[g->programs[j]].id);
		fmt_cap(g->cap, g->cap_period, g->per, cap, sizeof(cap));
		table_row(&t);
		table_cell(&t, "%s", g->id);
		table_cell(&t, "%s", g->combine == POLICY_MAX ? "max" : "sum");
		table_cell(&t, "%s", cap);
		table_cell(&t, "%s", n ? progs : "-");
	}
	rc = table_print(&t, f, "  ");
	table_free(&t);
	return rc;
}

static int print_rules(const struct policy *p, FILE *f)
{
	static const char *const heads[] = {
	    "program",    "pool",   "group",        "beneficiary",
	    "basis",      "rule",   ">threshold",   ">cap (yuan)",
	    "settlement", ">cover", ">voucher_days"};
	char pools[TABLE_CELL_MAX], rule[TABLE_CELL_MAX], thr[64], cap[96];
	char cover[32];
	struct table t;
	size_t i, k;
	int rc;

	table_init(&t, 11, heads);
	for (i = 0; i < p->nprograms; i++) {
		const struct policy_program *g = &p->programs[i];
		size_t n = 0;
		for (k = 0; k < g->nshares && n < sizeof(pools); k++) {
			char pct[32];
			fmt_pct(g->shares[k].bp, pct, sizeof(pct));
			n += (size_t)snprintf(pools + n, sizeof(pools) - n,
			                      "%s%s%s%s", k ? "," : "",
			                      p->pools[g->shares[k].pool].id,
			                      g->nshares > 1 ? ":" : "",
			                      g->nshares > 1 ? pct : "");
		}
		fmt_rule(g, rule, sizeof(rule));
		if (g->threshold > 0)
			fmt_basis(g, g->threshold, thr, sizeof(thr));
		else
			snprintf(thr, sizeof(thr), "-");
		fmt_cap(g->cap, g->cap_period, g->per, cap, sizeof(cap));
		fmt_pct(g->cover_bp, cover, sizeof(cover));
		table_row(&t);
		table_cell(&t, "%s", g->id);
		table_cell(&t, "%s", pools);
		table_cell(
		    &t, "%s",
		    g->group == POLICY_NO_GROUP ? "-" : p->groups[g->group].id);
		table_cell(&t, "%s",
		           g->beneficiary == POLICY_CONSUMER ? "consumer"
		                                             : "provider");
		if (g->basis == POLICY_AMOUNT)
			table_cell(&t, "amount");
		else if (g->basis == POLICY_NET)
			table_cell(&t, "net of vouchers");
		else
			table_cell(&t, "quantity (%s)",
			           g->unit[0] ? g->unit : "any unit");
		table_cell(&t, "%s", rule);
		table_cell(&t, "%s", thr);
		table_cell(&t, "%s", cap);
		table_cell(&t, "%s", settle_word(g->settlement));
		table_cell(&t, "%s", cover);
		if (g->voucher_days)
			table_cell(&t, "%" PRId64, g->voucher_days);
		else
			table_cell(&t, "next period end");
	}
	rc = table_print(&t, f, "  ");
	table_free(&t);
	return rc;
}

static int print_filters(const struct policy *p, FILE *f)
{
	static const char *const heads[] = {
	    "program",   "region",      "providers",    "kinds",      "classes",
	    "org_kinds", "valid (CST)", ">max_periods", ">min_grant", "round"};
	char prov[TABLE_CELL_MAX], kinds[128], cls[TABLE_CELL_MAX];
	char ok[TABLE_CELL_MAX], from[11], until[11], mg[MONEY_FMT_MAX];
	struct table t;
	size_t i;
	int rc, k;

	table_init(&t, 10, heads);
	for (i = 0; i < p->nprograms; i++) {
		const struct policy_program *g = &p->programs[i];
		size_t n = 0;
		if (g->providers == POLICY_PROV_LIST)
			fmt_list(&g->provider_ids, prov, sizeof(prov));
		else
			snprintf(prov, sizeof(prov), "%s",
			         g->providers == POLICY_PROV_LOCAL ? "local"
			                                           : "*");
		kinds[0] = '\0';
		if (g->kinds == POLICY_KINDS_ALL)
			snprintf(kinds, sizeof(kinds), "*");
		else
			for (k = 0; k < KIND_COUNT; k++)
				if (g->kinds & (1u << k))
					n += (size_t)snprintf(
					    kinds + n, sizeof(kinds) - n,
					    "%s%s", n ? "," : "", kind_name(k));
		fmt_list(&g->classes, cls, sizeof(cls));
		fmt_list(&g->org_kinds, ok, sizeof(ok));
		snprintf(from, sizeof(from), "open");
		snprintf(until, sizeof(until), "open");
		if (g->valid_from != INT64_MIN)
			period_format_date(g->valid_from, from);
		if (g->valid_until != INT64_MAX)
			period_format_date(g->valid_until - 86400, until);
		fmt_yuan(g->min_grant, mg, sizeof(mg));
		table_row(&t);
		table_cell(&t, "%s", g->id);
		/* a program pays within its region (domain.md) unless it says
		 * beneficiary_region = any */
		table_cell(&t, "%s%s", g->region[0] ? g->region : "-",
		           g->region[0] && g->ben_any ? " (any beneficiary)"
		                                      : "");
		table_cell(&t, "%s", prov);
		table_cell(&t, "%s", kinds);
		table_cell(&t, "%s", cls);
		table_cell(&t, "%s", ok);
		table_cell(&t, "%s to %s", from, until);
		if (g->max_periods)
			table_cell(&t, "%" PRId64, g->max_periods);
		else
			table_cell(&t, "-");
		table_cell(&t, "%s", g->min_grant ? mg : "-");
		table_cell(&t, "%s",
		           g->round == POLICY_ROUND_YUAN ? "yuan" : "fen");
	}
	rc = table_print(&t, f, "  ");
	table_free(&t);
	return rc;
}

static int print_tiers(const struct policy *p, FILE *f)
{
	static const char *const heads[] = {
	    "program", ">tier", ">basis reached", ">award to date (yuan)"};
	char a[64], b[MONEY_FMT_MAX];
	struct table t;
	size_t i, k;
	int rc;

	table_init(&t, 4, heads);
	for (i = 0; i < p->nprograms; i++) {
		const struct policy_program *g = &p->programs[i];
		for (k = 0; g->rule == POLICY_TIERS && k < g->ntiers; k++) {
			fmt_basis(g, g->tiers[k].threshold, a, sizeof(a));
			fmt_yuan(g->tiers[k].award, b, sizeof(b));
			table_row(&t);
			table_cell(&t, "%s", g->id);
			table_cell(&t, "%zu", k + 1);
			table_cell(&t, "%s", a);
			table_cell(&t, "%s", b);
		}
	}
	rc = t.nrows ? table_print(&t, f, "  ") : 0;
	table_free(&t);
	return rc;
}

int policy_print(const struct policy *p, FILE *f)
{
	char hex[65];
	int i, rc;

	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", p->sha256[i]);
	if (fprintf(f,
	            "policy: %zu files, %zu pools, %zu groups, %zu programs, "
	            "late_days %" PRId64 "\nsha256: %s\n\nPOOLS\n",
	            p->nfiles, p->npools, p->ngroups, p->nprograms,
	            p->late_days, hex) < 0)
		return VD_EIO;
	if ((rc = print_pools(p, f)) < 0)
		return rc;
	if (fputs("\nGROUPS\n", f) < 0)
		return VD_EIO;
	if ((rc = print_groups(p, f)) < 0)
		return rc;
	if (fputs("\nPROGRAMS: rules\n", f) < 0)
		return VD_EIO;
	if ((rc = print_rules(p, f)) < 0)
		return rc;
	if (fputs("\nPROGRAMS: what counts\n", f) < 0)
		return VD_EIO;
	if ((rc = print_filters(p, f)) < 0)
		return rc;
	if (fputs("\nTIERS (晋级补差: reaching a tier pays the difference)\n",
	          f) < 0)
		return VD_EIO;
	return print_tiers(p, f);
}
