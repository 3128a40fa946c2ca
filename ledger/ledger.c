#include "ledger.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "err.h"
#include "ops.h"
#include "store.h"

struct ledger {
	struct store *st;
	/* set by the writer's thread, read by readers on others: atomic, so
	 * that a read sees the old policy or the new one, whole */
	_Atomic(const struct policy *) pol;
};

int ledger_open(const char *dir, int create, size_t map_size,
                struct ledger **out, char *err, size_t errlen)
{
	struct ledger *l = calloc(1, sizeof(*l));
	int rc;

	*out = NULL;
	if (l == NULL) {
		snprintf(err, errlen, "out of memory");
		return VD_ENOMEM;
	}
	if ((rc = store_open(dir, create, map_size, &l->st, err, errlen)) < 0) {
		free(l);
		return rc;
	}
	*out = l;
	return 0;
}

void ledger_close(struct ledger *l)
{
	if (l == NULL)
		return;
	store_close(l->st);
	free(l);
}

void ledger_set_policy(struct ledger *l, const struct policy *p)
{
	atomic_store_explicit(&l->pol, p, memory_order_release);
}

size_t ledger_map_size(const struct ledger *l)
{
	return store_map_size(l->st);
}

struct store *ledger_store(struct ledger *l)
{
	return l->st;
}

const struct policy *ledger_policy(const struct ledger *l)
{
	return atomic_load_explicit(&l->pol, memory_order_acquire);
}

static int dispatch(struct book *b, struct ledger_op *op)
{
	switch (op->type) {
	case OP_REGISTER:
		return ops_register(b, op);
	case OP_POLICY:
		return ops_policy(b, op);
	case OP_USAGE:
		return ops_usage(b, op);
	case OP_BATCH:
		return ops_batch(b, op);
	case OP_VOID:
		return ops_void(b, op);
	case OP_ISSUE:
		return ops_issue(b, op);
	case OP_SETTLE:
		return ops_settle(b, op);
	case OP_REDEEM:
		return ops_redeem(b, op);
	case OP_EXPIRE:
		return ops_expire(b, op);
	case OP_REVOKE:
		return ops_revoke(b, op);
	case OP_PAY:
		return ops_pay(b, op);
	case OP_PAYOUT:
		return ops_payout(b, op);
	case OP_REPAY:
		return ops_repay(b, op);
	case OP_AMEND:
		return ops_amend(b, op);
	case OP_SUSPEND:
	case OP_REINSTATE:
		return ops_suspend(b, op);
	case OP_REKEY:
		return ops_rekey(b, op);
	}
	return ops_refuse(&op->why, VD_EINVAL, "unknown operation type");
}

/* One operation in transaction t. */
static int run_op(struct ledger *l, struct ltx *t, struct ledger_op *op)
{
	struct book b = {t, ledger_policy(l), op->now};

	int rc;

	op->bad_index = SIZE_MAX; /* set by a BATCH's record at fault */
	/* only a registration needs no policy (vouchd init) */
	if (b.pol == NULL && op->type != OP_REGISTER)
		return ops_refuse(&op->why, VD_EINVAL, "no policy is loaded");
	/* judged here, in the writer: a write queued before a SUSPEND
	 * committed is refused after it */
	if (op->by[0] != '\0' && (rc = ops_suspended(&b, op->by)) != 0)
		return rc < 0 ? rc
		              : ops_refuse(&op->why, VD_EDENIED,
		                           "you are suspended");
	rc = dispatch(&b, op);
	/* every figure is a sum of amounts clients sent: one that would
	 * leave int64 is the request's fault (BADREQ), not the server's;
	 * what the operation wrote is undone as for any refusal */
	if (rc == VD_EOVERFLOW)
		rc = ops_refuse(&op->why, VD_EINVAL,
		                "a figure would pass the largest amount the "
		                "ledger holds (2^63 - 1 fen): an amount too "
		                "large");
	return rc;
}

/* One operation in a child transaction of top: undone alone if it fails. */
static int run_nested(struct ledger *l, struct ltx *top, struct ledger_op *op)
{
	struct ltx child;
	int rc;

	if ((rc = ltx_begin(l->st, top, 0, &child)) < 0)
		return rc;
	rc = run_op(l, &child, op);
	if (rc == 0)
		rc = ltx_commit(&child);
	else
		ltx_abort(&child);
	/* a child's failure must not poison the batch */
	top->err = 0;
	return rc;
}

/* Operations run straight in the group's transaction: a child
 * transaction per operation costs LMDB a copy of every page it touches
 * and a merge at its commit (measured: most of the time of a BATCH).
 * An operation that fails before it writes (struct ltx counts the writes
 * tried) leaves nothing to undo: a single USAGE's duplicate, CONFLICT,
 * CLOSED or unknown org is found before its first write. One that fails
 * after writing (a BATCH refused at line 500, an overflow) has left the
 * transaction dirty: it is aborted and the group runs again with that
 * operation in a child transaction, undone alone; such a refusal costs a
 * re-run of its group, nothing else. A full map undoes the whole group,
 * which runs again on a bigger map. */
int ledger_batchv(struct ledger *l, struct ledger_op *const *ops, size_t n)
{
	unsigned char small[64] = {0}, *nest = small;
	struct ltx top;
	int grown = 0, rc = 0, full, redo;
	size_t i;

	if (n > sizeof(small) && (nest = calloc(n, 1)) == NULL) {
		rc = VD_ENOMEM;
		goto out;
	}
	for (;;) {
		if ((rc = ltx_begin(l->st, NULL, 0, &top)) < 0)
			break;
		full = redo = 0;
		for (i = 0; i < n && !full && !redo; i++) {
			struct ledger_op *op = ops[i];
			unsigned long w = top.writes;
			op->rc = 0;
			op->why = NULL;
			op->seq = 0;
			op->bad_index = 0;
			if (nest[i]) {
				rc = run_nested(l, &top, op);
			} else {
				rc = run_op(l, &top, op);
				if (rc != 0 && rc != VD_ENOSPC &&
				    top.writes != w) {
					nest[i] = 1;
					redo = 1;
				}
				/* a refusal before any write: nothing to undo
				 */
				top.err = 0;
			}
			if (rc == VD_ENOSPC)
				full = 1;
			op->rc = rc;
		}
		if (redo) {
			ltx_abort(&top);
			continue;
		}
		if (!full) {
			rc = ltx_commit(&top);
			if (rc != VD_ENOSPC)
				break;
		} else {
			ltx_abort(&top);
		}
		if (++grown > 16) {
			rc = VD_ENOSPC;
			break;
		}
		if ((rc = store_grow(l->st)) < 0)
			break;
	}
	if (nest != small)
		free(nest);
out:
	/* nothing committed: no op applied, whatever its first run said */
	for (i = 0; rc < 0 && i < n; i++) {
		ops[i]->rc = rc;
		ops[i]->why = NULL;
	}
	return rc;
}

int ledger_batch(struct ledger *l, struct ledger_op *ops, size_t n)
{
	struct ledger_op *small[16] = {NULL}, **v = small;
	size_t i;
	int rc;

	if (n > 16 && (v = malloc(n * sizeof(*v))) == NULL) {
		for (i = 0; i < n; i++) {
			ops[i].rc = VD_ENOMEM;
			ops[i].why = NULL;
		}
		return VD_ENOMEM;
	}
	for (i = 0; i < n; i++)
		v[i] = &ops[i];
	rc = ledger_batchv(l, v, n);
	if (v != small)
		free(v);
	return rc;
}
