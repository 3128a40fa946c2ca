/* The bureau's writes: REGISTER, ISSUE, SETTLE, REVOKE, EXPIRE, PAY,
 * PAYOUT, REPAY, RELOAD, AMEND, SUSPEND and REINSTATE. Rows of the table in
 * dispatch.c: each check turns a request into a job, each finish writes the OK
 * of a committed one. */
#ifndef VD_BUREAU_H
#define VD_BUREAU_H

#include "dispatch.h"

#define BUREAU_ROW(name)                                                       \
	int bureau_##name##_check(struct conn *c, const struct req *r,         \
	                          struct job *j, const char **why);            \
	void bureau_##name##_finish(struct conn *c, const struct job *j)

BUREAU_ROW(register);
BUREAU_ROW(issue);
BUREAU_ROW(settle);
BUREAU_ROW(revoke);
BUREAU_ROW(expire);
BUREAU_ROW(pay);
/* PAYOUT of a cash entitlement; REPAY of a voucher's clawback due */
BUREAU_ROW(payout);
BUREAU_ROW(repay);
/* RELOAD: the policy directory is read now (all or nothing); the swap
 * runs on the commit thread between two group commits. */
BUREAU_ROW(reload);
/* AMEND of a principal's attributes; SUSPEND and REINSTATE (one row for
 * both: the command says which) */
BUREAU_ROW(amend);
BUREAU_ROW(suspend);
/* REKEY: a new public key, checked as REGISTER's */
BUREAU_ROW(rekey);

#undef BUREAU_ROW

#endif
