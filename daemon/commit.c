#include "commit.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"

/* Signature workers: each connection is served by one worker, and every
 * write of a connection (signed or not) goes through it, so that its
 * writes reach the commit queue in the order they were sent: a REDEEM
 * sent after a USAGE of the record it names runs after it. */
struct worker {
	pthread_t thread;
	struct server *s;
	/* made before the thread starts: its failure refuses the start
	 * (made by the thread, it was an abort(); tests/fault) */
	struct sig_verifier *v;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *head, *tail;
	int stop, started;
};

const uint64_t commit_bucket_us[COMMIT_BUCKETS] = {
    1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000, 1000000};

struct commitq {
	pthread_t thread;
	pthread_mutex_t mu; /* the queues, busy, stop, the histogram */
	pthread_cond_t cv;  /* the commit thread waits for work (monotonic
	                       clock: commit_wait_us) */
	pthread_cond_t ran; /* commit_run waits for its job */
	struct job *head, *tail, *done, *done_tail;
	uint64_t queued; /* the weight (job_weight) of head .. tail */
	int stop, started;
	int pipe[2];
	struct event *ev;
	/* commit latency: counts per bucket (COMMIT_BUCKETS + 1 for +Inf),
	 * sum in microseconds */
	uint64_t lat[COMMIT_BUCKETS + 1], lat_sum_us, lat_n;
	uint64_t commits; /* transactions committed (STATS commits) */
	struct worker *workers;
	size_t nworkers;
	struct ledger_op **ops;
};

struct job *commit_job_new(void)
{
	return calloc(1, sizeof(struct job));
}

void commit_job_free(struct job *j)
{
	if (j == NULL)
		return;
	free(j->own[0]);
	free(j->own[1]);
	policy_free(j->pol);
	free(j);
}

static uint64_t now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

/* What a job counts towards commit_batch: the records it writes (a BATCH
 * its n), at least 1. A group's commit time and its dirty pages (the
 * commit thread's private memory) grow with its records, not with its
 * operations: counted by operations, 16 frames of 10,000 records made one
 * group of 160,000. */
static uint64_t job_weight(const struct job *j)
{
	if (j->op.type == OP_BATCH && j->op.u.batch.n > 1)
		return j->op.u.batch.n;
	return 1;
}

/* Take the next group off the queue (the caller holds q->mu): jobs in
 * order while their weights add up to at most max (the first always,
 * however heavy), but a policy swap alone, so that the jobs before it
 * run under the old policy and those after it under the new. */
static struct job *take_group(struct commitq *q, uint64_t max, size_t *n)
{
	struct job *first = q->head, *last = first;
	uint64_t w = job_weight(first);

	*n = 1;
	if (first->op.type != OP_POLICY)
		while (last->next && last->next->op.type != OP_POLICY &&
		       w + job_weight(last->next) <= max) {
			last = last->next;
			w += job_weight(last);
			(*n)++;
		}
	q->queued -= w;
	q->head = last->next;
	if (q->head == NULL)
		q->tail = NULL;
	last->next = NULL;
	return first;
}

/* Wait (holding q->mu) until the group at the head may close: its oldest
 * job has waited wait_us, or what is queued reaches max, or the server
 * stops. Under load the head has waited through the previous commit and
 * the group closes at once; when jobs arrive one by one, waiting lets a
 * few share one fsync (wait_us 0: never wait). */
static void await_group(struct commitq *q, uint64_t wait_us, uint64_t max)
{
	uint64_t end = q->head->queued_us + wait_us;
	struct timespec ts;

	/* a policy swap queued closes the group before it: nothing after
	 * it may join */
	while (!q->stop && q->queued < max && q->head->op.type != OP_POLICY &&
	       q->tail->op.type != OP_POLICY && now_us() < end) {
		ts.tv_sec = (time_t)(end / 1000000u);
		ts.tv_nsec = (long)(end % 1000000u) * 1000;
		pthread_cond_timedwait(&q->cv, &q->mu, &ts);
	}
}

/* A policy swap: the ledger takes the new policy and records it (the
 * ledger journals it unless the store already records it); on any
 * failure it keeps the old. */
static int run_swap(struct server *s, struct job *j)
{
	const struct policy *old = ledger_policy(s->l);
	int rc;

	j->op.u.policy.prev = old; /* its late_days judges the reload */
	ledger_set_policy(s->l, j->pol);
	rc = ledger_batch(s->l, &j->op, 1);
	if (rc < 0 || j->op.rc < 0)
		ledger_set_policy(s->l, old);
	return rc;
}

static void *commit_main(void *arg)
{
	struct server *s = arg;
	struct commitq *q = s->q;
	uint64_t max = (uint64_t)s->cfg.commit_batch;
	uint64_t wait_us = (uint64_t)s->cfg.commit_wait_us;
	struct job *group, *j, *last;
	struct timespec t0, t1;
	uint64_t us;
	size_t n, b;
	int rc;

	for (;;) {
		pthread_mutex_lock(&q->mu);
		while (q->head == NULL && !q->stop)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->head == NULL) {
			pthread_mutex_unlock(&q->mu);
			break;
		}
		if (wait_us > 0)
			await_group(q, wait_us, max);
		group = take_group(q, max, &n);
		pthread_mutex_unlock(&q->mu);

		for (n = 0, j = group; j; j = j->next) {
			q->ops[n++] = &j->op;
			j->rc = 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (atomic_load(&s->failed))
			rc = VD_EINTERNAL;
		else if (group->op.type == OP_POLICY)
			rc = run_swap(s, group);
		else
			rc = ledger_batchv(s->l, q->ops, n);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		us = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000u +
		     (uint64_t)((t1.tv_nsec - t0.tv_nsec) / 1000);
		for (last = j = group; j; last = j, j = j->next)
			if (rc < 0)
				j->rc = rc;
			else if (j->rc == 0)
				j->rc = j->op.rc;
		if (rc < 0)
			atomic_store(&s->failed, 1);

		pthread_mutex_lock(&q->mu);
		if (q->done_tail)
			q->done_tail->next = group;
		else
			q->done = group;
		q->done_tail = last;
		for (b = 0; b < COMMIT_BUCKETS && us > commit_bucket_us[b]; b++)
			;
		q->lat[b]++;
		q->lat_sum_us += us;
		q->lat_n++;
		q->commits += rc == 0;
		pthread_cond_broadcast(&q->ran);
		pthread_mutex_unlock(&q->mu);
		if (write(q->pipe[1], "c", 1) < 0 && errno != EAGAIN) {
			/* the loop will still find the group on its next
			 * wake-up */
		}
	}
	return NULL;
}

/* Into the next group commit; the caller holds q->mu. */
static void queue_push(struct commitq *q, struct job *j)
{
	j->queued_us = now_us();
	q->queued += job_weight(j);
	if (q->tail)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
	pthread_cond_signal(&q->cv);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct commitq *q = w->s->q;
	struct job *j;
	int ok;

	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (w->head == NULL && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		j = w->head;
		if (j == NULL) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		w->head = j->next;
		if (w->head == NULL)
			w->tail = NULL;
		j->next = NULL;
		pthread_mutex_unlock(&w->mu);

		ok =
		    !j->is_signed || sig_verifier_check(w->v, j->pub, j->msg,
		                                        j->msglen, j->sig) == 0;
		pthread_mutex_lock(&q->mu);
		if (ok) {
			/* into the next group commit, in this connection's
			 * order */
			queue_push(q, j);
		} else {
			/* refused: straight to the loop for its reply */
			j->rc = PROTO_EBADSIG;
			if (q->done_tail)
				q->done_tail->next = j;
			else
				q->done = j;
			q->done_tail = j;
		}
		pthread_mutex_unlock(&q->mu);
		if (!ok && write(q->pipe[1], "v", 1) < 0 && errno != EAGAIN) {
			/* the loop finds it on its next wake-up */
		}
	}
	return NULL;
}

/* The loop's side of a policy swap: once the ledger uses the new policy,
 * so does the loop, and the old one (which nothing uses any more) goes.
 * A swap that failed left the ledger on the old one: j frees the new. */
static void adopt_policy(struct server *s, struct job *j)
{
	if (j->op.type != OP_POLICY || j->pol == NULL || j->rc < 0)
		return;
	policy_free(s->pol);
	s->pol = j->pol;
	j->pol = NULL;
}

/* The loop's side: hand each finished job to its submitter. */
static void done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	struct commitq *q = s->q;
	struct job *j, *next;
	char drain[64];

	(void)what;
	while (read(fd, drain, sizeof(drain)) > 0)
		;
	pthread_mutex_lock(&q->mu);
	j = q->done;
	q->done = q->done_tail = NULL;
	/* counted where they happen: one wake-up may bring several groups,
	 * or only signatures refused */
	s->st.commits = q->commits;
	pthread_mutex_unlock(&q->mu);
	if (atomic_load(&s->failed) && !s->failed_told) {
		s->failed_told = 1;
		srv_log(s, 0,
		        "a commit failed: stopping without acknowledging");
		event_base_loopbreak(s->base);
	}
	for (; j; j = next) {
		next = j->next;
		adopt_policy(s, j);
		if (j->done)
			j->done(j);
		s->inflight--;
		commit_job_free(j);
	}
	srv_maybe_exit(s);
}

/* Stop and join what commit_start made, in reverse; safe on a partly
 * made queue. */
static void teardown(struct server *s)
{
	struct commitq *q = s->q;
	size_t i;

	for (i = 0; q->workers && i < q->nworkers; i++) {
		struct worker *w = &q->workers[i];
		if (w->started) {
			pthread_mutex_lock(&w->mu);
			w->stop = 1;
			pthread_cond_signal(&w->cv);
			pthread_mutex_unlock(&w->mu);
			pthread_join(w->thread, NULL);
			pthread_mutex_destroy(&w->mu);
			pthread_cond_destroy(&w->cv);
		}
		sig_verifier_free(w->v);
	}
	free(q->workers);
	q->workers = NULL;
	if (q->started) {
		pthread_mutex_lock(&q->mu);
		q->stop = 1;
		pthread_cond_signal(&q->cv);
		pthread_mutex_unlock(&q->mu);
		pthread_join(q->thread, NULL);
	}
	/* replies that were committed but not yet sent */
	if (q->ev) {
		done_cb(q->pipe[0], EV_READ, s);
		event_free(q->ev);
	}
	if (q->pipe[0] >= 0)
		close(q->pipe[0]);
	if (q->pipe[1] >= 0)
		close(q->pipe[1]);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	pthread_cond_destroy(&q->ran);
	free(q->ops);
	free(q);
	s->q = NULL;
}

int commit_start(struct server *s)
{
	struct commitq *q = calloc(1, sizeof(*q));
	pthread_condattr_t ca;
	size_t i;
	int rc = VD_ENOMEM;

	if (q == NULL)
		return VD_ENOMEM;
	s->q = q;
	q->pipe[0] = q->pipe[1] = -1;
	pthread_mutex_init(&q->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&q->ran, NULL);
	q->ops = malloc((size_t)s->cfg.commit_batch * sizeof(*q->ops));
	q->nworkers = (size_t)s->cfg.workers;
	q->workers = calloc(q->nworkers, sizeof(*q->workers));
	if (q->ops == NULL || q->workers == NULL)
		goto fail;
	if (pipe2(q->pipe, O_NONBLOCK | O_CLOEXEC) < 0) {
		rc = VD_EIO;
		goto fail;
	}
	q->ev =
	    event_new(s->base, q->pipe[0], EV_READ | EV_PERSIST, done_cb, s);
	if (q->ev == NULL || event_add(q->ev, NULL) < 0)
		goto fail;
	rc = VD_EINTERNAL;
	if (pthread_create(&q->thread, NULL, commit_main, s) != 0)
		goto fail;
	q->started = 1;
	for (i = 0; i < q->nworkers; i++) {
		struct worker *w = &q->workers[i];
		w->s = s;
		if (sig_verifier_new(&w->v) < 0) {
			rc = VD_ENOMEM;
			goto fail;
		}
		pthread_mutex_init(&w->mu, NULL);
		pthread_cond_init(&w->cv, NULL);
		if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			pthread_mutex_destroy(&w->mu);
			pthread_cond_destroy(&w->cv);
			goto fail;
		}
		w->started = 1;
	}
	return 0;
fail:
	teardown(s);
	return rc;
}

void commit_stop(struct server *s)
{
	if (s->q != NULL)
		teardown(s);
}

void commit_submit(struct server *s, struct job *j)
{
	struct commitq *q = s->q;

	j->next = NULL;
	s->inflight++;
	if (j->c != NULL) {
		struct worker *w = &q->workers[j->c->worker % q->nworkers];
		pthread_mutex_lock(&w->mu);
		if (w->tail)
			w->tail->next = j;
		else
			w->head = j;
		w->tail = j;
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
		return;
	}
	pthread_mutex_lock(&q->mu);
	queue_push(q, j);
	pthread_mutex_unlock(&q->mu);
}

int commit_run(struct server *s, struct job *j)
{
	struct commitq *q = s->q;
	struct job **p, *t;

	j->next = NULL;
	pthread_mutex_lock(&q->mu);
	queue_push(q, j);
	/* run once the commit thread has put it on the done list; it is
	 * taken off there, since it stays the caller's */
	for (;;) {
		for (p = &q->done; *p && *p != j; p = &(*p)->next)
			;
		if (*p) {
			*p = j->next;
			break;
		}
		pthread_cond_wait(&q->ran, &q->mu);
	}
	q->done_tail = NULL;
	for (t = q->done; t; t = t->next)
		q->done_tail = t;
	pthread_mutex_unlock(&q->mu);
	j->next = NULL;
	adopt_policy(s, j);
	return j->rc;
}

void commit_latency(struct server *s, uint64_t counts[COMMIT_BUCKETS + 1],
                    uint64_t *sum_us, uint64_t *n)
{
	struct commitq *q = s->q;

	memset(counts, 0, (COMMIT_BUCKETS + 1) * sizeof(*counts));
	*sum_us = *n = 0;
	if (q == NULL)
		return;
	pthread_mutex_lock(&q->mu);
	memcpy(counts, q->lat, sizeof(q->lat));
	*sum_us = q->lat_sum_us;
	*n = q->lat_n;
	pthread_mutex_unlock(&q->mu);
}
