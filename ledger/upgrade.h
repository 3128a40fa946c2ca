/* `vouchd upgrade --data DIR`: a store written by an earlier vouchd
 * (schema 3 to 7), in place, in one write transaction (all or nothing),
 * journaled ("upgrade from=7 to=8", or from=6, 5, 4, 3), then checked by
 * the caller. From schema 7 to 8 (and from every older one): the other
 * keys in principal numbers and ids at their own length (upgrade8.h),
 * after the steps below that reach schema 7 and before those of schema
 * 3, which go through book.h. From 6 to 7 (and older): principal
 * numbers and compact record rows (upgrade7.h). From 5 to 6 (and older):
 * projects (upgrade6.h). From schema 4 to 5 (and from 3):
 *   - principal rows gain a region (none: within no region; the `local`
 *     flag keeps working for programs without a region) and a status
 *     (active).
 * From schema 3 to 4, before that:
 *   - voucher rows gain pays (a provider program's grants become cash
 *     entitlements, which never expire: they leave the expiry index),
 *     paid_out and recovered (0), and their clawback_due: schema 3 kept
 *     one sum per beneficiary; the journal says which voucher each part
 *     came through (a revoke names it; a clawback after a void names
 *     (program, beneficiary, period), whose newest voucher at that point
 *     of the journal it is). The sums must agree, or nothing is changed;
 *   - pool rows gain paid_out and recovered (0) and their period's budget,
 *     fixed from the recorded policy (each row exists because its period
 *     drew on the pool), each a "budget" entry; so does every pool of a
 *     settled annual program for the settled period (a settlement fixes
 *     the budget even when it pays nothing);
 *   - an annual program's rows of unsettled periods get what is earned so
 *     far (schema 3 computed it at settlement only).
 * Every balance (remaining, clawback due, pool figures, receivables) is
 * unchanged. A store in which schema 3 made a voucher's holder owe back
 * more than left through the voucher is refused (VD_EINVAL, msg naming
 * the voucher), unchanged: schema 4 would let that repayment swell the
 * pool, and what is owed is the bureau's decision. A program since
 * removed from the policy: its vouchers are cash entitlements when their
 * holder is a provider. Redemptions against records voided under schema
 * 3 stay as they were (schema 4 undoes them only at a void). */
#ifndef VD_UPGRADE_H
#define VD_UPGRADE_H

#include <stddef.h>
#include <stdint.h>

/* 0 and msg saying what was done (or that the store is already of this
 * schema); a negative code and msg saying why, the store unchanged. now:
 * the time of the journal entries. */
int ledger_upgrade(const char *dir, int64_t now, char *msg, size_t len);

#endif
