/* The journal's hash chain. Expected hashes were computed outside this
 * code, with Python's hashlib: sha256(bytes(32)) and so on; the first is
 * the well-known SHA-256 of 32 zero bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "chain.h"
#include "hex.h"

static void hash_hex(const uint8_t h[CHAIN_HASH_LEN], char out[65])
{
	hex_encode(h, CHAIN_HASH_LEN, out);
}

static void test_chain(void **state)
{
	static const char e1[] = "seq=1 time=2026-01-01T00:00:00Z "
	                         "type=register id=bureau role=bureau";
	static const char e2[] = "seq=2 time=2026-01-01T00:00:01Z "
	                         "type=policy files=1 pools=0";
	uint8_t zero[CHAIN_HASH_LEN], h[CHAIN_HASH_LEN];
	char hex[65];

	(void)state;
	memset(zero, 0, sizeof(zero));
	assert_int_equal(chain_hash(zero, "", 0, h), 0);
	hash_hex(h, hex);
	assert_string_equal(
	    hex,
	    "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925");
	assert_int_equal(chain_hash(zero, e1, strlen(e1), h), 0);
	hash_hex(h, hex);
	assert_string_equal(
	    hex,
	    "7bf9730b3d5312cbb52e4388aafcc48d64f3ea4ac1f250b2754991f6db0387b0");
	/* prev and out may be one buffer */
	assert_int_equal(chain_hash(h, e2, strlen(e2), h), 0);
	hash_hex(h, hex);
	assert_string_equal(
	    hex,
	    "6a5f51db195bfd1cc165f015e2455a0470ba34d617fc7f318083e0692bd74dd3");
}

/* chain_digest: SHA-256 of the bytes alone (a batch's lines_sha256);
 * the first is the well-known SHA-256 of nothing, the second Python's
 * hashlib.sha256(b"USAGE provider=dc id=r1\nUSAGE provider=dc id=r2\n") */
static void test_digest(void **state)
{
	static const char lines[] = "USAGE provider=dc id=r1\n"
	                            "USAGE provider=dc id=r2\n";
	uint8_t h[CHAIN_HASH_LEN];
	char hex[65];

	(void)state;
	assert_int_equal(chain_digest("", 0, h), 0);
	hash_hex(h, hex);
	assert_string_equal(
	    hex,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(chain_digest(lines, strlen(lines), h), 0);
	hash_hex(h, hex);
	assert_string_equal(
	    hex,
	    "53b23d5be3384184831d493a1ccb47d29b9d708e9757d35c4bd78fc4e9753670");
}

/* An entry's field: the whole key after a space, up to the next space;
 * a key that is only a prefix of another is not it. */
static void test_field(void **state)
{
	static const char e[] = "seq=7 time=2026-06-01T00:00:00Z type=usage "
	                        "project=p1 proj=x id=";
	size_t n = 0;
	const char *v;

	(void)state;
	v = chain_field(e, sizeof(e) - 1, "project", &n);
	assert_non_null(v);
	assert_int_equal(n, 2);
	assert_memory_equal(v, "p1", 2);
	v = chain_field(e, sizeof(e) - 1, "proj", &n);
	assert_true(v != NULL && n == 1 && v[0] == 'x');
	v = chain_field(e, sizeof(e) - 1, "id", &n);
	assert_true(v != NULL && n == 0);
	assert_null(chain_field(e, sizeof(e) - 1, "pro", &n));
	assert_null(chain_field(e, sizeof(e) - 1, "class", &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_chain),
	    cmocka_unit_test(test_digest),
	    cmocka_unit_test(test_field),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
