#include "check.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "carry.h"
#include "check_principals.h"
#include "check_records.h"
#include "check_rollup.h"
#include "err.h"
#include "figures.h"
#include "journal.h"
#include "money.h"
#include "num.h"
#include "rollup.h"
#include "civil.h"
#include "store.h"

struct check {
	struct ltx *t;
	const struct policy *pol;
	/* granted, redeemed, expired, revoked, period, clawback_due,
	 * paid_out, recovered */
	struct figures vouchers;
	/* granted, redeemed, expired, revoked, budget, budget journaled,
	 * paid_out, recovered */
	struct figures pools;
	/* prog|ben|period: the number of its newest voucher so far, the one
	 * a clawback entry of schema 3 (which names none) came through */
	struct figures newest;
	struct figures rows; /* basis, granted, applications */
	/* pool|period|day|program: the pools' figures as `pools` (paid_out
	 * and recovered too), moved on that CST day (rollup.h) */
	struct figures days;
	int32_t day; /* the CST day of the entry being replayed */
	struct cprincipals *principals;
	char *msg;
	size_t msglen;
	int bad;
	uint64_t usage_entries, records;
	uint64_t seq; /* the journal entry being replayed */
};

/* A number as journal_i64 writes it: an optional '-', then what
 * num_parse accepts. A malformed one is the checker's finding, never a 0:
 * it is reported in msg and the walk stops (1). */
static int jnum(struct check *c, const char *s, size_t n, const char *key,
                int64_t *out)
{
	size_t neg = n > 0 && s[0] == '-';
	const char *why;

	if (num_parse(s + neg, n - neg, 0, INT64_MAX, out, &why) < 0) {
		snprintf(c->msg, c->msglen, "journal entry %" PRIu64 ": %s: %s",
		         c->seq, key, why);
		c->bad = 1;
		return 1;
	}
	if (neg)
		*out = -*out;
	return 0;
}

/* The number under key, 0 when the entry has no such key (entries of
 * other types); 1 when it is malformed (reported). */
static int num(struct check *c, const char *e, size_t len, const char *key,
               int64_t *out)
{
	const char *v;
	size_t n;

	*out = 0;
	return journal_span(e, len, key, &v, &n) ? jnum(c, v, n, key, out) : 0;
}

/* "pool:part,pool:part" into pool figure i of period, each part times
 * sign, and into the day's figure of program prog */
static int add_parts(struct check *c, const char *parts, int64_t period, int i,
                     int sign, const char *prog)
{
	char key[FIGURES_KEY], day[FIGURES_KEY], pool[STORE_ID + 1];
	const char *p = parts;
	int64_t part;
	int neg, rc;

	while (*p && *p != '-') {
		const char *colon = strchr(p, ':');
		size_t l;
		if (colon == NULL || (l = (size_t)(colon - p)) > STORE_ID)
			return VD_EINTERNAL;
		memcpy(pool, p, l);
		pool[l] = '\0';
		snprintf(key, sizeof(key), "%s|%" PRId64, pool, period);
		snprintf(day, sizeof(day), "%s|%" PRId64 "|%" PRId32 "|%s",
		         pool, period, c->day, prog);
		/* with 3 or more pools a running total's part can move
		 * against the entry's direction (book_pools_move) */
		neg = colon[1] == '-';
		if ((rc =
		         jnum(c, colon + 1 + neg, strcspn(colon + 1 + neg, ","),
		              "pools", &part)) != 0 ||
		    (rc = figures_add(&c->pools, key, i,
		                      (neg ? -sign : sign) * part)) < 0 ||
		    (rc = figures_add(&c->days, day, i,
		                      (neg ? -sign : sign) * part)) < 0)
			return rc;
		p = strchr(colon, ',');
		if (p == NULL)
			break;
		p++;
	}
	return 0;
}

/* An accrual row's: proj is its project (book_row_project), "" for a
 * per-beneficiary program */
static int row_key(char *key, const char *prog, const char *ben,
                   const char *proj, int64_t period)
{
	return snprintf(key, FIGURES_KEY, "%s|%s|%s|%" PRId64, prog, ben, proj,
	                period);
}

/* An entry's project= ("" when absent) */
static void entry_project(const char *e, size_t len, const char *name,
                          char *proj)
{
	if (!journal_field(e, len, name, proj, STORE_ID + 1))
		proj[0] = '\0';
}

/* usage and void: the record's counted programs gain or lose its basis
 * (a net basis: less what vouchers had redeemed of it) on their rows of
 * the record's project */
static int counts(struct check *c, const char *list, const char *provider,
                  const char *org, const char *project, int64_t period,
                  int64_t amount, int64_t qty, int64_t redeemed, int sign)
{
	char key[FIGURES_KEY], prog[STORE_ID + 1];
	const char *p = list;
	int rc;

	while (*p && *p != '-') {
		const char *end = strchr(p, ',');
		size_t l = end ? (size_t)(end - p) : strlen(p);
		const struct policy_program *g;
		if (l < 3 || l - 2 > STORE_ID)
			return VD_EINTERNAL;
		memcpy(prog, p + 2, l - 2);
		prog[l - 2] = '\0';
		g = policy_program(c->pol, prog);
		if (g != NULL)
			row_key(key, prog, p[0] == 'c' ? org : provider,
			        book_row_project(g, project), period);
		if (g != NULL &&
		    (rc = figures_add(&c->rows, key, 0,
		                      sign * (g->basis == POLICY_QUANTITY ? qty
		                              : g->basis == POLICY_NET
		                                  ? amount - redeemed
		                                  : amount))) < 0)
			return rc;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return 0;
}

/* A redemption lowers the net basis of the programs its entry names
 * (net=, with the record's org and period). */
static int net_entry(struct check *c, const char *e, size_t len, int64_t amount)
{
	char list[1024], org[STORE_ID + 1], key[FIGURES_KEY],
	    proj[STORE_ID + 1];
	const char *p = list;
	int64_t period;
	int rc;

	if (!journal_field(e, len, "net", list, sizeof(list)))
		return 0;
	if (!journal_field(e, len, "org", org, sizeof(org)))
		return VD_EINTERNAL;
	entry_project(e, len, "record_project", proj);
	if ((rc = num(c, e, len, "record_period", &period)) != 0)
		return rc;
	while (*p) {
		size_t l = strcspn(p, ",");
		const struct policy_program *g;
		char prog[STORE_ID + 1];
		if (l == 0 || l > STORE_ID)
			return VD_EINTERNAL;
		memcpy(prog, p, l);
		prog[l] = '\0';
		/* a program since removed: its rows are not compared */
		if ((g = policy_program(c->pol, prog)) != NULL) {
			row_key(key, prog, org, book_row_project(g, proj),
			        period);
			if ((rc = figures_add(&c->rows, key, 0, -amount)) < 0)
				return rc;
		}
		p += l + (p[l] == ',');
	}
	return 0;
}

static int void_entry(struct check *c, const char *e, size_t len)
{
	char provider[STORE_ID + 1], id[STORE_ID + 1], org[STORE_ID + 1],
	    list[16384];
	struct book b = {c->t, NULL, 0};
	struct recrow r;
	int64_t period, redeemed;
	size_t n;
	int rc;

	if (!journal_field(e, len, "provider", provider, sizeof(provider)) ||
	    !journal_field(e, len, "id", id, sizeof(id)))
		return VD_EINTERNAL;
	if ((rc = num(c, e, len, "period", &period)) != 0 ||
	    (rc = num(c, e, len, "redeemed", &redeemed)) != 0)
		return rc;
	if ((rc = book_record(&b, provider, id, NULL, &r, org)) < 0) {
		/* said here: the replay stops, and the comparisons after it
		 * (which would name the row) never run */
		snprintf(c->msg, c->msglen,
		         "journal entry %" PRIu64
		         ": the record %s/%s it voids: "
		         "%s",
		         c->seq, provider, id,
		         rc == VD_ENOENT ? "not stored, or its provider or org "
		                           "unnumbered"
		                         : err_str(rc));
		c->bad = 1;
		return 1;
	}
	n = r.counts_len < sizeof(list) - 1 ? r.counts_len : sizeof(list) - 1;
	memcpy(list, r.counts, n);
	list[n] = '\0';
	return counts(c, list, provider, org, r.project, period, r.amount,
	              r.qty, redeemed, -1);
}

/* A grant, from its own entry or carried in a usage entry: its row's
 * net grant, its voucher's granted (its period and program noted, and
 * the newest voucher of the row), its pools' and the day's granted. */
static int grant(struct check *c, const char *vid, const char *prog,
                 const char *ben, const char *proj, int64_t period,
                 int64_t amount, const char *parts)
{
	char key[FIGURES_KEY];
	struct figures_slot *s;
	int rc;

	row_key(key, prog, ben, proj, period);
	if ((rc = figures_add(&c->rows, key, 1, amount)) < 0 ||
	    (rc = figures_add(&c->vouchers, vid, 0, amount)) < 0)
		return rc;
	s = figures_find(&c->vouchers, vid, 0);
	s->v[4] = period;
	snprintf(s->tag, sizeof(s->tag), "%s", prog);
	if ((s = figures_find(&c->newest, key, 1)) == NULL)
		return VD_ENOMEM;
	/* "V" and 12 digits (book.c's new_voucher_id) */
	if (vid[0] != 'V' || strlen(vid) != 13 ||
	    strspn(vid + 1, "0123456789") != 12)
		return VD_EINTERNAL;
	s->v[0] = strtoll(vid + 1, NULL, 10);
	return add_parts(c, parts, period, 0, 1, prog);
}

/* The grants a usage entry carries (grant1=, grant2=, ...: carry.h), as
 * grant entries would give them. A malformed one is a finding. */
static int carried(struct check *c, const char *e, size_t len)
{
	struct carry_grant g;
	char key[24];
	const char *v;
	size_t i, n;
	int64_t period, amount, unfunded;
	int rc;

	for (i = 1;; i++) {
		snprintf(key, sizeof(key), "grant%zu", i);
		if (!journal_span(e, len, key, &v, &n))
			return 0;
		if (carry_parse(v, n, &g) < 0) {
			snprintf(c->msg, c->msglen,
			         "journal entry %" PRIu64 ": %s: not a grant",
			         c->seq, key);
			c->bad = 1;
			return 1;
		}
		if ((rc = jnum(c, g.period, strlen(g.period), key, &period)) !=
		        0 ||
		    (rc = jnum(c, g.amount, strlen(g.amount), key, &amount)) !=
		        0 ||
		    (rc = jnum(c, g.unfunded, strlen(g.unfunded), key,
		               &unfunded)) != 0 ||
		    (rc = grant(c, g.voucher, g.program, g.beneficiary,
		                g.project, period, amount, g.pools)) != 0)
			return rc;
	}
}

static int replay(void *arg, uint64_t seq, const char *e, size_t len,
                  const uint8_t hash[32])
{
	struct check *c = arg;
	char type[16], vid[STORE_ID + 1], prog[STORE_ID + 1], ben[STORE_ID + 1],
	    proj[STORE_ID + 1], key[FIGURES_KEY], parts[1024], list[16384];
	int64_t amount, period, n;
	const struct policy_program *g;
	struct figures_slot *s;
	int rc = 0;

	(void)hash;
	c->seq = seq;
	{
		const char *tv;
		size_t tn;
		int64_t t = 0;
		if (!journal_span(e, len, "time", &tv, &tn) ||
		    civil_parse_utc(tv, tn, &t) < 0)
			return VD_EINTERNAL;
		c->day = rollup_day(t);
	}
	if ((rc = num(c, e, len, "amount", &amount)) != 0 ||
	    (rc = num(c, e, len, "period", &period)) != 0)
		return rc;
	if (!journal_field(e, len, "type", type, sizeof(type)))
		return VD_EINTERNAL;
	if ((rc = cprincipals_entry(c->principals, type, e, len, c->msg,
	                            c->msglen)) != 0) {
		c->bad = rc > 0;
		return rc;
	}
	if (!journal_field(e, len, "pools", parts, sizeof(parts)))
		parts[0] = '\0';
	/* a row's entries (grant ... lapse) name its project; usage and
	 * issue entries the record's or application's */
	entry_project(e, len, "project", proj);
	if (strcmp(type, "lapse") == 0) {
		/* no longer granted, and neither returned nor owed: it had
		 * gone back to the pools already */
		if (!journal_field(e, len, "program", prog, sizeof(prog)) ||
		    !journal_field(e, len, "beneficiary", ben, sizeof(ben)))
			return VD_EINTERNAL;
		row_key(key, prog, ben, proj, period);
		return figures_add(&c->rows, key, 1, -amount);
	}
	if (strcmp(type, "grant") == 0) {
		if (!journal_field(e, len, "program", prog, sizeof(prog)) ||
		    !journal_field(e, len, "beneficiary", ben, sizeof(ben)) ||
		    !journal_field(e, len, "voucher", vid, sizeof(vid)))
			return VD_EINTERNAL;
		return grant(c, vid, prog, ben, proj, period, amount, parts);
	}
	if (strcmp(type, "reduce") == 0 || strcmp(type, "clawback") == 0) {
		if (!journal_field(e, len, "program", prog, sizeof(prog)) ||
		    !journal_field(e, len, "beneficiary", ben, sizeof(ben)))
			return VD_EINTERNAL;
		row_key(key, prog, ben, proj, period);
		if ((rc = figures_add(&c->rows, key, 1, -amount)) < 0)
			return rc;
		if (type[0] == 'c') {
			/* owed back through a voucher: the one named, or
			 * (schema 3) the newest of the row (upgrade.h) */
			if (!journal_field(e, len, "voucher", vid,
			                   sizeof(vid))) {
				s = figures_find(&c->newest, key, 0);
				if (s == NULL)
					return VD_EINTERNAL;
				snprintf(vid, sizeof(vid), "V%012" PRId64,
				         s->v[0]);
			}
			return figures_add(&c->vouchers, vid, 5, amount);
		}
		if (!journal_field(e, len, "voucher", vid, sizeof(vid)) ||
		    (rc = figures_add(&c->vouchers, vid, 3, amount)) < 0)
			return rc < 0 ? rc : VD_EINTERNAL;
		return add_parts(c, parts, period, 3, 1, prog);
	}
	if (strcmp(type, "redeem") == 0 || strcmp(type, "expire") == 0 ||
	    strcmp(type, "revoke") == 0) {
		int i = type[0] == 'r' && type[2] == 'd' ? 1
		        : type[0] == 'e'                 ? 2
		                                         : 3;
		if (!journal_field(e, len, "voucher", vid, sizeof(vid)) ||
		    (s = figures_find(&c->vouchers, vid, 0)) == NULL)
			return VD_EINTERNAL;
		s->v[i] += amount;
		if (i == 1 && (rc = net_entry(c, e, len, amount)) != 0)
			return rc;
		if (i == 3) {
			/* a revoke: what left through it is owed back */
			if ((rc = num(c, e, len, "clawback", &n)) != 0)
				return rc;
			s->v[5] += n;
		}
		return add_parts(c, parts, s->v[4], i, 1, s->tag);
	}
	if (strcmp(type, "payout") == 0 || strcmp(type, "repay") == 0) {
		int out = type[0] == 'p';
		if (!journal_field(e, len, "voucher", vid, sizeof(vid)) ||
		    (s = figures_find(&c->vouchers, vid, 0)) == NULL)
			return VD_EINTERNAL;
		/* paid out; or repaid: no longer due, recovered */
		if (out)
			s->v[6] += amount;
		else {
			s->v[5] -= amount;
			s->v[7] += amount;
		}
		return add_parts(c, parts, s->v[4], out ? 6 : 7, 1, s->tag);
	}
	if (strcmp(type, "unredeem") == 0) {
		/* a voided record's redemption undone: back to the voucher,
		 * cancelling clawback due first (booked revoked), the rest
		 * to remaining or as it left (expired, revoked) */
		char to[16], cp[1024], lp[1024], rp[1024], fp[1024];
		int64_t cancel, lapse, refund;
		if (!journal_field(e, len, "voucher", vid, sizeof(vid)) ||
		    (s = figures_find(&c->vouchers, vid, 0)) == NULL ||
		    !journal_field(e, len, "lapse_to", to, sizeof(to)) ||
		    !journal_field(e, len, "cancel_pools", cp, sizeof(cp)) ||
		    !journal_field(e, len, "lapse_pools", lp, sizeof(lp)))
			return VD_EINTERNAL;
		if (!journal_field(e, len, "refund_pools", rp, sizeof(rp)))
			rp[0] = '\0';
		/* the revoked side of a refund has its own parts since the
		 * pools' figures became running totals; before, the same */
		if (!journal_field(e, len, "refund_revoked_pools", fp,
		                   sizeof(fp)))
			memcpy(fp, rp, sizeof(fp));
		if ((rc = num(c, e, len, "cancel", &cancel)) != 0 ||
		    (rc = num(c, e, len, "lapse", &lapse)) != 0 ||
		    (rc = num(c, e, len, "refund", &refund)) != 0)
			return rc;
		s->v[1] -= amount;
		s->v[5] -= cancel + refund;
		s->v[3] += cancel + refund;
		s->v[7] -= refund;
		if (refund &&
		    ((rc = add_parts(c, rp, s->v[4], 7, -1, s->tag)) != 0 ||
		     (rc = add_parts(c, fp, s->v[4], 3, 1, s->tag)) != 0))
			return rc;
		if (lapse)
			s->v[to[0] == 'e' ? 2 : 3] += lapse;
		if ((rc = add_parts(c, parts, s->v[4], 1, -1, s->tag)) != 0 ||
		    (rc = add_parts(c, cp, s->v[4], 3, 1, s->tag)) != 0)
			return rc;
		return lapse ? add_parts(c, lp, s->v[4], to[0] == 'e' ? 2 : 3,
		                         1, s->tag)
		             : 0;
	}
	if (strcmp(type, "budget") == 0) {
		char pool[STORE_ID + 1];
		if (!journal_field(e, len, "pool", pool, sizeof(pool)))
			return VD_EINTERNAL;
		if ((rc = num(c, e, len, "budget", &n)) != 0)
			return rc;
		snprintf(key, sizeof(key), "%s|%" PRId64, pool, period);
		if ((s = figures_find(&c->pools, key, 1)) == NULL)
			return VD_ENOMEM;
		s->v[4] = n;
		s->v[5] = 1;
		return 0;
	}
	if (strcmp(type, "usage") == 0) {
		char provider[STORE_ID + 1], org[STORE_ID + 1];
		c->usage_entries++;
		if (!journal_field(e, len, "provider", provider,
		                   sizeof(provider)) ||
		    !journal_field(e, len, "org", org, sizeof(org)) ||
		    !journal_field(e, len, "counts", list, sizeof(list)))
			return VD_EINTERNAL;
		if ((rc = num(c, e, len, "qty", &n)) != 0 ||
		    (rc = counts(c, list, provider, org, proj, period, amount,
		                 n, 0, 1)) != 0)
			return rc;
		return carried(c, e, len);
	}
	if (strcmp(type, "void") == 0)
		return void_entry(c, e, len);
	if (strcmp(type, "batch") == 0) {
		c->bad = (rc = crecords_batch(c->t, seq, e, len, c->msg,
		                              c->msglen)) > 0;
		return rc;
	}
	if (strcmp(type, "issue") == 0) {
		if (!journal_field(e, len, "program", prog, sizeof(prog)) ||
		    !journal_field(e, len, "org", ben, sizeof(ben)))
			return VD_EINTERNAL;
		g = policy_program(c->pol, prog);
		row_key(key, prog, ben, g ? book_row_project(g, proj) : proj,
		        period);
		if ((rc = num(c, e, len, "need", &n)) != 0 ||
		    (rc = figures_add(&c->rows, key, 0, n)) < 0)
			return rc;
		return figures_add(&c->rows, key, 2, amount);
	}
	return 0;
}

static int mismatch(struct check *c, const char *fmt, const char *what,
                    int64_t stored, int64_t rebuilt)
{
	snprintf(c->msg, c->msglen, fmt, what, stored, rebuilt);
	c->bad = 1;
	return 1;
}

static int cmp_voucher(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct check *c = arg;
	static const char *const names[8] = {
	    "granted", "redeemed",     "expired",  "revoked",
	    "",        "clawback_due", "paid_out", "recovered"};
	char id[STORE_ID + 1], what[STORE_ID + 32];
	struct book b = {c->t, c->pol, 0};
	struct voucher_row r;
	int64_t got[8];
	struct figures_slot *s;
	int i, rc;

	/* the voucher's id at its own length (schema 8) */
	if (store_key_tail_str(k, 0, id) < 0)
		return VD_EINTERNAL;
	if ((rc = book_voucher_at(&b, id, v, &r)) < 0)
		return rc;
	s = figures_find(&c->vouchers, id, 0);
	got[0] = r.granted;
	got[1] = r.redeemed;
	got[2] = r.expired;
	got[3] = r.revoked;
	got[4] = s ? s->v[4] : 0; /* the period: not a figure */
	got[5] = r.clawback_due;
	got[6] = r.paid_out;
	got[7] = r.recovered;
	for (i = 0; i < 8; i++)
		if (got[i] != (s ? s->v[i] : 0)) {
			snprintf(what, sizeof(what), "voucher %s %s", id,
			         names[i]);
			return mismatch(c,
			                "%s: %" PRId64 " stored, %" PRId64
			                " from the journal",
			                what, got[i], s ? s->v[i] : 0);
		}
	if (book_remaining(&r) < 0)
		return mismatch(c,
		                "%s: remaining %" PRId64 " < 0 (%" PRId64 ")",
		                id, book_remaining(&r), 0);
	/* owed back or repaid: never more than left through it */
	if (r.clawback_due + r.recovered > r.redeemed + r.paid_out)
		return mismatch(
		    c,
		    "%s: owed back and repaid %" PRId64
		    ", more than the %" PRId64 " that left through it",
		    id, r.clawback_due + r.recovered, r.redeemed + r.paid_out);
	if (s)
		s->seen = 1;
	return 0;
}

static int cmp_pool(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct check *c = arg;
	static const char *const names[8] = {"granted",  "redeemed", "expired",
	                                     "revoked",  "budget",   "fixed",
	                                     "paid_out", "recovered"};
	char pool[STORE_ID + 1], key[FIGURES_KEY], what[FIGURES_KEY + 16];
	struct pool_row r;
	int64_t got[8];
	struct figures_slot *s;
	int i;

	if (v->mv_size != sizeof(r) || k->mv_size != STORE_ID + 2)
		return VD_EINTERNAL;
	memcpy(&r, v->mv_data, sizeof(r));
	store_key_get_id(k->mv_data, pool);
	snprintf(key, sizeof(key), "%s|%u", pool,
	         store_get_u16((const uint8_t *)k->mv_data + STORE_ID));
	s = figures_find(&c->pools, key, 0);
	got[0] = r.granted;
	got[1] = r.redeemed;
	got[2] = r.expired;
	got[3] = r.revoked;
	/* a fixed budget is the one its budget entry journaled */
	got[4] = r.fixed ? r.budget : 0;
	got[5] = r.fixed;
	got[6] = r.paid_out;
	got[7] = r.recovered;
	for (i = 0; i < 8; i++)
		if (got[i] != (s ? s->v[i] : 0)) {
			snprintf(what, sizeof(what), "pool %s %s", key,
			         names[i]);
			return mismatch(c,
			                "%s: %" PRId64 " stored, %" PRId64
			                " from the journal",
			                what, got[i], s ? s->v[i] : 0);
		}
	if (s)
		s->seen = 1;
	return 0;
}

static int cmp_row(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct check *c = arg;
	char prog[STORE_ID + 1], ben[STORE_ID + 1], proj[STORE_ID + 1],
	    key[FIGURES_KEY], what[FIGURES_KEY + 16];
	const struct policy_program *g;
	struct book b = {c->t, c->pol, 0};
	struct acc_row r;
	int64_t earned;
	struct figures_slot *s;
	int32_t period;
	int rc;

	if (v->mv_size != sizeof(r))
		return VD_EINTERNAL;
	if ((rc = book_acc_key_parse(c->t, k->mv_data, k->mv_size, prog, ben,
	                             proj, &period)) < 0)
		return rc;
	memcpy(&r, v->mv_data, sizeof(r));
	row_key(key, prog, ben, proj, period);
	s = figures_find(&c->rows, key, 0);
	snprintf(what, sizeof(what), "accrual %s basis", key);
	/* a program no longer in the policy: the records' basis for it
	 * cannot be counted (its basis kind is gone), its row stays */
	g = policy_program(c->pol, prog);
	if (g != NULL && r.basis != (s ? s->v[0] : 0))
		return mismatch(
		    c, "%s: %" PRId64 " stored, %" PRId64 " from the records",
		    what, r.basis, s ? s->v[0] : 0);
	snprintf(what, sizeof(what), "accrual %s granted", key);
	if (r.granted != (s ? s->v[1] : 0))
		return mismatch(
		    c, "%s: %" PRId64 " stored, %" PRId64 " from the journal",
		    what, r.granted, s ? s->v[1] : 0);
	/* a lifetime program's due and a max_periods program's earned move
	 * with other periods' grants, which do not rewrite this row */
	if (g == NULL || g->cap_period == POLICY_LIFETIME || g->max_periods)
		return 0;
	if (g->settlement == POLICY_GRANT)
		earned = s ? s->v[2] : 0;
	else if ((rc = book_earned(&b, g, ben, proj, period, &earned)) < 0)
		return rc;
	snprintf(what, sizeof(what), "accrual %s earned", key);
	if (r.earned != earned)
		return mismatch(
		    c, "%s: %" PRId64 " stored, %" PRId64 " recomputed", what,
		    r.earned, earned);
	return 0;
}

static int unseen(struct check *c, struct figures *f, const char *what)
{
	size_t i;
	int j;

	for (i = 0; i < f->cap; i++) {
		if (!f->s[i].used || f->s[i].seen)
			continue;
		/* every figure but v[4] (a voucher's period; a pool's
		 * budget goes with v[5], its journaled flag) */
		for (j = 0; j < 8; j++)
			if (j != 4 && f->s[i].v[j] != 0) {
				snprintf(c->msg, c->msglen,
				         "%s %s: in the journal, not stored",
				         what, f->s[i].key);
				return 1;
			}
	}
	return 0;
}

/* What a check holds, let go (c->principals may be NULL). */
static void check_free(struct check *c)
{
	cprincipals_free(c->principals);
	free(c->vouchers.s);
	free(c->pools.s);
	free(c->rows.s);
	free(c->newest.s);
	free(c->days.s);
}

int ledger_check(struct ledger *l, char *msg, size_t msglen)
{
	struct check c;
	struct ltx t;
	uint64_t bad = 0;
	int rc;

	memset(&c, 0, sizeof(c));
	c.pol = ledger_policy(l);
	c.msg = msg;
	c.msglen = msglen;
	snprintf(msg, msglen, "ok");
	if (c.pol == NULL)
		return VD_EINVAL;
	if ((c.principals = cprincipals_new()) == NULL)
		return VD_ENOMEM;
	if ((rc = ltx_begin(ledger_store(l), NULL, 1, &t)) < 0) {
		cprincipals_free(c.principals);
		return rc;
	}
	c.t = &t;
	rc = journal_verify(&t, &bad);
	if (rc == VD_EINTERNAL) {
		snprintf(msg, msglen,
		         "journal entry %" PRIu64 ": hash chain broken", bad);
		goto out;
	}
	if (rc < 0 || (rc = journal_read(&t, 0, 0, replay, &c)) < 0)
		goto out;
	/* a malformed entry stops the replay: nothing to compare with */
	if (!c.bad && (rc = ltx_walk(&t, DB_VOUCHERS, NULL, 0, NULL, 0,
	                             cmp_voucher, &c)) < 0)
		goto out;
	if (!c.bad &&
	    (rc = ltx_walk(&t, DB_POOLS, NULL, 0, NULL, 0, cmp_pool, &c)) < 0)
		goto out;
	if (!c.bad && (rc = crollup_compare(&t, &c.days, msg, msglen)) != 0) {
		if (rc < 0)
			goto out;
		c.bad = 1;
	}
	if (!c.bad &&
	    (rc = ltx_walk(&t, DB_ACCRUAL, NULL, 0, NULL, 0, cmp_row, &c)) < 0)
		goto out;
	if (!c.bad &&
	    (rc = crecords_compare(&t, &c.records, msg, msglen)) != 0) {
		if (rc < 0)
			goto out;
		c.bad = 1;
	}
	/* a record is stored exactly when its usage entry is journaled */
	if (!c.bad && c.records != c.usage_entries) {
		snprintf(msg, msglen,
		         "%" PRIu64 " records stored, %" PRIu64
		         " usage entries in the journal",
		         c.records, c.usage_entries);
		c.bad = 1;
	}
	if (!c.bad &&
	    (unseen(&c, &c.vouchers, "voucher") ||
	     unseen(&c, &c.pools, "pool") || unseen(&c, &c.days, "rollup")))
		c.bad = 1;
	/* every principal as its register, amend, suspend, reinstate and
	 * rekey entries leave it */
	if (!c.bad &&
	    (rc = cprincipals_compare(c.principals, &t, msg, msglen)) != 0) {
		if (rc < 0)
			goto out;
		c.bad = 1;
	}
	rc = c.bad ? VD_EINTERNAL : 0;
out:
	ltx_abort(&t);
	check_free(&c);
	return rc;
}

int ledger_rollup_rebuild(struct ltx *t, const struct policy *pol, int64_t now,
                          char *msg, size_t msglen)
{
	struct check c;
	int rc;

	/* no policy ever loaded: nothing ever drew on a pool */
	if (pol == NULL)
		return 0;
	memset(&c, 0, sizeof(c));
	c.pol = pol;
	c.t = t;
	c.msg = msg;
	c.msglen = msglen;
	if ((c.principals = cprincipals_new()) == NULL)
		return VD_ENOMEM;
	rc = journal_read(t, 0, 0, replay, &c);
	if (rc == 0 && c.bad)
		rc = VD_EINTERNAL;
	if (rc == 0)
		rc = crollup_write(t, pol, &c.days, now);
	check_free(&c);
	return rc;
}
