#include "metrics.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit.h"
#include "err.h"
#include "reads.h"

/* The pools' and programs' figures of one snapshot, gathered to be
 * printed metric by metric (each name once, with its TYPE line). */
struct pool_out {
	struct ledger_pool *p;
	size_t np, capp;
	struct ledger_pool_program *g;
	size_t ng, capg;
};

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *q;

	if (n < *cap)
		return 0;
	if ((q = realloc(*v, (*cap ? *cap * 2 : 16) * size)) == NULL)
		return VD_ENOMEM;
	*v = q;
	*cap = *cap ? *cap * 2 : 16;
	return 0;
}

static int pool_one(void *arg, const struct ledger_pool *p)
{
	struct pool_out *o = arg;

	if (grow((void **)&o->p, &o->capp, o->np, sizeof(*p)) < 0)
		return VD_ENOMEM;
	o->p[o->np++] = *p;
	return 0;
}

static int program_one(void *arg, const struct ledger_pool_program *g)
{
	struct pool_out *o = arg;

	if (grow((void **)&o->g, &o->capg, o->ng, sizeof(*g)) < 0)
		return VD_ENOMEM;
	o->g[o->ng++] = *g;
	return 0;
}

/* vouchd_pool_<figure>_fen{pool,period} for every pool row, and
 * vouchd_program_granted_fen{pool,period,program} (docs/daemon.md) */
static void pool_metrics(struct server *s, struct evbuffer *b)
{
	static const char *const names[9] = {
	    "budget",  "granted",   "redeemed",  "paid_out", "expired",
	    "revoked", "recovered", "remaining", "unfunded"};
	struct pool_out o;
	size_t i, k;

	memset(&o, 0, sizeof(o));
	if (ledger_pools_by_program(s->l, NULL, 0, srv_now(), pool_one,
	                            program_one, &o) < 0) {
		free(o.p);
		free(o.g);
		return;
	}
	for (k = 0; k < 9; k++) {
		evbuffer_add_printf(b, "# TYPE vouchd_pool_%s_fen gauge\n",
		                    names[k]);
		for (i = 0; i < o.np; i++) {
			const struct ledger_pool *p = &o.p[i];
			int64_t v[9] = {
			    p->budget,    p->granted,   p->redeemed,
			    p->paid_out,  p->expired,   p->revoked,
			    p->recovered, p->remaining, p->unfunded};
			evbuffer_add_printf(
			    b,
			    "vouchd_pool_%s_fen{pool=\"%s\",period=\"%d\"}"
			    " %" PRId64 "\n",
			    names[k], p->pool, (int)p->period, v[k]);
		}
	}
	evbuffer_add_printf(b, "# TYPE vouchd_program_granted_fen gauge\n");
	for (i = 0; i < o.ng; i++)
		evbuffer_add_printf(b,
		                    "vouchd_program_granted_fen{pool=\"%s\","
		                    "period=\"%d\",program=\"%s\"} %" PRId64
		                    "\n",
		                    o.g[i].pool, (int)o.g[i].period,
		                    o.g[i].program, o.g[i].f.granted);
	free(o.p);
	free(o.g);
}

static void metrics_cb(struct evhttp_request *req, void *arg)
{
	struct server *s = arg;
	struct evbuffer *b = evbuffer_new();
	const struct srv_stats *st = &s->st;
	int k;

	if (b == NULL) {
		evhttp_send_error(req, 500, "out of memory");
		return;
	}
	evbuffer_add_printf(
	    b,
	    "# TYPE vouchd_connections_total counter\n"
	    "vouchd_connections_total %" PRIu64 "\n"
	    "# TYPE vouchd_connections_open gauge\n"
	    "vouchd_connections_open %zu\n"
	    "# TYPE vouchd_requests_total counter\n"
	    "vouchd_requests_total %" PRIu64 "\n"
	    "# TYPE vouchd_records_total counter\n"
	    "vouchd_records_total{status=\"accepted\"} %" PRIu64 "\n"
	    "vouchd_records_total{status=\"duplicate\"} %" PRIu64 "\n"
	    "# TYPE vouchd_batches_total counter\n"
	    "vouchd_batches_total %" PRIu64 "\n"
	    "# TYPE vouchd_commits_total counter\n"
	    "vouchd_commits_total %" PRIu64 "\n"
	    "# TYPE vouchd_errors_total counter\n"
	    "vouchd_errors_total %" PRIu64 "\n",
	    st->connections, s->nconns, st->requests, st->records,
	    st->duplicates, st->batches, st->commits, st->errors);
	evbuffer_add_printf(b, "# TYPE vouchd_errors_by_code_total counter\n");
	for (k = 0; k < ERRMAP_NWORDS; k++)
		evbuffer_add_printf(
		    b, "vouchd_errors_by_code_total{code=\"%s\"} %" PRIu64 "\n",
		    errmap_nth(k), st->errors_by[k]);
	{
		uint64_t counts[COMMIT_BUCKETS + 1], sum, n, cum = 0;
		int i;
		commit_latency(s, counts, &sum, &n);
		evbuffer_add_printf(b,
		                    "# TYPE vouchd_commit_seconds histogram\n");
		for (i = 0; i < COMMIT_BUCKETS; i++) {
			cum += counts[i];
			evbuffer_add_printf(
			    b,
			    "vouchd_commit_seconds_bucket{le=\"%g\"} %" PRIu64
			    "\n",
			    (double)commit_bucket_us[i] / 1e6, cum);
		}
		cum += counts[COMMIT_BUCKETS];
		evbuffer_add_printf(
		    b,
		    "vouchd_commit_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n"
		    "vouchd_commit_seconds_sum %.6f\n"
		    "vouchd_commit_seconds_count %" PRIu64 "\n",
		    cum, (double)sum / 1e6, n);
	}
	pool_metrics(s, b);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	                  "Content-Type", "text/plain; version=0.0.4");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

static void healthz_cb(struct evhttp_request *req, void *arg)
{
	struct server *s = arg;
	struct evbuffer *b = evbuffer_new();

	if (b == NULL) {
		evhttp_send_error(req, 500, "out of memory");
		return;
	}
	evbuffer_add_printf(b, "%s\n", s->failed ? "failed" : "ok");
	evhttp_send_reply(req, s->failed ? 503 : 200,
	                  s->failed ? "FAILED" : "OK", b);
	evbuffer_free(b);
}

int metrics_start(struct server *s, char *err, size_t len)
{
	char host[256], *port;
	long p;

	if (s->cfg.metrics[0] == '\0')
		return 0;
	snprintf(host, sizeof(host), "%s", s->cfg.metrics);
	port = strrchr(host, ':');
	if (port == NULL || (p = strtol(port + 1, NULL, 10)) <= 0 ||
	    p > 65535) {
		snprintf(err, len, "metrics %s: want host:port",
		         s->cfg.metrics);
		return VD_EINVAL;
	}
	*port = '\0';
	if (s->cfg.plaintext != PLAIN_YES && strcmp(host, "127.0.0.1") != 0 &&
	    strcmp(host, "::1") != 0 && strcmp(host, "localhost") != 0) {
		snprintf(err, len,
		         "metrics %s: off loopback needs plaintext = yes",
		         s->cfg.metrics);
		return VD_EINVAL;
	}
	s->http = evhttp_new(s->base);
	if (s->http == NULL ||
	    evhttp_bind_socket(s->http, host, (uint16_t)p) != 0) {
		snprintf(err, len, "metrics %s: cannot listen", s->cfg.metrics);
		return VD_EIO;
	}
	evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET);
	evhttp_set_cb(s->http, "/metrics", metrics_cb, s);
	evhttp_set_cb(s->http, "/healthz", healthz_cb, s);
	srv_log(s, 2, "metrics on http://%s/metrics", s->cfg.metrics);
	return 0;
}

void metrics_stop(struct server *s)
{
	if (s->http)
		evhttp_free(s->http);
	s->http = NULL;
}
