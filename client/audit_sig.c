#include "audit_sig.h"

#include "audit_line.h"

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

/* A principal and its key in force: entries come in seq order, so the
 * last register or rekey seen is the key in force at the entry being
 * checked (its seq is after that entry's). */
struct principal {
	char id[ID_MAX + 1];
	uint64_t from; /* the seq of the entry that gave the key */
	uint8_t raw[SIG_PUB_LEN];
	struct sig_pub *pub; /* parsed on first use */
	int bad;             /* does not parse */
	int registered;      /* its register entry is in the export */
	int provider;        /* 1 provider, 0 another role, -1 not known */
	int keyless;         /* its register carried no key= */
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
	/* the export's first entries are records of a batch before it
	 * (lead_batch), as when it starts inside a batch's transaction */
	int lead;
	uint64_t lead_batch;
	/* (provider, id) of every record seen: a record is journaled once */
	uint64_t *seen;
	size_t seen_cap, seen_n;
	struct batch b;
	char line[AUDIT_SIG_LINE_MAX + 1];
	struct audit_scratch scratch;
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
	free(a->seen);
	free(a);
}

static int is(const char *v, size_t vl, const char *s)
{
	return v != NULL && vl == strlen(s) && memcmp(v, s, vl) == 0;
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

	const char *type, *role;
	size_t tl, rl;
	int reg;

	id = chain_field(e, len, "id", &il);
	hx = chain_field(e, len, "key", &hl);
	type = chain_field(e, len, "type", &tl);
	role = chain_field(e, len, "role", &rl);
	reg = is(type, tl, "register");
	if (id == NULL || il == 0 || il > ID_MAX)
		return 0;
	/* a partial export's first entry is taken as given (its hash starts
	 * the chain, nothing binds its bytes): a key in it proves nothing,
	 * and what that key would sign is not verifiable */
	if (seq == a->first && a->first != 1)
		return 0;
	if (hx != NULL && hex_decode(hx, hl, raw, sizeof(raw)) < 0) {
		snprintf(why, wlen, "seq %" PRIu64 ": the key is not 64 hex",
		         seq);
		return VD_EINVAL;
	}
	p = find(a, id, il);
	/* vouchd registers an id once; a second register would act as an
	 * unjournaled rekey */
	if (reg && p != NULL && p->registered) {
		snprintf(why, wlen,
		         "seq %" PRIu64 ": a second register of %.*s (the "
		         "first is at seq %" PRIu64 ")",
		         seq, (int)il, id, p->from);
		return VD_EINVAL;
	}
	if (p == NULL) {
		size_t h;
		if ((2 * (a->count + 1) > a->cap && grow(a) < 0) ||
		    (p = calloc(1, sizeof(*p))) == NULL)
			return VD_ENOMEM;
		memcpy(p->id, id, il);
		h = fnv(id, il) & (a->cap - 1);
		p->next = a->tab[h];
		a->tab[h] = p;
		a->count++;
		p->provider = -1;
	}
	if (reg) {
		p->registered = 1;
		p->provider = is(role, rl, "provider");
	}
	sig_pub_free(p->pub);
	p->pub = NULL;
	p->bad = 0;
	p->from = seq;
	/* a hand-made register without a key: nothing signs as it */
	p->keyless = hx == NULL;
	if (hx != NULL)
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

	/* an export from seq 1 shows every principal's register: one
	 * without a key there is no principal's record */
	if (p == NULL || p->keyless) {
		if (a->first != 1)
			return 0;
		snprintf(why, wlen,
		         "seq %" PRIu64 ": a %s of %.*s, which the export "
		         "registers %s",
		         seq, what, (int)pl, prov,
		         p == NULL ? "nowhere" : "without a key");
		return VD_EINVAL;
	}
	if (p->provider == 0) {
		snprintf(why, wlen,
		         "seq %" PRIu64 ": a %s of %.*s, which is no provider",
		         seq, what, (int)pl, prov);
		return VD_EINVAL;
	}
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

/* The entry's line= decoded into a->line and checked against the entry;
 * its length, or VD_EINVAL with why. */
static long signed_line(struct audit_sig *a, uint64_t seq, const char *cmd,
                        const char *const *named, const char *e, size_t len,
                        const char *lv, size_t ll, char *why, size_t wlen)
{
	const char *bad = "";
	char key[40];
	long n = audit_pct_decode(lv, ll, a->line, sizeof(a->line));

	if (n >= 0 && memchr(a->line, '\n', (size_t)n) == NULL)
		bad = audit_line_agree(&a->scratch, a->line, (size_t)n, cmd,
		                       named, e, len, key, sizeof(key));
	if (bad != NULL && bad[0] == '\0') {
		snprintf(why, wlen,
		         "seq %" PRIu64 ": line= is not a signed line", seq);
		return VD_EINVAL;
	}
	if (bad != NULL) {
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
	const char *s = chain_field(e, len, "sig", &sl);

	return s != NULL && hex_decode(s, sl, sig, SIG_LEN) == 0;
}

/* project too: the entry's project moves a record between per-project
 * caps, so it must be the line's, present or absent alike */
static const char *const usage_keys[] = {"provider", "id",      "org",  "at",
                                         "amount",   "qty",     "unit", "kind",
                                         "class",    "project", NULL};
static const char *const void_keys[] = {"provider", "id", "at", "reason", NULL};

/* A record of the batch before it: one of its lines, after the
 * previous record's. */
static int batch_record(struct audit_sig *a, uint64_t seq, const char *bv,
                        size_t bl, const char *pv, size_t pl, size_t n,
                        char *why, size_t wlen)
{
	struct batch *b = &a->b;
	int64_t bseq;
	uint64_t j;

	if (money_parse_uint(bv, bl, &bseq) < 0 || bseq < 1) {
		snprintf(why, wlen, "seq %" PRIu64 ": batch= is no seq", seq);
		return VD_EINVAL;
	}
	/* its batch entry is before the export: only where the export
	 * starts inside that batch's transaction (its first entries are
	 * records of one earlier batch) */
	if ((uint64_t)bseq < a->first && a->lead &&
	    (a->lead_batch == 0 || a->lead_batch == (uint64_t)bseq)) {
		a->lead_batch = (uint64_t)bseq;
		unverifiable(a, seq);
		return 0;
	}
	/* a batch written before the journal carried signed bytes */
	if (b->st == B_UNKNOWN && b->seq == (uint64_t)bseq) {
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
	/* the batch's signature is its provider's: a record of another
	 * provider in it is signed by nobody of that name */
	if (strlen(b->provider) != pl || memcmp(b->provider, pv, pl) != 0) {
		snprintf(why, wlen,
		         "seq %" PRIu64 ": a record of %.*s in batch seq "
		         "%" PRIu64 " of %s",
		         seq, (int)pl, pv, b->seq, b->provider);
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

/* Whether (provider, id) was seen before (a record journaled twice: a
 * replayed entry); adds it. 1, 0, or VD_ENOMEM. A set of 64-bit hashes:
 * two records colliding would be a false alarm, at odds of about n^2 /
 * 2^65. */
static int seen_before(struct audit_sig *a, const char *pv, size_t pl,
                       const char *iv, size_t il)
{
	uint64_t h = fnv(pv, pl), i;

	h = (h ^ 0xff) * 1099511628211ULL;
	for (i = 0; i < il; i++)
		h = (h ^ (unsigned char)iv[i]) * 1099511628211ULL;
	h = h ? h : 1;
	if (2 * (a->seen_n + 1) > a->seen_cap) {
		size_t cap = a->seen_cap ? a->seen_cap * 2 : 1024, j;
		uint64_t *t = calloc(cap, sizeof(*t));
		if (t == NULL)
			return VD_ENOMEM;
		for (j = 0; j < a->seen_cap; j++) {
			uint64_t k = a->seen[j];
			if (k == 0)
				continue;
			for (i = k & (cap - 1); t[i]; i = (i + 1) & (cap - 1))
				;
			t[i] = k;
		}
		free(a->seen);
		a->seen = t;
		a->seen_cap = cap;
	}
	for (i = h & (a->seen_cap - 1); a->seen[i];
	     i = (i + 1) & (a->seen_cap - 1))
		if (a->seen[i] == h)
			return 1;
	a->seen[i] = h;
	a->seen_n++;
	return 0;
}

/* The entry's period is the CST year of its at= (the line's, checked
 * equal): the period moves a record between caps and budgets. */
static int period_agrees(const char *e, size_t len)
{
	char ts[CIVIL_UTC_LEN + 1];
	const char *av, *pv;
	size_t al, pl;
	int64_t t, p;

	av = chain_field(e, len, "at", &al);
	pv = chain_field(e, len, "period", &pl);
	return av != NULL && pv != NULL && money_parse_uint(av, al, &t) == 0 &&
	       money_parse_uint(pv, pl, &p) == 0 &&
	       civil_format_utc(t + 8 * 3600, ts) == 0 &&
	       p == (ts[0] - '0') * 1000 + (ts[1] - '0') * 100 +
	                (ts[2] - '0') * 10 + (ts[3] - '0');
}

static int usage(struct audit_sig *a, uint64_t seq, const char *e, size_t len,
                 char *why, size_t wlen)
{
	const char *lv, *pv, *bv;
	size_t ll, pl, bl, sl;
	uint8_t sig[SIG_LEN];
	int has_sig = chain_field(e, len, "sig", &sl) != NULL;
	long n;
	int rc;

	lv = chain_field(e, len, "line", &ll);
	bv = chain_field(e, len, "batch", &bl);
	pv = chain_field(e, len, "provider", &pl);
	if (lv == NULL && bv == NULL && !has_sig)
		return unsigned_entry(a, seq, "usage", why, wlen);
	if (pv == NULL || (bv != NULL) == has_sig) {
		snprintf(why, wlen,
		         "seq %" PRIu64 ": a usage entry needs either sig= or "
		         "batch=",
		         seq);
		return VD_EINVAL;
	}
	/* without line= the line was the canonical form of the entry's
	 * fields (schema 7): rebuilt, it must verify as sent */
	if (lv == NULL) {
		n = audit_line_rebuild(e, len, a->line, sizeof(a->line));
		if (n < 0) {
			snprintf(why, wlen,
			         "seq %" PRIu64 ": without line=, its fields "
			         "make no USAGE line",
			         seq);
			return VD_EINVAL;
		}
		if (a->signed_from == 0)
			a->signed_from = seq;
	} else if ((n = signed_line(a, seq, "USAGE", usage_keys, e, len, lv, ll,
	                            why, wlen)) < 0)
		return (int)n;
	if (!period_agrees(e, len)) {
		snprintf(
		    why, wlen,
		    "seq %" PRIu64 ": period= is not the CST year of at=", seq);
		return VD_EINVAL;
	}
	{
		size_t il;
		const char *iv = chain_field(e, len, "id", &il);
		if (iv == NULL || (rc = seen_before(a, pv, pl, iv, il)) == 1) {
			snprintf(why, wlen,
			         "seq %" PRIu64 ": record %.*s of %.*s is "
			         "journaled again (a record is accepted once)",
			         seq, iv ? (int)il : 0, iv ? iv : "", (int)pl,
			         pv);
			return VD_EINVAL;
		}
		if (rc < 0)
			return rc;
	}
	if (bv != NULL)
		return batch_record(a, seq, bv, bl, pv, pl, (size_t)n, why,
		                    wlen);
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

	by = chain_field(e, len, "by", &byl);
	/* the bureau's own session is the authority: nothing signed */
	if (is(by, byl, "bureau"))
		return 0;
	lv = chain_field(e, len, "line", &ll);
	pv = chain_field(e, len, "provider", &pl);
	if (lv == NULL && chain_field(e, len, "sig", &ll) == NULL)
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

	pv = chain_field(e, len, "provider", &pl);
	nv = chain_field(e, len, "n", &nl);
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
	dv = chain_field(e, len, "lines_sha256", &dl);
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
	/* vouchctl journal writes every batch's lines after its entry: an
	 * export without them would let records pass unsigned */
	snprintf(why, wlen,
	         "seq %" PRIu64 ": the export gives %" PRIu64
	         " of the batch's %" PRIu64 " lines",
	         b->seq, b->got, b->n);
	return VD_EINVAL;
}

int audit_sig_entry(struct audit_sig *a, uint64_t seq, const char *bytes,
                    size_t len, char *why, size_t wlen)
{
	const char *type;
	size_t tl, bl;
	int rc;

	if (a->first == 0) {
		a->first = seq;
		a->lead = 1;
	}
	if ((rc = batch_close(a, why, wlen)) < 0)
		return rc;
	type = chain_field(bytes, len, "type", &tl);
	if (!is(type, tl, "usage") ||
	    chain_field(bytes, len, "batch", &bl) == NULL)
		a->lead = 0;
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

	/* a batch written before lines_sha256: its stored lines are
	 * exported (LINES serves them) but nothing in the chain binds them */
	if (b->st == B_UNKNOWN && batch == b->seq && i >= 1 && i <= b->n)
		return 0;
	if (b->st != B_LINES || batch != b->seq || i != b->got + 1 ||
	    i > b->n) {
		snprintf(why, wlen,
		         "line %" PRIu64 " of batch seq %" PRIu64
		         " does not follow its batch entry and line %" PRIu64
		         " (each batch's lines come right after its entry, in "
		         "order)",
		         i, batch, i - 1);
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
