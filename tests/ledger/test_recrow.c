/* recrow (ledger/recrow.h): the record row's key and compact value,
 * encoded by hand from the layout in the header; and, on a real store,
 * where a BATCH record's line is found and a USAGE's is kept. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "book.h"
#include "ledger_fixture.h"
#include "recrow.h"
#include "store.h"

#define SMALL VD_SOURCE_DIR "/tests/data/policy-small/small.ini"

/* LMDB's default order: memcmp over the shorter, then the shorter first */
static int key_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);

	return c ? c : al < bl ? -1 : al > bl;
}

static void test_encode_by_hand(void **state)
{
	/* status 1, kind 2, no line; org 300 = varint ac 02; at -1 = zz 1;
	 * amount 5 = zz 10; qty 0; seq 1; unit "kWh"; no class; project
	 * "p"; counts "c:x" to the end */
	static const uint8_t want[] = {1, 2,   0,   0xac, 0x02, 1,   10,
	                               0, 1,   3,   'k',  'W',  'h', 0,
	                               1, 'p', 'c', ':',  'x'};
	struct recrow r, d;
	uint8_t buf[RECROW_FIXED + 16];
	size_t len;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.status = 1;
	r.kind = 2;
	r.org = 300;
	r.at = -1;
	r.amount = 5;
	r.seq = 1;
	snprintf(r.unit, sizeof(r.unit), "kWh");
	snprintf(r.project, sizeof(r.project), "p");
	r.counts = "c:x";
	r.counts_len = 3;
	assert_true(recrow_size(&r) <= sizeof(buf));
	assert_int_equal(recrow_encode(&r, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(recrow_decode(buf, len, &d), 0);
	assert_true(d.status == 1 && d.kind == 2 && d.flags == 0 &&
	            d.org == 300 && d.at == -1 && d.amount == 5 && d.qty == 0 &&
	            d.seq == 1);
	assert_string_equal(d.unit, "kWh");
	assert_string_equal(d.klass, "");
	assert_string_equal(d.project, "p");
	assert_int_equal(d.counts_len, 3);
	assert_memory_equal(d.counts, "c:x", 3);
	assert_ptr_equal(d.counts, buf + 16);
	/* one byte short of the fixed part: refused, never read past */
	assert_int_equal(recrow_decode(buf, 15, &d), VD_EINTERNAL);
	/* the buffer too small */
	assert_int_equal(recrow_encode(&r, buf, 10, &len), VD_ELIMIT);
	/* a damaged row, byte by byte (recrow.h's ranges): a status past
	 * REC_EXCLUDED (2), a kind past KIND_OTHER (6), a unit byte that is
	 * no printable word (a line feed broke RECORDS); the last of each
	 * range decodes */
	{
		uint8_t bad[sizeof(want)];
		static const struct {
			size_t at;
			uint8_t byte;
			int rc;
		} cases[] = {{0, 3, VD_EINTERNAL},
		             {1, 7, VD_EINTERNAL},
		             {11, '\n', VD_EINTERNAL},
		             {11, ' ', VD_EINTERNAL},
		             {0, 2, 0},
		             {1, 6, 0}};
		size_t i;
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			memcpy(bad, want, sizeof(want));
			bad[cases[i].at] = cases[i].byte;
			assert_int_equal(recrow_decode(bad, sizeof(bad), &d),
			                 cases[i].rc);
		}
	}
	/* a batch record's line is in its batch: its length adds nothing
	 * to the row's (a damaged 4 GiB one made a 4 GiB malloc) */
	r.flags = RECROW_BATCH;
	r.line_len = UINT32_MAX;
	assert_true(recrow_size(&r) == RECROW_FIXED + 3);
	r.flags = RECROW_LINE;
	r.line_len = 90;
	assert_true(recrow_size(&r) == RECROW_FIXED + 90 + 3);
}

static void test_round_trips(void **state)
{
	struct recrow r, d;
	uint8_t buf[RECROW_FIXED + 600];
	size_t len, n;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.org = UINT32_MAX;
	r.at = INT64_MIN;
	r.amount = INT64_MAX;
	r.qty = 123456789;
	r.seq = UINT64_MAX;
	memset(r.unit, 'u', RECROW_UNIT);
	memset(r.klass, 'k', RECROW_UNIT);
	memset(r.project, 'p', RECROW_PROJECT);
	/* a USAGE's: its line and signature */
	r.flags = RECROW_LINE;
	r.line = "USAGE provider=dc id=1";
	r.line_len = 22;
	memset(r.sig, 0xab, sizeof(r.sig));
	r.counts = "c:a,p:b";
	r.counts_len = 7;
	assert_int_equal(recrow_encode(&r, buf, recrow_size(&r), &len), 0);
	assert_true(len <= recrow_size(&r));
	assert_int_equal(recrow_decode(buf, len, &d), 0);
	assert_true(d.org == r.org && d.at == r.at && d.amount == r.amount &&
	            d.qty == r.qty && d.seq == r.seq &&
	            d.flags == RECROW_LINE && d.line_len == 22);
	assert_memory_equal(d.line, r.line, 22);
	assert_memory_equal(d.sig, r.sig, sizeof(r.sig));
	assert_string_equal(d.unit, r.unit);
	assert_string_equal(d.klass, r.klass);
	assert_string_equal(d.project, r.project);
	assert_memory_equal(d.counts, "c:a,p:b", 7);
	/* cut anywhere before the counts: refused */
	for (n = 0; n < len - 7; n++)
		assert_int_equal(recrow_decode(buf, n, &d), VD_EINTERNAL);
	/* a BATCH record's: where its line is in the batch */
	r.flags = RECROW_BATCH;
	r.batch = 77;
	r.line_off = 1000;
	r.line_len = 90;
	r.line = NULL;
	assert_int_equal(recrow_encode(&r, buf, sizeof(buf), &len), 0);
	assert_int_equal(recrow_decode(buf, len, &d), 0);
	assert_true(d.flags == RECROW_BATCH && d.batch == 77 &&
	            d.line_off == 1000 && d.line_len == 90 && d.line == NULL);
	/* both, another flag, a unit over 32 bytes: not encoded */
	r.flags = RECROW_BATCH | RECROW_LINE;
	assert_int_equal(recrow_encode(&r, buf, sizeof(buf), &len), VD_EINVAL);
	r.flags = 4;
	assert_int_equal(recrow_encode(&r, buf, sizeof(buf), &len), VD_EINVAL);
	buf[2] = 4;
	assert_int_equal(recrow_decode(buf, len, &d), VD_EINTERNAL);
	r.flags = 0;
	memset(r.unit, 'u', sizeof(r.unit)); /* no NUL in 33 bytes */
	assert_int_equal(recrow_encode(&r, buf, sizeof(buf), &len), VD_EINVAL);
}

static void test_key_order(void **state)
{
	uint8_t a[RECROW_KEY], b[RECROW_KEY];
	char id[RECROW_ID + 1];
	uint32_t no;
	size_t al, bl;

	(void)state;
	al = recrow_key(a, 1, "a");
	assert_int_equal(al, 5);
	assert_memory_equal(a, "\0\0\0\1a", 5);
	/* a provider's records in id order: "a" < "ab" < "b" ... */
	bl = recrow_key(b, 1, "ab");
	assert_true(key_cmp(a, al, b, bl) < 0);
	al = recrow_key(a, 1, "b");
	assert_true(key_cmp(b, bl, a, al) < 0);
	/* ... and before the next provider's */
	bl = recrow_key(b, 2, "0");
	assert_true(key_cmp(a, al, b, bl) < 0);
	assert_int_equal(recrow_key_parse(b, bl, &no, id), 0);
	assert_int_equal(no, 2);
	assert_string_equal(id, "0");
	assert_int_equal(recrow_key_parse(b, 4, &no, id), VD_EINTERNAL);
}

/* The row of (provider, id) from the store, decoded. */
static void row_of(struct fx *f, const char *provider, const char *id,
                   struct recrow *r, uint8_t *copy, size_t size)
{
	uint8_t k[RECROW_KEY];
	struct ltx t;
	uint32_t no;
	MDB_val v;

	assert_int_equal(ltx_begin(ledger_store(f->l), NULL, 1, &t), 0);
	assert_int_equal(pno_get(&t, provider, &no), 0);
	assert_int_equal(ltx_get(&t, DB_RECORDS, k, recrow_key(k, no, id), &v),
	                 0);
	assert_true(v.mv_size <= size);
	memcpy(copy, v.mv_data, v.mv_size);
	ltx_abort(&t);
	assert_int_equal(recrow_decode(copy, v.mv_size, r), 0);
}

/* Two batch lines naming their records as the checker reads them */
#define B1 "USAGE provider=dc id=b1 org=s amount=100 qty=1 unit=gpu-hour"
#define B2 "USAGE provider=dc id=b2 org=s amount=200 qty=1 unit=gpu-hour x"

/* A BATCH of recs[0..1] whose lines are lines: rec i's line is line i */
static void batch(struct fx *f, struct ledger_record *recs, const char *lines,
                  size_t len)
{
	struct ledger_op op;
	const char *nl = memchr(lines, '\n', len);

	recs[0].line = lines;
	recs[0].line_len = (size_t)(nl - lines);
	recs[1].line = nl + 1;
	recs[1].line_len = len - recs[0].line_len - 2;
	memset(&op, 0, sizeof(op));
	op.type = OP_BATCH;
	op.u.batch.recs = recs;
	op.u.batch.n = 2;
	op.u.batch.lines = lines;
	op.u.batch.lines_len = len;
	assert_int_equal(fx_run(f, &op), 0);
}

/* Write r back as the row of (provider, id), as anyone who can write the
 * store could. */
static void row_put(struct fx *f, const char *provider, const char *id,
                    const struct recrow *r)
{
	uint8_t k[RECROW_KEY], buf[2048];
	struct ltx t;
	uint32_t no;
	size_t len;

	assert_int_equal(ltx_begin(ledger_store(f->l), NULL, 0, &t), 0);
	assert_int_equal(pno_get(&t, provider, &no), 0);
	assert_int_equal(recrow_encode(r, buf, sizeof(buf), &len), 0);
	assert_int_equal(
	    ltx_put(&t, DB_RECORDS, k, recrow_key(k, no, id), buf, len), 0);
	assert_int_equal(ltx_commit(&t), 0);
}

static void test_lines_in_the_store(void **state)
{
	static const char *const files[] = {SMALL, NULL};
	static const char lines[] = B1 "\n" B2 "\n";
	struct ledger_record recs[2], one;
	struct recrow r;
	uint8_t copy[1024];
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	fx_record(&recs[0], "dc", "b1", "s", JUNE_2026, 100, 0);
	fx_record(&recs[1], "dc", "b2", "s", JUNE_2026, 200, 0);
	batch(&f, recs, lines, sizeof(lines) - 1);
	/* the second line: after the first and its LF, in the batch's
	 * entry's lines (the batch entry is seq 3, after the two
	 * registers) */
	row_of(&f, "dc", "b2", &r, copy, sizeof(copy));
	assert_true(r.flags == RECROW_BATCH && r.batch == 3 &&
	            r.line_off == sizeof(B1) && r.line_len == sizeof(B2) - 1 &&
	            r.amount == 200);
	/* a USAGE keeps its line and signature in its row */
	fx_record(&one, "dc", "u1", "s", JUNE_2026, 300, 0);
	memset(one.sig, 0x5a, sizeof(one.sig));
	assert_int_equal(fx_usage_rec(&f, &one, NULL), 0);
	row_of(&f, "dc", "u1", &r, copy, sizeof(copy));
	assert_true(r.flags == RECROW_LINE && r.line_len == 12 &&
	            r.sig[0] == 0x5a && r.sig[63] == 0x5a);
	assert_memory_equal(r.line, "USAGE (test)", 12);
	fx_check_ok(&f);
	fx_close(&f);
}

/* One byte of the batch's stored lines of key bk changed. */
static void tamper_lines(struct fx *f, const uint8_t *bk)
{
	uint8_t copy[512];
	struct ltx t;
	MDB_val v;

	assert_int_equal(ltx_begin(ledger_store(f->l), NULL, 0, &t), 0);
	assert_int_equal(ltx_get(&t, DB_BATCHES, bk, BOOK_BATCH_KEY, &v), 0);
	assert_true(v.mv_size <= sizeof(copy));
	memcpy(copy, v.mv_data, v.mv_size);
	copy[v.mv_size - 2] ^= 0x01;
	assert_int_equal(
	    ltx_put(&t, DB_BATCHES, bk, BOOK_BATCH_KEY, copy, v.mv_size), 0);
	assert_int_equal(ltx_commit(&t), 0);
}

/* The row of (provider, id) deleted. */
static void row_gone(struct fx *f, const char *provider, const char *id)
{
	uint8_t k[RECROW_KEY];
	struct ltx t;
	uint32_t no;

	assert_int_equal(ltx_begin(ledger_store(f->l), NULL, 0, &t), 0);
	assert_int_equal(pno_get(&t, provider, &no), 0);
	assert_int_equal(ltx_del(&t, DB_RECORDS, k, recrow_key(k, no, id)), 0);
	assert_int_equal(ltx_commit(&t), 0);
}

/* The checker holds each row to the usage entry that wrote it, and a
 * batch record's line to its batch (a review of schema 7 changed a row's
 * amount, org or line and `vouchd check` passed: a VOID then took back
 * the row's figures, and the replay, reading the same row, agreed). */
static void test_check_holds_rows_to_entries(void **state)
{
	static const char *const files[] = {SMALL, NULL};
	static const char lines[] = B1 "\n" B2 "\n";
	/* dc is principal number 1 (the first registered here); the
	 * batch's entry is seq 7 and the void's 10, after the three
	 * registers, u1 and the budget entry its grant fixed, u2, and (for
	 * the void) b1 and b2 */
	enum { AMOUNT, ORG, MIDLINE, OTHERLINE, LINES, VOIDED, CASES };
	static const char *const why[CASES] = {
	    "record u1 of provider number 1: other figures than its usage "
	    "entry",
	    "record u1 of provider number 1: another provider, id or org "
	    "than its usage entry",
	    "record b2 of provider number 1: its line is not one of its "
	    "batch's",
	    "record b2 of provider number 1: its line in its batch names "
	    "another record",
	    "batch entry 7: its stored lines are not the lines it signed "
	    "(lines_sha256)",
	    "journal entry 10: the record dc/u1 it voids: not stored, or its "
	    "provider or org unnumbered",
	};
	struct ledger_record recs[2], one;
	struct recrow r, s2;
	uint8_t copy[1024], copy2[1024];
	char msg[512];
	struct fx f;
	int c;

	(void)state;
	for (c = 0; c < CASES; c++) {
		assert_int_equal(fx_open(&f, files, 0), 0);
		assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1),
		                 0);
		assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0),
		                 0);
		assert_int_equal(fx_register(&f, "s2", ROLE_ORG, "school", 0),
		                 0);
		fx_record(&one, "dc", "u1", "s", JUNE_2026, 300, 0);
		assert_int_equal(fx_usage_rec(&f, &one, NULL), 0);
		fx_record(&one, "dc", "u2", "s2", JUNE_2026, 300, 0);
		assert_int_equal(fx_usage_rec(&f, &one, NULL), 0);
		fx_record(&recs[0], "dc", "b1", "s", JUNE_2026, 100, 0);
		fx_record(&recs[1], "dc", "b2", "s", JUNE_2026, 200, 0);
		batch(&f, recs, lines, sizeof(lines) - 1);
		fx_check_ok(&f);
		row_of(&f, "dc",
		       c == MIDLINE || c == OTHERLINE || c == LINES ? "b2"
		                                                    : "u1",
		       &r, copy, sizeof(copy));
		switch (c) {
		case AMOUNT:
			r.amount = 9000;
			row_put(&f, "dc", "u1", &r);
			break;
		case ORG:
			row_of(&f, "dc", "u2", &s2, copy2, sizeof(copy2));
			r.org = s2.org;
			row_put(&f, "dc", "u1", &r);
			break;
		case MIDLINE:
			r.line_off = 4;
			row_put(&f, "dc", "b2", &r);
			break;
		case OTHERLINE:
			r.line_off = 0;
			r.line_len = sizeof(B1) - 1;
			row_put(&f, "dc", "b2", &r);
			break;
		case LINES: {
			uint8_t bk[BOOK_BATCH_KEY];
			struct ltx t;
			assert_int_equal(
			    ltx_begin(ledger_store(f.l), NULL, 1, &t), 0);
			assert_int_equal(book_batch_key(&t, bk, "dc", r.batch),
			                 0);
			ltx_abort(&t);
			tamper_lines(&f, bk);
			break;
		}
		case VOIDED:
			assert_int_equal(fx_void(&f, "dc", "u1"), 0);
			row_gone(&f, "dc", "u1");
			break;
		}
		assert_int_equal(ledger_check(f.l, msg, sizeof(msg)),
		                 VD_EINTERNAL);
		assert_string_equal(msg, why[c]);
		fx_close(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_encode_by_hand),
	    cmocka_unit_test(test_round_trips),
	    cmocka_unit_test(test_key_order),
	    cmocka_unit_test(test_lines_in_the_store),
	    cmocka_unit_test(test_check_holds_rows_to_entries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
