/* vouchctl's subcommands. main (vouchctl.c) parses the flags into a
 * struct ctl and calls one cmd_* function; each returns the exit code:
 * 0 ok, 1 the server said ERR (or report/audit found bad input), 2 usage
 * error, 3 cannot connect or authenticate. */
#ifndef VD_CMDS_H
#define VD_CMDS_H

#include "conf.h"
#include "output.h"
#include "session.h"

struct ctl {
	const char *name; /* the subcommand, for messages */
	struct conf conf; /* the config file with the environment on top */
	struct session_cfg sc;
	int json, csv, local, not_local, force, all, dry, by_program, by_day;
	const char *out, *org, *provider, *pool, *period, *program, *need;
	const char *amount, *ref, *reason, *role, *pubkey, *kind, *region,
	    *voucher;
	const char *record, *after, *limit, *at, *checkpoint, *server_key;
	const char *project;
	int nargs;
	char **args; /* positional arguments after the flags */
};

/* Helpers the cmd_* files share (cmds.c). */
/* How a listing prints: --json, --csv (main refuses both), or a table. */
enum out_mode cmds_mode(const struct ctl *c);
/* Open the session c->sc describes; 0, or 3 with the reason on stderr
 * (the session is closed then). */
int cmds_open(struct ctl *c, struct session *s);
/* 0 when v is set, else 2 with "vouchctl NAME: FLAG is required". */
int cmds_need(const struct ctl *c, const char *v, const char *flag);
/* Append " key=v" to buf when v is set. */
void cmds_arg(char *buf, size_t size, const char *key, const char *v);
/* Append " key=<fen>" for yuan typed by a person ("1234.5", "12,345.67");
 * 0, or 2 with a message for a bad amount. */
int cmds_yuan(const struct ctl *c, char *buf, size_t size, const char *key,
              const char *flag, const char *v);
/* Append " key=<percent-encoded text>". */
void cmds_text(char *buf, size_t size, const char *key, const char *text);

int cmd_keygen(struct ctl *c);
int cmd_raw(struct ctl *c);
int cmd_ping(struct ctl *c);
int cmd_programs(struct ctl *c);
int cmd_report(struct ctl *c);
int cmd_void(struct ctl *c);
int cmd_redeem(struct ctl *c);
int cmd_receivables(struct ctl *c);
int cmd_balance(struct ctl *c);
int cmd_accrual(struct ctl *c);
int cmd_records(struct ctl *c);
int cmd_register(struct ctl *c);
int cmd_issue(struct ctl *c);
int cmd_settle(struct ctl *c);
/* settle --dry-run: the settlement computed, nothing written */
int cmd_settle_preview(struct ctl *c);
int cmd_revoke(struct ctl *c);
int cmd_pay(struct ctl *c);
int cmd_payout(struct ctl *c);
int cmd_repay(struct ctl *c);
int cmd_pool(struct ctl *c);
int cmd_journal(struct ctl *c);
int cmd_checkpoint(struct ctl *c);
int cmd_audit(struct ctl *c);
int cmd_reload(struct ctl *c);
int cmd_stats(struct ctl *c);
int cmd_amend(struct ctl *c);
int cmd_suspend(struct ctl *c);
int cmd_reinstate(struct ctl *c);
int cmd_rekey(struct ctl *c);

#endif
