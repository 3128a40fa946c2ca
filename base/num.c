#include "num.h"

#include "err.h"

static int fail(int code, const char *why, const char **errstr)
{
	if (errstr)
		*errstr = why;
	return code;
}

int num_parse(const char *s, size_t len, int64_t min, int64_t max, int64_t *out,
              const char **errstr)
{
	uint64_t v = 0;
	size_t i;
	int over = 0;

	if (out == NULL || min > max)
		return fail(VD_EINVAL, "invalid arguments", errstr);
	if (s == NULL || len == 0 || (len > 1 && s[0] == '0'))
		return fail(VD_EINVAL, "not a number", errstr);
	/* scan to the end even once past INT64_MAX: a later non-digit is
	 * the better complaint */
	for (i = 0; i < len; i++) {
		uint64_t d = (uint64_t)(s[i] - '0');
		if (s[i] < '0' || s[i] > '9')
			return fail(VD_EINVAL, "not a number", errstr);
		/* test before multiplying: v * 10 would wrap uint64 for
		 * 20-digit numbers ("18446744073709551623" is 2^64 + 7) */
		if (v > ((uint64_t)INT64_MAX - d) / 10)
			over = 1;
		else
			v = v * 10 + d;
	}
	if (over)
		return fail(VD_EOVERFLOW, "too large", errstr);
	if ((int64_t)v < min || (int64_t)v > max)
		return fail(VD_ERANGE, "out of range", errstr);
	*out = (int64_t)v;
	if (errstr)
		*errstr = NULL;
	return 0;
}
