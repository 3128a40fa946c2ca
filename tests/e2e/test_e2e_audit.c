/* End to end, the offline audit of records' signatures across a REKEY
 * (domain.md: "an auditor checks each record against the key in force at
 * its seq"): a provider reports a USAGE, a BATCH (one of its lines a
 * record already in) and a VOID with its first key; the bureau rekeys
 * it; the old key no longer authenticates; the same again with the new
 * key. vouchctl journal exports every entry and each batch's signed
 * lines (LINES), and vouchctl audit, offline, verifies every signature
 * with the key in force at its seq. A batch line changed in the export
 * is found. LINES on the wire: pages, refusals. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctl_fixture.h"

static struct sig_key *k_old, *k_new;

static void new_key(const char *id, struct sig_key **k)
{
	assert_int_equal(sig_keygen(k), 0);
	unlink(pem(id));
	assert_int_equal(sig_key_save(*k, pem(id)), 0);
}

/* A signed USAGE of dc for s on the wire, 10 gpu-hours at hour h. */
static void usage(struct sig_key *k, const char *id, int h, int64_t amount)
{
	char line[RECORD_LINE_MAX], want[100];
	struct client c;

	assert_int_equal(client_open(&c, D.sock), 0);
	expect_prefix(client_auth(&c, "dc", k, NULL), "OK id=dc");
	assert_int_equal(usage_line_at(k, "dc", id, "s", e2e_at(h), amount,
	                               line, sizeof(line)),
	                 0);
	snprintf(want, sizeof(want), "OK id=%s status=accepted", id);
	expect_prefix(client_req(&c, "%s", line), want);
	client_close(&c);
}

/* vouchctl report as dc: a CSV of the records "id,hour,yuan". */
static void report(const char *rows, const char *want)
{
	char csv[200], text[1024], t[CIVIL_UTC_LEN + 1];
	size_t n;
	const char *p;

	snprintf(csv, sizeof(csv), "%s/bill.csv", D.dir);
	n = (size_t)snprintf(text, sizeof(text),
	                     "id,org,at,amount,qty,unit,kind\n");
	for (p = rows; *p;) {
		char id[16];
		int h, used = 0;
		double yuan;
		assert_int_equal(
		    sscanf(p, "%15[^,],%d,%lf;%n", id, &h, &yuan, &used), 3);
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		                      "%s,s,%s,%.2f,10,gpu-hour,training\n", id,
		                      e2e_time(h, t), yuan);
		p += used;
	}
	write_file(csv, text);
	if (ctl("dc", "report %s", csv) != 0)
		fail_msg("report: %s", err);
	assert_string_equal(out, want);
}

/* The seq of the n-th (from 1) "batch" entry of an export in out. */
static long batch_seq(int nth)
{
	const char *p = out;
	long seq = 0;

	while (nth-- > 0) {
		p = strstr(p, "\",\"type\":\"batch\",");
		assert_non_null(p);
		p++;
	}
	while (p > out && p[-1] != '\n')
		p--;
	assert_int_equal(sscanf(p, "{\"seq\":%ld,", &seq), 1);
	return seq;
}

static void test_audit_across_rekey(void **state)
{
	char hex[65], jf[200], bad[200], want[600], line[8192], t[32], *p;
	long b1, b2;
	struct client c;
	FILE *f, *g;
	int n, at;

	(void)state;
	/* the daemon is up once it takes a connection (client_open waits
	 * for it; vouchctl does not) */
	assert_int_equal(client_open(&c, D.sock), 0);
	client_close(&c);
	snprintf(jf, sizeof(jf), "%s/journal.ndjson", D.dir);
	snprintf(bad, sizeof(bad), "%s/bad.ndjson", D.dir);
	new_key("dc", &k_old);
	new_key("s", &k_new);
	assert_int_equal(ctl("bureau",
	                     "register dc --role provider --local --region "
	                     "xinjiang.xinxing --pubkey %s",
	                     key_hex(k_old, hex)),
	                 0);
	assert_int_equal(ctl("bureau",
	                     "register s --role org --kind school "
	                     "--region xinjiang.xinxing --pubkey %s",
	                     key_hex(k_new, hex)),
	                 0);
	sig_key_free(k_new);

	/* the first key: a USAGE, a BATCH (u1 again: a duplicate), a VOID */
	usage(k_old, "u1", 1, 1000000);
	report("b1,2,5000;u1,1,10000;b2,3,3000;",
	       "3 lines: 2 accepted, 1 duplicate, 0 refused\n");
	assert_int_equal(ctl("dc", "void b1 --reason 'billed twice'"), 0);

	/* REKEY: the old key no longer authenticates */
	new_key("dc", &k_new);
	assert_int_equal(
	    ctl("bureau", "rekey dc --pubkey %s", key_hex(k_new, hex)), 0);
	assert_int_equal(client_open(&c, D.sock), 0);
	expect_prefix(client_auth(&c, "dc", k_old, NULL), "ERR AUTH");
	client_close(&c);

	/* the new key: the same again */
	usage(k_new, "u2", 4, 2000000);
	report("b3,5,1000;b4,6,2000;",
	       "2 lines: 2 accepted, 0 duplicate, 0 refused\n");
	assert_int_equal(ctl("dc", "void b3 --reason x"), 0);

	/* export and audit, offline */
	assert_int_equal(ctl("bureau", "journal"), 0);
	write_file(jf, out);
	b1 = batch_seq(1);
	b2 = batch_seq(2);
	/* each batch entry is followed by its lines */
	snprintf(want, sizeof(want),
	         "\n{\"batch\":%ld,\"i\":2,\"line\":\"USAGE "
	         "provider=dc id=u1 org=s at=%s amount=1000000 "
	         "qty=10 unit=gpu-hour kind=training\"}\n",
	         b1, e2e_time(1, t));
	expect_in(out, want);
	assert_int_equal(ctl(NULL, "audit %s", jf), 0);
	expect_in(out, "signatures: 6 verified: 2 USAGE, 2 BATCH covering 4 "
	               "records, 2 VOID; 0 entries not verifiable\n");

	/* a batch line changed in the export: b2's amount, 3000.00 yuan,
	 * became 4000.00; found once the batch's last line is in */
	f = fopen(jf, "r");
	g = fopen(bad, "w");
	assert_true(f && g);
	for (n = 1, at = 0; fgets(line, sizeof(line), f); n++) {
		if (strncmp(line, "{\"batch\":", 9) == 0 &&
		    (p = strstr(line, " id=b2 ")) != NULL) {
			p = strstr(p, " amount=300000 ");
			assert_non_null(p);
			p[8] = '4';
			at = n;
		}
		fputs(line, g);
	}
	fclose(f);
	fclose(g);
	assert_int_equal(at > 0, 1);
	assert_int_equal(ctl(NULL, "audit %s", bad), 1);
	snprintf(want, sizeof(want),
	         "vouchctl audit: REFUSED: line %d: seq %ld: the batch's lines "
	         "do not hash to its lines_sha256\n",
	         at, b1);
	assert_string_equal(err, want);

	/* LINES on the wire: a page, the next, refusals */
	assert_int_equal(client_open(&c, D.sock), 0);
	expect_prefix(client_auth(&c, "dc", k_new, NULL), "OK id=dc");
	expect_prefix(client_req(&c, "LINES seq=%ld", b2), "ERR DENIED");
	client_close(&c);
	{
		struct sig_key *kb;
		assert_int_equal(sig_key_load(pem("bureau"), &kb), 0);
		assert_int_equal(client_open(&c, D.sock), 0);
		expect_prefix(client_auth(&c, "bureau", kb, NULL), "OK id=");
		sig_key_free(kb);
	}
	assert_string_equal(client_req(&c, "LINES seq=%ld limit=1", b2),
	                    "OK n=1 next=1");
	snprintf(
	    want, sizeof(want),
	    "LINE i=1 text=USAGE%%20provider=dc%%20id=b3%%20org=s%%20at=%s"
	    "%%20amount=100000%%20qty=10%%20unit=gpu-hour%%20kind=training",
	    e2e_time(5, t));
	assert_string_equal(client_line(&c), want);
	assert_string_equal(client_req(&c, "LINES seq=%ld after=1 limit=1", b2),
	                    "OK n=1");
	expect_prefix(client_line(&c),
	              "LINE i=2 text=USAGE%20provider=dc%20id=b4");
	assert_string_equal(client_req(&c, "LINES seq=%ld after=2", b2),
	                    "OK n=0");
	assert_string_equal(client_req(&c, "LINES seq=1"),
	                    "ERR NOTFOUND no batch entry at that seq");
	assert_string_equal(client_req(&c, "LINES seq=99999"),
	                    "ERR NOTFOUND no batch entry at that seq");
	expect_prefix(client_req(&c, "LINES seq=%ld limit=10001", b2),
	              "ERR TOOBIG");
	expect_prefix(client_req(&c, "LINES"), "ERR BADREQ");
	client_close(&c);
	sig_key_free(k_old);
	sig_key_free(k_new);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_audit_across_rekey),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
