/* See check_records.h. */
#include "check_records.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "chain.h"
#include "err.h"
#include "hex.h"
#include "journal.h"
#include "kind.h"
#include "period.h"

/* The entry at a row's seq, in place (journal_entry: the check writes
 * nothing, so LMDB's bytes stay put); no bytes when there is none. */
struct entry {
	size_t len;
	const char *e;
};

struct walk {
	struct ltx *t;
	struct entry x; /* the usage entry of the row at hand */
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

/* Does entry field key hold exactly want ("" when want is absent from
 * the entry: absent)? */
static int same_n(const struct entry *x, const char *key, const char *want,
                  size_t wl)
{
	const char *v;
	size_t n;

	if (!journal_span(x->e, x->len, key, &v, &n))
		return wl == 0;
	return wl == n && memcmp(v, want, n) == 0;
}

static int same(const struct entry *x, const char *key, const char *want)
{
	return same_n(x, key, want, strlen(want));
}

static int same_i64(const struct entry *x, const char *key, int64_t want)
{
	char b[24];

	snprintf(b, sizeof(b), "%" PRId64, want);
	return same(x, key, b);
}

/* Token key= of a wire line is want: after the command, its tokens are
 * " key=value" as an entry's fields are (chain.h). */
static int line_is(const char *line, size_t len, const char *key,
                   const char *want)
{
	size_t n;
	const char *v = chain_field(line, len, key, &n);

	return v != NULL && strlen(want) == n && memcmp(v, want, n) == 0;
}

/* The row against the usage entry that wrote it: the figures a VOID
 * takes back come from the row, so a row that disagrees with its entry
 * would move money that the replay, reading the same row, could not
 * tell from right. What differs, or NULL. */
static const char *row_vs_entry(const struct recrow *r, const char *prov,
                                const char *id, const char *org,
                                const struct entry *x)
{
	char b[24];

	if (!same(x, "type", "usage"))
		return "its seq names no usage entry";
	if (!same(x, "provider", prov) || !same(x, "id", id) ||
	    !same(x, "org", org))
		return "another provider, id or org than its usage entry";
	if (!same_i64(x, "at", r->at) || !same_i64(x, "amount", r->amount) ||
	    !same_i64(x, "qty", r->qty) || !same(x, "unit", r->unit) ||
	    !same(x, "kind", kind_name(r->kind)) ||
	    !same(x, "class", r->klass) || !same(x, "project", r->project))
		return "other figures than its usage entry";
	/* compared at the row's own length: a copy cut to a buffer let a
	 * row with more programs than the entry pass on a matching prefix */
	if (r->counts_len ? !same_n(x, "counts", r->counts, r->counts_len)
	                  : !same(x, "counts", "-"))
		return "other programs than its usage entry";
	/* usage entries of schema 5 and before name no batch= (each
	 * carries its line): their rows' batch is the upgrade's finding */
	snprintf(b, sizeof(b), "%" PRIu64, r->batch);
	if (journal_span(x->e, x->len, "batch", &(const char *){NULL},
	                 &(size_t){0}) &&
	    !same(x, "batch", r->flags & RECROW_BATCH ? b : ""))
		return "another batch than its usage entry";
	if (r->flags & RECROW_LINE) {
		char hex[2 * sizeof(r->sig) + 1];
		hex_encode(r->sig, sizeof(r->sig), hex);
		if (!same(x, "sig", hex))
			return "another signature than its usage entry";
	}
	return NULL;
}

/* A batch record's line: a whole line of its batch (after a line feed
 * or at the start, ending at one) naming the record and its figures. */
static const char *batch_line(struct ltx *t, const struct recrow *r,
                              const char *prov, const char *id, const char *org,
                              int *rc)
{
	uint8_t bk[BOOK_BATCH_KEY];
	const char *l;
	MDB_val b;

	/* the record's provider is registered (its row is keyed by it) */
	if ((*rc = book_batch_key(t, bk, prov, r->batch)) < 0)
		return NULL;
	if ((*rc = ltx_get(t, DB_BATCHES, bk, sizeof(bk), &b)) == VD_ENOENT) {
		*rc = 0;
		return "its batch's lines are not stored";
	}
	if (*rc < 0)
		return NULL;
	l = (const char *)b.mv_data + r->line_off;
	if (r->line_off > b.mv_size ||
	    b.mv_size - r->line_off < (size_t)r->line_len + 1 ||
	    l[r->line_len] != '\n' || (r->line_off > 0 && l[-1] != '\n'))
		return "its line is not one of its batch's";
	if (!line_is(l, r->line_len, "provider", prov) ||
	    !line_is(l, r->line_len, "id", id) ||
	    !line_is(l, r->line_len, "org", org) ||
	    !line_is(l, r->line_len, "unit", r->unit))
		return "its line in its batch names another record";
	{
		char a[24], q[24];
		snprintf(a, sizeof(a), "%" PRId64, r->amount);
		snprintf(q, sizeof(q), "%" PRId64, r->qty);
		if (!line_is(l, r->line_len, "amount", a) ||
		    !line_is(l, r->line_len, "qty", q))
			return "its line in its batch has other figures";
	}
	return NULL;
}

static int record_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct walk *w = arg;
	char id[RECROW_ID + 1], org[STORE_ID + 1], prov[STORE_ID + 1];
	const char *why;
	uint32_t no;
	struct recrow r;
	int rc;

	if (recrow_key_parse(k->mv_data, k->mv_size, &no, id) < 0 ||
	    recrow_decode(v->mv_data, v->mv_size, &r) < 0)
		return found(w, "a row of the wrong shape", k);
	if ((rc = pno_id(w->t, r.org, org)) == VD_ENOENT ||
	    (rc == 0 && (rc = pno_id(w->t, no, prov)) == VD_ENOENT))
		return found(w, "names an unnumbered principal", k);
	if (rc < 0)
		return rc;
	if ((rc = journal_entry(w->t, r.seq, &w->x.e, &w->x.len)) == VD_ENOENT)
		w->x = (struct entry){0, ""};
	else if (rc < 0)
		return rc;
	if ((why = row_vs_entry(&r, prov, id, org, &w->x)) != NULL)
		return found(w, why, k);
	if (r.flags & RECROW_BATCH && r.line_len > 0) {
		why = batch_line(w->t, &r, prov, id, org, &rc);
		if (rc < 0)
			return rc;
		if (why != NULL)
			return found(w, why, k);
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
	struct walk w = {t, {0, ""}, 0, 0, msg, msglen, 0};
	int rc;

	if ((rc = ltx_walk(t, DB_RECORDS, NULL, 0, NULL, 0, record_one, &w)) <
	        0 ||
	    w.bad ||
	    (rc = ltx_walk(t, DB_RECS_BY_ORG, NULL, 0, NULL, 0, index_one,
	                   &w)) < 0 ||
	    w.bad)
		rc = rc < 0 ? rc : 1;
	else if (w.indexed != w.records) {
		snprintf(msg, msglen,
		         "%" PRIu64 " records stored, %" PRIu64
		         " in the org index",
		         w.records, w.indexed);
		rc = 1;
	} else
		*n = w.records;
	return rc;
}

int crecords_batch(struct ltx *t, uint64_t seq, const char *e, size_t len,
                   char *msg, size_t msglen)
{
	char prov[STORE_ID + 1], hex[2 * CHAIN_HASH_LEN + 1];
	uint8_t bk[BOOK_BATCH_KEY], d[CHAIN_HASH_LEN];
	MDB_val b;
	int rc;

	if (!journal_field(e, len, "provider", prov, sizeof(prov)))
		return VD_EINTERNAL;
	/* batch entries of schema 5 and before name no lines_sha256: their
	 * records' usage entries carry each line */
	if (!journal_span(e, len, "lines_sha256", &(const char *){NULL},
	                  &(size_t){0}))
		return 0;
	if ((rc = book_batch_key(t, bk, prov, seq)) == VD_ENOENT) {
		snprintf(msg, msglen,
		         "batch entry %" PRIu64
		         ": its provider %s has no number",
		         seq, prov);
		return 1;
	}
	if (rc < 0)
		return rc;
	if ((rc = ltx_get(t, DB_BATCHES, bk, sizeof(bk), &b)) == VD_ENOENT) {
		snprintf(msg, msglen,
		         "batch entry %" PRIu64 ": no lines stored", seq);
		return 1;
	}
	if (rc < 0 || (rc = chain_digest(b.mv_data, b.mv_size, d)) < 0)
		return rc;
	hex_encode(d, sizeof(d), hex);
	if (!journal_field(e, len, "lines_sha256", prov, sizeof(prov)) ||
	    strlen(prov) != 2 * CHAIN_HASH_LEN ||
	    memcmp(prov, hex, 2 * CHAIN_HASH_LEN) != 0) {
		snprintf(msg, msglen,
		         "batch entry %" PRIu64
		         ": its stored lines are not the lines it signed "
		         "(lines_sha256)",
		         seq);
		return 1;
	}
	return 0;
}
