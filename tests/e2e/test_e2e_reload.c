/* End to end: RELOAD judged against the store (domain.md, "Budgets per
 * period, and what a policy reload may change"), on the real vouchd with
 * a copy of the seed policies that the test edits as an operator would.
 * The case tried from outside: two 300,000-yuan bills, then
 * xinxing.ini deleted (and later an empty datong.ini) must be refused,
 * not reloaded with the programs dropped; a void afterwards takes the
 * voided bill's 3% back; a supplementary budget for this year's period is
 * accepted, one below what that period committed is refused with its file
 * and line; the store passes vouchd check. Records are dated in this year
 * (e2e_year()), so that its period is still open whenever this runs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>

#include "e2e_client.h"
#include "civil.h"
#include "cmd.h"

static struct daemon D;
static struct sig_key *k_dc, *k_corp, *k_bureau;
static uint8_t server_pub[32];
static char pol[64]; /* the daemon's policy directory: a copy */

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int setup(void **state)
{
	(void)state;
	snprintf(pol, sizeof(pol), "/tmp/vd_pol_XXXXXX");
	if (mkdtemp(pol) == NULL ||
	    sh("cp %s/deploy/policies/*.ini %s", VD_SOURCE_DIR, pol) != 0)
		return -1;
	return e2e_group_up(&D, VOUCHD_BIN, pol, &k_bureau, &k_dc, &k_corp);
}

static int teardown(void **state)
{
	(void)state;
	e2e_group_down(&D, k_bureau, k_dc, k_corp);
	sh("rm -rf %s", pol);
	return 0;
}

static void expect_in(const char *got, const char *want)
{
	if (strstr(got, want) == NULL)
		fail_msg("want '%s' in '%s'", want, got);
}

static void report(struct client *c, const char *id, const char *org,
                   int64_t amount)
{
	char line[RECORD_LINE_MAX];

	assert_int_equal(usage_line_at(k_dc, "dc", id, org, e2e_at(0), amount,
	                               line, sizeof(line)),
	                 0);
	expect_prefix(client_req(c, "%s", line), "OK id=");
}

/* The Xinxing voucher of corp: "granted=.. ... remaining=.." */
static void xinxing_voucher(struct client *c, char *buf, size_t size)
{
	const char *l;
	int i, n;

	l = client_req(c, "BALANCE org=corp");
	assert_int_equal(sscanf(l, "OK n=%d", &n), 1);
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		l = client_line(c);
		if (strstr(l, " program=xinxing-demand ") != NULL) {
			size_t len = strnlen(l, size - 1);
			memcpy(buf, l, len);
			buf[len] = '\0';
		}
	}
	assert_true(buf[0] != '\0');
}

static void test_reload_judged_against_the_store(void **state)
{
	char hex[65], line[RECORD_LINE_MAX], v[1024];
	struct client b, p;
	const char *l;
	char want[160];
	int y = e2e_year();

	(void)state;
	client_open_as(&b, D.sock, "bureau", k_bureau, server_pub);
	expect_prefix(client_req(&b,
	                         "REGISTER id=dc role=provider key=%s "
	                         "local=1 region=xinjiang.xinxing",
	                         key_hex(k_dc, hex)),
	              "OK id=dc status=registered");
	expect_prefix(client_req(&b,
	                         "REGISTER id=corp role=org key=%s "
	                         "kind=enterprise region=xinjiang.xinxing",
	                         key_hex(k_corp, hex)),
	              "OK id=corp status=registered");
	expect_prefix(client_req(&b,
	                         "REGISTER id=dt role=org key=%s "
	                         "kind=enterprise region=shanxi.datong",
	                         key_hex(k_corp, hex)),
	              "OK id=dt status=registered");
	client_open_as(&p, D.sock, "dc", k_dc, server_pub);
	/* two 300,000-yuan bills: 3% each, 9,000 yuan twice */
	report(&p, "bill-1", "corp", 30000000);
	report(&p, "bill-2", "corp", 30000000);
	/* and a Datong firm's 300,000 yuan: Datong's 10% (over its
	 * 200,000-yuan threshold) draws on pool datong */
	report(&p, "bill-dt", "dt", 30000000);
	xinxing_voucher(&b, v, sizeof(v));
	expect_in(v, " granted=1800000 ");

	/* xinxing.ini deleted: refused, named; the running policy stays */
	assert_int_equal(sh("mv %s/xinxing.ini %s/xinxing.off", pol, pol), 0);
	l = client_req(&b, "RELOAD");
	expect_prefix(l, "ERR POLICY ");
	expect_in(l, "would be removed, but the store refers to it");
	assert_int_equal(sh("mv %s/xinxing.off %s/xinxing.ini", pol, pol), 0);
	/* an empty datong.ini is no exception */
	assert_int_equal(
	    sh("cp %s/datong.ini %s/datong.keep && : > %s/datong.ini", pol, pol,
	       pol),
	    0);
	l = client_req(&b, "RELOAD");
	expect_prefix(l, "ERR POLICY ");
	expect_in(l, "datong");
	expect_in(l, "would be removed");
	assert_int_equal(sh("mv %s/datong.keep %s/datong.ini", pol, pol), 0);
	/* the files as they were: nothing new to record */
	assert_string_equal(client_req(&b, "RELOAD"), "OK programs=11 seq=0");

	/* the second bill voided: its 9,000 yuan come off the voucher */
	assert_true(record_void_sign(k_dc, "dc", "bill-2", (int64_t)time(NULL),
	                             "billed twice", line, sizeof(line)) > 0);
	expect_prefix(client_req(&p, "%s", line), "OK id=bill-2 status=voided");
	xinxing_voucher(&b, v, sizeof(v));
	expect_in(v, " granted=1800000 ");
	expect_in(v, " revoked=900000 remaining=900000 ");

	/* a supplementary budget for this year (追加预算): one line, one
	 * reload */
	assert_int_equal(sh("sed -i '/^budget = 20000000/a budget.%d = "
	                    "25000000' %s/xinxing.ini",
	                    y, pol),
	                 0);
	l = client_req(&b, "RELOAD");
	expect_prefix(l, "OK programs=11 seq=");
	assert_true(strcmp(l, "OK programs=11 seq=0") != 0);
	l = client_req(&b, "POOL pool=xinxing period=%d", y);
	expect_prefix(l, "OK n=1 budget=2500000000 ");
	client_line(&b);
	/* below what this year has committed (corp's 1,800,000 and dc's 2% of
	 * three bills, 1,800,000 (the Datong firm's bill counts for dc's
	 * supply side: the beneficiary is the provider, in Xinxing), less
	 * the voided bill's 900,000 and 600,000): refused at its line */
	assert_int_equal(sh("sed -i 's/^budget.%d = 25000000/budget.%d = "
	                    "0.01/' %s/xinxing.ini",
	                    y, y, pol),
	                 0);
	l = client_req(&b, "RELOAD");
	expect_prefix(l, "ERR POLICY ");
	expect_in(l, "xinxing.ini:");
	snprintf(want, sizeof(want),
	         "pool xinxing's budget for %d would be 1 fen, below the "
	         "2100000 it has committed",
	         y);
	expect_in(l, want);
	l = client_req(&b, "POOL pool=xinxing period=%d", y);
	expect_prefix(l, "OK n=1 budget=2500000000 ");
	client_line(&b);
	client_close(&p);
	client_close(&b);

	assert_int_equal(daemon_stop(&D), 0);
	D.pid = 0;
	assert_int_equal(
	    sh("%s check --data %s >/dev/null", VOUCHD_BIN, D.data), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reload_judged_against_the_store),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
