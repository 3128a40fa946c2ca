/* Ed25519 edge cases pinned from Wycheproof's EdDSA vectors
 * (C2SP/wycheproof, testvectors_v1/ed25519_test.json, schema
 * eddsa_verify_schema_v1.json; the tcIds below are that file's). The
 * vectors are data: public key, message, signature and Wycheproof's
 * verdict, copied here as they are. Each is checked through proto/sig.h
 * as vouchd uses it: sig_pub_parse, then sig_verify (vouchctl, AUTH) and
 * a shared sig_verifier (the daemon's workers, vouchctl audit).
 *
 * Wycheproof's Ed25519 file has no small-order or non-canonical public
 * key: its small-order and non-canonical points are R values. The last
 * test pins what such a key would allow (OpenSSL 3.0 verifies a
 * signature R = identity, S = 0, the shape of tcId 15, under the identity
 * key for every message) and that sig_pub_parse refuses it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "hex.h"
#include "sig.h"

/* the keys of the groups used: A of tcIds 1-70, B of 84-85 (David
 * Benjamin's S bound), C of 80 and 151 (RFC 8032 TEST 1), D of 119 */
#define PK_A "7d4d0e7f6153a69b6242b522abbee685fda4420f8834b108c3bdae369ef549fa"
#define PK_B "100fdf47fb94f1536a4f7c3fda27383fa03375a8f527c537e6f1703c47f94f86"
#define PK_C "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
#define PK_D "4abfb535313705a6570018440cdec1a3ae33e51f352112fa6acbd0c6bc3ea859"

/* R and S values of tcIds 10-29 (little-endian, as encoded) */
#define V_0 "0000000000000000000000000000000000000000000000000000000000000000"
#define V_1 "0100000000000000000000000000000000000000000000000000000000000000"
#define V_LM1 "ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010"
#define V_L "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010"
#define V_P "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"

struct wp {
	int tc;
	const char *pk, *msg, *sig;
	int valid;
	const char *what;
};

static const struct wp cases[] = {
    /* valid signatures */
    {1, PK_A, "",
     "d4fbdb52bfa726b44d1786a8c0d171c3e62ca83c9e5bbe63de0bb2483f8fd6cc"
     "1429ab72cafc41ab56af02ff8fcc43b99bfe4c7ae940f60f38ebaa9d311c4007",
     1, "empty message"},
    {3, PK_A, "54657374",
     "7c38e026f29e14aabd059a0f2db8b0cd783040609a8be684db12f82a27774ab0"
     "7a9155711ecfaf7f99f277bad0c6ae7e39d4eef676573336a5c51eb6f946b30d",
     1, "the signature tcIds 63-70 change"},
    {5, PK_A, "313233343030",
     "657c1492402ab5ce03e2c3a7f0384d051b9cf3570f1207fc78c1bcc98c281c2b"
     "f0cf5b3a289976458a1be6277a5055545253b45b07dcc1abd96c8b989c00f301",
     1, "the signature tcIds 42-62 change"},
    {80, PK_C, "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
     1, "RFC 8032 TEST 1"},
    {84, PK_B,
     "124e583f8b8eca58bb29c271b41d36986bbc45541f8e51f9cb0133eca447601e",
     "dac119d6ca87fc59ae611c157048f4d4fc932a149dbe20ec6effd1436abf83ea"
     "05c7df0fef06147241259113909bc71bd3c53ba4464ffcad3c0968f2ffffff0f",
     1, "S just under L"},
    {119, PK_D, "321b5f663c19e30ee7bbb85e48ecf44db9d3f512",
     "f296715e855d8aecccba782b670163dedc4458fe4eb509a856bcac450920fd2e"
     "95a3a3eb212d2d9ccaf948c39ae46a2548af125f8e2ad9b77bd18f92d59f9200",
     1, "an arithmetic overflow in Tink"},
    /* R of small order (0: order 4; 1: the identity), R = L, R = p (a
     * non-canonical 0), each with S = 0, 1, L - 1, L, p */
    {10, PK_A, "3f", V_0 V_0, 0, "R order 4, S 0"},
    {11, PK_A, "3f", V_0 V_1, 0, "R order 4, S 1"},
    {12, PK_A, "3f", V_0 V_LM1, 0, "R order 4, S L-1"},
    {13, PK_A, "3f", V_0 V_L, 0, "R order 4, S L"},
    {14, PK_A, "3f", V_0 V_P, 0, "R order 4, S p"},
    {15, PK_A, "3f", V_1 V_0, 0, "R identity, S 0"},
    {16, PK_A, "3f", V_1 V_1, 0, "R identity, S 1"},
    {17, PK_A, "3f", V_1 V_LM1, 0, "R identity, S L-1"},
    {18, PK_A, "3f", V_1 V_L, 0, "R identity, S L"},
    {19, PK_A, "3f", V_1 V_P, 0, "R identity, S p"},
    {20, PK_A, "3f", V_L V_0, 0, "R = L, S 0"},
    {21, PK_A, "3f", V_L V_1, 0, "R = L, S 1"},
    {22, PK_A, "3f", V_L V_LM1, 0, "R = L, S L-1"},
    {23, PK_A, "3f", V_L V_L, 0, "R = L, S L"},
    {24, PK_A, "3f", V_L V_P, 0, "R = L, S p"},
    {25, PK_A, "3f", V_P V_0, 0, "R non-canonical 0, S 0"},
    {26, PK_A, "3f", V_P V_1, 0, "R non-canonical 0, S 1"},
    {27, PK_A, "3f", V_P V_LM1, 0, "R non-canonical 0, S L-1"},
    {28, PK_A, "3f", V_P V_L, 0, "R non-canonical 0, S L"},
    {29, PK_A, "3f", V_P V_P, 0, "R non-canonical 0, S p"},
    /* R changed, S recomputed so that a lenient decoder of R accepts */
    {42, PK_A, "313233343030",
     "647c1492402ab5ce03e2c3a7f0384d051b9cf3570f1207fc78c1bcc98c281c2b"
     "1d125e5538f38afbcc1c84e489521083041d24bc6240767029da063271a1ff0c",
     0, "bit 0 of R"},
    {58, PK_A, "313233343030",
     "657c1492402ab5ce03e2c3a7f0384d051b9cf3570f1207fc78c1bcc98c281c6b"
     "8da07efd07a6dafb015ed6a32fe136319a972ffbc341f3a0beae97ccf8136505",
     0, "bit 254 of R"},
    {59, PK_A, "313233343030",
     "657c1492402ab5ce03e2c3a7f0384d051b9cf3570f1207fc78c1bcc98c281cab"
     "227aedf259f910f0f3a759a335062665217925d019173b88917eae294f75d40f",
     0, "bit 255 of R: the sign of x"},
    {60, PK_A, "313233343030",
     V_0 "e0b8e7770d51c7a36375d006c5bffd6af43ff54aaf47e4330dc118c71d61ec02", 0,
     "R = 0"},
    {61, PK_A, "313233343030",
     "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
     "463a1908382e7eb7693acef9884f7cf931a215e0791876be22c631a59881fd0e",
     0, "R all ones: y non-canonical"},
    {151, PK_C, "313233343030",
     "0100000000000000000000000000000000000000000000000000000000000080"
     "c803ee1f2342aa96ff698a393d1ab5e66f3eda101d6d120b394c3fd32c117d0a",
     0, "R the identity with the sign of x set"},
    /* S at or over L: tcId 3's signature with S + kL (the same scalar
     * mod L), with bits 253-255 set, with S + p */
    {63, PK_A, "54657374",
     "7c38e026f29e14aabd059a0f2db8b0cd783040609a8be684db12f82a27774ab0"
     "67654bce3832c2d76f8f6f5dafc08d9339d4eef676573336a5c51eb6f946b31d",
     0, "S + L"},
    {64, PK_A, "54657374",
     "7c38e026f29e14aabd059a0f2db8b0cd783040609a8be684db12f82a27774ab0"
     "5439412b5395d42f462c67008eba6ca839d4eef676573336a5c51eb6f946b32d",
     0, "S + 2L"},
    {65, PK_A, "54657374",
     "7c38e026f29e14aabd059a0f2db8b0cd783040609a8be684db12f82a27774ab0"
     "2ee12ce5875bf9dff26556464bae2ad239d4eef676573336a5c51eb6f946b34d",
     0, "S + 4L"},
    {66, PK_A, "54657374",
     "7c38e026f29e14aabd059a0f2db8b0cd783040609a8be684db12f82a27774ab0"
     "e2300459f1e742404cd934d2c595a6253ad4eef676573336a5c51eb6f946b38d",
     0, "S + 8L"},
    {67, PK_A, "54657374",
     "7c38e026f29e14aabd059a0f2db8b0cd783040609a8be684db12f82a27774ab0"
     "7a9155711ecfaf7f99f277bad0c6ae7e39d4eef676573336a5c51eb6f946b32d",
     0, "S + 2^253"},
    {68, PK_A, "54657374",
     "7c38e026f29e14aabd059a0f2db8b0cd783040609a8be684db12f82a27774ab0"
     "7a9155711ecfaf7f99f277bad0c6ae7e39d4eef676573336a5c51eb6f946b34d",
     0, "S + 2^254"},
    {69, PK_A, "54657374",
     "7c38e026f29e14aabd059a0f2db8b0cd783040609a8be684db12f82a27774ab0"
     "7a9155711ecfaf7f99f277bad0c6ae7e39d4eef676573336a5c51eb6f946b38d",
     0, "S + 2^255"},
    {70, PK_A, "54657374",
     "7c38e026f29e14aabd059a0f2db8b0cd783040609a8be684db12f82a27774ab0"
     "679155711ecfaf7f99f277bad0c6ae7e39d4eef676573336a5c51eb6f946b38d",
     0, "S + p"},
    {85, PK_B,
     "6a0bc2b0057cedfc0fa2e3f7f7d39279b30f454a69dfd1117c758d86b19d85e0",
     "0971f86d2c9c78582524a103cb9cf949522ae528f8054dc20107d999be673ff4"
     "e25ebf2f2928766b1248bec6e91697775f8446639ede46ad4df4053000000010",
     0, "S just over L"},
};

static void unhex(const char *s, uint8_t *out, size_t n)
{
	assert_int_equal(strlen(s), 2 * n);
	assert_int_equal(hex_decode(s, strlen(s), out, n), 0);
}

static void test_wycheproof(void **state)
{
	struct sig_verifier *v = NULL;
	size_t i;

	(void)state;
	assert_int_equal(sig_verifier_new(&v), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct wp *c = &cases[i];
		int want = c->valid ? 0 : PROTO_EBADSIG;
		uint8_t pk[SIG_PUB_LEN], sig[SIG_LEN], msg[32];
		size_t mlen = strlen(c->msg) / 2;
		struct sig_pub *p = NULL;

		unhex(c->pk, pk, sizeof(pk));
		unhex(c->sig, sig, sizeof(sig));
		assert_true(mlen <= sizeof(msg));
		unhex(c->msg, msg, mlen);
		if (sig_pub_parse(pk, &p) != 0)
			fail_msg("tcId %d: the key is refused", c->tc);
		if (sig_verify(p, msg, mlen, sig) != want ||
		    sig_verifier_check(v, p, msg, mlen, sig) != want)
			fail_msg("tcId %d (%s): not %s", c->tc, c->what,
			         c->valid ? "valid" : "refused");
		sig_pub_free(p);
	}
	sig_verifier_free(v);
}

/* The identity as a public key, canonical (y = 1) and spelled y = p + 1:
 * OpenSSL verifies R = identity, S = 0 under it for any message, so
 * REGISTER, REKEY and vouchctl's checks must never take it. */
static void test_small_order_key_forgery(void **state)
{
	static const char *const identity[] = {
	    V_1,
	    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"};
	struct sig_pub *p = NULL;
	uint8_t pk[SIG_PUB_LEN];
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		unhex(identity[i], pk, sizeof(pk));
		assert_int_equal(sig_pub_parse(pk, &p), PROTO_EBADKEY);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_wycheproof),
	    cmocka_unit_test(test_small_order_key_forgery),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
