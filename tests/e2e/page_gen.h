/* A year of usage, written into a store before vouchd starts on it: for
 * the bureau page's end-to-end test and bench/page.sh.
 *
 * vouchd stamps every movement with the real clock, so a year of daily
 * figures cannot come through the wire in a test's minutes. This goes
 * through the ledger's own write path instead (ledger_batch, as the
 * daemon's commit thread runs it) with each operation's time set to the
 * day it stands for, 12:00 CST: the rollup books it on that day, as it
 * would have had the bills come in then. Records are signed with real
 * Ed25519 keys of registered providers, so the journal audits as any
 * other. The daemon then opens the store as it finds it.
 *
 * Header-only (as e2e_client.h); links vd_ledger and vd_proto. */
#ifndef VD_PAGE_GEN_H
#define VD_PAGE_GEN_H

#include <stdio.h>
#include <string.h>

#include "civil.h"
#include "err.h"
#include "hex.h"
#include "ledger.h"
#include "policy.h"
#include "reads.h"
#include "record.h"
#include "sig.h"

/* One daily bill and what follows it. */
struct gen_feed {
	const char *provider, *org; /* registered by gen_open */
	int64_t amount;             /* fen billed each day */
	/* redeem this many fen a day of the org's voucher of program
	 * against the day's bill (0: none) */
	const char *program;
	int64_t redeem;
	/* every payout_every days pay out the remaining of holder's cash
	 * entitlement of program (0: never) */
	int payout_every;
	const char *holder;
	/* found on the way: [0] the voucher redeemed (of the period in
	 * voucher_period[0]), [1] the entitlement last paid out */
	char voucher[2][LEDGER_ID + 1];
	int32_t voucher_period[2];
};

struct gen {
	struct ledger *l;
	struct policy *pol;
	struct sig_key *keys[64]; /* per feed's provider */
	int64_t ops, refused;
};

/* The CST day's 12:00 in Unix time. */
static inline int64_t gen_noon(int32_t day)
{
	return (int64_t)day * 86400 + 4 * 3600;
}

static inline int gen_run(struct gen *g, struct ledger_op *ops, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	if (ledger_batch(g->l, ops, n) < 0)
		return -1;
	g->ops += (int64_t)n;
	for (i = 0; i < n; i++)
		if (ops[i].rc < 0) {
			g->refused++;
			fprintf(stderr, "page_gen: op %d refused: %s\n",
			        (int)ops[i].type,
			        ops[i].why ? ops[i].why : err_str(ops[i].rc));
		}
	return 0;
}

/* Open the store in data (made by `vouchd init`), put the policy of
 * dir in force as of day `from` and register the feeds' providers and
 * orgs (an org kind "enterprise", no region). 0 or -1. */
static inline int gen_open(struct gen *g, const char *data, const char *dir,
                           struct gen_feed *f, size_t nf, int32_t from)
{
	struct ledger_op op;
	char err[256];
	size_t i, k;

	memset(g, 0, sizeof(*g));
	if (nf > 64 || policy_load_dir(dir, &g->pol, NULL) < 0 ||
	    ledger_open(data, 0, 0, &g->l, err, sizeof(err)) < 0)
		return -1;
	ledger_set_policy(g->l, g->pol);
	memset(&op, 0, sizeof(op));
	op.type = OP_POLICY;
	op.now = gen_noon(from);
	if (gen_run(g, &op, 1) < 0 || op.rc < 0)
		return -1;
	for (i = 0; i < nf; i++) {
		int seen = 0;
		if (sig_keygen(&g->keys[i]) < 0)
			return -1;
		for (k = 0; k < i; k++)
			seen |= strcmp(f[k].provider, f[i].provider) == 0;
		memset(&op, 0, sizeof(op));
		op.type = OP_REGISTER;
		op.now = gen_noon(from);
		snprintf(op.u.reg.id, sizeof(op.u.reg.id), "%s", f[i].provider);
		op.u.reg.role = ROLE_PROVIDER;
		sig_key_public(g->keys[i], op.u.reg.key);
		if (!seen && (gen_run(g, &op, 1) < 0 || op.rc < 0))
			return -1;
		seen = 0;
		for (k = 0; k < i; k++)
			seen |= strcmp(f[k].org, f[i].org) == 0;
		memset(&op, 0, sizeof(op));
		op.type = OP_REGISTER;
		op.now = gen_noon(from);
		snprintf(op.u.reg.id, sizeof(op.u.reg.id), "%s", f[i].org);
		op.u.reg.role = ROLE_ORG;
		snprintf(op.u.reg.kind, sizeof(op.u.reg.kind), "enterprise");
		if (!seen && (gen_run(g, &op, 1) < 0 || op.rc < 0))
			return -1;
	}
	return 0;
}

struct gen_find {
	const char *program;
	char *out;
	int64_t remaining;
};

static inline int gen_find_one(void *arg, const struct ledger_voucher *v)
{
	struct gen_find *q = arg;

	if (strcmp(v->program, q->program) != 0)
		return 0;
	snprintf(q->out, LEDGER_ID + 1, "%s", v->id);
	q->remaining = v->remaining;
	return 1;
}

/* The voucher of (program, ben, period) into out ("" none); its
 * remaining. */
static inline int64_t gen_voucher(struct gen *g, const char *program,
                                  const char *ben, int32_t period, char *out)
{
	struct gen_find q = {program, out, 0};

	out[0] = '\0';
	if (ledger_vouchers(g->l, ben, period, gen_find_one, &q) < 0)
		return 0;
	return q.remaining;
}

/* The signed USAGE of feed i on day d into op (line into buf). */
static inline int gen_usage(struct gen *g, const struct gen_feed *f, size_t i,
                            int32_t d, struct ledger_op *op, char *buf,
                            size_t size)
{
	struct record r;
	char date[11], *sig;
	int64_t y;
	int m, dd;

	memset(op, 0, sizeof(*op));
	civil_from_days(d, &y, &m, &dd);
	snprintf(date, sizeof(date), "%04d-%02d-%02d", (int)y, m, dd);
	memset(&r, 0, sizeof(r));
	snprintf(r.provider, sizeof(r.provider), "%s", f->provider);
	snprintf(r.id, sizeof(r.id), "%s-%s-%s", f->provider, f->org, date);
	snprintf(r.org, sizeof(r.org), "%s", f->org);
	r.at = gen_noon(d) - 3600;
	r.amount = f->amount;
	r.qty = 10;
	snprintf(r.unit, sizeof(r.unit), "gpu-hour");
	r.kind = KIND_TRAINING;
	if (record_sign(g->keys[i], &r, buf, size) <= 0 ||
	    (sig = strstr(buf, " sig=")) == NULL ||
	    hex_decode(sig + 5, 2 * SIG_LEN, op->u.usage.sig, SIG_LEN) < 0)
		return -1;
	op->type = OP_USAGE;
	op->now = gen_noon(d);
	sig_key_public(g->keys[i], op->key);
	snprintf(op->u.usage.provider, sizeof(op->u.usage.provider), "%s",
	         r.provider);
	snprintf(op->u.usage.id, sizeof(op->u.usage.id), "%s", r.id);
	snprintf(op->u.usage.org, sizeof(op->u.usage.org), "%s", r.org);
	op->u.usage.at = r.at;
	op->u.usage.amount = r.amount;
	op->u.usage.qty = r.qty;
	snprintf(op->u.usage.unit, sizeof(op->u.usage.unit), "%s", r.unit);
	op->u.usage.kind = r.kind;
	op->u.usage.line = buf;
	op->u.usage.line_len = (size_t)(sig - buf);
	return 0;
}

/* The feeds on every day from `from` to `to` (CST days), in order: the
 * day's bills in one commit, then the redemptions and payouts they
 * allow in another. 0 or -1 (a refused operation is counted in
 * g->refused, not a failure). */
static inline int gen_days(struct gen *g, struct gen_feed *f, size_t nf,
                           int32_t from, int32_t to)
{
	static char lines[64][1024];
	static struct ledger_op ops[64], more[64];
	int32_t d;
	size_t i, n;

	for (d = from; d <= to; d++) {
		int64_t y;
		int m, dd;
		int32_t period;
		civil_from_days(d, &y, &m, &dd);
		period = (int32_t)y;
		for (i = 0; i < nf; i++)
			if (gen_usage(g, &f[i], i, d, &ops[i], lines[i],
			              sizeof(lines[i])) < 0)
				return -1;
		if (gen_run(g, ops, nf) < 0)
			return -1;
		for (n = 0, i = 0; i < nf; i++) {
			struct ledger_op *op = &more[n];
			const char *ben = f[i].redeem ? f[i].org : f[i].holder;
			int64_t rem;
			if (f[i].program == NULL)
				continue;
			memset(op, 0, sizeof(*op));
			op->now = gen_noon(d) + 60;
			if (f[i].redeem) {
				/* the voucher is the period's, topped up */
				if (f[i].voucher_period[0] != period ||
				    f[i].voucher[0][0] == '\0') {
					gen_voucher(g, f[i].program, ben,
					            period, f[i].voucher[0]);
					f[i].voucher_period[0] = period;
				}
				if (f[i].voucher[0][0] == '\0')
					continue;
				op->type = OP_REDEEM;
				snprintf(op->u.redeem.provider,
				         sizeof(op->u.redeem.provider), "%s",
				         f[i].provider);
				snprintf(op->u.redeem.voucher,
				         sizeof(op->u.redeem.voucher), "%s",
				         f[i].voucher[0]);
				snprintf(op->u.redeem.record,
				         sizeof(op->u.redeem.record), "%s",
				         ops[i].u.usage.id);
				op->u.redeem.amount = f[i].redeem;
				snprintf(op->u.redeem.ref,
				         sizeof(op->u.redeem.ref), "r-%.60s",
				         ops[i].u.usage.id);
				n++;
			} else if (f[i].payout_every > 0 &&
			           (d - from) % f[i].payout_every ==
			               f[i].payout_every - 1) {
				rem = gen_voucher(g, f[i].program, ben, period,
				                  f[i].voucher[1]);
				if (rem <= 0)
					continue;
				op->type = OP_PAYOUT;
				snprintf(op->u.payout.voucher,
				         sizeof(op->u.payout.voucher), "%s",
				         f[i].voucher[1]);
				op->u.payout.amount = rem;
				snprintf(op->u.payout.ref,
				         sizeof(op->u.payout.ref), "p-%.60s",
				         ops[i].u.usage.id);
				n++;
			}
		}
		if (gen_run(g, more, n) < 0)
			return -1;
	}
	return 0;
}

/* Close the store (before vouchd opens it); the keys stay, to sign
 * more on the wire. */
static inline void gen_close_store(struct gen *g)
{
	ledger_close(g->l);
	policy_free(g->pol);
	g->l = NULL;
	g->pol = NULL;
}

static inline void gen_free_keys(struct gen *g)
{
	size_t i;

	for (i = 0; i < 64; i++)
		sig_key_free(g->keys[i]);
}

#endif
