#include "sig.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "hex.h"

struct sig_key {
	EVP_PKEY *pkey;
};

struct sig_pub {
	EVP_PKEY *pkey;
};

static int wrap_key(EVP_PKEY *pkey, struct sig_key **out)
{
	struct sig_key *k;

	if (pkey == NULL)
		return PROTO_ECRYPTO;
	k = malloc(sizeof(*k));
	if (k == NULL) {
		EVP_PKEY_free(pkey);
		return PROTO_ENOMEM;
	}
	k->pkey = pkey;
	*out = k;
	return 0;
}

int sig_keygen(struct sig_key **out)
{
	if (out == NULL)
		return PROTO_EINVAL;
	return wrap_key(EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"), out);
}

int sig_key_from_seed(const uint8_t seed[SIG_SEED_LEN], struct sig_key **out)
{
	if (seed == NULL || out == NULL)
		return PROTO_EINVAL;
	return wrap_key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL,
	                                             seed, SIG_SEED_LEN),
	                out);
}

void sig_key_free(struct sig_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey); /* OpenSSL wipes the private key bytes */
	free(k);
}

int sig_key_public(const struct sig_key *k, uint8_t pub[SIG_PUB_LEN])
{
	size_t len = SIG_PUB_LEN;

	if (k == NULL || pub == NULL)
		return PROTO_EINVAL;
	if (EVP_PKEY_get_raw_public_key(k->pkey, pub, &len) != 1 ||
	    len != SIG_PUB_LEN)
		return PROTO_ECRYPTO;
	return 0;
}

int sig_key_save(const struct sig_key *k, const char *path)
{
	FILE *f;
	int fd, ok;

	if (k == NULL || path == NULL)
		return PROTO_EINVAL;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	          0600);
	if (fd < 0)
		return errno == EEXIST ? PROTO_EEXIST : PROTO_EIO;
	/* the umask may only take bits away; make the mode exact anyway */
	if (fchmod(fd, 0600) < 0 || (f = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(path);
		return PROTO_EIO;
	}
	ok = PEM_write_PrivateKey(f, k->pkey, NULL, NULL, 0, NULL, NULL) == 1;
	ok = (fflush(f) == 0) && ok && fsync(fileno(f)) == 0;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok) {
		unlink(path);
		return PROTO_EIO;
	}
	return 0;
}

int sig_key_load(const char *path, struct sig_key **out)
{
	EVP_PKEY *pkey;
	struct stat st;
	FILE *f;
	int fd;

	if (path == NULL || out == NULL)
		return PROTO_EINVAL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return PROTO_EIO;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return PROTO_EIO;
	}
	/* checked on the open file, so the file read is the file checked */
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		return PROTO_EPERM;
	}
	f = fdopen(fd, "r");
	if (f == NULL) {
		close(fd);
		return PROTO_EIO;
	}
	pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (pkey == NULL)
		return PROTO_ECRYPTO;
	if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(pkey);
		return PROTO_EBADKEY;
	}
	return wrap_key(pkey, out);
}

int sig_sign(const struct sig_key *k, const void *msg, size_t len,
             uint8_t sig[SIG_LEN])
{
	size_t siglen = SIG_LEN;
	EVP_MD_CTX *md;
	int rc = PROTO_ECRYPTO;

	if (k == NULL || (msg == NULL && len > 0) || sig == NULL)
		return PROTO_EINVAL;
	md = EVP_MD_CTX_new();
	if (md == NULL)
		return PROTO_ENOMEM;
	/* Ed25519 is one-shot: no digest is named */
	if (EVP_DigestSignInit(md, NULL, NULL, NULL, k->pkey) == 1 &&
	    EVP_DigestSign(md, sig, &siglen, msg, len) == 1 &&
	    siglen == SIG_LEN)
		rc = 0;
	EVP_MD_CTX_free(md);
	return rc;
}

/* The y coordinates (sign bit cleared) of the eight points of small order:
 * 0 (order 4), 1 (identity), p - 1 (order 2) and the two of order 8. */
static const uint8_t small_order_y[5][SIG_PUB_LEN] = {
    {0},
    {1},
    {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4,
     0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6,
     0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
    {0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b,
     0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39,
     0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a}};

static int weak_key(const uint8_t raw[SIG_PUB_LEN])
{
	uint8_t y[SIG_PUB_LEN];
	size_t i;
	int all_ff = 1;

	memcpy(y, raw, SIG_PUB_LEN);
	y[31] &= 0x7f;
	/* y >= p = 2^255 - 19 is not a canonical encoding */
	for (i = 1; i < 31; i++)
		all_ff &= y[i] == 0xff;
	if (all_ff && y[31] == 0x7f && y[0] >= 0xed)
		return 1;
	for (i = 0; i < 5; i++)
		if (memcmp(y, small_order_y[i], SIG_PUB_LEN) == 0)
			return 1;
	return 0;
}

int sig_pub_parse(const uint8_t raw[SIG_PUB_LEN], struct sig_pub **out)
{
	struct sig_pub *p;
	EVP_PKEY *pkey;

	if (raw == NULL || out == NULL)
		return PROTO_EINVAL;
	if (weak_key(raw))
		return PROTO_EBADKEY;
	pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw,
	                                   SIG_PUB_LEN);
	if (pkey == NULL)
		return PROTO_EBADKEY;
	p = malloc(sizeof(*p));
	if (p == NULL) {
		EVP_PKEY_free(pkey);
		return PROTO_ENOMEM;
	}
	p->pkey = pkey;
	*out = p;
	return 0;
}

void sig_pub_free(struct sig_pub *p)
{
	if (p == NULL)
		return;
	EVP_PKEY_free(p->pkey);
	free(p);
}

int sig_verify(const struct sig_pub *p, const void *msg, size_t len,
               const uint8_t sig[SIG_LEN])
{
	EVP_MD_CTX *md;
	int rc;

	if (p == NULL || (msg == NULL && len > 0) || sig == NULL)
		return PROTO_EINVAL;
	md = EVP_MD_CTX_new();
	if (md == NULL)
		return PROTO_ENOMEM;
	if (EVP_DigestVerifyInit(md, NULL, NULL, NULL, p->pkey) != 1) {
		EVP_MD_CTX_free(md);
		return PROTO_ECRYPTO;
	}
	/* 1 is a good signature; 0 a bad one and < 0 a malformed one, and
	 * both are simply not a signature of this message */
	rc = EVP_DigestVerify(md, sig, SIG_LEN, msg, len) == 1 ? 0
	                                                       : PROTO_EBADSIG;
	EVP_MD_CTX_free(md);
	return rc;
}

struct sig_verifier {
	EVP_MD_CTX *md;
	EVP_PKEY *bound; /* a reference of our own, so it cannot be freed
	                    and its address reused while we compare it */
	int ready;       /* md is initialised for bound */
};

int sig_verifier_new(struct sig_verifier **out)
{
	struct sig_verifier *v;

	if (out == NULL)
		return PROTO_EINVAL;
	v = calloc(1, sizeof(*v));
	if (v == NULL || (v->md = EVP_MD_CTX_new()) == NULL) {
		free(v);
		return PROTO_ENOMEM;
	}
	*out = v;
	return 0;
}

void sig_verifier_free(struct sig_verifier *v)
{
	if (v == NULL)
		return;
	EVP_MD_CTX_free(v->md);
	EVP_PKEY_free(v->bound);
	free(v);
}

int sig_verifier_check(struct sig_verifier *v, const struct sig_pub *p,
                       const void *msg, size_t len, const uint8_t sig[SIG_LEN])
{
	int ok;

	if (v == NULL || p == NULL || (msg == NULL && len > 0) || sig == NULL)
		return PROTO_EINVAL;
	if (v->ready && v->bound == p->pkey) {
		/* a NULL key re-initialises the context for the same key */
		ok = EVP_DigestVerifyInit(v->md, NULL, NULL, NULL, NULL) == 1;
	} else {
		if (EVP_PKEY_up_ref(p->pkey) != 1)
			return PROTO_ECRYPTO;
		EVP_PKEY_free(v->bound);
		v->bound = p->pkey;
		/* OpenSSL 3.0 keeps an initialised context's key even when
		 * another is passed: the context must be reset first (a test
		 * caught verifications against the previous key) */
		EVP_MD_CTX_reset(v->md);
		ok =
		    EVP_DigestVerifyInit(v->md, NULL, NULL, NULL, p->pkey) == 1;
	}
	v->ready = ok;
	if (!ok)
		return PROTO_ECRYPTO;
	return EVP_DigestVerify(v->md, sig, SIG_LEN, msg, len) == 1
	           ? 0
	           : PROTO_EBADSIG;
}

#define AUTH_NONCE_LEN 64

static int auth_message(const char *nonce, size_t len, char *buf)
{
	size_t plen = sizeof(SIG_AUTH_PREFIX) - 1;
	uint8_t raw[AUTH_NONCE_LEN / 2];

	if (nonce == NULL || hex_decode(nonce, len, raw, sizeof(raw)) < 0)
		return PROTO_EINVAL;
	memcpy(buf, SIG_AUTH_PREFIX, plen);
	memcpy(buf + plen, nonce, len);
	return (int)(plen + len);
}

int sig_auth_sign(const struct sig_key *k, const char *nonce, size_t len,
                  uint8_t sig[SIG_LEN])
{
	char msg[sizeof(SIG_AUTH_PREFIX) + AUTH_NONCE_LEN];
	int n = auth_message(nonce, len, msg);

	return n < 0 ? n : sig_sign(k, msg, (size_t)n, sig);
}

int sig_auth_verify(const struct sig_pub *p, const char *nonce, size_t len,
                    const uint8_t sig[SIG_LEN])
{
	char msg[sizeof(SIG_AUTH_PREFIX) + AUTH_NONCE_LEN];
	int n = auth_message(nonce, len, msg);

	return n < 0 ? n : sig_verify(p, msg, (size_t)n, sig);
}
