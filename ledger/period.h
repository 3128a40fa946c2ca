/* Periods and calendar dates of the ledger.
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

/* Days since 1970-01-01 of a proleptic Gregorian date (no range check). */
int64_t period_days_from_civil(int64_t y, int m, int d);

/* 1 if y-m-d is a real calendar date with 1 <= y <= 9999, else 0. */
int period_date_valid(int64_t y, int m, int d);

/* The period (CST calendar year) that the instant t falls in. */
int64_t period_of(int64_t t);

/* First second of the period, in Unix time (Jan 1 00:00 CST). */
int64_t period_start(int64_t year);

/* Parse "YYYY-MM-DD" (a CST day, calendar-checked: 2026-02-30 is refused)
 * into the Unix time of its first second. VD_EINVAL on any other shape. */
int period_parse_date(const char *s, size_t len, int64_t *t);

/* Format t as RFC 3339 UTC, "2026-03-01T08:00:00Z"; buf needs 21 bytes.
 * Times outside years 0..9999 are clamped to the nearest end. */
void period_format_utc(int64_t t, char buf[21]);

/* Format the CST date of t as "YYYY-MM-DD"; buf needs 11 bytes. */
void period_format_date(int64_t t, char buf[11]);

#endif
