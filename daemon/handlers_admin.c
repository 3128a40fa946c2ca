/* The bureau's writes, REDEEM, RELOAD, and the dispatcher that checks
 * every request in protocol.md's order before a handler runs. */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "handlers.h"
#include "srv.h"

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
	if (!(r.spec->roles & ROLE_BIT(c->role))) {
		handlers_err(c, c->role == ROLE_NONE ? VD_EAUTH : VD_EDENIED,
		             c->role == ROLE_NONE
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
	/* a read waits until this connection's writes are answered, so
	 * that it sees them */
	if (c->npending > 0 && !(r.spec->flags & CMD_WRITE)) {
		c->s->st.requests--;
		conn_defer(c, line, len);
		return;
	}
	dispatch(c, &r);
	conn_flush(c);
}
