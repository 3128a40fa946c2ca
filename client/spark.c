#include "spark.h"

#include <string.h>

#include "civil.h"
#include "err.h"
#include "money.h"

/* China Standard Time, as ledger/period.h has it: vouchctl links no part
 * of the ledger. */
#define SPARK_TZ_OFFSET (8 * 3600)

int spark_last_day(int64_t period, int64_t now, int64_t *last)
{
	int64_t today, end;

	if (period < 1970 || period > 9999)
		return VD_EINVAL;
	/* now is the caller's clock: within INT64 it is far from the edge,
	 * but a wild value must not overflow */
	if (now > INT64_MAX - SPARK_TZ_OFFSET)
		now = INT64_MAX - SPARK_TZ_OFFSET;
	today = civil_day(now + SPARK_TZ_OFFSET);
	end = civil_to_days(period, 12, 31);
	*last = today < end ? today : end;
	return 0;
}

void spark_init(struct spark *s, int64_t last)
{
	memset(s, 0, sizeof(*s));
	s->first = last - (SPARK_DAYS - 1);
}

int spark_add(struct spark *s, int64_t day, int64_t granted, int64_t expired,
              int64_t revoked, int64_t recovered)
{
	int64_t d;
	int rc;

	if (day < s->first || day - s->first >= SPARK_DAYS)
		return 0;
	if ((rc = money_sub(granted, expired, &d)) < 0 ||
	    (rc = money_sub(d, revoked, &d)) < 0 ||
	    (rc = money_sub(d, recovered, &d)) < 0 ||
	    (rc = money_add(s->draw[day - s->first], d, &d)) < 0)
		return rc;
	s->draw[day - s->first] = d;
	return 0;
}

size_t spark_format(const struct spark *s, char *buf)
{
	static const char *const blocks[8] = {"▁", "▂", "▃", "▄",
	                                      "▅", "▆", "▇", "█"};
	int64_t max = 0, q;
	size_t i, n = 0, k;
	const char *c;

	for (i = 0; i < SPARK_DAYS; i++)
		if (s->draw[i] > max)
			max = s->draw[i];
	for (i = 0; i < SPARK_DAYS; i++) {
		c = "·";
		/* ceil(8d / max) = 8 - floor(8(max - d) / max) for 0 < d <=
		 * max: exact, and max - d cannot overflow */
		if (s->draw[i] > 0 &&
		    money_muldiv_floor(max - s->draw[i], 8, max, &q) == 0)
			c = blocks[7 - q];
		k = strlen(c);
		memcpy(buf + n, c, k);
		n += k;
	}
	buf[n] = '\0';
	return n;
}
