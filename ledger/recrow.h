/* Usage record rows of schema 7 (DB_RECORDS): the key and the compact
 * value, encoded and decoded here and nowhere else. No LMDB: the caller
 * reads and writes the bytes (book_record, ops_usage.c). Internal to
 * ledger/.
 *
 * Key: the provider's principal number (pno.h, u32 big-endian), then
 * the record id at its own length (1 to 64 bytes, no padding). Ids hold
 * no NUL, so a provider's records are in id order, as with schema 6's
 * padded keys.
 *
 * Value, in this order (varint: LEB128, 7 bits a byte, low first; zz: a
 * varint of the zigzag of a signed number):
 *   status (1 byte: REC_*), kind (1: enum usage_kind), flags (1),
 *   org's principal number (varint), at, amount, qty (zz each),
 *   journal seq (varint), unit, class, project (each a 1-byte length
 *   and its bytes, no NUL);
 *   flags & RECROW_BATCH: the batch entry's seq, the line's offset in
 *     the batch's lines (DB_BATCHES) and its length (varints): the
 *     signed line is stored once, in its batch;
 *   flags & RECROW_LINE (a record signed alone): the line's length
 *     (varint), the line, its 64-byte signature;
 *   then, to the end of the value, the programs the record counted for
 *   ("c:prog,p:prog": c credits the consumer org, p the provider).
 * A record of a BATCH whose line could not be placed in the batch's
 * lines (a caller that gave none) has RECROW_BATCH with length 0.
 * Schema 6 stored a struct of fixed 65-byte arrays (struct rec_row_v6,
 * book.h); `vouchd upgrade` rewrites every row (upgrade7.h). */
#ifndef VD_RECROW_H
#define VD_RECROW_H

#include <stddef.h>
#include <stdint.h>

#define RECROW_ID 64
#define RECROW_KEY (4 + RECROW_ID)
#define RECROW_UNIT 32
#define RECROW_PROJECT 64
enum { RECROW_BATCH = 1, RECROW_LINE = 2 };
/* the most a value holds beside its line and counts (recrow_size adds a
 * RECROW_LINE row's line and the counts) */
#define RECROW_FIXED                                                           \
	(3 + 5 + 3 * 10 + 10 + 3 + 2 * RECROW_UNIT + RECROW_PROJECT + 3 * 10 + \
	 64)

struct recrow {
	uint8_t status; /* REC_COUNTED, REC_VOIDED, REC_EXCLUDED (book.h) */
	uint8_t kind;   /* enum usage_kind */
	uint8_t flags;  /* RECROW_BATCH, RECROW_LINE or neither */
	uint32_t org;   /* the org's principal number */
	int64_t at, amount, qty;
	uint64_t seq; /* its usage entry's */
	char unit[RECROW_UNIT + 1];
	char klass[RECROW_UNIT + 1];
	char project[RECROW_PROJECT + 1]; /* "": none (the unnamed, "-") */
	uint64_t batch;                   /* RECROW_BATCH: its entry's seq */
	uint32_t line_off;                /* RECROW_BATCH: in its lines */
	uint32_t line_len;                /* RECROW_BATCH or RECROW_LINE */
	const char *line;                 /* RECROW_LINE: line_len bytes */
	uint8_t sig[64];                  /* RECROW_LINE */
	const char *counts;
	uint32_t counts_len;
};

/* The key of (provider number, id) into k (RECROW_KEY bytes); its
 * length. An id longer than RECROW_ID is cut: callers pass ids of at
 * most LEDGER_ID bytes. */
size_t recrow_key(uint8_t *k, uint32_t provider, const char *id);
/* The other way: the provider's number and the id (RECROW_ID + 1
 * bytes); VD_EINTERNAL for a key of no record. */
int recrow_key_parse(const void *k, size_t klen, uint32_t *provider,
                     char id[RECROW_ID + 1]);

/* The value's length for r: RECROW_FIXED + r->line_len + r->counts_len
 * at most. */
size_t recrow_size(const struct recrow *r);
/* Encode r into buf (size bytes, at least recrow_size(r)); its length in
 * *len. VD_EINVAL for a string over its bound or unterminated flags,
 * VD_ELIMIT if buf is too small. r->line and r->counts are read only. */
int recrow_encode(const struct recrow *r, uint8_t *buf, size_t size,
                  size_t *len);
/* Decode a value of len bytes into *r: the strings are copied; r->line
 * and r->counts point into v (valid as long as v is). VD_EINTERNAL if v
 * is not such a value (short, trailing varint, a length past its end, a
 * status or kind out of range, a unit, class or project byte that is
 * not printable ASCII without space). */
int recrow_decode(const void *v, size_t len, struct recrow *r);

#endif
