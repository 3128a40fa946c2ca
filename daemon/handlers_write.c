/* The writes: each handler checks what it can before the ledger (own
 * name, signature, key shape), queues the operation for the next group
 * commit, and its finish function writes the reply once the commit is on
 * disk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit.h"
#include "err.h"
#include "handlers.h"
#include "hex.h"
#include "record.h"

static void ok_seq(struct conn *c, const struct ledger_op *op)
{
	reply_kv_i64(&c->out, "seq", (int64_t)op->seq);
	reply_end(&c->out);
}

static void submit(struct conn *c, struct ledger_op *op, commit_finish fn,
                   void *own1, void *own2)
{
	if (c->s->failed) {
		free(own1);
		free(own2);
		handlers_err(c, VD_EINTERNAL, "the server is stopping");
		return;
	}
	if (commit_submit(c, op, fn, own1, own2) < 0)
		handlers_err(c, VD_ENOMEM, "out of memory");
}

static char *dup_bytes(const char *p, size_t n)
{
	char *d = malloc(n ? n : 1);

	if (d)
		memcpy(d, p, n);
	return d;
}

static void submit_signed(struct conn *c, struct ledger_op *op,
                          commit_finish fn, void *own1, void *own2,
                          const void *msg, size_t len, const uint8_t *sig)
{
	if (c->s->failed) {
		free(own1);
		free(own2);
		handlers_err(c, VD_EINTERNAL, "the server is stopping");
		return;
	}
	if (commit_submit_signed(c, op, fn, own1, own2, msg, len, sig) < 0)
		handlers_err(c, VD_ENOMEM, "out of memory");
}

static void fin_usage(struct conn *c, struct ledger_op *op, int rc)
{
	if (rc == PROTO_EBADSIG) {
		handlers_err(c, rc, "signature does not verify");
		return;
	}
	if (rc < 0) {
		handlers_err(c, rc,
		             rc == VD_EINVAL
		                 ? "record dated more than a day ahead"
		                 : err_str(rc));
		return;
	}
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

void do_usage(struct conn *c, const struct req *r)
{
	struct ledger_op op;
	size_t n;
	const char *hex = req_str(r, KEY_SIG, &n);
	char *line;

	if (!handlers_own_line(c, r)) {
		handlers_err(c, VD_EDENIED, "records only in your own name");
		return;
	}
	memset(&op, 0, sizeof(op));
	op.type = OP_USAGE;
	handlers_fill_record(r, &op.u.usage);
	hex_decode(hex, n, op.u.usage.sig, SIG_LEN);
	/* the line buffer is reused for the next line: keep a copy */
	line = dup_bytes(r->line, r->signed_len);
	op.u.usage.line = line;
	op.u.usage.line_len = r->signed_len;
	if (line == NULL || hex == NULL) {
		free(line);
		handlers_err(c, VD_ENOMEM, "out of memory");
		return;
	}
	/* the signature is checked off the event loop, then committed */
	submit_signed(c, &op, fin_usage, line, NULL, line, r->signed_len,
	              op.u.usage.sig);
}

static void fin_void(struct conn *c, struct ledger_op *op, int rc)
{
	if (rc == PROTO_EBADSIG) {
		handlers_err(c, rc, "signature does not verify");
		return;
	}
	if (rc < 0) {
		handlers_err(c, rc, err_str(rc));
		return;
	}
	reply_ok(&c->out);
	reply_kv_str(&c->out, "id", op->u.void_.id);
	reply_kv_str(&c->out, "status", "voided");
	ok_seq(c, op);
}

void do_void(struct conn *c, const struct req *r)
{
	struct ledger_op op;
	size_t n;
	const char *v, *hex;
	char *line;

	if (!handlers_own_line(c, r)) {
		handlers_err(c, VD_EDENIED, "voids only in your own name");
		return;
	}
	memset(&op, 0, sizeof(op));
	op.type = OP_VOID;
	handlers_copy(r, KEY_PROVIDER, op.u.void_.provider,
	              sizeof(op.u.void_.provider));
	handlers_copy(r, KEY_ID, op.u.void_.id, sizeof(op.u.void_.id));
	op.u.void_.at = r->num[KEY_AT];
	v = req_str(r, KEY_REASON, &n);
	req_pct_decode(v, n, op.u.void_.reason, sizeof(op.u.void_.reason),
	               NULL);
	hex = req_str(r, KEY_SIG, &n);
	hex_decode(hex, n, op.u.void_.sig, SIG_LEN);
	line = dup_bytes(r->line, r->signed_len);
	op.u.void_.line = line;
	op.u.void_.line_len = r->signed_len;
	if (line == NULL) {
		handlers_err(c, VD_ENOMEM, "out of memory");
		return;
	}
	submit_signed(c, &op, fin_void, line, NULL, line, r->signed_len,
	              op.u.void_.sig);
}

static void fin_batch(struct conn *c, struct ledger_op *op, int rc)
{
	char msg[96];

	if (rc == PROTO_EBADSIG) {
		handlers_err(c, rc, "batch signature does not verify");
		return;
	}

	if (rc < 0) {
		snprintf(msg, sizeof(msg), "line %zu: %s", op->bad_index + 1,
		         err_str(rc));
		handlers_err(c, rc, msg);
		return;
	}
	c->s->st.batches++;
	c->s->st.records += op->accepted;
	c->s->st.duplicates += op->duplicate;
	reply_ok(&c->out);
	reply_kv_i64(&c->out, "records", (int64_t)op->u.batch.n);
	reply_kv_i64(&c->out, "accepted", (int64_t)op->accepted);
	reply_kv_i64(&c->out, "duplicate", (int64_t)op->duplicate);
	ok_seq(c, op);
}

/* The batch's lines are all in and its signature verified. */
void handlers_batch_submit(struct conn *c, const uint8_t sig[SIG_LEN])
{
	struct ledger_op op;
	size_t i;

	for (i = 0; i < c->batch_n; i++) {
		size_t off = (size_t)(uintptr_t)c->recs[i].line;
		c->recs[i].line = c->lines + off;
	}
	memset(&op, 0, sizeof(op));
	op.type = OP_BATCH;
	op.u.batch.recs = c->recs;
	op.u.batch.n = c->batch_n;
	op.u.batch.lines = c->lines;
	op.u.batch.lines_len = c->lines_len;
	memcpy(op.u.batch.sig, sig, SIG_LEN);
	/* the queued write owns the lines and records now */
	submit_signed(c, &op, fin_batch, c->lines, c->recs, c->lines,
	              c->lines_len, sig);
	c->lines = NULL;
	c->lines_cap = c->lines_len = 0;
	c->recs = NULL;
}

static void fin_register(struct conn *c, struct ledger_op *op, int rc)
{
	if (rc < 0) {
		handlers_err(c, rc,
		             rc == VD_ECONFLICT ? "registered with other fields"
		                                : err_str(rc));
		return;
	}
	reply_ok(&c->out);
	reply_kv_str(&c->out, "id", op->u.reg.id);
	reply_kv_str(&c->out, "status",
	             op->status == LEDGER_DUPLICATE ? "duplicate"
	                                            : "registered");
	ok_seq(c, op);
}

void do_register(struct conn *c, const struct req *r)
{
	struct sig_pub *pub = NULL;
	struct ledger_op op;
	char role[16], hex[65];

	memset(&op, 0, sizeof(op));
	op.type = OP_REGISTER;
	handlers_copy(r, KEY_ID, op.u.reg.id, sizeof(op.u.reg.id));
	handlers_copy(r, KEY_ROLE, role, sizeof(role));
	handlers_copy(r, KEY_KEY, hex, sizeof(hex));
	handlers_copy(r, KEY_KIND, op.u.reg.kind, sizeof(op.u.reg.kind));
	op.u.reg.role = strcmp(role, "provider") == 0 ? ROLE_PROVIDER
	                : strcmp(role, "org") == 0    ? ROLE_ORG
	                                              : ROLE_BUREAU;
	op.u.reg.local = req_has(r, KEY_LOCAL) && r->num[KEY_LOCAL] == 1;
	/* a key that could sign for any message is no key */
	if (hex_decode(hex, 64, op.u.reg.key, 32) < 0 ||
	    sig_pub_parse(op.u.reg.key, &pub) < 0) {
		handlers_err(c, VD_EINVAL,
		             "malformed or small-order public key");
		return;
	}
	sig_pub_free(pub);
	submit(c, &op, fin_register, NULL, NULL);
}

static void fin_issue(struct conn *c, struct ledger_op *op, int rc)
{
	if (rc < 0) {
		handlers_err(c, rc,
		             rc == VD_EINVAL
		                 ? "not a grant program, or an org kind or "
		                   "date it does not cover"
		                 : err_str(rc));
		return;
	}
	reply_ok(&c->out);
	reply_kv_str(&c->out, "program", op->u.issue.program);
	reply_kv_str(&c->out, "org", op->u.issue.org);
	reply_kv_i64(&c->out, "granted", op->amount);
	if (op->voucher[0])
		reply_kv_str(&c->out, "voucher", op->voucher);
	reply_kv_str(&c->out, "ref", op->u.issue.ref);
	ok_seq(c, op);
}

void do_issue(struct conn *c, const struct req *r)
{
	struct ledger_op op;

	memset(&op, 0, sizeof(op));
	op.type = OP_ISSUE;
	handlers_copy(r, KEY_PROGRAM, op.u.issue.program,
	              sizeof(op.u.issue.program));
	handlers_copy(r, KEY_ORG, op.u.issue.org, sizeof(op.u.issue.org));
	handlers_copy(r, KEY_REF, op.u.issue.ref, sizeof(op.u.issue.ref));
	op.u.issue.need = r->num[KEY_NEED];
	op.u.issue.asked = req_has(r, KEY_AMOUNT) ? r->num[KEY_AMOUNT] : -1;
	submit(c, &op, fin_issue, NULL, NULL);
}

static void fin_settle(struct conn *c, struct ledger_op *op, int rc)
{
	if (rc < 0) {
		handlers_err(c, rc,
		             rc == VD_EINVAL
		                 ? "not an annual program, or the period "
		                   "has not ended (force=1)"
		             : rc == VD_ECLOSED ? "already settled"
		                                : err_str(rc));
		return;
	}
	reply_ok(&c->out);
	reply_kv_str(&c->out, "program", op->u.settle.program);
	reply_kv_i64(&c->out, "period", op->u.settle.period);
	reply_kv_i64(&c->out, "paid", op->amount);
	ok_seq(c, op);
}

void do_settle(struct conn *c, const struct req *r)
{
	struct ledger_op op;

	memset(&op, 0, sizeof(op));
	op.type = OP_SETTLE;
	handlers_copy(r, KEY_PROGRAM, op.u.settle.program,
	              sizeof(op.u.settle.program));
	op.u.settle.period = (int32_t)r->num[KEY_PERIOD];
	op.u.settle.force = req_has(r, KEY_FORCE);
	submit(c, &op, fin_settle, NULL, NULL);
}

static void fin_revoke(struct conn *c, struct ledger_op *op, int rc)
{
	if (rc < 0) {
		handlers_err(c, rc, err_str(rc));
		return;
	}
	reply_ok(&c->out);
	reply_kv_str(&c->out, "voucher", op->u.revoke.voucher);
	reply_kv_i64(&c->out, "returned", op->amount);
	ok_seq(c, op);
}

void do_revoke(struct conn *c, const struct req *r)
{
	struct ledger_op op;
	size_t n;
	const char *v;

	memset(&op, 0, sizeof(op));
	op.type = OP_REVOKE;
	handlers_copy(r, KEY_VOUCHER, op.u.revoke.voucher,
	              sizeof(op.u.revoke.voucher));
	v = req_str(r, KEY_REASON, &n);
	req_pct_decode(v, n, op.u.revoke.reason, sizeof(op.u.revoke.reason),
	               NULL);
	submit(c, &op, fin_revoke, NULL, NULL);
}

static void fin_expire(struct conn *c, struct ledger_op *op, int rc)
{
	if (rc < 0) {
		handlers_err(c, rc, err_str(rc));
		return;
	}
	reply_ok(&c->out);
	reply_kv_i64(&c->out, "expired", op->amount);
	ok_seq(c, op);
}

struct expire_now {
	struct server *s;
	struct ledger_op *op;
	int rc;
};

static void run_expire(void *arg)
{
	struct expire_now *e = arg;

	e->rc = ledger_batch(e->s->l, e->op, 1);
}

void do_expire(struct conn *c, const struct req *r)
{
	struct ledger_op op;

	memset(&op, 0, sizeof(op));
	op.type = OP_EXPIRE;
	if (req_has(r, KEY_NOW)) {
		/* an explicit time: the sweep runs as of then, now */
		struct expire_now e = {c->s, &op, 0};
		op.now = r->num[KEY_NOW];
		commit_exclusive(c->s, run_expire, &e);
		fin_expire(c, &op, e.rc < 0 ? e.rc : op.rc);
		return;
	}
	submit(c, &op, fin_expire, NULL, NULL);
}

static void fin_pay(struct conn *c, struct ledger_op *op, int rc)
{
	if (rc < 0) {
		handlers_err(c, rc,
		             rc == VD_EFUNDS ? "more than owed" : err_str(rc));
		return;
	}
	reply_ok(&c->out);
	reply_kv_str(&c->out, "provider", op->u.pay.provider);
	reply_kv_i64(&c->out, "paid", op->amount);
	reply_kv_i64(&c->out, "owed", op->remaining);
	reply_end(&c->out);
}

void do_pay(struct conn *c, const struct req *r)
{
	struct ledger_op op;

	memset(&op, 0, sizeof(op));
	op.type = OP_PAY;
	handlers_copy(r, KEY_PROVIDER, op.u.pay.provider,
	              sizeof(op.u.pay.provider));
	handlers_copy(r, KEY_REF, op.u.pay.ref, sizeof(op.u.pay.ref));
	op.u.pay.amount = r->num[KEY_AMOUNT];
	submit(c, &op, fin_pay, NULL, NULL);
}

static void fin_redeem(struct conn *c, struct ledger_op *op, int rc)
{
	if (rc < 0) {
		handlers_err(c, rc,
		             rc == VD_EINVAL
		                 ? "the record is voided, or amount is 0"
		                 : err_str(rc));
		return;
	}
	reply_ok(&c->out);
	reply_kv_str(&c->out, "voucher", op->u.redeem.voucher);
	reply_kv_i64(&c->out, "redeemed", op->amount);
	reply_kv_i64(&c->out, "remaining", op->remaining);
	reply_kv_str(&c->out, "ref", op->u.redeem.ref);
	reply_end(&c->out);
}

void do_redeem(struct conn *c, const struct req *r)
{
	struct ledger_op op;

	memset(&op, 0, sizeof(op));
	op.type = OP_REDEEM;
	snprintf(op.u.redeem.provider, sizeof(op.u.redeem.provider), "%s",
	         c->id);
	handlers_copy(r, KEY_VOUCHER, op.u.redeem.voucher,
	              sizeof(op.u.redeem.voucher));
	handlers_copy(r, KEY_RECORD, op.u.redeem.record,
	              sizeof(op.u.redeem.record));
	handlers_copy(r, KEY_REF, op.u.redeem.ref, sizeof(op.u.redeem.ref));
	op.u.redeem.amount = r->num[KEY_AMOUNT];
	submit(c, &op, fin_redeem, NULL, NULL);
}
