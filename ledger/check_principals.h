/* The invariant checker's part for principals (check.c): every principal
 * as its journal entries leave it (register, amend, suspend, reinstate,
 * rekey), compared with the stored rows: role, kind, local flag, region,
 * status and key; and (schema 7) every principal's number, the place of
 * its register entry among them, both ways in DB_PNOS (pno.h), and the
 * last number given. Internal to the ledger. */
#ifndef VD_CHECK_PRINCIPALS_H
#define VD_CHECK_PRINCIPALS_H

#include <stddef.h>

#include "store.h"

struct cprincipals;

/* An empty table; NULL if out of memory. */
struct cprincipals *cprincipals_new(void);
void cprincipals_free(struct cprincipals *p);

/* Replay one journal entry of type (others are ignored): 0, or 1 with
 * msg set when the entry is malformed or names an unknown principal, or
 * a negative code (VD_ENOMEM). */
int cprincipals_entry(struct cprincipals *p, const char *type, const char *e,
                      size_t len, char *msg, size_t msglen);

/* Compare with DB_PRINCIPALS and DB_PNOS: 0 if every stored row and
 * number is as the journal says and every principal of the journal is
 * stored; 1 and msg saying the first difference; or a negative code of a
 * failed read. */
int cprincipals_compare(struct cprincipals *p, struct ltx *t, char *msg,
                        size_t msglen);

#endif
