/* The load of one round (soak.h): six threads, each with its own
 * connections (soak_lane.h), writing and reading until the daemon dies
 * under them (or max_secs). Here the providers' three; the bureau's are
 * in soak_bureau.c. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gen.h"
#include "soak_lane.h"

/* sp0: signed USAGE lines, four in flight. */
static void thread_usage(struct load *x)
{
	struct sig_key *k = seed_key("soak-provider", 0);
	struct lane l;
	struct soak_op op;
	char id[SOAK_ID];
	long n;

	if (lane_open(&l, x, 0, "sp0", k) == 0)
		for (n = 0; !l.dead && now() < x->until; n++) {
			int bad;
			snprintf(id, sizeof(id), "u%" PRId64 "-%ld",
			         x->c->round, n);
			bad = lane_usage(&l, 0, id, &op);
			lane_send_usage(&l, k, &op, "", bad);
			lane_pace(&l, 4, 60, 160);
		}
	lane_close(&l);
	sig_key_free(k);
}

/* sp1: BATCHes of 1 to 20 records, two in flight; one in ten carries
 * a record the model holds (a duplicate line), one in fifteen the same
 * id with another amount (CONFLICT: the whole batch is refused). */
static void thread_batch(struct load *x)
{
	struct sig_key *k = seed_key("soak-provider", 1);
	static __thread char buf[SOAK_BATCH_MAX * RECORD_LINE_MAX + 512];
	struct lane l;
	struct soak_op op;
	long n;
	int i;

	if (lane_open(&l, x, 1, "sp1", k) == 0)
		for (n = 0; !l.dead && now() < x->until; n++) {
			uint64_t r = lane_rnd(&l) % 30;
			size_t len = 0;
			char hdr[400];
			memset(&op, 0, sizeof(op));
			op.kind = SK_BATCH;
			snprintf(op.provider, sizeof(op.provider), "sp1");
			snprintf(op.id, sizeof(op.id), "b%" PRId64 "-%ld",
			         x->c->round, n);
			op.n = 1 + (int)(lane_rnd(&l) % 8);
			for (i = 0; i < op.n; i++) {
				struct soak_line *b = &op.lines[i];
				const struct soak_rec *old;
				int m;
				if (i == 0 && r < 5 &&
				    (old = lane_pick(&l, 1))) {
					snprintf(b->id, sizeof(b->id), "%s",
					         old->id);
					snprintf(b->org, sizeof(b->org), "%s",
					         old->org);
					b->period = old->period;
					b->at = old->at;
					b->amount = old->amount + (r < 2);
					b->duplicate = 1;
					op.want_refused = r < 2;
				} else {
					snprintf(b->id, sizeof(b->id),
					         "%.40s-%d", op.id, i);
					soak_org(
					    (int)(lane_rnd(&l) % SOAK_ORGS),
					    b->org);
					b->period = x->year;
					b->at = lane_at(&l, x->year);
					b->amount =
					    10000 +
					    (int64_t)(lane_rnd(&l) % 990000);
				}
				m = lane_record(&op, b, "", NULL, buf + len,
				                sizeof(buf) - len);
				if (m < 0)
					break;
				len += (size_t)m;
				buf[len++] = '\n';
			}
			if (i < op.n || record_batch_header(k, "sp1", buf, len,
			                                    (size_t)op.n, hdr,
			                                    sizeof(hdr)) < 0) {
				load_surprise(x, "cannot build a batch", op.id);
				break;
			}
			strcat(hdr, "\n");
			if (lane_send(&l, &op, hdr, strlen(hdr)) == 0 &&
			    session_write(l.s, buf, len) < 0)
				lane_die(&l);
			lane_pace(&l, 2, 150, 300);
		}
	lane_close(&l);
	sig_key_free(k);
}

struct vouchers {
	char id[SOAK_ORGS][SOAK_ID];
	int64_t rem[SOAK_ORGS];
};

static int voucher_row(void *arg, const struct reply *r)
{
	struct vouchers *v = arg;
	char prog[SOAK_ID], org[SOAK_NAME];
	int i;

	soak_get(r, "program", prog, sizeof(prog));
	soak_get(r, "org", org, sizeof(org));
	if (strcmp(prog, "soak-voucher") != 0 || strncmp(org, "so", 2) != 0)
		return 0;
	i = atoi(org + 2);
	if (i < 0 || i >= SOAK_ORGS)
		return 0;
	soak_get(r, "id", v->id[i], sizeof(v->id[i]));
	reply_get_i64(r, "remaining", &v->rem[i]);
	return 0;
}

/* This round's records of sp2 (acknowledged), and the ids it has sent a
 * VOID for. */
struct own {
	struct soak_rec rec[4096];
	size_t n;
	struct lane_voids tried;
};

/* A record of sp2 to redeem against or void: the model's or this
 * round's, not voided. */
static const struct soak_rec *sp2_record(struct lane *l, const struct own *o)
{
	const struct soak_rec *r;

	if (o->n > 0 && lane_rnd(l) % 2 == 0)
		r = &o->rec[lane_rnd(l) % o->n];
	else
		r = lane_pick(l, 2);
	return r == NULL || lane_voided(&o->tried, r->id) ? NULL : r;
}

static void redeem_op(struct lane *l, const struct vouchers *v, long n,
                      const struct soak_rec *rec, int bad)
{
	struct soak_op op;
	char line[400];
	int o = atoi(rec->org + 2);
	int64_t most = rec->amount / 10;

	if (v->id[o][0] == '\0')
		return;
	memset(&op, 0, sizeof(op));
	op.kind = SK_REDEEM;
	snprintf(op.provider, sizeof(op.provider), "sp2");
	snprintf(op.id, sizeof(op.id), "k%" PRId64 "-%ld", l->x->c->round, n);
	snprintf(op.record, sizeof(op.record), "%s", rec->id);
	snprintf(op.voucher, sizeof(op.voucher), "%s", v->id[o]);
	snprintf(op.org, sizeof(op.org), "%s", rec->org);
	if (v->rem[o] / 4 < most)
		most = v->rem[o] / 4;
	/* over the bill: refused (FUNDS or COVER) whatever the voucher has */
	op.amount =
	    bad ? rec->amount + 1 + (int64_t)(lane_rnd(l) % 1000)
	        : 1 + (int64_t)(lane_rnd(l) % (uint64_t)(most > 1 ? most : 1));
	op.want_refused = bad;
	snprintf(line, sizeof(line),
	         "REDEEM voucher=%s record=%s amount=%" PRId64 " ref=%s",
	         op.voucher, op.record, op.amount, op.id);
	lane_line(l, &op, line);
}

static void thread_redeem(struct load *x)
{
	struct sig_key *k = seed_key("soak-provider", 2);
	static __thread struct vouchers v;
	static __thread struct own o;
	struct session *b;
	struct soak_op op, *got;
	struct soak_rec fresh;
	const struct soak_rec *rec;
	char line[RECORD_LINE_MAX + 1024], id[SOAK_ID];
	struct lane l;
	long n;

	memset(&v, 0, sizeof(v));
	memset(&o, 0, sizeof(o));
	b = soak_open(x->c->addr, "bureau", NULL, x->bureau_key, 0);
	snprintf(line, sizeof(line), "BALANCE period=%d", x->year);
	if (b == NULL || soak_list(b, line, voucher_row, &v) == NULL ||
	    lane_open(&l, x, 2, "sp2", k) < 0) {
		soak_close(b);
		sig_key_free(k);
		return;
	}
	soak_close(b);
	for (n = 0; !l.dead && now() < x->until; n++) {
		uint64_t r = lane_rnd(&l) % 10;
		if (r < 6) {
			snprintf(id, sizeof(id), "r%" PRId64 "-%ld",
			         x->c->round, n);
			lane_usage(&l, 2, id, &op);
			if (op.duplicate || op.want_refused)
				continue; /* sp0 and sp1 send those */
			lane_send_usage(&l, k, &op, "", 0);
			memset(&fresh, 0, sizeof(fresh));
			snprintf(fresh.id, sizeof(fresh.id), "%s", op.id);
			snprintf(fresh.org, sizeof(fresh.org), "%s", op.org);
			fresh.amount = op.amount;
			/* pipelined behind its record's USAGE */
			redeem_op(&l, &v, n, &fresh, lane_rnd(&l) % 10 == 0);
			while (l.n > 0 && (got = lane_recv(&l)) != NULL) {
				int oi = atoi(got->org + 2);
				if (got->st != SS_ACK)
					continue;
				if (got->kind == SK_REDEEM)
					v.rem[oi] -= got->amount;
				if (got->kind == SK_USAGE &&
				    o.n < sizeof(o.rec) / sizeof(o.rec[0])) {
					o.rec[o.n++] = fresh;
					v.rem[oi] += got->amount / 5;
				}
			}
		} else if ((rec = sp2_record(&l, &o)) == NULL) {
			continue;
		} else if (r < 8) {
			redeem_op(&l, &v, n, rec, 0);
			if ((got = lane_recv(&l)) != NULL && got->st == SS_ACK)
				v.rem[atoi(got->org + 2)] -= got->amount;
		} else if (lane_void_add(&o.tried, rec->id) == 0) {
			memset(&op, 0, sizeof(op));
			op.kind = SK_VOID;
			snprintf(op.provider, sizeof(op.provider), "sp2");
			snprintf(op.id, sizeof(op.id), "%s", rec->id);
			if (record_void_sign(k, "sp2", rec->id, time(NULL),
			                     "soak: billed twice", line,
			                     sizeof(line)) > 0) {
				lane_line(&l, &op, line);
				lane_recv(&l);
			}
		}
		lane_nap(&l, 30, 90);
	}
	lane_close(&l);
	sig_key_free(k);
}

struct job {
	struct load *x;
	int which;
};

static void *run(void *arg)
{
	const struct job *j = arg;
	struct load *x = j->x;

	switch (j->which) {
	case 0:
		thread_usage(x);
		break;
	case 1:
		thread_batch(x);
		break;
	case 2:
		thread_redeem(x);
		break;
	case 3:
		bureau_settle(x);
		break;
	case 4:
		bureau_reload(x);
		break;
	default:
		bureau_read(x);
	}
	return NULL;
}

int soak_load(const struct soak_cfg *c)
{
	static struct load x;
	struct job arg[6];
	pthread_t th[6];
	char path[512];
	size_t i;
	int t;

	memset(&x, 0, sizeof(x));
	x.c = c;
	x.year = soak_year();
	x.until = now() + c->max_secs;
	pthread_mutex_init(&x.mu, NULL);
	snprintf(x.pol, sizeof(x.pol), "%s/policies", c->dir);
	snprintf(x.bureau_key, sizeof(x.bureau_key), "%s/bureau.pem", c->dir);
	snprintf(path, sizeof(path), "%s/model.txt", c->dir);
	if (model_load(&x.m, path) < 0)
		return 1;
	for (t = 0; t < SOAK_PROVIDERS; t++)
		x.mine[t] = calloc(x.m.nrec + 1, sizeof(size_t));
	for (i = 0; i < x.m.nrec; i++) {
		const struct soak_rec *r = &x.m.rec[i];
		t = r->provider[2] - '0';
		if (!r->voided && r->period == x.year && t >= 0 &&
		    t < SOAK_PROVIDERS)
			x.mine[t][x.nmine[t]++] = i;
	}
	snprintf(path, sizeof(path), "%s/rounds/%" PRId64 ".log", c->dir,
	         c->round);
	if ((x.log = fopen(path, "w")) == NULL) {
		perror(path);
		return 1;
	}
	for (t = 0; t < 6; t++) {
		arg[t].x = &x;
		arg[t].which = t;
		pthread_create(&th[t], NULL, run, &arg[t]);
	}
	for (t = 0; t < 6; t++)
		pthread_join(th[t], NULL);
	fclose(x.log);
	printf("load round %" PRId64 ": writes %ld acknowledged, %ld refused, "
	       "%ld unanswered; %ld reads, %ld SIGHUP\n",
	       c->round, x.count[SS_ACK], x.count[SS_REFUSED],
	       x.count[SS_UNANSWERED], x.reads, x.sighups);
	for (t = 0; t < SOAK_PROVIDERS; t++)
		free(x.mine[t]);
	model_free(&x.m);
	return x.surprises ? 1 : 0;
}
