/* End to end, the bureau's controls over principals on the wire
 * (protocol.md: AMEND, SUSPEND, REINSTATE, the bureau's VOID): replies,
 * refusals with their codes, a suspended provider that still reads but
 * writes nothing (a BATCH refused whole, its lines consumed), a
 * suspended org's record listed as excluded, and the journal entries. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>

#include "e2e_client.h"

static struct daemon D;
static struct sig_key *k_dc, *k_s, *k_bureau;

static int setup(void **state)
{
	(void)state;
	return e2e_group_up(&D, VOUCHD_BIN, VD_SOURCE_DIR "/deploy/policies",
	                    &k_bureau, &k_dc, &k_s);
}

static int teardown(void **state)
{
	(void)state;
	e2e_group_down(&D, k_bureau, k_dc, k_s);
	return 0;
}

static void usage(struct client *c, const char *id, const char *want)
{
	char line[RECORD_LINE_MAX];

	assert_int_equal(usage_line_at(k_dc, "dc", id, "s",
	                               (int64_t)time(NULL) - 3600, 1000000,
	                               line, sizeof(line)),
	                 0);
	expect_prefix(client_req(c, "%s", line), want);
}

static void test_controls(void **state)
{
	char hex[65], line[RECORD_LINE_MAX], lines[2 * RECORD_LINE_MAX],
	    hdr[400];
	struct client b, p;
	const char *l;
	size_t len;
	int i;

	(void)state;
	client_open_as(&b, D.sock, "bureau", k_bureau, NULL);
	expect_prefix(client_req(&b,
	                         "REGISTER id=dc role=provider key=%s "
	                         "local=1 region=xinjiang.xinxing",
	                         key_hex(k_dc, hex)),
	              "OK id=dc status=registered");
	expect_prefix(client_req(&b,
	                         "REGISTER id=s role=org key=%s kind=school "
	                         "region=xinjiang.xinxing",
	                         key_hex(k_s, hex)),
	              "OK id=s status=registered");
	client_open_as(&p, D.sock, "dc", k_dc, NULL);
	usage(&p, "r1", "OK id=r1 status=accepted");

	/* SUSPEND: the status, seq= when it changed; idempotent */
	expect_prefix(client_req(&b, "SUSPEND id=s reason=%%E5%%A4%%B1%%E4%%BF"
	                             "%%A1"),
	              "OK id=s status=suspended seq=");
	assert_string_equal(client_req(&b, "SUSPEND id=s reason=again"),
	                    "OK id=s status=suspended");
	expect_prefix(client_req(&b, "SUSPEND id=bureau reason=x"),
	              "ERR DENIED");
	expect_prefix(client_req(&b, "SUSPEND id=nobody reason=x"),
	              "ERR NOTFOUND");
	/* a record for the suspended org is stored, and excluded */
	usage(&p, "r2", "OK id=r2 status=accepted");
	l = client_req(&b, "RECORDS org=s");
	expect_prefix(l, "OK n=2");
	client_line(&b);
	l = client_line(&b);
	if (strstr(l, " id=r2 ") == NULL ||
	    strstr(l, " status=excluded") == NULL)
		fail_msg("record: %s", l);

	/* a suspended provider reads, and writes nothing */
	expect_prefix(client_req(&b, "SUSPEND id=dc reason=x"),
	              "OK id=dc status=suspended seq=");
	usage(&p, "r3", "ERR DENIED you are suspended");
	len = 0;
	for (i = 0; i < 2; i++) {
		char id[8];
		snprintf(id, sizeof(id), "b%d", i);
		assert_int_equal(usage_line_at(k_dc, "dc", id, "s",
		                               (int64_t)time(NULL) - 3600, 5,
		                               line, sizeof(line)),
		                 0);
		/* a batch line is the USAGE without its sig= */
		*strstr(line, " sig=") = '\0';
		len += (size_t)snprintf(lines + len, sizeof(lines) - len,
		                        "%s\n", line);
	}
	assert_true(record_batch_header(k_dc, "dc", lines, len, 2, hdr,
	                                sizeof(hdr)) > 0);
	lines[len - 1] = '\0';
	expect_prefix(client_req(&p, "%s\n%s", hdr, lines),
	              "ERR DENIED you are suspended");
	assert_string_equal(client_req(&p, "PING"), "OK");
	/* its 2% of both bills: the org's suspension is not its own */
	expect_prefix(client_req(&p, "BALANCE"), "OK n=1");
	l = client_line(&p);
	if (strstr(l, " program=xinxing-supply ") == NULL ||
	    strstr(l, " granted=40000 ") == NULL)
		fail_msg("voucher: %s", l);
	expect_prefix(client_req(&b, "RECORDS provider=dc"), "OK n=2");
	client_line(&b);
	client_line(&b);

	/* the bureau voids on its own authority: no at=, no sig= */
	expect_prefix(client_req(&b, "VOID provider=dc id=r1 reason=fraud"),
	              "OK id=r1 status=voided seq=");
	expect_prefix(client_req(&b, "VOID provider=dc id=r2 reason=x "
	                             "at=2026-06-01T00:00:00Z"),
	              "ERR BADREQ the bureau's VOID takes no at= or sig=");
	expect_prefix(client_req(&b, "REINSTATE id=dc"),
	              "OK id=dc status=active seq=");
	assert_string_equal(client_req(&b, "REINSTATE id=dc"),
	                    "OK id=dc status=active");
	/* a provider's VOID is signed */
	expect_prefix(client_req(&p, "VOID provider=dc id=r2 reason=x"),
	              "ERR BADREQ a provider's VOID is signed");

	/* AMEND: seq= when something changed */
	expect_prefix(client_req(&b, "AMEND id=s kind=government"),
	              "OK id=s seq=");
	assert_string_equal(client_req(&b, "AMEND id=s kind=government"),
	                    "OK id=s");
	expect_prefix(client_req(&b, "AMEND id=s"), "ERR BADREQ nothing to "
	                                            "amend");
	expect_prefix(client_req(&b, "AMEND id=dc kind=school"),
	              "ERR BADREQ kind is an org's attribute");
	expect_prefix(client_req(&b, "AMEND id=nobody kind=school"),
	              "ERR NOTFOUND");
	expect_prefix(
	    client_req(&b, "AMEND id=dc region=xinjiang.xinxing.south"),
	    "OK id=dc seq=");
	expect_prefix(client_req(&p, "AMEND id=dc local=0"), "ERR DENIED");

	/* REKEY: the old key no longer authenticates or signs; records
	 * signed before stay */
	{
		struct sig_key *k_new;
		struct client q;
		assert_int_equal(sig_keygen(&k_new), 0);
		expect_prefix(
		    client_req(&b, "REKEY id=dc key=%s", key_hex(k_new, hex)),
		    "OK id=dc seq=");
		assert_string_equal(
		    client_req(&b, "REKEY id=dc key=%s", key_hex(k_new, hex)),
		    "OK id=dc");
		expect_prefix(client_req(&b, "REKEY id=nobody key=%s",
		                         key_hex(k_new, hex)),
		              "ERR NOTFOUND");
		expect_prefix(client_req(&b, "REKEY id=dc key=01000000000000000"
		                             "00000000000000000000000000000000"
		                             "00000000000000"),
		              "ERR BADREQ");
		/* the session authenticated with the old key: its next
		 * record is refused */
		usage(&p, "r9", "ERR BADSIG");
		assert_int_equal(client_open(&q, D.sock), 0);
		expect_prefix(client_auth(&q, "dc", k_dc, NULL), "ERR AUTH");
		client_close(&q);
		assert_int_equal(client_open(&q, D.sock), 0);
		expect_prefix(client_auth(&q, "dc", k_new, NULL), "OK id=dc");
		assert_int_equal(usage_line_at(k_new, "dc", "r10", "s",
		                               (int64_t)time(NULL) - 3600, 5,
		                               line, sizeof(line)),
		                 0);
		expect_prefix(client_req(&q, "%s", line),
		              "OK id=r10 status=accepted");
		client_close(&q);
		sig_key_free(k_new);
	}

	/* the journal says each */
	l = client_req(&b, "JOURNAL limit=10000");
	expect_prefix(l, "OK n=");
	{
		int n = atoi(l + 5), seen = 0;
		for (i = 0; i < n; i++) {
			l = client_line(&b);
			if (strstr(l, " type=suspend id=s reason=") ||
			    strstr(l, " type=reinstate id=dc") ||
			    strstr(l, " type=rekey id=dc key=") ||
			    (strstr(l, " type=void provider=dc id=r1 ") &&
			     strstr(l, " by=bureau")) ||
			    strstr(l, " type=amend id=s kind=government "
			              "was_kind=school") ||
			    strstr(l, " type=amend id=dc "
			              "region=xinjiang.xinxing.south "
			              "was_region=xinjiang.xinxing"))
				seen++;
		}
		assert_int_equal(seen, 6);
	}
	client_close(&p);
	client_close(&b);
	/* and every figure rebuilds from it */
	assert_int_equal(daemon_stop(&D), 0);
	D.pid = 0;
	{
		const char *argv[] = {VOUCHD_BIN, "check", "--data", D.data,
		                      NULL};
		assert_int_equal(e2e_run(argv), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_controls),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
