/* The bureau's page without a daemon: the routes (web_route), the
 * projection (page_project) on days made by hand, the figures gathered
 * from a real store (page_gather), and what the renderers write (HTML
 * escaping, the CSV columns). Every figure worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <event2/buffer.h>
#include <jansson.h>

#include "ledger_fixture.h"
#include "page.h"
#include "page_data.h"
#include "page_html.h"
#include "web.h"

/* 2026-01-01 is day 20454 (1767225600 / 86400); 2026 has 365 days */
#define D2026 20454
#define D2027 (D2026 + 365)

static void test_route(void **state)
{
	struct web_route r;
	const char *why;
	char long_uri[WEB_URI_MAX + 2];

	(void)state;
	assert_int_equal(web_route("/", &r, &why), 0);
	assert_int_equal(r.what, WEB_PAGE);
	assert_int_equal(r.period, 0);
	assert_int_equal(web_route("/?period=2026", &r, &why), 0);
	assert_int_equal(r.period, 2026);
	assert_int_equal(web_route("/?period=1970", &r, &why), 0);
	assert_int_equal(web_route("/?period=9999", &r, &why), 0);
	assert_int_equal(web_route("/?", &r, &why), 0);
	assert_int_equal(web_route("/pools.json", &r, &why), 0);
	assert_int_equal(r.what, WEB_POOLS_JSON);
	assert_int_equal(web_route("/pools.csv?period=2025", &r, &why), 0);
	assert_int_equal(r.what, WEB_POOLS_CSV);
	assert_int_equal(r.period, 2025);
	assert_int_equal(web_route("/pool/xinxing-fund/days.csv", &r, &why), 0);
	assert_int_equal(r.what, WEB_DAYS_CSV);
	assert_string_equal(r.pool, "xinxing-fund");
	assert_int_equal(
	    web_route("/pool/a.b_c/programs.csv?period=2027", &r, &why), 0);
	assert_int_equal(r.what, WEB_PROGRAMS_CSV);
	assert_string_equal(r.pool, "a.b_c");
	assert_int_equal(r.period, 2027);

	/* not a route: 404 */
	assert_int_equal(web_route("", &r, &why), VD_ENOENT);
	assert_int_equal(web_route("/index.html", &r, &why), VD_ENOENT);
	assert_int_equal(web_route("//", &r, &why), VD_ENOENT);
	assert_int_equal(web_route("/pools.json/", &r, &why), VD_ENOENT);
	assert_int_equal(web_route("/pool//days.csv", &r, &why), VD_ENOENT);
	assert_int_equal(web_route("/pool/Xin/days.csv", &r, &why), VD_ENOENT);
	assert_int_equal(web_route("/pool/-x/days.csv", &r, &why), VD_ENOENT);
	assert_int_equal(web_route("/pool/x/days.csvx", &r, &why), VD_ENOENT);
	assert_int_equal(web_route("/pool/x/y/days.csv", &r, &why), VD_ENOENT);
	assert_int_equal(web_route("/pool/%78/days.csv", &r, &why), VD_ENOENT);
	assert_int_equal(web_route("http://h/", &r, &why), VD_ENOENT);

	/* a bad query: 400, with a reason */
	assert_int_equal(web_route("/?period=1969", &r, &why), VD_EINVAL);
	assert_string_equal(why, "period is a year, 1970 to 9999");
	assert_int_equal(web_route("/?period=10000", &r, &why), VD_EINVAL);
	assert_int_equal(web_route("/?period=", &r, &why), VD_EINVAL);
	assert_int_equal(web_route("/?period=+2026", &r, &why), VD_EINVAL);
	assert_int_equal(web_route("/?period=2026x", &r, &why), VD_EINVAL);
	assert_int_equal(web_route("/?period=99999999999", &r, &why),
	                 VD_EINVAL);
	assert_int_equal(web_route("/?org=corp-9", &r, &why), VD_EINVAL);
	assert_string_equal(why, "unknown query parameter (only period=)");
	assert_int_equal(web_route("/?period=2026&period=2027", &r, &why),
	                 VD_EINVAL);
	assert_string_equal(why, "period given twice");
	assert_int_equal(web_route("/?period=2026&", &r, &why), VD_EINVAL);
	assert_int_equal(web_route("/?&period=2026", &r, &why), VD_EINVAL);
	assert_string_equal(why, "empty query parameter");
	memset(long_uri, 'a', sizeof(long_uri) - 1);
	long_uri[0] = '/';
	long_uri[sizeof(long_uri) - 1] = '\0';
	assert_int_equal(web_route(long_uri, &r, &why), VD_EINVAL);
	assert_string_equal(why, "request target too long");
}

/* A page of 2026 as of day asof with one pool. */
static void one_pool(struct page *pg, struct page_pool *pp, int32_t today,
                     int64_t remaining, struct page_day *days, size_t n)
{
	memset(pg, 0, sizeof(*pg));
	memset(pp, 0, sizeof(*pp));
	pg->period = 2026;
	pg->first_day = D2026;
	pg->last_day = D2027 - 1;
	pg->today = today;
	pg->asof = today > pg->last_day    ? pg->last_day
	           : today < pg->first_day ? pg->first_day - 1
	                                   : today;
	pg->end_day = pg->last_day;
	pg->pools = pp;
	pg->npools = 1;
	snprintf(pp->fig.pool, sizeof(pp->fig.pool), "p");
	pp->fig.period = 2026;
	pp->fig.budget = 10000000;
	pp->fig.remaining = remaining;
	pp->days = days;
	pp->ndays = n;
}

static void test_project(void **state)
{
	struct page_day d[40];
	struct page pg;
	struct page_pool pp;
	int i;

	(void)state;
	/* day 100 of the year (10 April), 10,000 fen on each of the last
	 * 30 days: 1,000,000 remaining lasts 100 days: day 200 */
	memset(d, 0, sizeof(d));
	for (i = 0; i < 30; i++) {
		d[i].day = D2026 + 70 + i;
		d[i].granted = 10000;
	}
	one_pool(&pg, &pp, D2026 + 99, 1000000, d, 30);
	assert_int_equal(page_project(&pg, &pp), 0);
	assert_int_equal(pp.outlook, PAGE_ON);
	assert_int_equal(pp.dry_day, D2026 + 199);
	assert_int_equal(pp.window, 30);
	assert_true(pp.pace == 10000);

	/* what came back the same day is netted: 30,000 granted, 10,000
	 * revoked, 5,000 expired and 5,000 recovered on each day is the
	 * same 10,000 a day; redemptions draw nothing more */
	for (i = 0; i < 30; i++) {
		d[i].granted = 30000;
		d[i].revoked = 10000;
		d[i].expired = 5000;
		d[i].recovered = 5000;
		d[i].redeemed = 7000;
	}
	assert_int_equal(page_project(&pg, &pp), 0);
	assert_int_equal(pp.dry_day, D2026 + 199);

	/* 5 January: the window is the period's 5 days, not 30 with 25
	 * empty ones before the period began: 10,000 a day, 100,000 lasts
	 * 10 days (15 January); over 30 days it would have been 60 */
	memset(d, 0, sizeof(d));
	for (i = 0; i < 5; i++) {
		d[i].day = D2026 + i;
		d[i].granted = 10000;
	}
	one_pool(&pg, &pp, D2026 + 4, 100000, d, 5);
	assert_int_equal(page_project(&pg, &pp), 0);
	assert_int_equal(pp.outlook, PAGE_ON);
	assert_int_equal(pp.window, 5);
	assert_int_equal(pp.dry_day, D2026 + 14);

	/* days outside the window do not count: the draw was on days 1 to
	 * 5 and it is now day 40: nothing in the last 30 days */
	one_pool(&pg, &pp, D2026 + 39, 100000, d, 5);
	assert_int_equal(page_project(&pg, &pp), 0);
	assert_int_equal(pp.outlook, PAGE_NO_PACE);
	assert_int_equal(pp.window, 30);

	/* 20 December at 10,000 a day: 200,000 would last to 9 January:
	 * not this year */
	memset(d, 0, sizeof(d));
	for (i = 0; i < 30; i++) {
		d[i].day = D2026 + 324 + i;
		d[i].granted = 10000;
	}
	one_pool(&pg, &pp, D2026 + 353, 200000, d, 30);
	assert_int_equal(page_project(&pg, &pp), 0);
	assert_int_equal(pp.outlook, PAGE_NOT_THIS);
	/* 110,000 lasts 11 days: 31 December, the last day */
	one_pool(&pg, &pp, D2026 + 353, 110000, d, 30);
	assert_int_equal(page_project(&pg, &pp), 0);
	assert_int_equal(pp.outlook, PAGE_ON);
	assert_int_equal(pp.dry_day, D2027 - 1);

	/* used up; the period over; not begun */
	one_pool(&pg, &pp, D2026 + 353, 0, d, 30);
	assert_int_equal(page_project(&pg, &pp), 0);
	assert_int_equal(pp.outlook, PAGE_DRY);
	one_pool(&pg, &pp, D2027 + 3, 110000, d, 30);
	assert_int_equal(page_project(&pg, &pp), 0);
	assert_int_equal(pp.outlook, PAGE_ENDED);
	one_pool(&pg, &pp, D2027 + 3, -5, d, 30);
	pp.fig.granted = 5;
	assert_int_equal(page_project(&pg, &pp), 0);
	assert_int_equal(pp.outlook, PAGE_DRY);
	one_pool(&pg, &pp, D2026 - 3, 110000, d, 0);
	assert_int_equal(page_project(&pg, &pp), 0);
	assert_int_equal(pp.outlook, PAGE_NOT_BEGUN);
	assert_int_equal(pp.window, 0);
	/* a pool without budget is not "used up" before its period begins,
	 * nor after it ended having drawn nothing (a hostile review) */
	one_pool(&pg, &pp, D2026 - 3, 0, d, 0);
	assert_int_equal(page_project(&pg, &pp), 0);
	assert_int_equal(pp.outlook, PAGE_NOT_BEGUN);
	one_pool(&pg, &pp, D2027 + 3, 0, d, 0);
	assert_int_equal(page_project(&pg, &pp), 0);
	assert_int_equal(pp.outlook, PAGE_ENDED);
}

/* page.ini's pools on a real store: north's 10% on two days (the
 * second with a redemption), east's annual 30%, and a record dated 1
 * January accepted on 31 December, a day ahead. */
static void test_gather(void **state)
{
	static const char *const files[] = {
	    VD_SOURCE_DIR "/tests/data/policy-page/page.ini", NULL};
	const struct page_pool *pp;
	struct ledger_voucher v;
	struct ledger_op op;
	struct page *pg;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	f.now = T2026 - 3600; /* 31 December 2025, 23:00 CST */
	memset(&op, 0, sizeof(op));
	op.type = OP_POLICY;
	assert_int_equal(fx_run(&f, &op), 0);
	assert_int_equal(fx_register(&f, "dc-north", ROLE_PROVIDER, "", 0), 0);
	assert_int_equal(fx_register(&f, "dc-east", ROLE_PROVIDER, "", 0), 0);
	assert_int_equal(fx_register(&f, "o", ROLE_ORG, "enterprise", 0), 0);
	/* 1 January's bill, a day ahead: 2026's, booked on 31 December */
	assert_int_equal(
	    fx_usage(&f, "dc-north", "r0", "o", T2026 + 3600, 100000), 0);
	f.now = JUNE_2026; /* day 151 */
	assert_int_equal(
	    fx_usage(&f, "dc-north", "r1", "o", JUNE_2026, 1000000), 0);
	f.now = JUNE_2026 + 86400;
	assert_int_equal(
	    fx_usage(&f, "dc-north", "r2", "o", JUNE_2026, 2000000), 0);
	assert_true(fx_granted(&f, "north-demand", "o", 2026, &v) == 310000);
	assert_int_equal(
	    fx_redeem(&f, "dc-north", v.id, "r2", 50000, "k", NULL), 0);
	assert_int_equal(fx_usage(&f, "dc-east", "e1", "o", JUNE_2026, 4000000),
	                 0);

	assert_int_equal(page_gather(f.l, f.p, 2026, f.now, &pg), 0);
	assert_int_equal(pg->npools, 4);
	assert_int_equal(pg->first_day, D2026);
	assert_int_equal(pg->last_day, D2027 - 1);
	assert_int_equal(pg->today, D2026 + 152);
	assert_int_equal(pg->asof, D2026 + 152);
	assert_int_equal(pg->end_day, D2027 - 1);

	pp = page_pool(pg, "north");
	assert_non_null(pp);
	assert_true(pp->fig.granted == 310000);
	assert_true(pp->fig.redeemed == 50000);
	assert_true(pp->fig.remaining == 36050000 - 310000);
	/* the day ahead counts on the first day */
	assert_int_equal(pp->ndays, 3);
	assert_int_equal(pp->days[0].day, D2026);
	assert_true(pp->days[0].granted == 10000);
	assert_int_equal(pp->days[1].day, D2026 + 151);
	assert_true(pp->days[1].granted == 100000);
	assert_int_equal(pp->days[2].day, D2026 + 152);
	assert_true(pp->days[2].granted == 200000);
	assert_true(pp->days[2].redeemed == 50000);
	assert_int_equal(pp->nprogs, 1);
	assert_string_equal(pp->progs[0].id, "north-demand");
	assert_int_equal(pp->progs[0].settlement, POLICY_IMMEDIATE);
	assert_true(pp->progs[0].granted == 310000);
	/* 300,000 over the 30 days to today (1 January is out of it):
	 * 10,000 a day; 35,740,000 remaining lasts 3,574 days */
	assert_int_equal(pp->outlook, PAGE_NOT_THIS);
	assert_true(pp->pace == 10000);
	assert_int_equal(pp->nsettles, 0);

	/* east: earned 30% of 40,000 yuan = 12,000 yuan so far, nothing
	 * granted; its 300,000 can pay it all */
	pp = page_pool(pg, "east");
	assert_non_null(pp);
	assert_true(pp->fig.granted == 0);
	assert_int_equal(pp->outlook, PAGE_NO_PACE);
	assert_int_equal(pp->nsettles, 1);
	assert_string_equal(pp->settles[0].program, "east-annual");
	assert_int_equal(pp->settles[0].state, PAGE_SETTLE_OPEN);
	assert_true(pp->settles[0].total == 1200000);
	assert_true(pp->settles[0].cap == 30000000);
	assert_true(pp->settles[0].factor_ppm == 1000000);
	page_free(pg);

	/* 2025: the policy's pools with nothing, and over */
	assert_int_equal(page_gather(f.l, f.p, 2025, f.now, &pg), 0);
	assert_int_equal(pg->npools, 4);
	assert_int_equal(pg->pools[0].outlook, PAGE_ENDED);
	assert_int_equal(pg->pools[0].ndays, 0);
	page_free(pg);
	assert_int_equal(page_gather(f.l, f.p, 1969, f.now, &pg), VD_EINVAL);
	assert_null(pg);
	fx_check_ok(&f);
	fx_close(&f);
}

static char *drain(struct evbuffer *b)
{
	size_t n = evbuffer_get_length(b);
	char *s = malloc(n + 1);

	assert_non_null(s);
	evbuffer_remove(b, s, n);
	s[n] = '\0';
	return s;
}

/* A pool of three days and two programs, made by hand. */
static void sample(struct page *pg, struct page_pool *pp, struct page_day *d,
                   struct page_program *g, struct page_settle *st)
{
	memset(d, 0, 2 * sizeof(*d));
	d[0].day = D2026;
	d[0].granted = 12345;
	d[0].redeemed = 100;
	d[1].day = D2026 + 2;
	d[1].granted = 1000;
	d[1].revoked = 345;
	d[1].paid_out = 50;
	d[1].unfunded = 7;
	one_pool(pg, pp, D2026 + 2, 10000000 - 13345 + 345, d, 2);
	pp->fig.granted = 13345;
	pp->fig.redeemed = 100;
	pp->fig.paid_out = 50;
	pp->fig.revoked = 345;
	pp->fig.unfunded = 7;
	memset(g, 0, 2 * sizeof(*g));
	snprintf(g[0].id, sizeof(g[0].id), "a-prog");
	g[0].settlement = POLICY_IMMEDIATE;
	g[0].granted = 13345;
	snprintf(g[1].id, sizeof(g[1].id), "c-prog");
	g[1].settlement = POLICY_ANNUAL;
	g[1].unfunded = 7;
	pp->progs = g;
	pp->nprogs = 2;
	memset(st, 0, 2 * sizeof(*st));
	snprintf(st[0].program, sizeof(st[0].program), "b-prog");
	st[0].total = 300000;
	st[0].cap = 100000;
	st[0].factor_ppm = 333333;
	snprintf(st[1].program, sizeof(st[1].program), "c-prog");
	st[1].state = PAGE_SETTLE_DONE;
	st[1].factor_ppm = 1000000;
	pp->settles = st;
	pp->nsettles = 2;
	assert_int_equal(page_project(pg, pp), 0);
}

static void test_csv(void **state)
{
	struct evbuffer *b = evbuffer_new();
	struct page_day d[2];
	struct page_program g[2];
	struct page_settle st[2];
	struct page pg;
	struct page_pool pp;
	char *s;

	(void)state;
	sample(&pg, &pp, d, g, st);
	assert_int_equal(page_days_csv(&pg, &pp, b), 0);
	s = drain(b);
	/* day 2 has no movement; the running sums: granted 123.45, then
	 * 133.45; redeemed + paid out 1.00, 1.50; committed 123.45, then
	 * 123.45 + 10.00 - 3.45 = 130.00 */
	assert_string_equal(
	    s, "day,granted,redeemed,paid_out,expired,revoked,recovered,"
	       "unfunded,cum_granted,cum_redeemed_paid_out,cum_committed,"
	       "cum_unfunded\r\n"
	       "2026-01-01,123.45,1.00,0.00,0.00,0.00,0.00,0.00,123.45,1.00,"
	       "123.45,0.00\r\n"
	       "2026-01-02,0.00,0.00,0.00,0.00,0.00,0.00,0.00,123.45,1.00,"
	       "123.45,0.00\r\n"
	       "2026-01-03,10.00,0.00,0.50,0.00,3.45,0.00,0.07,133.45,1.50,"
	       "130.00,0.07\r\n");
	free(s);
	/* the parts and the previews merged in program order */
	assert_int_equal(page_programs_csv(&pg, &pp, b), 0);
	s = drain(b);
	assert_string_equal(
	    s, "program,settlement,granted,redeemed,paid_out,expired,revoked,"
	       "recovered,unfunded,settle_state,earned_so_far,can_pay,factor"
	       "\r\n"
	       "a-prog,immediate,133.45,0.00,0.00,0.00,0.00,0.00,0.00,,,,\r\n"
	       "b-prog,annual,0.00,0.00,0.00,0.00,0.00,0.00,0.00,open,"
	       "3000.00,1000.00,0.333333\r\n"
	       "c-prog,annual,0.00,0.00,0.00,0.00,0.00,0.00,0.07,settled,,,"
	       "\r\n");
	free(s);
	/* the window is the period's 3 days: 123.45 + 0 + 6.55 = 130.00,
	 * 43.33 a day (13,000 / 3 fen, down); 99,870.00 remaining lasts
	 * 2,305 days: not this year */
	assert_int_equal(page_pools_csv(&pg, b), 0);
	s = drain(b);
	assert_string_equal(
	    s, "pool,period,budget,granted,redeemed,paid_out,expired,revoked,"
	       "recovered,remaining,unfunded,outlook,dry_day,pace\r\n"
	       "p,2026,100000.00,133.45,1.00,0.50,0.00,3.45,0.00,99870.00,"
	       "0.07,not-this-year,,43.33\r\n");
	free(s);
	evbuffer_free(b);
}

static void test_html(void **state)
{
	struct evbuffer *b = evbuffer_new();
	struct page_day d[2];
	struct page_program g[2];
	struct page_settle st[2];
	struct page pg;
	struct page_pool pp;
	json_t *root;
	char *s;

	(void)state;
	sample(&pg, &pp, d, g, st);
	/* ids come from policies, but every one is escaped anyway */
	snprintf(pp.fig.pool, sizeof(pp.fig.pool), "p<b>&\"'");
	snprintf(g[0].id, sizeof(g[0].id), "<script>x</script>");
	pg.now = T2026 + 2 * 86400 + 3600 * 14 + 60 * 7; /* 3 Jan 14:07 CST */
	assert_int_equal(page_html(&pg, b), 0);
	s = drain(b);
	assert_null(strstr(s, "<b>"));
	assert_null(strstr(s, "<script"));
	assert_non_null(strstr(s, "p&lt;b&gt;&amp;&quot;&#39;"));
	assert_non_null(strstr(s, "&lt;script&gt;x&lt;/script&gt;"));
	/* nothing fetched: no src=, no external link, one style element */
	assert_null(strstr(s, "src="));
	assert_null(strstr(s, "http:"));
	assert_null(strstr(s, "https:"));
	assert_non_null(strstr(s, "<meta charset=\"utf-8\">"));
	assert_non_null(strstr(s, "数据截至 2026-01-03 14:07 北京时间"));
	/* the figures, with their fen for scripts */
	assert_non_null(strstr(s, "data-fig=\"granted\" data-fen=\"13345\">"
	                          "133.45</span>"));
	assert_non_null(strstr(s, "data-fig=\"spent\" data-fen=\"150\">1.50"));
	assert_non_null(strstr(s, "data-fig=\"returned\" data-fen=\"345\">"));
	assert_non_null(strstr(s, "data-outlook=\"not-this-year\""));
	assert_non_null(strstr(s, "本年度内不会用尽"));
	assert_non_null(strstr(s, "data-fig=\"settle-factor\">0.333333</span>"
	                          " 按比例 pro rata"));
	assert_non_null(strstr(s, "data-fig=\"settled\">已清算 settled"));
	free(s);

	assert_int_equal(page_json(&pg, b), 0);
	s = drain(b);
	root = json_loads(s, 0, NULL);
	assert_non_null(root);
	assert_string_equal(
	    json_string_value(json_object_get(
	        json_array_get(json_object_get(root, "pools"), 0), "pool")),
	    "p<b>&\"'");
	json_decref(root);
	free(s);
	evbuffer_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_route),  cmocka_unit_test(test_project),
	    cmocka_unit_test(test_gather), cmocka_unit_test(test_csv),
	    cmocka_unit_test(test_html),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
