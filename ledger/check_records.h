/* The invariant checker's part for the record rows (check.c): every row
 * of DB_RECORDS decodes (recrow.h), names numbered principals, and says
 * what the usage entry at its seq says (provider, id, org, at, amount,
 * qty, unit, kind, class, project, counts, batch, a lone USAGE's
 * signature: a VOID takes back the row's figures, so a row that
 * differed would move money the replay could not tell from right); a
 * record of a BATCH points at a whole line of its batch's stored lines
 * naming it (provider, id, org, amount, qty, unit); each batch's stored
 * lines are the lines its entry signed (lines_sha256); and the org index
 * (DB_RECS_BY_ORG) has one entry per record, naming it, under its org's
 * number, period and seq. Internal to the ledger. */
#ifndef VD_CHECK_RECORDS_H
#define VD_CHECK_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* 0 and the number of records in *n; 1 and msg saying the first
 * difference; or a negative code of a failed read. */
int crecords_compare(struct ltx *t, uint64_t *n, char *msg, size_t msglen);

/* The batch entry of seq (e, len bytes): its lines as stored (DB_BATCHES)
 * hash to its lines_sha256 (an entry without one, of schema 5 or before,
 * has nothing to compare: each of its records' usage entries carries its
 * line). 0, 1 and msg, or a negative code. */
int crecords_batch(struct ltx *t, uint64_t seq, const char *e, size_t len,
                   char *msg, size_t msglen);

#endif
