/* client/audit: an ENTRY row as NDJSON, the offline verification of a
 * chain built here by hand with OpenSSL's SHA-256 (not chain.h's
 * chain_hash, which audit.c uses, so that the two are checked against
 * each other), checkpoints in both forms, and the records' signatures
 * (audit_sig.h) in exports built here entry by entry: signed with keys
 * from fixed seeds, a batch's lines_sha256 computed with OpenSSL here
 * too, each refusal's message written out in full. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "err.h"
#include "hex.h"
#include "req.h"
#include "sig.h"

#include "audit_fixture.h"

static const char *const entries[] = {
    "seq=1 time=2026-01-01T00:00:00Z type=register id=bureau role=bureau",
    /* "007" and "-0" are not canonical integers: they stay strings */
    "seq=2 time=2026-01-01T00:00:01Z type=x ref=007 n=-0 m=-5 k=12",
};

/* The two rows as the daemon sends them, and their hashes. */
static void rows(char row[2][512], uint8_t h[2][32])
{
	uint8_t zero[32] = {0};
	char hex[65];
	int i;

	for (i = 0; i < 2; i++) {
		sha(i ? h[0] : zero, entries[i], h[i]);
		hex_encode(h[i], 32, hex);
		snprintf(row[i], 512, "ENTRY %s hash=%s", entries[i], hex);
	}
}

/* The export of the two rows in a temporary file, with line 2
 * replaced by line2 when given. */
static FILE *export_file(const char *line2)
{
	char row[2][512], json[1024];
	uint8_t h[2][32];
	FILE *f = tmpfile();
	int i;

	rows(row, h);
	for (i = 0; i < 2; i++) {
		assert_int_equal(audit_entry_json(row[i], json, sizeof(json)),
		                 0);
		fprintf(f, "%s\n", i == 1 && line2 ? line2 : json);
	}
	rewind(f);
	return f;
}

static void test_entry_json(void **state)
{
	char row[2][512], json[1024], want[1024], hex[65];
	uint8_t h[2][32];

	(void)state;
	rows(row, h);
	assert_int_equal(audit_entry_json(row[1], json, sizeof(json)), 0);
	hex_encode(h[1], 32, hex);
	snprintf(want, sizeof(want),
	         "{\"seq\":2,\"time\":\"2026-01-01T00:00:01Z\",\"type\":\"x\","
	         "\"ref\":\"007\",\"n\":\"-0\",\"m\":-5,\"k\":12,"
	         "\"hash\":\"%s\"}",
	         hex);
	assert_string_equal(json, want);
	/* a repeated key, no hash, not an entry, a short buffer */
	assert_int_equal(audit_entry_json("ENTRY seq=1 a=1 a=2 hash=" HEX64,
	                                  json, sizeof(json)),
	                 VD_EINVAL);
	assert_int_equal(
	    audit_entry_json("ENTRY seq=1 a=1", json, sizeof(json)), VD_EINVAL);
	assert_int_equal(
	    audit_entry_json("VOUCHER seq=1 hash=" HEX64, json, sizeof(json)),
	    VD_EINVAL);
	assert_int_equal(audit_entry_json(row[1], json, 40), VD_ELIMIT);
}

static void test_verify(void **state)
{
	struct audit_result res;
	char why[300], json[1024], row[2][512], bad[1024];
	uint8_t h[2][32];
	char *p;
	FILE *f;

	(void)state;
	f = export_file(NULL);
	assert_int_equal(audit_verify(f, NULL, NULL, &res, why, sizeof(why)),
	                 0);
	fclose(f);
	assert_int_equal(res.entries, 2);
	assert_int_equal(res.first, 1);
	assert_int_equal(res.last, 2);
	assert_true(res.from_genesis);
	rows(row, h);
	assert_memory_equal(res.head, h[1], 32);

	/* a space between JSON tokens: the same object, not the export */
	audit_entry_json(row[1], json, sizeof(json));
	p = strstr(json, "\"m\":");
	snprintf(bad, sizeof(bad), "%.*s \"m\": %s", (int)(p - json), json,
	         p + 4);
	f = export_file(bad);
	assert_int_equal(audit_verify(f, NULL, NULL, &res, why, sizeof(why)),
	                 VD_EINVAL);
	fclose(f);
	assert_string_equal(why, "line 2: not in the export's exact form (a "
	                         "byte changed?)");
	/* 12 written as "12": the same bytes, but not the export's form */
	p = strstr(json, "\"k\":12");
	snprintf(bad, sizeof(bad), "%.*s\"k\":\"12\"%s", (int)(p - json), json,
	         p + 6);
	f = export_file(bad);
	assert_int_equal(audit_verify(f, NULL, NULL, &res, why, sizeof(why)),
	                 VD_EINVAL);
	fclose(f);
	assert_string_equal(why, "line 2: an integer written as a string");
	/* "-5" to "-6": the hash no longer matches */
	p = strstr(json, "\"m\":-5");
	p[5] = '6';
	f = export_file(json);
	assert_int_equal(audit_verify(f, NULL, NULL, &res, why, sizeof(why)),
	                 VD_EINVAL);
	fclose(f);
	assert_string_equal(why, "line 2: the hash does not match the chain "
	                         "(the entry or an earlier one was changed)");
	/* a line of nothing but a hash: no entry (fuzz_audit: it passed as
	 * a verified journal of one entry at seq 0) */
	f = tmpfile();
	fputs("{\"hash\":\"f6bc05676feb20112115f6e74792626202a7caebc28304a31"
	      "97f1d9ff0148c6e\"}\n",
	      f);
	rewind(f);
	assert_int_equal(audit_verify(f, NULL, NULL, &res, why, sizeof(why)),
	                 VD_EINVAL);
	fclose(f);
	assert_string_equal(why, "line 1: the first key is not a seq");
}

static void test_checkpoint(void **state)
{
	struct sig_key *k = NULL;
	struct audit_cp a, b;
	struct audit_result res;
	uint8_t pub[32], sig[64], h[2][32];
	char row[2][512], msg[200], hh[65], kh[65], sh[129], text[600],
	    why[300];
	FILE *f;

	(void)state;
	rows(row, h);
	assert_int_equal(sig_keygen(&k), 0);
	sig_key_public(k, pub);
	hex_encode(h[1], 32, hh);
	hex_encode(pub, 32, kh);
	snprintf(msg, sizeof(msg),
	         "vouchd-checkpoint-v1 seq=2 hash=%s time=2026-01-02T00:00:00Z",
	         hh);
	sig_sign(k, msg, strlen(msg), sig);
	hex_encode(sig, 64, sh);
	snprintf(text, sizeof(text),
	         "OK seq=2 hash=%s time=2026-01-02T00:00:00Z key=%s sig=%s\n",
	         hh, kh, sh);
	assert_int_equal(audit_checkpoint_parse(text, strlen(text), &a), 0);
	snprintf(text, sizeof(text),
	         "{\n  \"seq\": 2,\n  \"hash\": \"%s\",\n  \"time\": "
	         "\"2026-01-02T00:00:00Z\",\n  \"key\": \"%s\",\n  \"sig\": "
	         "\"%s\"\n}\n",
	         hh, kh, sh);
	assert_int_equal(audit_checkpoint_parse(text, strlen(text), &b), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	f = export_file(NULL);
	assert_int_equal(audit_verify(f, &a, pub, &res, why, sizeof(why)), 0);
	assert_true(res.checkpoint);
	/* another time than the one signed */
	a.time_text[18] = '1';
	rewind(f);
	assert_int_equal(audit_verify(f, &a, NULL, &res, why, sizeof(why)),
	                 VD_EINVAL);
	assert_string_equal(why, "the checkpoint's signature does not verify");
	fclose(f);
	assert_int_equal(audit_checkpoint_parse("seq=2", 5, &a), VD_EINVAL);
	sig_key_free(k);
}

/* The text is len bytes, not a string: a checkpoint file of blanks or a
 * short "OK" must be refused without a byte read past it (the ASan tree
 * saw audit_checkpoint_parse read past " \n" looking for "OK "). */
static void test_checkpoint_bounds(void **state)
{
	static const char *const texts[] = {" \n", "OK", "O", "\n"};
	struct audit_cp cp;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		size_t n = strlen(texts[i]);
		char *t = malloc(n);
		memcpy(t, texts[i], n);
		assert_int_equal(audit_checkpoint_parse(t, n, &cp), VD_EINVAL);
		free(t);
	}
}

/* A good export: two USAGEs; a BATCH of three lines, the second a record
 * already in (no entry of its own), with a grant between its records;
 * a provider's VOID; the bureau's VOID (nothing signed). Every
 * signature verifies. */
static void test_sigs_good(void **state)
{
	struct sig_key *k = seed_key(1), *ks = seed_key(2);
	char l1[300], l2[300], l3[300], u[300], lines[1000], f[2400], enc[1000],
	    sig[129], why[400];
	struct audit_result res;
	struct exp e;
	uint64_t b;

	(void)state;
	exp_open(&e, 1);
	registers(&e, k, ks);
	/* the wire takes a command in any case: signed as sent */
	usage_line(u, sizeof(u), "u0", "500", "");
	memcpy(u, "Usage", 5);
	usage_entry(&e, "u0", "500", "", u, k, 0);
	usage_line(u, sizeof(u), "u1", "1000", "");
	usage_entry(&e, "u1", "1000", "", u, k, 0);
	usage_line(l1, sizeof(l1), "b1", "2000", "");
	usage_line(l3, sizeof(l3), "b3", "3000", "");
	snprintf(lines, sizeof(lines), "%s\n%s\n%s\n", l1, u, l3);
	b = batch_entry(&e, lines, 3, k);
	assert_int_equal(b, 5);
	exp_line(&e, b, 1, l1);
	exp_line(&e, b, 2, u);
	exp_line(&e, b, 3, l3);
	usage_entry(&e, "b1", "2000", "", l1, NULL, b);
	exp_entry(&e, "type=grant voucher=V1 program=p beneficiary=s "
	              "period=2026 amount=60");
	usage_entry(&e, "b3", "3000", "", l3, NULL, b);
	/* the provider's VOID: its reason as the wire had it, %xx in lower
	 * case; the entry's in journal_text's upper case */
	snprintf(l2, sizeof(l2),
	         "VOID provider=dc id=u1 at=" AT_LINE " reason=billed%%20twice"
	         "%%e2%%80%%94");
	req_pct_encode(l2, strlen(l2), enc);
	sign_hex(k, l2, strlen(l2), sig);
	snprintf(f, sizeof(f),
	         "type=void provider=dc id=u1 at=" AT_ENTRY " period=2026 "
	         "reason=billed%%20twice%%E2%%80%%94 by=provider line=%s "
	         "sig=%s",
	         enc, sig);
	exp_entry(&e, f);
	exp_entry(&e, "type=void provider=dc id=b1 at=1780280000 "
	              "period=2026 reason=fraud by=bureau");
	assert_int_equal(exp_verify(&e, &res, why), 0);
	assert_int_equal(res.entries, 10);
	assert_int_equal(res.sigs.usage, 2);
	assert_int_equal(res.sigs.batches, 1);
	assert_int_equal(res.sigs.batch_records, 2);
	assert_int_equal(res.sigs.voids, 1);
	assert_int_equal(res.sigs.unverifiable, 0);
	sig_key_free(k);
	sig_key_free(ks);
}

/* The operator rewrites an entry and its chain: a signature that is not
 * the provider's, a field the signed line does not say, an extra key
 * (project=) the entry and the line must agree on, a void's reason. */
static void test_sigs_tampered(void **state)
{
	struct sig_key *k = seed_key(1), *ks = seed_key(2),
	               *other = seed_key(3);
	struct audit_result res;
	char u[300], why[400], enc[1000], sig[129], f[2400];
	struct exp e;

	(void)state;
	/* signed by another key than dc's */
	exp_open(&e, 1);
	registers(&e, k, ks);
	usage_line(u, sizeof(u), "u1", "1000", "");
	usage_entry(&e, "u1", "1000", "", u, other, 0);
	assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 3: seq 3: the USAGE signature does "
	                         "not verify under dc's key in force at that "
	                         "seq (from seq 1)");
	/* the entry's amount is not the one signed */
	exp_open(&e, 1);
	registers(&e, k, ks);
	usage_entry(&e, "u1", "9000", "", u, k, 0);
	assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 3: seq 3: the signed line and the "
	                         "entry disagree on amount");
	/* project=: the same in both, fine; another in the entry, refused;
	 * in the line only, refused */
	exp_open(&e, 1);
	registers(&e, k, ks);
	usage_line(u, sizeof(u), "u1", "1000", " project=m1");
	usage_entry(&e, "u1", "1000", " project=m1", u, k, 0);
	usage_entry(&e, "u1", "1000", " project=m2", u, k, 0);
	assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 4: seq 4: the signed line and the "
	                         "entry disagree on project");
	exp_open(&e, 1);
	registers(&e, k, ks);
	usage_entry(&e, "u1", "1000", "", u, k, 0);
	assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 3: seq 3: the signed line and the "
	                         "entry disagree on project");
	/* a provider's VOID whose entry gives another reason */
	exp_open(&e, 1);
	registers(&e, k, ks);
	snprintf(u, sizeof(u),
	         "VOID provider=dc id=u1 at=" AT_LINE
	         " reason=billed%%20twice");
	req_pct_encode(u, strlen(u), enc);
	sign_hex(k, u, strlen(u), sig);
	snprintf(f, sizeof(f),
	         "type=void provider=dc id=u1 at=" AT_ENTRY " period=2026 "
	         "reason=billed%%20once by=provider line=%s sig=%s",
	         enc, sig);
	exp_entry(&e, f);
	assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 3: seq 3: the signed line and the "
	                         "entry disagree on reason");
	sig_key_free(k);
	sig_key_free(ks);
	sig_key_free(other);
}

/* REKEY: each record is checked against the key in force at its seq.
 * The old key's record before the rekey verifies, the new key's after
 * it; the old key's after it does not, a USAGE's or a BATCH's. */
static void test_sigs_rekey(void **state)
{
	struct sig_key *k = seed_key(1), *ks = seed_key(2), *k2 = seed_key(4);
	struct audit_result res;
	char u[300], lines[400], f[200], kh[65], why[400];
	struct exp e, e2;
	uint64_t b;
	int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct exp *x = i ? &e2 : &e;
		exp_open(x, 1);
		registers(x, k, ks);
		usage_line(u, sizeof(u), "u1", "1000", "");
		usage_entry(x, "u1", "1000", "", u, k, 0);
		key_hex(k2, kh);
		snprintf(f, sizeof(f), "type=rekey id=dc key=%s", kh);
		assert_int_equal(exp_entry(x, f), 4);
		usage_line(u, sizeof(u), "u2", "2000", "");
		usage_entry(x, "u2", "2000", "", u, k2, 0);
		usage_line(u, sizeof(u), "b1", "3000", "");
		snprintf(lines, sizeof(lines), "%s\n", u);
		b = batch_entry(x, lines, 1, k2);
		exp_line(x, b, 1, u);
		usage_entry(x, "b1", "3000", "", u, NULL, b);
	}
	assert_int_equal(exp_verify(&e, &res, why), 0);
	assert_int_equal(res.sigs.usage, 2);
	assert_int_equal(res.sigs.batches, 1);
	assert_int_equal(res.sigs.batch_records, 1);
	assert_int_equal(res.sigs.unverifiable, 0);
	/* the old key after the rekey: a USAGE, then a BATCH */
	usage_line(u, sizeof(u), "u3", "1000", "");
	usage_entry(&e2, "u3", "1000", "", u, k, 0);
	assert_int_equal(exp_verify(&e2, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 9: seq 8: the USAGE signature does "
	                         "not verify under dc's key in force at that "
	                         "seq (from seq 4)");
	exp_open(&e, 1);
	registers(&e, k, ks);
	key_hex(k2, kh);
	snprintf(f, sizeof(f), "type=rekey id=dc key=%s", kh);
	exp_entry(&e, f);
	snprintf(lines, sizeof(lines), "%s\n", u);
	b = batch_entry(&e, lines, 1, k);
	exp_line(&e, b, 1, u);
	assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 5: seq 4: the BATCH signature does "
	                         "not verify under dc's key in force at that "
	                         "seq (from seq 3)");
	sig_key_free(k);
	sig_key_free(ks);
	sig_key_free(k2);
}

/* Not verifiable, counted: entries written before the journal carried
 * signed bytes; an export that starts after the provider's register; a
 * batch whose lines the export lacks, and its records. Refused: an
 * entry without signed bytes after one with them. */
static void test_sigs_unverifiable(void **state)
{
	struct sig_key *k = seed_key(1), *ks = seed_key(2);
	struct audit_result res;
	char u[300], lines[400], why[400];
	static const char old[] =
	    "type=usage provider=dc id=o1 org=s at=" AT_ENTRY " period=2026 "
	    "amount=1 qty=1 unit=gpu-hour kind=training counts=-";
	struct exp e;
	uint64_t b;

	(void)state;
	exp_open(&e, 1);
	registers(&e, k, ks);
	exp_entry(&e, old);
	exp_entry(&e, "type=batch provider=dc n=1 sig=" HEX64 HEX64);
	exp_entry(&e, old);
	exp_entry(&e, "type=void provider=dc id=o1 at=1 period=2026 "
	              "reason=x by=provider");
	usage_line(u, sizeof(u), "u1", "1000", "");
	usage_entry(&e, "u1", "1000", "", u, k, 0);
	assert_int_equal(exp_verify(&e, &res, why), 0);
	assert_int_equal(res.sigs.unverifiable, 4);
	assert_int_equal(res.sigs.unv_first, 3);
	assert_int_equal(res.sigs.unv_last, 6);
	assert_int_equal(res.sigs.usage, 1);

	/* from seq 3 on: dc's key is not in the export */
	exp_open(&e, 3);
	usage_entry(&e, "u1", "1000", "", u, k, 0);
	usage_line(u, sizeof(u), "u2", "1000", "");
	snprintf(lines, sizeof(lines), "%s\n", u);
	b = batch_entry(&e, lines, 1, k);
	exp_line(&e, b, 1, u);
	usage_entry(&e, "u2", "1000", "", u, NULL, b);
	assert_int_equal(exp_verify(&e, &res, why), 0);
	assert_int_equal(res.sigs.unverifiable, 3);
	assert_int_equal(res.sigs.unv_first, 3);
	assert_int_equal(res.sigs.unv_last, 5);
	assert_int_equal(res.sigs.usage + res.sigs.batches, 0);
	/* a batch whose lines the export does not carry: vouchctl journal
	 * always writes them, so their absence lets unsigned records in */
	exp_open(&e, 3);
	b = batch_entry(&e, lines, 1, k);
	usage_entry(&e, "u2", "1000", "", u, NULL, b);
	assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 2: seq 3: the export gives 0 of the "
	                         "batch's 1 lines");

	/* signed, then unsigned: refused */
	exp_open(&e, 1);
	registers(&e, k, ks);
	usage_line(u, sizeof(u), "u1", "1000", "");
	usage_entry(&e, "u1", "1000", "", u, k, 0);
	exp_entry(&e, old);
	assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 4: seq 4: a usage entry without its "
	                         "signed bytes after seq 3, which carries "
	                         "them");
	sig_key_free(k);
	sig_key_free(ks);
}

/* A batch's lines: changed, out of order, one missing; a record after
 * a later line's, and a record that is none of them. */
static void test_sigs_batch_lines(void **state)
{
	struct sig_key *k = seed_key(1), *ks = seed_key(2);
	struct audit_result res;
	char l1[300], l2[300], lines[700], why[400];
	struct exp e;
	uint64_t b;
	int t;

	(void)state;
	usage_line(l1, sizeof(l1), "b1", "1000", "");
	usage_line(l2, sizeof(l2), "b2", "2000", "");
	snprintf(lines, sizeof(lines), "%s\n%s\n", l1, l2);
	for (t = 0; t < 5; t++) {
		exp_open(&e, 1);
		registers(&e, k, ks);
		b = batch_entry(&e, lines, 2, k);
		if (t == 0) { /* amount=1000 became 1001 in line 1 */
			char bad[300];
			snprintf(bad, sizeof(bad), "%s", l1);
			strstr(bad, "amount=1000")[10] = '1';
			exp_line(&e, b, 1, bad);
			exp_line(&e, b, 2, l2);
		} else if (t == 1) {
			exp_line(&e, b, 2, l2);
		} else if (t == 2) {
			exp_line(&e, b, 1, l1);
		} else if (t == 4) {
			char l3[300];
			usage_line(l3, sizeof(l3), "b3", "3000", "");
			exp_line(&e, b, 1, l1);
			exp_line(&e, b, 2, l2);
			usage_entry(&e, "b3", "3000", "", l3, NULL, b);
		} else {
			exp_line(&e, b, 1, l1);
			exp_line(&e, b, 2, l2);
			usage_entry(&e, "b2", "2000", "", l2, NULL, b);
			/* b1 after b2: not a later line of the batch */
			usage_entry(&e, "b1", "1000", "", l1, NULL, b);
		}
		exp_entry(&e, "type=pay provider=dc amount=1 ref=r");
		assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
		if (t == 0)
			assert_string_equal(why,
			                    "line 5: seq 3: the batch's lines "
			                    "do not hash to its "
			                    "lines_sha256");
		else if (t == 1)
			assert_string_equal(why,
			                    "line 4: line 2 of batch seq 3 "
			                    "does not follow its batch entry "
			                    "and line 1 (each batch's lines "
			                    "come right after its entry, in "
			                    "order)");
		else if (t == 2)
			assert_string_equal(why,
			                    "line 5: seq 3: the export gives "
			                    "1 of the batch's 2 lines");
		else if (t == 3)
			assert_string_equal(why,
			                    "line 7: seq 5: its line is none "
			                    "of batch seq 3's lines after "
			                    "line 2, the previous record's");
		else
			assert_string_equal(why,
			                    "line 6: seq 4: its line is none "
			                    "of batch seq 3's lines");
	}
	sig_key_free(k);
	sig_key_free(ks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_entry_json),
	    cmocka_unit_test(test_verify),
	    cmocka_unit_test(test_checkpoint),
	    cmocka_unit_test(test_checkpoint_bounds),
	    cmocka_unit_test(test_sigs_good),
	    cmocka_unit_test(test_sigs_tampered),
	    cmocka_unit_test(test_sigs_rekey),
	    cmocka_unit_test(test_sigs_unverifiable),
	    cmocka_unit_test(test_sigs_batch_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
