/* RFC 3339 UTC times on the wire: exactly "YYYY-MM-DDTHH:MM:SSZ", one
 * spelling per instant so that signed bytes are canonical. No fractions, no
 * offsets, no leap second; the date must exist (2026-02-30 is refused);
 * years 1970 to 9999. Times are Unix seconds. */
#ifndef VD_PTIME_H
#define VD_PTIME_H

#include <stddef.h>
#include <stdint.h>

#define PTIME_LEN 20 /* "2026-03-01T08:00:00Z" */

/* 0 and *t on success, PROTO_EINVAL otherwise. s need not be NUL-ended. */
int ptime_parse(const char *s, size_t len, int64_t *t);

/* Writes PTIME_LEN characters and a NUL; buf holds PTIME_LEN + 1 bytes.
 * PROTO_EINVAL for a time outside 1970..9999. */
int ptime_format(int64_t t, char *buf);

#endif
