/* Ed25519: RFC 8032 vectors, tampering, key files, weak keys, AUTH. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "err.h"
#include "hex.h"
#include "sig.h"

struct vector {
	const char *name, *seed, *pub, *msg, *sig;
};

/* RFC 8032 section 7.1: TEST 1, 2, 3 and TEST 1024 (a 1023-byte
 * message). */
static const struct vector rfc8032[] = {
    {"TEST 1",
     "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"TEST 2",
     "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"TEST 3",
     "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
    {"TEST 1024",
     "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
     "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
     "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98"
     "fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d8"
     "79de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d"
     "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc"
     "1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe"
     "ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e"
     "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbef"
     "efd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7"
     "aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1"
     "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2"
     "d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24"
     "554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270"
     "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc"
     "2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b07"
     "07e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba"
     "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51a"
     "ddd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429e"
     "c96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7"
     "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c"
     "42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8"
     "ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df"
     "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08"
     "d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649"
     "de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4"
     "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3"
     "2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e"
     "6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f"
     "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b5"
     "0d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1"
     "369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d"
     "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c"
     "0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0",
     "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350"
     "aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03"},
};

static void unhex(const char *s, uint8_t *out, size_t n)
{
	assert_int_equal(hex_decode(s, strlen(s), out, n), 0);
}

static void test_rfc8032_vectors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rfc8032) / sizeof(rfc8032[0]); i++) {
		const struct vector *v = &rfc8032[i];
		uint8_t seed[32], pub[32], want_pub[32], sig[64], want_sig[64];
		size_t mlen = strlen(v->msg) / 2;
		uint8_t *msg = malloc(mlen + 1);
		struct sig_key *k = NULL;
		struct sig_pub *p = NULL;

		unhex(v->seed, seed, 32);
		unhex(v->pub, want_pub, 32);
		unhex(v->sig, want_sig, 64);
		assert_int_equal(hex_decode(v->msg, strlen(v->msg), msg, mlen),
		                 0);
		if (i == 3)
			assert_int_equal(mlen, 1023);
		assert_int_equal(sig_key_from_seed(seed, &k), 0);
		assert_int_equal(sig_key_public(k, pub), 0);
		assert_memory_equal(pub, want_pub, 32);
		assert_int_equal(sig_sign(k, msg, mlen, sig), 0);
		assert_memory_equal(sig, want_sig, 64);
		assert_int_equal(sig_pub_parse(want_pub, &p), 0);
		assert_int_equal(sig_verify(p, msg, mlen, want_sig), 0);
		sig_pub_free(p);
		sig_key_free(k);
		free(msg);
	}
}

/* A record line as the wire will carry it: what USAGE signs is the exact
 * bytes before " sig=". */
static const char line[] =
    "USAGE provider=dc1 id=r-0001 org=school-7 at=2026-03-01T08:00:00Z "
    "amount=10000000 qty=3600 unit=gpu-hour kind=training";

static void test_any_flipped_byte_fails(void **state)
{
	struct sig_key *k = NULL;
	struct sig_pub *p = NULL;
	uint8_t pub[32], sig[64];
	char copy[sizeof(line)];
	size_t i, n = sizeof(line) - 1;

	(void)state;
	assert_int_equal(sig_keygen(&k), 0);
	assert_int_equal(sig_key_public(k, pub), 0);
	assert_int_equal(sig_pub_parse(pub, &p), 0);
	assert_int_equal(sig_sign(k, line, n, sig), 0);
	assert_int_equal(sig_verify(p, line, n, sig), 0);
	for (i = 0; i < n; i++) {
		memcpy(copy, line, sizeof(line));
		copy[i] ^= 0x01;
		assert_int_equal(sig_verify(p, copy, n, sig), PROTO_EBADSIG);
	}
	for (i = 0; i < 64; i++) {
		sig[i] ^= 0x80;
		assert_int_equal(sig_verify(p, line, n, sig), PROTO_EBADSIG);
		sig[i] ^= 0x80;
	}
	/* one byte more or less is another message */
	assert_int_equal(sig_verify(p, line, n - 1, sig), PROTO_EBADSIG);
	sig_pub_free(p);
	sig_key_free(k);
}

static void test_key_file_mode(void **state)
{
	char dir[] = "/tmp/vd_sig_XXXXXX", path[64];
	struct sig_key *k = NULL, *k2 = NULL;
	uint8_t pub[32], pub2[32];
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/key.pem", dir);
	assert_int_equal(sig_keygen(&k), 0);
	assert_int_equal(sig_key_save(k, path), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* never overwritten */
	assert_int_equal(sig_key_save(k, path), PROTO_EEXIST);
	assert_int_equal(sig_key_load(path, &k2), 0);
	sig_key_public(k, pub);
	sig_key_public(k2, pub2);
	assert_memory_equal(pub, pub2, 32);
	sig_key_free(k2);
	/* group or world readable: refused */
	assert_int_equal(chmod(path, 0644), 0);
	k2 = NULL;
	assert_int_equal(sig_key_load(path, &k2), PROTO_EPERM);
	assert_null(k2);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(sig_key_load(path, &k2), PROTO_EPERM);
	assert_int_equal(sig_key_load("/nonexistent/key.pem", &k2), PROTO_EIO);
	unlink(path);
	rmdir(dir);
	sig_key_free(k);
}

static void test_small_order_keys_refused(void **state)
{
	/* the eight points of small order, and non-canonical spellings of
	 * some of them (x = 0 with the sign bit, y >= p) */
	static const char *const weak[] = {
	    "0100000000000000000000000000000000000000000000000000000000000000",
	    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	    "0000000000000000000000000000000000000000000000000000000000000000",
	    "0000000000000000000000000000000000000000000000000000000000000080",
	    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
	    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
	    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
	    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
	    "0100000000000000000000000000000000000000000000000000000000000080",
	    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"};
	struct sig_pub *p = NULL;
	uint8_t raw[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
		unhex(weak[i], raw, 32);
		if (sig_pub_parse(raw, &p) != PROTO_EBADKEY)
			fail_msg("weak key %s accepted", weak[i]);
	}
	unhex(rfc8032[0].pub, raw, 32);
	assert_int_equal(sig_pub_parse(raw, &p), 0);
	sig_pub_free(p);
}

static void test_auth_challenge(void **state)
{
	const char *nonce =
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	char other[65];
	struct sig_key *k = NULL;
	struct sig_pub *p = NULL;
	uint8_t pub[32], sig[64];

	(void)state;
	assert_int_equal(sig_keygen(&k), 0);
	sig_key_public(k, pub);
	assert_int_equal(sig_pub_parse(pub, &p), 0);
	assert_int_equal(sig_auth_sign(k, nonce, 64, sig), 0);
	assert_int_equal(sig_auth_verify(p, nonce, 64, sig), 0);
	/* the signed bytes are the prefix and the nonce as sent */
	{
		char msg[128];
		snprintf(msg, sizeof(msg), "vouchd-auth-v1 %s", nonce);
		assert_int_equal(sig_verify(p, msg, strlen(msg), sig), 0);
	}
	memcpy(other, nonce, 65);
	other[63] = 'e';
	assert_int_equal(sig_auth_verify(p, other, 64, sig), PROTO_EBADSIG);
	assert_int_equal(sig_auth_verify(p, nonce, 63, sig), PROTO_EINVAL);
	sig_pub_free(p);
	sig_key_free(k);
}

static void test_verifier_reuse(void **state)
{
	struct sig_key *k[2] = {NULL, NULL};
	struct sig_pub *p[2] = {NULL, NULL};
	struct sig_verifier *v = NULL;
	uint8_t pub[32], sig[2][64], bad[64];
	int i, j;

	(void)state;
	for (i = 0; i < 2; i++) {
		assert_int_equal(sig_keygen(&k[i]), 0);
		sig_key_public(k[i], pub);
		assert_int_equal(sig_pub_parse(pub, &p[i]), 0);
		assert_int_equal(sig_sign(k[i], line, 10, sig[i]), 0);
	}
	memcpy(bad, sig[0], 64);
	bad[0] ^= 1;
	assert_int_equal(sig_verifier_new(&v), 0);
	/* the same key again and again, a bad signature in between, then
	 * the other key: the bound context must follow */
	for (j = 0; j < 3; j++) {
		assert_int_equal(sig_verifier_check(v, p[0], line, 10, sig[0]),
		                 0);
		assert_int_equal(sig_verifier_check(v, p[0], line, 10, bad),
		                 PROTO_EBADSIG);
		assert_int_equal(sig_verifier_check(v, p[0], line, 10, sig[1]),
		                 PROTO_EBADSIG);
		assert_int_equal(sig_verifier_check(v, p[1], line, 10, sig[1]),
		                 0);
		assert_int_equal(sig_verifier_check(v, p[1], line, 10, sig[0]),
		                 PROTO_EBADSIG);
	}
	/* freeing a key the verifier is bound to is safe */
	sig_pub_free(p[1]);
	assert_int_equal(sig_verifier_check(v, p[0], line, 10, sig[0]), 0);
	sig_verifier_free(v);
	sig_pub_free(p[0]);
	sig_key_free(k[0]);
	sig_key_free(k[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc8032_vectors),
	    cmocka_unit_test(test_any_flipped_byte_fails),
	    cmocka_unit_test(test_key_file_mode),
	    cmocka_unit_test(test_small_order_keys_refused),
	    cmocka_unit_test(test_auth_challenge),
	    cmocka_unit_test(test_verifier_reuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
