/* For tests that make an older store out of a current one (to upgrade
 * it): the rows schema 6 changed, put back as schema 5 (and 4) wrote
 * them. Accrual keys lose their project, records and vouchers the
 * project field (ledger/upgrade6.h says what the upgrade does the other
 * way). Only for the small stores of unit tests: at most FX5_ROWS rows a
 * table. */
#ifndef VD_SCHEMA5_FIXTURE_H
#define VD_SCHEMA5_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "err.h"
#include "store.h"

#define FX5_ROWS 64

struct fx5_rows {
	struct {
		uint8_t k[BOOK_ACC_KEY];
		size_t klen;
		uint8_t v[2048];
		size_t vlen;
	} r[FX5_ROWS];
	size_t n;
};

static inline int fx5_save(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct fx5_rows *s = arg;

	if (s->n == FX5_ROWS || k->mv_size > sizeof(s->r[0].k) ||
	    v->mv_size > sizeof(s->r[0].v))
		return VD_ELIMIT;
	memcpy(s->r[s->n].k, k->mv_data, k->mv_size);
	s->r[s->n].klen = k->mv_size;
	memcpy(s->r[s->n].v, v->mv_data, v->mv_size);
	s->r[s->n].vlen = v->mv_size;
	s->n++;
	return 0;
}

static inline int fx_as_schema5(struct ltx *t)
{
	struct fx5_rows *s = calloc(1, sizeof(*s));
	size_t i;
	int rc;

	if (s == NULL)
		return VD_ENOMEM;
	/* accrual: (ben, prog, proj, period) -> (ben, prog, period) */
	rc = ltx_walk(t, DB_ACCRUAL, NULL, 0, NULL, 0, fx5_save, s);
	for (i = 0; rc == 0 && i < s->n; i++) {
		uint8_t ok[2 * STORE_ID + 2];
		memcpy(ok, s->r[i].k, 2 * STORE_ID);
		memcpy(ok + 2 * STORE_ID, s->r[i].k + 3 * STORE_ID, 2);
		if ((rc = ltx_del(t, DB_ACCRUAL, s->r[i].k, s->r[i].klen)) == 0)
			rc = ltx_put(t, DB_ACCRUAL, ok, sizeof(ok), s->r[i].v,
			             s->r[i].vlen);
	}
	/* records: the row without its project, then line and counts */
	s->n = 0;
	if (rc == 0)
		rc = ltx_walk(t, DB_RECORDS, NULL, 0, NULL, 0, fx5_save, s);
	for (i = 0; rc == 0 && i < s->n; i++) {
		uint8_t v[2048];
		size_t rest = s->r[i].vlen - sizeof(struct rec_row);
		memcpy(v, s->r[i].v, sizeof(struct rec_row_v5));
		memcpy(v + sizeof(struct rec_row_v5),
		       s->r[i].v + sizeof(struct rec_row), rest);
		rc = ltx_put(t, DB_RECORDS, s->r[i].k, s->r[i].klen, v,
		             sizeof(struct rec_row_v5) + rest);
	}
	/* vouchers: the row without its project (the last field) */
	s->n = 0;
	if (rc == 0)
		rc = ltx_walk(t, DB_VOUCHERS_BY, NULL, 0, NULL, 0, fx5_save, s);
	for (i = 0; rc == 0 && i < s->n; i++)
		rc = ltx_put(t, DB_VOUCHERS_BY, s->r[i].k, s->r[i].klen,
		             s->r[i].v, sizeof(struct voucher_row_v5));
	free(s);
	return rc;
}

#endif
