/* The ledger's write operations, each run inside its own nested
 * transaction by ledger_batch(). Internal to ledger/. Each returns 0 or a
 * VD_E* code and fills the op's results; on error the caller undoes the
 * nested transaction, so an operation never leaves half its changes. */
#ifndef VD_OPS_H
#define VD_OPS_H

#include "book.h"
#include "ledger.h"

/* Refuse with code for reason: *why = reason (a string literal: lower
 * case, no trailing period, no client bytes); returns code. */
static inline int ops_refuse(const char **why, int code, const char *reason)
{
	*why = reason;
	return code;
}

int ops_register(struct book *b, struct ledger_op *op);
int ops_policy(struct book *b, struct ledger_op *op);
int ops_usage(struct book *b, struct ledger_op *op);
int ops_batch(struct book *b, struct ledger_op *op);
int ops_void(struct book *b, struct ledger_op *op);
int ops_issue(struct book *b, struct ledger_op *op);
int ops_settle(struct book *b, struct ledger_op *op);
int ops_redeem(struct book *b, struct ledger_op *op);
int ops_expire(struct book *b, struct ledger_op *op);
int ops_revoke(struct book *b, struct ledger_op *op);
int ops_pay(struct book *b, struct ledger_op *op);

/* 1 if (program, period) was settled, 0 if not, or an error. */
int ops_settled(struct book *b, const char *prog, int32_t period);

#endif
