#include "group.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accrual.h"
#include "err.h"
#include "money.h"

/* One accrual row taking part in a group's computation. */
struct unit {
	size_t member; /* index into the group's programs */
	char proj[STORE_ID + 1];
	struct acc_row row, orig;
	struct book_acc_at at; /* where row is: written back there */
	int64_t earned, granted;
	int64_t share; /* what the row is to be granted now */
	int64_t over;  /* what it is to give back (plan_share) */
};

/* A group (or a lone program) for one beneficiary and period. */
struct plan {
	const struct policy_group *grp;
	const int *idx;
	int single;
	size_t n;
	struct accrual_member m[POLICY_MAX_PROGRAMS];
	size_t first[POLICY_MAX_PROGRAMS + 1]; /* member i's units */
	struct unit *u;
	size_t nu, cap;
	int64_t ent;
};

/* A new row of the plan in *out: 0, VD_ELIMIT past GROUP_UNITS_MAX rows,
 * or VD_ENOMEM. */
static int unit_add(struct plan *p, size_t member, const char *proj,
                    struct unit **out)
{
	struct unit *u;

	if (p->nu == GROUP_UNITS_MAX)
		return VD_ELIMIT;
	if (p->nu == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 8;
		void *q = realloc(p->u, nc * sizeof(*p->u));
		if (q == NULL)
			return VD_ENOMEM;
		p->u = q;
		p->cap = nc;
	}
	u = &p->u[p->nu++];
	memset(u, 0, sizeof(*u));
	u->member = member;
	snprintf(u->proj, sizeof(u->proj), "%s", proj);
	*out = u;
	return 0;
}

/* Whether member program g of the plan takes part with all its
 * projects' rows (a per-project program in a group per beneficiary). */
static int every_project(const struct plan *p, const struct policy_program *g)
{
	return p->grp != NULL && p->grp->per == POLICY_PER_BENEFICIARY &&
	       g->per == POLICY_PER_PROJECT;
}

struct walk {
	struct plan *p;
	size_t member;
	int32_t period;
	int err;
};

static int rows_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct walk *w = arg;
	char prog[STORE_ID + 1], proj[STORE_ID + 1];
	struct unit *u;
	int32_t period;
	int rc;

	/* one beneficiary's range: its number is not looked up */
	if ((rc = book_acc_key_parse(NULL, k->mv_data, k->mv_size, prog, NULL,
	                             proj, &period)) < 0)
		return rc;
	if (v->mv_size != sizeof(struct acc_row))
		return VD_EINTERNAL;
	if (period != w->period)
		return 0;
	if ((rc = unit_add(w->p, w->member, proj, &u)) < 0)
		return rc;
	memcpy(&u->row, v->mv_data, sizeof(u->row));
	/* the walk's key is where the row is (BOOK_ACC_KEY at most: it
	 * parsed) */
	memcpy(u->at.k, k->mv_data, k->mv_size);
	u->at.n = k->mv_size;
	return 0;
}

/* What grp's programs granted ben in periods other than period, when the
 * group has a lifetime cap (0 otherwise, and for grp NULL): the part of
 * the cap already used, per project for a group per project. */
static int other_periods(struct book *b, const struct plan *p, const char *ben,
                         const char *project, int32_t period, int64_t *other)
{
	const struct policy_group *grp = p->grp;
	int64_t basis, granted, earned;
	size_t i;
	int rc;

	*other = 0;
	if (grp == NULL || grp->cap == POLICY_NO_CAP ||
	    grp->cap_period != POLICY_LIFETIME)
		return 0;
	for (i = 0; i < grp->nprograms; i++) {
		const struct policy_program *g =
		    &b->pol->programs[grp->programs[i]];
		if ((rc = book_lifetime(b, g->id, ben,
		                        every_project(p, g)
		                            ? NULL
		                            : book_row_project(g, project),
		                        period, &basis, &granted, &earned)) < 0)
			return rc;
		*other += granted;
	}
	return 0;
}

/* Read every row of the plan and work out the entitlement and each
 * member's delta (accrual_group). */
static int plan_build(struct book *b, struct plan *p, int prog, const char *ben,
                      const char *project, int32_t period)
{
	const struct policy_program *g = &b->pol->programs[prog];
	int64_t other;
	size_t i, j;
	int rc;

	memset(p, 0, sizeof(*p));
	p->single = prog;
	p->idx = &p->single;
	p->n = 1;
	if (g->group != POLICY_NO_GROUP) {
		p->grp = &b->pol->groups[g->group];
		p->idx = p->grp->programs;
		p->n = p->grp->nprograms;
	}
	for (i = 0; i < p->n; i++) {
		const struct policy_program *q = &b->pol->programs[p->idx[i]];
		p->first[i] = p->nu;
		if (every_project(p, q)) {
			struct walk w = {p, i, period, 0};
			uint8_t k[BOOK_ACC_KEY];
			size_t n;
			if ((rc = book_acc_prefix(b->t, k, &n, ben, q->id)) <
			        0 ||
			    (rc = ltx_walk(b->t, DB_ACCRUAL, k, n, NULL, 0,
			                   rows_one, &w)) < 0)
				return rc;
		} else {
			struct unit *u;
			if ((rc = unit_add(p, i, book_row_project(q, project),
			                   &u)) < 0)
				return rc;
			if ((rc = book_acc_find(b, q->id, ben, u->proj, period,
			                        &u->row, &u->at)) < 0)
				return rc;
		}
		p->m[i].earned = p->m[i].granted = 0;
		for (j = p->first[i]; j < p->nu; j++) {
			struct unit *u = &p->u[j];
			/* the row just read serves the earned amount too */
			if ((rc = book_earned_row(b, q, ben, u->proj, period,
			                          &u->row, &u->earned)) < 0)
				return rc;
			u->orig = u->row;
			u->granted = u->row.granted > 0 ? u->row.granted : 0;
			if (q->settlement != POLICY_GRANT)
				u->row.earned = u->earned;
			if ((rc = money_add(p->m[i].earned, u->earned,
			                    &p->m[i].earned)) < 0 ||
			    (rc = money_add(p->m[i].granted, u->granted,
			                    &p->m[i].granted)) < 0)
				return rc;
		}
	}
	p->first[p->n] = p->nu;
	if ((rc = other_periods(b, p, ben, project, period, &other)) < 0 ||
	    (rc = accrual_group(p->grp, p->m, p->n, other, &p->ent)) < 0)
		return rc;
	return 0;
}

/* Whether member i is a per-project program taking part with several
 * rows whose grants follow its allocation (not a grant program, whose
 * rows are granted by their applications only). */
static int shared(const struct book *b, const struct plan *p, size_t i)
{
	return p->first[i + 1] - p->first[i] > 1 &&
	       b->pol->programs[p->idx[i]].settlement != POLICY_GRANT;
}

/* Member i's rows' part of what the group gives it, once cut (what the
 * member gives back) is known. A lone row takes the member's delta.
 * Several rows of a grant program: the application's row (app, NULL for
 * none) first, then the others in project-id order, each up to what it
 * earned above its grants (what a row is due and not granted is its
 * unmet demand). Several rows of any other program: the member's
 * allocation (what it keeps plus its delta) is shared in project-id
 * order, each row up to what it earned, whatever order the records came
 * in; a row above its part gives the rest back (over), a row below is
 * granted the difference (share). */
static void plan_share(const struct book *b, struct plan *p, size_t i,
                       int64_t cut, const char *app)
{
	size_t j, lo = p->first[i], hi = p->first[i + 1];
	int64_t left;

	if (hi - lo == 1) {
		p->u[lo].share = p->m[i].delta;
		return;
	}
	if (!shared(b, p, i)) {
		left = p->m[i].delta;
		for (j = lo; j < hi && app != NULL; j++)
			if (strcmp(p->u[j].proj, app) == 0) {
				struct unit *u = &p->u[j];
				int64_t room = u->earned - u->granted;
				u->share = room <= 0     ? 0
				           : room < left ? room
				                         : left;
				left -= u->share;
			}
		for (j = lo; j < hi && left > 0; j++) {
			struct unit *u = &p->u[j];
			int64_t room = u->earned - u->granted - u->share;
			int64_t s = room <= 0 ? 0 : room < left ? room : left;
			u->share += s;
			left -= s;
		}
		return;
	}
	left = p->m[i].granted - cut + p->m[i].delta;
	for (j = lo; j < hi; j++) {
		struct unit *u = &p->u[j];
		int64_t part = u->earned <= 0     ? 0
		               : u->earned < left ? u->earned
		                                  : left;
		/* accrual_group gives a member no more than its rows earned;
		 * the last row keeps anything beyond, never lost */
		if (j == hi - 1)
			part = left;
		left -= part;
		if (u->granted > part)
			u->over = u->granted - part;
		else
			u->share = part - u->granted;
	}
}

/* A reduce or clawback entry: what comes off (program, ben, project,
 * period). */
static int journal_cut(struct book *b, const char *type, const char *vid,
                       const struct policy_program *g, const char *ben,
                       const char *proj, int32_t period, int64_t amount,
                       const char *pools)
{
	struct jfields fields, *f = &fields;

	journal_fields_init(f);
	if (vid != NULL)
		journal_str(f, "voucher", vid);
	journal_str(f, "program", g->id);
	journal_str(f, "beneficiary", ben);
	if (proj[0])
		journal_str(f, "project", proj);
	journal_i64(f, "period", period);
	journal_i64(f, "amount", amount);
	if (pools != NULL)
		journal_str(f, "pools", pools);
	return journal_append(b->t, b->now, type, f, NULL);
}

/* The vouchers of (program, ben, project, period), newest first: a grant
 * program has one per application, another program one (and before
 * schema 4 a new one after a revoke). */
struct vlist {
	const char *prog, *proj;
	int32_t period;
	char id[16][BOOK_VID];
	size_t n;
};

static int vlist_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct vlist *l = arg;
	struct voucher_row r;
	char id[STORE_ID + 1];

	/* (the beneficiary's number, id) */
	if (v->mv_size != sizeof(r) || store_key_tail_str(k, 4, id) < 0)
		return VD_EINTERNAL;
	memcpy(&r, v->mv_data, sizeof(r));
	if (r.period != l->period || strcmp(r.program, l->prog) != 0 ||
	    strcmp(r.project, l->proj) != 0)
		return 0;
	if (strlen(id) >= BOOK_VID)
		return VD_EINTERNAL;
	/* ids grow: keep the newest 16 */
	if (l->n == 16) {
		memmove(l->id[0], l->id[1], 15 * sizeof(l->id[0]));
		l->n--;
	}
	memcpy(l->id[l->n++], id, strlen(id) + 1);
	return 0;
}

/* Take cut back from what program g granted ben's row of proj in
 * period: off the remaining of its vouchers, the newest first (booked as
 * revoked, back to the pools), the rest a clawback due. */
static int reduce(struct book *b, const struct policy_program *g,
                  const char *ben, const char *proj, int32_t period,
                  int64_t cut, struct acc_row *acc)
{
	struct vlist l = {g->id, proj, period, {{0}}, 0};
	struct voucher_row old, v;
	int64_t take = 0, t;
	uint8_t k[4];
	char parts[512];
	size_t i, n = 0;
	int rc;

	/* the beneficiary has a granted row: it is registered */
	if ((rc = pno_key(b->t, k, &n, ben)) < 0)
		return rc == VD_ENOENT ? VD_EINTERNAL : rc;
	if ((rc = ltx_walk(b->t, DB_VOUCHERS_BY, k, n, NULL, 0, vlist_one,
	                   &l)) < 0)
		return rc;
	for (i = l.n; i-- > 0 && take < cut;) {
		if ((rc = book_voucher_get_of(b, ben, l.id[i], &old)) < 0)
			return rc;
		if (old.status != V_ACTIVE)
			continue;
		v = old;
		t = book_remaining(&v) < cut - take ? book_remaining(&v)
		                                    : cut - take;
		if (t <= 0)
			continue;
		take += t;
		if ((rc = book_pools_move(
		         b, g, period, offsetof(struct pool_row, revoked),
		         &v.revoked, t, parts, sizeof(parts))) < 0)
			return rc;
		if (book_remaining(&v) == 0)
			v.status = V_SPENT;
		if ((rc = book_voucher_put(b, l.id[i], &old, &v)) < 0 ||
		    (rc = journal_cut(b, "reduce", l.id[i], g, ben, proj,
		                      period, t, parts)) < 0)
			return rc;
	}
	acc->granted -= cut;
	/* the rest is owed back, as far as it left through the vouchers
	 * (redeemed, paid out), the newest first; beyond that it had
	 * returned to the pools already and lapses */
	for (i = l.n; i-- > 0 && take < cut;) {
		if ((rc = book_voucher_get_of(b, ben, l.id[i], &old)) < 0)
			return rc;
		v = old;
		t = book_clawback_room(&v);
		if (t > cut - take)
			t = cut - take;
		if (t <= 0)
			continue;
		v.clawback_due += t;
		take += t;
		if ((rc = book_voucher_put(b, l.id[i], &old, &v)) < 0 ||
		    (rc = journal_cut(b, "clawback", l.id[i], g, ben, proj,
		                      period, t, NULL)) < 0)
			return rc;
	}
	/* the net grant falls by all of cut: what lapses is said too */
	if (take < cut)
		return journal_cut(b, "lapse", NULL, g, ben, proj, period,
		                   cut - take, NULL);
	return 0;
}

/* Take cut off member i's rows: first off rows granted more than they
 * now earn, then off any, in reverse project-id order. */
static int cut_member(struct book *b, struct plan *p, size_t i, const char *ben,
                      int32_t period, int64_t cut)
{
	const struct policy_program *g = &b->pol->programs[p->idx[i]];
	int pass, rc;
	size_t j;

	for (pass = 0; pass < 2 && cut > 0; pass++)
		for (j = p->first[i + 1]; j-- > p->first[i] && cut > 0;) {
			struct unit *u = &p->u[j];
			int64_t over =
			    pass == 0 ? u->granted - u->earned : u->granted;
			int64_t c = over < cut ? over : cut;
			if (c <= 0)
				continue;
			if ((rc = reduce(b, g, ben, u->proj, period, c,
			                 &u->row)) < 0)
				return rc;
			u->granted -= c;
			cut -= c;
		}
	return 0;
}

/* Grant unit u its share (a grant program: at most issue, and only the
 * application's row), the rest unfunded, and store the row if it
 * changed. */
static int fund_unit(struct book *b, const struct policy_program *g,
                     struct unit *u, const char *ben, int32_t period,
                     int64_t most)
{
	int64_t rem[POLICY_MAX_SHARES], base = 0, want = u->share;
	struct accrual_funding f;
	int rc;

	memset(&f, 0, sizeof(f));
	/* the pools book a top-up as the change in their share of the
	 * voucher's running total: that must fit */
	if (u->share > 0 && u->row.voucher[0] != '\0') {
		struct voucher_row v;
		if ((rc = book_voucher_get_of(b, ben, u->row.voucher, &v)) < 0)
			return rc;
		base = v.granted;
	}
	/* a grant program's voucher is its application's: it is granted
	 * when issued, at most the application's own amount; what earlier
	 * applications could not be paid stays their unmet demand */
	if (g->settlement == POLICY_GRANT)
		want = want < most ? want : most;
	if (u->share > 0) {
		if ((rc = book_pools_remaining(b, g, period, rem)) < 0 ||
		    (rc = accrual_fund(g, want, base, rem, &f)) < 0 ||
		    (rc = book_grant(b, g, ben, u->proj, period, f.grant,
		                     &u->row)) < 0)
			return rc;
		if (want < u->share && u->share >= g->min_grant)
			f.unfunded = u->share - f.grant;
	}
	if ((rc = book_set_unfunded(b, g, period, &u->row, f.unfunded)) < 0)
		return rc;
	if (memcmp(&u->row, &u->orig, sizeof(u->row)) == 0)
		return 0; /* unchanged: no write, no empty rows */
	return book_acc_put_at(b, &u->at, &u->row);
}

int group_settle(struct book *b, int prog, const char *ben, const char *project,
                 int32_t period, int64_t issue)
{
	const char *app_proj =
	    book_row_project(&b->pol->programs[prog], project);
	int64_t total = 0, excess, cut[POLICY_MAX_PROGRAMS] = {0};
	struct plan p;
	size_t i, j;
	int pass, rc;

	if ((rc = plan_build(b, &p, prog, ben, project, period)) < 0)
		goto out;
	for (i = 0; i < p.n; i++)
		total += p.m[i].granted;
	/* no longer earned (a void): take back, first from programs paid
	 * over their own earned, then from the last in id order */
	excess = total - p.ent;
	for (pass = 0; pass < 2 && excess > 0; pass++)
		for (i = p.n; i-- > 0 && excess > 0;) {
			int64_t over =
			    pass == 0 ? p.m[i].granted - cut[i] - p.m[i].earned
			              : p.m[i].granted - cut[i];
			int64_t c = over < excess ? over : excess;
			if (c <= 0)
				continue;
			cut[i] += c;
			excess -= c;
		}
	/* what comes back first, so that the pools have it before any
	 * grant: a member's cut, or its rows' parts above their share */
	for (i = 0; i < p.n; i++) {
		const struct policy_program *g = &b->pol->programs[p.idx[i]];
		if (!shared(b, &p, i) && cut[i] > 0 &&
		    (rc = cut_member(b, &p, i, ben, period, cut[i])) < 0)
			goto out;
		plan_share(b, &p, i, cut[i],
		           p.idx[i] == prog && issue > 0 ? app_proj : NULL);
		for (j = p.first[i]; j < p.first[i + 1]; j++)
			if (p.u[j].over > 0 &&
			    (rc = reduce(b, g, ben, p.u[j].proj, period,
			                 p.u[j].over, &p.u[j].row)) < 0)
				goto out;
	}
	for (i = 0; i < p.n; i++) {
		const struct policy_program *g = &b->pol->programs[p.idx[i]];
		for (j = p.first[i]; j < p.first[i + 1]; j++) {
			int mine = p.idx[i] == prog && issue > 0 &&
			           strcmp(p.u[j].proj, app_proj) == 0;
			if ((rc = fund_unit(b, g, &p.u[j], ben, period,
			                    mine ? issue : 0)) < 0)
				goto out;
		}
	}
out:
	free(p.u);
	return rc;
}

int group_due(struct book *b, int prog, const char *ben, const char *project,
              int32_t period, int64_t *due)
{
	const char *proj = book_row_project(&b->pol->programs[prog], project);
	struct plan p;
	size_t i, j;
	int rc;

	*due = 0;
	if ((rc = plan_build(b, &p, prog, ben, project, period)) < 0)
		goto out;
	for (i = 0; i < p.n; i++) {
		if (p.idx[i] != prog)
			continue;
		plan_share(b, &p, i, 0, NULL);
		for (j = p.first[i]; j < p.first[i + 1]; j++)
			if (strcmp(p.u[j].proj, proj) == 0)
				*due = p.u[j].share;
	}
out:
	free(p.u);
	return rc;
}
