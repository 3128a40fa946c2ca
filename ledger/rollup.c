#include "rollup.h"

#include <string.h>

#include "book.h"
#include "err.h"
#include "money.h"

#define CST_OFFSET (8 * 3600)

int32_t rollup_day(int64_t t)
{
	int64_t s = t + CST_OFFSET;

	/* floor division: days before 1970 (never stored) stay ordered */
	return (int32_t)(s >= 0 ? s / 86400 : -((-s + 86399) / 86400));
}

size_t rollup_key(uint8_t *k, const char *pool, int32_t period, int32_t day,
                  const char *prog)
{
	size_t n = store_key_id(k, 0, pool);

	n = store_key_u16(k, n, (uint16_t)period);
	/* day ^ 2^31: big-endian order is day order, also below 0 */
	k[n] = (uint8_t)(((uint32_t)day ^ 0x80000000u) >> 24);
	k[n + 1] = (uint8_t)(((uint32_t)day ^ 0x80000000u) >> 16);
	k[n + 2] = (uint8_t)(((uint32_t)day ^ 0x80000000u) >> 8);
	k[n + 3] = (uint8_t)((uint32_t)day ^ 0x80000000u);
	return store_key_id(k, n + 4, prog);
}

int rollup_key_parse(const void *key, size_t len, char *pool, int32_t *period,
                     int32_t *day, char *prog)
{
	const uint8_t *p = key;
	uint32_t d;

	if (len != ROLLUP_KEY)
		return VD_EINTERNAL;
	store_key_get_id(p, pool);
	*period = store_get_u16(p + STORE_ID);
	d = (uint32_t)p[STORE_ID + 2] << 24 | (uint32_t)p[STORE_ID + 3] << 16 |
	    (uint32_t)p[STORE_ID + 4] << 8 | p[STORE_ID + 5];
	*day = (int32_t)(d ^ 0x80000000u);
	store_key_get_id(p + STORE_ID + 6, prog);
	return 0;
}

long rollup_field(size_t f)
{
	if (f == offsetof(struct pool_row, granted))
		return (long)offsetof(struct ledger_flows, granted);
	if (f == offsetof(struct pool_row, redeemed))
		return (long)offsetof(struct ledger_flows, redeemed);
	if (f == offsetof(struct pool_row, paid_out))
		return (long)offsetof(struct ledger_flows, paid_out);
	if (f == offsetof(struct pool_row, expired))
		return (long)offsetof(struct ledger_flows, expired);
	if (f == offsetof(struct pool_row, revoked))
		return (long)offsetof(struct ledger_flows, revoked);
	if (f == offsetof(struct pool_row, recovered))
		return (long)offsetof(struct ledger_flows, recovered);
	if (f == offsetof(struct pool_row, unfunded))
		return (long)offsetof(struct ledger_flows, unfunded);
	return -1;
}

int rollup_add_on(struct ltx *t, const char *pool, int32_t period, int32_t day,
                  const char *prog, size_t field, int64_t delta)
{
	uint8_t k[ROLLUP_KEY];
	struct ledger_flows r;
	int64_t *f;
	MDB_val v;
	int rc;

	if (delta == 0 || field > sizeof(r) - sizeof(int64_t))
		return 0;
	rollup_key(k, pool, period, day, prog);
	memset(&r, 0, sizeof(r));
	rc = ltx_get(t, DB_ROLLUP, k, sizeof(k), &v);
	if (rc == 0) {
		if (v.mv_size != sizeof(r))
			return VD_EINTERNAL;
		memcpy(&r, v.mv_data, sizeof(r));
	} else if (rc != VD_ENOENT) {
		return rc;
	}
	f = (int64_t *)((char *)&r + field);
	if ((rc = money_add(*f, delta, f)) < 0)
		return rc;
	return ltx_put(t, DB_ROLLUP, k, sizeof(k), &r, sizeof(r));
}

int rollup_add(struct book *b, const char *pool, int32_t period,
               const char *prog, size_t field, int64_t delta)
{
	return rollup_add_on(b->t, pool, period, rollup_day(b->now), prog,
	                     field, delta);
}
