/* Usage records, batches and voids: the record store and the basis of
 * every program a record counts for. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accrual.h"
#include "carry.h"
#include "chain.h"
#include "err.h"
#include "group.h"
#include "money.h"
#include "ops.h"
#include "period.h"

/* The programs a record counts for, as its row and its usage entry list
 * them. With them a usage entry stays under JOURNAL_ENTRY_MAX: the
 * record's fields take at most 383 bytes (three ids of 64, unit and
 * class of 32, four numbers), counts= 2,056, the signed line (the
 * parser bounds a USAGE line by its keys: 384 bytes, 408 encoded with
 * its key) and sig= 134: 2,981 of 4,096, room left for a project= in
 * both the entry and the line. */
#define COUNTS_MAX 2048

/* the refusals a USAGE, a BATCH's record and a VOID share */
#define CLOSED_WHY "the record's period ended more than late_days ago"
#define SETTLED_WHY                                                            \
	"an annual program the record counts for is settled for its period"

static int closed(struct book *b, int32_t period)
{
	/* a period ended more than late_days ago takes no more changes */
	return b->now >= period_start(period + 1) + b->pol->late_days * 86400;
}

int ops_settled(struct book *b, const char *prog, int32_t period)
{
	uint8_t k[STORE_ID + 2];
	MDB_val v;
	int rc;

	store_key_u16(k, store_key_id(k, 0, prog), (uint16_t)period);
	rc = ltx_get(b->t, DB_SETTLED, k, sizeof(k), &v);
	return rc == 0 ? 1 : rc == VD_ENOENT ? 0 : rc;
}

static int same_record(const struct recrow *r, uint32_t org,
                       const struct ledger_record *u)
{
	return r->org == org && r->at == u->at && r->amount == u->amount &&
	       r->qty == u->qty && strcmp(r->unit, u->unit) == 0 &&
	       r->kind == u->kind && strcmp(r->klass, u->klass) == 0 &&
	       strcmp(r->project, u->project) == 0;
}

/* Walk a counts string: fn(program index or -1, consumer?) */
struct counted {
	int prog[POLICY_MAX_PROGRAMS];
	int consumer[POLICY_MAX_PROGRAMS];
	size_t n;
};

static int parse_counts(struct book *b, const char *s, size_t len,
                        struct counted *c)
{
	size_t i = 0;

	c->n = 0;
	while (i < len) {
		char id[POLICY_ID_MAX + 1];
		size_t j = i + 2, l;
		if (len - i < 3 || s[i + 1] != ':' ||
		    (s[i] != 'c' && s[i] != 'p'))
			return VD_EINTERNAL;
		while (j < len && s[j] != ',')
			j++;
		l = j - i - 2;
		if (l > POLICY_ID_MAX || c->n == POLICY_MAX_PROGRAMS)
			return VD_EINTERNAL;
		memcpy(id, s + i + 2, l);
		id[l] = '\0';
		/* a program since removed from the policy: its rows stay as
		 * they are, nothing more is computed for it */
		c->prog[c->n] = policy_program_index(b->pol, id);
		c->consumer[c->n] = s[i] == 'c';
		c->n++;
		i = j + 1;
	}
	return 0;
}

/* Recompute the groups of the programs a record of project project
 * counted for, once per group and beneficiary. */
static int settle_counted(struct book *b, const struct counted *c,
                          const char *provider, const char *org,
                          const char *project, int32_t period)
{
	int done[POLICY_MAX_PROGRAMS][2];
	size_t i, j, nd = 0;
	int rc;

	for (i = 0; i < c->n; i++) {
		const struct policy_program *g;
		int key, seen = 0;
		if (c->prog[i] < 0)
			continue;
		g = &b->pol->programs[c->prog[i]];
		if (g->settlement != POLICY_IMMEDIATE)
			continue; /* annual waits for SETTLE */
		key = g->group != POLICY_NO_GROUP ? g->group : -1 - c->prog[i];
		for (j = 0; j < nd; j++)
			if (done[j][0] == key && done[j][1] == c->consumer[i])
				seen = 1;
		if (seen)
			continue;
		done[nd][0] = key;
		done[nd][1] = c->consumer[i];
		nd++;
		if ((rc = group_settle(b, c->prog[i],
		                       c->consumer[i] ? org : provider, project,
		                       period, 0)) < 0)
			return rc;
	}
	return 0;
}

/* The record's part of its programs' basis, added (sign 1) or taken
 * off (-1); redeemed: what vouchers paid of it, which a net basis does
 * not count. */
static int add_basis(struct book *b, const struct counted *c,
                     const struct recrow *r, const char *org,
                     const char *provider, int32_t period, int64_t redeemed,
                     int sign)
{
	struct book_acc_at at;
	struct acc_row row;
	size_t i;
	int rc;

	for (i = 0; i < c->n; i++) {
		const struct policy_program *g;
		const char *ben = c->consumer[i] ? org : provider, *proj;
		int64_t d;
		if (c->prog[i] < 0)
			continue;
		g = &b->pol->programs[c->prog[i]];
		proj = book_row_project(g, r->project);
		d = g->basis == POLICY_QUANTITY ? r->qty
		    : g->basis == POLICY_NET    ? r->amount - redeemed
		                                : r->amount;
		if ((rc = book_acc_find(b, g->id, ben, proj, period, &row,
		                        &at)) < 0 ||
		    (rc = money_add(row.basis, sign * d, &row.basis)) < 0)
			return rc;
		/* an annual row shows what is earned so far (nothing is
		 * granted before SETTLE); an immediate one is recomputed by
		 * its group right after */
		if (g->settlement == POLICY_ANNUAL &&
		    (rc = book_earned_row(b, g, ben, proj, period, &row,
		                          &row.earned)) < 0)
			return rc;
		if ((rc = book_acc_put_at(b, &at, &row)) < 0)
			return rc;
	}
	return 0;
}

/* What stays the same for every record of one BATCH: its provider's
 * row, and whether an annual program's period is settled (a batch is
 * one operation, nothing settles in the middle of it). Read once per
 * batch instead of once per record. */
struct memo {
	int have_prov;
	struct principal_row prov;
	uint32_t pno;
	struct {
		int prog;
		int32_t period;
		int settled;
	} s[16];
	size_t ns;
};

static int memo_settled(struct book *b, struct memo *m, int prog,
                        int32_t period)
{
	size_t i;
	int rc;

	if (m == NULL)
		return ops_settled(b, b->pol->programs[prog].id, period);
	for (i = 0; i < m->ns; i++)
		if (m->s[i].prog == prog && m->s[i].period == period)
			return m->s[i].settled;
	rc = ops_settled(b, b->pol->programs[prog].id, period);
	if (rc >= 0 && m->ns < sizeof(m->s) / sizeof(m->s[0])) {
		m->s[m->ns].prog = prog;
		m->s[m->ns].period = period;
		m->s[m->ns++].settled = rc;
	}
	return rc;
}

/* A record's batch: its entry's seq and the batch's lines, in which the
 * record's line is found (recrow.h). */
struct bref {
	uint64_t seq;
	const char *lines;
	size_t len;
};

/* One record, in a USAGE or a BATCH (batch: its entry and lines, memo
 * its reads). A refusal sets *why. */
static int accept(struct book *b, const struct ledger_record *u,
                  const struct bref *batch, struct memo *memo,
                  enum ledger_status *status, uint64_t *seq, const char **why)
{
	struct principal_row prov, org;
	struct accrual_record ar;
	struct counted c;
	struct recrow r;
	struct jfields fields, *f = &fields;
	uint8_t k[RECROW_KEY], ok[4 + 2 + 8], ref[RECROW_KEY];
	char counts[COUNTS_MAX], bseq[24], *val = NULL;
	uint8_t head[CHAIN_HASH_LEN];
	uint64_t before;
	size_t cn = 0, i, klen, len;
	uint32_t pno, ono;
	int32_t period;
	int rc;

	if (memo != NULL && memo->have_prov) {
		prov = memo->prov;
		pno = memo->pno;
	} else {
		if ((rc = book_principal(b, u->provider, &prov)) < 0)
			return rc == VD_ENOENT
			           ? ops_refuse(why, rc, "unknown provider")
			           : rc;
		/* every principal has its number (pno.h) */
		if ((rc = pno_get(b->t, u->provider, &pno)) < 0)
			return rc == VD_ENOENT ? VD_EINTERNAL : rc;
		if (memo != NULL) {
			memo->prov = prov;
			memo->pno = pno;
			memo->have_prov = 1;
		}
	}
	if (prov.role != ROLE_PROVIDER)
		return ops_refuse(why, VD_EDENIED,
		                  "only a provider may report usage");
	if (prov.status == P_SUSPENDED)
		return ops_refuse(why, VD_EDENIED, "the provider is suspended");
	if (u->at > b->now + 86400)
		return ops_refuse(why, VD_EINVAL,
		                  "record dated more than a day ahead");
	if (u->amount < 0)
		return ops_refuse(why, VD_EINVAL, "negative amount");
	if (u->qty < 0)
		return ops_refuse(why, VD_EINVAL, "negative qty");
	if (u->kind < 0 || u->kind >= KIND_COUNT)
		return ops_refuse(why, VD_EINVAL, "unknown kind");
	if ((rc = book_principal(b, u->org, &org)) < 0)
		return rc == VD_ENOENT ? ops_refuse(why, rc, "unknown org")
		                       : rc;
	if (org.role != ROLE_ORG)
		return ops_refuse(why, VD_ENOENT,
		                  "the org named is not an org");
	if ((rc = pno_get(b->t, u->org, &ono)) < 0)
		return rc == VD_ENOENT ? VD_EINTERNAL : rc;
	klen = recrow_key(k, pno, u->id);
	{
		MDB_val v;
		rc = ltx_get(b->t, DB_RECORDS, k, klen, &v);
		if (rc == 0 &&
		    (rc = recrow_decode(v.mv_data, v.mv_size, &r)) == 0) {
			if (!same_record(&r, ono, u))
				return ops_refuse(why, VD_ECONFLICT,
				                  "record id already used with "
				                  "other fields");
			*status = LEDGER_DUPLICATE;
			*seq = r.seq;
			return 0;
		}
	}
	if (rc != VD_ENOENT)
		return rc;
	period = (int32_t)period_of(u->at);
	if (period < PERIOD_MIN || period > PERIOD_MAX)
		return ops_refuse(
		    why, VD_EINVAL,
		    "record dated outside the years 1970 to 9999");
	if (closed(b, period))
		return ops_refuse(why, VD_ECLOSED, CLOSED_WHY);

	ar = (struct accrual_record){u->provider,
	                             prov.local,
	                             org.kind,
	                             u->kind,
	                             u->klass[0] ? u->klass : NULL,
	                             u->unit,
	                             u->at,
	                             u->amount,
	                             u->qty,
	                             prov.region,
	                             org.region};
	c.n = 0;
	for (i = 0; i < b->pol->nprograms; i++) {
		const struct policy_program *g = &b->pol->programs[i];
		if (g->settlement == POLICY_GRANT || !accrual_counts(g, &ar))
			continue;
		/* a suspended org earns nothing from it, then or later */
		if (org.status == P_SUSPENDED &&
		    g->beneficiary == POLICY_CONSUMER)
			continue;
		if (g->settlement == POLICY_ANNUAL &&
		    (rc = memo_settled(b, memo, (int)i, period)) != 0) {
			rc = rc < 0 ? rc
			            : ops_refuse(why, VD_ECLOSED, SETTLED_WHY);
			goto out;
		}
		if (cn + strlen(g->id) + 4 > COUNTS_MAX) {
			rc = ops_refuse(why, VD_ELIMIT,
			                "record counts for more programs than "
			                "a record row can list");
			goto out;
		}
		cn += (size_t)snprintf(
		    counts + cn, COUNTS_MAX - cn, "%s%c:%s", cn ? "," : "",
		    g->beneficiary == POLICY_CONSUMER ? 'c' : 'p', g->id);
		c.prog[c.n] = (int)i;
		c.consumer[c.n++] = g->beneficiary == POLICY_CONSUMER;
	}
	memset(&r, 0, sizeof(r));
	r.org = ono;
	r.at = u->at;
	r.amount = u->amount;
	r.qty = u->qty;
	snprintf(r.unit, sizeof(r.unit), "%s", u->unit);
	snprintf(r.klass, sizeof(r.klass), "%s", u->klass);
	snprintf(r.project, sizeof(r.project), "%s", u->project);
	r.kind = (uint8_t)u->kind;
	r.status = org.status == P_SUSPENDED ? REC_EXCLUDED : REC_COUNTED;
	if (batch) {
		/* a record of a BATCH keeps its signed bytes once: in the
		 * batch's lines (DB_BATCHES), which it points into */
		r.flags = RECROW_BATCH;
		r.batch = batch->seq;
		if (u->line_len > 0 && u->line >= batch->lines &&
		    u->line_len <= batch->len &&
		    (size_t)(u->line - batch->lines) <=
		        batch->len - u->line_len &&
		    batch->len <= UINT32_MAX) {
			r.line_off = (uint32_t)(u->line - batch->lines);
			r.line_len = (uint32_t)u->line_len;
		}
		snprintf(bseq, sizeof(bseq), "%" PRIu64, batch->seq);
	} else if (u->line_len > 0) {
		r.flags = RECROW_LINE;
		r.line = u->line;
		r.line_len = (uint32_t)u->line_len;
		memcpy(r.sig, u->sig, sizeof(r.sig));
	}
	r.counts = counts;
	r.counts_len = (uint32_t)cn;
	/* applied first, journaled after: the usage entry carries the
	 * grants it causes and comes before the other entries it causes
	 * (carry.h) */
	if ((rc = journal_head(b->t, &before, head)) < 0)
		goto out;
	if ((rc = add_basis(b, &c, &r, u->org, u->provider, period, 0, 1)) <
	        0 ||
	    (rc = settle_counted(b, &c, u->provider, u->org, u->project,
	                         period)) < 0) {
		if (rc == VD_ELIMIT)
			rc = ops_refuse(why, rc, GROUP_UNITS_WHY);
		goto out;
	}
	journal_fields_init(f);
	journal_str(f, "provider", u->provider);
	journal_str(f, "id", u->id);
	journal_str(f, "org", u->org);
	journal_i64(f, "at", u->at);
	journal_i64(f, "period", period);
	journal_i64(f, "amount", u->amount);
	journal_i64(f, "qty", u->qty);
	journal_str(f, "unit", u->unit);
	journal_str(f, "kind", kind_name(u->kind));
	if (u->klass[0])
		journal_str(f, "class", u->klass);
	if (u->project[0])
		journal_str(f, "project", u->project);
	journal_str(f, "counts", cn ? counts : "-");
	/* the signed bytes, so that an auditor re-verifies the record from
	 * the journal alone: a USAGE's with its signature, a batch record's
	 * naming its batch (whose entry binds the signature); the line only
	 * when it is not the canonical form of the fields above, which the
	 * auditor rebuilds (docs/protocol.md) */
	if (batch)
		journal_str(f, "batch", bseq);
	if (u->line_len > 0 && !u->canonical)
		journal_textn(f, "line", u->line, u->line_len);
	if (!batch && u->line_len > 0)
		journal_hex(f, "sig", u->sig, sizeof(u->sig));
	if ((rc = carry_journal(b, before, "usage", f, &r.seq)) < 0)
		goto out;
	val = malloc(recrow_size(&r));
	if (val == NULL) {
		rc = VD_ENOMEM;
		goto out;
	}
	if ((rc = recrow_encode(&r, (uint8_t *)val, recrow_size(&r), &len)) < 0)
		goto out;
	/* records of an org by period, for RECORDS org=, in the order they
	 * came (the journal seq): a new record goes at the end of its org's
	 * run, so a group commit touches about one index page per org, not
	 * one per record at a random place in a tree that grows with the
	 * store (bench/README.md); the value is the record's key */
	store_key_u32(ok, 0, ono);
	store_key_u16(ok, 4, (uint16_t)period);
	store_key_u64(ok, 6, r.seq);
	memcpy(ref, k, klen);
	if ((rc = ltx_put(b->t, DB_RECORDS, k, klen, val, len)) < 0 ||
	    (rc = ltx_put(b->t, DB_RECS_BY_ORG, ok, sizeof(ok), ref, klen)) < 0)
		goto out;
	*status = LEDGER_ACCEPTED;
	*seq = r.seq;
out:
	free(val);
	return rc;
}

int ops_usage(struct book *b, struct ledger_op *op)
{
	uint64_t seq = 0;
	int rc;

	if ((rc = ops_signed_by(b, op, op->u.usage.provider)) < 0)
		return rc;
	rc = accept(b, &op->u.usage, NULL, NULL, &op->status, &seq, &op->why);

	op->seq = seq;
	return rc;
}

int ops_batch(struct book *b, struct ledger_op *op)
{
	uint8_t digest[CHAIN_HASH_LEN];
	struct bref first;
	struct jfields f;
	uint64_t seq = 0, bseq;
	uint8_t k[BOOK_BATCH_KEY];
	struct memo memo;
	size_t i;
	int rc;

	if (op->u.batch.n == 0)
		return ops_refuse(&op->why, VD_EINVAL, "empty batch");
	if ((rc = ops_signed_by(b, op, op->u.batch.recs[0].provider)) < 0)
		return rc;
	memset(&memo, 0, sizeof(memo));
	/* the batch's own entry first: its records refer to it */
	/* the signed lines stay out of the entry (up to max_batch of
	 * them, megabytes: DB_BATCHES keeps them, LINES reads them); their
	 * SHA-256 in the entry binds them to the chain */
	if ((rc = chain_digest(op->u.batch.lines, op->u.batch.lines_len,
	                       digest)) < 0)
		return rc;
	journal_fields_init(&f);
	journal_str(&f, "provider", op->u.batch.recs[0].provider);
	journal_i64(&f, "n", (int64_t)op->u.batch.n);
	journal_hex(&f, "sig", op->u.batch.sig, 64);
	journal_hex(&f, "lines_sha256", digest, sizeof(digest));
	if ((rc = journal_append(b->t, b->now, "batch", &f, &bseq)) < 0)
		return rc;
	first = (struct bref){bseq, op->u.batch.lines, op->u.batch.lines_len};
	op->accepted = op->duplicate = 0;
	for (i = 0; i < op->u.batch.n; i++) {
		enum ledger_status st;
		const struct ledger_record *u = &op->u.batch.recs[i];
		if (strcmp(u->provider, op->u.batch.recs[0].provider) != 0) {
			op->bad_index = i;
			return ops_refuse(&op->why, VD_EINVAL,
			                  "record of another provider than the "
			                  "batch's first");
		}
		if ((rc = accept(b, u, &first, &memo, &st, &seq, &op->why)) <
		    0) {
			op->bad_index = i;
			return rc;
		}
		if (st == LEDGER_DUPLICATE)
			op->duplicate++;
		else
			op->accepted++;
	}
	/* the lines and their signature, for an auditor to re-verify */
	if ((rc = book_batch_key(b->t, k, op->u.batch.recs[0].provider, bseq)) <
	    0)
		return rc == VD_ENOENT ? VD_EINTERNAL : rc;
	if ((rc = ltx_put(b->t, DB_BATCHES, k, sizeof(k), op->u.batch.lines,
	                  op->u.batch.lines_len)) < 0)
		return rc;
	op->seq = seq > bseq ? seq : bseq;
	return 0;
}

int ops_void(struct book *b, struct ledger_op *op)
{
	const char *provider = op->u.void_.provider;
	struct jfields fields, *f = &fields;
	char org[STORE_ID + 1];
	struct counted c;
	struct recrow r;
	uint8_t k[RECROW_KEY];
	uint8_t *val;
	int64_t redeemed;
	int32_t period;
	uint32_t pno;
	size_t i, len;
	int rc;

	if ((rc = book_record(b, provider, op->u.void_.id, &pno, &r, org)) < 0)
		return rc == VD_ENOENT
		           ? ops_refuse(&op->why, rc, "unknown record")
		           : rc;
	if (r.status == REC_VOIDED) {
		op->status = LEDGER_DUPLICATE;
		op->seq = r.seq;
		return 0;
	}
	/* the bureau voids on its own authority; a suspended provider may
	 * not */
	if (!op->u.void_.by_bureau) {
		struct principal_row prov;
		if ((rc = ops_signed_by(b, op, provider)) < 0)
			return rc;
		if ((rc = book_principal(b, provider, &prov)) < 0)
			return rc;
		if (prov.status == P_SUSPENDED)
			return ops_refuse(&op->why, VD_EDENIED,
			                  "the provider is suspended");
	}
	period = (int32_t)period_of(r.at);
	if (closed(b, period))
		return ops_refuse(&op->why, VD_ECLOSED, CLOSED_WHY);
	if ((rc = parse_counts(b, r.counts, r.counts_len, &c)) < 0)
		return rc;
	for (i = 0; i < c.n; i++) {
		const struct policy_program *g;
		if (c.prog[i] < 0)
			continue;
		g = &b->pol->programs[c.prog[i]];
		if (g->settlement == POLICY_ANNUAL &&
		    (rc = ops_settled(b, g->id, period)) != 0)
			return rc < 0 ? rc
			              : ops_refuse(&op->why, VD_ECLOSED,
			                           SETTLED_WHY);
	}
	journal_fields_init(f);
	journal_str(f, "provider", provider);
	journal_str(f, "id", op->u.void_.id);
	journal_i64(f, "at", op->u.void_.at);
	journal_i64(f, "period", period);
	journal_text(f, "reason", op->u.void_.reason);
	journal_str(f, "by", op->u.void_.by_bureau ? "bureau" : "provider");
	/* what vouchers paid of it: a net basis had counted the rest */
	if ((rc = ops_record_redeemed(b, provider, op->u.void_.id, &redeemed)) <
	    0)
		return rc;
	if (redeemed != 0)
		journal_i64(f, "redeemed", redeemed);
	/* a provider's signed bytes and signature, for an auditor; with a
	 * long non-ASCII reason (in the line pct-encoded twice) they may
	 * not fit: refused before anything is written, never cut */
	if (!op->u.void_.by_bureau && op->u.void_.line_len > 0) {
		journal_textn(f, "line", op->u.void_.line,
		              op->u.void_.line_len);
		journal_hex(f, "sig", op->u.void_.sig, sizeof(op->u.void_.sig));
		if (f->err == VD_ELIMIT)
			return ops_refuse(&op->why, VD_ELIMIT,
			                  "the reason is too long to journal "
			                  "with the signed line");
	}
	/* the row keeps the record; only its status changes. Encoded
	 * before the first write: r's line and counts point into a page of
	 * the transaction, valid only until its next write (store.h) */
	val = malloc(recrow_size(&r));
	if (val == NULL)
		return VD_ENOMEM;
	r.status = REC_VOIDED;
	rc = recrow_encode(&r, val, recrow_size(&r), &len);
	r.line = r.counts = NULL;
	if (rc == 0)
		rc = journal_append(b->t, b->now, "void", f, &op->seq);
	if (rc == 0)
		rc = ltx_put(b->t, DB_RECORDS, k,
		             recrow_key(k, pno, op->u.void_.id), val, len);
	free(val);
	if (rc < 0 ||
	    (rc = ops_unredeem_record(b, provider, op->u.void_.id)) < 0 ||
	    (rc = add_basis(b, &c, &r, org, provider, period, redeemed, -1)) <
	        0 ||
	    (rc = settle_counted(b, &c, provider, org, r.project, period)) < 0)
		return rc;
	op->status = LEDGER_VOIDED;
	return 0;
}

int ops_net_lower(struct book *b, const char *provider, const char *record,
                  int64_t amount, char *list, size_t size, struct ops_net *todo)
{
	struct book_acc_at at;
	struct acc_row row;
	struct counted c;
	struct recrow r;
	size_t i, n = 0;
	int rc;

	list[0] = '\0';
	memset(todo, 0, sizeof(*todo));
	if ((rc = book_record(b, provider, record, NULL, &r, todo->org)) < 0 ||
	    (rc = parse_counts(b, r.counts, r.counts_len, &c)) < 0)
		return rc;
	todo->period = (int32_t)period_of(r.at);
	memcpy(todo->project, r.project, sizeof(todo->project));
	/* a period that ended more than late_days ago is frozen */
	if (closed(b, todo->period))
		return 0;
	for (i = 0; i < c.n; i++) {
		const struct policy_program *g;
		const char *ben = c.consumer[i] ? todo->org : provider, *proj;
		if (c.prog[i] < 0)
			continue;
		g = &b->pol->programs[c.prog[i]];
		if (g->basis != POLICY_NET)
			continue;
		/* so is a settled annual period */
		if (g->settlement == POLICY_ANNUAL &&
		    (rc = ops_settled(b, g->id, todo->period)) != 0) {
			if (rc < 0)
				return rc;
			continue;
		}
		n += (size_t)snprintf(list + n, n < size ? size - n : 0, "%s%s",
		                      n ? "," : "", g->id);
		if (n >= size)
			return VD_ELIMIT;
		todo->prog[todo->n] = c.prog[i];
		todo->consumer[todo->n++] = c.consumer[i];
		proj = book_row_project(g, r.project);
		if ((rc = book_acc_find(b, g->id, ben, proj, todo->period, &row,
		                        &at)) < 0 ||
		    (rc = money_add(row.basis, -amount, &row.basis)) < 0)
			return rc;
		/* an annual row shows what is earned so far */
		if (g->settlement == POLICY_ANNUAL &&
		    (rc = book_earned_row(b, g, ben, proj, todo->period, &row,
		                          &row.earned)) < 0)
			return rc;
		if ((rc = book_acc_put_at(b, &at, &row)) < 0)
			return rc;
	}
	return 0;
}

int ops_net_settle(struct book *b, const char *provider,
                   const struct ops_net *todo)
{
	struct counted c;

	memcpy(c.prog, todo->prog, sizeof(c.prog));
	memcpy(c.consumer, todo->consumer, sizeof(c.consumer));
	c.n = todo->n;
	return settle_counted(b, &c, provider, todo->org, todo->project,
	                      todo->period);
}
