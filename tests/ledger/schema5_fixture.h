/* For tests that make an older store out of a current one (to upgrade
 * it): the rows schemas 6 and 7 changed, put back as schema 5 (and 4)
 * wrote them. Principal numbers go (schema 7), records and the org index
 * go back to padded ids and fixed rows (ledger/upgrade7.h says what the
 * upgrade does the other way); accrual keys lose their project, records
 * and vouchers the project field (upgrade6.h). Only for the small stores
 * of unit tests: at most FX5_ROWS rows a table. */
#ifndef VD_SCHEMA5_FIXTURE_H
#define VD_SCHEMA5_FIXTURE_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "err.h"
#include "store.h"

#define FX5_ROWS 64

struct fx5_rows {
	struct {
		uint8_t k[3 * STORE_ID + 2];
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

/* Schema 8's keys back to schema 7's (ledger/upgrade8.h the other way):
 * fields P (a principal's number -> its id padded), S (an id and its
 * NUL -> padded), 2 and 8 (copied). */
static inline int fx7_key(struct ltx *t, const char *f, const uint8_t *k,
                          size_t klen, uint8_t *ok, size_t *on)
{
	const uint8_t *p = k, *end = k + klen;
	char id[STORE_ID + 1];
	int rc;

	*on = 0;
	for (; *f; f++) {
		if (*f == 'P' || *f == 'S') {
			if ((rc = *f == 'P'
			              ? pno_take(t, &p, end, id)
			              : store_key_take_str(&p, end, id)) < 0)
				return rc;
			*on = store_key_id(ok, *on, id);
		} else {
			size_t l = *f == '2' ? 2 : 8;
			if ((size_t)(end - p) < l)
				return VD_EINTERNAL;
			memcpy(ok + *on, p, l);
			*on += l;
			p += l;
		}
	}
	return p == end ? 0 : VD_EINTERNAL;
}

static inline int fx_as_schema7(struct ltx *t, struct fx5_rows *s)
{
	static const struct {
		enum store_db db;
		const char *f;
	} tb[] = {{DB_ACCRUAL, "PSS2"},   {DB_VOUCHERS, "S"},
	          {DB_VOUCHERS_BY, "PS"}, {DB_EXPIRY, "8S"},
	          {DB_REDEMPTIONS, "PS"}, {DB_REC_REDEEMED, "PSS"},
	          {DB_RECEIVABLES, "P"},  {DB_PAYMENTS, "PS"},
	          {DB_BATCHES, "P8"}};
	size_t i, j, on;
	int rc = 0;

	for (j = 0; rc == 0 && j < sizeof(tb) / sizeof(tb[0]); j++) {
		s->n = 0;
		rc = ltx_walk(t, tb[j].db, NULL, 0, NULL, 0, fx5_save, s);
		for (i = 0; rc == 0 && i < s->n; i++) {
			uint8_t ok[3 * STORE_ID + 2];
			if ((rc = fx7_key(t, tb[j].f, s->r[i].k, s->r[i].klen,
			                  ok, &on)) == 0 &&
			    (rc = ltx_del(t, tb[j].db, s->r[i].k,
			                  s->r[i].klen)) == 0)
				rc = ltx_put(t, tb[j].db, ok, on, s->r[i].v,
				             s->r[i].vlen);
		}
	}
	s->n = 0;
	return rc;
}

static inline int fx_as_schema5(struct ltx *t)
{
	struct fx5_rows *s = calloc(1, sizeof(*s));
	size_t i;
	int rc;

	if (s == NULL)
		return VD_ENOMEM;
	/* schema 8's keys first: the steps below read schema 7's */
	if ((rc = fx_as_schema7(t, s)) < 0) {
		free(s);
		return rc;
	}
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
	/* records: (provider, id) padded -> the fixed row without its
	 * project, then line and counts */
	s->n = 0;
	if (rc == 0)
		rc = ltx_walk(t, DB_RECORDS, NULL, 0, NULL, 0, fx5_save, s);
	for (i = 0; rc == 0 && i < s->n; i++) {
		uint8_t v[2048], ok[2 * STORE_ID];
		char prov[STORE_ID + 1], id[STORE_ID + 1];
		struct rec_row_v5 o;
		struct recrow r;
		uint32_t pno;
		memset(&o, 0, sizeof(o));
		if ((rc = recrow_key_parse(s->r[i].k, s->r[i].klen, &pno, id)) <
		        0 ||
		    (rc = recrow_decode(s->r[i].v, s->r[i].vlen, &r)) < 0 ||
		    (rc = pno_id(t, pno, prov)) < 0 ||
		    (rc = pno_id(t, r.org, o.org)) < 0)
			break;
		o.at = r.at;
		o.amount = r.amount;
		o.qty = r.qty;
		memcpy(o.unit, r.unit, sizeof(o.unit));
		memcpy(o.klass, r.klass, sizeof(o.klass));
		o.kind = r.kind;
		o.status = r.status;
		memcpy(o.sig, r.sig, sizeof(o.sig));
		o.seq = r.seq;
		o.line_len = r.flags & RECROW_LINE ? r.line_len : 0;
		o.counts_len = r.counts_len;
		if (r.flags & RECROW_BATCH)
			snprintf(o.batch, sizeof(o.batch), "%" PRIu64, r.batch);
		memcpy(v, &o, sizeof(o));
		memcpy(v + sizeof(o), r.line, o.line_len);
		memcpy(v + sizeof(o) + o.line_len, r.counts, r.counts_len);
		store_key_id(ok, store_key_id(ok, 0, prov), id);
		if ((rc = ltx_del(t, DB_RECORDS, s->r[i].k, s->r[i].klen)) == 0)
			rc = ltx_put(t, DB_RECORDS, ok, sizeof(ok), v,
			             sizeof(o) + o.line_len + o.counts_len);
	}
	/* the org index: (org padded, period, seq) -> "provider\0id" */
	s->n = 0;
	if (rc == 0)
		rc = ltx_walk(t, DB_RECS_BY_ORG, NULL, 0, NULL, 0, fx5_save, s);
	for (i = 0; rc == 0 && i < s->n; i++) {
		char org[STORE_ID + 1], prov[STORE_ID + 1], id[STORE_ID + 1];
		uint8_t ok[STORE_ID + 2 + 8];
		char ref[2 * STORE_ID + 2];
		uint32_t pno;
		int n;
		if ((rc = recrow_key_parse(s->r[i].v, s->r[i].vlen, &pno, id)) <
		        0 ||
		    (rc = pno_id(t, pno, prov)) < 0 ||
		    (rc = pno_id(t, store_get_u32(s->r[i].k), org)) < 0)
			break;
		store_key_id(ok, 0, org);
		memcpy(ok + STORE_ID, s->r[i].k + 4, 2 + 8);
		n = snprintf(ref, sizeof(ref), "%s%c%s", prov, 0, id);
		if ((rc = ltx_del(t, DB_RECS_BY_ORG, s->r[i].k,
		                  s->r[i].klen)) == 0)
			rc = ltx_put(t, DB_RECS_BY_ORG, ok, sizeof(ok), ref,
			             (size_t)n);
	}
	/* no principal numbers before schema 7 */
	s->n = 0;
	if (rc == 0)
		rc = ltx_walk(t, DB_PNOS, NULL, 0, NULL, 0, fx5_save, s);
	for (i = 0; rc == 0 && i < s->n; i++)
		rc = ltx_del(t, DB_PNOS, s->r[i].k, s->r[i].klen);
	if (rc == 0)
		rc = ltx_del(t, DB_META, "pno", 3);
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
