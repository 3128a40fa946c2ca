/* The ledger: usage, vouchers, settlement and journal on the LMDB store.
 *
 * Writes go through ledger_batch(): many operations in one LMDB write
 * transaction, each in a nested transaction of its own so that a failed
 * operation leaves no trace while the others apply, committed with sync
 * once (the daemon's group commit). When the map fills, the batch is
 * undone, the map doubled and the batch run again. Every change is
 * journaled in the same transaction.
 *
 * The ledger holds a pointer to the policy in force; the caller keeps the
 * policy alive while the ledger may use it (ledger_set_policy to swap).
 * One writer at a time: ledger_batch must not run concurrently with
 * itself. Reads take their own read transaction. */
#ifndef VD_LEDGER_H
#define VD_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "kind.h"
#include "policy.h"
#include "role.h"

#define LEDGER_ID 64
#define LEDGER_VID 24
#define LEDGER_TEXT 1024

enum ledger_op_type {
	OP_REGISTER,
	OP_POLICY,
	OP_USAGE,
	OP_BATCH,
	OP_VOID,
	OP_ISSUE,
	OP_SETTLE,
	OP_REDEEM,
	OP_EXPIRE,
	OP_REVOKE,
	OP_PAY
};

/* A usage record as the ledger takes it. line is the signed line as
 * sent (for USAGE: the bytes before " sig="), stored so that an auditor can
 * re-verify the signature years later. Pointers are read during the call
 * only. */
struct ledger_record {
	char provider[LEDGER_ID + 1];
	char id[LEDGER_ID + 1];
	char org[LEDGER_ID + 1];
	int64_t at, amount, qty;
	char unit[33];
	int kind; /* enum usage_kind */
	char klass[33];
	const char *line;
	size_t line_len;
	uint8_t sig[64];
};

enum ledger_status {
	LEDGER_ACCEPTED = 0,
	LEDGER_DUPLICATE = 1,
	LEDGER_VOIDED = 2
};

struct ledger_op {
	enum ledger_op_type type;
	int64_t now; /* the time the operation happens (Unix seconds) */
	union {
		struct {
			char id[LEDGER_ID + 1];
			enum role role;
			uint8_t key[32];
			char kind[33];
			int local;
		} reg;
		struct ledger_record usage;
		struct {
			/* records and the lines they came in; the batch's
			 * signature covers lines */
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
			const char *line;
			size_t line_len;
			uint8_t sig[64];
		} void_;
		struct {
			char program[LEDGER_ID + 1];
			char org[LEDGER_ID + 1];
			int64_t need, asked; /* asked < 0: not limited */
			char ref[LEDGER_ID + 1];
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
	} u;
	/* results */
	int rc;                     /* 0 or a VD_E* code */
	enum ledger_status status;  /* USAGE, VOID, REGISTER */
	uint64_t seq;               /* journal seq of the op's last entry */
	size_t bad_index;           /* BATCH: the record at fault */
	size_t accepted, duplicate; /* BATCH */
	int64_t amount;             /* ISSUE: granted now; REDEEM: redeemed;
	                               PAY: paid in all; SETTLE: paid out;
	                               EXPIRE: vouchers expired */
	int64_t remaining;          /* REDEEM: voucher remaining; PAY: owed */
	char voucher[LEDGER_VID];   /* ISSUE: the voucher topped up */
};

struct ledger;

/* Open the store in dir (create: make it if absent). err gets a message
 * for people on failure. */
int ledger_open(const char *dir, int create, size_t map_size,
                struct ledger **out, char *err, size_t errlen);
void ledger_close(struct ledger *l);
void ledger_set_policy(struct ledger *l, const struct policy *p);
size_t ledger_map_size(const struct ledger *l);

/* Run the operations in one committed, synced transaction; each op's rc
 * says whether it applied. Returns 0, or a negative code if the commit
 * itself failed (then nothing applied). */
int ledger_batch(struct ledger *l, struct ledger_op *ops, size_t n);

/* The same over pointers to operations kept elsewhere (group commit). */
int ledger_batchv(struct ledger *l, struct ledger_op *const *ops, size_t n);

/* For ledger/ internals (reads, check): the store and policy in use. */
struct store *ledger_store(struct ledger *l);
const struct policy *ledger_policy(const struct ledger *l);

#endif
