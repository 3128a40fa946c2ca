/* See recrow.h. */
#include "recrow.h"

#include <string.h>

#include "book.h"
#include "err.h"
#include "kind.h"

size_t recrow_key(uint8_t *k, uint32_t provider, const char *id)
{
	size_t l = strnlen(id, RECROW_ID);

	store_key_u32(k, 0, provider);
	memcpy(k + 4, id, l);
	return 4 + l;
}

int recrow_key_parse(const void *k, size_t klen, uint32_t *provider,
                     char id[RECROW_ID + 1])
{
	const uint8_t *p = k;

	if (klen < 5 || klen > RECROW_KEY || memchr(p + 4, 0, klen - 4))
		return VD_EINTERNAL;
	*provider = store_get_u32(p);
	memcpy(id, p + 4, klen - 4);
	id[klen - 4] = '\0';
	return 0;
}

/* The writer: n bytes written so far; an overflow of size is sticky. */
struct out {
	uint8_t *b;
	size_t n, size;
};

static void put(struct out *o, const void *p, size_t n)
{
	if (o->n <= o->size && o->size - o->n >= n)
		memcpy(o->b + o->n, p, n);
	o->n += n;
}

static void put_var(struct out *o, uint64_t v)
{
	uint8_t b[10];
	size_t n = 0;

	do {
		b[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v)
			b[n] |= 0x80;
		n++;
	} while (v);
	put(o, b, n);
}

static void put_zz(struct out *o, int64_t v)
{
	put_var(o, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static int put_str(struct out *o, const char *s, size_t max)
{
	size_t l = strnlen(s, max + 1);
	uint8_t b = (uint8_t)l;

	if (l > max)
		return VD_EINVAL;
	put(o, &b, 1);
	put(o, s, l);
	return 0;
}

size_t recrow_size(const struct recrow *r)
{
	/* a batch record's line is in its batch, not in the row: a damaged
	 * row's length of up to 4 GiB once made this a 4 GiB malloc */
	return RECROW_FIXED + (r->flags & RECROW_LINE ? r->line_len : 0) +
	       r->counts_len;
}

int recrow_encode(const struct recrow *r, uint8_t *buf, size_t size,
                  size_t *len)
{
	struct out o = {buf, 0, size};
	uint8_t head[3] = {r->status, r->kind, r->flags};

	if ((r->flags & ~(RECROW_BATCH | RECROW_LINE)) != 0 ||
	    (r->flags & RECROW_BATCH && r->flags & RECROW_LINE))
		return VD_EINVAL;
	put(&o, head, sizeof(head));
	put_var(&o, r->org);
	put_zz(&o, r->at);
	put_zz(&o, r->amount);
	put_zz(&o, r->qty);
	put_var(&o, r->seq);
	if (put_str(&o, r->unit, RECROW_UNIT) < 0 ||
	    put_str(&o, r->klass, RECROW_UNIT) < 0 ||
	    put_str(&o, r->project, RECROW_PROJECT) < 0)
		return VD_EINVAL;
	if (r->flags & RECROW_BATCH) {
		put_var(&o, r->batch);
		put_var(&o, r->line_off);
		put_var(&o, r->line_len);
	} else if (r->flags & RECROW_LINE) {
		put_var(&o, r->line_len);
		put(&o, r->line, r->line_len);
		put(&o, r->sig, sizeof(r->sig));
	}
	put(&o, r->counts, r->counts_len);
	if (o.n > size)
		return VD_ELIMIT;
	*len = o.n;
	return 0;
}

/* The reader: a read past the end is sticky. */
struct in {
	const uint8_t *p, *end;
	int bad;
};

static uint64_t get_var(struct in *in)
{
	uint64_t v = 0;
	int shift = 0;

	while (in->p < in->end && shift < 64) {
		uint8_t b = *in->p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
		shift += 7;
	}
	in->bad = 1;
	return 0;
}

static int64_t get_zz(struct in *in)
{
	uint64_t v = get_var(in);

	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static const uint8_t *get(struct in *in, size_t n)
{
	const uint8_t *p = in->p;

	if (in->bad || (size_t)(in->end - in->p) < n) {
		in->bad = 1;
		return NULL;
	}
	in->p += n;
	return p;
}

/* A word of the wire (unit, class, project): printable ASCII, no space;
 * anything else is a damaged row (a line feed in a unit broke RECORDS's
 * reply). */
static void get_str(struct in *in, char *out, size_t max)
{
	const uint8_t *l = get(in, 1), *s;
	size_t i;

	out[0] = '\0';
	if (l == NULL || *l > max) {
		in->bad = 1;
		return;
	}
	if ((s = get(in, *l)) == NULL)
		return;
	for (i = 0; i < *l; i++)
		if (s[i] <= ' ' || s[i] > '~') {
			in->bad = 1;
			return;
		}
	memcpy(out, s, *l);
	out[*l] = '\0';
}

int recrow_decode(const void *v, size_t len, struct recrow *r)
{
	struct in in = {v, (const uint8_t *)v + len, 0};
	const uint8_t *head = get(&in, 3), *p;
	uint64_t x;

	memset(r, 0, sizeof(*r));
	if (head == NULL)
		return VD_EINTERNAL;
	r->status = head[0];
	r->kind = head[1];
	r->flags = head[2];
	if (r->status > REC_EXCLUDED || r->kind >= KIND_COUNT)
		return VD_EINTERNAL;
	if ((r->flags & ~(RECROW_BATCH | RECROW_LINE)) != 0 ||
	    (r->flags & RECROW_BATCH && r->flags & RECROW_LINE))
		return VD_EINTERNAL;
	x = get_var(&in);
	if (x > UINT32_MAX)
		return VD_EINTERNAL;
	r->org = (uint32_t)x;
	r->at = get_zz(&in);
	r->amount = get_zz(&in);
	r->qty = get_zz(&in);
	r->seq = get_var(&in);
	get_str(&in, r->unit, RECROW_UNIT);
	get_str(&in, r->klass, RECROW_UNIT);
	get_str(&in, r->project, RECROW_PROJECT);
	if (r->flags & RECROW_BATCH) {
		uint64_t off, n;
		r->batch = get_var(&in);
		off = get_var(&in);
		n = get_var(&in);
		if (off > UINT32_MAX || n > UINT32_MAX)
			return VD_EINTERNAL;
		r->line_off = (uint32_t)off;
		r->line_len = (uint32_t)n;
	} else if (r->flags & RECROW_LINE) {
		x = get_var(&in);
		if (in.bad || x > (uint64_t)(in.end - in.p))
			return VD_EINTERNAL;
		r->line_len = (uint32_t)x;
		r->line = (const char *)get(&in, r->line_len);
		if ((p = get(&in, sizeof(r->sig))) != NULL)
			memcpy(r->sig, p, sizeof(r->sig));
	}
	if (in.bad)
		return VD_EINTERNAL;
	r->counts = (const char *)in.p;
	r->counts_len = (uint32_t)(in.end - in.p);
	return 0;
}
