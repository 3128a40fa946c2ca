/* The ledger's write operations, run by ledger_batchv() (ledger.c).
 * Internal to ledger/.
 *
 * Each runs in the transaction of b (b->t), which ledger_batchv owns: the
 * group's transaction, or a child of it for an operation that failed
 * after writing in an earlier run of its group. An operation neither
 * commits nor aborts; it returns 0 with its results in op (status, seq,
 * amount, ... as ledger.h says for its type), or a negative VD_E* code.
 * On a code it may have written part of its changes: the caller undoes
 * them (ledger.c). b->t's writes count says whether it wrote at all.
 *
 * A refusal the client can cause (an unknown org, a settled period, over
 * what is owed...) sets op->why to a static reason at the place it is
 * decided, through ops_refuse; an internal failure (VD_EIO, VD_ENOMEM,
 * VD_EINTERNAL, VD_ENOSPC, an overflow) leaves it NULL. op->why is NULL
 * when an operation starts (ledger_batchv clears it). b->pol is not NULL,
 * except for ops_register, which does not use it. */
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
int ops_amend(struct book *b, struct ledger_op *op);
int ops_suspend(struct book *b, struct ledger_op *op); /* and reinstate */
int ops_rekey(struct book *b, struct ledger_op *op);
/* 1 if id is a suspended principal, 0 if not (or not registered), or a
 * negative code of a failed read. */
int ops_suspended(struct book *b, const char *id);
/* The same for the holder of voucher vid (0 for an unknown voucher). */
int ops_holder_suspended(struct book *b, const char *vid);
/* 0 if op carries no signing key or provider holds it; else VD_EBADSIG
 * (why set): signed with a key replaced by a REKEY. */
int ops_signed_by(struct book *b, struct ledger_op *op, const char *provider);
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
int ops_payout(struct book *b, struct ledger_op *op);
int ops_repay(struct book *b, struct ledger_op *op);

/* A voided record's redemptions undone (domain.md, "Redemptions against
 * a voided record"): each amount back to its voucher (cancelling its
 * clawback due first; to remaining if active or spent, else booked
 * expired or revoked as it left), the provider's receivable down by it
 * (owed may become negative), one "unredeem" entry each. */
int ops_unredeem_record(struct book *b, const char *provider,
                        const char *record);

/* What vouchers of every program redeemed against (provider, record) so
 * far (0 for none). */
int ops_record_redeemed(struct book *b, const char *provider,
                        const char *record, int64_t *sum);

/* A redemption of amount against (provider, record) lowers the net
 * basis of each program with basis = net the record counts for, unless
 * the period is frozen for it (ended more than late_days ago; an annual
 * program settled it): ops_net_lower lowers their rows' basis (an annual
 * row's earned so far with it), list (size bytes) gets their ids,
 * comma-separated ("" for none), and todo what ops_net_settle then
 * recomputes (immediate programs' groups: the excess off the vouchers'
 * remaining first, then clawback due, journaling what that takes back).
 * Two steps so that the redeem entry, which names the programs, comes
 * before the entries of the recomputation. */
struct ops_net {
	int prog[POLICY_MAX_PROGRAMS];
	int consumer[POLICY_MAX_PROGRAMS];
	size_t n;
	char org[STORE_ID + 1]; /* the record's org, project and period */
	char project[STORE_ID + 1];
	int32_t period;
};
int ops_net_lower(struct book *b, const char *provider, const char *record,
                  int64_t amount, char *list, size_t size,
                  struct ops_net *todo);
int ops_net_settle(struct book *b, const char *provider,
                   const struct ops_net *todo);

/* SETTLE's computation (domain.md, "Annual settlement"), shared by the
 * settlement and its preview (SETTLE dry=1, a read): for each
 * beneficiary (and project, for a per-project program) with a row of the
 * program for the period, in beneficiary then project order, what it is due
 * (its share of its group's entitlement above what the group was paid) and what
 * it would be paid (pro rata when the pools cannot pay the total). Refused (why
 * set) for an unknown program, one that is not annual, a period out of range,
 * or a settled period (CLOSED). On success the caller frees p with
 * ops_settle_plan_free. */
struct settle_ben {
	char ben[STORE_ID + 1];
	char proj[STORE_ID + 1]; /* the row's (book_row_project) */
};

struct settle_plan {
	int prog;
	size_t n;
	struct settle_ben *rows;
	int64_t *due, *paid;
	int64_t total;    /* T: the sum of due */
	int64_t cap;      /* R: what the pools can pay for the shares */
	int64_t left;     /* fen left in the pools by flooring */
	int64_t paid_sum; /* the sum of paid */
};

int ops_settle_plan(struct book *b, const char *program, int32_t period,
                    const char **why, struct settle_plan *p);
void ops_settle_plan_free(struct settle_plan *p);

/* 1 if (program, period) was settled, 0 if not, or a negative code of a
 * failed read. */
int ops_settled(struct book *b, const char *prog, int32_t period);

#endif
