/* The journal's hash chain (protocol.md, "Journal bytes and
 * checkpoints"): the hash of entry n is SHA-256(hash of entry n-1 ||
 * bytes of entry n), the hash before the first entry being
 * CHAIN_HASH_LEN zero bytes. The ledger extends the chain as it journals
 * (ledger/journal.c) and checks it (ledger/check.c); vouchctl's audit
 * recomputes it from an export (client/audit.c). All of them hash with
 * this one function, so the writer and the auditor cannot disagree. */
#ifndef VD_CHAIN_H
#define VD_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#define CHAIN_HASH_LEN 32 /* SHA-256 */

/* An entry's bytes are "seq=S time=T type=X" and then its key=value
 * fields, which take at most CHAIN_FIELDS_MAX bytes: the ledger refuses
 * to journal more (VD_ELIMIT), so an auditor needs no room for more. */
#define CHAIN_FIELDS_MAX 4096

/* out = SHA-256(prev || the len bytes at bytes). prev and out may be the
 * same buffer. 0 on success; VD_ENOMEM if OpenSSL could not allocate a
 * digest context, VD_EINTERNAL if a digest step failed; out is written
 * only on success. Thread-safe: no state is kept between calls. */
int chain_hash(const uint8_t prev[CHAIN_HASH_LEN], const char *bytes,
               size_t len, uint8_t out[CHAIN_HASH_LEN]);

/* out = SHA-256 of the len bytes at bytes alone: what an entry carries
 * for bytes it binds without holding them (a BATCH's signed lines, its
 * "lines_sha256"), so that the ledger writing it and an auditor checking
 * it hash alike. Returns and thread safety as chain_hash. */
int chain_digest(const void *bytes, size_t len, uint8_t out[CHAIN_HASH_LEN]);

/* The value of key in an entry's bytes ("seq=S ... key=value ...":
 * values hold no spaces), in place, its length in *vlen; NULL when the
 * entry has no such key. The ledger reads its journal with it
 * (journal_span) and vouchctl's audit an export. */
const char *chain_field(const char *e, size_t len, const char *key,
                        size_t *vlen);

#endif
