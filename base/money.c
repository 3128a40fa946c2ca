#include "money.h"

#include "err.h"
#include "num.h"

int money_add(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return VD_EOVERFLOW;
	*out = r;
	return 0;
}

int money_sub(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;

	if (__builtin_sub_overflow(a, b, &r))
		return VD_EOVERFLOW;
	*out = r;
	return 0;
}

int money_mul(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;

	if (__builtin_mul_overflow(a, b, &r))
		return VD_EOVERFLOW;
	*out = r;
	return 0;
}

/* C division truncates towards zero; the ledger always wants the floor. */
static __int128 floor_div128(__int128 n, __int128 d)
{
	__int128 q = n / d;

	if ((n % d != 0) && ((n < 0) != (d < 0)))
		q--;
	return q;
}

int money_muldiv_floor(int64_t a, int64_t num, int64_t den, int64_t *out)
{
	__int128 q;

	if (den <= 0)
		return VD_EINVAL;
	/* |a * num| < 2^126, so the product itself cannot overflow. */
	q = floor_div128((__int128)a * num, den);
	if (q > INT64_MAX || q < INT64_MIN)
		return VD_EOVERFLOW;
	*out = (int64_t)q;
	return 0;
}

int money_apply_bp(int64_t a, int64_t bp, int64_t *out)
{
	if (bp < 0)
		return VD_EINVAL;
	return money_muldiv_floor(a, bp, MONEY_BP_ONE, out);
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Accumulate one decimal digit into an unsigned magnitude bounded by lim. */
static int push_digit(uint64_t *acc, char c, uint64_t lim)
{
	uint64_t d = (uint64_t)(c - '0');

	if (*acc > (lim - d) / 10)
		return VD_EOVERFLOW;
	*acc = *acc * 10 + d;
	return 0;
}

int money_parse_yuan(const char *s, size_t len, unsigned flags, int64_t *out)
{
	size_t i = 0, int_digits = 0, group = 0, dec = 0;
	int neg = 0, commas = 0, rc;
	uint64_t mag = 0, lim;

	if (s == NULL || len == 0)
		return VD_EINVAL;
	if (s[0] == '-') {
		if (!(flags & MONEY_SIGNED))
			return VD_EINVAL;
		neg = 1;
		i = 1;
	}
	/* INT64_MIN fen is representable, one more than INT64_MAX. */
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len && s[i] != '.'; i++) {
		if (s[i] == ',') {
			if (!(flags & MONEY_GROUPED) || int_digits == 0)
				return VD_EINVAL;
			/* first group 1-3 digits, every later one exactly 3 */
			if ((commas == 0 && group > 3) ||
			    (commas > 0 && group != 3))
				return VD_EINVAL;
			commas++;
			group = 0;
			continue;
		}
		if (!is_digit(s[i]))
			return VD_EINVAL;
		if (int_digits == 1 && mag == 0)
			return VD_EINVAL; /* leading zero */
		int_digits++;
		group++;
		if ((rc = push_digit(&mag, s[i], UINT64_MAX)) < 0)
			return rc;
	}
	if (int_digits == 0 || (commas > 0 && group != 3))
		return VD_EINVAL;
	if (i < len) {
		/* s[i] == '.' */
		i++;
		if (i == len)
			return VD_EINVAL;
		for (; i < len; i++) {
			if (!is_digit(s[i]))
				return VD_EINVAL;
			if (++dec > 2)
				return VD_EINVAL; /* finer than a fen */
			if ((rc = push_digit(&mag, s[i], UINT64_MAX)) < 0)
				return rc;
		}
	}
	for (; dec < 2; dec++)
		if ((rc = push_digit(&mag, '0', UINT64_MAX)) < 0)
			return rc;
	if (mag > lim)
		return VD_EOVERFLOW;
	if (neg)
		*out =
		    mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	else
		*out = (int64_t)mag;
	return 0;
}

int money_format_yuan(int64_t fen, char *buf, size_t size)
{
	char tmp[MONEY_FMT_MAX];
	size_t n = 0, digits = 0, i;
	uint64_t mag;

	if (buf == NULL || size < MONEY_FMT_MAX)
		return VD_ELIMIT;
	mag = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
	/* Build the string backwards: two decimals, the point, then groups. */
	tmp[n++] = (char)('0' + mag % 10);
	mag /= 10;
	tmp[n++] = (char)('0' + mag % 10);
	mag /= 10;
	tmp[n++] = '.';
	do {
		if (digits > 0 && digits % 3 == 0)
			tmp[n++] = ',';
		tmp[n++] = (char)('0' + mag % 10);
		mag /= 10;
		digits++;
	} while (mag > 0);
	if (fen < 0)
		tmp[n++] = '-';
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return (int)n;
}

int money_parse_percent(const char *s, size_t len, int64_t *bp)
{
	int64_t v;
	int rc;

	if (s == NULL || len < 2 || s[len - 1] != '%')
		return VD_EINVAL;
	/* A percentage with two decimals is a yuan amount in shape:
	 * "2.5" yuan is 250 fen, and 2.5% is 250 basis points. */
	if ((rc = money_parse_yuan(s, len - 1, 0, &v)) < 0)
		return rc == VD_EOVERFLOW ? VD_EINVAL : rc;
	if (v > MONEY_BP_ONE)
		return VD_EINVAL;
	*bp = v;
	return 0;
}

int money_parse_uint(const char *s, size_t len, int64_t *out)
{
	/* [0, INT64_MAX] admits every number: never VD_ERANGE */
	return num_parse(s, len, 0, INT64_MAX, out, NULL);
}
