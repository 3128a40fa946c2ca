/* See upgrade7.h. */
#include "upgrade7.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "chain.h"
#include "err.h"
#include "journal.h"
#include "num.h"
#include "rowcopy.h"

/* Register entries' ids, in journal order. */
struct ids {
	char (*id)[STORE_ID + 1];
	size_t n, cap;
};

static int register_one(void *arg, uint64_t seq, const char *e, size_t len,
                        const uint8_t hash[CHAIN_HASH_LEN])
{
	struct ids *s = arg;
	char type[16];

	(void)seq;
	(void)hash;
	if (!journal_field(e, len, "type", type, sizeof(type)) ||
	    strcmp(type, "register") != 0)
		return 0;
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 256;
		void *q = realloc(s->id, nc * sizeof(*s->id));
		if (q == NULL)
			return VD_ENOMEM;
		s->id = q;
		s->cap = nc;
	}
	if (!journal_field(e, len, "id", s->id[s->n], sizeof(*s->id)))
		return VD_EINTERNAL;
	s->n++;
	return 0;
}

int upgrade7_numbers(struct ltx *t, size_t *n)
{
	struct ids s = {NULL, 0, 0};
	size_t i;
	uint32_t no;
	int rc;

	*n = 0;
	/* read first, written after: the journal's cursor sees no write */
	if ((rc = journal_read(t, 0, 0, register_one, &s)) < 0)
		goto out;
	for (i = 0; i < s.n && rc == 0; i++) {
		/* a second register entry of an id never was written; if
		 * it were, the first gives the number */
		if ((rc = pno_get(t, s.id[i], &no)) == 0)
			continue;
		if (rc == VD_ENOENT && (rc = pno_assign(t, s.id[i], &no)) == 0)
			(*n)++;
	}
out:
	free(s.id);
	return rc;
}

static int number(struct ltx *t, const char *id, uint32_t *no)
{
	int rc = pno_get(t, id, no);

	return rc == VD_ENOENT ? VD_EINTERNAL : rc;
}

/* One schema-6 row (key k: provider, id padded) in recrow.h's. */
static int record_one(struct ltx *t, const uint8_t *k, const MDB_val *v,
                      uint8_t **val, size_t *vcap)
{
	char prov[STORE_ID + 1], id[STORE_ID + 1];
	uint8_t nk[RECROW_KEY];
	struct rec_row_v6 o;
	struct recrow r;
	const char *why;
	int64_t bseq;
	size_t len;
	int rc;

	if (v->mv_size < sizeof(o))
		return VD_EINTERNAL;
	memcpy(&o, v->mv_data, sizeof(o));
	if (v->mv_size - sizeof(o) != (size_t)o.line_len + o.counts_len ||
	    memchr(o.org, 0, sizeof(o.org)) == NULL ||
	    memchr(o.batch, 0, sizeof(o.batch)) == NULL ||
	    memchr(o.unit, 0, sizeof(o.unit)) == NULL ||
	    memchr(o.klass, 0, sizeof(o.klass)) == NULL ||
	    memchr(o.project, 0, sizeof(o.project)) == NULL)
		return VD_EINTERNAL;
	store_key_get_id(k, prov);
	store_key_get_id(k + STORE_ID, id);
	memset(&r, 0, sizeof(r));
	if ((rc = number(t, o.org, &r.org)) < 0)
		return rc;
	r.status = o.status;
	r.kind = o.kind;
	r.at = o.at;
	r.amount = o.amount;
	r.qty = o.qty;
	r.seq = o.seq;
	memcpy(r.unit, o.unit, sizeof(r.unit));
	memcpy(r.klass, o.klass, sizeof(r.klass));
	memcpy(r.project, o.project, sizeof(r.project));
	if (o.batch[0]) {
		/* its line is placed in the batch's after (batch_lines) */
		if (num_parse(o.batch, strlen(o.batch), 1, INT64_MAX, &bseq,
		              &why) < 0)
			return VD_EINTERNAL;
		r.flags = RECROW_BATCH;
		r.batch = (uint64_t)bseq;
	} else if (o.line_len > 0) {
		r.flags = RECROW_LINE;
		r.line = (const char *)v->mv_data + sizeof(o);
		r.line_len = o.line_len;
		memcpy(r.sig, o.sig, sizeof(r.sig));
	}
	r.counts = (const char *)v->mv_data + sizeof(o) + o.line_len;
	r.counts_len = o.counts_len;
	if (recrow_size(&r) > *vcap) {
		void *q = realloc(*val, recrow_size(&r));
		if (q == NULL)
			return VD_ENOMEM;
		*val = q;
		*vcap = recrow_size(&r);
	}
	if ((rc = recrow_encode(&r, *val, *vcap, &len)) < 0) {
		return rc == VD_EINVAL ? VD_EINTERNAL : rc;
	}
	{
		uint32_t pno;
		if ((rc = number(t, prov, &pno)) < 0 ||
		    (rc = ltx_del(t, DB_RECORDS, k, 2 * STORE_ID)) < 0)
			return rc;
		return ltx_put(t, DB_RECORDS, nk, recrow_key(nk, pno, id), *val,
		               len);
	}
}

static int records(struct ltx *t, size_t *n)
{
	struct rowcopy c = {2 * STORE_ID, 0, NULL, 0, 0, {0}};
	uint8_t *val = NULL;
	size_t vcap = 0;
	int rc, first = 1;

	while ((rc = rowcopy_chunk(t, DB_RECORDS, &c, first)) == 0 && c.n > 0) {
		size_t off = 0;
		const uint8_t *k;
		MDB_val v;
		first = 0;
		while (rc == 0 && rowcopy_next(&c, &off, &k, &v)) {
			rc = record_one(t, k, &v, &val, &vcap);
			(*n)++;
		}
		if (rc < 0)
			break;
	}
	free(val);
	free(c.buf);
	return rc;
}

/* The org index: (org padded, period, seq) -> "provider\0id" becomes
 * (org's number, period, seq) -> the record's key. */
static int org_index(struct ltx *t)
{
	struct rowcopy c = {STORE_ID + 2 + 8, 0, NULL, 0, 0, {0}};
	int rc, first = 1;

	while ((rc = rowcopy_chunk(t, DB_RECS_BY_ORG, &c, first)) == 0 &&
	       c.n > 0) {
		size_t off = 0;
		const uint8_t *k;
		MDB_val v;
		first = 0;
		while (rc == 0 && rowcopy_next(&c, &off, &k, &v)) {
			char org[STORE_ID + 1], prov[STORE_ID + 1];
			const char *p = v.mv_data;
			size_t pl = strnlen(p, v.mv_size);
			uint8_t nk[4 + 2 + 8], rk[RECROW_KEY];
			char id[STORE_ID + 1];
			uint32_t ono, pno;
			/* a damaged row: refused, through the one exit
			 * that frees c.buf */
			if (pl >= v.mv_size || pl > STORE_ID ||
			    v.mv_size - pl - 1 > STORE_ID ||
			    v.mv_size - pl - 1 == 0) {
				rc = VD_EINTERNAL;
				break;
			}
			memcpy(prov, p, pl);
			prov[pl] = '\0';
			memcpy(id, p + pl + 1, v.mv_size - pl - 1);
			id[v.mv_size - pl - 1] = '\0';
			store_key_get_id(k, org);
			if ((rc = number(t, org, &ono)) < 0 ||
			    (rc = number(t, prov, &pno)) < 0)
				break;
			store_key_u32(nk, 0, ono);
			memcpy(nk + 4, k + STORE_ID, 2 + 8);
			if ((rc = ltx_del(t, DB_RECS_BY_ORG, k, c.klen)) == 0)
				rc = ltx_put(t, DB_RECS_BY_ORG, nk, sizeof(nk),
				             rk, recrow_key(rk, pno, id));
		}
		if (rc < 0)
			break;
	}
	free(c.buf);
	return rc;
}

/* A batch record's line: found in its batch's lines by its id=, the
 * first line with it (a line again later in the batch was a
 * duplicate). */
struct place {
	char id[STORE_ID + 1];
	uint32_t off, len;
};

static int batch_lines(struct ltx *t, const uint8_t *bk, uint32_t pno)
{
	struct place *pl = NULL;
	size_t np = 0, i;
	uint8_t *val = NULL;
	uint64_t seq = store_get_u64(bk + STORE_ID);
	MDB_val v;
	int rc;

	if ((rc = ltx_get(t, DB_BATCHES, bk, STORE_ID + 8, &v)) < 0)
		return rc;
	{
		const char *b = v.mv_data, *p = b, *end = b + v.mv_size;
		size_t lines = 0;
		if (v.mv_size > UINT32_MAX)
			return VD_EINTERNAL;
		/* a place per line, not per two bytes */
		for (p = b; (p = memchr(p, '\n', (size_t)(end - p))) != NULL;
		     p++)
			lines++;
		p = b;
		pl = calloc(lines + 1, sizeof(*pl));
		if (pl == NULL)
			return VD_ENOMEM;
		while (p < end) {
			const char *lf = memchr(p, '\n', (size_t)(end - p));
			const char *id;
			size_t il;
			if (lf == NULL)
				break;
			id = chain_field(p, (size_t)(lf - p), "id", &il);
			if (id != NULL && il > 0 && il <= STORE_ID) {
				memcpy(pl[np].id, id, il);
				pl[np].id[il] = '\0';
				pl[np].off = (uint32_t)(p - b);
				pl[np++].len = (uint32_t)(lf - p);
			}
			p = lf + 1;
		}
	}
	for (i = 0; i < np && rc == 0; i++) {
		uint8_t k[RECROW_KEY];
		size_t klen = recrow_key(k, pno, pl[i].id), len;
		struct recrow r;
		if ((rc = ltx_get(t, DB_RECORDS, k, klen, &v)) == VD_ENOENT) {
			rc = 0; /* a line refused... never stored */
			continue;
		}
		if (rc < 0 ||
		    (rc = recrow_decode(v.mv_data, v.mv_size, &r)) < 0)
			break;
		if (!(r.flags & RECROW_BATCH) || r.batch != seq ||
		    r.line_len > 0)
			continue; /* another batch's, or placed already */
		r.line_off = pl[i].off;
		r.line_len = pl[i].len;
		free(val);
		if ((val = malloc(recrow_size(&r))) == NULL) {
			rc = VD_ENOMEM;
			break;
		}
		if ((rc = recrow_encode(&r, val, recrow_size(&r), &len)) == 0)
			rc = ltx_put(t, DB_RECORDS, k, klen, val, len);
	}
	free(val);
	free(pl);
	return rc;
}

struct bkeys {
	uint8_t (*k)[STORE_ID + 8];
	size_t n, cap;
};

static int bkey_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct bkeys *b = arg;

	(void)v;
	if (k->mv_size != STORE_ID + 8)
		return VD_EINTERNAL;
	if (b->n == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 256;
		void *q = realloc(b->k, nc * sizeof(*b->k));
		if (q == NULL)
			return VD_ENOMEM;
		b->k = q;
		b->cap = nc;
	}
	memcpy(b->k[b->n++], k->mv_data, STORE_ID + 8);
	return 0;
}

int upgrade7_records(struct ltx *t, size_t *n)
{
	struct bkeys b = {NULL, 0, 0};
	size_t i;
	int rc;

	*n = 0;
	if ((rc = records(t, n)) < 0 || (rc = org_index(t)) < 0 ||
	    (rc = ltx_walk(t, DB_BATCHES, NULL, 0, NULL, 0, bkey_one, &b)) < 0)
		goto out;
	for (i = 0; i < b.n && rc == 0; i++) {
		char prov[STORE_ID + 1];
		uint32_t pno;
		store_key_get_id(b.k[i], prov);
		if ((rc = number(t, prov, &pno)) == 0)
			rc = batch_lines(t, b.k[i], pno);
	}
out:
	free(b.k);
	return rc;
}
