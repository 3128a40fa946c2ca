#include "figures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "money.h"

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 1099511628211ull;
	return h;
}

struct figures_slot *figures_find(struct figures *t, const char *key, int add)
{
	size_t i;

	if (add && (t->n + 1) * 10 > t->cap * 7) {
		struct figures nt = {
		    calloc(t->cap ? t->cap * 2 : 1024, sizeof(*t->s)),
		    t->cap ? t->cap * 2 : 1024, 0};
		if (nt.s == NULL)
			return NULL;
		for (i = 0; i < t->cap; i++)
			if (t->s[i].used) {
				struct figures_slot *d =
				    figures_find(&nt, t->s[i].key, 1);
				*d = t->s[i];
			}
		free(t->s);
		*t = nt;
	}
	if (t->cap == 0)
		return NULL;
	for (i = fnv(key) % t->cap;; i = (i + 1) % t->cap) {
		if (!t->s[i].used) {
			if (!add)
				return NULL;
			t->s[i].used = 1;
			snprintf(t->s[i].key, FIGURES_KEY, "%s", key);
			t->n++;
			return &t->s[i];
		}
		if (strcmp(t->s[i].key, key) == 0)
			return &t->s[i];
	}
}

int figures_add(struct figures *t, const char *key, int i, int64_t d)
{
	struct figures_slot *s = figures_find(t, key, 1);

	if (s == NULL)
		return VD_ENOMEM;
	return money_add(s->v[i], d, &s->v[i]);
}
