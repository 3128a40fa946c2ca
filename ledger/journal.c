#include "journal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "chain.h"
#include "civil.h"
#include "err.h"
#include "hex.h"

void journal_fields_init(struct jfields *f)
{
	f->len = 0;
	f->err = 0;
	f->buf[0] = '\0';
}

void journal_str(struct jfields *f, const char *key, const char *val)
{
	size_t i, kl = strlen(key), vl = strlen(val);

	if (f->err)
		return;
	for (i = 0; i < vl; i++)
		if (val[i] <= ' ' || val[i] > '~') {
			f->err = VD_EINVAL;
			return;
		}
	if (vl == 0 || f->len + kl + vl + 3 > sizeof(f->buf)) {
		f->err = vl == 0 ? VD_EINVAL : VD_ELIMIT;
		return;
	}
	f->buf[f->len++] = ' ';
	memcpy(f->buf + f->len, key, kl);
	f->len += kl;
	f->buf[f->len++] = '=';
	memcpy(f->buf + f->len, val, vl);
	f->len += vl;
	f->buf[f->len] = '\0';
}

void journal_i64(struct jfields *f, const char *key, int64_t v)
{
	char tmp[24];

	snprintf(tmp, sizeof(tmp), "%" PRId64, v);
	journal_str(f, key, tmp);
}

void journal_textn(struct jfields *f, const char *key, const char *text,
                   size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t kl = strlen(key), n, i;

	if (f->err)
		return;
	if (len == 0) {
		journal_str(f, key, "-");
		return;
	}
	/* encoded in place: a value that does not fit is refused whole
	 * (VD_ELIMIT), never cut, since a cut signed line no longer
	 * verifies and a cut reason may end inside a UTF-8 sequence */
	n = f->len;
	if (n + kl + 3 > sizeof(f->buf)) {
		f->err = VD_ELIMIT;
		return;
	}
	f->buf[n++] = ' ';
	memcpy(f->buf + n, key, kl);
	n += kl;
	f->buf[n++] = '=';
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		int plain = c > ' ' && c < 0x7f && c != '%';
		if (n + (plain ? 1 : 3) + 1 > sizeof(f->buf)) {
			f->buf[f->len] = '\0';
			f->err = VD_ELIMIT;
			return;
		}
		if (plain) {
			f->buf[n++] = (char)c;
		} else {
			f->buf[n++] = '%';
			f->buf[n++] = hex[c >> 4];
			f->buf[n++] = hex[c & 0xf];
		}
	}
	f->buf[n] = '\0';
	f->len = n;
}

void journal_text(struct jfields *f, const char *key, const char *text)
{
	journal_textn(f, key, text, strlen(text));
}

void journal_hex(struct jfields *f, const char *key, const uint8_t *raw,
                 size_t n)
{
	char buf[129];

	if (n > 64) {
		f->err = VD_EINVAL;
		return;
	}
	hex_encode(raw, n, buf);
	journal_str(f, key, buf);
}

int journal_head(struct ltx *t, uint64_t *seq, uint8_t hash[CHAIN_HASH_LEN])
{
	MDB_val v;
	int rc;

	rc = ltx_get(t, DB_META, "jhead", 5, &v);
	if (rc == VD_ENOENT) {
		*seq = 0;
		memset(hash, 0, CHAIN_HASH_LEN);
		return 0;
	}
	if (rc < 0)
		return rc;
	if (v.mv_size != 8 + CHAIN_HASH_LEN)
		return VD_EINTERNAL;
	*seq = store_get_u64(v.mv_data);
	memcpy(hash, (uint8_t *)v.mv_data + 8, CHAIN_HASH_LEN);
	return 0;
}

int journal_append(struct ltx *t, int64_t now, const char *type,
                   const struct jfields *f, uint64_t *seq)
{
	uint8_t head[8 + CHAIN_HASH_LEN], key[8],
	    val[CHAIN_HASH_LEN + JOURNAL_ENTRY_MAX + 96];
	char ts[21], *bytes = (char *)val + CHAIN_HASH_LEN;
	uint64_t s;
	int n, rc;

	if (f->err)
		return f->err;
	if ((rc = journal_head(t, &s, head + 8)) < 0)
		return rc;
	s++;
	civil_format_utc_clamped(now, ts);
	n = snprintf(bytes, JOURNAL_ENTRY_MAX + 96,
	             "seq=%" PRIu64 " time=%s type=%s%s", s, ts, type, f->buf);
	if (n < 0 || n >= JOURNAL_ENTRY_MAX + 96)
		return VD_ELIMIT;
	if ((rc = chain_hash(head + 8, bytes, (size_t)n, val)) < 0)
		return rc;
	store_key_u64(key, 0, s);
	store_key_u64(head, 0, s);
	memcpy(head + 8, val, CHAIN_HASH_LEN);
	if ((rc = ltx_append(t, DB_JOURNAL, key, 8, val,
	                     CHAIN_HASH_LEN + (size_t)n)) < 0 ||
	    (rc = ltx_put(t, DB_META, "jhead", 5, head, sizeof(head))) < 0)
		return rc;
	if (seq)
		*seq = s;
	return 0;
}

struct read_ctx {
	journal_fn fn;
	void *arg;
	size_t limit, n;
};

static int read_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct read_ctx *c = arg;
	int rc;

	if (v->mv_size < CHAIN_HASH_LEN || k->mv_size != 8)
		return VD_EINTERNAL;
	rc = c->fn(c->arg, store_get_u64(k->mv_data),
	           (const char *)v->mv_data + CHAIN_HASH_LEN,
	           v->mv_size - CHAIN_HASH_LEN, v->mv_data);
	if (rc != 0)
		return rc;
	return (c->limit && ++c->n >= c->limit) ? 1 : 0;
}

int journal_entry(struct ltx *t, uint64_t seq, const char **e, size_t *len)
{
	uint8_t k[8];
	MDB_val v;
	int rc;

	store_key_u64(k, 0, seq);
	if ((rc = ltx_get(t, DB_JOURNAL, k, sizeof(k), &v)) < 0)
		return rc;
	if (v.mv_size < CHAIN_HASH_LEN)
		return VD_EINTERNAL;
	*e = (const char *)v.mv_data + CHAIN_HASH_LEN;
	*len = v.mv_size - CHAIN_HASH_LEN;
	return 0;
}

int journal_read(struct ltx *t, uint64_t after, size_t limit, journal_fn fn,
                 void *arg)
{
	struct read_ctx c = {fn, arg, limit, 0};
	uint8_t start[8];

	if (after == UINT64_MAX)
		return 0;
	store_key_u64(start, 0, after + 1);
	return ltx_walk(t, DB_JOURNAL, NULL, 0, start, 8, read_one, &c);
}

int journal_takeback(struct ltx *t, uint64_t after, journal_fn fn, void *arg)
{
	uint8_t head[8 + CHAIN_HASH_LEN], key[8];
	uint64_t last, s;
	MDB_val v;
	int rc;

	if ((rc = journal_head(t, &last, head + 8)) < 0)
		return rc;
	if (last <= after)
		return 0;
	if ((rc = journal_read(t, after, 0, fn, arg)) != 0)
		return rc < 0 ? rc : VD_EINTERNAL;
	for (s = after + 1; s <= last; s++) {
		store_key_u64(key, 0, s);
		if ((rc = ltx_del(t, DB_JOURNAL, key, 8)) < 0)
			return rc;
	}
	/* the head is after's: its hash is the next entry's previous */
	memset(head + 8, 0, CHAIN_HASH_LEN);
	if (after > 0) {
		store_key_u64(key, 0, after);
		if ((rc = ltx_get(t, DB_JOURNAL, key, 8, &v)) < 0)
			return rc;
		if (v.mv_size < CHAIN_HASH_LEN)
			return VD_EINTERNAL;
		memcpy(head + 8, v.mv_data, CHAIN_HASH_LEN);
	}
	store_key_u64(head, 0, after);
	return ltx_put(t, DB_META, "jhead", 5, head, sizeof(head));
}

struct verify_ctx {
	uint8_t prev[CHAIN_HASH_LEN];
	uint64_t expect, bad;
};

static int verify_one(void *arg, uint64_t seq, const char *bytes, size_t len,
                      const uint8_t hash[CHAIN_HASH_LEN])
{
	struct verify_ctx *c = arg;
	uint8_t h[CHAIN_HASH_LEN];
	char want[32];
	int n;

	/* the sequence number inside the bytes must be the key's */
	n = snprintf(want, sizeof(want), "seq=%" PRIu64 " ", seq);
	if (seq != c->expect || (size_t)n > len ||
	    memcmp(bytes, want, (size_t)n) ||
	    chain_hash(c->prev, bytes, len, h) < 0 ||
	    memcmp(h, hash, CHAIN_HASH_LEN) != 0) {
		c->bad = seq;
		return 1;
	}
	memcpy(c->prev, h, CHAIN_HASH_LEN);
	c->expect++;
	return 0;
}

int journal_verify(struct ltx *t, uint64_t *bad)
{
	struct verify_ctx c;
	uint8_t head[CHAIN_HASH_LEN];
	uint64_t last;
	int rc;

	memset(&c, 0, sizeof(c));
	c.expect = 1;
	if ((rc = journal_read(t, 0, 0, verify_one, &c)) < 0)
		return rc;
	if (c.bad) {
		*bad = c.bad;
		return VD_EINTERNAL;
	}
	/* the head must be the last entry */
	if ((rc = journal_head(t, &last, head)) < 0)
		return rc;
	if (last != c.expect - 1 || memcmp(head, c.prev, CHAIN_HASH_LEN) != 0) {
		*bad = last;
		return VD_EINTERNAL;
	}
	return 0;
}

/* The value of key in entry e, in place; 0 if the entry has no such key. */
int journal_span(const char *e, size_t len, const char *key, const char **v,
                 size_t *vlen)
{
	return (*v = chain_field(e, len, key, vlen)) != NULL;
}

int journal_field(const char *e, size_t len, const char *key, char *out,
                  size_t size)
{
	const char *v;
	size_t n;

	if (!journal_span(e, len, key, &v, &n) || n >= size)
		return 0;
	memcpy(out, v, n);
	out[n] = '\0';
	return 1;
}
