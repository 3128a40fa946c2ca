/* End to end, the reads served in the loop thread's reader (a read
 * transaction kept and renewed for each request, reads.h): every BALANCE
 * is a fresh snapshot of the last commit, on the connection that wrote
 * and on another, and the reader keeps answering while the map grows
 * (LMDB remaps it) under it. One daemon, the seed policies; the tests run
 * in order. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "e2e_client.h"

static struct daemon D;
static struct sig_key *k_dc, *k_school, *k_bureau;

static int setup(void **state)
{
	(void)state;
	return e2e_group_up(&D, VOUCHD_BIN, VD_SOURCE_DIR "/deploy/policies",
	                    &k_bureau, &k_dc, &k_school);
}

static int teardown(void **state)
{
	(void)state;
	e2e_group_down(&D, k_bureau, k_dc, k_school);
	return 0;
}

/* Records of dc for school (usage_line_at): Xinxing pays school 3% of
 * their amount and dc 2% (amounts in hundreds of fen: no rounding). */

/* The reply to a BALANCE, its rows read: the total it gives, checked
 * against the rows (the active ones' remaining add up to it). */
static int64_t balance_total(struct client *c)
{
	const char *l = client_line(c);
	int64_t n, total, sum = 0, i;
	struct reply r;

	expect_prefix(l, "OK n=");
	assert_int_equal(reply_parse(l, strlen(l), &r), 0);
	assert_int_equal(reply_get_i64(&r, "n", &n), 0);
	assert_int_equal(reply_get_i64(&r, "total_remaining", &total), 0);
	for (i = 0; i < n; i++) {
		int64_t rem;
		size_t len;
		const char *st;
		l = client_line(c);
		expect_prefix(l, "VOUCHER id=");
		assert_int_equal(reply_parse(l, strlen(l), &r), 0);
		assert_int_equal(reply_get_i64(&r, "remaining", &rem), 0);
		st = reply_get(&r, "status", &len);
		assert_non_null(st);
		if (len == 6 && memcmp(st, "active", 6) == 0)
			sum += rem;
	}
	assert_true(sum == total);
	return total;
}

static void test_register(void **state)
{
	struct client c;
	char hex[65];

	(void)state;
	client_open_as(&c, D.sock, "bureau", k_bureau, NULL);
	expect_prefix(client_req(&c,
	                         "REGISTER id=dc role=provider key=%s "
	                         "local=1 region=xinjiang.xinxing",
	                         key_hex(k_dc, hex)),
	              "OK id=dc status=registered");
	expect_prefix(client_req(&c,
	                         "REGISTER id=school role=org key=%s "
	                         "kind=school region=xinjiang.xinxing",
	                         key_hex(k_school, hex)),
	              "OK id=school status=registered");
	client_close(&c);
}

/* One write of 64 (USAGE, BALANCE) pairs on one connection: each BALANCE
 * waits for the USAGE before it and must see it, 2% of 100 yuan more
 * each time. A reader kept open across requests (or renewed once per
 * read of the socket) would answer the first snapshot again. */
static void test_balance_sees_each_pipelined_write(void **state)
{
	enum { PAIRS = 64 };
	static char req[PAIRS * (RECORD_LINE_MAX + 16)];
	char line[RECORD_LINE_MAX], id[16];
	struct client c;
	size_t len = 0;
	int i;

	(void)state;
	client_open_as(&c, D.sock, "dc", k_dc, NULL);
	for (i = 0; i < PAIRS; i++) {
		snprintf(id, sizeof(id), "p%d", i);
		assert_int_equal(usage_line_at(k_dc, "dc", id, "school",
		                               e2e_at(0), 10000, line,
		                               sizeof(line)),
		                 0);
		len += (size_t)snprintf(req + len, sizeof(req) - len,
		                        "%s\nBALANCE\n", line);
	}
	assert_int_equal(client_send(&c, req, len), 0);
	for (i = 0; i < PAIRS; i++) {
		expect_prefix(client_line(&c), "OK id=p");
		assert_true(balance_total(&c) == 200 * (i + 1));
	}
	client_close(&c);
}

/* n records r<first>.. of dc as one BATCH frame, sent, not answered */
static void send_batch(struct client *c, int first, int n)
{
	size_t cap = (size_t)n * RECORD_LINE_MAX, len = 0;
	char *lines = malloc(cap), hdr[400], id[16];
	int i;

	assert_non_null(lines);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "g%d", first + i);
		char *sig;
		assert_int_equal(usage_line_at(k_dc, "dc", id, "school",
		                               e2e_at(0), 10000, lines + len,
		                               cap - len),
		                 0);
		/* a batch's line carries no signature of its own */
		sig = strstr(lines + len, " sig=");
		assert_non_null(sig);
		len = (size_t)(sig - lines);
		lines[len++] = '\n';
	}
	assert_true(record_batch_header(k_dc, "dc", lines, len, (size_t)n, hdr,
	                                sizeof(hdr)) > 0);
	strcat(hdr, "\n");
	assert_int_equal(client_send(c, hdr, strlen(hdr)), 0);
	assert_int_equal(client_send(c, lines, len), 0);
	free(lines);
}

/* The daemon opens its store with a 64 MiB map; records enough to pass
 * it make the commit thread double the map (store_grow, which waits for
 * the reader to be between requests) while another connection keeps
 * asking for BALANCE: every answer whole and consistent, totals never
 * going back, and after the growth a write acknowledged on one
 * connection is seen by the next BALANCE on the other. */
static void test_balance_across_map_growth(void **state)
{
	/* frames until the store passes the map (its size per record
	 * shrinks as the layout does), at most MAXF */
	enum { FRAME = 5000, MAXF = 60, DEPTH = 16 };
	char path[160], line[RECORD_LINE_MAX];
	struct client p, b;
	struct timeval tv = {60, 0};
	int64_t last = 0, t;
	struct stat sb = {0};
	int f, i;

	(void)state;
	snprintf(path, sizeof(path), "%s/data.mdb", D.data);
	client_open_as(&p, D.sock, "dc", k_dc, NULL);
	client_open_as(&b, D.sock, "bureau", k_bureau, NULL);
	setsockopt(p.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(b.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (f = 0; f < MAXF && sb.st_size <= (64 << 20); f++) {
		send_batch(&p, f * FRAME, FRAME);
		/* BALANCEs while the frame commits (and the map grows) */
		for (i = 0; i < DEPTH; i++)
			assert_int_equal(
			    client_send(&b, "BALANCE org=school\n", 19), 0);
		for (i = 0; i < DEPTH; i++) {
			t = balance_total(&b);
			assert_true(t >= last);
			last = t;
		}
		expect_prefix(client_line(&p), "OK records=5000 accepted=5000");
		assert_int_equal(stat(path, &sb), 0);
	}
	print_message("store %lld MiB after %d records\n",
	              (long long)(sb.st_size >> 20), f * FRAME);
	/* past the 64 MiB map the daemon started with: it grew */
	assert_true(sb.st_size > (64 << 20));
	assert_int_equal(client_send(&b, "BALANCE org=school\n", 19), 0);
	last = balance_total(&b);
	/* everything counted: 64 + f * 5,000 records of 100 yuan, 3% each */
	assert_true(last == 300 * (64 + f * FRAME));
	assert_int_equal(usage_line_at(k_dc, "dc", "after", "school", e2e_at(0),
	                               10000, line, sizeof(line)),
	                 0);
	expect_prefix(client_req(&p, "%s", line),
	              "OK id=after status=accepted");
	assert_int_equal(client_send(&b, "BALANCE org=school\n", 19), 0);
	assert_true(balance_total(&b) == last + 300);
	client_close(&p);
	client_close(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_register),
	    cmocka_unit_test(test_balance_sees_each_pipelined_write),
	    cmocka_unit_test(test_balance_across_map_growth),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
