/* The reads: rows of the table in dispatch.c, run on the loop thread,
 * each writing its whole reply into c->out. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "hex.h"
#include "listing.h"
#include "money.h"
#include "period.h"
#include "civil.h"
#include "reads.h"
#include "req.h"

#define RECORDS_DEFAULT 100
#define RECORDS_MAX 1000
#define JOURNAL_DEFAULT 1000
#define JOURNAL_MAX 10000
#define LINES_DEFAULT 1000
#define LINES_MAX 10000
/* A stored batch line was taken by the parser as a USAGE without sig=,
 * whose keys bound it to a few hundred bytes: a longer one is no line
 * the daemon stored. */
#define LINES_LINE_MAX REQ_DEFAULT_LINE

/* The beneficiary a read is about: key= if given (others may name only
 * themselves), else the caller; the bureau: key= or everyone (NULL). */
static int whose(struct conn *c, const struct req *r, enum cmd_key key,
                 char *buf, size_t size, const char **who)
{
	req_copy(r, key, buf, size);
	if (c->role == ROLE_BUREAU) {
		*who = buf[0] ? buf : NULL;
		return 0;
	}
	if (buf[0] && strcmp(buf, c->id) != 0)
		return VD_EDENIED;
	*who = c->id;
	return 0;
}

/* The first line of a listing: "OK n=N", at most POOL_FIGS totals and
 * a next= cursor of at most 255 bytes. */
#define LISTING_HEAD_MAX 1024

/* A listing is written straight into c->out: its rows from start as they
 * come, then its first line, which carries their count and totals, put
 * before them (reply_insert). No buffer of its own: BALANCE allocates
 * nothing once c->out has grown to its replies. */
struct listing {
	struct conn *c;
	size_t start; /* where the reply begins in c->out */
	int64_t n, total;
	int32_t period;
	const char *provider; /* RECORDS: a provider sees only its own */
};

static void listing_init(struct listing *L, struct conn *c)
{
	memset(L, 0, sizeof(*L));
	L->c = c;
	L->start = c->out.len;
}

/* The rows written so far are dropped and ERR code msg answered. */
static void listing_fail(struct listing *L, int code, const char *msg)
{
	rbuf_cut(&L->c->out, L->start);
	srv_err(L->c, code, msg);
}

/* "OK n=N" and the nk totals keys[i]=vals[i] (and next= for a page),
 * before the rows; or TOOBIG if the rows did not fit. */
static void listing_reply(struct listing *L, const char *const *keys,
                          const int64_t *vals, size_t nk, const char *next)
{
	char mem[LISTING_HEAD_MAX];
	struct rbuf h;
	size_t i;

	if (L->c->out.err) {
		listing_fail(L, VD_ELIMIT, "listing too large");
		return;
	}
	rbuf_init_fixed(&h, mem, sizeof(mem));
	reply_ok(&h);
	reply_kv_i64(&h, "n", L->n);
	for (i = 0; i < nk; i++)
		reply_kv_i64(&h, keys[i], vals[i]);
	if (next && next[0])
		reply_kv_str(&h, "next", next);
	reply_end(&h);
	/* the first line is ours and fits mem; rows and it past c->out's
	 * bound is the listing too large (listing.h) */
	if (h.err)
		listing_fail(L, VD_EINTERNAL, "malformed first line");
	else if (reply_insert(&L->c->out, L->start, h.data, h.len) < 0)
		listing_fail(L, VD_ELIMIT, "listing too large");
}

static void listing_send(struct listing *L, const char *k1, int64_t v1,
                         const char *k2, int64_t v2, const char *next)
{
	const char *keys[2] = {k1, k2};
	int64_t vals[2] = {v1, v2};

	listing_reply(L, keys, vals, k2 ? 2 : k1 ? 1 : 0, next);
}

static int voucher_row(void *arg, const struct ledger_voucher *v)
{
	struct listing *L = arg;
	struct rbuf *b = &L->c->out;

	reply_row(b, "VOUCHER");
	reply_kv_str(b, "id", v->id);
	reply_kv_str(b, "program", v->program);
	reply_kv_str(b, "org", v->beneficiary);
	reply_kv_i64(b, "period", v->period);
	if (v->project[0])
		reply_kv_str(b, "project", v->project);
	reply_kv_str(b, "pays",
	             v->pays == POLICY_PAYS_CASH ? "cash" : "voucher");
	reply_kv_i64(b, "granted", v->granted);
	reply_kv_i64(b, "redeemed", v->redeemed);
	reply_kv_i64(b, "paid_out", v->paid_out);
	reply_kv_i64(b, "expired", v->expired);
	reply_kv_i64(b, "revoked", v->revoked);
	reply_kv_i64(b, "remaining", v->remaining);
	reply_kv_i64(b, "clawback_due", v->clawback_due);
	if (v->expires_at != 0)
		reply_kv_time(b, "expires", v->expires_at);
	reply_kv_str(b, "status", ledger_voucher_status(v->status));
	reply_end(b);
	L->n++;
	L->total += v->status == LEDGER_V_ACTIVE ? v->remaining : 0;
	return 0;
}

enum dispatch_next listing_balance(struct conn *c, const struct req *r)
{
	char buf[LEDGER_ID + 1];
	const char *who;
	struct listing L;
	int64_t due = 0;
	int rc;

	if ((rc = whose(c, r, KEY_ORG, buf, sizeof(buf), &who)) < 0) {
		srv_err(c, rc, "not your balance");
		return DISPATCH_DONE;
	}
	listing_init(&L, c);
	rc = ledger_balance(c->s->l, c->s->rd, who, (int32_t)r->num[KEY_PERIOD],
	                    voucher_row, &L, &due);
	if (rc < 0) {
		listing_fail(&L, rc, err_str(rc));
		return DISPATCH_DONE;
	}
	listing_send(&L, "total_remaining", L.total,
	             who ? "clawback_due" : NULL, due, NULL);
	return DISPATCH_DONE;
}

static int accrual_row(void *arg, const struct ledger_accrual *a)
{
	struct listing *L = arg;
	struct rbuf *b = &L->c->out;

	reply_row(b, "ACCRUAL");
	reply_kv_str(b, "program", a->program);
	reply_kv_str(b, "beneficiary", a->beneficiary);
	reply_kv_i64(b, "period", a->period);
	if (a->project[0])
		reply_kv_str(b, "project", a->project);
	reply_kv_i64(b, "basis", a->basis);
	reply_kv_i64(b, "earned", a->earned);
	reply_kv_i64(b, "granted", a->granted);
	reply_kv_i64(b, "unfunded", a->unfunded);
	reply_end(b);
	L->n++;
	return 0;
}

enum dispatch_next listing_accrual(struct conn *c, const struct req *r)
{
	char buf[LEDGER_ID + 1];
	const char *who;
	struct listing L;
	int rc;

	if ((rc = whose(c, r, KEY_ORG, buf, sizeof(buf), &who)) < 0) {
		srv_err(c, rc, "not your accruals");
		return DISPATCH_DONE;
	}
	listing_init(&L, c);
	rc = ledger_accruals(c->s->l, c->s->rd, who,
	                     (int32_t)r->num[KEY_PERIOD], accrual_row, &L);
	if (rc < 0) {
		listing_fail(&L, rc, err_str(rc));
		return DISPATCH_DONE;
	}
	listing_send(&L, NULL, 0, NULL, 0, NULL);
	return DISPATCH_DONE;
}

static int record_row(void *arg, const struct ledger_recinfo *x)
{
	struct listing *L = arg;
	struct rbuf *b = &L->c->out;

	reply_row(b, "RECORD");
	reply_kv_str(b, "provider", x->provider);
	reply_kv_str(b, "id", x->id);
	reply_kv_str(b, "org", x->org);
	reply_kv_time(b, "at", x->at);
	reply_kv_i64(b, "amount", x->amount);
	reply_kv_i64(b, "qty", x->qty);
	reply_kv_str(b, "unit", x->unit);
	reply_kv_str(b, "kind", kind_name(x->kind));
	if (x->klass[0])
		reply_kv_str(b, "class", x->klass);
	if (x->project[0])
		reply_kv_str(b, "project", x->project);
	reply_kv_str(b, "status",
	             x->voided     ? "voided"
	             : x->excluded ? "excluded"
	                           : "counted");
	reply_end(b);
	L->n++;
	return 0;
}

enum dispatch_next listing_records(struct conn *c, const struct req *r)
{
	char org[LEDGER_ID + 1], prov[LEDGER_ID + 1], after[256], next[256];
	const char *o = NULL, *p = NULL, *why = NULL;
	int64_t limit =
	    req_has(r, KEY_LIMIT) ? r->num[KEY_LIMIT] : RECORDS_DEFAULT;
	struct listing L;
	int rc;

	req_copy(r, KEY_ORG, org, sizeof(org));
	req_copy(r, KEY_PROVIDER, prov, sizeof(prov));
	req_copy(r, KEY_AFTER, after, sizeof(after));
	if (limit > RECORDS_MAX) {
		srv_err(c, VD_ELIMIT, "limit over 1000");
		return DISPATCH_DONE;
	}
	o = org[0] ? org : NULL;
	p = prov[0] ? prov : NULL;
	/* an org sees its records, a provider the ones it reported */
	if (c->role == ROLE_ORG) {
		if (o && strcmp(o, c->id) != 0) {
			srv_err(c, VD_EDENIED, "not your records");
			return DISPATCH_DONE;
		}
		o = c->id;
	} else if (c->role == ROLE_PROVIDER) {
		if (p && strcmp(p, c->id) != 0) {
			srv_err(c, VD_EDENIED, "not your records");
			return DISPATCH_DONE;
		}
		p = c->id;
	}
	listing_init(&L, c);
	rc = ledger_records(c->s->l, c->s->rd, o, p,
	                    (int32_t)r->num[KEY_PERIOD], after, (size_t)limit,
	                    record_row, &L, next, sizeof(next), &why);
	if (rc < 0) {
		listing_fail(&L, rc, why);
		return DISPATCH_DONE;
	}
	listing_send(&L, NULL, 0, NULL, 0, next);
	return DISPATCH_DONE;
}

enum dispatch_next listing_programs(struct conn *c, const struct req *r)
{
	(void)r;
	const struct policy *p = c->s->pol;
	struct listing L;
	size_t i, k;

	listing_init(&L, c);
	for (i = 0; i < p->nprograms; i++) {
		const struct policy_program *g = &p->programs[i];
		struct rbuf *b = &c->out;
		char pools[512], day[11];
		size_t n = 0;
		for (k = 0; k < g->nshares && n < sizeof(pools); k++)
			n += (size_t)snprintf(pools + n, sizeof(pools) - n,
			                      "%s%s:%" PRId64, k ? "," : "",
			                      p->pools[g->shares[k].pool].id,
			                      g->shares[k].bp);
		reply_row(b, "PROGRAM");
		reply_kv_str(b, "id", g->id);
		reply_kv_str(b, "pool", pools);
		if (g->group != POLICY_NO_GROUP)
			reply_kv_str(b, "group", p->groups[g->group].id);
		reply_kv_str(b, "beneficiary",
		             g->beneficiary == POLICY_CONSUMER ? "consumer"
		                                               : "provider");
		reply_kv_str(b, "basis",
		             g->basis == POLICY_AMOUNT ? "amount"
		             : g->basis == POLICY_NET  ? "net"
		                                       : "quantity");
		if (g->rule == POLICY_RATE)
			reply_kv_i64(b, "rate_bp", g->rate_bp);
		else if (g->rule == POLICY_UNIT_RATE)
			reply_kv_i64(b, "unit_rate", g->unit_rate);
		else {
			char t[1024];
			size_t m = 0;
			for (k = 0; k < g->ntiers && m < sizeof(t); k++)
				m += (size_t)snprintf(
				    t + m, sizeof(t) - m,
				    "%s%" PRId64 ":%" PRId64, k ? "," : "",
				    g->tiers[k].threshold, g->tiers[k].award);
			reply_kv_str(b, "tiers", t);
		}
		if (g->unit[0])
			reply_kv_str(b, "unit", g->unit);
		if (g->region[0])
			reply_kv_str(b, "region", g->region);
		if (g->ben_any)
			reply_kv_str(b, "beneficiary_region", "any");
		reply_kv_i64(b, "threshold", g->threshold);
		if (g->cap == POLICY_NO_CAP)
			reply_kv_str(b, "cap", "none");
		else
			reply_kv_i64(b, "cap", g->cap);
		reply_kv_str(b, "cap_period",
		             g->cap_period == POLICY_YEAR ? "year"
		                                          : "lifetime");
		reply_kv_str(b, "settlement",
		             g->settlement == POLICY_IMMEDIATE ? "immediate"
		             : g->settlement == POLICY_ANNUAL  ? "annual"
		                                               : "grant");
		reply_kv_str(b, "pays",
		             g->pays == POLICY_PAYS_CASH ? "cash" : "voucher");
		reply_kv_str(b, "per",
		             g->per == POLICY_PER_PROJECT ? "project"
		                                          : "beneficiary");
		reply_kv_i64(b, "cover_bp", g->cover_bp);
		if (g->valid_from != INT64_MIN) {
			period_format_date(g->valid_from, day);
			reply_kv_str(b, "valid_from", day);
		}
		if (g->valid_until != INT64_MAX) {
			period_format_date(g->valid_until - 86400, day);
			reply_kv_str(b, "valid_until", day);
		}
		reply_end(b);
		L.n++;
	}
	listing_send(&L, NULL, 0, NULL, 0, NULL);
	return DISPATCH_DONE;
}

#define POOL_FIGS 9

struct pool_tot {
	struct listing L;
	int64_t t[POOL_FIGS];
	int by_program; /* or by day: the pool rows are totals only */
};

/* The figures of a POOL row and of its totals, in protocol.md's order. */
static const char *const pool_keys[POOL_FIGS] = {
    "budget",  "granted",   "redeemed",  "paid_out", "expired",
    "revoked", "recovered", "remaining", "unfunded"};

/* A (pool, period) row: added to the totals, and listed unless the
 * rows are by program. */
static int pool_row(void *arg, const struct ledger_pool *p)
{
	struct pool_tot *T = arg;
	struct rbuf *b = &T->L.c->out;
	int64_t v[POOL_FIGS] = {p->budget,    p->granted,   p->redeemed,
	                        p->paid_out,  p->expired,   p->revoked,
	                        p->recovered, p->remaining, p->unfunded};
	int i;

	for (i = 0; i < POOL_FIGS; i++)
		T->t[i] += v[i];
	if (T->by_program)
		return 0;
	reply_row(b, "POOL");
	reply_kv_str(b, "id", p->pool);
	reply_kv_i64(b, "period", p->period);
	for (i = 0; i < POOL_FIGS; i++)
		reply_kv_i64(b, pool_keys[i], v[i]);
	reply_end(b);
	T->L.n++;
	return 0;
}

/* What moved, in protocol.md's order (POOL by=program, by=day). */
static void reply_flows(struct rbuf *b, const struct ledger_flows *f)
{
	reply_kv_i64(b, "granted", f->granted);
	reply_kv_i64(b, "redeemed", f->redeemed);
	reply_kv_i64(b, "paid_out", f->paid_out);
	reply_kv_i64(b, "expired", f->expired);
	reply_kv_i64(b, "revoked", f->revoked);
	reply_kv_i64(b, "recovered", f->recovered);
	reply_kv_i64(b, "unfunded", f->unfunded);
}

/* A (pool, period, program) row: no budget or remaining, which stay per
 * pool (protocol.md). */
static int pool_program_row(void *arg, const struct ledger_pool_program *p)
{
	struct pool_tot *T = arg;
	struct rbuf *b = &T->L.c->out;

	reply_row(b, "POOL");
	reply_kv_str(b, "id", p->pool);
	reply_kv_i64(b, "period", p->period);
	reply_kv_str(b, "program", p->program);
	reply_flows(b, &p->f);
	reply_end(b);
	T->L.n++;
	return 0;
}

/* A (pool, period, CST day) row: the day's movements, all programs. */
static int pool_day_row(void *arg, const struct ledger_pool_day *d)
{
	struct pool_tot *T = arg;
	struct rbuf *b = &T->L.c->out;
	char day[11];

	period_format_date((int64_t)d->day * 86400 - 8 * 3600, day);
	reply_row(b, "POOL");
	reply_kv_str(b, "id", d->pool);
	reply_kv_i64(b, "period", d->period);
	reply_kv_str(b, "day", day);
	reply_flows(b, &d->f);
	reply_end(b);
	T->L.n++;
	return 0;
}

enum dispatch_next listing_pool(struct conn *c, const struct req *r)
{
	char pool[LEDGER_ID + 1], by[16] = "";
	struct pool_tot T;
	int rc;

	if (req_has(r, KEY_BY) &&
	    (req_copy(r, KEY_BY, by, sizeof(by)) < 0 ||
	     (strcmp(by, "program") != 0 && strcmp(by, "day") != 0))) {
		srv_err(c, VD_EINVAL, "by: by=program or by=day");
		return DISPATCH_DONE;
	}
	memset(&T, 0, sizeof(T));
	listing_init(&T.L, c);
	T.by_program = req_has(r, KEY_BY);
	req_copy(r, KEY_POOL, pool, sizeof(pool));
	if (strcmp(by, "day") == 0)
		rc = ledger_pools_by_day(c->s->l, pool[0] ? pool : NULL,
		                         (int32_t)r->num[KEY_PERIOD], srv_now(),
		                         pool_row, pool_day_row, &T);
	else if (T.by_program)
		rc = ledger_pools_by_program(
		    c->s->l, pool[0] ? pool : NULL, (int32_t)r->num[KEY_PERIOD],
		    srv_now(), pool_row, pool_program_row, &T);
	else
		rc = ledger_pools(c->s->l, pool[0] ? pool : NULL,
		                  (int32_t)r->num[KEY_PERIOD], srv_now(),
		                  pool_row, &T);
	if (rc < 0) {
		listing_fail(&T.L, rc, err_str(rc));
		return DISPATCH_DONE;
	}
	listing_reply(&T.L, pool_keys, T.t, POOL_FIGS, NULL);
	return DISPATCH_DONE;
}

static int settlement_row(void *arg, const char *ben, const char *proj,
                          int64_t due, int64_t paid)
{
	struct listing *L = arg;
	struct rbuf *b = &L->c->out;

	reply_row(b, "SETTLEMENT");
	reply_kv_str(b, "beneficiary", ben);
	if (proj[0])
		reply_kv_str(b, "project", proj);
	reply_kv_i64(b, "earned", due);
	reply_kv_i64(b, "paid", paid);
	reply_end(b);
	L->n++;
	return 0;
}

enum dispatch_next listing_settle_preview(struct conn *c, const struct req *r)
{
	char program[LEDGER_ID + 1];
	static const char *const keys[3] = {"earned", "remaining", "paid"};
	int64_t v[3]; /* T, R, what would be paid */
	const char *why = NULL;
	struct listing L;
	int rc;

	listing_init(&L, c);
	req_copy(r, KEY_PROGRAM, program, sizeof(program));
	rc = ledger_settle_preview(
	    c->s->l, program, (int32_t)r->num[KEY_PERIOD], srv_now(),
	    settlement_row, &L, &v[0], &v[1], &v[2], &why);
	if (rc < 0) {
		listing_fail(&L, rc, why ? why : err_str(rc));
		return DISPATCH_DONE;
	}
	listing_reply(&L, keys, v, 3, NULL);
	return DISPATCH_DONE;
}

static int receivable_row(void *arg, const struct ledger_receivable *x)
{
	struct listing *L = arg;
	struct rbuf *b = &L->c->out;

	reply_row(b, "RECEIVABLE");
	reply_kv_str(b, "provider", x->provider);
	reply_kv_i64(b, "redeemed", x->redeemed);
	reply_kv_i64(b, "paid", x->paid);
	reply_kv_i64(b, "owed", x->owed);
	reply_end(b);
	L->n++;
	return 0;
}

enum dispatch_next listing_receivables(struct conn *c, const struct req *r)
{
	char buf[LEDGER_ID + 1];
	const char *who;
	struct listing L;
	int rc;

	if ((rc = whose(c, r, KEY_PROVIDER, buf, sizeof(buf), &who)) < 0) {
		srv_err(c, rc, "not your receivables");
		return DISPATCH_DONE;
	}
	listing_init(&L, c);
	rc = ledger_receivables(c->s->l, who, receivable_row, &L);
	if (rc < 0) {
		listing_fail(&L, rc, err_str(rc));
		return DISPATCH_DONE;
	}
	listing_send(&L, NULL, 0, NULL, 0, NULL);
	return DISPATCH_DONE;
}

static int entry_row(void *arg, uint64_t seq, const char *bytes, size_t len,
                     const uint8_t hash[32])
{
	struct listing *L = arg;
	struct rbuf *b = &L->c->out;
	char hex[65];

	(void)seq;
	hex_encode(hash, 32, hex);
	reply_row(b, "ENTRY");
	/* the entry's bytes are already "seq=.. time=.. type=.. k=v" */
	reply_raw(b, " ", 1);
	reply_raw(b, bytes, len);
	reply_kv_str(b, "hash", hex);
	reply_end(b);
	L->n++;
	return 0;
}

enum dispatch_next listing_journal(struct conn *c, const struct req *r)
{
	int64_t limit =
	    req_has(r, KEY_LIMIT) ? r->num[KEY_LIMIT] : JOURNAL_DEFAULT;
	struct listing L;
	int rc;

	if (limit > JOURNAL_MAX) {
		srv_err(c, VD_ELIMIT, "limit over 10000");
		return DISPATCH_DONE;
	}
	listing_init(&L, c);
	rc = ledger_journal(c->s->l, (uint64_t)r->num[KEY_AFTER], (size_t)limit,
	                    entry_row, &L);
	if (rc < 0) {
		listing_fail(&L, rc, err_str(rc));
		return DISPATCH_DONE;
	}
	listing_send(&L, NULL, 0, NULL, 0, NULL);
	return DISPATCH_DONE;
}

struct lines {
	struct listing L;
	uint64_t last;
	char enc[3 * LINES_LINE_MAX + 1];
};

static int line_row(void *arg, uint64_t i, const char *line, size_t len)
{
	struct lines *x = arg;
	struct rbuf *b = &x->L.c->out;
	size_t n;

	if (len > LINES_LINE_MAX)
		return VD_EINTERNAL;
	/* the line's spaces become %20: a reply value is one token */
	n = req_pct_encode(line, len, x->enc);
	reply_row(b, "LINE");
	reply_kv_i64(b, "i", (int64_t)i);
	reply_kv(b, "text", x->enc, n);
	reply_end(b);
	x->L.n++;
	x->last = i;
	return 0;
}

enum dispatch_next listing_lines(struct conn *c, const struct req *r)
{
	int64_t limit =
	    req_has(r, KEY_LIMIT) ? r->num[KEY_LIMIT] : LINES_DEFAULT;
	struct lines *x;
	char next[24] = "";
	int rc, more;

	if (limit > LINES_MAX) {
		srv_err(c, VD_ELIMIT, "limit over 10000");
		return DISPATCH_DONE;
	}
	/* 12 KiB of encoding room: on the heap, not the loop's stack */
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		srv_err(c, VD_ENOMEM, "out of memory");
		return DISPATCH_DONE;
	}
	listing_init(&x->L, c);
	rc = ledger_batch_lines(c->s->l, (uint64_t)r->num[KEY_SEQ],
	                        (uint64_t)r->num[KEY_AFTER], (size_t)limit,
	                        line_row, x, &more);
	if (rc < 0) {
		listing_fail(&x->L, rc,
		             rc == VD_ENOENT ? "no batch entry at that seq"
		                             : err_str(rc));
		free(x);
		return DISPATCH_DONE;
	}
	if (more)
		snprintf(next, sizeof(next), "%" PRIu64, x->last);
	listing_send(&x->L, NULL, 0, NULL, 0, next);
	free(x);
	return DISPATCH_DONE;
}

enum dispatch_next listing_checkpoint(struct conn *c, const struct req *r)
{
	(void)r;
	char msg[200], ts[CIVIL_UTC_LEN + 1];
	uint8_t hash[32], sig[SIG_LEN];
	int64_t now = srv_now();
	uint64_t seq;
	int n;

	n = ledger_checkpoint_message(c->s->l, now, msg, sizeof(msg), &seq,
	                              hash);
	if (n < 0 || sig_sign(c->s->key, msg, (size_t)n, sig) < 0) {
		srv_err(c, VD_EINTERNAL, "cannot sign a checkpoint");
		return DISPATCH_DONE;
	}
	civil_format_utc(now, ts);
	reply_ok(&c->out);
	reply_kv_i64(&c->out, "seq", (int64_t)seq);
	reply_kv_hex(&c->out, "hash", hash, 32);
	reply_kv_str(&c->out, "time", ts);
	reply_kv_hex(&c->out, "key", c->s->pub, SIG_PUB_LEN);
	reply_kv_hex(&c->out, "sig", sig, SIG_LEN);
	reply_end(&c->out);
	return DISPATCH_DONE;
}

enum dispatch_next listing_stats(struct conn *c, const struct req *r)
{
	(void)r;
	const struct srv_stats *st = &c->s->st;
	struct rbuf *o = &c->out;
	int i;

	reply_ok(o);
	reply_kv_i64(o, "connections", (int64_t)st->connections);
	reply_kv_i64(o, "open", (int64_t)c->s->nconns);
	reply_kv_i64(o, "requests", (int64_t)st->requests);
	reply_kv_i64(o, "records", (int64_t)st->records);
	reply_kv_i64(o, "duplicates", (int64_t)st->duplicates);
	reply_kv_i64(o, "batches", (int64_t)st->batches);
	reply_kv_i64(o, "commits", (int64_t)st->commits);
	reply_kv_i64(o, "errors", (int64_t)st->errors);
	/* errors by code: errors_badreq=.. errors_toobig=.. (all 16 words) */
	for (i = 0; i < ERRMAP_NWORDS; i++) {
		char key[32], *p;
		snprintf(key, sizeof(key), "errors_%s", errmap_nth(i));
		for (p = key; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		reply_kv_i64(o, key, (int64_t)st->errors_by[i]);
	}
	reply_end(o);
	return DISPATCH_DONE;
}
