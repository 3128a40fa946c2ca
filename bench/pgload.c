/* pgload: the same ingest as `vdload ingest --mode batch` on PostgreSQL,
 * what an operator might build instead of vouchd (bench/run.sh).
 *
 *   pgload setup  --conninfo S
 *   pgload ingest --conninfo S [--records N] [--conns 16]
 *
 * Tables: records (unique (provider, id)) and accrual (one row per
 * program, beneficiary and period). Each batch of 1,000 records of one
 * provider is one transaction: the batch signature is verified here on
 * the client (the crypto vouchd does), the records are inserted with ON
 * CONFLICT DO NOTHING, and the accrual rows of the programs each new
 * record counts for (as vouchd's journal lists them for the seed
 * policies: datong-compute; mentougou-training for training; with a local
 * provider xinxing-demand and the provider's xinxing-supply) are added in
 * the same transaction, in key order so that concurrent batches cannot
 * deadlock. synchronous_commit is the server's (on). No vouchers, pools
 * or journal: PostgreSQL does less than vouchd here. */
#include <getopt.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <pthread.h>

#include "gen.h"
#include "kind.h"

struct cfg {
	struct gen g;
	const char *conninfo;
	long records;
	int conns;
};

struct batch {
	char *lines; /* record lines, LF-terminated: what was signed */
	size_t len;
	uint8_t sig[SIG_LEN];
	int provider, n;
	long first;
};

struct worker {
	const struct cfg *c;
	int index;
	struct batch *b;
	size_t nb;
	double *lat;
	size_t nlat;
	long errors;
};

static void die(PGconn *db, const char *what)
{
	fprintf(stderr, "pgload: %s: %s", what, PQerrorMessage(db));
	exit(1);
}

static void exec_ok(PGconn *db, const char *sql)
{
	PGresult *r = PQexec(db, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK)
		die(db, sql);
	PQclear(r);
}

static int setup(const struct cfg *c)
{
	PGconn *db = PQconnectdb(c->conninfo);

	if (PQstatus(db) != CONNECTION_OK)
		die(db, "connect");
	exec_ok(db, "DROP TABLE IF EXISTS records, accrual");
	exec_ok(db, "CREATE TABLE records (provider text, id text, org text, "
	            "at bigint, amount bigint, qty bigint, unit text, kind "
	            "text, line text, PRIMARY KEY (provider, id))");
	exec_ok(db, "CREATE TABLE accrual (program text, beneficiary text, "
	            "period int, basis bigint, PRIMARY KEY (program, "
	            "beneficiary, period))");
	PQfinish(db);
	printf("setup=ok\n");
	return 0;
}

static void build(struct worker *w)
{
	const struct cfg *c = w->c;
	long k;
	int p;

	w->b = calloc((size_t)(c->records / 1000 + c->g.providers + 1),
	              sizeof(*w->b));
	for (p = w->index; p < c->g.providers; p += c->conns) {
		struct sig_key *key = seed_key("provider", p);
		struct batch *b = NULL;
		for (k = p; k < c->records; k += c->g.providers) {
			struct record r;
			char line[RECORD_LINE_MAX];
			int n;
			if (b == NULL || b->n == 1000) {
				if (b != NULL)
					sig_sign(key, b->lines, b->len, b->sig);
				b = &w->b[w->nb++];
				b->lines = malloc(1000 * 200);
				b->provider = p;
				b->first = k;
			}
			make_record(&c->g, k, &r);
			n = record_format(&r, line, sizeof(line));
			memcpy(b->lines + b->len, line, (size_t)n);
			b->len += (size_t)n;
			b->lines[b->len++] = '\n';
			b->n++;
		}
		if (b != NULL)
			sig_sign(key, b->lines, b->len, b->sig);
		sig_key_free(key);
	}
}

static void *build_thread(void *arg)
{
	build(arg);
	return NULL;
}

struct acc {
	char key[96];
	long basis;
};

static int cmp_acc(const void *a, const void *b)
{
	return strcmp(((const struct acc *)a)->key,
	              ((const struct acc *)b)->key);
}

static void add_acc(struct acc *a, size_t *n, const char *program,
                    const char *ben, long amount)
{
	char key[96];
	size_t i;

	snprintf(key, sizeof(key), "%s','%s", program, ben);
	for (i = 0; i < *n; i++)
		if (strcmp(a[i].key, key) == 0) {
			a[i].basis += amount;
			return;
		}
	snprintf(a[*n].key, sizeof(a[*n].key), "%s", key);
	a[(*n)++].basis = amount;
}

/* One batch: verify, insert, accrue, commit. */
static void run_batch(const struct cfg *c, PGconn *db, struct sig_verifier *ver,
                      const struct sig_pub *pub, const struct batch *b,
                      char *sql, struct acc *acc)
{
	size_t n = 0, na = 0, i;
	const char *line;
	PGresult *res;
	long k;
	int j;

	if (sig_verifier_check(ver, pub, b->lines, b->len, b->sig) != 0) {
		fprintf(stderr, "pgload: bad signature\n");
		exit(1);
	}
	exec_ok(db, "BEGIN");
	n += (size_t)sprintf(sql + n, "INSERT INTO records VALUES ");
	line = b->lines;
	for (j = 0, k = b->first; j < b->n; j++, k += c->g.providers) {
		struct record r;
		const char *e = strchr(line, '\n');
		make_record(&c->g, k, &r);
		/* the signed line is kept, as vouchd keeps it */
		n += (size_t)sprintf(sql + n,
		                     "%s('%s','%s','%s',%" PRId64 ",%" PRId64
		                     ",%" PRId64 ",'%s','%s','%.*s')",
		                     j ? "," : "", r.provider, r.id, r.org,
		                     r.at, r.amount, r.qty, r.unit,
		                     kind_name(r.kind), (int)(e - line), line);
		line = e + 1;
	}
	n += (size_t)sprintf(sql + n, " ON CONFLICT DO NOTHING RETURNING org, "
	                              "amount, kind");
	res = PQexec(db, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		die(db, "insert");
	for (i = 0; i < (size_t)PQntuples(res); i++) {
		const char *org = PQgetvalue(res, (int)i, 0);
		long amount = atol(PQgetvalue(res, (int)i, 1));
		char prov[8];
		snprintf(prov, sizeof(prov), "p%02d", b->provider);
		add_acc(acc, &na, "datong-compute", org, amount);
		if (strcmp(PQgetvalue(res, (int)i, 2), "training") == 0)
			add_acc(acc, &na, "mentougou-training", org, amount);
		if (gen_local(b->provider)) {
			add_acc(acc, &na, "xinxing-demand", org, amount);
			add_acc(acc, &na, "xinxing-supply", prov, amount);
		}
	}
	PQclear(res);
	if (na > 0) {
		qsort(acc, na, sizeof(*acc), cmp_acc);
		n = (size_t)sprintf(sql, "INSERT INTO accrual VALUES ");
		for (i = 0; i < na; i++)
			n += (size_t)sprintf(sql + n, "%s('%s',2026,%ld)",
			                     i ? "," : "", acc[i].key,
			                     acc[i].basis);
		sprintf(sql + n, " ON CONFLICT (program, beneficiary, period) "
		                 "DO UPDATE SET basis = accrual.basis + "
		                 "excluded.basis");
		exec_ok(db, sql);
	}
	exec_ok(db, "COMMIT");
}

static void *ingest_thread(void *arg)
{
	struct worker *w = arg;
	const struct cfg *c = w->c;
	PGconn *db = PQconnectdb(c->conninfo);
	struct sig_verifier *ver = NULL;
	struct sig_pub *pub = NULL;
	char *sql = malloc(1 << 20);
	struct acc *acc = calloc(4000, sizeof(*acc));
	int cur = -1;
	size_t i;

	if (PQstatus(db) != CONNECTION_OK)
		die(db, "connect");
	sig_verifier_new(&ver);
	w->lat = calloc(w->nb + 1, sizeof(double));
	for (i = 0; i < w->nb; i++) {
		double t0 = now();
		if (w->b[i].provider != cur) {
			struct sig_key *k =
			    seed_key("provider", w->b[i].provider);
			uint8_t raw[32];
			sig_key_public(k, raw);
			sig_pub_free(pub);
			sig_pub_parse(raw, &pub);
			sig_key_free(k);
			cur = w->b[i].provider;
		}
		run_batch(c, db, ver, pub, &w->b[i], sql, acc);
		w->lat[w->nlat++] = (now() - t0) * 1000.0;
	}
	sig_pub_free(pub);
	sig_verifier_free(ver);
	free(sql);
	free(acc);
	PQfinish(db);
	return NULL;
}

static int ingest(const struct cfg *c)
{
	struct worker *w = calloc((size_t)c->conns, sizeof(*w));
	size_t n = 0, i,
	       nb = (size_t)c->records / 1000 + (size_t)c->g.providers + 1;
	double secs, *all = malloc(nb * sizeof(double)), *rec;
	int t;

	for (t = 0; t < c->conns; t++) {
		w[t].c = c;
		w[t].index = t;
	}
	gen_threads(build_thread, w, sizeof(*w), c->conns);
	secs = gen_threads(ingest_thread, w, sizeof(*w), c->conns);
	for (t = 0; t < c->conns; t++) {
		memcpy(all + n, w[t].lat, w[t].nlat * sizeof(double));
		n += w[t].nlat;
		for (i = 0; i < w[t].nb; i++)
			free(w[t].b[i].lines);
		free(w[t].b);
		free(w[t].lat);
	}
	/* every record of a batch waits for its batch's commit: weigh each
	 * batch's latency by its records (1,000 but for the last) */
	rec = malloc((size_t)c->records * sizeof(double));
	for (i = 0; i < (size_t)c->records; i++)
		rec[i] = all[i / 1000 < n ? i / 1000 : n - 1];
	gen_report("records", rec, (size_t)c->records, secs, "errors=0");
	free(rec);
	free(all);
	free(w);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"conninfo", required_argument, NULL, 'i'},
	    {"records", required_argument, NULL, 'n'},
	    {"conns", required_argument, NULL, 'c'},
	    {NULL, 0, NULL, 0}};
	struct cfg c = {{50, 10000}, NULL, 1000000, 16};
	int o;

	if (argc < 2)
		goto usage;
	optind = 2;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'i')
			c.conninfo = optarg;
		else if (o == 'n')
			c.records = atol(optarg);
		else if (o == 'c')
			c.conns = atoi(optarg);
		else
			goto usage;
	}
	if (c.conninfo == NULL || c.conns < 1 || c.records < 1)
		goto usage;
	if (strcmp(argv[1], "setup") == 0)
		return setup(&c);
	if (strcmp(argv[1], "ingest") == 0)
		return ingest(&c);
usage:
	fprintf(stderr, "usage: pgload setup|ingest --conninfo S [--records N] "
	                "[--conns C]\n");
	return 2;
}
