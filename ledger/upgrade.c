/* `vouchd upgrade`: a store of schema 3 to schema 4, in one write
 * transaction, journaled. */
#include "upgrade.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "check.h"
#include "err.h"
#include "journal.h"
#include "money.h"
#include "num.h"
#include "ops.h"
#include "store.h"
#include "upgrade6.h"
#include "upgrade7.h"
#include "upgrade8.h"

/* A row read during a walk, rewritten after it (LMDB's cursor must not
 * see its own writes). */
struct saved {
	uint8_t key[3 * STORE_ID + 2]; /* the longest key a step saves */
	size_t klen;
	union {
		struct voucher_row_v3 v;
		struct pool_row_v3 p;
		struct acc_row a;
		struct principal_row_v4 pr;
	} row;
};

struct rows {
	struct saved *v;
	size_t n, cap;
	size_t rowlen; /* the stored size the walk expects */
};

static int save(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct rows *r = arg;

	if (v->mv_size != r->rowlen || k->mv_size > sizeof(r->v->key))
		return VD_EINTERNAL;
	if (r->n == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 64;
		void *q = realloc(r->v, nc * sizeof(*r->v));
		if (q == NULL)
			return VD_ENOMEM;
		r->v = q;
		r->cap = nc;
	}
	memcpy(r->v[r->n].key, k->mv_data, k->mv_size);
	r->v[r->n].klen = k->mv_size;
	memcpy(&r->v[r->n].row, v->mv_data, v->mv_size);
	r->n++;
	return 0;
}

/* Schema 3 kept what a beneficiary owed back as one sum; schema 4 keeps
 * it per voucher. The journal says which: a revoke entry names its
 * voucher and its clawback; a clawback entry (after a void) names
 * (program, beneficiary, period), whose newest voucher at that point of
 * the journal is the one the amount came through. ledger_check applies
 * the same rule to the entries written before the upgrade. */
#define KEYLEN (3 * STORE_ID + 16) /* prog|ben|period */

struct due {
	char vid[BOOK_VID];
	int64_t amount;
};

struct claws {
	int pass;
	/* the rows named by clawback entries without a voucher (pass 1),
	 * sorted, and the newest voucher of each so far (pass 2) */
	char (*key)[KEYLEN];
	char (*newest)[BOOK_VID];
	size_t nkey, capkey;
	/* what each voucher owes back, appended, then sorted and summed */
	struct due *due;
	size_t ndue, capdue;
};

static int claw_add(struct claws *c, const char *vid, int64_t amount)
{
	if (strlen(vid) >= BOOK_VID || vid[0] == '\0')
		return VD_EINTERNAL;
	if (c->ndue == c->capdue) {
		size_t nc = c->capdue ? c->capdue * 2 : 64;
		void *q = realloc(c->due, nc * sizeof(*c->due));
		if (q == NULL)
			return VD_ENOMEM;
		c->due = q;
		c->capdue = nc;
	}
	memcpy(c->due[c->ndue].vid, vid, strlen(vid) + 1);
	c->due[c->ndue++].amount = amount;
	return 0;
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static long key_find(const struct claws *c, const char *key)
{
	const char(*k)[KEYLEN] =
	    bsearch(key, c->key, c->nkey, sizeof(*c->key), key_cmp);

	return k ? (long)(k - c->key) : -1;
}

static int claw_entry(void *arg, uint64_t seq, const char *e, size_t len,
                      const uint8_t hash[CHAIN_HASH_LEN])
{
	struct claws *c = arg;
	char type[16], vid[STORE_ID + 1], prog[STORE_ID + 1], ben[STORE_ID + 1],
	    period[8], num[24], key[KEYLEN];
	int64_t amount;
	const char *why;
	long i;

	(void)seq;
	(void)hash;
	if (!journal_field(e, len, "type", type, sizeof(type)))
		return VD_EINTERNAL;
	if (strcmp(type, "grant") != 0 && strcmp(type, "clawback") != 0 &&
	    strcmp(type, "revoke") != 0)
		return 0;
	if (strcmp(type, "revoke") == 0) {
		if (c->pass == 1)
			return 0;
		if (!journal_field(e, len, "voucher", vid, sizeof(vid)) ||
		    !journal_field(e, len, "clawback", num, sizeof(num)) ||
		    num_parse(num, strlen(num), 0, INT64_MAX, &amount, &why) <
		        0)
			return VD_EINTERNAL;
		return amount ? claw_add(c, vid, amount) : 0;
	}
	if (!journal_field(e, len, "program", prog, sizeof(prog)) ||
	    !journal_field(e, len, "beneficiary", ben, sizeof(ben)) ||
	    !journal_field(e, len, "period", period, sizeof(period)))
		return VD_EINTERNAL;
	snprintf(key, sizeof(key), "%s|%s|%s", prog, ben, period);
	if (c->pass == 1) {
		/* remember the rows clawed back: only theirs are followed */
		if (type[0] != 'c')
			return 0;
		if (c->nkey == c->capkey) {
			size_t nc = c->capkey ? c->capkey * 2 : 64;
			void *q = realloc(c->key, nc * sizeof(*c->key));
			if (q == NULL)
				return VD_ENOMEM;
			c->key = q;
			c->capkey = nc;
		}
		memcpy(c->key[c->nkey++], key, sizeof(key));
		return 0;
	}
	if ((i = key_find(c, key)) < 0)
		return type[0] == 'g' ? 0 : VD_EINTERNAL;
	if (type[0] == 'g') {
		if (!journal_field(e, len, "voucher", vid, sizeof(vid)) ||
		    strlen(vid) >= BOOK_VID)
			return VD_EINTERNAL;
		memcpy(c->newest[i], vid, strlen(vid) + 1);
		return 0;
	}
	if (!journal_field(e, len, "amount", num, sizeof(num)) ||
	    num_parse(num, strlen(num), 0, INT64_MAX, &amount, &why) < 0)
		return VD_EINTERNAL;
	/* a clawback of nothing ever granted is a broken store */
	return claw_add(c, c->newest[i], amount);
}

static int due_cmp(const void *a, const void *b)
{
	return strcmp(((const struct due *)a)->vid,
	              ((const struct due *)b)->vid);
}

/* Both passes over the journal, then each voucher's due summed. */
static int claws_read(struct ltx *t, struct claws *c)
{
	size_t i, n = 0;
	int rc;

	c->pass = 1;
	if ((rc = journal_read(t, 0, 0, claw_entry, c)) < 0)
		return rc;
	if (c->nkey > 1)
		qsort(c->key, c->nkey, sizeof(*c->key), key_cmp);
	for (i = 0; i < c->nkey; i++)
		if (n == 0 || strcmp(c->key[n - 1], c->key[i]) != 0)
			memmove(c->key[n++], c->key[i], sizeof(*c->key));
	c->nkey = n;
	c->newest = calloc(n ? n : 1, sizeof(*c->newest));
	if (c->newest == NULL)
		return VD_ENOMEM;
	c->pass = 2;
	if ((rc = journal_read(t, 0, 0, claw_entry, c)) < 0)
		return rc;
	if (c->ndue > 1)
		qsort(c->due, c->ndue, sizeof(*c->due), due_cmp);
	for (n = 0, i = 0; i < c->ndue; i++)
		if (n > 0 && strcmp(c->due[n - 1].vid, c->due[i].vid) == 0) {
			if ((rc = money_add(c->due[n - 1].amount,
			                    c->due[i].amount,
			                    &c->due[n - 1].amount)) < 0)
				return rc;
		} else
			c->due[n++] = c->due[i];
	c->ndue = n;
	return 0;
}

static void claws_free(struct claws *c)
{
	free(c->key);
	free(c->newest);
	free(c->due);
}

static int64_t claw_of(const struct claws *c, const char *vid)
{
	struct due k;
	const struct due *d;

	if (strlen(vid) >= sizeof(k.vid))
		return 0; /* no voucher id is that long */
	memcpy(k.vid, vid, strlen(vid) + 1);
	d = bsearch(&k, c->due, c->ndue, sizeof(*c->due), due_cmp);
	return d ? d->amount : 0;
}

/* Each voucher row in schema 4: what it pays (a provider program's grant
 * is a cash entitlement, which never expires: it leaves the expiry
 * index), its clawback due. */
static int vouchers(struct ltx *t, const struct policy *pol,
                    const struct claws *c, size_t *n, char *msg, size_t len)
{
	struct book bk = {t, pol, 0};
	struct rows r = {NULL, 0, 0, sizeof(struct voucher_row_v3)};
	size_t i;
	int rc;

	if ((rc = ltx_walk(t, DB_VOUCHERS_BY, NULL, 0, NULL, 0, save, &r)) < 0)
		goto out;
	for (i = 0; i < r.n && rc == 0; i++) {
		const struct voucher_row_v3 *o = &r.v[i].row.v;
		const struct policy_program *g =
		    policy_program(pol, o->program);
		const uint8_t *kp = r.v[i].key + 4;
		char vid[STORE_ID + 1];
		struct voucher_row v;

		/* run after upgrade8_keys: (beneficiary's number, id) */
		if (r.v[i].klen < 4 ||
		    (rc = store_key_take_str(&kp, r.v[i].key + r.v[i].klen,
		                             vid)) < 0)
			break;
		memset(&v, 0, sizeof(v));
		memcpy(v.program, o->program, sizeof(v.program));
		memcpy(v.beneficiary, o->beneficiary, sizeof(v.beneficiary));
		v.period = o->period;
		v.granted = o->granted;
		v.redeemed = o->redeemed;
		v.expired = o->expired;
		v.revoked = o->revoked;
		v.expires_at = o->expires_at;
		v.status = o->status;
		if (g != NULL)
			v.pays = g->beneficiary == POLICY_PROVIDER
			             ? POLICY_PAYS_CASH
			             : POLICY_PAYS_VOUCHER;
		else {
			/* a program since removed: its holder says */
			struct principal_row pr;
			if ((rc = book_principal(&bk, v.beneficiary, &pr)) < 0)
				break;
			v.pays = pr.role == ROLE_PROVIDER ? POLICY_PAYS_CASH
			                                  : POLICY_PAYS_VOUCHER;
		}
		v.clawback_due = claw_of(c, vid);
		/* schema 3 could make more due than left through a voucher
		 * (a revoke counted again what a void had made due; a void's
		 * excess beyond what was spent): schema 4 would let its
		 * repayment swell the pool, so such a store is not
		 * converted silently */
		if (v.clawback_due > v.redeemed) {
			snprintf(
			    msg, len,
			    "voucher %s: %" PRId64
			    " fen owed back, more than the %" PRId64
			    " that left through it; the bureau must decide "
			    "what is owed before this store is upgraded "
			    "(nothing was changed)",
			    vid, v.clawback_due, v.redeemed);
			rc = VD_EINVAL;
			break;
		}
		if (v.pays == POLICY_PAYS_CASH) {
			/* out of the expiry index (it holds the active ones
			 * with money left) and never to expire */
			uint8_t ek[8 + STORE_KSTR];
			size_t kn = store_key_u64(
			    ek, 0, (uint64_t)o->expires_at ^ (1ull << 63));
			kn = store_key_str(ek, kn, vid);
			if ((rc = ltx_del(t, DB_EXPIRY, ek, kn)) < 0)
				break;
			if (v.status == V_ACTIVE)
				v.expires_at = 0;
		}
		rc = ltx_put(t, DB_VOUCHERS_BY, r.v[i].key, r.v[i].klen, &v,
		             sizeof(v));
	}
	*n = r.n;
out:
	free(r.v);
	return rc;
}

/* Every beneficiary's schema-3 sum must equal its vouchers' dues. */
struct sums {
	struct ltx *t;
	const struct claws *c;
	char *msg;
	size_t len;
};

static int sum_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct sums *s = arg;
	struct book b = {s->t, NULL, 0};
	char ben[STORE_ID + 1];
	int64_t old, now;
	int rc;

	if (k->mv_size != STORE_ID || v->mv_size != sizeof(old))
		return VD_EINTERNAL;
	memcpy(&old, v->mv_data, sizeof(old));
	store_key_get_id(k->mv_data, ben);
	if ((rc = book_clawback_get(&b, ben, &now)) < 0)
		return rc;
	if (now != old) {
		snprintf(s->msg, s->len,
		         "%s owed back %" PRId64 " fen, the journal gives its "
		         "vouchers %" PRId64,
		         ben, old, now);
		return VD_EINTERNAL;
	}
	return 0;
}

static int clear_clawbacks(struct ltx *t, struct sums *s)
{
	struct rows r = {NULL, 0, 0, sizeof(int64_t)};
	size_t i;
	int rc;

	if ((rc = ltx_walk(t, DB_CLAWBACKS, NULL, 0, NULL, 0, sum_one, s)) <
	        0 ||
	    (rc = ltx_walk(t, DB_CLAWBACKS, NULL, 0, NULL, 0, save, &r)) < 0)
		goto out;
	for (i = 0; i < r.n && rc == 0; i++)
		rc = ltx_del(t, DB_CLAWBACKS, r.v[i].key, r.v[i].klen);
out:
	free(r.v);
	return rc;
}

/* Each pool row in schema 4, its budget fixed (every row exists because
 * the period drew on the pool) from the recorded policy, journaled. */
/* Schemas 3 and 4 to 5: every principal gains a region (none: within no
 * region, as the old `local` flag keeps working for programs without
 * one) and a status (active). */
static int principals(struct ltx *t, size_t *n)
{
	struct rows r = {NULL, 0, 0, sizeof(struct principal_row_v4)};
	size_t i;
	int rc;

	if ((rc = ltx_walk(t, DB_PRINCIPALS, NULL, 0, NULL, 0, save, &r)) < 0)
		goto out;
	for (i = 0; i < r.n && rc == 0; i++) {
		const struct principal_row_v4 *o = &r.v[i].row.pr;
		struct principal_row p;
		memset(&p, 0, sizeof(p));
		p.role = o->role;
		p.local = o->local;
		memcpy(p.kind, o->kind, sizeof(p.kind));
		memcpy(p.key, o->key, sizeof(p.key));
		p.seq = o->seq;
		p.status = P_ACTIVE;
		rc = ltx_put(t, DB_PRINCIPALS, r.v[i].key, r.v[i].klen, &p,
		             sizeof(p));
	}
	*n = r.n;
out:
	free(r.v);
	return rc;
}

static int pools(struct book *b, size_t *n)
{
	struct rows r = {NULL, 0, 0, sizeof(struct pool_row_v3)};
	size_t i;
	int rc;

	if ((rc = ltx_walk(b->t, DB_POOLS, NULL, 0, NULL, 0, save, &r)) < 0)
		goto out;
	for (i = 0; i < r.n && rc == 0; i++) {
		const struct pool_row_v3 *o = &r.v[i].row.p;
		char id[STORE_ID + 1];
		struct pool_row p;
		int32_t period;
		int idx;

		store_key_get_id(r.v[i].key, id);
		period = store_get_u16(r.v[i].key + STORE_ID);
		memset(&p, 0, sizeof(p));
		p.granted = o->granted;
		p.redeemed = o->redeemed;
		p.expired = o->expired;
		p.revoked = o->revoked;
		p.unfunded = o->unfunded;
		idx = policy_pool_index(b->pol, id);
		if (idx >= 0)
			rc = book_pool_fix(b, idx, period, &p);
		if (rc == 0)
			rc = ltx_put(b->t, DB_POOLS, r.v[i].key, r.v[i].klen,
			             &p, sizeof(p));
	}
	*n = r.n;
out:
	free(r.v);
	return rc;
}

/* A settlement fixes its period's budget in the program's pools even
 * when it paid nothing (and so made no pool row in schema 3). */
static int settled_budgets(struct book *b)
{
	struct rows r = {NULL, 0, 0, 4 * sizeof(int64_t)};
	size_t i, j;
	int rc;

	if ((rc = ltx_walk(b->t, DB_SETTLED, NULL, 0, NULL, 0, save, &r)) < 0)
		goto out;
	for (i = 0; i < r.n && rc == 0; i++) {
		char prog[STORE_ID + 1];
		const struct policy_program *g;
		int32_t period;

		store_key_get_id(r.v[i].key, prog);
		period = store_get_u16(r.v[i].key + STORE_ID);
		if ((g = policy_program(b->pol, prog)) == NULL)
			continue;
		for (j = 0; j < g->nshares && rc == 0; j++) {
			const char *pool = b->pol->pools[g->shares[j].pool].id;
			struct pool_row p;
			if ((rc = book_pool_get(b, pool, period, &p)) < 0 ||
			    p.fixed)
				continue;
			if ((rc = book_pool_fix(b, g->shares[j].pool, period,
			                        &p)) == 0)
				rc = book_pool_put(b, pool, period, &p);
		}
	}
out:
	free(r.v);
	return rc;
}

/* Schema 3 computed an annual program's earned at settlement only: the
 * rows of unsettled periods get what is earned so far. */
static int annual_rows(struct book *b, size_t *n)
{
	struct rows r = {NULL, 0, 0, sizeof(struct acc_row)};
	size_t i;
	int rc;

	*n = 0;
	if ((rc = ltx_walk(b->t, DB_ACCRUAL, NULL, 0, NULL, 0, save, &r)) < 0)
		goto out;
	for (i = 0; i < r.n && rc == 0; i++) {
		char prog[STORE_ID + 1], ben[STORE_ID + 1];
		const struct policy_program *g;
		struct acc_row a = r.v[i].row.a;
		int32_t period;

		if ((rc = book_acc_key_parse(b->t, r.v[i].key, r.v[i].klen,
		                             prog, ben, NULL, &period)) < 0)
			break;
		g = policy_program(b->pol, prog);
		if (g == NULL || g->settlement != POLICY_ANNUAL)
			continue;
		/* a settled row keeps the earned its settlement computed */
		if ((rc = ops_settled(b, g->id, period)) != 0) {
			rc = rc < 0 ? rc : 0;
			continue;
		}
		if ((rc = book_earned_row(b, g, ben, "", period, &a,
		                          &a.earned)) < 0 ||
		    memcmp(&a, &r.v[i].row.a, sizeof(a)) == 0)
			continue;
		rc = ltx_put(b->t, DB_ACCRUAL, r.v[i].key, r.v[i].klen, &a,
		             sizeof(a));
		(*n)++;
	}
out:
	free(r.v);
	return rc;
}

static int stored_policy(struct ltx *t, struct policy **out)
{
	MDB_val v, blob;
	int rc;

	if ((rc = ltx_get(t, DB_META, "policy", 6, &v)) < 0 ||
	    (rc = ltx_get(t, DB_POLICIES, v.mv_data, v.mv_size, &blob)) < 0)
		return rc;
	return policy_load_blob(blob.mv_data, blob.mv_size, out, NULL);
}

/* What an upgrade rewrote, for its message. */
struct done {
	size_t nv, np, na, npr, nacc, nrec, nno, nkey;
};

/* One attempt of the upgrade's transaction: 0 once committed, or a
 * negative code with msg saying why (VD_ENOSPC: the map is full, nothing
 * kept; the caller grows it and tries again). *pol gets the store's
 * recorded policy (the caller frees it). */
static int upgrade_txn(struct store *st, const char *dir, uint32_t schema,
                       int64_t now, struct claws *c, struct policy **pol,
                       struct done *d, char *msg, size_t len)
{
	uint32_t to = STORE_SCHEMA;
	struct jfields f;
	struct ltx t;
	int rc;

	memset(d, 0, sizeof(*d));
	msg[0] = '\0';
	if ((rc = ltx_begin(st, NULL, 0, &t)) < 0)
		goto fail;
	/* 4 to 5 first: the 3-to-4 steps read principals as schema 5; then
	 * 5 to 6's accrual keys and records, which they read as schema 6
	 * (they write voucher rows of schema 6 themselves) */
	if (schema < 5)
		rc = principals(&t, &d->npr);
	if (rc == 0 && schema < 6 &&
	    (rc = upgrade6_accrual(&t, &d->nacc)) == 0 &&
	    (rc = upgrade6_records(&t, &d->nrec)) == 0 && schema >= 4)
		rc = upgrade6_vouchers(&t, &d->nv);
	/* 6 to 7: principal numbers, then the records and their org index
	 * in the numbers' layout (upgrade7.h) */
	if (rc == 0 && schema < 7 && (rc = upgrade7_numbers(&t, &d->nno)) == 0)
		rc = upgrade7_records(&t, &d->nrec);
	/* 7 to 8: the other keys in numbers (upgrade8.h), before the 3 to
	 * 4 steps and the rollup, which read and write through book.h */
	if (rc == 0)
		rc = upgrade8_keys(&t, &d->nkey);
	/* the policy the store recorded: NULL when none was ever loaded (no
	 * grant, no pool, no row to convert) */
	if (rc == 0 && (rc = stored_policy(&t, pol)) == VD_ENOENT)
		rc = 0;
	if (rc == 0 && schema < 4 && *pol != NULL) {
		/* (for schema 4, the rest of 4 to 5 is the principals') */
		struct book b = {&t, *pol, now};
		struct sums s = {&t, c, msg, len};
		if ((rc = claws_read(&t, c)) == 0 &&
		    (rc = vouchers(&t, *pol, c, &d->nv, msg, len)) == 0 &&
		    (rc = clear_clawbacks(&t, &s)) == 0 &&
		    (rc = pools(&b, &d->np)) == 0 &&
		    (rc = settled_budgets(&b)) == 0)
			rc = annual_rows(&b, &d->na);
	}
	/* 5 to 6: the daily rollup, from the journal as the checker
	 * rebuilds it, once every row is of schema 7 (its replay reads the
	 * voided records) */
	if (rc == 0 && schema < 6)
		rc = ledger_rollup_rebuild(&t, *pol, now, msg, len);
	journal_fields_init(&f);
	journal_i64(&f, "from", schema);
	journal_i64(&f, "to", to);
	if (rc == 0)
		rc = journal_append(&t, now, "upgrade", &f, NULL);
	if (rc == 0)
		rc = ltx_put(&t, DB_META, "schema", 6, &to, sizeof(to));
	if (rc == 0) {
		if ((rc = ltx_commit(&t)) < 0)
			goto fail;
		return 0;
	}
	ltx_abort(&t);
fail:
	if (msg[0] == '\0')
		snprintf(msg, len, "%s: %s", dir, err_str(rc));
	return rc;
}

int ledger_upgrade(const char *dir, int64_t now, char *msg, size_t len)
{
	struct claws *c = calloc(1, sizeof(*c));
	struct policy *pol = NULL;
	struct store *st = NULL;
	uint32_t schema = 0, to = STORE_SCHEMA;
	struct done d;
	int rc, grown;

	if (c == NULL) {
		snprintf(msg, len, "out of memory");
		return VD_ENOMEM;
	}
	if ((rc = store_open_old(dir, 0, &st, &schema, msg, len)) < 0) {
		free(c);
		return rc;
	}
	if (schema == STORE_SCHEMA) {
		snprintf(msg, len, "%s: already schema %u: nothing to do", dir,
		         schema);
		goto out;
	}
	/* a store of 10^6 records needs room for its new rows beside the
	 * old ones until the commit frees them: a full map is grown and the
	 * whole transaction run again, as ledger_batch does */
	/* at most 16 doublings, as ledger_batchv: 64 MiB grows to 4 TiB */
	for (grown = 0; (rc = upgrade_txn(st, dir, schema, now, c, &pol, &d,
	                                  msg, len)) == VD_ENOSPC &&
	                grown < 16;
	     grown++) {
		policy_free(pol);
		pol = NULL;
		claws_free(c);
		memset(c, 0, sizeof(*c));
		if ((rc = store_grow(st)) < 0) {
			snprintf(msg, len, "%s: %s", dir, err_str(rc));
			goto out;
		}
	}
	if (rc < 0)
		goto out;
	if (schema == 7) {
		snprintf(msg, len, "%s: schema 7 to %u: %zu keys rewritten",
		         dir, to, d.nkey);
	} else if (schema == 6) {
		snprintf(msg, len,
		         "%s: schema 6 to %u: %zu records, %zu principals "
		         "numbered, %zu keys rewritten",
		         dir, to, d.nrec, d.nno, d.nkey);
	} else {
		int n =
		    snprintf(msg, len,
		             "%s: schema %u to %u: %zu records, %zu accrual "
		             "rows, %zu vouchers",
		             dir, schema, to, d.nrec, d.nacc, d.nv);
		size_t at = n < 0 ? len : (size_t)n;
		if (schema < 5 && at < len)
			at += (size_t)snprintf(msg + at, len - at,
			                       ", %zu principals", d.npr);
		if (schema < 4 && at < len)
			at +=
			    (size_t)snprintf(msg + at, len - at,
			                     ", %zu pool periods (budgets "
			                     "fixed), %zu annual accrual rows "
			                     "recomputed",
			                     d.np, d.na);
		if (at < len)
			snprintf(
			    msg + at, len - at,
			    ", %zu principals numbered, %zu keys rewritten",
			    d.nno, d.nkey);
	}
out:
	policy_free(pol);
	store_close(st);
	claws_free(c);
	free(c);
	return rc;
}
