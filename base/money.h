/* Money: integer fen (1 yuan = 100 fen) in int64_t, rates in basis points.
 *
 * Every operation is overflow-checked and returns 0 or a negative VD_ code
 * (err.h); results are written through the out pointer only on success.
 * Every rounding goes down (towards negative infinity), so a program never
 * pays more than its rule. Parsers take a byte range, never a C string, and
 * need no NUL terminator. */
#ifndef VD_MONEY_H
#define VD_MONEY_H

#include <stddef.h>
#include <stdint.h>

#define MONEY_BP_ONE 10000 /* 100% in basis points */

/* Longest formatted amount, "-92,233,720,368,547,758.08", plus NUL. */
#define MONEY_FMT_MAX 32

int money_add(int64_t a, int64_t b, int64_t *out);
int money_sub(int64_t a, int64_t b, int64_t *out);
int money_mul(int64_t a, int64_t b, int64_t *out);

/* floor(a * bp / 10000) with a 128-bit intermediate: exact for every a in
 * int64 and every bp in [0, 10000]; larger bp may overflow (VD_EOVERFLOW). */
int money_apply_bp(int64_t a, int64_t bp, int64_t *out);

/* floor(a * num / den) with a 128-bit intermediate; den must be > 0. */
int money_muldiv_floor(int64_t a, int64_t num, int64_t den, int64_t *out);

/* Parse flags for money_parse_yuan. */
#define MONEY_SIGNED 0x1  /* a leading '-' is allowed */
#define MONEY_GROUPED 0x2 /* "12,345.67": commas between groups of three */

/* Parse yuan with at most two decimals ("2000000", "0.12", "12,345.67")
 * into fen. No '+', no leading zeros ("0.5" is fine, "05" is not), no
 * exponent, no spaces. More than two decimals (finer than a fen) is
 * VD_EINVAL; a value outside int64 fen is VD_EOVERFLOW. */
int money_parse_yuan(const char *s, size_t len, unsigned flags, int64_t *out);

/* Format fen as yuan with thousands separators and two decimals:
 * 1234567 -> "12,345.67", -1 -> "-0.01". buf must hold MONEY_FMT_MAX bytes;
 * returns the length written (without NUL) or VD_ELIMIT if size is short. */
int money_format_yuan(int64_t fen, char *buf, size_t size);

/* Parse a percentage with the '%' sign and at most two decimals
 * ("3%", "2.5%", "0.01%", "100%") into basis points. "0.005%" (finer than
 * one basis point) and anything over 100% are VD_EINVAL. 0% is accepted
 * here; callers that need a positive rate check it. */
int money_parse_percent(const char *s, size_t len, int64_t *bp);

/* Parse a non-negative decimal integer: num_parse over [0, INT64_MAX]
 * (no sign, no leading zeros). VD_EINVAL for anything that is not a
 * number, VD_EOVERFLOW past INT64_MAX. */
int money_parse_uint(const char *s, size_t len, int64_t *out);

#endif
