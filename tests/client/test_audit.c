/* client/audit: an ENTRY row as NDJSON, the offline verification of a
 * chain built here by hand with OpenSSL's SHA-256 (not chain.h's
 * chain_hash, which audit.c uses, so that the two are checked against
 * each other), and
 * checkpoints in both forms. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "err.h"
#include "hex.h"
#include "sig.h"

#define HEX64 "0000000000000000000000000000000000000000000000000000000000000000"

static void sha(const uint8_t prev[32], const char *bytes, uint8_t out[32])
{
	uint8_t buf[4096];
	unsigned int n = 32;

	memcpy(buf, prev, 32);
	memcpy(buf + 32, bytes, strlen(bytes));
	assert_int_equal(
	    EVP_Digest(buf, 32 + strlen(bytes), out, &n, EVP_sha256(), NULL),
	    1);
}

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_entry_json),
	    cmocka_unit_test(test_verify),
	    cmocka_unit_test(test_checkpoint),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
