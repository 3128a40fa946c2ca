/* Money leaving and coming back through a voucher row: PAYOUT of a cash
 * entitlement by the bureau, REPAY of a clawback due by its holder
 * (domain.md, "Money leaving the ledger"). */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "money.h"
#include "ops.h"

/* A ref's first result: PAYOUT and REPAY refs are namespaces of their
 * own ('p', 'r'), each answered again with its first result. */
struct cash_ref_row {
	char voucher[BOOK_VID];
	int64_t amount;
	int64_t result[2]; /* PAYOUT: paid_out, remaining; REPAY: due, 0 */
	uint64_t seq;
};

static size_t ref_key(uint8_t *k, char kind, const char *ref)
{
	k[0] = (uint8_t)kind;
	return store_key_id(k, 1, ref);
}

/* 1 and the first result in op for a ref seen before (CONFLICT under
 * other figures), 0 for a new one, or a negative code. Before anything
 * else about the voucher: a replay answers the first result even once
 * the voucher is spent or revoked (domain.md, fine points). */
static int replayed(struct book *b, char kind, struct ledger_op *op)
{
	uint8_t k[1 + STORE_ID];
	struct cash_ref_row r;
	MDB_val v;
	int rc;

	ref_key(k, kind, op->u.payout.ref);
	rc = ltx_get(b->t, DB_CASH_REFS, k, sizeof(k), &v);
	if (rc == VD_ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	if (v.mv_size != sizeof(r))
		return VD_EINTERNAL;
	memcpy(&r, v.mv_data, sizeof(r));
	if (strcmp(r.voucher, op->u.payout.voucher) != 0 ||
	    r.amount != op->u.payout.amount)
		return ops_refuse(&op->why, VD_ECONFLICT,
		                  "ref already used for another voucher or "
		                  "amount");
	op->amount = r.result[0];
	op->remaining = r.result[1];
	op->seq = r.seq;
	return 1;
}

static int remember(struct book *b, char kind, const struct ledger_op *op,
                    int64_t r0, int64_t r1)
{
	uint8_t k[1 + STORE_ID];
	struct cash_ref_row r;

	memset(&r, 0, sizeof(r));
	/* voucher_of checked its length */
	memcpy(r.voucher, op->u.payout.voucher,
	       strlen(op->u.payout.voucher) + 1);
	r.amount = op->u.payout.amount;
	r.result[0] = r0;
	r.result[1] = r1;
	r.seq = op->seq;
	ref_key(k, kind, op->u.payout.ref);
	return ltx_put(b->t, DB_CASH_REFS, k, sizeof(k), &r, sizeof(r));
}

/* The voucher named, and its program (NULL if no longer in the policy). */
static int voucher_of(struct book *b, struct ledger_op *op,
                      struct voucher_row *v, const struct policy_program **g)
{
	int rc;

	if (strlen(op->u.payout.voucher) >= BOOK_VID)
		return ops_refuse(&op->why, VD_ENOENT, "unknown voucher");
	if ((rc = book_voucher_get(b, op->u.payout.voucher, v)) < 0)
		return rc == VD_ENOENT
		           ? ops_refuse(&op->why, rc, "unknown voucher")
		           : rc;
	if (op->u.payout.amount <= 0)
		return ops_refuse(&op->why, VD_EINVAL, "amount is not above 0");
	*g = policy_program(b->pol, v->program);
	return 0;
}

/* The pools' figure of the voucher's period moves with the voucher's
 * total (*total); the entry names the parts ("-" for a program no
 * longer in the policy). */
static int move(struct book *b, const struct policy_program *g, int32_t period,
                size_t figure, int64_t *total, int64_t amount,
                struct jfields *f)
{
	char parts[512];
	int rc;

	if ((rc = book_pools_move(b, g, period, figure, total, amount, parts,
	                          sizeof(parts))) < 0)
		return rc;
	journal_str(f, "pools", parts);
	return 0;
}

int ops_payout(struct book *b, struct ledger_op *op)
{
	const struct policy_program *g;
	struct voucher_row v, old;
	int64_t amount = op->u.payout.amount;
	struct jfields f;
	int rc;

	/* an entitlement of a suspended holder waits for its
	 * reinstatement, a replay included (protocol.md's order) */
	if ((rc = ops_holder_suspended(b, op->u.payout.voucher)) != 0)
		return rc < 0 ? rc
		              : ops_refuse(&op->why, VD_EDENIED,
		                           "the holder is suspended");
	if ((rc = replayed(b, 'p', op)) != 0)
		return rc < 0 ? rc : 0;
	if ((rc = voucher_of(b, op, &v, &g)) < 0)
		return rc;
	if (v.pays != POLICY_PAYS_CASH)
		return ops_refuse(
		    &op->why, VD_EINVAL,
		    "a voucher is redeemed by providers, not paid "
		    "out");
	if (v.status == V_REVOKED)
		return ops_refuse(&op->why, VD_EREVOKED, "entitlement revoked");
	if (book_remaining(&v) == 0)
		return ops_refuse(&op->why, VD_ESPENT,
		                  "entitlement paid out in full");
	if (amount > book_remaining(&v))
		return ops_refuse(&op->why, VD_EFUNDS,
		                  "over the entitlement's remaining amount");
	old = v;
	journal_fields_init(&f);
	journal_str(&f, "voucher", op->u.payout.voucher);
	journal_i64(&f, "amount", amount);
	if ((rc = move(b, g, v.period, offsetof(struct pool_row, paid_out),
	               &v.paid_out, amount, &f)) < 0)
		return rc;
	if (book_remaining(&v) == 0)
		v.status = V_SPENT;
	journal_str(&f, "ref", op->u.payout.ref);
	if ((rc = book_voucher_put(b, op->u.payout.voucher, &old, &v)) < 0 ||
	    (rc = journal_append(b->t, b->now, "payout", &f, &op->seq)) < 0)
		return rc;
	op->amount = v.paid_out;
	op->remaining = book_remaining(&v);
	return remember(b, 'p', op, op->amount, op->remaining);
}

int ops_repay(struct book *b, struct ledger_op *op)
{
	const struct policy_program *g;
	struct voucher_row v, old;
	int64_t amount = op->u.payout.amount;
	struct jfields f;
	int rc;

	if ((rc = replayed(b, 'r', op)) != 0)
		return rc < 0 ? rc : 0;
	if ((rc = voucher_of(b, op, &v, &g)) < 0)
		return rc;
	if (amount > v.clawback_due)
		return ops_refuse(&op->why, VD_EFUNDS,
		                  "over the voucher's clawback due");
	old = v;
	v.clawback_due -= amount;
	/* back into the voucher's pools for its period */
	journal_fields_init(&f);
	journal_str(&f, "voucher", op->u.payout.voucher);
	journal_i64(&f, "amount", amount);
	if ((rc = move(b, g, v.period, offsetof(struct pool_row, recovered),
	               &v.recovered, amount, &f)) < 0)
		return rc;
	journal_str(&f, "ref", op->u.payout.ref);
	if ((rc = book_voucher_put(b, op->u.payout.voucher, &old, &v)) < 0 ||
	    (rc = journal_append(b->t, b->now, "repay", &f, &op->seq)) < 0)
		return rc;
	op->amount = v.clawback_due;
	op->remaining = 0;
	return remember(b, 'r', op, op->amount, 0);
}
