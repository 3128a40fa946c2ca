#include "bureau.h"

#include <string.h>

#include "err.h"
#include "hex.h"
#include "reload.h"

static void ok_seq(struct conn *c, const struct ledger_op *op)
{
	reply_kv_i64(&c->out, "seq", (int64_t)op->seq);
	reply_end(&c->out);
}

int bureau_register_check(struct conn *c, const struct req *r, struct job *j,
                          const char **why)
{
	struct ledger_op *op = &j->op;
	struct sig_pub *pub = NULL;
	char role[16], hex[SIG_PUB_HEX + 1];

	(void)c;
	op->type = OP_REGISTER;
	req_copy(r, KEY_ID, op->u.reg.id, sizeof(op->u.reg.id));
	req_copy(r, KEY_ROLE, role, sizeof(role));
	req_copy(r, KEY_KEY, hex, sizeof(hex));
	if (req_has(r, KEY_KIND))
		req_copy(r, KEY_KIND, op->u.reg.kind, sizeof(op->u.reg.kind));
	/* proto checked its shape (TYPE_REGION) and length */
	if (req_has(r, KEY_REGION))
		req_copy(r, KEY_REGION, op->u.reg.region,
		         sizeof(op->u.reg.region));
	/* proto checked the word (TYPE_ROLE) */
	op->u.reg.role = role_lookup(role, strlen(role));
	op->u.reg.local = req_has(r, KEY_LOCAL) && r->num[KEY_LOCAL] == 1;
	/* a key that could sign for any message is no key */
	if (hex_decode(hex, SIG_PUB_HEX, op->u.reg.key, SIG_PUB_LEN) < 0 ||
	    sig_pub_parse(op->u.reg.key, &pub) < 0) {
		*why = "malformed or small-order public key";
		return VD_EINVAL;
	}
	sig_pub_free(pub);
	return 0;
}

void bureau_register_finish(struct conn *c, const struct job *j)
{
	reply_ok(&c->out);
	reply_kv_str(&c->out, "id", j->op.u.reg.id);
	reply_kv_str(&c->out, "status",
	             j->op.status == LEDGER_DUPLICATE ? "duplicate"
	                                              : "registered");
	ok_seq(c, &j->op);
}

int bureau_issue_check(struct conn *c, const struct req *r, struct job *j,
                       const char **why)
{
	struct ledger_op *op = &j->op;

	(void)c;
	(void)why;
	op->type = OP_ISSUE;
	req_copy(r, KEY_PROGRAM, op->u.issue.program,
	         sizeof(op->u.issue.program));
	req_copy(r, KEY_ORG, op->u.issue.org, sizeof(op->u.issue.org));
	req_copy(r, KEY_REF, op->u.issue.ref, sizeof(op->u.issue.ref));
	op->u.issue.need = r->num[KEY_NEED];
	op->u.issue.asked = req_has(r, KEY_AMOUNT) ? r->num[KEY_AMOUNT] : -1;
	if (req_has(r, KEY_PROJECT))
		req_copy(r, KEY_PROJECT, op->u.issue.project,
		         sizeof(op->u.issue.project));
	return 0;
}

void bureau_issue_finish(struct conn *c, const struct job *j)
{
	const struct ledger_op *op = &j->op;

	reply_ok(&c->out);
	reply_kv_str(&c->out, "program", op->u.issue.program);
	reply_kv_str(&c->out, "org", op->u.issue.org);
	if (op->u.issue.project[0])
		reply_kv_str(&c->out, "project", op->u.issue.project);
	reply_kv_i64(&c->out, "granted", op->amount);
	reply_kv_i64(&c->out, "unfunded", op->remaining);
	if (op->voucher[0])
		reply_kv_str(&c->out, "voucher", op->voucher);
	reply_kv_str(&c->out, "ref", op->u.issue.ref);
	reply_kv_str(&c->out, "status",
	             op->status == LEDGER_DUPLICATE ? "duplicate" : "issued");
	ok_seq(c, op);
}

int bureau_settle_check(struct conn *c, const struct req *r, struct job *j,
                        const char **why)
{
	struct ledger_op *op = &j->op;

	(void)c;
	(void)why;
	op->type = OP_SETTLE;
	req_copy(r, KEY_PROGRAM, op->u.settle.program,
	         sizeof(op->u.settle.program));
	op->u.settle.period = (int32_t)r->num[KEY_PERIOD];
	op->u.settle.force = req_has(r, KEY_FORCE);
	return 0;
}

void bureau_settle_finish(struct conn *c, const struct job *j)
{
	reply_ok(&c->out);
	reply_kv_str(&c->out, "program", j->op.u.settle.program);
	reply_kv_i64(&c->out, "period", j->op.u.settle.period);
	reply_kv_i64(&c->out, "paid", j->op.amount);
	reply_kv_i64(&c->out, "unfunded", j->op.remaining);
	ok_seq(c, &j->op);
}

int bureau_revoke_check(struct conn *c, const struct req *r, struct job *j,
                        const char **why)
{
	struct ledger_op *op = &j->op;
	size_t n;
	const char *v;

	(void)c;
	(void)why;
	op->type = OP_REVOKE;
	req_copy(r, KEY_VOUCHER, op->u.revoke.voucher,
	         sizeof(op->u.revoke.voucher));
	v = req_str(r, KEY_REASON, &n);
	req_pct_decode(v, n, op->u.revoke.reason, sizeof(op->u.revoke.reason),
	               NULL);
	return 0;
}

void bureau_revoke_finish(struct conn *c, const struct job *j)
{
	reply_ok(&c->out);
	reply_kv_str(&c->out, "voucher", j->op.u.revoke.voucher);
	reply_kv_i64(&c->out, "returned", j->op.amount);
	reply_kv_i64(&c->out, "clawback_due", j->op.remaining);
	ok_seq(c, &j->op);
}

int bureau_expire_check(struct conn *c, const struct req *r, struct job *j,
                        const char **why)
{
	(void)c;
	(void)why;
	j->op.type = OP_EXPIRE;
	/* an explicit time: the sweep runs as of then */
	if (req_has(r, KEY_NOW))
		j->op.now = r->num[KEY_NOW];
	return 0;
}

void bureau_expire_finish(struct conn *c, const struct job *j)
{
	reply_ok(&c->out);
	reply_kv_i64(&c->out, "expired", j->op.amount);
	ok_seq(c, &j->op);
}

int bureau_pay_check(struct conn *c, const struct req *r, struct job *j,
                     const char **why)
{
	struct ledger_op *op = &j->op;

	(void)c;
	(void)why;
	op->type = OP_PAY;
	req_copy(r, KEY_PROVIDER, op->u.pay.provider,
	         sizeof(op->u.pay.provider));
	req_copy(r, KEY_REF, op->u.pay.ref, sizeof(op->u.pay.ref));
	op->u.pay.amount = r->num[KEY_AMOUNT];
	return 0;
}

void bureau_pay_finish(struct conn *c, const struct job *j)
{
	reply_ok(&c->out);
	reply_kv_str(&c->out, "provider", j->op.u.pay.provider);
	reply_kv_i64(&c->out, "paid", j->op.amount);
	reply_kv_i64(&c->out, "owed", j->op.remaining);
	reply_end(&c->out);
}

/* PAYOUT and REPAY name a voucher, an amount and a ref alike */
static void cash_op(const struct req *r, struct ledger_op *op, int type)
{
	op->type = type;
	req_copy(r, KEY_VOUCHER, op->u.payout.voucher,
	         sizeof(op->u.payout.voucher));
	req_copy(r, KEY_REF, op->u.payout.ref, sizeof(op->u.payout.ref));
	op->u.payout.amount = r->num[KEY_AMOUNT];
}

int bureau_payout_check(struct conn *c, const struct req *r, struct job *j,
                        const char **why)
{
	(void)c;
	(void)why;
	cash_op(r, &j->op, OP_PAYOUT);
	return 0;
}

void bureau_payout_finish(struct conn *c, const struct job *j)
{
	reply_ok(&c->out);
	reply_kv_str(&c->out, "voucher", j->op.u.payout.voucher);
	reply_kv_i64(&c->out, "paid_out", j->op.amount);
	reply_kv_i64(&c->out, "remaining", j->op.remaining);
	reply_kv_str(&c->out, "ref", j->op.u.payout.ref);
	reply_end(&c->out);
}

int bureau_repay_check(struct conn *c, const struct req *r, struct job *j,
                       const char **why)
{
	(void)c;
	(void)why;
	cash_op(r, &j->op, OP_REPAY);
	return 0;
}

void bureau_repay_finish(struct conn *c, const struct job *j)
{
	reply_ok(&c->out);
	reply_kv_str(&c->out, "voucher", j->op.u.payout.voucher);
	reply_kv_i64(&c->out, "clawback_due", j->op.amount);
	reply_kv_str(&c->out, "ref", j->op.u.payout.ref);
	reply_end(&c->out);
}

int bureau_reload_check(struct conn *c, const struct req *r, struct job *j,
                        const char **why)
{
	int rc;

	(void)r;
	if ((rc = reload_prepare(c->s, j, c->why, sizeof(c->why))) < 0) {
		srv_log(c->s, 1, "reload refused, policy in force kept: %s",
		        c->why);
		*why = c->why;
		return VD_EPOLICY;
	}
	return 0;
}

void bureau_reload_finish(struct conn *c, const struct job *j)
{
	/* the commit module made the swapped-in policy the loop's; seq 0:
	 * the store already recorded it, nothing was journaled */
	reply_ok(&c->out);
	reply_kv_i64(&c->out, "programs", (int64_t)c->s->pol->nprograms);
	reply_kv_i64(&c->out, "seq",
	             j->op.status == LEDGER_ACCEPTED ? (int64_t)j->op.seq : 0);
	reply_end(&c->out);
}

int bureau_amend_check(struct conn *c, const struct req *r, struct job *j,
                       const char **why)
{
	struct ledger_op *op = &j->op;

	(void)c;
	op->type = OP_AMEND;
	req_copy(r, KEY_ID, op->u.amend.id, sizeof(op->u.amend.id));
	if (req_has(r, KEY_KIND))
		req_copy(r, KEY_KIND, op->u.amend.kind,
		         sizeof(op->u.amend.kind));
	if (req_has(r, KEY_REGION))
		req_copy(r, KEY_REGION, op->u.amend.region,
		         sizeof(op->u.amend.region));
	op->u.amend.local = req_has(r, KEY_LOCAL) ? (int)r->num[KEY_LOCAL] : -1;
	if (!req_has(r, KEY_KIND) && !req_has(r, KEY_REGION) &&
	    !req_has(r, KEY_LOCAL)) {
		*why = "nothing to amend: give kind=, region= or local=";
		return VD_EINVAL;
	}
	return 0;
}

/* OK id=X, and seq= when something changed */
void bureau_amend_finish(struct conn *c, const struct job *j)
{
	reply_ok(&c->out);
	reply_kv_str(&c->out, "id", j->op.u.amend.id);
	if (j->op.seq != 0)
		reply_kv_i64(&c->out, "seq", (int64_t)j->op.seq);
	reply_end(&c->out);
}

int bureau_suspend_check(struct conn *c, const struct req *r, struct job *j,
                         const char **why)
{
	struct ledger_op *op = &j->op;
	const char *v;
	size_t n;

	(void)why;
	op->type = r->spec->id == CMD_SUSPEND ? OP_SUSPEND : OP_REINSTATE;
	req_copy(r, KEY_ID, op->u.suspend.id, sizeof(op->u.suspend.id));
	if (!c->local_admin)
		snprintf(op->u.suspend.by, sizeof(op->u.suspend.by), "%s",
		         c->id);
	if ((v = req_str(r, KEY_REASON, &n)) != NULL)
		req_pct_decode(v, n, op->u.suspend.reason,
		               sizeof(op->u.suspend.reason), NULL);
	return 0;
}

/* OK id=X status=suspended|active, and seq= when it changed */
void bureau_suspend_finish(struct conn *c, const struct job *j)
{
	reply_ok(&c->out);
	reply_kv_str(&c->out, "id", j->op.u.suspend.id);
	reply_kv_str(&c->out, "status",
	             j->op.status == LEDGER_SUSPENDED ? "suspended" : "active");
	if (j->op.seq != 0)
		reply_kv_i64(&c->out, "seq", (int64_t)j->op.seq);
	reply_end(&c->out);
}

int bureau_rekey_check(struct conn *c, const struct req *r, struct job *j,
                       const char **why)
{
	struct ledger_op *op = &j->op;
	struct sig_pub *pub = NULL;
	char hex[SIG_PUB_HEX + 1];

	(void)c;
	op->type = OP_REKEY;
	req_copy(r, KEY_ID, op->u.rekey.id, sizeof(op->u.rekey.id));
	req_copy(r, KEY_KEY, hex, sizeof(hex));
	/* a key that could sign for any message is no key */
	if (hex_decode(hex, SIG_PUB_HEX, op->u.rekey.key, SIG_PUB_LEN) < 0 ||
	    sig_pub_parse(op->u.rekey.key, &pub) < 0) {
		*why = "malformed or small-order public key";
		return VD_EINVAL;
	}
	sig_pub_free(pub);
	return 0;
}

/* OK id=X, and seq= when the key changed */
void bureau_rekey_finish(struct conn *c, const struct job *j)
{
	reply_ok(&c->out);
	reply_kv_str(&c->out, "id", j->op.u.rekey.id);
	if (j->op.seq != 0)
		reply_kv_i64(&c->out, "seq", (int64_t)j->op.seq);
	reply_end(&c->out);
}
