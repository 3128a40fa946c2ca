/* Connections: framing, limits and backpressure. Every line is bounded
 * twice: the bytes buffered while no LF has come, and each complete line.
 * A line over max_line is answered TOOBIG and the connection closed, since
 * its framing is lost. */
#include <errno.h>
#include <event2/buffer.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "srv.h"

static void read_cb(struct bufferevent *bev, void *arg);

void conn_close(struct conn *c)
{
	struct server *s = c->s;

	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->nconns--;
	if (c->deadline)
		event_free(c->deadline);
	bufferevent_free(c->bev);
	sig_pub_free(c->pub);
	rbuf_free(&c->out);
	free(c->lines);
	free(c->recs);
	srv_log(s, 3, "closed %s", c->peer);
	free(c);
}

static void close_when_sent(struct conn *c)
{
	c->closing = 1;
	bufferevent_disable(c->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		conn_close(c);
}

void conn_flush(struct conn *c)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);

	if (c->out.err) {
		/* a reply that could not be built is an internal error */
		rbuf_reset(&c->out);
		reply_err(&c->out, "INTERNAL", "reply too large or malformed");
	}
	if (c->out.len)
		evbuffer_add(out, c->out.data, c->out.len);
	rbuf_reset(&c->out);
	/* a client that does not read its replies stops being read */
	if ((int64_t)evbuffer_get_length(out) > c->s->cfg.output_limit)
		bufferevent_disable(c->bev, EV_READ);
}

static void write_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	if (c->closing) {
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
			conn_close(c);
		return;
	}
	/* drained below the low-water mark: read again */
	bufferevent_enable(bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_input(bev)) > 0)
		read_cb(bev, c);
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	(void)bev;
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

static void read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t max = (size_t)c->s->cfg.max_line;

	while (!c->closing) {
		struct evbuffer_ptr eol;
		size_t eol_len = 0, len;

		if ((int64_t)evbuffer_get_length(bufferevent_get_output(bev)) >
		    c->s->cfg.output_limit) {
			bufferevent_disable(bev, EV_READ);
			return;
		}
		eol = evbuffer_search_eol(in, NULL, &eol_len, EVBUFFER_EOL_LF);
		if (eol.pos < 0) {
			/* no LF yet: bounded, and on a clock */
			size_t have = evbuffer_get_length(in);
			if (have > max + 1) {
				reply_err(&c->out, "TOOBIG", "line too long");
				conn_flush(c);
				close_when_sent(c);
				return;
			}
			if (have > 0 && !evtimer_pending(c->deadline, NULL)) {
				struct timeval tv = {c->s->cfg.line_deadline,
				                     0};
				evtimer_add(c->deadline, &tv);
			} else if (have == 0)
				evtimer_del(c->deadline);
			return;
		}
		len = (size_t)eol.pos;
		/* a CR before the LF is dropped by the parser: allow it */
		if (len > max + 1 ||
		    (len == max + 1 &&
		     evbuffer_copyout(in, c->line, len) == (ev_ssize_t)len &&
		     c->line[len - 1] != '\r')) {
			reply_err(&c->out, "TOOBIG", "line too long");
			conn_flush(c);
			close_when_sent(c);
			return;
		}
		evbuffer_remove(in, c->line, len);
		evbuffer_drain(in, 1);
		if (evbuffer_get_length(in) == 0)
			evtimer_del(c->deadline);
		handlers_line(c, c->line, len);
		if (c->closing) {
			close_when_sent(c);
			return;
		}
	}
}

void conn_accept(struct server *s, int fd, const char *peer, int is_unix)
{
	struct conn *c;
	struct timeval idle = {s->cfg.idle_timeout, 0};

	if ((int64_t)s->nconns >= s->cfg.max_connections || s->stopping) {
		static const char busy[] = "ERR BUSY too many connections\n";
		ssize_t w = send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL);
		(void)w;
		close(fd);
		srv_log(s, 1, "%s refused: BUSY", peer);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		close(fd);
		return;
	}
	c->s = s;
	c->role = ROLE_ANON;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	rbuf_init(&c->out, 64u << 20);
	c->bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->deadline = evtimer_new(s->base, deadline_cb, c);
	if (c->bev == NULL || c->deadline == NULL) {
		if (c->bev == NULL)
			close(fd);
		else
			bufferevent_free(c->bev);
		if (c->deadline)
			event_free(c->deadline);
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
