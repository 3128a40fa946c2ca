/* The reads of usage records (reads.h: ledger_record, ledger_records)
 * on schema 7's rows: keys and the org index name principals by number
 * (pno.h), the rows are recrow.h's. */
#include <stdio.h>
#include <string.h>

#include "book.h"
#include "err.h"
#include "period.h"
#include "reads.h"
#include "store.h"

struct rwalk {
	struct ltx *t;
	uint32_t provider; /* 0: every provider's */
	int32_t period;
	size_t limit, n;
	ledger_record_fn fn;
	void *arg;
	uint8_t skip[RECROW_KEY]; /* the cursor's own key: not listed again */
	size_t skiplen;           /* 0: no cursor */
	char *next;
	size_t nextlen;
	int more;
	int stop; /* the caller's fn asked to stop: no provider after */
	/* the last numbers named, by id: rows of one provider or org come
	 * together */
	uint32_t pno, ono;
	char pid[STORE_ID + 1], oid[STORE_ID + 1];
};

/* The id of principal number no, through the walk's memory of the last
 * one (*have, id). */
static int name_of(struct ltx *t, uint32_t no, uint32_t *have, char *id)
{
	int rc;

	if (*have == no && no != 0)
		return 0;
	if ((rc = pno_id(t, no, id)) < 0)
		return rc == VD_ENOENT ? VD_EINTERNAL : rc;
	*have = no;
	return 0;
}

/* One record of key k (recrow.h) and value v, listed if it passes the
 * filters. */
static int record_row(struct rwalk *w, const MDB_val *k, const MDB_val *v)
{
	struct ledger_recinfo info;
	struct recrow r;
	uint32_t pno;
	int rc;

	if (w->skiplen && k->mv_size == w->skiplen &&
	    memcmp(k->mv_data, w->skip, w->skiplen) == 0)
		return 0;
	memset(&info, 0, sizeof(info));
	if ((rc = recrow_key_parse(k->mv_data, k->mv_size, &pno, info.id)) <
	        0 ||
	    (rc = recrow_decode(v->mv_data, v->mv_size, &r)) < 0)
		return rc;
	if (w->provider && pno != w->provider)
		return 0;
	if (w->period && period_of(r.at) != w->period)
		return 0;
	if (w->n == w->limit) {
		w->more = 1;
		return 1;
	}
	if ((rc = name_of(w->t, pno, &w->pno, w->pid)) < 0 ||
	    (rc = name_of(w->t, r.org, &w->ono, w->oid)) < 0)
		return rc;
	memcpy(info.provider, w->pid, sizeof(info.provider));
	memcpy(info.org, w->oid, sizeof(info.org));
	info.at = r.at;
	info.amount = r.amount;
	info.qty = r.qty;
	memcpy(info.unit, r.unit, sizeof(info.unit));
	info.kind = r.kind;
	memcpy(info.klass, r.klass, sizeof(info.klass));
	memcpy(info.project, r.project, sizeof(info.project));
	info.voided = r.status == REC_VOIDED;
	info.excluded = r.status == REC_EXCLUDED;
	w->n++;
	snprintf(w->next, w->nextlen, "%s/%s", info.provider, info.id);
	if ((rc = w->fn(w->arg, &info)) > 0)
		w->stop = 1;
	return rc;
}

static int record_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	return record_row(arg, k, v);
}

/* A row of the org index: its value is the record's key. */
static int org_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct rwalk *w = arg;
	MDB_val rv;
	int rc;

	if (k->mv_size != 4 + 2 + 8)
		return VD_EINTERNAL;
	if ((rc = ltx_get(w->t, DB_RECORDS, v->mv_data, v->mv_size, &rv)) < 0)
		return rc == VD_ENOENT ? VD_EINTERNAL : rc;
	return record_row(w, v, &rv);
}

/* The bureau's listing of every record: providers in id order (the
 * principals table is keyed by id), each one's records in id order. */
struct pwalk {
	struct rwalk *w;
	const char *from; /* the cursor's provider: its records from its id */
	const char *from_id;
};

static int provider_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct pwalk *p = arg;
	struct rwalk *w = p->w;
	char id[STORE_ID + 1];
	struct principal_row pr;
	uint8_t pre[4], start[RECROW_KEY];
	size_t slen = 0;
	uint32_t no;
	int rc;

	if (k->mv_size != STORE_ID || v->mv_size != sizeof(pr))
		return VD_EINTERNAL;
	memcpy(&pr, v->mv_data, sizeof(pr));
	if (pr.role != ROLE_PROVIDER)
		return 0;
	store_key_get_id(k->mv_data, id);
	if ((rc = pno_get(w->t, id, &no)) < 0)
		return rc == VD_ENOENT ? VD_EINTERNAL : rc;
	store_key_u32(pre, 0, no);
	if (p->from && strcmp(id, p->from) == 0)
		slen = recrow_key(start, no, p->from_id);
	rc = ltx_walk(w->t, DB_RECORDS, pre, sizeof(pre), slen ? start : NULL,
	              slen, record_one, w);
	return rc < 0 ? rc : w->more || w->stop;
}

int ledger_record(struct ledger *l, const char *provider, const char *id,
                  struct ledger_recinfo *out)
{
	char org[STORE_ID + 1];
	struct recrow r;
	struct ltx t;
	struct book b;
	int rc;

	if ((rc = ltx_begin(ledger_store(l), NULL, 1, &t)) < 0)
		return rc;
	b = (struct book){&t, NULL, 0};
	rc = book_record(&b, provider, id, NULL, &r, org);
	if (rc == 0) {
		memset(out, 0, sizeof(*out));
		snprintf(out->provider, sizeof(out->provider), "%s", provider);
		snprintf(out->id, sizeof(out->id), "%s", id);
		memcpy(out->org, org, sizeof(out->org));
		out->at = r.at;
		out->amount = r.amount;
		out->qty = r.qty;
		memcpy(out->unit, r.unit, sizeof(out->unit));
		out->kind = r.kind;
		memcpy(out->klass, r.klass, sizeof(out->klass));
		memcpy(out->project, r.project, sizeof(out->project));
		out->voided = r.status == REC_VOIDED;
		out->excluded = r.status == REC_EXCLUDED;
	}
	ltx_abort(&t);
	return rc;
}

/* The number of id into *no; 0 (and *no 0) for no principal. */
static int number_or_none(struct ltx *t, const char *id, uint32_t *no)
{
	int rc = pno_get(t, id, no);

	if (rc == VD_ENOENT) {
		*no = 0;
		return 0;
	}
	return rc;
}

int ledger_records(struct ledger *l, struct ledger_reader *rd, const char *org,
                   const char *provider, int32_t period, const char *after,
                   size_t limit, ledger_record_fn fn, void *arg, char *next,
                   size_t nextlen, const char **why)
{
	char cp[STORE_ID + 1], cid[STORE_ID + 1];
	uint8_t prefix[4 + 2], start[4 + 2 + 8], pk[STORE_ID];
	const char *unused;
	struct rwalk w;
	struct ltx t;
	struct book b;
	uint32_t cpno = 0, no;
	size_t plen = 0, slen = 0;
	int rc, cursor = 0;

	if (why == NULL)
		why = &unused;
	*why = NULL;
	memset(&w, 0, sizeof(w));
	w.t = &t;
	w.period = period;
	w.limit = limit ? limit : 100;
	w.fn = fn;
	w.arg = arg;
	w.next = next;
	w.nextlen = nextlen;
	/* after may be the caller's next buffer: read it before writing */
	if (after && after[0]) {
		/* "provider/id" */
		const char *slash = strchr(after, '/');
		size_t pl = slash ? (size_t)(slash - after) : 0;
		if (slash == NULL || pl == 0 || pl > STORE_ID ||
		    strlen(slash + 1) > STORE_ID || slash[1] == '\0') {
			*why = "bad cursor";
			return VD_EINVAL;
		}
		memcpy(cp, after, pl);
		cp[pl] = '\0';
		snprintf(cid, sizeof(cid), "%s", slash + 1);
		cursor = 1;
	}
	next[0] = '\0';
	if ((rc = ledger_read_begin(l, rd, &t)) < 0)
		return rc;
	b = (struct book){&t, NULL, 0};
	if (cursor && (rc = number_or_none(&t, cp, &cpno)) == 0 && cpno) {
		w.skiplen = recrow_key(w.skip, cpno, cid);
	}
	if (rc < 0)
		goto out;
	if (provider && ((rc = number_or_none(&t, provider, &w.provider)) < 0 ||
	                 w.provider == 0))
		goto out; /* no such provider: no record */
	if (org) {
		if (cursor) {
			/* the org index is in arrival order: resume at the
			 * cursor record's period and seq */
			struct recrow r;
			rc = cpno ? book_record(&b, cp, cid, NULL, &r, NULL)
			          : VD_ENOENT;
			if (rc == VD_ENOENT) {
				*why = "the cursor names no record";
				rc = VD_EINVAL;
			}
			if (rc < 0)
				goto out;
			slen = store_key_u64(
			    start,
			    store_key_u16(start, 4, (uint16_t)period_of(r.at)),
			    r.seq);
		}
		if ((rc = number_or_none(&t, org, &no)) < 0 || no == 0)
			goto out;
		plen = store_key_u32(prefix, 0, no);
		if (period)
			plen = store_key_u16(prefix, plen, (uint16_t)period);
		store_key_u32(start, 0, no);
		rc = ltx_walk(&t, DB_RECS_BY_ORG, prefix, plen,
		              slen ? start : NULL, slen, org_one, &w);
	} else if (provider) {
		uint8_t s[RECROW_KEY];
		plen = store_key_u32(prefix, 0, w.provider);
		/* the cursor in another provider's records: before them,
		 * from the first; after them, none */
		if (cursor && cpno != w.provider && strcmp(cp, provider) > 0)
			goto out;
		if (cursor && strcmp(cp, provider) == 0)
			slen = recrow_key(s, w.provider, cid);
		rc = ltx_walk(&t, DB_RECORDS, prefix, plen, slen ? s : NULL,
		              slen, record_one, &w);
	} else {
		struct pwalk p = {&w, cursor ? cp : NULL, cid};
		store_key_id(pk, 0, cursor ? cp : "");
		rc = ltx_walk(&t, DB_PRINCIPALS, NULL, 0, cursor ? pk : NULL,
		              cursor ? sizeof(pk) : 0, provider_one, &p);
	}
out:
	ltx_abort(&t);
	if (!w.more)
		next[0] = '\0';
	return rc;
}
