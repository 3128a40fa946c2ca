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

/* What moved of a pool's figures: in one program on one day (a row of
 * the daily rollup, rollup.h, stored as is), or summed over programs or
 * days. unfunded is the change of unfunded demand (may be below 0). */
struct ledger_flows {
	int64_t granted, redeemed, paid_out, expired, revoked, recovered;
	int64_t unfunded;
};

/* *to += *add, figure by figure: 0, or VD_EOVERFLOW (*to partly
 * added). */
int ledger_flows_add(struct ledger_flows *to, const struct ledger_flows *add);

/* One program's part of one pool's figures for one period. */
struct ledger_pool_program {
	char pool[LEDGER_ID + 1];
	int32_t period;
	char program[LEDGER_ID + 1];
	struct ledger_flows f;
};

typedef int (*ledger_pool_program_fn)(void *arg,
                                      const struct ledger_pool_program *p);

/* POOL by=program: first pfn with each row ledger_pools would list for
 * the same arguments (for the totals), then fn with each (pool, period,
 * program) that has a non-zero figure, in that order, both from one
 * snapshot. A program's part is the sum of its daily rollup rows
 * (rollup.h): every movement of a pool figure is booked there with its
 * program, so the parts of a (pool, period) add up to its row, a program
 * since removed from the policy included. */
int ledger_pools_by_program(struct ledger *l, const char *pool, int32_t period,
                            int64_t now, ledger_pool_fn pfn,
                            ledger_pool_program_fn fn, void *arg);

/* One CST day's movements of one pool's figures, all programs. day is
 * days since 1970-01-01 (CST); unfunded is the day's change of unfunded
 * demand (may be below 0). */
struct ledger_pool_day {
	char pool[LEDGER_ID + 1];
	int32_t period;
	int32_t day;
	struct ledger_flows f;
};

typedef int (*ledger_pool_day_fn)(void *arg, const struct ledger_pool_day *d);

/* POOL by=day: as ledger_pools_by_program, then fn with each (pool,
 * period, day) that has a non-zero movement, in that order: the daily
 * rollup's rows of pool (NULL: all) and period (0: all) summed over
 * programs (protocol.md). */
int ledger_pools_by_day(struct ledger *l, const char *pool, int32_t period,
                        int64_t now, ledger_pool_fn pfn, ledger_pool_day_fn fn,
                        void *arg);

#endif
