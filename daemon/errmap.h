/* The one table from error codes (VD_E* of ledger/, PROTO_E* of proto/)
 * to the protocol's ERR words. */
#ifndef VD_ERRMAP_H
#define VD_ERRMAP_H

const char *errmap_word(int code);

#endif
