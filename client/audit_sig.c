#include "audit_sig.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chain.h"
#include "civil.h"
#include "err.h"
#include "hex.h"
#include "money.h"
#include "sig.h"

#define ID_MAX 64
#define TOKENS_MAX 24 /* a USAGE line has at most 11 keys, a VOID 5 */

/* A principal and its key in force: entries come in seq order, so the
 * last register or rekey seen is the key in force at the entry being
 * checked (its seq is after that entry's). */
struct principal {
	char id[ID_MAX + 1];
	uint64_t from; /* the seq of the entry that gave the key */
	uint8_t raw[SIG_PUB_LEN];
	struct sig_pub *pub; /* parsed on first use */
	int bad;             /* does not parse */
	struct principal *next;
};

enum bstate {
	B_NONE,   /* no batch entry yet */
	B_LINES,  /* its entry seen, its lines coming */
	B_HELD,   /* all its lines in, hashed as its entry says */
	B_UNKNOWN /* not verifiable: no lines_sha256, or no lines given */
};

struct batch {
	enum bstate st;
	uint64_t seq, n, got;
	char provider[ID_MAX + 1];
	uint8_t sig[SIG_LEN], digest[CHAIN_HASH_LEN];
	int verified; /* B_HELD: the signature verified (0: no key) */
	char *buf;    /* its lines, each with its LF */
	size_t len, cap;
	size_t *offs;  /* offs[k]: where line k (from 0) starts; n + 1 */
	size_t noffs;  /* room in offs */
	uint64_t next; /* the first line a later record of it may be */
};

struct audit_sig {
	struct principal **tab;
	size_t cap, count;
	struct sig_verifier *v;
	struct audit_sigs c;
	uint64_t first;       /* the export's first seq */
	uint64_t signed_from; /* the first entry with signed bytes (0: none) */
	struct batch b;
	char line[AUDIT_SIG_LINE_MAX + 1], x[AUDIT_SIG_LINE_MAX + 1],
	    y[AUDIT_SIG_LINE_MAX + 1];
};

struct audit_sig *audit_sig_new(void)
{
	struct audit_sig *a = calloc(1, sizeof(*a));

	if (a == NULL)
		return NULL;
	a->cap = 64;
	a->tab = calloc(a->cap, sizeof(*a->tab));
	if (a->tab == NULL || sig_verifier_new(&a->v) < 0) {
		audit_sig_free(a);
		return NULL;
	}
	return a;
}

void audit_sig_free(struct audit_sig *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; a->tab && i < a->cap; i++) {
		struct principal *p = a->tab[i], *pn;
		for (; p; p = pn) {
			pn = p->next;
			sig_pub_free(p->pub);
			free(p);
		}
	}
	free(a->tab);
	sig_verifier_free(a->v);
	free(a->b.buf);
	free(a->b.offs);
	free(a);
}

/* The value of key in an entry's bytes (a token after a space: values
 * hold no spaces), or NULL. */
static const char *field(const char *e, size_t len, const char *key, size_t *vl)
{
	size_t kl = strlen(key), i;

	for (i = 0; i + kl + 1 < len; i++) {
		size_t j;
		if (e[i] != ' ' || memcmp(e + i + 1, key, kl) != 0 ||
		    e[i + 1 + kl] != '=')
			continue;
		i += kl + 2;
		for (j = i; j < len && e[j] != ' '; j++)
			;
		*vl = j - i;
		return e + i;
	}
	return NULL;
}

static int is(const char *v, size_t vl, const char *s)
{
	return v != NULL && vl == strlen(s) && memcmp(v, s, vl) == 0;
}

static int hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* %XX (either case) is a byte, any other byte itself: the inverse of
 * journal_text, and of the wire's encoding. The length, or -1 if
 * malformed or over size - 1 bytes. */
static long pct_decode(const char *s, size_t n, char *out, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		if (c == '%') {
			int hi = i + 2 < n ? hexv(s[i + 1]) : -1;
			int lo = i + 2 < n ? hexv(s[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return -1;
			c = hi << 4 | lo;
			i += 2;
		}
		if (o + 1 >= size)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return (long)o;
}

static uint64_t fnv(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static struct principal *find(const struct audit_sig *a, const char *id,
                              size_t n)
{
	struct principal *p = a->tab[fnv(id, n) & (a->cap - 1)];

	for (; p; p = p->next)
		if (strlen(p->id) == n && memcmp(p->id, id, n) == 0)
			return p;
	return NULL;
}

/* Twice the buckets once half are used: lookups stay O(1). */
static int grow(struct audit_sig *a)
{
	size_t cap = a->cap * 2, i;
	struct principal **t = calloc(cap, sizeof(*t));

	if (t == NULL)
		return VD_ENOMEM;
	for (i = 0; i < a->cap; i++) {
		struct principal *p = a->tab[i], *pn;
		for (; p; p = pn) {
			size_t h = fnv(p->id, strlen(p->id)) & (cap - 1);
			pn = p->next;
			p->next = t[h];
			t[h] = p;
		}
	}
	free(a->tab);
	a->tab = t;
	a->cap = cap;
	return 0;
}

/* A register or rekey entry: id's key from seq on. */
static int add_key(struct audit_sig *a, uint64_t seq, const char *e, size_t len,
                   char *why, size_t wlen)
{
	const char *id, *hx;
	uint8_t raw[SIG_PUB_LEN];
	struct principal *p;
	size_t il, hl;

	id = field(e, len, "id", &il);
	hx = field(e, len, "key", &hl);
	/* a test's hand-made register without a key: nothing to check
	 * against, the records it would sign are not verifiable */
	if (id == NULL || il == 0 || il > ID_MAX || hx == NULL)
		return 0;
	if (hex_decode(hx, hl, raw, sizeof(raw)) < 0) {
		snprintf(why, wlen, "seq %" PRIu64 ": the key is not 64 hex",
		         seq);
		return VD_EINVAL;
	}
	if ((p = find(a, id, il)) == NULL) {
		size_t h;
		if ((2 * (a->count + 1) > a->cap && grow(a) < 0) ||
		    (p = calloc(1, sizeof(*p))) == NULL)
			return VD_ENOMEM;
		memcpy(p->id, id, il);
		h = fnv(id, il) & (a->cap - 1);
		p->next = a->tab[h];
		a->tab[h] = p;
		a->count++;
	}
	sig_pub_free(p->pub);
	p->pub = NULL;
	p->bad = 0;
	p->from = seq;
	memcpy(p->raw, raw, sizeof(raw));
	return 0;
}

/* 1: sig is prov's signature of msg under its key in force at seq; 0:
 * the export shows no key of prov; VD_EINVAL (why) if it does not
 * verify. */
static int check_sig(struct audit_sig *a, const char *what, const char *prov,
                     size_t pl, uint64_t seq, const void *msg, size_t len,
                     const uint8_t sig[SIG_LEN], char *why, size_t wlen)
{
	struct principal *p = find(a, prov, pl);
	int rc;

	if (p == NULL)
		return 0;
	if (p->pub == NULL && !p->bad && sig_pub_parse(p->raw, &p->pub) < 0)
		p->bad = 1;
	rc = p->bad ? PROTO_EBADSIG
	            : sig_verifier_check(a->v, p->pub, msg, len, sig);
	if (rc == 0)
		return 1;
	if (rc != PROTO_EBADSIG) {
		snprintf(why, wlen, "seq %" PRIu64 ": OpenSSL failed", seq);
		return VD_EINTERNAL;
	}
	snprintf(why, wlen,
	         "seq %" PRIu64 ": the %s signature does not verify under "
	         "%.*s's key in force at that seq (from seq %" PRIu64 ")",
	         seq, what, (int)pl, prov, p->from);
	return VD_EINVAL;
}

static void unverifiable(struct audit_sig *a, uint64_t seq)
{
	if (a->c.unverifiable++ == 0)
		a->c.unv_first = seq;
	a->c.unv_last = seq;
}

/* An entry without signed bytes: not verifiable when written before the
 * journal carried them, refused after. */
static int unsigned_entry(struct audit_sig *a, uint64_t seq, const char *type,
                          char *why, size_t wlen)
{
	if (a->signed_from == 0) {
		unverifiable(a, seq);
		return 0;
	}
	snprintf(why, wlen,
	         "seq %" PRIu64 ": a %s entry without its signed bytes after "
	         "seq %" PRIu64 ", which carries them",
	         seq, type, a->signed_from);
	return VD_EINVAL;
}

struct toks {
	const char *cmd;
	size_t cmdl, n;
	struct {
		const char *k, *v;
		size_t kl, vl;
	} t[TOKENS_MAX];
};

/* "CMD k=v k=v ..." split at single spaces; 0 or -1 (an empty key, a
 * token without '=', a repeated key, too many). */
static int tokens(const char *s, size_t len, struct toks *o)
{
	const char *p = s, *end = s + len;

	o->n = 0;
	o->cmd = s;
	p = memchr(s, ' ', len);
	o->cmdl = p ? (size_t)(p - s) : len;
	while (p != NULL && p < end) {
		const char *tok = p + 1, *sp, *eq;
		size_t i, tl;
		sp = memchr(tok, ' ', (size_t)(end - tok));
		tl = (size_t)((sp ? sp : end) - tok);
		eq = memchr(tok, '=', tl);
		if (eq == NULL || eq == tok || o->n == TOKENS_MAX)
			return -1;
		for (i = 0; i < o->n; i++)
			if (o->t[i].kl == (size_t)(eq - tok) &&
			    memcmp(o->t[i].k, tok, o->t[i].kl) == 0)
				return -1;
		o->t[o->n].k = tok;
		o->t[o->n].kl = (size_t)(eq - tok);
		o->t[o->n].v = eq + 1;
		o->t[o->n].vl = tl - (size_t)(eq - tok) - 1;
		o->n++;
		p = sp;
	}
	return 0;
}

static const char *tok(const struct toks *t, const char *k, size_t kl,
                       size_t *vl)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->t[i].kl == kl && memcmp(t->t[i].k, k, kl) == 0) {
			*vl = t->t[i].vl;
			return t->t[i].v;
		}
	return NULL;
}

/* A value of the line against the entry's: at= is RFC 3339 in the line
 * and Unix seconds in the entry; reason= is percent-encoded on both
 * sides, maybe not alike (the wire takes %xx in either case): compared
 * decoded. */
static int same(struct audit_sig *a, const char *k, size_t kl, const char *lv,
                size_t ll, const char *ev, size_t el)
{
	if (kl == 2 && memcmp(k, "at", 2) == 0) {
		char ts[CIVIL_UTC_LEN + 1];
		int64_t t;
		return money_parse_uint(ev, el, &t) == 0 &&
		       civil_format_utc(t, ts) == 0 && ll == CIVIL_UTC_LEN &&
		       memcmp(ts, lv, ll) == 0;
	}
	if (kl == 6 && memcmp(k, "reason", 6) == 0) {
		long x = pct_decode(lv, ll, a->x, sizeof(a->x));
		long y = pct_decode(ev, el, a->y, sizeof(a->y));
		return x >= 0 && x == y && memcmp(a->x, a->y, (size_t)x) == 0;
	}
	return ll == el && memcmp(lv, ev, ll) == 0;
}

/* NULL when the signed line says what the entry says, else the key
 * that differs (or "the command"). named: the keys both must have or
 * both lack; any other key of the line must be the entry's too. */
static const char *agree(struct audit_sig *a, const struct toks *t,
                         const char *cmd, const char *const *named,
                         const char *e, size_t len, char *key, size_t ksize)
{
	size_t i, j, ll, el;

	/* the wire takes a command's name in any case */
	if (t->cmdl != strlen(cmd) || strncasecmp(t->cmd, cmd, t->cmdl) != 0)
		return "the command";
	for (i = 0; named[i] != NULL; i++) {
		const char *lv = tok(t, named[i], strlen(named[i]), &ll);
		const char *ev = field(e, len, named[i], &el);
		if ((lv == NULL) != (ev == NULL) ||
		    (lv &&
		     !same(a, named[i], strlen(named[i]), lv, ll, ev, el)))
			return named[i];
	}
	for (i = 0; i < t->n; i++) {
		const char *ev;
		int was_named = 0;
		for (j = 0; named[j] != NULL; j++)
			was_named |=
			    t->t[i].kl == strlen(named[j]) &&
			    memcmp(t->t[i].k, named[j], t->t[i].kl) == 0;
		if (was_named)
			continue;
		snprintf(key, ksize, "%.*s", (int)t->t[i].kl, t->t[i].k);
		ev = field(e, len, key, &el);
		if (ev == NULL || !same(a, t->t[i].k, t->t[i].kl, t->t[i].v,
		                        t->t[i].vl, ev, el))
			return key;
	}
	return NULL;
}

/* The entry's line= decoded into a->line and checked against the entry;
 * its length, or VD_EINVAL with why. */
static long signed_line(struct audit_sig *a, uint64_t seq, const char *cmd,
                        const char *const *named, const char *e, size_t len,
                        const char *lv, size_t ll, char *why, size_t wlen)
{
	struct toks t;
	const char *bad;
	char key[40];
	long n = pct_decode(lv, ll, a->line, sizeof(a->line));

	if (n < 0 || memchr(a->line, '\n', (size_t)n) != NULL ||
	    tokens(a->line, (size_t)n, &t) < 0) {
		snprintf(why, wlen,
		         "seq %" PRIu64 ": line= is not a signed line", seq);
		return VD_EINVAL;
	}
	if ((bad = agree(a, &t, cmd, named, e, len, key, sizeof(key))) !=
	    NULL) {
		snprintf(why, wlen,
		         "seq %" PRIu64 ": the signed line and the entry "
		         "disagree on %s",
		         seq, bad);
		return VD_EINVAL;
	}
	if (a->signed_from == 0)
		a->signed_from = seq;
	return n;
}

static int sig_field(const char *e, size_t len, uint8_t sig[SIG_LEN])
{
	size_t sl;
	const char *s = field(e, len, "sig", &sl);

	return s != NULL && hex_decode(s, sl, sig, SIG_LEN) == 0;
}

static const char *const usage_keys[] = {"provider", "id",  "org",  "at",
                                         "amount",   "qty", "unit", "kind",
                                         "class",    NULL};
static const char *const void_keys[] = {"provider", "id", "at", "reason", NULL};

/* A record of the batch before it: one of its lines, after the
 * previous record's. */
static int batch_record(struct audit_sig *a, uint64_t seq, const char *bv,
                        size_t bl, size_t n, char *why, size_t wlen)
{
	struct batch *b = &a->b;
	int64_t bseq;
	uint64_t j;

	if (money_parse_uint(bv, bl, &bseq) < 0) {
		snprintf(why, wlen, "seq %" PRIu64 ": batch= is no seq", seq);
		return VD_EINVAL;
	}
	/* its batch entry is before the export, or not verifiable */
	if ((uint64_t)bseq < a->first ||
	    (b->st == B_UNKNOWN && b->seq == (uint64_t)bseq)) {
		unverifiable(a, seq);
		return 0;
	}
	if (b->st != B_HELD || b->seq != (uint64_t)bseq) {
		snprintf(why, wlen,
		         "seq %" PRIu64 ": batch=%" PRId64
		         " is not the batch before it",
		         seq, bseq);
		return VD_EINVAL;
	}
	for (j = b->next; j < b->n; j++)
		if (b->offs[j + 1] - b->offs[j] - 1 == n &&
		    memcmp(b->buf + b->offs[j], a->line, n) == 0)
			break;
	if (j == b->n && b->next == 0) {
		snprintf(why, wlen,
		         "seq %" PRIu64 ": its line is none of batch seq "
		         "%" PRIu64 "'s lines",
		         seq, b->seq);
		return VD_EINVAL;
	}
	if (j == b->n) {
		snprintf(why, wlen,
		         "seq %" PRIu64 ": its line is none of batch seq "
		         "%" PRIu64 "'s lines after line %" PRIu64
		         ", the previous record's",
		         seq, b->seq, b->next);
		return VD_EINVAL;
	}
	b->next = j + 1;
	if (b->verified)
		a->c.batch_records++;
	else
		unverifiable(a, seq);
	return 0;
}

static int usage(struct audit_sig *a, uint64_t seq, const char *e, size_t len,
                 char *why, size_t wlen)
{
	const char *lv, *pv, *bv;
	size_t ll, pl, bl, sl;
	uint8_t sig[SIG_LEN];
	int has_sig = field(e, len, "sig", &sl) != NULL;
	long n;
	int rc;

	lv = field(e, len, "line", &ll);
	bv = field(e, len, "batch", &bl);
	pv = field(e, len, "provider", &pl);
	if (lv == NULL && bv == NULL && !has_sig)
		return unsigned_entry(a, seq, "usage", why, wlen);
	if (lv == NULL || pv == NULL || (bv != NULL) == has_sig) {
		snprintf(why, wlen,
		         "seq %" PRIu64 ": a usage entry needs a line= and "
		         "either sig= or batch=",
		         seq);
		return VD_EINVAL;
	}
	if ((n = signed_line(a, seq, "USAGE", usage_keys, e, len, lv, ll, why,
	                     wlen)) < 0)
		return (int)n;
	if (bv != NULL)
		return batch_record(a, seq, bv, bl, (size_t)n, why, wlen);
	if (!sig_field(e, len, sig)) {
		snprintf(why, wlen, "seq %" PRIu64 ": sig= is not 128 hex",
		         seq);
		return VD_EINVAL;
	}
	rc = check_sig(a, "USAGE", pv, pl, seq, a->line, (size_t)n, sig, why,
	               wlen);
	if (rc == 1)
		a->c.usage++;
	else if (rc == 0)
		unverifiable(a, seq);
	return rc < 0 ? rc : 0;
}

static int void_entry(struct audit_sig *a, uint64_t seq, const char *e,
                      size_t len, char *why, size_t wlen)
{
	const char *lv, *pv, *by;
	size_t ll, pl, byl;
	uint8_t sig[SIG_LEN];
	long n;
	int rc;

	by = field(e, len, "by", &byl);
	/* the bureau's own session is the authority: nothing signed */
	if (is(by, byl, "bureau"))
		return 0;
	lv = field(e, len, "line", &ll);
	pv = field(e, len, "provider", &pl);
	if (lv == NULL && field(e, len, "sig", &ll) == NULL)
		return unsigned_entry(a, seq, "void", why, wlen);
	if (lv == NULL || pv == NULL || !sig_field(e, len, sig)) {
		snprintf(why, wlen,
		         "seq %" PRIu64 ": a provider's void needs a line= "
		         "and a sig= of 128 hex",
		         seq);
		return VD_EINVAL;
	}
	if ((n = signed_line(a, seq, "VOID", void_keys, e, len, lv, ll, why,
	                     wlen)) < 0)
		return (int)n;
	rc = check_sig(a, "VOID", pv, pl, seq, a->line, (size_t)n, sig, why,
	               wlen);
	if (rc == 1)
		a->c.voids++;
	else if (rc == 0)
		unverifiable(a, seq);
	return rc < 0 ? rc : 0;
}

static int batch_open(struct audit_sig *a, uint64_t seq, const char *e,
                      size_t len, char *why, size_t wlen)
{
	struct batch *b = &a->b;
	const char *pv, *nv, *dv;
	size_t pl, nl, dl;
	int64_t n;

	pv = field(e, len, "provider", &pl);
	nv = field(e, len, "n", &nl);
	if (pv == NULL || pl > ID_MAX || nv == NULL ||
	    money_parse_uint(nv, nl, &n) < 0 || n < 1 ||
	    n > AUDIT_SIG_BATCH_MAX || !sig_field(e, len, b->sig)) {
		snprintf(why, wlen,
		         "seq %" PRIu64 ": a batch entry needs a provider=, "
		         "an n= from 1 to %d and a sig= of 128 hex",
		         seq, AUDIT_SIG_BATCH_MAX);
		return VD_EINVAL;
	}
	b->seq = seq;
	b->n = (uint64_t)n;
	b->got = b->next = 0;
	b->len = 0;
	b->verified = 0;
	memcpy(b->provider, pv, pl);
	b->provider[pl] = '\0';
	dv = field(e, len, "lines_sha256", &dl);
	if (dv == NULL) {
		b->st = B_UNKNOWN;
		return unsigned_entry(a, seq, "batch", why, wlen);
	}
	if (hex_decode(dv, dl, b->digest, sizeof(b->digest)) < 0) {
		snprintf(why, wlen,
		         "seq %" PRIu64 ": lines_sha256= is not 64 hex", seq);
		return VD_EINVAL;
	}
	if (a->signed_from == 0)
		a->signed_from = seq;
	b->st = B_LINES;
	return 0;
}

/* The entry after a batch's: the export gave all its lines, or none
 * (not verifiable), never some. */
static int batch_close(struct audit_sig *a, char *why, size_t wlen)
{
	struct batch *b = &a->b;

	if (b->st != B_LINES)
		return 0;
	if (b->got > 0) {
		snprintf(why, wlen,
		         "seq %" PRIu64 ": the export gives %" PRIu64
		         " of the batch's %" PRIu64 " lines",
		         b->seq, b->got, b->n);
		return VD_EINVAL;
	}
	b->st = B_UNKNOWN;
	unverifiable(a, b->seq);
	return 0;
}

int audit_sig_entry(struct audit_sig *a, uint64_t seq, const char *bytes,
                    size_t len, char *why, size_t wlen)
{
	const char *type;
	size_t tl;
	int rc;

	if (a->first == 0)
		a->first = seq;
	if ((rc = batch_close(a, why, wlen)) < 0)
		return rc;
	type = field(bytes, len, "type", &tl);
	if (is(type, tl, "register") || is(type, tl, "rekey"))
		return add_key(a, seq, bytes, len, why, wlen);
	if (is(type, tl, "usage"))
		return usage(a, seq, bytes, len, why, wlen);
	if (is(type, tl, "batch"))
		return batch_open(a, seq, bytes, len, why, wlen);
	if (is(type, tl, "void"))
		return void_entry(a, seq, bytes, len, why, wlen);
	return 0;
}

/* Room for one more line of len bytes and its LF. */
static int batch_room(struct batch *b, size_t len)
{
	if (b->noffs < b->n + 1) {
		size_t *o = realloc(b->offs, (b->n + 1) * sizeof(*o));
		if (o == NULL)
			return VD_ENOMEM;
		b->offs = o;
		b->noffs = b->n + 1;
	}
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64 * 1024;
		char *p;
		while (cap < b->len + len + 1)
			cap *= 2;
		if ((p = realloc(b->buf, cap)) == NULL)
			return VD_ENOMEM;
		b->buf = p;
		b->cap = cap;
	}
	return 0;
}

int audit_sig_line(struct audit_sig *a, uint64_t batch, uint64_t i,
                   const char *line, size_t len, char *why, size_t wlen)
{
	struct batch *b = &a->b;
	uint8_t d[CHAIN_HASH_LEN];
	int rc;

	if (b->st != B_LINES || batch != b->seq || i != b->got + 1 ||
	    i > b->n) {
		snprintf(why, wlen,
		         "line %" PRIu64 " of batch seq %" PRIu64
		         " is out of place (each batch's lines follow its "
		         "entry, in order)",
		         i, batch);
		return VD_EINVAL;
	}
	if (len > AUDIT_SIG_LINE_MAX || memchr(line, '\n', len) != NULL) {
		snprintf(why, wlen,
		         "line %" PRIu64 " of batch seq %" PRIu64
		         " is no signed line",
		         i, batch);
		return VD_EINVAL;
	}
	if ((rc = batch_room(b, len)) < 0)
		return rc;
	b->offs[b->got++] = b->len;
	memcpy(b->buf + b->len, line, len);
	b->len += len;
	b->buf[b->len++] = '\n';
	if (b->got < b->n)
		return 0;
	/* all in: the chain binds them through lines_sha256 */
	b->offs[b->n] = b->len;
	if ((rc = chain_digest(b->buf, b->len, d)) < 0)
		return rc;
	if (memcmp(d, b->digest, sizeof(d)) != 0) {
		snprintf(why, wlen,
		         "seq %" PRIu64 ": the batch's lines do not hash to "
		         "its lines_sha256",
		         b->seq);
		return VD_EINVAL;
	}
	rc = check_sig(a, "BATCH", b->provider, strlen(b->provider), b->seq,
	               b->buf, b->len, b->sig, why, wlen);
	if (rc < 0)
		return rc;
	b->st = B_HELD;
	b->verified = rc;
	if (rc == 1)
		a->c.batches++;
	else
		unverifiable(a, b->seq);
	return 0;
}

int audit_sig_end(struct audit_sig *a, struct audit_sigs *out, char *why,
                  size_t wlen)
{
	int rc = batch_close(a, why, wlen);

	*out = a->c;
	return rc;
}
