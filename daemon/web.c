/* The bureau's HTTP listener (web.h). */
#include "web.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <netdb.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "accept.h"
#include "err.h"
#include "page.h"
#include "page_data.h"
#include "page_html.h"
#include "period.h"

#define WEB_HEADERS_MAX 8192 /* bytes of request line and headers */
#define WEB_CACHE_N 4        /* periods whose figures are kept */
#define WEB_CACHE_SECONDS 10 /* how long they are reused */

static int id_char(char c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (!first && (c == '.' || c == '_' || c == '-'));
}

/* "/pool/<id>/<file>": the id into r->pool and which file; -1 if the
 * path is not of that shape. */
static int pool_path(const char *p, size_t n, struct web_route *r)
{
	static const char pre[] = "/pool/";
	const char *id = p + sizeof(pre) - 1, *slash, *end = p + n;
	size_t l;

	if (n <= sizeof(pre) - 1 || memcmp(p, pre, sizeof(pre) - 1) != 0 ||
	    (slash = memchr(id, '/', (size_t)(end - id))) == NULL)
		return -1;
	l = (size_t)(slash - id);
	if (l == 0 || l > POLICY_ID_MAX)
		return -1;
	for (size_t i = 0; i < l; i++)
		if (!id_char(id[i], i == 0))
			return -1;
	memcpy(r->pool, id, l);
	r->pool[l] = '\0';
	if ((size_t)(end - slash) == 9 && memcmp(slash, "/days.csv", 9) == 0)
		r->what = WEB_DAYS_CSV;
	else if ((size_t)(end - slash) == 13 &&
	         memcmp(slash, "/programs.csv", 13) == 0)
		r->what = WEB_PROGRAMS_CSV;
	else
		return -1;
	return 0;
}

static int query(const char *q, struct web_route *r, const char **why)
{
	int seen = 0;

	while (*q) {
		const char *amp = strchr(q, '&');
		size_t n = amp ? (size_t)(amp - q) : strlen(q), i;
		int32_t v = 0;
		if (n < 8 || memcmp(q, "period=", 7) != 0) {
			*why = n == 0
			           ? "empty query parameter"
			           : "unknown query parameter (only period=)";
			return VD_EINVAL;
		}
		if (seen++) {
			*why = "period given twice";
			return VD_EINVAL;
		}
		for (i = 7; i < n; i++) {
			if (q[i] < '0' || q[i] > '9' || i > 10) {
				*why = "period is a year, 1970 to 9999";
				return VD_EINVAL;
			}
			v = v * 10 + (q[i] - '0');
		}
		if (v < PERIOD_MIN || v > PERIOD_MAX) {
			*why = "period is a year, 1970 to 9999";
			return VD_EINVAL;
		}
		r->period = v;
		if (amp == NULL)
			break;
		q = amp + 1;
		if (*q == '\0') {
			*why = "empty query parameter";
			return VD_EINVAL;
		}
	}
	return 0;
}

int web_route(const char *uri, struct web_route *r, const char **why)
{
	const char *q;
	size_t n;

	memset(r, 0, sizeof(*r));
	*why = NULL;
	if (uri == NULL || strnlen(uri, WEB_URI_MAX + 1) > WEB_URI_MAX) {
		*why = "request target too long";
		return VD_EINVAL;
	}
	q = strchr(uri, '?');
	n = q ? (size_t)(q - uri) : strlen(uri);
	if (n == 1 && uri[0] == '/')
		r->what = WEB_PAGE;
	else if (n == 11 && memcmp(uri, "/pools.json", 11) == 0)
		r->what = WEB_POOLS_JSON;
	else if (n == 10 && memcmp(uri, "/pools.csv", 10) == 0)
		r->what = WEB_POOLS_CSV;
	else if (pool_path(uri, n, r) < 0)
		return VD_ENOENT;
	return q ? query(q + 1, r, why) : 0;
}

static void send_text(struct evhttp_request *req, int code, const char *reason,
                      const char *msg)
{
	struct evbuffer *b = evbuffer_new();
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	if (b == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	evbuffer_add_printf(b, "%s\n", msg);
	evhttp_add_header(h, "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_send_reply(req, code, reason, b);
	evbuffer_free(b);
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* The figures of period, gathered at most once every WEB_CACHE_SECONDS:
 * a gather reads the ledger on the loop thread (the settlement previews
 * walk the accrual rows), and a client polling, or many at once, must
 * not hold the line protocol up (a hostile review measured 1.1 s PINGs
 * behind 8 clients on a store of 20,000 orgs). The page says when its
 * figures were read; they are at most that old. *out belongs to the
 * cache. */
static int cached_gather(struct server *s, int32_t period, int64_t now,
                         const struct page **out)
{
	struct web_cached *c = NULL, *old = &s->web_cache[0];
	struct page *pg;
	size_t i;
	int rc;

	for (i = 0; i < WEB_CACHE_N; i++) {
		struct web_cached *w = &s->web_cache[i];
		if (w->pg != NULL && w->period == period &&
		    now - w->at < WEB_CACHE_SECONDS && now >= w->at)
			c = w;
		if (w->pg == NULL || w->at < old->at)
			old = w;
	}
	if (c != NULL) {
		*out = c->pg;
		return 0;
	}
	if ((rc = page_gather(s->l, s->pol, period, now, &pg)) < 0)
		return rc;
	page_free(old->pg);
	old->pg = pg;
	old->period = period;
	old->at = now;
	*out = pg;
	return 0;
}

/* Every route: parse, gather, render, answer. */
static void web_cb(struct evhttp_request *req, void *arg)
{
	struct server *s = arg;
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	const struct page_pool *pp = NULL;
	struct evbuffer *b = NULL;
	const struct page *pg = NULL;
	struct web_route r;
	struct timespec t0;
	const char *why, *type;
	char timing[64];
	int64_t now = srv_now();
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* with a certificate, nothing is answered except over TLS (the
	 * bufferevent callback cannot refuse a connection by itself) */
	if (s->tls != NULL &&
	    bufferevent_openssl_get_ssl(evhttp_connection_get_bufferevent(
	        evhttp_request_get_connection(req))) == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	if ((rc = web_route(evhttp_request_get_uri(req), &r, &why)) < 0) {
		if (rc == VD_ENOENT)
			send_text(req, 404, "Not Found",
			          "not found: try / (the pools' page)");
		else
			send_text(req, 400, "Bad Request", why);
		return;
	}
	if (r.period == 0)
		r.period = (int32_t)period_of(now);
	if ((rc = cached_gather(s, r.period, now, &pg)) < 0) {
		srv_log(s, 0, "page %d: %s", (int)r.period, err_str(rc));
		send_text(req, 500, "Internal Server Error",
		          "the ledger cannot be read");
		return;
	}
	if ((r.what == WEB_DAYS_CSV || r.what == WEB_PROGRAMS_CSV) &&
	    (pp = page_pool(pg, r.pool)) == NULL) {
		send_text(req, 404, "Not Found", "no such pool in this period");
		return;
	}
	if ((b = evbuffer_new()) == NULL) {
		rc = VD_ENOMEM;
	} else {
		switch (r.what) {
		case WEB_PAGE:
			type = "text/html; charset=utf-8";
			rc = page_html(pg, b);
			break;
		case WEB_POOLS_JSON:
			type = "application/json; charset=utf-8";
			rc = page_json(pg, b);
			break;
		case WEB_POOLS_CSV:
			type = "text/csv; charset=utf-8";
			rc = page_pools_csv(pg, b);
			break;
		case WEB_DAYS_CSV:
			type = "text/csv; charset=utf-8";
			rc = page_days_csv(pg, pp, b);
			break;
		default:
			type = "text/csv; charset=utf-8";
			rc = page_programs_csv(pg, pp, b);
			break;
		}
	}
	if (rc < 0) {
		if (b)
			evbuffer_free(b);
		srv_log(s, 0, "page %d: %s", (int)r.period, err_str(rc));
		send_text(req, 500, "Internal Server Error", err_str(rc));
		return;
	}
	/* what the server spent, for a browser's developer tools and the
	 * bench (bench/page.sh): Server-Timing is the standard header */
	snprintf(timing, sizeof(timing), "page;dur=%.3f", ms_since(&t0));
	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "Server-Timing", timing);
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	/* the page fetches nothing and runs nothing: say so to the browser
	 * too, so that an injected tag could not either */
	evhttp_add_header(h, "Content-Security-Policy",
	                  "default-src 'none'; style-src 'unsafe-inline'; "
	                  "img-src data:; base-uri 'none'; form-action "
	                  "'none'; frame-ancestors 'none'");
	/* the size before the reply drains b (it logged 0) */
	{
		size_t n = evbuffer_get_length(b);
		evhttp_send_reply(req, 200, "OK", b);
		srv_log(s, 3, "http %s: %zu bytes in %s ms",
		        evhttp_request_get_uri(req), n, timing + 9);
	}
	evbuffer_free(b);
}

static struct bufferevent *tls_bev(struct event_base *base, void *arg)
{
	struct server *s = arg;
	SSL *ssl = SSL_new(s->tls);

	/* NULL makes evhttp take a plain bufferevent: web_cb then answers
	 * nothing on it */
	if (ssl == NULL)
		return NULL;
	return bufferevent_openssl_socket_new(
	    base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
}

int web_start(struct server *s, char *err, size_t len)
{
	unsigned flags =
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC;
	struct addrinfo hints, *ai = NULL;
	struct evconnlistener *lis;
	const char *spec = s->cfg.http;
	char host[256], *port;
	int rc;

	if (spec[0] == '\0')
		return 0;
	snprintf(host, sizeof(host), "%s", spec);
	port = strrchr(host, ':');
	if (port == NULL || port[1] == '\0') {
		snprintf(err, len, "http %s: want host:port", spec);
		return VD_EINVAL;
	}
	*port++ = '\0';
	if (host[0] == '[' && strlen(host) > 1 &&
	    host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai)) != 0) {
		snprintf(err, len, "http %s: %s", spec, gai_strerror(rc));
		return VD_EINVAL;
	}
	/* the same rule as the line protocol's listeners (server.c) */
	if (s->tls == NULL && (s->cfg.plaintext == PLAIN_NO ||
	                       (s->cfg.plaintext == PLAIN_LOOPBACK &&
	                        !srv_is_loopback(ai->ai_addr)))) {
		snprintf(
		    err, len,
		    "http %s: plain HTTP %s; set tls_cert and tls_key%s", spec,
		    s->cfg.plaintext == PLAIN_NO
		        ? "is off (plaintext = no)"
		        : "is allowed only on loopback",
		    s->cfg.plaintext == PLAIN_NO ? "" : ", or plaintext = yes");
		freeaddrinfo(ai);
		return VD_EINVAL;
	}
	s->web = evhttp_new(s->base);
	lis = s->web ? evconnlistener_new_bind(s->base, NULL, NULL, flags, 128,
	                                       ai->ai_addr, (int)ai->ai_addrlen)
	             : NULL;
	freeaddrinfo(ai);
	if (lis == NULL || evhttp_bind_listener(s->web, lis) == NULL) {
		snprintf(err, len, "http %s: %s", spec,
		         s->web ? strerror(errno) : "out of memory");
		if (lis && s->web)
			evconnlistener_free(lis);
		return VD_EIO;
	}
	/* out of descriptors: BUSY and a pause, not a busy loop (accept.h) */
	evconnlistener_set_error_cb(lis, accept_error_cb);
	s->web_lis = lis;
	evhttp_set_allowed_methods(s->web, EVHTTP_REQ_GET);
	evhttp_set_max_headers_size(s->web, WEB_HEADERS_MAX);
	evhttp_set_max_body_size(s->web, 0);
	/* a request must be whole, and a kept-alive connection used,
	 * within the line protocol's deadline for a line */
	evhttp_set_timeout(s->web, (int)s->cfg.line_deadline);
	evhttp_set_gencb(s->web, web_cb, s);
	if (s->tls)
		evhttp_set_bevcb(s->web, tls_bev, s);
	srv_log(s, 2, "bureau page on http%s://%s/", s->tls ? "s" : "", spec);
	return 0;
}

void web_stop(struct server *s)
{
	size_t i;

	if (s->web)
		evhttp_free(s->web);
	s->web = NULL;
	s->web_lis = NULL;
	for (i = 0; i < WEB_CACHE_N; i++) {
		page_free(s->web_cache[i].pg);
		s->web_cache[i].pg = NULL;
	}
}
