#include "period.h"

#include <stdio.h>

#include "err.h"

/* Howard Hinnant's days_from_civil / civil_from_days, exact for the whole
 * proleptic Gregorian calendar. */
int64_t period_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if (a % b != 0 && (a < 0) != (b < 0))
		q--;
	return q;
}

int period_date_valid(int64_t y, int m, int d)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30,
	                              31, 31, 30, 31, 30, 31};
	int leap, max;

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	max = mdays[m - 1] + (m == 2 && leap);
	return d <= max;
}

int64_t period_of(int64_t t)
{
	int64_t y;
	int m, d;

	/* Clamp so that adding the offset cannot overflow; such instants are
	 * far outside any period the ledger accepts. */
	if (t > INT64_MAX - PERIOD_TZ_OFFSET)
		t = INT64_MAX - PERIOD_TZ_OFFSET;
	civil_from_days(floor_div(t + PERIOD_TZ_OFFSET, 86400), &y, &m, &d);
	return y;
}

int64_t period_start(int64_t year)
{
	return period_days_from_civil(year, 1, 1) * 86400 - PERIOD_TZ_OFFSET;
}

static int digits(const char *s, size_t n, int *out)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return VD_EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int period_parse_date(const char *s, size_t len, int64_t *t)
{
	int y, m, d;

	if (s == NULL || len != 10 || s[4] != '-' || s[7] != '-')
		return VD_EINVAL;
	if (digits(s, 4, &y) < 0 || digits(s + 5, 2, &m) < 0 ||
	    digits(s + 8, 2, &d) < 0)
		return VD_EINVAL;
	if (!period_date_valid(y, m, d))
		return VD_EINVAL;
	*t = period_days_from_civil(y, m, d) * 86400 - PERIOD_TZ_OFFSET;
	return 0;
}

void period_format_date(int64_t t, char buf[11])
{
	int64_t y;
	int m, d;

	if (t > INT64_MAX - PERIOD_TZ_OFFSET)
		t = INT64_MAX - PERIOD_TZ_OFFSET;
	civil_from_days(floor_div(t + PERIOD_TZ_OFFSET, 86400), &y, &m, &d);
	if (y < 0 || y > 9999) {
		snprintf(buf, 11, "%s", y < 0 ? "0000-01-01" : "9999-12-31");
		return;
	}
	snprintf(buf, 11, "%04d-%02d-%02d", (int)y, m, d);
}

static void put_digits(char *p, int v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void period_format_utc(int64_t t, char buf[21])
{
	int64_t y, secs;
	int m, d;

	if (t < -62167219200LL) /* 0000-01-01T00:00:00Z */
		t = -62167219200LL;
	if (t > 253402300799LL) /* 9999-12-31T23:59:59Z */
		t = 253402300799LL;
	civil_from_days(floor_div(t, 86400), &y, &m, &d);
	secs = t - floor_div(t, 86400) * 86400;
	put_digits(buf, (int)y, 4);
	buf[4] = '-';
	put_digits(buf + 5, m, 2);
	buf[7] = '-';
	put_digits(buf + 8, d, 2);
	buf[10] = 'T';
	put_digits(buf + 11, (int)(secs / 3600), 2);
	buf[13] = ':';
	put_digits(buf + 14, (int)(secs / 60 % 60), 2);
	buf[16] = ':';
	put_digits(buf + 17, (int)(secs % 60), 2);
	buf[19] = 'Z';
	buf[20] = '\0';
}
