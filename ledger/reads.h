/* Reads of the ledger, each in its own read transaction. Callbacks get
 * rows valid during the call only; a callback returns 0 to go on, 1 to
 * stop, or a negative code to stop with that error. */
#ifndef VD_READS_H
#define VD_READS_H

#include <stddef.h>
#include <stdint.h>

#include "ledger.h"

enum { LEDGER_V_ACTIVE, LEDGER_V_SPENT, LEDGER_V_EXPIRED, LEDGER_V_REVOKED };

struct ledger_voucher {
	char id[LEDGER_ID + 1];
	char program[LEDGER_ID + 1];
	char beneficiary[LEDGER_ID + 1];
	int32_t period;
	int64_t granted, redeemed, expired, revoked, remaining, expires_at;
	int status; /* LEDGER_V_* */
};

struct ledger_accrual {
	char program[LEDGER_ID + 1];
	char beneficiary[LEDGER_ID + 1];
	int32_t period;
	int64_t basis, earned, granted, unfunded;
};

struct ledger_pool {
	char pool[LEDGER_ID + 1];
	int32_t period;
	int64_t budget, granted, redeemed, expired, revoked, remaining,
	    unfunded;
};

struct ledger_recinfo {
	char provider[LEDGER_ID + 1];
	char id[LEDGER_ID + 1];
	char org[LEDGER_ID + 1];
	int64_t at, amount, qty;
	char unit[33];
	int kind;
	char klass[33];
	int voided;
};

struct ledger_receivable {
	char provider[LEDGER_ID + 1];
	int64_t redeemed, paid, owed;
};

typedef int (*ledger_voucher_fn)(void *arg, const struct ledger_voucher *v);
typedef int (*ledger_accrual_fn)(void *arg, const struct ledger_accrual *a);
typedef int (*ledger_pool_fn)(void *arg, const struct ledger_pool *p);
typedef int (*ledger_record_fn)(void *arg, const struct ledger_recinfo *r);
typedef int (*ledger_receivable_fn)(void *arg,
                                    const struct ledger_receivable *r);
typedef int (*ledger_entry_fn)(void *arg, uint64_t seq, const char *bytes,
                               size_t len, const uint8_t hash[32]);

const char *ledger_voucher_status(int status);

struct ledger_principal {
	int role; /* enum role */
	uint8_t key[32];
	char kind[33];
	int local;
};

/* A principal by id; VD_ENOENT if not registered. */
int ledger_principal(struct ledger *l, const char *id,
                     struct ledger_principal *p);

int ledger_voucher(struct ledger *l, const char *id, struct ledger_voucher *v);

/* One record by (provider, id); VD_ENOENT if absent. */
int ledger_record(struct ledger *l, const char *provider, const char *id,
                  struct ledger_recinfo *r);

/* Vouchers of ben (NULL: everyone's), of period (0: every period). */
int ledger_vouchers(struct ledger *l, const char *ben, int32_t period,
                    ledger_voucher_fn fn, void *arg);

/* Accrual rows of ben (NULL: all), period (0: all). */
int ledger_accruals(struct ledger *l, const char *ben, int32_t period,
                    ledger_accrual_fn fn, void *arg);

/* Records by org (and period), or by provider, or all; after is the
 * cursor of the last row seen ("" from the start); at most limit rows;
 * next gets the cursor to pass back ("" when no rows follow). Cursors are
 * "provider/id". */
int ledger_records(struct ledger *l, const char *org, const char *provider,
                   int32_t period, const char *after, size_t limit,
                   ledger_record_fn fn, void *arg, char *next, size_t nextlen);

/* Pool figures per pool (NULL: all) and period (0: every period with
 * activity), budget from the policy in force. */
int ledger_pools(struct ledger *l, const char *pool, int32_t period,
                 ledger_pool_fn fn, void *arg);

int ledger_receivables(struct ledger *l, const char *provider,
                       ledger_receivable_fn fn, void *arg);

int ledger_clawback(struct ledger *l, const char *ben, int64_t *due);

/* BALANCE: ben's vouchers (everyone's when NULL) and ben's clawback due
 * (0 when NULL), read from one snapshot so the two agree. */
int ledger_balance(struct ledger *l, const char *ben, int32_t period,
                   ledger_voucher_fn fn, void *arg, int64_t *due);

int ledger_journal(struct ledger *l, uint64_t after, size_t limit,
                   ledger_entry_fn fn, void *arg);

int ledger_head(struct ledger *l, uint64_t *seq, uint8_t hash[32]);

/* The policy last loaded into the ledger (OP_POLICY), rebuilt from its
 * stored source: VD_ENOENT if none was ever loaded. The caller frees it. */
int ledger_stored_policy(struct ledger *l, struct policy **out,
                         struct policy_errors *errs);

/* The bytes a checkpoint signs: "vouchd-checkpoint-v1 seq=S hash=H
 * time=T" (protocol.md), for the journal head at time t. Returns the
 * length; buf needs 160 bytes. */
int ledger_checkpoint_message(struct ledger *l, int64_t t, char *buf,
                              size_t size, uint64_t *seq, uint8_t hash[32]);

#endif
