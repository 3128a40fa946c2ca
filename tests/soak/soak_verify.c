/* After a restart: the round's log against the store, through the
 * daemon's own answers (soak.h). The journal from the model's head on
 * is read and its hash chain recomputed from the head's hash, so that
 * the entries before (every change verified in earlier rounds) are
 * proven unchanged; each acknowledged write must be there, each refused
 * one must not, an unanswered one may be either (and a batch whole or
 * not at all), and no write appears that nobody sent. Then the model's
 * sums over every round (each org's accrual basis, each provider's
 * redemptions, the pool's budget, the settled slots) are held to what
 * the daemon answers. `soakload final` reads the whole journal against
 * the whole model. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "soak_vfy.h"

/* The record of op (or of its batch line b) must be in the round's
 * journal as sent; its entry, or NULL with the failure printed. */
static struct ent *record_there(struct vfy *v, const struct soak_op *op,
                                const struct soak_line *b)
{
	const char *id = b ? b->id : op->id, *org = b ? b->org : op->org;
	int64_t amount = b ? b->amount : op->amount, at = b ? b->at : op->at;
	int period = b ? b->period : op->period;
	struct ent *e = vfy_find(v, "usage", op->provider, id);

	if (e == NULL) {
		vfy_fail(v->c,
		         "acknowledged record %s/%s (%s) is not in the journal "
		         "after the restart",
		         op->provider, id, op->reply);
		return NULL;
	}
	if (strcmp(e->org, org) != 0 || e->amount != amount || e->at != at ||
	    e->period != period) {
		vfy_fail(v->c, "record %s/%s at seq %" PRIu64 " is not as sent",
		         op->provider, id, e->seq);
		return NULL;
	}
	e->claimed = 1;
	return e;
}

static int check_usage(struct vfy *v, const struct soak_op *op)
{
	struct ent *e = vfy_find(v, "usage", op->provider, op->id);

	if (op->want_refused && e != NULL)
		return vfy_fail(v->c,
		                "record %s/%s, built to be refused (%s), is in "
		                "the journal at seq %" PRIu64,
		                op->provider, op->id, op->reply, e->seq);
	if (op->st == SS_ACK && op->duplicate) {
		if (!op->accepted && e == NULL &&
		    model_find(&v->m, op->provider, op->id) != NULL)
			return 0;
		return vfy_fail(v->c,
		                "a record sent again (%s/%s) was not a "
		                "duplicate: %s",
		                op->provider, op->id, op->reply);
	}
	if (op->st == SS_ACK) {
		if (!op->accepted)
			return vfy_fail(v->c, "new record %s/%s answered %s",
			                op->provider, op->id, op->reply);
		if ((e = record_there(v, op, NULL)) == NULL)
			return 1;
		if ((int64_t)e->seq != op->seq)
			return vfy_fail(
			    v->c,
			    "record %s/%s acknowledged with seq %" PRId64
			    ", journaled at %" PRIu64,
			    op->provider, op->id, op->seq, e->seq);
		v->checked[SK_USAGE]++;
		return 0;
	}
	if (op->st == SS_REFUSED) {
		if (e != NULL)
			return vfy_fail(
			    v->c,
			    "refused record %s/%s (%s) is in the journal "
			    "at seq %" PRIu64,
			    op->provider, op->id, op->reply, e->seq);
		v->refused++;
		return 0;
	}
	if (e != NULL && !op->duplicate && record_there(v, op, NULL) == NULL)
		return 1;
	v->unanswered[e != NULL]++;
	return 0;
}

static int check_batch(struct vfy *v, const struct soak_op *op)
{
	int i, fresh = 0, there = 0;
	int64_t bseq = -1;

	for (i = 0; i < op->n; i++) {
		const struct soak_line *b = &op->lines[i];
		struct ent *e = vfy_find(v, "usage", op->provider, b->id);
		if (b->duplicate) {
			if (e != NULL)
				return vfy_fail(
				    v->c, "batch %s: record %s journaled again",
				    op->id, b->id);
			continue;
		}
		fresh++;
		if (e == NULL)
			continue;
		there++;
		if (record_there(v, op, b) == NULL)
			return 1;
		if (bseq >= 0 && e->batch != bseq)
			return vfy_fail(v->c,
			                "batch %s: its records in two batches",
			                op->id);
		bseq = e->batch;
	}
	if ((op->st == SS_REFUSED || op->want_refused) && there > 0)
		return vfy_fail(v->c,
		                "refused batch %s (%s): %d of its records are "
		                "in the journal",
		                op->id, op->reply, there);
	if (op->st == SS_ACK && (there != fresh || op->accepted != fresh))
		return vfy_fail(v->c,
		                "acknowledged batch %s (%s): %d of its %d new "
		                "records are in the journal",
		                op->id, op->reply, there, fresh);
	if (op->st == SS_UNANSWERED && there != 0 && there != fresh)
		return vfy_fail(v->c, "batch %s half applied: %d of %d records",
		                op->id, there, fresh);
	/* a batch of duplicates only is journaled too (its signed lines):
	 * at the reply's seq, or, unanswered, as one of that size */
	if (there == 0 && op->st == SS_ACK)
		bseq = op->seq;
	if (there == 0 && op->st == SS_UNANSWERED && fresh == 0)
		v->empty_batches[op->n]++;
	if (there > 0 || op->st == SS_ACK) {
		struct ent *h = vfy_at_seq(v, bseq);
		if (h == NULL || strcmp(h->type, "batch") != 0 ||
		    h->n != op->n || strcmp(h->provider, op->provider) != 0)
			return vfy_fail(
			    v->c, "batch %s: no batch entry at seq %" PRId64,
			    op->id, bseq);
		h->claimed = 1;
	}
	if (op->st == SS_ACK)
		v->checked[SK_BATCH] += fresh;
	else if (op->st == SS_REFUSED)
		v->refused++;
	else
		v->unanswered[there > 0]++;
	return 0;
}

/* REDEEM (by ref), VOID (by record), SETTLE (by program and period). */
static int check_keyed(struct vfy *v, const struct soak_op *op)
{
	char per[16];
	struct ent *e;

	snprintf(per, sizeof(per), "%d", op->period);
	e = op->kind == SK_REDEEM ? vfy_find(v, "redeem", op->provider, op->id)
	    : op->kind == SK_VOID ? vfy_find(v, "void", op->provider, op->id)
	                          : vfy_find(v, "settle", op->program, per);
	/* a second SETTLE of the slot is refused: the first one's entry */
	if ((op->st == SS_REFUSED || op->want_refused) && e != NULL &&
	    !(op->kind == SK_SETTLE && e->claimed))
		return vfy_fail(v->c,
		                "refused %s %s%s (%s) is in the journal at "
		                "seq %" PRIu64,
		                soak_kind_name[op->kind], op->id, op->program,
		                op->reply, e->seq);
	if (op->st == SS_ACK && e == NULL)
		return vfy_fail(v->c,
		                "acknowledged %s %s%s %s (%s) is not in the "
		                "journal after the restart",
		                soak_kind_name[op->kind], op->provider,
		                op->program, op->id, op->reply);
	if (e != NULL && op->kind == SK_REDEEM &&
	    (strcmp(e->voucher, op->voucher) != 0 ||
	     strcmp(e->record, op->record) != 0 || e->amount != op->amount))
		return vfy_fail(
		    v->c, "redemption %s at seq %" PRIu64 " is not as sent",
		    op->id, e->seq);
	if (e != NULL && op->kind != SK_REDEEM && op->st == SS_ACK &&
	    (int64_t)e->seq != op->seq)
		return vfy_fail(v->c,
		                "%s %s%s acknowledged with seq %" PRId64
		                ", journaled at %" PRIu64,
		                soak_kind_name[op->kind], op->id, op->program,
		                op->seq, e->seq);
	if (e != NULL)
		e->claimed = 1;
	if (op->st == SS_ACK)
		v->checked[op->kind]++;
	else if (op->st == SS_REFUSED)
		v->refused++;
	else
		v->unanswered[e != NULL]++;
	return 0;
}

static int check_reload(struct vfy *v, const struct soak_op *op)
{
	struct ent *e;

	if (op->st != SS_ACK || op->seq == 0) {
		v->checked[SK_RELOAD] += op->st == SS_ACK;
		return 0;
	}
	e = vfy_at_seq(v, op->seq);
	if (e == NULL || strcmp(e->type, "policy") != 0)
		return vfy_fail(v->c,
		                "RELOAD acknowledged with seq %" PRId64
		                ": no policy entry there",
		                op->seq);
	v->checked[SK_RELOAD]++;
	return 0;
}

/* Every record, void, redemption, settlement and batch of the round's
 * journal must be one the log sent. */
static int check_claimed(struct vfy *v)
{
	static const char *const sent[] = {"usage", "void", "redeem", "settle",
	                                   "batch"};
	size_t i, k;

	for (i = 0; i < v->j.n; i++) {
		const struct ent *e = &v->j.e[i];
		if (strcmp(e->type, "batch") == 0 && !e->claimed && e->n >= 1 &&
		    e->n <= SOAK_BATCH_MAX && v->empty_batches[e->n] > 0) {
			v->empty_batches[e->n]--;
			continue;
		}
		for (k = 0; k < sizeof(sent) / sizeof(sent[0]); k++)
			if (strcmp(e->type, sent[k]) == 0 && !e->claimed)
				return vfy_fail(
				    v->c,
				    "journal entry %" PRIu64 " (%s %s) is "
				    "no write the load sent, or one "
				    "refused",
				    e->seq, e->type, e->key);
	}
	return 0;
}

/* The round's journal into the model. */
static int apply(struct vfy *v)
{
	size_t i;

	for (i = 0; i < v->j.n; i++) {
		const struct ent *e = &v->j.e[i];
		if (strcmp(e->type, "usage") == 0 &&
		    model_add(&v->m, e->provider, e->id, e->org, (int)e->period,
		              e->at, e->amount) == NULL)
			return vfy_fail(v->c, "out of memory");
	}
	for (i = 0; i < v->j.n; i++) {
		const struct ent *e = &v->j.e[i];
		struct soak_rec *r;
		struct soak_op op;
		if (strcmp(e->type, "void") == 0) {
			if ((r = model_find(&v->m, e->provider, e->id)) ==
			        NULL ||
			    r->voided)
				return vfy_fail(
				    v->c,
				    "void at seq %" PRIu64
				    " of %s/%s: no such record, or voided "
				    "before",
				    e->seq, e->provider, e->id);
			r->voided = 1;
		} else if (strcmp(e->type, "redeem") == 0) {
			memset(&op, 0, sizeof(op));
			snprintf(op.provider, sizeof(op.provider), "%s",
			         e->provider);
			snprintf(op.id, sizeof(op.id), "%s", e->id);
			snprintf(op.record, sizeof(op.record), "%s", e->record);
			snprintf(op.voucher, sizeof(op.voucher), "%s",
			         e->voucher);
			op.amount = e->amount;
			if (model_add_red(&v->m, &op) < 0)
				return vfy_fail(v->c, "out of memory");
		} else if (strcmp(e->type, "settle") == 0 &&
		           model_add_slot(&v->m, e->program, (int)e->period) <
		               0) {
			return vfy_fail(v->c, "out of memory");
		}
	}
	return 0;
}

struct accrual {
	int64_t basis, earned, granted, unfunded;
	int rows;
};

static int accrual_row(void *arg, const struct reply *r)
{
	struct accrual *a = arg;
	char prog[SOAK_ID];

	soak_get(r, "program", prog, sizeof(prog));
	if (strcmp(prog, "soak-voucher") != 0)
		return 0;
	a->rows++;
	reply_get_i64(r, "basis", &a->basis);
	reply_get_i64(r, "earned", &a->earned);
	reply_get_i64(r, "granted", &a->granted);
	reply_get_i64(r, "unfunded", &a->unfunded);
	return 0;
}

struct recv {
	int64_t redeemed[SOAK_PROVIDERS];
};

static int recv_row(void *arg, const struct reply *r)
{
	struct recv *x = arg;
	char p[SOAK_NAME];
	int i;

	soak_get(r, "provider", p, sizeof(p));
	i = p[2] - '0';
	if (strncmp(p, "sp", 2) == 0 && i >= 0 && i < SOAK_PROVIDERS)
		reply_get_i64(r, "redeemed", &x->redeemed[i]);
	return 0;
}

/* The model's sums over every round against the daemon's figures. */
static int cross_check(struct vfy *v, size_t old_slots)
{
	int64_t basis[SOAK_ORGS] = {0}, redeemed = 0, budget = 0;
	struct recv rv;
	struct reply r;
	char line[200], pol[512];
	const char *l;
	size_t i;
	int o, variant;

	for (i = 0; i < v->m.nrec; i++) {
		const struct soak_rec *x = &v->m.rec[i];
		o = atoi(x->org + 2);
		if (!x->voided && x->period == v->year && o >= 0 &&
		    o < SOAK_ORGS)
			basis[o] += x->amount;
	}
	for (o = 0; o < SOAK_ORGS; o++) {
		struct accrual a = {0, 0, 0, 0, 0};
		snprintf(line, sizeof(line), "ACCRUAL org=so%d period=%d", o,
		         v->year);
		if ((l = soak_list(v->s, line, accrual_row, &a)) == NULL ||
		    strncmp(l, "OK", 2) != 0)
			return vfy_fail(v->c, "%s: %s", line,
			                l ? l : "(no reply)");
		if (a.basis != basis[o])
			return vfy_fail(
			    v->c,
			    "so%d's soak-voucher basis for %d: %" PRId64
			    " in the store, %" PRId64
			    " acknowledged and not voided",
			    o, v->year, a.basis, basis[o]);
		if (a.granted != a.earned || a.unfunded != 0)
			return vfy_fail(
			    v->c,
			    "so%d's soak-voucher row: earned %" PRId64
			    " granted %" PRId64 " unfunded %" PRId64,
			    o, a.earned, a.granted, a.unfunded);
	}
	for (i = 0; i < v->m.nred; i++) {
		const struct soak_rec *x =
		    model_find(&v->m, v->m.red[i].provider, v->m.red[i].record);
		if (x == NULL)
			return vfy_fail(v->c,
			                "redemption %s of an unknown record %s",
			                v->m.red[i].ref, v->m.red[i].record);
		if (!x->voided)
			redeemed += v->m.red[i].amount;
	}
	memset(&rv, 0, sizeof(rv));
	if ((l = soak_list(v->s, "RECEIVABLES", recv_row, &rv)) == NULL)
		return vfy_fail(v->c, "RECEIVABLES: no reply");
	if (rv.redeemed[2] != redeemed || rv.redeemed[0] || rv.redeemed[1] ||
	    rv.redeemed[3])
		return vfy_fail(
		    v->c,
		    "sp2's receivable: redeemed %" PRId64
		    ", the redemptions of records not voided sum to %" PRId64,
		    rv.redeemed[2], redeemed);
	snprintf(pol, sizeof(pol), "%s/policies", v->c->dir);
	variant = soak_read_pool(pol);
	snprintf(line, sizeof(line), "POOL pool=soak period=%d", v->year);
	if ((l = soak_req(v->s, line)) == NULL ||
	    reply_parse(l, strlen(l), &r) != 0 ||
	    reply_get_i64(&r, "budget", &budget) != 0 || variant < 0 ||
	    budget != SOAK_BUDGET_YUAN(variant) * 100)
		return vfy_fail(v->c,
		                "the pool's %d budget is %" PRId64
		                " fen, pool.ini (variant %d) says %lld yuan",
		                v->year, budget, variant,
		                (long long)SOAK_BUDGET_YUAN(variant));
	/* the slots settled this round, and a few of before, are closed */
	for (i = 0; i < v->m.nslot; i++) {
		const struct soak_slot *s = &v->m.slot[i];
		if (i < old_slots &&
		    (i * 7919 + (size_t)v->c->round) % old_slots >= 3)
			continue;
		snprintf(line, sizeof(line),
		         "SETTLE program=%s period=%d dry=1", s->program,
		         s->period);
		if ((l = soak_req(v->s, line)) == NULL ||
		    strncmp(l, "ERR CLOSED", 10) != 0)
			return vfy_fail(
			    v->c, "settled %s %d: the preview answers %s",
			    s->program, s->period, l ? l : "(no reply)");
	}
	return 0;
}

static int check_op(struct vfy *v, const struct soak_op *op)
{
	if (op->want_refused && op->st == SS_ACK)
		return vfy_fail(
		    v->c, "%s %s%s was built to be refused and got %s",
		    soak_kind_name[op->kind], op->id, op->program, op->reply);
	switch (op->kind) {
	case SK_USAGE:
		return check_usage(v, op);
	case SK_BATCH:
		return check_batch(v, op);
	case SK_RELOAD:
		return check_reload(v, op);
	default:
		return check_keyed(v, op);
	}
}

int soak_verify(const struct soak_cfg *c)
{
	struct vfy v;
	struct soak_op *ops = NULL;
	char path[512];
	size_t old_slots;
	long n, i;
	int rc, k;

	if ((rc = vfy_open(&v, c)) != 0)
		goto out;
	snprintf(path, sizeof(path), "%s/rounds/%" PRId64 ".log", c->dir,
	         c->round);
	rc = 1;
	if ((n = soak_log_read(path, &ops)) < 0)
		goto out;
	/* the head verified last time: the same entry, the same hash */
	memcpy(v.prev, v.m.hash, CHAIN_HASH_LEN);
	v.last = v.m.head;
	if (v.m.head > 0 && vfy_head_unchanged(&v) != 0)
		goto out;
	if (vfy_read(&v, vfy_keep) != 0 || vfy_index(&v) != 0)
		goto out;
	for (i = 0; i < n; i++)
		if (check_op(&v, &ops[i]) != 0)
			goto out;
	old_slots = v.m.nslot;
	if (check_claimed(&v) != 0 || apply(&v) != 0 ||
	    cross_check(&v, old_slots) != 0)
		goto out;
	for (k = 0; k < SK_N; k++)
		v.m.checked[k] += v.checked[k];
	v.m.refused_checked += v.refused;
	v.m.unanswered[0] += v.unanswered[0];
	v.m.unanswered[1] += v.unanswered[1];
	v.m.kills += c->round > 0;
	v.m.entries += (int64_t)v.j.n;
	v.m.round = c->round;
	v.m.head = v.last;
	memcpy(v.m.hash, v.prev, CHAIN_HASH_LEN);
	snprintf(path, sizeof(path), "%s/model.txt", c->dir);
	if (model_save(&v.m, path) != 0) {
		rc = vfy_fail(c, "cannot write %s", path);
		goto out;
	}
	printf("verify round %" PRId64 ": %zu journal entries; acknowledged "
	       "and found: usage %" PRId64 ", batch records %" PRId64
	       ", redeem %" PRId64 ", void %" PRId64 ", settle %" PRId64
	       ", reload %" PRId64 "; refused and absent %" PRId64
	       "; unanswered %" PRId64 " absent, %" PRId64 " present\n",
	       c->round, v.j.n, v.checked[SK_USAGE], v.checked[SK_BATCH],
	       v.checked[SK_REDEEM], v.checked[SK_VOID], v.checked[SK_SETTLE],
	       v.checked[SK_RELOAD], v.refused, v.unanswered[0],
	       v.unanswered[1]);
	rc = 0;
out:
	free(ops);
	vfy_close(&v);
	return rc;
}
