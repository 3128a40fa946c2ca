/* Ed25519 with OpenSSL's EVP interface only: keys, PEM key files, raw
 * public keys (as 64 hex digits on the wire: hex.h), signing and
 * verification, and the AUTH challenge.
 *
 * A struct sig_key (private) or struct sig_pub (public) holds one parsed
 * EVP_PKEY; parse a principal's key once and keep it, so that verifying a
 * record never parses a key again. Both are immutable after creation and
 * may be shared between threads for signing or verifying. Free with
 * sig_key_free / sig_pub_free. Private key bytes are wiped after use. */
#ifndef VD_SIG_H
#define VD_SIG_H

#include <stddef.h>
#include <stdint.h>

#define SIG_PUB_LEN 32
#define SIG_SEED_LEN 32
#define SIG_LEN 64
#define SIG_PUB_HEX (2 * SIG_PUB_LEN) /* 64 hex digits */
#define SIG_HEX (2 * SIG_LEN)         /* 128 hex digits */
#define SIG_AUTH_PREFIX "vouchd-auth-v1 "

struct sig_key;
struct sig_pub;

/* A new random key pair. */
int sig_keygen(struct sig_key **out);

/* The key pair of a 32-byte RFC 8032 seed (tests and vectors). */
int sig_key_from_seed(const uint8_t seed[SIG_SEED_LEN], struct sig_key **out);

void sig_key_free(struct sig_key *k);

int sig_key_public(const struct sig_key *k, uint8_t pub[SIG_PUB_LEN]);

/* Write the private key as PKCS#8 PEM to a new file with mode 0600;
 * PROTO_EEXIST if the path exists (a key is never overwritten). */
int sig_key_save(const struct sig_key *k, const char *path);

/* Read a PEM private key. A file that group or others may read is refused
 * with PROTO_EPERM, before its bytes are read. */
int sig_key_load(const char *path, struct sig_key **out);

int sig_sign(const struct sig_key *k, const void *msg, size_t len,
             uint8_t sig[SIG_LEN]);

/* Parse a raw public key. Refused with PROTO_EBADKEY: a y coordinate of
 * p or more (non-canonical), and the eight points of small order in any
 * encoding, since a signature by such a key can verify for any message. */
int sig_pub_parse(const uint8_t raw[SIG_PUB_LEN], struct sig_pub **out);

void sig_pub_free(struct sig_pub *p);

/* 0 if sig is p's signature of msg, PROTO_EBADSIG if not. */
int sig_verify(const struct sig_pub *p, const void *msg, size_t len,
               const uint8_t sig[SIG_LEN]);

/* A verifier: one per thread (it is not thread-safe), reused for every
 * verification. It keeps OpenSSL's verification context bound to the key
 * it last checked, so a run of records from one principal skips setting
 * the context up again. Measured on OpenSSL 3.0: 3 allocations inside
 * OpenSSL per verification on the bound key, against 11 with a fresh
 * context; OpenSSL's EVP interface offers no way to reach 0. */
struct sig_verifier;

int sig_verifier_new(struct sig_verifier **out);
void sig_verifier_free(struct sig_verifier *v);

/* As sig_verify, with v's context. */
int sig_verifier_check(struct sig_verifier *v, const struct sig_pub *p,
                       const void *msg, size_t len, const uint8_t sig[SIG_LEN]);

/* AUTH: sign or verify "vouchd-auth-v1 " followed by the nonce as sent
 * (64 hex digits). */
int sig_auth_sign(const struct sig_key *k, const char *nonce, size_t len,
                  uint8_t sig[SIG_LEN]);
int sig_auth_verify(const struct sig_pub *p, const char *nonce, size_t len,
                    const uint8_t sig[SIG_LEN]);

#endif
