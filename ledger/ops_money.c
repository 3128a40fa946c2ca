/* Redemptions, expiry, revocation and payments to providers. */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accrual.h"
#include "err.h"
#include "money.h"
#include "ops.h"
#include "period.h"

struct redemption_row {
	char voucher[LEDGER_ID + 1];
	char record[LEDGER_ID + 1];
	int64_t amount, remaining;
	uint64_t seq;
};

struct receivable_row {
	int64_t redeemed, paid;
};

static int receivable_get(struct book *b, const char *provider,
                          struct receivable_row *r)
{
	uint8_t k[4];
	size_t n = 0;
	MDB_val v;
	int rc;

	memset(r, 0, sizeof(*r));
	/* keyed by the provider's number (schema 8); none: no row */
	if ((rc = pno_key(b->t, k, &n, provider)) == 0)
		rc = ltx_get(b->t, DB_RECEIVABLES, k, n, &v);
	if (rc == VD_ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	if (v.mv_size != sizeof(*r))
		return VD_EINTERNAL;
	memcpy(r, v.mv_data, sizeof(*r));
	return 0;
}

static int receivable_put(struct book *b, const char *provider,
                          const struct receivable_row *r)
{
	uint8_t k[4];
	size_t n = 0;
	int rc;

	if ((rc = pno_key(b->t, k, &n, provider)) < 0)
		return rc == VD_ENOENT ? VD_EINTERNAL : rc;
	return ltx_put(b->t, DB_RECEIVABLES, k, n, r, sizeof(*r));
}

/* DB_REDEMPTIONS' and DB_PAYMENTS' key: (provider's number, ref at its
 * own length); VD_ENOENT if provider is no principal. */
#define REF_KEY (4 + STORE_KSTR)
static int ref_key(struct book *b, uint8_t *k, size_t *n, const char *provider,
                   const char *ref)
{
	int rc;

	*n = 0;
	if ((rc = pno_key(b->t, k, n, provider)) < 0)
		return rc;
	*n = store_key_str(k, *n, ref);
	return 0;
}

/* Redeemed so far against (provider, record) by vouchers of prog ("" for
 * every voucher): keyed (provider's number, record, prog), the strings
 * at their own length (NULL prog: the prefix of the record's rows). */
#define RR_KEY (4 + 2 * STORE_KSTR)
static int rr_key(struct book *b, uint8_t *k, size_t *n, const char *provider,
                  const char *record, const char *prog)
{
	int rc;

	*n = 0;
	if ((rc = pno_key(b->t, k, n, provider)) < 0)
		return rc == VD_ENOENT ? VD_EINTERNAL : rc;
	*n = store_key_str(k, *n, record);
	if (prog != NULL)
		*n = store_key_str(k, *n, prog);
	return 0;
}

static int rr_get(struct book *b, const uint8_t *k, size_t n, int64_t *sum)
{
	MDB_val v;
	int rc = ltx_get(b->t, DB_REC_REDEEMED, k, n, &v);

	*sum = 0;
	if (rc == VD_ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	if (v.mv_size != sizeof(*sum))
		return VD_EINTERNAL;
	memcpy(sum, v.mv_data, sizeof(*sum));
	return 0;
}

int ops_redeem(struct book *b, struct ledger_op *op)
{
	const char *provider = op->u.redeem.provider;
	struct redemption_row red;
	struct voucher_row v, old;
	struct principal_row prov;
	struct receivable_row rcv;
	const struct policy_program *g;
	uint8_t k[REF_KEY], kp[RR_KEY], ka[RR_KEY];
	size_t kn = 0, kpn, kan;
	int64_t amount = op->u.redeem.amount, most, by_prog, by_all;
	char parts[512], net[512];
	struct ops_net todo;
	struct jfields f;
	MDB_val val;
	int rc;

	/* suspended (失信): before a replay too (protocol.md's order) */
	if ((rc = ops_suspended(b, provider)) != 0)
		return rc < 0 ? rc
		              : ops_refuse(&op->why, VD_EDENIED,
		                           "the provider is suspended");
	/* a suspended holder's voucher: DENIED, after an unknown voucher
	 * or record (NOTFOUND) and before a replay (protocol.md's order) */
	{
		struct recrow rr;
		if ((rc = book_voucher_get(b, op->u.redeem.voucher, &v)) < 0)
			return rc == VD_ENOENT
			           ? ops_refuse(&op->why, rc, "unknown voucher")
			           : rc;
		if ((rc = book_record(b, provider, op->u.redeem.record, NULL,
		                      &rr, NULL)) < 0)
			return rc == VD_ENOENT
			           ? ops_refuse(&op->why, rc, "unknown record")
			           : rc;
		if ((rc = ops_suspended(b, v.beneficiary)) != 0)
			return rc < 0 ? rc
			              : ops_refuse(&op->why, VD_EDENIED,
			                           "the voucher's holder is "
			                           "suspended");
	}
	/* an unregistered provider has none: "unknown provider" below */
	if ((rc = ref_key(b, k, &kn, provider, op->u.redeem.ref)) == 0)
		rc = ltx_get(b->t, DB_REDEMPTIONS, k, kn, &val);
	if (rc == 0) {
		if (val.mv_size != sizeof(red))
			return VD_EINTERNAL;
		memcpy(&red, val.mv_data, sizeof(red));
		if (strcmp(red.voucher, op->u.redeem.voucher) != 0 ||
		    strcmp(red.record, op->u.redeem.record) != 0 ||
		    red.amount != amount)
			return ops_refuse(&op->why, VD_ECONFLICT,
			                  "ref already used for another "
			                  "redemption");
		/* the same ref again: the first result, nothing more */
		op->amount = red.amount;
		op->remaining = red.remaining;
		op->seq = red.seq;
		return 0;
	}
	if (rc != VD_ENOENT)
		return rc;
	if (amount <= 0)
		return ops_refuse(&op->why, VD_EINVAL, "amount is not above 0");
	if ((rc = book_principal(b, provider, &prov)) < 0)
		return rc == VD_ENOENT
		           ? ops_refuse(&op->why, rc, "unknown provider")
		           : rc;
	if (prov.role != ROLE_PROVIDER)
		return ops_refuse(&op->why, VD_EDENIED,
		                  "only a provider may redeem");
	if ((rc = book_voucher_get(b, op->u.redeem.voucher, &v)) < 0)
		return rc == VD_ENOENT
		           ? ops_refuse(&op->why, rc, "unknown voucher")
		           : rc;
	{
		/* the usage record this redemption pays part of */
		char org[STORE_ID + 1];
		struct recrow r;
		if ((rc = book_record(b, provider, op->u.redeem.record, NULL,
		                      &r, org)) < 0)
			return rc == VD_ENOENT
			           ? ops_refuse(&op->why, rc, "unknown record")
			           : rc;
		if (r.status == REC_VOIDED)
			return ops_refuse(&op->why, VD_EINVAL,
			                  "the record is voided");
		if (v.pays == POLICY_PAYS_CASH)
			return ops_refuse(&op->why, VD_EDENIED,
			                  "a cash entitlement is paid out by "
			                  "the bureau, not redeemed");
		if (strcmp(org, v.beneficiary) != 0)
			return ops_refuse(&op->why, VD_EDENIED,
			                  "the voucher is not the record's "
			                  "org's");
		g = policy_program(b->pol, v.program);
		if (g == NULL)
			return ops_refuse(&op->why, VD_EDENIED,
			                  "the voucher's program is no longer "
			                  "in the policy");
		if (!accrual_provider_ok(g, provider, prov.local, prov.region))
			return ops_refuse(
			    &op->why, VD_EDENIED,
			    g->providers == POLICY_PROV_LIST
			        ? "the program does not list this provider"
			    : g->region[0]
			        ? "the program pays providers within its "
			          "region "
			          "only"
			        : "the program pays local providers only");
		if (v.status == V_REVOKED)
			return ops_refuse(&op->why, VD_EREVOKED,
			                  "voucher revoked");
		if (v.status == V_EXPIRED ||
		    (v.expires_at != 0 && b->now >= v.expires_at))
			return ops_refuse(&op->why, VD_EEXPIRED,
			                  "voucher expired");
		if (book_remaining(&v) == 0)
			return ops_refuse(&op->why, VD_ESPENT, "voucher spent");
		if (amount > book_remaining(&v))
			return ops_refuse(&op->why, VD_EFUNDS,
			                  "over the voucher's remaining "
			                  "amount");
		/* this program's share of the bill, and the bill itself
		 * counting every voucher */
		if ((rc = rr_key(b, kp, &kpn, provider, op->u.redeem.record,
		                 g->id)) < 0 ||
		    (rc = rr_key(b, ka, &kan, provider, op->u.redeem.record,
		                 "")) < 0 ||
		    (rc = rr_get(b, kp, kpn, &by_prog)) < 0 ||
		    (rc = rr_get(b, ka, kan, &by_all)) < 0 ||
		    (rc = money_apply_bp(r.amount, g->cover_bp, &most)) < 0)
			return rc;
		if (by_prog + amount > most)
			return ops_refuse(&op->why, VD_ECOVER,
			                  "over the share of the bill the "
			                  "program covers");
		if (by_all + amount > r.amount)
			return ops_refuse(&op->why, VD_ECOVER,
			                  "over what is left of the bill");
	}
	old = v;
	if ((rc = book_pools_move(
	         b, g, v.period, offsetof(struct pool_row, redeemed),
	         &v.redeemed, amount, parts, sizeof(parts))) < 0)
		return rc;
	if (book_remaining(&v) == 0)
		v.status = V_SPENT;
	by_prog += amount;
	by_all += amount;
	if ((rc = receivable_get(b, provider, &rcv)) < 0 ||
	    (rc = money_add(rcv.redeemed, amount, &rcv.redeemed)) < 0 ||
	    (rc = book_voucher_put(b, op->u.redeem.voucher, &old, &v)) < 0 ||
	    (rc = ltx_put(b->t, DB_REC_REDEEMED, kp, kpn, &by_prog,
	                  sizeof(by_prog))) < 0 ||
	    (rc = ltx_put(b->t, DB_REC_REDEEMED, ka, kan, &by_all,
	                  sizeof(by_all))) < 0 ||
	    (rc = receivable_put(b, provider, &rcv)) < 0)
		return rc;
	journal_fields_init(&f);
	journal_str(&f, "voucher", op->u.redeem.voucher);
	journal_str(&f, "provider", provider);
	journal_str(&f, "record", op->u.redeem.record);
	journal_i64(&f, "amount", amount);
	journal_str(&f, "ref", op->u.redeem.ref);
	journal_str(&f, "pools", parts);
	/* the net basis it lowers, for an auditor's replay: the record's
	 * org and period name the rows */
	if ((rc = ops_net_lower(b, provider, op->u.redeem.record, amount, net,
	                        sizeof(net), &todo)) < 0)
		return rc;
	if (net[0] != '\0') {
		journal_str(&f, "net", net);
		journal_str(&f, "org", v.beneficiary);
		journal_i64(&f, "record_period", todo.period);
		/* per-project programs' rows are the record's project's */
		if (todo.project[0])
			journal_str(&f, "record_project", todo.project);
	}
	if ((rc = journal_append(b->t, b->now, "redeem", &f, &op->seq)) < 0)
		return rc;
	/* then the programs recomputed: what they take back comes off the
	 * remaining of their vouchers (this one's too) */
	if (net[0] != '\0' &&
	    ((rc = ops_net_settle(b, provider, &todo)) < 0 ||
	     (rc = book_voucher_get_of(b, v.beneficiary, op->u.redeem.voucher,
	                               &v)) < 0))
		return rc;
	memset(&red, 0, sizeof(red));
	snprintf(red.voucher, sizeof(red.voucher), "%s", op->u.redeem.voucher);
	snprintf(red.record, sizeof(red.record), "%s", op->u.redeem.record);
	red.amount = amount;
	red.remaining = book_remaining(&v);
	red.seq = op->seq;
	if ((rc = ltx_put(b->t, DB_REDEMPTIONS, k, kn, &red, sizeof(red))) < 0)
		return rc;
	op->amount = amount;
	op->remaining = red.remaining;
	return 0;
}

/* The redemptions against one record (collected before any write: a
 * walk must not see its own changes). */
struct reds {
	const char *record;
	struct redemption_row *v;
	char (*ref)[STORE_ID + 1];
	size_t n, cap;
};

static int red_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct reds *r = arg;
	struct redemption_row row;
	char ref[STORE_ID + 1];

	/* (the provider's number, ref) */
	if (v->mv_size != sizeof(row) || store_key_tail_str(k, 4, ref) < 0)
		return VD_EINTERNAL;
	memcpy(&row, v->mv_data, sizeof(row));
	if (strcmp(row.record, r->record) != 0)
		return 0;
	if (r->n == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 8;
		void *a = realloc(r->v, nc * sizeof(*r->v));
		void *b = a ? realloc(r->ref, nc * sizeof(*r->ref)) : NULL;
		if (a)
			r->v = a;
		if (b == NULL)
			return VD_ENOMEM;
		r->ref = b;
		r->cap = nc;
	}
	r->v[r->n] = row;
	memcpy(r->ref[r->n], ref, sizeof(ref));
	r->n++;
	return 0;
}

/* One redemption undone: the amount goes back to its voucher, first
 * cancelling the voucher's clawback due (booked revoked: it returns to
 * the pools instead of being owed back); then, if the holder has repaid
 * more than now left through the voucher, that much is owed back to the
 * holder (a refund: clawback_due below 0), and what had come back to the
 * pools as recovered is booked revoked instead (it must not come back
 * twice); the rest to remaining if the voucher is active or spent (a
 * spent one is active again), else booked as it left (expired or
 * revoked: back to the pools). */
static int unredeem(struct book *b, const char *provider,
                    const struct redemption_row *red, const char *ref,
                    struct receivable_row *rcv)
{
	const struct policy_program *g;
	struct voucher_row v, old;
	int64_t a = red->amount, cancel, lapse = 0, refund, rest;
	char parts[512], cparts[512], lparts[512] = "-", rparts[512],
	                              fparts[512];
	const char *lapse_to = "none";
	struct jfields f;
	int rc;

	if ((rc = book_voucher_get(b, red->voucher, &v)) < 0)
		return rc == VD_ENOENT ? VD_EINTERNAL : rc;
	g = policy_program(b->pol, v.program);
	old = v;
	if ((rc = book_pools_move(b, g, v.period,
	                          offsetof(struct pool_row, redeemed),
	                          &v.redeemed, -a, parts, sizeof(parts))) < 0)
		return rc;
	cancel = v.clawback_due <= 0  ? 0
	         : v.clawback_due < a ? v.clawback_due
	                              : a;
	v.clawback_due -= cancel;
	if ((rc = book_pools_move(
	         b, g, v.period, offsetof(struct pool_row, revoked), &v.revoked,
	         cancel, cparts, sizeof(cparts))) < 0)
		return rc;
	refund = v.recovered + v.clawback_due - (v.redeemed + v.paid_out);
	if (refund > a - cancel)
		refund = a - cancel;
	if (refund < 0)
		refund = 0;
	v.clawback_due -= refund;
	/* what had come back as recovered is booked revoked instead: the
	 * recovered parts come off, the revoked ones on, as the entry's one
	 * refund_pools (each pool's share of both totals moves alike only
	 * when the totals split alike: the two moves are booked apart) */
	if ((rc = book_pools_move(
	         b, g, v.period, offsetof(struct pool_row, recovered),
	         &v.recovered, -refund, rparts, sizeof(rparts))) < 0 ||
	    (rc = book_pools_move(
	         b, g, v.period, offsetof(struct pool_row, revoked), &v.revoked,
	         refund, fparts, sizeof(fparts))) < 0)
		return rc;
	rest = a - cancel - refund;
	if (v.status == V_EXPIRED || v.status == V_REVOKED) {
		lapse = rest;
		lapse_to = v.status == V_EXPIRED ? "expired" : "revoked";
		if ((rc = book_pools_move(
		         b, g, v.period,
		         v.status == V_EXPIRED
		             ? offsetof(struct pool_row, expired)
		             : offsetof(struct pool_row, revoked),
		         v.status == V_EXPIRED ? &v.expired : &v.revoked, lapse,
		         lparts, sizeof(lparts))) < 0)
			return rc;
	} else if (book_remaining(&v) > 0)
		v.status = V_ACTIVE;
	rcv->redeemed -= a;
	if ((rc = book_voucher_put(b, red->voucher, &old, &v)) < 0)
		return rc;
	journal_fields_init(&f);
	journal_str(&f, "voucher", red->voucher);
	journal_str(&f, "provider", provider);
	journal_str(&f, "record", red->record);
	journal_str(&f, "ref", ref);
	journal_i64(&f, "amount", a);
	journal_str(&f, "pools", parts);
	journal_i64(&f, "cancel", cancel);
	journal_str(&f, "cancel_pools", cparts);
	journal_i64(&f, "refund", refund);
	journal_str(&f, "refund_pools", rparts);
	journal_str(&f, "refund_revoked_pools", fparts);
	journal_i64(&f, "lapse", lapse);
	journal_str(&f, "lapse_to", lapse_to);
	journal_str(&f, "lapse_pools", lparts);
	return journal_append(b->t, b->now, "unredeem", &f, NULL);
}

/* The programs with a redeemed sum against one record ("" for all). */
struct rr_keys {
	char prog[POLICY_MAX_PROGRAMS + 1][STORE_ID + 1];
	size_t n;
};

static int rr_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct rr_keys *ks = arg;
	const uint8_t *p = k->mv_data, *end = p + k->mv_size;
	char record[STORE_ID + 1];

	(void)v;
	if (ks->n == POLICY_MAX_PROGRAMS + 1)
		return VD_ELIMIT;
	/* (the provider's number, record, program): the last */
	if (k->mv_size < 4)
		return VD_EINTERNAL;
	p += 4;
	if (store_key_take_str(&p, end, record) < 0 ||
	    store_key_take_str(&p, end, ks->prog[ks->n]) < 0 || p != end)
		return VD_EINTERNAL;
	ks->n++;
	return 0;
}

int ops_record_redeemed(struct book *b, const char *provider,
                        const char *record, int64_t *sum)
{
	uint8_t k[RR_KEY];
	size_t n;
	int rc;

	if ((rc = rr_key(b, k, &n, provider, record, "")) < 0)
		return rc;
	return rr_get(b, k, n, sum);
}

int ops_unredeem_record(struct book *b, const char *provider,
                        const char *record)
{
	struct reds r = {record, NULL, NULL, 0, 0};
	struct receivable_row rcv;
	uint8_t k[4], kr[RR_KEY];
	size_t i, n = 0;
	int rc;

	/* redemptions are keyed (provider, ref): the provider's are read
	 * for those against this record */
	if ((rc = pno_key(b->t, k, &n, provider)) < 0) {
		rc = rc == VD_ENOENT ? VD_EINTERNAL : rc;
		goto out;
	}
	if ((rc = ltx_walk(b->t, DB_REDEMPTIONS, k, n, NULL, 0, red_one, &r)) <
	        0 ||
	    r.n == 0 || (rc = receivable_get(b, provider, &rcv)) < 0)
		goto out;
	for (i = 0; i < r.n && rc == 0; i++)
		rc = unredeem(b, provider, &r.v[i], r.ref[i], &rcv);
	if (rc < 0 || (rc = receivable_put(b, provider, &rcv)) < 0)
		goto out;
	/* nothing is redeemed against the record any more: its sums, by
	 * program and for all ("") */
	{
		struct rr_keys ks = {{{0}}, 0};
		uint8_t pre[RR_KEY];
		size_t pn, kn;
		if ((rc = rr_key(b, pre, &pn, provider, record, NULL)) == 0)
			rc = ltx_walk(b->t, DB_REC_REDEEMED, pre, pn, NULL, 0,
			              rr_one, &ks);
		for (i = 0; rc == 0 && i < ks.n; i++)
			if ((rc = rr_key(b, kr, &kn, provider, record,
			                 ks.prog[i])) == 0)
				rc = ltx_del(b->t, DB_REC_REDEEMED, kr, kn);
	}
out:
	free(r.v);
	free(r.ref);
	return rc;
}

struct due_list {
	int64_t now;
	char (*vid)[STORE_ID + 1];
	size_t n, cap;
};

static int due_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct due_list *d = arg;
	const uint8_t *p = k->mv_data, *end = p + k->mv_size;
	char vid[STORE_ID + 1];
	uint64_t at;

	(void)v;
	/* (the expiry, the voucher id at its own length) */
	if (store_key_take_u64(&p, end, &at) < 0 ||
	    store_key_take_str(&p, end, vid) < 0 || p != end)
		return VD_EINTERNAL;
	if ((int64_t)(at ^ (1ull << 63)) > d->now)
		return 1; /* in time order: the rest are later */
	if (d->n == d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 64;
		void *q = realloc(d->vid, nc * sizeof(*d->vid));
		if (q == NULL)
			return VD_ENOMEM;
		d->vid = q;
		d->cap = nc;
	}
	memcpy(d->vid[d->n++], vid, sizeof(vid));
	return 0;
}

int ops_expire(struct book *b, struct ledger_op *op)
{
	struct due_list d = {b->now, NULL, 0, 0};
	struct voucher_row v, old;
	char parts[512];
	struct jfields f;
	size_t i;
	int rc;

	op->amount = 0;
	if ((rc = ltx_walk(b->t, DB_EXPIRY, NULL, 0, NULL, 0, due_one, &d)) < 0)
		goto out;
	for (i = 0; i < d.n; i++) {
		const struct policy_program *g;
		int64_t rem;
		if ((rc = book_voucher_get(b, d.vid[i], &v)) < 0)
			goto out;
		rem = book_remaining(&v);
		if (v.status != V_ACTIVE || rem <= 0)
			continue;
		old = v;
		/* what is left returns to the pools */
		v.status = V_EXPIRED;
		g = policy_program(b->pol, v.program);
		if ((rc = book_pools_move(
		         b, g, v.period, offsetof(struct pool_row, expired),
		         &v.expired, rem, parts, sizeof(parts))) < 0 ||
		    (rc = book_voucher_put(b, d.vid[i], &old, &v)) < 0)
			goto out;
		journal_fields_init(&f);
		journal_str(&f, "voucher", d.vid[i]);
		journal_i64(&f, "amount", rem);
		journal_str(&f, "pools", parts);
		if ((rc = journal_append(b->t, b->now, "expire", &f,
		                         &op->seq)) < 0)
			goto out;
		op->amount++;
	}
out:
	free(d.vid);
	return rc;
}

int ops_revoke(struct book *b, struct ledger_op *op)
{
	const struct policy_program *g;
	struct voucher_row v, old;
	char parts[512];
	struct jfields f;
	int64_t rem, claw;
	int rc;

	if ((rc = book_voucher_get(b, op->u.revoke.voucher, &v)) < 0)
		return rc == VD_ENOENT
		           ? ops_refuse(&op->why, rc, "unknown voucher")
		           : rc;
	if (v.status == V_REVOKED)
		return ops_refuse(&op->why, VD_EREVOKED,
		                  "voucher already revoked");
	old = v;
	rem = v.status == V_ACTIVE ? book_remaining(&v) : 0;
	g = policy_program(b->pol, v.program);
	/* the remaining amount returns to the pools */
	if ((rc = book_pools_move(b, g, v.period,
	                          offsetof(struct pool_row, revoked),
	                          &v.revoked, rem, parts, sizeof(parts))) < 0)
		return rc;
	v.status = V_REVOKED;
	/* what left through it (redeemed, paid out) and is not yet owed
	 * back is owed back by the holder (追回) */
	claw = book_clawback_room(&v);
	v.clawback_due += claw;
	if ((rc = book_voucher_put(b, op->u.revoke.voucher, &old, &v)) < 0)
		return rc;
	journal_fields_init(&f);
	journal_str(&f, "voucher", op->u.revoke.voucher);
	journal_i64(&f, "amount", rem);
	journal_str(&f, "pools", parts);
	journal_str(&f, "beneficiary", v.beneficiary);
	journal_i64(&f, "clawback", claw);
	journal_text(&f, "reason", op->u.revoke.reason);
	if ((rc = journal_append(b->t, b->now, "revoke", &f, &op->seq)) < 0)
		return rc;
	op->amount = rem;
	op->remaining = v.clawback_due;
	return 0;
}

int ops_pay(struct book *b, struct ledger_op *op)
{
	const char *provider = op->u.pay.provider;
	struct receivable_row rcv;
	struct principal_row prov;
	uint8_t k[REF_KEY];
	struct jfields f;
	int64_t amount = op->u.pay.amount, row[2];
	size_t kn;
	MDB_val v;
	int rc;

	if ((rc = book_principal(b, provider, &prov)) < 0)
		return rc == VD_ENOENT
		           ? ops_refuse(&op->why, rc, "unknown provider")
		           : rc;
	if (prov.role != ROLE_PROVIDER)
		return ops_refuse(&op->why, VD_ENOENT,
		                  "the provider named is not a provider");
	if ((rc = receivable_get(b, provider, &rcv)) < 0)
		return rc;
	/* the provider is registered (above) */
	if ((rc = ref_key(b, k, &kn, provider, op->u.pay.ref)) < 0)
		return rc == VD_ENOENT ? VD_EINTERNAL : rc;
	rc = ltx_get(b->t, DB_PAYMENTS, k, kn, &v);
	if (rc == 0) {
		if (v.mv_size != sizeof(row))
			return VD_EINTERNAL;
		memcpy(row, v.mv_data, sizeof(row));
		if (row[0] != amount)
			return ops_refuse(&op->why, VD_ECONFLICT,
			                  "ref already used for another "
			                  "amount");
		op->amount = rcv.paid;
		op->remaining = rcv.redeemed - rcv.paid;
		op->seq = (uint64_t)row[1];
		return 0;
	}
	if (rc != VD_ENOENT)
		return rc;
	if (amount <= 0)
		return ops_refuse(&op->why, VD_EINVAL, "amount is not above 0");
	if (amount > rcv.redeemed - rcv.paid)
		return ops_refuse(&op->why, VD_EFUNDS, "more than owed");
	rcv.paid += amount;
	journal_fields_init(&f);
	journal_str(&f, "provider", provider);
	journal_i64(&f, "amount", amount);
	journal_str(&f, "ref", op->u.pay.ref);
	if ((rc = journal_append(b->t, b->now, "pay", &f, &op->seq)) < 0)
		return rc;
	row[0] = amount;
	row[1] = (int64_t)op->seq;
	if ((rc = receivable_put(b, provider, &rcv)) < 0 ||
	    (rc = ltx_put(b->t, DB_PAYMENTS, k, kn, row, sizeof(row))) < 0)
		return rc;
	op->amount = rcv.paid;
	op->remaining = rcv.redeemed - rcv.paid;
	return 0;
}
