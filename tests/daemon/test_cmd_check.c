/* vouchd check --data DIR on a real store: ok, then a tampered figure. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "book.h"
#include "cmd_check.h"
#include "ledger_fixture.h"
#include "store.h"

static void test_check_store(void **state)
{
	static const char *const files[] = {"xinxing.ini", NULL};
	char *out = NULL, *err = NULL;
	size_t olen = 0, elen = 0;
	struct ledger_voucher v;
	struct ledger_op op;
	FILE *fo, *fe;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	/* a store that never had a policy loaded cannot be checked */
	fo = open_memstream(&out, &olen);
	fe = open_memstream(&err, &elen);
	ledger_close(f.l);
	assert_int_equal(cmd_check(f.dir, fo, fe), 2);
	fclose(fe);
	assert_non_null(strstr(err, "no policy was ever loaded"));
	free(err);
	err = NULL;
	fclose(fo);
	free(out);
	out = NULL;
	{
		char msg[128];
		assert_int_equal(
		    ledger_open(f.dir, 0, 0, &f.l, msg, sizeof(msg)), 0);
		ledger_set_policy(f.l, f.p);
	}
	memset(&op, 0, sizeof(op));
	op.type = OP_POLICY;
	assert_int_equal(fx_run(&f, &op), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "s", ROLE_ORG, "school", 0), 0);
	assert_int_equal(fx_usage(&f, "dc", "r1", "s", JUNE_2026, 10000000), 0);
	assert_true(fx_granted(&f, "xinxing-demand", "s", 2026, &v) == 300000);
	ledger_close(f.l);
	f.l = NULL;
	/* the stored policy is the one in force: checked with it */
	fo = open_memstream(&out, &olen);
	fe = open_memstream(&err, &elen);
	{
		int st = cmd_check(f.dir, fo, fe);
		fclose(fo);
		fclose(fe);
		if (st != 0)
			fail_msg("status %d: %s", st, err);
	}
	assert_non_null(strstr(out, "vouchd check: ok"));
	/* policy, 2 registers, the usage (carrying its 2 grants), the
	 * pool's budget fixed at its first draw */
	assert_non_null(strstr(out, "journal: 5 entries, hash chain verified"));
	free(out);
	free(err);
	/* change a voucher figure behind the ledger's back */
	{
		char msg[128];
		uint8_t k[BOOK_VBY_KEY];
		struct voucher_row row;
		struct ltx t;
		MDB_val val;
		size_t kn;
		assert_int_equal(
		    ledger_open(f.dir, 0, 0, &f.l, msg, sizeof(msg)), 0);
		/* the row is under (beneficiary's number, voucher id) */
		assert_int_equal(ltx_begin(ledger_store(f.l), NULL, 0, &t), 0);
		assert_int_equal(book_vby_key(&t, k, &kn, v.beneficiary, v.id),
		                 0);
		assert_int_equal(ltx_get(&t, DB_VOUCHERS_BY, k, kn, &val), 0);
		memcpy(&row, val.mv_data, sizeof(row));
		row.redeemed += 5;
		assert_int_equal(
		    ltx_put(&t, DB_VOUCHERS_BY, k, kn, &row, sizeof(row)), 0);
		assert_int_equal(ltx_commit(&t), 0);
		ledger_close(f.l);
		f.l = NULL;
	}
	out = err = NULL;
	fo = open_memstream(&out, &olen);
	fe = open_memstream(&err, &elen);
	assert_int_equal(cmd_check(f.dir, fo, fe), 1);
	fclose(fo);
	fclose(fe);
	assert_non_null(strstr(err, "MISMATCH: voucher V000000000001 "
	                            "redeemed: 5 stored, 0 from the journal"));
	free(out);
	free(err);
	f.l = NULL;
	ledger_close(f.l);
	policy_free(f.p);
	fx_rmdir(f.dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_check_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
