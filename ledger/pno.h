/* Principal numbers (schema 7): every registered principal has a 4-byte
 * number, its place in the order of the journal's register entries (1
 * for the first, the bureau of `vouchd init`; 2 for the next, ...), so
 * that the journal alone gives the table (ledger_check compares it,
 * check_principals.c). Record keys and the org index name principals by
 * number (recrow.h): 4 bytes instead of 64; from schema 8 so do the
 * keys of the money tables (upgrade8.h lists them).
 *
 * DB_PNOS holds both directions: 'i' + id (its own length) -> number,
 * and 'n' + number (u32 BE) -> id; DB_META "pno" the last number given
 * (u32). Nothing is cached outside the transaction: a group that aborts
 * and runs again gives the same numbers again. Internal to ledger/.
 *
 * Each returns 0, VD_ENOENT where it says, VD_EINTERNAL for a stored
 * entry of the wrong shape, or the store's failure (store.h). */
#ifndef VD_PNO_H
#define VD_PNO_H

#include <stdint.h>

#include "store.h"

/* The number of principal id; VD_ENOENT if it has none (not
 * registered). */
int pno_get(struct ltx *t, const char *id, uint32_t *no);
/* The id of number no into id (STORE_ID + 1 bytes); VD_ENOENT if no
 * principal has it, VD_EINTERNAL if its row is no id (empty, too long,
 * a NUL inside). */
int pno_id(struct ltx *t, uint32_t no, char id[STORE_ID + 1]);
/* Give id the next number (the last given + 1) in t, both directions
 * and the counter; *no gets it. The caller registers id in the same
 * transaction (ops_register), and gives none twice. */
int pno_assign(struct ltx *t, const char *id, uint32_t *no);

/* Schema 8's principal field of a key: id's number (u32 BE) written at
 * k + *n, *n moved past it; VD_ENOENT if id has none. Keys that name a
 * principal first therefore sort in register order, not id order:
 * listings of everyone's rows walk the principals in id order
 * (pno_walk) and take each one's range. */
int pno_key(struct ltx *t, uint8_t *k, size_t *n, const char *id);
/* Take a principal field from *p (before end) into id (STORE_ID + 1
 * bytes); VD_EINTERNAL if the key ends first or the number names no
 * principal. */
int pno_take(struct ltx *t, const uint8_t **p, const uint8_t *end,
             char id[STORE_ID + 1]);
/* Every principal in id order: fn(arg, id, its number) returns 0 to go
 * on, 1 to stop (pno_walk returns 0), or a negative code it returns. */
typedef int (*pno_walk_fn)(void *arg, const char *id, uint32_t no);
int pno_walk(struct ltx *t, pno_walk_fn fn, void *arg);

#endif
