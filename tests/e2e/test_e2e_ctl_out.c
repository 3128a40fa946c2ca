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

/* A stand-in vouchd on sock for one connection: for each pair of script
 * (request wanted, reply; NULL after the last) it reads a line and
 * answers it. It exits 0 when every request was the one wanted. */
static pid_t fake_script(const char *sock, const char *const *script)
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
		int bad = 0;
		/* vouchctl may never connect (a usage error): do not wait */
		alarm(10);
		if ((c = accept(fd, NULL, NULL)) < 0)
			_exit(2);
		for (; script[0] != NULL; script += 2) {
			size_t n = 0;
			while (n + 1 < sizeof(line) &&
			       read(c, line + n, 1) == 1 && line[n] != '\n')
				n++;
			line[n] = '\0';
			bad |= strcmp(line, script[0]) != 0;
			if (write(c, script[1], strlen(script[1])) < 0)
				_exit(2);
		}
		close(c);
		_exit(bad);
	}
	close(fd);
	return pid;
}

static pid_t fake_vouchd(const char *sock, const char *want, const char *reply)
{
	const char *const script[] = {want, reply, NULL};

	return fake_script(sock, script);
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

/* The CST date of day z (days since 1970-01-01), "YYYY-MM-DD". */
static const char *cst_date(int64_t z, char buf[16])
{
	int64_t y;
	int m, d;

	civil_from_days(z, &y, &m, &d);
	snprintf(buf, 16, "%04d-%02d-%02d", (int)y, m, d);
	return buf;
}

/* Today in CST, a minute or more before its midnight: a test that books
 * today's movements, or works out today's window, and then reads them
 * must see one day. */
static int64_t cst_today(void)
{
	int64_t t = (int64_t)time(NULL) + 8 * 3600;

	if (t % 86400 > 86400 - 60) {
		sleep((unsigned)(86400 - t % 86400 + 1));
		t = (int64_t)time(NULL) + 8 * 3600;
	}
	return civil_day(t);
}

/* pool --by-day: the request, one row a day with its own figures (a
 * negative unfunded, the day's change, as -0.07) and the totals line; no
 * second request, since its rows have no sparkline. The rule is 4 + 6 +
 * 10 + 7 + 8 + 8 + 7 + 7 + 9 + 8 columns and 9 gaps of 2: 92. */
static void test_pool_by_day_form(void **state)
{
	static const char reply[] =
	    "OK n=2 budget=100000 granted=30001 redeemed=5000 "
	    "paid_out=1000 expired=0 revoked=200 recovered=50 "
	    "remaining=70249 unfunded=7\n"
	    "POOL id=tiny period=2026 day=2026-03-01 granted=20000 "
	    "redeemed=5000 paid_out=0 expired=0 revoked=200 recovered=0 "
	    "unfunded=14\n"
	    "POOL id=tiny period=2026 day=2026-03-02 granted=10001 "
	    "redeemed=0 paid_out=1000 expired=0 revoked=0 recovered=50 "
	    "unfunded=-7\n";
	static const char *const req = "POOL pool=tiny period=2026 by=day";
	char sock[200];
	pid_t pid;

	(void)state;
	snprintf(sock, sizeof(sock), "%s/fake.sock", D.dir);
	pid = fake_vouchd(sock, req, reply);
	assert_int_equal(ctl(NULL,
	                     "pool --addr unix:%s --pool tiny --period 2026 "
	                     "--by-day",
	                     sock),
	                 0);
	assert_int_equal(fake_done(pid), 0);
	assert_string_equal(
	    out, "pool  period  day         granted  redeemed  paid out  "
	         "expired  revoked  recovered  unfunded\n"
	         "----------------------------------------------------------"
	         "----------------------------------\n"
	         "tiny  2026    2026-03-01   200.00     50.00      0.00     "
	         "0.00     2.00       0.00      0.14\n"
	         "tiny  2026    2026-03-02   100.01      0.00     10.00     "
	         "0.00     0.00       0.50     -0.07\n"
	         "remaining: 702.49 yuan\n");
	/* one form at a time */
	assert_int_equal(
	    ctl(NULL, "pool --addr unix:%s --by-day --by-program", sock), 2);
	assert_string_equal(err, "vouchctl pool: --by-program or --by-day, "
	                         "not both\n");
	assert_int_equal(ctl(NULL, "balance --addr unix:%s --by-day", sock), 2);
	expect_in(err, "--by-day is not an option here");
}

/* The sparkline from a stand-in: pool a's periods 2020 and 2021 and pool
 * b's 2020, all over, so each window is 2 to 31 December of its period
 * whenever the test runs. Day rows (granted - expired - revoked -
 * recovered = the net draw): a/2020 on 1 December 9,000 (before the
 * window), 2 December 100 (its first day), 10 December 1,000 - 100 - 50 -
 * 50 = 800 (the largest), 11th 401, 12th 400 (redeemed 400 draws
 * nothing), 13th -300 (a revocation), 31st 1, and 5 January 2021, its
 * settlement in the next year, 5,000 (after the window); a/2021 on 31
 * December 5; pool c, which the listing does not show, 100. Blocks are
 * ceil(8 * draw / 800): 100 ▁, 800 █, 401 ▅, 400 ▄, 1 ▁; a/2021's 5 is
 * its own largest, █; b drew nothing. a/2020's figures are its days'
 * sums: granted 15,902, remaining 100,000 - 15,902 + 100 + 350 + 50 =
 * 84,598, used floor(15,402 / 1,000) = 15.40%. */
static void test_pool_sparkline_days(void **state)
{
	static const char pools[] =
	    "OK n=3 budget=300000 granted=15907 redeemed=400 paid_out=0 "
	    "expired=100 revoked=350 recovered=50 remaining=284593 "
	    "unfunded=0\n"
	    "POOL id=a period=2020 budget=100000 granted=15902 redeemed=400 "
	    "paid_out=0 expired=100 revoked=350 recovered=50 "
	    "remaining=84598 unfunded=0\n"
	    "POOL id=a period=2021 budget=100000 granted=5 redeemed=0 "
	    "paid_out=0 expired=0 revoked=0 recovered=0 remaining=99995 "
	    "unfunded=0\n"
	    "POOL id=b period=2020 budget=100000 granted=0 redeemed=0 "
	    "paid_out=0 expired=0 revoked=0 recovered=0 remaining=100000 "
	    "unfunded=0\n";
	static const char days[] =
	    "OK n=10 budget=300000 granted=15907 redeemed=400 paid_out=0 "
	    "expired=100 revoked=350 recovered=50 remaining=284593 "
	    "unfunded=0\n"
	    "POOL id=a period=2020 day=2020-12-01 granted=9000 redeemed=0 "
	    "paid_out=0 expired=0 revoked=0 recovered=0 unfunded=0\n"
	    "POOL id=a period=2020 day=2020-12-02 granted=100 redeemed=0 "
	    "paid_out=0 expired=0 revoked=0 recovered=0 unfunded=0\n"
	    "POOL id=a period=2020 day=2020-12-10 granted=1000 redeemed=0 "
	    "paid_out=0 expired=100 revoked=50 recovered=50 unfunded=0\n"
	    "POOL id=a period=2020 day=2020-12-11 granted=401 redeemed=0 "
	    "paid_out=0 expired=0 revoked=0 recovered=0 unfunded=0\n"
	    "POOL id=a period=2020 day=2020-12-12 granted=400 redeemed=400 "
	    "paid_out=0 expired=0 revoked=0 recovered=0 unfunded=0\n"
	    "POOL id=a period=2020 day=2020-12-13 granted=0 redeemed=0 "
	    "paid_out=0 expired=0 revoked=300 recovered=0 unfunded=0\n"
	    "POOL id=a period=2020 day=2020-12-31 granted=1 redeemed=0 "
	    "paid_out=0 expired=0 revoked=0 recovered=0 unfunded=0\n"
	    "POOL id=a period=2020 day=2021-01-05 granted=5000 redeemed=0 "
	    "paid_out=0 expired=0 revoked=0 recovered=0 unfunded=0\n"
	    "POOL id=a period=2021 day=2021-12-31 granted=5 redeemed=0 "
	    "paid_out=0 expired=0 revoked=0 recovered=0 unfunded=0\n"
	    "POOL id=c period=2020 day=2020-12-20 granted=100 redeemed=0 "
	    "paid_out=0 expired=0 revoked=0 recovered=0 unfunded=0\n";
	const char *script[] = {"POOL", pools, "POOL by=day", days, NULL};
	char sock[200];
	pid_t pid;
	json_t *o;

	(void)state;
	snprintf(sock, sizeof(sock), "%s/fake.sock", D.dir);
	pid = fake_script(sock, script);
	assert_int_equal(ctl(NULL, "pool --addr unix:%s", sock), 0);
	assert_int_equal(fake_done(pid), 0);
	assert_string_equal(
	    out,
	    "pool  period    budget  granted  redeemed  paid out  expired  "
	    "revoked  recovered  remaining  unfunded    used  last 30 days\n"
	    "--------------------------------------------------------------"
	    "--------------------------------------------------------------"
	    "-----------------\n"
	    "a     2020    1,000.00   159.02      4.00      0.00     1.00     "
	    "3.50       0.50     845.98      0.00  15.40%  "
	    "▁·······█▅▄··················▁\n"
	    "a     2021    1,000.00     0.05      0.00      0.00     0.00     "
	    "0.00       0.00     999.95      0.00   0.00%  "
	    "·····························█\n"
	    "b     2020    1,000.00     0.00      0.00      0.00     0.00     "
	    "0.00       0.00   1,000.00      0.00   0.00%  "
	    "······························\n"
	    "remaining: 2,845.93 yuan\n");
	/* a daemon without the daily rollup refuses by=day: the pools
	 * still print, the column says '-' */
	script[3] = "ERR BADREQ by: by=program\n";
	pid = fake_script(sock, script);
	assert_int_equal(ctl(NULL, "pool --addr unix:%s", sock), 0);
	assert_int_equal(fake_done(pid), 0);
	expect_in(out, "  unfunded    used  last 30 days\n");
	expect_in(out, "845.98      0.00  15.40%  -\n");
	assert_string_equal(err, "vouchctl pool: no sparkline: BADREQ by: "
	                         "by=program\n");
	/* --json and --csv send one request and carry no sparkline */
	pid = fake_vouchd(sock, "POOL", pools);
	assert_int_equal(ctl(NULL, "pool --addr unix:%s --csv", sock), 0);
	assert_int_equal(fake_done(pid), 0);
	assert_string_equal(out, "id,period,budget,granted,redeemed,paid_out,"
	                         "expired,revoked,recovered,remaining,"
	                         "unfunded,used_pct\r\n"
	                         "a,2020,1000.00,159.02,4.00,0.00,1.00,3.50,"
	                         "0.50,845.98,0.00,15.40\r\n"
	                         "a,2021,1000.00,0.05,0.00,0.00,0.00,0.00,"
	                         "0.00,999.95,0.00,0.00\r\n"
	                         "b,2020,1000.00,0.00,0.00,0.00,0.00,0.00,"
	                         "0.00,1000.00,0.00,0.00\r\n");
	pid = fake_vouchd(sock, "POOL", pools);
	assert_int_equal(ctl(NULL, "pool --addr unix:%s --json", sock), 0);
	assert_int_equal(fake_done(pid), 0);
	o = json_out();
	assert_int_equal(json_array_size(json_object_get(o, "rows")), 3);
	assert_null(strstr(out, "last_30_days"));
	json_decref(o);
}

/* This period's window ends today: 29 days ago is its first day (2 of
 * 8, ▂), 30 days ago is outside (its 9,000 would be the largest). */
static void test_pool_sparkline_today(void **state)
{
	char sock[200], req[2][100], pools[600], days[1200], d[3][16];
	const char *script[] = {req[0], pools, req[1], days, NULL};
	int64_t today = cst_today();
	int y = e2e_year();
	pid_t pid;

	(void)state;
	snprintf(sock, sizeof(sock), "%s/fake.sock", D.dir);
	snprintf(req[0], sizeof(req[0]), "POOL period=%d", y);
	snprintf(req[1], sizeof(req[1]), "POOL period=%d by=day", y);
	snprintf(pools, sizeof(pools),
	         "OK n=1 budget=100000 granted=9010 redeemed=0 paid_out=0 "
	         "expired=0 revoked=0 recovered=0 remaining=90990 unfunded=0\n"
	         "POOL id=t period=%d budget=100000 granted=9010 redeemed=0 "
	         "paid_out=0 expired=0 revoked=0 recovered=0 remaining=90990 "
	         "unfunded=0\n",
	         y);
	snprintf(days, sizeof(days),
	         "OK n=3 budget=100000 granted=9010 redeemed=0 paid_out=0 "
	         "expired=0 revoked=0 recovered=0 remaining=90990 unfunded=0\n"
	         "POOL id=t period=%d day=%s granted=9000 redeemed=0 "
	         "paid_out=0 expired=0 revoked=0 recovered=0 unfunded=0\n"
	         "POOL id=t period=%d day=%s granted=2 redeemed=0 "
	         "paid_out=0 expired=0 revoked=0 recovered=0 unfunded=0\n"
	         "POOL id=t period=%d day=%s granted=8 redeemed=0 "
	         "paid_out=0 expired=0 revoked=0 recovered=0 unfunded=0\n",
	         y, cst_date(today - 30, d[0]), y, cst_date(today - 29, d[1]),
	         y, cst_date(today, d[2]));
	pid = fake_script(sock, script);
	assert_int_equal(ctl(NULL, "pool --addr unix:%s --period %d", sock, y),
	                 0);
	assert_int_equal(fake_done(pid), 0);
	expect_in(out, "  9.01%  ▂····························█\n");
}

/* pool --by-day and the sparkline from vouchd on the seed policies, on a
 * store of their own (D2): day-dc, a local provider in Xinxing, reports
 * a bill of 12,345.67 yuan for day-school, a school there. Xinxing pays
 * at once 3% of it to the school, floor(37,037.01) = 37,037 fen, and 2%
 * to the provider, floor(24,691.34) = 24,691 fen: 61,728 fen granted
 * from pool xinxing today. day-dc redeems 100.00 yuan of the school's
 * voucher, then the bureau revokes its rest, 370.37 - 100.00 = 270.37
 * yuan. xinxing's remaining: 20,000,000.00 - 617.28 + 270.37 =
 * 19,999,653.09 yuan, used floor(34,691 / 200,000,000 in 0.01%) = 0.00%;
 * all pools' 135,000,000.00 - 617.28 + 270.37 = 134,999,653.09. Today's
 * net draw, 617.28 - 270.37 = 346.91 yuan, is xinxing's only one: its
 * sparkline ends in █, every other pool's is all ·. */
static void test_pool_by_day_daemon(void **state)
{
	static const char *const ids[] = {"day-dc", "day-school"};
	char conn[400], dc[400], path[200], pub[65], text[400], voucher[32];
	char at[CIVIL_UTC_LEN + 1], day[16], want[4096];
	const char *dots = "······························";
	int i, tries, rc, y = e2e_year();
	json_t *o, *row;

	(void)state;
	cst_date(cst_today(), day);
	assert_int_equal(d2_start(VD_SOURCE_DIR "/deploy/policies"), 0);
	snprintf(conn, sizeof(conn), "--addr unix:%s --id bureau --key %s",
	         D2.sock, D2.bureau_key);
	snprintf(dc, sizeof(dc), "--addr unix:%s --id day-dc --key %s", D2.sock,
	         pem("day-dc"));
	for (i = 0; i < 2; i++) {
		assert_int_equal(ctl(NULL, "keygen --out %s", pem(ids[i])), 0);
		memcpy(pub, out, 64);
		pub[64] = '\0';
		/* the daemon may still be starting */
		tries = 0;
		while ((rc = ctl(NULL,
		                 "%s register %s --pubkey %s --region "
		                 "xinjiang.xinxing %s",
		                 conn, ids[i], pub,
		                 i == 0 ? "--role provider --local"
		                        : "--role org --kind school")) == 3 &&
		       tries++ < 100)
			usleep(50000);
		assert_int_equal(rc, 0);
	}
	snprintf(path, sizeof(path), "%s/day.csv", D.dir);
	snprintf(text, sizeof(text),
	         "id,org,at,amount,qty,unit,kind\n"
	         "b1,day-school,%s,12345.67,1,gpu-hour,training\n",
	         e2e_time(0, at));
	write_file(path, text);
	assert_int_equal(ctl(NULL, "%s report %s", dc, path), 0);
	assert_int_equal(ctl(NULL, "%s balance --org day-school --json", conn),
	                 0);
	o = json_out();
	row = json_array_get(json_object_get(o, "rows"), 0);
	assert_int_equal(jint(row, "granted"), 37037);
	snprintf(voucher, sizeof(voucher), "%s",
	         json_string_value(json_object_get(row, "id")));
	json_decref(o);
	assert_int_equal(ctl(NULL,
	                     "%s redeem --voucher %s --record b1 --amount 100 "
	                     "--ref day-r1",
	                     dc, voucher),
	                 0);
	assert_int_equal(
	    ctl(NULL, "%s revoke %s --reason closed", conn, voucher), 0);

	assert_int_equal(
	    ctl(NULL, "%s pool --by-day --period %d --csv", conn, y), 0);
	snprintf(want, sizeof(want),
	         "id,period,day,granted,redeemed,paid_out,expired,revoked,"
	         "recovered,unfunded\r\n"
	         "xinxing,%d,%s,617.28,100.00,0.00,0.00,270.37,0.00,0.00\r\n",
	         y, day);
	assert_string_equal(out, want);

	assert_int_equal(
	    ctl(NULL, "%s --json pool --by-day --pool xinxing --period %d",
	        conn, y),
	    0);
	o = json_out();
	assert_int_equal(jint(o, "n"), 1);
	assert_int_equal(jint(o, "budget"), 2000000000);
	assert_int_equal(jint(o, "remaining"), 1999965309);
	row = json_array_get(json_object_get(o, "rows"), 0);
	assert_string_equal(json_string_value(json_object_get(row, "id")),
	                    "xinxing");
	assert_string_equal(json_string_value(json_object_get(row, "day")),
	                    day);
	assert_int_equal(jint(row, "period"), y);
	assert_int_equal(jint(row, "granted"), 61728);
	assert_int_equal(jint(row, "redeemed"), 10000);
	assert_int_equal(jint(row, "paid_out"), 0);
	assert_int_equal(jint(row, "expired"), 0);
	assert_int_equal(jint(row, "revoked"), 27037);
	assert_int_equal(jint(row, "recovered"), 0);
	assert_int_equal(jint(row, "unfunded"), 0);
	json_decref(o);

	/* the sparkline, the last column, aligned by characters: every row
	 * has its 30 at column 127 (12 + 6 + 13 + 7 + 8 + 8 + 7 + 7 + 9 +
	 * 13 + 8 + 5 and 12 gaps of 2) */
	assert_int_equal(ctl(NULL, "%s pool --period %d", conn, y), 0);
	snprintf(
	    want, sizeof(want),
	    "pool          period         budget  granted  redeemed  paid out  "
	    "expired  revoked  recovered      remaining  unfunded   used  "
	    "last 30 days\n"
	    "%.*s\n"
	    "datong        %d    30,000,000.00     0.00      0.00      0.00  "
	    "   0.00     0.00       0.00  30,000,000.00      0.00  0.00%%  %s\n"
	    "mentougou     %d    20,000,000.00     0.00      0.00      0.00  "
	    "   0.00     0.00       0.00  20,000,000.00      0.00  0.00%%  %s\n"
	    "xinxing       %d    20,000,000.00   617.28    100.00      0.00  "
	    "   0.00   270.37       0.00  19,999,653.09      0.00  0.00%%  "
	    "%.*s█\n"
	    "xinxing-fund  %d    10,000,000.00     0.00      0.00      0.00  "
	    "   0.00     0.00       0.00  10,000,000.00      0.00  0.00%%  %s\n"
	    "yinchuan      %d    50,000,000.00     0.00      0.00      0.00  "
	    "   0.00     0.00       0.00  50,000,000.00      0.00  0.00%%  %s\n"
	    "yuxi          %d     5,000,000.00     0.00      0.00      0.00  "
	    "   0.00     0.00       0.00   5,000,000.00      0.00  0.00%%  %s\n"
	    "remaining: 134,999,653.09 yuan\n",
	    127 + 30,
	    "--------------------------------------------------------"
	    "--------------------------------------------------------"
	    "---------------------------------------------",
	    y, dots, y, dots, y, 29 * 2, dots, y, dots, y, dots, y, dots);
	assert_string_equal(out, want);
	assert_int_equal(daemon_stop(&D2), 0);
	D2.pid = 0;
	daemon_cleanup(&D2);
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
	assert_int_equal(d2_start(pol), 0);
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
	(void)state;
	ctl_register("p1", "--role provider --local --region xinjiang.xinxing");
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
	char csv[200], addr[200], at[CIVIL_UTC_LEN + 1];
	int fds[2], i, tries;
	json_int_t have = -1;
	pid_t pid;
	FILE *w, *f;

	(void)state;
	/* its own provider and org, in Xinxing */
	ctl_register("rep-dc",
	             "--role provider --local --region xinjiang.xinxing");
	ctl_register("rep",
	             "--role org --kind school --region xinjiang.xinxing");
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
	    cmocka_unit_test(test_pool_by_day_form),
	    cmocka_unit_test(test_pool_sparkline_days),
	    cmocka_unit_test(test_pool_sparkline_today),
	    cmocka_unit_test(test_pool_by_day_daemon),
	    cmocka_unit_test(test_csv_quoting),
	    cmocka_unit_test(test_settle_preview_pro_rata),
	    cmocka_unit_test(test_controls),
	    cmocka_unit_test(test_report_killed_and_resumed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
