#include "period.h"

#include <stdio.h>

#include "civil.h"
#include "err.h"

/* The CST day of t. Clamped so that adding the offset cannot overflow;
 * such instants are far outside any period the ledger accepts. */
static int64_t cst_day(int64_t t)
{
	if (t > INT64_MAX - PERIOD_TZ_OFFSET)
		t = INT64_MAX - PERIOD_TZ_OFFSET;
	return civil_day(t + PERIOD_TZ_OFFSET);
}

int64_t period_of(int64_t t)
{
	int64_t y;
	int m, d;

	civil_from_days(cst_day(t), &y, &m, &d);
	return y;
}

int64_t period_start(int64_t year)
{
	return civil_to_days(year, 1, 1) * 86400 - PERIOD_TZ_OFFSET;
}

int period_parse_date(const char *s, size_t len, int64_t *t)
{
	int64_t y;
	int m, d;

	if (civil_parse_date(s, len, &y, &m, &d) < 0)
		return VD_EINVAL;
	*t = civil_to_days(y, m, d) * 86400 - PERIOD_TZ_OFFSET;
	return 0;
}

void period_format_date(int64_t t, char buf[11])
{
	int64_t y;
	int m, d;

	civil_from_days(cst_day(t), &y, &m, &d);
	if (y < 0 || y > 9999) {
		snprintf(buf, 11, "%s", y < 0 ? "0000-01-01" : "9999-12-31");
		return;
	}
	snprintf(buf, 11, "%04d-%02d-%02d", (int)y, m, d);
}
