/* See check_records.h. */
#include "check_records.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "book.h"
#include "err.h"
#include "period.h"

struct walk {
	struct ltx *t;
	uint64_t records, indexed;
	char *msg;
	size_t msglen;
	int bad;
};

static int found(struct walk *w, const char *what, const MDB_val *k)
{
	uint32_t no = 0;
	char id[RECROW_ID + 1] = "?";

	recrow_key_parse(k->mv_data, k->mv_size, &no, id);
	snprintf(w->msg, w->msglen, "record %s of provider number %u: %s", id,
	         no, what);
	return w->bad = 1;
}

static int record_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct walk *w = arg;
	char id[RECROW_ID + 1], org[STORE_ID + 1];
	uint32_t no;
	struct recrow r;
	int rc;

	if (recrow_key_parse(k->mv_data, k->mv_size, &no, id) < 0 ||
	    recrow_decode(v->mv_data, v->mv_size, &r) < 0)
		return found(w, "a row of the wrong shape", k);
	if ((rc = pno_id(w->t, r.org, org)) == VD_ENOENT ||
	    (rc == 0 && (rc = pno_id(w->t, no, id)) == VD_ENOENT))
		return found(w, "names an unnumbered principal", k);
	if (rc < 0)
		return rc;
	if (r.flags & RECROW_BATCH && r.line_len > 0) {
		uint8_t bk[STORE_ID + 8];
		MDB_val b;
		store_key_u64(bk, store_key_id(bk, 0, id), r.batch);
		if ((rc = ltx_get(w->t, DB_BATCHES, bk, sizeof(bk), &b)) ==
		    VD_ENOENT)
			return found(w, "its batch's lines are not stored", k);
		if (rc < 0)
			return rc;
		if (r.line_off > b.mv_size ||
		    b.mv_size - r.line_off < (size_t)r.line_len + 1 ||
		    ((const char *)b.mv_data)[r.line_off + r.line_len] != '\n')
			return found(w, "its line is not one of its batch's",
			             k);
	}
	w->records++;
	return 0;
}

static int index_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct walk *w = arg;
	const uint8_t *kp = k->mv_data;
	struct recrow r;
	MDB_val rv;
	int rc;

	if (k->mv_size != 4 + 2 + 8) {
		snprintf(w->msg, w->msglen,
		         "an org index key of the wrong "
		         "shape");
		return w->bad = 1;
	}
	if ((rc = ltx_get(w->t, DB_RECORDS, v->mv_data, v->mv_size, &rv)) ==
	    VD_ENOENT)
		return found(w, "indexed, not stored", v);
	if (rc < 0)
		return rc;
	if (recrow_decode(rv.mv_data, rv.mv_size, &r) < 0 ||
	    r.org != store_get_u32(kp) ||
	    period_of(r.at) != store_get_u16(kp + 4) ||
	    r.seq != store_get_u64(kp + 6))
		return found(w, "indexed under another org, period or seq", v);
	w->indexed++;
	return 0;
}

int crecords_compare(struct ltx *t, uint64_t *n, char *msg, size_t msglen)
{
	struct walk w = {t, 0, 0, msg, msglen, 0};
	int rc;

	if ((rc = ltx_walk(t, DB_RECORDS, NULL, 0, NULL, 0, record_one, &w)) <
	        0 ||
	    w.bad ||
	    (rc = ltx_walk(t, DB_RECS_BY_ORG, NULL, 0, NULL, 0, index_one,
	                   &w)) < 0 ||
	    w.bad)
		return rc < 0 ? rc : 1;
	if (w.indexed != w.records) {
		snprintf(msg, msglen,
		         "%" PRIu64 " records stored, %" PRIu64
		         " in the org index",
		         w.records, w.indexed);
		return 1;
	}
	*n = w.records;
	return 0;
}
