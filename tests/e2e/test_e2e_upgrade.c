/* End to end, the store upgrade, from each older schema:
 * tests/data/store-v3, store-v4, store-v5, store-v6 and store-v7 (stores
 * written by the vouchd of e917dae, a117ea8, 5957c01, a8b65ee and 37b9ad8,
 * see their make.sh or README) are refused by `vouchd run` and `vouchd check`
 * with the command to run; `vouchd upgrade` converts each in one go and checks
 * it; the daemon then answers every balance (and accrual row and record,
 * where expected/ has them) the old daemon answered (its --json output,
 * kept beside the store) with the same figures. Each group's fixture is
 * its state (set by its group setup). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <sys/stat.h>

#include "e2e_client.h"

/* The store the group of tests runs on, and what its upgrade says. */
struct fixture {
	const char *dir;
	const char *expected; /* what the old daemon answered on it */
	int schema;
	const char *said;
	/* the principals whose balance (and accrual, and records, where
	 * expected/ has them) the old daemon answered */
	const char *const *who;
};

static const char *const who4[] = {"corp", "school", "hosp", "lab",
                                   "dc",   "ce",     NULL};
static const char *const who5[] = {
    "corp",  "school", "hosp", "lab", "mover", "mtg",          "firm",
    "yinco", "dc",     "ce",   "yx",  "mg",    "yinchuan-dc1", NULL};
/* not const: a group's setup hands its fixture to the tests as their
 * state (void *) */
static struct fixture
    v3 = {VD_SOURCE_DIR "/tests/data/store-v3",
          VD_SOURCE_DIR "/tests/data/store-v3/expected", 3,
          "schema 3 to 8: 5 records, 14 accrual rows, 8 vouchers, 7 "
          "principals, 3 pool periods",
          who4},
    v4 = {VD_SOURCE_DIR "/tests/data/store-v4",
          VD_SOURCE_DIR "/tests/data/store-v4/expected", 4,
          "schema 4 to 8: 5 records, 9 accrual rows, 6 vouchers, 7 "
          "principals",
          who4},
    v5 = {VD_SOURCE_DIR "/tests/data/store-v5",
          VD_SOURCE_DIR "/tests/data/store-v5/expected", 5,
          "schema 5 to 8: 17 records, 13 accrual rows, 12 vouchers", who5},
    v6 = {VD_SOURCE_DIR "/tests/data/store-v6",
          VD_SOURCE_DIR "/tests/data/store-v6/expected", 6,
          "schema 6 to 8: 20 records, 14 principals numbered, 69 keys "
          "rewritten",
          who5},
    /* the same rows as store-v6, written by schema 7's code, which
     * answered what store-v6's vouchd did (its README) */
    v7 = {VD_SOURCE_DIR "/tests/data/store-v7",
          VD_SOURCE_DIR "/tests/data/store-v6/expected", 7,
          "schema 7 to 8: 69 keys rewritten", who5};

static struct daemon D;
static char out[1 << 20];

/* Run a shell command; stdout into out; the exit status. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	size_t n = 0;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (n + 1 < sizeof(out) &&
	       (st = (int)fread(out + n, 1, sizeof(out) - n - 1, p)) > 0)
		n += (size_t)st;
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int setup(void **state, struct fixture *f)
{
	*state = f;
	D.pid = 0;
	snprintf(D.dir, sizeof(D.dir), "/tmp/vd_upg_XXXXXX");
	if (mkdtemp(D.dir) == NULL)
		return -1;
	snprintf(D.data, sizeof(D.data), "%s/data", D.dir);
	snprintf(D.sock, sizeof(D.sock), "%s/vouchd.sock", D.dir);
	snprintf(D.conf, sizeof(D.conf), "%s/vouchd.conf", D.dir);
	/* the store, and a server key of its own (checkpoints only) */
	return sh("mkdir -p %s && cp %s/data.mdb %s/ && %s keygen --out "
	          "%s/server.pem >/dev/null",
	          D.data, f->dir, D.data, VOUCHCTL_BIN, D.data) == 0
	           ? 0
	           : -1;
}

static int teardown(void **state)
{
	(void)state;
	if (D.pid > 0)
		daemon_stop(&D);
	daemon_cleanup(&D);
	return 0;
}

static void test_old_store_refused(void **state)
{
	const struct fixture *f = *state;

	assert_int_equal(sh("%s check --data %s 2>&1", VOUCHD_BIN, D.data), 2);
	if (strstr(out, "run `vouchd upgrade --data ") == NULL)
		fail_msg("no upgrade command named: %s", out);
	assert_int_equal(sh("%s run --data %s --policies %s/policies "
	                    "--listen unix:%s 2>&1",
	                    VOUCHD_BIN, D.data, f->dir, D.sock),
	                 1);
	if (strstr(out, "run `vouchd upgrade --data ") == NULL)
		fail_msg("no upgrade command named: %s", out);
}

static void test_upgrade_then_check(void **state)
{
	const struct fixture *f = *state;

	assert_int_equal(sh("%s upgrade --data %s 2>&1", VOUCHD_BIN, D.data),
	                 0);
	if (strstr(out, f->said) == NULL ||
	    strstr(out, "vouchd check: ok") == NULL)
		fail_msg("upgrade said: %s", out);
	/* once is enough */
	assert_int_equal(sh("%s upgrade --data %s 2>&1", VOUCHD_BIN, D.data),
	                 0);
	if (strstr(out, "already schema 8") == NULL)
		fail_msg("second upgrade said: %s", out);
	assert_int_equal(sh("%s check --data %s", VOUCHD_BIN, D.data), 0);
}

/* Every field of want is in got with the same value (got may have more:
 * the new figures); arrays element by element. A cash entitlement has no
 * expiry any more (it never expires, by design). */
static void same(json_t *want, json_t *got, const char *path)
{
	char sub[400];

	if (json_is_object(want)) {
		const char *k;
		json_t *v;
		if (!json_is_object(got))
			fail_msg("%s: not an object", path);
		json_object_foreach(want, k, v)
		{
			json_t *g = json_object_get(got, k);
			snprintf(sub, sizeof(sub), "%s.%s", path, k);
			if (strcmp(k, "expires") == 0 && g == NULL &&
			    json_is_string(json_object_get(got, "pays")) &&
			    strcmp(
			        json_string_value(json_object_get(got, "pays")),
			        "cash") == 0)
				continue;
			if (g == NULL)
				fail_msg("%s: missing", sub);
			same(v, g, sub);
		}
		return;
	}
	if (json_is_array(want)) {
		size_t i;
		if (!json_is_array(got) ||
		    json_array_size(got) != json_array_size(want))
			fail_msg("%s: %zu rows, want %zu", path,
			         json_array_size(got), json_array_size(want));
		for (i = 0; i < json_array_size(want); i++) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			same(json_array_get(want, i), json_array_get(got, i),
			     sub);
		}
		return;
	}
	if (!json_equal(want, got)) {
		char *w = json_dumps(want, JSON_ENCODE_ANY);
		char *g = json_dumps(got, JSON_ENCODE_ANY);
		fail_msg("%s: %s, want %s", path, g ? g : "?", w ? w : "?");
	}
}

static json_t *ctl_json(const char *args)
{
	json_error_t e;
	json_t *o;

	/* no id: the Unix socket's owner is the bureau (unix_bureau) */
	if (sh("env -i PATH=/usr/bin:/bin HOME=%s VOUCHD_ADDR=unix:%s %s %s "
	       "--json",
	       D.dir, D.sock, VOUCHCTL_BIN, args) != 0)
		fail_msg("vouchctl %s failed: %s", args, out);
	if ((o = json_loads(out, 0, &e)) == NULL)
		fail_msg("vouchctl %s: not JSON: %s", args, out);
	return o;
}

static void compare(const struct fixture *f, const char *args, const char *file)
{
	char path[300];
	json_error_t e;
	json_t *want, *got;

	snprintf(path, sizeof(path), "%s/%s", f->expected, file);
	if ((want = json_load_file(path, 0, &e)) == NULL)
		fail_msg("%s: %s", path, e.text);
	got = ctl_json(args);
	same(want, got, file);
	json_decref(want);
	json_decref(got);
}

/* The same where the fixture kept the file (the accrual of an org, not of
 * a provider, before store-v5; records from store-v5 on). */
static void compare_kept(const struct fixture *f, const char *args,
                         const char *file)
{
	char path[300];

	snprintf(path, sizeof(path), "%s/%s", f->expected, file);
	if (access(path, F_OK) == 0)
		compare(f, args, file);
}

static json_t *voucher_of(json_t *bal, const char *id)
{
	json_t *rows = json_object_get(bal, "rows"), *r;
	size_t i;

	json_array_foreach(rows, i, r)
	{
		if (strcmp(json_string_value(json_object_get(r, "id")), id) ==
		    0)
			return r;
	}
	fail_msg("no voucher %s", id);
	return NULL;
}

/* What store-v5 was made to have, named, so that a fixture made again
 * without it fails here: the record accepted while hosp was suspended
 * (excluded), and Mentougou's two annual programs settled for 2026. */
static void v5_rows(void)
{
	static const char *const settled[] = {"mentougou-training",
	                                      "mentougou-api"};
	json_t *recs = ctl_json("records --org hosp --all"), *r;
	const char *status = NULL;
	size_t i;

	json_array_foreach(json_object_get(recs, "rows"), i, r)
	{
		if (strcmp(json_string_value(json_object_get(r, "id")),
		           "dc-5") == 0)
			status =
			    json_string_value(json_object_get(r, "status"));
	}
	if (status == NULL || strcmp(status, "excluded") != 0)
		fail_msg("hosp's dc-5: %s, want excluded",
		         status ? status : "absent");
	json_decref(recs);
	for (i = 0; i < 2; i++) {
		assert_int_equal(
		    sh("env -i PATH=/usr/bin:/bin HOME=%s "
		       "VOUCHD_ADDR=unix:%s %s settle --program %s "
		       "--period 2026 --dry-run 2>&1",
		       D.dir, D.sock, VOUCHCTL_BIN, settled[i]),
		    1);
		if (strstr(out, "already settled") == NULL)
			fail_msg("%s 2026: %s", settled[i], out);
	}
}

/* store-v6's own, and store-v7's (the same rows): every provider's
 * records and the bureau's listing of all of them, two to a page, as the
 * old daemon listed them (in (provider, id) order, which schema 7's keys
 * by provider number would not give by themselves: the providers
 * registered in another order); then a principal registered after the
 * upgrade gets the next number and its records are stored and listed,
 * and the store still checks. */
static void v6_rows(const struct fixture *f)
{
	static const char *const providers[] = {"dc", "ce", "yx", "mg",
	                                        "yinchuan-dc1"};
	char args[200], file[100];
	size_t i;

	for (i = 0; i < 5; i++) {
		snprintf(args, sizeof(args), "records --provider %s --all",
		         providers[i]);
		snprintf(file, sizeof(file), "records-by-%s.json",
		         providers[i]);
		compare(f, args, file);
	}
	compare(f, "records --all --limit 2", "records-all.json");
	assert_int_equal(sh("%s keygen --out %s/new.pem > %s/new.pub",
	                    VOUCHCTL_BIN, D.dir, D.dir),
	                 0);
	assert_int_equal(
	    sh("env -i PATH=/usr/bin:/bin HOME=%s VOUCHD_ADDR=unix:%s %s "
	       "register aa-new --role provider --region xinjiang.xinxing "
	       "--pubkey $(cat %s/new.pub) && printf '%%s\\n' "
	       "'id,org,at,amount,qty,unit,kind' "
	       "'n-1,hosp,2026-11-01T00:00:00Z,1000,50,gpu-hour,training' > "
	       "%s/new.csv && env -i PATH=/usr/bin:/bin HOME=%s "
	       "VOUCHD_ADDR=unix:%s VOUCHD_ID=aa-new VOUCHD_KEY=%s/new.pem "
	       "%s report %s/new.csv 2>&1",
	       D.dir, D.sock, VOUCHCTL_BIN, D.dir, D.dir, D.dir, D.sock, D.dir,
	       VOUCHCTL_BIN, D.dir),
	    0);
	if (strstr(out, "1 accepted") == NULL)
		fail_msg("report after the upgrade: %s", out);
	{
		json_t *recs = ctl_json("records --all --limit 1");
		json_t *r = json_array_get(json_object_get(recs, "rows"), 0);
		/* aa-new sorts first by id, though numbered last */
		if (r == NULL ||
		    strcmp(json_string_value(json_object_get(r, "id")),
		           "n-1") != 0 ||
		    strcmp(json_string_value(json_object_get(r, "org")),
		           "hosp") != 0)
			fail_msg("the first record listed is not aa-new's n-1");
		json_decref(recs);
	}
	assert_int_equal(sh("%s check --data %s 2>&1", VOUCHD_BIN, D.data), 0);
	/* n-1's usage entry carries its grants (3% to hosp, 2% to aa-new:
	 * grant1=, grant2=). From store-v6 the export now holds both forms
	 * (its entries put each record's grants in grant entries of their
	 * own, every usage entry with its line); store-v7's carry them
	 * already. All of it audits. */
	if (sh("env -i PATH=/usr/bin:/bin HOME=%s VOUCHD_ADDR=unix:%s %s "
	       "journal > %s/export2.ndjson && grep -c "
	       "'\"type\":\"usage\",\"provider\":\"aa-new\",.*"
	       "\"grant1\":\"V[0-9]*/xinxing-demand/hosp/2026/3000/0/"
	       "xinxing:3000/.*\"grant2\":\"V[0-9]*/xinxing-supply/"
	       "aa-new/2026/2000/0/xinxing:2000/cash\"' %s/export2.ndjson "
	       "&& %s audit %s/export2.ndjson",
	       D.dir, D.sock, VOUCHCTL_BIN, D.dir, D.dir, VOUCHCTL_BIN,
	       D.dir) != 0 ||
	    strstr(out, "13 verified: 1 USAGE, 11 BATCH covering 20 records, "
	                "1 VOID; 0 entries not verifiable") == NULL)
		fail_msg("audit after a record of the upgraded store: %s", out);
	/* the money rows upgrade8.h re-keyed are found by their new keys:
	 * dc's payment ref p-1 again with another amount conflicts (a row
	 * not found would be paid again), and the bureau's void of ce-2
	 * takes back lab's redemption r-3 against it (ce's 20,000 yuan
	 * redeemed go back: the walk of ce's redemptions and the record's
	 * redeemed sums) */
	if (sh("env -i PATH=/usr/bin:/bin HOME=%s VOUCHD_ADDR=unix:%s %s pay "
	       "--provider dc --amount 1 --ref p-1 2>&1",
	       D.dir, D.sock, VOUCHCTL_BIN) == 0 ||
	    strstr(out, "CONFLICT") == NULL)
		fail_msg("p-1 replayed with another amount: %s", out);
	if (sh("env -i PATH=/usr/bin:/bin HOME=%s VOUCHD_ADDR=unix:%s %s void "
	       "ce-2 --provider ce --reason after-upgrade 2>&1",
	       D.dir, D.sock, VOUCHCTL_BIN) != 0)
		fail_msg("void of ce-2: %s", out);
	{
		/* by provider id: ce, all of its 2,000,000 fen given back;
		 * dc as expected/receivables.json has it (p-1's replay paid
		 * nothing) */
		static const struct {
			const char *provider;
			json_int_t redeemed, paid, owed;
		} want[2] = {{"ce", 0, 0, 0}, {"dc", 50000, 500000, -450000}};
		json_t *r = ctl_json("receivables");
		json_t *rows = json_object_get(r, "rows");
		if (json_array_size(rows) != 2)
			fail_msg("receivables after the void: not 2 rows");
		for (i = 0; i < 2; i++) {
			json_t *x = json_array_get(rows, i);
			if (strcmp(json_string_value(
			               json_object_get(x, "provider")),
			           want[i].provider) != 0 ||
			    json_integer_value(json_object_get(
			        x, "redeemed")) != want[i].redeemed ||
			    json_integer_value(json_object_get(x, "paid")) !=
			        want[i].paid ||
			    json_integer_value(json_object_get(x, "owed")) !=
			        want[i].owed)
				fail_msg("receivable %zu after the void is not "
				         "%s's expected one",
				         i, want[i].provider);
		}
		json_decref(r);
	}
	assert_int_equal(sh("%s check --data %s 2>&1", VOUCHD_BIN, D.data), 0);
}

static void test_balances_unchanged(void **state)
{
	const struct fixture *f = *state;
	char args[100], file[100];
	json_t *bal;
	FILE *conf;
	size_t i;

	conf = fopen(D.conf, "w");
	assert_non_null(conf);
	fprintf(conf,
	        "[server]\nlisten = unix:%s\nunix_bureau = yes\n"
	        "log_level = warn\n",
	        D.sock);
	fclose(conf);
	/* The previous release's files, with the one line this release
	 * refuses: yinchuan-power (a provider program) in the consumers'
	 * group. An operator makes the same edit; the store's recorded copy
	 * of the old policy still loads for check and upgrade. */
	snprintf(args, sizeof(args), "%s/policies", D.dir);
	if (f->schema == 3) {
		assert_int_equal(sh("cp -r %s/policies %s && sed -i '52d' "
		                    "%s/yinchuan.ini && grep -c 'group = "
		                    "yinchuan' %s/yinchuan.ini",
		                    f->dir, D.dir, args, args),
		                 0);
		if (strcmp(out, "2\n") != 0)
			fail_msg("yinchuan.ini edit: %s", out);
	} else
		assert_int_equal(sh("cp -r %s/policies %s", f->dir, D.dir), 0);
	D.pid = daemon_spawn(&D, VOUCHD_BIN, args);
	assert_true(D.pid > 0);
	for (i = 0; i < 50 && access(D.sock, F_OK) != 0; i++)
		usleep(100000);
	for (i = 0; f->who[i] != NULL; i++) {
		const char *o = f->who[i];
		snprintf(args, sizeof(args), "balance --org %s", o);
		snprintf(file, sizeof(file), "balance-%s.json", o);
		compare(f, args, file);
		snprintf(args, sizeof(args), "accrual --org %s --period 2026",
		         o);
		snprintf(file, sizeof(file), "accrual-%s.json", o);
		compare_kept(f, args, file);
		snprintf(args, sizeof(args), "records --org %s --all", o);
		snprintf(file, sizeof(file), "records-%s.json", o);
		compare_kept(f, args, file);
	}
	compare(f, "pool --period 2026 --pool xinxing", "pool-xinxing.json");
	compare(f, "receivables", "receivables.json");
	if (f->schema >= 5)
		v5_rows();
	/* its export audits: entries from before the journal carried signed
	 * bytes are counted, not refused (old batches' lines included);
	 * store-v6's and store-v7's carry them, and every one verifies */
	if (sh("env -i PATH=/usr/bin:/bin HOME=%s VOUCHD_ADDR=unix:%s %s "
	       "journal > %s/export.ndjson && %s audit %s/export.ndjson",
	       D.dir, D.sock, VOUCHCTL_BIN, D.dir, VOUCHCTL_BIN, D.dir) != 0 ||
	    strstr(out, f->schema < 6
	                    ? "signatures: 0 verified"
	                    : "12 verified: 1 USAGE, 10 BATCH covering "
	                      "19 records, 1 VOID; 0 entries not "
	                      "verifiable") == NULL)
		fail_msg("audit of the upgraded store: %s", out);
	if (f->schema >= 4) {
		compare(f, "pool --period 2026", "pool-2026.json");
		compare(f, "pool --period 2026 --by-program",
		        "pool-by-program.json");
		/* last: it writes */
		if (f->schema >= 6)
			v6_rows(f);
		return;
	}
	/* clawbacks now per voucher: corp's 9,970 yuan came through its
	 * Xinxing voucher (the void of its redeemed bill), the school's 500
	 * through the one revoked after 500 of it was redeemed */
	bal = ctl_json("balance --org corp");
	assert_int_equal(json_integer_value(json_object_get(
	                     voucher_of(bal, "V000000000003"), "clawback_due")),
	                 997000);
	json_decref(bal);
	bal = ctl_json("balance --org school");
	assert_int_equal(json_integer_value(json_object_get(
	                     voucher_of(bal, "V000000000006"), "clawback_due")),
	                 50000);
	json_decref(bal);
	/* the provider's supply-side grant is a cash entitlement now */
	bal = ctl_json("balance --org dc");
	assert_string_equal(json_string_value(json_object_get(
	                        voucher_of(bal, "V000000000004"), "pays")),
	                    "cash");
	json_decref(bal);
}

/* A schema-3 store in which a voucher's holder owes back more than left
 * through the voucher (tests/data/store-v3-overowed, see its make.c) is
 * refused, unchanged: schema 4 would let that repayment swell the pool. */
static void test_overowed_store_refused(void **state)
{
	char dir[200];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/over", D.dir);
	assert_int_equal(sh("mkdir -p %s && cp " VD_SOURCE_DIR
	                    "/tests/data/store-v3-overowed/data.mdb %s/",
	                    dir, dir),
	                 0);
	assert_int_equal(sh("%s upgrade --data %s 2>&1", VOUCHD_BIN, dir), 1);
	if (strstr(out, "voucher V000000000002: 6000 fen owed back, more "
	                "than the 1000 that left through it") == NULL)
		fail_msg("upgrade said: %s", out);
	/* still schema 3 */
	assert_int_equal(sh("%s check --data %s 2>&1", VOUCHD_BIN, dir), 2);
	if (strstr(out, "store schema version 3") == NULL)
		fail_msg("check said: %s", out);
}

static int setup_v3(void **state)
{
	return setup(state, &v3);
}

static int setup_v4(void **state)
{
	return setup(state, &v4);
}

static int setup_v5(void **state)
{
	return setup(state, &v5);
}

static int setup_v6(void **state)
{
	return setup(state, &v6);
}

static int setup_v7(void **state)
{
	return setup(state, &v7);
}

int main(void)
{
	const struct CMUnitTest from3[] = {
	    cmocka_unit_test(test_old_store_refused),
	    cmocka_unit_test(test_upgrade_then_check),
	    cmocka_unit_test(test_balances_unchanged),
	    cmocka_unit_test(test_overowed_store_refused),
	};
	const struct CMUnitTest from4[] = {
	    cmocka_unit_test(test_old_store_refused),
	    cmocka_unit_test(test_upgrade_then_check),
	    cmocka_unit_test(test_balances_unchanged),
	};

	int failed = cmocka_run_group_tests_name("from schema 3", from3,
	                                         setup_v3, teardown);

	failed += cmocka_run_group_tests_name("from schema 4", from4, setup_v4,
	                                      teardown);
	failed += cmocka_run_group_tests_name("from schema 5", from4, setup_v5,
	                                      teardown);
	failed += cmocka_run_group_tests_name("from schema 6", from4, setup_v6,
	                                      teardown);
	failed += cmocka_run_group_tests_name("from schema 7", from4, setup_v7,
	                                      teardown);
	return failed;
}
