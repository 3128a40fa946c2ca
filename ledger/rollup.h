/* The daily rollup: per (pool, period, CST day, program) what the day
 * moved of each pool figure (granted, redeemed, paid out, expired,
 * revoked, recovered) and of its unfunded demand. Internal to ledger/:
 * the reads are pools.h's.
 *
 * Every movement of a pool figure goes through book_pools_move and every
 * change of unfunded demand through book_set_unfunded; both add it here,
 * in the same transaction, on the CST day of the operation's time (the
 * journal entry's time). So the rows of a (pool, period) add up to its
 * pool row, whatever crashed when, and the bureau's charts read one
 * range instead of the journal. unfunded is a change (may be negative):
 * a day's new unmet demand less what was met or dropped that day.
 *
 * The checker rebuilds the flows from the journal's pool parts and
 * compares (check.c); `vouchd upgrade` from schema 5 writes them the
 * same way, and the unfunded demand the store had then on the day of the
 * upgrade (upgrade.h). */
#ifndef VD_ROLLUP_H
#define VD_ROLLUP_H

#include <stddef.h>
#include <stdint.h>

#include "pools.h"
#include "store.h"

struct book;

/* A row is a struct ledger_flows (pools.h), stored as is (LMDB files are
 * not portable across byte orders). */

#define ROLLUP_KEY (2 * STORE_ID + 2 + 4)

/* The CST day of Unix time t: days since 1970-01-01 (CST). */
int32_t rollup_day(int64_t t);

/* The key (pool, period, day, program); its (pool, period) prefix is
 * STORE_ID + 2 bytes. */
size_t rollup_key(uint8_t *k, const char *pool, int32_t period, int32_t day,
                  const char *prog);
/* Its parts back; VD_EINTERNAL for a key of another size. pool and prog
 * have STORE_ID + 1 bytes. */
int rollup_key_parse(const void *k, size_t len, char *pool, int32_t *period,
                     int32_t *day, char *prog);

/* The ledger_flows field for a pool_row figure (offsetof(struct pool_row,
 * x)): its offset in struct ledger_flows, or -1 for one that is no
 * movement (budget). */
long rollup_field(size_t pool_figure);

/* Add delta to field (offsetof(struct ledger_flows, x)) of the row of
 * (pool, period, the day of b->now, prog). 0, or the store's failure, or
 * VD_EOVERFLOW. */
int rollup_add(struct book *b, const char *pool, int32_t period,
               const char *prog, size_t field, int64_t delta);

/* The same for a given day, for the upgrade's rebuild. */
int rollup_add_on(struct ltx *t, const char *pool, int32_t period, int32_t day,
                  const char *prog, size_t field, int64_t delta);

#endif
