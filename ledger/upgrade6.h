/* Schema 5 to 6, projects: the steps ledger_upgrade (upgrade.h) runs in
 * its transaction for a store of schema 5 or older. Internal to ledger/.
 *
 * Before schema 6 every row was per beneficiary and no record had a
 * project, so:
 *   - accrual rows are keyed (beneficiary, program, project, period):
 *     each old row moves to the project "" (book_row_project's for a
 *     per-beneficiary program), its figures unchanged;
 *   - record rows gain a project, "" (none: the unnamed project), their
 *     signed line and counts unchanged;
 *   - voucher rows of schema 4 and 5 gain a project, "";
 *   - the daily rollup (rollup.h) is written from the journal by
 *     ledger_rollup_rebuild (check.h): every past movement on the CST
 *     day of its entry, the unfunded demand on the day of the upgrade.
 * Grant applications are not rewritten: a row without a project reads
 * as none (ops_grant.c).
 *
 * Each returns 0 and the rows it rewrote in *n, or a negative code (the
 * caller aborts the transaction). */
#ifndef VD_UPGRADE6_H
#define VD_UPGRADE6_H

#include <stddef.h>

#include "store.h"

int upgrade6_accrual(struct ltx *t, size_t *n);
int upgrade6_records(struct ltx *t, size_t *n);
/* Only for a store of schema 4 or 5: schema 3's upgrade writes voucher
 * rows of schema 6 itself. */
int upgrade6_vouchers(struct ltx *t, size_t *n);

#endif
