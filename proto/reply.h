/* Replies: writers for the daemon and a parser for vouchctl.
 *
 * A reply line is `OK k=v ...`, `ERR CODE message`, or, inside a listing,
 * `TYPE k=v ...`. Writers append to a struct rbuf, which grows up to its
 * max and then records PROTO_ERANGE (the daemon answers TOOBIG); after the
 * first error every call is a no-op, so a reply is checked once at the
 * end. Values must be printable ASCII without spaces: free text goes
 * percent-encoded (req_pct_encode). ERR messages are cleaned of anything
 * but printable ASCII, so no client byte can break the framing. */
#ifndef VD_REPLY_H
#define VD_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "req.h"

struct rbuf {
	char *data; /* owned; not NUL-terminated */
	size_t len, cap, max;
	int err; /* first error, sticky */
};

void rbuf_init(struct rbuf *b, size_t max);
void rbuf_reset(struct rbuf *b); /* len = 0, err = 0; keeps memory */
void rbuf_free(struct rbuf *b);
/* A buffer in the caller's memory (size bytes, kept by the caller while b
 * is used): it never grows, writing past size is PROTO_ERANGE, and it
 * must not be passed to rbuf_free, rbuf_reuse or realloc'd. */
void rbuf_init_fixed(struct rbuf *b, char *mem, size_t size);
/* Drop what was written after the first len bytes, and the sticky error:
 * a reply begun in a buffer that already held others, abandoned. */
void rbuf_cut(struct rbuf *b, size_t len);
/* rbuf_reset, keeping the memory only if it is at most keep bytes (a
 * buffer reused for every reply need not hold on to its largest). */
void rbuf_reuse(struct rbuf *b, size_t keep);

int reply_ok(struct rbuf *b);                    /* "OK" */
int reply_row(struct rbuf *b, const char *type); /* "VOUCHER" */
int reply_kv(struct rbuf *b, const char *key, const char *val, size_t len);
int reply_kv_str(struct rbuf *b, const char *key, const char *val);
int reply_kv_i64(struct rbuf *b, const char *key, int64_t v);
int reply_kv_time(struct rbuf *b, const char *key, int64_t t);
int reply_kv_hex(struct rbuf *b, const char *key, const uint8_t *raw, size_t n);
int reply_end(struct rbuf *b); /* "\n" */
/* Append bytes already in reply form (rows built in another rbuf, or
 * journal entry bytes): the caller vouches for them. */
int reply_raw(struct rbuf *b, const void *p, size_t n);
/* Insert such bytes at offset at (at most b->len), before the bytes
 * there: a listing's first line, known only once its rows are written
 * after it. PROTO_EINVAL if at is past the end; as an append fails
 * otherwise (b's sticky error, PROTO_ERANGE past its bound, PROTO_ENOMEM). */
int reply_insert(struct rbuf *b, size_t at, const void *p, size_t n);
/* A whole "ERR CODE message\n" line; code is one of protocol.md's words. */
int reply_err(struct rbuf *b, const char *code, const char *msg);

#define REPLY_MAX_KV 32

enum reply_kind { REPLY_OK, REPLY_ERR, REPLY_ROW };

struct reply_kv {
	struct req_val key, val;
};

struct reply {
	enum reply_kind kind;
	struct req_val word; /* ERR: the code; ROW: the type */
	struct req_val msg;  /* ERR: the message */
	size_t nkv;
	struct reply_kv kv[REPLY_MAX_KV];
	int64_t n; /* OK with n=: the listing's line count, else -1 */
	const char *line;
	size_t len;
};

/* Parse one reply line (without LF; a CR is dropped). The struct refers
 * into line. 0 or a PROTO_E* code. */
int reply_parse(const char *line, size_t len, struct reply *out);

/* The value of key (NULL if absent), and as a number. */
const char *reply_get(const struct reply *r, const char *key, size_t *len);
int reply_get_i64(const struct reply *r, const char *key, int64_t *v);

#endif
