#include "hex.h"

#include "err.h"

void hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int hex_decode(const char *s, size_t len, uint8_t *out, size_t n)
{
	size_t i;

	if (s == NULL || out == NULL || n > SIZE_MAX / 2 || len != 2 * n)
		return VD_EINVAL;
	/* check every digit first, so that a refusal writes nothing */
	for (i = 0; i < len; i++)
		if (hexval(s[i]) < 0)
			return VD_EINVAL;
	for (i = 0; i < n; i++)
		out[i] =
		    (uint8_t)(hexval(s[2 * i]) << 4 | hexval(s[2 * i + 1]));
	return 0;
}
