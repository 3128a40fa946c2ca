/* One key's value of a policy file, checked and converted (amounts,
 * integers, percentages, words, dates, lists), with the message of a bad
 * one naming the file, the line and the key. Internal to ledger/policy*:
 * policy_build.c converts sections with these. */
#include "policy_conv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "money.h"
#include "period.h"

static const char *sec_word(enum policy_sec_type t)
{
	switch (t) {
	case POLICY_SEC_LEDGER:
		return "ledger";
	case POLICY_SEC_POOL:
		return "pool";
	case POLICY_SEC_PROGRAM:
		return "program";
	case POLICY_SEC_GROUP:
		return "group";
	}
	return "?";
}

void conv_bad_value(struct conv *c, const char *what)
{
	char q[80];

	policy_quote(q, sizeof(q), c->kv->value, strlen(c->kv->value));
	KERR(c, "bad value '%s' for '%s': expected %s", q, c->kv->key, what);
}

/* Non-negative yuan with at most two decimals, into fen. */
int conv_yuan(struct conv *c, const char *s, size_t len, int positive,
              int64_t *out)
{
	int64_t v;

	if (money_parse_yuan(s, len, 0, &v) < 0 || (positive && v == 0)) {
		conv_bad_value(c, positive
		                      ? "a positive amount in yuan (e.g. "
		                        "500000 or 0.12, no separators)"
		                      : "an amount in yuan (e.g. 500000 or "
		                        "0.12, no separators)");
		return -1;
	}
	*out = v;
	return 0;
}

int conv_uint(struct conv *c, const char *s, size_t len, int64_t min,
              int64_t max, int64_t *out)
{
	char what[96];
	int64_t v;

	if (money_parse_uint(s, len, &v) < 0 || v < min || v > max) {
		snprintf(what, sizeof(what), "an integer from %lld to %lld",
		         (long long)min, (long long)max);
		conv_bad_value(c, what);
		return -1;
	}
	*out = v;
	return 0;
}

/* A rate or share: "3%", in (0%, 100%]. */
int conv_pct(struct conv *c, const char *s, size_t len, int64_t *bp)
{
	const char *dot = memchr(s, '.', len);

	if (money_parse_percent(s, len, bp) == 0 && *bp > 0)
		return 0;
	if (dot != NULL && len > 0 && s[len - 1] == '%' &&
	    (size_t)(s + len - 1 - dot) > 3) {
		char q[80];
		policy_quote(q, sizeof(q), s, len);
		KERR(c, "'%s' for '%s' is finer than 0.01%%", q, c->kv->key);
		return -1;
	}
	conv_bad_value(c, "a percentage in (0%, 100%] with at most two "
	                  "decimals, e.g. 3% or 2.5%");
	return -1;
}

int conv_enum(struct conv *c, const char *const *names, int n, const char *what,
              int *out)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(c->kv->value, names[i]) == 0) {
			*out = i;
			return 0;
		}
	conv_bad_value(c, what);
	return -1;
}

int conv_date(struct conv *c, int64_t *t)
{
	const char *v = c->kv->value;

	if (period_parse_date(v, strlen(v), t) < 0) {
		conv_bad_value(c, "a calendar date YYYY-MM-DD");
		return -1;
	}
	return 0;
}

int conv_split(struct conv *c, conv_item_fn fn, void *arg)
{
	const char *v = c->kv->value, *end = v + strlen(v);
	int rc = 0;

	while (v <= end) {
		const char *comma = memchr(v, ',', (size_t)(end - v));
		const char *e = comma ? comma : end;
		const char *b = v;
		while (b < e && (*b == ' ' || *b == '\t'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (b == e) {
			KERR(c, "empty item in the list of '%s'", c->kv->key);
			return -1;
		}
		if ((rc = fn(c, b, (size_t)(e - b), arg)) < 0)
			return rc;
		if (comma == NULL)
			break;
		v = comma + 1;
	}
	return 0;
}

static int list_item(struct conv *c, const char *s, size_t len, void *arg)
{
	struct policy_list *l = arg;
	char q[80];
	size_t i;

	if (len == 1 && s[0] == '*') {
		KERR(c, "'*' must stand alone in '%s'", c->kv->key);
		return -1;
	}
	if (!policy_id_valid(s, len)) {
		policy_quote(q, sizeof(q), s, len);
		KERR(c, "invalid id '%s' in '%s'", q, c->kv->key);
		return -1;
	}
	for (i = 0; i < l->n; i++)
		if (strlen(l->items[i]) == len &&
		    memcmp(l->items[i], s, len) == 0) {
			policy_quote(q, sizeof(q), s, len);
			KERR(c, "'%s' appears twice in '%s'", q, c->kv->key);
			return -1;
		}
	if (l->n >= POLICY_MAX_LIST) {
		KERR(c, "more than %d items in '%s'", POLICY_MAX_LIST,
		     c->kv->key);
		return -1;
	}
	memcpy(l->items[l->n], s, len);
	l->items[l->n][len] = '\0';
	l->n++;
	return 0;
}

int conv_list(struct conv *c, struct policy_list *l)
{
	if (strcmp(c->kv->value, "*") == 0) {
		l->any = 1;
		return 0;
	}
	l->any = 0;
	l->n = 0;
	free(l->items);
	l->items = calloc(POLICY_MAX_LIST, sizeof(*l->items));
	if (l->items == NULL)
		return VD_ENOMEM;
	return conv_split(c, list_item, l);
}

const struct policy_raw_kv *conv_find_kv(const struct policy_raw_section *s,
                                         const char *key)
{
	size_t i;

	for (i = 0; i < s->nkv; i++)
		if (strcmp(s->kv[i].key, key) == 0)
			return &s->kv[i];
	return NULL;
}

void conv_unknown_key(struct conv *c)
{
	char q[40];

	policy_quote(q, sizeof(q), c->kv->key, strlen(c->kv->key));
	KERR(c, "unknown key '%s' in [%s%s%s]", q, sec_word(c->s->type),
	     c->s->id[0] ? " " : "", c->s->id);
}
