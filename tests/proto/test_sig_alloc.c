/* How much OpenSSL allocates per verification: counted through
 * CRYPTO_set_mem_functions, which must run before OpenSSL allocates
 * anything, hence a binary of its own. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <cmocka.h>

#include "err.h"
#include "sig.h"

static long allocs;

static void *count_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	allocs++;
	return malloc(n);
}

static void *count_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	allocs++;
	return realloc(p, n);
}

static void count_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	free(p);
}

#define ROUNDS 1000

static void test_cached_context_allocates_less(void **state)
{
	static const char msg[] = "USAGE provider=dc1 id=r-1 org=o";
	struct sig_verifier *v = NULL;
	struct sig_key *k = NULL;
	struct sig_pub *p = NULL;
	uint8_t pub[32], sig[64];
	long before, fresh, cached;
	int i;

	(void)state;
	assert_int_equal(sig_keygen(&k), 0);
	sig_key_public(k, pub);
	assert_int_equal(sig_pub_parse(pub, &p), 0);
	assert_int_equal(sig_sign(k, msg, sizeof(msg) - 1, sig), 0);
	assert_int_equal(sig_verifier_new(&v), 0);
	assert_int_equal(sig_verifier_check(v, p, msg, sizeof(msg) - 1, sig),
	                 0);

	before = allocs;
	for (i = 0; i < ROUNDS; i++)
		assert_int_equal(sig_verify(p, msg, sizeof(msg) - 1, sig), 0);
	fresh = allocs - before;
	before = allocs;
	for (i = 0; i < ROUNDS; i++)
		assert_int_equal(
		    sig_verifier_check(v, p, msg, sizeof(msg) - 1, sig), 0);
	cached = allocs - before;
	print_message("OpenSSL allocations per verification: fresh context "
	              "%.2f, bound verifier %.2f\n",
	              (double)fresh / ROUNDS, (double)cached / ROUNDS);
	/* the key is never parsed again, and the bound context saves most of
	 * OpenSSL's set-up */
	assert_true(cached * 2 < fresh);
	assert_true(cached <= 3 * ROUNDS);
	sig_verifier_free(v);
	sig_pub_free(p);
	sig_key_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cached_context_allocates_less),
	};

	if (CRYPTO_set_mem_functions(count_malloc, count_realloc, count_free) !=
	    1) {
		fprintf(stderr, "OpenSSL allocated before main\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
