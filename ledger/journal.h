/* The journal: append-only, SHA-256 chained, inside the store.
 *
 * An entry's bytes are "seq=S time=T type=X k=v ..." (protocol.md's ENTRY
 * row without "ENTRY " and " hash=..."); its hash is chain.h's
 * SHA-256(previous hash || bytes), the first entry's previous hash being
 * 32 zero bytes. Entries are written in the caller's transaction, so an
 * entry exists exactly when the change it records does. */
#ifndef VD_JOURNAL_H
#define VD_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "chain.h"
#include "store.h"

/* An entry's fields are bounded; a record can therefore count for as many
 * programs as fit in about 2 KiB of ids (dozens), which a policy never
 * needs: one that does is refused with VD_ELIMIT, not truncated. */
#define JOURNAL_ENTRY_MAX CHAIN_FIELDS_MAX

/* Fields of an entry being built; a field that does not fit makes the
 * append fail with VD_ELIMIT. Values are printable ASCII without spaces. */
struct jfields {
	char buf[JOURNAL_ENTRY_MAX];
	size_t len;
	int err;
};

void journal_fields_init(struct jfields *f);
void journal_str(struct jfields *f, const char *key, const char *val);
void journal_i64(struct jfields *f, const char *key, int64_t v);
/* Free text, percent-encoded (bytes other than printable ASCII, space and
 * '%' become %XX, upper case) so that it stays one token; "-" when empty.
 * Encoded whole or not at all: text whose encoding does not fit makes
 * the append fail with VD_ELIMIT, never a cut value. */
void journal_text(struct jfields *f, const char *key, const char *text);
/* The same for len bytes that need not be text or NUL-terminated (a
 * signed line as sent). */
void journal_textn(struct jfields *f, const char *key, const char *text,
                   size_t len);
/* Bytes as lowercase hex. */
void journal_hex(struct jfields *f, const char *key, const uint8_t *raw,
                 size_t n);

/* Append an entry of type with these fields at time now; *seq gets its
 * sequence number. */
int journal_append(struct ltx *t, int64_t now, const char *type,
                   const struct jfields *f, uint64_t *seq);

/* The last sequence number and hash (0 and zeros for an empty journal). */
int journal_head(struct ltx *t, uint64_t *seq, uint8_t hash[CHAIN_HASH_LEN]);

/* Call fn for entries after seq `after`, at most limit of them (0: all);
 * bytes and hash are valid during the call only. fn returns 0 to go on. */
typedef int (*journal_fn)(void *arg, uint64_t seq, const char *bytes,
                          size_t len, const uint8_t hash[CHAIN_HASH_LEN]);
/* The entry at seq, in place (valid as ltx_get's values are): its bytes
 * without the hash in *e and *len. VD_ENOENT if there is none,
 * VD_EINTERNAL for a row shorter than a hash. */
int journal_entry(struct ltx *t, uint64_t seq, const char **e, size_t *len);
int journal_read(struct ltx *t, uint64_t after, size_t limit, journal_fn fn,
                 void *arg);

/* Take back the entries after seq `after`, appended in t and not yet
 * committed: fn gets each (as journal_read gives them; it copies what it
 * keeps and returns 0), then they are deleted and the head is after's
 * again, as if they had never been appended. The caller appends them
 * again in another order or form (carry.h: a usage entry before the
 * entries its record caused). Nothing to take: 0, fn not called. */
int journal_takeback(struct ltx *t, uint64_t after, journal_fn fn, void *arg);

/* Reading an entry's fields (the checker, the upgrade): the value of key
 * in entry e of len bytes, in place (*v, *vlen), or into out as a string
 * (size bytes with its NUL). 1 if found (and, for journal_field, fits),
 * 0 if not. */
int journal_span(const char *e, size_t len, const char *key, const char **v,
                 size_t *vlen);
int journal_field(const char *e, size_t len, const char *key, char *out,
                  size_t size);

/* Recompute the chain from the first entry; 0, or VD_EINTERNAL with the
 * first bad sequence number in *bad. */
int journal_verify(struct ltx *t, uint64_t *bad);

#endif
