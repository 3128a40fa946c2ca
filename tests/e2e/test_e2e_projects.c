/* End to end, projects on the wire and through vouchctl
 * (tests/data/policy-projects): USAGE and BATCH lines with project=,
 * `project=-` refused BADREQ, RECORDS, ACCRUAL and BALANCE rows carrying
 * project=, PROGRAMS saying per=, vouchctl report with a project column
 * and issue --project, and the journal's project fields. Figures as in
 * tests/ledger/test_ledger_projects.c: proj-capped pays 10% of a
 * project's inference bills, at most 100,000 fen a year each. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctl_fixture.h"
#include "kind.h"

static int setup_projects(void **state)
{
	(void)state;
	if (daemon_start(&D, VOUCHD_BIN,
	                 VD_SOURCE_DIR "/tests/data/policy-projects") < 0)
		return -1;
	snprintf(home, sizeof(home), "%s/home", D.dir);
	return mkdir(home, 0700);
}

/* A signed USAGE of dc for o: inference, amount fen, of project proj
 * ("" none); with_sig 0 gives the batch form. */
static void line_of(struct sig_key *k, const char *id, int64_t amount,
                    const char *proj, int with_sig, char *buf, size_t size)
{
	struct record r;

	memset(&r, 0, sizeof(r));
	snprintf(r.provider, sizeof(r.provider), "dc");
	snprintf(r.id, sizeof(r.id), "%s", id);
	snprintf(r.org, sizeof(r.org), "o");
	r.at = e2e_at(1);
	r.amount = amount;
	r.qty = 1;
	snprintf(r.unit, sizeof(r.unit), "gpu-hour");
	r.kind = kind_lookup("inference", 9);
	snprintf(r.project, sizeof(r.project), "%s", proj);
	assert_true((with_sig ? record_sign(k, &r, buf, size)
	                      : record_format(&r, buf, size)) > 0);
}

static void register_both(struct sig_key **k)
{
	ctl_register("dc", "--role provider");
	ctl_register("o", "--role org --kind enterprise");
	assert_int_equal(sig_key_load(pem("dc"), k), 0);
}

/* How many grants row carries (grant1=, grant2=, ...: carry.h) whose
 * token holds what and names a project (its ninth field). */
static int carried_with_project(const char *row, const char *what)
{
	const char *g = row;
	int n = 0;

	while ((g = strstr(g, " grant")) != NULL) {
		size_t len, i, slashes = 0;
		g++;
		if (g[5] < '1' || g[5] > '9')
			continue;
		len = strcspn(g, " ");
		for (i = 0; i < len; i++)
			slashes += g[i] == '/';
		if (slashes == 8 && memmem(g, len, what, strlen(what)) != NULL)
			n++;
	}
	return n;
}

static void test_projects_on_the_wire(void **state)
{
	char line[RECORD_LINE_MAX], lines[2 * RECORD_LINE_MAX], hdr[400];
	struct sig_key *k = NULL, *kb = NULL;
	int n, grants = 0, usages = 0;
	struct client c, b;
	const char *l;
	size_t len;

	(void)state;
	register_both(&k);
	assert_int_equal(client_open(&c, D.sock), 0);
	expect_prefix(client_auth(&c, "dc", k, NULL), "OK id=dc");
	/* p1: 2,000,000 earns 200,000, capped at 100,000 */
	line_of(k, "i1", 2000000, "p1", 1, line, sizeof(line));
	expect_prefix(client_req(&c, "%s", line), "OK id=i1 status=accepted");
	/* "-" is the unnamed project's name, not one to send */
	line_of(k, "i9", 1, "p1", 1, line, sizeof(line));
	{
		char bad[RECORD_LINE_MAX + 8];
		char *at = strstr(line, " project=p1");
		snprintf(bad, sizeof(bad), "%.*s project=-%s", (int)(at - line),
		         line, at + 11);
		expect_prefix(client_req(&c, "%s", bad),
		              "ERR BADREQ project=- is not allowed");
	}
	/* a batch: p2 500,000 (50,000) and none 300,000 (30,000, "-") */
	line_of(k, "i2", 500000, "p2", 0, line, sizeof(line));
	len = (size_t)snprintf(lines, sizeof(lines), "%s\n", line);
	line_of(k, "i3", 300000, "", 0, line, sizeof(line));
	len += (size_t)snprintf(lines + len, sizeof(lines) - len, "%s\n", line);
	assert_true(
	    record_batch_header(k, "dc", lines, len, 2, hdr, sizeof(hdr)) > 0);
	assert_int_equal(client_send(&c, hdr, strlen(hdr)), 0);
	assert_int_equal(client_send(&c, "\n", 1), 0);
	assert_int_equal(client_send(&c, lines, len), 0);
	expect_prefix(client_line(&c), "OK records=2 accepted=2 duplicate=0");

	assert_int_equal(client_open(&b, D.sock), 0);
	assert_int_equal(sig_key_load(D.bureau_key, &kb), 0);
	expect_prefix(client_auth(&b, "bureau", kb, NULL), "OK id=bureau");
	expect_prefix(client_req(&b, "RECORDS org=o"), "OK n=3");
	l = client_line(&b);
	if (strstr(l, " id=i1 ") == NULL || strstr(l, " project=p1 ") == NULL)
		fail_msg("record: %s", l);
	client_line(&b);
	l = client_line(&b);
	if (strstr(l, " id=i3 ") == NULL || strstr(l, "project=") != NULL)
		fail_msg("record without a project: %s", l);
	/* rows in (program, project) order: "-" sorts before p1 */
	expect_prefix(client_req(&b, "ACCRUAL org=o"), "OK n=3");
	l = client_line(&b);
	if (strstr(l, " project=- basis=300000 earned=30000 ") == NULL)
		fail_msg("row: %s", l);
	l = client_line(&b);
	if (strstr(l, " project=p1 basis=2000000 earned=100000 "
	              "granted=100000 unfunded=0") == NULL)
		fail_msg("row: %s", l);
	client_line(&b);
	expect_prefix(client_req(&b, "BALANCE org=o"),
	              "OK n=3 total_remaining=180000");
	l = client_line(&b);
	if (strstr(l, " project=p1 pays=voucher granted=100000 ") == NULL)
		fail_msg("voucher: %s", l);
	client_line(&b);
	client_line(&b);
	expect_prefix(client_req(&b, "PROGRAMS"), "OK n=4");
	l = client_line(&b); /* firm-a */
	if (strstr(l, " per=project ") == NULL)
		fail_msg("program: %s", l);
	l = client_line(&b); /* firm-b */
	if (strstr(l, " per=beneficiary ") == NULL)
		fail_msg("program: %s", l);
	client_line(&b);
	client_line(&b);
	/* the journal says each grant's row project, each record's */
	l = client_req(&b, "JOURNAL limit=1000");
	expect_prefix(l, "OK n=");
	n = atoi(l + 5);
	while (n-- > 0) {
		l = client_line(&b);
		/* each record's grant is carried in its usage entry
		 * (grant1=voucher/program/beneficiary/.../expires/project) */
		if (strstr(l, " type=usage ") != NULL)
			grants += carried_with_project(l, "/proj-capped/o/");
		if (strstr(l, " type=usage ") != NULL &&
		    strstr(l, " id=i2 ") != NULL &&
		    strstr(l, " project=p2 ") != NULL)
			usages++;
	}
	assert_int_equal(grants, 3);
	assert_int_equal(usages, 1);
	client_close(&b);
	client_close(&c);
	sig_key_free(k);
	sig_key_free(kb);
}

/* vouchctl: report's project column (empty: none; "-" refused) and
 * issue --project. proj-grant pays 50% of the need, at most 10,000 fen
 * in a project's life: m1 7,500 then 2,500 (the cap), m2 5,000. */
static void test_projects_in_vouchctl(void **state)
{
	char csv[300], at[24], text[600];
	json_t *o;

	(void)state;
	snprintf(csv, sizeof(csv), "%s/bills.csv", D.dir);
	e2e_time(2, at);
	snprintf(text, sizeof(text),
	         "id,org,at,amount,qty,unit,kind,project\n"
	         "c1,o,%s,1000.00,1,gpu-hour,inference,p3\n"
	         "c2,o,%s,1.00,1,gpu-hour,inference,-\n",
	         at, at);
	write_file(csv, text);
	assert_int_equal(ctl("dc", "report %s", csv), 1);
	assert_string_equal(out,
	                    "2 lines: 1 accepted, 0 duplicate, 1 refused\n");
	expect_in(err,
	          "line 3: project '-' is not allowed: leave the cell empty");
	assert_int_equal(ctl("bureau", "accrual --org o --csv"), 0);
	expect_in(out, ",p3,100000,100.00,100.00,0.00");
	o = NULL;
	assert_int_equal(ctl("bureau",
	                     "issue --program proj-grant --org o --need 150 "
	                     "--ref g1 --project m1 --json"),
	                 0);
	o = json_out();
	assert_int_equal(jint(o, "granted"), 7500);
	json_decref(o);
	assert_int_equal(json_field("bureau",
	                            "issue --program proj-grant --org o "
	                            "--need 100 --ref g2 --project m1 --json",
	                            "granted"),
	                 2500);
	assert_int_equal(json_field("bureau",
	                            "issue --program proj-grant --org o "
	                            "--need 100 --ref g3 --project m2 --json",
	                            "granted"),
	                 5000);
	assert_int_equal(ctl("bureau", "balance --org o --csv"), 0);
	expect_in(out, ",proj-grant,o,");
	expect_in(out, ",m2,cash,50.00,");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_projects_on_the_wire),
	    cmocka_unit_test(test_projects_in_vouchctl),
	};
	return cmocka_run_group_tests(tests, setup_projects, teardown);
}
