#include "upgrade6.h"

#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "err.h"

/* The rows of one table, copied out during the walk and rewritten after
 * it (LMDB's cursor must not see its own writes). Keys and values are
 * of any size, kept one after the other in one buffer. */
struct copy {
	uint8_t *buf;
	size_t len, cap, n;
};

static int copy_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct copy *c = arg;
	size_t need = 2 * sizeof(size_t) + k->mv_size + v->mv_size;

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
	memcpy(c->buf + c->len, &k->mv_size, sizeof(size_t));
	memcpy(c->buf + c->len + sizeof(size_t), &v->mv_size, sizeof(size_t));
	c->len += 2 * sizeof(size_t);
	memcpy(c->buf + c->len, k->mv_data, k->mv_size);
	memcpy(c->buf + c->len + k->mv_size, v->mv_data, v->mv_size);
	c->len += k->mv_size + v->mv_size;
	c->n++;
	return 0;
}

/* Walk the copy: *k and *v point at the next row; off is the cursor. */
static int copy_next(const struct copy *c, size_t *off, MDB_val *k, MDB_val *v)
{
	if (*off >= c->len)
		return 0;
	memcpy(&k->mv_size, c->buf + *off, sizeof(size_t));
	memcpy(&v->mv_size, c->buf + *off + sizeof(size_t), sizeof(size_t));
	*off += 2 * sizeof(size_t);
	k->mv_data = c->buf + *off;
	v->mv_data = c->buf + *off + k->mv_size;
	*off += k->mv_size + v->mv_size;
	return 1;
}

int upgrade6_accrual(struct ltx *t, size_t *n)
{
	struct copy c = {NULL, 0, 0, 0};
	uint8_t nk[3 * STORE_ID + 2]; /* schemas 6 and 7 */
	size_t off = 0;
	MDB_val k, v;
	int rc;

	*n = 0;
	if ((rc = ltx_walk(t, DB_ACCRUAL, NULL, 0, NULL, 0, copy_one, &c)) < 0)
		goto out;
	while (rc == 0 && copy_next(&c, &off, &k, &v)) {
		const uint8_t *p = k.mv_data;
		/* (ben, prog, period) -> (ben, prog, "", period) */
		if (k.mv_size != 2 * STORE_ID + 2 ||
		    v.mv_size != sizeof(struct acc_row)) {
			rc = VD_EINTERNAL;
			break;
		}
		memcpy(nk, p, 2 * STORE_ID);
		memset(nk + 2 * STORE_ID, 0, STORE_ID);
		memcpy(nk + 3 * STORE_ID, p + 2 * STORE_ID, 2);
		if ((rc = ltx_del(t, DB_ACCRUAL, k.mv_data, k.mv_size)) == 0)
			rc = ltx_put(t, DB_ACCRUAL, nk, sizeof(nk), v.mv_data,
			             v.mv_size);
		(*n)++;
	}
out:
	free(c.buf);
	return rc;
}

int upgrade6_records(struct ltx *t, size_t *n)
{
	struct copy c = {NULL, 0, 0, 0};
	uint8_t *val = NULL;
	size_t off = 0, vcap = 0;
	MDB_val k, v;
	int rc;

	*n = 0;
	if ((rc = ltx_walk(t, DB_RECORDS, NULL, 0, NULL, 0, copy_one, &c)) < 0)
		goto out;
	while (rc == 0 && copy_next(&c, &off, &k, &v)) {
		struct rec_row_v5 o;
		struct rec_row_v6 r;
		size_t rest, len;
		if (v.mv_size < sizeof(o)) {
			rc = VD_EINTERNAL;
			break;
		}
		memcpy(&o, v.mv_data, sizeof(o));
		rest = v.mv_size - sizeof(o);
		if (rest != (size_t)o.line_len + o.counts_len) {
			rc = VD_EINTERNAL;
			break;
		}
		memset(&r, 0, sizeof(r));
		memcpy(r.org, o.org, sizeof(r.org));
		r.at = o.at;
		r.amount = o.amount;
		r.qty = o.qty;
		memcpy(r.unit, o.unit, sizeof(r.unit));
		memcpy(r.klass, o.klass, sizeof(r.klass));
		r.kind = o.kind;
		r.status = o.status;
		memcpy(r.sig, o.sig, sizeof(r.sig));
		r.seq = o.seq;
		r.line_len = o.line_len;
		r.counts_len = o.counts_len;
		memcpy(r.batch, o.batch, sizeof(r.batch));
		len = sizeof(r) + rest;
		if (len > vcap) {
			void *q = realloc(val, len);
			if (q == NULL) {
				rc = VD_ENOMEM;
				break;
			}
			val = q;
			vcap = len;
		}
		memcpy(val, &r, sizeof(r));
		memcpy(val + sizeof(r), (const uint8_t *)v.mv_data + sizeof(o),
		       rest);
		rc = ltx_put(t, DB_RECORDS, k.mv_data, k.mv_size, val, len);
		(*n)++;
	}
out:
	free(val);
	free(c.buf);
	return rc;
}

int upgrade6_vouchers(struct ltx *t, size_t *n)
{
	struct copy c = {NULL, 0, 0, 0};
	size_t off = 0;
	MDB_val k, v;
	int rc;

	*n = 0;
	if ((rc = ltx_walk(t, DB_VOUCHERS_BY, NULL, 0, NULL, 0, copy_one, &c)) <
	    0)
		goto out;
	while (rc == 0 && copy_next(&c, &off, &k, &v)) {
		struct voucher_row_v5 o;
		struct voucher_row r;
		if (v.mv_size != sizeof(o)) {
			rc = VD_EINTERNAL;
			break;
		}
		memcpy(&o, v.mv_data, sizeof(o));
		memset(&r, 0, sizeof(r));
		memcpy(r.program, o.program, sizeof(r.program));
		memcpy(r.beneficiary, o.beneficiary, sizeof(r.beneficiary));
		r.period = o.period;
		r.granted = o.granted;
		r.redeemed = o.redeemed;
		r.expired = o.expired;
		r.revoked = o.revoked;
		r.expires_at = o.expires_at;
		r.status = o.status;
		r.pays = o.pays;
		r.paid_out = o.paid_out;
		r.clawback_due = o.clawback_due;
		r.recovered = o.recovered;
		rc = ltx_put(t, DB_VOUCHERS_BY, k.mv_data, k.mv_size, &r,
		             sizeof(r));
		(*n)++;
	}
out:
	free(c.buf);
	return rc;
}
