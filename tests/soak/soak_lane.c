/* A lane: one connection of the load and its writes in flight
 * (soak_lane.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "civil.h"
#include "gen.h"
#include "soak_lane.h"

uint64_t lane_rnd(struct lane *l)
{
	l->rng = mix(l->rng + 0x9e3779b97f4a7c15ULL);
	return l->rng;
}

void lane_nap(struct lane *l, int lo_ms, int hi_ms)
{
	int ms = lo_ms + (int)(lane_rnd(l) % (uint64_t)(hi_ms - lo_ms + 1));
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

void load_surprise(struct load *x, const char *what, const char *line)
{
	pthread_mutex_lock(&x->mu);
	if (x->surprises++ < 10)
		fprintf(stderr, "soakload load: round %" PRId64 ": %s: %s\n",
		        x->c->round, what, line);
	pthread_mutex_unlock(&x->mu);
}

static void note(struct load *x, const struct soak_op *op)
{
	pthread_mutex_lock(&x->mu);
	soak_log_write(x->log, op);
	x->count[op->st]++;
	pthread_mutex_unlock(&x->mu);
	if (op->st == SS_ACK && op->want_refused)
		load_surprise(x, "acknowledged a write built to be refused",
		              op->reply);
	if (strncmp(op->reply, "ERR INTERNAL", 12) == 0)
		load_surprise(x, "the server failed", op->reply);
}

int lane_open(struct lane *l, struct load *x, int which, const char *id,
              const struct sig_key *k)
{
	memset(l, 0, sizeof(*l));
	l->x = x;
	l->rng = mix(x->c->seed * 1000003ULL + (uint64_t)x->c->round * 31 +
	             (uint64_t)which);
	/* the daemon is up (verify ran): one try; it may be killed now */
	l->s = soak_open(x->c->addr, id, k, k ? NULL : x->bureau_key, 0);
	l->dead = l->s == NULL;
	return l->dead ? -1 : 0;
}

void lane_die(struct lane *l)
{
	l->dead = 1;
	while (l->n > 0) {
		struct soak_op *op = &l->q[l->head];
		op->st = SS_UNANSWERED;
		note(l->x, op);
		l->head = (l->head + 1) % LANE_DEPTH;
		l->n--;
	}
}

int lane_send(struct lane *l, const struct soak_op *op, const char *bytes,
              size_t len)
{
	if (l->dead)
		return -1;
	l->q[(l->head + l->n) % LANE_DEPTH] = *op;
	l->n++;
	if (session_write(l->s, bytes, len) < 0) {
		lane_die(l);
		return -1;
	}
	return 0;
}

int lane_line(struct lane *l, const struct soak_op *op, const char *line)
{
	char buf[RECORD_LINE_MAX + 8];
	size_t n = strlen(line);

	if (n + 2 > sizeof(buf))
		return -1;
	memcpy(buf, line, n);
	buf[n++] = '\n';
	return lane_send(l, op, buf, n);
}

struct soak_op *lane_recv(struct lane *l)
{
	struct soak_op *op;
	struct reply r;
	const char *line;
	char st[16];

	if (l->n == 0)
		return NULL;
	if ((line = session_line(l->s)) == NULL) {
		lane_die(l);
		return NULL;
	}
	op = &l->done;
	*op = l->q[l->head];
	l->head = (l->head + 1) % LANE_DEPTH;
	l->n--;
	snprintf(op->reply, sizeof(op->reply), "%s", line);
	op->st = SS_REFUSED;
	if (reply_parse(line, strlen(line), &r) != 0)
		load_surprise(l->x, "a reply that does not parse", line);
	else if (r.kind == REPLY_OK)
		op->st = SS_ACK;
	if (op->st == SS_ACK) {
		reply_get_i64(&r, "seq", &op->seq);
		if (op->kind == SK_BATCH)
			reply_get_i64(&r, "accepted", &op->accepted);
		if (op->kind == SK_USAGE) {
			soak_get(&r, "status", st, sizeof(st));
			op->accepted = strcmp(st, "accepted") == 0;
		}
	}
	note(l->x, op);
	return op;
}

void lane_pace(struct lane *l, int depth, int lo_ms, int hi_ms)
{
	if (l->n < depth) {
		lane_nap(l, 0, 3);
		return;
	}
	while (l->n > 0 && lane_recv(l) != NULL)
		;
	lane_nap(l, lo_ms, hi_ms);
}

void lane_close(struct lane *l)
{
	while (l->n > 0 && lane_recv(l) != NULL)
		;
	soak_close(l->s);
	l->s = NULL;
}

int64_t lane_at(struct lane *l, int year)
{
	int64_t from = civil_to_days(year, 1, 1) * 86400 - 8 * 3600;
	int64_t span = (int64_t)time(NULL) - 600 - from;

	if (span > 360 * 86400LL)
		span = 360 * 86400LL;
	if (span < 1)
		span = 1;
	/* the first hour of the year in CST is the previous year in UTC:
	 * stay clear of either edge */
	return from + 3600 + (int64_t)(lane_rnd(l) % (uint64_t)span);
}

const struct soak_rec *lane_pick(struct lane *l, int p)
{
	const struct load *x = l->x;

	if (x->nmine[p] == 0)
		return NULL;
	return &x->m.rec[x->mine[p][lane_rnd(l) % x->nmine[p]]];
}

int lane_record(const struct soak_op *op, const struct soak_line *b,
                const char *klass, const struct sig_key *k, char *out,
                size_t size)
{
	struct record r;

	memset(&r, 0, sizeof(r));
	snprintf(r.provider, sizeof(r.provider), "%s", op->provider);
	snprintf(r.id, sizeof(r.id), "%s", b ? b->id : op->id);
	snprintf(r.org, sizeof(r.org), "%s", b ? b->org : op->org);
	r.at = b ? b->at : op->at;
	r.amount = b ? b->amount : op->amount;
	r.qty = 1;
	snprintf(r.unit, sizeof(r.unit), "gpu-hour");
	snprintf(r.klass, sizeof(r.klass), "%s", klass);
	return k ? record_sign(k, &r, out, size) : record_format(&r, out, size);
}

int lane_usage(struct lane *l, int p, const char *id, struct soak_op *op)
{
	const struct soak_rec *old = NULL;
	uint64_t r = lane_rnd(l) % 40;

	memset(op, 0, sizeof(*op));
	op->kind = SK_USAGE;
	soak_provider(p, op->provider);
	if (r < 2 && (old = lane_pick(l, p)) != NULL) {
		snprintf(op->id, sizeof(op->id), "%s", old->id);
		snprintf(op->org, sizeof(op->org), "%s", old->org);
		op->period = old->period;
		op->at = old->at;
		op->amount = old->amount + (r == 1);
		op->duplicate = r == 0;
		op->want_refused = r == 1;
		return 0;
	}
	snprintf(op->id, sizeof(op->id), "%s", id);
	soak_org((int)(lane_rnd(l) % SOAK_ORGS), op->org);
	op->period = l->x->year;
	op->at = lane_at(l, op->period);
	op->amount = 10000 + (int64_t)(lane_rnd(l) % 990000);
	op->want_refused = r == 2;
	return r == 2;
}

void lane_send_usage(struct lane *l, const struct sig_key *k,
                     const struct soak_op *op, const char *klass, int badsig)
{
	char line[RECORD_LINE_MAX];
	size_t n;

	if (lane_record(op, NULL, klass, k, line, sizeof(line)) < 0) {
		load_surprise(l->x, "cannot build a record", op->id);
		return;
	}
	n = strlen(line);
	if (badsig)
		line[n - 1] = line[n - 1] == '0' ? '1' : '0';
	lane_line(l, op, line);
}
int lane_voided(const struct lane_voids *v, const char *id)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->id[i], id) == 0)
			return 1;
	return 0;
}

int lane_void_add(struct lane_voids *v, const char *id)
{
	if (v->n == LANE_VOIDS)
		return -1;
	snprintf(v->id[v->n++], SOAK_ID, "%s", id);
	return 0;
}
