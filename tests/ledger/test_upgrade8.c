/* upgrade8 (ledger/upgrade8.h): schema 7's padded keys rewritten in
 * schema 8's layout, over more rows than one chunk (rowcopy.h), every
 * value kept; and the keys whose new form would not sort before the old
 * (a voucher id of 63 or 64 bytes) refused instead of rewritten without
 * end. The rows are put by hand in schema 7's layout (store.h) into a
 * store whose principals are registered. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "book.h"
#include "ledger_fixture.h"
#include "rowcopy.h"
#include "store.h"
#include "upgrade8.h"

#define SMALL VD_SOURCE_DIR "/tests/data/policy-small/small.ini"
#define NV (2 * ROWCOPY_CHUNK + 904) /* vouchers: two chunks and a part */

struct count {
	size_t n, old; /* keys, and keys of the old length */
	size_t klen;
};

static int count_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct count *c = arg;

	(void)v;
	c->n++;
	if (k->mv_size == c->klen)
		c->old++;
	return 0;
}

static void count(struct ltx *t, enum store_db db, size_t klen, struct count *c)
{
	*c = (struct count){0, 0, klen};
	assert_int_equal(ltx_walk(t, db, NULL, 0, NULL, 0, count_one, c), 0);
}

static void open_store(struct fx *f)
{
	static const char *const files[] = {SMALL, NULL};

	assert_int_equal(fx_open(f, files, 0), 0);
	assert_int_equal(fx_register(f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(f, "s", ROLE_ORG, "school", 0), 0);
}

static void test_rows_rewritten(void **state)
{
	uint8_t k[3 * STORE_ID + 2], want[BOOK_VBY_KEY];
	int64_t row[2] = {700, 300};
	struct count c;
	char vid[32];
	struct ltx t;
	struct fx f;
	size_t i, n, kn;
	uint32_t s_no, dc_no;
	MDB_val v;

	(void)state;
	open_store(&f);
	assert_int_equal(ltx_begin(ledger_store(f.l), NULL, 0, &t), 0);
	assert_int_equal(pno_get(&t, "s", &s_no), 0);
	assert_int_equal(pno_get(&t, "dc", &dc_no), 0);
	/* schema 7: voucher id padded -> beneficiary; (beneficiary, id)
	 * padded -> its row (here 8 bytes standing for one); (expiry, id
	 * padded) -> ""; provider padded -> receivable; (provider, seq) ->
	 * lines */
	for (i = 0; i < NV; i++) {
		snprintf(vid, sizeof(vid), "V%012zu", i + 1);
		assert_int_equal(ltx_put(&t, DB_VOUCHERS, k,
		                         store_key_id(k, 0, vid), "s", 1),
		                 0);
		assert_int_equal(
		    ltx_put(&t, DB_VOUCHERS_BY, k,
		            store_key_id(k, store_key_id(k, 0, "s"), vid), &i,
		            sizeof(i)),
		    0);
		assert_int_equal(
		    ltx_put(&t, DB_EXPIRY, k,
		            store_key_id(k, store_key_u64(k, 0, 1000 + i), vid),
		            "", 0),
		    0);
	}
	assert_int_equal(ltx_put(&t, DB_RECEIVABLES, k,
	                         store_key_id(k, 0, "dc"), row, sizeof(row)),
	                 0);
	assert_int_equal(ltx_put(&t, DB_BATCHES, k,
	                         store_key_u64(k, store_key_id(k, 0, "dc"), 42),
	                         "l\n", 2),
	                 0);
	assert_int_equal(upgrade8_keys(&t, &n), 0);
	assert_true(n == 3 * NV + 2);
	/* every row once, none of the old length left */
	count(&t, DB_VOUCHERS, STORE_ID, &c);
	assert_true(c.n == NV && c.old == 0);
	count(&t, DB_VOUCHERS_BY, 2 * STORE_ID, &c);
	assert_true(c.n == NV && c.old == 0);
	count(&t, DB_EXPIRY, 8 + STORE_ID, &c);
	assert_true(c.n == NV && c.old == 0);
	count(&t, DB_RECEIVABLES, STORE_ID, &c);
	assert_true(c.n == 1 && c.old == 0);
	count(&t, DB_BATCHES, STORE_ID + 8, &c);
	assert_true(c.n == 1 && c.old == 0);
	/* the keys worked out from store.h's layout: dc registered first
	 * (number 1), s second (2); found also by the keys book.h builds */
	assert_true(dc_no == 1 && s_no == 2);
	assert_int_equal(book_vby_key(&t, want, &kn, "s", "V000000004999"), 0);
	assert_true(kn == 18);
	assert_memory_equal(want, "\0\0\0\2V000000004999", 18);
	assert_int_equal(ltx_get(&t, DB_VOUCHERS_BY, want, kn, &v), 0);
	assert_true(v.mv_size == sizeof(i));
	memcpy(&i, v.mv_data, sizeof(i));
	assert_true(i == 4998);
	assert_int_equal(ltx_get(&t, DB_VOUCHERS, want + 4, kn - 4, &v), 0);
	assert_true(v.mv_size == 1 && memcmp(v.mv_data, "s", 1) == 0);
	{
		/* expiry 5998 = 0x176e, then the id and its NUL */
		static const uint8_t ek[8 + 14] = {
		    0,   0,   0,   0,   0,   0,   0x17, 0x6e, 'V', '0', '0',
		    '0', '0', '0', '0', '0', '0', '4',  '9',  '9', '9', 0};
		static const uint8_t rk[4] = {0, 0, 0, 1};
		static const uint8_t bk[12] = {0, 0, 0, 1, 0, 0,
		                               0, 0, 0, 0, 0, 42};
		assert_int_equal(ltx_get(&t, DB_EXPIRY, ek, sizeof(ek), &v), 0);
		assert_int_equal(ltx_get(&t, DB_RECEIVABLES, rk, 4, &v), 0);
		assert_memory_equal(v.mv_data, row, sizeof(row));
		assert_int_equal(ltx_get(&t, DB_BATCHES, bk, 12, &v), 0);
		assert_memory_equal(v.mv_data, "l\n", 2);
		assert_int_equal(book_batch_key(&t, k, "dc", 42), 0);
		assert_memory_equal(k, bk, sizeof(bk));
	}
	ltx_abort(&t);
	fx_close(&f);
}

/* A voucher id of l bytes in schema 7's DB_VOUCHERS, after a short one:
 * what upgrade8_keys returns. */
static int long_vid(size_t l)
{
	uint8_t k[STORE_ID];
	char vid[STORE_ID + 1];
	struct ltx t;
	struct fx f;
	size_t n;
	int rc;

	open_store(&f);
	memset(vid, 'W', l);
	vid[l] = '\0';
	assert_int_equal(ltx_begin(ledger_store(f.l), NULL, 0, &t), 0);
	assert_int_equal(
	    ltx_put(&t, DB_VOUCHERS, k, store_key_id(k, 0, "A"), "s", 1), 0);
	assert_int_equal(
	    ltx_put(&t, DB_VOUCHERS, k, store_key_id(k, 0, vid), "s", 1), 0);
	rc = upgrade8_keys(&t, &n);
	ltx_abort(&t);
	fx_close(&f);
	return rc;
}

static void test_long_voucher_id_refused(void **state)
{
	(void)state;
	assert_int_equal(long_vid(62), 0);
	/* its new key is the old one again (63 bytes and a NUL): without
	 * the refusal the chunk after it starts at it for ever */
	assert_int_equal(long_vid(63), VD_EINTERNAL);
	/* its new key is longer than the old */
	assert_int_equal(long_vid(64), VD_EINTERNAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rows_rewritten),
	    cmocka_unit_test(test_long_voucher_id_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
