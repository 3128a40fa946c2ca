/* The checker's side of the daily rollup (rollup.h): the days' figures
 * rebuilt from the journal (check.c's replay fills them, keyed
 * "pool|period|day|program" with the pool figures' indexes: 0 granted, 1
 * redeemed, 2 expired, 3 revoked, 6 paid_out, 7 recovered) against the
 * stored rows, and written as rows by `vouchd upgrade`. Internal to
 * ledger/. */
#ifndef VD_CHECK_ROLLUP_H
#define VD_CHECK_ROLLUP_H

#include <stddef.h>
#include <stdint.h>

#include "figures.h"
#include "policy.h"
#include "store.h"

/* Compare every rollup row's flows with days (marking the slots seen:
 * the caller reports unseen non-zero ones), and each (pool, period)'s
 * sum of unfunded changes with its pool row (unfunded is not
 * journaled). 0 if all agree, 1 with msg saying where if not, or a
 * negative code of a failed read. */
int crollup_compare(struct ltx *t, struct figures *days, char *msg, size_t len);

/* Write days as rollup rows (for the upgrade of a store that had none),
 * and the unfunded demand of every accrual row of a program in pol, split
 * by its shares, as a change on the CST day of now. 0 or the store's
 * failure. */
int crollup_write(struct ltx *t, const struct policy *pol,
                  const struct figures *days, int64_t now);

#endif
