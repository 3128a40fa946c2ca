/* A BATCH being read: its header was checked (and parsed once: its n and
 * its signature are kept here), then n record lines follow, each parsed
 * as a USAGE without sig= and kept byte for byte, since the batch
 * signature covers them as sent, each with its LF. A batch refused at its
 * header still consumes its n lines so that the connection stays in step
 * (protocol.md); `silent` says its refusal was already answered. */
#ifndef VD_BATCH_H
#define VD_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "ledger.h"
#include "req.h"
#include "sig.h"

struct batch {
	size_t n, got;
	int err;               /* the first refusal (0: none so far) */
	const char *why;       /* its reason (static, or msg) */
	char msg[REQ_MSG_MAX]; /* a malformed line's, naming its key */
	size_t bad; /* the line it is about, from 1 (0: the header) */
	int silent; /* refused at its header and answered there */
	uint8_t sig[SIG_LEN];
	char *lines; /* the record lines the signature covers, each with its
	                LF (batch_add) */
	size_t lines_len, lines_cap;
	struct ledger_record *recs; /* their line fields index lines */
};

/* A batch of n lines after header h (n from h). refusal: the header was
 * refused and answered (the lines are consumed, nothing more is said);
 * 0 otherwise. NULL if out of memory. Free with batch_free. */
struct batch *batch_new(const struct req *h, int refusal);
void batch_free(struct batch *b);

/* The next record line of b (without its LF), in the name of provider
 * (the authenticated one: a line for another provider is refused). One
 * trailing CR is dropped, as req_parse drops it; a line ending in two is
 * refused (protocol.md's framing); b->lines keeps the bytes parsed.
 * Returns 1 when it was the last line, else 0. A refused line is
 * remembered in b->err/why/bad; the lines after it are only counted. */
int batch_add(struct batch *b, const char *line, size_t len, size_t max_line,
              const char *provider);

/* A parsed USAGE line's fields as the ledger takes them (record_from_req):
 * a single USAGE and a batch's lines alike. u->canonical says whether the
 * signed bytes (a USAGE's before " sig=", a batch line whole) are
 * record_format's line of those fields, which the journal then does not
 * carry (ledger.h). 0 or a PROTO_E* code. */
int batch_record_of(const struct req *r, struct ledger_record *u);

/* The whole batch as one OP_BATCH: records and lines move to own[0] and
 * own[1] (freed with the job); b keeps nothing. */
void batch_take(struct batch *b, struct ledger_op *op, void *own[2]);

#endif
