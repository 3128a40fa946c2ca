/* Converting one key's value of a policy file: see policy_conv.c. Each
 * conv_ function that checks a value reports a bad one through errs
 * (KERR: the key's line) and returns -1; 0 when it converted. Internal to
 * ledger/policy*. */
#ifndef VD_POLICY_CONV_H
#define VD_POLICY_CONV_H

#include <stddef.h>
#include <stdint.h>

#include "policy_build.h"

/* The key being converted, for messages. */
struct conv {
	struct policy *p;
	struct policy_errors *errs;
	const struct policy_raw_section *s;
	const struct policy_raw_kv *kv;
};

#define KERR(c, ...)                                                           \
	policy_error((c)->errs, (c)->s->file, (c)->kv->line, __VA_ARGS__)
#define SERR(c, ...)                                                           \
	policy_error((c)->errs, (c)->s->file, (c)->s->line, __VA_ARGS__)

/* "bad value 'v' for 'key': expected what" */
void conv_bad_value(struct conv *c, const char *what);
/* Yuan with at most two decimals, into fen (positive: above 0). */
int conv_yuan(struct conv *c, const char *s, size_t len, int positive,
              int64_t *out);
int conv_uint(struct conv *c, const char *s, size_t len, int64_t min,
              int64_t max, int64_t *out);
/* A rate or share: "3%", in (0%, 100%], into basis points. */
int conv_pct(struct conv *c, const char *s, size_t len, int64_t *bp);
/* The key's value as the index of one of n names. */
int conv_enum(struct conv *c, const char *const *names, int n, const char *what,
              int *out);
/* YYYY-MM-DD, CST midnight. */
int conv_date(struct conv *c, int64_t *t);
/* Split the key's comma-separated value: fn on each trimmed item; an
 * empty item is an error. */
typedef int (*conv_item_fn)(struct conv *c, const char *s, size_t len,
                            void *arg);
int conv_split(struct conv *c, conv_item_fn fn, void *arg);
/* "*" or a list of distinct ids (VD_ENOMEM possible). */
int conv_list(struct conv *c, struct policy_list *l);
/* A key of section s, or NULL. */
const struct policy_raw_kv *conv_find_kv(const struct policy_raw_section *s,
                                         const char *key);
void conv_unknown_key(struct conv *c);

#endif
