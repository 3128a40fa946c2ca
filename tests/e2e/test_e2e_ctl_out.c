/* End to end, vouchctl where the journeys of test_e2e_ctl.c do not
 * reach: CSV of values the seed policies never give (through a stand-in
 * server that also shows the exact request sent), POOL by program, a
 * settlement preview that pays pro rata on a daemon with a policy of its
 * own, the bureau's controls, and report killed half way and run again.
 * Every figure is worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctl_fixture.h"

static pid_t fake_vouchd(const char *sock, const char *want, const char *reply)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), c;
	pid_t pid;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	unlink(sock);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 1), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char line[1024];
		size_t n = 0;
		ssize_t r;
		/* vouchctl may never connect (a usage error): do not wait */
		alarm(10);
		c = accept(fd, NULL, NULL);
		while (c >= 0 && n + 1 < sizeof(line) &&
		       (r = read(c, line + n, 1)) == 1 && line[n] != '\n')
			n++;
		line[n] = '\0';
		if (c < 0 || write(c, reply, strlen(reply)) < 0)
			_exit(2);
		close(c);
		_exit(strcmp(line, want) == 0 ? 0 : 1);
	}
	close(fd);
	return pid;
}

/* The fake's exit status: 0 when vouchctl sent the request wanted. */
static int fake_done(pid_t pid)
{
	int st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* pool --by-program: two programs of pool tiny. The totals line's
 * remaining is budget - granted + expired + revoked + recovered =
 * 100,000 - 30,001 + 0 + 200 + 50 = 70,249 fen. */
static void test_pool_by_program(void **state)
{
	static const char reply[] =
	    "OK n=2 budget=100000 granted=30001 redeemed=5000 "
	    "paid_out=1000 expired=0 revoked=200 recovered=50 "
	    "remaining=70249 unfunded=7\n"
	    "POOL id=tiny period=2026 program=p-one granted=20000 "
	    "redeemed=5000 paid_out=0 expired=0 revoked=200 recovered=0 "
	    "unfunded=0\n"
	    "POOL id=tiny period=2026 program=p-two granted=10001 "
	    "redeemed=0 paid_out=1000 expired=0 revoked=0 recovered=50 "
	    "unfunded=7\n";
	static const char *const req = "POOL pool=tiny period=2026 by=program";
	char sock[200];
	pid_t pid;

	(void)state;
	snprintf(sock, sizeof(sock), "%s/fake.sock", D.dir);
	pid = fake_vouchd(sock, req, reply);
	assert_int_equal(ctl(NULL,
	                     "pool --addr unix:%s --pool tiny --period 2026 "
	                     "--by-program",
	                     sock),
	                 0);
	assert_int_equal(fake_done(pid), 0);
	assert_string_equal(
	    out, "pool  period  program  granted  redeemed  paid out  "
	         "expired  revoked  recovered  unfunded\n"
	         "----------------------------------------------------------"
	         "-------------------------------\n"
	         "tiny  2026    p-one     200.00     50.00      0.00     "
	         "0.00     2.00       0.00      0.00\n"
	         "tiny  2026    p-two     100.01      0.00     10.00     "
	         "0.00     0.00       0.50      0.07\n"
	         "remaining: 702.49 yuan\n");
	pid = fake_vouchd(sock, req, reply);
	assert_int_equal(ctl(NULL,
	                     "--csv --addr unix:%s pool --by-program --period "
	                     "2026 --pool tiny",
	                     sock),
	                 0);
	assert_int_equal(fake_done(pid), 0);
	assert_string_equal(out, "id,period,program,granted,redeemed,"
	                         "paid_out,expired,revoked,recovered,"
	                         "unfunded\r\n"
	                         "tiny,2026,p-one,200.00,50.00,0.00,0.00,"
	                         "2.00,0.00,0.00\r\n"
	                         "tiny,2026,p-two,100.01,0.00,10.00,0.00,"
	                         "0.00,0.50,0.07\r\n");
	/* without --by-program no by= is sent */
	pid = fake_vouchd(sock, "POOL period=2026", "OK n=0\n");
	assert_int_equal(
	    ctl(NULL, "pool --addr unix:%s --period 2026 --json", sock), 0);
	assert_int_equal(fake_done(pid), 0);
}

/* CSV of values the seed policies never give: a negative owed (a void
 * after redemption), a value with a comma and one with a quote (RFC 4180
 * quoting), and a record id starting with '-', which a spreadsheet would
 * take for a formula. */
static void test_csv_quoting(void **state)
{
	char sock[200];
	pid_t pid;

	(void)state;
	snprintf(sock, sizeof(sock), "%s/fake.sock", D.dir);
	pid = fake_vouchd(sock, "RECEIVABLES",
	                  "OK n=1\nRECEIVABLE provider=dc redeemed=0 "
	                  "paid=500 owed=-500\n");
	assert_int_equal(ctl(NULL, "receivables --addr unix:%s --csv", sock),
	                 0);
	assert_int_equal(fake_done(pid), 0);
	assert_string_equal(out, "provider,redeemed,paid,owed\r\n"
	                         "dc,0.00,5.00,-5.00\r\n");
	pid = fake_vouchd(sock, "RECEIVABLES",
	                  "OK n=1\nRECEIVABLE provider=dc redeemed=0 "
	                  "paid=500 owed=-500\n");
	assert_int_equal(ctl(NULL, "receivables --addr unix:%s", sock), 0);
	assert_int_equal(fake_done(pid), 0);
	expect_in(out, "dc            0.00  5.00  -5.00\n");
	pid = fake_vouchd(sock, "RECORDS",
	                  "OK n=1\nRECORD provider=dc id=-2+3 org=o "
	                  "at=2026-03-01T00:00:00Z amount=1 qty=1 unit=a,b "
	                  "kind=x\"y status=counted\n");
	assert_int_equal(ctl(NULL, "records --addr unix:%s --csv", sock), 0);
	assert_int_equal(fake_done(pid), 0);
	assert_string_equal(out,
	                    "provider,id,org,at,amount,qty,unit,kind,class,"
	                    "project,status\r\n"
	                    "dc,'-2+3,o,2026-03-01T00:00:00Z,0.01,1,\"a,b\","
	                    "\"x\"\"y\",,,counted\r\n");
}

/* settle --dry-run when the pool cannot pay all, on a daemon of its own
 * with one program: 10% of the bills, annual, from a 1,000-yuan pool.
 * org-a's 7,000.00 yuan earn 70,000 fen, org-b's 5,000.30 earn 50,003:
 * T = 120,003 fen, R = 100,000. Each is paid floor(earned * R / T):
 * org-a floor(7,000,000,000 / 120,003) = 58,331 (120,003 * 58,331 =
 * 6,999,894,993), org-b floor(5,000,300,000 / 120,003) = 41,668
 * (120,003 * 41,668 = 5,000,285,004); 99,999 in all, the fen left by
 * flooring stays in the pool. The factor floor(10^11 / 120,003) =
 * 833,312 millionths (120,003 * 833,312 = 99,999,939,936). */
static void test_settle_preview_pro_rata(void **state)
{
	static const char *const ids[] = {"org-a", "org-b", "dc2"};
	char pol[200], conn[400], csv[300], pub[65], text[400];
	char at[CIVIL_UTC_LEN + 1];
	/* this year in China Standard Time: its period has not ended, so
	 * its records are never past late_days, whenever the test runs */
	int i, tries, rc, y = e2e_year();

	(void)state;
	snprintf(pol, sizeof(pol), "%s/tinypol", D.dir);
	mkdir(pol, 0700);
	snprintf(csv, sizeof(csv), "%s/tiny.ini", pol);
	write_file(csv, "[pool tiny]\nbudget = 1000\n\n"
	                "[program tiny-annual]\npool = tiny\n"
	                "beneficiary = consumer\nbasis = amount\nrate = 10%\n"
	                "settlement = annual\npays = cash\n");
	assert_int_equal(daemon_start(&D2, VOUCHD_BIN, pol), 0);
	snprintf(conn, sizeof(conn), "--addr unix:%s --id bureau --key %s",
	         D2.sock, D2.bureau_key);
	for (i = 0; i < 3; i++) {
		assert_int_equal(ctl(NULL, "keygen --out %s", pem(ids[i])), 0);
		memcpy(pub, out, 64);
		pub[64] = '\0';
		/* the daemon may still be starting */
		tries = 0;
		while ((rc = ctl(NULL, "%s register %s --role %s --pubkey %s%s",
		                 conn, ids[i], i < 2 ? "org" : "provider", pub,
		                 i < 2 ? " --kind school" : "")) == 3 &&
		       tries++ < 100)
			usleep(50000);
		assert_int_equal(rc, 0);
	}
	snprintf(csv, sizeof(csv), "%s/tiny.csv", D.dir);
	/* 00:00Z on 1 January is 08:00 in CST: in the year y, and at most
	 * 8 hours ahead of now */
	e2e_time(0, at);
	snprintf(text, sizeof(text),
	         "id,org,at,amount,qty,unit,kind\n"
	         "t1,org-a,%s,7000.00,1,gpu-hour,training\n"
	         "t2,org-b,%s,5000.30,1,gpu-hour,training\n",
	         at, at);
	write_file(csv, text);
	assert_int_equal(ctl(NULL, "--addr unix:%s --id dc2 --key %s report %s",
	                     D2.sock, pem("dc2"), csv),
	                 0);
	assert_int_equal(ctl(NULL,
	                     "%s settle --program tiny-annual --period %d "
	                     "--dry-run",
	                     conn, y),
	                 0);
	assert_string_equal(
	    out, "beneficiary  project  earned  would be paid    factor\n"
	         "-----------------------------------------------------\n"
	         "org-a        -        700.00         583.31  0.833312\n"
	         "org-b        -        500.03         416.68  0.833312\n"
	         "earned (T): 1,200.03 yuan\n"
	         "pool remaining (R): 1,000.00 yuan\n"
	         "would be paid: 999.99 yuan\n"
	         "pro rata: factor 0.833312 = R / T = 1,000.00 / 1,200.03; "
	         "each is paid floor(earned * R / T) in fen\n");
	assert_int_equal(ctl(NULL,
	                     "%s --csv settle --program tiny-annual --period "
	                     "%d --dry-run",
	                     conn, y),
	                 0);
	assert_string_equal(out, "beneficiary,project,earned,would_be_paid,"
	                         "factor\r\n"
	                         "org-a,,700.00,583.31,0.833312\r\n"
	                         "org-b,,500.03,416.68,0.833312\r\n");
	/* nothing was written: the real settlement pays exactly what the
	 * preview showed */
	assert_int_equal(ctl(NULL,
	                     "%s settle --program tiny-annual --period %d "
	                     "--force --json",
	                     conn, y),
	                 0);
	expect_in(out, "\"paid\": 99999");
	assert_int_equal(ctl(NULL, "%s balance --org org-a --csv", conn), 0);
	snprintf(csv, sizeof(csv),
	         ",tiny-annual,org-a,%d,,cash,583.31,0.00,0.00,0.00,0.00,"
	         "583.31,0.00,,active\r\n",
	         y);
	expect_in(out, csv);
	/* the same pool by program, from the real daemon: what each org was
	 * not paid is unfunded, 70,000 - 58,331 + 50,003 - 41,668 = 20,004
	 * fen */
	assert_int_equal(
	    ctl(NULL, "%s pool --by-program --period %d --csv", conn, y), 0);
	snprintf(text, sizeof(text),
	         "id,period,program,granted,redeemed,paid_out,expired,"
	         "revoked,recovered,unfunded\r\n"
	         "tiny,%d,tiny-annual,999.99,0.00,0.00,0.00,0.00,0.00,"
	         "200.04\r\n",
	         y);
	assert_string_equal(out, text);
	assert_int_equal(daemon_stop(&D2), 0);
	D2.pid = 0;
	daemon_cleanup(&D2);
}

/* The bureau's controls through vouchctl: suspend (twice: the same
 * status, no seq), reinstate, amend, a bureau's void; exit codes. */
static void test_controls(void **state)
{
	char pub[65];

	(void)state;
	assert_int_equal(ctl(NULL, "keygen --out %s", pem("p1")), 0);
	memcpy(pub, out, 64);
	pub[64] = '\0';
	assert_int_equal(ctl("bureau",
	                     "register p1 --role provider --pubkey %s --local "
	                     "--region xinjiang.xinxing",
	                     pub),
	                 0);
	assert_int_equal(ctl("bureau", "suspend p1 --reason 'under review'"),
	                 0);
	expect_in(out, "id      p1\nstatus  suspended\nseq     ");
	assert_int_equal(ctl("bureau", "suspend p1 --reason again"), 0);
	assert_string_equal(out, "id      p1\nstatus  suspended\n");
	assert_int_equal(ctl("bureau", "reinstate p1 --json"), 0);
	expect_in(out, "\"status\": \"active\"");
	assert_int_equal(ctl("bureau", "amend p1 --region xinjiang.xinxing"),
	                 0);
	assert_string_equal(out, "id  p1\n");
	assert_int_equal(ctl("bureau", "amend p1 --not-local"), 0);
	expect_in(out, "seq");
	assert_int_equal(ctl("bureau", "amend p1 --local --not-local"), 2);
	expect_in(err, "--local or --not-local, not both");
	assert_int_equal(ctl("bureau", "suspend p1"), 2);
	assert_int_equal(
	    ctl("bureau", "void r-1 --provider p1 --reason 'billed twice'"), 1);
	expect_in(err, "NOTFOUND");
	/* the bureau's void has no time of its own */
	assert_int_equal(ctl("bureau", "void r-1 --provider p1 --reason x "
	                               "--at 2026-12-01T00:00:00Z"),
	                 2);
	/* programs show their territory and what they pay */
	assert_int_equal(ctl("bureau", "programs --csv"), 0);
	expect_in(out, ",settlement,pays,region\r\n");
	expect_in(out,
	          "yuxi-compute,yuxi:10000,yuxi,consumer,net,3000,500000.00,"
	          "annual,cash,yunnan.yuxi\r\n");
}

/* report killed after five of its batches were acknowledged, then run
 * again on the whole file: 5,000 accepted + 5,000 duplicate, and the
 * org's grant counted once. The input comes through a pipe so that the
 * kill falls at a known place: 5,500 lines written, 5,000 acknowledged,
 * 500 in vouchctl's hands when it dies. */
static void test_report_killed_and_resumed(void **state)
{
	char csv[200], addr[200], pub[65], at[CIVIL_UTC_LEN + 1];
	int fds[2], i, tries;
	json_int_t have = -1;
	pid_t pid;
	FILE *w, *f;

	(void)state;
	/* its own provider and org, in Xinxing */
	assert_int_equal(ctl(NULL, "keygen --out %s", pem("rep-dc")), 0);
	memcpy(pub, out, 64);
	pub[64] = '\0';
	assert_int_equal(ctl("bureau",
	                     "register rep-dc --role provider --local "
	                     "--region xinjiang.xinxing --pubkey %s",
	                     pub),
	                 0);
	assert_int_equal(ctl(NULL, "keygen --out %s", pem("rep")), 0);
	memcpy(pub, out, 64);
	pub[64] = '\0';
	assert_int_equal(ctl("bureau",
	                     "register rep --role org --kind school "
	                     "--region xinjiang.xinxing --pubkey %s",
	                     pub),
	                 0);
	snprintf(csv, sizeof(csv), "%s/month.csv", D.dir);
	f = fopen(csv, "w");
	assert_non_null(f);
	assert_int_equal(pipe(fds), 0);
	snprintf(addr, sizeof(addr), "unix:%s", D.sock);
	pid = fork();
	if (pid == 0) {
		dup2(fds[0], 0);
		close(fds[1]);
		execl(VOUCHCTL_BIN, VOUCHCTL_BIN, "report", "-", "--addr", addr,
		      "--id", "rep-dc", "--key", pem("rep-dc"), (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	w = fdopen(fds[1], "w");
	assert_non_null(w);
	fprintf(f, "id,org,at,amount,qty,unit,kind\n");
	fprintf(w, "id,org,at,amount,qty,unit,kind\n");
	e2e_time(0, at);
	for (i = 0; i < 10000; i++) {
		fprintf(f, "m-%05d,rep,%s,1.00,1,gpu-hour,other\n", i, at);
		if (i < 5500)
			fprintf(w, "m-%05d,rep,%s,1.00,1,gpu-hour,other\n", i,
			        at);
	}
	fclose(f);
	fflush(w);
	/* five batches in: 3% of 5,000 * 100 fen = 15,000 */
	for (tries = 0; tries < 600 && have != 15000; tries++) {
		json_t *o;
		usleep(50000);
		assert_int_equal(ctl("bureau", "balance --org rep --json"), 0);
		o = json_out();
		have = jint(o, "total_remaining");
		json_decref(o);
	}
	assert_int_equal(have, 15000);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	fclose(w);
	assert_int_equal(ctl("rep-dc", "report %s", csv), 0);
	assert_string_equal(
	    out, "10000 lines: 5000 accepted, 5000 duplicate, 0 refused\n");
	/* counted once: 3% of 10,000 * 100 fen */
	assert_int_equal(ctl("rep", "balance"), 0);
	expect_in(out, "total_remaining: 300.00 yuan\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pool_by_program),
	    cmocka_unit_test(test_csv_quoting),
	    cmocka_unit_test(test_settle_preview_pro_rata),
	    cmocka_unit_test(test_controls),
	    cmocka_unit_test(test_report_killed_and_resumed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
