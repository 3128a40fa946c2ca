/* End to end: the real vouchd binary on a temporary store and the seed
 * policies, driven over its Unix socket. The three journeys, role
 * denials, malformed input, pipelining, a signed checkpoint, SIGTERM and
 * a restart that finds everything. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>

#include "e2e_client.h"
#include "cmd.h"
#include "civil.h"
#include "hex.h"

static struct daemon D;
static struct sig_key *k_dc, *k_far, *k_school, *k_bureau;
static uint8_t server_pub[32];

static void auth_as(struct client *c, const char *id, struct sig_key *k)
{
	const char *l;

	assert_int_equal(client_open(c, D.sock), 0);
	l = client_auth(c, id, k, server_pub);
	expect_prefix(l, "OK id=");
}

static int setup(void **state)
{
	const char *vouchd = VOUCHD_BIN;

	(void)state;
	if (daemon_start(&D, vouchd, VD_SOURCE_DIR "/deploy/policies") < 0)
		return -1;
	if (sig_key_load(D.bureau_key, &k_bureau) < 0 ||
	    sig_keygen(&k_dc) < 0 || sig_keygen(&k_far) < 0 ||
	    sig_keygen(&k_school) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (D.pid > 0)
		daemon_stop(&D);
	daemon_cleanup(&D);
	sig_key_free(k_dc);
	sig_key_free(k_far);
	sig_key_free(k_school);
	sig_key_free(k_bureau);
	return 0;
}

static void test_bureau_registers(void **state)
{
	struct client c;
	char hex[65];

	(void)state;
	auth_as(&c, "bureau", k_bureau);
	/* Xinxing's programs pay within xinjiang.xinxing */
	expect_prefix(client_req(&c,
	                         "REGISTER id=dc role=provider key=%s "
	                         "local=1 region=xinjiang.xinxing",
	                         key_hex(k_dc, hex)),
	              "OK id=dc status=registered");
	expect_prefix(client_req(&c, "REGISTER id=far role=provider key=%s",
	                         key_hex(k_far, hex)),
	              "OK id=far status=registered");
	expect_prefix(client_req(&c,
	                         "REGISTER id=school role=org key=%s "
	                         "kind=school region=xinjiang.xinxing",
	                         key_hex(k_school, hex)),
	              "OK id=school status=registered");
	/* the same again: duplicate; other fields: conflict */
	expect_prefix(client_req(&c,
	                         "REGISTER id=dc role=provider key=%s "
	                         "local=1 region=xinjiang.xinxing",
	                         key_hex(k_dc, hex)),
	              "OK id=dc status=duplicate");
	expect_prefix(client_req(&c, "REGISTER id=dc role=org key=%s",
	                         key_hex(k_dc, hex)),
	              "ERR CONFLICT");
	/* a region: a dotted path of [a-z0-9-]+ words; the same id in
	 * another region is another principal's fields */
	expect_prefix(client_req(&c,
	                         "REGISTER id=far role=provider key=%s "
	                         "region=xinjiang.xinxing",
	                         key_hex(k_far, hex)),
	              "ERR CONFLICT");
	expect_prefix(client_req(&c,
	                         "REGISTER id=yx role=org key=%s "
	                         "region=Yunnan.Yuxi",
	                         key_hex(k_far, hex)),
	              "ERR BADREQ not a region (words of a-z, 0-9 and -, "
	              "joined by dots, at most 127 bytes): region");
	expect_prefix(client_req(&c,
	                         "REGISTER id=yx role=org key=%s "
	                         "region=yunnan..yuxi",
	                         key_hex(k_far, hex)),
	              "ERR BADREQ not a region");
	expect_prefix(client_req(&c,
	                         "REGISTER id=yx role=org key=%s kind=sme "
	                         "region=yunnan.yuxi",
	                         key_hex(k_far, hex)),
	              "OK id=yx status=registered");
	expect_prefix(client_req(&c,
	                         "REGISTER id=yx role=org key=%s kind=sme "
	                         "region=yunnan.yuxi",
	                         key_hex(k_far, hex)),
	              "OK id=yx status=duplicate");
	/* a small-order key could sign for anything */
	expect_prefix(client_req(&c, "REGISTER id=evil role=provider key="
	                             "0100000000000000000000000000000000000000"
	                             "000000000000000000000000"),
	              "ERR BADREQ");
	client_close(&c);
}

static void usage_line(char *buf, size_t size, struct sig_key *k,
                       const char *provider, const char *id, const char *org,
                       int64_t amount)
{
	struct record r;

	memset(&r, 0, sizeof(r));
	snprintf(r.provider, sizeof(r.provider), "%s", provider);
	snprintf(r.id, sizeof(r.id), "%s", id);
	snprintf(r.org, sizeof(r.org), "%s", org);
	r.at = e2e_at(0);
	r.amount = amount;
	r.qty = 10;
	snprintf(r.unit, sizeof(r.unit), "gpu-hour");
	r.kind = 6; /* other */
	assert_true(record_sign(k, &r, buf, size) > 0);
}

static void test_provider_reports(void **state)
{
	char line[RECORD_LINE_MAX], lines[3 * RECORD_LINE_MAX], hdr[400];
	struct client c;
	size_t len = 0;
	int i;

	(void)state;
	auth_as(&c, "dc", k_dc);
	usage_line(line, sizeof(line), k_dc, "dc", "r1", "school", 10000000);
	expect_prefix(client_req(&c, "%s", line), "OK id=r1 status=accepted");
	expect_prefix(client_req(&c, "%s", line), "OK id=r1 status=duplicate");
	/* one flipped byte of the signed part */
	usage_line(line, sizeof(line), k_dc, "dc", "r2", "school", 5);
	line[30] ^= 1;
	expect_prefix(client_req(&c, "%s", line), "ERR");
	usage_line(line, sizeof(line), k_dc, "dc", "r2", "school", 5);
	line[strlen(line) - 1] = line[strlen(line) - 1] == '0' ? '1' : '0';
	expect_prefix(client_req(&c, "%s", line), "ERR BADSIG");
	/* records only in its own name */
	usage_line(line, sizeof(line), k_dc, "far", "r3", "school", 5);
	expect_prefix(client_req(&c, "%s", line), "ERR DENIED");
	/* an org that is not registered */
	usage_line(line, sizeof(line), k_dc, "dc", "r4", "nobody", 5);
	expect_prefix(client_req(&c, "%s", line), "ERR NOTFOUND");
	/* a batch of three, one signature */
	for (i = 0; i < 3; i++) {
		struct record r;
		int n;
		memset(&r, 0, sizeof(r));
		snprintf(r.provider, sizeof(r.provider), "dc");
		snprintf(r.id, sizeof(r.id), "b%d", i);
		snprintf(r.org, sizeof(r.org), "school");
		r.at = e2e_at(0);
		r.amount = 1000;
		r.qty = 1;
		snprintf(r.unit, sizeof(r.unit), "gpu-hour");
		r.kind = 6;
		n = record_format(&r, lines + len, sizeof(lines) - len);
		assert_true(n > 0);
		len += (size_t)n;
		lines[len++] = '\n';
	}
	assert_true(record_batch_header(k_dc, "dc", lines, len, 3, hdr,
	                                sizeof(hdr)) > 0);
	strcat(hdr, "\n");
	assert_int_equal(client_send(&c, hdr, strlen(hdr)), 0);
	assert_int_equal(client_send(&c, lines, len), 0);
	expect_prefix(client_line(&c), "OK records=3 accepted=3 duplicate=0");
	/* a record and its void in one write: verified by the same worker
	 * and committed in the order sent */
	{
		char both[2 * RECORD_LINE_MAX + 2 * REQ_TEXT_MAX];
		int m;
		usage_line(line, sizeof(line), k_dc, "dc", "v1", "school", 7);
		m = snprintf(both, sizeof(both), "%s\n", line);
		assert_true(record_void_sign(k_dc, "dc", "v1", e2e_at(0),
		                             "typo", both + m,
		                             sizeof(both) - (size_t)m) > 0);
		strcat(both, "\n");
		assert_int_equal(client_send(&c, both, strlen(both)), 0);
		expect_prefix(client_line(&c), "OK id=v1 status=accepted");
		expect_prefix(client_line(&c), "OK id=v1 status=voided");
	}
	/* pipelined: three requests in one write, three replies in order */
	assert_int_equal(client_send(&c, "PING\nPROGRAMS\nPING\n", 19), 0);
	expect_prefix(client_line(&c), "OK");
	expect_prefix(client_line(&c), "OK n=11");
	for (i = 0; i < 11; i++)
		expect_prefix(client_line(&c), "PROGRAM id=");
	expect_prefix(client_line(&c), "OK");
	client_close(&c);
}

static char voucher_id[32];

static void test_org_balance(void **state)
{
	struct client c;
	struct reply r;
	const char *l, *v;
	size_t n;

	(void)state;
	auth_as(&c, "school", k_school);
	/* 3% of 10,003,000 (r1 and the batch) */
	expect_prefix(client_req(&c, "BALANCE"),
	              "OK n=1 total_remaining=300090 clawback_due=0");
	l = client_line(&c);
	expect_prefix(l, "VOUCHER id=");
	assert_int_equal(reply_parse(l, strlen(l), &r), 0);
	v = reply_get(&r, "program", &n);
	assert_memory_equal(v, "xinxing-demand", n);
	v = reply_get(&r, "id", &n);
	memcpy(voucher_id, v, n);
	voucher_id[n] = '\0';
	expect_prefix(client_req(&c, "BALANCE org=dc"), "ERR DENIED");
	/* r1, the three batch records and the voided v1 */
	expect_prefix(client_req(&c, "RECORDS period=%d", e2e_year()),
	              "OK n=5");
	client_close(&c);
}

static void test_redeem_and_bureau_views(void **state)
{
	struct client c;
	const char *l;
	char want[256];
	int y = e2e_year(), i;

	(void)state;
	auth_as(&c, "dc", k_dc);
	expect_prefix(client_req(&c,
	                         "REDEEM voucher=%s record=r1 "
	                         "amount=100000 ref=inv-1",
	                         voucher_id),
	              "OK voucher=");
	expect_prefix(client_req(&c,
	                         "REDEEM voucher=%s record=r1 "
	                         "amount=100000 ref=inv-1",
	                         voucher_id),
	              "OK voucher=");
	expect_prefix(client_req(&c,
	                         "REDEEM voucher=%s record=r1 "
	                         "amount=300000 ref=inv-2",
	                         voucher_id),
	              "ERR FUNDS");
	expect_prefix(client_req(&c, "RECEIVABLES"), "OK n=1");
	expect_prefix(client_line(&c),
	              "RECEIVABLE provider=dc redeemed=100000 paid=0 "
	              "owed=100000");
	expect_prefix(client_req(&c, "POOL"), "ERR DENIED");
	client_close(&c);

	auth_as(&c, "bureau", k_bureau);
	/* granted: 300,090 to the school, 2% of 10,003,000 = 200,060 to dc */
	l = client_req(&c, "POOL pool=xinxing period=%d", y);
	expect_prefix(l, "OK n=1 budget=2000000000 granted=500150 "
	                 "redeemed=100000 paid_out=0 expired=0 revoked=0 "
	                 "recovered=0 remaining=1999499850 unfunded=0");
	snprintf(want, sizeof(want), "POOL id=xinxing period=%d", y);
	expect_prefix(client_line(&c), want);
	/* the same figures by program: the school's 3% voucher (redeemed
	 * 100,000) and dc's 2% entitlement; the totals stay the pool's */
	l = client_req(&c, "POOL pool=xinxing period=%d by=program", y);
	expect_prefix(l, "OK n=2 budget=2000000000 granted=500150 "
	                 "redeemed=100000 paid_out=0 expired=0 revoked=0 "
	                 "recovered=0 remaining=1999499850 unfunded=0");
	snprintf(want, sizeof(want),
	         "POOL id=xinxing period=%d program=xinxing-demand "
	         "granted=300090 redeemed=100000 paid_out=0 expired=0 "
	         "revoked=0 recovered=0 unfunded=0",
	         y);
	expect_prefix(client_line(&c), want);
	snprintf(want, sizeof(want),
	         "POOL id=xinxing period=%d program=xinxing-supply "
	         "granted=200060 redeemed=0 paid_out=0 expired=0 "
	         "revoked=0 recovered=0 unfunded=0",
	         y);
	expect_prefix(client_line(&c), want);
	/* by=day: today's (CST) movements, all programs (the daily rollup) */
	{
		time_t now = time(NULL) + 8 * 3600;
		struct tm tm;
		char day[16];
		gmtime_r(&now, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		expect_prefix(
		    client_req(&c, "POOL pool=xinxing period=%d by=day", y),
		    "OK n=1 budget=2000000000 granted=500150 ");
		snprintf(want, sizeof(want),
		         "POOL id=xinxing period=%d day=%s granted=500150 "
		         "redeemed=100000 paid_out=0 expired=0 revoked=0 "
		         "recovered=0 unfunded=0",
		         y, day);
		expect_prefix(client_line(&c), want);
	}
	expect_prefix(client_req(&c, "POOL by=week"), "ERR BADREQ by:");
	expect_prefix(client_req(&c, "PAY provider=dc amount=100001 ref=p1"),
	              "ERR FUNDS");
	expect_prefix(client_req(&c, "PAY provider=dc amount=100000 ref=p1"),
	              "OK provider=dc paid=100000 owed=0");
	expect_prefix(client_req(&c, "JOURNAL after=0 limit=3"), "OK n=3");
	for (i = 0; i < 3; i++)
		expect_prefix(client_line(&c), "ENTRY seq=");
	client_close(&c);
}

/* A refusal's reason is the one the ledger set where it decided it; the
 * daemon once guessed it from the code (every BADREQ of SETTLE was "not an
 * annual program, or the period has not ended (force=1)", every BADREQ of
 * ISSUE "not a grant program, or an org kind or date it does not
 * cover"). */
static void test_refusals_carry_their_reason(void **state)
{
	struct client c;
	int y = e2e_year();

	(void)state;
	auth_as(&c, "bureau", k_bureau);
	assert_string_equal(client_req(&c,
	                               "SETTLE program=xinxing-demand "
	                               "period=%d",
	                               y),
	                    "ERR BADREQ not an annual program");
	/* four years on: a period that has not ended, whenever this runs */
	assert_string_equal(
	    client_req(&c, "SETTLE program=yuxi-compute period=%d", y + 4),
	    "ERR BADREQ the period has not ended and settlement is "
	    "not forced");
	/* its preview may run any time: nothing earned yet, the pool's
	 * 5,000,000 yuan available */
	assert_string_equal(client_req(&c,
	                               "SETTLE program=yuxi-compute "
	                               "period=%d dry=1",
	                               y + 4),
	                    "OK n=0 earned=0 remaining=500000000 paid=0");
	assert_string_equal(
	    client_req(&c, "SETTLE program=nosuch period=%d", y),
	    "ERR NOTFOUND unknown program");
	assert_string_equal(
	    client_req(&c, "ISSUE program=xinxing-demand org=school "
	                   "need=100 ref=a1"),
	    "ERR BADREQ not a grant program");
	assert_string_equal(
	    client_req(&c, "PAY provider=school amount=1 ref=p9"),
	    "ERR NOTFOUND the provider named is not a provider");
	client_close(&c);
}

/* EXPIRE now= and RELOAD are writes like any other: each is one group
 * commit of the commit thread (they once ran beside it on the loop
 * thread, outside the fail-stop rule, and were not counted). */
static void test_server_writes_are_commits(void **state)
{
	char now[CIVIL_UTC_LEN + 1];
	struct client c;
	long n;

	(void)state;
	auth_as(&c, "bureau", k_bureau);
	n = stats_commits(&c);
	/* a day after the records: their vouchers run to the end of next
	 * year */
	expect_prefix(client_req(&c, "EXPIRE now=%s", e2e_time(24, now)),
	              "OK expired=0 seq=");
	assert_int_equal(stats_commits(&c), n + 1);
	/* the policy the store already records: nothing journaled */
	assert_string_equal(client_req(&c, "RELOAD"), "OK programs=11 seq=0");
	assert_int_equal(stats_commits(&c), n + 2);
	client_close(&c);
}

static void test_checkpoint_verifies(void **state)
{
	struct client c;
	struct sig_pub *p = NULL;
	struct reply r;
	uint8_t sig[64];
	char msg[256];
	const char *l, *seq, *hash, *tm, *s;
	size_t ns, nh, nt, nsig;

	(void)state;
	auth_as(&c, "school", k_school);
	l = client_req(&c, "CHECKPOINT");
	expect_prefix(l, "OK seq=");
	assert_int_equal(reply_parse(l, strlen(l), &r), 0);
	seq = reply_get(&r, "seq", &ns);
	hash = reply_get(&r, "hash", &nh);
	tm = reply_get(&r, "time", &nt);
	s = reply_get(&r, "sig", &nsig);
	snprintf(msg, sizeof(msg),
	         "vouchd-checkpoint-v1 seq=%.*s hash=%.*s "
	         "time=%.*s",
	         (int)ns, seq, (int)nh, hash, (int)nt, tm);
	assert_int_equal(hex_decode(s, nsig, sig, 64), 0);
	assert_int_equal(sig_pub_parse(server_pub, &p), 0);
	assert_int_equal(sig_verify(p, msg, strlen(msg), sig), 0);
	sig_pub_free(p);
	client_close(&c);
}

/* n signed USAGE lines for dc, ids prefix-0 .. prefix-(n-1), in one
 * buffer */
static char *usage_lines(const char *prefix, int n, size_t *len)
{
	char *buf = malloc((size_t)n * RECORD_LINE_MAX);
	char line[RECORD_LINE_MAX], id[32];
	size_t used = 0;
	int i;

	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%s-%d", prefix, i);
		usage_line(line, sizeof(line), k_dc, "dc", id, "school", 100);
		used +=
		    (size_t)snprintf(buf + used, RECORD_LINE_MAX, "%s\n", line);
	}
	*len = used;
	return buf;
}

static void test_group_commit(void **state)
{
	struct client c[4], b;
	int64_t records = 0, commits = 0;
	struct reply r;
	const char *l;
	size_t len;
	int i, j;

	(void)state;
	/* four connections, 200 pipelined records each, all in flight
	 * together: many records share one commit */
	for (i = 0; i < 4; i++)
		auth_as(&c[i], "dc", k_dc);
	auth_as(&b, "bureau", k_bureau);
	l = client_req(&b, "STATS");
	assert_int_equal(reply_parse(l, strlen(l), &r), 0);
	reply_get_i64(&r, "commits", &commits);
	records = commits; /* commits so far */
	for (i = 0; i < 4; i++) {
		char prefix[16];
		char *buf;
		snprintf(prefix, sizeof(prefix), "g%d", i);
		buf = usage_lines(prefix, 200, &len);
		assert_int_equal(client_send(&c[i], buf, len), 0);
		free(buf);
	}
	for (i = 0; i < 4; i++)
		for (j = 0; j < 200; j++)
			expect_prefix(client_line(&c[i]), "OK id=g");
	l = client_req(&b, "STATS");
	assert_int_equal(reply_parse(l, strlen(l), &r), 0);
	reply_get_i64(&r, "commits", &commits);
	print_message("800 records in %lld group commits\n",
	              (long long)(commits - records));
	assert_true(commits - records < 800);
	for (i = 0; i < 4; i++)
		client_close(&c[i]);
	client_close(&b);
}

struct seen {
	char ids[4096][32];
	int n;
};

static void test_sigterm_loses_nothing_acknowledged(void **state)
{
	static struct seen acked;
	char after[200] = "";
	struct client c;
	size_t len;
	char *buf;
	int found = 0, i, pages;

	(void)state;
	auth_as(&c, "dc", k_dc);
	buf = usage_lines("t", 3000, &len);
	/* the first 500 lines, some replies, then SIGTERM while the rest
	 * is still being sent */
	{
		size_t first = 0;
		int nl = 0;
		while (nl < 500)
			if (buf[first++] == '\n')
				nl++;
		assert_int_equal(client_send(&c, buf, first), 0);
		for (i = 0; i < 50; i++) {
			const char *l = client_line(&c);
			expect_prefix(l, "OK id=t-");
			sscanf(l, "OK id=%31s", acked.ids[acked.n++]);
		}
		kill(D.pid, SIGTERM);
		/* the daemon may be gone before all of it is sent */
		client_send(&c, buf + first, len - first);
	}
	free(buf);
	for (;;) {
		const char *l = client_line(&c);
		if (l == NULL)
			break;
		if (strncmp(l, "OK id=t-", 8) == 0 && acked.n < 4096)
			sscanf(l, "OK id=%31s", acked.ids[acked.n++]);
	}
	client_close(&c);
	{
		int st;
		assert_int_equal(waitpid(D.pid, &st, 0), D.pid);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	print_message("%d records acknowledged before the stop\n", acked.n);
	/* restart: every acknowledged record is there */
	/* the same daemon again: its config, store and socket */
	D.pid = daemon_spawn(&D, VOUCHD_BIN, VD_SOURCE_DIR "/deploy/policies");
	assert_true(D.pid > 0);
	auth_as(&c, "dc", k_dc);
	for (pages = 0; pages < 10; pages++) {
		struct reply r;
		const char *l =
		    after[0]
		        ? client_req(&c, "RECORDS limit=1000 after=%s", after)
		        : client_req(&c, "RECORDS limit=1000");
		int64_t n = 0;
		size_t nl;
		const char *next;
		assert_int_equal(reply_parse(l, strlen(l), &r), 0);
		reply_get_i64(&r, "n", &n);
		next = reply_get(&r, "next", &nl);
		if (next)
			snprintf(after, sizeof(after), "%.*s", (int)nl, next);
		else
			after[0] = '\0';
		for (i = 0; i < n; i++) {
			const char *row = client_line(&c);
			char id[40];
			int k;
			if (sscanf(row, "RECORD provider=dc id=%39s", id) != 1)
				continue;
			for (k = 0; k < acked.n; k++)
				if (strcmp(acked.ids[k], id) == 0) {
					acked.ids[k][0] = '\0';
					found++;
				}
		}
		if (!after[0])
			break;
	}
	assert_int_equal(found, acked.n);
	client_close(&c);
}

static void test_metrics(void **state)
{
	char body[65536], want[256];

	(void)state;
	assert_int_equal(
	    http_get(D.metrics_port, "/healthz", body, sizeof(body)), 0);
	assert_non_null(strstr(body, "200 OK"));
	/* 500,150 as in test_redeem_and_bureau_views, and 5% of the 800
	 * group-commit records of 100 fen (3% + 2%): 504,150 */
	assert_int_equal(
	    http_get(D.metrics_port, "/metrics", body, sizeof(body)), 0);
	assert_non_null(
	    strstr(body, "vouchd_records_total{status=\"accepted\"}"));
	assert_non_null(
	    strstr(body, "vouchd_commit_seconds_bucket{le=\"+Inf\"}"));
	snprintf(want, sizeof(want),
	         "vouchd_pool_granted_fen{pool=\"xinxing\",period=\"%d\"} "
	         "504150",
	         e2e_year());
	assert_non_null(strstr(body, want));
	/* each metric's TYPE once; the programs' part: 3% and 2% */
	assert_non_null(strstr(body, "# TYPE vouchd_pool_granted_fen gauge\n"));
	assert_null(strstr(strstr(body, "# TYPE vouchd_pool_granted_fen") + 1,
	                   "# TYPE vouchd_pool_granted_fen"));
	snprintf(want, sizeof(want),
	         "vouchd_program_granted_fen{pool=\"xinxing\",period=\"%d\","
	         "program=\"xinxing-demand\"} 302490\n"
	         "vouchd_program_granted_fen{pool=\"xinxing\",period=\"%d\","
	         "program=\"xinxing-supply\"} 201660\n",
	         e2e_year(), e2e_year());
	if (strstr(body, want) == NULL)
		fail_msg("want %s in %s", want, body);
	snprintf(want, sizeof(want),
	         "vouchd_pool_paid_out_fen{pool=\"xinxing\",period=\"%d\"} 0\n",
	         e2e_year());
	assert_non_null(strstr(body, want));
	/* the REDEEM and the PAY refused with FUNDS in
	 * test_redeem_and_bureau_views, and nothing else */
	assert_non_null(
	    strstr(body, "vouchd_errors_by_code_total{code=\"FUNDS\"} 2\n"));
}

static void test_sigterm_and_restart(void **state)
{
	const char *check[] = {VOUCHD_BIN, "check", "--data", D.data, NULL};
	struct client c;

	(void)state;
	assert_int_equal(daemon_stop(&D), 0);
	D.pid = 0;
	assert_int_equal(e2e_run(check), 0);
	/* the same daemon again: its config, store and socket */
	D.pid = daemon_spawn(&D, VOUCHD_BIN, VD_SOURCE_DIR "/deploy/policies");
	assert_true(D.pid > 0);
	auth_as(&c, "school", k_school);
	/* 300,090 granted, 3% of the 800 group-commit records of 100 fen
	 * (2,400) more; 100,000 redeemed */
	expect_prefix(client_req(&c, "BALANCE"),
	              "OK n=1 total_remaining=202490");
	client_close(&c);
}

/* A connection's writes commit in the order it sent them, signed or not:
 * a REDEEM sent right behind the USAGE of the record it names finds the
 * record (once the REDEEM, having no signature to check, overtook the
 * USAGE at its signature worker and was refused NOTFOUND about half the
 * time). */
static void test_pipelined_writes_keep_their_order(void **state)
{
	char line[RECORD_LINE_MAX], both[RECORD_LINE_MAX + 200], id[16];
	struct client c;
	int i, n;

	(void)state;
	auth_as(&c, "dc", k_dc);
	for (i = 0; i < 20; i++) {
		snprintf(id, sizeof(id), "o%d", i);
		usage_line(line, sizeof(line), k_dc, "dc", id, "school",
		           1000000);
		n = snprintf(both, sizeof(both),
		             "%s\nREDEEM voucher=%s record=%s amount=1000 "
		             "ref=ord-%d\n",
		             line, voucher_id, id, i);
		assert_int_equal(client_send(&c, both, (size_t)n), 0);
		expect_prefix(client_line(&c), "OK id=o");
		expect_prefix(client_line(&c), "OK voucher=");
	}
	client_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bureau_registers),
	    cmocka_unit_test(test_provider_reports),
	    cmocka_unit_test(test_org_balance),
	    cmocka_unit_test(test_redeem_and_bureau_views),
	    cmocka_unit_test(test_checkpoint_verifies),
	    cmocka_unit_test(test_server_writes_are_commits),
	    cmocka_unit_test(test_refusals_carry_their_reason),
	    cmocka_unit_test(test_group_commit),
	    cmocka_unit_test(test_metrics),
	    cmocka_unit_test(test_sigterm_and_restart),
	    cmocka_unit_test(test_sigterm_loses_nothing_acknowledged),
	    cmocka_unit_test(test_pipelined_writes_keep_their_order),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
