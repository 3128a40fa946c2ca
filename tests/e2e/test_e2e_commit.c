/* End to end, how the commit thread groups writes (commit.h): a group
 * closes when its oldest job has waited commit_wait_us or when its
 * records reach commit_batch, a BATCH counting its n. Counted with
 * STATS commits=, each daemon on a store of its own (daemon_own). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>

#include "e2e_client.h"

#define FRAME 1000 /* records in one BATCH below */

static struct sig_key *k_dc, *k_s;

static int setup(void **state)
{
	(void)state;
	return sig_keygen(&k_dc) < 0 || sig_keygen(&k_s) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	sig_key_free(k_dc);
	sig_key_free(k_s);
	return 0;
}

/* A daemon of its own under conf ("key = value" lines of [server]), with
 * the provider dc and the org s registered; b is the bureau's session,
 * p the provider's. */
static void start(struct daemon *d, const char *conf, struct client *b,
                  struct client *p)
{
	struct sig_key *kb = NULL;
	char hex[65];

	daemon_own(d, "[server]\nlisten = unix:%s\nlog_level = warn\n%s",
	           d->sock, conf);
	d->pid = daemon_spawn(d, VOUCHD_BIN, VD_SOURCE_DIR "/deploy/policies");
	assert_true(d->pid > 0);
	assert_int_equal(sig_key_load(d->bureau_key, &kb), 0);
	assert_int_equal(client_open(b, d->sock), 0);
	expect_prefix(client_auth(b, "bureau", kb, NULL), "OK id=");
	sig_key_free(kb);
	expect_prefix(client_req(b,
	                         "REGISTER id=dc role=provider key=%s "
	                         "local=1 region=xinjiang.xinxing",
	                         key_hex(k_dc, hex)),
	              "OK id=dc status=registered");
	expect_prefix(client_req(b,
	                         "REGISTER id=s role=org key=%s kind=school "
	                         "region=xinjiang.xinxing",
	                         key_hex(k_s, hex)),
	              "OK id=s status=registered");
	assert_int_equal(client_open(p, d->sock), 0);
	expect_prefix(client_auth(p, "dc", k_dc, NULL), "OK id=");
}

static void stop(struct daemon *d, struct client *b, struct client *p)
{
	client_close(b);
	client_close(p);
	assert_int_equal(daemon_stop(d), 0);
	daemon_cleanup(d);
}

/* USAGE of record id for s, an hour ago, into buf (size
 * RECORD_LINE_MAX). */
static void usage(const char *id, char *buf)
{
	assert_int_equal(usage_line_at(k_dc, "dc", id, "s",
	                               (int64_t)time(NULL) - 3600, 1000, buf,
	                               RECORD_LINE_MAX),
	                 0);
}

/* Four USAGE lines sent in one write, commit_batch = 2 and a second's
 * wait: the first waits for the second (a group of 2 records closes),
 * the third for the fourth. Two commits, whatever the timing. */
static void test_group_closes_at_commit_batch(void **state)
{
	char line[RECORD_LINE_MAX], all[4 * RECORD_LINE_MAX + 8];
	struct daemon d;
	struct client b, p;
	size_t len = 0;
	long n;
	int i;

	(void)state;
	start(&d, "commit_batch = 2\ncommit_wait_us = 1000000\n", &b, &p);
	n = stats_commits(&b);
	for (i = 0; i < 4; i++) {
		char id[8];
		snprintf(id, sizeof(id), "r%d", i);
		usage(id, line);
		len += (size_t)snprintf(all + len, sizeof(all) - len, "%s\n",
		                        line);
	}
	assert_int_equal(client_send(&p, all, len), 0);
	for (i = 0; i < 4; i++)
		expect_prefix(client_line(&p), "OK id=r");
	/* the daemon stops before the assertion: a failure leaves none */
	n = stats_commits(&b) - n;
	stop(&d, &b, &p);
	assert_int_equal(n, 2);
}

/* Two writes from two connections 100 ms apart: with a second's wait
 * they share one commit; with none (the default) each has its own. */
static void test_group_waits_commit_wait_us(void **state)
{
	static const char *conf[2] = {"commit_wait_us = 1000000\n", ""};
	char line[RECORD_LINE_MAX], now[CIVIL_UTC_LEN + 1], req[64];
	struct daemon d;
	struct client b, p;
	long n;
	int k;

	(void)state;
	for (k = 0; k < 2; k++) {
		start(&d, conf[k], &b, &p);
		n = stats_commits(&b);
		usage("w1", line);
		assert_int_equal(client_send(&p, line, strlen(line)), 0);
		assert_int_equal(client_send(&p, "\n", 1), 0);
		usleep(100000);
		/* the bureau's write, from its own connection */
		snprintf(req, sizeof(req), "EXPIRE now=%s\n",
		         e2e_time(24, now));
		assert_int_equal(client_send(&b, req, strlen(req)), 0);
		expect_prefix(client_line(&p), "OK id=w1 status=accepted");
		expect_prefix(client_line(&b), "OK expired=0");
		n = stats_commits(&b) - n;
		stop(&d, &b, &p);
		assert_int_equal(n, k == 0 ? 1 : 2);
	}
}

/* Two BATCH frames of 1,000 records sent in one write, commit_batch =
 * 1,500 and a second's wait: the second frame would take the group past
 * 1,500 records, so the first commits alone as soon as the second is
 * queued, and the second after its own wait. Two commits (counted by
 * operations, as before, they made one group). */
static void test_batch_counts_its_records(void **state)
{
	size_t cap = 2 * (FRAME * RECORD_LINE_MAX + 512), len = 0, start_f;
	char line[RECORD_LINE_MAX], hdr[400], *all = malloc(cap), *lines;
	struct daemon d;
	struct client b, p;
	long n;
	int f, i;

	(void)state;
	assert_non_null(all);
	lines = malloc(FRAME * RECORD_LINE_MAX);
	assert_non_null(lines);
	start(&d, "commit_batch = 1500\ncommit_wait_us = 1000000\n", &b, &p);
	n = stats_commits(&b);
	for (f = 0; f < 2; f++) {
		start_f = 0;
		for (i = 0; i < FRAME; i++) {
			char id[16];
			snprintf(id, sizeof(id), "f%d-%d", f, i);
			usage(id, line);
			/* a batch line is the USAGE without its sig= */
			*strstr(line, " sig=") = '\0';
			start_f += (size_t)snprintf(
			    lines + start_f, FRAME * RECORD_LINE_MAX - start_f,
			    "%s\n", line);
		}
		assert_true(record_batch_header(k_dc, "dc", lines, start_f,
		                                FRAME, hdr, sizeof(hdr)) > 0);
		len += (size_t)snprintf(all + len, cap - len, "%s\n", hdr);
		memcpy(all + len, lines, start_f);
		len += start_f;
	}
	assert_int_equal(client_send(&p, all, len), 0);
	for (f = 0; f < 2; f++)
		expect_prefix(client_line(&p), "OK ");
	n = stats_commits(&b) - n;
	stop(&d, &b, &p);
	free(all);
	free(lines);
	assert_int_equal(n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_group_closes_at_commit_batch),
	    cmocka_unit_test(test_group_waits_commit_wait_us),
	    cmocka_unit_test(test_batch_counts_its_records),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
