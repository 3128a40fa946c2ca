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

/* A connection: reading its request head, then writing its reply. */
struct hconn {
	struct httpd *h;
	struct bufferevent *bev;
	struct event *timer; /* the head's deadline, then the reply's */
	struct hconn *prev, *next;
	int replying;
	char peer[SRV_PEER_MAX];
};

struct httpd {
	struct server *s;
	struct evconnlistener *lis;
	int tls;
	char name[32];
	httpd_cb cb;
	void *arg;
	struct hconn *conns;
	size_t n;
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
	if (c->timer)
		event_free(c->timer);
	if (c->bev)
		bufferevent_free(c->bev);
	free(c);
}

/* Queue the reply, stop reading, and give it idle_timeout to go out. */
static void send_reply(struct hconn *c, struct httpd_reply *r)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	struct timeval tv = {c->h->s->cfg.idle_timeout, 0};
	size_t i;

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
	c->replying = 1;
	bufferevent_disable(c->bev, EV_READ);
	evtimer_add(c->timer, &tv);
}

int httpd_parse(char *buf, size_t n, struct httpd_head *h)
{
	char *target, *version;
	size_t i;

	memset(h, 0, sizeof(*h));
	if (n > HTTPD_HEAD_MAX)
		n = HTTPD_HEAD_MAX;
	/* a NUL byte in a head is no HTTP */
	if (memchr(buf, '\0', n) != NULL)
		return VD_EINVAL;
	buf[n] = '\0';
	for (i = 0; i + 1 < n; i++)
		if (buf[i] == '\n' &&
		    (buf[i + 1] == '\n' ||
		     (buf[i + 1] == '\r' && i + 2 < n && buf[i + 2] == '\n')))
			break;
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

/* Bytes of the head have come: serve it once it is whole (its blank
 * line), refuse it when it cannot be served. */
static void read_cb(struct bufferevent *bev, void *arg)
{
	struct hconn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	char head[HTTPD_HEAD_MAX + 1];
	size_t n = evbuffer_get_length(in);
	struct httpd_head h;
	struct httpd_reply r;
	int rc;

	if (c->replying)
		return;
	if (n > HTTPD_HEAD_MAX)
		n = HTTPD_HEAD_MAX;
	evbuffer_copyout(in, head, n);
	if ((rc = httpd_parse(head, n, &h)) == 0)
		return;
	memset(&r, 0, sizeof(r));
	if (rc < 0 || (r.body = evbuffer_new()) == NULL) {
		hconn_free(c);
		return;
	}
	if (h.status != 0) {
		r.code = h.status;
		r.reason = h.reason;
		r.headers[0] = "Content-Type: text/plain; charset=utf-8";
		r.headers[1] = h.status == 405 ? "Allow: GET" : NULL;
		evbuffer_add_printf(r.body, "%s\n", h.why);
	} else
		c->h->cb(h.target, &r, c->h->arg);
	send_reply(c, &r);
	evbuffer_free(r.body);
}

/* The reply is out: done. */
static void write_cb(struct bufferevent *bev, void *arg)
{
	struct hconn *c = arg;

	if (c->replying &&
	    evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		hconn_free(c);
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	/* a finished TLS handshake is news, not an end */
	if (what == BEV_EVENT_CONNECTED)
		return;
	hconn_free(arg);
}

/* The head not whole within line_deadline, or the reply not out within
 * idle_timeout. */
static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hconn *c = arg;

	(void)fd;
	(void)what;
	srv_log(c->h->s, 2, "%s %s: %s: closed", c->h->name, c->peer,
	        c->replying ? "reply not read in time"
	                    : "no whole request in time");
	hconn_free(c);
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

static void accept_cb(struct evconnlistener *lis, evutil_socket_t fd,
                      struct sockaddr *sa, int salen, void *arg)
{
	static const char busy[] =
	    "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
	    "Connection: close\r\n\r\n";
	struct httpd *h = arg;
	struct timeval tv = {h->s->cfg.line_deadline, 0};
	char peer[SRV_PEER_MAX];
	struct hconn *c;

	(void)lis;
	(void)salen;
	srv_peer_name(sa, peer, sizeof(peer));
	if (h->n >= HTTPD_MAX_CONNS || from_host(h, peer) >= HTTPD_PER_PEER) {
		/* said in plain HTTP only where HTTP is plain */
		if (!h->tls) {
			ssize_t w = send(fd, busy, sizeof(busy) - 1,
			                 MSG_NOSIGNAL | MSG_DONTWAIT);
			(void)w;
		}
		close(fd);
		srv_log(h->s, 2, "%s %s refused: %s", h->name, peer,
		        h->n >= HTTPD_MAX_CONNS ? "too many connections"
		                                : "too many from its address");
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
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	evtimer_add(c->timer, &tv);
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
	accept_error_cb(lis, ((struct httpd *)arg)->s);
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
