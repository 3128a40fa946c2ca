/* Internal to daemon/: the command handlers, split by who sends them
 * (handlers.c: session, provider writes and batches; handlers_read.c:
 * listings; handlers_admin.c: the bureau's writes and dispatch). Each
 * writes its reply into c->out. */
#ifndef VD_HANDLERS_H
#define VD_HANDLERS_H

#include "srv.h"

void handlers_err(struct conn *c, int code, const char *msg);
int handlers_own_line(struct conn *c, const struct req *r);
void handlers_fill_record(const struct req *r, struct ledger_record *u);
void handlers_batch_submit(struct conn *c, const uint8_t sig[SIG_LEN]);
void handlers_copy(const struct req *r, enum cmd_key k, char *dst, size_t n);
const char *handlers_role_word(unsigned role);

void do_hello(struct conn *c);
void do_auth(struct conn *c, const struct req *r);
void do_usage(struct conn *c, const struct req *r);
void do_void(struct conn *c, const struct req *r);
void do_batch(struct conn *c, const struct req *r, int refusal);
void batch_line(struct conn *c, const char *line, size_t len);

void do_register(struct conn *c, const struct req *r);
void do_issue(struct conn *c, const struct req *r);
void do_settle(struct conn *c, const struct req *r);
void do_revoke(struct conn *c, const struct req *r);
void do_expire(struct conn *c, const struct req *r);
void do_pay(struct conn *c, const struct req *r);
void do_redeem(struct conn *c, const struct req *r);

void do_balance(struct conn *c, const struct req *r);
void do_accrual(struct conn *c, const struct req *r);
void do_records(struct conn *c, const struct req *r);
void do_programs(struct conn *c);
void do_pool(struct conn *c, const struct req *r);
void do_receivables(struct conn *c, const struct req *r);
void do_journal(struct conn *c, const struct req *r);
void do_checkpoint(struct conn *c);
void do_stats(struct conn *c);

#endif
