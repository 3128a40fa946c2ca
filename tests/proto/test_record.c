/* Signed record lines, voids and batches. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "record.h"
#include "req.h"
#include "sig.h"

struct keys {
	struct sig_key *k;
	struct sig_pub *p;
};

static int setup(void **state)
{
	struct keys *ks = calloc(1, sizeof(*ks));
	uint8_t pub[SIG_PUB_LEN];

	if (ks == NULL || sig_keygen(&ks->k) < 0 ||
	    sig_key_public(ks->k, pub) < 0 || sig_pub_parse(pub, &ks->p) < 0)
		return -1;
	*state = ks;
	return 0;
}

static int teardown(void **state)
{
	struct keys *ks = *state;

	sig_key_free(ks->k);
	sig_pub_free(ks->p);
	free(ks);
	return 0;
}

static struct record sample(const char *id)
{
	struct record r;

	memset(&r, 0, sizeof(r));
	strcpy(r.provider, "dc1");
	snprintf(r.id, sizeof(r.id), "%s", id);
	strcpy(r.org, "school-7");
	r.at = 1772352000; /* 2026-03-01T08:00:00Z */
	r.amount = 10000000;
	r.qty = 3600;
	strcpy(r.unit, "gpu-hour");
	r.kind = 0;
	return r;
}

/* What the daemon does with a signed line: the signature taken from the
 * line (record_sig), verified over the bytes it covers. */
static int verify_line(const struct sig_pub *p, const struct req *q)
{
	uint8_t sig[SIG_LEN];
	int rc = record_sig(q, sig);

	return rc < 0 ? rc : sig_verify(p, q->line, q->signed_len, sig);
}

static int verify_batch(const struct sig_pub *p, const struct req *h,
                        const char *lines, size_t len)
{
	uint8_t sig[SIG_LEN];
	int rc = record_sig(h, sig);

	return rc < 0 ? rc : sig_verify(p, lines, len, sig);
}

static void test_record_round_trip(void **state)
{
	struct keys *ks = *state;
	struct record r = sample("r-0001"), back;
	char line[RECORD_LINE_MAX];
	struct req q;
	int n;

	strcpy(r.klass, "domestic");
	n = record_sign(ks->k, &r, line, sizeof(line));
	assert_true(n > 0);
	assert_int_equal(
	    strncmp(line,
	            "USAGE provider=dc1 id=r-0001 org=school-7 "
	            "at=2026-03-01T08:00:00Z amount=10000000 "
	            "qty=3600 unit=gpu-hour kind=training "
	            "class=domestic sig=",
	            strlen("USAGE provider=dc1 id=r-0001 org=school-7 "
	                   "at=2026-03-01T08:00:00Z amount=10000000 "
	                   "qty=3600 unit=gpu-hour kind=training "
	                   "class=domestic sig=")),
	    0);
	assert_int_equal(req_parse(line, (size_t)n, 4096, REQ_LINE, &q), 0);
	assert_int_equal(verify_line(ks->p, &q), 0);
	assert_int_equal(record_from_req(&q, &back), 0);
	assert_memory_equal(&r, &back, sizeof(r));
}

static void test_flipped_byte_never_accepted(void **state)
{
	struct keys *ks = *state;
	struct record r = sample("r-0002");
	char line[RECORD_LINE_MAX], copy[RECORD_LINE_MAX];
	struct req q;
	size_t i;
	int n, bit;

	n = record_sign(ks->k, &r, line, sizeof(line));
	assert_true(n > 0);
	for (i = 0; i < (size_t)n; i++)
		for (bit = 0; bit < 8; bit++) {
			int rc;
			memcpy(copy, line, (size_t)n);
			copy[i] ^= (char)(1 << bit);
			rc = req_parse(copy, (size_t)n, 4096, REQ_LINE, &q);
			if (rc == 0)
				rc = verify_line(ks->p, &q);
			if (rc == 0)
				fail_msg("byte %zu bit %d flipped: accepted", i,
				         bit);
		}
}

static void test_batch_of_three(void **state)
{
	struct keys *ks = *state;
	char lines[3 * RECORD_LINE_MAX], hdr[256];
	struct req h;
	size_t len = 0;
	int i, n;

	for (i = 0; i < 3; i++) {
		char id[16];
		struct record r;
		snprintf(id, sizeof(id), "b-%d", i);
		r = sample(id);
		n = record_format(&r, lines + len, sizeof(lines) - len);
		assert_true(n > 0);
		len += (size_t)n;
		lines[len++] = '\n';
	}
	n = record_batch_header(ks->k, "dc1", lines, len, 3, hdr, sizeof(hdr));
	assert_true(n > 0);
	assert_int_equal(req_parse(hdr, (size_t)n, 4096, REQ_LINE, &h), 0);
	assert_true(h.num[KEY_N] == 3);
	assert_int_equal(verify_batch(ks->p, &h, lines, len), 0);
	/* every line counts with its LF */
	assert_int_equal(verify_batch(ks->p, &h, lines, len - 1),
	                 PROTO_EBADSIG);
	lines[len / 2] ^= 1;
	assert_int_equal(verify_batch(ks->p, &h, lines, len), PROTO_EBADSIG);
}

static void test_void(void **state)
{
	struct keys *ks = *state;
	char line[4 * REQ_TEXT_MAX], text[REQ_TEXT_MAX + 1];
	struct req q;
	size_t n;
	const char *v;
	int len;

	len = record_void_sign(ks->k, "dc1", "r-0001", 1772352000,
	                       "billing error 造假", line, sizeof(line));
	assert_true(len > 0);
	assert_int_equal(req_parse(line, (size_t)len, 4096, REQ_LINE, &q), 0);
	assert_int_equal(q.spec->id, CMD_VOID);
	assert_int_equal(verify_line(ks->p, &q), 0);
	v = req_str(&q, KEY_REASON, &n);
	assert_int_equal(req_pct_decode(v, n, text, sizeof(text), NULL), 0);
	assert_string_equal(text, "billing error 造假");
}

static void test_format_refuses_bad_fields(void **state)
{
	struct record r = sample("r 1");
	char line[RECORD_LINE_MAX];

	(void)state;
	assert_int_equal(record_format(&r, line, sizeof(line)), PROTO_ENOEQ);
	r = sample("r-1");
	strcpy(r.org, "School");
	assert_int_equal(record_format(&r, line, sizeof(line)), PROTO_EID);
	r = sample("r-1");
	assert_int_equal(record_format(&r, line, 20), PROTO_ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_record_round_trip),
	    cmocka_unit_test(test_flipped_byte_never_accepted),
	    cmocka_unit_test(test_batch_of_three),
	    cmocka_unit_test(test_void),
	    cmocka_unit_test(test_format_refuses_bad_fields),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
