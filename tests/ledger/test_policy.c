/* Policy files: the seed policies load with the documents' numbers, and
 * every kind of bad file is refused whole with file:line: reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "err.h"
#include "money.h"
#include "period.h"
#include "policy.h"

struct fixture {
	char dir[64];
	struct policy *p;
	struct policy_errors errs;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/vd_policy_XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	struct dirent *de;
	char path[512];
	DIR *d = opendir(f->dir);

	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", f->dir, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(f->dir);
	policy_free(f->p);
	free(f);
	return 0;
}

static void put(struct fixture *f, const char *name, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int load(struct fixture *f)
{
	policy_free(f->p);
	f->p = NULL;
	return policy_load_dir(f->dir, &f->p, &f->errs);
}

/* Load one file p.ini and expect exactly one error, with this message
 * after the "DIR/p.ini:" prefix. */
static void expect_one(struct fixture *f, const char *text, const char *msg)
{
	char want[POLICY_ERR_LEN + 128];

	put(f, "p.ini", text);
	assert_int_equal(load(f), VD_EPOLICY);
	assert_null(f->p);
	snprintf(want, sizeof(want), "%s/p.ini:%s", f->dir, msg);
	if (f->errs.total != 1 || strcmp(f->errs.msg[0], want) != 0)
		fail_msg("want 1 error '%s', got %zu, first '%s'", want,
		         f->errs.total, f->errs.n ? f->errs.msg[0] : "");
}

#define POOL_P "[pool p]\nbudget = 1000\n" /* lines 1-2 */
#define PROG_A                                                                 \
	"[program a]\npool = p\nbeneficiary = consumer\n"                      \
	"settlement = immediate\n" /* lines 3-6 */

/* ---- seed policies ---- */

static void test_seed_policies_load(void **state)
{
	struct fixture *f = *state;
	const struct policy_program *g;
	struct policy *p;
	int64_t t;

	assert_int_equal(
	    policy_load_dir(VD_SOURCE_DIR "/deploy/policies", &f->p, &f->errs),
	    0);
	p = f->p;
	assert_int_equal(p->nprograms, 11);
	assert_true(p->late_days == 90);

	/* 000 art.4: 3% / 2%, 1,000,000 yuan a year, local compute */
	g = policy_program(p, "xinxing-demand");
	assert_non_null(g);
	assert_true(g->rate_bp == 300 && g->cap == 100000000);
	assert_int_equal(g->cap_period, POLICY_YEAR);
	assert_int_equal(g->providers, POLICY_PROV_LOCAL);
	assert_int_equal(g->beneficiary, POLICY_CONSUMER);
	assert_int_equal(g->settlement, POLICY_IMMEDIATE);
	assert_true(policy_list_has(&g->org_kinds, "school", 6));
	assert_false(policy_list_has(&g->org_kinds, "government", 10));
	g = policy_program(p, "xinxing-supply");
	assert_true(g->rate_bp == 200 && g->cap == 100000000);
	assert_int_equal(g->beneficiary, POLICY_PROVIDER);
	assert_int_equal(g->shares[0].pool, policy_pool_index(p, "xinxing"));

	/* 000 art.2: kWh tiers, lifetime */
	g = policy_program(p, "xinxing-greenpower");
	assert_int_equal(g->rule, POLICY_TIERS);
	assert_int_equal(g->basis, POLICY_QUANTITY);
	assert_string_equal(g->unit, "kWh");
	assert_int_equal(g->ntiers, 4);
	assert_true(g->tiers[0].threshold == 20000000 &&
	            g->tiers[0].award == 100000000);
	assert_true(g->tiers[3].threshold == 200000000 &&
	            g->tiers[3].award == 400000000);
	assert_int_equal(g->cap_period, POLICY_LIFETIME);

	/* 001 */
	g = policy_program(p, "yinchuan-power");
	assert_int_equal(g->rule, POLICY_UNIT_RATE);
	assert_true(g->unit_rate == 12);
	assert_int_equal(g->group, POLICY_NO_GROUP);
	assert_int_equal(g->pays, POLICY_PAYS_CASH);
	g = policy_program(p, "yinchuan-model");
	assert_true(g->rate_bp == 3000 && g->cap == 500000000);
	assert_int_equal(g->cap_period, POLICY_LIFETIME);
	assert_int_equal(g->settlement, POLICY_GRANT);
	assert_int_equal(g->pays, POLICY_PAYS_CASH);
	assert_true(policy_program(p, "yinchuan-talent")->cap == 200000000);
	assert_int_equal(p->groups[policy_group_index(p, "yinchuan")].combine,
	                 POLICY_SUM);

	/* 002 */
	g = policy_program(p, "yuxi-compute");
	assert_true(g->rate_bp == 3000 && g->threshold == 30000000 &&
	            g->cap == 50000000);
	assert_int_equal(g->settlement, POLICY_ANNUAL);
	assert_int_equal(g->basis, POLICY_NET);
	assert_int_equal(g->pays, POLICY_PAYS_CASH);
	assert_true(!policy_list_has(&g->org_kinds, "school", 6) &&
	            policy_list_has(&g->org_kinds, "sme", 3));
	assert_int_equal(g->providers, POLICY_PROV_LOCAL);
	assert_true(p->pools[policy_pool_index(p, "yuxi")].budget == 500000000);
	/* valid until 2028-12-31 inclusive: ends at 2029-01-01 00:00 CST */
	assert_true(g->valid_until == period_start(2029));

	/* 003 */
	g = policy_program(p, "datong-pool-grant");
	assert_int_equal(g->settlement, POLICY_GRANT);
	assert_true(g->rate_bp == 3000 && g->cover_bp == 3000);
	assert_true(policy_list_has(&g->org_kinds, "startup", 7));
	assert_int_equal(period_parse_date("2025-09-18", 10, &t), 0);
	assert_true(g->valid_from == t);
	g = policy_program(p, "datong-compute");
	assert_true(g->rate_bp == 1000 && g->threshold == 20000000 &&
	            g->cap == 200000000);
	assert_int_equal(g->basis, POLICY_NET);
	assert_int_equal(g->pays, POLICY_PAYS_CASH);
	assert_int_equal(policy_program(p, "datong-pool-grant")->pays,
	                 POLICY_PAYS_VOUCHER);
	{
		const struct policy_group *grp =
		    &p->groups[policy_group_index(p, "datong")];
		assert_int_equal(grp->combine, POLICY_MAX);
		assert_int_equal(grp->nprograms, 2);
		/* id order */
		assert_string_equal(p->programs[grp->programs[0]].id,
		                    "datong-compute");
		assert_string_equal(p->programs[grp->programs[1]].id,
		                    "datong-pool-grant");
	}

	/* 004 */
	g = policy_program(p, "mentougou-training");
	assert_true(g->kinds ==
	            ((1u << KIND_TRAINING) | (1u << KIND_INFERENCE)));
	assert_true(g->rate_bp == 2000);
	assert_int_equal(g->settlement, POLICY_ANNUAL);
	assert_int_equal(g->pays, POLICY_PAYS_CASH);
	g = policy_program(p, "mentougou-api");
	assert_true(g->kinds == ((1u << KIND_API) | (1u << KIND_DEPLOYMENT) |
	                         (1u << KIND_FINETUNE)));
	assert_true(g->valid_until == period_start(2027));
}

static void test_defaults_and_cofunding(void **state)
{
	struct fixture *f = *state;
	const struct policy_program *g;

	/* CRLF line ends and a UTF-8 byte order mark are fine */
	put(f, "a.ini",
	    "\xEF\xBB\xBF[pool prov]\r\nbudget = 100\n[pool city]\nbudget = "
	    "200.5\n"
	    "[program co]\npool = prov:50%, city:50%\nbeneficiary = consumer\n"
	    "settlement = immediate\nrate = 2.5%\n");
	assert_int_equal(load(f), 0);
	g = policy_program(f->p, "co");
	assert_int_equal(g->nshares, 2);
	/* listed order is kept: the first pool takes the odd fen */
	assert_int_equal(g->shares[0].pool, policy_pool_index(f->p, "prov"));
	assert_true(g->shares[0].bp == 5000 && g->shares[1].bp == 5000);
	assert_true(f->p->pools[policy_pool_index(f->p, "city")].budget ==
	            20050);
	assert_true(g->rate_bp == 250);
	assert_int_equal(g->basis, POLICY_AMOUNT);
	assert_int_equal(g->cap, POLICY_NO_CAP);
	assert_int_equal(g->cap_period, POLICY_YEAR);
	assert_true(g->cover_bp == 10000);
	assert_true(g->threshold == 0 && g->min_grant == 0);
	assert_int_equal(g->round, POLICY_ROUND_FEN);
	assert_int_equal(g->providers, POLICY_PROV_ANY);
	assert_true(g->kinds == POLICY_KINDS_ALL);
	assert_true(g->classes.any && g->org_kinds.any);
	assert_true(g->valid_from == INT64_MIN && g->valid_until == INT64_MAX);
	assert_int_equal(g->group, POLICY_NO_GROUP);
	assert_true(f->p->late_days == POLICY_DEFAULT_LATE_DAYS);
}

static void test_every_key(void **state)
{
	struct fixture *f = *state;
	const struct policy_program *g;

	/* indentation is allowed and is not a continuation line;
	 * '#' starts a comment too */
	put(f, "a.ini",
	    "# all keys\n[ledger]\nlate_days = 30\n"
	    "[pool p]\nbudget = 1000\n"
	    "[group g]\ncombine = sum\ncap = 500\ncap_period = lifetime\n"
	    "[program x]\n"
	    "  pool = p\n  group = g\n  beneficiary = consumer\n"
	    "  basis = quantity\n  unit = gpu-hour\n  unit_rate = 1.5  # yuan\n"
	    "  threshold = 10\n  cap = 100\n  cap_period = lifetime\n"
	    "  max_periods = 3\n  min_grant = 50\n  round = yuan\n"
	    "  providers = dc1, dc2\n  kinds = training, api\n"
	    "  classes = domestic\n  org_kinds = school\n"
	    "  valid_from = 2025-01-01\n  valid_until = 2025-12-31\n"
	    "  settlement = immediate\n  cover = 50%\n  voucher_days = 30\n"
	    "  pays = voucher\n");
	assert_int_equal(load(f), 0);
	g = policy_program(f->p, "x");
	assert_true(f->p->late_days == 30);
	assert_true(g->unit_rate == 150 && g->threshold == 10 &&
	            g->cap == 10000 && g->max_periods == 3 &&
	            g->min_grant == 5000 && g->cover_bp == 5000 &&
	            g->voucher_days == 30);
	assert_string_equal(g->unit, "gpu-hour");
	assert_int_equal(g->pays, POLICY_PAYS_VOUCHER);
	assert_int_equal(g->round, POLICY_ROUND_YUAN);
	assert_int_equal(g->providers, POLICY_PROV_LIST);
	assert_int_equal(g->provider_ids.n, 2);
	assert_string_equal(g->provider_ids.items[1], "dc2");
	assert_true(g->kinds == ((1u << KIND_TRAINING) | (1u << KIND_API)));
	assert_true(g->valid_from == period_start(2025));
	assert_true(g->valid_until == period_start(2026));
	assert_int_equal(f->p->groups[0].cap_period, POLICY_LIFETIME);
	assert_true(f->p->groups[0].cap == 50000);
}

/* pays: voucher by default for a consumer program, cash (the only
 * choice) for a provider program; a cash program has no voucher_days */
static void test_pays(void **state)
{
	struct fixture *f = *state;

	put(f, "a.ini",
	    "[pool p]\nbudget = 1000\n"
	    "[program c]\npool = p\nbeneficiary = consumer\nrate = 3%\n"
	    "settlement = immediate\n"
	    "[program d]\npool = p\nbeneficiary = consumer\nrate = 3%\n"
	    "settlement = annual\npays = cash\n"
	    "[program e]\npool = p\nbeneficiary = provider\nrate = 2%\n"
	    "settlement = immediate\n");
	assert_int_equal(load(f), 0);
	assert_int_equal(policy_program(f->p, "c")->pays, POLICY_PAYS_VOUCHER);
	assert_int_equal(policy_program(f->p, "d")->pays, POLICY_PAYS_CASH);
	assert_int_equal(policy_program(f->p, "e")->pays, POLICY_PAYS_CASH);
}

static void test_provider_voucher_refused(void **state)
{
	expect_one(*state,
	           POOL_P "[program a]\npool = p\nbeneficiary = provider\n"
	                  "settlement = immediate\nrate = 2%\n"
	                  "pays = voucher\n",
	           "8: a provider program pays cash (a provider's voucher "
	           "could never be redeemed)");
}

static void test_cash_voucher_days_refused(void **state)
{
	expect_one(*state,
	           POOL_P "[program a]\npool = p\nbeneficiary = consumer\n"
	                  "settlement = annual\nrate = 30%\npays = cash\n"
	                  "voucher_days = 30\n",
	           "9: 'voucher_days' goes with pays = voucher (a cash "
	           "entitlement never expires)");
}

/* ---- refused files: one test per kind of error ---- */

static void test_unknown_key(void **state)
{
	expect_one(*state, POOL_P PROG_A "rate = 3%\ncolour = red\n",
	           "8: unknown key 'colour' in [program a]");
}

static void test_missing_required_key(void **state)
{
	expect_one(*state,
	           POOL_P "[program a]\nbeneficiary = consumer\n"
	                  "settlement = immediate\nrate = 3%\n",
	           "3: [program a]: missing required key 'pool'");
}

static void test_missing_rule(void **state)
{
	expect_one(*state, POOL_P PROG_A,
	           "3: [program a]: needs one of 'rate', 'unit_rate' or "
	           "'tiers'");
}

static void test_missing_budget(void **state)
{
	expect_one(*state, "[pool p]\n" PROG_A "rate = 3%\n",
	           "1: [pool p]: missing required key 'budget'");
}

static void test_missing_combine(void **state)
{
	expect_one(*state, POOL_P "[group g]\ncap = 10\n" PROG_A "rate = 3%\n",
	           "3: [group g]: missing required key 'combine'");
}

static void test_unknown_pool(void **state)
{
	expect_one(*state,
	           POOL_P "[program a]\npool = q\nbeneficiary = consumer\n"
	                  "settlement = immediate\nrate = 3%\n",
	           "4: unknown pool 'q'");
}

static void test_unknown_group(void **state)
{
	expect_one(*state, POOL_P PROG_A "rate = 3%\ngroup = nope\n",
	           "8: unknown group 'nope'");
}

static void test_bad_number(void **state)
{
	expect_one(*state, "[pool p]\nbudget = 1,000\n" PROG_A "rate = 3%\n",
	           "2: bad value '1,000' for 'budget': expected an amount in "
	           "yuan (e.g. 500000 or 0.12, no separators)");
}

static void test_bad_amount_decimals(void **state)
{
	expect_one(*state, POOL_P PROG_A "rate = 3%\ncap = 10.005\n",
	           "8: bad value '10.005' for 'cap': expected a positive "
	           "amount in yuan (e.g. 500000 or 0.12, no separators)");
}

static void test_rate_finer_than_bp(void **state)
{
	expect_one(*state, POOL_P PROG_A "rate = 0.005%\n",
	           "7: '0.005%' for 'rate' is finer than 0.01%");
}

static void test_rate_out_of_range(void **state)
{
	expect_one(*state, POOL_P PROG_A "rate = 0%\n",
	           "7: bad value '0%' for 'rate': expected a percentage in "
	           "(0%, 100%] with at most two decimals, e.g. 3% or 2.5%");
	expect_one(*state, POOL_P PROG_A "rate = 101%\n",
	           "7: bad value '101%' for 'rate': expected a percentage in "
	           "(0%, 100%] with at most two decimals, e.g. 3% or 2.5%");
	expect_one(*state, POOL_P PROG_A "rate = 3\n",
	           "7: bad value '3' for 'rate': expected a percentage in "
	           "(0%, 100%] with at most two decimals, e.g. 3% or 2.5%");
}

static void test_tiers_not_increasing(void **state)
{
	expect_one(*state, POOL_P PROG_A "tiers = 100:10, 50:20\n",
	           "7: tiers must increase strictly in both threshold and "
	           "award (tier 2 does not)");
	expect_one(*state, POOL_P PROG_A "tiers = 100:10, 200:10, 300:30\n",
	           "7: tiers must increase strictly in both threshold and "
	           "award (tier 2 does not)");
}

static void test_cofunding_not_100(void **state)
{
	expect_one(*state,
	           POOL_P "[pool q]\nbudget = 5\n[program a]\n"
	                  "pool = p:50%, q:40%\nbeneficiary = consumer\n"
	                  "settlement = immediate\nrate = 3%\n",
	           "6: co-funding shares sum to 90.00%, not 100%");
}

/* 34/33/33 splits 3 as 3+0+0 and 4 as 2+1+1: refused */
static void test_cofunding_three_pools(void **state)
{
	expect_one(*state,
	           POOL_P "[pool q]\nbudget = 5\n[pool r]\nbudget = 5\n"
	                  "[program a]\npool = p:34%, q:33%, r:33%\n"
	                  "beneficiary = consumer\n"
	                  "settlement = immediate\nrate = 3%\n",
	           "8: at most two pools may co-fund a program (with three the "
	           "odd fen would make the first pool give back more than it "
	           "granted)");
}

static void test_group_mixes_annual(void **state)
{
	expect_one(*state,
	           POOL_P "[group g]\ncombine = max\n"
	                  "[program a]\npool = p\nbeneficiary = consumer\n"
	                  "settlement = immediate\nrate = 3%\ngroup = g\n"
	                  "[program b]\npool = p\nbeneficiary = consumer\n"
	                  "settlement = annual\nrate = 3%\ngroup = g\n",
	           "16: group 'g' mixes annual program 'b' with non-annual "
	           "program 'a'");
}

static void test_rate_with_quantity(void **state)
{
	expect_one(*state, POOL_P PROG_A "basis = quantity\nrate = 3%\n",
	           "8: 'rate' goes with basis = amount or net; use "
	           "'unit_rate' or 'tiers' with basis = quantity");
}

/* a grant counts the declared need, not records */
static void test_grant_basis_amount(void **state)
{
	expect_one(*state,
	           POOL_P "[program a]\npool = p\nbeneficiary = consumer\n"
	                  "settlement = grant\nbasis = net\nrate = 30%\n",
	           "7: a grant program's basis is the declared need: basis = "
	           "amount");
}

/* one group's entitlement is one beneficiary's */
static void test_group_one_side(void **state)
{
	expect_one(*state,
	           POOL_P "[group g]\ncombine = max\n"
	                  "[program a]\npool = p\ngroup = g\n"
	                  "beneficiary = consumer\nsettlement = immediate\n"
	                  "rate = 3%\n"
	                  "[program b]\npool = p\ngroup = g\n"
	                  "beneficiary = provider\nsettlement = immediate\n"
	                  "rate = 2%\n",
	           "13: group 'g' mixes consumer and provider programs ('a', "
	           "'b')");
}

/* what vouchers paid of a bill is the org's own spend */
static void test_net_is_consumer(void **state)
{
	expect_one(*state,
	           POOL_P "[program a]\npool = p\nbeneficiary = provider\n"
	                  "settlement = immediate\nbasis = net\nrate = 3%\n",
	           "7: basis = net goes with beneficiary = consumer");
}

static void test_rate_and_tiers(void **state)
{
	expect_one(*state, POOL_P PROG_A "rate = 3%\ntiers = 10:1\n",
	           "8: 'tiers' and 'rate' exclude each other (line 7)");
}

static void test_repeated_key(void **state)
{
	expect_one(*state, POOL_P PROG_A "rate = 3%\nrate = 4%\n",
	           "8: repeated key 'rate' (first at line 7)");
}

static void test_bad_date(void **state)
{
	expect_one(*state, POOL_P PROG_A "rate = 3%\nvalid_from = 2026-02-30\n",
	           "8: bad value '2026-02-30' for 'valid_from': expected a "
	           "calendar date YYYY-MM-DD");
}

static void test_window_reversed(void **state)
{
	expect_one(*state,
	           POOL_P PROG_A "rate = 3%\nvalid_from = 2026-01-02\n"
	                         "valid_until = 2026-01-01\n",
	           "9: valid_until is before valid_from (line 8)");
}

static void test_unknown_kind(void **state)
{
	expect_one(
	    *state, POOL_P PROG_A "rate = 3%\nkinds = training, mining\n",
	    "8: unknown usage kind 'mining' (expected training, "
	    "inference, api, finetune, deployment, storage, other or *)");
}

static void test_unknown_section(void **state)
{
	expect_one(*state, POOL_P PROG_A "rate = 3%\n[budget x]\nfoo = 1\n",
	           "8: unknown section '[budget x]' (expected [ledger], "
	           "[pool NAME], [program NAME] or [group NAME])");
}

static void test_bad_section_name(void **state)
{
	expect_one(
	    *state, POOL_P PROG_A "rate = 3%\n[pool Big]\nbudget = 1\n",
	    "8: invalid name 'Big' (expected [a-z0-9][a-z0-9._-]{0,63})");
}

static void test_key_outside_section(void **state)
{
	expect_one(*state, "budget = 5\n" POOL_P PROG_A "rate = 3%\n",
	           "1: key outside a section");
}

static void test_line_without_equals(void **state)
{
	expect_one(*state, POOL_P PROG_A "rate = 3%\ncap 3\n",
	           "8: expected 'key = value'");
	expect_one(*state, POOL_P PROG_A "rate = 3%\ncap: 3\n",
	           "8: expected 'key = value'");
}

static void test_long_lines(void **state)
{
	struct fixture *f = *state;
	char *text = malloc(40000);
	char *list = malloc(20000);
	size_t i, n = 0;

	/* 200 providers on one line (1,289 bytes): longer than inih's own
	 * buffer, and still read whole */
	for (i = 0; i < 200; i++)
		n += (size_t)snprintf(list + n, 20000 - n, "%sd%zu",
		                      i ? ", " : "", i);
	snprintf(text, 40000, POOL_P PROG_A "rate = 3%%\nproviders = %s\n",
	         list);
	put(f, "p.ini", text);
	assert_int_equal(load(f), 0);
	assert_int_equal(policy_program(f->p, "a")->provider_ids.n, 200);
	assert_string_equal(policy_program(f->p, "a")->provider_ids.items[199],
	                    "d199");
	/* over POLICY_MAX_LINE (16384 bytes) is refused with its line */
	for (n = 0; n < 17000; n += 2)
		memcpy(list + n, "x,", 2);
	list[n - 1] = '\0';
	snprintf(text, 40000, POOL_P PROG_A "rate = 3%%\nclasses = %s\n", list);
	expect_one(f, text, "8: line longer than 16384 bytes");
	free(text);
	free(list);
}

static void test_duplicate_section_across_files(void **state)
{
	struct fixture *f = *state;
	char want[512];

	put(f, "a.ini", POOL_P PROG_A "rate = 3%\n");
	put(f, "b.ini", "\n[pool p]\nbudget = 2\n");
	assert_int_equal(load(f), VD_EPOLICY);
	assert_null(f->p);
	snprintf(want, sizeof(want),
	         "%s/b.ini:2: duplicate section [pool p] (first at %s/a.ini:1)",
	         f->dir, f->dir);
	assert_string_equal(f->errs.msg[0], want);
}

static void test_never_partial(void **state)
{
	struct fixture *f = *state;
	char want[512];

	/* a good file and a bad one: nothing loads, the error names b.ini */
	put(f, "a.ini", POOL_P PROG_A "rate = 3%\n");
	put(f, "b.ini",
	    "[program b]\npool = p\nbeneficiary = consumer\n"
	    "settlement = immediate\nrate = 3%\nfoo = 1\n");
	put(f, "notes.txt", "this is not read\n");
	assert_int_equal(load(f), VD_EPOLICY);
	assert_null(f->p);
	assert_int_equal(f->errs.total, 1);
	snprintf(want, sizeof(want),
	         "%s/b.ini:6: unknown key 'foo' in "
	         "[program b]",
	         f->dir);
	assert_string_equal(f->errs.msg[0], want);
	/* fixed, the pair loads as one policy; notes.txt is ignored */
	put(f, "b.ini",
	    "[program b]\npool = p\nbeneficiary = consumer\n"
	    "settlement = immediate\nrate = 3%\n");
	assert_int_equal(load(f), 0);
	assert_int_equal(f->p->nprograms, 2);
	assert_int_equal(f->p->nfiles, 2);
}

static int has_error(const struct fixture *f, const char *suffix)
{
	char want[512];
	size_t i;

	snprintf(want, sizeof(want), "%s/p.ini:%s", f->dir, suffix);
	for (i = 0; i < f->errs.n; i++)
		if (strcmp(f->errs.msg[i], want) == 0)
			return 1;
	return 0;
}

static void test_every_error_reported(void **state)
{
	struct fixture *f = *state;

	put(f, "p.ini",
	    POOL_P PROG_A "rate = 3%\ncap = x\nround = cents\n"
	                  "[group g]\n");
	assert_int_equal(load(f), VD_EPOLICY);
	assert_int_equal(f->errs.total, 3);
	assert_true(has_error(f, "8: bad value 'x' for 'cap': expected a "
	                         "positive amount in yuan (e.g. 500000 or "
	                         "0.12, no separators)"));
	assert_true(has_error(f, "9: bad value 'cents' for 'round': "
	                         "expected fen or yuan"));
	assert_true(has_error(f, "10: [group g]: missing required key "
	                         "'combine'"));
}

static void test_empty_and_missing_dir(void **state)
{
	struct fixture *f = *state;
	char want[512];

	assert_int_equal(load(f), VD_EPOLICY);
	snprintf(want, sizeof(want), "%s: no *.ini files", f->dir);
	assert_string_equal(f->errs.msg[0], want);
	assert_int_equal(policy_load_dir("/nonexistent/vd", &f->p, &f->errs),
	                 VD_EPOLICY);
	assert_string_equal(f->errs.msg[0], "/nonexistent/vd: cannot open "
	                                    "directory: No such file or "
	                                    "directory");
}

static void test_hash_changes_with_content(void **state)
{
	struct fixture *f = *state;
	unsigned char h1[32];

	put(f, "a.ini", POOL_P PROG_A "rate = 3%\n");
	assert_int_equal(load(f), 0);
	memcpy(h1, f->p->sha256, 32);
	assert_int_equal(load(f), 0);
	assert_memory_equal(h1, f->p->sha256, 32);
	put(f, "a.ini", POOL_P PROG_A "rate = 4%\n");
	assert_int_equal(load(f), 0);
	assert_memory_not_equal(h1, f->p->sha256, 32);
}

static void test_print_tables(void **state)
{
	struct fixture *f = *state;
	char *out = NULL;
	size_t len = 0;
	FILE *fp;

	assert_int_equal(
	    policy_load_dir(VD_SOURCE_DIR "/deploy/policies", &f->p, &f->errs),
	    0);
	fp = open_memstream(&out, &len);
	assert_int_equal(policy_print(f->p, fp), 0);
	fclose(fp);
	/* the Yuxi pool's budget and the Yuxi program's rule, as yuan */
	assert_non_null(strstr(out, "5,000,000.00"));
	assert_non_null(strstr(out, "500,000.00/year"));
	assert_non_null(strstr(out, "yuxi-compute"));
	assert_non_null(strstr(out, "0.12 yuan/kWh"));
	free(out);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_seed_policies_load),
	    T(test_defaults_and_cofunding),
	    T(test_every_key),
	    T(test_pays),
	    T(test_provider_voucher_refused),
	    T(test_cash_voucher_days_refused),
	    T(test_unknown_key),
	    T(test_missing_required_key),
	    T(test_missing_rule),
	    T(test_missing_budget),
	    T(test_missing_combine),
	    T(test_unknown_pool),
	    T(test_unknown_group),
	    T(test_bad_number),
	    T(test_bad_amount_decimals),
	    T(test_rate_finer_than_bp),
	    T(test_rate_out_of_range),
	    T(test_tiers_not_increasing),
	    T(test_cofunding_not_100),
	    T(test_cofunding_three_pools),
	    T(test_group_mixes_annual),
	    T(test_rate_with_quantity),
	    T(test_net_is_consumer),
	    T(test_group_one_side),
	    T(test_grant_basis_amount),
	    T(test_rate_and_tiers),
	    T(test_repeated_key),
	    T(test_bad_date),
	    T(test_window_reversed),
	    T(test_unknown_kind),
	    T(test_unknown_section),
	    T(test_bad_section_name),
	    T(test_key_outside_section),
	    T(test_line_without_equals),
	    T(test_long_lines),
	    T(test_duplicate_section_across_files),
	    T(test_never_partial),
	    T(test_every_error_reported),
	    T(test_empty_and_missing_dir),
	    T(test_hash_changes_with_content),
	    T(test_print_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
