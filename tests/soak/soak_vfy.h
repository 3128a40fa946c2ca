/* What verify and final share (soak_vfy.c): the journal read through
 * the daemon, entry by entry, with its hash chain recomputed. */
#ifndef VD_SOAK_VFY_H
#define VD_SOAK_VFY_H

#include <stdint.h>

#include "soak.h"

/* A journal entry, the fields the soak looks at. */
struct ent {
	uint64_t seq;
	char type[16], key[160];
	char provider[SOAK_NAME], id[SOAK_ID], org[SOAK_NAME];
	char record[SOAK_ID], voucher[SOAK_ID], program[SOAK_ID];
	int64_t period, amount, at, batch, n;
	int claimed;
};

struct ents {
	struct ent *e;
	size_t n, cap;
	struct ent **by_key; /* sorted by key, entries with one only */
	size_t nkey;
};

struct vfy {
	const struct soak_cfg *c;
	struct soak_model m;
	struct session *s;
	struct ents j;
	uint8_t prev[CHAIN_HASH_LEN];
	uint64_t last;
	int year;
	int64_t checked[SK_N], refused, unanswered[2];
	int empty_batches[SOAK_BATCH_MAX + 1]; /* unanswered, by size */
	void *arg;                             /* soak_final's */
};

/* "soakload verify: round R: FAIL: ..." on stderr; 1. */
int vfy_fail(const struct soak_cfg *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The model, and a bureau session to the daemon just started (it is
 * given 30 s to answer). 0, or 1 with the failure printed. */
int vfy_open(struct vfy *v, const struct soak_cfg *c);
void vfy_close(struct vfy *v);

/* The entry at the model's head is still there with the hash the model
 * kept: the chain up to it, every change verified before, holds. */
int vfy_head_unchanged(struct vfy *v);

/* Every entry after v->last, in pages, its hash chained onto v->prev
 * (which must give the entry's hash), to fn; v->last and v->prev follow.
 * 0, or 1 with the failure printed. */
typedef int (*vfy_fn)(struct vfy *v, const struct ent *e);
int vfy_read(struct vfy *v, vfy_fn fn);
/* A vfy_fn: the entry into v->j. */
int vfy_keep(struct vfy *v, const struct ent *e);
/* Index v->j by key; a record, void, redemption or settlement journaled
 * twice, or again after an earlier round, is a failure. */
int vfy_index(struct vfy *v);
/* The round's entry of type for (a, b): (provider, record id) for usage
 * and void, (provider, ref) for redeem, (program, period) for settle. */
struct ent *vfy_find(struct vfy *v, const char *type, const char *a,
                     const char *b);
/* The round's entry at seq, or NULL. */
struct ent *vfy_at_seq(struct vfy *v, int64_t seq);

#endif
