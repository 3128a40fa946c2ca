/* The ledger's operations at their edges: duplicates and conflicts, a
 * batch with a bad operation, pool exhaustion, lifetime caps across years,
 * voids after grants, redemption refusals, expiry, revocation, payments
 * and applications. Amounts in fen, worked out in the comments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ledger_fixture.h"

#define SMALL VD_SOURCE_DIR "/tests/data/policy-small/small.ini"

static uint64_t head(struct fx *f)
{
	uint8_t h[32];
	uint64_t seq = 0;

	assert_int_equal(ledger_head(f->l, &seq, h), 0);
	return seq;
}

static void test_duplicate_and_conflict(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	enum ledger_status st;
	struct ledger_record r;
	struct fx f;
	uint64_t before;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	fx_record(&r, "dc", "r1", "s", JUNE_2026, 1000000, KIND_TRAINING);
	assert_int_equal(fx_usage_rec(&f, &r, &st), 0);
	assert_int_equal(st, LEDGER_ACCEPTED);
	before = head(&f);
	/* the same record again: a no-op answered duplicate */
	assert_int_equal(fx_usage_rec(&f, &r, &st), 0);
	assert_int_equal(st, LEDGER_DUPLICATE);
	assert_true(head(&f) == before);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, NULL) == 30000);
	/* the same id with another amount: refused, nothing changed */
	r.amount = 1000001;
	assert_int_equal(fx_usage_rec(&f, &r, &st), VD_ECONFLICT);
	assert_true(head(&f) == before);
	/* registering the same principal again / with another key */
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "medical", 0),
	                 VD_ECONFLICT);
	fx_check_ok(&f);
	fx_close(&f);
}

static void test_refusals(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	/* an org that is not registered */
	assert_int_equal(fx_usage(&f, "dc", "r1", "ghost", JUNE_2026, 5),
	                 VD_ENOENT);
	/* more than a day in the future */
	assert_int_equal(fx_usage(&f, "dc", "r2", "s", f.now + 86401, 5),
	                 VD_EINVAL);
	assert_int_equal(fx_usage(&f, "dc", "r3", "s", f.now + 86400, 5), 0);
	/* a period that ended more than late_days (90) ago is closed:
	 * 2026 ended 2027-01-01 CST; day 91 after that is refused */
	f.now = T2027 + 91LL * 86400;
	assert_int_equal(fx_usage(&f, "dc", "r4", "s", JUNE_2026, 5),
	                 VD_ECLOSED);
	f.now = T2027 + 89LL * 86400;
	assert_int_equal(fx_usage(&f, "dc", "r5", "s", JUNE_2026, 5), 0);
	/* a record in an org's name sent by a principal that is no provider */
	assert_int_equal(fx_usage(&f, "s", "r6", "s", JUNE_2026, 5),
	                 VD_EDENIED);
	fx_check_ok(&f);
	fx_close(&f);
}

static void test_batch_with_one_bad_operation(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	struct ledger_record recs[3];
	struct ledger_op ops[3];
	struct fx f;
	int i;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "taken", "s", JUNE_2026, 100), 0);
	/* three operations in one transaction: the middle one conflicts and
	 * leaves no trace; the others apply */
	memset(ops, 0, sizeof(ops));
	for (i = 0; i < 3; i++) {
		ops[i].type = OP_USAGE;
		ops[i].now = f.now;
	}
	fx_record(&ops[0].u.usage, "dc", "b1", "s", JUNE_2026, 1000000, 0);
	fx_record(&ops[1].u.usage, "dc", "taken", "s", JUNE_2026, 999, 0);
	fx_record(&ops[2].u.usage, "dc", "b3", "s", JUNE_2026, 2000000, 0);
	assert_int_equal(ledger_batch(f.l, ops, 3), 0);
	assert_int_equal(ops[0].rc, 0);
	assert_int_equal(ops[1].rc, VD_ECONFLICT);
	assert_int_equal(ops[2].rc, 0);
	/* 3% of 100 + 1,000,000 + 2,000,000 = 90,003 */
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, NULL) == 90003);
	/* a signed BATCH is atomic: one unknown org refuses all three */
	fx_record(&recs[0], "dc", "c1", "s", JUNE_2026, 100, 0);
	fx_record(&recs[1], "dc", "c2", "nobody", JUNE_2026, 100, 0);
	fx_record(&recs[2], "dc", "c3", "s", JUNE_2026, 100, 0);
	memset(ops, 0, sizeof(ops));
	ops[0].type = OP_BATCH;
	ops[0].u.batch.recs = recs;
	ops[0].u.batch.n = 3;
	ops[0].u.batch.lines = "l1\nl2\nl3\n";
	ops[0].u.batch.lines_len = 9;
	assert_int_equal(fx_run(&f, &ops[0]), VD_ENOENT);
	assert_int_equal(ops[0].bad_index, 1);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, NULL) == 90003);
	/* fixed, it goes in whole; sent again it is all duplicates */
	snprintf(recs[1].org, sizeof(recs[1].org), "s");
	assert_int_equal(fx_run(&f, &ops[0]), 0);
	assert_true(ops[0].accepted == 3 && ops[0].duplicate == 0);
	assert_int_equal(fx_run(&f, &ops[0]), 0);
	assert_true(ops[0].accepted == 0 && ops[0].duplicate == 3);
	/* 3% of 3,000,400 = 90,012 */
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, NULL) == 90012);
	/* a BATCH that fails after writing its first record, between two
	 * good operations of one group: the group runs again with the batch
	 * in a child transaction; the batch leaves no trace, the others
	 * apply (ledger.c, "Operations run straight ...") */
	fx_record(&recs[0], "dc", "e1", "s", JUNE_2026, 1000000, 0);
	fx_record(&recs[1], "dc", "e2", "nobody", JUNE_2026, 1000000, 0);
	fx_record(&recs[2], "dc", "e3", "s", JUNE_2026, 1000000, 0);
	memset(ops, 0, sizeof(ops));
	ops[0].type = OP_USAGE;
	fx_record(&ops[0].u.usage, "dc", "d1", "s", JUNE_2026, 100000, 0);
	ops[1].type = OP_BATCH;
	ops[1].u.batch.recs = recs;
	ops[1].u.batch.n = 3;
	ops[1].u.batch.lines = "l1\nl2\nl3\n";
	ops[1].u.batch.lines_len = 9;
	ops[2].type = OP_USAGE;
	fx_record(&ops[2].u.usage, "dc", "d3", "s", JUNE_2026, 200000, 0);
	for (i = 0; i < 3; i++)
		ops[i].now = f.now;
	assert_int_equal(ledger_batch(f.l, ops, 3), 0);
	assert_int_equal(ops[0].rc, 0);
	assert_int_equal(ops[1].rc, VD_ENOENT);
	assert_int_equal(ops[1].bad_index, 1);
	assert_int_equal(ops[2].rc, 0);
	/* 3% of 3,000,400 + 100,000 + 200,000 = 99,012; e1 is not in */
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, NULL) == 99012);
	assert_int_equal(fx_usage(&f, "dc", "e1", "s", JUNE_2026, 1), 0);
	fx_check_ok(&f);
	fx_close(&f);
}

/* Count the journal entries of each type after seq 'after'. */
struct fx_types {
	int usage, grant, batch, carried;
};

static int count_type(void *arg, uint64_t seq, const char *bytes, size_t len,
                      const uint8_t hash[32])
{
	struct fx_types *t = arg;

	(void)seq;
	(void)len;
	(void)hash;
	if (strstr(bytes, " type=usage ") != NULL) {
		const char *g = bytes;
		t->usage++;
		/* the grants it carries: grant1=, grant2=, ... */
		while ((g = strstr(g, " grant")) != NULL && g[6] >= '1' &&
		       g[6] <= '9') {
			t->carried++;
			g += 6;
		}
	} else if (strstr(bytes, " type=grant ") != NULL)
		t->grant++;
	else if (strstr(bytes, " type=batch ") != NULL)
		t->batch++;
	return 0;
}

/* A local provider and two schools under Xinxing. */
static void open_dc_s1_s2(struct fx *f)
{
	static const char *const files[] = {"xinxing.ini", NULL};

	assert_int_equal(fx_open(f, files, 0), 0);
	assert_int_equal(fx_register(f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(f, "s1", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_register(f, "s2", ROLE_ORG, "school", 0), 0);
}

/* xinxing-demand 3%: s1 floor(400,005 * 3%) = 12,000; s2
 * floor(600,001 * 3%) = 18,000; xinxing-supply 2% to the provider:
 * floor(1,000,006 * 2%) = 20,000 */
static void expect_five_granted(struct fx *f)
{
	assert_true(fx_granted(f, "xinxing-demand", "s1", 2026, NULL) == 12000);
	assert_true(fx_granted(f, "xinxing-demand", "s2", 2026, NULL) == 18000);
	assert_true(fx_granted(f, "xinxing-supply", "dc", 2026, NULL) == 20000);
}

static void test_batch_of_several_orgs(void **state)
{
	struct ledger_record recs[5];
	struct ledger_op op;
	struct fx_types t = {0, 0, 0, 0};
	uint64_t head;
	uint8_t hash[32];
	struct fx f;

	(void)state;
	open_dc_s1_s2(&f);
	assert_int_equal(ledger_head(f.l, &head, hash), 0);
	fx_record(&recs[0], "dc", "r1", "s1", JUNE_2026, 100000, 0);
	fx_record(&recs[1], "dc", "r2", "s2", JUNE_2026, 200000, 0);
	fx_record(&recs[2], "dc", "r3", "s1", JUNE_2026, 300000, 0);
	fx_record(&recs[3], "dc", "r4", "s2", JUNE_2026, 400001, 0);
	fx_record(&recs[4], "dc", "r5", "s1", JUNE_2026, 5, 0);
	memset(&op, 0, sizeof(op));
	op.type = OP_BATCH;
	op.u.batch.recs = recs;
	op.u.batch.n = 5;
	op.u.batch.lines = "l1\nl2\nl3\nl4\nl5\n";
	op.u.batch.lines_len = 15;
	assert_int_equal(fx_run(&f, &op), 0);
	assert_true(op.accepted == 5 && op.duplicate == 0);
	expect_five_granted(&f);
	/* a grant for each record that raised what its beneficiary earns:
	 * s1 3,000 then +9,000 (r5 adds no whole fen); s2 6,000 then
	 * +12,000; dc earns 2,000, 6,000, 12,000, 20,000 after r1..r4, four
	 * grants (r5 nothing): 8, each carried in its record's usage entry
	 * (none of its own) */
	assert_int_equal(ledger_journal(f.l, head, 100, count_type, &t), 0);
	assert_int_equal(t.batch, 1);
	assert_int_equal(t.usage, 5);
	assert_int_equal(t.grant, 0);
	assert_int_equal(t.carried, 8);
	/* the same five one at a time grant the same totals */
	fx_close(&f);
	open_dc_s1_s2(&f);
	for (int i = 0; i < 5; i++)
		assert_int_equal(fx_usage_rec(&f, &recs[i], NULL), 0);
	expect_five_granted(&f);
	fx_check_ok(&f);
	fx_close(&f);
}

static void test_pool_exhaustion(void **state)
{
	static const char *const files[] = {SMALL, NULL};
	struct ledger_pool pool;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 0), 0);
	assert_int_equal(fx_register(&f, "a", ROLE_ORG, "", 0), 0);
	assert_int_equal(fx_register(&f, "b", ROLE_ORG, "", 0), 0);
	assert_int_equal(fx_register(&f, "c", ROLE_ORG, "", 0), 0);
	/* the pool has 10,000: A earns 6,000, B 8,000 of which 4,000 are
	 * left, C 3,000 and nothing is left: first come, first served */
	assert_int_equal(fx_usage(&f, "dc", "ra", "a", JUNE_2026, 60000), 0);
	assert_int_equal(fx_usage(&f, "dc", "rb", "b", JUNE_2026, 80000), 0);
	assert_int_equal(fx_usage(&f, "dc", "rc", "c", JUNE_2026, 30000), 0);
	assert_true(fx_granted(&f, "tiny-rate", "a", 2026, NULL) == 6000);
	assert_true(fx_granted(&f, "tiny-rate", "b", 2026, NULL) == 4000);
	assert_true(fx_granted(&f, "tiny-rate", "c", 2026, NULL) == -1);
	assert_int_equal(fx_pool(&f, "tiny", 2026, &pool), 0);
	assert_true(pool.granted == 10000 && pool.remaining == 0);
	assert_true(pool.unfunded == 4000 + 3000);
	fx_check_ok(&f);
	fx_close(&f);
}

static void test_lifetime_cap_across_years(void **state)
{
	static const char *const files[] = {SMALL, NULL};
	struct ledger_record r;
	struct ledger_pool pool;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 0), 0);
	assert_int_equal(fx_register(&f, "o", ROLE_ORG, "", 0), 0);
	/* 10% of 60,000 = 6,000 in 2026 */
	fx_record(&r, "dc", "l1", "o", JUNE_2026, 60000, KIND_INFERENCE);
	assert_int_equal(fx_usage_rec(&f, &r, NULL), 0);
	assert_true(fx_granted(&f, "life", "o", 2026, NULL) == 6000);
	/* 2027: lifetime basis 120,000 -> 12,000, capped at 10,000, less
	 * the 6,000 of 2026 */
	f.now = T2027 + 86400;
	fx_record(&r, "dc", "l2", "o", T2027 + 3600, 60000, KIND_INFERENCE);
	assert_int_equal(fx_usage_rec(&f, &r, NULL), 0);
	assert_true(fx_granted(&f, "life", "o", 2027, NULL) == 4000);
	/* 2028: the cap is used up */
	f.now = T2028 + 86400;
	fx_record(&r, "dc", "l3", "o", T2028 + 3600, 60000, KIND_INFERENCE);
	assert_int_equal(fx_usage_rec(&f, &r, NULL), 0);
	assert_true(fx_granted(&f, "life", "o", 2028, NULL) == -1);
	/* co-funded 50:50: 2027's 4,000 is 2,000 from each pool */
	assert_int_equal(fx_pool(&f, "city", 2027, &pool), 0);
	assert_true(pool.granted == 2000);
	fx_check_ok(&f);
	fx_close(&f);
}

static void test_void_after_grant_claws_back(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	struct ledger_voucher v;
	struct ledger_pool pool;
	struct fx f;
	int64_t due = -1;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "r0", "s", JUNE_2026, 1000000), 0);
	assert_int_equal(fx_usage(&f, "dc", "r1", "s", JUNE_2026, 10000000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, &v) == 330000);
	/* spent against the other bill (a redemption against the voided
	 * one would be undone: test_ledger.c, example 15) */
	assert_int_equal(fx_redeem(&f, "dc", v.id, "r0", 100000, "k1", NULL),
	                 0);
	/* r1 is voided: 300,000 no longer earned; the 230,000 left come
	 * off the voucher's remaining, 70,000 of the 100,000 spent are owed
	 * back */
	assert_int_equal(fx_void(&f, "dc", "r1"), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, &v) == 330000);
	assert_true(v.revoked == 230000 && v.remaining == 0 &&
	            v.clawback_due == 70000);
	assert_int_equal(ledger_clawback(f.l, "s", &due), 0);
	assert_true(due == 70000);
	/* BALANCE reads the same due with the vouchers (one voucher) */
	{
		struct fx_find q;
		int64_t due2 = -1;
		memset(&q, 0, sizeof(q));
		q.program = "xinxing-demand";
		q.period = 2026;
		assert_int_equal(
		    ledger_balance(f.l, NULL, "s", 0, fx_find_one, &q, &due2),
		    0);
		assert_true(q.found && q.v.remaining == 0 && due2 == 70000);
		/* the due is the org's over every period: another period
		 * lists no voucher and still owes it */
		memset(&q, 0, sizeof(q));
		q.program = "xinxing-demand";
		due2 = -1;
		assert_int_equal(ledger_balance(f.l, NULL, "s", 2025,
		                                fx_find_one, &q, &due2),
		                 0);
		assert_true(!q.found && due2 == 70000);
	}
	/* the provider's 2% entitlement (220,000) had not been paid out:
	 * the 200,000 no longer earned all come back */
	assert_true(fx_granted(&f, "xinxing-supply", "dc", 2026, &v) == 220000);
	assert_true(v.revoked == 200000 && v.remaining == 20000);
	assert_int_equal(fx_pool(&f, "xinxing", 2026, &pool), 0);
	assert_true(pool.granted == 550000 && pool.revoked == 430000);
	assert_true(pool.remaining == 2000000000LL - 550000 + 430000);
	/* voiding twice changes nothing; a voided record cannot be paid */
	assert_int_equal(fx_void(&f, "dc", "r1"), 0);
	assert_int_equal(ledger_clawback(f.l, "s", &due), 0);
	assert_true(due == 70000);
	/* the bill comes back under a new id: earned 330,000 again, of
	 * which 30,000 is still granted net: 300,000 more */
	assert_int_equal(fx_usage(&f, "dc", "r2", "s", JUNE_2026, 10000000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, &v) == 630000);
	assert_true(v.remaining == 300000);
	assert_int_equal(fx_redeem(&f, "dc", v.id, "r1", 1, "k2", NULL),
	                 VD_EINVAL);
	fx_check_ok(&f);
	fx_close(&f);
}

static void test_redeem_refusals(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	struct ledger_voucher v, w;
	struct ledger_op op;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "far", ROLE_PROVIDER, "", 0), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_register(&f, "t", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "r1", "s", JUNE_2026, 10000000), 0);
	assert_int_equal(fx_usage(&f, "dc", "r2", "t", JUNE_2026, 10000000), 0);
	assert_int_equal(fx_usage(&f, "far", "f1", "s", JUNE_2026, 10000000),
	                 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, &v) == 300000);
	assert_true(fx_granted(&f, "xinxing-demand", "t", 2026, &w) == 300000);
	/* over the remaining amount */
	assert_int_equal(fx_redeem(&f, "dc", v.id, "r1", 300001, "k1", NULL),
	                 VD_EFUNDS);
	/* another org's voucher against this record */
	assert_int_equal(fx_redeem(&f, "dc", w.id, "r1", 10, "k2", NULL),
	                 VD_EDENIED);
	/* a provider the program does not allow (not local) */
	assert_int_equal(fx_redeem(&f, "far", v.id, "f1", 10, "k3", NULL),
	                 VD_EDENIED);
	/* no such voucher, no such record */
	assert_int_equal(fx_redeem(&f, "dc", "V999", "r1", 10, "k4", NULL),
	                 VD_ENOENT);
	assert_int_equal(fx_redeem(&f, "dc", v.id, "nope", 10, "k5", NULL),
	                 VD_ENOENT);
	/* a repeated ref answers the first result and redeems once */
	assert_int_equal(fx_redeem(&f, "dc", v.id, "r1", 1000, "k6", &op), 0);
	assert_true(op.remaining == 299000);
	assert_int_equal(fx_redeem(&f, "dc", v.id, "r1", 1000, "k6", &op), 0);
	assert_true(op.remaining == 299000);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, &v) == 300000);
	assert_true(v.redeemed == 1000);
	assert_int_equal(fx_redeem(&f, "dc", v.id, "r1", 999, "k6", NULL),
	                 VD_ECONFLICT);
	/* after expiry: vouchers run to the end of the next period */
	f.now = T2028;
	assert_int_equal(fx_redeem(&f, "dc", v.id, "r1", 10, "k7", NULL),
	                 VD_EEXPIRED);
	fx_check_ok(&f);
	fx_close(&f);
}

static void test_expire_revoke_pay(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	struct ledger_voucher v, w;
	struct ledger_pool pool;
	struct ledger_op op;
	struct fx f;
	int64_t due;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_register(&f, "t", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "r1", "s", JUNE_2026, 10000000), 0);
	assert_int_equal(fx_usage(&f, "dc", "r2", "t", JUNE_2026, 10000000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, &v) == 300000);
	assert_true(fx_granted(&f, "xinxing-demand", "t", 2026, &w) == 300000);
	/* redeemed 250,000 of s's voucher; the bureau owes dc that */
	assert_int_equal(fx_redeem(&f, "dc", v.id, "r1", 250000, "k1", NULL),
	                 0);
	/* revoke s's voucher: 50,000 back to the pool, 250,000 owed back */
	memset(&op, 0, sizeof(op));
	op.type = OP_REVOKE;
	snprintf(op.u.revoke.voucher, sizeof(op.u.revoke.voucher), "%s", v.id);
	snprintf(op.u.revoke.reason, sizeof(op.u.revoke.reason), "造假");
	assert_int_equal(fx_run(&f, &op), 0);
	assert_true(op.amount == 50000);
	assert_int_equal(ledger_clawback(f.l, "s", &due), 0);
	assert_true(due == 250000);
	assert_int_equal(fx_run(&f, &op), VD_EREVOKED);
	assert_int_equal(fx_redeem(&f, "dc", v.id, "r1", 1, "k2", NULL),
	                 VD_EREVOKED);
	/* expiry: t's voucher runs to 2028-01-01 CST; dc's 2% grants are
	 * cash entitlements (a provider program pays cash), which never
	 * expire */
	memset(&op, 0, sizeof(op));
	op.type = OP_EXPIRE;
	f.now = T2028 - 1;
	assert_int_equal(fx_run(&f, &op), 0);
	assert_true(op.amount == 0);
	f.now = T2028;
	assert_int_equal(fx_run(&f, &op), 0);
	assert_true(op.amount == 1); /* t's 3% voucher */
	assert_true(fx_granted(&f, "xinxing-demand", "t", 2026, &w) == 300000);
	assert_true(w.expired == 300000 && w.status == LEDGER_V_EXPIRED);
	assert_int_equal(fx_pool(&f, "xinxing", 2026, &pool), 0);
	/* granted 300,000 + 300,000 + 200,000 + 200,000; back: 50,000
	 * revoked, 300,000 expired (dc's 400,000 of cash stays due) */
	assert_true(pool.granted == 1000000 && pool.revoked == 50000 &&
	            pool.expired == 300000 && pool.redeemed == 250000);
	assert_true(pool.remaining == 2000000000LL - 1000000 + 50000 + 300000);
	/* pay the provider: more than owed is refused; a ref is once */
	memset(&op, 0, sizeof(op));
	op.type = OP_PAY;
	snprintf(op.u.pay.provider, sizeof(op.u.pay.provider), "dc");
	op.u.pay.amount = 250001;
	snprintf(op.u.pay.ref, sizeof(op.u.pay.ref), "p1");
	assert_int_equal(fx_run(&f, &op), VD_EFUNDS);
	op.u.pay.amount = 200000;
	assert_int_equal(fx_run(&f, &op), 0);
	assert_true(op.amount == 200000 && op.remaining == 50000);
	assert_int_equal(fx_run(&f, &op), 0);
	assert_true(op.amount == 200000 && op.remaining == 50000);
	op.u.pay.amount = 1;
	assert_int_equal(fx_run(&f, &op), VD_ECONFLICT);
	fx_check_ok(&f);
	fx_close(&f);
}

static void test_applications(void **state)
{
	static const char *const files[] = {"datong.ini", NULL};
	struct ledger_op op;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 0), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "startup", 0), 0);
	assert_int_equal(fx_register(&f, "sch", ROLE_ORG, "school", 0), 0);
	memset(&op, 0, sizeof(op));
	op.type = OP_ISSUE;
	snprintf(op.u.issue.program, sizeof(op.u.issue.program),
	         "datong-pool-grant");
	snprintf(op.u.issue.org, sizeof(op.u.issue.org), "sch");
	op.u.issue.need = 10000000;
	op.u.issue.asked = -1;
	snprintf(op.u.issue.ref, sizeof(op.u.issue.ref), "a1");
	/* a school is no start-up or SME */
	assert_int_equal(fx_run(&f, &op), VD_EINVAL);
	snprintf(op.u.issue.org, sizeof(op.u.issue.org), "s");
	/* asking for less than 30% */
	op.u.issue.asked = 1000000;
	assert_int_equal(fx_run(&f, &op), 0);
	assert_true(op.amount == 1000000);
	/* the same application again: the first answer */
	assert_int_equal(fx_run(&f, &op), 0);
	assert_true(op.amount == 1000000);
	assert_true(fx_granted(&f, "datong-pool-grant", "s", 2026, NULL) ==
	            1000000);
	op.u.issue.need = 1;
	assert_int_equal(fx_run(&f, &op), VD_ECONFLICT);
	/* a second application: 30% of 5,000,000 */
	op.u.issue.need = 5000000;
	op.u.issue.asked = -1;
	snprintf(op.u.issue.ref, sizeof(op.u.issue.ref), "a2");
	assert_int_equal(fx_run(&f, &op), 0);
	assert_true(op.amount == 1500000);
	/* compute spend of 30,000,000 earns 3,000,000 (max group): only
	 * the 500,000 above the 2,500,000 already paid */
	assert_int_equal(fx_usage(&f, "dc", "r1", "s", JUNE_2026, 30000000), 0);
	assert_true(fx_granted(&f, "datong-compute", "s", 2026, NULL) ==
	            500000);
	/* outside the program's window: Datong's runs to 2028-09-17 */
	f.now = T2028 + 300LL * 86400;
	snprintf(op.u.issue.ref, sizeof(op.u.issue.ref), "a3");
	assert_int_equal(fx_run(&f, &op), VD_EINVAL);
	fx_check_ok(&f);
	fx_close(&f);
}

struct page {
	char ids[16][65];
	int n;
};

static int page_one(void *arg, const struct ledger_recinfo *r)
{
	struct page *p = arg;

	snprintf(p->ids[p->n++], 65, "%s", r->id);
	return 0;
}

static void test_records_paging(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	char next[200], cur[200], ids[8];
	const char *why;
	struct page p;
	struct fx f;
	int i;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_register(&f, "t", ROLE_ORG, "school", 0), 0);
	for (i = 0; i < 5; i++) {
		snprintf(ids, sizeof(ids), "r%d", i);
		assert_int_equal(fx_usage(&f, "dc", ids, "s", JUNE_2026, 100),
		                 0);
	}
	assert_int_equal(fx_usage(&f, "dc", "other", "t", JUNE_2026, 100), 0);
	memset(&p, 0, sizeof(p));
	assert_int_equal(ledger_records(f.l, NULL, "s", NULL, 2026, "", 2,
	                                page_one, &p, next, sizeof(next), NULL),
	                 0);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.ids[0], "r0");
	assert_string_equal(next, "dc/r1");
	/* the cursor goes back as after= (a copy: next is rewritten) */
	snprintf(cur, sizeof(cur), "%s", next);
	assert_int_equal(ledger_records(f.l, NULL, "s", NULL, 2026, cur, 2,
	                                page_one, &p, next, sizeof(next), NULL),
	                 0);
	assert_string_equal(p.ids[2], "r2");
	snprintf(cur, sizeof(cur), "%s", next);
	assert_int_equal(ledger_records(f.l, NULL, "s", NULL, 2026, cur, 2,
	                                page_one, &p, next, sizeof(next), NULL),
	                 0);
	assert_int_equal(p.n, 5);
	assert_string_equal(p.ids[4], "r4");
	assert_string_equal(next, "");
	/* without a period the cursor resumes too (the org index is in
	 * arrival order: the cursor's record gives its period and seq) */
	memset(&p, 0, sizeof(p));
	cur[0] = '\0';
	for (i = 0; i < 3; i++) {
		assert_int_equal(ledger_records(f.l, NULL, "s", NULL, 0, cur, 2,
		                                page_one, &p, next,
		                                sizeof(next), NULL),
		                 0);
		snprintf(cur, sizeof(cur), "%s", next);
	}
	assert_int_equal(p.n, 5);
	assert_string_equal(p.ids[1], "r1");
	assert_string_equal(p.ids[3], "r3");
	assert_string_equal(p.ids[4], "r4");
	assert_string_equal(next, "");
	/* a cursor naming no record is refused, and so is one that is not
	 * provider/id, each with its reason */
	why = "stale";
	assert_int_equal(ledger_records(f.l, NULL, "s", NULL, 0, "dc/nope", 2,
	                                page_one, &p, next, sizeof(next), &why),
	                 VD_EINVAL);
	assert_non_null(why);
	assert_string_equal(why, "the cursor names no record");
	why = "stale";
	assert_int_equal(ledger_records(f.l, NULL, "s", NULL, 0, "dc-r1", 2,
	                                page_one, &p, next, sizeof(next), &why),
	                 VD_EINVAL);
	assert_non_null(why);
	assert_string_equal(why, "bad cursor");
	/* the provider's view lists t's record too; no reason on success */
	memset(&p, 0, sizeof(p));
	assert_int_equal(ledger_records(f.l, NULL, NULL, "dc", 0, "", 10,
	                                page_one, &p, next, sizeof(next), &why),
	                 0);
	assert_null(why);
	assert_int_equal(p.n, 6);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_duplicate_and_conflict),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_batch_with_one_bad_operation),
	    cmocka_unit_test(test_batch_of_several_orgs),
	    cmocka_unit_test(test_pool_exhaustion),
	    cmocka_unit_test(test_lifetime_cap_across_years),
	    cmocka_unit_test(test_void_after_grant_claws_back),
	    cmocka_unit_test(test_redeem_refusals),
	    cmocka_unit_test(test_expire_revoke_pay),
	    cmocka_unit_test(test_applications),
	    cmocka_unit_test(test_records_paging),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
