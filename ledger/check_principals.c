/* See check_principals.h. */
#include "check_principals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "err.h"
#include "hex.h"
#include "journal.h"
#include "role.h"

struct cp {
	char id[STORE_ID + 1];
	struct principal_row r;
	uint32_t no; /* its register entry's place (pno.h) */
	int used, seen;
};

struct cprincipals {
	struct cp *v;
	size_t cap, n;
	uint32_t registers; /* register entries so far */
};

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 1099511628211ull;
	return h;
}

struct cprincipals *cprincipals_new(void)
{
	return calloc(1, sizeof(struct cprincipals));
}

void cprincipals_free(struct cprincipals *p)
{
	if (p != NULL)
		free(p->v);
	free(p);
}

/* The slot of id (added if add and absent), or NULL. */
static struct cp *slot(struct cprincipals *p, const char *id, int add)
{
	size_t i;

	if (add && (p->n + 1) * 10 > p->cap * 7) {
		struct cprincipals np = {
		    calloc(p->cap ? p->cap * 2 : 256, sizeof(struct cp)),
		    p->cap ? p->cap * 2 : 256, 0, p->registers};
		if (np.v == NULL)
			return NULL;
		for (i = 0; i < p->cap; i++)
			if (p->v[i].used)
				*slot(&np, p->v[i].id, 1) = p->v[i];
		free(p->v);
		*p = np;
	}
	if (p->cap == 0)
		return NULL;
	for (i = fnv(id) % p->cap;; i = (i + 1) % p->cap) {
		if (!p->v[i].used) {
			if (!add)
				return NULL;
			memset(&p->v[i], 0, sizeof(p->v[i]));
			p->v[i].used = 1;
			snprintf(p->v[i].id, sizeof(p->v[i].id), "%s", id);
			p->n++;
			return &p->v[i];
		}
		if (strcmp(p->v[i].id, id) == 0)
			return &p->v[i];
	}
}

static int bad(char *msg, size_t msglen, const char *what, const char *id)
{
	snprintf(msg, msglen, "principal %s: %s", id, what);
	return 1;
}

int cprincipals_entry(struct cprincipals *p, const char *type, const char *e,
                      size_t len, char *msg, size_t msglen)
{
	char id[STORE_ID + 1], v[REGION_MAX + 1], hex[65];
	struct cp *s;
	int reg = strcmp(type, "register") == 0;

	if (!reg && strcmp(type, "amend") && strcmp(type, "suspend") &&
	    strcmp(type, "reinstate") && strcmp(type, "rekey"))
		return 0;
	if (!journal_field(e, len, "id", id, sizeof(id)))
		return bad(msg, msglen, "an entry without id", "?");
	if ((s = slot(p, id, reg)) == NULL)
		return reg ? VD_ENOMEM
		           : bad(msg, msglen, "changed before registered", id);
	if (reg) {
		int role;
		if (!journal_field(e, len, "role", v, sizeof(v)) ||
		    (role = role_lookup(v, strlen(v))) < 0 ||
		    !journal_field(e, len, "key", hex, sizeof(hex)) ||
		    hex_decode(hex, 64, s->r.key, 32) < 0)
			return bad(msg, msglen, "a malformed register entry",
			           id);
		s->r.role = (uint8_t)role;
		journal_field(e, len, "kind", s->r.kind, sizeof(s->r.kind));
		s->r.local = journal_field(e, len, "local", v, sizeof(v)) &&
		             strcmp(v, "1") == 0;
		if (journal_field(e, len, "region", v, sizeof(v)))
			snprintf(s->r.region, sizeof(s->r.region), "%s", v);
		s->r.status = P_ACTIVE;
		if (s->no == 0)
			s->no = ++p->registers;
	} else if (type[0] == 'a') {
		journal_field(e, len, "kind", s->r.kind, sizeof(s->r.kind));
		if (journal_field(e, len, "region", v, sizeof(v)))
			snprintf(s->r.region, sizeof(s->r.region), "%s", v);
		if (journal_field(e, len, "local", v, sizeof(v)))
			s->r.local = strcmp(v, "1") == 0;
	} else if (type[0] == 's') {
		s->r.status = P_SUSPENDED;
	} else if (type[0] == 'r' && type[2] == 'i') {
		s->r.status = P_ACTIVE; /* reinstate */
	} else if (!journal_field(e, len, "key", hex, sizeof(hex)) ||
	           hex_decode(hex, 64, s->r.key, 32) < 0) {
		return bad(msg, msglen, "a malformed rekey entry", id);
	}
	return 0;
}

struct walk {
	struct cprincipals *p;
	char *msg;
	size_t msglen;
	int bad;        /* ltx_walk stops at a 1 and returns 0: remember it */
	size_t numbers; /* DB_PNOS entries seen */
};

static int one(void *arg, const MDB_val *k, const MDB_val *val)
{
	struct walk *w = arg;
	char id[STORE_ID + 1];
	struct principal_row r;
	struct cp *s;

	if (k->mv_size != STORE_ID || val->mv_size != sizeof(r))
		return VD_EINTERNAL;
	store_key_get_id(k->mv_data, id);
	memcpy(&r, val->mv_data, sizeof(r));
	if ((s = slot(w->p, id, 0)) == NULL)
		return w->bad = bad(w->msg, w->msglen,
		                    "stored, not in the journal", id);
	s->seen = 1;
	if (r.role != s->r.role)
		return w->bad = bad(w->msg, w->msglen,
		                    "role differs from the journal", id);
	if (strcmp(r.kind, s->r.kind) != 0)
		return w->bad = bad(w->msg, w->msglen,
		                    "kind differs from the journal", id);
	if (r.local != s->r.local)
		return w->bad = bad(w->msg, w->msglen,
		                    "local flag differs from the journal", id);
	if (strcmp(r.region, s->r.region) != 0)
		return w->bad = bad(w->msg, w->msglen,
		                    "region differs from the journal", id);
	if (r.status != s->r.status)
		return w->bad = bad(w->msg, w->msglen,
		                    "status differs from the journal", id);
	if (memcmp(r.key, s->r.key, sizeof(r.key)) != 0)
		return w->bad = bad(w->msg, w->msglen,
		                    "key differs from the journal", id);
	return 0;
}

/* One entry of DB_PNOS: 'i' + id -> number or 'n' + number -> id, as
 * the register entries' order gives them. */
static int number_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct walk *w = arg;
	const uint8_t *kp = k->mv_data;
	char id[STORE_ID + 1];
	uint32_t no;
	struct cp *s;

	if (k->mv_size >= 2 && k->mv_size <= STORE_ID + 1 && kp[0] == 'i' &&
	    v->mv_size == 4) {
		memcpy(id, kp + 1, k->mv_size - 1);
		id[k->mv_size - 1] = '\0';
		no = store_get_u32(v->mv_data);
	} else if (k->mv_size == 5 && kp[0] == 'n' && v->mv_size >= 1 &&
	           v->mv_size <= STORE_ID) {
		memcpy(id, v->mv_data, v->mv_size);
		id[v->mv_size] = '\0';
		no = store_get_u32(kp + 1);
	} else {
		snprintf(w->msg, w->msglen,
		         "a principal number entry of the "
		         "wrong shape");
		return w->bad = 1;
	}
	if ((s = slot(w->p, id, 0)) == NULL)
		return w->bad = bad(w->msg, w->msglen,
		                    "numbered, not in the journal", id);
	if (s->no != no) {
		snprintf(w->msg, w->msglen,
		         "principal %s: number %u stored, %u from the journal",
		         id, no, s->no);
		return w->bad = 1;
	}
	w->numbers++;
	return 0;
}

int cprincipals_compare(struct cprincipals *p, struct ltx *t, char *msg,
                        size_t msglen)
{
	struct walk w = {p, msg, msglen, 0, 0};
	uint32_t last = 0;
	MDB_val v;
	size_t i;
	int rc;

	if ((rc = ltx_walk(t, DB_PRINCIPALS, NULL, 0, NULL, 0, one, &w)) != 0 ||
	    w.bad)
		return rc < 0 ? rc : 1;
	/* schema 7: every principal's number, both ways, and the last one
	 * given */
	if ((rc = ltx_walk(t, DB_PNOS, NULL, 0, NULL, 0, number_one, &w)) !=
	        0 ||
	    w.bad)
		return rc < 0 ? rc : 1;
	if ((rc = ltx_get(t, DB_META, "pno", 3, &v)) == 0 && v.mv_size == 4)
		last = store_get_u32(v.mv_data);
	else if (rc != VD_ENOENT && rc < 0)
		return rc;
	if (w.numbers != 2 * (size_t)p->n || last != p->registers) {
		snprintf(msg, msglen,
		         "%zu principal number entries and last number %u "
		         "stored, %u principals in the journal",
		         w.numbers, last, p->registers);
		return 1;
	}
	for (i = 0; i < p->cap; i++)
		if (p->v[i].used && !p->v[i].seen)
			return bad(msg, msglen, "in the journal, not stored",
			           p->v[i].id);
	return 0;
}
