#include "reads.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "civil.h"
#include "err.h"
#include "journal.h"
#include "money.h"
#include "ops.h"
#include "period.h"
#include "store.h"

_Static_assert(LEDGER_ID == STORE_ID, "ids are copied between the two");

struct ledger_reader {
	struct store_reader sr;
};

int ledger_reader_new(struct ledger *l, struct ledger_reader **out)
{
	if ((*out = malloc(sizeof(**out))) == NULL)
		return VD_ENOMEM;
	store_reader_init(&(*out)->sr, ledger_store(l));
	return 0;
}

void ledger_reader_free(struct ledger_reader *rd)
{
	if (rd == NULL)
		return;
	store_reader_release(&rd->sr);
	free(rd);
}

int ledger_read_begin(struct ledger *l, struct ledger_reader *rd, struct ltx *t)
{
	if (rd != NULL)
		return ltx_begin_reader(&rd->sr, t);
	return ltx_begin(ledger_store(l), NULL, 1, t);
}

const char *ledger_voucher_status(int status)
{
	static const char *const names[] = {"active", "spent", "expired",
	                                    "revoked"};
	return status >= 0 && status <= 3 ? names[status] : "?";
}

int ledger_principal(struct ledger *l, const char *id,
                     struct ledger_principal *out)
{
	struct principal_row r;
	struct ltx t;
	struct book b;
	int rc;

	if ((rc = ltx_begin(ledger_store(l), NULL, 1, &t)) < 0)
		return rc;
	b = (struct book){&t, ledger_policy(l), 0};
	rc = book_principal(&b, id, &r);
	ltx_abort(&t);
	if (rc == 0) {
		memset(out, 0, sizeof(*out));
		out->role = r.role;
		memcpy(out->key, r.key, sizeof(out->key));
		memcpy(out->kind, r.kind, sizeof(out->kind));
		out->local = r.local;
		memcpy(out->region, r.region, sizeof(out->region));
		out->suspended = r.status == P_SUSPENDED;
	}
	return rc;
}

static void to_voucher(const char *id, const struct voucher_row *r,
                       struct ledger_voucher *v)
{
	size_t n = strnlen(id, LEDGER_ID);

	/* a copy per row listed: no snprintf */
	memset(v, 0, sizeof(*v));
	memcpy(v->id, id, n);
	memcpy(v->program, r->program, sizeof(v->program));
	memcpy(v->beneficiary, r->beneficiary, sizeof(v->beneficiary));
	v->period = r->period;
	v->granted = r->granted;
	v->redeemed = r->redeemed;
	v->expired = r->expired;
	v->revoked = r->revoked;
	v->remaining = book_remaining(r);
	v->expires_at = r->expires_at;
	v->status = r->status;
	v->pays = r->pays;
	v->paid_out = r->paid_out;
	v->clawback_due = r->clawback_due;
	v->recovered = r->recovered;
	memcpy(v->project, r->project, sizeof(v->project));
}

int ledger_voucher(struct ledger *l, const char *id, struct ledger_voucher *v)
{
	struct voucher_row r;
	struct ltx t;
	struct book b;
	int rc;

	if ((rc = ltx_begin(ledger_store(l), NULL, 1, &t)) < 0)
		return rc;
	b = (struct book){&t, ledger_policy(l), 0};
	rc = book_voucher_get(&b, id, &r);
	ltx_abort(&t);
	if (rc == 0)
		to_voucher(id, &r, v);
	return rc;
}

struct vwalk {
	struct ltx *t;
	int32_t period;
	ledger_voucher_fn fn;
	void *arg;
	int by_ben;
	int64_t *due; /* by_ben: the clawback due summed here, or NULL */
	int done;     /* fn asked to stop: only the sum goes on */
};

static int voucher_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct vwalk *w = arg;
	struct ledger_voucher out;
	struct voucher_row r;
	char id[STORE_ID + 1];
	int rc;

	if (w->by_ben) {
		/* (beneficiary's number, id) -> the row: one range, no
		 * lookups */
		if (v->mv_size != sizeof(r))
			return VD_EINTERNAL;
		memcpy(&r, v->mv_data, sizeof(r));
		/* every voucher's, listed or not: book_clawback_get's sum,
		 * without a second walk of the same range */
		if (w->due != NULL &&
		    (rc = money_add(*w->due, r.clawback_due, w->due)) < 0)
			return rc;
		if (w->done || (w->period && r.period != w->period))
			return 0;
		if (store_key_tail_str(k, 4, id) < 0)
			return VD_EINTERNAL;
	} else {
		/* every voucher, in id order: id -> beneficiary -> row */
		struct book b = {w->t, NULL, 0};
		if (store_key_tail_str(k, 0, id) < 0)
			return VD_EINTERNAL;
		if ((rc = book_voucher_at(&b, id, v, &r)) < 0)
			return rc;
	}
	if (w->period && r.period != w->period)
		return 0;
	to_voucher(id, &r, &out);
	rc = w->fn(w->arg, &out);
	if (rc == 1 && w->due != NULL) {
		w->done = 1;
		return 0;
	}
	return rc;
}

/* The vouchers of ben (every voucher when NULL) in transaction t; with
 * due (ben given), ben's clawback due summed into it. */
static int vouchers_in(struct ltx *t, const char *ben, int32_t period,
                       ledger_voucher_fn fn, void *arg, int64_t *due)
{
	uint8_t k[4];
	struct vwalk w = {t, period, fn, arg, ben != NULL, due, 0};
	size_t n = 0;
	int rc;

	if (ben == NULL)
		return ltx_walk(t, DB_VOUCHERS, NULL, 0, NULL, 0, voucher_one,
		                &w);
	if ((rc = pno_key(t, k, &n, ben)) < 0)
		return rc == VD_ENOENT ? 0 : rc; /* no principal, no rows */
	return ltx_walk(t, DB_VOUCHERS_BY, k, n, NULL, 0, voucher_one, &w);
}

int ledger_vouchers(struct ledger *l, const char *ben, int32_t period,
                    ledger_voucher_fn fn, void *arg)
{
	struct ltx t;
	int rc;

	if ((rc = ltx_begin(ledger_store(l), NULL, 1, &t)) < 0)
		return rc;
	rc = vouchers_in(&t, ben, period, fn, arg, NULL);
	ltx_abort(&t);
	return rc;
}

int ledger_balance(struct ledger *l, struct ledger_reader *rd, const char *ben,
                   int32_t period, ledger_voucher_fn fn, void *arg,
                   int64_t *due)
{
	struct ltx t;
	int rc;

	*due = 0;
	if ((rc = ledger_read_begin(l, rd, &t)) < 0)
		return rc;
	rc = vouchers_in(&t, ben, period, fn, arg, ben != NULL ? due : NULL);
	ltx_abort(&t);
	if (rc < 0)
		*due = 0;
	return rc;
}

struct awalk {
	struct ltx *t;
	const char *ben; /* the beneficiary whose range is walked, or NULL */
	int32_t period;
	ledger_accrual_fn fn;
	void *arg;
};

static int accrual_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct awalk *w = arg;
	struct ledger_accrual a;
	struct acc_row r;
	int rc;

	if (v->mv_size != sizeof(r))
		return VD_EINTERNAL;
	memcpy(&r, v->mv_data, sizeof(r));
	memset(&a, 0, sizeof(a));
	/* one beneficiary's range (w->ben): its id without a lookup */
	if ((rc = book_acc_key_parse(w->t, k->mv_data, k->mv_size, a.program,
	                             w->ben ? NULL : a.beneficiary, a.project,
	                             &a.period)) < 0)
		return rc;
	if (w->ben)
		snprintf(a.beneficiary, sizeof(a.beneficiary), "%s", w->ben);
	if (w->period && w->period != a.period)
		return 0;
	a.basis = r.basis;
	a.earned = r.earned;
	a.granted = r.granted;
	a.unfunded = r.unfunded;
	return w->fn(w->arg, &a);
}

int ledger_accruals(struct ledger *l, struct ledger_reader *rd, const char *ben,
                    int32_t period, ledger_accrual_fn fn, void *arg)
{
	struct awalk w = {NULL, ben, period, fn, arg};
	uint8_t k[BOOK_ACC_KEY];
	struct ltx t;
	size_t n;
	int rc;

	if ((rc = ledger_read_begin(l, rd, &t)) < 0)
		return rc;
	w.t = &t;
	/* one beneficiary's rows are one range of the table; everyone's
	 * in beneficiary id order */
	if (ben == NULL)
		rc = book_acc_walk(&t, accrual_one, &w);
	else if ((rc = book_acc_prefix(&t, k, &n, ben, NULL)) == 0)
		rc = ltx_walk(&t, DB_ACCRUAL, k, n, NULL, 0, accrual_one, &w);
	else if (rc == VD_ENOENT)
		rc = 0; /* no such principal: no rows */
	ltx_abort(&t);
	return rc;
}

/* Receivable rows are keyed by the provider's number (schema 8): the
 * bureau's listing reads them all (one per provider that was ever
 * redeemed at, a few), names each and sorts them by provider id, the
 * order before schema 8. */
struct cwalk {
	struct ltx *t;
	struct ledger_receivable *v;
	size_t n, cap;
};

static int receivable_row(struct ltx *t, uint32_t no, const MDB_val *v,
                          struct ledger_receivable *r)
{
	int64_t row[2];
	int rc;

	if (v->mv_size != sizeof(row))
		return VD_EINTERNAL;
	memcpy(row, v->mv_data, sizeof(row));
	memset(r, 0, sizeof(*r));
	/* every row's provider is a principal */
	if ((rc = pno_id(t, no, r->provider)) < 0)
		return rc == VD_ENOENT ? VD_EINTERNAL : rc;
	r->redeemed = row[0];
	r->paid = row[1];
	r->owed = row[0] - row[1];
	return 0;
}

static int receivable_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct cwalk *w = arg;

	if (k->mv_size != 4)
		return VD_EINTERNAL;
	if (w->n == w->cap) {
		size_t nc = w->cap ? w->cap * 2 : 16;
		void *q = realloc(w->v, nc * sizeof(*w->v));
		if (q == NULL)
			return VD_ENOMEM;
		w->v = q;
		w->cap = nc;
	}
	return receivable_row(w->t, store_get_u32(k->mv_data), v,
	                      &w->v[w->n++]);
}

static int by_provider(const void *a, const void *b)
{
	return strcmp(((const struct ledger_receivable *)a)->provider,
	              ((const struct ledger_receivable *)b)->provider);
}

int ledger_receivables(struct ledger *l, const char *provider,
                       ledger_receivable_fn fn, void *arg)
{
	struct ltx t;
	struct cwalk w = {&t, NULL, 0, 0};
	struct ledger_receivable r;
	uint8_t k[4];
	size_t i, n = 0;
	MDB_val v;
	int rc;

	if ((rc = ltx_begin(ledger_store(l), NULL, 1, &t)) < 0)
		return rc;
	if (provider != NULL) {
		/* one provider: no number, or no row, is no row */
		if ((rc = pno_key(&t, k, &n, provider)) == 0 &&
		    (rc = ltx_get(&t, DB_RECEIVABLES, k, n, &v)) == 0 &&
		    (rc = receivable_row(&t, store_get_u32(k), &v, &r)) == 0)
			rc = fn(arg, &r);
		ltx_abort(&t);
		return rc == VD_ENOENT || rc > 0 ? 0 : rc;
	}
	rc = ltx_walk(&t, DB_RECEIVABLES, NULL, 0, NULL, 0, receivable_one, &w);
	ltx_abort(&t);
	if (rc == 0 && w.n > 1)
		qsort(w.v, w.n, sizeof(*w.v), by_provider);
	for (i = 0; rc == 0 && i < w.n; i++)
		rc = fn(arg, &w.v[i]);
	free(w.v);
	return rc < 0 ? rc : 0;
}

int ledger_clawback(struct ledger *l, const char *ben, int64_t *due)
{
	struct ltx t;
	struct book b;
	int rc;

	if ((rc = ltx_begin(ledger_store(l), NULL, 1, &t)) < 0)
		return rc;
	b = (struct book){&t, ledger_policy(l), 0};
	rc = book_clawback_get(&b, ben, due);
	ltx_abort(&t);
	return rc;
}

int ledger_journal(struct ledger *l, uint64_t after, size_t limit,
                   ledger_entry_fn fn, void *arg)
{
	struct ltx t;
	int rc;

	if ((rc = ltx_begin(ledger_store(l), NULL, 1, &t)) < 0)
		return rc;
	rc = journal_read(&t, after, limit, fn, arg);
	ltx_abort(&t);
	return rc;
}

/* The provider of batch entry seq, from the entry's own bytes: the
 * batch's DB_BATCHES key is (provider, seq). */
static int batch_provider(struct ltx *t, uint64_t seq, char *prov, size_t size)
{
	const char *e;
	char type[16];
	size_t len;
	int rc;

	if ((rc = journal_entry(t, seq, &e, &len)) < 0)
		return rc;
	if (!journal_field(e, len, "type", type, sizeof(type)) ||
	    strcmp(type, "batch") != 0)
		return VD_ENOENT;
	if (!journal_field(e, len, "provider", prov, size))
		return VD_EINTERNAL;
	return 0;
}

int ledger_batch_lines(struct ledger *l, uint64_t seq, uint64_t after,
                       size_t limit, ledger_line_fn fn, void *arg, int *more)
{
	char prov[LEDGER_ID + 1];
	uint8_t k[BOOK_BATCH_KEY];
	const char *p, *end;
	uint64_t i = 0;
	size_t given = 0;
	struct ltx t;
	MDB_val v;
	int rc;

	*more = 0;
	if ((rc = ltx_begin(ledger_store(l), NULL, 1, &t)) < 0)
		return rc;
	if ((rc = batch_provider(&t, seq, prov, sizeof(prov))) < 0)
		goto out;
	if ((rc = book_batch_key(&t, k, prov, seq)) == 0)
		rc = ltx_get(&t, DB_BATCHES, k, sizeof(k), &v);
	if (rc < 0) {
		/* the entry and its lines are written in one transaction */
		rc = rc == VD_ENOENT ? VD_EINTERNAL : rc;
		goto out;
	}
	p = v.mv_data;
	end = p + v.mv_size;
	/* the message is its lines, each ending in LF */
	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		if (lf == NULL) {
			rc = VD_EINTERNAL;
			goto out;
		}
		if (++i > after) {
			if (limit > 0 && given == limit) {
				*more = 1;
				break;
			}
			if ((rc = fn(arg, i, p, (size_t)(lf - p))) != 0)
				break;
			given++;
		}
		p = lf + 1;
	}
out:
	ltx_abort(&t);
	return rc < 0 ? rc : 0;
}

int ledger_head(struct ledger *l, uint64_t *seq, uint8_t hash[32])
{
	struct ltx t;
	int rc;

	if ((rc = ltx_begin(ledger_store(l), NULL, 1, &t)) < 0)
		return rc;
	rc = journal_head(&t, seq, hash);
	ltx_abort(&t);
	return rc;
}

int ledger_stored_policy(struct ledger *l, struct policy **out,
                         struct policy_errors *errs)
{
	struct ltx t;
	MDB_val v, blob;
	int rc;

	*out = NULL;
	if ((rc = ltx_begin(ledger_store(l), NULL, 1, &t)) < 0)
		return rc;
	rc = ltx_get(&t, DB_META, "policy", 6, &v);
	if (rc == 0)
		rc = ltx_get(&t, DB_POLICIES, v.mv_data, v.mv_size, &blob);
	if (rc == 0)
		rc = policy_load_blob(blob.mv_data, blob.mv_size, out, errs);
	ltx_abort(&t);
	return rc;
}

int ledger_checkpoint_message(struct ledger *l, int64_t t, char *buf,
                              size_t size, uint64_t *seq, uint8_t hash[32])
{
	char hex[65], ts[21];
	int i, n, rc;

	if ((rc = ledger_head(l, seq, hash)) < 0)
		return rc;
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", hash[i]);
	civil_format_utc_clamped(t, ts);
	n = snprintf(buf, size,
	             "vouchd-checkpoint-v1 seq=%" PRIu64 " hash=%s time=%s",
	             *seq, hex, ts);
	return n < 0 || (size_t)n >= size ? VD_ELIMIT : n;
}

int ledger_settle_preview(struct ledger *l, const char *program, int32_t period,
                          int64_t now, ledger_settle_fn fn, void *arg,
                          int64_t *total, int64_t *cap, int64_t *paid,
                          const char **why)
{
	struct settle_plan p;
	struct ltx t;
	struct book b;
	size_t i;
	int rc;

	*why = NULL;
	*total = *cap = *paid = 0;
	if (ledger_policy(l) == NULL)
		return VD_EINVAL;
	if ((rc = ltx_begin(ledger_store(l), NULL, 1, &t)) < 0)
		return rc;
	b.t = &t;
	b.pol = ledger_policy(l);
	b.now = now;
	rc = ops_settle_plan(&b, program, period, why, &p);
	if (rc == 0) {
		for (i = 0; rc == 0 && i < p.n; i++)
			rc = fn(arg, p.rows[i].ben, p.rows[i].proj, p.due[i],
			        p.paid[i]);
		*total = p.total;
		*cap = p.cap;
		*paid = p.paid_sum;
		ops_settle_plan_free(&p);
	}
	ltx_abort(&t);
	return rc;
}
