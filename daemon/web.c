/* The bureau's HTTP listener (web.h). */
#include "web.h"

#include <event2/buffer.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "err.h"
#include "httpd.h"
#include "page.h"
#include "page_data.h"
#include "page_html.h"
#include "period.h"

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

/* A plain-text answer: a refusal, its reason the body. */
static void send_text(struct httpd_reply *out, int code, const char *reason,
                      const char *msg)
{
	out->code = code;
	out->reason = reason;
	out->headers[0] = "Content-Type: text/plain; charset=utf-8";
	out->headers[1] = "X-Content-Type-Options: nosniff";
	out->headers[2] = NULL;
	evbuffer_add_printf(out->body, "%s\n", msg);
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
static void web_cb(const char *target, struct httpd_reply *out, void *arg)
{
	struct server *s = arg;
	const struct page_pool *pp = NULL;
	struct evbuffer *b = out->body;
	const struct page *pg = NULL;
	struct web_route r;
	struct timespec t0;
	const char *why, *type;
	char dur[32];
	int64_t now = srv_now();
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = web_route(target, &r, &why)) < 0) {
		if (rc == VD_ENOENT)
			send_text(out, 404, "Not Found",
			          "not found: try / (the pools' page)");
		else
			send_text(out, 400, "Bad Request", why);
		return;
	}
	if (r.period == 0)
		r.period = (int32_t)period_of(now);
	if ((rc = cached_gather(s, r.period, now, &pg)) < 0) {
		srv_log(s, 0, "page %d: %s", (int)r.period, err_str(rc));
		send_text(out, 500, "Internal Server Error",
		          "the ledger cannot be read");
		return;
	}
	if ((r.what == WEB_DAYS_CSV || r.what == WEB_PROGRAMS_CSV) &&
	    (pp = page_pool(pg, r.pool)) == NULL) {
		send_text(out, 404, "Not Found", "no such pool in this period");
		return;
	}
	switch (r.what) {
	case WEB_PAGE:
		type = "Content-Type: text/html; charset=utf-8";
		rc = page_html(pg, b);
		break;
	case WEB_POOLS_JSON:
		type = "Content-Type: application/json; charset=utf-8";
		rc = page_json(pg, b);
		break;
	case WEB_POOLS_CSV:
		type = "Content-Type: text/csv; charset=utf-8";
		rc = page_pools_csv(pg, b);
		break;
	case WEB_DAYS_CSV:
		type = "Content-Type: text/csv; charset=utf-8";
		rc = page_days_csv(pg, pp, b);
		break;
	default:
		type = "Content-Type: text/csv; charset=utf-8";
		rc = page_programs_csv(pg, pp, b);
		break;
	}
	if (rc < 0) {
		evbuffer_drain(b, evbuffer_get_length(b));
		srv_log(s, 0, "page %d: %s", (int)r.period, err_str(rc));
		send_text(out, 500, "Internal Server Error", err_str(rc));
		return;
	}
	/* what the server spent, for a browser's developer tools and the
	 * bench (bench/page.sh): Server-Timing is the standard header */
	snprintf(dur, sizeof(dur), "%.3f", ms_since(&t0));
	snprintf(out->text, sizeof(out->text), "Server-Timing: page;dur=%s",
	         dur);
	out->code = 200;
	out->reason = "OK";
	out->headers[0] = type;
	out->headers[1] = out->text;
	out->headers[2] = "Cache-Control: no-store";
	out->headers[3] = "X-Content-Type-Options: nosniff";
	/* the page fetches nothing and runs nothing: say so to the browser
	 * too, so that an injected tag could not either */
	out->headers[4] =
	    "Content-Security-Policy: default-src 'none'; "
	    "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
	    "form-action 'none'; frame-ancestors 'none'";
	out->headers[5] = NULL;
	/* the target is logged only once routed: its bytes are then the
	 * routes' own */
	srv_log(s, 3, "http %s: %zu bytes in %s ms", target,
	        evbuffer_get_length(b), dur);
}

int web_start(struct server *s, char *err, size_t len)
{
	struct sockaddr_storage ss;
	int sslen, rc;

	if (s->cfg.http[0] == '\0')
		return 0;
	if ((rc = httpd_resolve(s->cfg.http, &ss, &sslen, err, len)) < 0)
		return rc;
	/* the same rule as the line protocol's listeners (server.c) */
	if (s->tls == NULL && (s->cfg.plaintext == PLAIN_NO ||
	                       (s->cfg.plaintext == PLAIN_LOOPBACK &&
	                        !srv_is_loopback((struct sockaddr *)&ss)))) {
		snprintf(err, len,
		         "http %s: plain HTTP %s; set tls_cert and tls_key%s",
		         s->cfg.http,
		         s->cfg.plaintext == PLAIN_NO
		             ? "is off (plaintext = no)"
		             : "is allowed only on loopback",
		         s->cfg.plaintext == PLAIN_NO ? ""
		                                      : ", or plaintext = yes");
		return VD_EINVAL;
	}
	if ((rc = httpd_start(s, (struct sockaddr *)&ss, sslen, s->tls != NULL,
	                      "http", web_cb, s, &s->web, err, len)) < 0)
		return rc;
	srv_log(s, 2, "bureau page on http%s://%s/", s->tls ? "s" : "",
	        s->cfg.http);
	return 0;
}

void web_stop(struct server *s)
{
	size_t i;

	httpd_free(s->web);
	s->web = NULL;
	for (i = 0; i < WEB_CACHE_N; i++) {
		page_free(s->web_cache[i].pg);
		s->web_cache[i].pg = NULL;
	}
}
