/* libFuzzer target: the policy loader (policy_load_blob, the path of a
 * policy the ledger stored, and through it the INI reader and the builder
 * every policy file goes through). An input whose first byte is 0 is a
 * blob as the ledger stores it (a length's first byte is 0); any other is
 * INI text, cut at form feeds into up to POLICY_MAX_FILES files wrapped
 * into a blob here, so that mutations reach the INI parser instead of
 * breaking the framing. A policy that loads must keep policy.h's
 * promises: programs in id order, indexes in range, shares summing to
 * 10000; a blob of plain names reloads to the same bytes (its hash is
 * the one the journal recorded). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "policy.h"

static void put_be64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (56 - 8 * i));
}

/* The text as files 00.ini, 01.ini, ... cut at '\f' (each file costs
 * 22 bytes of framing and name, less its '\f'). */
static unsigned char *wrap(const uint8_t *data, size_t size, size_t *len)
{
	unsigned char *b = malloc(size + 22 * POLICY_MAX_FILES);
	size_t pos = 0, from = 0, i, nfiles = 0;

	if (b == NULL)
		return NULL;
	for (i = 0; i <= size; i++) {
		char name[8];
		if (i < size &&
		    (data[i] != '\f' || nfiles + 1 == POLICY_MAX_FILES))
			continue;
		snprintf(name, sizeof(name), "%02zu.ini", nfiles++);
		put_be64(b + pos, 6);
		memcpy(b + pos + 8, name, 6);
		pos += 14;
		put_be64(b + pos, i - from);
		memcpy(b + pos + 8, data + from, i - from);
		pos += 8 + i - from;
		from = i + 1;
	}
	*len = pos;
	return b;
}

/* Whether every name in the blob is plain (no '/', no NUL), so that the
 * loader rebuilds the same blob. */
static int plain_names(const unsigned char *b, size_t len)
{
	size_t pos = 0, i;
	uint64_t n;

	while (pos < len) {
		for (n = 0, i = 0; i < 8; i++)
			n = n << 8 | b[pos + i];
		for (i = 0; i < n; i++)
			if (b[pos + 8 + i] == '/' || b[pos + 8 + i] == '\0')
				return 0;
		pos += 8 + n;
		for (n = 0, i = 0; i < 8; i++)
			n = n << 8 | b[pos + i];
		pos += 8 + n;
	}
	return 1;
}

static void check(const struct policy *p, const unsigned char *b, size_t len)
{
	size_t i, k;
	int64_t sum;

	if (plain_names(b, len) &&
	    (p->blob_len != len || memcmp(p->blob, b, len) != 0))
		abort();
	for (i = 0; i < p->nprograms; i++) {
		const struct policy_program *g = &p->programs[i];
		if (i > 0 && strcmp(p->programs[i - 1].id, g->id) >= 0)
			abort();
		if (policy_program(p, g->id) != g ||
		    policy_program_index(p, g->id) != (int)i)
			abort();
		if (g->nshares < 1 || g->nshares > POLICY_MAX_SHARES ||
		    g->ntiers > POLICY_MAX_TIERS)
			abort();
		for (sum = 0, k = 0; k < g->nshares; k++) {
			if (g->shares[k].pool < 0 ||
			    (size_t)g->shares[k].pool >= p->npools)
				abort();
			sum += g->shares[k].bp;
		}
		if (sum != 10000)
			abort();
		if (g->group != POLICY_NO_GROUP &&
		    (g->group < 0 || (size_t)g->group >= p->ngroups))
			abort();
	}
	for (i = 0; i < p->ngroups; i++)
		for (k = 0; k < p->groups[i].nprograms; k++)
			if (p->groups[i].programs[k] < 0 ||
			    (size_t)p->groups[i].programs[k] >= p->nprograms)
				abort();
	for (i = 0; i < p->npools; i++)
		if (policy_pool_index(p, p->pools[i].id) != (int)i)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	static struct policy_errors errs;
	struct policy *p = NULL;
	unsigned char *b;
	size_t len = size;
	int rc;

	if (null == NULL && (null = fopen("/dev/null", "w")) == NULL)
		abort();
	/* a private copy without slack, so ASan sees any read past len */
	if (size > 0 && data[0] == 0) {
		if ((b = malloc(size)) == NULL)
			return 0;
		memcpy(b, data, size);
	} else if ((b = wrap(data, size, &len)) == NULL) {
		return 0;
	}
	rc = policy_load_blob(b, len, &p, &errs);
	if (rc == 0) {
		if (p == NULL || errs.total != 0)
			abort();
		check(p, b, len);
		if (policy_print(p, null) != 0)
			abort();
		policy_free(p);
	} else if (p != NULL || (rc == VD_EPOLICY && errs.total == 0) ||
	           errs.n > POLICY_MAX_ERRORS || errs.n > errs.total) {
		abort();
	}
	for (len = 0; len < errs.n; len++)
		if (memchr(errs.msg[len], '\0', POLICY_ERR_LEN) == NULL)
			abort();
	free(b);
	return 0;
}
