#include "batch.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "record.h"

struct batch *batch_new(const struct req *h, int refusal)
{
	struct batch *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	b->n = (size_t)h->num[KEY_N];
	if (refusal) {
		b->err = refusal;
		b->silent = 1;
		return b;
	}
	b->recs = calloc(b->n, sizeof(*b->recs));
	if (b->recs == NULL) {
		free(b);
		return NULL;
	}
	/* the header parsed: its sig= is 128 hex digits */
	if (record_sig(h, b->sig) < 0) {
		b->err = PROTO_EHEX;
		b->why = "bad batch signature";
	}
	return b;
}

void batch_free(struct batch *b)
{
	if (b == NULL)
		return;
	free(b->lines);
	free(b->recs);
	free(b);
}

/* Room for len more bytes of lines. */
static int grow(struct batch *b, size_t len)
{
	size_t nc = b->lines_cap ? b->lines_cap * 2 : 64 * 1024;
	char *p;

	if (b->lines_len + len <= b->lines_cap)
		return 0;
	while (nc < b->lines_len + len)
		nc *= 2;
	if ((p = realloc(b->lines, nc)) == NULL)
		return VD_ENOMEM;
	b->lines = p;
	b->lines_cap = nc;
	return 0;
}

int batch_record_of(const struct req *r, struct ledger_record *u)
{
	struct record rec;
	int rc;

	if ((rc = record_from_req(r, &rec)) < 0)
		return rc;
	memset(u, 0, sizeof(*u));
	memcpy(u->provider, rec.provider, sizeof(u->provider));
	memcpy(u->id, rec.id, sizeof(u->id));
	memcpy(u->org, rec.org, sizeof(u->org));
	memcpy(u->unit, rec.unit, sizeof(u->unit));
	memcpy(u->klass, rec.klass, sizeof(u->klass));
	memcpy(u->project, rec.project, sizeof(u->project));
	u->at = rec.at;
	u->amount = rec.amount;
	u->qty = rec.qty;
	u->kind = rec.kind;
	/* the signed bytes (a USAGE's before " sig=", a batch line whole)
	 * in the canonical form: the journal need not carry them */
	{
		char canon[RECORD_LINE_MAX];
		size_t n = req_has(r, KEY_SIG) ? r->signed_len : r->len;
		/* r->line parsed: equal bytes need no second parse */
		int cl = record_print(&rec, canon, sizeof(canon));
		u->canonical =
		    cl > 0 && (size_t)cl == n && memcmp(canon, r->line, n) == 0;
	}
	return 0;
}

int batch_add(struct batch *b, const char *line, size_t len, size_t max_line,
              const char *provider)
{
	struct ledger_record *u;
	struct req r;
	int rc;

	if (b->err)
		goto count;
	/* the parser drops the one trailing CR allowed and refuses a
	 * second; dropped here as well, "...\r\r" passed as "...\r": a line
	 * whose stored, signed bytes held a CR the canonical check (made on
	 * the parser's bytes) did not see, journaled without line= and then
	 * unverifiable by the audit */
	rc = req_parse(line, len, max_line, REQ_BATCH_LINE, &r);
	if (rc < 0)
		b->why = req_message(&r, rc, b->msg, sizeof(b->msg));
	else
		len = r.len;
	if (rc == 0 && (rc = batch_record_of(&r, &b->recs[b->got])) == 0 &&
	    strcmp(b->recs[b->got].provider, provider) != 0) {
		rc = VD_EDENIED;
		b->why = "records only in your own name";
	}
	if (rc == 0 && (rc = grow(b, len + 1)) < 0)
		b->why = "out of memory";
	if (rc < 0) {
		b->err = rc;
		b->bad = b->got + 1;
		if (b->why == NULL)
			b->why = err_str(rc);
		goto count;
	}
	u = &b->recs[b->got];
	/* an offset until the lines stop moving (batch_take) */
	u->line = (const char *)(uintptr_t)b->lines_len;
	u->line_len = len;
	memcpy(b->lines + b->lines_len, line, len);
	b->lines_len += len;
	b->lines[b->lines_len++] = '\n';
count:
	return ++b->got == b->n;
}

void batch_take(struct batch *b, struct ledger_op *op, void *own[2])
{
	size_t i;

	for (i = 0; i < b->n; i++)
		b->recs[i].line = b->lines + (size_t)(uintptr_t)b->recs[i].line;
	op->type = OP_BATCH;
	op->u.batch.recs = b->recs;
	op->u.batch.n = b->n;
	op->u.batch.lines = b->lines;
	op->u.batch.lines_len = b->lines_len;
	memcpy(op->u.batch.sig, b->sig, SIG_LEN);
	own[0] = b->recs;
	own[1] = b->lines;
	b->recs = NULL;
	b->lines = NULL;
	b->lines_len = b->lines_cap = 0;
}
