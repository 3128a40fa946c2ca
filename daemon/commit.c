#include "commit.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
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
};

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
};

static void *commit_main(void *arg)
{
	struct server *s = arg;
	struct commitq *q = s->q;
	size_t max = (size_t)s->cfg.commit_batch;
	struct ledger_op **ops = malloc(max * sizeof(*ops));
	struct pending *batch, *p, *last;
	size_t n;
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
		rc = s->failed ? VD_EINTERNAL : ledger_batchv(s->l, ops, n);
		pthread_mutex_unlock(&q->wlock);
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
		pthread_mutex_unlock(&q->mu);
		if (write(q->pipe[1], "c", 1) < 0 && errno != EAGAIN) {
			/* the loop will still find the batch on its next
			 * wake-up */
		}
	}
	free(ops);
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
	if (s->failed) {
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
	return 0;
}

void commit_stop(struct server *s)
{
	struct commitq *q = s->q;

	if (q == NULL)
		return;
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

int commit_submit(struct conn *c, const struct ledger_op *op, commit_finish fn,
                  void *owned1, void *owned2)
{
	struct server *s = c->s;
	struct commitq *q = s->q;
	struct pending *p = calloc(1, sizeof(*p));

	if (p == NULL) {
		free(owned1);
		free(owned2);
		return VD_ENOMEM;
	}
	p->op = *op;
	p->op.now = srv_now();
	p->c = c;
	p->fn = fn;
	p->owned1 = owned1;
	p->owned2 = owned2;
	p->slot = conn_reserve(c, p);
	pthread_mutex_lock(&q->mu);
	if (q->tail)
		q->tail->next = p;
	else
		q->head = p;
	q->tail = p;
	q->queued++;
	pthread_cond_signal(&q->cv);
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
	idle = q->head == NULL && !q->busy && q->done == NULL;
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
