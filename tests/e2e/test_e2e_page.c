/* End to end, the bureau's page (issue 15): vouchd on a store with a
 * generated year of usage (page_gen.h: the 364 days before today through
 * the ledger's write path, each on its own day; today's bills through
 * the wire), `http = 127.0.0.1:PORT`, then
 * - the page's figures as JSON and CSV, and the HTTP refusals, read
 *   with a plain socket;
 * - the page opened in headless Chromium (Debian's `chromium`), its DOM
 *   checked for each pool's figures and projection, and a screenshot
 *   saved in the build tree (page.png). Skipped, with a message, only
 *   when chromium is not installed.
 *
 * The policy is tests/data/policy-page: four pools, each fed by its own
 * provider with one bill a day. With k = the days of this period up to
 * today (today is day k; 1 January is day 1):
 * - north: 10% of 10,000 yuan = 1,000 yuan a day, 600 of it redeemed the
 *   same day; budget 360,500 yuan. After k days (k <= 360) 1,000k is
 *   granted and 360,500 - 1,000k remains; the window's pace is 1,000 a
 *   day (every day of the window drew 1,000), so it runs dry after
 *   ceil(360.5 - k) = 361 - k more days: on day k + 361 - k = 361 of the
 *   year, i.e. first day + 360 (27 December; 26 in a leap year), the
 *   same whatever the day the test runs. From k = 361 it is used up.
 * - south: 2% of 10,000 yuan to the provider = 200 yuan a day, paid out
 *   every 30th day of the generated run; budget 10,000,000: at 200 a day
 *   it lasts 50,000 days: not this year.
 * - east: an annual program, 30% of 5,000 yuan = 1,500 yuan a day
 *   earned, nothing granted before the settlement: no draw (no pace);
 *   the preview's T = 1,500k yuan, R = 300,000 yuan, the factor
 *   min(1, 200 / k).
 * - west: 10% of 5,000 yuan = 500 yuan a day; budget 50,000: it runs
 *   dry on day 100 (first day + 99, 10 April; 9 April in a leap year);
 *   from k = 100 it is used up, and what day k + 1 on earns is unfunded:
 *   500 (k - 100). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <jansson.h>
#include <sys/stat.h>

#include "e2e_client.h"
#include "page_gen.h"
#include "period.h"

#define NFEEDS 4

static struct {
	struct daemon d;
	int port;
	int32_t first, today, last, k;
	int64_t now;
	struct gen_feed f[NFEEDS];
	char body[1 << 20];
	char dom[1 << 20];
} T;

/* CST day d as YYYY-MM-DD in buf (11 bytes). */
static void page_date(int32_t d, char buf[11])
{
	int64_t y;
	int m, dd;

	civil_from_days(d, &y, &m, &dd);
	snprintf(buf, 11, "%04d-%02d-%02d", (int)y, m, dd);
}

/* The CST day of Unix time t. */
static int32_t cst_day(int64_t t)
{
	return (int32_t)((t + 8 * 3600) / 86400);
}

/* The figures worked out in the header's comment, for this k. */
static int64_t north_granted(void)
{
	return T.k <= 360 ? 100000LL * T.k : 36050000LL;
}

static int64_t west_granted(void)
{
	return T.k <= 100 ? 50000LL * T.k : 5000000LL;
}

/* The last generated payout day of south (days from, from + 30, ...
 * paid out each the entitlement's remaining) within the period and
 * before today: the period's grants up to it were paid out. */
static int64_t south_paid_out(void)
{
	int32_t from = T.today - 364, p;

	for (p = T.today - 1; p >= T.first; p--)
		if ((p - from) % 30 == 29)
			return 20000LL * (p - T.first + 1);
	return 0;
}

/* Today's bill of feed i through the wire, as its provider. */
static void wire_usage(struct gen *g, int i)
{
	char line[2048], id[LEDGER_ID + 1], date[11];
	struct client c;
	int64_t at = T.now - 60;

	page_date(T.today, date);
	snprintf(id, sizeof(id), "%s-%s-%s", T.f[i].provider, T.f[i].org, date);
	assert_int_equal(client_open(&c, T.d.sock), 0);
	expect_prefix(client_auth(&c, T.f[i].provider, g->keys[i], NULL), "OK");
	/* at: a minute ago, within today unless the test starts in the
	 * first minute of a CST day */
	if (cst_day(at) != T.today)
		at = T.now;
	assert_int_equal(usage_line_at(g->keys[i], T.f[i].provider, id,
	                               T.f[i].org, at, T.f[i].amount, line,
	                               sizeof(line)),
	                 0);
	expect_prefix(client_req(&c, "%s", line), "OK id=");
	if (T.f[i].redeem) {
		struct client b;
		struct sig_key *bk = NULL;
		const char *l;
		char v[LEDGER_ID + 1] = "";
		assert_int_equal(sig_key_load(T.d.bureau_key, &bk), 0);
		assert_int_equal(client_open(&b, T.d.sock), 0);
		expect_prefix(client_auth(&b, "bureau", bk, NULL), "OK");
		l = client_req(&b, "BALANCE org=%s period=%d", T.f[i].org,
		               (int)period_of(T.now));
		expect_prefix(l, "OK n=1 ");
		l = client_line(&b);
		assert_non_null(l);
		assert_int_equal(sscanf(l, "VOUCHER id=%23s ", v), 1);
		expect_prefix(client_req(&c,
		                         "REDEEM voucher=%s record=%s "
		                         "amount=%lld ref=r-%s",
		                         v, id, (long long)T.f[i].redeem, id),
		              "OK");
		client_close(&b);
		sig_key_free(bk);
	}
	client_close(&c);
}

static int setup(void **state)
{
	const char *init[] = {VOUCHD_BIN, "init",         "--data",
	                      T.d.data,   "--bureau-key", T.d.bureau_key,
	                      NULL};
	static const char *const pol = VD_SOURCE_DIR "/tests/data/policy-page";
	struct gen g;
	int64_t y;
	int m, dd, i;
	FILE *f;

	(void)state;
	T.now = time(NULL);
	T.today = cst_day(T.now);
	civil_from_days(T.today, &y, &m, &dd);
	T.first = (int32_t)civil_to_days(y, 1, 1);
	T.last = (int32_t)civil_to_days(y + 1, 1, 1) - 1;
	T.k = T.today - T.first + 1;
	T.f[0] = (struct gen_feed){.provider = "dc-north",
	                           .org = "org-north",
	                           .amount = 1000000,
	                           .program = "north-demand",
	                           .redeem = 60000};
	T.f[1] = (struct gen_feed){.provider = "dc-south",
	                           .org = "org-south",
	                           .amount = 1000000,
	                           .program = "south-supply",
	                           .payout_every = 30,
	                           .holder = "dc-south"};
	T.f[2] = (struct gen_feed){
	    .provider = "dc-east", .org = "org-east", .amount = 500000};
	T.f[3] = (struct gen_feed){
	    .provider = "dc-west", .org = "org-west", .amount = 500000};

	snprintf(T.d.dir, sizeof(T.d.dir), "/tmp/vd_e2e_XXXXXX");
	if (mkdtemp(T.d.dir) == NULL)
		return -1;
	snprintf(T.d.data, sizeof(T.d.data), "%s/data", T.d.dir);
	snprintf(T.d.sock, sizeof(T.d.sock), "%s/vouchd.sock", T.d.dir);
	snprintf(T.d.bureau_key, sizeof(T.d.bureau_key), "%s/bureau.pem",
	         T.d.dir);
	snprintf(T.d.conf, sizeof(T.d.conf), "%s/vouchd.conf", T.d.dir);
	if (e2e_run(init) != 0)
		return -1;
	/* the year before today, day by day, into the store */
	if (gen_open(&g, T.d.data, pol, T.f, NFEEDS, T.today - 364) < 0 ||
	    gen_days(&g, T.f, NFEEDS, T.today - 364, T.today - 1) < 0 ||
	    g.refused != 0) {
		fprintf(stderr, "page_gen failed (%lld refused)\n",
		        (long long)g.refused);
		return -1;
	}
	gen_close_store(&g);
	T.port = free_port();
	if ((f = fopen(T.d.conf, "w")) == NULL)
		return -1;
	fprintf(f,
	        "[server]\nlisten = unix:%s\nhttp = 127.0.0.1:%d\n"
	        "log_level = warn\n",
	        T.d.sock, T.port);
	fclose(f);
	T.d.pid = daemon_spawn(&T.d, VOUCHD_BIN, pol);
	/* today's bills, through the wire */
	for (i = 0; i < NFEEDS; i++)
		wire_usage(&g, i);
	gen_free_keys(&g);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(daemon_stop(&T.d), 0);
	daemon_cleanup(&T.d);
	return 0;
}

/* GET path; the status code, the body (after the headers) in T.body. */
static int get(const char *path)
{
	char *body;
	int code = 0;

	assert_int_equal(http_get(T.port, path, T.body, sizeof(T.body)), 0);
	sscanf(T.body, "HTTP/1.%*d %d", &code);
	body = strstr(T.body, "\r\n\r\n");
	if (body)
		memmove(T.body, body + 4, strlen(body + 4) + 1);
	return code;
}

static json_t *pool_json(json_t *root, const char *id)
{
	size_t i;
	json_t *p;

	json_array_foreach(
	    json_object_get(root, "pools"), i,
	    p) if (strcmp(json_string_value(json_object_get(p, "pool")), id) ==
	           0) return p;
	fail_msg("no pool %s", id);
	return NULL;
}

static int64_t jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	if (!json_is_integer(v))
		fail_msg("%s is not an integer", k);
	return json_integer_value(v);
}

static void test_json(void **state)
{
	json_t *root, *p, *st;
	json_error_t e;
	char date[11];

	(void)state;
	assert_int_equal(get("/pools.json"), 200);
	root = json_loads(T.body, 0, &e);
	assert_non_null(root);
	assert_int_equal(jint(root, "period"), (int)period_of(T.now));
	assert_int_equal(json_array_size(json_object_get(root, "pools")), 4);

	p = pool_json(root, "north");
	assert_int_equal(jint(p, "budget"), 36050000);
	assert_int_equal(jint(p, "granted"), north_granted());
	assert_int_equal(jint(p, "redeemed"), 60000LL * T.k);
	assert_int_equal(jint(p, "remaining"), 36050000 - north_granted());
	assert_int_equal(jint(p, "unfunded"), 100000LL * T.k - north_granted());
	if (T.k <= 360) {
		page_date(T.first + 360, date);
		assert_string_equal(
		    json_string_value(json_object_get(p, "outlook")), "on");
		assert_string_equal(
		    json_string_value(json_object_get(p, "dry_day")), date);
		assert_int_equal(jint(p, "pace"), 100000);
	} else
		assert_string_equal(
		    json_string_value(json_object_get(p, "outlook")), "dry");

	p = pool_json(root, "south");
	assert_int_equal(jint(p, "granted"), 20000LL * T.k);
	assert_int_equal(jint(p, "paid_out"), south_paid_out());
	assert_string_equal(json_string_value(json_object_get(p, "outlook")),
	                    "not-this-year");
	assert_int_equal(jint(p, "pace"), 20000);

	p = pool_json(root, "east");
	assert_int_equal(jint(p, "granted"), 0);
	assert_string_equal(json_string_value(json_object_get(p, "outlook")),
	                    "no-pace");
	assert_int_equal(jint(p, "window_days"), T.k < 30 ? T.k : 30);
	st = json_array_get(json_object_get(p, "settlements"), 0);
	assert_string_equal(json_string_value(json_object_get(st, "program")),
	                    "east-annual");
	assert_int_equal(jint(st, "earned"), 150000LL * T.k);
	assert_int_equal(jint(st, "can_pay"), 30000000);
	{
		char want[32];
		int64_t ppm = T.k <= 200 ? 1000000 : 200000000 / T.k;
		snprintf(want, sizeof(want), "%lld.%06lld",
		         (long long)(ppm / 1000000),
		         (long long)(ppm % 1000000));
		assert_string_equal(
		    json_string_value(json_object_get(st, "factor")), want);
	}

	p = pool_json(root, "west");
	assert_int_equal(jint(p, "granted"), west_granted());
	assert_int_equal(jint(p, "unfunded"), 50000LL * T.k - west_granted());
	if (T.k < 100) {
		page_date(T.first + 99, date);
		assert_string_equal(
		    json_string_value(json_object_get(p, "dry_day")), date);
	} else
		assert_string_equal(
		    json_string_value(json_object_get(p, "outlook")), "dry");
	json_decref(root);
}

static void test_csv(void **state)
{
	char want[512], *l;
	int lines = 0;

	(void)state;
	assert_int_equal(get("/pools.csv"), 200);
	snprintf(want, sizeof(want),
	         "pool,period,budget,granted,redeemed,paid_out,expired,"
	         "revoked,recovered,remaining,unfunded,outlook,dry_day,pace"
	         "\r\neast,%d,300000.00,0.00,0.00,0.00,0.00,0.00,0.00,"
	         "300000.00,0.00,no-pace,,0.00\r\n",
	         (int)period_of(T.now));
	assert_memory_equal(T.body, want, strlen(want));
	/* north by day: one line per day of the period so far; the last
	 * one's running sums are the pool's figures */
	assert_int_equal(get("/pool/north/days.csv"), 200);
	for (l = T.body; (l = strstr(l, "\r\n")) != NULL; l += 2)
		lines++;
	assert_int_equal(lines, 1 + T.k);
	snprintf(want, sizeof(want), ",%lld.00,%lld.00,%lld.00,%lld.00\r\n",
	         (long long)north_granted() / 100, 600LL * T.k,
	         (long long)north_granted() / 100,
	         (long long)(100000LL * T.k - north_granted()) / 100);
	assert_non_null(strstr(T.body, want));
	assert_int_equal(get("/pool/east/programs.csv"), 200);
	assert_non_null(strstr(T.body, "east-annual,annual,0.00,"));
}

static void test_refusals(void **state)
{
	(void)state;
	assert_int_equal(get("/?period=10000"), 400);
	assert_int_equal(get("/?period=1969"), 400);
	assert_int_equal(get("/?org=org-north"), 400);
	assert_int_equal(get("/?period=2026&period=2026"), 400);
	assert_int_equal(get("/pool/nowhere/days.csv"), 404);
	assert_int_equal(get("/pool/North/days.csv"), 404);
	assert_int_equal(get("/etc/passwd"), 404);
	assert_int_equal(get("/pools.json?period=1970"), 200);
	/* no org's figures: no org is named anywhere */
	assert_int_equal(get("/"), 200);
	assert_null(strstr(T.body, "org-"));
	assert_int_equal(get("/pools.json"), 200);
	assert_null(strstr(T.body, "org-"));
}

/* chromium on PATH, or NULL */
static const char *chromium(void)
{
	static char path[512];
	const char *p = getenv("PATH");

	while (p && *p) {
		const char *c = strchr(p, ':');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		snprintf(path, sizeof(path), "%.*s/chromium", (int)n, p);
		if (access(path, X_OK) == 0)
			return path;
		p = c ? c + 1 : NULL;
	}
	return NULL;
}

/* Run chromium headless with flag (and flag2, if not NULL) on url,
 * stdout into out (or /dev/null); 90 s at most. Its exit status. */
static int run_chromium(const char *bin, const char *flag, const char *flag2,
                        const char *url, const char *out)
{
	char profile[128], dir[160];
	pid_t pid;
	int st, i;

	snprintf(profile, sizeof(profile), "%s/chromium", T.d.dir);
	snprintf(dir, sizeof(dir), "--user-data-dir=%s", profile);
	pid = fork();
	if (pid == 0) {
		int fd = open(out ? out : "/dev/null",
		              O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int nul = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		dup2(nul, 2);
		if (flag2)
			execl(bin, bin, "--headless", "--no-sandbox",
			      "--disable-gpu", "--disable-dev-shm-usage",
			      "--no-first-run", "--hide-scrollbars", dir, flag,
			      flag2, url, (char *)NULL);
		else
			execl(bin, bin, "--headless", "--no-sandbox",
			      "--disable-gpu", "--disable-dev-shm-usage",
			      "--no-first-run", "--hide-scrollbars", dir, flag,
			      url, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 900; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		usleep(100000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

/* The data-fen of data-fig="fig" within pool's section of T.dom. */
static int64_t dom_fig(const char *pool, const char *fig)
{
	char key[128], *sec, *end, *at;
	long long v;

	snprintf(key, sizeof(key), "<section class=\"pool\" id=\"pool-%s\"",
	         pool);
	sec = strstr(T.dom, key);
	if (sec == NULL)
		fail_msg("no section for %s", pool);
	end = strstr(sec + 1, "</section>");
	snprintf(key, sizeof(key), "data-fig=\"%s\" data-fen=\"", fig);
	at = strstr(sec, key);
	if (at == NULL || (end && at > end) ||
	    sscanf(at + strlen(key), "%lld", &v) != 1)
		fail_msg("no %s in %s", fig, pool);
	return v;
}

/* pool's data-outlook (and data-dry-day, if any, into day) */
static void dom_outlook(const char *pool, char *outlook, char *day)
{
	char key[128], tag[256], *sec, *end, *d;

	snprintf(key, sizeof(key), "<section class=\"pool\" id=\"pool-%s\"",
	         pool);
	sec = strstr(T.dom, key);
	assert_non_null(sec);
	sec = strstr(sec, "data-outlook=\"");
	assert_non_null(sec);
	end = strchr(sec, '>');
	assert_non_null(end);
	/* the attributes of the outlook's tag */
	snprintf(tag, sizeof(tag), "%.*s", (int)(end - sec), sec);
	assert_int_equal(sscanf(tag, "data-outlook=\"%31[^\"]\"", outlook), 1);
	day[0] = '\0';
	if ((d = strstr(tag, "data-dry-day=\"")) != NULL)
		assert_int_equal(sscanf(d, "data-dry-day=\"%10[^\"]\"", day),
		                 1);
}

static void test_chromium(void **state)
{
	const char *bin = chromium();
	char url[64], out[160], flag[256], outlook[32], day[16], date[11];
	FILE *f;
	size_t n;
	struct stat sb;

	(void)state;
	if (bin == NULL) {
		print_message("chromium is not installed "
		              "(deploy/install-deps.sh --tests installs it): "
		              "the browser part is skipped\n");
		skip();
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", T.port);
	snprintf(out, sizeof(out), "%s/dom.html", T.d.dir);
	assert_int_equal(run_chromium(bin, "--dump-dom", NULL, url, out), 0);
	f = fopen(out, "r");
	assert_non_null(f);
	n = fread(T.dom, 1, sizeof(T.dom) - 1, f);
	T.dom[n] = '\0';
	fclose(f);
	/* the browser built the whole document */
	assert_non_null(strstr(T.dom, "</footer>"));

	assert_int_equal(dom_fig("north", "budget"), 36050000);
	assert_int_equal(dom_fig("north", "granted"), north_granted());
	assert_int_equal(dom_fig("north", "spent"), 60000LL * T.k);
	assert_int_equal(dom_fig("north", "remaining"),
	                 36050000 - north_granted());
	dom_outlook("north", outlook, day);
	if (T.k <= 360) {
		page_date(T.first + 360, date);
		assert_string_equal(outlook, "on");
		assert_string_equal(day, date);
		assert_int_equal(dom_fig("north", "pace"), 100000);
	} else
		assert_string_equal(outlook, "dry");

	assert_int_equal(dom_fig("south", "granted"), 20000LL * T.k);
	assert_int_equal(dom_fig("south", "spent"), south_paid_out());
	dom_outlook("south", outlook, day);
	assert_string_equal(outlook, "not-this-year");

	assert_int_equal(dom_fig("east", "granted"), 0);
	assert_int_equal(dom_fig("east", "settle-total"), 150000LL * T.k);
	assert_int_equal(dom_fig("east", "settle-cap"), 30000000);
	dom_outlook("east", outlook, day);
	assert_string_equal(outlook, "no-pace");

	assert_int_equal(dom_fig("west", "granted"), west_granted());
	assert_int_equal(dom_fig("west", "unfunded"),
	                 50000LL * T.k - west_granted());
	dom_outlook("west", outlook, day);
	if (T.k < 100) {
		page_date(T.first + 99, date);
		assert_string_equal(outlook, "on");
		assert_string_equal(day, date);
	} else
		assert_string_equal(outlook, "dry");

	/* and a screenshot, as a bureau clerk would see it */
	snprintf(out, sizeof(out), "%s/page.png", VD_BINARY_DIR);
	unlink(out);
	snprintf(flag, sizeof(flag), "--screenshot=%s", out);
	assert_int_equal(
	    run_chromium(bin, "--window-size=1280,2000", flag, url, NULL), 0);
	assert_int_equal(stat(out, &sb), 0);
	assert_true(sb.st_size > 10000);
	print_message("screenshot: %s\n", out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_csv),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_chromium),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
