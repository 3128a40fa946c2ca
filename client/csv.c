#include "csv.h"

#include <string.h>

#include "err.h"

/* One field: pre (0 or 1 byte) then v, quoted if either needs it. */
static void put(FILE *f, int first, const char *pre, const char *v, size_t n)
{
	size_t i;

	if (!first)
		fputc(',', f);
	if (memchr(v, ',', n) == NULL && memchr(v, '"', n) == NULL &&
	    memchr(v, '\r', n) == NULL && memchr(v, '\n', n) == NULL) {
		fputs(pre, f);
		fwrite(v, 1, n, f);
		return;
	}
	fputc('"', f);
	fputs(pre, f);
	for (i = 0; i < n; i++) {
		if (v[i] == '"')
			fputc('"', f);
		fputc(v[i], f);
	}
	fputc('"', f);
}

void csv_field(FILE *f, int first, const char *v, size_t n)
{
	put(f, first, "", v, n);
}

void csv_text(FILE *f, int first, const char *v, size_t n)
{
	/* OWASP's advice against CSV injection: the protocol lets a record
	 * id or a ref start with '-', and a provider chooses them. */
	put(f, first, n > 0 && memchr("=+-@", v[0], 4) != NULL ? "'" : "", v,
	    n);
}

int csv_yuan(int64_t fen, char *buf, size_t size)
{
	uint64_t mag = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;

	if (buf == NULL || size < CSV_YUAN_MAX)
		return VD_ELIMIT;
	return snprintf(buf, size, "%s%llu.%02llu", fen < 0 ? "-" : "",
	                (unsigned long long)(mag / 100),
	                (unsigned long long)(mag % 100));
}
