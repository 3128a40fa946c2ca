/* What the audit tests share (tests/client/test_audit*.c): exports built
 * entry by entry, each hashed onto the previous with OpenSSL's SHA-256
 * (not chain.h's, which audit.c uses, so that the two are checked
 * against each other), keys from fixed seeds, signed lines. Header-only,
 * as the ledger's fixture. */
#ifndef VD_AUDIT_FIXTURE_H
#define VD_AUDIT_FIXTURE_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "hex.h"
#include "req.h"
#include "sig.h"

#define HEX64 "0000000000000000000000000000000000000000000000000000000000000000"

static inline void sha(const uint8_t prev[32], const char *bytes,
                       uint8_t out[32])
{
	uint8_t buf[8192];
	unsigned int n = 32;

	memcpy(buf, prev, 32);
	memcpy(buf + 32, bytes, strlen(bytes));
	assert_int_equal(
	    EVP_Digest(buf, 32 + strlen(bytes), out, &n, EVP_sha256(), NULL),
	    1);
}

/* An export built entry by entry, each hashed onto the previous. */
struct exp {
	FILE *f;
	uint8_t prev[32];
	uint64_t seq;
};

static inline void exp_open(struct exp *e, uint64_t first)
{
	memset(e, 0, sizeof(*e));
	e->f = tmpfile();
	assert_non_null(e->f);
	e->seq = first - 1;
}

/* The next entry: "seq=S time=T " and fields; its seq. */
static inline uint64_t exp_entry(struct exp *e, const char *fields)
{
	char bytes[6000], row[6200], json[8192], hex[65];

	e->seq++;
	snprintf(bytes, sizeof(bytes), "seq=%llu time=2026-06-01T01:00:00Z %s",
	         (unsigned long long)e->seq, fields);
	sha(e->prev, bytes, e->prev);
	hex_encode(e->prev, 32, hex);
	snprintf(row, sizeof(row), "ENTRY %s hash=%s", bytes, hex);
	assert_int_equal(audit_entry_json(row, json, sizeof(json)), 0);
	fprintf(e->f, "%s\n", json);
	return e->seq;
}

/* A batch's line as vouchctl journal writes it after the entry. */
static inline void exp_line(struct exp *e, uint64_t batch, uint64_t i,
                            const char *line)
{
	json_t *o = json_pack("{sIsIss}", "batch", (json_int_t)batch, "i",
	                      (json_int_t)i, "line", line);
	char *js = json_dumps(o, JSON_COMPACT);

	fprintf(e->f, "%s\n", js);
	free(js);
	json_decref(o);
}

static inline int exp_verify(struct exp *e, struct audit_result *res, char *why)
{
	int rc;

	rewind(e->f);
	rc = audit_verify(e->f, NULL, NULL, res, why, 400);
	fclose(e->f);
	return rc;
}

static inline struct sig_key *seed_key(uint8_t b)
{
	uint8_t seed[32];
	struct sig_key *k = NULL;

	memset(seed, b, sizeof(seed));
	assert_int_equal(sig_key_from_seed(seed, &k), 0);
	return k;
}

static inline void key_hex(struct sig_key *k, char out[65])
{
	uint8_t pub[32];

	assert_int_equal(sig_key_public(k, pub), 0);
	hex_encode(pub, 32, out);
}

static inline void sign_hex(struct sig_key *k, const char *msg, size_t len,
                            char out[129])
{
	uint8_t sig[64];

	assert_int_equal(sig_sign(k, msg, len, sig), 0);
	hex_encode(sig, 64, out);
}

#define AT_LINE "2026-06-01T00:00:00Z"
#define AT_ENTRY "1780272000"

/* A USAGE line of dc for s (and its org, amount, extra keys). */
static inline void usage_line(char *buf, size_t size, const char *id,
                              const char *amount, const char *extra)
{
	snprintf(buf, size,
	         "USAGE provider=dc id=%s org=s at=" AT_LINE " amount=%s "
	         "qty=1 unit=gpu-hour kind=training%s",
	         id, amount, extra);
}

/* The usage entry of a record: with sig= (k signs line) or batch=. */
static inline uint64_t usage_entry_of(struct exp *e, const char *provider,
                                      const char *id, const char *amount,
                                      const char *extra, const char *line,
                                      struct sig_key *k, uint64_t batch)
{
	char enc[3 * 600 + 1], f[3000], tail[2200], sig[129];

	req_pct_encode(line, strlen(line), enc);
	if (batch) {
		snprintf(tail, sizeof(tail), "batch=%llu line=%s",
		         (unsigned long long)batch, enc);
	} else {
		sign_hex(k, line, strlen(line), sig);
		snprintf(tail, sizeof(tail), "line=%s sig=%s", enc, sig);
	}
	snprintf(f, sizeof(f),
	         "type=usage provider=%s id=%s org=s at=" AT_ENTRY
	         " period=2026 amount=%s qty=1 unit=gpu-hour kind=training%s "
	         "counts=- %s",
	         provider, id, amount, extra, tail);
	return exp_entry(e, f);
}

/* The same for provider dc. */
static inline uint64_t usage_entry(struct exp *e, const char *id,
                                   const char *amount, const char *extra,
                                   const char *line, struct sig_key *k,
                                   uint64_t batch)
{
	return usage_entry_of(e, "dc", id, amount, extra, line, k, batch);
}

/* register dc (provider, key k) and s (org): seqs 1 and 2 */
static inline void registers(struct exp *e, struct sig_key *k,
                             struct sig_key *ks)
{
	char f[300], kh[65];

	key_hex(k, kh);
	snprintf(f, sizeof(f),
	         "type=register id=dc role=provider key=%s local=1", kh);
	exp_entry(e, f);
	key_hex(ks, kh);
	snprintf(f, sizeof(f),
	         "type=register id=s role=org key=%s kind=school local=0", kh);
	exp_entry(e, f);
}

/* A batch entry for lines (each with its LF) signed by k: "type=batch
 * provider=dc n=N sig=.. lines_sha256=..". */
/* A batch entry of provider whose lines k signs. */
static inline uint64_t batch_entry_of(struct exp *e, const char *provider,
                                      const char *lines, size_t n,
                                      struct sig_key *k)
{
	char f[600], sig[129], dh[65];
	uint8_t d[32];
	unsigned int dl = 32;

	sign_hex(k, lines, strlen(lines), sig);
	assert_int_equal(
	    EVP_Digest(lines, strlen(lines), d, &dl, EVP_sha256(), NULL), 1);
	hex_encode(d, 32, dh);
	snprintf(f, sizeof(f),
	         "type=batch provider=%s n=%zu sig=%s lines_sha256=%s",
	         provider, n, sig, dh);
	return exp_entry(e, f);
}

/* The same for provider dc. */
static inline uint64_t batch_entry(struct exp *e, const char *lines, size_t n,
                                   struct sig_key *k)
{
	return batch_entry_of(e, "dc", lines, n, k);
}

#endif
