/* ledger_check(): the invariant checker. It verifies the journal's hash
 * chain, then rebuilds from the journal and the stored records every
 * accrual basis, every net grant, every voucher figure, every pool
 * figure and every principal (role, kind, local flag, region, status,
 * key), and compares them with the stored rows; with the policy that
 * was last loaded it also recomputes every program's earned amount. The
 * first mismatch is described in msg. */
#ifndef VD_CHECK_H
#define VD_CHECK_H

#include <stddef.h>

#include "ledger.h"

/* 0 if everything adds up; VD_EINTERNAL (msg says where) if not,
 * including a journal entry with a numeric field (amount, period, qty,
 * need, a pool's part) that is not a number as journal_i64 writes it
 * ("journal entry 3: amount: not a number"; an absent field counts as 0);
 * another negative code if the store could not be read. msg says "ok"
 * on success. */
int ledger_check(struct ledger *l, char *msg, size_t msglen);

struct ltx;
struct policy;

/* For `vouchd upgrade` (upgrade.c) of a store without the daily rollup:
 * rebuild its flows from the journal, as ledger_check does, and write
 * them in t (a write transaction), with the unfunded demand of the
 * accrual rows as a change on the CST day of now (check_rollup.h). pol
 * is the policy the store recorded (NULL: none ever loaded). 0, or
 * VD_EINTERNAL (msg says which entry) for a journal the checker would
 * refuse, or the store's failure. */
int ledger_rollup_rebuild(struct ltx *t, const struct policy *pol, int64_t now,
                          char *msg, size_t msglen);

#endif
