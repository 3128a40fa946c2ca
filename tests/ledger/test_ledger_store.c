/* The store under stress: map growth from 1 MiB, reopening, the checker
 * catching tampering, a schema mismatch, and SIGKILL at random moments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <cmocka.h>

#include "ledger_fixture.h"
#include "book.h"
#include "chain.h"
#include "store.h"

#define SMALL VD_SOURCE_DIR "/tests/data/policy-small/small.ini"

/* n records as one signed BATCH (one operation), committed */
static int write_batch(struct fx *f, const char *prefix, int batch, int n)
{
	struct ledger_record *recs = calloc((size_t)n, sizeof(*recs));
	char id[64], org[16];
	struct ledger_op op;
	int i, rc;

	if (recs == NULL)
		return -1;
	snprintf(org, sizeof(org), "o%d", batch % 10);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%s-%d-%d", prefix, batch, i);
		fx_record(&recs[i], "dc", id, org, JUNE_2026, 1000 + i,
		          KIND_TRAINING);
	}
	memset(&op, 0, sizeof(op));
	op.type = OP_BATCH;
	op.now = f->now;
	op.u.batch.recs = recs;
	op.u.batch.n = (size_t)n;
	op.u.batch.lines = "(lines)";
	op.u.batch.lines_len = 7;
	rc = ledger_batch(f->l, &op, 1);
	if (rc == 0)
		rc = op.rc;
	free(recs);
	return rc;
}

static void setup_principals(struct fx *f)
{
	char org[16];
	int i;

	assert_int_equal(fx_register(f, "dc", ROLE_PROVIDER, "", 0), 0);
	for (i = 0; i < 10; i++) {
		snprintf(org, sizeof(org), "o%d", i);
		assert_int_equal(fx_register(f, org, ROLE_ORG, "", 0), 0);
	}
}

static void reopen(struct fx *f)
{
	char err[256];

	ledger_close(f->l);
	f->l = NULL;
	if (ledger_open(f->dir, 0, 0, &f->l, err, sizeof(err)) < 0)
		fail_msg("reopen: %s", err);
	ledger_set_policy(f->l, f->p);
}

static void test_map_growth_and_reopen(void **state)
{
	static const char *const files[] = {SMALL, NULL};
	struct ledger_recinfo r;
	struct ledger_pool pool;
	char msg[512];
	struct fx f;
	int b;

	(void)state;
	assert_int_equal(fx_open(&f, files, 1 << 20), 0);
	assert_true(ledger_map_size(f.l) == 1 << 20);
	setup_principals(&f);
	/* 100,000 records in batches of 1,000 grow the map from 1 MiB */
	for (b = 0; b < 100; b++)
		assert_int_equal(write_batch(&f, "g", b, 1000), 0);
	assert_true(ledger_map_size(f.l) > 1 << 20);
	print_message("map grew from 1 MiB to %zu MiB for 100,000 records\n",
	              ledger_map_size(f.l) >> 20);
	reopen(&f);
	assert_int_equal(ledger_record(f.l, "dc", "g-0-0", &r), 0);
	assert_true(r.amount == 1000 && strcmp(r.org, "o0") == 0);
	assert_int_equal(ledger_record(f.l, "dc", "g-99-999", &r), 0);
	assert_true(r.amount == 1999);
	assert_int_equal(ledger_record(f.l, "dc", "g-100-0", &r), VD_ENOENT);
	/* the tiny pool (10,000 fen) went to the first records: 10% of
	 * the first org's ... all 10,000 granted, the rest unfunded */
	assert_int_equal(fx_pool(&f, "tiny", 2026, &pool), 0);
	assert_true(pool.granted == 10000 && pool.remaining == 0);
	if (ledger_check(f.l, msg, sizeof(msg)) != 0)
		fail_msg("%s", msg);
	fx_close(&f);
}

struct reader {
	struct ledger *l;
	atomic_int stop;
	long reads, wrong;
};

/* Reads one record over and over, as the daemon's loop thread does while
 * the commit thread writes. */
static void *read_loop(void *arg)
{
	struct reader *rd = arg;
	struct ledger_recinfo r;
	int rc;

	while (!atomic_load(&rd->stop)) {
		rc = ledger_record(rd->l, "dc", "g-0-0", &r);
		if (rc == 0 ? r.amount != 1000 : rc != VD_ENOENT)
			rd->wrong++;
		rd->reads++;
	}
	return NULL;
}

/* The map grows (LMDB remaps it) while another thread reads: LMDB forbids
 * a resize under an open transaction of the process, so store_grow waits
 * for the reads open then (once, without that wait, the daemon died of
 * SIGSEGV when its map first outgrew 64 MiB under load). */
static void test_map_grows_under_readers(void **state)
{
	static const char *const files[] = {SMALL, NULL};
	struct reader rd = {0};
	pthread_t t;
	struct fx f;
	int b;

	(void)state;
	assert_int_equal(fx_open(&f, files, 1 << 20), 0);
	setup_principals(&f);
	rd.l = f.l;
	assert_int_equal(pthread_create(&t, NULL, read_loop, &rd), 0);
	for (b = 0; b < 60; b++)
		assert_int_equal(write_batch(&f, "g", b, 1000), 0);
	atomic_store(&rd.stop, 1);
	pthread_join(t, NULL);
	assert_true(ledger_map_size(f.l) >= 8 << 20);
	assert_true(rd.reads > 0);
	assert_true(rd.wrong == 0);
	print_message("map grew to %zu MiB under %ld reads\n",
	              ledger_map_size(f.l) >> 20, rd.reads);
	fx_check_ok(&f);
	fx_close(&f);
}

/* The remaining of the active vouchers a BALANCE lists, and how many. */
struct tally {
	int64_t total, n;
};

static int tally_one(void *arg, const struct ledger_voucher *v)
{
	struct tally *t = arg;

	t->n++;
	t->total += v->status == LEDGER_V_ACTIVE ? v->remaining : 0;
	return 0;
}

static int page_count(void *arg, const struct ledger_recinfo *r)
{
	(void)r;
	((struct tally *)arg)->n++;
	return 0;
}

struct nest {
	struct ledger *l;
	struct ledger_reader *rd;
};

/* A read passed the reader from inside another read of it */
static int nested_one(void *arg, const struct ledger_voucher *v)
{
	struct nest *n = arg;
	struct tally t = {0, 0};
	int64_t due;

	(void)v;
	return ledger_balance(n->l, n->rd, "s", 0, tally_one, &t, &due);
}

/* A reader renewed for each read sees every commit before it (a reader
 * that kept its first snapshot would answer 300 each time); the thread's
 * own transactions (ledger_record) run between its reads; a read inside
 * a read of the same reader is refused, not run in a transaction LMDB
 * would refuse (one per thread). */
static void test_reader_sees_each_commit(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	struct ledger_reader *rd = NULL;
	struct ledger_recinfo rec;
	struct tally t;
	char id[16];
	int64_t due;
	struct fx f;
	int i;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	assert_int_equal(ledger_reader_new(f.l, &rd), 0);
	for (i = 0; i < 20; i++) {
		snprintf(id, sizeof(id), "r%d", i);
		/* 3% of 100 yuan each time */
		assert_int_equal(fx_usage(&f, "dc", id, "s", JUNE_2026, 10000),
		                 0);
		memset(&t, 0, sizeof(t));
		assert_int_equal(
		    ledger_balance(f.l, rd, "s", 0, tally_one, &t, &due), 0);
		assert_true(t.n == 1 && t.total == 300 * (i + 1) && due == 0);
		assert_int_equal(ledger_record(f.l, "dc", id, &rec), 0);
		assert_true(rec.amount == 10000);
	}
	/* the same reader for the other per-org reads */
	{
		char next[160];
		struct tally a = {0, 0};
		assert_int_equal(ledger_records(f.l, rd, "s", NULL, 0, "", 5,
		                                page_count, &a, next,
		                                sizeof(next), NULL),
		                 0);
		assert_true(a.n == 5 && strcmp(next, "dc/r4") == 0);
	}
	{
		struct nest n = {f.l, rd};
		assert_int_equal(
		    ledger_balance(f.l, rd, "s", 0, nested_one, &n, &due),
		    VD_EINTERNAL);
	}
	/* and the reader is usable again after that refusal */
	memset(&t, 0, sizeof(t));
	assert_int_equal(ledger_balance(f.l, rd, "s", 0, tally_one, &t, &due),
	                 0);
	assert_true(t.total == 300 * 20);
	ledger_reader_free(rd);
	fx_close(&f);
}

struct bal_reader {
	struct ledger *l;
	atomic_int stop;
	long reads, wrong;
	long across; /* reads after the map grew since the one before */
	long full;   /* reads that saw o0's voucher */
};

/* BALANCE and RECORDS of o0 over and over in a reader of this thread's
 * own (made, used and freed here), as the daemon's loop does while the
 * commit thread writes and grows the map. */
static void *balance_loop(void *arg)
{
	struct bal_reader *b = arg;
	struct ledger_reader *rd = NULL;
	int64_t due;
	size_t map = ledger_map_size(b->l);
	char next[160];

	if (ledger_reader_new(b->l, &rd) < 0) {
		b->wrong++;
		return NULL;
	}
	while (!atomic_load(&b->stop)) {
		struct tally t = {0, 0}, r = {0, 0};
		/* o0 has nothing until its first records take the tiny
		 * pool's 10,000 fen in one voucher; then that, for good: a
		 * stale or torn read shows anything else */
		if (ledger_balance(b->l, rd, "o0", 0, tally_one, &t, &due) <
		        0 ||
		    (t.total != 0 && (t.total != 10000 || t.n != 1)) ||
		    ledger_records(b->l, rd, "o0", NULL, 0, "", 1, page_count,
		                   &r, next, sizeof(next), NULL) < 0)
			b->wrong++;
		if (t.total == 10000)
			b->full++;
		if (ledger_map_size(b->l) != map) {
			map = ledger_map_size(b->l);
			b->across++;
		}
		b->reads++;
	}
	ledger_reader_free(rd);
	return NULL;
}

/* The map doubles (LMDB unmaps and maps it again) between two reads of
 * a reader: the reset transaction holds nothing of the old map, and the
 * renewal reads the new one (store.c says why). Under ASan a read of the
 * old map would be a use of unmapped memory. */
static void test_reader_across_map_growth(void **state)
{
	static const char *const files[] = {SMALL, NULL};
	struct bal_reader b = {0};
	struct ledger_reader *rd = NULL;
	struct tally t = {0, 0};
	pthread_t th;
	int64_t due;
	struct fx f;
	int i;

	(void)state;
	assert_int_equal(fx_open(&f, files, 1 << 20), 0);
	setup_principals(&f);
	b.l = f.l;
	assert_int_equal(pthread_create(&th, NULL, balance_loop, &b), 0);
	for (i = 0; i < 60; i++)
		assert_int_equal(write_batch(&f, "g", i, 1000), 0);
	atomic_store(&b.stop, 1);
	pthread_join(th, NULL);
	assert_true(ledger_map_size(f.l) >= 8 << 20);
	assert_true(b.reads > 0 && b.wrong == 0);
	/* reads did happen between growths, not only before the first, and
	 * the reader saw the commits (a reader never renewed sees none) */
	assert_true(b.across > 0 && b.full > 0);
	print_message("map grew to %zu MiB under %ld reads of a reader\n",
	              ledger_map_size(f.l) >> 20, b.reads);
	/* the tiny pool's 10,000 fen went to o0's first records */
	assert_int_equal(ledger_reader_new(f.l, &rd), 0);
	assert_int_equal(ledger_balance(f.l, rd, "o0", 0, tally_one, &t, &due),
	                 0);
	assert_true(t.total == 10000);
	ledger_reader_free(rd);
	fx_check_ok(&f);
	fx_close(&f);
}

static uint64_t head_seq(struct fx *f)
{
	uint8_t h[32];
	uint64_t seq = 0;

	assert_int_equal(ledger_head(f->l, &seq, h), 0);
	return seq;
}

/* The ledger decides whether a policy is new, in the writer: two swaps
 * to the same policy queued together journal it once (the daemon once
 * decided on its loop thread, before either had committed, and two
 * pipelined RELOADs journaled it twice). */
static void test_policy_recorded_once(void **state)
{
	static const char *const files[] = {SMALL, NULL};
	const char *xin = VD_SOURCE_DIR "/deploy/policies/xinxing.ini";
	struct policy *other = NULL, *stored = NULL;
	struct ledger_op ops[2];
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_true(head_seq(&f) == 0);
	memset(ops, 0, sizeof(ops));
	ops[0].type = ops[1].type = OP_POLICY;
	assert_int_equal(ledger_batch(f.l, ops, 2), 0);
	assert_int_equal(ops[0].rc, 0);
	assert_int_equal(ops[0].status, LEDGER_ACCEPTED);
	assert_true(ops[0].seq == 1);
	assert_int_equal(ops[1].rc, 0);
	assert_int_equal(ops[1].status, LEDGER_DUPLICATE);
	assert_true(ops[1].seq == 0);
	assert_true(head_seq(&f) == 1);
	/* another policy is recorded, and becomes the stored one */
	assert_int_equal(policy_load_files(&xin, 1, &other, NULL), 0);
	ledger_set_policy(f.l, other);
	memset(ops, 0, sizeof(ops));
	ops[0].type = OP_POLICY;
	assert_int_equal(ledger_batch(f.l, ops, 1), 0);
	assert_int_equal(ops[0].status, LEDGER_ACCEPTED);
	assert_true(ops[0].seq == 2);
	assert_int_equal(ledger_stored_policy(f.l, &stored, NULL), 0);
	assert_memory_equal(stored->sha256, other->sha256, 32);
	policy_free(stored);
	ledger_set_policy(f.l, f.p);
	policy_free(other);
	fx_close(&f);
}

static void tamper(struct fx *f, enum store_db db, const void *key, size_t klen,
                   size_t off, uint8_t x)
{
	struct ltx t;
	MDB_val v;
	uint8_t *copy;

	assert_int_equal(ltx_begin(ledger_store(f->l), NULL, 0, &t), 0);
	assert_int_equal(ltx_get(&t, db, key, klen, &v), 0);
	copy = malloc(v.mv_size);
	memcpy(copy, v.mv_data, v.mv_size);
	copy[off] ^= x;
	assert_int_equal(ltx_put(&t, db, key, klen, copy, v.mv_size), 0);
	assert_int_equal(ltx_commit(&t), 0);
	free(copy);
}

static void test_check_catches_tampering(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	struct ledger_voucher v;
	uint8_t key[BOOK_VBY_KEY];
	char msg[512];
	size_t kn;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "r1", "s", JUNE_2026, 10000000), 0);
	assert_int_equal(ledger_check(f.l, msg, sizeof(msg)), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, &v) == 300000);
	/* a balance changed behind the ledger's back */
	/* the row is under (beneficiary's number, voucher id) */
	{
		struct ltx t;
		assert_int_equal(ltx_begin(ledger_store(f.l), NULL, 1, &t), 0);
		assert_int_equal(book_vby_key(&t, key, &kn, "s", v.id), 0);
		ltx_abort(&t);
	}
	tamper(&f, DB_VOUCHERS_BY, key, kn,
	       offsetof(struct voucher_row, granted), 0x01);
	assert_int_equal(ledger_check(f.l, msg, sizeof(msg)), VD_EINTERNAL);
	assert_non_null(strstr(msg, v.id));
	print_message("tampered voucher: %s\n", msg);
	fx_close(&f);

	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "r1", "s", JUNE_2026, 10000000), 0);
	/* one byte of journal entry 2 (the second registration) */
	{
		uint8_t seq[8];
		store_key_u64(seq, 0, 2);
		tamper(&f, DB_JOURNAL, seq, 8, 32 + 10, 0x20);
	}
	assert_int_equal(ledger_check(f.l, msg, sizeof(msg)), VD_EINTERNAL);
	assert_string_equal(msg, "journal entry 2: hash chain broken");
	fx_close(&f);

	/* a principal suspended, moved or rekeyed behind the ledger's back:
	 * its register (and amend, suspend, rekey) entries say otherwise */
	{
		static const struct {
			size_t off;
			const char *why;
		} cases[] = {
		    {offsetof(struct principal_row, status),
		     "principal s: status differs from the journal"},
		    {offsetof(struct principal_row, region),
		     "principal s: region differs from the journal"},
		    {offsetof(struct principal_row, key),
		     "principal s: key differs from the journal"},
		    {offsetof(struct principal_row, kind),
		     "principal s: kind differs from the journal"},
		};
		size_t i;
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			assert_int_equal(fx_open(&f, files, 0), 0);
			assert_int_equal(
			    fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
			assert_int_equal(ledger_check(f.l, msg, sizeof(msg)),
			                 0);
			store_key_id(key, 0, "s");
			tamper(&f, DB_PRINCIPALS, key, STORE_ID, cases[i].off,
			       0x01);
			assert_int_equal(ledger_check(f.l, msg, sizeof(msg)),
			                 VD_EINTERNAL);
			assert_string_equal(msg, cases[i].why);
			fx_close(&f);
		}
	}
}

/* Rewrite the first journal entry of type whose bytes hold from, with
 * from replaced by to, then re-chain every later entry and the head, as
 * anyone who can write the store could: the hash chain stays whole, so
 * only the checker's reading of the bytes can notice. Returns the seq of
 * the entry rewritten. */
static uint64_t rechain(struct fx *f, const char *type, const char *from,
                        const char *to)
{
	uint8_t key[8], prev[CHAIN_HASH_LEN], head[8 + CHAIN_HASH_LEN];
	char want[32], *val = NULL;
	uint64_t seq, target = 0;
	struct ltx t;
	MDB_val v;

	snprintf(want, sizeof(want), " type=%s ", type);
	memset(prev, 0, sizeof(prev));
	assert_int_equal(ltx_begin(ledger_store(f->l), NULL, 0, &t), 0);
	for (seq = 1;; seq++) {
		char *bytes, *at;
		size_t n;
		store_key_u64(key, 0, seq);
		if (ltx_get(&t, DB_JOURNAL, key, 8, &v) == VD_ENOENT)
			break;
		/* a copy with room for the change and a NUL */
		n = v.mv_size - CHAIN_HASH_LEN;
		val = realloc(val, v.mv_size + strlen(to) + 1);
		memcpy(val, v.mv_data, v.mv_size);
		bytes = val + CHAIN_HASH_LEN;
		bytes[n] = '\0';
		if (target == 0 && strstr(bytes, want) != NULL &&
		    (at = strstr(bytes, from)) != NULL) {
			size_t fl = strlen(from), tl = strlen(to);
			memmove(at + tl, at + fl,
			        n - (size_t)(at - bytes) - fl);
			memcpy(at, to, tl);
			n = n - fl + tl;
			target = seq;
		}
		if (target != 0) {
			assert_int_equal(
			    chain_hash(prev, bytes, n, (uint8_t *)val), 0);
			assert_int_equal(ltx_put(&t, DB_JOURNAL, key, 8, val,
			                         CHAIN_HASH_LEN + n),
			                 0);
		}
		memcpy(prev, val, CHAIN_HASH_LEN);
	}
	free(val);
	assert_true(target != 0);
	store_key_u64(head, 0, seq - 1);
	memcpy(head + 8, prev, CHAIN_HASH_LEN);
	assert_int_equal(ltx_put(&t, DB_META, "jhead", 5, head, sizeof(head)),
	                 0);
	assert_int_equal(ltx_commit(&t), 0);
	return target;
}

/* Part 6 of issue 12: a journal number the checker cannot read is its
 * finding. Each change below kept the hash chain whole and read as the
 * same value (or none) through strtoll, so the checker passed them. */
static void test_check_reads_journal_numbers(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	static const struct {
		const char *type, *from, *to, *why;
	} cases[] = {
	    /* a leading zero: strtoll read 10000000 */
	    {"usage", " amount=10000000 ", " amount=010000000 ",
	     "amount: not a number"},
	    /* trailing bytes: strtoll read 1 */
	    {"usage", " qty=1 ", " qty=1fen ", "qty: not a number"},
	    /* past INT64_MAX, in a field this policy's rows never use */
	    {"usage", " qty=1 ", " qty=99999999999999999999 ",
	     "qty: too large"},
	    /* a pool's part: strtoll read the digits before the 'x' (a
	     * grant carried in the record's usage entry, carry.h) */
	    {"usage", "/xinxing:300000/", "/xinxing:300000x/",
	     "pools: not a number"},
	    /* a carried grant's amount, its period; one that is no grant */
	    {"usage", "/2026/300000/", "/2026/0300000/",
	     "grant1: not a number"},
	    {"usage", "/s/2026/", "/s/2026x/", "grant1: not a number"},
	    {"usage", " grant1=V000000000001/", " grant1=V000000000001",
	     "grant1: not a grant"},
	};
	char msg[512], want[128];
	uint64_t seq;
	struct fx f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(fx_open(&f, files, 0), 0);
		assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1),
		                 0);
		assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0),
		                 0);
		assert_int_equal(
		    fx_usage(&f, "dc", "r1", "s", JUNE_2026, 10000000), 0);
		assert_int_equal(ledger_check(f.l, msg, sizeof(msg)), 0);
		seq = rechain(&f, cases[i].type, cases[i].from, cases[i].to);
		snprintf(want, sizeof(want), "journal entry %" PRIu64 ": %s",
		         seq, cases[i].why);
		assert_int_equal(ledger_check(f.l, msg, sizeof(msg)),
		                 VD_EINTERNAL);
		assert_string_equal(msg, want);
		fx_close(&f);
	}
}

static void test_schema_mismatch(void **state)
{
	static const char *const files[] = {SMALL, NULL};
	uint32_t other = STORE_SCHEMA + 1;
	char err[256];
	struct ledger *l = NULL;
	struct ltx t;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(ltx_begin(ledger_store(f.l), NULL, 0, &t), 0);
	assert_int_equal(
	    ltx_put(&t, DB_META, "schema", 6, &other, sizeof(other)), 0);
	assert_int_equal(ltx_commit(&t), 0);
	assert_int_equal(ledger_open(f.dir, 0, 0, &l, err, sizeof(err)),
	                 VD_EINVAL);
	assert_non_null(strstr(err, "store schema version 9, this vouchd reads "
	                            "version 8"));
	/* an older one: the message names the upgrade */
	other = 3;
	assert_int_equal(ltx_begin(ledger_store(f.l), NULL, 0, &t), 0);
	assert_int_equal(
	    ltx_put(&t, DB_META, "schema", 6, &other, sizeof(other)), 0);
	assert_int_equal(ltx_commit(&t), 0);
	assert_int_equal(ledger_open(f.dir, 0, 0, &l, err, sizeof(err)),
	                 VD_EINVAL);
	assert_non_null(strstr(err, "run `vouchd upgrade --data "));
	assert_int_equal(
	    ledger_open("/nonexistent/vd", 0, 0, &l, err, sizeof(err)),
	    VD_ENOENT);
	fx_close(&f);
}

/* The child writes batches and reports each one after it committed. */
static void child(struct fx *f, int iter, int fd)
{
	char err[256];
	int b;

	if (ledger_open(f->dir, 0, 0, &f->l, err, sizeof(err)) < 0)
		_exit(2);
	ledger_set_policy(f->l, f->p);
	for (b = 0;; b++) {
		char prefix[16];
		int done = iter * 100000 + b;
		snprintf(prefix, sizeof(prefix), "k%d", iter);
		if (write_batch(f, prefix, b, 20) != 0)
			_exit(3);
		if (write(fd, &done, sizeof(done)) != sizeof(done))
			_exit(4);
	}
}

static void test_sigkill_loses_nothing_acknowledged(void **state)
{
	static const char *const files[] = {SMALL, NULL};
	struct timespec ts;
	char msg[512];
	struct fx f;
	int iter, total = 0;

	(void)state;
	srand(12345);
	assert_int_equal(fx_open(&f, files, 0), 0);
	setup_principals(&f);
	for (iter = 0; iter < 50; iter++) {
		int fds[2], status, done, n = 0;
		pid_t pid;
		ledger_close(f.l);
		f.l = NULL;
		assert_int_equal(pipe(fds), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			child(&f, iter, fds[1]);
		}
		close(fds[1]);
		/* somewhere between 5 and 200 ms into the child's writing */
		ts.tv_sec = 0;
		ts.tv_nsec = (5 + rand() % 196) * 1000000L;
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		reopen(&f);
		while (read(fds[0], &done, sizeof(done)) == sizeof(done)) {
			/* every reported batch is there, each record once */
			char prefix[16], id[64];
			struct ledger_recinfo r;
			int i, b = done % 100000;
			snprintf(prefix, sizeof(prefix), "k%d", iter);
			for (i = 0; i < 20; i++) {
				snprintf(id, sizeof(id), "%s-%d-%d", prefix, b,
				         i);
				if (ledger_record(f.l, "dc", id, &r) != 0)
					fail_msg(
					    "iteration %d: batch %d record "
					    "%d lost",
					    iter, b, i);
			}
			n++;
		}
		close(fds[0]);
		total += n;
		if (ledger_check(f.l, msg, sizeof(msg)) != 0)
			fail_msg("iteration %d: %s", iter, msg);
	}
	print_message("50 kills, %d acknowledged batches all present\n", total);
	assert_true(total > 0);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_map_growth_and_reopen),
	    cmocka_unit_test(test_map_grows_under_readers),
	    cmocka_unit_test(test_reader_sees_each_commit),
	    cmocka_unit_test(test_reader_across_map_growth),
	    cmocka_unit_test(test_policy_recorded_once),
	    cmocka_unit_test(test_check_catches_tampering),
	    cmocka_unit_test(test_check_reads_journal_numbers),
	    cmocka_unit_test(test_schema_mismatch),
	    cmocka_unit_test(test_sigkill_loses_nothing_acknowledged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
