/* redisload: the same ingest on Redis (bench/run.sh), with the server
 * started by the script with appendonly yes and appendfsync always.
 *
 *   redisload --socket PATH [--records N] [--conns 16] [--depth 100]
 *
 * One Lua script call per record: SET NX of the record under
 * rec:<provider>:<id> (the duplicate check), then INCRBY of the accrual
 * keys of the programs it counts for (as in pgload.c). Pipelined depth
 * calls deep per connection. No signature work: the reference
 * figure for Redis has none either. */
#include <getopt.h>
#include <hiredis/hiredis.h>
#include <inttypes.h>
#include <pthread.h>

#include "cmd.h"
#include "gen.h"

static const char script[] =
    "if redis.call('SET', KEYS[1], ARGV[1], 'NX') then "
    "for i = 2, #KEYS do redis.call('INCRBY', KEYS[i], ARGV[2]) end "
    "return 1 end return 0";

struct cfg {
	struct gen g;
	const char *socket;
	long records;
	int conns, depth;
	char sha[41];
};

struct worker {
	const struct cfg *c;
	int index;
	double *lat;
	size_t nlat;
	long dup;
};

static redisContext *dial(const struct cfg *c)
{
	redisContext *r = redisConnectUnix(c->socket);

	if (r == NULL || r->err) {
		fprintf(stderr, "redisload: cannot connect to %s\n", c->socket);
		exit(1);
	}
	return r;
}

/* Queue one record's script call. */
static void append(const struct cfg *c, redisContext *r, long k)
{
	struct record rec;
	char line[RECORD_LINE_MAX], keys[5][160], amount[24];
	const char *argv[10];
	size_t len[10];
	int nk = 0, i, local;

	make_record(&c->g, k, &rec);
	record_format(&rec, line, sizeof(line));
	local = gen_local((int)(k % c->g.providers));
	snprintf(keys[nk++], 160, "rec:%s:%s", rec.provider, rec.id);
	snprintf(keys[nk++], 160, "acc:datong-compute:%s:2026", rec.org);
	if (rec.kind == 0)
		snprintf(keys[nk++], 160, "acc:mentougou-training:%s:2026",
		         rec.org);
	if (local) {
		snprintf(keys[nk++], 160, "acc:xinxing-demand:%s:2026",
		         rec.org);
		snprintf(keys[nk++], 160, "acc:xinxing-supply:%s:2026",
		         rec.provider);
	}
	snprintf(amount, sizeof(amount), "%" PRId64, rec.amount);
	argv[0] = "EVALSHA";
	argv[1] = c->sha;
	argv[2] = nk == 2 ? "2" : nk == 3 ? "3" : nk == 4 ? "4" : "5";
	for (i = 0; i < nk; i++)
		argv[3 + i] = keys[i];
	argv[3 + nk] = line;
	argv[4 + nk] = amount;
	for (i = 0; i < 5 + nk; i++)
		len[i] = strlen(argv[i]);
	redisAppendCommandArgv(r, 5 + nk, argv, len);
}

static void *ingest_thread(void *arg)
{
	struct worker *w = arg;
	const struct cfg *c = w->c;
	redisContext *r = dial(c);
	size_t cap = (size_t)c->records / (size_t)c->g.providers *
	                 (size_t)((c->g.providers + c->conns - 1) / c->conns) +
	             c->g.providers;
	double *sent = calloc((size_t)c->depth, sizeof(double));
	int p;

	w->lat = calloc(cap, sizeof(double));
	for (p = w->index; p < c->g.providers; p += c->conns) {
		long k = p, got = p;
		while (got < c->records) {
			redisReply *rep;
			while (k < c->records &&
			       (k - got) / c->g.providers < c->depth) {
				sent[(k / c->g.providers) % c->depth] = now();
				append(c, r, k);
				k += c->g.providers;
			}
			if (redisGetReply(r, (void **)&rep) != REDIS_OK) {
				fprintf(stderr, "redisload: %s\n", r->errstr);
				exit(1);
			}
			if (rep->type == REDIS_REPLY_ERROR) {
				fprintf(stderr, "redisload: %s\n", rep->str);
				exit(1);
			}
			if (rep->type == REDIS_REPLY_INTEGER &&
			    rep->integer == 0)
				w->dup++;
			freeReplyObject(rep);
			w->lat[w->nlat++] =
			    (now() - sent[(got / c->g.providers) % c->depth]) *
			    1000.0;
			got += c->g.providers;
		}
	}
	free(sent);
	redisFree(r);
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"socket", required_argument, NULL, 's'},
	    {"records", required_argument, NULL, 'n'},
	    {"conns", required_argument, NULL, 'c'},
	    {"depth", required_argument, NULL, 'd'},
	    {NULL, 0, NULL, 0}};
	static struct cfg c = {{50, 10000}, NULL, 1000000, 16, 100, ""};
	struct worker *w;
	redisContext *r;
	redisReply *rep;
	double secs, *all;
	char extra[64];
	size_t n = 0;
	long dup = 0;
	int o, t;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 's')
			c.socket = optarg;
		else if (o == 'n')
			c.records = atol(optarg);
		else if (o == 'c')
			c.conns = atoi(optarg);
		else if (o == 'd')
			c.depth = atoi(optarg);
		else
			break;
	}
	if (c.socket == NULL || c.conns < 1 || c.depth < 1 || c.records < 1) {
		fprintf(stderr, "usage: redisload --socket PATH [--records N] "
		                "[--conns C] [--depth D]\n");
		return 2;
	}
	r = dial(&c);
	rep = redisCommand(r, "SCRIPT LOAD %s", script);
	if (rep == NULL || rep->type != REDIS_REPLY_STRING) {
		fprintf(stderr, "redisload: SCRIPT LOAD failed\n");
		return 1;
	}
	snprintf(c.sha, sizeof(c.sha), "%s", rep->str);
	freeReplyObject(rep);
	redisFree(r);
	w = calloc((size_t)c.conns, sizeof(*w));
	for (t = 0; t < c.conns; t++) {
		w[t].c = &c;
		w[t].index = t;
	}
	secs = gen_threads(ingest_thread, w, sizeof(*w), c.conns);
	all = malloc(((size_t)c.records + 1) * sizeof(double));
	for (t = 0; t < c.conns; t++) {
		memcpy(all + n, w[t].lat, w[t].nlat * sizeof(double));
		n += w[t].nlat;
		dup += w[t].dup;
		free(w[t].lat);
	}
	snprintf(extra, sizeof(extra), "errors=0 duplicates=%ld", dup);
	gen_report("records", all, n, secs, extra);
	free(all);
	free(w);
	return 0;
}
