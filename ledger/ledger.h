/* The ledger: usage, vouchers, settlement and journal on the LMDB store.
 *
 * Writes go through ledger_batch() / ledger_batchv(): a group of
 * operations runs in one LMDB write transaction that is committed, and
 * synced to disk, once. Each operation either applies whole or leaves no
 * trace, and a refused operation does not stop the others of its group:
 * operations run straight in the group's transaction; one refused before
 * it wrote anything is simply skipped, one that fails after writing (a
 * BATCH refused at a late record) makes the group run again from the
 * start with that operation alone in a child transaction, undone on its
 * own. When the map fills, the group is undone, the map doubled and the
 * group run again. Every change is journaled in the transaction that
 * makes it.
 *
 * Threads: one writer. ledger_batch, ledger_batchv and ledger_set_policy
 * must not run concurrently with each other; reads (reads.h, check.h)
 * may run beside them on other threads, each in a read transaction of
 * its own (or of the thread's reader, renewed for it: reads.h), and see
 * the last committed state and the policy set before or after a
 * concurrent ledger_set_policy, whole. A write that grows the map waits
 * for the reads running at that moment to end (a reader between reads
 * holds nothing: it is not waited for).
 *
 * The int functions return 0 or a negative VD_E* code (err.h). */
#ifndef VD_LEDGER_H
#define VD_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "kind.h"
#include "policy.h"
#include "region.h"
#include "role.h"

#define LEDGER_ID 64
#define LEDGER_VID 24
#define LEDGER_TEXT 1024

enum ledger_op_type {
	OP_REGISTER,
	/* record the policy set with ledger_set_policy as the one in force
	 * (its source, a "policy" journal entry); status DUPLICATE and
	 * nothing written when the store already records that policy. A
	 * policy that would remove a pool or program the store refers to, or
	 * change a period's fixed budget when the period is closed (ended
	 * more than late_days ago, or settled by an annual program of the
	 * pool) or below what it has committed, or change the pools or
	 * shares of a program that has granted (or left unfunded) anything,
	 * or the basis (amount, net, quantity) of a program with rows,
	 * is refused (VD_EPOLICY, why naming the file and line, or what would
	 * be removed); an accepted change of a fixed budget is a "budget"
	 * entry with was= (domain.md, "Budgets per period").
	 * u.policy.prev: the policy running before (its late_days and
	 * programs judge the new one), or NULL at a start: then the policy
	 * the store last recorded judges. */
	OP_POLICY,
	OP_USAGE,
	OP_BATCH,
	OP_VOID,
	OP_ISSUE,
	OP_SETTLE,
	OP_REDEEM,
	OP_EXPIRE,
	OP_REVOKE,
	OP_PAY,
	/* the bureau pays out a cash entitlement (u.payout) */
	OP_PAYOUT,
	/* the holder repaid part of a voucher's clawback due (u.payout) */
	OP_REPAY,
	/* the bureau changes an org's kind or a principal's region or local
	 * flag (u.amend; seq 0 when nothing changed): records accepted
	 * afterwards see the new attributes. VD_ENOENT for an unknown id,
	 * VD_EINVAL for kind on a non-org or local on a non-provider. */
	OP_AMEND,
	/* the bureau suspends (失信) or reinstates a principal (u.suspend):
	 * idempotent (status says the principal's status; seq 0 when it was
	 * so already); VD_EDENIED when by names the principal itself.
	 * While suspended: records accepted for an org count for none of
	 * its programs (RECORDS: excluded), never; its vouchers are neither
	 * redeemed nor paid out, nor ISSUEd to; a provider's USAGE, BATCH,
	 * VOID and REDEEM are VD_EDENIED. */
	OP_SUSPEND,
	OP_REINSTATE,
	/* the bureau gives a principal a new public key (u.rekey): AUTH and
	 * signatures from this journal seq on use it; the "rekey" entry keeps
	 * it with its seq (the register entry holds the first). seq 0 when
	 * it is the key already; VD_ENOENT for an unknown id. */
	OP_REKEY
};

/* A usage record as the ledger takes it. line is the signed line as
 * sent (for USAGE: the bytes before " sig="; for a record of a BATCH:
 * its line without the LF), kept so that an auditor can re-verify the
 * signature years later: the record's usage entry carries it (line=,
 * percent-encoded as journal_text does), a USAGE's with its sig=, a
 * batch record's with batch=<the batch entry's seq> instead (the batch
 * entry binds the batch's signature and lines). The record's row keeps
 * a USAGE's line and signature too; a record of a BATCH keeps where its
 * line is in the batch's lines (stored once, DB_BATCHES), found when
 * line points into op->u.batch.lines (recrow.h). line_len 0: no line
 * (nothing journaled for it). canonical 1: the caller found line to be
 * exactly the canonical form of the record's fields (proto/record.h's
 * record_format; the daemon checks it, the ledger cannot): the usage
 * entry then carries no line=, an auditor rebuilds it from the entry's
 * fields (docs/protocol.md), and a wrong 1 leaves a signature that no
 * longer verifies in the audit. The ledger reads line during
 * ledger_batch only and keeps no pointer. */
struct ledger_record {
	char provider[LEDGER_ID + 1];
	char id[LEDGER_ID + 1];
	char org[LEDGER_ID + 1];
	int64_t at, amount, qty;
	char unit[33];
	int kind; /* enum usage_kind */
	char klass[33];
	char project[LEDGER_ID + 1]; /* "": the unnamed project, '-' */
	const char *line;
	size_t line_len;
	int canonical;
	uint8_t sig[64];
};

enum ledger_status {
	LEDGER_ACCEPTED = 0,
	LEDGER_DUPLICATE = 1,
	LEDGER_VOIDED = 2,
	LEDGER_SUSPENDED = 3, /* SUSPEND, REINSTATE: the principal's status */
	LEDGER_ACTIVE = 4
};

/* One write operation: the caller fills type, now and the member of u
 * for type; ledger_batch fills the results. Pointers in u are read during
 * ledger_batch only. */
struct ledger_op {
	enum ledger_op_type type;
	int64_t now; /* the time the operation happens (Unix seconds) */
	/* the principal asking ("": a local administrator, or the daemon
	 * itself): a suspended one's operation is refused (VD_EDENIED) */
	char by[LEDGER_ID + 1];
	/* USAGE, BATCH, a provider's VOID: the key their signature was
	 * verified with (all zero: not checked). A key the provider no
	 * longer holds (a REKEY committed in between) is VD_EBADSIG. */
	uint8_t key[32];
	union {
		struct {
			char id[LEDGER_ID + 1];
			enum role role;
			uint8_t key[32];
			char kind[33];
			int local;
			char region[REGION_MAX + 1]; /* "" for none */
		} reg;
		struct ledger_record usage;
		struct {
			/* records and the lines they came in; the batch's
			 * signature covers lines. The "batch" entry carries
			 * sig= and lines_sha256= (chain_digest of lines);
			 * lines go to DB_BATCHES (ledger_batch_lines) */
			const struct ledger_record *recs;
			size_t n;
			const char *lines;
			size_t lines_len;
			uint8_t sig[64];
		} batch;
		struct {
			char provider[LEDGER_ID + 1];
			char id[LEDGER_ID + 1];
			int64_t at;
			char reason[LEDGER_TEXT + 1];
			/* a provider's signed bytes (before " sig="), which
			 * its "void" entry carries with sig=; an entry that
			 * cannot hold them (a long non-ASCII reason) is
			 * refused, VD_ELIMIT, nothing written */
			const char *line;
			size_t line_len;
			uint8_t sig[64];
			/* the bureau's VOID: no signature, no at */
			int by_bureau;
		} void_;
		struct {
			char program[LEDGER_ID + 1];
			char org[LEDGER_ID + 1];
			int64_t need, asked; /* asked < 0: not limited */
			char ref[LEDGER_ID + 1];
			char project[LEDGER_ID + 1]; /* "": none */
		} issue;
		struct {
			char program[LEDGER_ID + 1];
			int32_t period;
			int force;
		} settle;
		struct {
			char provider[LEDGER_ID + 1];
			char voucher[LEDGER_ID + 1];
			char record[LEDGER_ID + 1];
			int64_t amount;
			char ref[LEDGER_ID + 1];
		} redeem;
		struct {
			char voucher[LEDGER_ID + 1];
			char reason[LEDGER_TEXT + 1];
		} revoke;
		struct {
			char provider[LEDGER_ID + 1];
			int64_t amount;
			char ref[LEDGER_ID + 1];
		} pay;
		struct {
			char voucher[LEDGER_ID + 1];
			int64_t amount;
			char ref[LEDGER_ID + 1];
		} payout; /* PAYOUT and REPAY */
		struct {
			const struct policy *prev;
		} policy;
		struct {
			char id[LEDGER_ID + 1];
			char kind[33];               /* "": unchanged */
			char region[REGION_MAX + 1]; /* "": unchanged */
			int local;                   /* -1: unchanged */
		} amend;
		struct {
			char id[LEDGER_ID + 1];
			char by[LEDGER_ID + 1]; /* who asks */
			char reason[LEDGER_TEXT + 1];
		} suspend; /* SUSPEND and REINSTATE */
		struct {
			char id[LEDGER_ID + 1];
			uint8_t key[32];
		} rekey;
	} u;
	/* results, all set by ledger_batch (what a caller put there is
	 * overwritten) */
	int rc; /* 0: applied; or the VD_E* code it was refused with (nothing
	           of it applied) */
	/* rc < 0: a static English reason, set where the ledger refused the
	 * operation (lower case, no trailing period, never bytes of the
	 * request); NULL when err_str(rc) says it all (an internal failure,
	 * an overflow). Valid for the life of the program, or (a refused
	 * policy, which names its file and line) for the life of op: it then
	 * points into why_buf. */
	const char *why;
	char why_buf[300];
	enum ledger_status status;  /* USAGE, VOID, REGISTER, POLICY, ISSUE,
	                               SUSPEND, REINSTATE */
	uint64_t seq;               /* journal seq of the op's last entry */
	size_t bad_index;           /* BATCH refused: the record at fault
	                               (0-based); why is that record's;
	                               SIZE_MAX when the refusal is the
	                               batch's as a whole */
	size_t accepted, duplicate; /* BATCH */
	int64_t amount;             /* ISSUE: granted now; REDEEM: redeemed;
	                               PAY: paid in all; SETTLE: paid out;
	                               EXPIRE: vouchers expired; PAYOUT: the
	                               voucher's paid_out; REPAY: its
	                               clawback_due */
	int64_t remaining;          /* REDEEM, PAYOUT: voucher remaining;
	                               PAY: owed; ISSUE, SETTLE: unfunded;
	                               REVOKE: the voucher's clawback_due */
	char voucher[LEDGER_VID];   /* ISSUE: the voucher topped up */
};

struct ledger;

/* Open the store in directory dir (create != 0: make the directory and an
 * empty store if absent) with a map of map_size bytes (0: 64 MiB; it
 * grows on demand). On success *out is a handle the caller releases with
 * ledger_close. On failure *out is NULL, err (errlen bytes, always
 * terminated) says what for people, and the code is VD_ENOENT (no store
 * and !create), VD_EINVAL (not a vouchd store, or another schema
 * version), VD_ENOMEM, or VD_EIO (or another code LMDB's failure
 * translates to). The handle has no policy yet. */
int ledger_open(const char *dir, int create, size_t map_size,
                struct ledger **out, char *err, size_t errlen);
/* Close the store; l may be NULL. No read or write may be running, and
 * every reader of l must have been freed (ledger_reader_free). */
void ledger_close(struct ledger *l);
/* The policy operations use from now on (NULL: none). The ledger keeps
 * the pointer, not a copy: the caller keeps p alive and unchanged until
 * another ledger_set_policy or ledger_close, and then until no read that
 * began before can still be using it. On the writer's thread, not
 * during ledger_batch; reads on other threads may run meanwhile. */
void ledger_set_policy(struct ledger *l, const struct policy *p);
/* The map size in bytes now (it doubles when a write fills it). */
size_t ledger_map_size(const struct ledger *l);

/* Run the n operations in order in one write transaction, committed and
 * synced before it returns. Operations see the changes of the ones
 * before them. For each op: rc 0 and the results if it applied; rc < 0
 * if it was refused or failed (why and, for a BATCH, bad_index say
 * more), in which case nothing of it is in the store and the others are
 * unaffected. Without a policy every operation but OP_REGISTER is
 * refused (VD_EINVAL).
 *
 * Returns 0 when the transaction committed (some ops may still have been
 * refused: look at each rc). Returns a negative code when nothing was
 * committed: VD_ENOSPC (the map could not grow enough, after 16
 * doublings), VD_EIO, VD_ENOMEM, or the commit's own failure; every op's
 * rc is then that code and its why NULL. The ops stay the caller's; the
 * ledger keeps no pointer to them. */
int ledger_batch(struct ledger *l, struct ledger_op *ops, size_t n);

/* The same over pointers to operations kept elsewhere (the daemon's group
 * commit). */
int ledger_batchv(struct ledger *l, struct ledger_op *const *ops, size_t n);

/* For ledger/ internals (reads, check): the store and the policy in use
 * (NULL if none); owned by the ledger. */
struct store *ledger_store(struct ledger *l);
const struct policy *ledger_policy(const struct ledger *l);
/* The read transaction of one read (reads.h): rd's, renewed (rd not
 * NULL), or one of its own; end it with ltx_abort. */
struct ledger_reader;
struct ltx;
int ledger_read_begin(struct ledger *l, struct ledger_reader *rd,
                      struct ltx *t);

#endif
