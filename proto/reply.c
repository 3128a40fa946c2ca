#include "reply.h"

#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "err.h"
#include "hex.h"
#include "sig.h"

void rbuf_init(struct rbuf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void rbuf_reset(struct rbuf *b)
{
	b->len = 0;
	b->err = 0;
}

void rbuf_free(struct rbuf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void rbuf_init_fixed(struct rbuf *b, char *mem, size_t size)
{
	memset(b, 0, sizeof(*b));
	b->data = mem;
	b->cap = b->max = size;
}

void rbuf_cut(struct rbuf *b, size_t len)
{
	if (len < b->len)
		b->len = len;
	b->err = 0;
}

void rbuf_reuse(struct rbuf *b, size_t keep)
{
	if (b->cap > keep) {
		size_t max = b->max;
		rbuf_free(b);
		rbuf_init(b, max);
	}
	rbuf_reset(b);
}

/* n more bytes at the end, grown if need be (never past max): where to
 * write them, counted in len; NULL with the sticky error set if they
 * cannot be had. A fixed buffer never grows (cap == max). */
static char *room(struct rbuf *b, size_t n)
{
	char *p;

	if (b->err)
		return NULL;
	if (n > b->max || b->len > b->max - n) {
		b->err = PROTO_ERANGE;
		return NULL;
	}
	if (b->len + n > b->cap) {
		size_t nc = b->cap ? b->cap : 256;
		while (nc < b->len + n)
			nc *= 2;
		if (nc > b->max)
			nc = b->max;
		if ((p = realloc(b->data, nc)) == NULL) {
			b->err = PROTO_ENOMEM;
			return NULL;
		}
		b->data = p;
		b->cap = nc;
	}
	p = b->data + b->len;
	b->len += n;
	return p;
}

static int put(struct rbuf *b, const char *s, size_t n)
{
	char *p;

	if (b->err)
		return b->err;
	if (n == 0)
		return 0; /* an empty listing: nothing to copy */
	if ((p = room(b, n)) == NULL)
		return b->err;
	memcpy(p, s, n);
	return 0;
}

static int word_ok(const char *s, size_t n, int upper)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (upper ? !(c >= 'A' && c <= 'Z')
		          : !((c >= 'a' && c <= 'z') || c == '_'))
			return 0;
	}
	return 1;
}

int reply_ok(struct rbuf *b)
{
	return put(b, "OK", 2);
}

int reply_row(struct rbuf *b, const char *type)
{
	if (!word_ok(type, strlen(type), 1))
		return b->err ? b->err : (b->err = PROTO_EINVAL);
	return put(b, type, strlen(type));
}

/* " key=val" with one reservation (a listing writes thousands); val is
 * known to be a value: made here of digits, or checked by reply_kv. */
static int kv(struct rbuf *b, const char *key, const char *val, size_t len)
{
	size_t kl = strlen(key);
	char *p;

	if (!word_ok(key, kl, 0) || len == 0)
		return b->err ? b->err : (b->err = PROTO_EINVAL);
	if ((p = room(b, kl + len + 2)) == NULL)
		return b->err;
	*p++ = ' ';
	memcpy(p, key, kl);
	p += kl;
	*p++ = '=';
	memcpy(p, val, len);
	return 0;
}

int reply_kv(struct rbuf *b, const char *key, const char *val, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (val[i] <= ' ' || val[i] > '~')
			return b->err ? b->err : (b->err = PROTO_EINVAL);
	return kv(b, key, val, len);
}

int reply_kv_str(struct rbuf *b, const char *key, const char *val)
{
	return reply_kv(b, key, val, strlen(val));
}

int reply_kv_i64(struct rbuf *b, const char *key, int64_t v)
{
	char tmp[24];
	size_t n = sizeof(tmp);
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	/* money and counts are never negative on the wire except where a
	 * figure is (a clawback shown as negative); keep the sign then */
	do {
		tmp[--n] = (char)('0' + m % 10);
		m /= 10;
	} while (m > 0);
	if (v < 0)
		tmp[--n] = '-';
	return kv(b, key, tmp + n, sizeof(tmp) - n);
}

int reply_kv_time(struct rbuf *b, const char *key, int64_t t)
{
	char tmp[CIVIL_UTC_LEN + 1];

	if (civil_format_utc(t, tmp) < 0)
		return b->err ? b->err : (b->err = PROTO_EINVAL);
	return reply_kv(b, key, tmp, CIVIL_UTC_LEN);
}

int reply_kv_hex(struct rbuf *b, const char *key, const uint8_t *raw, size_t n)
{
	char tmp[2 * 64 + 1];

	if (n > 64)
		return b->err ? b->err : (b->err = PROTO_EINVAL);
	hex_encode(raw, n, tmp);
	return reply_kv(b, key, tmp, 2 * n);
}

int reply_raw(struct rbuf *b, const void *p, size_t n)
{
	return put(b, p, n);
}

int reply_insert(struct rbuf *b, size_t at, const void *p, size_t n)
{
	size_t len = b->len;

	if (b->err)
		return b->err;
	if (at > len)
		return b->err = PROTO_EINVAL;
	if (n == 0)
		return 0;
	if (room(b, n) == NULL)
		return b->err;
	memmove(b->data + at + n, b->data + at, len - at);
	memcpy(b->data + at, p, n);
	return 0;
}

int reply_end(struct rbuf *b)
{
	return put(b, "\n", 1);
}

int reply_err(struct rbuf *b, const char *code, const char *msg)
{
	char clean[256];
	size_t i, n = 0;

	if (!word_ok(code, strlen(code), 1))
		return b->err ? b->err : (b->err = PROTO_EINVAL);
	for (i = 0; msg != NULL && msg[i] != '\0' && n < sizeof(clean); i++)
		clean[n++] = (msg[i] >= ' ' && msg[i] <= '~') ? msg[i] : '?';
	put(b, "ERR ", 4);
	put(b, code, strlen(code));
	if (n > 0) {
		put(b, " ", 1);
		put(b, clean, n);
	}
	return put(b, "\n", 1);
}

/* ---- parsing ---- */

static int parse_kvs(struct reply *r, size_t pos)
{
	const char *l = r->line;
	size_t end, j;

	while (pos < r->len) {
		const char *eq;
		struct reply_kv *kv;
		if (l[pos] != ' ' || pos + 1 >= r->len || l[pos + 1] == ' ')
			return PROTO_ESPACE;
		pos++;
		for (end = pos; end < r->len && l[end] != ' '; end++)
			;
		eq = memchr(l + pos, '=', end - pos);
		if (eq == NULL || !word_ok(l + pos, (size_t)(eq - l) - pos, 0))
			return PROTO_ENOEQ;
		if (eq + 1 == l + end)
			return PROTO_EEMPTYVAL;
		if (r->nkv == REPLY_MAX_KV)
			return PROTO_ERANGE;
		kv = &r->kv[r->nkv];
		kv->key.off = (uint32_t)pos;
		kv->key.len = (uint32_t)(eq - l - (ptrdiff_t)pos);
		kv->val.off = (uint32_t)(eq + 1 - l);
		kv->val.len = (uint32_t)(end - (size_t)(eq + 1 - l));
		for (j = 0; j < r->nkv; j++)
			if (r->kv[j].key.len == kv->key.len &&
			    memcmp(l + r->kv[j].key.off, l + kv->key.off,
			           kv->key.len) == 0)
				return PROTO_EREPEAT;
		r->nkv++;
		pos = end;
	}
	return 0;
}

int reply_parse(const char *line, size_t len, struct reply *r)
{
	size_t i, w;
	int rc;

	if (line == NULL || r == NULL)
		return PROTO_EINVAL;
	memset(r, 0, sizeof(*r));
	r->n = -1;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	r->line = line;
	r->len = len;
	if (len == 0)
		return PROTO_EEMPTY;
	if (len > REQ_MAX_LINE)
		return PROTO_ETOOLONG;
	for (i = 0; i < len; i++)
		if (line[i] < ' ' || line[i] > '~')
			return PROTO_EBYTE;
	for (w = 0; w < len && line[w] != ' '; w++)
		;
	if (!word_ok(line, w, 1))
		return PROTO_EUNKNOWN;
	if (w == 2 && memcmp(line, "OK", 2) == 0) {
		r->kind = REPLY_OK;
		if ((rc = parse_kvs(r, w)) < 0)
			return rc;
		if (reply_get(r, "n", NULL) != NULL &&
		    reply_get_i64(r, "n", &r->n) < 0)
			return PROTO_ENUMBER;
		return 0;
	}
	if (w == 3 && memcmp(line, "ERR", 3) == 0) {
		size_t c;
		r->kind = REPLY_ERR;
		if (w + 1 >= len || line[w] != ' ')
			return PROTO_EMISSING;
		for (c = w + 1; c < len && line[c] != ' '; c++)
			;
		if (!word_ok(line + w + 1, c - w - 1, 1))
			return PROTO_EENUM;
		r->word.off = (uint32_t)(w + 1);
		r->word.len = (uint32_t)(c - w - 1);
		if (c < len) {
			r->msg.off = (uint32_t)(c + 1);
			r->msg.len = (uint32_t)(len - c - 1);
		}
		return 0;
	}
	r->kind = REPLY_ROW;
	r->word.off = 0;
	r->word.len = (uint32_t)w;
	return parse_kvs(r, w);
}

const char *reply_get(const struct reply *r, const char *key, size_t *len)
{
	size_t i, kl = strlen(key);

	for (i = 0; i < r->nkv; i++)
		if (r->kv[i].key.len == kl &&
		    memcmp(r->line + r->kv[i].key.off, key, kl) == 0) {
			if (len)
				*len = r->kv[i].val.len;
			return r->line + r->kv[i].val.off;
		}
	return NULL;
}

int reply_get_i64(const struct reply *r, const char *key, int64_t *v)
{
	size_t n, i = 0;
	const char *s = reply_get(r, key, &n);
	uint64_t m = 0, lim = (uint64_t)INT64_MAX;
	int neg = 0;

	if (s == NULL)
		return PROTO_EMISSING;
	if (n > 0 && s[0] == '-') {
		neg = 1;
		i = 1;
		lim++;
	}
	if (i == n || (n - i > 1 && s[i] == '0'))
		return PROTO_ENUMBER;
	for (; i < n; i++) {
		uint64_t d;
		if (s[i] < '0' || s[i] > '9')
			return PROTO_ENUMBER;
		d = (uint64_t)(s[i] - '0');
		if (m > (lim - d) / 10)
			return PROTO_EOVERFLOW;
		m = m * 10 + d;
	}
	*v = neg ? (m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m)
	         : (int64_t)m;
	return 0;
}
