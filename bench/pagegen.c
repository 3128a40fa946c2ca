/* pagegen: a store with N pools of daily figures, for bench/page.sh.
 *
 *   pagegen policy DIR [--pools 20]
 *   pagegen fill --data DATA --policies DIR --from YYYY-MM-DD
 *                --to YYYY-MM-DD [--pools 20]
 *
 * `policy` writes DIR/bench.ini: pools p00 .. p(N-1), each with a
 * 10% program fed by a provider of its own (p<i>-demand), every third
 * pool also a 2% supply program paid in cash and every fourth an annual
 * 30% one (so the page has previews to make). Budgets differ, so that
 * the pools run dry on different days, or not.
 *
 * `fill` writes every day of [from, to] into DATA (a store made by
 * `vouchd init`, no vouchd running on it) through the ledger's write
 * path, each day's operations at 12:00 CST of that day (page_gen.h):
 * per pool one bill of 5,000 + 1,000 i yuan a day and 40% of the
 * voucher's grant redeemed the same day. Prints the operations written
 * and the seconds taken. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "page_gen.h"
#include "period.h"

#define MAX_POOLS 64

static int write_policy(const char *dir, int n)
{
	char path[1024];
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s/bench.ini", dir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fprintf(f, "; written by bench/pagegen: %d pools\n", n);
	for (i = 0; i < n; i++) {
		/* 2,000,000 to 5,800,000 yuan: the daily 10% of 5,000 +
		 * 1,000 i yuan lasts from about a year to several */
		fprintf(f,
		        "\n[pool p%02d]\nbudget = %d\n"
		        "[program p%02d-demand]\npool = p%02d\n"
		        "beneficiary = consumer\nbasis = amount\nrate = 10%%\n"
		        "providers = dc-p%02d\nsettlement = immediate\n",
		        i, 200000 + 20000 * i, i, i, i);
		if (i % 3 == 0)
			fprintf(f,
			        "[program p%02d-supply]\npool = p%02d\n"
			        "beneficiary = provider\nbasis = amount\n"
			        "rate = 2%%\nproviders = dc-p%02d\n"
			        "settlement = immediate\npays = cash\n",
			        i, i, i);
		if (i % 4 == 0)
			fprintf(f,
			        "[program p%02d-annual]\npool = p%02d\n"
			        "beneficiary = consumer\nbasis = amount\n"
			        "rate = 30%%\nproviders = dc-p%02d\n"
			        "settlement = annual\npays = cash\n",
			        i, i, i);
	}
	return fclose(f) == 0 ? 0 : -1;
}

static int32_t day_of(const char *s)
{
	int64_t t;

	if (period_parse_date(s, strlen(s), &t) < 0) {
		fprintf(stderr, "pagegen: %s: want YYYY-MM-DD\n", s);
		exit(2);
	}
	return (int32_t)((t + PERIOD_TZ_OFFSET) / 86400);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"data", required_argument, NULL, 'd'},
	    {"policies", required_argument, NULL, 'p'},
	    {"from", required_argument, NULL, 'f'},
	    {"to", required_argument, NULL, 't'},
	    {"pools", required_argument, NULL, 'n'},
	    {NULL, 0, NULL, 0}};
	static struct gen_feed f[MAX_POOLS];
	static char names[MAX_POOLS][3][32];
	const char *data = NULL, *pol = NULL, *from = NULL, *to = NULL;
	struct timespec t0, t1;
	struct gen g;
	int o, n = 20, i;

	if (argc < 3)
		goto usage;
	if (strcmp(argv[1], "policy") == 0) {
		optind = 3;
		while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1)
			if (o == 'n')
				n = atoi(optarg);
		if (n < 1 || n > MAX_POOLS)
			goto usage;
		return write_policy(argv[2], n) < 0 ? 1 : 0;
	}
	if (strcmp(argv[1], "fill") != 0)
		goto usage;
	optind = 2;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (o) {
		case 'd':
			data = optarg;
			break;
		case 'p':
			pol = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'n':
			n = atoi(optarg);
			break;
		default:
			goto usage;
		}
	if (!data || !pol || !from || !to || n < 1 || n > MAX_POOLS)
		goto usage;
	for (i = 0; i < n; i++) {
		snprintf(names[i][0], 32, "dc-p%02d", i);
		snprintf(names[i][1], 32, "org-p%02d", i);
		snprintf(names[i][2], 32, "p%02d-demand", i);
		f[i].provider = names[i][0];
		f[i].org = names[i][1];
		f[i].amount = 500000 + 100000LL * i;
		f[i].program = names[i][2];
		f[i].redeem = f[i].amount / 25; /* 40% of the 10% grant */
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (gen_open(&g, data, pol, f, (size_t)n, day_of(from)) < 0 ||
	    gen_days(&g, f, (size_t)n, day_of(from), day_of(to)) < 0) {
		fprintf(stderr, "pagegen: cannot fill %s\n", data);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("ops=%lld refused=%lld seconds=%.1f\n", (long long)g.ops,
	       (long long)g.refused,
	       (double)(t1.tv_sec - t0.tv_sec) +
	           (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	gen_close_store(&g);
	gen_free_keys(&g);
	return 0;
usage:
	fprintf(stderr, "usage: pagegen policy DIR [--pools N]\n"
	                "       pagegen fill --data DATA --policies DIR --from "
	                "YYYY-MM-DD --to YYYY-MM-DD [--pools N]\n");
	return 2;
}
