/* Usage records and voids as signed lines.
 *
 * A USAGE line is canonical when its keys come in the order of
 * protocol.md (provider id org at amount qty unit kind [class]
 * [project]); the
 * client always builds that form, and the daemon verifies whatever bytes
 * were sent, since the signature covers "the exact bytes of the line
 * before ` sig=`". A batch signature covers its record lines exactly as
 * sent, each followed by LF. */
#ifndef VD_RECORD_H
#define VD_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "req.h"
#include "sig.h"

#define RECORD_ID_MAX 64
#define RECORD_WORD_MAX 32
/* longest canonical USAGE line with sig: well under REQ_DEFAULT_LINE */
#define RECORD_LINE_MAX 640

struct record {
	char provider[RECORD_ID_MAX + 1];
	char id[RECORD_ID_MAX + 1];
	char org[RECORD_ID_MAX + 1];
	int64_t at;     /* Unix seconds */
	int64_t amount; /* fen */
	int64_t qty;
	char unit[RECORD_WORD_MAX + 1];
	int kind;                        /* enum usage_kind (kind.h) */
	char klass[RECORD_WORD_MAX + 1]; /* "" when the record has none */
	char project[RECORD_ID_MAX + 1]; /* "": none, the unnamed project */
};

/* The canonical line without sig (what a batch carries). Returns its
 * length, or PROTO_E* if a field would not parse back (the line is checked
 * with req_parse, so what is built is what the daemon accepts). */
int record_format(const struct record *r, char *buf, size_t size);
/* The same line without that check: PROTO_EINVAL (kind out of range),
 * PROTO_ETIME or PROTO_ERANGE only. For comparing with a line already
 * parsed (the daemon's canonical test), where equal bytes parse alike. */
int record_print(const struct record *r, char *buf, size_t size);

/* The canonical line with " sig=<128 hex>" appended, signed by k. */
int record_sign(const struct sig_key *k, const struct record *r, char *buf,
                size_t size);

/* Fill r from a parsed USAGE request (either mode): 0, or PROTO_EINVAL
 * for another command, or req_copy's code for a value that does not fit.
 * The daemon takes records this way, a single USAGE and a batch's lines
 * alike. */
int record_from_req(const struct req *q, struct record *r);

/* The signature of a parsed signed line (a command with CMD_SIG_LAST):
 * for USAGE and VOID it covers the line's first q->signed_len bytes (what
 * came before " sig="), for a BATCH header its record lines as sent, each
 * with its LF. 0, PROTO_EINVAL (not a signed command), PROTO_EMISSING or
 * PROTO_EHEX. Verify with sig_verify or a sig_verifier (the daemon checks
 * it on a worker thread). */
int record_sig(const struct req *q, uint8_t sig[SIG_LEN]);

/* "VOID provider=P id=R at=T reason=<pct>" signed by k; reason is UTF-8
 * text, encoded here. */
int record_void_sign(const struct sig_key *k, const char *provider,
                     const char *id, int64_t at, const char *reason, char *buf,
                     size_t size);

/* A batch: lines (each ending in LF, CR already dropped) are signed as one
 * message; record_batch_header formats "BATCH provider=P n=N sig=...". */
int record_batch_header(const struct sig_key *k, const char *provider,
                        const char *lines, size_t len, size_t n, char *buf,
                        size_t size);

#endif
