/* The one table from error codes (VD_E* of base/ and ledger/, PROTO_E* of
 * proto/, all in base/err.h) to the protocol's ERR words; a code it does
 * not name is INTERNAL. */
#ifndef VD_ERRMAP_H
#define VD_ERRMAP_H

const char *errmap_word(int code);

/* The ERR words in a fixed order, for counters: errmap_nth(i) for i in
 * [0, ERRMAP_NWORDS); errmap_index maps a word back (INTERNAL for one not
 * in the table). */
#define ERRMAP_NWORDS 16
const char *errmap_nth(int i);
int errmap_index(const char *word);

#endif
