/* Rows of a table copied out a bounded chunk at a time, for the upgrades
 * that rewrite a table's keys in place (upgrade7.h, upgrade8.h): LMDB's
 * cursor must not see its own writes, so each chunk is copied out of a
 * walk, then rewritten. Only keys of the old layout's length (klen) are
 * copied; shorter ones (the new layout's, already written) are passed
 * over, a longer one is VD_EINTERNAL. Old keys must sort at or after the
 * last key copied once its row is rewritten, so that each chunk starts
 * where the last ended. Internal to ledger/. */
#ifndef VD_ROWCOPY_H
#define VD_ROWCOPY_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define ROWCOPY_CHUNK 4096             /* rows copied out at a time */
#define ROWCOPY_KEY (3 * STORE_ID + 2) /* the longest old key */

/* Set klen (at most ROWCOPY_KEY) and zero the rest before the first
 * chunk; free(buf) after the last. */
struct rowcopy {
	size_t klen, n;
	uint8_t *buf;
	size_t len, cap;
	uint8_t last[ROWCOPY_KEY]; /* the last key copied */
};

/* The next chunk of old rows of db into c (first: from the table's
 * start); c->n 0: none left. 0 or a negative code. */
int rowcopy_chunk(struct ltx *t, enum store_db db, struct rowcopy *c,
                  int first);
/* The chunk's rows in turn from *off (0 first): 1 with *k (klen bytes)
 * and *v set, 0 after the last. */
int rowcopy_next(const struct rowcopy *c, size_t *off, const uint8_t **k,
                 MDB_val *v);

#endif
