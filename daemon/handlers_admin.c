/* The bureau's writes, REDEEM, RELOAD, and the dispatcher that checks
 * every request in protocol.md's order before a handler runs. */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "handlers.h"
#include "perr.h"
#include "srv.h"

static void ok_seq(struct conn *c, const struct ledger_op *op)
{
	reply_kv_i64(&c->out, "seq", (int64_t)op->seq);
	reply_end(&c->out);
}

static void do_register(struct conn *c, const struct req *r)
{
	struct sig_pub *pub = NULL;
	struct ledger_op op;
	char role[16], hex[65];
	int rc;

	memset(&op, 0, sizeof(op));
	op.type = OP_REGISTER;
	handlers_copy(r, KEY_ID, op.u.reg.id, sizeof(op.u.reg.id));
	handlers_copy(r, KEY_ROLE, role, sizeof(role));
	handlers_copy(r, KEY_KEY, hex, sizeof(hex));
	handlers_copy(r, KEY_KIND, op.u.reg.kind, sizeof(op.u.reg.kind));
	op.u.reg.role = strcmp(role, "provider") == 0 ? LEDGER_PROVIDER
	                : strcmp(role, "org") == 0    ? LEDGER_ORG
	                                              : LEDGER_BUREAU;
	op.u.reg.local = req_has(r, KEY_LOCAL) && r->num[KEY_LOCAL] == 1;
	/* a key that could sign for any message is no key */
	if (sig_hex_decode(hex, 64, op.u.reg.key, 32) < 0 ||
	    sig_pub_parse(op.u.reg.key, &pub) < 0) {
		handlers_err(c, VD_EINVAL,
		             "malformed or small-order public key");
		return;
	}
	sig_pub_free(pub);
	if ((rc = handlers_commit(c, &op)) < 0) {
		handlers_err(c, rc,
		             rc == VD_ECONFLICT ? "registered with other fields"
		                                : err_str(rc));
		return;
	}
	reply_ok(&c->out);
	reply_kv_str(&c->out, "id", op.u.reg.id);
	reply_kv_str(&c->out, "status",
	             op.status == LEDGER_DUPLICATE ? "duplicate"
	                                           : "registered");
	ok_seq(c, &op);
}

static void do_issue(struct conn *c, const struct req *r)
{
	struct ledger_op op;
	int rc;

	memset(&op, 0, sizeof(op));
	op.type = OP_ISSUE;
	handlers_copy(r, KEY_PROGRAM, op.u.issue.program,
	              sizeof(op.u.issue.program));
	handlers_copy(r, KEY_ORG, op.u.issue.org, sizeof(op.u.issue.org));
	handlers_copy(r, KEY_REF, op.u.issue.ref, sizeof(op.u.issue.ref));
	op.u.issue.need = r->num[KEY_NEED];
	op.u.issue.asked = req_has(r, KEY_AMOUNT) ? r->num[KEY_AMOUNT] : -1;
	if ((rc = handlers_commit(c, &op)) < 0) {
		handlers_err(c, rc,
		             rc == VD_EINVAL
		                 ? "not a grant program, or an org kind or "
		                   "date it does not cover"
		                 : err_str(rc));
		return;
	}
	reply_ok(&c->out);
	reply_kv_str(&c->out, "program", op.u.issue.program);
	reply_kv_str(&c->out, "org", op.u.issue.org);
	reply_kv_i64(&c->out, "granted", op.amount);
	if (op.voucher[0])
		reply_kv_str(&c->out, "voucher", op.voucher);
	reply_kv_str(&c->out, "ref", op.u.issue.ref);
	ok_seq(c, &op);
}

static void do_settle(struct conn *c, const struct req *r)
{
	struct ledger_op op;
	int rc;

	memset(&op, 0, sizeof(op));
	op.type = OP_SETTLE;
	handlers_copy(r, KEY_PROGRAM, op.u.settle.program,
	              sizeof(op.u.settle.program));
	op.u.settle.period = (int32_t)r->num[KEY_PERIOD];
	op.u.settle.force = req_has(r, KEY_FORCE);
	if ((rc = handlers_commit(c, &op)) < 0) {
		handlers_err(c, rc,
		             rc == VD_EINVAL
		                 ? "not an annual program, or the period "
		                   "has not ended (force=1)"
		             : rc == VD_ECLOSED ? "already settled"
		                                : err_str(rc));
		return;
	}
	reply_ok(&c->out);
	reply_kv_str(&c->out, "program", op.u.settle.program);
	reply_kv_i64(&c->out, "period", op.u.settle.period);
	reply_kv_i64(&c->out, "paid", op.amount);
	ok_seq(c, &op);
}

static void do_revoke(struct conn *c, const struct req *r)
{
	struct ledger_op op;
	size_t n;
	const char *v;
	int rc;

	memset(&op, 0, sizeof(op));
	op.type = OP_REVOKE;
	handlers_copy(r, KEY_VOUCHER, op.u.revoke.voucher,
	              sizeof(op.u.revoke.voucher));
	v = req_str(r, KEY_REASON, &n);
	req_pct_decode(v, n, op.u.revoke.reason, sizeof(op.u.revoke.reason),
	               NULL);
	if ((rc = handlers_commit(c, &op)) < 0) {
		handlers_err(c, rc, err_str(rc));
		return;
	}
	reply_ok(&c->out);
	reply_kv_str(&c->out, "voucher", op.u.revoke.voucher);
	reply_kv_i64(&c->out, "returned", op.amount);
	ok_seq(c, &op);
}

static void do_expire(struct conn *c, const struct req *r)
{
	struct ledger_op op;
	int rc;

	memset(&op, 0, sizeof(op));
	op.type = OP_EXPIRE;
	if (req_has(r, KEY_NOW)) {
		/* an explicit time: run the sweep as of then */
		op.now = r->num[KEY_NOW];
		rc = ledger_batch(c->s->l, &op, 1);
		rc = rc < 0 ? rc : op.rc;
	} else
		rc = handlers_commit(c, &op);
	if (rc < 0) {
		handlers_err(c, rc, err_str(rc));
		return;
	}
	reply_ok(&c->out);
	reply_kv_i64(&c->out, "expired", op.amount);
	ok_seq(c, &op);
}

static void do_pay(struct conn *c, const struct req *r)
{
	struct ledger_op op;
	int rc;

	memset(&op, 0, sizeof(op));
	op.type = OP_PAY;
	handlers_copy(r, KEY_PROVIDER, op.u.pay.provider,
	              sizeof(op.u.pay.provider));
	handlers_copy(r, KEY_REF, op.u.pay.ref, sizeof(op.u.pay.ref));
	op.u.pay.amount = r->num[KEY_AMOUNT];
	if ((rc = handlers_commit(c, &op)) < 0) {
		handlers_err(c, rc,
		             rc == VD_EFUNDS ? "more than owed" : err_str(rc));
		return;
	}
	reply_ok(&c->out);
	reply_kv_str(&c->out, "provider", op.u.pay.provider);
	reply_kv_i64(&c->out, "paid", op.amount);
	reply_kv_i64(&c->out, "owed", op.remaining);
	reply_end(&c->out);
}

static void do_redeem(struct conn *c, const struct req *r)
{
	struct ledger_op op;
	int rc;

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
	if ((rc = handlers_commit(c, &op)) < 0) {
		handlers_err(c, rc,
		             rc == VD_EINVAL
		                 ? "the record is voided, or amount is 0"
		                 : err_str(rc));
		return;
	}
	reply_ok(&c->out);
	reply_kv_str(&c->out, "voucher", op.u.redeem.voucher);
	reply_kv_i64(&c->out, "redeemed", op.amount);
	reply_kv_i64(&c->out, "remaining", op.remaining);
	reply_kv_str(&c->out, "ref", op.u.redeem.ref);
	reply_end(&c->out);
}

static void do_reload(struct conn *c)
{
	char msg[400];

	if (srv_reload(c->s, msg, sizeof(msg)) < 0) {
		handlers_err(c, VD_EPOLICY, msg);
		return;
	}
	reply_ok(&c->out);
	reply_kv_i64(&c->out, "programs", (int64_t)c->s->pol->nprograms);
	reply_end(&c->out);
}

static void dispatch(struct conn *c, const struct req *r)
{
	switch (r->spec->id) {
	case CMD_HELLO:
		do_hello(c);
		break;
	case CMD_AUTH:
		do_auth(c, r);
		break;
	case CMD_PING:
		reply_ok(&c->out);
		reply_end(&c->out);
		break;
	case CMD_QUIT:
		reply_ok(&c->out);
		reply_end(&c->out);
		c->closing = 1;
		break;
	case CMD_USAGE:
		do_usage(c, r);
		break;
	case CMD_BATCH:
		do_batch(c, r, 0);
		break;
	case CMD_VOID:
		do_void(c, r);
		break;
	case CMD_BALANCE:
		do_balance(c, r);
		break;
	case CMD_ACCRUAL:
		do_accrual(c, r);
		break;
	case CMD_RECORDS:
		do_records(c, r);
		break;
	case CMD_PROGRAMS:
		do_programs(c);
		break;
	case CMD_REDEEM:
		do_redeem(c, r);
		break;
	case CMD_REGISTER:
		do_register(c, r);
		break;
	case CMD_ISSUE:
		do_issue(c, r);
		break;
	case CMD_SETTLE:
		do_settle(c, r);
		break;
	case CMD_REVOKE:
		do_revoke(c, r);
		break;
	case CMD_EXPIRE:
		do_expire(c, r);
		break;
	case CMD_POOL:
		do_pool(c, r);
		break;
	case CMD_RECEIVABLES:
		do_receivables(c, r);
		break;
	case CMD_PAY:
		do_pay(c, r);
		break;
	case CMD_JOURNAL:
		do_journal(c, r);
		break;
	case CMD_CHECKPOINT:
		do_checkpoint(c);
		break;
	case CMD_RELOAD:
		do_reload(c);
		break;
	case CMD_STATS:
		do_stats(c);
		break;
	case CMD_COUNT:
		break;
	}
}

void handlers_line(struct conn *c, const char *line, size_t len)
{
	char msg[REQ_MSG_MAX];
	struct req r;
	int rc;

	c->s->st.requests++;
	if (c->in_batch) {
		batch_line(c, line, len);
		conn_flush(c);
		return;
	}
	rc = req_parse(line, len, (size_t)c->s->cfg.max_line, REQ_LINE, &r);
	/* framing, tokens, the command: before authentication */
	if (rc < 0 && req_err_early(rc)) {
		handlers_err(c, rc, req_message(&r, rc, msg, sizeof(msg)));
		if (rc == PROTO_ETOOLONG)
			c->closing = 1;
		conn_flush(c);
		return;
	}
	if (!(r.spec->roles & c->role)) {
		handlers_err(c, c->role == ROLE_ANON ? VD_EAUTH : VD_EDENIED,
		             c->role == ROLE_ANON
		                 ? "authenticate first"
		                 : "your role may not do this");
		/* a refused BATCH still consumes its lines, unanswered */
		if (r.spec->id == CMD_BATCH && rc == 0 &&
		    r.num[KEY_N] <= c->s->cfg.max_batch) {
			do_batch(c, &r, VD_EDENIED);
			c->batch_answered = 1;
		}
		conn_flush(c);
		return;
	}
	if (rc < 0) {
		handlers_err(c, rc, req_message(&r, rc, msg, sizeof(msg)));
		conn_flush(c);
		return;
	}
	if (r.spec->id == CMD_BATCH && r.num[KEY_N] > c->s->cfg.max_batch) {
		/* its lines cannot be skipped safely */
		handlers_err(c, VD_ELIMIT, "batch over max_batch");
		c->closing = 1;
		conn_flush(c);
		return;
	}
	dispatch(c, &r);
	conn_flush(c);
}
