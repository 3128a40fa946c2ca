/* The pools' figures by program (pools.h): each (pool, period) row is
 * the sum of its programs' parts. Amounts in fen, worked by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ledger_fixture.h"

struct listed {
	struct ledger_pool pool[8];
	struct ledger_pool_program part[8];
	size_t npool, npart;
};

static int pool_one(void *arg, const struct ledger_pool *p)
{
	struct listed *l = arg;

	if (l->npool == 8)
		return VD_ELIMIT;
	l->pool[l->npool++] = *p;
	return 0;
}

static int part_one(void *arg, const struct ledger_pool_program *p)
{
	struct listed *l = arg;

	if (l->npart == 8)
		return VD_ELIMIT;
	l->part[l->npart++] = *p;
	return 0;
}

static void expect_part(const struct ledger_pool_program *p, const char *pool,
                        const char *program, int64_t granted, int64_t redeemed,
                        int64_t revoked, int64_t unfunded)
{
	assert_string_equal(p->pool, pool);
	assert_string_equal(p->program, program);
	assert_int_equal(p->period, 2026);
	assert_int_equal(p->f.granted, granted);
	assert_int_equal(p->f.redeemed, redeemed);
	assert_int_equal(p->f.revoked, revoked);
	assert_int_equal(p->f.unfunded, unfunded);
	assert_int_equal(p->f.paid_out, 0);
	assert_int_equal(p->f.expired, 0);
	assert_int_equal(p->f.recovered, 0);
}

/* small.ini: "life" 10% from prov:50% city:50%; "tiny-rate" 10% of
 * training from pool tiny (10,000 fen). A 90,010 inference bill: life
 * grants 9,001 (prov 4,501, city 4,500); 3 redeemed (2 and 1). A 200,000
 * training bill: tiny-rate earns 20,000, the pool pays 10,000, 10,000
 * unfunded. Then the life voucher is revoked: its 8,998 remaining
 * splits 4,499 and 4,499. */
static void test_by_program(void **state)
{
	static const char *const files[] = {
	    VD_SOURCE_DIR "/tests/data/policy-small/small.ini", NULL};
	struct ledger_record rec;
	struct ledger_voucher v;
	struct listed l;
	struct ledger_op op;
	size_t i, k;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	fx_record(&rec, "dc", "r1", "s", JUNE_2026, 90010, KIND_INFERENCE);
	assert_int_equal(fx_usage_rec(&f, &rec, NULL), 0);
	assert_int_equal(fx_usage(&f, "dc", "r2", "s", JUNE_2026, 200000), 0);
	assert_true(fx_granted(&f, "life", "s", 2026, &v) == 9001);
	assert_int_equal(fx_redeem(&f, "dc", v.id, "r1", 3, "k1", NULL), 0);

	memset(&l, 0, sizeof(l));
	assert_int_equal(ledger_pools_by_program(f.l, NULL, 2026, f.now,
	                                         pool_one, part_one, &l),
	                 0);
	assert_int_equal(l.npool, 3);
	assert_int_equal(l.npart, 3);
	expect_part(&l.part[0], "city", "life", 4500, 1, 0, 0);
	expect_part(&l.part[1], "prov", "life", 4501, 2, 0, 0);
	expect_part(&l.part[2], "tiny", "tiny-rate", 10000, 0, 0, 10000);
	/* each pool row is the sum of its parts */
	for (i = 0; i < l.npool; i++) {
		int64_t g = 0, r = 0, u = 0;
		for (k = 0; k < l.npart; k++)
			if (strcmp(l.part[k].pool, l.pool[i].pool) == 0) {
				g += l.part[k].f.granted;
				r += l.part[k].f.redeemed;
				u += l.part[k].f.unfunded;
			}
		assert_int_equal(g, l.pool[i].granted);
		assert_int_equal(r, l.pool[i].redeemed);
		assert_int_equal(u, l.pool[i].unfunded);
	}

	memset(&op, 0, sizeof(op));
	op.type = OP_REVOKE;
	snprintf(op.u.revoke.voucher, sizeof(op.u.revoke.voucher), "%s", v.id);
	snprintf(op.u.revoke.reason, sizeof(op.u.revoke.reason), "test");
	assert_int_equal(fx_run(&f, &op), 0);
	/* one pool asked: its parts only */
	memset(&l, 0, sizeof(l));
	assert_int_equal(ledger_pools_by_program(f.l, "prov", 2026, f.now,
	                                         pool_one, part_one, &l),
	                 0);
	assert_int_equal(l.npool, 1);
	assert_int_equal(l.npart, 1);
	expect_part(&l.part[0], "prov", "life", 4501, 2, 4499, 0);
	assert_int_equal(l.pool[0].revoked, 4499);
	fx_check_ok(&f);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_by_program),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
