/* End to end, the offline audit of records' signatures across a REKEY
 * (domain.md: "an auditor checks each record against the key in force at
 * its seq"): a provider reports a USAGE, a BATCH (one of its lines a
 * record already in) and a VOID with its first key; the bureau rekeys
 * it; the old key no longer authenticates; the same again with the new
 * key. vouchctl journal exports every entry and each batch's signed
 * lines (LINES), and vouchctl audit, offline, verifies every signature
 * with the key in force at its seq. A batch line changed in the export
 * is found. Schema 7: a canonical line is not journaled (rebuilt by the
 * audit), a USAGE with its keys in another order keeps its line=, and a
 * record's grants are carried in its entry (a carried grant changed in
 * the export breaks the chain). LINES on the wire: pages, refusals. */
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

/* The same with its keys in another order (id first): not the canonical
 * form, signed as sent. */
static void usage_odd(struct sig_key *k, const char *id, int h, int64_t amount)
{
	char line[RECORD_LINE_MAX], t[CIVIL_UTC_LEN + 1], hex[129], want[100];
	uint8_t sig[64];
	struct client c;
	int n;

	n = snprintf(line, sizeof(line),
	             "USAGE id=%s provider=dc org=s at=%s amount=%lld qty=10 "
	             "unit=gpu-hour kind=training",
	             id, e2e_time(h, t), (long long)amount);
	assert_int_equal(sig_sign(k, line, (size_t)n, sig), 0);
	hex_encode(sig, 64, hex);
	snprintf(line + n, sizeof(line) - (size_t)n, " sig=%s", hex);
	assert_int_equal(client_open(&c, D.sock), 0);
	expect_prefix(client_auth(&c, "dc", k, NULL), "OK id=dc");
	snprintf(want, sizeof(want), "OK id=%s status=accepted", id);
	expect_prefix(client_req(&c, "%s", line), want);
	client_close(&c);
}

/* The export's line (NDJSON) of the usage entry of record id. */
static const char *usage_row(const char *export, const char *id, char *buf,
                             size_t size)
{
	char key[100];
	const char *p, *nl;

	snprintf(key, sizeof(key),
	         "\"type\":\"usage\",\"provider\":\"dc\","
	         "\"id\":\"%s\",",
	         id);
	p = strstr(export, key);
	assert_non_null(p);
	while (p > export && p[-1] != '\n')
		p--;
	nl = strchr(p, '\n');
	assert_non_null(nl);
	assert_true((size_t)(nl - p) < size);
	memcpy(buf, p, (size_t)(nl - p));
	buf[nl - p] = '\0';
	return buf;
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

	/* the first key: a USAGE, a BATCH (u1 again: a duplicate), a VOID;
	 * and a USAGE whose keys came in another order */
	usage(k_old, "u1", 1, 1000000);
	usage_odd(k_old, "u0", 1, 700000);
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
	/* schema 7: a canonical line is not journaled (the auditor
	 * rebuilds it), the other one is, as sent; u1's grants (3% to s, 2%
	 * to dc) are carried in its entry */
	{
		char row[8192];
		usage_row(out, "u1", row, sizeof(row));
		if (strstr(row, "\"line\":") != NULL ||
		    strstr(row, ",\"grant1\":\"V000000000001/xinxing-demand/"
		                "s/2026/30000/0/xinxing:30000/") == NULL ||
		    strstr(row, ",\"grant2\":\"V000000000002/xinxing-supply/"
		                "dc/2026/20000/0/xinxing:20000/cash\"") == NULL)
			fail_msg("u1's entry: %s", row);
		usage_row(out, "b2", row, sizeof(row));
		if (strstr(row, "\"line\":") != NULL)
			fail_msg("b2's entry: %s", row);
		usage_row(out, "u0", row, sizeof(row));
		if (strstr(row, ",\"line\":\"USAGE%20id=u0%20provider=dc%20") ==
		    NULL)
			fail_msg("u0's entry: %s", row);
	}
	assert_int_equal(ctl(NULL, "audit %s", jf), 0);
	expect_in(out, "signatures: 7 verified: 3 USAGE, 2 BATCH covering 4 "
	               "records, 2 VOID; 0 entries not verifiable\n");

	/* u1's carried grant changed in the export (300 yuan to s became
	 * 900): its entry no longer hashes to the chain */
	assert_int_equal(ctl("bureau", "journal"), 0);
	f = fopen(bad, "w");
	assert_non_null(f);
	{
		char *q = strstr(out, "/s/2026/30000/0/xinxing:30000/");
		const char *r;
		assert_non_null(q);
		q[8] = '9';
		for (at = 1, r = out; r < q; r++)
			at += *r == '\n';
	}
	fputs(out, f);
	fclose(f);
	assert_int_equal(ctl(NULL, "audit %s", bad), 1);
	snprintf(want, sizeof(want),
	         "vouchctl audit: REFUSED: line %d: the hash does not match "
	         "the chain (the entry or an earlier one was changed)\n",
	         at);
	assert_string_equal(err, want);

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
