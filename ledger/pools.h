/* The bureau's view of its pools: figures per (pool, period), and the
 * same split by program. Reads, with reads.h's contract: each call runs
 * in one read transaction of its own and sees the last committed state;
 * fn gets each row (valid during that call only) and returns 0 to go
 * on, 1 to stop (the call then returns 0), or a negative code, which is
 * returned. Other returns: VD_EIO, VD_ENOMEM, VD_EINTERNAL. */
#ifndef VD_POOLS_H
#define VD_POOLS_H

#include <stdint.h>

#include "ledger.h"

struct ledger_pool {
	char pool[LEDGER_ID + 1];
	int32_t period;
	int64_t budget, granted, redeemed, expired, revoked, remaining,
	    unfunded, paid_out, recovered;
};

typedef int (*ledger_pool_fn)(void *arg, const struct ledger_pool *p);

/* Pool figures of pool (NULL: all) and period (0: every period with
 * figures), in (pool, period) order. Every pool of the policy in force is
 * listed for the period asked, or without one for the CST period of now,
 * with zero figures where it has none. The budget is the period's fixed
 * budget once the period drew on the pool, else the policy's for it (a
 * pool no longer in the policy, or no policy: 0); remaining = budget -
 * granted + expired + revoked + recovered. */
int ledger_pools(struct ledger *l, const char *pool, int32_t period,
                 int64_t now, ledger_pool_fn fn, void *arg);

/* One program's part of one pool's figures for one period. */
struct ledger_pool_program {
	char pool[LEDGER_ID + 1];
	int32_t period;
	char program[LEDGER_ID + 1];
	int64_t granted, redeemed, paid_out, expired, revoked, recovered,
	    unfunded;
};

typedef int (*ledger_pool_program_fn)(void *arg,
                                      const struct ledger_pool_program *p);

/* POOL by=program: first pfn with each row ledger_pools would list for
 * the same arguments (for the totals), then fn with each (pool, period,
 * program) that has a non-zero figure, in that order, both from one
 * snapshot. A program's part is the split of each of its vouchers'
 * figures (and of its accrual rows' unfunded) by its pool shares: the
 * pools' figures are running totals of those splits (book_pools_move),
 * so the parts of a (pool, period) add up to its row. Vouchers of a
 * program no longer in the policy cannot be split and are left out. */
int ledger_pools_by_program(struct ledger *l, const char *pool, int32_t period,
                            int64_t now, ledger_pool_fn pfn,
                            ledger_pool_program_fn fn, void *arg);

#endif
