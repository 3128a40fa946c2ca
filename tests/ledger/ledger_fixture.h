/* Shared by the ledger's store tests: a ledger on real LMDB files in a
 * temporary directory, a policy of chosen seed files, and short helpers
 * for operations. Header-only so that each test binary stays one file
 * plus this. */
#ifndef VD_LEDGER_FIXTURE_H
#define VD_LEDGER_FIXTURE_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "err.h"
#include "ledger.h"
#include "period.h"
#include "policy.h"
#include "reads.h"

/* Unix times, worked out by hand: 2026-01-01T00:00:00Z is 20454 days
 * after the epoch (1767225600); CST midnight is 8 hours earlier. */
#define T2026 1767196800LL            /* 2026-01-01 00:00 CST */
#define T2027 (T2026 + 365LL * 86400) /* 2027-01-01 00:00 CST */
#define T2028 (T2027 + 365LL * 86400)
#define JUNE_2026 (T2026 + 151LL * 86400) /* 2026-06-01 00:00 CST */

struct fx {
	char dir[64];
	struct ledger *l;
	struct policy *p;
	int64_t now;
	/* where fx_register puts principals: the policy's first pool's
	 * region (a seed's city), unless a test says otherwise */
	char region[REGION_MAX + 1];
};

static inline void fx_rmdir(const char *dir)
{
	char path[512];
	struct dirent *de;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* files: NULL-terminated names under deploy/policies, or absolute paths */
static inline int fx_open(struct fx *f, const char *const *files, size_t map)
{
	const char *paths[16];
	char buf[16][512], err[256];
	size_t n = 0;

	memset(f, 0, sizeof(*f));
	for (; files[n] != NULL; n++) {
		if (files[n][0] == '/')
			snprintf(buf[n], sizeof(buf[n]), "%s", files[n]);
		else
			snprintf(buf[n], sizeof(buf[n]),
			         VD_SOURCE_DIR "/deploy/policies/%s", files[n]);
		paths[n] = buf[n];
	}
	if (policy_load_files(paths, n, &f->p, NULL) < 0)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/vd_ledger_XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	if (ledger_open(f->dir, 1, map, &f->l, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	ledger_set_policy(f->l, f->p);
	f->now = JUNE_2026;
	if (f->p->npools > 0)
		memcpy(f->region, f->p->pools[0].region, sizeof(f->region));
	return 0;
}

static inline void fx_close(struct fx *f)
{
	ledger_close(f->l);
	policy_free(f->p);
	fx_rmdir(f->dir);
}

static inline int fx_run(struct fx *f, struct ledger_op *op)
{
	op->now = f->now;
	if (ledger_batch(f->l, op, 1) < 0)
		return -999;
	return op->rc;
}

/* A principal in region ("": none; NULL: f->region). */
static inline int fx_register_in(struct fx *f, const char *id, enum role role,
                                 const char *kind, int local,
                                 const char *region)
{
	struct ledger_op op;

	memset(&op, 0, sizeof(op));
	op.type = OP_REGISTER;
	snprintf(op.u.reg.id, sizeof(op.u.reg.id), "%s", id);
	op.u.reg.role = role;
	op.u.reg.key[0] = (uint8_t)strlen(id); /* any bytes: not verified */
	op.u.reg.key[1] = (uint8_t)id[0];
	snprintf(op.u.reg.kind, sizeof(op.u.reg.kind), "%s", kind);
	op.u.reg.local = local;
	snprintf(op.u.reg.region, sizeof(op.u.reg.region), "%s",
	         region ? region : f->region);
	return fx_run(f, &op);
}

/* The seeds' programs have their city's region: an org, and a provider
 * flagged local, are registered within f->region; a provider not local
 * within none (outside every city). */
static inline int fx_register(struct fx *f, const char *id, enum role role,
                              const char *kind, int local)
{
	return fx_register_in(f, id, role, kind, local,
	                      role == ROLE_PROVIDER && !local ? "" : NULL);
}

static inline void fx_record(struct ledger_record *r, const char *provider,
                             const char *id, const char *org, int64_t at,
                             int64_t amount, int kind)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->provider, sizeof(r->provider), "%s", provider);
	snprintf(r->id, sizeof(r->id), "%s", id);
	snprintf(r->org, sizeof(r->org), "%s", org);
	r->at = at;
	r->amount = amount;
	r->qty = 1;
	snprintf(r->unit, sizeof(r->unit), "gpu-hour");
	r->kind = kind;
	r->line = "USAGE (test)";
	r->line_len = 12;
}

/* A USAGE; returns rc, *status if given. */
static inline int fx_usage_rec(struct fx *f, const struct ledger_record *r,
                               enum ledger_status *status)
{
	struct ledger_op op;
	int rc;

	memset(&op, 0, sizeof(op));
	op.type = OP_USAGE;
	op.u.usage = *r;
	rc = fx_run(f, &op);
	if (status)
		*status = op.status;
	return rc;
}

static inline int fx_usage(struct fx *f, const char *provider, const char *id,
                           const char *org, int64_t at, int64_t amount)
{
	struct ledger_record r;

	fx_record(&r, provider, id, org, at, amount, KIND_TRAINING);
	return fx_usage_rec(f, &r, NULL);
}

struct fx_find {
	const char *program;
	int32_t period;
	struct ledger_voucher v;
	int found;
};

static inline int fx_find_one(void *arg, const struct ledger_voucher *v)
{
	struct fx_find *q = arg;

	if (strcmp(v->program, q->program) == 0 &&
	    (q->period == 0 || q->period == v->period)) {
		q->v = *v;
		q->found = 1;
		return 1;
	}
	return 0;
}

/* The voucher of (program, ben, period): granted, or -1 if none. */
static inline int64_t fx_granted(struct fx *f, const char *program,
                                 const char *ben, int32_t period,
                                 struct ledger_voucher *out)
{
	struct fx_find q;

	if (out)
		memset(out, 0, sizeof(*out));
	memset(&q, 0, sizeof(q));
	q.program = program;
	q.period = period;
	if (ledger_vouchers(f->l, ben, 0, fx_find_one, &q) < 0 || !q.found)
		return -1;
	if (out)
		*out = q.v;
	return q.v.granted;
}

struct fx_pool_q {
	struct ledger_pool p;
	int found;
};

static inline int fx_pool_one(void *arg, const struct ledger_pool *p)
{
	struct fx_pool_q *q = arg;

	q->p = *p;
	q->found = 1;
	return 1;
}

static inline int fx_pool(struct fx *f, const char *pool, int32_t period,
                          struct ledger_pool *out)
{
	struct fx_pool_q q;

	memset(out, 0, sizeof(*out));
	memset(&q, 0, sizeof(q));
	if (ledger_pools(f->l, pool, period, f->now, fx_pool_one, &q) < 0 ||
	    !q.found)
		return -1;
	*out = q.p;
	return 0;
}

static inline int fx_check(struct fx *f, char *msg, size_t n)
{
	return ledger_check(f->l, msg, n);
}

/* ledger_check must pass: the store adds up. */
static inline void fx_check_ok(struct fx *f)
{
	char msg[512];

	if (ledger_check(f->l, msg, sizeof(msg)) != 0)
		fail_msg("ledger_check: %s", msg);
}

/* Operations shared by the store tests. */
static inline int fx_settle(struct fx *f, const char *program, int32_t period,
                            int force, int64_t *paid)
{
	struct ledger_op op;
	int rc;

	memset(&op, 0, sizeof(op));
	op.type = OP_SETTLE;
	snprintf(op.u.settle.program, sizeof(op.u.settle.program), "%s",
	         program);
	op.u.settle.period = period;
	op.u.settle.force = force;
	rc = fx_run(f, &op);
	if (paid)
		*paid = op.amount;
	return rc;
}

static inline int fx_issue(struct fx *f, const char *program, const char *org,
                           int64_t need, int64_t asked, const char *ref,
                           struct ledger_op *out)
{
	struct ledger_op op;
	int rc;

	memset(&op, 0, sizeof(op));
	op.type = OP_ISSUE;
	snprintf(op.u.issue.program, sizeof(op.u.issue.program), "%s", program);
	snprintf(op.u.issue.org, sizeof(op.u.issue.org), "%s", org);
	op.u.issue.need = need;
	op.u.issue.asked = asked;
	snprintf(op.u.issue.ref, sizeof(op.u.issue.ref), "%s", ref);
	rc = fx_run(f, &op);
	if (out)
		*out = op;
	return rc;
}

static inline int fx_redeem(struct fx *f, const char *provider,
                            const char *voucher, const char *record,
                            int64_t amount, const char *ref,
                            struct ledger_op *out)
{
	struct ledger_op op;
	int rc;

	memset(&op, 0, sizeof(op));
	op.type = OP_REDEEM;
	snprintf(op.u.redeem.provider, sizeof(op.u.redeem.provider), "%s",
	         provider);
	snprintf(op.u.redeem.voucher, sizeof(op.u.redeem.voucher), "%s",
	         voucher);
	snprintf(op.u.redeem.record, sizeof(op.u.redeem.record), "%s", record);
	op.u.redeem.amount = amount;
	snprintf(op.u.redeem.ref, sizeof(op.u.redeem.ref), "%s", ref);
	rc = fx_run(f, &op);
	if (out)
		*out = op;
	return rc;
}

static inline int fx_void(struct fx *f, const char *provider, const char *id)
{
	struct ledger_op op;

	memset(&op, 0, sizeof(op));
	op.type = OP_VOID;
	snprintf(op.u.void_.provider, sizeof(op.u.void_.provider), "%s",
	         provider);
	snprintf(op.u.void_.id, sizeof(op.u.void_.id), "%s", id);
	op.u.void_.at = f->now;
	snprintf(op.u.void_.reason, sizeof(op.u.void_.reason), "billed twice");
	op.u.void_.line = "VOID (test)";
	op.u.void_.line_len = 11;
	return fx_run(f, &op);
}

/* A policy file of the test's own, in f's directory. */
static inline struct policy *fx_policy_of(struct fx *f, const char *name,
                                          const char *text, char *path,
                                          size_t size)
{
	struct policy *p = NULL;
	const char *paths[1];
	FILE *o;

	snprintf(path, size, "%s/%s", f->dir, name);
	o = fopen(path, "w");
	assert_non_null(o);
	fputs(text, o);
	fclose(o);
	paths[0] = path;
	assert_int_equal(policy_load_files(paths, 1, &p, NULL), 0);
	return p;
}

/* Put p in force after prev, as the daemon's reload does: 0, or the
 * refusal (prev back in force) with its reason in why. */
static inline int fx_reload(struct fx *f, struct policy *p,
                            const struct policy *prev, char *why, size_t size)
{
	struct ledger_op op;
	int rc;

	memset(&op, 0, sizeof(op));
	op.type = OP_POLICY;
	op.u.policy.prev = prev;
	ledger_set_policy(f->l, p);
	rc = fx_run(f, &op);
	snprintf(why, size, "%s", op.why ? op.why : "");
	if (rc < 0)
		ledger_set_policy(f->l, prev);
	return rc;
}

#endif
