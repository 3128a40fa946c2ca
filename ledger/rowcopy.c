/* See rowcopy.h. */
#include "rowcopy.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"

static int copy_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct rowcopy *c = arg;
	size_t need = sizeof(size_t) + k->mv_size + v->mv_size;

	if (k->mv_size != c->klen)
		return k->mv_size < c->klen ? 0 : VD_EINTERNAL;
	if (c->n == ROWCOPY_CHUNK)
		return 1;
	if (c->cap - c->len < need) {
		size_t nc = c->cap ? c->cap : 1 << 16;
		void *q;
		while (nc - c->len < need)
			nc *= 2;
		if ((q = realloc(c->buf, nc)) == NULL)
			return VD_ENOMEM;
		c->buf = q;
		c->cap = nc;
	}
	memcpy(c->buf + c->len, &v->mv_size, sizeof(size_t));
	memcpy(c->buf + c->len + sizeof(size_t), k->mv_data, k->mv_size);
	memcpy(c->buf + c->len + sizeof(size_t) + k->mv_size, v->mv_data,
	       v->mv_size);
	c->len += need;
	memcpy(c->last, k->mv_data, k->mv_size);
	c->n++;
	return 0;
}

int rowcopy_chunk(struct ltx *t, enum store_db db, struct rowcopy *c, int first)
{
	if (c->klen > sizeof(c->last))
		return VD_EINTERNAL;
	c->n = c->len = 0;
	return ltx_walk(t, db, NULL, 0, first ? NULL : c->last,
	                first ? 0 : c->klen, copy_one, c);
}

int rowcopy_next(const struct rowcopy *c, size_t *off, const uint8_t **k,
                 MDB_val *v)
{
	if (*off >= c->len)
		return 0;
	memcpy(&v->mv_size, c->buf + *off, sizeof(size_t));
	*k = c->buf + *off + sizeof(size_t);
	v->mv_data = c->buf + *off + sizeof(size_t) + c->klen;
	*off += sizeof(size_t) + c->klen + v->mv_size;
	return 1;
}
