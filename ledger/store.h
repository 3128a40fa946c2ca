/* The LMDB store: one environment, named databases, and the one
 * transaction wrapper through which every access goes. Internal to
 * ledger/.
 *
 * A struct ltx owns one LMDB transaction and keeps a sticky error in err:
 * the first failure of LMDB in it (a key found absent is no failure, nor
 * is the code a walk's callback returns) is kept, every later call on the
 * ltx returns it without touching LMDB, and ltx_commit aborts instead of
 * committing. The ledger clears the group's err itself after an
 * operation that failed before its first write, and after a child it
 * undid (ledger.c).
 *
 * Values (ltx_get, a walk's rows) point into LMDB's pages: in a read
 * transaction they stay valid until it ends; in a write transaction only
 * until the next put or delete in it, or its end, whichever comes first
 * (lmdb.h). Copy them out before writing.
 *
 * Keys are big-endian bytes built with the store_key_* helpers, so that
 * cursor order is the order the ledger lists things in.
 *
 * Map full: a write (or a commit) that finds the map full fails with
 * VD_ENOSPC; the caller (ledger_batchv) aborts, calls store_grow() and
 * runs its group again. Readers full: ltx_begin (and ltx_begin_reader)
 * runs mdb_reader_check (slots of dead processes) and retries once; a map
 * grown by another process is adopted and the begin retried once.
 *
 * Threads: one writer thread; read transactions on any threads, beside
 * it (each ended on the thread that began it, LMDB's rule without
 * MDB_NOTLS), at most one open per thread at a time.
 *
 * A reader (struct store_reader) is one read transaction that a thread
 * keeps and renews for each read instead of beginning one (a calloc, a
 * reader-slot lookup) and freeing it; it also keeps the cursors its walks
 * opened. Renewed, it is a fresh snapshot of the last commit and holds
 * off store_grow like any read transaction; between reads it is reset:
 * no snapshot, no lock, nothing of the map. */
#ifndef VD_STORE_H
#define VD_STORE_H

#include <lmdb.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_SCHEMA 8
#define STORE_UPGRADABLE 3 /* the oldest schema `vouchd upgrade` reads */
#define STORE_ID                                                               \
	64                        /* the longest id; NUL-padded to it in keys  \
	                             of schema 7 and before */
#define STORE_KSTR (STORE_ID + 1) /* room for a string field (schema 8) */

enum store_db {
	DB_META,        /* "schema" -> u32, "policy" -> sha256, "jhead" ->
	                   seq (u64 BE) + hash, "vseq" -> last voucher no.,
	                   "pno" -> last principal number (u32 BE, pno.h) */
	DB_PRINCIPALS,  /* id -> struct principal_row */
	DB_RECORDS,     /* schema 7: provider's number (u32), id at its
	                   own length -> the record row (recrow.h); schema
	                   6 and before: provider, id NUL-padded -> struct
	                   rec_row_v6 + line + counts */
	DB_RECS_BY_ORG, /* schema 7: org's number (u32), period, seq ->
	                   provider's number (u32) + id; before: org
	                   padded, period, seq -> "provider\0id" */
	/* schema 8 (upgrade8.h): in the next nine tables a principal is
	   its number (pno.h), another id its own length and a NUL
	   (store_key_str); schema 7 and before: ids NUL-padded */
	DB_ACCRUAL,      /* beneficiary, program, project, period -> struct
	                    acc_row (book.h) */
	DB_VOUCHERS,     /* voucher id -> beneficiary */
	DB_VOUCHERS_BY,  /* beneficiary, voucher id -> struct voucher_row */
	DB_EXPIRY,       /* expires_at ^ 2^63 (u64), voucher id -> "": the
	                    active vouchers with money left */
	DB_REDEMPTIONS,  /* provider, ref -> struct redemption_row */
	DB_REC_REDEEMED, /* provider, record id, program ("": all) -> int64
	                    redeemed against the record */
	DB_POOLS,        /* pool (padded), period -> struct pool_row */
	DB_RECEIVABLES,  /* provider -> struct receivable_row */
	DB_PAYMENTS,     /* provider, ref -> int64 amount, int64 seq */
	DB_CLAWBACKS,    /* schema 3 only: beneficiary -> int64 due (schema 4
	                    keeps it per voucher; the upgrade empties this) */
	DB_APPLICATIONS, /* program, ref -> struct application_row */
	DB_SETTLED,      /* program, period -> int64 total, available, paid,
	                    seq */
	DB_BATCHES,      /* provider (schema 8: its number), the batch
	                    entry's seq (u64) -> the signed lines (the
	                    signature is in that entry) */
	DB_JOURNAL,      /* seq (u64) -> hash (32 bytes) + entry bytes */
	DB_POLICIES,     /* sha256 -> the policy's source blob */
	DB_CASH_REFS,    /* 'p' (PAYOUT) or 'r' (REPAY), ref -> struct
	                    cash_ref_row (schema 4) */
	DB_ROLLUP,       /* pool, period, CST day, program -> struct
	                    ledger_flows (schema 6, rollup.h) */
	DB_PNOS,         /* schema 7, principal numbers (pno.h): 'i' + id
	                    -> number (u32), 'n' + number -> id */
	DB_COUNT
};

struct store;

/* Open the store in directory dir (create != 0: make the directory and
 * an empty store of this schema if absent), map_size bytes of map (0:
 * 64 MiB). On success *out is the caller's, to release with store_close.
 * On failure *out is NULL and err (errlen > 0 bytes) says why for
 * people: VD_ENOENT (no store and !create), VD_EINVAL (no schema, or
 * another schema version: for an older one that `vouchd upgrade` reads,
 * err names that command), VD_ENOMEM, or VD_EIO (or another code an
 * LMDB failure translates to). */
int store_open(const char *dir, int create, size_t map_size, struct store **out,
               char *err, size_t errlen);
/* The same for `vouchd upgrade`: a store of schema STORE_UPGRADABLE ..
 * STORE_SCHEMA (never created), its version in *schema. Its rows are of
 * that schema: only the upgrade may touch them. */
int store_open_old(const char *dir, size_t map_size, struct store **out,
                   uint32_t *schema, char *err, size_t errlen);
/* Close; st may be NULL. No transaction of it may be open, and every
 * reader of it must be released first. */
void store_close(struct store *st);
size_t store_map_size(const struct store *st);

/* Double the map: 0, VD_ENOSPC if the size would overflow, or LMDB's
 * failure. No write transaction may be open; it waits for the read
 * transactions other threads have open to end, and holds off new ones
 * while it resizes (LMDB may not resize under an open transaction). Call
 * it from the writer's thread, which must have no read transaction open.
 * store_map_size may be called from any thread. */
int store_grow(struct store *st);

struct store_reader;

/* The caller's, on its stack: ltx_begin (or ltx_begin_reader) fills it,
 * ltx_commit or ltx_abort ends it. */
struct ltx {
	struct store *st;
	MDB_txn *txn; /* NULL once ended, or if the begin failed */
	struct ltx *parent;
	int err;                 /* the sticky error, 0 if none */
	int shared;              /* a read transaction: holds off store_grow */
	unsigned long writes;    /* puts and deletes tried: "did this write?" */
	struct store_reader *rd; /* the reader whose transaction this is: its
	                            end resets it instead of freeing it */
};

/* A reader: the caller's (it may sit in a struct of the caller's), filled
 * by store_reader_init, released by store_reader_release. It belongs to
 * the thread that first begins it: every ltx_begin_reader and the release
 * on that thread. The fields are the store's. */
struct store_reader {
	struct store *st;
	MDB_txn *txn;              /* NULL until the first begin */
	MDB_cursor *cur[DB_COUNT]; /* opened by a first walk, renewed after */
	uint32_t walking;          /* per db: its cursor is in a walk */
	int live;                  /* begun and not yet ended */
};

/* An idle reader of st: no transaction until the first ltx_begin_reader.
 * Cannot fail. */
void store_reader_init(struct store_reader *r, struct store *st);
/* Free its cursors and its transaction (mdb_txn_abort), on the thread
 * that began it; r may be NULL, or never begun. Not while a read in it is
 * open. Afterwards r is idle again (and may be freed). */
void store_reader_release(struct store_reader *r);
/* A read transaction in *t on r's: begun (mdb_txn_begin) the first time,
 * renewed (mdb_txn_renew) after, so that it sees the last commit each
 * time; ended with ltx_abort (or ltx_commit), which resets it
 * (mdb_txn_reset). Returns 0, or as ltx_begin does (on failure t->txn is
 * NULL, r stays reset and may be begun again); VD_EINTERNAL if r is
 * already begun (one read at a time per thread). */
int ltx_begin_reader(struct store_reader *r, struct ltx *t);

/* Begin a read-only (rdonly != 0) or write transaction in *t. A write
 * transaction may have a parent write transaction: a child whose changes
 * reach the parent only at its commit, and vanish at its abort; while
 * the child is open the parent must not be used. One write transaction
 * at a time per store (LMDB serialises writers). Returns 0, or the
 * parent's sticky error, or LMDB's failure translated (VD_EIO, VD_ENOMEM
 * ...); on failure t->txn is NULL and t->err the code, and ltx_abort is
 * harmless. */
int ltx_begin(struct store *st, struct ltx *parent, int rdonly, struct ltx *t);
/* End t by committing it. With a sticky error: aborts and returns it.
 * Otherwise returns 0 or the commit's failure (VD_ENOSPC: the map is
 * full; nothing of t is kept). A top-level write commit is synced to disk
 * before it returns; a child whose commit fails sets its parent's sticky
 * error too. t holds no transaction afterwards, whatever the result (an
 * ended t returns its err, or VD_EINVAL). */
int ltx_commit(struct ltx *t);
/* End t, dropping its changes (and those of its committed children).
 * Harmless on an ended t. */
void ltx_abort(struct ltx *t);

/* 0 and *v (see "Values" above), VD_ENOENT if absent (not sticky), or an
 * error (sticky). */
int ltx_get(struct ltx *t, enum store_db db, const void *key, size_t klen,
            MDB_val *v);
/* Put (insert or replace): 0 or an error (sticky): VD_ENOSPC (map full),
 * VD_ELIMIT (key or transaction too large), VD_EIO. Counts a write. */
int ltx_put(struct ltx *t, enum store_db db, const void *key, size_t klen,
            const void *val, size_t vlen);
/* Put a key greater than every key of db (the journal's seq): LMDB
 * fills pages whole instead of splitting them in half. A key out of
 * order is VD_EINTERNAL (sticky). */
int ltx_append(struct ltx *t, enum store_db db, const void *key, size_t klen,
               const void *val, size_t vlen);
/* Delete; absent is not an error. Counts a write either way. */
int ltx_del(struct ltx *t, enum store_db db, const void *key, size_t klen);

/* Call fn for the keys of db that start with prefix (plen 0: every key),
 * in key order, from the first key >= start (start NULL: from the
 * prefix). k and v are valid during the call only, and fn must not write
 * in t. fn returns 0 to go on, 1 to stop (the walk returns 0), or a
 * negative code that stops the walk and is returned (not sticky). In a
 * reader's transaction the walk uses the reader's cursor for db (none is
 * allocated after the first); a walk of the same db inside fn opens a
 * cursor of its own. */
typedef int (*ltx_walk_fn)(void *arg, const MDB_val *k, const MDB_val *v);
int ltx_walk(struct ltx *t, enum store_db db, const void *prefix, size_t plen,
             const void *start, size_t slen, ltx_walk_fn fn, void *arg);

/* Key building: each writes at buf + n (room for the field is the
 * caller's) and returns n plus the field's length. An id is copied up to
 * STORE_ID bytes and NUL-padded to STORE_ID: a longer id would be cut,
 * so callers pass ids of at most STORE_ID bytes (LEDGER_ID). */
size_t store_key_id(uint8_t *buf, size_t n, const char *id);
size_t store_key_u16(uint8_t *buf, size_t n, uint16_t v);
size_t store_key_u32(uint8_t *buf, size_t n, uint32_t v);
size_t store_key_u64(uint8_t *buf, size_t n, uint64_t v);
/* Read back an id field of a key (64 bytes, NUL-padded). */
void store_key_get_id(const uint8_t *p, char out[STORE_ID + 1]);
/* Schema 8's string field: the id at its own length (at most STORE_ID
 * bytes) and a NUL. Ids hold no NUL, so keys sort as the NUL-padded
 * form did, and a prefix ending in the NUL is one id's range. */
size_t store_key_str(uint8_t *buf, size_t n, const char *id);
/* Take a key's fields in order from *p (at most end): each copies the
 * field out, moves *p past it and returns 0, or VD_EINTERNAL if the key
 * ends first (a string: no NUL within STORE_KSTR bytes). */
int store_key_take_str(const uint8_t **p, const uint8_t *end,
                       char out[STORE_ID + 1]);
/* The key's last field, a string at offset off: VD_EINTERNAL unless the
 * key holds exactly that from off (a damaged key ends early or late). */
int store_key_tail_str(const MDB_val *k, size_t off, char out[STORE_ID + 1]);
int store_key_take_u16(const uint8_t **p, const uint8_t *end, uint16_t *v);
int store_key_take_u32(const uint8_t **p, const uint8_t *end, uint32_t *v);
int store_key_take_u64(const uint8_t **p, const uint8_t *end, uint64_t *v);
uint64_t store_get_u64(const uint8_t *p);
uint16_t store_get_u16(const uint8_t *p);
uint32_t store_get_u32(const uint8_t *p);

#endif
