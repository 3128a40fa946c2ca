/* The page's figures as JSON and CSV (page_data.h). */
#include "page_data.h"

#include <jansson.h>
#include <string.h>

#include "civil.h"
#include "err.h"
#include "money.h"
#include "page_html.h"
#include "page_out.h"

#define EOL "\r\n"

static const char *settlement_name(int s)
{
	static const char *const names[] = {"immediate", "annual", "grant"};

	return s >= 0 && s <= 2 ? names[s] : "";
}

static const char *settle_state(enum page_settle_state s)
{
	return s == PAGE_SETTLE_OPEN   ? "open"
	       : s == PAGE_SETTLE_DONE ? "settled"
	                               : "refused";
}

/* Set key to v, or note the failure (jansson's setters return -1). */
static void jset(json_t *o, const char *key, json_t *v, int *bad)
{
	if (v == NULL || json_object_set_new(o, key, v) != 0)
		*bad = 1;
}

static void jday(json_t *o, const char *key, int32_t d, int *bad)
{
	char date[11];

	page_date(d, date);
	jset(o, key, json_string(date), bad);
}

static json_t *pool_json(const struct page_pool *pp, int *bad)
{
	const struct ledger_pool *f = &pp->fig;
	json_t *o = json_object(), *a;
	size_t i;

	if (o == NULL) {
		*bad = 1;
		return NULL;
	}
	jset(o, "pool", json_string(f->pool), bad);
	jset(o, "region", json_string(pp->region), bad);
	jset(o, "budget", json_integer(f->budget), bad);
	jset(o, "granted", json_integer(f->granted), bad);
	jset(o, "redeemed", json_integer(f->redeemed), bad);
	jset(o, "paid_out", json_integer(f->paid_out), bad);
	jset(o, "expired", json_integer(f->expired), bad);
	jset(o, "revoked", json_integer(f->revoked), bad);
	jset(o, "recovered", json_integer(f->recovered), bad);
	jset(o, "remaining", json_integer(f->remaining), bad);
	jset(o, "unfunded", json_integer(f->unfunded), bad);
	jset(o, "outlook", json_string(page_outlook_name(pp->outlook)), bad);
	if (pp->outlook == PAGE_ON)
		jday(o, "dry_day", pp->dry_day, bad);
	else
		jset(o, "dry_day", json_null(), bad);
	jset(o, "pace", json_integer(pp->pace), bad);
	jset(o, "window_days", json_integer(pp->window), bad);
	jset(o, "programs", a = json_array(), bad);
	for (i = 0; a && i < pp->nprogs; i++) {
		const struct page_program *g = &pp->progs[i];
		json_t *p = json_object();
		if (p == NULL || json_array_append_new(a, p) != 0) {
			*bad = 1;
			break;
		}
		jset(p, "program", json_string(g->id), bad);
		jset(p, "settlement",
		     g->settlement >= 0
		         ? json_string(settlement_name(g->settlement))
		         : json_null(),
		     bad);
		jset(p, "granted", json_integer(g->granted), bad);
		jset(p, "redeemed", json_integer(g->redeemed), bad);
		jset(p, "paid_out", json_integer(g->paid_out), bad);
		jset(p, "expired", json_integer(g->expired), bad);
		jset(p, "revoked", json_integer(g->revoked), bad);
		jset(p, "recovered", json_integer(g->recovered), bad);
		jset(p, "unfunded", json_integer(g->unfunded), bad);
	}
	jset(o, "settlements", a = json_array(), bad);
	for (i = 0; a && i < pp->nsettles; i++) {
		const struct page_settle *st = &pp->settles[i];
		json_t *p = json_object();
		char factor[32];
		if (p == NULL || json_array_append_new(a, p) != 0) {
			*bad = 1;
			break;
		}
		snprintf(factor, sizeof(factor), "%lld.%06lld",
		         (long long)(st->factor_ppm / 1000000),
		         (long long)(st->factor_ppm % 1000000));
		jset(p, "program", json_string(st->program), bad);
		jset(p, "state", json_string(settle_state(st->state)), bad);
		jset(p, "cofunded", json_boolean(st->cofunded), bad);
		if (st->state != PAGE_SETTLE_OPEN)
			continue;
		jset(p, "earned", json_integer(st->total), bad);
		jset(p, "can_pay", json_integer(st->cap), bad);
		jset(p, "factor", json_string(factor), bad);
	}
	jset(o, "days", a = json_array(), bad);
	for (i = 0; a && i < pp->ndays; i++) {
		const struct page_day *d = &pp->days[i];
		json_t *p = json_object();
		if (p == NULL || json_array_append_new(a, p) != 0) {
			*bad = 1;
			break;
		}
		jday(p, "day", d->day, bad);
		jset(p, "granted", json_integer(d->granted), bad);
		jset(p, "redeemed", json_integer(d->redeemed), bad);
		jset(p, "paid_out", json_integer(d->paid_out), bad);
		jset(p, "expired", json_integer(d->expired), bad);
		jset(p, "revoked", json_integer(d->revoked), bad);
		jset(p, "recovered", json_integer(d->recovered), bad);
		jset(p, "unfunded", json_integer(d->unfunded), bad);
	}
	return o;
}

int page_json(const struct page *pg, struct evbuffer *b)
{
	json_t *o = json_object(), *a = NULL;
	char *s = NULL, at[CIVIL_UTC_LEN + 1];
	int bad = o == NULL;
	size_t i;

	if (civil_format_utc(pg->now, at) != 0)
		at[0] = '\0';
	if (!bad) {
		jset(o, "period", json_integer(pg->period), &bad);
		jset(o, "as_of", json_string(at), &bad);
		jday(o, "today", pg->today, &bad);
		jday(o, "first_day", pg->first_day, &bad);
		jday(o, "last_day", pg->last_day, &bad);
		jset(o, "pools", a = json_array(), &bad);
	}
	for (i = 0; a && !bad && i < pg->npools; i++) {
		json_t *p = pool_json(&pg->pools[i], &bad);
		if (p == NULL || json_array_append_new(a, p) != 0)
			bad = 1;
	}
	if (!bad && (s = json_dumps(o, JSON_COMPACT)) == NULL)
		bad = 1;
	if (!bad && (evbuffer_add(b, s, strlen(s)) != 0 ||
	             evbuffer_add(b, "\n", 1) != 0))
		bad = 1;
	free(s);
	json_decref(o);
	return bad ? VD_ENOMEM : 0;
}

/* An id in a CSV field: quoted if it must be (ids from policies never
 * need it; stored ones are checked the same way), and a leading '=',
 * '+', '-' or '@' kept from a spreadsheet's formulas. */
static void csv_id(struct page_out *o, const char *s)
{
	const char *c;

	int formula = s[0] != '\0' && strchr("=+-@", s[0]) != NULL;

	if (strpbrk(s, ",\"\r\n") == NULL && !formula) {
		out_str(o, s);
		return;
	}
	out_str(o, formula ? "\"'" : "\"");
	for (c = s; *c; c++)
		out_printf(o, *c == '"' ? "\"\"" : "%c", *c);
	out_str(o, "\"");
}

static void csv_yuan(struct page_out *o, int64_t fen)
{
	out_str(o, ",");
	out_yuan_plain(o, fen);
}

int page_pools_csv(const struct page *pg, struct evbuffer *b)
{
	struct page_out o = {b, 0};
	size_t i;

	out_str(&o, "pool,period,budget,granted,redeemed,paid_out,expired,"
	            "revoked,recovered,remaining,unfunded,outlook,dry_day,"
	            "pace" EOL);
	for (i = 0; i < pg->npools; i++) {
		const struct page_pool *pp = &pg->pools[i];
		const struct ledger_pool *f = &pp->fig;
		char date[11] = "";
		csv_id(&o, f->pool);
		out_printf(&o, ",%d", (int)f->period);
		csv_yuan(&o, f->budget);
		csv_yuan(&o, f->granted);
		csv_yuan(&o, f->redeemed);
		csv_yuan(&o, f->paid_out);
		csv_yuan(&o, f->expired);
		csv_yuan(&o, f->revoked);
		csv_yuan(&o, f->recovered);
		csv_yuan(&o, f->remaining);
		csv_yuan(&o, f->unfunded);
		if (pp->outlook == PAGE_ON)
			page_date(pp->dry_day, date);
		out_printf(&o, ",%s,%s", page_outlook_name(pp->outlook), date);
		csv_yuan(&o, pp->pace);
		out_str(&o, EOL);
	}
	return o.err;
}

int page_days_csv(const struct page *pg, const struct page_pool *pp,
                  struct evbuffer *b)
{
	struct page_out o = {b, 0};
	int64_t cg = 0, cs = 0, cc = 0, cu = 0;
	int32_t d, end = pg->asof;
	size_t i = 0;
	int rc = 0;

	if (pp->ndays > 0 && pp->days[pp->ndays - 1].day > end)
		end = pp->days[pp->ndays - 1].day;
	out_str(&o, "day,granted,redeemed,paid_out,expired,revoked,recovered,"
	            "unfunded,cum_granted,cum_redeemed_paid_out,"
	            "cum_committed,cum_unfunded" EOL);
	for (d = pg->first_day; rc == 0 && d <= end; d++) {
		static const struct page_day zero;
		const struct page_day *x = &zero;
		char date[11];
		int64_t v;
		if (i < pp->ndays && pp->days[i].day == d)
			x = &pp->days[i++];
		if ((rc = money_add(cg, x->granted, &cg)) < 0 ||
		    (rc = money_add(cs, x->redeemed, &cs)) < 0 ||
		    (rc = money_add(cs, x->paid_out, &cs)) < 0 ||
		    (rc = money_sub(x->granted, x->expired, &v)) < 0 ||
		    (rc = money_sub(v, x->revoked, &v)) < 0 ||
		    (rc = money_sub(v, x->recovered, &v)) < 0 ||
		    (rc = money_add(cc, v, &cc)) < 0 ||
		    (rc = money_add(cu, x->unfunded, &cu)) < 0)
			break;
		page_date(d, date);
		out_str(&o, date);
		csv_yuan(&o, x->granted);
		csv_yuan(&o, x->redeemed);
		csv_yuan(&o, x->paid_out);
		csv_yuan(&o, x->expired);
		csv_yuan(&o, x->revoked);
		csv_yuan(&o, x->recovered);
		csv_yuan(&o, x->unfunded);
		csv_yuan(&o, cg);
		csv_yuan(&o, cs);
		csv_yuan(&o, cc);
		csv_yuan(&o, cu);
		out_str(&o, EOL);
	}
	return rc < 0 ? rc : o.err;
}

int page_programs_csv(const struct page *pg, const struct page_pool *pp,
                      struct evbuffer *b)
{
	struct page_out o = {b, 0};
	size_t i = 0, k = 0;

	(void)pg;
	out_str(&o, "program,settlement,granted,redeemed,paid_out,expired,"
	            "revoked,recovered,unfunded,settle_state,earned_so_far,"
	            "can_pay,factor" EOL);
	/* the parts and the previews, both in program id order, merged */
	while (i < pp->nprogs || k < pp->nsettles) {
		static const struct page_program none;
		const struct page_program *g = &none;
		const struct page_settle *st = NULL;
		const char *id;
		int c;
		if (i < pp->nprogs && k < pp->nsettles)
			c = strcmp(pp->progs[i].id, pp->settles[k].program);
		else
			c = i < pp->nprogs ? -1 : 1;
		if (c <= 0)
			g = &pp->progs[i++];
		if (c >= 0)
			st = &pp->settles[k++];
		id = c <= 0 ? g->id : st->program;
		csv_id(&o, id);
		out_printf(&o, ",%s",
		           st ? "annual" : settlement_name(g->settlement));
		csv_yuan(&o, g->granted);
		csv_yuan(&o, g->redeemed);
		csv_yuan(&o, g->paid_out);
		csv_yuan(&o, g->expired);
		csv_yuan(&o, g->revoked);
		csv_yuan(&o, g->recovered);
		csv_yuan(&o, g->unfunded);
		if (st == NULL || st->state != PAGE_SETTLE_OPEN) {
			out_printf(&o, ",%s,,," EOL,
			           st ? settle_state(st->state) : "");
			continue;
		}
		out_str(&o, ",open");
		csv_yuan(&o, st->total);
		csv_yuan(&o, st->cap);
		out_printf(&o, ",%lld.%06lld" EOL,
		           (long long)(st->factor_ppm / 1000000),
		           (long long)(st->factor_ppm % 1000000));
	}
	return o.err;
}
