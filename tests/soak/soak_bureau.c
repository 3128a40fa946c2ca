/* The bureau's threads of the load: the round's settlement slot and
 * voids, policy reloads, reads (soak_lane.h). */
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "soak_lane.h"

/* The round's settlement slot: program R mod 24 and a past year, a new
 * (program, period) each round while years last (soak.ini). */
static int slot_of(int64_t round, int year, char program[SOAK_ID])
{
	snprintf(program, SOAK_ID, "soak-annual-%02d",
	         (int)(round % SOAK_ANNUAL));
	return year - 1 - (int)(round / SOAK_ANNUAL);
}

static void settle_op(struct lane *l, const char *program, int period, int bad)
{
	struct soak_op op;
	char line[200];

	memset(&op, 0, sizeof(op));
	op.kind = SK_SETTLE;
	snprintf(op.program, sizeof(op.program), "%s", program);
	op.period = period;
	op.want_refused = bad;
	snprintf(line, sizeof(line), "SETTLE program=%s period=%d", program,
	         period);
	lane_line(l, &op, line);
	lane_recv(l);
}

/* sp3 reports bills of the slot's class and year; the bureau previews
 * the settlement (dry=1), settles it, and checks that a bill and a
 * settlement after it are CLOSED; it settles the slot of the round
 * before if that one never was; then, until the end, bureau VOIDs of
 * sp0's and sp1's records and previews of slots settled before. */
void bureau_settle(struct load *x)
{
	struct sig_key *k = seed_key("soak-provider", 3);
	static __thread struct lane_voids voided;
	struct lane p, b;
	struct soak_op op;
	char program[SOAK_ID], klass[8], line[400];
	int period = slot_of(x->c->round, x->year, program), i, settled = 0;
	long n = 0;

	voided.n = 0;
	snprintf(klass, sizeof(klass), "s%02d",
	         (int)(x->c->round % SOAK_ANNUAL));
	if (lane_open(&p, x, 3, "sp3", k) < 0 ||
	    lane_open(&b, x, 4, "bureau", NULL) < 0)
		goto out;
	for (i = 0; period >= 1970 && i < 3 + (int)(lane_rnd(&p) % 4); i++) {
		memset(&op, 0, sizeof(op));
		op.kind = SK_USAGE;
		snprintf(op.provider, sizeof(op.provider), "sp3");
		snprintf(op.id, sizeof(op.id), "s%" PRId64 "-%ld", x->c->round,
		         n++);
		soak_org((int)(lane_rnd(&p) % SOAK_ORGS), op.org);
		op.period = period;
		op.at = lane_at(&p, period);
		op.amount = 10000 + (int64_t)(lane_rnd(&p) % 990000);
		lane_send_usage(&p, k, &op, klass, 0);
	}
	while (p.n > 0 && lane_recv(&p) != NULL)
		;
	if (period >= 1970) {
		snprintf(line, sizeof(line),
		         "SETTLE program=%s period=%d dry=1", program, period);
		if (soak_req(b.s, line) == NULL)
			goto out;
		__atomic_add_fetch(&x->reads, 1, __ATOMIC_RELAXED);
		settle_op(&b, program, period, 0);
		settled = b.done.st == SS_ACK;
	}
	if (settled) {
		memset(&op, 0, sizeof(op));
		op.kind = SK_USAGE;
		snprintf(op.provider, sizeof(op.provider), "sp3");
		snprintf(op.id, sizeof(op.id), "s%" PRId64 "-%ld", x->c->round,
		         n++);
		soak_org(0, op.org);
		op.period = period;
		op.at = lane_at(&p, period);
		op.amount = 12345;
		op.want_refused = 1; /* CLOSED: its slot is settled */
		lane_send_usage(&p, k, &op, klass, 0);
		lane_recv(&p);
		settle_op(&b, program, period, 1);
	}
	period = slot_of(x->c->round - 1, x->year, program);
	if (x->c->round > 1 && period >= 1970 &&
	    !model_has_slot(&x->m, program, period))
		settle_op(&b, program, period, 0);
	while (!b.dead && now() < x->until) {
		const struct soak_rec *rec =
		    lane_pick(&b, (int)(lane_rnd(&b) % 2));
		lane_nap(&b, 60, 200);
		if (lane_rnd(&b) % 2 == 0 && x->m.nslot > 0) {
			const struct soak_slot *s =
			    &x->m.slot[lane_rnd(&b) % x->m.nslot];
			const char *l;
			snprintf(line, sizeof(line),
			         "SETTLE program=%s period=%d dry=1",
			         s->program, s->period);
			if ((l = soak_req(b.s, line)) == NULL)
				break;
			__atomic_add_fetch(&x->reads, 1, __ATOMIC_RELAXED);
			if (strncmp(l, "ERR CLOSED", 10) != 0)
				load_surprise(x, "a settled slot's preview", l);
			continue;
		}
		if (rec == NULL || lane_voided(&voided, rec->id) ||
		    lane_void_add(&voided, rec->id) < 0) {
			/* nothing to void: still notice the daemon's death */
			if (soak_req(b.s, "PING") == NULL)
				break;
			continue;
		}
		memset(&op, 0, sizeof(op));
		op.kind = SK_VOID;
		snprintf(op.provider, sizeof(op.provider), "%s", rec->provider);
		snprintf(op.id, sizeof(op.id), "%s", rec->id);
		snprintf(
		    line, sizeof(line),
		    "VOID provider=%s id=%s reason=soak%%20by%%20the%%20bureau",
		    rec->provider, rec->id);
		/* the model's records of sp0 and sp1 are voided only here */
		if (lane_line(&b, &op, line) == 0)
			lane_recv(&b);
	}
out:
	lane_close(&p);
	lane_close(&b);
	sig_key_free(k);
}

/* The bureau swaps pool.ini between its two variants and reloads:
 * RELOAD, or SIGHUP one time in four when vouchd's pid is known. */
void bureau_reload(struct load *x)
{
	struct soak_op op;
	struct lane l;
	int v = soak_read_pool(x->pol);

	if (lane_open(&l, x, 5, "bureau", NULL) == 0)
		while (!l.dead && now() < x->until) {
			lane_nap(&l, 100, 400);
			v = v == 1 ? 0 : 1;
			if (soak_write_pool(x->pol, v) < 0) {
				load_surprise(x, "cannot write", x->pol);
				break;
			}
			if (x->c->pid > 0 && lane_rnd(&l) % 4 == 0) {
				kill(x->c->pid, SIGHUP);
				x->sighups++;
				continue;
			}
			memset(&op, 0, sizeof(op));
			op.kind = SK_RELOAD;
			op.variant = v;
			lane_line(&l, &op, "RELOAD");
			lane_recv(&l);
		}
	lane_close(&l);
}

/* The bureau's reads, one at a time: any ERR but a settled slot's
 * CLOSED is a load_surprise. */
void bureau_read(struct load *x)
{
	struct lane l;
	char line[200];
	const char *rep;

	if (lane_open(&l, x, 6, "bureau", NULL) < 0)
		return;
	while (now() < x->until) {
		int o = (int)(lane_rnd(&l) % SOAK_ORGS);
		switch (lane_rnd(&l) % 9) {
		case 0:
			snprintf(line, sizeof(line), "POOL");
			break;
		case 1:
			snprintf(line, sizeof(line),
			         "POOL pool=soak period=%d by=program",
			         x->year);
			break;
		case 2:
			snprintf(line, sizeof(line), "BALANCE org=so%d", o);
			break;
		case 3:
			snprintf(line, sizeof(line),
			         "ACCRUAL org=so%d period=%d", o, x->year);
			break;
		case 4:
			snprintf(line, sizeof(line),
			         "RECORDS org=so%d period=%d limit=20", o,
			         x->year);
			break;
		case 5:
			snprintf(line, sizeof(line), "RECEIVABLES");
			break;
		case 6:
			snprintf(line, sizeof(line), "CHECKPOINT");
			break;
		case 7:
			snprintf(line, sizeof(line),
			         "JOURNAL after=%" PRIu64 " limit=5",
			         x->m.head > 5 ? lane_rnd(&l) % (x->m.head - 5)
			                       : 0);
			break;
		default:
			snprintf(
			    line, sizeof(line),
			    "SETTLE program=soak-annual-%02d period=%d dry=1",
			    (int)(lane_rnd(&l) % SOAK_ANNUAL), x->year);
		}
		if ((rep = soak_req(l.s, line)) == NULL)
			break;
		__atomic_add_fetch(&x->reads, 1, __ATOMIC_RELAXED);
		if (strncmp(rep, "OK", 2) != 0 &&
		    strncmp(rep, "ERR CLOSED", 10) != 0)
			load_surprise(x, line, rep);
		lane_nap(&l, 2, 10);
	}
	lane_close(&l);
}