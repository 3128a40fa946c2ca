/* Connections: framing, limits and backpressure. Every line is bounded
 * twice: the bytes buffered while no LF has come, and each complete line.
 * A line over max_line is answered TOOBIG and the connection closed, since
 * its framing is lost. */
#include <errno.h>
#include <stdio.h>
#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "srv.h"

static void read_cb(struct bufferevent *bev, void *arg);

static void conn_free(struct conn *c)
{
	struct slot *sl, *next;

	for (sl = c->slots; sl; sl = next) {
		next = sl->next;
		free(sl->data);
		free(sl);
	}
	sig_pub_free(c->pub);
	if (c->pend)
		evbuffer_free(c->pend);
	rbuf_free(&c->out);
	free(c->lines);
	free(c->recs);
	free(c);
}

void conn_close(struct conn *c)
{
	struct server *s = c->s;

	if (c->dead)
		return;
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->nconns--;
	if (c->deadline)
		event_free(c->deadline);
	c->deadline = NULL;
	if (c->push)
		event_free(c->push);
	c->push = NULL;
	bufferevent_free(c->bev);
	c->bev = NULL;
	srv_log(s, 3, "closed %s", c->peer);
	/* its queued writes still commit; the struct waits for them */
	if (c->npending > 0) {
		c->dead = 1;
		return;
	}
	conn_free(c);
	srv_maybe_exit(s);
}

void conn_err(struct conn *c, const char *word, const char *msg)
{
	srv_count_error(c->s, word);
	reply_err(&c->out, word, msg);
}

int conn_drained(const struct conn *c)
{
	return c->slots == NULL &&
	       evbuffer_get_length(bufferevent_get_output(c->bev)) == 0 &&
	       (c->pend == NULL || evbuffer_get_length(c->pend) == 0);
}

/* Reply bytes queued, written or not: what backpressure counts. */
static size_t conn_queued(const struct conn *c)
{
	return evbuffer_get_length(bufferevent_get_output(c->bev)) +
	       (c->pend ? evbuffer_get_length(c->pend) : 0);
}

static void push_slot(struct conn *c, struct slot *sl)
{
	if (c->slots_tail)
		c->slots_tail->next = sl;
	else
		c->slots = sl;
	c->slots_tail = sl;
}

/* Replies on a plain socket gather in c->pend and go out with one
 * writev when the connection waits for nothing more (no request bytes
 * left, or the end of a read or of a commit's replies). Through the
 * bufferevent every write costs registering for EV_WRITE, an epoll round
 * and unregistering: under pipelined BALANCE (16 requests a read) strace
 * counted two epoll_ctl per read beside one readv and one writev, and
 * perf put the event loop's system calls at two fifths of its time;
 * under unpipelined BALANCE the same costs had taken a sixth (27,900 ->
 * 44,000 requests/s when lone replies first went straight out). What the
 * socket does not take goes to the bufferevent, which writes it when the
 * socket drains; while it holds bytes every reply follows them there, so
 * order is kept. TLS replies always go through the bufferevent. */
static void conn_push(struct conn *c)
{
	struct evbuffer *out;

	if (c->bev == NULL || c->pend == NULL ||
	    evbuffer_get_length(c->pend) == 0)
		return;
	out = bufferevent_get_output(c->bev);
	/* an error (EAGAIN, a reset) leaves the bytes for the bufferevent,
	 * which retries or reports it */
	if (evbuffer_get_length(out) == 0)
		evbuffer_write(c->pend, bufferevent_getfd(c->bev));
	if (evbuffer_get_length(c->pend) > 0)
		evbuffer_add_buffer(out, c->pend);
}

/* Whether reading, stopped by output_limit, may go on now: every reply
 * written and the connection not paused or closing. Enables it if so. */
static int resume_reading(struct conn *c)
{
	if (c->bev == NULL || c->closing || c->paused || conn_queued(c) > 0 ||
	    (bufferevent_get_enabled(c->bev) & EV_READ))
		return 0;
	bufferevent_enable(c->bev, EV_READ);
	return evbuffer_get_length(bufferevent_get_input(c->bev)) > 0;
}

static void push_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	conn_push(c);
	if (resume_reading(c))
		read_cb(c->bev, c);
}

static void conn_send(struct conn *c, const void *p, size_t n, int lone)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	const char *b = p;

	if (c->pend == NULL || evbuffer_get_length(out) > 0) {
		evbuffer_add(out, p, n);
		return;
	}
	if (lone && evbuffer_get_length(c->pend) == 0) {
		/* a reply alone: one send, no buffer in between */
		ssize_t w = send(bufferevent_getfd(c->bev), b, n,
		                 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			b += w;
			n -= (size_t)w;
		}
	}
	if (n > 0)
		evbuffer_add(c->pend, b, n);
	if (lone)
		conn_push(c);
}

/* Write the replies whose turn has come. */
static void drain_slots(struct conn *c)
{
	while (c->slots && c->slots->ready) {
		struct slot *sl = c->slots;
		/* lone: the connection waits for nothing else; with writes
		 * still in flight more replies come with the same commit */
		int lone =
		    (sl->next == NULL || !sl->next->ready) && c->npending == 0;
		if (sl->len)
			conn_send(c, sl->data, sl->len, lone);
		c->slots = sl->next;
		if (c->slots == NULL)
			c->slots_tail = NULL;
		free(sl->data);
		free(sl);
	}
}

struct slot *conn_reserve(struct conn *c, void *pending)
{
	struct slot *sl = calloc(1, sizeof(*sl));

	(void)pending;
	conn_flush(c);
	if (sl == NULL)
		return NULL;
	push_slot(c, sl);
	c->npending++;
	return sl;
}

static void close_when_sent(struct conn *c)
{
	conn_push(c);
	c->closing = 1;
	bufferevent_disable(c->bev, EV_READ);
	if (c->npending == 0 && conn_drained(c))
		conn_close(c);
}

void conn_flush(struct conn *c)
{
	if (c->bev == NULL)
		return;
	if (c->out.err) {
		/* a reply that could not be built is an internal error */
		rbuf_reset(&c->out);
		conn_err(c, "INTERNAL", "reply too large or malformed");
	}
	if (c->out.len && c->slots) {
		/* behind replies still waiting for a commit */
		struct slot *sl = calloc(1, sizeof(*sl));
		if (sl && (sl->data = malloc(c->out.len)) != NULL) {
			memcpy(sl->data, c->out.data, c->out.len);
			sl->len = c->out.len;
			sl->ready = 1;
			push_slot(c, sl);
		} else
			free(sl);
	} else if (c->out.len)
		/* lone: no more request bytes are waiting to be read */
		conn_send(c, c->out.data, c->out.len,
		          evbuffer_get_length(bufferevent_get_input(c->bev)) ==
		              0);
	rbuf_reset(&c->out);
	/* a client that does not read its replies stops being read */
	if ((int64_t)conn_queued(c) > c->s->cfg.output_limit)
		bufferevent_disable(c->bev, EV_READ);
}

void conn_defer(struct conn *c, const char *line, size_t len)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);

	evbuffer_prepend(in, "\n", 1);
	evbuffer_prepend(in, line, len);
	c->paused = 1;
	bufferevent_disable(c->bev, EV_READ);
}

void conn_complete(struct conn *c, struct slot *slot,
                   void (*fn)(struct conn *, struct ledger_op *, int),
                   struct ledger_op *op, int rc)
{
	if (c == NULL)
		return;
	c->npending--;
	if (c->dead) {
		if (c->npending == 0) {
			struct server *s = c->s;
			conn_free(c);
			srv_maybe_exit(s);
		}
		return;
	}
	if (slot == NULL)
		return;
	if (fn != NULL) {
		rbuf_reset(&c->out);
		fn(c, op, rc);
		if (c->out.err) {
			rbuf_reset(&c->out);
			conn_err(c, "INTERNAL", "reply too large");
		}
		slot->data = malloc(c->out.len ? c->out.len : 1);
		if (slot->data) {
			memcpy(slot->data, c->out.data, c->out.len);
			slot->len = c->out.len;
		}
		rbuf_reset(&c->out);
	}
	slot->ready = 1;
	drain_slots(c);
	if (c->closing) {
		conn_push(c);
		if (c->npending == 0 && conn_drained(c))
			conn_close(c);
		return;
	}
	/* one commit completes many of a connection's writes, one call here
	 * each: their replies go out together once this round of callbacks
	 * ends (an active event runs once however often it is activated) */
	if (c->push)
		event_active(c->push, 0, 0);
	if (c->paused && c->npending == 0) {
		/* the deferred read can run now */
		c->paused = 0;
		bufferevent_enable(c->bev, EV_READ);
		read_cb(c->bev, c);
	}
}

static void write_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	if (c->closing) {
		if (c->npending == 0 && conn_drained(c))
			conn_close(c);
		return;
	}
	if (c->paused)
		return;
	/* drained below the low-water mark: read again */
	bufferevent_enable(bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_input(bev)) > 0)
		read_cb(bev, c);
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	/* a finished TLS handshake is news, not an end */
	if (what == BEV_EVENT_CONNECTED)
		return;
	if (what & BEV_EVENT_TIMEOUT)
		srv_log(c->s, 2, "%s idle for %lld s: closed", c->peer,
		        (long long)c->s->cfg.idle_timeout);
	conn_close(c);
}

static void deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	srv_log(c->s, 2, "%s: no whole line within %lld s: closed", c->peer,
	        (long long)c->s->cfg.line_deadline);
	conn_close(c);
}

/* 1 when the connection was closed (and may be freed), else 0. */
static int read_lines(struct bufferevent *bev, struct conn *c)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t max = (size_t)c->s->cfg.max_line;

	while (!c->closing && !c->paused && c->bev != NULL) {
		struct evbuffer_ptr eol;
		size_t eol_len = 0, len;

		if ((int64_t)conn_queued(c) > c->s->cfg.output_limit) {
			bufferevent_disable(bev, EV_READ);
			return 0;
		}
		eol = evbuffer_search_eol(in, NULL, &eol_len, EVBUFFER_EOL_LF);
		if (eol.pos < 0) {
			/* no LF yet: bounded, and on a clock */
			size_t have = evbuffer_get_length(in);
			if (have > max + 1) {
				conn_err(c, "TOOBIG", "line too long");
				conn_flush(c);
				close_when_sent(c);
				return 1;
			}
			if (have > 0 && !evtimer_pending(c->deadline, NULL)) {
				struct timeval tv = {c->s->cfg.line_deadline,
				                     0};
				evtimer_add(c->deadline, &tv);
			} else if (have == 0)
				evtimer_del(c->deadline);
			return 0;
		}
		len = (size_t)eol.pos;
		/* a CR before the LF is dropped by the parser: allow it */
		if (len > max + 1 ||
		    (len == max + 1 &&
		     evbuffer_copyout(in, c->line, len) == (ev_ssize_t)len &&
		     c->line[len - 1] != '\r')) {
			conn_err(c, "TOOBIG", "line too long");
			conn_flush(c);
			close_when_sent(c);
			return 1;
		}
		evbuffer_remove(in, c->line, len);
		evbuffer_drain(in, 1);
		if (evbuffer_get_length(in) == 0)
			evtimer_del(c->deadline);
		handlers_line(c, c->line, len);
		if (c->closing) {
			close_when_sent(c);
			return 1;
		}
	}
	return 0;
}

/* The lines of one read, then their replies in one write (a connection
 * being closed has sent them in close_when_sent and may be gone). */
static void read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	for (;;) {
		if (read_lines(bev, c) != 0)
			return;
		conn_push(c);
		/* reading stopped at output_limit and the socket took all of
		 * it: no bufferevent write will come to restart the reading
		 * (write_cb), so it restarts here */
		if (!resume_reading(c))
			return;
	}
}

void conn_accept(struct server *s, int fd, const char *peer, int is_unix,
                 int tls)
{
	struct conn *c;
	struct timeval idle = {s->cfg.idle_timeout, 0};

	if ((int64_t)s->nconns >= s->cfg.max_connections || s->stopping) {
		static const char busy[] = "ERR BUSY too many connections\n";
		ssize_t w = send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL);
		(void)w;
		close(fd);
		srv_count_error(s, "BUSY");
		srv_log(s, 1, "%s refused: BUSY", peer);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		close(fd);
		return;
	}
	c->s = s;
	c->role = ROLE_NONE;
	c->worker = s->next_worker++;
	c->tls = tls;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	rbuf_init(&c->out, 64u << 20);
	if (tls) {
		/* freed with the bufferevent (BEV_OPT_CLOSE_ON_FREE) */
		SSL *ssl = SSL_new(s->tls);
		c->bev = ssl ? bufferevent_openssl_socket_new(
		                   s->base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING,
		                   BEV_OPT_CLOSE_ON_FREE)
		             : NULL;
		if (c->bev == NULL && ssl)
			SSL_free(ssl);
	} else {
		c->bev =
		    bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
		c->pend = evbuffer_new();
	}
	c->deadline = evtimer_new(s->base, deadline_cb, c);
	if (!tls)
		c->push = event_new(s->base, -1, 0, push_cb, c);
	if (c->bev == NULL || c->deadline == NULL ||
	    (!tls && (!c->pend || !c->push))) {
		if (c->bev == NULL)
			close(fd);
		else
			bufferevent_free(c->bev);
		if (c->deadline)
			event_free(c->deadline);
		if (c->pend)
			evbuffer_free(c->pend);
		if (c->push)
			event_free(c->push);
		free(c);
		return;
	}
	/* a local administrator on the Unix socket, when configured */
	if (is_unix && s->cfg.unix_bureau) {
		struct ucred cr;
		socklen_t l = sizeof(cr);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &l) == 0 &&
		    cr.uid == getuid()) {
			c->role = ROLE_BUREAU;
			snprintf(c->id, sizeof(c->id), "local-bureau");
		}
	}
	bufferevent_setcb(c->bev, read_cb, write_cb, event_cb, c);
	bufferevent_setwatermark(c->bev, EV_WRITE,
	                         (size_t)s->cfg.output_limit / 2, 0);
	bufferevent_set_timeouts(c->bev, &idle, NULL);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	s->nconns++;
	s->st.connections++;
	srv_log(s, 3, "accepted %s", peer);
}
