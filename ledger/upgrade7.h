/* Schema 6 to 7, principal numbers and compact record rows: the steps
 * ledger_upgrade (upgrade.h) runs in its transaction, after those that
 * bring an older store to schema 6. Internal to ledger/.
 *   - every principal gets its number (pno.h): the place of its
 *     register entry in the journal, the bureau of `vouchd init` 1;
 *   - record rows move to recrow.h's key (the provider's number, the id
 *     at its own length) and value (the org's number, varints, short
 *     strings; a USAGE's line and signature once; a BATCH record's line
 *     as its place in the batch's stored lines, found by its id= there,
 *     instead of nothing); every figure, status, project and the
 *     programs each counted for unchanged;
 *   - the org index moves to (org's number, period, seq) -> the record's
 *     key.
 * Old keys sort after every new one (a number's first byte is below any
 * id's), so each table is rewritten a bounded chunk at a time.
 *
 * Each returns 0 and what it rewrote in *n, or a negative code (the
 * caller aborts the transaction); VD_EINTERNAL for a row of the wrong
 * shape or one naming a principal the journal never registered. */
#ifndef VD_UPGRADE7_H
#define VD_UPGRADE7_H

#include <stddef.h>

#include "store.h"

int upgrade7_numbers(struct ltx *t, size_t *n);
/* After upgrade7_numbers: records, their batch lines, the org index. */
int upgrade7_records(struct ltx *t, size_t *n);

#endif
