/* See pno.h. */
#include "pno.h"

#include <string.h>

#include "err.h"

static size_t id_key(uint8_t *k, const char *id)
{
	size_t l = strnlen(id, STORE_ID);

	k[0] = 'i';
	memcpy(k + 1, id, l);
	return l + 1;
}

int pno_get(struct ltx *t, const char *id, uint32_t *no)
{
	uint8_t k[STORE_ID + 1];
	MDB_val v;
	int rc;

	if ((rc = ltx_get(t, DB_PNOS, k, id_key(k, id), &v)) < 0)
		return rc;
	if (v.mv_size != 4)
		return VD_EINTERNAL;
	*no = store_get_u32(v.mv_data);
	return 0;
}

int pno_id(struct ltx *t, uint32_t no, char id[STORE_ID + 1])
{
	uint8_t k[5];
	MDB_val v;
	int rc;

	k[0] = 'n';
	store_key_u32(k, 1, no);
	if ((rc = ltx_get(t, DB_PNOS, k, sizeof(k), &v)) < 0)
		return rc;
	/* an id holds no NUL: one would cut the id short (a damaged row
	 * made RECORDS answer TOOBIG) */
	if (v.mv_size == 0 || v.mv_size > STORE_ID ||
	    memchr(v.mv_data, '\0', v.mv_size) != NULL)
		return VD_EINTERNAL;
	memcpy(id, v.mv_data, v.mv_size);
	id[v.mv_size] = '\0';
	return 0;
}

int pno_assign(struct ltx *t, const char *id, uint32_t *no)
{
	uint8_t k[STORE_ID + 1], n[5], b[4];
	uint32_t last = 0;
	MDB_val v;
	int rc;

	rc = ltx_get(t, DB_META, "pno", 3, &v);
	if (rc == 0 && v.mv_size != sizeof(b))
		return VD_EINTERNAL;
	if (rc == 0)
		last = store_get_u32(v.mv_data);
	else if (rc != VD_ENOENT)
		return rc;
	if (last == UINT32_MAX)
		return VD_ELIMIT;
	*no = last + 1;
	store_key_u32(b, 0, *no);
	n[0] = 'n';
	store_key_u32(n, 1, *no);
	if ((rc = ltx_put(t, DB_PNOS, k, id_key(k, id), b, sizeof(b))) < 0 ||
	    (rc = ltx_put(t, DB_PNOS, n, sizeof(n), id,
	                  strnlen(id, STORE_ID))) < 0)
		return rc;
	return ltx_put(t, DB_META, "pno", 3, b, sizeof(b));
}

int pno_key(struct ltx *t, uint8_t *k, size_t *n, const char *id)
{
	uint32_t no;
	int rc;

	if ((rc = pno_get(t, id, &no)) < 0)
		return rc;
	*n = store_key_u32(k, *n, no);
	return 0;
}

int pno_take(struct ltx *t, const uint8_t **p, const uint8_t *end,
             char id[STORE_ID + 1])
{
	uint32_t no;
	int rc;

	if ((rc = store_key_take_u32(p, end, &no)) < 0)
		return rc;
	rc = pno_id(t, no, id);
	return rc == VD_ENOENT ? VD_EINTERNAL : rc;
}

struct pwalk {
	pno_walk_fn fn;
	void *arg;
};

static int walk_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct pwalk *w = arg;
	char id[STORE_ID + 1];

	if (k->mv_size < 2 || k->mv_size > STORE_ID + 1 || v->mv_size != 4 ||
	    memchr((const char *)k->mv_data + 1, '\0', k->mv_size - 1) != NULL)
		return VD_EINTERNAL;
	memcpy(id, (const char *)k->mv_data + 1, k->mv_size - 1);
	id[k->mv_size - 1] = '\0';
	return w->fn(w->arg, id, store_get_u32(v->mv_data));
}

int pno_walk(struct ltx *t, pno_walk_fn fn, void *arg)
{
	struct pwalk w = {fn, arg};

	return ltx_walk(t, DB_PNOS, "i", 1, NULL, 0, walk_one, &w);
}
