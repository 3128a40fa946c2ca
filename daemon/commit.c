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

struct pending {
	struct pending *next;
	struct ledger_op op;
	struct conn *c;
	struct slot *slot;
	commit_finish fn;
	void *owned1, *owned2;
	int rc;
	/* a signed write: verified by a worker before it may commit */
	const struct sig_pub *pub;
	const void *msg;
	size_t msglen;
	uint8_t sig[SIG_LEN];
};

/* Signature workers: each connection is served by one worker, so its
 * writes reach the commit queue in the order they were sent. */
struct worker {
	pthread_t thread;
	struct server *s;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct pending *head, *tail;
	int stop, started;
};

const uint64_t commit_bucket_us[COMMIT_BUCKETS] = {
    1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000, 1000000};

struct commitq {
	pthread_t thread;
	pthread_mutex_t mu; /* queue, done, busy, stop */
	pthread_cond_t cv;
	pthread_mutex_t wlock; /* held around every ledger write */
	struct pending *head, *tail, *done, *done_tail;
	size_t queued;
	int busy, stop, started;
	int pipe[2];
	struct event *ev;
	size_t verifying; /* signed writes at the workers */
	/* commit latency: counts per bucket (COMMIT_BUCKETS + 1 for +Inf),
	 * sum in microseconds */
	uint64_t lat[COMMIT_BUCKETS + 1], lat_sum_us, lat_n;
	struct worker *workers;
	size_t nworkers;
};

static void *commit_main(void *arg)
{
	struct server *s = arg;
	struct commitq *q = s->q;
	size_t max = (size_t)s->cfg.commit_batch;
	struct ledger_op **ops = malloc(max * sizeof(*ops));
	struct pending *batch, *p, *last;
	struct timespec t0, t1;
	uint64_t us;
	size_t n, b;
	int rc;

	if (ops == NULL)
		abort();
	for (;;) {
		pthread_mutex_lock(&q->mu);
		while (q->head == NULL && !q->stop)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->head == NULL && q->stop) {
			pthread_mutex_unlock(&q->mu);
			break;
		}
		/* everything that arrived meanwhile, up to commit_batch */
		batch = q->head;
		for (n = 1, last = batch; last->next && n < max; n++)
			last = last->next;
		q->head = last->next;
		if (q->head == NULL)
			q->tail = NULL;
		last->next = NULL;
		q->queued -= n;
		q->busy = 1;
		pthread_mutex_unlock(&q->mu);

		for (n = 0, p = batch; p; p = p->next)
			ops[n++] = &p->op;
		pthread_mutex_lock(&q->wlock);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = s->failed ? VD_EINTERNAL : ledger_batchv(s->l, ops, n);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		pthread_mutex_unlock(&q->wlock);
		us = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000u +
		     (uint64_t)((t1.tv_nsec - t0.tv_nsec) / 1000);
		for (p = batch; p; p = p->next)
			p->rc = rc < 0 ? rc : p->op.rc;
		if (rc < 0)
			s->failed = 1; /* read by the loop after the wake-up */

		pthread_mutex_lock(&q->mu);
		if (q->done_tail)
			q->done_tail->next = batch;
		else
			q->done = batch;
		q->done_tail = last;
		q->busy = 0;
		for (b = 0; b < COMMIT_BUCKETS && us > commit_bucket_us[b]; b++)
			;
		q->lat[b]++;
		q->lat_sum_us += us;
		q->lat_n++;
		pthread_mutex_unlock(&q->mu);
		if (write(q->pipe[1], "c", 1) < 0 && errno != EAGAIN) {
			/* the loop will still find the batch on its next
			 * wake-up */
		}
	}
	free(ops);
	return NULL;
}

/* Into the next group commit; the caller holds q->mu. */
static void queue_push(struct commitq *q, struct pending *p)
{
	if (q->tail)
		q->tail->next = p;
	else
		q->head = p;
	q->tail = p;
	q->queued++;
	pthread_cond_signal(&q->cv);
}

static void wake(struct commitq *q)
{
	if (write(q->pipe[1], "v", 1) < 0 && errno != EAGAIN) {
		/* the loop finds it on its next wake-up */
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct commitq *q = w->s->q;
	struct sig_verifier *v = NULL;
	struct pending *p;
	int ok;

	if (sig_verifier_new(&v) < 0)
		abort();
	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (w->head == NULL && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		p = w->head;
		if (p == NULL) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		w->head = p->next;
		if (w->head == NULL)
			w->tail = NULL;
		p->next = NULL;
		pthread_mutex_unlock(&w->mu);

		ok = sig_verifier_check(v, p->pub, p->msg, p->msglen, p->sig) ==
		     0;
		pthread_mutex_lock(&q->mu);
		q->verifying--;
		if (ok) {
			/* into the next group commit, in this connection's
			 * order */
			queue_push(q, p);
		} else {
			/* refused: straight to the loop for its reply */
			p->rc = PROTO_EBADSIG;
			if (q->done_tail)
				q->done_tail->next = p;
			else
				q->done = p;
			q->done_tail = p;
		}
		pthread_mutex_unlock(&q->mu);
		if (!ok)
			wake(q);
	}
	sig_verifier_free(v);
	return NULL;
}

/* The loop's side: send the replies of committed writes. */
static void done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	struct commitq *q = s->q;
	struct pending *p, *next;
	char drain[64];

	(void)what;
	while (read(fd, drain, sizeof(drain)) > 0)
		;
	pthread_mutex_lock(&q->mu);
	p = q->done;
	q->done = q->done_tail = NULL;
	pthread_mutex_unlock(&q->mu);
	if (p != NULL)
		s->st.commits++;
	if (s->failed && !s->failed_told) {
		s->failed_told = 1;
		srv_log(s, 0,
		        "a commit failed: stopping without acknowledging");
		event_base_loopbreak(s->base);
	}
	for (; p; p = next) {
		next = p->next;
		/* after a failed commit nothing more is acknowledged */
		conn_complete(p->c, p->slot, s->failed ? NULL : p->fn, &p->op,
		              p->rc);
		free(p->owned1);
		free(p->owned2);
		free(p);
	}
	srv_maybe_exit(s);
}

int commit_start(struct server *s)
{
	struct commitq *q = calloc(1, sizeof(*q));

	if (q == NULL)
		return VD_ENOMEM;
	s->q = q;
	pthread_mutex_init(&q->mu, NULL);
	pthread_mutex_init(&q->wlock, NULL);
	pthread_cond_init(&q->cv, NULL);
	if (pipe2(q->pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		return VD_EIO;
	q->ev =
	    event_new(s->base, q->pipe[0], EV_READ | EV_PERSIST, done_cb, s);
	if (q->ev == NULL || event_add(q->ev, NULL) < 0)
		return VD_ENOMEM;
	if (pthread_create(&q->thread, NULL, commit_main, s) != 0)
		return VD_EINTERNAL;
	q->started = 1;
	q->nworkers = (size_t)s->cfg.workers;
	q->workers = calloc(q->nworkers, sizeof(*q->workers));
	if (q->workers == NULL)
		return VD_ENOMEM;
	for (size_t i = 0; i < q->nworkers; i++) {
		struct worker *w = &q->workers[i];
		w->s = s;
		pthread_mutex_init(&w->mu, NULL);
		pthread_cond_init(&w->cv, NULL);
		if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
			return VD_EINTERNAL;
		w->started = 1;
	}
	return 0;
}

void commit_stop(struct server *s)
{
	struct commitq *q = s->q;

	if (q == NULL)
		return;
	/* the workers finish what they hold, into the commit queue */
	for (size_t i = 0; q->workers && i < q->nworkers; i++) {
		struct worker *w = &q->workers[i];
		if (!w->started)
			continue;
		pthread_mutex_lock(&w->mu);
		w->stop = 1;
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
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
	close(q->pipe[0]);
	close(q->pipe[1]);
	pthread_mutex_destroy(&q->mu);
	pthread_mutex_destroy(&q->wlock);
	pthread_cond_destroy(&q->cv);
	free(q);
	s->q = NULL;
}

/* A queued write with its place in c's reply order; the owned buffers
 * are freed here if it cannot be made. */
static struct pending *new_pending(struct conn *c, const struct ledger_op *op,
                                   commit_finish fn, void *owned1, void *owned2)
{
	struct pending *p = calloc(1, sizeof(*p));

	if (p == NULL) {
		free(owned1);
		free(owned2);
		return NULL;
	}
	p->op = *op;
	p->op.now = srv_now();
	p->c = c;
	p->fn = fn;
	p->owned1 = owned1;
	p->owned2 = owned2;
	p->slot = conn_reserve(c, p);
	return p;
}

int commit_submit(struct conn *c, const struct ledger_op *op, commit_finish fn,
                  void *owned1, void *owned2)
{
	struct commitq *q = c->s->q;
	struct pending *p = new_pending(c, op, fn, owned1, owned2);

	if (p == NULL)
		return VD_ENOMEM;
	pthread_mutex_lock(&q->mu);
	queue_push(q, p);
	pthread_mutex_unlock(&q->mu);
	return 0;
}

int commit_idle(struct server *s)
{
	struct commitq *q = s->q;
	int idle;

	if (q == NULL)
		return 1;
	pthread_mutex_lock(&q->mu);
	idle =
	    q->head == NULL && !q->busy && q->done == NULL && q->verifying == 0;
	pthread_mutex_unlock(&q->mu);
	return idle;
}

void commit_exclusive(struct server *s, void (*fn)(void *), void *arg)
{
	struct commitq *q = s->q;

	if (q)
		pthread_mutex_lock(&q->wlock);
	fn(arg);
	if (q)
		pthread_mutex_unlock(&q->wlock);
}

int commit_submit_signed(struct conn *c, const struct ledger_op *op,
                         commit_finish fn, void *owned1, void *owned2,
                         const void *msg, size_t msglen,
                         const uint8_t sig[SIG_LEN])
{
	struct commitq *q = c->s->q;
	struct pending *p = new_pending(c, op, fn, owned1, owned2);
	struct worker *w;

	if (p == NULL)
		return VD_ENOMEM;
	p->pub = c->pub; /* lives while c has writes pending */
	p->msg = msg;
	p->msglen = msglen;
	memcpy(p->sig, sig, SIG_LEN);
	w = &q->workers[c->worker % q->nworkers];
	pthread_mutex_lock(&q->mu);
	q->verifying++;
	pthread_mutex_unlock(&q->mu);
	pthread_mutex_lock(&w->mu);
	if (w->tail)
		w->tail->next = p;
	else
		w->head = p;
	w->tail = p;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 0;
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
