#include "region.h"

#include <string.h>

int region_valid(const char *s, size_t len)
{
	size_t i, word = 0;

	if (s == NULL || len == 0 || len > REGION_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		char ch = s[i];
		if (ch == '.') {
			if (word == 0)
				return 0;
			word = 0;
		} else if ((ch >= 'a' && ch <= 'z') ||
		           (ch >= '0' && ch <= '9') || ch == '-') {
			word++;
		} else
			return 0;
	}
	return word > 0;
}

int region_within(const char *a, const char *b)
{
	size_t n;

	if (a == NULL || b == NULL || a[0] == '\0' || b[0] == '\0')
		return 0;
	n = strlen(b);
	/* "yunnan.yuxi" is within "yunnan"; "yunnanx" is not */
	return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '.');
}
