/* See upgrade8.h. */
#include "upgrade8.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "pno.h"
#include "rowcopy.h"

/* A table's key fields in order: P a principal (64 bytes padded -> its
 * number), S another id (64 bytes padded -> its own length and a NUL),
 * 2 and 8 a number of that many bytes (copied). */
static const struct {
	enum store_db db;
	const char *fields;
} tables[] = {
    {DB_ACCRUAL, "PSS2"},  {DB_VOUCHERS, "S"},     {DB_VOUCHERS_BY, "PS"},
    {DB_EXPIRY, "8S"},     {DB_REDEMPTIONS, "PS"}, {DB_REC_REDEEMED, "PSS"},
    {DB_RECEIVABLES, "P"}, {DB_PAYMENTS, "PS"},    {DB_BATCHES, "P8"},
};

static size_t old_len(const char *f)
{
	size_t n = 0;

	for (; *f; f++)
		n += *f == '2' ? 2 : *f == '8' ? 8 : STORE_ID;
	return n;
}

/* Old key k in the new layout into nk (ROWCOPY_KEY bytes), its length in
 * *nn: shorter than the old, or VD_EINTERNAL (below). */
static int convert(struct ltx *t, const char *f, const uint8_t *k, uint8_t *nk,
                   size_t *nn)
{
	char id[STORE_ID + 1];
	uint32_t no;
	int rc;

	*nn = 0;
	for (; *f; f++) {
		switch (*f) {
		case 'P':
		case 'S':
			store_key_get_id(k, id);
			k += STORE_ID;
			if (*f == 'S') {
				*nn = store_key_str(nk, *nn, id);
				break;
			}
			if ((rc = pno_get(t, id, &no)) < 0)
				return rc == VD_ENOENT ? VD_EINTERNAL : rc;
			*nn = store_key_u32(nk, *nn, no);
			break;
		default: {
			size_t l = *f == '2' ? 2 : 8;
			memcpy(nk + *nn, k, l);
			*nn += l;
			k += l;
			break;
		}
		}
	}
	return 0;
}

/* New keys sort before the old ones they replace (a number's first byte
 * is below any id's; an id ended by its NUL before the same id padded),
 * so each chunk starts after the last old key rewritten. */
static int table(struct ltx *t, enum store_db db, const char *fields, size_t *n)
{
	struct rowcopy c = {old_len(fields), 0, NULL, 0, 0, {0}};
	uint8_t nk[ROWCOPY_KEY];
	int rc, first = 1;

	while ((rc = rowcopy_chunk(t, db, &c, first)) == 0 && c.n > 0) {
		size_t off = 0, nn;
		const uint8_t *k;
		MDB_val v;
		first = 0;
		while (rc == 0 && rowcopy_next(&c, &off, &k, &v)) {
			/* a new key must be shorter than the old one
			 * (rowcopy.h passes over the shorter ones) and
			 * sort before it: true of every id below 63 bytes
			 * (a number's 4 bytes replace 64; an id and its
			 * NUL sort before the same id padded). Voucher ids
			 * are 13 to 21 bytes; a key where it is not true
			 * (a 63- or 64-byte voucher id) is refused, not
			 * rewritten again and again */
			if ((rc = convert(t, fields, k, nk, &nn)) == 0 &&
			    nn >= c.klen)
				rc = VD_EINTERNAL;
			if (rc == 0 && (rc = ltx_del(t, db, k, c.klen)) == 0)
				rc = ltx_put(t, db, nk, nn, v.mv_data,
				             v.mv_size);
			(*n)++;
		}
		if (rc < 0)
			break;
	}
	free(c.buf);
	return rc;
}

int upgrade8_keys(struct ltx *t, size_t *n)
{
	size_t i;
	int rc = 0;

	*n = 0;
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]) && rc == 0; i++)
		rc = table(t, tables[i].db, tables[i].fields, n);
	return rc;
}
