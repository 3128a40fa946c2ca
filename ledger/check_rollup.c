#include "check_rollup.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accrual.h"
#include "book.h"
#include "err.h"
#include "rollup.h"

/* The flows: where each is in a rollup row and in the days' slots. */
static const struct {
	const char *name;
	int i;
	size_t off;
} flows[] = {{"granted", 0, offsetof(struct ledger_flows, granted)},
             {"redeemed", 1, offsetof(struct ledger_flows, redeemed)},
             {"expired", 2, offsetof(struct ledger_flows, expired)},
             {"revoked", 3, offsetof(struct ledger_flows, revoked)},
             {"paid_out", 6, offsetof(struct ledger_flows, paid_out)},
             {"recovered", 7, offsetof(struct ledger_flows, recovered)}};
#define NFLOWS (sizeof(flows) / sizeof(flows[0]))

struct cmp {
	struct figures *days;
	struct figures unfunded; /* pool|period: the rows' sum */
	char *msg;
	size_t len;
	int bad;
};

static int cmp_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct cmp *c = arg;
	char pool[STORE_ID + 1], prog[STORE_ID + 1], key[FIGURES_KEY];
	struct figures_slot *s;
	struct ledger_flows r;
	int32_t period, day;
	size_t i;

	if (v->mv_size != sizeof(r) ||
	    rollup_key_parse(k->mv_data, k->mv_size, pool, &period, &day,
	                     prog) < 0)
		return VD_EINTERNAL;
	memcpy(&r, v->mv_data, sizeof(r));
	snprintf(key, sizeof(key), "%s|%" PRId32 "|%" PRId32 "|%s", pool,
	         period, day, prog);
	s = figures_find(c->days, key, 0);
	for (i = 0; i < NFLOWS; i++) {
		int64_t got, want = s ? s->v[flows[i].i] : 0;
		memcpy(&got, (const char *)&r + flows[i].off, sizeof(got));
		if (got != want) {
			snprintf(c->msg, c->len,
			         "rollup %s %s: %" PRId64 " stored, %" PRId64
			         " from the journal",
			         key, flows[i].name, got, want);
			c->bad = 1;
			return 1;
		}
	}
	if (s)
		s->seen = 1;
	snprintf(key, sizeof(key), "%s|%" PRId32, pool, period);
	return figures_add(&c->unfunded, key, 0, r.unfunded);
}

/* Each (pool, period)'s summed unfunded changes against its pool row:
 * the rows' unfunded, which book_set_unfunded keeps. */
static int cmp_unfunded(struct ltx *t, struct cmp *c)
{
	struct book b = {t, NULL, 0};
	struct pool_row row;
	size_t i;
	int rc;

	for (i = 0; i < c->unfunded.cap; i++) {
		struct figures_slot *s = &c->unfunded.s[i];
		char *bar;
		if (!s->used)
			continue;
		if ((bar = strchr(s->key, '|')) == NULL)
			return VD_EINTERNAL;
		*bar = '\0';
		rc = book_pool_get(&b, s->key,
		                   (int32_t)strtol(bar + 1, NULL, 10), &row);
		*bar = '|';
		if (rc < 0)
			return rc;
		if (row.unfunded != s->v[0]) {
			snprintf(c->msg, c->len,
			         "rollup %s unfunded: %" PRId64
			         " over its days, the pool row has %" PRId64,
			         s->key, s->v[0], row.unfunded);
			return 1;
		}
	}
	return 0;
}

int crollup_compare(struct ltx *t, struct figures *days, char *msg, size_t len)
{
	struct cmp c = {days, {NULL, 0, 0}, msg, len, 0};
	int rc;

	rc = ltx_walk(t, DB_ROLLUP, NULL, 0, NULL, 0, cmp_one, &c);
	if (rc == 0)
		rc = c.bad ? 1 : cmp_unfunded(t, &c);
	free(c.unfunded.s);
	return rc;
}

struct unf {
	struct ltx *t;
	const struct policy *pol;
	int32_t day;
};

static int unfunded_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct unf *u = arg;
	char prog[STORE_ID + 1], ben[STORE_ID + 1];
	int64_t parts[POLICY_MAX_SHARES];
	const struct policy_program *g;
	struct acc_row r;
	int32_t period;
	size_t i;
	int rc;

	if (v->mv_size != sizeof(r) ||
	    book_acc_key_parse(u->t, k->mv_data, k->mv_size, prog, ben, NULL,
	                       &period) < 0)
		return VD_EINTERNAL;
	memcpy(&r, v->mv_data, sizeof(r));
	/* a program since removed has no shares to split by (pools.h) */
	if (r.unfunded == 0 || (g = policy_program(u->pol, prog)) == NULL)
		return 0;
	if ((rc = accrual_split(g, r.unfunded, parts)) < 0)
		return rc;
	for (i = 0; i < g->nshares; i++)
		if ((rc = rollup_add_on(
		         u->t, u->pol->pools[g->shares[i].pool].id, period,
		         u->day, prog, offsetof(struct ledger_flows, unfunded),
		         parts[i])) < 0)
			return rc;
	return 0;
}

int crollup_write(struct ltx *t, const struct policy *pol,
                  const struct figures *days, int64_t now)
{
	struct unf u = {t, pol, rollup_day(now)};
	size_t i, j;
	int rc;

	for (i = 0; i < days->cap; i++) {
		const struct figures_slot *s = &days->s[i];
		char pool[STORE_ID + 1], prog[STORE_ID + 1];
		int period, day, n = 0;
		if (!s->used)
			continue;
		if (sscanf(s->key, "%64[^|]|%d|%d|%n", pool, &period, &day,
		           &n) != 3 ||
		    n == 0 || strlen(s->key + n) > STORE_ID)
			return VD_EINTERNAL;
		snprintf(prog, sizeof(prog), "%s", s->key + n);
		for (j = 0; j < NFLOWS; j++)
			if ((rc = rollup_add_on(t, pool, period, day, prog,
			                        flows[j].off,
			                        s->v[flows[j].i])) < 0)
				return rc;
	}
	return pol ? ltx_walk(t, DB_ACCRUAL, NULL, 0, NULL, 0, unfunded_one, &u)
	           : 0;
}
