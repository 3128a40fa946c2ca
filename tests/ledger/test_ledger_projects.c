/* Rules per project (domain.md, "Projects"): programs.md example 13
 * (Mentougou's group per project), a per-project lifetime cap across two
 * years (Yinchuan's per-model cap), a cap per project, a per-project
 * program in a group per beneficiary (its rows share what the group
 * gives it in project order; a void takes back from the row that lost
 * its basis), and the policy and reload rules. Every figure worked out
 * by hand in fen. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "group.h"
#include "ledger_fixture.h"

#define PROJECTS VD_SOURCE_DIR "/tests/data/policy-projects/projects.ini"
#define MIXED VD_SOURCE_DIR "/tests/data/policy-mixed/mixed.ini"

struct vouchers {
	struct ledger_voucher v[16];
	size_t n;
};

static int v_one(void *arg, const struct ledger_voucher *v)
{
	struct vouchers *s = arg;

	if (s->n < 16)
		s->v[s->n++] = *v;
	return 0;
}

/* ben's voucher of (program, project, period); fails the test if none */
static struct ledger_voucher voucher(struct fx *f, const char *ben,
                                     const char *program, const char *proj,
                                     int32_t period)
{
	struct vouchers s = {0};
	size_t i;

	assert_int_equal(ledger_vouchers(f->l, ben, period, v_one, &s), 0);
	for (i = 0; i < s.n; i++)
		if (strcmp(s.v[i].program, program) == 0 &&
		    strcmp(s.v[i].project, proj) == 0)
			return s.v[i];
	fail_msg("no voucher of %s %s %s", ben, program, proj);
	return s.v[0];
}

static size_t nvouchers(struct fx *f, const char *ben)
{
	struct vouchers s = {0};

	assert_int_equal(ledger_vouchers(f->l, ben, 0, v_one, &s), 0);
	return s.n;
}

struct rows {
	struct ledger_accrual a[16];
	size_t n;
};

static int a_one(void *arg, const struct ledger_accrual *a)
{
	struct rows *r = arg;

	if (r->n < 16)
		r->a[r->n++] = *a;
	return 0;
}

static struct ledger_accrual row(struct fx *f, const char *ben,
                                 const char *program, const char *proj,
                                 int32_t period)
{
	struct rows r = {0};
	size_t i;

	assert_int_equal(ledger_accruals(f->l, NULL, ben, period, a_one, &r),
	                 0);
	for (i = 0; i < r.n; i++)
		if (strcmp(r.a[i].program, program) == 0 &&
		    strcmp(r.a[i].project, proj) == 0)
			return r.a[i];
	fail_msg("no row of %s %s %s", ben, program, proj);
	return r.a[0];
}

static int usage(struct fx *f, const char *id, const char *org, int kind,
                 int64_t amount, const char *project)
{
	struct ledger_record r;

	fx_record(&r, "dc", id, org, JUNE_2026, amount, kind);
	snprintf(r.project, sizeof(r.project), "%s", project);
	return fx_usage_rec(f, &r, NULL);
}

static int issue_of(struct fx *f, const char *program, const char *org,
                    const char *project, int64_t need, const char *ref,
                    struct ledger_op *out)
{
	memset(out, 0, sizeof(*out));
	out->type = OP_ISSUE;
	snprintf(out->u.issue.program, sizeof(out->u.issue.program), "%s",
	         program);
	snprintf(out->u.issue.org, sizeof(out->u.issue.org), "%s", org);
	snprintf(out->u.issue.project, sizeof(out->u.issue.project), "%s",
	         project);
	out->u.issue.need = need;
	out->u.issue.asked = -1;
	snprintf(out->u.issue.ref, sizeof(out->u.issue.ref), "%s", ref);
	return fx_run(f, out);
}

static int issue(struct fx *f, const char *org, const char *project,
                 int64_t need, const char *ref, struct ledger_op *out)
{
	return issue_of(f, "yinchuan-model", org, project, need, ref, out);
}

/* A training record of dc for org at at, of project proj. */
static int usage_at(struct fx *f, const char *id, const char *org, int64_t at,
                    int64_t amount, const char *proj)
{
	struct ledger_record r;

	fx_record(&r, "dc", id, org, at, amount, KIND_TRAINING);
	snprintf(r.project, sizeof(r.project), "%s", proj);
	return fx_usage_rec(f, &r, NULL);
}

struct preview {
	char who[4][40];
	int64_t due[4];
	size_t n;
};

static int preview_one(void *arg, const char *ben, const char *proj,
                       int64_t due, int64_t paid)
{
	struct preview *p = arg;

	(void)paid;
	if (p->n < 4) {
		snprintf(p->who[p->n], sizeof(p->who[0]), "%s/%s", ben, proj);
		p->due[p->n++] = due;
	}
	return 0;
}

/* Example 13. M's 2026 bills: p1 training 50,000,000 and API 30,000,000,
 * p2 API 20,000,000. Group mentougou (max, per project): p1 is paid
 * max(10,000,000, 6,000,000) by mentougou-training, p2 4,000,000 by
 * mentougou-api (p2 has that program only): 14,000,000 in all, where per
 * firm it would be 10,000,000. The API program settled first. */
static void test_example_13_per_project(void **state)
{
	static const char *const files[] = {"mentougou.ini", NULL};
	struct preview pv = {0};
	const char *why = NULL;
	int64_t paid = -1, t, r, p;
	struct ledger_voucher v;
	struct ledger_accrual a;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "m", ROLE_ORG, "enterprise", 0), 0);
	assert_int_equal(usage(&f, "t1", "m", KIND_TRAINING, 50000000, "p1"),
	                 0);
	assert_int_equal(usage(&f, "a1", "m", KIND_API, 30000000, "p1"), 0);
	assert_int_equal(usage(&f, "a2", "m", KIND_API, 20000000, "p2"), 0);
	f.now = T2027 + 10LL * 86400;
	assert_int_equal(ledger_settle_preview(f.l, "mentougou-api", 2026,
	                                       f.now, preview_one, &pv, &t, &r,
	                                       &p, &why),
	                 0);
	assert_int_equal(pv.n, 2);
	assert_string_equal(pv.who[0], "m/p1");
	assert_true(pv.due[0] == 0); /* training pays p1 */
	assert_string_equal(pv.who[1], "m/p2");
	assert_true(pv.due[1] == 4000000 && t == 4000000 && p == 4000000);
	assert_int_equal(fx_settle(&f, "mentougou-api", 2026, 0, &paid), 0);
	assert_true(paid == 4000000);
	assert_int_equal(fx_settle(&f, "mentougou-training", 2026, 0, &paid),
	                 0);
	assert_true(paid == 10000000);
	v = voucher(&f, "m", "mentougou-training", "p1", 2026);
	assert_true(v.granted == 10000000 && v.pays == POLICY_PAYS_CASH);
	v = voucher(&f, "m", "mentougou-api", "p2", 2026);
	assert_true(v.granted == 4000000);
	assert_int_equal(nvouchers(&f, "m"), 2);
	a = row(&f, "m", "mentougou-api", "p1", 2026);
	assert_true(a.basis == 30000000 && a.earned == 6000000 &&
	            a.granted == 0);
	a = row(&f, "m", "mentougou-training", "p1", 2026);
	assert_true(a.basis == 50000000 && a.granted == 10000000);
	fx_check_ok(&f);
	fx_close(&f);
}

/* Yinchuan's model subsidy: 30% of a model's compute cost, at most
 * 500,000,000 fen in its life, per model. Model m1 applies in 2026 (need
 * 1,000,000,000: 300,000,000) and again in 2027 (300,000,000 asked by
 * the rate, 200,000,000 left under the cap); model m2 in 2027 has its
 * own cap (300,000,000), where per firm it would get nothing. */
static void test_lifetime_cap_per_project(void **state)
{
	static const char *const files[] = {"yinchuan.ini", NULL};
	struct ledger_op op;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "y", ROLE_ORG, "enterprise", 0), 0);
	assert_int_equal(issue(&f, "y", "m1", 1000000000, "a1", &op), 0);
	assert_true(op.amount == 300000000);
	f.now = JUNE_2026 + 365LL * 86400;
	assert_int_equal(issue(&f, "y", "m1", 1000000000, "a2", &op), 0);
	assert_true(op.amount == 200000000);
	assert_int_equal(issue(&f, "y", "m2", 1000000000, "a3", &op), 0);
	assert_true(op.amount == 300000000 && op.remaining == 0);
	assert_true(voucher(&f, "y", "yinchuan-model", "m1", 2026).granted ==
	            300000000);
	assert_true(voucher(&f, "y", "yinchuan-model", "m1", 2027).granted ==
	            200000000);
	assert_true(voucher(&f, "y", "yinchuan-model", "m2", 2027).granted ==
	            300000000);
	/* m1's cap is used up; the same ref for another model conflicts */
	assert_int_equal(issue(&f, "y", "m1", 1000000000, "a4", &op), 0);
	assert_true(op.amount == 0);
	assert_int_equal(issue(&f, "y", "m1", 1000000000, "a3", &op),
	                 VD_ECONFLICT);
	assert_int_equal(issue(&f, "y", "m2", 1000000000, "a3", &op), 0);
	assert_true(op.status == LEDGER_DUPLICATE && op.amount == 300000000);
	fx_check_ok(&f);
	fx_close(&f);
}

/* proj-capped: 10% of inference bills, at most 100,000 a year per
 * project. p1 2,000,000 (200,000, capped to 100,000), p2 500,000
 * (50,000), none 300,000 (30,000, project "-"): 180,000 in all, where
 * one cap per firm would allow 100,000. A record id again with another
 * project is a conflict. */
static void test_cap_per_project(void **state)
{
	static const char *const files[] = {PROJECTS, NULL};
	struct ledger_accrual a;
	enum ledger_status st;
	struct ledger_record r;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "o", ROLE_ORG, "enterprise", 0), 0);
	assert_int_equal(usage(&f, "i1", "o", KIND_INFERENCE, 2000000, "p1"),
	                 0);
	assert_int_equal(usage(&f, "i2", "o", KIND_INFERENCE, 500000, "p2"), 0);
	assert_int_equal(usage(&f, "i3", "o", KIND_INFERENCE, 300000, ""), 0);
	assert_true(voucher(&f, "o", "proj-capped", "p1", 2026).granted ==
	            100000);
	assert_true(voucher(&f, "o", "proj-capped", "p2", 2026).granted ==
	            50000);
	assert_true(voucher(&f, "o", "proj-capped", "-", 2026).granted ==
	            30000);
	a = row(&f, "o", "proj-capped", "p1", 2026);
	assert_true(a.basis == 2000000 && a.earned == 100000);
	fx_record(&r, "dc", "i1", "o", JUNE_2026, 2000000, KIND_INFERENCE);
	snprintf(r.project, sizeof(r.project), "p2");
	assert_int_equal(fx_usage_rec(&f, &r, NULL), VD_ECONFLICT);
	snprintf(r.project, sizeof(r.project), "p1");
	assert_int_equal(fx_usage_rec(&f, &r, &st), 0);
	assert_int_equal(st, LEDGER_DUPLICATE);
	fx_check_ok(&f);
	fx_close(&f);
}

/* Group firm (max, per beneficiary): firm-a 10% per project, firm-b 5%
 * of the firm. t1 (p1) 1,000,000: a's p1 earns 100,000 > b's 50,000:
 * p1's voucher 100,000. t2 (p2) 500,000: a 150,000 in all > b 75,000:
 * the 50,000 more goes to p2 (p1 has no room). Void t1: a earns 50,000
 * (p2), b 25,000: 100,000 comes back, all of it off p1 (granted
 * 100,000, earns 0), p2 keeps 50,000. t3 (p2) 2,000,000: a 250,000 > b
 * 125,000: p2 is topped up to 250,000. */
static void test_per_project_in_firm_group(void **state)
{
	static const char *const files[] = {PROJECTS, NULL};
	struct ledger_voucher v;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "o", ROLE_ORG, "enterprise", 0), 0);
	assert_int_equal(usage(&f, "t1", "o", KIND_TRAINING, 1000000, "p1"), 0);
	assert_true(voucher(&f, "o", "firm-a", "p1", 2026).granted == 100000);
	assert_int_equal(nvouchers(&f, "o"), 1);
	assert_int_equal(usage(&f, "t2", "o", KIND_TRAINING, 500000, "p2"), 0);
	assert_true(voucher(&f, "o", "firm-a", "p1", 2026).granted == 100000);
	assert_true(voucher(&f, "o", "firm-a", "p2", 2026).granted == 50000);
	assert_int_equal(fx_void(&f, "dc", "t1"), 0);
	v = voucher(&f, "o", "firm-a", "p1", 2026);
	assert_true(v.granted == 100000 && v.revoked == 100000 &&
	            v.remaining == 0);
	v = voucher(&f, "o", "firm-a", "p2", 2026);
	assert_true(v.remaining == 50000 && v.revoked == 0);
	assert_int_equal(usage(&f, "t3", "o", KIND_TRAINING, 2000000, "p2"), 0);
	assert_true(voucher(&f, "o", "firm-a", "p2", 2026).remaining == 250000);
	assert_int_equal(nvouchers(&f, "o"), 2); /* firm-b granted nothing */
	fx_check_ok(&f);
	fx_close(&f);
}

/* Group gm (max, per beneficiary): gm-imm 10% of the firm's inference,
 * gm-grant 50% of a project's need. A bill of 400,000: gm-imm 40,000.
 * Application a1 (p1, need 100,000, 50,000): the group is worth
 * max(40,000, 50,000), 10,000 more, to p1. a2 (p2, 50,000): worth
 * max(40,000, 100,000), 50,000 more, all to the applicant p2, whatever
 * p1 earned above its grant (the max is already paid for it). */
static void test_grant_per_project_in_max_group(void **state)
{
	static const char *const files[] = {MIXED, NULL};
	struct ledger_op op;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "om", ROLE_ORG, "enterprise", 0), 0);
	assert_int_equal(usage(&f, "i1", "om", KIND_INFERENCE, 400000, ""), 0);
	assert_int_equal(
	    issue_of(&f, "gm-grant", "om", "p1", 100000, "a1", &op), 0);
	assert_true(op.amount == 10000 && op.remaining == 0);
	assert_int_equal(
	    issue_of(&f, "gm-grant", "om", "p2", 100000, "a2", &op), 0);
	assert_true(op.amount == 50000 && op.remaining == 0);
	assert_true(row(&f, "om", "gm-grant", "p1", 2026).unfunded == 0);
	fx_check_ok(&f);
	fx_close(&f);
}

/* Group gs (sum, at most 150,000 a year): x 10% per project (at most
 * 100,000 in a project's life), y 5% of the firm. 2025: p1 and p2 bills
 * of 1,000,000 each, in either order: x and y earn 200,000 and 100,000,
 * the group pays 150,000: x its 100,000 (id order), shared in project
 * order, all to p1, and y 50,000. An org whose p2 bill came first gets
 * its p2 grant taken back and p1's made. 2026: a p1 bill of 1,000,000
 * earns x nothing (p1's life cap is used), y 50,000. A third org's p1
 * bill of 2025 is voided: x's 100,000 goes to p2, p1's grant comes back,
 * and in 2026 the p1 bill earns x 100,000. */
static void test_shared_in_project_order(void **state)
{
	static const char *const files[] = {MIXED, NULL};
	static const char *const orgs[] = {"ob", "oc", "od"};
	int64_t y25 = T2026 - 20LL * 86400, y26 = JUNE_2026;
	struct ledger_voucher v;
	struct fx f;
	size_t i;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(
		    fx_register(&f, orgs[i], ROLE_ORG, "enterprise", 0), 0);
	f.now = y25 + 3600;
	assert_int_equal(usage_at(&f, "b1", "ob", y25, 1000000, "p1"), 0);
	assert_int_equal(usage_at(&f, "b2", "ob", y25, 1000000, "p2"), 0);
	assert_int_equal(usage_at(&f, "c2", "oc", y25, 1000000, "p2"), 0);
	assert_true(voucher(&f, "oc", "x", "p2", 2025).granted == 100000);
	assert_int_equal(usage_at(&f, "c1", "oc", y25, 1000000, "p1"), 0);
	assert_int_equal(usage_at(&f, "d1", "od", y25, 1000000, "p1"), 0);
	assert_int_equal(usage_at(&f, "d2", "od", y25, 1000000, "p2"), 0);
	for (i = 0; i < 3; i++) {
		v = voucher(&f, orgs[i], "x", "p1", 2025);
		assert_true(v.granted == 100000 && v.remaining == 100000);
		assert_true(voucher(&f, orgs[i], "y", "", 2025).granted ==
		            50000);
	}
	v = voucher(&f, "oc", "x", "p2", 2025);
	assert_true(v.granted == 100000 && v.revoked == 100000 &&
	            v.remaining == 0);
	assert_int_equal(fx_void(&f, "dc", "d1"), 0);
	v = voucher(&f, "od", "x", "p1", 2025);
	assert_true(v.revoked == 100000 && v.remaining == 0);
	assert_true(voucher(&f, "od", "x", "p2", 2025).remaining == 100000);
	f.now = y26 + 3600;
	for (i = 0; i < 3; i++) {
		char id[8];
		snprintf(id, sizeof(id), "n%zu", i);
		assert_int_equal(usage_at(&f, id, orgs[i], y26, 1000000, "p1"),
		                 0);
		assert_true(voucher(&f, orgs[i], "y", "", 2026).granted ==
		            50000);
		assert_true(row(&f, orgs[i], "x", "p1", 2026).earned ==
		            (i == 2 ? 100000 : 0));
	}
	assert_true(voucher(&f, "od", "x", "p1", 2026).granted == 100000);
	fx_check_ok(&f);
	fx_close(&f);
}

/* A per-project program in a group per beneficiary is computed with all
 * the org's rows of the period: past GROUP_UNITS_MAX of them (x's 4,095
 * projects and y's row make 4,096) a record of one more project is
 * refused, with the reason, and nothing is written. */
static void test_too_many_projects(void **state)
{
	static const char *const files[] = {MIXED, NULL};
	struct ledger_op op;
	char id[16];
	struct fx f;
	int i;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "o", ROLE_ORG, "enterprise", 0), 0);
	for (i = 0; i < GROUP_UNITS_MAX - 1; i++) {
		snprintf(id, sizeof(id), "p%04d", i);
		assert_int_equal(usage_at(&f, id, "o", JUNE_2026, 10, id), 0);
	}
	memset(&op, 0, sizeof(op));
	op.type = OP_USAGE;
	fx_record(&op.u.usage, "dc", "last", "o", JUNE_2026, 10, KIND_TRAINING);
	snprintf(op.u.usage.project, sizeof(op.u.usage.project), "p9999");
	assert_int_equal(fx_run(&f, &op), VD_ELIMIT);
	assert_string_equal(op.why, GROUP_UNITS_WHY);
	fx_check_ok(&f);
	fx_close(&f);
}

/* A group per project may hold only per-project programs; a reload may
 * not change a program's `per` while the store has its rows. */
static void test_policy_rules(void **state)
{
	static const char *const files[] = {PROJECTS, NULL};
	struct policy_errors errs;
	struct policy *p = NULL;
	const char *paths[1];
	char path[300], why[512];
	FILE *o;
	struct fx f;

	(void)state;
	assert_int_equal(fx_open(&f, files, 0), 0);
	snprintf(path, sizeof(path), "%s/bad.ini", f.dir);
	o = fopen(path, "w");
	assert_non_null(o);
	fputs("[pool p]\nbudget = 1\n[group g]\ncombine = max\nper = project\n"
	      "[program a]\npool = p\ngroup = g\nbeneficiary = consumer\n"
	      "rate = 1%\nper = project\nsettlement = immediate\n"
	      "[program b]\npool = p\ngroup = g\nbeneficiary = consumer\n"
	      "rate = 1%\nsettlement = immediate\n",
	      o);
	fclose(o);
	paths[0] = path;
	assert_int_equal(policy_load_files(paths, 1, &p, &errs), VD_EPOLICY);
	assert_int_equal(errs.total, 1);
	if (strstr(errs.msg[0], "bad.ini:15: group 'g' is per project but "
	                        "its program 'b' is not") == NULL)
		fail_msg("error: %s", errs.msg[0]);
	/* proj-capped has a row: per = beneficiary now is refused */
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "o", ROLE_ORG, "enterprise", 0), 0);
	assert_int_equal(usage(&f, "i1", "o", KIND_INFERENCE, 1000, "p1"), 0);
	p = fx_policy_of(&f, "flat.ini",
	                 "[pool p]\nbudget = 100000000\n[program proj-capped]\n"
	                 "pool = p\nbeneficiary = consumer\nrate = 10%\n"
	                 "kinds = inference\nsettlement = immediate\n",
	                 path, sizeof(path));
	assert_int_equal(fx_reload(&f, p, f.p, why, sizeof(why)), VD_EPOLICY);
	if (strstr(why, "flat.ini:3: program proj-capped's per would change, "
	                "but the store has its rows") == NULL)
		fail_msg("why: %s", why);
	policy_free(p);
	fx_check_ok(&f);
	fx_close(&f);
}

/* Nor may a reload change what a group combines: g per project with
 * a's row granted, then g per beneficiary, is refused at a's `group =`
 * line. */
static void test_group_per_kept(void **state)
{
	static const char *const text =
	    "[pool p]\nbudget = 1000\n[group g]\ncombine = max\n"
	    "per = project\n[program a]\npool = p\ngroup = g\n"
	    "beneficiary = consumer\nrate = 10%\nper = project\n"
	    "settlement = immediate\n";
	char file[] = "/tmp/vd_group_XXXXXX", path[300], why[512];
	const char *files[] = {file, NULL};
	struct policy *p;
	struct fx f;
	int fd;

	(void)state;
	fd = mkstemp(file);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(fx_open(&f, files, 0), 0);
	unlink(file);
	assert_int_equal(fx_register(&f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&f, "o", ROLE_ORG, "enterprise", 0), 0);
	assert_int_equal(usage(&f, "r1", "o", KIND_TRAINING, 1000, "p1"), 0);
	p = fx_policy_of(&f, "flat.ini",
	                 "[pool p]\nbudget = 1000\n[group g]\ncombine = max\n"
	                 "[program a]\npool = p\ngroup = g\n"
	                 "beneficiary = consumer\nrate = 10%\nper = project\n"
	                 "settlement = immediate\n",
	                 path, sizeof(path));
	assert_int_equal(fx_reload(&f, p, f.p, why, sizeof(why)), VD_EPOLICY);
	if (strstr(why, "flat.ini:7: program a's group g would combine per "
	                "beneficiary instead of per project") == NULL)
		fail_msg("why: %s", why);
	policy_free(p);
	fx_check_ok(&f);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_example_13_per_project),
	    cmocka_unit_test(test_lifetime_cap_per_project),
	    cmocka_unit_test(test_cap_per_project),
	    cmocka_unit_test(test_per_project_in_firm_group),
	    cmocka_unit_test(test_grant_per_project_in_max_group),
	    cmocka_unit_test(test_shared_in_project_order),
	    cmocka_unit_test(test_too_many_projects),
	    cmocka_unit_test(test_policy_rules),
	    cmocka_unit_test(test_group_per_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
