/* How tests/data/store-v3-overowed/data.mdb was made: with the ledger
 * library of e917dae (schema 3, git archive e917dae into /tmp/review13/old
 * and built there), linked as tests/ledger/ledger_fixture.h shows, run
 * without arguments; policies/p1.ini then p2.ini. Schema 3 made voucher
 * V000000000002 owe back 6,000 fen of which only 1,000 left through it
 * (a void's clawback went to the newest voucher, opened after a
 * revoke), and b's voucher owe its redemption twice (a void then a
 * revoke). Not built by the tests: its output is checked in. Written by
 * a review session; kept as it ran. */
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
static void fail_msg(const char *fmt, ...)
{
	va_list a;
	va_start(a, fmt);
	vfprintf(stderr, fmt, a);
	va_end(a);
	fprintf(stderr, "\n");
}
#define VD_SOURCE_DIR "/tmp/review13/old"
#include "ledger_fixture.h"
static int vrevoke(struct fx *f, const char *vid)
{
	struct ledger_op op;
	memset(&op, 0, sizeof(op));
	op.type = OP_REVOKE;
	snprintf(op.u.revoke.voucher, sizeof(op.u.revoke.voucher), "%s", vid);
	snprintf(op.u.revoke.reason, sizeof(op.u.revoke.reason), "test");
	return fx_run(f, &op);
}
static int usage_k(struct fx *f, const char *prov, const char *id,
                   const char *org, int64_t amt, int kind)
{
	struct ledger_record r;
	fx_record(&r, prov, id, org, f->now, amt, kind);
	return fx_usage_rec(f, &r, NULL);
}
static int pol(struct fx *f)
{
	struct ledger_op op;
	memset(&op, 0, sizeof op);
	op.type = OP_POLICY;
	return fx_run(f, &op);
}
struct all {
	struct ledger_voucher v[8];
	int n;
};
static int all_one(void *arg, const struct ledger_voucher *v)
{
	struct all *a = arg;
	if (a->n < 8)
		a->v[a->n++] = *v;
	return 0;
}
static void show(struct fx *f, const char *ben)
{
	struct all a = {0};
	int i;
	int64_t cb = 0;
	ledger_vouchers(f->l, ben, 0, all_one, &a);
	for (i = 0; i < a.n; i++)
		printf("  %s %s %s granted=%lld redeemed=%lld expired=%lld "
		       "revoked=%lld remaining=%lld status=%d exp=%lld\n",
		       ben, a.v[i].id, a.v[i].program,
		       (long long)a.v[i].granted, (long long)a.v[i].redeemed,
		       (long long)a.v[i].expired, (long long)a.v[i].revoked,
		       (long long)a.v[i].remaining, a.v[i].status,
		       (long long)a.v[i].expires_at);
	if (ledger_clawback(f->l, ben, &cb) == 0)
		printf("  %s clawback=%lld\n", ben, (long long)cb);
}
int main(int argc, char **argv)
{
	static const char *const P1[] = {"/tmp/review13/pol3/p1.ini", NULL};
	static const char *const PB[] = {"/tmp/review13/pol3/big.ini", NULL};
	struct fx f;
	struct ledger_voucher v;
	char id[32], id2[32];
	int i;
	int many = argc > 1;
	if (fx_open(&f, argc > 1 ? PB : P1, 0))
		return 1;
	fx_register(&f, "dc", ROLE_PROVIDER, "", 1);
	fx_register(&f, "a", ROLE_ORG, "school", 0);
	fx_register(&f, "b", ROLE_ORG, "school", 0);
	pol(&f);
	if (many) {
		char org[32], rid[32];
		for (i = 0; i < 4100; i++) {
			snprintf(org, sizeof org, "o%d", i);
			snprintf(rid, sizeof rid, "m%d", i);
			fx_register(&f, org, ROLE_ORG, "school", 0);
			usage_k(&f, "dc", rid, org, 1000, KIND_TRAINING);
		}
		printf("%s\n", f.dir);
		ledger_close(f.l);
		return 0;
	}
	/* A: a new voucher after a revoke; a void's clawback beyond the
	 * newest's redemptions */
	usage_k(&f, "dc", "rA1", "a", 100000, KIND_TRAINING);
	fx_granted(&f, "v10", "a", 2026, &v);
	snprintf(id, sizeof id, "%s", v.id);
	printf("redeem %d\n",
	       fx_redeem(&f, "dc", id, "rA1", 10000, "ka1", NULL));
	printf("revoke %d\n", vrevoke(&f, id));
	usage_k(&f, "dc", "rA2", "a", 50000, KIND_TRAINING);
	show(&f, "a");
	{
		struct all a = {0};
		ledger_vouchers(f.l, "a", 0, all_one, &a);
		snprintf(id2, sizeof id2, "%s", a.v[a.n - 1].id);
	}
	printf("redeem V2 %d\n",
	       fx_redeem(&f, "dc", id2, "rA2", 1000, "ka2", NULL));
	printf("void rA1 %d\n", fx_void(&f, "dc", "rA1"));
	show(&f, "a");
	/* B: void clawback then revoke: schema 3 owes redeemed twice */
	usage_k(&f, "dc", "rB1", "b", 100000, KIND_TRAINING);
	usage_k(&f, "dc", "rB2", "b", 20000, KIND_TRAINING);
	fx_granted(&f, "v10", "b", 2026, &v);
	snprintf(id, sizeof id, "%s", v.id);
	printf("redeem %d\n",
	       fx_redeem(&f, "dc", id, "rB2", 10000, "kb1", NULL));
	printf("void rB1 %d\n", fx_void(&f, "dc", "rB1"));
	printf("revoke %d\n", vrevoke(&f, id));
	show(&f, "b");
	/* C: provider vouchers (sup, and sup2 which the next policy drops) */
	usage_k(&f, "dc", "rC1", "a", 100000, KIND_FINETUNE);
	usage_k(&f, "dc", "rC2", "a", 100000, KIND_INFERENCE);
	show(&f, "dc");
	{
		static const char *const P2[] = {"/tmp/review13/pol3/p2.ini",
		                                 NULL};
		struct policy *p2;
		if (policy_load_files(P2, 1, &p2, NULL) < 0)
			return 2;
		ledger_set_policy(f.l, p2);
		printf("reload %d\n", pol(&f));
	}
	printf("%s\n", f.dir);
	ledger_close(f.l);
	return 0;
}
