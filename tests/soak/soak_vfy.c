/* Reading the journal through the daemon (soak_vfy.h), and `soakload
 * final`: the whole journal, from its first entry, against the model. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "soak_vfy.h"

int vfy_fail(const struct soak_cfg *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "soakload verify: round %" PRId64 ": FAIL: ", c->round);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static void field(const char *e, size_t len, const char *key, char *out,
                  size_t size)
{
	size_t n;
	const char *v = chain_field(e, len, key, &n);

	if (v == NULL || n >= size)
		n = 0;
	memcpy(out, v ? v : "", n);
	out[n] = '\0';
}

static int64_t field_i64(const char *e, size_t len, const char *key)
{
	char buf[32];

	field(e, len, key, buf, sizeof(buf));
	return strtoll(buf, NULL, 10);
}

static void ent_key(struct ent *x)
{
	if (strcmp(x->type, "usage") == 0 || strcmp(x->type, "void") == 0 ||
	    strcmp(x->type, "redeem") == 0)
		snprintf(x->key, sizeof(x->key), "%s/%s/%s", x->type,
		         x->provider, x->id);
	else if (strcmp(x->type, "settle") == 0)
		snprintf(x->key, sizeof(x->key), "settle/%s/%" PRId64,
		         x->program, x->period);
	else
		x->key[0] = '\0';
}

/* An "ENTRY ... hash=H" row: its bytes hashed onto v->prev, which must
 * give H, then its fields into e. 0, or -1 with the reason printed. */
static int ent_parse(struct vfy *v, const char *row, struct ent *e)
{
	const char *h = strstr(row, " hash=");
	size_t len;
	uint8_t want[CHAIN_HASH_LEN], got[CHAIN_HASH_LEN];
	const char *b = row + 6;

	if (strncmp(row, "ENTRY seq=", 10) != 0 || h == NULL ||
	    hex_decode(h + 6, strlen(h + 6), want, CHAIN_HASH_LEN) < 0) {
		vfy_fail(v->c, "not a journal entry: %.80s", row);
		return -1;
	}
	len = (size_t)(h - b);
	memset(e, 0, sizeof(*e));
	e->seq = strtoull(b + 4, NULL, 10); /* the first field */
	if (e->seq != v->last + 1) {
		vfy_fail(v->c, "journal entry %" PRIu64 " after %" PRIu64,
		         e->seq, v->last);
		return -1;
	}
	if (chain_hash(v->prev, b, len, got) != 0 ||
	    memcmp(got, want, CHAIN_HASH_LEN) != 0) {
		vfy_fail(v->c,
		         "journal entry %" PRIu64
		         ": the hash chain from the last "
		         "verified head (%" PRIu64 ") does not hold",
		         e->seq, v->m.head);
		return -1;
	}
	memcpy(v->prev, got, CHAIN_HASH_LEN);
	v->last = e->seq;
	field(b, len, "type", e->type, sizeof(e->type));
	field(b, len, "provider", e->provider, sizeof(e->provider));
	field(b, len, strcmp(e->type, "redeem") == 0 ? "ref" : "id", e->id,
	      sizeof(e->id));
	field(b, len, "org", e->org, sizeof(e->org));
	field(b, len, "record", e->record, sizeof(e->record));
	field(b, len, "voucher", e->voucher, sizeof(e->voucher));
	field(b, len, "program", e->program, sizeof(e->program));
	e->period = field_i64(b, len, "period");
	e->amount = field_i64(b, len, "amount");
	e->at = field_i64(b, len, "at");
	e->batch = field_i64(b, len, "batch");
	e->n = field_i64(b, len, "n");
	ent_key(e);
	return 0;
}

/* Every entry after v->last, in pages, to fn. */
int vfy_read(struct vfy *v, vfy_fn fn)
{
	char req[80];
	const char *l = NULL;
	struct reply r;
	struct ent e;
	int64_t i, n;

	do {
		snprintf(req, sizeof(req),
		         "JOURNAL after=%" PRIu64 " limit=1000", v->last);
		if (session_send(v->s, req) < 0 ||
		    (l = session_line(v->s)) == NULL ||
		    reply_parse(l, strlen(l), &r) != 0 || r.kind != REPLY_OK)
			return vfy_fail(v->c, "JOURNAL: %s",
			                l ? l : "(no reply)");
		n = r.n;
		for (i = 0; i < n; i++) {
			if ((l = session_line(v->s)) == NULL)
				return vfy_fail(v->c,
				                "JOURNAL: connection lost");
			if (ent_parse(v, l, &e) < 0 || fn(v, &e) != 0)
				return 1;
		}
	} while (n == 1000);
	return 0;
}

int vfy_keep(struct vfy *v, const struct ent *e)
{
	if (v->j.n == v->j.cap) {
		size_t cap = v->j.cap ? 2 * v->j.cap : 4096;
		struct ent *p = realloc(v->j.e, cap * sizeof(*p));
		if (p == NULL)
			return vfy_fail(v->c, "out of memory");
		v->j.e = p;
		v->j.cap = cap;
	}
	v->j.e[v->j.n++] = *e;
	return 0;
}

static int by_key(const void *a, const void *b)
{
	return strcmp((*(struct ent *const *)a)->key,
	              (*(struct ent *const *)b)->key);
}

struct ent *vfy_find(struct vfy *v, const char *type, const char *a,
                     const char *b)
{
	struct ent k, *kp = &k, **hit;

	snprintf(k.key, sizeof(k.key), "%s/%s/%s", type, a, b);
	hit =
	    bsearch(&kp, v->j.by_key, v->j.nkey, sizeof(*v->j.by_key), by_key);
	return hit ? *hit : NULL;
}

/* Index the round's entries; a record, void, redemption or settlement
 * journaled twice is a failure. */
int vfy_index(struct vfy *v)
{
	size_t i;

	v->j.by_key = calloc(v->j.n + 1, sizeof(*v->j.by_key));
	if (v->j.by_key == NULL)
		return vfy_fail(v->c, "out of memory");
	for (i = 0; i < v->j.n; i++)
		if (v->j.e[i].key[0] != '\0')
			v->j.by_key[v->j.nkey++] = &v->j.e[i];
	qsort(v->j.by_key, v->j.nkey, sizeof(*v->j.by_key), by_key);
	for (i = 1; i < v->j.nkey; i++)
		if (strcmp(v->j.by_key[i]->key, v->j.by_key[i - 1]->key) == 0)
			return vfy_fail(v->c,
			                "journaled twice: %s (seq %" PRIu64
			                " and %" PRIu64 ")",
			                v->j.by_key[i]->key,
			                v->j.by_key[i - 1]->seq,
			                v->j.by_key[i]->seq);
	for (i = 0; i < v->j.n; i++) {
		const struct ent *e = &v->j.e[i];
		if (strcmp(e->type, "usage") == 0 &&
		    model_find(&v->m, e->provider, e->id) != NULL)
			return vfy_fail(
			    v->c,
			    "record %s/%s journaled again at seq %" PRIu64
			    " (an earlier round had it)",
			    e->provider, e->id, e->seq);
		if (strcmp(e->type, "settle") == 0 &&
		    model_has_slot(&v->m, e->program, (int)e->period))
			return vfy_fail(v->c, "%s %" PRId64 " settled twice",
			                e->program, e->period);
	}
	return 0;
}

struct ent *vfy_at_seq(struct vfy *v, int64_t seq)
{
	if (v->j.n == 0 || seq < (int64_t)v->j.e[0].seq ||
	    seq > (int64_t)v->j.e[v->j.n - 1].seq)
		return NULL;
	return &v->j.e[(uint64_t)seq - v->j.e[0].seq];
}

int vfy_open(struct vfy *v, const struct soak_cfg *c)
{
	char path[512];

	memset(v, 0, sizeof(*v));
	v->c = c;
	v->year = soak_year();
	snprintf(path, sizeof(path), "%s/model.txt", c->dir);
	if (model_load(&v->m, path) < 0)
		return 1;
	snprintf(path, sizeof(path), "%s/bureau.pem", c->dir);
	/* the daemon was just started: give it time to open the store */
	v->s = soak_open(c->addr, "bureau", NULL, path, 30);
	if (v->s == NULL)
		return vfy_fail(c, "vouchd does not answer after the restart");
	return 0;
}

void vfy_close(struct vfy *v)
{
	soak_close(v->s);
	free(v->j.e);
	free(v->j.by_key);
	model_free(&v->m);
}

/* The entry at the model's head is still there with the hash the
 * model kept: the chain up to it, every change verified before, holds. */
int vfy_head_unchanged(struct vfy *v)
{
	char req[80], want[2 * CHAIN_HASH_LEN + 1];
	const char *l = NULL, *h;
	struct reply r;

	snprintf(req, sizeof(req), "JOURNAL after=%" PRIu64 " limit=1",
	         v->m.head - 1);
	if (session_send(v->s, req) < 0 || (l = session_line(v->s)) == NULL ||
	    reply_parse(l, strlen(l), &r) != 0 || r.kind != REPLY_OK)
		return vfy_fail(v->c, "JOURNAL: %s", l ? l : "(no reply)");
	if (r.n != 1)
		return vfy_fail(v->c,
		                "the journal lost entries: no entry %" PRIu64
		                ", the head verified after the last round",
		                v->m.head);
	if ((l = session_line(v->s)) == NULL)
		return vfy_fail(v->c, "JOURNAL: connection lost");
	hex_encode(v->m.hash, CHAIN_HASH_LEN, want);
	h = strstr(l, " hash=");
	if (h == NULL || strcmp(h + 6, want) != 0)
		return vfy_fail(v->c,
		                "journal entry %" PRIu64
		                " changed: hash %s, it was "
		                "%s",
		                v->m.head, h ? h + 6 : "(none)", want);
	return 0;
}

/* soak_final: what of the model each journal entry matched. */
struct seen {
	uint8_t *rec, *voided, *red, *slot;
	size_t *red_by_ref; /* model.red sorted by provider/ref */
	const struct soak_model *m;
	int64_t n[4];
};

static int red_cmp(const void *a, const void *b, void *arg)
{
	const struct soak_model *m = arg;
	const struct soak_red *x = &m->red[*(const size_t *)a];
	const struct soak_red *y = &m->red[*(const size_t *)b];
	int c = strcmp(x->provider, y->provider);

	return c ? c : strcmp(x->ref, y->ref);
}

static int final_ent(struct vfy *v, const struct ent *e)
{
	struct seen *s = v->arg;
	const struct soak_rec *r = NULL;
	size_t i;

	if (e->seq == v->m.head &&
	    memcmp(v->prev, v->m.hash, CHAIN_HASH_LEN) != 0)
		return vfy_fail(v->c,
		                "entry %" PRIu64 "'s hash is not the one "
		                "verified after the last round",
		                e->seq);
	if (strcmp(e->type, "usage") == 0 || strcmp(e->type, "void") == 0) {
		int vd = e->type[0] == 'v';
		r = model_find(&v->m, e->provider, e->id);
		if (r == NULL || (vd && !r->voided))
			return vfy_fail(v->c,
			                "%s at seq %" PRIu64 " of %s/%s: the "
			                "model has no such %s",
			                e->type, e->seq, e->provider, e->id,
			                vd ? "void" : "record");
		i = (size_t)(r - v->m.rec);
		if ((vd ? s->voided : s->rec)[i]++)
			return vfy_fail(v->c,
			                "%s of %s/%s twice (seq %" PRIu64 ")",
			                e->type, e->provider, e->id, e->seq);
		if (!vd &&
		    (strcmp(r->org, e->org) != 0 || r->amount != e->amount ||
		     r->at != e->at || r->period != e->period))
			return vfy_fail(v->c,
			                "record %s/%s at seq %" PRIu64
			                " is not as acknowledged",
			                e->provider, e->id, e->seq);
		s->n[vd]++;
	} else if (strcmp(e->type, "redeem") == 0) {
		size_t lo = 0, hi = v->m.nred;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			const struct soak_red *d =
			    &v->m.red[s->red_by_ref[mid]];
			int c = strcmp(d->provider, e->provider);
			if (c == 0)
				c = strcmp(d->ref, e->id);
			if (c == 0) {
				lo = mid;
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo >= v->m.nred ||
		    strcmp(v->m.red[s->red_by_ref[lo]].ref, e->id) != 0 ||
		    s->red[s->red_by_ref[lo]]++)
			return vfy_fail(v->c,
			                "redemption %s at seq %" PRIu64
			                ": not in the model, or twice",
			                e->id, e->seq);
		s->n[2]++;
	} else if (strcmp(e->type, "settle") == 0) {
		for (i = 0; i < v->m.nslot; i++)
			if (v->m.slot[i].period == e->period &&
			    strcmp(v->m.slot[i].program, e->program) == 0)
				break;
		if (i == v->m.nslot || s->slot[i]++)
			return vfy_fail(v->c,
			                "settlement of %s %" PRId64
			                " at seq %" PRIu64
			                ": not in the model, or twice",
			                e->program, e->period, e->seq);
		s->n[3]++;
	}
	return 0;
}

int soak_final(const struct soak_cfg *c)
{
	struct vfy v;
	struct seen s;
	size_t i, voided = 0;
	int rc;

	memset(&s, 0, sizeof(s));
	if ((rc = vfy_open(&v, c)) != 0)
		goto out;
	rc = 1;
	s.rec = calloc(v.m.nrec + 1, 1);
	s.voided = calloc(v.m.nrec + 1, 1);
	s.red = calloc(v.m.nred + 1, 1);
	s.slot = calloc(v.m.nslot + 1, 1);
	s.red_by_ref = calloc(v.m.nred + 1, sizeof(size_t));
	if (!s.rec || !s.voided || !s.red || !s.slot || !s.red_by_ref)
		goto out;
	for (i = 0; i < v.m.nred; i++)
		s.red_by_ref[i] = i;
	qsort_r(s.red_by_ref, v.m.nred, sizeof(size_t), red_cmp, &v.m);
	v.arg = &s;
	if (vfy_read(&v, final_ent) != 0)
		goto out;
	for (i = 0; i < v.m.nrec; i++) {
		voided += (size_t)v.m.rec[i].voided;
		if (!s.rec[i] || s.voided[i] != v.m.rec[i].voided) {
			rc = vfy_fail(c, "record %s/%s%s: not in the journal",
			              v.m.rec[i].provider, v.m.rec[i].id,
			              s.rec[i] ? "'s void" : "");
			goto out;
		}
	}
	for (i = 0; i < v.m.nred; i++)
		if (!s.red[i]) {
			rc = vfy_fail(c, "redemption %s: not in the journal",
			              v.m.red[i].ref);
			goto out;
		}
	for (i = 0; i < v.m.nslot; i++)
		if (!s.slot[i]) {
			rc = vfy_fail(c,
			              "settlement of %s %d: not in the journal",
			              v.m.slot[i].program, v.m.slot[i].period);
			goto out;
		}
	printf("final: %" PRIu64 " journal entries, the hash chain recomputed "
	       "from the first; every record (%zu), void (%zu), redemption "
	       "(%zu) and settlement (%zu) of the model found once, and no "
	       "other\n",
	       v.last, v.m.nrec, voided, v.m.nred, v.m.nslot);
	rc = 0;
out:
	free(s.rec);
	free(s.voided);
	free(s.red);
	free(s.slot);
	free(s.red_by_ref);
	vfy_close(&v);
	return rc;
}
