/* The invariant checker's part for the record rows (check.c): every row
 * of DB_RECORDS decodes (recrow.h) and names a numbered org, a record of
 * a BATCH points inside its batch's stored lines, and the org index
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

#endif
