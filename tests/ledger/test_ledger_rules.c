/* The rules of domain.md that issue 13 sharpened, each on a hand-worked
 * case: every pool listed for the period asked, an annual program's rows
 * showing what is earned before settlement, a group's lifetime cap at
 * settlement, one voucher per application of a grant program. Amounts in
 * fen. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ledger_fixture.h"
#include "schema5_fixture.h"
#include "book.h"
#include "store.h"
#include "upgrade.h"

#define ANNUAL VD_SOURCE_DIR "/tests/data/policy-rules/annual.ini"
/* 2024 and 2025 in CST: 2024 is a leap year */
#define T2025 (T2026 - 365LL * 86400)
#define T2024 (T2025 - 366LL * 86400)

struct rows {
	struct ledger_pool p[8];
	struct ledger_accrual a[8];
	size_t n;
};

static int pool_one(void *arg, const struct ledger_pool *p)
{
	struct rows *r = arg;

	if (r->n < 8)
		r->p[r->n++] = *p;
	return 0;
}

static int acc_one(void *arg, const struct ledger_accrual *a)
{
	struct rows *r = arg;

	if (r->n < 8)
		r->a[r->n++] = *a;
	return 0;
}

/* POOL lists every pool of the policy for the period asked, activity or
 * not (domain.md, end of "Order of operations"; example 17). */
static void test_every_pool_listed(void **state)
{
	static const char *const files[] = {ANNUAL, NULL};
	struct rows r = {0};
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(ledger_pools(f.l, NULL, 2026, f.now, pool_one, &r), 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.p[0].pool, "a");
	assert_true(r.p[0].period == 2026 && r.p[0].budget == 100000 &&
	            r.p[0].remaining == 100000 && r.p[0].granted == 0);
	assert_string_equal(r.p[1].pool, "b");
	assert_true(r.p[1].period == 2026 && r.p[1].budget == 300000 &&
	            r.p[1].remaining == 300000);
	/* one pool asked: that one only */
	memset(&r, 0, sizeof(r));
	assert_int_equal(ledger_pools(f.l, "b", 2027, f.now, pool_one, &r), 0);
	assert_int_equal(r.n, 1);
	assert_true(r.p[0].period == 2027 && r.p[0].budget == 300000);
	/* no period: the current one of every pool (none has figures) */
	memset(&r, 0, sizeof(r));
	assert_int_equal(ledger_pools(f.l, NULL, 0, f.now, pool_one, &r), 0);
	assert_int_equal(r.n, 2);
	assert_true(r.p[0].period == 2026 && r.p[1].period == 2026);
	fx_close(&f);
}

/* An annual program's row shows what is earned so far: a 100,000-fen
 * record under a 30% program earns 30,000, granted 0 until SETTLE. */
static void test_annual_rows_show_earned(void **state)
{
	static const char *const files[] = {ANNUAL, NULL};
	struct ledger_record rec;
	struct rows r = {0};
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	fx_record(&rec, "dc", "r1", "s", JUNE_2026, 100000, KIND_INFERENCE);
	assert_int_equal(fx_usage_rec(&f, &rec, NULL), 0);
	assert_int_equal(ledger_accruals(f.l, NULL, "s", 2026, acc_one, &r), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.a[0].program, "annual30");
	assert_true(r.a[0].basis == 100000 && r.a[0].earned == 30000 &&
	            r.a[0].granted == 0);
	fx_check_ok(&f);
	fx_close(&f);
}

struct budgets {
	char seen[4][120];
	size_t n;
};

static int budget_entry(void *arg, uint64_t seq, const char *e, size_t len,
                        const uint8_t hash[32])
{
	struct budgets *b = arg;
	const char *t = memmem(e, len, " type=budget ", 13);

	(void)seq;
	(void)hash;
	if (t != NULL && b->n < 4)
		snprintf(b->seen[b->n++], sizeof(b->seen[0]), "%.*s",
		         (int)(len - (size_t)(t + 1 - e)), t + 1);
	return 0;
}

/* A period's budget is fixed in the store, journaled, at its first draw,
 * and by a settlement even when it pays nothing (domain.md): SETTLE of
 * annual30 for 2026 with nothing earned fixes pool a's 100,000 fen. */
static void test_settlement_fixes_budget(void **state)
{
	static const char *const files[] = {ANNUAL, NULL};
	struct budgets b = {{{0}}, 0};
	int64_t paid = -1;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_settle(&f, "annual30", 2026, 1, &paid), 0);
	assert_true(paid == 0);
	assert_int_equal(ledger_journal(f.l, 0, 0, budget_entry, &b), 0);
	assert_int_equal(b.n, 1);
	assert_string_equal(b.seen[0], "type=budget pool=a period=2026 "
	                               "budget=100000");
	fx_check_ok(&f);
	fx_close(&f);
}

/* SETTLE honours a group's lifetime cap: cap 10,000 fen, a 10% annual
 * program; 100,000 fen of usage in 2024 and again in 2025. Settling 2024
 * pays 10,000; settling 2025 pays 0, the cap being used up (it paid
 * 10,000 again). */
static void test_lifetime_group_cap_at_settlement(void **state)
{
	static const char *const files[] = {ANNUAL, NULL};
	int64_t paid = -1;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	f.now = T2025 + 10LL * 86400; /* 2025-01-11: 2024 still open */
	assert_int_equal(
	    fx_usage(&f, "dc", "r2024", "s", T2024 + 160LL * 86400, 100000), 0);
	assert_int_equal(fx_settle(&f, "annual10", 2024, 0, &paid), 0);
	assert_true(paid == 10000);
	f.now = T2026 + 10LL * 86400;
	assert_int_equal(
	    fx_usage(&f, "dc", "r2025", "s", T2025 + 160LL * 86400, 100000), 0);
	assert_int_equal(fx_settle(&f, "annual10", 2025, 0, &paid), 0);
	assert_true(paid == 0);
	assert_true(fx_granted(&f, "annual10", "s", 2024, NULL) == 10000);
	fx_check_ok(&f);
	fx_close(&f);
}

static int fx_revoke_v(struct fx *f, const char *vid)
{
	struct ledger_op op;

	memset(&op, 0, sizeof(op));
	op.type = OP_REVOKE;
	snprintf(op.u.revoke.voucher, sizeof(op.u.revoke.voucher), "%s", vid);
	snprintf(op.u.revoke.reason, sizeof(op.u.revoke.reason), "test");
	return fx_run(f, &op);
}

static int64_t voucher_granted(struct fx *f, const char *ben, const char *vid,
                               int *status)
{
	struct ledger_voucher v;
	int rc = ledger_voucher(f->l, vid, &v);

	assert_int_equal(rc, 0);
	assert_string_equal(v.beneficiary, ben);
	if (status)
		*status = v.status;
	return v.granted;
}

/* A grant program gives one voucher per application (domain.md step 6):
 * Datong's 30% of a declared need. Applications of 100,000 and 50,000
 * fen: 30,000 and 15,000, two vouchers. Revoking the first leaves the
 * second, and a third application (10,000: 3,000; what the first was
 * granted still counts as granted, step 5 being gross) gets a third. */
static void test_one_voucher_per_application(void **state)
{
	static const char *const files[] = {"datong.ini", NULL};
	struct ledger_op a1, a2, a3;
	int st;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "lab", ROLE_ORG, "startup", 0), 0);
	assert_int_equal(
	    fx_issue(&f, "datong-pool-grant", "lab", 100000, -1, "a1", &a1), 0);
	assert_int_equal(
	    fx_issue(&f, "datong-pool-grant", "lab", 50000, -1, "a2", &a2), 0);
	assert_true(a1.amount == 30000 && a2.amount == 15000);
	assert_string_not_equal(a1.voucher, a2.voucher);
	assert_true(voucher_granted(&f, "lab", a1.voucher, NULL) == 30000);
	assert_true(voucher_granted(&f, "lab", a2.voucher, NULL) == 15000);
	assert_int_equal(fx_revoke_v(&f, a1.voucher), 0);
	assert_true(voucher_granted(&f, "lab", a2.voucher, &st) == 15000);
	assert_int_equal(st, LEDGER_V_ACTIVE);
	assert_int_equal(
	    fx_issue(&f, "datong-pool-grant", "lab", 10000, -1, "a3", &a3), 0);
	assert_true(a3.amount == 3000);
	assert_string_not_equal(a3.voucher, a1.voucher);
	assert_string_not_equal(a3.voucher, a2.voucher);
	assert_true(voucher_granted(&f, "lab", a3.voucher, &st) == 3000);
	assert_int_equal(st, LEDGER_V_ACTIVE);
	fx_check_ok(&f);
	fx_close(&f);
}

/* Any other program's revoked voucher takes no more grants: the program
 * grants nothing more to that beneficiary for that period (it once
 * opened a new voucher). Xinxing's 3%: 30,000 fen on 1,000,000; revoked;
 * another 1,000,000 of bills grants nothing. */
static void test_revoked_voucher_takes_no_more(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	struct ledger_voucher v;
	struct fx f;
	int n = 0;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "r1", "s", JUNE_2026, 1000000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, &v) == 30000);
	assert_int_equal(fx_revoke_v(&f, v.id), 0);
	assert_int_equal(fx_usage(&f, "dc", "r2", "s", JUNE_2026, 1000000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, &v) == 30000);
	assert_int_equal(v.status, LEDGER_V_REVOKED);
	{
		struct rows r = {0};
		assert_int_equal(
		    ledger_accruals(f.l, NULL, "s", 2026, acc_one, &r), 0);
		for (size_t i = 0; i < r.n; i++)
			if (strcmp(r.a[i].program, "xinxing-demand") == 0) {
				assert_true(r.a[i].granted == 30000);
				n++;
			}
	}
	assert_int_equal(n, 1);
	fx_check_ok(&f);
	fx_close(&f);
}

/* Schema 3 left an annual row's earned at 0 until settlement; `vouchd
 * upgrade` recomputes it. A schema-3 store of annual programs only (no
 * grant, so no voucher or pool row: its rows are those of schema 4) with
 * the row as schema 3 wrote it: upgraded, the row shows 30,000 and the
 * checker agrees. */
static void test_upgrade_recomputes_annual_rows(void **state)
{
	static const char *const files[] = {ANNUAL, NULL};
	uint32_t three = 3;
	struct ledger_record rec;
	struct acc_row row;
	struct rows r = {0};
	uint8_t k[2 * STORE_ID + 2];
	char msg[512];
	struct ltx t;
	MDB_val v;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	{
		struct ledger_op op;
		memset(&op, 0, sizeof(op));
		op.type = OP_POLICY;
		assert_int_equal(fx_run(&f, &op), 0);
	}
	fx_record(&rec, "dc", "r1", "s", JUNE_2026, 100000, KIND_INFERENCE);
	assert_int_equal(fx_usage_rec(&f, &rec, NULL), 0);
	/* the rows and the schema as schema 3 left them */
	assert_int_equal(ltx_begin(ledger_store(f.l), NULL, 0, &t), 0);
	assert_int_equal(fx_as_schema5(&t), 0);
	/* schema 5's key: (beneficiary, program, period) padded */
	store_key_u16(k, store_key_id(k, store_key_id(k, 0, "s"), "annual30"),
	              2026);
	assert_int_equal(ltx_get(&t, DB_ACCRUAL, k, sizeof(k), &v), 0);
	memcpy(&row, v.mv_data, sizeof(row));
	assert_true(row.earned == 30000);
	row.earned = 0;
	assert_int_equal(
	    ltx_put(&t, DB_ACCRUAL, k, sizeof(k), &row, sizeof(row)), 0);
	assert_int_equal(
	    ltx_put(&t, DB_META, "schema", 6, &three, sizeof(three)), 0);
	/* and its principals, without schema 5's region and status */
	{
		static const char *const ids[] = {"dc", "s"};
		size_t i;
		for (i = 0; i < 2; i++) {
			struct principal_row_v4 old;
			uint8_t pk[STORE_ID];
			store_key_id(pk, 0, ids[i]);
			assert_int_equal(
			    ltx_get(&t, DB_PRINCIPALS, pk, sizeof(pk), &v), 0);
			memcpy(&old, v.mv_data, sizeof(old));
			assert_int_equal(ltx_put(&t, DB_PRINCIPALS, pk,
			                         sizeof(pk), &old, sizeof(old)),
			                 0);
		}
	}
	assert_int_equal(ltx_commit(&t), 0);
	ledger_close(f.l);
	f.l = NULL;
	assert_int_equal(ledger_upgrade(f.dir, f.now, msg, sizeof(msg)), 0);
	assert_non_null(strstr(msg, "schema 3 to 8: 1 records, 1 accrual rows, "
	                            "0 vouchers, 2 principals"));
	assert_non_null(strstr(msg, "1 annual accrual rows recomputed"));
	assert_int_equal(ledger_open(f.dir, 0, 0, &f.l, msg, sizeof(msg)), 0);
	ledger_set_policy(f.l, f.p);
	assert_int_equal(ledger_accruals(f.l, NULL, "s", 2026, acc_one, &r), 0);
	assert_int_equal(r.n, 1);
	assert_true(r.a[0].earned == 30000 && r.a[0].granted == 0);
	fx_check_ok(&f);
	fx_close(&f);
}

static int cash(struct fx *f, int type, const char *vid, int64_t amount,
                const char *ref, struct ledger_op *out)
{
	struct ledger_op op;
	int rc;

	memset(&op, 0, sizeof(op));
	op.type = type;
	snprintf(op.u.payout.voucher, sizeof(op.u.payout.voucher), "%s", vid);
	op.u.payout.amount = amount;
	snprintf(op.u.payout.ref, sizeof(op.u.payout.ref), "%s", ref);
	rc = fx_run(f, &op);
	if (out)
		*out = op;
	return rc;
}

/* A provider program pays cash: Xinxing's 2% supply side on a
 * 1,000,000-fen bill is a 20,000-fen entitlement of dc. The bureau pays
 * out 5,000 (a replay answers the same, other figures under the ref are
 * CONFLICT); more than the 15,000 left is FUNDS; dc cannot redeem it; a
 * consumer's voucher is not paid out (BADREQ). Revoked after the partial
 * payout: 15,000 returns to the pool, the 5,000 paid out is owed back;
 * dc repays 2,000 (recovered, back to the pool): 3,000 still due, 3,001
 * is FUNDS; a payout of the revoked entitlement is REVOKED. */
static void test_payout_revoke_repay(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	struct ledger_voucher dcv, sv, v;
	struct ledger_pool pool;
	struct ledger_op op;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "r1", "s", JUNE_2026, 1000000), 0);
	assert_true(fx_granted(&f, "xinxing-supply", "dc", 2026, &dcv) ==
	            20000);
	assert_int_equal(dcv.pays, POLICY_PAYS_CASH);
	assert_true(dcv.expires_at == 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, &sv) == 30000);
	assert_int_equal(cash(&f, OP_PAYOUT, dcv.id, 5000, "po1", &op), 0);
	assert_true(op.amount == 5000 && op.remaining == 15000);
	assert_int_equal(cash(&f, OP_PAYOUT, dcv.id, 5000, "po1", &op), 0);
	assert_true(op.amount == 5000 && op.remaining == 15000);
	assert_int_equal(cash(&f, OP_PAYOUT, dcv.id, 4000, "po1", NULL),
	                 VD_ECONFLICT);
	assert_int_equal(cash(&f, OP_PAYOUT, dcv.id, 15001, "po2", NULL),
	                 VD_EFUNDS);
	assert_int_equal(fx_redeem(&f, "dc", dcv.id, "r1", 100, "k1", NULL),
	                 VD_EDENIED);
	assert_int_equal(cash(&f, OP_PAYOUT, sv.id, 100, "po3", NULL),
	                 VD_EINVAL);
	assert_int_equal(fx_pool(&f, "xinxing", 2026, &pool), 0);
	assert_true(pool.paid_out == 5000);
	assert_int_equal(fx_revoke_v(&f, dcv.id), 0);
	assert_int_equal(ledger_voucher(f.l, dcv.id, &v), 0);
	assert_true(v.revoked == 15000 && v.clawback_due == 5000 &&
	            v.paid_out == 5000 && v.remaining == 0);
	assert_int_equal(cash(&f, OP_REPAY, dcv.id, 2000, "rp1", &op), 0);
	assert_true(op.amount == 3000);
	assert_int_equal(cash(&f, OP_REPAY, dcv.id, 3001, "rp2", NULL),
	                 VD_EFUNDS);
	assert_int_equal(cash(&f, OP_PAYOUT, dcv.id, 1, "po4", NULL),
	                 VD_EREVOKED);
	assert_int_equal(ledger_voucher(f.l, dcv.id, &v), 0);
	assert_true(v.clawback_due == 3000 && v.recovered == 2000);
	/* granted 30,000 + 20,000; back: 15,000 revoked, 2,000 recovered */
	assert_int_equal(fx_pool(&f, "xinxing", 2026, &pool), 0);
	assert_true(pool.granted == 50000 && pool.revoked == 15000 &&
	            pool.recovered == 2000 && pool.paid_out == 5000);
	assert_true(pool.remaining == 2000000000LL - 50000 + 15000 + 2000);
	fx_check_ok(&f);
	fx_close(&f);
}

/* A co-funded repayment with an odd fen: the small policy's "life"
 * program, 10% from prov:50% and city:50% (capped at 10,000 over its
 * life). 90,010 fen of inference grant 9,001 (4,501 and 4,500: the odd
 * fen to the first pool). 3 fen redeemed (2 and 1), then revoked: 8,998
 * returned (4,499 each), 3 owed back. Repaid: 2 recovered by prov, 1 by
 * city, and each pool's remaining is its whole budget again: prov
 * 100,000 - 4,501 + 4,499 + 2, city 100,000 - 4,500 + 4,499 + 1. */
static void test_cofunded_repay_odd_fen(void **state)
{
	static const char *const files[] = {
	    VD_SOURCE_DIR "/tests/data/policy-small/small.ini", NULL};
	struct ledger_record rec;
	struct ledger_voucher v;
	struct ledger_pool prov, city;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	fx_record(&rec, "dc", "r1", "s", JUNE_2026, 90010, KIND_INFERENCE);
	assert_int_equal(fx_usage_rec(&f, &rec, NULL), 0);
	assert_true(fx_granted(&f, "life", "s", 2026, &v) == 9001);
	assert_int_equal(fx_redeem(&f, "dc", v.id, "r1", 3, "k1", NULL), 0);
	assert_int_equal(fx_revoke_v(&f, v.id), 0);
	assert_int_equal(cash(&f, OP_REPAY, v.id, 3, "rp1", NULL), 0);
	assert_int_equal(fx_pool(&f, "prov", 2026, &prov), 0);
	assert_int_equal(fx_pool(&f, "city", 2026, &city), 0);
	assert_true(prov.granted == 4501 && city.granted == 4500);
	assert_true(prov.redeemed == 2 && city.redeemed == 1);
	assert_true(prov.revoked == 4499 && city.revoked == 4499);
	assert_true(prov.recovered == 2 && city.recovered == 1);
	assert_true(prov.remaining == 100000 && city.remaining == 100000);
	fx_check_ok(&f);
	fx_close(&f);
}

/* Co-funded figures split as running totals (domain.md): three 10-fen
 * bills under "life" (10%, prov:50% city:50%) grant 1 fen each. The
 * voucher's granted total goes 1, 2, 3: split (1,0), (1,1), (2,1), so
 * prov books 1, 0, 1 and city 0, 1, 0. Revoking the 3 fen books 2 and 1:
 * neither pool gives back more than it granted. Split one movement at a
 * time, prov would have booked all 3 grants and city given back 1 fen
 * it never granted (remaining 100,001). */
static void test_cofunded_running_total(void **state)
{
	static const char *const files[] = {
	    VD_SOURCE_DIR "/tests/data/policy-small/small.ini", NULL};
	struct ledger_voucher v;
	struct ledger_pool prov, city;
	static const int64_t prov_granted[] = {1, 1, 2},
	                     city_granted[] = {0, 1, 1};
	char id[8];
	struct fx f;
	int i;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	for (i = 0; i < 3; i++) {
		struct ledger_record rec;
		snprintf(id, sizeof(id), "r%d", i);
		fx_record(&rec, "dc", id, "s", JUNE_2026, 10, KIND_INFERENCE);
		assert_int_equal(fx_usage_rec(&f, &rec, NULL), 0);
		assert_int_equal(fx_pool(&f, "prov", 2026, &prov), 0);
		assert_int_equal(fx_pool(&f, "city", 2026, &city), 0);
		assert_int_equal(prov.granted, prov_granted[i]);
		assert_int_equal(city.granted, city_granted[i]);
	}
	assert_true(fx_granted(&f, "life", "s", 2026, &v) == 3);
	assert_int_equal(fx_revoke_v(&f, v.id), 0);
	assert_int_equal(fx_pool(&f, "prov", 2026, &prov), 0);
	assert_int_equal(fx_pool(&f, "city", 2026, &city), 0);
	assert_int_equal(prov.revoked, 2);
	assert_int_equal(city.revoked, 1);
	assert_int_equal(prov.remaining, 100000);
	assert_int_equal(city.remaining, 100000);
	fx_check_ok(&f);
	fx_close(&f);
}

/* A reversed redemption first cancels the voucher's clawback due (booked
 * revoked: back to the pool instead of owed). Xinxing: a 1,000,000-fen
 * bill grants s 30,000 and dc 20,000 (cash); 10,000 redeemed against it;
 * s's voucher revoked (20,000 back, 10,000 owed back). The bill is
 * voided: the 10,000 cancel the clawback due (revoked 30,000), nothing
 * more is owed; the grants no longer earned had all returned already
 * (s's) or come off the remaining (dc's 20,000): the pool is whole. */
static void test_unredeem_cancels_clawback(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	struct ledger_voucher v;
	struct ledger_pool pool;
	char id[LEDGER_ID + 1];
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "r0", "s", JUNE_2026, 1000000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, &v) == 30000);
	snprintf(id, sizeof(id), "%s", v.id);
	assert_int_equal(fx_redeem(&f, "dc", id, "r0", 10000, "k1", NULL), 0);
	assert_int_equal(fx_revoke_v(&f, id), 0);
	assert_int_equal(ledger_voucher(f.l, id, &v), 0);
	assert_true(v.revoked == 20000 && v.clawback_due == 10000);
	assert_int_equal(fx_void(&f, "dc", "r0"), 0);
	assert_int_equal(ledger_voucher(f.l, id, &v), 0);
	assert_true(v.redeemed == 0 && v.revoked == 30000 &&
	            v.clawback_due == 0 && v.remaining == 0);
	assert_int_equal(fx_pool(&f, "xinxing", 2026, &pool), 0);
	assert_true(pool.granted == 50000 && pool.redeemed == 0 &&
	            pool.revoked == 50000 && pool.remaining == 2000000000LL);
	fx_check_ok(&f);
	fx_close(&f);
}

/* A holder that repaid what it owed, whose redemption is then undone (the
 * bill voided), is owed that back (clawback_due below 0), and the money
 * comes back to the pool once, not twice (a review found 105,000 fen
 * remaining on a 100,000 budget). Xinxing, 3%:
 * - s1: a 1,000,000 bill, 30,000 granted and redeemed against it;
 *   revoked (30,000 owed back), repaid; the bill voided: s1 is owed
 *   30,000, the voucher is all revoked, nothing recovered;
 * - s2: two bills of 500,000, 30,000 granted and redeemed against the
 *   second; the first voided (15,000 owed back), repaid; the second
 *   voided: s2 is owed 15,000, the voucher ends with nothing left (it
 *   kept 15,000 once). Each pool ends where it began. */
static void test_unredeem_after_repayment(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	struct ledger_voucher v;
	struct ledger_pool pool;
	char id1[LEDGER_ID + 1], id2[LEDGER_ID + 1];
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s1", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_register(&f, "s2", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "a1", "s1", JUNE_2026, 1000000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s1", 2026, &v) == 30000);
	snprintf(id1, sizeof(id1), "%s", v.id);
	assert_int_equal(fx_redeem(&f, "dc", id1, "a1", 30000, "k1", NULL), 0);
	assert_int_equal(fx_revoke_v(&f, id1), 0);
	assert_int_equal(cash(&f, OP_REPAY, id1, 30000, "rp1", NULL), 0);
	assert_int_equal(fx_void(&f, "dc", "a1"), 0);
	assert_int_equal(ledger_voucher(f.l, id1, &v), 0);
	assert_true(v.redeemed == 0 && v.revoked == 30000 && v.recovered == 0 &&
	            v.clawback_due == -30000 && v.remaining == 0);
	assert_int_equal(fx_usage(&f, "dc", "b1", "s2", JUNE_2026, 500000), 0);
	assert_int_equal(fx_usage(&f, "dc", "b2", "s2", JUNE_2026, 500000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s2", 2026, &v) == 30000);
	snprintf(id2, sizeof(id2), "%s", v.id);
	assert_int_equal(fx_redeem(&f, "dc", id2, "b2", 30000, "k2", NULL), 0);
	assert_int_equal(fx_void(&f, "dc", "b1"), 0);
	assert_int_equal(ledger_voucher(f.l, id2, &v), 0);
	assert_true(v.clawback_due == 15000);
	assert_int_equal(cash(&f, OP_REPAY, id2, 15000, "rp2", NULL), 0);
	assert_int_equal(fx_void(&f, "dc", "b2"), 0);
	assert_int_equal(ledger_voucher(f.l, id2, &v), 0);
	assert_true(v.redeemed == 0 && v.revoked == 30000 && v.recovered == 0 &&
	            v.clawback_due == -15000 && v.remaining == 0);
	/* granted 30,000 + 30,000 and dc's 20,000 + 20,000: all back */
	assert_int_equal(fx_pool(&f, "xinxing", 2026, &pool), 0);
	assert_true(pool.granted == 100000 && pool.revoked == 100000 &&
	            pool.redeemed == 0 && pool.recovered == 0 &&
	            pool.remaining == 2000000000LL);
	fx_check_ok(&f);
	fx_close(&f);
}

#define BUDGETS_A                                                              \
	"[pool xinxing]\nbudget = 20000000\nbudget.2027 = 30000000\n"          \
	"[program demand]\npool = xinxing\nbeneficiary = consumer\n"           \
	"rate = 3%\nsettlement = immediate\n"

/* programs.md example 17: pool xinxing's budget = 20,000,000 and
 * budget.2027 = 30,000,000 (yuan). The first 2026 grant fixes 2026 at
 * 2,000,000,000 fen; a reload with budget.2026 below what 2026 has
 * committed (30,000 fen) is refused with the file and line; one raising
 * it to 25,000,000 yuan is accepted (a budget entry with was=) and POOL
 * 2026 shows 2,500,000,000, 2027 3,000,000,000. A reload removing the
 * program the store refers to is refused; once 2026 is closed (ended more
 * than late_days ago) its fixed budget may not change. */
static void test_ex17_budgets(void **state)
{
	struct policy *a, *b, *c, *d, *e;
	struct ledger_pool pool;
	char path[256], why[400];
	struct budgets bl = {{{0}}, 0};
	struct fx f;

	(void)state;
	{
		static const char *const files[] = {ANNUAL, NULL};
		assert_int_equal(fx_open(&f, files, 0), 0);
	}
	a = fx_policy_of(&f, "a.ini", BUDGETS_A, path, sizeof(path));
	assert_int_equal(fx_reload(&f, a, NULL, why, sizeof(why)), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "r1", "s", JUNE_2026, 1000000), 0);
	assert_int_equal(fx_pool(&f, "xinxing", 2026, &pool), 0);
	assert_true(pool.budget == 2000000000LL && pool.granted == 30000);
	/* below what 2026 has committed: refused, file and line named */
	b = fx_policy_of(&f, "b.ini",
	                 "[pool xinxing]\nbudget = 20000000\n"
	                 "budget.2026 = 0.01\nbudget.2027 = 30000000\n"
	                 "[program demand]\npool = xinxing\n"
	                 "beneficiary = consumer\nrate = 3%\n"
	                 "settlement = immediate\n",
	                 path, sizeof(path));
	assert_int_equal(fx_reload(&f, b, a, why, sizeof(why)), VD_EPOLICY);
	if (strstr(why, "b.ini:3: pool xinxing's budget for 2026 would be 1 "
	                "fen, below the 30000 it has committed") == NULL)
		fail_msg("why: %s", why);
	/* raised to 25,000,000 yuan: accepted */
	c = fx_policy_of(&f, "c.ini",
	                 "[pool xinxing]\nbudget = 20000000\n"
	                 "budget.2026 = 25000000\nbudget.2027 = 30000000\n"
	                 "[program demand]\npool = xinxing\n"
	                 "beneficiary = consumer\nrate = 3%\n"
	                 "settlement = immediate\n",
	                 path, sizeof(path));
	assert_int_equal(fx_reload(&f, c, a, why, sizeof(why)), 0);
	assert_int_equal(fx_pool(&f, "xinxing", 2026, &pool), 0);
	assert_true(pool.budget == 2500000000LL);
	assert_int_equal(fx_pool(&f, "xinxing", 2027, &pool), 0);
	assert_true(pool.budget == 3000000000LL);
	assert_int_equal(ledger_journal(f.l, 0, 0, budget_entry, &bl), 0);
	assert_int_equal(bl.n, 2);
	assert_string_equal(bl.seen[1], "type=budget pool=xinxing "
	                                "period=2026 budget=2500000000 "
	                                "was=2000000000");
	/* the program the store refers to, removed */
	d = fx_policy_of(&f, "d.ini",
	                 "[pool xinxing]\nbudget = 20000000\n"
	                 "budget.2026 = 25000000\n"
	                 "[program other]\npool = xinxing\n"
	                 "beneficiary = consumer\nrate = 3%\n"
	                 "settlement = immediate\n",
	                 path, sizeof(path));
	assert_int_equal(fx_reload(&f, d, c, why, sizeof(why)), VD_EPOLICY);
	if (strstr(why, "program demand would be removed") == NULL)
		fail_msg("why: %s", why);
	/* 2026 closed: 2027-04-02 is 91 days after its end */
	f.now = T2027 + 91LL * 86400;
	e = fx_policy_of(&f, "e.ini",
	                 "[pool xinxing]\nbudget = 20000000\n"
	                 "budget.2026 = 26000000\n"
	                 "[program demand]\npool = xinxing\n"
	                 "beneficiary = consumer\nrate = 3%\n"
	                 "settlement = immediate\n",
	                 path, sizeof(path));
	assert_int_equal(fx_reload(&f, e, c, why, sizeof(why)), VD_EPOLICY);
	if (strstr(why, "e.ini:3: pool xinxing's budget for 2026 is fixed at "
	                "2500000000 fen and the period is closed") == NULL)
		fail_msg("why: %s", why);
	fx_check_ok(&f);
	ledger_set_policy(f.l, f.p);
	policy_free(a);
	policy_free(b);
	policy_free(c);
	policy_free(d);
	policy_free(e);
	fx_close(&f);
}

#define YEARS(extra)                                                           \
	"[pool p]\nbudget = 2000\n" extra "[pool q]\nbudget = 1000\n"          \
	"[program demand]\npool = p\nbeneficiary = consumer\n"                 \
	"rate = 3%\nsettlement = immediate\n"

/* A supplementary budget for this year while last year stays: pool p
 * (1,000 yuan a year) granted 3% of 1,000,000 fen in 2025 and in 2026
 * (30,000 each), fixing both at 100,000 fen. On 2026-05-01 2025 is
 * closed (late_days 90): raising `budget` to 2,000 yuan is refused, as
 * it would change 2025; with `budget.2025 = 1000` kept it is accepted,
 * 2026 is 200,000 and 2025 still 100,000. Moving the program to other
 * pools (p:50%, q:50%) after it granted is refused with its file and
 * line. */
static void test_reload_this_year_not_last(void **state)
{
	static const char *const files[] = {ANNUAL, NULL};
	struct policy *a, *b, *c, *d, *e;
	struct ledger_pool pool;
	char path[256], why[400];
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	a = fx_policy_of(&f, "a.ini",
	                 "[pool p]\nbudget = 1000\n[pool q]\nbudget = 1000\n"
	                 "[program demand]\npool = p\nbeneficiary = consumer\n"
	                 "rate = 3%\nsettlement = immediate\n",
	                 path, sizeof(path));
	f.now = JUNE_2026 - 365LL * 86400;
	assert_int_equal(fx_reload(&f, a, NULL, why, sizeof(why)), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	assert_int_equal(
	    fx_usage(&f, "dc", "r1", "s", JUNE_2026 - 365LL * 86400, 1000000),
	    0);
	f.now = T2026 + 120LL * 86400; /* 2026-05-01 */
	assert_int_equal(fx_usage(&f, "dc", "r2", "s", f.now, 1000000), 0);
	b = fx_policy_of(&f, "b.ini", YEARS(""), path, sizeof(path));
	assert_int_equal(fx_reload(&f, b, a, why, sizeof(why)), VD_EPOLICY);
	if (strstr(why, "b.ini:2: pool p's budget for 2025 is fixed at 100000 "
	                "fen and the period is closed") == NULL)
		fail_msg("why: %s", why);
	c = fx_policy_of(&f, "c.ini", YEARS("budget.2025 = 1000\n"), path,
	                 sizeof(path));
	assert_int_equal(fx_reload(&f, c, a, why, sizeof(why)), 0);
	assert_int_equal(fx_pool(&f, "p", 2026, &pool), 0);
	assert_true(pool.budget == 200000 && pool.granted == 30000 &&
	            pool.remaining == 170000);
	assert_int_equal(fx_pool(&f, "p", 2025, &pool), 0);
	assert_true(pool.budget == 100000 && pool.remaining == 70000);
	d = fx_policy_of(&f, "d.ini",
	                 "[pool p]\nbudget = 2000\nbudget.2025 = 1000\n"
	                 "[pool q]\nbudget = 1000\n"
	                 "[program demand]\npool = p:50%, q:50%\n"
	                 "beneficiary = consumer\nrate = 3%\n"
	                 "settlement = immediate\n",
	                 path, sizeof(path));
	assert_int_equal(fx_reload(&f, d, c, why, sizeof(why)), VD_EPOLICY);
	if (strstr(why, "d.ini:6: program demand's pools would change, but "
	                "it has granted from them") == NULL)
		fail_msg("why: %s", why);
	/* nor may its rows' basis change measure */
	e = fx_policy_of(&f, "e.ini",
	                 "[pool p]\nbudget = 2000\nbudget.2025 = 1000\n"
	                 "[pool q]\nbudget = 1000\n"
	                 "[program demand]\npool = p\nbasis = net\n"
	                 "beneficiary = consumer\nrate = 3%\n"
	                 "settlement = immediate\n",
	                 path, sizeof(path));
	assert_int_equal(fx_reload(&f, e, c, why, sizeof(why)), VD_EPOLICY);
	if (strstr(why, "e.ini:6: program demand's basis would change") == NULL)
		fail_msg("why: %s", why);
	fx_check_ok(&f);
	ledger_set_policy(f.l, f.p);
	policy_free(a);
	policy_free(b);
	policy_free(c);
	policy_free(d);
	policy_free(e);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_pool_listed),
	    cmocka_unit_test(test_annual_rows_show_earned),
	    cmocka_unit_test(test_lifetime_group_cap_at_settlement),
	    cmocka_unit_test(test_settlement_fixes_budget),
	    cmocka_unit_test(test_one_voucher_per_application),
	    cmocka_unit_test(test_revoked_voucher_takes_no_more),
	    cmocka_unit_test(test_upgrade_recomputes_annual_rows),
	    cmocka_unit_test(test_payout_revoke_repay),
	    cmocka_unit_test(test_cofunded_repay_odd_fen),
	    cmocka_unit_test(test_cofunded_running_total),
	    cmocka_unit_test(test_unredeem_cancels_clawback),
	    cmocka_unit_test(test_ex17_budgets),
	    cmocka_unit_test(test_reload_this_year_not_last),
	    cmocka_unit_test(test_unredeem_after_repayment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
