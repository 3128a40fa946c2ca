/* limits: what the machine can do, for bench/run.sh.
 *
 *   limits lmdb DIR [--records N]   raw LMDB: per record one insert (a
 *       100-byte record under its (provider, id) key, MDB_NOOVERWRITE)
 *       and one read-modify-write of an accrual row (program, org,
 *       period); 1,000 records per transaction, each commit synced.
 *   limits ed25519 [--threads T] [--seconds S]   Ed25519 verifications
 *       per second with OpenSSL (EVP, one bound verifier per thread),
 *       T threads (default: the number of cores).
 *
 * Prints one line of key=value. */
#include <inttypes.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sig.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

#define CHECK(x)                                                               \
	do {                                                                   \
		int rc_ = (x);                                                 \
		if (rc_ != 0) {                                                \
			fprintf(stderr, "limits: %s: %s\n", #x,                \
			        mdb_strerror(rc_));                            \
			exit(1);                                               \
		}                                                              \
	} while (0)

static int lmdb(const char *dir, long n)
{
	MDB_env *env;
	MDB_dbi recs, acc;
	MDB_txn *txn;
	double t0, t1;
	long k;

	mkdir(dir, 0700);
	CHECK(mdb_env_create(&env));
	CHECK(mdb_env_set_mapsize(env, (size_t)64 << 30));
	CHECK(mdb_env_set_maxdbs(env, 4));
	CHECK(mdb_env_open(env, dir, 0, 0600));
	CHECK(mdb_txn_begin(env, NULL, 0, &txn));
	CHECK(mdb_dbi_open(txn, "records", MDB_CREATE, &recs));
	CHECK(mdb_dbi_open(txn, "accruals", MDB_CREATE, &acc));
	CHECK(mdb_txn_commit(txn));
	t0 = now();
	for (k = 0; k < n; k += 1000) {
		long i;
		CHECK(mdb_txn_begin(env, NULL, 0, &txn));
		for (i = k; i < k + 1000 && i < n; i++) {
			uint64_t h = mix((uint64_t)i);
			char rk[32], ak[32], rv[100];
			int64_t basis = 0;
			MDB_val key, val;
			memset(rv, 'r', sizeof(rv));
			snprintf(rk, sizeof(rk), "p%02d/b%010ld", (int)(i % 50),
			         i);
			key.mv_data = rk;
			key.mv_size = strlen(rk);
			val.mv_data = rv;
			val.mv_size = sizeof(rv);
			CHECK(mdb_put(txn, recs, &key, &val, MDB_NOOVERWRITE));
			snprintf(ak, sizeof(ak), "prog%d/org%05d/2026",
			         (int)(h % 4), (int)((h >> 8) % 10000));
			key.mv_data = ak;
			key.mv_size = strlen(ak);
			if (mdb_get(txn, acc, &key, &val) == 0)
				memcpy(&basis, val.mv_data, sizeof(basis));
			basis += (int64_t)(h % 1000000);
			val.mv_data = &basis;
			val.mv_size = sizeof(basis);
			CHECK(mdb_put(txn, acc, &key, &val, 0));
		}
		/* mdb_txn_commit syncs: the environment has no MDB_NOSYNC */
		CHECK(mdb_txn_commit(txn));
	}
	t1 = now();
	printf("records=%ld seconds=%.3f rate=%.0f\n", n, t1 - t0,
	       (double)n / (t1 - t0));
	mdb_env_close(env);
	return 0;
}

struct vt {
	double seconds;
	long count;
	const struct sig_pub *pub;
	const uint8_t *sig;
	const char *msg;
};

static void *verify_thread(void *arg)
{
	struct vt *v = arg;
	struct sig_verifier *ver = NULL;
	double end = now() + v->seconds;

	if (sig_verifier_new(&ver) < 0)
		exit(1);
	while (now() < end) {
		int i;
		for (i = 0; i < 100; i++)
			if (sig_verifier_check(ver, v->pub, v->msg,
			                       strlen(v->msg), v->sig) != 0)
				exit(1);
		v->count += 100;
	}
	sig_verifier_free(ver);
	return NULL;
}

static int ed25519(int threads, double seconds)
{
	static const char msg[] =
	    "USAGE provider=p00 id=b0000000001 org=org00001 "
	    "at=2026-03-01T08:00:00Z amount=123456 qty=62 unit=gpu-hour "
	    "kind=training";
	struct sig_key *k = NULL;
	struct sig_pub *p = NULL;
	uint8_t pub[32], sig[64];
	struct vt v[64];
	pthread_t th[64];
	long total = 0;
	int t;

	if (sig_keygen(&k) < 0 || sig_key_public(k, pub) < 0 ||
	    sig_pub_parse(pub, &p) < 0 ||
	    sig_sign(k, msg, strlen(msg), sig) < 0)
		return 1;
	for (t = 0; t < threads; t++) {
		v[t] = (struct vt){seconds, 0, p, sig, msg};
		pthread_create(&th[t], NULL, verify_thread, &v[t]);
	}
	for (t = 0; t < threads; t++) {
		pthread_join(th[t], NULL);
		total += v[t].count;
	}
	printf("threads=%d verifications=%ld seconds=%.1f rate=%.0f\n", threads,
	       total, seconds, (double)total / seconds);
	sig_pub_free(p);
	sig_key_free(k);
	return 0;
}

int main(int argc, char **argv)
{
	long n = 1000000;
	int threads = (int)sysconf(_SC_NPROCESSORS_ONLN), i;
	double seconds = 5;

	for (i = 2; i + 1 < argc; i++) {
		if (strcmp(argv[i], "--records") == 0)
			n = atol(argv[++i]);
		else if (strcmp(argv[i], "--threads") == 0)
			threads = atoi(argv[++i]);
		else if (strcmp(argv[i], "--seconds") == 0)
			seconds = atof(argv[++i]);
	}
	if (threads < 1 || threads > 64)
		threads = 1;
	if (argc >= 3 && strcmp(argv[1], "lmdb") == 0)
		return lmdb(argv[2], n);
	if (argc >= 2 && strcmp(argv[1], "ed25519") == 0)
		return ed25519(threads, seconds);
	fprintf(stderr, "usage: limits lmdb DIR [--records N] | limits "
	                "ed25519 [--threads T] [--seconds S]\n");
	return 2;
}
