/* What the journal carries for an offline audit of signatures
 * (protocol.md, "Journal entry types"; domain.md's REKEY): a USAGE's
 * usage entry with its signed bytes and signature, a BATCH's entry with
 * the SHA-256 of its lines (worked out with Python's hashlib) and its
 * records' entries with their lines and the batch's seq, a provider's
 * VOID with its signed bytes; the lines read back one by one (LINES);
 * text journaled whole or refused, never cut. Expected entries are
 * written out here by hand from the encoding rule (space %20, '%' %25). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ledger_fixture.h"

#define AT "2026-05-31T16:00:00Z" /* JUNE_2026 */
#define REC(id, amount)                                                        \
	"USAGE provider=dc id=" id " org=s at=" AT " amount=" amount           \
	" qty=1 unit=gpu-hour kind=training"
#define ENC(id, amount)                                                        \
	"USAGE%20provider=dc%20id=" id "%20org=s%20at=" AT "%20amount=" amount \
	"%20qty=1%20unit=gpu-hour%20kind=training"
#define SIG_AB                                                                 \
	"abababababababababababababababababababababababababababababababab"     \
	"abababababababababababababababababababababababababababababababab"
#define COUNTS "counts=c:xinxing-demand,p:xinxing-supply"

/* the entries of the journal, as written */
struct entries {
	char *e[64];
	size_t n;
};

static int collect(void *arg, uint64_t seq, const char *bytes, size_t len,
                   const uint8_t hash[32])
{
	struct entries *x = arg;

	(void)seq;
	(void)hash;
	assert_true(x->n < 64);
	x->e[x->n] = strndup(bytes, len);
	assert_non_null(x->e[x->n]);
	x->n++;
	return 0;
}

static void entries_read(struct fx *f, struct entries *x)
{
	memset(x, 0, sizeof(*x));
	assert_int_equal(ledger_journal(f->l, 0, 0, collect, x), 0);
}

static void entries_free(struct entries *x)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		free(x->e[i]);
}

/* The entry at seq (from 1), from "type=" on. */
static const char *entry(const struct entries *x, uint64_t seq)
{
	const char *t;

	assert_true(seq >= 1 && seq <= x->n);
	t = strstr(x->e[seq - 1], " type=");
	assert_non_null(t);
	return t + 1;
}

static int open_xinxing(struct fx *f)
{
	static const char *const files[] = {"xinxing.ini", NULL};

	if (fx_open(f, files, 0) < 0 ||
	    fx_register(f, "dc", ROLE_PROVIDER, "", 1) < 0 ||
	    fx_register(f, "s", ROLE_ORG, "school", 0) < 0)
		return -1;
	return 0;
}

/* A USAGE: its line and sig at the end of its entry; a BATCH of three
 * lines, the second a record already in (a duplicate: no entry of its
 * own): the batch entry binds all three by their SHA-256, each new
 * record's entry carries its line and the batch's seq, no sig. */
static void test_usage_and_batch_entries(void **state)
{
	static const char lines[] = REC("b1", "2000") "\n" REC(
	    "r1", "1000") "\n" REC("b2", "3000") "\n";
	struct ledger_record r, recs[3];
	struct ledger_op op;
	struct entries x;
	uint64_t useq, bseq;
	size_t i, off = 0;
	struct fx f;

	(void)state;
	assert_int_equal(open_xinxing(&f), 0);
	fx_record(&r, "dc", "r1", "s", JUNE_2026, 1000, KIND_TRAINING);
	r.line = REC("r1", "1000");
	r.line_len = strlen(r.line);
	memset(r.sig, 0xab, sizeof(r.sig));
	memset(&op, 0, sizeof(op));
	op.type = OP_USAGE;
	op.u.usage = r;
	assert_int_equal(fx_run(&f, &op), 0);
	useq = op.seq;

	fx_record(&recs[0], "dc", "b1", "s", JUNE_2026, 2000, KIND_TRAINING);
	recs[1] = r;
	fx_record(&recs[2], "dc", "b2", "s", JUNE_2026, 3000, KIND_TRAINING);
	for (i = 0; i < 3; i++) {
		const char *lf = strchr(lines + off, '\n');
		recs[i].line = lines + off;
		recs[i].line_len = (size_t)(lf - (lines + off));
		memset(recs[i].sig, 0, sizeof(recs[i].sig));
		off = (size_t)(lf - lines) + 1;
	}
	memset(&op, 0, sizeof(op));
	op.type = OP_BATCH;
	op.u.batch.recs = recs;
	op.u.batch.n = 3;
	op.u.batch.lines = lines;
	op.u.batch.lines_len = strlen(lines);
	memset(op.u.batch.sig, 0xcd, sizeof(op.u.batch.sig));
	assert_int_equal(fx_run(&f, &op), 0);
	assert_true(op.accepted == 2 && op.duplicate == 1);

	entries_read(&f, &x);
	assert_string_equal(
	    entry(&x, useq),
	    "type=usage provider=dc id=r1 org=s at=1780243200 period=2026 "
	    "amount=1000 qty=1 unit=gpu-hour kind=training " COUNTS
	    " line=" ENC(
	        "r1",
	        "1000") " sig=" SIG_AB
	                /* its two grants, 3% of 1,000 fen to s (a voucher to
	                 * the end of 2027 CST) and 2% to dc (cash), carried */
	                " grant1=V000000000001/xinxing-demand/s/2026/30/0/"
	                "xinxing:30/"
	                "2027-12-31T16:00:00Z"
	                " grant2=V000000000002/xinxing-supply/dc/2026/20/0/"
	                "xinxing:20/"
	                "cash");
	/* then the pool period's budget (its first draw), after the record
	 * whose grant drew it first */
	assert_string_equal(entry(&x, useq + 1),
	                    "type=budget pool=xinxing period=2026 "
	                    "budget=2000000000");
	bseq = useq + 2;
	assert_string_equal(
	    entry(&x, bseq),
	    "type=batch provider=dc n=3 sig="
	    "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
	    "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
	    " lines_sha256="
	    "d670cf54f67105cff2e194bdfa58f45c7b77e28e668b3cbe3289b57e94167f6f");
	/* b1: s earns 3% of 3,000 = 90, 60 more; dc 2% of 3,000 = 60, 40
	 * more */
	assert_string_equal(
	    entry(&x, bseq + 1),
	    "type=usage provider=dc id=b1 org=s at=1780243200 "
	    "period=2026 amount=2000 qty=1 unit=gpu-hour "
	    "kind=training " COUNTS " batch=5 line=" ENC(
	        "b1", "2000") " grant1=V000000000001/xinxing-demand/s/2026/60/"
	                      "0/xinxing:60/"
	                      "2027-12-31T16:00:00Z"
	                      " grant2=V000000000002/xinxing-supply/dc/2026/40/"
	                      "0/xinxing:40/"
	                      "cash");
	assert_int_equal(bseq, 5);
	/* then b2 (r1 again has no entry): 3% of 6,000 = 180, 90 more; 2%
	 * = 120, 60 more */
	assert_string_equal(
	    entry(&x, bseq + 2),
	    "type=usage provider=dc id=b2 org=s at=1780243200 "
	    "period=2026 amount=3000 qty=1 unit=gpu-hour "
	    "kind=training " COUNTS " batch=5 line=" ENC(
	        "b2", "3000") " grant1=V000000000001/xinxing-demand/s/2026/90/"
	                      "0/xinxing:90/"
	                      "2027-12-31T16:00:00Z"
	                      " grant2=V000000000002/xinxing-supply/dc/2026/60/"
	                      "0/xinxing:60/"
	                      "cash");
	assert_int_equal(x.n, bseq + 2);
	entries_free(&x);
	fx_check_ok(&f);
	fx_close(&f);
}

struct got_lines {
	char text[4][200];
	uint64_t i[4];
	size_t n;
};

static int got_line(void *arg, uint64_t i, const char *line, size_t len)
{
	struct got_lines *g = arg;

	assert_true(g->n < 4 && len < sizeof(g->text[0]));
	memcpy(g->text[g->n], line, len);
	g->text[g->n][len] = '\0';
	g->i[g->n++] = i;
	return 0;
}

/* A line the daemon found canonical (ledger.h's canonical) is not
 * journaled: the entry's fields rebuild it (docs/protocol.md); a USAGE
 * keeps its sig=, a batch record its batch=. */
static void test_canonical_line_not_journaled(void **state)
{
	static const char lines[] = REC("b1", "2000") "\n";
	struct ledger_record r, rec;
	struct ledger_op op;
	struct entries x;
	uint64_t useq;
	struct fx f;

	(void)state;
	assert_int_equal(open_xinxing(&f), 0);
	fx_record(&r, "dc", "r1", "s", JUNE_2026, 1000, KIND_TRAINING);
	r.line = REC("r1", "1000");
	r.line_len = strlen(r.line);
	r.canonical = 1;
	memset(r.sig, 0xab, sizeof(r.sig));
	memset(&op, 0, sizeof(op));
	op.type = OP_USAGE;
	op.u.usage = r;
	assert_int_equal(fx_run(&f, &op), 0);
	useq = op.seq;
	fx_record(&rec, "dc", "b1", "s", JUNE_2026, 2000, KIND_TRAINING);
	rec.line = lines;
	rec.line_len = strlen(lines) - 1;
	rec.canonical = 1;
	memset(&op, 0, sizeof(op));
	op.type = OP_BATCH;
	op.u.batch.recs = &rec;
	op.u.batch.n = 1;
	op.u.batch.lines = lines;
	op.u.batch.lines_len = strlen(lines);
	assert_int_equal(fx_run(&f, &op), 0);
	entries_read(&f, &x);
	assert_string_equal(
	    entry(&x, useq),
	    "type=usage provider=dc id=r1 org=s at=1780243200 period=2026 "
	    "amount=1000 qty=1 unit=gpu-hour kind=training " COUNTS
	    " sig=" SIG_AB
	    " grant1=V000000000001/xinxing-demand/s/2026/30/0/xinxing:30/"
	    "2027-12-31T16:00:00Z"
	    " grant2=V000000000002/xinxing-supply/dc/2026/20/0/xinxing:20/"
	    "cash");
	/* the budget, the batch, then b1's entry */
	assert_string_equal(
	    entry(&x, useq + 3),
	    "type=usage provider=dc id=b1 org=s at=1780243200 "
	    "period=2026 amount=2000 qty=1 unit=gpu-hour "
	    "kind=training " COUNTS " batch=5"
	    " grant1=V000000000001/xinxing-demand/s/2026/60/0/xinxing:60/"
	    "2027-12-31T16:00:00Z"
	    " grant2=V000000000002/xinxing-supply/dc/2026/40/0/xinxing:40/"
	    "cash");
	entries_free(&x);
	/* the batch's line is still stored whole, for LINES: batch 5 */
	{
		struct got_lines g = {{{0}}, {0}, 0};
		int more = 1;
		assert_int_equal(
		    ledger_batch_lines(f.l, 5, 0, 0, got_line, &g, &more), 0);
		assert_true(g.n == 1 && g.i[0] == 1 && more == 0);
		assert_string_equal(g.text[0], REC("b1", "2000"));
	}
	fx_check_ok(&f);
	fx_close(&f);
}

/* LINES: a batch's lines read back from the batch entry's seq, whole or
 * a page at a time; any other seq is no batch. */
static void test_batch_lines(void **state)
{
	static const char lines[] =
	    REC("b1", "2000") "\n" REC("b2", "3000") "\n";
	struct ledger_record recs[2];
	struct got_lines g;
	struct ledger_op op;
	struct fx f;
	int more;

	(void)state;
	assert_int_equal(open_xinxing(&f), 0);
	fx_record(&recs[0], "dc", "b1", "s", JUNE_2026, 2000, KIND_TRAINING);
	fx_record(&recs[1], "dc", "b2", "s", JUNE_2026, 3000, KIND_TRAINING);
	recs[0].line = lines;
	recs[0].line_len = strlen(REC("b1", "2000"));
	recs[1].line = lines + recs[0].line_len + 1;
	recs[1].line_len = strlen(REC("b2", "3000"));
	memset(&op, 0, sizeof(op));
	op.type = OP_BATCH;
	op.u.batch.recs = recs;
	op.u.batch.n = 2;
	op.u.batch.lines = lines;
	op.u.batch.lines_len = strlen(lines);
	assert_int_equal(fx_run(&f, &op), 0);
	/* register, register, then the batch entry */
	memset(&g, 0, sizeof(g));
	assert_int_equal(ledger_batch_lines(f.l, 3, 0, 0, got_line, &g, &more),
	                 0);
	assert_true(g.n == 2 && more == 0);
	assert_string_equal(g.text[0], REC("b1", "2000"));
	assert_string_equal(g.text[1], REC("b2", "3000"));
	assert_true(g.i[0] == 1 && g.i[1] == 2);
	memset(&g, 0, sizeof(g));
	assert_int_equal(ledger_batch_lines(f.l, 3, 0, 1, got_line, &g, &more),
	                 0);
	assert_true(g.n == 1 && g.i[0] == 1 && more == 1);
	memset(&g, 0, sizeof(g));
	assert_int_equal(ledger_batch_lines(f.l, 3, 1, 1, got_line, &g, &more),
	                 0);
	assert_true(g.n == 1 && g.i[0] == 2 && more == 0);
	assert_string_equal(g.text[0], REC("b2", "3000"));
	memset(&g, 0, sizeof(g));
	assert_int_equal(ledger_batch_lines(f.l, 3, 2, 0, got_line, &g, &more),
	                 0);
	assert_true(g.n == 0 && more == 0);
	/* a register entry, a usage entry, a seq past the head */
	assert_int_equal(ledger_batch_lines(f.l, 1, 0, 0, got_line, &g, &more),
	                 VD_ENOENT);
	assert_int_equal(ledger_batch_lines(f.l, 4, 0, 0, got_line, &g, &more),
	                 VD_ENOENT);
	assert_int_equal(
	    ledger_batch_lines(f.l, 999, 0, 0, got_line, &g, &more), VD_ENOENT);
	fx_close(&f);
}

static int provider_void(struct fx *f, const char *id, const char *reason,
                         const char *line, struct ledger_op *op)
{
	memset(op, 0, sizeof(*op));
	op->type = OP_VOID;
	snprintf(op->u.void_.provider, sizeof(op->u.void_.provider), "dc");
	snprintf(op->u.void_.id, sizeof(op->u.void_.id), "%s", id);
	op->u.void_.at = JUNE_2026;
	snprintf(op->u.void_.reason, sizeof(op->u.void_.reason), "%s", reason);
	op->u.void_.line = line;
	op->u.void_.line_len = strlen(line);
	memset(op->u.void_.sig, 0xab, sizeof(op->u.void_.sig));
	return fx_run(f, op);
}

/* A provider's VOID journals its signed bytes and signature; the
 * bureau's has none. One whose entry could not hold them (a long
 * non-ASCII reason is in the line pct-encoded twice) is refused, nothing
 * written; the longest ASCII reason fits. */
static void test_void_entries(void **state)
{
	static char reason[LEDGER_TEXT + 1], line[4200];
	struct ledger_recinfo ri;
	struct ledger_op op;
	struct entries x;
	size_t i, n;
	struct fx f;

	(void)state;
	assert_int_equal(open_xinxing(&f), 0);
	assert_int_equal(fx_usage(&f, "dc", "r1", "s", JUNE_2026, 1000), 0);
	assert_int_equal(fx_usage(&f, "dc", "r2", "s", JUNE_2026, 1000), 0);
	assert_int_equal(fx_usage(&f, "dc", "r3", "s", JUNE_2026, 1000), 0);
	assert_int_equal(provider_void(&f, "r1", "billed twice",
	                               "VOID provider=dc id=r1 at=" AT
	                               " reason=billed%20twice",
	                               &op),
	                 0);
	entries_read(&f, &x);
	assert_string_equal(entry(&x, op.seq),
	                    "type=void provider=dc id=r1 at=1780243200 "
	                    "period=2026 reason=billed%20twice by=provider "
	                    "line=VOID%20provider=dc%20id=r1%20at=" AT
	                    "%20reason=billed%2520twice sig=" SIG_AB);
	entries_free(&x);

	/* 340 times 中 (E4 B8 AD): 1,020 bytes, 3,060 encoded in reason=
	 * and 5,100 in line=: over the entry's 4,096 */
	n = (size_t)snprintf(line, sizeof(line),
	                     "VOID provider=dc id=r2 at=" AT " reason=");
	for (i = 0; i < 340; i++) {
		memcpy(reason + 3 * i, "\xe4\xb8\xad", 3);
		memcpy(line + n + 9 * i, "%E4%B8%AD", 9);
	}
	reason[3 * i] = '\0';
	line[n + 9 * i] = '\0';
	assert_int_equal(provider_void(&f, "r2", reason, line, &op), VD_ELIMIT);
	assert_string_equal(op.why, "the reason is too long to journal with "
	                            "the signed line");
	assert_int_equal(ledger_record(f.l, "dc", "r2", &ri), 0);
	assert_false(ri.voided);
	/* 1,024 bytes of ASCII: 2,048 in all, it fits */
	memset(reason, 'x', 1024);
	reason[1024] = '\0';
	snprintf(line, sizeof(line),
	         "VOID provider=dc id=r2 at=" AT " reason=%s", reason);
	assert_int_equal(provider_void(&f, "r2", reason, line, &op), 0);
	assert_int_equal(ledger_record(f.l, "dc", "r2", &ri), 0);
	assert_true(ri.voided);

	/* the bureau's VOID: its session is the authority, nothing signed */
	memset(&op, 0, sizeof(op));
	op.type = OP_VOID;
	snprintf(op.u.void_.provider, sizeof(op.u.void_.provider), "dc");
	snprintf(op.u.void_.id, sizeof(op.u.void_.id), "r3");
	op.u.void_.at = JUNE_2026;
	snprintf(op.u.void_.reason, sizeof(op.u.void_.reason), "fraud");
	op.u.void_.by_bureau = 1;
	assert_int_equal(fx_run(&f, &op), 0);
	entries_read(&f, &x);
	assert_string_equal(entry(&x, op.seq),
	                    "type=void provider=dc id=r3 at=1780243200 "
	                    "period=2026 reason=fraud by=bureau");
	entries_free(&x);
	fx_check_ok(&f);
	fx_close(&f);
}

/* Regression: a reason of 1,024 bytes whose encoding fills 3,070 bytes
 * lost its last byte (journal_text encoded into a 3,073-byte buffer and
 * stopped 4 bytes short of its end). Now the whole reason is there. */
static void test_text_not_cut(void **state)
{
	struct ledger_op op;
	struct entries x;
	const char *r;
	size_t i;
	struct fx f;

	(void)state;
	assert_int_equal(open_xinxing(&f), 0);
	memset(&op, 0, sizeof(op));
	op.type = OP_SUSPEND;
	snprintf(op.u.suspend.id, sizeof(op.u.suspend.id), "s");
	for (i = 0; i < 341; i++)
		memcpy(op.u.suspend.reason + 3 * i, "\xe4\xb8\xad", 3);
	op.u.suspend.reason[1023] = 'x';
	assert_int_equal(strlen(op.u.suspend.reason), 1024);
	assert_int_equal(fx_run(&f, &op), 0);
	entries_read(&f, &x);
	r = strstr(entry(&x, op.seq), " reason=");
	assert_non_null(r);
	assert_int_equal(strlen(r + 8), 341 * 9 + 1);
	assert_string_equal(r + 8 + 340 * 9, "%E4%B8%ADx");
	entries_free(&x);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_usage_and_batch_entries),
	    cmocka_unit_test(test_canonical_line_not_journaled),
	    cmocka_unit_test(test_batch_lines),
	    cmocka_unit_test(test_void_entries),
	    cmocka_unit_test(test_text_not_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
