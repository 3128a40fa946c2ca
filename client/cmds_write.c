/* vouchctl's subcommands that change the ledger (the bureau's writes,
 * a provider's void and redeem), and the bureau's administration:
 * checkpoint, journal export, the offline audit, reload, stats. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "err.h"
#include "cmds.h"
#include "hex.h"
#include "money.h"
#include "output.h"
#include "civil.h"
#include "record.h"
#include "report.h"
#include "sig.h"

/* One request, one reply printed with money keys in yuan. */
static int one(struct ctl *c, const char *req, const char *const *money)
{
	static struct session s;
	int rc;

	if ((rc = cmds_open(c, &s)) != 0)
		return rc;
	rc = out_reply(&s, req, money, c->json);
	session_close(&s);
	return rc;
}

int cmd_register(struct ctl *c)
{
	char req[600] = "REGISTER";
	int rc;

	if (c->nargs != 1)
		return cmds_need(c, NULL, "the principal's id");
	if ((rc = cmds_need(c, c->role, "--role provider|org|bureau")) ||
	    (rc = cmds_need(c, c->pubkey, "--pubkey HEX")))
		return rc;
	cmds_arg(req, sizeof(req), "id", c->args[0]);
	cmds_arg(req, sizeof(req), "role", c->role);
	cmds_arg(req, sizeof(req), "key", c->pubkey);
	cmds_arg(req, sizeof(req), "kind", c->kind);
	cmds_arg(req, sizeof(req), "local", c->local ? "1" : NULL);
	cmds_arg(req, sizeof(req), "region", c->region);
	return one(c, req, NULL);
}

int cmd_issue(struct ctl *c)
{
	static const char *const money[] = {"granted", "unfunded", NULL};
	char req[600] = "ISSUE";
	int rc;

	if ((rc = cmds_need(c, c->program, "--program P")) ||
	    (rc = cmds_need(c, c->org, "--org O")) ||
	    (rc = cmds_need(c, c->need, "--need YUAN")) ||
	    (rc = cmds_need(c, c->ref, "--ref K")))
		return rc;
	cmds_arg(req, sizeof(req), "program", c->program);
	cmds_arg(req, sizeof(req), "org", c->org);
	if ((rc = cmds_yuan(c, req, sizeof(req), "need", "--need", c->need)) ||
	    (rc = cmds_yuan(c, req, sizeof(req), "amount", "--amount",
	                    c->amount)))
		return rc;
	cmds_arg(req, sizeof(req), "ref", c->ref);
	cmds_arg(req, sizeof(req), "project", c->project);
	return one(c, req, money);
}

int cmd_settle(struct ctl *c)
{
	static const char *const money[] = {"paid", "unfunded", NULL};
	char req[400] = "SETTLE";
	int rc;

	if ((rc = cmds_need(c, c->program, "--program P")) ||
	    (rc = cmds_need(c, c->period, "--period YEAR")))
		return rc;
	if (c->dry)
		return cmd_settle_preview(c);
	cmds_arg(req, sizeof(req), "program", c->program);
	cmds_arg(req, sizeof(req), "period", c->period);
	cmds_arg(req, sizeof(req), "force", c->force ? "1" : NULL);
	return one(c, req, money);
}

int cmd_revoke(struct ctl *c)
{
	static const char *const money[] = {"returned", "clawback_due", NULL};
	char req[4000] = "REVOKE";
	int rc;

	if (c->nargs != 1)
		return cmds_need(c, NULL, "the voucher id");
	if ((rc = cmds_need(c, c->reason, "--reason TEXT")))
		return rc;
	cmds_arg(req, sizeof(req), "voucher", c->args[0]);
	cmds_text(req, sizeof(req), "reason", c->reason);
	return one(c, req, money);
}

int cmd_pay(struct ctl *c)
{
	static const char *const money[] = {"paid", "owed", NULL};
	char req[400] = "PAY";
	int rc;

	if ((rc = cmds_need(c, c->provider, "--provider P")) ||
	    (rc = cmds_need(c, c->amount, "--amount YUAN")) ||
	    (rc = cmds_need(c, c->ref, "--ref K")))
		return rc;
	cmds_arg(req, sizeof(req), "provider", c->provider);
	if ((rc = cmds_yuan(c, req, sizeof(req), "amount", "--amount",
	                    c->amount)))
		return rc;
	cmds_arg(req, sizeof(req), "ref", c->ref);
	return one(c, req, money);
}

/* PAYOUT and REPAY: a voucher, an amount in yuan, a ref */
static int cash(struct ctl *c, const char *cmd, const char *const *money)
{
	char req[400];
	int rc;

	snprintf(req, sizeof(req), "%s", cmd);
	if ((rc = cmds_need(c, c->voucher, "--voucher V")) ||
	    (rc = cmds_need(c, c->amount, "--amount YUAN")) ||
	    (rc = cmds_need(c, c->ref, "--ref K")))
		return rc;
	cmds_arg(req, sizeof(req), "voucher", c->voucher);
	if ((rc = cmds_yuan(c, req, sizeof(req), "amount", "--amount",
	                    c->amount)))
		return rc;
	cmds_arg(req, sizeof(req), "ref", c->ref);
	return one(c, req, money);
}

int cmd_payout(struct ctl *c)
{
	static const char *const money[] = {"paid_out", "remaining", NULL};

	return cash(c, "PAYOUT", money);
}

int cmd_repay(struct ctl *c)
{
	static const char *const money[] = {"clawback_due", NULL};

	return cash(c, "REPAY", money);
}

int cmd_redeem(struct ctl *c)
{
	static const char *const money[] = {"redeemed", "remaining", NULL};
	char req[400] = "REDEEM";
	int rc;

	if ((rc = cmds_need(c, c->voucher, "--voucher V")) ||
	    (rc = cmds_need(c, c->record, "--record R")) ||
	    (rc = cmds_need(c, c->amount, "--amount YUAN")) ||
	    (rc = cmds_need(c, c->ref, "--ref K")))
		return rc;
	cmds_arg(req, sizeof(req), "voucher", c->voucher);
	cmds_arg(req, sizeof(req), "record", c->record);
	if ((rc = cmds_yuan(c, req, sizeof(req), "amount", "--amount",
	                    c->amount)))
		return rc;
	cmds_arg(req, sizeof(req), "ref", c->ref);
	return one(c, req, money);
}

/* VOID is signed like a record, by the provider that reported it; the
 * bureau's (--provider P) is not signed: its session is the authority. */
int cmd_void(struct ctl *c)
{
	static struct session s;
	char req[4200];
	int64_t at = (int64_t)time(NULL);
	int rc;

	if (c->nargs != 1)
		return cmds_need(c, NULL, "the record id");
	if ((rc = cmds_need(c, c->reason, "--reason TEXT")))
		return rc;
	if (c->provider != NULL) {
		/* the bureau's void is not signed: it has no time of its own */
		if (c->at != NULL) {
			fprintf(stderr, "vouchctl void: --at is a provider's "
			                "(signed) void's; the bureau's takes "
			                "none\n");
			return 2;
		}
		snprintf(req, sizeof(req), "VOID");
		cmds_arg(req, sizeof(req), "provider", c->provider);
		cmds_arg(req, sizeof(req), "id", c->args[0]);
		cmds_text(req, sizeof(req), "reason", c->reason);
		return one(c, req, NULL);
	}
	if ((rc = cmds_need(c, c->sc.id, "--id PROVIDER")))
		return rc;
	if (c->at && civil_parse_utc(c->at, strlen(c->at), &at) < 0) {
		fprintf(stderr, "vouchctl void: --at takes a UTC time like "
		                "2026-03-01T08:00:00Z\n");
		return 2;
	}
	if ((rc = cmds_open(c, &s)) != 0)
		return rc;
	if (record_void_sign(s.key, c->sc.id, c->args[0], at, c->reason, req,
	                     sizeof(req)) < 0) {
		fprintf(stderr, "vouchctl void: bad record id or reason\n");
		session_close(&s);
		return 2;
	}
	rc = out_reply(&s, req, NULL, c->json);
	session_close(&s);
	return rc;
}

int cmd_checkpoint(struct ctl *c)
{
	return one(c, "CHECKPOINT", NULL);
}

int cmd_reload(struct ctl *c)
{
	return one(c, "RELOAD", NULL);
}

int cmd_stats(struct ctl *c)
{
	return one(c, "STATS", NULL);
}

int cmd_journal(struct ctl *c)
{
	static struct session s;
	int64_t after = 0, limit = 0;
	uint64_t count;
	int rc;

	if ((c->after &&
	     money_parse_uint(c->after, strlen(c->after), &after) < 0) ||
	    (c->limit &&
	     (money_parse_uint(c->limit, strlen(c->limit), &limit) < 0 ||
	      limit == 0))) {
		fprintf(stderr, "vouchctl journal: --after and --limit take "
		                "whole numbers (--limit at least 1)\n");
		return 2;
	}
	if ((rc = cmds_open(c, &s)) != 0)
		return rc;
	rc = audit_export(&s, (uint64_t)after, (uint64_t)limit, c->csv, stdout,
	                  stderr, &count);
	session_close(&s);
	if (rc == 3)
		fprintf(stderr, "vouchctl journal: the connection closed\n");
	if (rc == 0)
		fprintf(stderr, "%" PRIu64 " entries\n", count);
	return rc;
}

static int read_checkpoint(const char *file, struct audit_cp *cp)
{
	char buf[2048];
	size_t n;
	FILE *f = fopen(file, "r");

	if (f == NULL) {
		fprintf(stderr, "vouchctl audit: cannot read %s\n", file);
		return 2;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (audit_checkpoint_parse(buf, n, cp) < 0) {
		fprintf(stderr,
		        "vouchctl audit: %s is not a checkpoint (the output "
		        "of vouchctl checkpoint --json, or its OK line)\n",
		        file);
		return 2;
	}
	return 0;
}

/* What the records' signatures came to; the entries not verifiable are
 * no failure, and where they are is said. */
static void print_sigs(const struct audit_sigs *g)
{
	printf("signatures: %" PRIu64 " verified: %" PRIu64 " USAGE, %" PRIu64
	       " BATCH covering %" PRIu64 " records, %" PRIu64 " VOID; %" PRIu64
	       " entries not verifiable",
	       g->usage + g->batches + g->voids, g->usage, g->batches,
	       g->batch_records, g->voids, g->unverifiable);
	if (g->unverifiable > 0)
		printf(" (seq %" PRIu64 " to %" PRIu64
		       "): written before the journal carried signed bytes, "
		       "or signed by a key, or in a batch, that the export "
		       "does not show",
		       g->unv_first, g->unv_last);
	putchar('\n');
}

/* Offline: no connection, only the file, the checkpoint and the key. */
int cmd_audit(struct ctl *c)
{
	struct audit_cp cp;
	struct audit_result res;
	uint8_t pin[32];
	char why[300], head[65];
	FILE *f;
	int rc;

	if (c->nargs != 1)
		return cmds_need(c, NULL, "the journal file (NDJSON)");
	if (c->checkpoint && (rc = read_checkpoint(c->checkpoint, &cp)) != 0)
		return rc;
	if (c->server_key &&
	    hex_decode(c->server_key, strlen(c->server_key), pin, 32) < 0) {
		fprintf(stderr, "vouchctl audit: --server-key takes 64 hex "
		                "digits\n");
		return 2;
	}
	f = strcmp(c->args[0], "-") == 0 ? stdin : fopen(c->args[0], "r");
	if (f == NULL) {
		fprintf(stderr, "vouchctl audit: cannot read %s\n", c->args[0]);
		return 2;
	}
	rc = audit_verify(f, c->checkpoint ? &cp : NULL,
	                  c->server_key ? pin : NULL, &res, why, sizeof(why));
	if (f != stdin)
		fclose(f);
	if (rc == VD_EINVAL) {
		fprintf(stderr, "vouchctl audit: REFUSED: %s\n", why);
		return 1;
	}
	if (rc < 0) {
		fprintf(stderr, "vouchctl audit: cannot check: %s\n", why);
		return 1;
	}
	hex_encode(res.head, 32, head);
	printf("journal: %" PRIu64 " entries, seq %" PRIu64 " to %" PRIu64
	       ", hash chain verified%s\n",
	       res.entries, res.first, res.last,
	       res.from_genesis ? " from the first entry"
	                        : " (the file does not start at seq 1: the "
	                          "first entry's hash is taken as given)");
	printf("head: seq %" PRIu64 " hash %s\n", res.last, head);
	print_sigs(&res.sigs);
	if (res.checkpoint) {
		char key[65];
		hex_encode(cp.key, 32, key);
		printf("checkpoint: seq %" PRIu64 " at %s signed by %s: "
		       "verified%s\n",
		       cp.seq, cp.time_text, key,
		       c->server_key ? " (the pinned key)"
		                     : " (compare the key with the bureau's)");
		/* what the daemon did not sign for */
		if (res.last > cp.seq)
			printf("after the checkpoint: seq %" PRIu64
			       " to %" PRIu64 " are chained to it but no "
			       "checkpoint covers them\n",
			       cp.seq + 1, res.last);
	} else {
		printf("no checkpoint: the chain shows the export is whole "
		       "and unchanged since its first entry, not that it is "
		       "the daemon's (take one with vouchctl checkpoint)\n");
	}
	return 0;
}

/* A provider's billing export as signed batches, with a summary. */
int cmd_report(struct ctl *c)
{
	static struct session s;
	struct report_stats st;
	FILE *f;
	int rc;

	if (c->nargs != 1)
		return cmds_need(c, NULL, "the billing export (CSV or NDJSON)");
	if ((rc = cmds_need(c, c->sc.id, "--id PROVIDER")))
		return rc;
	f = strcmp(c->args[0], "-") == 0 ? stdin : fopen(c->args[0], "r");
	if (f == NULL) {
		fprintf(stderr, "vouchctl report: cannot read %s\n",
		        c->args[0]);
		return 2;
	}
	if ((rc = cmds_open(c, &s)) != 0) {
		if (f != stdin)
			fclose(f);
		return rc;
	}
	rc = report_file(&s, c->sc.id, f, stderr, isatty(2), &st);
	if (f != stdin)
		fclose(f);
	session_close(&s);
	if (rc == 3)
		fprintf(stderr,
		        "vouchctl report: the connection closed; run it "
		        "again: records already in are duplicates\n");
	if (rc != 0)
		return rc;
	if (c->json) {
		/* as every --json output: jansson, keys in this order */
		json_t *o =
		    json_pack("{sI sI sI sI}", "lines", (json_int_t)st.lines,
		              "accepted", (json_int_t)st.accepted, "duplicate",
		              (json_int_t)st.duplicate, "refused",
		              (json_int_t)st.refused);
		json_dumpf(o, stdout, 0);
		printf("\n");
		json_decref(o);
	} else
		printf("%ld lines: %ld accepted, %ld duplicate, %ld refused\n",
		       st.lines, st.accepted, st.duplicate, st.refused);
	return st.refused ? 1 : 0;
}

/* AMEND ID [--kind K] [--region R] [--local | --not-local] */
int cmd_amend(struct ctl *c)
{
	char req[600] = "AMEND";

	if (c->nargs != 1)
		return cmds_need(c, NULL, "the principal's id");
	if (c->local && c->not_local) {
		fprintf(stderr, "vouchctl amend: --local or --not-local, not "
		                "both\n");
		return 2;
	}
	cmds_arg(req, sizeof(req), "id", c->args[0]);
	cmds_arg(req, sizeof(req), "kind", c->kind);
	cmds_arg(req, sizeof(req), "region", c->region);
	cmds_arg(req, sizeof(req), "local",
	         c->local       ? "1"
	         : c->not_local ? "0"
	                        : NULL);
	return one(c, req, NULL);
}

/* SUSPEND ID --reason TEXT, or REINSTATE ID (which the command says) */
int cmd_suspend(struct ctl *c)
{
	char req[4000];
	int rc;

	if (c->nargs != 1)
		return cmds_need(c, NULL, "the principal's id");
	if ((rc = cmds_need(c, c->reason, "--reason TEXT")))
		return rc;
	snprintf(req, sizeof(req), "SUSPEND");
	cmds_arg(req, sizeof(req), "id", c->args[0]);
	cmds_text(req, sizeof(req), "reason", c->reason);
	return one(c, req, NULL);
}

int cmd_reinstate(struct ctl *c)
{
	char req[200] = "REINSTATE";

	if (c->nargs != 1)
		return cmds_need(c, NULL, "the principal's id");
	cmds_arg(req, sizeof(req), "id", c->args[0]);
	return one(c, req, NULL);
}

/* REKEY ID --pubkey HEX */
int cmd_rekey(struct ctl *c)
{
	char req[300] = "REKEY";
	int rc;

	if (c->nargs != 1)
		return cmds_need(c, NULL, "the principal's id");
	if ((rc = cmds_need(c, c->pubkey, "--pubkey HEX")))
		return rc;
	cmds_arg(req, sizeof(req), "id", c->args[0]);
	cmds_arg(req, sizeof(req), "key", c->pubkey);
	return one(c, req, NULL);
}
