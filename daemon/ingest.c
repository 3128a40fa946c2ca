#include "ingest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "err.h"
#include "record.h"

/* A signed line as the job's message: a copy, since the line buffer is
 * reused for the next line. */
static int sign_job(struct job *j, const struct req *r, const char **line)
{
	char *copy = malloc(r->signed_len ? r->signed_len : 1);

	if (copy == NULL)
		return VD_ENOMEM;
	memcpy(copy, r->line, r->signed_len);
	j->own[0] = copy;
	j->is_signed = 1;
	j->msg = copy;
	j->msglen = r->signed_len;
	*line = copy;
	/* the parser took sig= as 128 hex digits */
	return record_sig(r, j->sig);
}

static int own_name(struct conn *c, const struct req *r)
{
	size_t n;
	const char *p = req_str(r, KEY_PROVIDER, &n);

	return p && n == strlen(c->id) && memcmp(p, c->id, n) == 0;
}

int ingest_usage_check(struct conn *c, const struct req *r, struct job *j,
                       const char **why)
{
	struct ledger_record *u = &j->op.u.usage;
	int rc;

	if (!own_name(c, r)) {
		*why = "records only in your own name";
		return VD_EDENIED;
	}
	j->op.type = OP_USAGE;
	if ((rc = batch_record_of(r, u)) < 0 ||
	    (rc = sign_job(j, r, &u->line)) < 0)
		return rc;
	u->line_len = j->msglen;
	memcpy(u->sig, j->sig, SIG_LEN);
	return 0;
}

static void ok_seq(struct conn *c, const struct ledger_op *op)
{
	reply_kv_i64(&c->out, "seq", (int64_t)op->seq);
	reply_end(&c->out);
}

void ingest_usage_finish(struct conn *c, const struct job *j)
{
	const struct ledger_op *op = &j->op;

	if (op->status == LEDGER_DUPLICATE)
		c->s->st.duplicates++;
	else
		c->s->st.records++;
	reply_ok(&c->out);
	reply_kv_str(&c->out, "id", op->u.usage.id);
	reply_kv_str(&c->out, "status",
	             op->status == LEDGER_DUPLICATE ? "duplicate" : "accepted");
	ok_seq(c, op);
}

int ingest_void_check(struct conn *c, const struct req *r, struct job *j,
                      const char **why)
{
	struct ledger_op *op = &j->op;
	size_t n;
	const char *v;
	int rc;

	op->type = OP_VOID;
	req_copy(r, KEY_PROVIDER, op->u.void_.provider,
	         sizeof(op->u.void_.provider));
	req_copy(r, KEY_ID, op->u.void_.id, sizeof(op->u.void_.id));
	v = req_str(r, KEY_REASON, &n);
	req_pct_decode(v, n, op->u.void_.reason, sizeof(op->u.void_.reason),
	               NULL);
	/* the bureau's own session is the authority: no signature */
	if (c->role == ROLE_BUREAU) {
		if (req_has(r, KEY_AT) || req_has(r, KEY_SIG)) {
			*why = "the bureau's VOID takes no at= or sig=";
			return VD_EINVAL;
		}
		op->u.void_.by_bureau = 1;
		op->u.void_.at = srv_now();
		return 0;
	}
	if (!own_name(c, r)) {
		*why = "voids only in your own name";
		return VD_EDENIED;
	}
	if (!req_has(r, KEY_AT) || !req_has(r, KEY_SIG)) {
		*why = "a provider's VOID is signed: at= and sig= are required";
		return VD_EINVAL;
	}
	op->u.void_.at = r->num[KEY_AT];
	if ((rc = sign_job(j, r, &op->u.void_.line)) < 0)
		return rc;
	op->u.void_.line_len = j->msglen;
	memcpy(op->u.void_.sig, j->sig, SIG_LEN);
	return 0;
}

void ingest_void_finish(struct conn *c, const struct job *j)
{
	reply_ok(&c->out);
	reply_kv_str(&c->out, "id", j->op.u.void_.id);
	reply_kv_str(&c->out, "status", "voided");
	ok_seq(c, &j->op);
}

int ingest_batch_check(struct conn *c, const struct req *r, struct job *j,
                       const char **why)
{
	(void)j;
	if (!own_name(c, r)) {
		*why = "batches only in your own name";
		return VD_EDENIED;
	}
	if ((c->batch = batch_new(r, 0)) == NULL)
		return VD_ENOMEM;
	return DISPATCH_LATER;
}

void ingest_batch_finish(struct conn *c, const struct job *j)
{
	const struct ledger_op *op = &j->op;

	c->s->st.batches++;
	c->s->st.records += op->accepted;
	c->s->st.duplicates += op->duplicate;
	reply_ok(&c->out);
	reply_kv_i64(&c->out, "records", (int64_t)op->u.batch.n);
	reply_kv_i64(&c->out, "accepted", (int64_t)op->accepted);
	reply_kv_i64(&c->out, "duplicate", (int64_t)op->duplicate);
	ok_seq(c, op);
}

int ingest_redeem_check(struct conn *c, const struct req *r, struct job *j,
                        const char **why)
{
	struct ledger_op *op = &j->op;

	(void)why;
	op->type = OP_REDEEM;
	snprintf(op->u.redeem.provider, sizeof(op->u.redeem.provider), "%s",
	         c->id);
	req_copy(r, KEY_VOUCHER, op->u.redeem.voucher,
	         sizeof(op->u.redeem.voucher));
	req_copy(r, KEY_RECORD, op->u.redeem.record,
	         sizeof(op->u.redeem.record));
	req_copy(r, KEY_REF, op->u.redeem.ref, sizeof(op->u.redeem.ref));
	op->u.redeem.amount = r->num[KEY_AMOUNT];
	return 0;
}

void ingest_redeem_finish(struct conn *c, const struct job *j)
{
	const struct ledger_op *op = &j->op;

	reply_ok(&c->out);
	reply_kv_str(&c->out, "voucher", op->u.redeem.voucher);
	reply_kv_i64(&c->out, "redeemed", op->amount);
	reply_kv_i64(&c->out, "remaining", op->remaining);
	reply_kv_str(&c->out, "ref", op->u.redeem.ref);
	reply_end(&c->out);
}
