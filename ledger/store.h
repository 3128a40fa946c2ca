/* The LMDB store: one environment, named databases, and the one
 * transaction wrapper through which every access goes.
 *
 * A struct ltx owns one LMDB transaction and keeps a sticky error: after
 * the first failure every later call is a no-op returning that error, and
 * commit aborts instead. Values returned by ltx_get and cursors point into
 * the map and are valid only until the transaction (or the child it was
 * read in) ends: copy them out. Keys are fixed-layout big-endian bytes
 * built with the store_key_* helpers, so cursor order is the order the
 * ledger lists things in.
 *
 * Map full: a write that fills the map fails with VD_ENOSPC; the caller
 * (ledger_batch) aborts, calls store_grow() and runs the batch again.
 * Readers full: begin runs mdb_reader_check and retries once. */
#ifndef VD_STORE_H
#define VD_STORE_H

#include <lmdb.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_SCHEMA 3
#define STORE_ID 64 /* ids are NUL-padded to 64 bytes in keys */

enum store_db {
	DB_META,         /* name -> value */
	DB_PRINCIPALS,   /* id -> struct principal */
	DB_RECORDS,      /* provider, id -> struct rec_row + line */
	DB_RECS_BY_ORG,  /* org, period, seq -> "provider\0id" */
	DB_ACCRUAL,      /* beneficiary, program, period -> struct acc_row */
	DB_VOUCHERS,     /* voucher id -> beneficiary */
	DB_VOUCHERS_BY,  /* beneficiary, voucher id -> struct voucher_row */
	DB_EXPIRY,       /* expires_at, voucher id -> "" */
	DB_REDEMPTIONS,  /* provider, ref -> struct redemption */
	DB_REC_REDEEMED, /* provider, record id, program -> int64 */
	DB_POOLS,        /* pool, period -> struct pool_row */
	DB_RECEIVABLES,  /* provider -> struct receivable */
	DB_PAYMENTS,     /* provider, ref -> int64 amount */
	DB_CLAWBACKS,    /* beneficiary -> int64 due */
	DB_APPLICATIONS, /* program, ref -> struct application */
	DB_SETTLED,      /* program, period -> struct settled */
	DB_BATCHES,      /* provider, first record id -> lines + sig */
	DB_JOURNAL,      /* seq -> entry bytes */
	DB_POLICIES,     /* sha256 -> the policy's source blob */
	DB_COUNT
};

struct store;

/* Open (creating if create != 0) the store in directory dir. A store of
 * another schema version is refused with VD_EINVAL and a message in err.
 * map_size 0 means the default (64 MiB); the map grows on demand. */
int store_open(const char *dir, int create, size_t map_size, struct store **out,
               char *err, size_t errlen);
void store_close(struct store *st);
size_t store_map_size(const struct store *st);

/* Double the map. No transaction may be open. */
int store_grow(struct store *st);

struct ltx {
	struct store *st;
	MDB_txn *txn;
	struct ltx *parent;
	int err;
	unsigned long writes; /* puts and deletes tried: "did this write?" */
};

/* Begin a read-only (rdonly != 0) or write transaction; a write
 * transaction may have a parent (a nested child that can be undone). */
int ltx_begin(struct store *st, struct ltx *parent, int rdonly, struct ltx *t);
/* Commit: returns the sticky error (and aborts) if there was one. A
 * top-level write commit is synced to disk before it returns. */
int ltx_commit(struct ltx *t);
void ltx_abort(struct ltx *t);

/* 0 and *v, VD_ENOENT if absent, or the sticky error. */
int ltx_get(struct ltx *t, enum store_db db, const void *key, size_t klen,
            MDB_val *v);
int ltx_put(struct ltx *t, enum store_db db, const void *key, size_t klen,
            const void *val, size_t vlen);
/* Put a key greater than every key of db (the journal's seq): LMDB
 * fills pages whole instead of splitting them in half. A key out of
 * order is VD_EINTERNAL. */
int ltx_append(struct ltx *t, enum store_db db, const void *key, size_t klen,
               const void *val, size_t vlen);
/* Delete; absent is not an error. */
int ltx_del(struct ltx *t, enum store_db db, const void *key, size_t klen);

/* Iterate the keys that start with prefix, from the first key >= start
 * (start may be NULL: from the prefix). fn returns 0 to go on, 1 to stop,
 * or a negative error that stops the walk and is returned. */
typedef int (*ltx_walk_fn)(void *arg, const MDB_val *k, const MDB_val *v);
int ltx_walk(struct ltx *t, enum store_db db, const void *prefix, size_t plen,
             const void *start, size_t slen, ltx_walk_fn fn, void *arg);

/* Key building: each appends to buf at *n and returns the new length. */
size_t store_key_id(uint8_t *buf, size_t n, const char *id);
size_t store_key_u16(uint8_t *buf, size_t n, uint16_t v);
size_t store_key_u64(uint8_t *buf, size_t n, uint64_t v);
/* Read back an id field of a key (64 bytes, NUL-padded). */
void store_key_get_id(const uint8_t *p, char out[STORE_ID + 1]);
uint64_t store_get_u64(const uint8_t *p);
uint16_t store_get_u16(const uint8_t *p);

#endif
