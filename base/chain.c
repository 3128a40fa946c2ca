#include "chain.h"

#include <openssl/evp.h>
#include <string.h>

#include "err.h"

int chain_hash(const uint8_t prev[CHAIN_HASH_LEN], const char *bytes,
               size_t len, uint8_t out[CHAIN_HASH_LEN])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t h[CHAIN_HASH_LEN];
	int ok;

	if (md == NULL)
		return VD_ENOMEM;
	ok = EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
	     EVP_DigestUpdate(md, prev, CHAIN_HASH_LEN) == 1 &&
	     EVP_DigestUpdate(md, bytes, len) == 1 &&
	     EVP_DigestFinal_ex(md, h, NULL) == 1;
	EVP_MD_CTX_free(md);
	if (!ok)
		return VD_EINTERNAL;
	memcpy(out, h, CHAIN_HASH_LEN);
	return 0;
}

int chain_digest(const void *bytes, size_t len, uint8_t out[CHAIN_HASH_LEN])
{
	uint8_t h[CHAIN_HASH_LEN];
	unsigned int n = 0;

	if (EVP_Digest(bytes, len, h, &n, EVP_sha256(), NULL) != 1 ||
	    n != CHAIN_HASH_LEN)
		return VD_EINTERNAL;
	memcpy(out, h, CHAIN_HASH_LEN);
	return 0;
}

const char *chain_field(const char *e, size_t len, const char *key,
                        size_t *vlen)
{
	size_t kl = strlen(key), i;

	for (i = 0; i + kl + 1 < len; i++) {
		size_t j;
		if (e[i] != ' ' || memcmp(e + i + 1, key, kl) != 0 ||
		    e[i + 1 + kl] != '=')
			continue;
		i += kl + 2;
		for (j = i; j < len && e[j] != ' '; j++)
			;
		*vlen = j - i;
		return e + i;
	}
	return NULL;
}
