#include "civil.h"

#include "err.h"

#define DAY 86400
#define UTC_MIN (-62167219200LL) /* 0000-01-01T00:00:00Z */
#define UTC_MAX 253402300799LL   /* 9999-12-31T23:59:59Z */

/* Howard Hinnant's days_from_civil and civil_from_days: eras of 400 years
 * (146097 days) starting on March 1st, so that the leap day ends a year. */
int64_t civil_to_days(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
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

int64_t civil_day(int64_t t)
{
	/* C division truncates towards zero; a day starts at its floor */
	return t / DAY - (t % DAY < 0);
}

int civil_date_valid(int64_t y, int m, int d)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30,
	                              31, 31, 30, 31, 30, 31};
	int leap;

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

/* A fixed-width field of n digits; leading zeros are part of the shape
 * here ("03"), so this is not num_parse. */
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

int civil_parse_date(const char *s, size_t len, int64_t *y, int *m, int *d)
{
	int yy, mm, dd;

	if (s == NULL || len != CIVIL_DATE_LEN || s[4] != '-' || s[7] != '-')
		return VD_EINVAL;
	if (digits(s, 4, &yy) < 0 || digits(s + 5, 2, &mm) < 0 ||
	    digits(s + 8, 2, &dd) < 0 || !civil_date_valid(yy, mm, dd))
		return VD_EINVAL;
	*y = yy;
	*m = mm;
	*d = dd;
	return 0;
}

int civil_parse_utc(const char *s, size_t len, int64_t *t)
{
	int64_t y;
	int mo, d, h, mi, se;

	if (s == NULL || len != CIVIL_UTC_LEN || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[19] != 'Z')
		return VD_EINVAL;
	if (civil_parse_date(s, CIVIL_DATE_LEN, &y, &mo, &d) < 0 ||
	    digits(s + 11, 2, &h) < 0 || digits(s + 14, 2, &mi) < 0 ||
	    digits(s + 17, 2, &se) < 0)
		return VD_EINVAL;
	if (y < 1970 || h > 23 || mi > 59 || se > 59)
		return VD_EINVAL;
	*t = civil_to_days(y, mo, d) * DAY + h * 3600 + mi * 60 + se;
	return 0;
}

static void put_digits(char *p, int v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* t within [UTC_MIN, UTC_MAX], so the year has four digits */
static void format(int64_t t, char *buf)
{
	int64_t y, day = civil_day(t), secs = t - day * DAY;
	int m, d;

	civil_from_days(day, &y, &m, &d);
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

int civil_format_utc(int64_t t, char *buf)
{
	if (t < 0 || t > UTC_MAX)
		return VD_EINVAL;
	format(t, buf);
	return 0;
}

void civil_format_utc_clamped(int64_t t, char *buf)
{
	format(t < UTC_MIN ? UTC_MIN : t > UTC_MAX ? UTC_MAX : t, buf);
}
