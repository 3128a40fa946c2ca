/* The request parser: one line in, a struct req out, no side effects.
 *
 * The line is given as bytes and a length, without its LF and never
 * NUL-terminated; a trailing CR is dropped. The struct refers into the
 * caller's bytes (values are offset/length pairs), so it is valid only
 * while those bytes are. Checks follow protocol.md: framing and tokens
 * first, then the command, then the arguments. */
#ifndef VD_REQ_H
#define VD_REQ_H

#include <stddef.h>
#include <stdint.h>

#include "cmd.h"

#define REQ_MAX_LINE 65536    /* max_line may never be set above this */
#define REQ_DEFAULT_LINE 4096 /* the default max_line */
#define REQ_TEXT_MAX 1024     /* bytes of decoded free text */
#define REQ_MSG_MAX 96        /* req_message buffer size */

enum req_mode {
	REQ_LINE,      /* a request line */
	REQ_BATCH_LINE /* a record line inside a BATCH: USAGE without sig= */
};

struct req_val {
	uint32_t off, len; /* into the line */
};

struct req {
	const struct cmd_spec *spec; /* NULL until the command is known */
	uint32_t present;            /* KEYBIT set of keys given */
	struct req_val val[KEY_COUNT];
	/* TYPE_NUM: the number; TYPE_TIME: Unix seconds; TYPE_ROLE: the
	 * enum role; kind= in USAGE: the enum usage_kind (kind.h) */
	int64_t num[KEY_COUNT];
	uint32_t signed_len; /* CMD_SIG_LAST: bytes before " sig=" */
	const char *line;    /* as given, without LF and CR */
	size_t len;
	int err_key; /* the key an error is about, or -1 */
};

/* Parse one line. max_line is clamped to REQ_MAX_LINE. Returns 0 or a
 * PROTO_E* code; on error, spec is set if the command was known and
 * err_key if a key was at fault. */
int req_parse(const char *line, size_t len, size_t max_line, enum req_mode mode,
              struct req *out);

/* 1 for errors of framing, tokens or the command name, which are answered
 * before authentication; 0 for argument errors, answered after the role
 * check (protocol.md's order of checks). */
int req_err_early(int code);

/* A message for a parse error, naming the key from the command table
 * (never echoing the client's bytes). Returns buf. */
const char *req_message(const struct req *r, int code, char *buf, size_t size);

static inline int req_has(const struct req *r, enum cmd_key k)
{
	return (r->present & KEYBIT(k)) != 0;
}

/* The raw value of key k (not NUL-terminated), or NULL if absent. */
const char *req_str(const struct req *r, enum cmd_key k, size_t *len);

/* Copy a value into buf as a C string (ids, words). PROTO_ERANGE if it
 * does not fit, PROTO_EMISSING if absent; on either, buf holds "" (an
 * optional key's absence reads as the empty string). */
int req_copy(const struct req *r, enum cmd_key k, char *buf, size_t size);

/* Decode percent-encoded UTF-8 text: printable ASCII other than space and
 * '%' stands for itself, %XX for a byte. The result must be valid UTF-8
 * without control characters and at most REQ_TEXT_MAX bytes. Writes a
 * NUL-terminated string to out (size > REQ_TEXT_MAX). */
int req_pct_decode(const char *s, size_t len, char *out, size_t size,
                   size_t *outlen);

/* Percent-encode text for the wire; out needs 3 * len + 1 bytes. */
size_t req_pct_encode(const char *s, size_t len, char *out);

#endif
