/* A string-keyed table of int64 figures, for the checker's rebuild from
 * the journal (check.c): open addressing, grown as it fills. Keys are at
 * most FIGURES_KEY - 1 bytes (longer ones are cut). Internal to ledger/. */
#ifndef VD_FIGURES_H
#define VD_FIGURES_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define FIGURES_KEY 264

struct figures_slot {
	char key[FIGURES_KEY];
	int64_t v[8];
	char tag[STORE_ID + 1]; /* a string of the caller's (a voucher's
	                           program) */
	int used, seen;
};

/* Zeroed it is empty; free its s when done. */
struct figures {
	struct figures_slot *s;
	size_t cap, n;
};

/* The slot of key; add != 0: made (zeroed) if absent. NULL when absent
 * (add 0) or out of memory (add 1). */
struct figures_slot *figures_find(struct figures *t, const char *key, int add);

/* v[i] of key's slot (made if absent) += d: 0, VD_ENOMEM, VD_EOVERFLOW. */
int figures_add(struct figures *t, const char *key, int i, int64_t d);

#endif
