/* SIGKILL at a random instant during the writes that move money out of
 * the ledger and back (issue 13; domain.md, "Durability"): a child makes
 * cash entitlements (usage under a pays=cash program), pays them out,
 * revokes some and takes repayments, and swaps between two policies that
 * differ in a fixed budget. It says on a pipe what it is about to commit
 * and, once ledger_batch has returned, that it committed. The parent
 * kills it, reopens the store and holds the store to what it was told:
 * every acknowledged write present exactly once, the one in flight once
 * or not at all, replays answered and not applied again, the budget the
 * one of the policy in force, and the checker passing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <cmocka.h>

#include "ledger_fixture.h"
#include "book.h"
#include "journal.h"
#include "store.h"

#define POL_A VD_SOURCE_DIR "/tests/data/policy-crash/a.ini"
#define POL_B VD_SOURCE_DIR "/tests/data/policy-crash/b.ini"

/* pool cash's 2026 budget in fen: a.ini's budget, b.ini's budget.2026 */
static const int64_t budget_of[2] = {10000000000LL, 20000000000LL};

#define KILLS 50
#define MAXN 2048   /* writes one child may announce; then it waits */
#define BILL 100000 /* fen, each usage record */
#define GRANT 10000 /* the 10% it grants as a cash entitlement */

enum kind { K_USAGE, K_PAYOUT, K_REVOKE, K_REPAY, K_SWAP, K_COUNT };
static const char *const write_name[K_COUNT] = {"usage", "payout", "revoke",
                                                "repay", "swap"};

/* What the parent knows of a write: announced, then acknowledged; the
 * one in flight at the kill becomes present or absent once looked at. */
enum state { W_NONE, W_ANNOUNCED, W_ACKED, W_PRESENT, W_ABSENT };
static const char *const state_name[] = {
    "never announced", "in flight", "acknowledged", "in flight before, found",
    "in flight before, not found"};

/* One report of the child, smaller than PIPE_BUF so that each write(2)
 * of it is whole even when the kill comes in the middle. */
struct msg {
	int32_t n; /* the write's number in this child's life */
	int32_t k; /* the entitlement it concerns (its usage step) */
	uint8_t kind, done, to; /* to: the policy a swap puts in force */
	int64_t amount;         /* PAYOUT, REPAY */
	int64_t result;         /* done PAYOUT: paid_out; REPAY: due */
	char voucher[LEDGER_VID];
};

struct wr {
	uint8_t kind, state;
	int32_t k;
	int64_t amount, result;
	int count; /* journal entries under its ref, in the last scan */
};

struct unit {
	char voucher[LEDGER_VID]; /* "" until known */
	int64_t paid, recovered;  /* scratch of check_vouchers */
	int revoked;
};

struct crash {
	struct fx f;
	struct policy *pol[2];
	int cur;   /* the policy the store has in force */
	int swaps; /* swaps the store holds */
	struct wr *w;
	struct unit *u;
	int nw[KILLS], nu[KILLS];
	int acked[K_COUNT], present[K_COUNT], absent[K_COUNT];
};

static struct wr *wr_at(struct crash *c, int iter, int n)
{
	return &c->w[(size_t)iter * MAXN + (size_t)n];
}

static struct unit *unit_at(struct crash *c, int iter, int k)
{
	return &c->u[(size_t)iter * MAXN + (size_t)k];
}

/* The child's side. Any surprise ends it with a code the parent reports
 * (it expects SIGKILL only). */
struct kid {
	struct ledger *l;
	struct policy *const *pol;
	int cur, fd, iter, n;
};

static void kid_die(const char *what, const struct ledger_op *op)
{
	fprintf(stderr, "child: %s: %s\n", what,
	        op->why ? op->why : err_str(op->rc));
	_exit(3);
}

static void tell(struct kid *c, const struct msg *m)
{
	if (write(c->fd, m, sizeof(*m)) != (ssize_t)sizeof(*m))
		_exit(4);
}

/* Number the next write and say it is coming. A child that has said all
 * the parent has room for waits for its kill. */
static void announce(struct kid *c, struct msg *m)
{
	if (c->n == MAXN)
		for (;;)
			pause();
	m->n = c->n++;
	m->done = 0;
	tell(c, m);
}

/* Commit ops as one transaction, as the daemon's group commit does;
 * every one must apply. */
static void commit(struct kid *c, struct ledger_op *ops, size_t n,
                   struct msg *m)
{
	size_t i;

	for (i = 0; i < n; i++)
		ops[i].now = JUNE_2026;
	if (ledger_batch(c->l, ops, n) < 0)
		kid_die(write_name[m->kind], &ops[0]);
	for (i = 0; i < n; i++)
		if (ops[i].rc != 0)
			kid_die(write_name[m->kind], &ops[i]);
	m->done = 1;
}

/* A new org and its first record, in one transaction: a 10,000-fen cash
 * entitlement. */
static void kid_usage(struct kid *c, int k, char *vid)
{
	struct ledger_op ops[2];
	char org[32], id[32];
	struct fx_find q;
	struct msg m;

	snprintf(org, sizeof(org), "o%d-%d", c->iter, k);
	snprintf(id, sizeof(id), "u%d-%d", c->iter, k);
	memset(ops, 0, sizeof(ops));
	ops[0].type = OP_REGISTER;
	snprintf(ops[0].u.reg.id, sizeof(ops[0].u.reg.id), "%s", org);
	ops[0].u.reg.role = ROLE_ORG;
	ops[1].type = OP_USAGE;
	fx_record(&ops[1].u.usage, "dc", id, org, JUNE_2026, BILL,
	          KIND_TRAINING);
	memset(&m, 0, sizeof(m));
	m.kind = K_USAGE;
	m.k = k;
	announce(c, &m);
	commit(c, ops, 2, &m);
	memset(&q, 0, sizeof(q));
	q.program = "refund";
	/* voucher ids are shorter than LEDGER_VID (ledger.h) */
	if (ledger_vouchers(c->l, org, 0, fx_find_one, &q) < 0 || !q.found ||
	    strlen(q.v.id) >= LEDGER_VID)
		_exit(5);
	memcpy(vid, q.v.id, LEDGER_VID);
	memcpy(m.voucher, vid, LEDGER_VID);
	tell(c, &m);
}

/* A PAYOUT or REPAY under a ref of its own, made of its number */
static void kid_cash(struct kid *c, int kind, int k, const char *vid,
                     int64_t amount)
{
	struct ledger_op op;
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.kind = (uint8_t)kind;
	m.k = k;
	m.amount = amount;
	snprintf(m.voucher, sizeof(m.voucher), "%s", vid);
	announce(c, &m);
	memset(&op, 0, sizeof(op));
	op.type = kind == K_PAYOUT ? OP_PAYOUT : OP_REPAY;
	snprintf(op.u.payout.voucher, sizeof(op.u.payout.voucher), "%s", vid);
	op.u.payout.amount = amount;
	snprintf(op.u.payout.ref, sizeof(op.u.payout.ref), "%c%d-%d",
	         kind == K_PAYOUT ? 'p' : 'r', c->iter, m.n);
	commit(c, &op, 1, &m);
	m.result = op.amount;
	tell(c, &m);
}

static void kid_revoke(struct kid *c, int k, const char *vid)
{
	struct ledger_op op;
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.kind = K_REVOKE;
	m.k = k;
	snprintf(m.voucher, sizeof(m.voucher), "%s", vid);
	announce(c, &m);
	memset(&op, 0, sizeof(op));
	op.type = OP_REVOKE;
	snprintf(op.u.revoke.voucher, sizeof(op.u.revoke.voucher), "%s", vid);
	snprintf(op.u.revoke.reason, sizeof(op.u.revoke.reason), "crash test");
	commit(c, &op, 1, &m);
	tell(c, &m);
}

/* The other policy in force, as the daemon's reload does it */
static void kid_swap(struct kid *c)
{
	struct ledger_op op;
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.kind = K_SWAP;
	m.to = (uint8_t)(1 - c->cur);
	announce(c, &m);
	memset(&op, 0, sizeof(op));
	op.type = OP_POLICY;
	op.u.policy.prev = c->pol[c->cur];
	ledger_set_policy(c->l, c->pol[m.to]);
	commit(c, &op, 1, &m);
	if (op.status != LEDGER_ACCEPTED)
		kid_die("swap not recorded", &op);
	c->cur = m.to;
	tell(c, &m);
}

/* Per entitlement k: 3,000 paid out, every other one 2,000 more; every
 * third revoked and 1,000 (then 1,500) of its clawback repaid; a swap
 * every fourth. */
static void child(struct crash *cr, int iter, int fd)
{
	struct kid c = {NULL, cr->pol, cr->cur, fd, iter, 0};
	char err[256], vid[LEDGER_VID];
	int k;

	if (ledger_open(cr->f.dir, 0, 0, &c.l, err, sizeof(err)) < 0) {
		fprintf(stderr, "child: %s\n", err);
		_exit(2);
	}
	ledger_set_policy(c.l, c.pol[c.cur]);
	for (k = 0;; k++) {
		kid_usage(&c, k, vid);
		kid_cash(&c, K_PAYOUT, k, vid, 3000);
		if (k % 2 == 0)
			kid_cash(&c, K_PAYOUT, k, vid, 2000);
		if (k % 3 == 1) {
			kid_revoke(&c, k, vid);
			kid_cash(&c, K_REPAY, k, vid, 1000);
			if (k % 2 == 0)
				kid_cash(&c, K_REPAY, k, vid, 1500);
		}
		if (k % 4 == 3)
			kid_swap(&c);
	}
}

/* The parent's side. */

/* The child is dead: the pipe holds whole reports only (each written
 * at once), so a short read is a torn one. */
static int read_msg(int fd, struct msg *m)
{
	ssize_t r = read(fd, m, sizeof(*m));

	if (r > 0 && r != (ssize_t)sizeof(*m))
		fail_msg("a torn report (%zd bytes)", r);
	return r == (ssize_t)sizeof(*m);
}

/* What the child said into c; the number of the write in flight, or -1 */
static int take_reports(struct crash *c, int iter, int fd)
{
	int flight = -1;
	struct wr *w;
	struct msg m;

	while (read_msg(fd, &m)) {
		assert_true(m.n >= 0 && m.n < MAXN && m.k >= 0 && m.k < MAXN);
		assert_true(m.kind < K_COUNT);
		w = wr_at(c, iter, m.n);
		if (!m.done) {
			/* one write at a time, each said once */
			assert_int_equal(flight, -1);
			assert_int_equal(w->state, W_NONE);
			w->kind = m.kind;
			w->k = m.k;
			w->amount = m.amount;
			w->state = W_ANNOUNCED;
			flight = m.n;
			if (m.n >= c->nw[iter])
				c->nw[iter] = m.n + 1;
			if (m.kind == K_USAGE && m.k >= c->nu[iter])
				c->nu[iter] = m.k + 1;
			continue;
		}
		assert_int_equal(flight, m.n);
		flight = -1;
		w->state = W_ACKED;
		w->result = m.result;
		c->acked[m.kind]++;
		if (m.kind == K_USAGE)
			memcpy(unit_at(c, iter, m.k)->voucher, m.voucher,
			       LEDGER_VID);
		else if (m.kind == K_SWAP) {
			c->swaps++;
			c->cur = m.to;
		}
	}
	return flight;
}

static void settle(struct crash *c, struct wr *w, int present)
{
	w->state = present ? W_PRESENT : W_ABSENT;
	if (present)
		c->present[w->kind]++;
	else
		c->absent[w->kind]++;
}

/* A usage in flight: its org and its record are there together or not
 * at all (one transaction); if there, so is the entitlement. */
static void usage_in_flight(struct crash *c, int iter, struct wr *w)
{
	struct ledger_principal pr;
	struct ledger_recinfo r;
	struct ledger_voucher v;
	char org[32], id[32];
	int rec, reg;

	snprintf(org, sizeof(org), "o%d-%d", iter, w->k);
	snprintf(id, sizeof(id), "u%d-%d", iter, w->k);
	rec = ledger_record(c->f.l, "dc", id, &r);
	reg = ledger_principal(c->f.l, org, &pr);
	assert_true(rec == 0 || rec == VD_ENOENT);
	if (rec != reg)
		fail_msg("kill %d: record %s is %s but org %s is %s", iter, id,
		         rec ? "absent" : "present", org,
		         reg ? "absent" : "present");
	settle(c, w, rec == 0);
	if (rec == 0) {
		assert_true(fx_granted(&c->f, "refund", org, 2026, &v) ==
		            GRANT);
		memcpy(unit_at(c, iter, w->k)->voucher, v.id, LEDGER_VID);
	}
}

struct scan {
	struct crash *c;
	int iter;
	int npolicy, nbudget;
	int64_t budget; /* the last budget entry's */
	char err[300];
};

static int scan_fail(struct scan *s, uint64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int scan_fail(struct scan *s, uint64_t seq, const char *fmt, ...)
{
	int n = snprintf(s->err, sizeof(s->err), "entry %" PRIu64 ": ", seq);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err + n, sizeof(s->err) - (size_t)n, fmt, ap);
	va_end(ap);
	return VD_EINTERNAL;
}

static int64_t field_i64(const char *e, size_t len, const char *key)
{
	char buf[32];

	return journal_field(e, len, key, buf, sizeof(buf))
	           ? strtoll(buf, NULL, 10)
	           : INT64_MIN;
}

/* A payout or repay entry: under a ref some child announced, of that
 * kind, for that voucher and amount; counted. */
static int scan_cash(struct scan *s, uint64_t seq, const char *e, size_t len,
                     int kind)
{
	char ref[LEDGER_ID + 1], vid[LEDGER_ID + 1], tail;
	int iter, n;
	struct wr *w;

	if (!journal_field(e, len, "ref", ref, sizeof(ref)) ||
	    !journal_field(e, len, "voucher", vid, sizeof(vid)))
		return scan_fail(s, seq, "no ref or voucher");
	if (sscanf(ref + 1, "%d-%d%c", &iter, &n, &tail) != 2 ||
	    ref[0] != (kind == K_PAYOUT ? 'p' : 'r') || iter < 0 ||
	    iter > s->iter || n < 0 || n >= s->c->nw[iter] ||
	    (w = wr_at(s->c, iter, n))->kind != kind || w->state == W_NONE)
		return scan_fail(s, seq, "%s under ref %s, never announced",
		                 write_name[kind], ref);
	if (strcmp(vid, unit_at(s->c, iter, w->k)->voucher) != 0 ||
	    field_i64(e, len, "amount") != w->amount)
		return scan_fail(s, seq, "ref %s: another voucher or amount",
		                 ref);
	w->count++;
	return 0;
}

/* Budget entries: the first fixed a.ini's; each later one a swap from
 * the budget before to the other policy's. */
static int scan_budget(struct scan *s, uint64_t seq, const char *e, size_t len)
{
	char pool[LEDGER_ID + 1];
	int64_t b = field_i64(e, len, "budget"), was = field_i64(e, len, "was");

	if (!journal_field(e, len, "pool", pool, sizeof(pool)) ||
	    strcmp(pool, "cash") != 0 || field_i64(e, len, "period") != 2026)
		return scan_fail(s, seq, "a budget entry of another pool");
	if (s->nbudget == 0 ? b != budget_of[0] || was != INT64_MIN
	                    : was != s->budget || b == was ||
	                          (b != budget_of[0] && b != budget_of[1]))
		return scan_fail(
		    s, seq, "budget %" PRId64 " was %" PRId64 " after %" PRId64,
		    b, was, s->budget);
	s->budget = b;
	s->nbudget++;
	return 0;
}

static int scan_one(void *arg, uint64_t seq, const char *e, size_t len,
                    const uint8_t hash[32])
{
	struct scan *s = arg;
	char type[16];

	(void)hash;
	if (!journal_field(e, len, "type", type, sizeof(type)))
		return scan_fail(s, seq, "no type");
	if (strcmp(type, "payout") == 0)
		return scan_cash(s, seq, e, len, K_PAYOUT);
	if (strcmp(type, "repay") == 0)
		return scan_cash(s, seq, e, len, K_REPAY);
	if (strcmp(type, "budget") == 0)
		return scan_budget(s, seq, e, len);
	if (strcmp(type, "policy") == 0)
		s->npolicy++;
	return 0;
}

/* Every payout and repay ref in the journal exactly as often as it is
 * known to be there, the one in flight 0 or 1 times; as many budget
 * changes as swaps. Settles the cash write or swap in flight. */
static void check_journal(struct crash *c, int iter, int flight)
{
	struct scan s;
	struct wr *w;
	int i, n, want;

	for (i = 0; i <= iter; i++)
		for (n = 0; n < c->nw[i]; n++)
			wr_at(c, i, n)->count = 0;
	memset(&s, 0, sizeof(s));
	s.c = c;
	s.iter = iter;
	if (ledger_journal(c->f.l, 0, 0, scan_one, &s) != 0)
		fail_msg("kill %d: journal %s", iter, s.err);
	for (i = 0; i <= iter; i++)
		for (n = 0; n < c->nw[i]; n++) {
			w = wr_at(c, i, n);
			if (w->kind != K_PAYOUT && w->kind != K_REPAY)
				continue;
			/* the one in flight: there once or not at all */
			if (w->state == W_ANNOUNCED && w->count <= 1) {
				settle(c, w, w->count == 1);
				continue;
			}
			want = w->state == W_ABSENT ? 0 : 1;
			if (w->count != want)
				fail_msg("kill %d: %s %c%d-%d (%s) %d times in "
				         "the journal",
				         iter, write_name[w->kind],
				         w->kind == K_PAYOUT ? 'p' : 'r', i, n,
				         state_name[w->state], w->count);
		}
	w = flight >= 0 ? wr_at(c, iter, flight) : NULL;
	if (w && w->kind == K_SWAP && w->state == W_ANNOUNCED) {
		assert_true(s.npolicy == c->swaps + 1 ||
		            s.npolicy == c->swaps + 2);
		settle(c, w, s.npolicy == c->swaps + 2);
		if (w->state == W_PRESENT) {
			c->swaps++;
			c->cur = 1 - c->cur;
		}
	}
	/* the first policy entry is a.ini's, before anything was fixed;
	 * the first budget entry fixed its budget: one more of each per
	 * swap */
	if (s.npolicy != c->swaps + 1 || s.nbudget != c->swaps + 1)
		fail_msg("kill %d: %d policy and %d budget entries for %d "
		         "swaps",
		         iter, s.npolicy, s.nbudget, c->swaps);
	if (s.budget != budget_of[c->cur])
		fail_msg("kill %d: last budget entry %" PRId64 ", policy %c",
		         iter, s.budget, "ab"[c->cur]);
}

/* The policy the store has in force is the one the swaps left, and so
 * is the pool's fixed budget, in the row and in POOL. */
static void check_budget(struct crash *c, int iter)
{
	uint8_t key[STORE_ID + 2];
	struct policy *stored = NULL;
	struct ledger_pool pool;
	struct pool_row r;
	struct ltx t;
	MDB_val v;

	assert_int_equal(ledger_stored_policy(c->f.l, &stored, NULL), 0);
	if (memcmp(stored->sha256, c->pol[c->cur]->sha256, 32) != 0)
		fail_msg(
		    "kill %d: the store has %s in force, not %c.ini", iter,
		    memcmp(stored->sha256, c->pol[1 - c->cur]->sha256, 32) == 0
		        ? "the other policy"
		        : "an unknown policy",
		    "ab"[c->cur]);
	policy_free(stored);
	store_key_u16(key, store_key_id(key, 0, "cash"), 2026);
	assert_int_equal(ltx_begin(ledger_store(c->f.l), NULL, 1, &t), 0);
	assert_int_equal(ltx_get(&t, DB_POOLS, key, sizeof(key), &v), 0);
	assert_int_equal(v.mv_size, sizeof(r));
	memcpy(&r, v.mv_data, sizeof(r));
	ltx_abort(&t);
	if (!r.fixed || r.budget != budget_of[c->cur])
		fail_msg("kill %d: pool cash 2026 budget %" PRId64
		         " (fixed %d), policy %c.ini says %" PRId64,
		         iter, r.budget, r.fixed, "ab"[c->cur],
		         budget_of[c->cur]);
	assert_int_equal(fx_pool(&c->f, "cash", 2026, &pool), 0);
	assert_true(pool.budget == r.budget);
}

/* Each entitlement's figures are those of the payouts, revoke and
 * repayments present: none counted twice, none half-applied. */
static void check_vouchers(struct crash *c, int iter)
{
	struct ledger_recinfo rec;
	struct ledger_voucher v;
	struct unit *u;
	struct wr *w;
	char id[32];
	int i, n, k;

	for (i = 0; i <= iter; i++) {
		for (k = 0; k < c->nu[i]; k++) {
			u = unit_at(c, i, k);
			u->paid = u->recovered = u->revoked = 0;
		}
		for (n = 0; n < c->nw[i]; n++) {
			w = wr_at(c, i, n);
			if (w->state != W_ACKED && w->state != W_PRESENT)
				continue;
			u = unit_at(c, i, w->k);
			if (w->kind == K_PAYOUT)
				u->paid += w->amount;
			else if (w->kind == K_REPAY)
				u->recovered += w->amount;
			else if (w->kind == K_REVOKE)
				u->revoked = 1;
		}
		for (k = 0; k < c->nu[i]; k++) {
			u = unit_at(c, i, k);
			if (u->voucher[0] == '\0')
				continue;
			snprintf(id, sizeof(id), "u%d-%d", i, k);
			assert_int_equal(ledger_record(c->f.l, "dc", id, &rec),
			                 0);
			assert_int_equal(ledger_voucher(c->f.l, u->voucher, &v),
			                 0);
			if (v.granted != GRANT || v.paid_out != u->paid ||
			    v.recovered != u->recovered ||
			    v.status != (u->revoked ? LEDGER_V_REVOKED
			                            : LEDGER_V_ACTIVE) ||
			    v.revoked != (u->revoked ? GRANT - u->paid : 0) ||
			    v.clawback_due !=
			        (u->revoked ? u->paid - u->recovered : 0) ||
			    v.remaining != (u->revoked ? 0 : GRANT - u->paid))
				fail_msg(
				    "kill %d: %s (o%d-%d): paid_out %" PRId64
				    " recovered %" PRId64
				    " clawback_due %" PRId64
				    " %s; the writes present say paid_out "
				    "%" PRId64 " recovered %" PRId64 "%s",
				    iter, u->voucher, i, k, v.paid_out,
				    v.recovered, v.clawback_due,
				    ledger_voucher_status(v.status), u->paid,
				    u->recovered, u->revoked ? " revoked" : "");
		}
	}
}

/* A revoke in flight: the voucher is revoked or untouched */
static void revoke_in_flight(struct crash *c, int iter, struct wr *w)
{
	struct ledger_voucher v;

	assert_int_equal(
	    ledger_voucher(c->f.l, unit_at(c, iter, w->k)->voucher, &v), 0);
	settle(c, w, v.status == LEDGER_V_REVOKED);
}

/* Every payout and repay present, asked again under its ref in one
 * transaction: each answered with its first result, nothing written.
 * The one in flight, if present, was the last write on its voucher:
 * its first result is the voucher's figure now. */
static void check_replays(struct crash *c, int iter, int flight)
{
	struct ledger_op *ops;
	struct ledger_voucher v;
	uint64_t before, after;
	struct wr **of;
	uint8_t h[32];
	size_t m = 0, j;
	struct wr *w;
	int i, n;

	if (flight >= 0) {
		w = wr_at(c, iter, flight);
		if ((w->kind == K_PAYOUT || w->kind == K_REPAY) &&
		    w->state == W_PRESENT) {
			assert_int_equal(
			    ledger_voucher(c->f.l,
			                   unit_at(c, iter, w->k)->voucher, &v),
			    0);
			w->result =
			    w->kind == K_PAYOUT ? v.paid_out : v.clawback_due;
		}
	}
	for (i = 0; i <= iter; i++)
		m += (size_t)c->nw[i];
	ops = calloc(m, sizeof(*ops));
	of = calloc(m, sizeof(*of));
	assert_true(ops != NULL && of != NULL);
	for (m = 0, i = 0; i <= iter; i++)
		for (n = 0; n < c->nw[i]; n++) {
			w = wr_at(c, i, n);
			if ((w->kind != K_PAYOUT && w->kind != K_REPAY) ||
			    (w->state != W_ACKED && w->state != W_PRESENT))
				continue;
			ops[m].type =
			    w->kind == K_PAYOUT ? OP_PAYOUT : OP_REPAY;
			ops[m].now = JUNE_2026;
			snprintf(ops[m].u.payout.voucher,
			         sizeof(ops[m].u.payout.voucher), "%s",
			         unit_at(c, i, w->k)->voucher);
			ops[m].u.payout.amount = w->amount;
			snprintf(ops[m].u.payout.ref,
			         sizeof(ops[m].u.payout.ref), "%c%d-%d",
			         w->kind == K_PAYOUT ? 'p' : 'r', i, n);
			of[m++] = w;
		}
	assert_int_equal(ledger_head(c->f.l, &before, h), 0);
	assert_int_equal(ledger_batch(c->f.l, ops, m), 0);
	for (j = 0; j < m; j++)
		if (ops[j].rc != 0 || ops[j].amount != of[j]->result)
			fail_msg("kill %d: replay of %s %s: rc %d, %" PRId64
			         " (first %" PRId64 ")",
			         iter, write_name[of[j]->kind],
			         ops[j].u.payout.ref, ops[j].rc, ops[j].amount,
			         of[j]->result);
	assert_int_equal(ledger_head(c->f.l, &after, h), 0);
	if (after != before)
		fail_msg("kill %d: %zu replays wrote %" PRIu64 " entries", iter,
		         m, after - before);
	free(ops);
	free(of);
}

static void reopen(struct crash *c)
{
	char err[256];

	if (ledger_open(c->f.dir, 0, 0, &c->f.l, err, sizeof(err)) < 0)
		fail_msg("reopen: %s", err);
	ledger_set_policy(c->f.l, c->pol[c->cur]);
}

/* The store as every child finds it first: a.ini recorded, the provider
 * registered, pool cash's 2026 budget fixed by a first record. */
static void setup(struct crash *c)
{
	static const char *const files[] = {POL_A, NULL};
	const char *b = POL_B;
	struct ledger_op op;

	memset(c, 0, sizeof(*c));
	assert_int_equal(fx_open(&c->f, files, 0), 0);
	c->pol[0] = c->f.p;
	assert_int_equal(policy_load_files(&b, 1, &c->pol[1], NULL), 0);
	memset(&op, 0, sizeof(op));
	op.type = OP_POLICY;
	assert_int_equal(fx_run(&c->f, &op), 0);
	assert_int_equal(op.status, LEDGER_ACCEPTED);
	assert_int_equal(fx_register(&c->f, "dc", ROLE_PROVIDER, "", 1), 0);
	assert_int_equal(fx_register(&c->f, "seed", ROLE_ORG, "", 0), 0);
	assert_int_equal(fx_usage(&c->f, "dc", "seed", "seed", JUNE_2026, BILL),
	                 0);
	c->w = calloc((size_t)KILLS * MAXN, sizeof(*c->w));
	c->u = calloc((size_t)KILLS * MAXN, sizeof(*c->u));
	assert_true(c->w != NULL && c->u != NULL);
}

static void kill_one(struct crash *c, int iter)
{
	struct timespec ts;
	int fds[2], status, flight;
	struct wr *w;
	pid_t pid;

	ledger_close(c->f.l);
	c->f.l = NULL;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		child(c, iter, fds[1]);
	}
	close(fds[1]);
	/* 5 to 150 ms in: from before the first write to a few hundred */
	ts.tv_sec = 0;
	ts.tv_nsec = (5 + rand() % 146) * 1000000L;
	nanosleep(&ts, NULL);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFSIGNALED(status))
		fail_msg("kill %d: the child ended by itself (exit %d)", iter,
		         WEXITSTATUS(status));
	flight = take_reports(c, iter, fds[0]);
	close(fds[0]);
	reopen(c);
	w = flight >= 0 ? wr_at(c, iter, flight) : NULL;
	if (w && w->kind == K_USAGE)
		usage_in_flight(c, iter, w);
	else if (w && w->kind == K_REVOKE)
		revoke_in_flight(c, iter, w);
	check_journal(c, iter, flight);
	assert_true(w == NULL || w->state != W_ANNOUNCED);
	/* the next child starts from the policy the store has in force */
	ledger_set_policy(c->f.l, c->pol[c->cur]);
	check_budget(c, iter);
	check_replays(c, iter, flight);
	check_vouchers(c, iter);
	fx_check_ok(&c->f);
}

static void test_sigkill_money_writes(void **state)
{
	const char *env = getenv("VD_CRASH_SEED");
	unsigned seed = env ? (unsigned)strtoul(env, NULL, 10) : 13;
	struct crash c;
	int iter, k;

	(void)state;
	srand(seed);
	setup(&c);
	for (iter = 0; iter < KILLS; iter++)
		kill_one(&c, iter);
	print_message("seed %u, %d kills, %d swaps; acknowledged / in flight "
	              "and found / in flight and not:\n",
	              seed, KILLS, c.swaps);
	for (k = 0; k < K_COUNT; k++)
		print_message("  %-6s %5d / %d / %d\n", write_name[k],
		              c.acked[k], c.present[k], c.absent[k]);
	for (k = 0; k < K_COUNT; k++)
		assert_true(c.acked[k] > 0);
	ledger_close(c.f.l);
	c.f.l = NULL;
	policy_free(c.pol[1]);
	free(c.w);
	free(c.u);
	fx_close(&c.f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sigkill_money_writes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
