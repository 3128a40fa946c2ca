#include "metrics.h"

#include <event2/buffer.h>
#include <sys/socket.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit.h"
#include "err.h"
#include "httpd.h"
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

static void metrics_cb(struct server *s, struct httpd_reply *out)
{
	struct evbuffer *b = out->body;
	const struct srv_stats *st = &s->st;
	int k;

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
	out->code = 200;
	out->reason = "OK";
	out->headers[0] = "Content-Type: text/plain; version=0.0.4";
}

static void healthz_cb(struct server *s, struct httpd_reply *out)
{
	evbuffer_add_printf(out->body, "%s\n", s->failed ? "failed" : "ok");
	out->code = s->failed ? 503 : 200;
	out->reason = s->failed ? "FAILED" : "OK";
	out->headers[0] = "Content-Type: text/plain; charset=utf-8";
}

/* The routes: a path, with or without a query. */
static void route_cb(const char *target, struct httpd_reply *out, void *arg)
{
	size_t n = strcspn(target, "?");

	if (n == 8 && memcmp(target, "/metrics", 8) == 0)
		metrics_cb(arg, out);
	else if (n == 8 && memcmp(target, "/healthz", 8) == 0)
		healthz_cb(arg, out);
	else {
		out->code = 404;
		out->reason = "Not Found";
		out->headers[0] = "Content-Type: text/plain; charset=utf-8";
		evbuffer_add_printf(out->body, "/metrics or /healthz\n");
	}
}

int metrics_start(struct server *s, char *err, size_t len)
{
	struct sockaddr_storage ss;
	int sslen, rc;

	if (s->cfg.metrics[0] == '\0')
		return 0;
	if ((rc = httpd_resolve(s->cfg.metrics, &ss, &sslen, err, len)) < 0)
		return rc;
	if (s->cfg.plaintext != PLAIN_YES &&
	    !srv_is_loopback((struct sockaddr *)&ss)) {
		snprintf(err, len,
		         "metrics %s: off loopback needs plaintext = yes",
		         s->cfg.metrics);
		return VD_EINVAL;
	}
	if ((rc = httpd_start(s, (struct sockaddr *)&ss, sslen, 0, "metrics",
	                      route_cb, s, &s->metrics, err, len)) < 0)
		return rc;
	srv_log(s, 2, "metrics on http://%s/metrics", s->cfg.metrics);
	return 0;
}

void metrics_stop(struct server *s)
{
	httpd_free(s->metrics);
	s->metrics = NULL;
}
