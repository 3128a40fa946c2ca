/* vdload: the load generator for vouchd's benchmarks (bench/run.sh).
 *
 *   vdload setup  --addr A --bureau-key F [--providers 50] [--orgs 10000]
 *   vdload ingest --addr A --mode batch|usage [--records N] [--start K]
 *                 [--conns 16] [--depth D] [--rate R] [--providers 50]
 *                 [--orgs 10000]
 *   vdload balance --addr A --bureau-key F [--requests N] [--conns 50]
 *                 [--depth D] [--orgs 10000]
 *
 * Keys are derived from fixed seeds, so setup and ingest agree without
 * files. Records k = start .. start+N-1 belong to provider k % providers
 * and an org picked by a hash of k; every line is built (and, for
 * --mode usage, signed) before the clock starts, so the figure is the
 * daemon's. Prints one line of key=value: records (or requests),
 * seconds, rate, p50_ms, p99_ms, errors. */
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gen.h"
#include "hex.h"
#include "reply.h"
#include "session.h"

static const char *const kinds[] = {"enterprise", "school", "medical",
                                    "research",   "sme",    "startup"};

struct cfg {
	struct gen g; /* first: make_record takes it */
	const char *addr, *bureau_key, *mode;
	long records, start, requests;
	int conns, depth;
	double rate; /* records/s in all; 0: as fast as it goes */
};

/* A unit of sending: a BATCH frame or one USAGE line, the records it
 * carries, and when it went out. */
struct frame {
	char *bytes;
	size_t len;
	int records, provider;
	double sent;
};

struct worker {
	const struct cfg *c;
	int index;
	struct frame *frames;
	size_t nframes;
	double *lat; /* per record, ms */
	size_t nlat;
	long errors;
};

static void open_as(struct session *s, const char *addr, const char *id,
                    const char *keyfile, struct sig_key *key)
{
	struct session_cfg sc = {addr, NULL, NULL, NULL, 1};
	char err[400];

	sc.id = keyfile ? id : NULL;
	sc.key = keyfile;
	/* a derived key is in no file: authenticate with it here */
	if (session_open(s, &sc, err, sizeof(err)) < 0 ||
	    (key != NULL && session_auth(s, id, key, err, sizeof(err)) < 0)) {
		fprintf(stderr, "vdload: %s\n", err);
		exit(1);
	}
}

/* Register the providers (even ones local) and the orgs, pipelined. */
static int setup(const struct cfg *c)
{
	static struct session s;
	char line[400], hex[SIG_PUB_HEX + 1];
	uint8_t pub[SIG_PUB_LEN];
	int i, total = c->g.providers + c->g.orgs, sent = 0, got = 0, bad = 0;

	open_as(&s, c->addr, "bureau", c->bureau_key, NULL);
	while (got < total) {
		while (sent < total && sent - got < 500) {
			struct sig_key *k;
			i = sent;
			k = i < c->g.providers
			        ? seed_key("provider", i)
			        : seed_key("org", i - c->g.providers);
			sig_key_public(k, pub);
			sig_key_free(k);
			hex_encode(pub, SIG_PUB_LEN, hex);
			/* the seeds' programs pay within their cities: every
			 * org, and the local providers, in Xinxing (before
			 * regions every city's programs counted every org) */
			if (i < c->g.providers)
				snprintf(
				    line, sizeof(line),
				    "REGISTER id=p%02d role=provider key=%s%s",
				    i, hex,
				    gen_local(i)
				        ? " local=1 region=xinjiang.xinxing"
				        : "");
			else
				snprintf(line, sizeof(line),
				         "REGISTER id=org%05d role=org key=%s "
				         "kind=%s region=xinjiang.xinxing",
				         i - c->g.providers, hex,
				         kinds[(i - c->g.providers) % 6]);
			session_send(&s, line);
			sent++;
		}
		const char *l = session_line(&s);
		if (l == NULL)
			return 1;
		if (strncmp(l, "OK", 2) != 0 && bad++ < 3)
			fprintf(stderr, "vdload: %s\n", l);
		got++;
	}
	session_close(&s);
	printf("registered=%d errors=%d\n", total, bad);
	return bad ? 1 : 0;
}

/* At most how many records (and so frames) one worker sends. */
static size_t share(const struct cfg *c)
{
	size_t per = (size_t)((c->g.providers + c->conns - 1) / c->conns);
	return (size_t)c->records / (size_t)c->g.providers * per + per + 1;
}

/* Every frame of worker w, built (and signed) now. */
static void build(struct worker *w)
{
	const struct cfg *c = w->c;
	int batch = strcmp(c->mode, "batch") == 0;
	long k;
	int p;

	w->frames = calloc(share(c), sizeof(*w->frames));
	for (p = w->index; p < c->g.providers; p += c->conns) {
		struct sig_key *key = seed_key("provider", p);
		char *buf = NULL;
		size_t len = 0, cap = 0;
		int inbatch = 0;
		for (k = c->start + p; k < c->start + c->records;
		     k += c->g.providers) {
			struct record r;
			char line[RECORD_LINE_MAX];
			int n;
			make_record(&c->g, k, &r);
			n = batch ? record_format(&r, line, sizeof(line))
			          : record_sign(key, &r, line, sizeof(line));
			if (n < 0) {
				fprintf(stderr, "vdload: bad record %ld\n", k);
				exit(1);
			}
			if (len + (size_t)n + 2 > cap) {
				cap = cap ? cap * 2 : 256 * 1024;
				buf = realloc(buf, cap);
			}
			memcpy(buf + len, line, (size_t)n);
			len += (size_t)n;
			buf[len++] = '\n';
			inbatch++;
			if (!batch || inbatch == 1000 ||
			    k + c->g.providers >= c->start + c->records) {
				struct frame *f = &w->frames[w->nframes++];
				char hdr[400];
				int hn = 0;
				if (batch) {
					record_batch_header(
					    key, r.provider, buf, len,
					    (size_t)inbatch, hdr, sizeof(hdr));
					hn = (int)strlen(hdr);
				}
				f->bytes = malloc(len + (size_t)hn + 1);
				memcpy(f->bytes, hdr, (size_t)hn);
				if (hn)
					f->bytes[hn++] = '\n';
				memcpy(f->bytes + hn, buf, len);
				f->len = len + (size_t)hn;
				f->records = inbatch;
				f->provider = p;
				len = 0;
				inbatch = 0;
			}
		}
		free(buf);
		sig_key_free(key);
	}
}

static void *build_thread(void *arg)
{
	build(arg);
	return NULL;
}

/* Read the reply to frame *got and count its latency for each of its
 * records. */
static void take_reply(struct worker *w, struct session *s, size_t *got)
{
	const char *l = session_line(s);
	struct frame *f = &w->frames[*got];
	double ms = (now() - f->sent) * 1000.0;
	int i;

	if (l == NULL) {
		fprintf(stderr, "vdload: closed\n");
		exit(1);
	}
	if (strncmp(l, "OK", 2) != 0 && w->errors++ < 3)
		fprintf(stderr, "vdload: %s\n", l);
	for (i = 0; i < f->records; i++)
		w->lat[w->nlat++] = ms;
	(*got)++;
}

/* Paced: wait until due, reading the replies that come meanwhile (read
 * only after the wait, they were counted late by up to depth - 1 gaps:
 * the paced latencies of earlier results measured vdload's schedule). */
static void wait_until(struct worker *w, struct session *s, size_t sent,
                       size_t *got, double due)
{
	double wait;

	while ((wait = due - now()) > 0) {
		struct timespec ts = {
		    (time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
		struct pollfd pf = {s->fd, POLLIN, 0};
		if (*got < sent && (memchr(s->buf, '\n', s->len) != NULL ||
		                    ppoll(&pf, 1, &ts, NULL) > 0))
			take_reply(w, s, got);
		else if (*got == sent)
			nanosleep(&ts, NULL);
	}
}

/* Send this worker's frames, provider by provider, depth in flight. */
static void *ingest_thread(void *arg)
{
	struct worker *w = arg;
	const struct cfg *c = w->c;
	size_t fi = 0;
	double t0 = now();
	int p;

	w->lat = calloc(share(c), sizeof(double));
	for (p = w->index; p < c->g.providers; p += c->conns) {
		static __thread struct session s;
		struct sig_key *key = seed_key("provider", p);
		char id[16];
		size_t first = fi, last, sent, got;
		snprintf(id, sizeof(id), "p%02d", p);
		open_as(&s, c->addr, id, NULL, key);
		/* this provider's frames: until the next provider's first */
		last = first;
		while (last < w->nframes && w->frames[last].provider == p)
			last++;
		sent = got = first;
		while (got < last) {
			while (sent < last && (int)(sent - got) < c->depth) {
				struct frame *f = &w->frames[sent];
				if (c->rate > 0) {
					/* this worker's frames evenly spaced,
					 * the workers staggered: no bursts */
					double gap = (double)f->records *
					             (double)c->conns / c->rate;
					wait_until(w, &s, sent, &got,
					           t0 + ((double)sent +
					                 (double)w->index /
					                     (double)c->conns) *
					                    gap);
				}
				f->sent = now();
				if (session_write(&s, f->bytes, f->len) < 0) {
					fprintf(stderr, "vdload: write\n");
					exit(1);
				}
				sent++;
			}
			take_reply(w, &s, &got);
		}
		fi = last;
		session_close(&s);
		sig_key_free(key);
	}
	return NULL;
}

static int ingest(const struct cfg *c)
{
	struct worker *w = calloc((size_t)c->conns, sizeof(*w));
	double secs, *all;
	char extra[32];
	size_t n = 0, i;
	long errors = 0;
	int t;

	for (t = 0; t < c->conns; t++) {
		w[t].c = c;
		w[t].index = t;
	}
	gen_threads(build_thread, w, sizeof(*w), c->conns);
	secs = gen_threads(ingest_thread, w, sizeof(*w), c->conns);
	all = malloc(((size_t)c->records + 1) * sizeof(double));
	for (t = 0; t < c->conns; t++) {
		memcpy(all + n, w[t].lat, w[t].nlat * sizeof(double));
		n += w[t].nlat;
		errors += w[t].errors;
		for (i = 0; i < w[t].nframes; i++)
			free(w[t].frames[i].bytes);
		free(w[t].frames);
		free(w[t].lat);
	}
	snprintf(extra, sizeof(extra), "errors=%ld", errors);
	gen_report("records", all, n, secs, extra);
	free(all);
	free(w);
	return errors ? 1 : 0;
}

struct reader {
	const struct cfg *c;
	int index;
	double *lat;
	size_t nlat;
	long errors;
};

/* BALANCE org=<random> as the bureau, depth requests at a time: the
 * way redis-benchmark -P pipelines (depth commands in one write, then
 * their depth replies, then the next depth), so that both sides of the
 * comparison see the same traffic. */
static void *balance_thread(void *arg)
{
	struct reader *rd = arg;
	const struct cfg *c = rd->c;
	static __thread struct session s;
	long n = c->requests / c->conns, got = 0;
	char *buf = malloc((size_t)c->depth * 64);
	uint64_t h = mix((uint64_t)rd->index + 1);

	rd->lat = calloc((size_t)n + 1, sizeof(double));
	open_as(&s, c->addr, "bureau", c->bureau_key, NULL);
	while (got < n) {
		long k = n - got < c->depth ? n - got : c->depth, j;
		size_t len = 0;
		double when;
		for (j = 0; j < k; j++) {
			h = mix(h);
			len += (size_t)snprintf(buf + len, 64,
			                        "BALANCE org=org%05d\n",
			                        (int)(h % (uint64_t)c->g.orgs));
		}
		when = now();
		if (session_write(&s, buf, len) < 0) {
			fprintf(stderr, "vdload: closed\n");
			exit(1);
		}
		for (j = 0; j < k; j++) {
			const char *l = session_line(&s);
			struct reply r;
			int64_t i;
			if (l == NULL || reply_parse(l, strlen(l), &r) != 0) {
				fprintf(stderr, "vdload: closed\n");
				exit(1);
			}
			if (r.kind != REPLY_OK)
				rd->errors++;
			for (i = 0; r.kind == REPLY_OK && i < r.n; i++)
				session_line(&s);
			rd->lat[rd->nlat++] = (now() - when) * 1000.0;
			got++;
		}
	}
	session_close(&s);
	free(buf);
	return NULL;
}

static int balance(const struct cfg *c)
{
	struct reader *rd = calloc((size_t)c->conns, sizeof(*rd));
	double secs, *all;
	char extra[32];
	size_t n = 0;
	long errors = 0;
	int t;

	for (t = 0; t < c->conns; t++) {
		rd[t].c = c;
		rd[t].index = t;
	}
	secs = gen_threads(balance_thread, rd, sizeof(*rd), c->conns);
	all = malloc(((size_t)c->requests + 1) * sizeof(double));
	for (t = 0; t < c->conns; t++) {
		memcpy(all + n, rd[t].lat, rd[t].nlat * sizeof(double));
		n += rd[t].nlat;
		errors += rd[t].errors;
		free(rd[t].lat);
	}
	snprintf(extra, sizeof(extra), "errors=%ld", errors);
	gen_report("requests", all, n, secs, extra);
	free(all);
	free(rd);
	return errors ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"addr", required_argument, NULL, 'a'},
	    {"bureau-key", required_argument, NULL, 'b'},
	    {"mode", required_argument, NULL, 'm'},
	    {"records", required_argument, NULL, 'n'},
	    {"start", required_argument, NULL, 's'},
	    {"requests", required_argument, NULL, 'q'},
	    {"conns", required_argument, NULL, 'c'},
	    {"depth", required_argument, NULL, 'd'},
	    {"rate", required_argument, NULL, 'r'},
	    {"providers", required_argument, NULL, 'p'},
	    {"orgs", required_argument, NULL, 'o'},
	    {NULL, 0, NULL, 0}};
	struct cfg c = {{50, 10000}, NULL,   NULL, "batch", 1000000,
	                0,           100000, 16,   4,       0};
	const char *cmd;
	int o;

	if (argc < 2)
		goto usage;
	cmd = argv[1];
	optind = 2;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'a':
			c.addr = optarg;
			break;
		case 'b':
			c.bureau_key = optarg;
			break;
		case 'm':
			c.mode = optarg;
			break;
		case 'n':
			c.records = atol(optarg);
			break;
		case 's':
			c.start = atol(optarg);
			break;
		case 'q':
			c.requests = atol(optarg);
			break;
		case 'c':
			c.conns = atoi(optarg);
			break;
		case 'd':
			c.depth = atoi(optarg);
			break;
		case 'r':
			c.rate = atof(optarg);
			break;
		case 'p':
			c.g.providers = atoi(optarg);
			break;
		case 'o':
			c.g.orgs = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (c.addr == NULL || c.conns < 1 || c.depth < 1 || c.g.providers < 1 ||
	    c.g.providers > 100 || c.g.orgs < 1 || c.g.orgs > 100000)
		goto usage;
	if (strcmp(cmd, "setup") == 0 && c.bureau_key)
		return setup(&c);
	if (strcmp(cmd, "ingest") == 0)
		return ingest(&c);
	if (strcmp(cmd, "balance") == 0 && c.bureau_key)
		return balance(&c);
usage:
	fprintf(stderr, "usage: vdload setup|ingest|balance --addr ADDR "
	                "[options] (see the comment in bench/vdload.c)\n");
	return 2;
}
