#include "audit_line.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "chain.h"
#include "civil.h"
#include "kind.h"
#include "money.h"
#include "record.h"

#define TOKENS_MAX 24 /* a USAGE line has at most 12 keys, a VOID 5 */

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
long audit_pct_decode(const char *s, size_t n, char *out, size_t size)
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
static int same(struct audit_scratch *a, const char *k, size_t kl,
                const char *lv, size_t ll, const char *ev, size_t el)
{
	if (kl == 2 && memcmp(k, "at", 2) == 0) {
		char ts[CIVIL_UTC_LEN + 1];
		int64_t t;
		return money_parse_uint(ev, el, &t) == 0 &&
		       civil_format_utc(t, ts) == 0 && ll == CIVIL_UTC_LEN &&
		       memcmp(ts, lv, ll) == 0;
	}
	if (kl == 6 && memcmp(k, "reason", 6) == 0) {
		long x = audit_pct_decode(lv, ll, a->x, sizeof(a->x));
		long y = audit_pct_decode(ev, el, a->y, sizeof(a->y));
		return x >= 0 && x == y && memcmp(a->x, a->y, (size_t)x) == 0;
	}
	return ll == el && memcmp(lv, ev, ll) == 0;
}

/* NULL when the signed line says what the entry says, else the key
 * that differs (or "the command"). named: the keys both must have or
 * both lack; any other key of the line must be the entry's too. */
static const char *agree(struct audit_scratch *a, const struct toks *t,
                         const char *cmd, const char *const *named,
                         const char *e, size_t len, char *key, size_t ksize)
{
	size_t i, j, ll, el;

	/* the wire takes a command's name in any case */
	if (t->cmdl != strlen(cmd) || strncasecmp(t->cmd, cmd, t->cmdl) != 0)
		return "the command";
	for (i = 0; named[i] != NULL; i++) {
		const char *lv = tok(t, named[i], strlen(named[i]), &ll);
		const char *ev = chain_field(e, len, named[i], &el);
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
		ev = chain_field(e, len, key, &el);
		if (ev == NULL || !same(a, t->t[i].k, t->t[i].kl, t->t[i].v,
		                        t->t[i].vl, ev, el))
			return key;
	}
	return NULL;
}

const char *audit_line_agree(struct audit_scratch *a, const char *line,
                             size_t n, const char *cmd,
                             const char *const *named, const char *e,
                             size_t len, char *key, size_t ksize)
{
	struct toks t;

	if (tokens(line, n, &t) < 0)
		return "";
	return agree(a, &t, cmd, named, e, len, key, ksize);
}

/* The value of key in e into out (size bytes); 1, or 0 if absent or too
 * long (opt: absent is "" and 1). */
static int copy_field(const char *e, size_t len, const char *key, char *out,
                      size_t size, int opt)
{
	size_t n;
	const char *v = chain_field(e, len, key, &n);

	if (v == NULL) {
		out[0] = '\0';
		return opt;
	}
	if (n == 0 || n >= size)
		return 0;
	memcpy(out, v, n);
	out[n] = '\0';
	return 1;
}

long audit_line_rebuild(const char *e, size_t len, char *out, size_t size)
{
	struct record r;
	const char *kv;
	size_t kl, n;
	int rc;

	memset(&r, 0, sizeof(r));
	kv = chain_field(e, len, "kind", &kl);
	if (!copy_field(e, len, "provider", r.provider, sizeof(r.provider),
	                0) ||
	    !copy_field(e, len, "id", r.id, sizeof(r.id), 0) ||
	    !copy_field(e, len, "org", r.org, sizeof(r.org), 0) ||
	    !copy_field(e, len, "unit", r.unit, sizeof(r.unit), 0) ||
	    !copy_field(e, len, "class", r.klass, sizeof(r.klass), 1) ||
	    !copy_field(e, len, "project", r.project, sizeof(r.project), 1) ||
	    kv == NULL || (r.kind = kind_lookup(kv, kl)) < 0)
		return -1;
	{
		const char *v;
		if ((v = chain_field(e, len, "at", &n)) == NULL ||
		    money_parse_uint(v, n, &r.at) < 0 ||
		    (v = chain_field(e, len, "amount", &n)) == NULL ||
		    money_parse_uint(v, n, &r.amount) < 0 ||
		    (v = chain_field(e, len, "qty", &n)) == NULL ||
		    money_parse_uint(v, n, &r.qty) < 0)
			return -1;
	}
	rc = record_format(&r, out, size);
	return rc < 0 ? -1 : rc;
}
