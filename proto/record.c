#include "record.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "civil.h"
#include "err.h"
#include "hex.h"
#include "kind.h"

int record_print(const struct record *r, char *buf, size_t size)
{
	char at[CIVIL_UTC_LEN + 1];
	int n;

	if (r == NULL || buf == NULL || r->kind < 0 || r->kind >= KIND_COUNT)
		return PROTO_EINVAL;
	if (civil_format_utc(r->at, at) < 0)
		return PROTO_ETIME;
	n = snprintf(buf, size,
	             "USAGE provider=%s id=%s org=%s at=%s amount=%" PRId64
	             " qty=%" PRId64 " unit=%s kind=%s%s%s%s%s",
	             r->provider, r->id, r->org, at, r->amount, r->qty, r->unit,
	             kind_name(r->kind), r->klass[0] ? " class=" : "", r->klass,
	             r->project[0] ? " project=" : "", r->project);
	return n < 0 || (size_t)n >= size ? PROTO_ERANGE : n;
}

int record_format(const struct record *r, char *buf, size_t size)
{
	struct req q;
	int n, rc;

	if ((n = record_print(r, buf, size)) < 0)
		return n;
	/* what we sign must be what the daemon's parser accepts */
	if ((rc = req_parse(buf, (size_t)n, REQ_MAX_LINE, REQ_BATCH_LINE, &q)) <
	    0)
		return rc;
	return n;
}

static int append_sig(const struct sig_key *k, char *buf, size_t n, size_t size)
{
	uint8_t sig[SIG_LEN];
	int rc;

	if (n + 5 + SIG_HEX + 1 > size)
		return PROTO_ERANGE;
	if ((rc = sig_sign(k, buf, n, sig)) < 0)
		return rc;
	memcpy(buf + n, " sig=", 5);
	hex_encode(sig, SIG_LEN, buf + n + 5);
	return (int)(n + 5 + SIG_HEX);
}

int record_sign(const struct sig_key *k, const struct record *r, char *buf,
                size_t size)
{
	int n = record_format(r, buf, size);

	return n < 0 ? n : append_sig(k, buf, (size_t)n, size);
}

int record_from_req(const struct req *q, struct record *r)
{
	int rc;

	if (q->spec == NULL || q->spec->id != CMD_USAGE)
		return PROTO_EINVAL;
	memset(r, 0, sizeof(*r));
	if ((rc =
	         req_copy(q, KEY_PROVIDER, r->provider, sizeof(r->provider))) ||
	    (rc = req_copy(q, KEY_ID, r->id, sizeof(r->id))) ||
	    (rc = req_copy(q, KEY_ORG, r->org, sizeof(r->org))) ||
	    (rc = req_copy(q, KEY_UNIT, r->unit, sizeof(r->unit))))
		return rc;
	if (req_has(q, KEY_CLASS) &&
	    (rc = req_copy(q, KEY_CLASS, r->klass, sizeof(r->klass))))
		return rc;
	if (req_has(q, KEY_PROJECT) &&
	    (rc = req_copy(q, KEY_PROJECT, r->project, sizeof(r->project))))
		return rc;
	r->at = q->num[KEY_AT];
	r->amount = q->num[KEY_AMOUNT];
	r->qty = q->num[KEY_QTY];
	r->kind = (int)q->num[KEY_KIND];
	return 0;
}

int record_sig(const struct req *q, uint8_t sig[SIG_LEN])
{
	size_t n;
	const char *s;

	if (q->spec == NULL || !(q->spec->flags & CMD_SIG_LAST))
		return PROTO_EINVAL;
	if ((s = req_str(q, KEY_SIG, &n)) == NULL)
		return PROTO_EMISSING;
	return hex_decode(s, n, sig, SIG_LEN) < 0 ? PROTO_EHEX : 0;
}

int record_void_sign(const struct sig_key *k, const char *provider,
                     const char *id, int64_t at, const char *reason, char *buf,
                     size_t size)
{
	char ts[CIVIL_UTC_LEN + 1], enc[3 * REQ_TEXT_MAX + 1];
	size_t rlen = strlen(reason);
	struct req q;
	int n, rc;

	if (rlen == 0 || rlen > REQ_TEXT_MAX)
		return PROTO_ERANGE;
	if (civil_format_utc(at, ts) < 0)
		return PROTO_ETIME;
	req_pct_encode(reason, rlen, enc);
	n = snprintf(buf, size, "VOID provider=%s id=%s at=%s reason=%s",
	             provider, id, ts, enc);
	if (n < 0 || (size_t)n >= size)
		return PROTO_ERANGE;
	if ((rc = append_sig(k, buf, (size_t)n, size)) < 0)
		return rc;
	/* the whole line must parse, as the daemon will parse it */
	if ((rc = req_parse(buf, (size_t)rc, REQ_MAX_LINE, REQ_LINE, &q)) < 0)
		return rc;
	return (int)q.len;
}

int record_batch_header(const struct sig_key *k, const char *provider,
                        const char *lines, size_t len, size_t n, char *buf,
                        size_t size)
{
	int m = snprintf(buf, size, "BATCH provider=%s n=%zu", provider, n);

	if (m < 0 || (size_t)m >= size)
		return PROTO_ERANGE;
	/* the header's sig covers the record lines, not the header */
	{
		uint8_t sig[SIG_LEN];
		int rc = sig_sign(k, lines, len, sig);
		if (rc < 0)
			return rc;
		if ((size_t)m + 5 + SIG_HEX + 1 > size)
			return PROTO_ERANGE;
		memcpy(buf + m, " sig=", 5);
		hex_encode(sig, SIG_LEN, buf + m + 5);
	}
	return m + 5 + SIG_HEX;
}
