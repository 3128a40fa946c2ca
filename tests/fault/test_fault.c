/* Fault injection (README.md here): vouchd runs a short scripted
 * session (fault_session.h) with shim.c preloaded, which fails the Nth
 * pwrite, fdatasync, fsync, malloc, mmap or accept; N is swept over the
 * calls the session makes, over those of the daemon's start, and over
 * those of `vouchd init`. After each run the daemon must have ended by
 * itself or on SIGTERM (never by a signal of its own, never hung) with
 * status 0, or 1 after a failed commit (fail-stop) or a refused start; a
 * daemon still running must serve a new client; `vouchd check` must pass
 * on the store; and restarted without the shim, its journal must hold
 * every change the session was told OK and none it was told ERR. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fault_session.h"

/* The kinds of shim.c, and how many calls of each the baseline counted
 * before the session (the start) and during it. */
enum { K_PWRITE, K_FDATASYNC, K_FSYNC, K_MALLOC, K_MMAP, K_ACCEPT, K_N };
static const char *const kinds[K_N] = {"pwrite", "fdatasync", "fsync",
                                       "malloc", "mmap",      "accept"};
static unsigned long at_start[K_N], in_session[K_N], in_init[K_N];

/* What a run came to, for the tally. */
enum result { R_KEPT, R_REFUSED, R_FAILSTOP, R_NOSTART, R_MISSED, R_FAILED };
static const char *const result_names[] = {"ok and kept", "refused or dropped",
                                           "fail-stop",   "no start",
                                           "not reached", "FAILED"};

static enum result result_of(const struct run *r)
{
	int i;

	if (r->why[0])
		return R_FAILED;
	if (!r->fired)
		return R_MISSED;
	if (r->failstop)
		return R_FAILSTOP;
	if (!r->ready)
		return R_NOSTART;
	for (i = 0; i < (r->steps ? r->steps : nsteps); i++)
		if (r->out[i] != O_OK)
			return R_REFUSED;
	return R_KEPT;
}

static void print_run(const struct run *r, enum result res)
{
	char outs[NSTEPS + 1];
	int i, first = -1;

	for (i = 0; i < nsteps; i++) {
		outs[i] = "oenu"[r->out[i]];
		if (first < 0 && r->out[i] == O_ERR)
			first = i;
	}
	outs[nsteps] = '\0';
	print_message("  %s N=%lu %s%s%.0zu: steps %s (o ok, e err, n no "
	              "answer, u unsent)%s%s, busy %d, wait status %d, %ld "
	              "ms: %s%s%s\n",
	              r->call, r->n, r->err, r->size ? " size " : "", r->size,
	              outs, first < 0 ? "" : ", first ERR: ",
	              first < 0 ? "" : r->reply[first], r->busy, r->status,
	              r->ms, result_names[res], r->why[0] ? ": " : "", r->why);
}

/* A sweep: the Nth call of kind for each N of 1..count, or an evenly
 * spread sample of them; errnos errs[0], errs[1] in turn, or both for
 * each N. */
struct sweep {
	const char *what; /* for the messages */
	int kind;
	enum { P_SESSION, P_START, P_INIT } phase;
	unsigned long count, samples;
	const char *const *errs; /* two, the second may be NULL */
	int both;
	size_t size; /* the shim's FAULT_SIZE */
	int others;  /* FAULT_THREAD=other */
	int steps;   /* the session's first steps only */
};

/* Run a sweep and print its tally. FAULT_SAMPLES overrides samples,
 * FAULT_KINDS (a list of kinds) and FAULT_ONLY (one N) narrow it,
 * FAULT_VERBOSE prints every run. Fails the test if a run failed. */
static void sweep(const struct sweep *w)
{
	unsigned long samples = env_num("FAULT_SAMPLES", w->samples), i;
	unsigned long only = env_num("FAULT_ONLY", 0), total = 0;
	unsigned long tally[R_FAILED + 1] = {0};
	const char *filter = getenv("FAULT_KINDS");
	int verbose = env_num("FAULT_VERBOSE", 0) != 0, e, j;

	if (filter && *filter && strstr(filter, kinds[w->kind]) == NULL)
		return;
	if (samples < 2)
		samples = 2;
	if (w->count <= samples)
		samples = w->count;
	if (only)
		samples = 1; /* that N alone */
	for (i = 0; i < samples; i++)
		for (e = 0; e < (w->both && w->errs[1] ? 2 : 1); e++) {
			struct timespec t0, t1;
			struct run r;
			enum result res;
			memset(&r, 0, sizeof(r));
			r.call = kinds[w->kind];
			r.n = only ? only
			      : samples == w->count
			          ? i + 1
			          : 1 + i * (w->count - 1) / (samples - 1);
			r.err = w->errs[w->both      ? e
			                : w->errs[1] ? (int)(i % 2)
			                             : 0];
			r.size = w->size;
			r.others = w->others;
			r.steps = w->steps;
			r.from_start = w->phase != P_SESSION;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			if (w->phase == P_INIT)
				run_init(&r);
			else
				run_session(&r);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			r.ms = (t1.tv_sec - t0.tv_sec) * 1000 +
			       (t1.tv_nsec - t0.tv_nsec) / 1000000;
			tally[res = result_of(&r)]++;
			total++;
			if (verbose || res == R_FAILED)
				print_run(&r, res);
			if (res == R_FAILED) {
				char to[300];
				char *sp;
				snprintf(to, sizeof(to), "%s/failed-%s-%lu-%s",
				         T.dir, w->what, r.n, r.err);
				while ((sp = strchr(to, ' ')) != NULL)
					*sp = '-';
				if (rename(run_dir, to) == 0)
					keep = 1;
			}
		}
	print_message("%s: %lu calls, %lu runs:", w->what, w->count, total);
	for (j = 0; j <= R_FAILED; j++)
		if (tally[j])
			print_message(" %lu %s", tally[j], result_names[j]);
	print_message("\n");
	if (tally[R_FAILED])
		fail_msg("%s: %lu runs failed", w->what, tally[R_FAILED]);
}

static const char *const eio[2] = {"EIO", "ENOSPC"};
static const char *const enomem[2] = {"ENOMEM", NULL};
static const char *const eaccept[2] = {"EMFILE", "ECONNABORTED"};

/* A run shaped as w's (vouchd init, or the session or its first steps;
 * FAULT_SIZE, FAULT_THREAD) that counts the calls of each kind and fails
 * none: before[k] the calls before the first accept (or of `vouchd
 * init`), after[k] those since. Every step it runs must be answered OK.
 * Returns the run (its replies), until the next call. */
static const struct run *
count_calls(const struct sweep *w, unsigned long *before, unsigned long *after)
{
	static struct run r;
	char buf[256], name[32];
	unsigned long a, b;
	FILE *f;
	int i;

	memset(&r, 0, sizeof(r));
	r.count = 1;
	r.steps = w->steps;
	r.size = w->size;
	r.others = w->others;
	if (w->phase == P_INIT)
		run_init(&r);
	else
		run_session(&r);
	if (r.why[0] || !r.ready)
		fail_msg("counting run: %s", r.why);
	for (i = 0; w->phase != P_INIT && i < (r.steps ? r.steps : nsteps); i++)
		if (r.out[i] != O_OK)
			fail_msg("step %d: %s", i + 1, r.reply[i]);
	if ((f = fopen(count_file, "r")) == NULL)
		fail_msg("no counts in %s", count_file);
	while (fgets(buf, sizeof(buf), f))
		for (i = 0; i < K_N; i++)
			if (sscanf(buf, "%31s %lu %lu", name, &a, &b) == 3 &&
			    strcmp(name, kinds[i]) == 0) {
				before[i] = a;
				after[i] = b;
			}
	fclose(f);
	return &r;
}

/* Every kind's calls at the start, in the session and in `vouchd init`
 * (the sweeps' ranges); the whole session answered OK without faults
 * (plain: its replies). */
static const struct run *plain;

static void test_baseline(void **state)
{
	static const struct sweep session, init = {.phase = P_INIT};
	static struct run copy;
	unsigned long none[K_N];
	int i;

	(void)state;
	copy = *count_calls(&session, at_start, in_session);
	plain = &copy;
	count_calls(&init, in_init, none);
	for (i = 0; i < K_N; i++)
		print_message("%s: %lu calls at the start, %lu in the "
		              "session, %lu in vouchd init\n",
		              kinds[i], at_start[i], in_session[i], in_init[i]);
	assert_true(in_session[K_PWRITE] > 0 && in_session[K_MALLOC] > 0);
}

/* Every allocation of the first two requests (HELLO, AUTH and REGISTER
 * as the bureau; HELLO, AUTH and USAGE as a provider on a second
 * connection), one run each. OpenSSL made its random generator and
 * fetched Ed25519 there: an allocation failing inside left every later
 * HELLO "ERR INTERNAL no randomness", or every AUTH refused, for as long
 * as the daemon ran (now done at the start: server.c, crypto_ready). And
 * libevent allocates to watch a new socket: when that failed, the
 * connection was never read and its client waited (conn.c, conn_accept
 * and conn_update now close it). */
static void test_first_requests(void **state)
{
	unsigned long before[K_N], after[K_N];
	struct sweep w = {.what = "first requests malloc",
	                  .kind = K_MALLOC,
	                  .samples = 250,
	                  .errs = enomem,
	                  .steps = 2};

	(void)state;
	count_calls(&w, before, after);
	w.count = after[K_MALLOC];
	sweep(&w);
}

/* The allocation that keeps each write's reply (its size: the reply's
 * length). One that failed left the write committed and unanswered,
 * its connection open: the client waited, and a pipelining client would
 * have taken the next reply for it (now the connection closes: conn.c,
 * CONN_LOST). */
static void test_write_replies(void **state)
{
	unsigned long before[K_N], after[K_N];
	int i, k;

	(void)state;
	for (i = 0; i < nsteps; i++) {
		struct sweep w = {
		    .kind = K_MALLOC, .samples = 6, .errs = enomem};
		char what[64];
		for (k = 0; k < i; k++)
			if (strlen(plain->reply[k]) == strlen(plain->reply[i]))
				break;
		if (steps[i].rows || k < i)
			continue; /* a read, or a size swept already */
		w.size = strlen(plain->reply[i]) + 1;
		snprintf(what, sizeof(what), "reply of step %d malloc", i + 1);
		w.what = what;
		count_calls(&w, before, after);
		w.count = after[K_MALLOC];
		sweep(&w);
	}
}

/* LMDB's page and meta writes and its syncs (the session's commits and
 * RELOAD's swap); no fsync or mmap is made while it serves (they are in
 * test_start and test_init) */
static void test_session_disk(void **state)
{
	struct sweep pw = {.what = "session pwrite",
	                   .kind = K_PWRITE,
	                   .count = in_session[K_PWRITE],
	                   .samples = 40,
	                   .errs = eio};
	struct sweep fd = pw;

	(void)state;
	sweep(&pw);
	fd.what = "session fdatasync";
	fd.kind = K_FDATASYNC;
	fd.count = in_session[K_FDATASYNC];
	sweep(&fd);
	assert_int_equal(in_session[K_FSYNC] + in_session[K_MMAP], 0);
}

static void test_session_malloc(void **state)
{
	struct sweep w = {.what = "session malloc",
	                  .kind = K_MALLOC,
	                  .count = in_session[K_MALLOC],
	                  .samples = 100,
	                  .errs = enomem};

	(void)state;
	sweep(&w);
}

/* The allocations of the threads besides the loop (the signature
 * workers, the commit thread: LMDB), at the start and in the session,
 * every one. A worker made its verifier itself and abort()ed when that
 * failed (now commit_start makes it, and a failure refuses the start). */
static void test_other_threads(void **state)
{
	unsigned long before[K_N], after[K_N];
	struct sweep w = {.what = "start malloc, other threads",
	                  .kind = K_MALLOC,
	                  .phase = P_START,
	                  .samples = 60,
	                  .errs = enomem,
	                  .others = 1};

	(void)state;
	count_calls(&w, before, after);
	w.count = before[K_MALLOC];
	sweep(&w);
	w.what = "session malloc, other threads";
	w.phase = P_SESSION;
	w.count = after[K_MALLOC];
	sweep(&w);
}

/* each accept with EMFILE (BUSY and a pause) and ECONNABORTED */
static void test_session_accept(void **state)
{
	struct sweep w = {.what = "session accept",
	                  .kind = K_ACCEPT,
	                  .count = in_session[K_ACCEPT],
	                  .samples = 20,
	                  .errs = eaccept,
	                  .both = 1};

	(void)state;
	sweep(&w);
}

/* A sweep of every kind with calls in phase (count[k] of them): the
 * disk calls fail with EIO, malloc and mmap with ENOMEM; malloc is
 * sampled (samples), the others are few. */
static void sweep_kinds(int phase, const char *name, const unsigned long *count,
                        unsigned long samples)
{
	int k;

	for (k = 0; k < K_N; k++) {
		char what[64];
		struct sweep w = {.what = what,
		                  .kind = k,
		                  .phase = phase,
		                  .count = count[k],
		                  .samples = k == K_MALLOC ? samples : 10,
		                  .errs = k == K_MALLOC || k == K_MMAP ? enomem
		                                                       : eio};
		snprintf(what, sizeof(what), "%s %s", name, kinds[k]);
		if (count[k] > 0)
			sweep(&w);
	}
}

/* Faults while vouchd starts (LMDB's maps, the policy, OpenSSL, the
 * threads): it starts and serves, or exits 1 saying why. */
static void test_start(void **state)
{
	(void)state;
	sweep_kinds(P_START, "start", at_start, 30);
}

/* `vouchd init`: the store, and its keys written and fsync'd */
static void test_init(void **state)
{
	(void)state;
	sweep_kinds(P_INIT, "init", in_init, 16);
}

static int setup(void **state)
{
	(void)state;
	return fault_prepare();
}

static int teardown(void **state)
{
	(void)state;
	fault_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_baseline),
	    cmocka_unit_test(test_first_requests),
	    cmocka_unit_test(test_write_replies),
	    cmocka_unit_test(test_session_disk),
	    cmocka_unit_test(test_session_malloc),
	    cmocka_unit_test(test_other_threads),
	    cmocka_unit_test(test_session_accept),
	    cmocka_unit_test(test_start),
	    cmocka_unit_test(test_init),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
