/* Schema 7 to 8, the rest of the keys in principal numbers: the step
 * ledger_upgrade (upgrade.h) runs in its transaction after those that
 * bring an older store to schema 7, and before the older steps that go
 * through book.h (they read and write the new layout). Internal to
 * ledger/.
 *
 * Every key of these tables is rewritten, its value unchanged: a
 * principal's 64-byte NUL-padded id becomes its number (pno.h), any
 * other id (program, project, voucher, ref, record) its own length and
 * a NUL (store_key_str), a number stays as it was:
 *   accrual      (beneficiary, program, project, period)
 *   vouchers     (voucher)
 *   vouchers_by  (beneficiary, voucher)
 *   expiry       (expiry, voucher)
 *   redemptions  (provider, ref)
 *   rec_redeemed (provider, record, program)
 *   receivables  (provider)
 *   payments     (provider, ref)
 *   batches      (provider, the batch entry's seq)
 * The tables keyed by pool, program or the cash refs alone (pools,
 * applications, settled, cash_refs, rollup) and the principals' own
 * table keep their layout: they grow with the policy and the
 * principals, not with the records.
 *
 * Returns 0 and the number of keys rewritten in *n, or a negative code
 * (the caller aborts the transaction); VD_EINTERNAL for a key naming a
 * principal that has no number, or a voucher id of 63 or 64 bytes (its
 * new key would not sort before its old one: vouchd never made one). */
#ifndef VD_UPGRADE8_H
#define VD_UPGRADE8_H

#include <stddef.h>

#include "store.h"

int upgrade8_keys(struct ltx *t, size_t *n);

#endif
