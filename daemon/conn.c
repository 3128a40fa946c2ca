#include "conn.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/ssl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "batch.h"
#include "commit.h"
#include "dispatch.h"
#include "err.h"

/* What c->out and c->pend keep between replies: enough for a pipelined
 * read's replies; a larger buffer (a JOURNAL of megabytes) is freed once
 * sent rather than held for the connection's life. */
#define CONN_BUF_KEEP (64u << 10)
/* c->pend is bounded by output_limit (reading stops past it) and each
 * reply by c->out's bound, not by its own */
#define CONN_PEND_MAX (SIZE_MAX / 2)

/* A reply in a connection's order: written when every reply before it
 * has been. */
struct slot {
	struct slot *next;
	int ready;
	char *data;
	size_t len;
};

static void conn_update(struct conn *c);

/* What remains of a closed connection once nothing refers to it. */
static void conn_release(struct conn *c)
{
	struct server *s = c->s;
	struct slot *sl, *next;

	/* 100 connections that had filled output_limit left RSS at 93 MB
	 * after they closed, 7 MB once trimmed */
	if (c->out_peak >= SRV_TRIM_BYTES)
		srv_trim_later(s);

	for (sl = c->slots; sl; sl = next) {
		next = sl->next;
		free(sl->data);
		free(sl);
	}
	batch_free(c->batch);
	sig_pub_free(c->pub);
	rbuf_free(&c->pend);
	rbuf_free(&c->out);
	free(c->line);
	free(c);
	srv_maybe_exit(s);
}

void conn_close(struct conn *c)
{
	struct server *s = c->s;

	if (c->state == CONN_DEAD)
		return;
	/* a half-built connection is not on the list yet */
	if (c->prev || s->conns == c) {
		if (c->prev)
			c->prev->next = c->next;
		else
			s->conns = c->next;
		if (c->next)
			c->next->prev = c->prev;
		s->nconns--;
	}
	c->prev = c->next = NULL;
	if (c->deadline)
		event_free(c->deadline);
	if (c->out_deadline)
		event_free(c->out_deadline);
	if (c->push)
		event_free(c->push);
	if (c->bev)
		bufferevent_free(c->bev);
	c->deadline = c->out_deadline = c->push = NULL;
	c->bev = NULL;
	c->state = CONN_DEAD;
	srv_log(s, 3, "closed %s", c->peer);
	/* its queued writes still commit; the struct waits for them */
	if (c->npending == 0)
		conn_release(c);
}

/* Reply bytes queued, written or not: what backpressure counts. */
static size_t queued(const struct conn *c)
{
	return evbuffer_get_length(bufferevent_get_output(c->bev)) +
	       c->pend.len;
}

static int drained(const struct conn *c)
{
	return c->slots == NULL && queued(c) == 0;
}

static void push_slot(struct conn *c, struct slot *sl)
{
	if (c->slots_tail)
		c->slots_tail->next = sl;
	else
		c->slots = sl;
	c->slots_tail = sl;
}

/* A reply that cannot be kept (out of memory). Dropped alone, the next
 * reply would be taken for it (a pipelining client pairs them by
 * order; tests/fault saw a write committed and never answered, its
 * connection left open): nothing more is read or sent. */
static void lose(struct conn *c)
{
	if (c->state == CONN_DEAD || c->state == CONN_LOST)
		return;
	c->state = CONN_LOST;
	srv_log(c->s, 1, "%s: out of memory for a reply: closing", c->peer);
}

/* Replies on a plain socket gather in c->pend and go out with one
 * send when the connection waits for nothing more (no request bytes
 * left, or the end of a read or of a commit's replies). c->pend is plain
 * memory kept from one read to the next: an evbuffer allocated a chain
 * or three for each read's replies and freed them once written. Through
 * the bufferevent every write costs registering for EV_WRITE, an epoll round
 * and unregistering: under pipelined BALANCE (16 requests a read) strace
 * counted two epoll_ctl per read beside one readv and one writev, and
 * perf put the event loop's system calls at two fifths of its time;
 * under unpipelined BALANCE the same costs had taken a sixth (27,900 ->
 * 44,000 requests/s when lone replies first went straight out). What the
 * socket does not take goes to the bufferevent, which writes it when the
 * socket drains; while it holds bytes every reply follows them there, so
 * order is kept. TLS replies always go through the bufferevent. */
static void push(struct conn *c)
{
	struct evbuffer *out;
	size_t sent = 0;

	if (c->tls || c->pend.len == 0)
		return;
	out = bufferevent_get_output(c->bev);
	/* an error (EAGAIN, a reset) leaves the bytes for the bufferevent,
	 * which retries or reports it */
	if (evbuffer_get_length(out) == 0) {
		ssize_t w = send(bufferevent_getfd(c->bev), c->pend.data,
		                 c->pend.len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0)
			sent = (size_t)w;
	}
	if (sent < c->pend.len &&
	    evbuffer_add(out, c->pend.data + sent, c->pend.len - sent) < 0)
		lose(c);
	rbuf_reuse(&c->pend, CONN_BUF_KEEP);
}

/* Bytes are waiting to be written: unless the output deadline is set,
 * set it for the first output_limit of them (out_deadline_cb). Not all
 * of them: one reply may be far larger (JOURNAL, LINES: tens of MB),
 * and a reader taking 300 KB/s was cut off in the middle of a 3 MB one
 * with idle_timeout = 2. */
static void out_deadline_set(struct conn *c)
{
	struct timeval tv = {c->s->cfg.idle_timeout, 0};
	size_t q = queued(c), limit = (size_t)c->s->cfg.output_limit;

	if (q > c->out_peak)
		c->out_peak = q;
	if (q == 0 || evtimer_pending(c->out_deadline, NULL))
		return;
	c->out_mark = c->out_added - q + (q < limit ? q : limit);
	evtimer_add(c->out_deadline, &tv);
}

/* Nothing more is read; the replies owed are sent, then c closes (a
 * LOST connection stays LOST: it sends none). */
static void stop_reading(struct conn *c)
{
	if (c->state != CONN_DEAD && c->state != CONN_LOST)
		c->state = CONN_CLOSING;
}

static void send_reply(struct conn *c, const void *p, size_t n, int lone)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	const char *b = p;

	c->out_added += n;
	if (c->tls || evbuffer_get_length(out) > 0) {
		if (evbuffer_add(out, p, n) < 0)
			lose(c);
		out_deadline_set(c);
		return;
	}
	if (lone && c->pend.len == 0) {
		/* a reply alone: one send, no buffer in between */
		ssize_t w = send(bufferevent_getfd(c->bev), b, n,
		                 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			b += w;
			n -= (size_t)w;
		}
		/* what the socket did not take (a large JOURNAL or LINES
		 * page) goes to the bufferevent once, not through c->pend
		 * and a second send to a full socket */
		if (n > 0 && evbuffer_add(out, b, n) < 0)
			lose(c);
		out_deadline_set(c);
		return;
	}
	/* a failure leaves the replies before this one in c->pend */
	if (n > 0 && reply_raw(&c->pend, b, n) < 0)
		lose(c);
	if (lone)
		push(c);
	out_deadline_set(c);
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
		if (sl->len && c->state != CONN_LOST)
			send_reply(c, sl->data, sl->len, lone);
		c->slots = sl->next;
		if (c->slots == NULL)
			c->slots_tail = NULL;
		free(sl->data);
		free(sl);
	}
}

/* Send what c->out holds (after any reply still waiting) and reset it. */
static void flush(struct conn *c)
{
	if (c->out.err) {
		/* a reply that could not be built is an internal error */
		rbuf_reset(&c->out);
		srv_err(c, VD_EINTERNAL, "reply too large or malformed");
	}
	if (c->out.len && c->slots) {
		/* behind replies still waiting for a commit */
		struct slot *sl = calloc(1, sizeof(*sl));
		if (sl && (sl->data = malloc(c->out.len)) != NULL) {
			memcpy(sl->data, c->out.data, c->out.len);
			sl->len = c->out.len;
			sl->ready = 1;
			push_slot(c, sl);
		} else {
			free(sl);
			lose(c);
		}
	} else if (c->out.len)
		/* lone: no more request bytes are waiting to be read */
		send_reply(c, c->out.data, c->out.len,
		           evbuffer_get_length(bufferevent_get_input(c->bev)) ==
		               0);
	rbuf_reuse(&c->out, CONN_BUF_KEEP);
}

/* A queued write was committed or refused (on the loop thread). */
static void job_done(struct job *j)
{
	struct conn *c = j->c;
	struct slot *sl = j->slot;

	c->npending--;
	if (c->state == CONN_DEAD) {
		if (c->npending == 0)
			conn_release(c);
		return;
	}
	/* after a failed commit nothing more is acknowledged */
	if (!atomic_load(&c->s->failed)) {
		rbuf_reset(&c->out);
		dispatch_finish(c, j);
		if (c->out.err) {
			rbuf_reset(&c->out);
			srv_err(c, VD_EINTERNAL, "reply too large");
		}
		sl->data = malloc(c->out.len ? c->out.len : 1);
		if (sl->data) {
			memcpy(sl->data, c->out.data, c->out.len);
			sl->len = c->out.len;
		} else
			lose(c);
		rbuf_reset(&c->out);
	}
	sl->ready = 1;
	drain_slots(c);
	/* one commit completes many of a connection's writes, one call here
	 * each: their replies go out together once this round of callbacks
	 * ends (an active event runs once however often it is activated);
	 * a connection that may read again or close acts now */
	if (c->push)
		event_active(c->push, 0, 0);
	if (c->state == CONN_WAITING || c->state == CONN_CLOSING ||
	    c->state == CONN_LOST)
		conn_update(c);
}

/* Queue a write for the commit thread, with its place in c's replies. */
static void submit(struct conn *c, struct job *j)
{
	struct slot *sl = calloc(1, sizeof(*sl));

	if (sl == NULL) {
		commit_job_free(j);
		srv_err(c, VD_ENOMEM, "out of memory");
		flush(c);
		return;
	}
	push_slot(c, sl);
	c->npending++;
	j->slot = sl;
	j->done = job_done;
	commit_submit(c->s, j);
}

/* Answer one line: a read's reply is sent, a write queued. */
static void serve_line(struct conn *c, size_t len)
{
	struct job *j = NULL;

	switch (dispatch_line(c, c->line, len, &j)) {
	case DISPATCH_DONE:
		flush(c);
		break;
	case DISPATCH_SUBMIT:
		submit(c, j);
		break;
	case DISPATCH_DEFER: {
		struct evbuffer *in = bufferevent_get_input(c->bev);
		evbuffer_prepend(in, "\n", 1);
		evbuffer_prepend(in, c->line, len);
		c->state = CONN_WAITING;
		break;
	}
	case DISPATCH_CLOSE:
		flush(c);
		stop_reading(c);
		break;
	}
}

/* Room for a line of len bytes (and a NUL) in c->line: doubled from
 * 256 bytes as lines need it, never past max_line + 2. 0 or VD_ENOMEM. */
static int line_room(struct conn *c, size_t len)
{
	size_t cap = c->line_cap ? c->line_cap : 256;
	char *p;

	if (len < c->line_cap)
		return 0;
	while (cap <= len)
		cap *= 2;
	if (cap > (size_t)c->s->cfg.max_line + 2)
		cap = (size_t)c->s->cfg.max_line + 2;
	if ((p = realloc(c->line, cap)) == NULL)
		return VD_ENOMEM;
	c->line = p;
	c->line_cap = cap;
	return 0;
}

/* Serve the whole lines buffered while c is READING and under its output
 * limit. Returns 1 when it stopped for want of a whole line (the next
 * bytes will bring c back), 0 when c's state or output stopped it. A
 * line over max_line closes c. */
static int read_lines(struct conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	size_t max = (size_t)c->s->cfg.max_line;

	while (c->state == CONN_READING &&
	       (int64_t)queued(c) <= c->s->cfg.output_limit) {
		struct evbuffer_ptr eol;
		size_t eol_len = 0, len;

		eol = evbuffer_search_eol(in, NULL, &eol_len, EVBUFFER_EOL_LF);
		if (eol.pos < 0) {
			/* no LF yet: bounded, and on a clock */
			size_t have = evbuffer_get_length(in);
			if (have > max + 1)
				goto toobig;
			if (have > 0 && !evtimer_pending(c->deadline, NULL)) {
				struct timeval tv = {c->s->cfg.line_deadline,
				                     0};
				evtimer_add(c->deadline, &tv);
			} else if (have == 0 && !c->handshaking)
				evtimer_del(c->deadline);
			return 1;
		}
		len = (size_t)eol.pos;
		if (len <= max + 1 && line_room(c, len) < 0) {
			srv_err(c, VD_ENOMEM, "out of memory");
			flush(c);
			stop_reading(c);
			return 0;
		}
		/* a CR before the LF is dropped by the parser: allow it */
		if (len > max + 1 ||
		    (len == max + 1 &&
		     evbuffer_copyout(in, c->line, len) == (ev_ssize_t)len &&
		     c->line[len - 1] != '\r'))
			goto toobig;
		evbuffer_remove(in, c->line, len);
		evbuffer_drain(in, 1);
		/* line_deadline bounds each line, not a run of them: the
		 * next one's clock starts when its first bytes wait alone */
		evtimer_del(c->deadline);
		serve_line(c, len);
	}
	return 0;
toobig:
	srv_err(c, VD_ELIMIT, "line too long");
	flush(c);
	stop_reading(c);
	return 0;
}

/* The one place that decides, from c's state, whether c is read; it
 * moves c between READING, WAITING and OUTPUT as their conditions come
 * and go, serves the lines already buffered when c may read, and closes
 * a CLOSING connection once everything is answered and sent. Every
 * callback ends here. */
static void conn_update(struct conn *c)
{
	int64_t limit = c->s->cfg.output_limit;

	for (;;) {
		if (c->state == CONN_DEAD)
			return;
		push(c);
		switch (c->state) {
		case CONN_DEAD:
			return;
		case CONN_CLOSING:
		case CONN_LOST:
			/* nothing more is read, so no line is late */
			evtimer_del(c->deadline);
			bufferevent_disable(c->bev, EV_READ);
			if (c->npending == 0 && drained(c))
				conn_close(c);
			return;
		case CONN_WAITING:
			if (c->npending > 0)
				break;
			c->state = CONN_READING;
			continue;
		case CONN_OUTPUT:
			if ((int64_t)queued(c) > limit / 2)
				break;
			c->state = CONN_READING;
			continue;
		case CONN_READING:
			if ((int64_t)queued(c) > limit) {
				c->state = CONN_OUTPUT;
				break;
			}
			if (!c->eof &&
			    !(bufferevent_get_enabled(c->bev) & EV_READ) &&
			    bufferevent_enable(c->bev, EV_READ) < 0) {
				/* never read again: its client would wait */
				conn_close(c);
				return;
			}
			if (read_lines(c)) {
				if (c->eof) {
					/* every whole line the peer sent
					 * before it shut its side is served:
					 * answer them, then close */
					c->state = CONN_CLOSING;
					continue;
				}
				/* the replies of this read in one write; the
				 * next bytes bring c back */
				push(c);
				return;
			}
			/* its state or its output stopped it: decide again
			 * (lines may still be buffered, and no read event
			 * will come for them) */
			continue;
		}
		/* WAITING or OUTPUT: not read until its condition goes */
		if (bufferevent_get_enabled(c->bev) & EV_READ)
			bufferevent_disable(c->bev, EV_READ);
		return;
	}
}

void conn_stop(struct conn *c)
{
	if (c->state == CONN_DEAD)
		return;
	stop_reading(c);
	conn_update(c);
}

static void read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	conn_update(arg);
}

/* The bufferevent wrote what the socket had refused, down to the
 * low-water mark (output_limit / 2). */
static void write_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	conn_update(arg);
}

/* The end of a round of callbacks that completed c's writes. */
static void push_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	conn_update(arg);
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	/* a finished TLS handshake is news, not an end: its deadline is
	 * over */
	if (what == BEV_EVENT_CONNECTED) {
		if (c->handshaking) {
			c->handshaking = 0;
			evtimer_del(c->deadline);
		}
		return;
	}
	/* a half-close (shutdown(SHUT_WR) after the last request) is an
	 * end of requests, not of the connection: what was sent is
	 * answered first */
	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR)) {
		c->eof = 1;
		/* libevent's TLS bufferevent stops writing too when it reads
		 * the peer's close_notify, and would not start again for
		 * replies added behind those it holds */
		if (bufferevent_enable(c->bev, EV_WRITE) < 0)
			conn_close(c);
		else
			conn_update(c);
		return;
	}
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
	srv_log(c->s, 2, "%s: no %s within %lld s: closed", c->peer,
	        c->handshaking ? "TLS handshake" : "whole line",
	        (long long)c->s->cfg.line_deadline);
	conn_close(c);
}

/* idle_timeout after the output deadline was set: were the bytes it was
 * set for written? Then it is set again for what waits now, if anything
 * does; else the peer reads too slowly to be served (it must take
 * output_limit, or all there was if less, in idle_timeout: 3.5 KB/s with
 * the defaults), and a connection whose replies pile up unread is closed
 * as an idle one is. */
static void out_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	if (c->out_added - queued(c) >= c->out_mark) {
		out_deadline_set(c);
		return;
	}
	srv_log(c->s, 2, "%s: replies not read within %lld s: closed", c->peer,
	        (long long)c->s->cfg.idle_timeout);
	conn_close(c);
}

/* TCP connections open from peer's host: one address may not take every
 * slot (slowloris from one host left others BUSY). A scan of the open
 * connections: at most max_connections, once per accept. */
static int64_t from_host(const struct server *s, const char *peer)
{
	size_t n = srv_peer_host(peer);
	const struct conn *c;
	int64_t k = 0;

	for (c = s->conns; c; c = c->next)
		if (!c->is_unix && srv_peer_host(c->peer) == n &&
		    memcmp(c->peer, peer, n) == 0)
			k++;
	return k;
}

static void refuse(struct server *s, int fd, const char *peer, const char *msg)
{
	ssize_t w = send(fd, msg, strlen(msg), MSG_NOSIGNAL);

	(void)w;
	close(fd);
	srv_count_error(s, "BUSY");
	srv_log(s, 1, "%s refused: BUSY", peer);
}

void conn_accept(struct server *s, int fd, const char *peer, int is_unix,
                 int tls)
{
	struct conn *c;
	struct timeval idle = {s->cfg.idle_timeout, 0};

	if ((int64_t)s->nconns >= s->cfg.max_connections || s->stopping) {
		refuse(s, fd, peer, "ERR BUSY too many connections\n");
		return;
	}
	if (!is_unix && from_host(s, peer) >= s->cfg.max_per_peer) {
		refuse(s, fd, peer,
		       "ERR BUSY too many connections from your address\n");
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	c->s = s;
	c->state = CONN_READING;
	c->role = ROLE_NONE;
	c->is_unix = is_unix;
	c->worker = s->next_worker++;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	rbuf_init(&c->out, 64u << 20);
	rbuf_init(&c->pend, CONN_PEND_MAX);
	c->tls = tls;
	if ((c->bev = srv_bev_new(s, fd, tls)) == NULL) {
		close(fd);
		conn_close(c);
		return;
	}
	c->deadline = evtimer_new(s->base, deadline_cb, c);
	c->out_deadline = evtimer_new(s->base, out_deadline_cb, c);
	if (!tls)
		c->push = event_new(s->base, -1, 0, push_cb, c);
	if (c->deadline == NULL || c->out_deadline == NULL ||
	    (!tls && !c->push)) {
		conn_close(c);
		return;
	}
	/* a local administrator on the Unix socket, when configured */
	if (is_unix && s->cfg.unix_bureau) {
		struct ucred cr;
		socklen_t l = sizeof(cr);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &l) == 0 &&
		    cr.uid == getuid()) {
			c->role = ROLE_BUREAU;
			c->local_admin = 1;
			snprintf(c->id, sizeof(c->id), "local-bureau");
		}
	}
	bufferevent_setcb(c->bev, read_cb, write_cb, event_cb, c);
	bufferevent_setwatermark(c->bev, EV_WRITE,
	                         (size_t)s->cfg.output_limit / 2, 0);
	/* idle: no request for idle_timeout, or replies the peer has not
	 * read for as long (reading is off while they wait) */
	bufferevent_set_timeouts(c->bev, &idle, &idle);
	/* a TLS handshake gets line_deadline as a line does: a ClientHello
	 * trickled a byte at a time kept a connection for hours (each byte
	 * restarts the idle timeout, and no line has begun) */
	if (tls) {
		struct timeval hs = {s->cfg.line_deadline, 0};
		c->handshaking = 1;
		evtimer_add(c->deadline, &hs);
	}
	/* libevent allocates to watch a socket: without it the connection
	 * would never be read, and its client would wait for ever */
	if (bufferevent_enable(c->bev, EV_READ | EV_WRITE) < 0) {
		conn_close(c);
		return;
	}
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	s->nconns++;
	s->st.connections++;
	srv_log(s, 3, "accepted %s", peer);
}
