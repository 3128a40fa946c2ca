/* What the benchmark programs share: the records they send (the same
 * for vouchd, PostgreSQL and Redis), derived keys, clocks and
 * percentiles. Header-only: each bench program is one file. */
#ifndef VD_BENCH_GEN_H
#define VD_BENCH_GEN_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "record.h"
#include "sig.h"

struct gen {
	int providers, orgs;
};

static inline double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

static inline struct sig_key *seed_key(const char *role, int i)
{
	uint8_t seed[SIG_SEED_LEN] = {0};
	struct sig_key *k = NULL;

	snprintf((char *)seed, sizeof(seed), "vdbench %s %d", role, i);
	if (sig_key_from_seed(seed, &k) < 0) {
		fprintf(stderr, "vdload: cannot make a key\n");
		exit(1);
	}
	return k;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static inline double pct(double *v, size_t n, double p)
{
	size_t i;

	if (n == 0)
		return 0;
	i = (size_t)(p * (double)(n - 1));
	return v[i];
}

static inline void make_record(const struct gen *c, long k, struct record *r)
{
	uint64_t h = mix((uint64_t)k);

	memset(r, 0, sizeof(*r));
	snprintf(r->provider, sizeof(r->provider), "p%02d",
	         (int)(k % c->providers));
	snprintf(r->id, sizeof(r->id), "b%010ld", k);
	snprintf(r->org, sizeof(r->org), "org%05d",
	         (int)(h % (uint64_t)c->orgs));
	/* 2026-01-01T00:00:00Z plus up to 300 days: an open period */
	r->at = 1767225600 + (int64_t)((h >> 20) % (300 * 86400));
	r->amount = 10000 + (int64_t)((h >> 8) % 5000000);
	r->qty = r->amount / 2000 + 1;
	snprintf(r->unit, sizeof(r->unit), "gpu-hour");
	r->kind = (int)((h >> 40) % 2); /* training or inference */
}

/* Run fn on each of n workers (args[i], each size bytes) in a thread of
 * its own; the seconds from the first start to the last end. */
static inline double gen_threads(void *(*fn)(void *), void *args, size_t size,
                                 int n)
{
	pthread_t *th = calloc((size_t)n, sizeof(*th));
	double t0 = now();
	int t;

	for (t = 0; t < n; t++)
		pthread_create(&th[t], NULL, fn,
		               (char *)args + (size_t)t * size);
	for (t = 0; t < n; t++)
		pthread_join(th[t], NULL);
	free(th);
	return now() - t0;
}

/* Print "<what>=n seconds= rate= p50_ms= p99_ms= errors=<extra>" for n
 * latencies (ms, sorted here) measured over secs. */
static inline void gen_report(const char *what, double *lat, size_t n,
                              double secs, const char *extra)
{
	qsort(lat, n, sizeof(double), cmp_double);
	printf("%s=%zu seconds=%.3f rate=%.0f p50_ms=%.3f p99_ms=%.3f %s\n",
	       what, n, secs, (double)n / secs, pct(lat, n, 0.50),
	       pct(lat, n, 0.99), extra);
}

/* Whether provider p is local (the even ones: vdload setup registers
 * them with local=1). */
static inline int gen_local(int p)
{
	return p % 2 == 0;
}

#endif
