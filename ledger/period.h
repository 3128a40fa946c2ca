/* Periods and policy dates of the ledger, on the calendar of civil.h.
 *
 * Times are Unix seconds (int64, UTC). A period is a calendar year in China
 * Standard Time (UTC+8, no daylight saving): 2025-12-31T16:00:00Z is the
 * first second of period 2026. Policy dates (valid_from, valid_until) are
 * days in China Standard Time. Pure functions, no state. */
#ifndef VD_PERIOD_H
#define VD_PERIOD_H

#include <stddef.h>
#include <stdint.h>

#define PERIOD_TZ_OFFSET (8 * 3600) /* China Standard Time */
#define PERIOD_MIN 1970
#define PERIOD_MAX 9999

/* The period (CST calendar year) that the instant t falls in. Defined for
 * every t: instants within 8 hours of INT64_MAX count as that late. */
int64_t period_of(int64_t t);

/* First second of the period, in Unix time (Jan 1 00:00 CST). */
int64_t period_start(int64_t year);

/* Parse "YYYY-MM-DD" (a CST day, calendar-checked as civil_parse_date:
 * 2026-02-30 is refused) into the Unix time of its first second.
 * VD_EINVAL on any other shape; *t is written only on success. */
int period_parse_date(const char *s, size_t len, int64_t *t);

/* Format the CST date of t as "YYYY-MM-DD" and a NUL; buf needs 11 bytes.
 * Dates before year 0 are written 0000-01-01, after 9999 9999-12-31. */
void period_format_date(int64_t t, char buf[11]);

#endif
