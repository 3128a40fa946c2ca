/* The side doors' HTTP server (httpd.h). */
#include "httpd.h"

#include <errno.h>
#include <netdb.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "accept.h"
#include "err.h"

/* A connection: reading its request head, then writing its reply, then
 * lingering until the client closes (HTTPD_LINGER seconds at most). */
enum hstate { H_HEAD, H_REPLY, H_LINGER };

/* Bytes a client may send after its head that are read and dropped
 * while its reply is written: closing with unread bytes is a reset,
 * which throws away reply bytes not yet sent (a page lost its last
 * 570 KB behind a 20 KB body); past this, the reset is the client's. */
#define HTTPD_LINGER 2

/* A reply's bytes that must be taken per line_deadline (timer_cb). */
#define HTTPD_REPLY_STEP (64u << 10)

struct hconn {
	struct httpd *h;
	struct bufferevent *bev;
	struct event *timer; /* the head's deadline, the reply's, the linger */
	struct hconn *prev, *next;
	enum hstate state;
	size_t reply_len;  /* the reply's bytes, for the trim */
	size_t reply_mark; /* bytes it may have left at the deadline */
	char peer[SRV_PEER_MAX];
};

struct httpd {
	struct server *s;
	struct evconnlistener *lis;
	int tls;
	char name[32];
	httpd_cb cb;
	void *arg;
	struct hconn *conns; /* newest first */
	size_t n;
	int64_t logged; /* the second a refusal was last logged */
};

static void hconn_free(struct hconn *c)
{
	struct httpd *h = c->h;

	if (c->prev)
		c->prev->next = c->next;
	else
		h->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	h->n--;
	/* a large reply's buffers go back to the system (srv.h) */
	if (c->reply_len >= SRV_TRIM_BYTES)
		srv_trim_later(h->s);
	if (c->timer)
		event_free(c->timer);
	if (c->bev)
		bufferevent_free(c->bev);
	free(c);
}

/* With left bytes of the reply still to go: what must be left by the
 * next deadline (timer_cb). */
static void reply_deadline(struct hconn *c, size_t left)
{
	struct timeval tv = {c->h->s->cfg.line_deadline, 0};

	c->reply_mark = left > HTTPD_REPLY_STEP ? left - HTTPD_REPLY_STEP : 0;
	evtimer_add(c->timer, &tv);
}

/* Queue the reply and set its deadline; what the client sends from now
 * on is dropped. */
static void send_reply(struct hconn *c, struct httpd_reply *r)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	size_t i;

	/* a line break in a header or the reason would let what follows
	 * pass for headers of its own: not sent */
	for (i = 0; i < HTTPD_HEADERS && r->headers[i]; i++)
		if (strpbrk(r->headers[i], "\r\n") != NULL)
			r->code = 0;
	if (r->reason && strpbrk(r->reason, "\r\n") != NULL)
		r->code = 0;
	if (r->code == 0) {
		r->code = 500;
		r->reason = "Internal Server Error";
		r->headers[0] = NULL;
		evbuffer_drain(r->body, evbuffer_get_length(r->body));
	}
	evbuffer_add_printf(out,
	                    "HTTP/1.1 %d %s\r\nContent-Length: %zu\r\n"
	                    "Connection: close\r\n",
	                    r->code, r->reason ? r->reason : "",
	                    evbuffer_get_length(r->body));
	for (i = 0; i < HTTPD_HEADERS && r->headers[i]; i++)
		evbuffer_add_printf(out, "%s\r\n", r->headers[i]);
	evbuffer_add(out, "\r\n", 2);
	evbuffer_add_buffer(out, r->body);
	c->reply_len = evbuffer_get_length(out);
	c->state = H_REPLY;
	evbuffer_drain(bufferevent_get_input(c->bev),
	               evbuffer_get_length(bufferevent_get_input(c->bev)));
	reply_deadline(c, c->reply_len);
}

int httpd_parse(char *buf, size_t n, struct httpd_head *h)
{
	char *target, *version;
	size_t i;

	memset(h, 0, sizeof(*h));
	if (n > HTTPD_HEAD_MAX)
		n = HTTPD_HEAD_MAX;
	for (i = 0; i + 1 < n; i++)
		if (buf[i] == '\n' &&
		    (buf[i + 1] == '\n' ||
		     (buf[i + 1] == '\r' && i + 2 < n && buf[i + 2] == '\n')))
			break;
	/* a NUL byte in a head is no HTTP (after it, a body is not read) */
	if (memchr(buf, '\0', i + 1 < n ? i + 1 : n) != NULL)
		return VD_EINVAL;
	buf[n] = '\0';
	if (i + 1 >= n) {
		if (n < HTTPD_HEAD_MAX)
			return 0;
		h->status = 431;
		h->reason = "Request Header Fields Too Large";
		h->why = "request line and headers over 8 KiB";
		return 1;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	/* METHOD SP target SP version, nothing else */
	target = strchr(buf, ' ');
	version = target ? strchr(target + 1, ' ') : NULL;
	if (target == NULL || version == NULL || target[1] != '/' ||
	    strchr(version + 1, ' ') != NULL) {
		h->status = 400;
		h->reason = "Bad Request";
		h->why = "bad request line";
		return 1;
	}
	*target++ = '\0';
	*version++ = '\0';
	if (strcmp(version, "HTTP/1.1") != 0 &&
	    strcmp(version, "HTTP/1.0") != 0) {
		h->status = 505;
		h->reason = "HTTP Version Not Supported";
		h->why = "HTTP/1.0 or HTTP/1.1 only";
	} else if (strcmp(buf, "GET") != 0) {
		h->status = 405;
		h->reason = "Method Not Allowed";
		h->why = "GET only";
	} else
		h->target = target;
	return 1;
}

/* The head as far as it has come: serve it once it is whole (its blank
 * line), refuse it when it cannot be served. 0, or -1 when c is freed
 * (no HTTP, or out of memory). */
static int head_in(struct hconn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	char head[HTTPD_HEAD_MAX + 1];
	size_t n = evbuffer_get_length(in);
	struct httpd_head h;
	struct httpd_reply r;
	int rc;

	if (n > HTTPD_HEAD_MAX)
		n = HTTPD_HEAD_MAX;
	evbuffer_copyout(in, head, n);
	if ((rc = httpd_parse(head, n, &h)) == 0)
		return 0;
	memset(&r, 0, sizeof(r));
	if (rc < 0 || (r.body = evbuffer_new()) == NULL) {
		hconn_free(c);
		return -1;
	}
	if (h.status != 0) {
		r.code = h.status;
		r.reason = h.reason;
		r.headers[0] = "Content-Type: text/plain; charset=utf-8";
		r.headers[1] = "X-Content-Type-Options: nosniff";
		r.headers[2] = h.status == 405 ? "Allow: GET" : NULL;
		evbuffer_add_printf(r.body, "%s\n", h.why);
	} else
		c->h->cb(h.target, &r, c->h->arg);
	send_reply(c, &r);
	evbuffer_free(r.body);
	return 0;
}

/* Bytes have come: the head's, or ones after it, which are dropped. */
static void read_cb(struct bufferevent *bev, void *arg)
{
	struct hconn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	if (c->state != H_HEAD)
		evbuffer_drain(in, evbuffer_get_length(in));
	else
		head_in(c);
}

/* The reply is out: say so with a FIN and wait a moment for the
 * client's, dropping what it still sends (a lingering close). */
static void write_cb(struct bufferevent *bev, void *arg)
{
	struct hconn *c = arg;
	struct timeval tv = {HTTPD_LINGER, 0};

	if (c->state != H_REPLY ||
	    evbuffer_get_length(bufferevent_get_output(bev)) > 0)
		return;
	c->state = H_LINGER;
	shutdown(bufferevent_getfd(bev), SHUT_WR);
	evtimer_add(c->timer, &tv);
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct hconn *c = arg;

	/* a finished TLS handshake is news, not an end */
	if (what == BEV_EVENT_CONNECTED)
		return;
	/* nor is a half-close after the request (TLS close_notify, or a
	 * FIN): the request is served, its reply goes out. On TLS the EOF
	 * can come before the read callback for the same bytes, and
	 * libevent's TLS layer stops writing too at close_notify */
	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR)) {
		if (c->state == H_HEAD && head_in(c) < 0)
			return;
		if (c->state == H_REPLY) {
			bufferevent_disable(bev, EV_READ);
			if (bufferevent_enable(bev, EV_WRITE) == 0)
				return;
		}
	}
	hconn_free(c);
}

/* The head not whole within line_deadline, the reply not moving, or
 * the linger over. A reply must have its first HTTPD_REPLY_STEP bytes
 * (all if fewer) taken within line_deadline, then the next ones, and so
 * on: 8 addresses sending GET / and never reading held every place for
 * the whole idle_timeout. */
static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hconn *c = arg;
	size_t left;

	(void)fd;
	(void)what;
	if (c->state == H_REPLY &&
	    (left = evbuffer_get_length(bufferevent_get_output(c->bev))) <=
	        c->reply_mark) {
		reply_deadline(c, left);
		return;
	}
	if (c->state != H_LINGER)
		srv_log(c->h->s, 3, "%s %s: %s: closed", c->h->name, c->peer,
		        c->state == H_REPLY ? "reply not read in time"
		                            : "no whole request in time");
	hconn_free(c);
}

/* The connection to close for a newcomer from peer when every place is
 * taken: the oldest of another host's, one lingering first, then one
 * still sending its head, then one whose reply is being written.
 * Refusing the newcomer let 8 addresses keep the page from everyone,
 * reconnecting (heads) or never reading (replies). */
static struct hconn *to_evict(const struct httpd *h, const char *peer)
{
	size_t n = srv_peer_host(peer);
	struct hconn *c, *old[3] = {NULL, NULL, NULL};

	for (c = h->conns; c; c = c->next)
		if (!(srv_peer_host(c->peer) == n &&
		      memcmp(c->peer, peer, n) == 0))
			old[c->state == H_LINGER ? 0
			    : c->state == H_HEAD ? 1
			                         : 2] = c;
	return old[0] ? old[0] : old[1] ? old[1] : old[2];
}

static size_t from_host(const struct httpd *h, const char *peer)
{
	size_t n = srv_peer_host(peer), k = 0;
	const struct hconn *c;

	for (c = h->conns; c; c = c->next)
		if (srv_peer_host(c->peer) == n &&
		    memcmp(c->peer, peer, n) == 0)
			k++;
	return k;
}

static const char busy_503[] =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
    "Connection: close\r\n\r\n";

static void accept_cb(struct evconnlistener *lis, evutil_socket_t fd,
                      struct sockaddr *sa, int salen, void *arg)
{
	struct httpd *h = arg;
	struct timeval tv = {h->s->cfg.line_deadline, 0};
	char peer[SRV_PEER_MAX];
	struct hconn *c;

	(void)lis;
	(void)salen;
	srv_peer_name(sa, peer, sizeof(peer));
	if (from_host(h, peer) < HTTPD_PER_PEER && h->n >= HTTPD_MAX_CONNS &&
	    (c = to_evict(h, peer)) != NULL)
		hconn_free(c);
	if (h->n >= HTTPD_MAX_CONNS || from_host(h, peer) >= HTTPD_PER_PEER) {
		/* said in plain HTTP only where HTTP is plain */
		if (!h->tls) {
			ssize_t w = send(fd, busy_503, sizeof(busy_503) - 1,
			                 MSG_NOSIGNAL | MSG_DONTWAIT);
			(void)w;
		}
		close(fd);
		/* a flood of them is one line a second */
		if (srv_now() != h->logged) {
			h->logged = srv_now();
			srv_log(h->s, 2, "%s %s refused: %s", h->name, peer,
			        h->n >= HTTPD_MAX_CONNS
			            ? "too many connections"
			            : "too many from its address");
		}
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	c->h = h;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	c->next = h->conns;
	if (h->conns)
		h->conns->prev = c;
	h->conns = c;
	h->n++;
	if ((c->bev = srv_bev_new(h->s, fd, h->tls)) == NULL) {
		close(fd);
		hconn_free(c);
		return;
	}
	if ((c->timer = evtimer_new(h->s->base, timer_cb, c)) == NULL) {
		hconn_free(c);
		return;
	}
	bufferevent_setcb(c->bev, read_cb, write_cb, event_cb, c);
	/* no more buffered than a head may be, and a byte to tell */
	bufferevent_setwatermark(c->bev, EV_READ, 0, HTTPD_HEAD_MAX + 1);
	/* one libevent cannot watch is closed (conn.c does the same) */
	if (bufferevent_enable(c->bev, EV_READ | EV_WRITE) < 0 ||
	    evtimer_add(c->timer, &tv) < 0)
		hconn_free(c);
}

int httpd_resolve(const char *spec, struct sockaddr_storage *ss, int *sslen,
                  char *err, size_t len)
{
	struct addrinfo hints, *ai = NULL;
	char host[256], *port;
	size_t n;
	int rc;

	snprintf(host, sizeof(host), "%s", spec);
	port = strrchr(host, ':');
	if (port == NULL || port[1] == '\0') {
		snprintf(err, len, "%s: want host:port", spec);
		return VD_EINVAL;
	}
	*port++ = '\0';
	n = strlen(host);
	if (n > 1 && host[0] == '[' && host[n - 1] == ']') {
		memmove(host, host + 1, n - 2);
		host[n - 2] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai)) != 0) {
		snprintf(err, len, "%s: %s", spec, gai_strerror(rc));
		return VD_EINVAL;
	}
	if (ai->ai_addrlen > sizeof(*ss)) {
		freeaddrinfo(ai);
		snprintf(err, len, "%s: address too long", spec);
		return VD_EINVAL;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*sslen = (int)ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

/* The listener's callbacks share its argument: accept.h's wants the
 * server. */
static void error_cb(struct evconnlistener *lis, void *arg)
{
	struct httpd *h = arg;

	accept_failed(h->s, lis, h->tls ? NULL : busy_503);
}

int httpd_start(struct server *s, const struct sockaddr *sa, int salen, int tls,
                const char *name, httpd_cb cb, void *arg, struct httpd **out,
                char *err, size_t len)
{
	unsigned flags =
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC;
	struct httpd *h = calloc(1, sizeof(*h));

	if (h == NULL) {
		snprintf(err, len, "%s: out of memory", name);
		return VD_ENOMEM;
	}
	h->s = s;
	h->tls = tls;
	h->cb = cb;
	h->arg = arg;
	snprintf(h->name, sizeof(h->name), "%s", name);
	h->lis = evconnlistener_new_bind(s->base, accept_cb, h, flags, 128, sa,
	                                 salen);
	if (h->lis == NULL) {
		snprintf(err, len, "%s: %s", name, strerror(errno));
		free(h);
		return VD_EIO;
	}
	/* out of descriptors: a pause, not a busy loop (accept.h) */
	evconnlistener_set_error_cb(h->lis, error_cb);
	*out = h;
	return 0;
}

void httpd_accepting(struct httpd *h, int on)
{
	if (h == NULL)
		return;
	if (on)
		evconnlistener_enable(h->lis);
	else
		evconnlistener_disable(h->lis);
}

void httpd_free(struct httpd *h)
{
	if (h == NULL)
		return;
	while (h->conns)
		hconn_free(h->conns);
	evconnlistener_free(h->lis);
	free(h);
}
