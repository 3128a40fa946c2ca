#include "ptime.h"

#include "err.h"

/* Howard Hinnant's days_from_civil and its inverse. The ledger has its own
 * copy for CST periods: proto/ does not depend on ledger/. */
static int64_t days_from_civil(int64_t y, int m, int d)
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

static int num(const char *s, size_t n, int *out)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int ptime_parse(const char *s, size_t len, int64_t *t)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30,
	                              31, 31, 30, 31, 30, 31};
	int y, mo, d, h, mi, se, leap;

	if (s == NULL || len != PTIME_LEN || s[4] != '-' || s[7] != '-' ||
	    s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return PROTO_EINVAL;
	if (num(s, 4, &y) || num(s + 5, 2, &mo) || num(s + 8, 2, &d) ||
	    num(s + 11, 2, &h) || num(s + 14, 2, &mi) || num(s + 17, 2, &se))
		return PROTO_EINVAL;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 ||
	    se > 59)
		return PROTO_EINVAL;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[mo - 1] + (mo == 2 && leap))
		return PROTO_EINVAL;
	*t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return 0;
}

static void put_digits(char *p, int v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

int ptime_format(int64_t t, char *buf)
{
	int64_t y, days, secs;
	int m, d;

	/* 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z */
	if (t < 0 || t > 253402300799LL)
		return PROTO_EINVAL;
	days = t / 86400;
	secs = t % 86400;
	civil_from_days(days, &y, &m, &d);
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
	return 0;
}
