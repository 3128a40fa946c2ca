/* Reads of the ledger. Each call runs in one read transaction, opened
 * and ended inside the call, and sees the last committed state (a write
 * committed before the call began is seen; ledger_balance reads its two
 * parts from that one snapshot); it may run while ledger_batch writes on
 * another thread. The calls that take a reader (rd) run in its
 * transaction, renewed for the call and reset at its end, instead of one
 * begun and freed for the call (rd NULL: so they do). The ledger keeps no
 * pointer the caller gave it but rd's, for the reader's life.
 *
 * Listings call fn once per row, in the order each function states; the
 * row (and every string in it) is valid during that call only: copy what
 * you keep. fn returns 0 to go on, 1 to stop (the call then returns 0),
 * or a negative code, which stops the listing and is returned. Other
 * returns: VD_EIO, VD_ENOMEM (LMDB's failures, translated) and
 * VD_EINTERNAL (a stored row of the wrong shape). */
#ifndef VD_READS_H
#define VD_READS_H

#include <stddef.h>
#include <stdint.h>

#include "ledger.h"
#include "pools.h" /* the pools' figures */

enum { LEDGER_V_ACTIVE, LEDGER_V_SPENT, LEDGER_V_EXPIRED, LEDGER_V_REVOKED };

struct ledger_voucher {
	char id[LEDGER_ID + 1];
	char program[LEDGER_ID + 1];
	char beneficiary[LEDGER_ID + 1];
	int32_t period;
	int64_t granted, redeemed, expired, revoked, remaining, expires_at;
	int status; /* LEDGER_V_* */
	int pays;   /* enum policy_pays; expires_at 0 for cash: never */
	int64_t paid_out, clawback_due, recovered;
	char project[LEDGER_ID + 1]; /* a per-project program's; else "" */
};

struct ledger_accrual {
	char program[LEDGER_ID + 1];
	char beneficiary[LEDGER_ID + 1];
	int32_t period;
	int64_t basis, earned, granted, unfunded;
	char project[LEDGER_ID + 1]; /* a per-project program's; else "" */
};

struct ledger_recinfo {
	char provider[LEDGER_ID + 1];
	char id[LEDGER_ID + 1];
	char org[LEDGER_ID + 1];
	int64_t at, amount, qty;
	char unit[33];
	int kind;
	char klass[33];
	char project[LEDGER_ID + 1]; /* "": none (the unnamed project) */
	int voided;
	int excluded; /* accepted while its org was suspended */
};

struct ledger_receivable {
	char provider[LEDGER_ID + 1];
	int64_t redeemed, paid, owed;
};

/* A reader: a read transaction one thread keeps for its life and renews
 * for each read it passes rd to, with the cursors its reads opened: no
 * allocation per read once each table it reads has been read once (the
 * daemon's loop thread keeps one for BALANCE, ACCRUAL and RECORDS).
 * Between reads it holds no snapshot and no lock: a growing map waits for
 * a read in it only while the read runs. ledger_reader_new allocates it
 * (no transaction yet: VD_ENOMEM or 0); it belongs to the thread of its
 * first read, which must make every read with it and free it
 * (ledger_reader_free; rd may be NULL), before ledger_close. A reader
 * serves one read at a time: a read passed rd from inside another read's
 * callback fails with VD_EINTERNAL. */
struct ledger_reader;
int ledger_reader_new(struct ledger *l, struct ledger_reader **out);
void ledger_reader_free(struct ledger_reader *rd);

typedef int (*ledger_voucher_fn)(void *arg, const struct ledger_voucher *v);
typedef int (*ledger_accrual_fn)(void *arg, const struct ledger_accrual *a);
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
	char region[REGION_MAX + 1]; /* "" for none */
	int suspended;
};

/* A principal by id into *p; VD_ENOENT if not registered. */
int ledger_principal(struct ledger *l, const char *id,
                     struct ledger_principal *p);

/* A voucher by id into *v; VD_ENOENT if there is none. */
int ledger_voucher(struct ledger *l, const char *id, struct ledger_voucher *v);

/* One record by (provider, id) into *r; VD_ENOENT if absent. */
int ledger_record(struct ledger *l, const char *provider, const char *id,
                  struct ledger_recinfo *r);

/* Vouchers of ben (NULL: everyone's), of period (0: every period), in
 * voucher id order. */
int ledger_vouchers(struct ledger *l, const char *ben, int32_t period,
                    ledger_voucher_fn fn, void *arg);

/* Accrual rows of ben (NULL: all), period (0: all), in (beneficiary,
 * program, project, period) order; in rd's transaction when rd is not
 * NULL. */
int ledger_accruals(struct ledger *l, struct ledger_reader *rd, const char *ben,
                    int32_t period, ledger_accrual_fn fn, void *arg);

/* Usage records, at most limit of them (0: 100), of period (0: every
 * period), in rd's transaction when rd is not NULL:
 * - org given: the org's records in arrival order (by period, then
 *   journal seq), those of provider only when provider is not NULL;
 * - else provider given: the provider's records in id order;
 * - else every record, in (provider, id) order.
 * after is the cursor of the last row seen, "provider/id" (NULL or "":
 * from the start); the listing resumes after that record. With provider
 * given and a cursor of another provider (no listing of this one gives
 * it), the listing is taken as resuming in (provider, id) order: from
 * its first record when the cursor's provider sorts before it, nothing
 * when after (schema 6 answered nothing either way). next (nextlen
 * bytes; 2 * LEDGER_ID + 2 hold any cursor) gets the cursor of the last
 * row listed when more rows follow, else ""; after may be next itself
 * (it is read before next is written).
 *
 * A cursor that is not "provider/id" (or, for an org's listing, names no
 * record) is refused with VD_EINVAL and, if why is not NULL, *why set to
 * a static English reason (set to NULL otherwise, and on success). */
int ledger_records(struct ledger *l, struct ledger_reader *rd, const char *org,
                   const char *provider, int32_t period, const char *after,
                   size_t limit, ledger_record_fn fn, void *arg, char *next,
                   size_t nextlen, const char **why);

/* What the bureau owes each provider that redeemed something (provider
 * given: that one only), in provider id order. */
int ledger_receivables(struct ledger *l, const char *provider,
                       ledger_receivable_fn fn, void *arg);

/* The clawback ben owes back (0 if none) into *due. */
int ledger_clawback(struct ledger *l, const char *ben, int64_t *due);

/* BALANCE: ben's vouchers (everyone's when NULL) of period (0: every
 * period), in voucher id order, and ben's clawback due over all its
 * vouchers, of every period (0 when ben is NULL), read from one snapshot
 * so the two agree (one walk of ben's vouchers gives both); in rd's
 * transaction when rd is not NULL. fn returning 1 stops the listing, not
 * the sum. */
int ledger_balance(struct ledger *l, struct ledger_reader *rd, const char *ben,
                   int32_t period, ledger_voucher_fn fn, void *arg,
                   int64_t *due);

/* Journal entries after seq `after`, in seq order, at most limit of them
 * (0: all); bytes (len bytes, not terminated) and hash as journal.h
 * describes them. */
int ledger_journal(struct ledger *l, uint64_t after, size_t limit,
                   ledger_entry_fn fn, void *arg);

/* LINES: the signed message of the BATCH whose journal entry is seq (its
 * record lines as sent, DB_BATCHES), one line at a time: fn gets the
 * lines after the first `after`, at most limit of them (0: all), each
 * with its number from 1 and its bytes without the LF (valid during the
 * call only). *more is set to 1 when lines follow the last one given,
 * else 0. VD_ENOENT when seq is not a batch entry. fn returns 0 to go
 * on. */
typedef int (*ledger_line_fn)(void *arg, uint64_t i, const char *line,
                              size_t len);
int ledger_batch_lines(struct ledger *l, uint64_t seq, uint64_t after,
                       size_t limit, ledger_line_fn fn, void *arg, int *more);

/* SETTLE dry=1: the settlement of program for period computed as SETTLE
 * would at now, nothing written. fn gets each beneficiary (with the
 * project of the row: "" for a per-beneficiary program) with a row of the
 * program for the period (earned 0 included), in beneficiary then project
 * order: what it is due and would be paid; *total is T (their sum of due), *cap
 * R (what the pools can pay), *paid the sum of paid. Allowed before the
 * period ends. Refused like SETTLE, with *why set: VD_ENOENT (unknown
 * program), VD_EINVAL (not annual, period out of range), VD_ECLOSED
 * (settled already). fn returns 0 to go on. */
typedef int (*ledger_settle_fn)(void *arg, const char *beneficiary,
                                const char *project, int64_t due, int64_t paid);
int ledger_settle_preview(struct ledger *l, const char *program, int32_t period,
                          int64_t now, ledger_settle_fn fn, void *arg,
                          int64_t *total, int64_t *cap, int64_t *paid,
                          const char **why);

/* The journal's last seq and hash (0 and zeros while it is empty). */
int ledger_head(struct ledger *l, uint64_t *seq, uint8_t hash[32]);

/* The policy last loaded into the ledger (OP_POLICY), rebuilt from its
 * stored source into *out, which the caller frees with policy_free.
 * VD_ENOENT if none was ever loaded; the codes of policy_load_blob
 * (errs as it fills them; may be NULL) if the source no longer loads.
 * *out is NULL on any failure. */
int ledger_stored_policy(struct ledger *l, struct policy **out,
                         struct policy_errors *errs);

/* The bytes a checkpoint signs: "vouchd-checkpoint-v1 seq=S hash=H
 * time=T" (protocol.md), for the journal head at time t, into buf
 * (terminated), and the head into *seq and hash. Returns the length;
 * VD_ELIMIT if it does not fit in size bytes (160 always do). */
int ledger_checkpoint_message(struct ledger *l, int64_t t, char *buf,
                              size_t size, uint64_t *seq, uint8_t hash[32]);

#endif
