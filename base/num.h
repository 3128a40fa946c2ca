/* Bounded decimal integers: the one parser for whole numbers in text
 * (request values, journal fields, settings, vouchctl's input), after
 * OpenBSD's strtonum as tmux and httpd use it.
 *
 * A number is one or more ASCII digits: no sign, no leading zero unless it
 * is "0" itself, no spaces, nothing after. The text is a byte range that
 * need not be NUL-terminated; nothing past len is read. No state. */
#ifndef VD_NUM_H
#define VD_NUM_H

#include <stddef.h>
#include <stdint.h>

/* Parse the len bytes at s as a number in [min, max] (min <= max; either
 * may be any int64). On success: 0, the value in *out, and *errstr set to
 * NULL. On failure *out is untouched, *errstr points to a static phrase
 * (never freed, never NULL), and the return is:
 *   VD_EINVAL    "not a number": s NULL, len 0, a byte that is not a digit,
 *                a leading zero ("007", "00"); or "invalid arguments": out
 *                NULL or min > max
 *   VD_EOVERFLOW "too large": digits only, but past INT64_MAX
 *   VD_ERANGE    "out of range": a number below min or above max
 * A byte that is not a digit is the first complaint: "99999999999999999999x"
 * is not a number, not too large. errstr may be NULL when the phrase is not
 * wanted. */
int num_parse(const char *s, size_t len, int64_t min, int64_t max, int64_t *out,
              const char **errstr);

#endif
