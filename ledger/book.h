/* Bookkeeping in one transaction: the stored rows and the moves between
 * them (grants, reductions, pool figures), shared by the ledger's
 * operations, and the row lookups the reads use. Internal to ledger/: the
 * public API is ledger.h.
 *
 * Rows are stored as these structs (LMDB files are not portable across
 * byte orders anyway); keys are big-endian (store.h). Every change of a
 * voucher, or of a pool's granted, redeemed, expired or revoked figure,
 * goes with a journal entry in the same transaction (written here or by
 * the operation calling), so that ledger_check can rebuild the figures
 * from the journal; the pools' unfunded figures follow the accrual rows
 * (book_set_unfunded) and are not journaled.
 *
 * Each function returns 0 or a negative code: a failure of the store
 * (VD_EIO, VD_ENOSPC, ... as store.h says), VD_EOVERFLOW for a sum that
 * would leave int64, VD_EINTERNAL for a stored row of the wrong shape;
 * VD_ENOENT only where a function says so. None refuses for a client's
 * reason: the operations decide those (ops.h). Rows are copied into the
 * caller's structs. */
#ifndef VD_BOOK_H
#define VD_BOOK_H

#include <stdint.h>

#include "journal.h"
#include "pno.h"
#include "policy.h"
#include "recrow.h"
#include "region.h"
#include "store.h"

#define BOOK_VID 24 /* voucher ids: "V" and 12 digits */

/* Schema 5: region and status. */
struct principal_row {
	uint8_t role; /* enum role */
	uint8_t local;
	char kind[33];
	uint8_t key[32];
	uint64_t seq;
	char region[REGION_MAX + 1]; /* "" for none: within no region */
	uint8_t status;              /* P_ACTIVE, P_SUSPENDED */
};

enum { P_ACTIVE = 0, P_SUSPENDED = 1 };

/* Schemas 3 and 4: what `vouchd upgrade` reads. */
struct principal_row_v4 {
	uint8_t role;
	uint8_t local;
	char kind[33];
	uint8_t key[32];
	uint64_t seq;
};

/* EXCLUDED: accepted while its org was suspended: it counts for none of
 * the org's programs, ever (its provider's programs as usual) */
enum { REC_COUNTED = 0, REC_VOIDED = 1, REC_EXCLUDED = 2 };

/* Record rows are encoded in recrow.h's layout (schema 7). Schema 6's
 * row, which `vouchd upgrade` reads: followed by line_len bytes of the
 * signed line and counts_len bytes of the programs it counted for
 * ("c:prog,p:prog": c credits the consumer org, p the provider) */
struct rec_row_v6 {
	char org[65];
	int64_t at, amount, qty;
	char unit[33];
	char klass[33];
	uint8_t kind, status;
	uint8_t sig[64];
	uint64_t seq;
	uint32_t line_len, counts_len;
	char batch[65];   /* "" or, in decimal, the journal seq of its batch's
	                     entry: with the provider, its DB_BATCHES key */
	char project[65]; /* "": none (the unnamed project, "-") */
};

/* Schemas 3 to 5: what `vouchd upgrade` reads. */
struct rec_row_v5 {
	char org[65];
	int64_t at, amount, qty;
	char unit[33];
	char klass[33];
	uint8_t kind, status;
	uint8_t sig[64];
	uint64_t seq;
	uint32_t line_len, counts_len;
	char batch[65];
};

struct acc_row {
	int64_t basis;    /* counted basis in this period (grant: needs) */
	int64_t earned;   /* last computed earned (grant: applications) */
	int64_t granted;  /* net granted by the program in this period */
	int64_t unfunded; /* shortfall of the last grant attempt */
	char voucher[BOOK_VID];
};

enum { V_ACTIVE = 0, V_SPENT = 1, V_EXPIRED = 2, V_REVOKED = 3 };

/* Schema 6 (project). remaining = granted - redeemed - paid_out -
 * expired - revoked (book_remaining). clawback_due is what the holder
 * owes back of what left through this voucher (redeemed or paid out)
 * after a revoke or a void; recovered, what was repaid of it. */
struct voucher_row {
	char program[65];
	char beneficiary[65];
	int32_t period;
	int64_t granted, redeemed, expired, revoked;
	int64_t expires_at; /* 0: never (a cash entitlement) */
	uint8_t status;
	uint8_t pays; /* enum policy_pays */
	int64_t paid_out, clawback_due, recovered;
	char project[65]; /* its accrual row's (book_row_project) */
};

/* Schemas 4 and 5: what `vouchd upgrade` reads. */
struct voucher_row_v5 {
	char program[65];
	char beneficiary[65];
	int32_t period;
	int64_t granted, redeemed, expired, revoked;
	int64_t expires_at;
	uint8_t status;
	uint8_t pays;
	int64_t paid_out, clawback_due, recovered;
};

/* Schema 4: budget is the period's, fixed (and journaled) at its first
 * draw; before that (fixed 0) the policy's applies. */
struct pool_row {
	int64_t granted, redeemed, expired, revoked, unfunded;
	int64_t paid_out, recovered;
	int64_t budget;
	uint8_t fixed;
};

/* The schema 3 rows, which `vouchd upgrade` reads. */
struct voucher_row_v3 {
	char program[65];
	char beneficiary[65];
	int32_t period;
	int64_t granted, redeemed, expired, revoked;
	int64_t expires_at;
	uint8_t status;
};

struct pool_row_v3 {
	int64_t granted, redeemed, expired, revoked, unfunded;
};

/* What is left to redeem or pay out. */
int64_t book_remaining(const struct voucher_row *v);

/* What the functions work in: the caller's transaction (read-only for
 * the lookups only), the policy in force (may be NULL for the lookups of
 * principals, vouchers and clawbacks) and the operation's time. */
struct book {
	struct ltx *t;
	const struct policy *pol;
	int64_t now;
};

/* A principal by id; VD_ENOENT if not registered. */
int book_principal(struct book *b, const char *id, struct principal_row *r);

/* A record by its provider's id and its own id: its row decoded into *r
 * (recrow_decode: r->line and r->counts point into the store's page,
 * valid as ltx_get's values are, store.h), its org's id into org
 * (STORE_ID + 1 bytes; NULL: not wanted) and its provider's number into
 * *pno (NULL: not wanted). VD_ENOENT if there is no such record (or
 * provider is no principal). */
int book_record(struct book *b, const char *provider, const char *id,
                uint32_t *pno, struct recrow *r, char *org);

/* The project of g's accrual row (and voucher) for a record or an
 * application of project project ("" for the unnamed one): "" for a
 * per-beneficiary program (one row per beneficiary and period), else
 * project, "-" for the unnamed one (domain.md, "Projects"). */
const char *book_row_project(const struct policy_program *g,
                             const char *project);

/* Accrual rows are keyed (beneficiary, program, project, period), the
 * project as book_row_project says; schema 8: the beneficiary's number
 * (pno.h), program and project at their own length (store.h). The key's
 * parts (prog, ben and proj of STORE_ID + 1 bytes; proj may be NULL),
 * and the prefix of a beneficiary's rows (of one program, or of all when
 * prog is NULL: in project then period order) into k (BOOK_ACC_KEY
 * bytes), its length in *n; VD_ENOENT if ben is no principal.
 * book_acc_key_parse with ben NULL leaves the beneficiary's number
 * unread (a walk of one beneficiary's range knows it).
 * book_acc_walk: every row, beneficiaries in id order (pno_walk), fn as
 * ltx_walk's; its 1 ends the whole walk. */
#define BOOK_ACC_KEY (4 + 2 * STORE_KSTR + 2)
int book_acc_key_parse(struct ltx *t, const void *key, size_t klen, char *prog,
                       char *ben, char *proj, int32_t *period);
int book_acc_prefix(struct ltx *t, uint8_t *k, size_t *n, const char *ben,
                    const char *prog);
int book_acc_walk(struct ltx *t, ltx_walk_fn fn, void *arg);

/* Where an accrual row is, kept from its read for the write after it
 * (book_acc_find, book_acc_put_at): one lookup of the beneficiary's
 * number, not two. n 0: the beneficiary is no principal. */
struct book_acc_at {
	uint8_t k[BOOK_ACC_KEY];
	size_t n;
};

/* An accrual row; a zero row (no voucher) when there is none.
 * book_acc_find also puts where it is in *at; book_acc_put_at writes
 * there (VD_EINTERNAL when at names no principal's row). */
int book_acc_find(struct book *b, const char *prog, const char *ben,
                  const char *proj, int32_t period, struct acc_row *r,
                  struct book_acc_at *at);
int book_acc_put_at(struct book *b, const struct book_acc_at *at,
                    const struct acc_row *r);
int book_acc_get(struct book *b, const char *prog, const char *ben,
                 const char *proj, int32_t period, struct acc_row *r);
int book_acc_put(struct book *b, const char *prog, const char *ben,
                 const char *proj, int32_t period, const struct acc_row *r);

/* A pool's figures for a period; zeros when there are none. */
int book_pool_get(struct book *b, const char *pool, int32_t period,
                  struct pool_row *r);
int book_pool_put(struct book *b, const char *pool, int32_t period,
                  const struct pool_row *r);

/* A voucher by id: VD_ENOENT if there is no such voucher. By
 * beneficiary and id (book_voucher_get_of) when the caller knows it (one
 * lookup instead of two); there a missing row is VD_EINTERNAL (the caller
 * knew it exists). */
int book_voucher_get(struct book *b, const char *vid, struct voucher_row *r);
/* The same from the DB_VOUCHERS entry of vid already read (v: its
 * beneficiary), as a walk over that table has it. */
int book_voucher_at(struct book *b, const char *vid, const MDB_val *v,
                    struct voucher_row *r);
int book_voucher_get_of(struct book *b, const char *ben, const char *vid,
                        struct voucher_row *r);
/* DB_VOUCHERS_BY's key (schema 8): ben's number, vid at its own length,
 * into k (BOOK_VBY_KEY bytes), its length in *n; VD_ENOENT if ben is no
 * principal. DB_VOUCHERS is keyed by vid, DB_EXPIRY by (expiry, vid),
 * each at its own length (store_key_str). */
#define BOOK_VBY_KEY (4 + STORE_KSTR)
/* DB_BATCHES' key (schema 8): the provider's number, the batch entry's
 * seq; VD_ENOENT if prov is no principal. */
#define BOOK_BATCH_KEY (4 + 8)
int book_batch_key(struct ltx *t, uint8_t k[BOOK_BATCH_KEY], const char *prov,
                   uint64_t seq);
int book_vby_key(struct ltx *t, uint8_t *k, size_t *n, const char *ben,
                 const char *vid);
/* Store voucher vid as r; old is its row before the change (NULL: a new
 * voucher, whose id -> beneficiary entry is written too). Keeps the
 * expiry index: active vouchers with money left, by expiry. */
int book_voucher_put(struct book *b, const char *vid,
                     const struct voucher_row *old,
                     const struct voucher_row *r);

/* Move a pool figure (figure: offsetof(pool_row, x)) of each of g's
 * pools for period as one voucher's (or row's) running total of that
 * figure goes from *total to *total + delta (delta may be below 0);
 * *total is updated. Each pool books the change in its share of the
 * total (accrual_split: floored, the odd fen to the first pool), so the
 * parts a pool holds of a voucher's figure are always the split of the
 * figure and no pool gives back more than it was booked (domain.md,
 * co-funding). A grant (granted, delta > 0) fixes the period's budget in
 * every pool of g. parts (NULL: not wanted) gets the movement's parts as
 * "pool:part,..." for the caller's journal entry, as positive amounts
 * when delta is (with 3 or more pools one part can have the other
 * sign); "-" for g NULL (a program no longer in the policy: nothing
 * moves). No journal entry. VD_ELIMIT if parts does not fit in size. */
int book_pools_move(struct book *b, const struct policy_program *g,
                    int32_t period, size_t figure, int64_t *total,
                    int64_t delta, char *parts, size_t size);

/* The pools' remaining budget for the program's shares, in share order,
 * into rem (g->nshares items; never below 0). */
int book_pools_remaining(struct book *b, const struct policy_program *g,
                         int32_t period, int64_t *rem);

/* Step 1 to 3 for one program: the program's earned amount for ben's
 * row of project proj (book_row_project). */
int book_earned(struct book *b, const struct policy_program *g, const char *ben,
                const char *proj, int32_t period, int64_t *earned);
/* The same from g's row for (ben, proj, period), already read. */
int book_earned_row(struct book *b, const struct policy_program *g,
                    const char *ben, const char *proj, int32_t period,
                    const struct acc_row *row, int64_t *earned);

/* Grant amount to ben under program g for period, on its row of project
 * proj (amount <= 0: nothing): top up acc's voucher, or create one (of
 * that project) if it has none or it was revoked (acc->voucher then
 * names the new one), draw on the pools, journal it. acc->granted grows
 * by amount; the caller stores acc. */
int book_grant(struct book *b, const struct policy_program *g, const char *ben,
               const char *proj, int32_t period, int64_t amount,
               struct acc_row *acc);

/* Set a row's unfunded amount to u, keeping the pools' unfunded figures
 * equal to the split of the rows'. The caller stores acc. */
int book_set_unfunded(struct book *b, const struct policy_program *g,
                      int32_t period, struct acc_row *acc, int64_t u);

/* Sums over every period of (program, ben)'s rows of project proj (NULL:
 * of every project): basis, and granted and earned in periods other than
 * `period`. */
int book_lifetime(struct book *b, const char *prog, const char *ben,
                  const char *proj, int32_t period, int64_t *basis,
                  int64_t *granted_other, int64_t *earned_other);

/* What ben owes back: the sum of its vouchers' clawback_due. */
int book_clawback_get(struct book *b, const char *ben, int64_t *amount);
/* What of v could still become clawback due: what left through it
 * (redeemed, paid out) and is neither owed back nor repaid yet. */
int64_t book_clawback_room(const struct voucher_row *v);

/* Fix the budget of pool (index into the policy's pools) for period in
 * row, from the policy in force, and journal it ("budget"), unless it is
 * fixed already. The caller stores row. */
int book_pool_fix(struct book *b, int pool, int32_t period,
                  struct pool_row *row);

/* Which beneficiary a program credits for a record. */
const char *book_beneficiary(const struct policy_program *g,
                             const char *provider, const char *org);

#endif
