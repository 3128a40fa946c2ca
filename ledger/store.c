#include "store.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"

#define STORE_DEFAULT_MAP (64u << 20)

_Static_assert(DB_COUNT <= 32, "store_reader.walking has a bit per db");

struct store {
	MDB_env *env;
	MDB_dbi dbi[DB_COUNT];
	_Atomic size_t map_size; /* read by any thread (metrics) */
	/* LMDB may not resize the map while a transaction of this process
	 * is open (lmdb.h, mdb_env_set_mapsize): read transactions, which
	 * other threads begin while the writer runs, hold it shared;
	 * store_grow holds it alone. The writer's own transactions need not
	 * take it: store_grow runs on the writer's thread between them. */
	pthread_rwlock_t grow;
};

static const char *const db_names[DB_COUNT] = {
    [DB_META] = "meta",
    [DB_PRINCIPALS] = "principals",
    [DB_RECORDS] = "records",
    [DB_RECS_BY_ORG] = "records_by_org",
    [DB_ACCRUAL] = "accrual",
    [DB_VOUCHERS] = "vouchers",
    [DB_VOUCHERS_BY] = "vouchers_by_beneficiary",
    [DB_EXPIRY] = "expiry",
    [DB_REDEMPTIONS] = "redemptions",
    [DB_REC_REDEEMED] = "record_redeemed",
    [DB_POOLS] = "pools",
    [DB_RECEIVABLES] = "receivables",
    [DB_PAYMENTS] = "payments",
    [DB_CLAWBACKS] = "clawbacks",
    [DB_APPLICATIONS] = "applications",
    [DB_SETTLED] = "settled",
    [DB_BATCHES] = "batches",
    [DB_JOURNAL] = "journal",
    [DB_POLICIES] = "policies",
    [DB_CASH_REFS] = "cash_refs",
    [DB_ROLLUP] = "rollup",
    [DB_PNOS] = "principal_nos",
};

/* LMDB's codes stop here. */
static int xlate(int rc)
{
	switch (rc) {
	case MDB_SUCCESS:
		return 0;
	case MDB_NOTFOUND:
		return VD_ENOENT;
	case MDB_MAP_FULL:
		return VD_ENOSPC;
	case MDB_TXN_FULL:
	case MDB_BAD_VALSIZE:
		return VD_ELIMIT;
	case ENOMEM:
		return VD_ENOMEM;
	default:
		return VD_EIO;
	}
}

/* any: open a store of any schema (its version in *have) */
static int open_store(const char *dir, int create, int any, size_t map_size,
                      struct store **out, uint32_t *have_out, char *err,
                      size_t errlen)
{
	struct store *st;
	MDB_envinfo info;
	struct ltx t;
	MDB_val v;
	uint32_t schema = STORE_SCHEMA;
	char path[4096];
	struct stat sb;
	int rc, i;

	*out = NULL;
	snprintf(err, errlen, "ok");
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	if (!create && stat(path, &sb) < 0) {
		snprintf(err, errlen, "%s: no vouchd store here", dir);
		return VD_ENOENT;
	}
	if (create && mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return VD_EIO;
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return VD_ENOMEM;
	}
	pthread_rwlock_init(&st->grow, NULL);
	if ((rc = mdb_env_create(&st->env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(st->env, DB_COUNT)) != 0 ||
	    (rc = mdb_env_set_mapsize(st->env, map_size ? map_size
	                                                : STORE_DEFAULT_MAP)) ||
	    (rc = mdb_env_open(st->env, dir, 0, 0600)) != 0) {
		snprintf(err, errlen, "%s: %s", dir, mdb_strerror(rc));
		goto fail;
	}
	mdb_env_info(st->env, &info);
	st->map_size = info.me_mapsize;
	if ((rc = ltx_begin(st, NULL, 0, &t)) < 0) {
		snprintf(err, errlen, "%s: cannot begin: %s", dir, err_str(rc));
		goto fail_vd;
	}
	for (i = 0; i < DB_COUNT; i++)
		if ((rc = mdb_dbi_open(t.txn, db_names[i], MDB_CREATE,
		                       &st->dbi[i])) != 0) {
			snprintf(err, errlen, "%s: %s", dir, mdb_strerror(rc));
			ltx_abort(&t);
			goto fail;
		}
	rc = ltx_get(&t, DB_META, "schema", 6, &v);
	if (rc == VD_ENOENT && create) {
		rc = ltx_put(&t, DB_META, "schema", 6, &schema, sizeof(schema));
	} else if (rc == VD_ENOENT) {
		snprintf(err, errlen, "%s: not a vouchd store (no schema)",
		         dir);
		ltx_abort(&t);
		rc = VD_EINVAL;
		goto fail_vd;
	} else if (rc == 0) {
		uint32_t have = 0;
		if (v.mv_size == sizeof(have))
			memcpy(&have, v.mv_data, sizeof(have));
		if (have_out)
			*have_out = have;
		if (have < STORE_SCHEMA && have >= STORE_UPGRADABLE && !any) {
			snprintf(err, errlen,
			         "%s: store schema version %u, this vouchd "
			         "reads version %u: run `vouchd upgrade --data "
			         "%s` (one transaction, journaled)",
			         dir, have, STORE_SCHEMA, dir);
			ltx_abort(&t);
			rc = VD_EINVAL;
			goto fail_vd;
		}
		if (have != STORE_SCHEMA &&
		    !(any && have >= STORE_UPGRADABLE && have < STORE_SCHEMA)) {
			snprintf(err, errlen,
			         "%s: store schema version %u, this vouchd "
			         "reads version %u",
			         dir, have, STORE_SCHEMA);
			ltx_abort(&t);
			rc = VD_EINVAL;
			goto fail_vd;
		}
	} else if (have_out)
		*have_out = STORE_SCHEMA;
	if (rc < 0 || (rc = ltx_commit(&t)) < 0) {
		snprintf(err, errlen, "%s: cannot initialise: %s", dir,
		         err_str(rc));
		goto fail_vd;
	}
	*out = st;
	return 0;
fail:
	rc = xlate(rc);
fail_vd:
	mdb_env_close(st->env);
	pthread_rwlock_destroy(&st->grow);
	free(st);
	return rc < 0 ? rc : VD_EIO;
}

int store_open(const char *dir, int create, size_t map_size, struct store **out,
               char *err, size_t errlen)
{
	return open_store(dir, create, 0, map_size, out, NULL, err, errlen);
}

int store_open_old(const char *dir, size_t map_size, struct store **out,
                   uint32_t *schema, char *err, size_t errlen)
{
	return open_store(dir, 0, 1, map_size, out, schema, err, errlen);
}

void store_close(struct store *st)
{
	if (st == NULL)
		return;
	mdb_env_close(st->env);
	pthread_rwlock_destroy(&st->grow);
	free(st);
}

size_t store_map_size(const struct store *st)
{
	return st->map_size;
}

int store_grow(struct store *st)
{
	size_t n = st->map_size * 2;
	int rc;

	if (n < st->map_size)
		return VD_ENOSPC;
	pthread_rwlock_wrlock(&st->grow);
	rc = mdb_env_set_mapsize(st->env, n);
	pthread_rwlock_unlock(&st->grow);
	if (rc != 0)
		return xlate(rc);
	st->map_size = n;
	return 0;
}

/* A read transaction's end lets store_grow in. */
static void end_shared(struct ltx *t)
{
	if (t->shared)
		pthread_rwlock_unlock(&t->st->grow);
	t->shared = 0;
}

/* Begin *txn (renew: renew the reset read transaction *txn), once more
 * after clearing the slots of dead processes or adopting a map another
 * process grew. LMDB's code. */
static int start(struct store *st, MDB_txn *parent, unsigned flags,
                 MDB_txn **txn, int renew)
{
	int rc = 0, tries;

	for (tries = 0; tries < 2; tries++) {
		rc = renew ? mdb_txn_renew(*txn)
		           : mdb_txn_begin(st->env, parent, flags, txn);
		if (rc == MDB_READERS_FULL) {
			/* slots of dead processes: clear them and retry */
			int dead = 0;
			mdb_reader_check(st->env, &dead);
			continue;
		}
		if (rc == MDB_MAP_RESIZED) {
			mdb_env_set_mapsize(st->env, 0);
			continue;
		}
		break;
	}
	return rc;
}

int ltx_begin(struct store *st, struct ltx *parent, int rdonly, struct ltx *t)
{
	int rc;

	memset(t, 0, sizeof(*t));
	t->st = st;
	t->parent = parent;
	if (parent != NULL && parent->err)
		return t->err = parent->err;
	if (rdonly) {
		pthread_rwlock_rdlock(&st->grow);
		t->shared = 1;
	}
	rc = start(st, parent ? parent->txn : NULL, rdonly ? MDB_RDONLY : 0,
	           &t->txn, 0);
	if (rc != 0) {
		t->txn = NULL;
		end_shared(t);
		return t->err = xlate(rc);
	}
	return 0;
}

/* Why a reset transaction may wait out store_grow, and why its renewal
 * sees the new map (LMDB 0.9, mdb.c):
 * - mdb_txn_reset (mdb_txn_end with MDB_END_RESET) gives the reader slot
 *   back (mr_txnid = -1; without MDB_NOTLS the slot is the thread's and
 *   the txn drops its pointer to it) and keeps only memory of its own:
 *   the MDB_txn with its copy of the db records. Nothing of it points
 *   into the map, and LMDB counts it as no open transaction.
 * - mdb_env_set_mapsize refuses only while a write transaction is open
 *   (env->me_txn); it unmaps and maps again (mdb_env_map), which sets
 *   env->me_map, env->me_metas and env->me_maxpg anew. Only a live read
 *   transaction would be left with pointers into the old map: the rwlock
 *   keeps store_grow out while one is live, and a reader holds it only
 *   while begun (taken before the renew, given back after the reset).
 * - mdb_txn_renew (mdb_txn_renew0) takes the thread's slot again, the
 *   newest txnid, and reads the meta page through env->me_metas: the new
 *   map. It copies the core db records and marks the named ones stale,
 *   to be read again from the new map at first use, and answers
 *   MDB_MAP_RESIZED (the txn then stays reset) if the data has outgrown
 *   env->me_maxpg: a map another process grew.
 * - A cursor kept across transactions holds page pointers of its last
 *   walk; mdb_cursor_renew (mdb_cursor_init) drops them before any use:
 *   ltx_walk renews it first each time. A read transaction's cursors are
 *   not tracked by it (mt_cursors is NULL), so they survive its reset and
 *   are closed by store_reader_release. */
void store_reader_init(struct store_reader *r, struct store *st)
{
	memset(r, 0, sizeof(*r));
	r->st = st;
}

void store_reader_release(struct store_reader *r)
{
	int i;

	if (r == NULL)
		return;
	for (i = 0; i < DB_COUNT; i++)
		if (r->cur[i] != NULL)
			mdb_cursor_close(r->cur[i]);
	/* reset already (a reader is not released while begun): the abort
	 * frees it */
	if (r->txn != NULL)
		mdb_txn_abort(r->txn);
	store_reader_init(r, r->st);
}

int ltx_begin_reader(struct store_reader *r, struct ltx *t)
{
	int rc;

	memset(t, 0, sizeof(*t));
	t->st = r->st;
	/* LMDB: one read transaction per thread at a time */
	if (r->live)
		return t->err = VD_EINTERNAL;
	pthread_rwlock_rdlock(&r->st->grow);
	t->shared = 1;
	rc = start(r->st, NULL, MDB_RDONLY, &r->txn, r->txn != NULL);
	if (rc != 0) {
		/* a first begin that failed left r->txn NULL (LMDB sets it on
		 * success only), a renew left it reset: either may be begun
		 * again */
		end_shared(t);
		return t->err = xlate(rc);
	}
	r->live = 1;
	t->txn = r->txn;
	t->rd = r;
	return 0;
}

/* End t's LMDB transaction: a reader's is reset, to be renewed. */
static void end_txn(struct ltx *t)
{
	if (t->rd != NULL) {
		mdb_txn_reset(t->txn);
		t->rd->live = 0;
		t->rd = NULL;
	} else {
		mdb_txn_abort(t->txn);
	}
	t->txn = NULL;
}

int ltx_commit(struct ltx *t)
{
	int rc;

	if (t->txn == NULL)
		return t->err ? t->err : VD_EINVAL;
	if (t->err) {
		rc = t->err;
		ltx_abort(t);
		return rc;
	}
	if (t->rd != NULL) {
		/* a read: nothing to commit */
		end_txn(t);
		end_shared(t);
		return 0;
	}
	rc = mdb_txn_commit(t->txn);
	t->txn = NULL;
	end_shared(t);
	if (rc != 0)
		t->err = xlate(rc);
	if (t->err && t->parent)
		t->parent->err = t->err;
	return t->err;
}

void ltx_abort(struct ltx *t)
{
	if (t->txn != NULL)
		end_txn(t);
	end_shared(t);
}

int ltx_get(struct ltx *t, enum store_db db, const void *key, size_t klen,
            MDB_val *v)
{
	MDB_val k = {klen, (void *)key};
	int rc;

	if (t->err)
		return t->err;
	rc = mdb_get(t->txn, t->st->dbi[db], &k, v);
	if (rc == MDB_NOTFOUND)
		return VD_ENOENT;
	return rc ? (t->err = xlate(rc)) : 0;
}

static int put(struct ltx *t, enum store_db db, const void *key, size_t klen,
               const void *val, size_t vlen, unsigned flags)
{
	MDB_val k = {klen, (void *)key}, v = {vlen, (void *)val};
	int rc;

	if (t->err)
		return t->err;
	t->writes++;
	rc = mdb_put(t->txn, t->st->dbi[db], &k, &v, flags);
	/* only MDB_APPEND of a key out of order: a bug, not the client's */
	if (rc == MDB_KEYEXIST)
		return t->err = VD_EINTERNAL;
	return rc ? (t->err = xlate(rc)) : 0;
}

int ltx_put(struct ltx *t, enum store_db db, const void *key, size_t klen,
            const void *val, size_t vlen)
{
	return put(t, db, key, klen, val, vlen, 0);
}

int ltx_append(struct ltx *t, enum store_db db, const void *key, size_t klen,
               const void *val, size_t vlen)
{
	return put(t, db, key, klen, val, vlen, MDB_APPEND);
}

int ltx_del(struct ltx *t, enum store_db db, const void *key, size_t klen)
{
	MDB_val k = {klen, (void *)key};
	int rc;

	if (t->err)
		return t->err;
	t->writes++;
	rc = mdb_del(t->txn, t->st->dbi[db], &k, NULL);
	if (rc == MDB_NOTFOUND)
		return 0;
	return rc ? (t->err = xlate(rc)) : 0;
}

int ltx_walk(struct ltx *t, enum store_db db, const void *prefix, size_t plen,
             const void *start, size_t slen, ltx_walk_fn fn, void *arg)
{
	uint32_t bit = (uint32_t)1 << db;
	MDB_cursor *c, **kept = NULL;
	MDB_val k, v;
	int rc, r = 0;

	if (t->err)
		return t->err;
	/* a reader's cursor for db, unless a walk outside this one has it */
	if (t->rd != NULL && !(t->rd->walking & bit))
		kept = &t->rd->cur[db];
	if (kept != NULL && *kept != NULL) {
		c = *kept;
		rc = mdb_cursor_renew(t->txn, c);
	} else {
		rc = mdb_cursor_open(t->txn, t->st->dbi[db], &c);
		if (rc == 0 && kept != NULL)
			*kept = c;
	}
	if (rc != 0)
		return t->err = xlate(rc);
	if (kept != NULL)
		t->rd->walking |= bit;
	if (start == NULL) {
		start = prefix;
		slen = plen;
	}
	k.mv_size = slen;
	k.mv_data = (void *)start;
	rc = slen ? mdb_cursor_get(c, &k, &v, MDB_SET_RANGE)
	          : mdb_cursor_get(c, &k, &v, MDB_FIRST);
	while (rc == 0) {
		if (k.mv_size < plen ||
		    (plen > 0 && memcmp(k.mv_data, prefix, plen) != 0))
			break;
		r = fn(arg, &k, &v);
		if (r != 0)
			break;
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	}
	if (kept != NULL)
		t->rd->walking &= ~bit;
	else
		mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return t->err = xlate(rc);
	return r < 0 ? r : 0;
}

size_t store_key_id(uint8_t *buf, size_t n, const char *id)
{
	size_t l = strnlen(id, STORE_ID);

	memcpy(buf + n, id, l);
	memset(buf + n + l, 0, STORE_ID - l);
	return n + STORE_ID;
}

size_t store_key_str(uint8_t *buf, size_t n, const char *id)
{
	size_t l = strnlen(id, STORE_ID);

	memcpy(buf + n, id, l);
	buf[n + l] = '\0';
	return n + l + 1;
}

int store_key_take_str(const uint8_t **p, const uint8_t *end,
                       char out[STORE_ID + 1])
{
	size_t room = (size_t)(end - *p);
	const uint8_t *nul =
	    memchr(*p, '\0', room < STORE_KSTR ? room : STORE_KSTR);

	if (nul == NULL)
		return VD_EINTERNAL;
	memcpy(out, *p, (size_t)(nul - *p) + 1);
	*p = nul + 1;
	return 0;
}

int store_key_tail_str(const MDB_val *k, size_t off, char out[STORE_ID + 1])
{
	const uint8_t *p = (const uint8_t *)k->mv_data + off,
	              *end = (const uint8_t *)k->mv_data + k->mv_size;

	if (k->mv_size < off || store_key_take_str(&p, end, out) < 0 ||
	    p != end)
		return VD_EINTERNAL;
	return 0;
}

int store_key_take_u16(const uint8_t **p, const uint8_t *end, uint16_t *v)
{
	if (end - *p < 2)
		return VD_EINTERNAL;
	*v = store_get_u16(*p);
	*p += 2;
	return 0;
}

int store_key_take_u32(const uint8_t **p, const uint8_t *end, uint32_t *v)
{
	if (end - *p < 4)
		return VD_EINTERNAL;
	*v = store_get_u32(*p);
	*p += 4;
	return 0;
}

int store_key_take_u64(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	if (end - *p < 8)
		return VD_EINTERNAL;
	*v = store_get_u64(*p);
	*p += 8;
	return 0;
}

size_t store_key_u16(uint8_t *buf, size_t n, uint16_t v)
{
	buf[n] = (uint8_t)(v >> 8);
	buf[n + 1] = (uint8_t)v;
	return n + 2;
}

size_t store_key_u32(uint8_t *buf, size_t n, uint32_t v)
{
	buf[n] = (uint8_t)(v >> 24);
	buf[n + 1] = (uint8_t)(v >> 16);
	buf[n + 2] = (uint8_t)(v >> 8);
	buf[n + 3] = (uint8_t)v;
	return n + 4;
}

size_t store_key_u64(uint8_t *buf, size_t n, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		buf[n + i] = (uint8_t)(v >> (56 - 8 * i));
	return n + 8;
}

void store_key_get_id(const uint8_t *p, char out[STORE_ID + 1])
{
	memcpy(out, p, STORE_ID);
	out[STORE_ID] = '\0';
}

uint64_t store_get_u64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

uint16_t store_get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t store_get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}
