/* Civil time: the proleptic Gregorian calendar, and the one spelling of an
 * instant that the wire, the journal and the logs use.
 *
 * Times are Unix seconds (int64, UTC, no leap seconds). Days are counted
 * from 1970-01-01 (day 0), negative before it. The wire spelling is exactly
 * "YYYY-MM-DDTHH:MM:SSZ" (RFC 3339, UTC), one spelling per instant so that
 * signed bytes are canonical: no fractions, no offsets, no leap second, a
 * date that exists (2026-02-30 is refused), years 1970 to 9999.
 *
 * Pure functions: no state, no locale, no time zone database. Parsers take
 * a byte range and need no NUL terminator; they write their outputs only on
 * success. China Standard Time, the ledger's zone, is ledger/period.h's. */
#ifndef VD_CIVIL_H
#define VD_CIVIL_H

#include <stddef.h>
#include <stdint.h>

#define CIVIL_UTC_LEN 20  /* "2026-03-01T08:00:00Z" */
#define CIVIL_DATE_LEN 10 /* "2026-03-01" */

/* Days since 1970-01-01 of the date y-m-d (Howard Hinnant's
 * days_from_civil), exact over the proleptic Gregorian calendar for m in
 * 1..12, d in 1..31 and |y| up to 10^15. No range check: day 31 of a
 * 30-day month is the first of the next. */
int64_t civil_to_days(int64_t y, int m, int d);

/* The date of day z, the inverse of civil_to_days: exact for every z up
 * to INT64_MAX - 719468 (day 0 of its 400-year eras is 0000-03-01). */
void civil_from_days(int64_t z, int64_t *y, int *m, int *d);

/* The day the instant t falls in: floor(t / 86400), for t < 0 too
 * (civil_day(-1) is -1, the last day of 1969). */
int64_t civil_day(int64_t t);

/* 1 if y-m-d is a date that exists with 1 <= y <= 9999 (2024-02-29 and
 * 2000-02-29 do; 2025-02-29, 1900-02-29 and 2026-04-31 do not), else 0. */
int civil_date_valid(int64_t y, int m, int d);

/* Parse exactly "YYYY-MM-DD" (len == CIVIL_DATE_LEN, ASCII digits where
 * digits go) into a date for which civil_date_valid holds. 0 and *y, *m,
 * *d on success; VD_EINVAL for any other shape or a date that does not
 * exist ("0000-01-01" included). */
int civil_parse_date(const char *s, size_t len, int64_t *y, int *m, int *d);

/* Parse exactly "YYYY-MM-DDTHH:MM:SSZ" (len == CIVIL_UTC_LEN) with a date
 * as civil_parse_date and a year of 1970 or later, hour 00-23, minute and
 * second 00-59. 0 and the Unix time in *t on success; VD_EINVAL otherwise
 * ("2100-02-29T00:00:00Z" and "1969-12-31T23:59:59Z" included). */
int civil_parse_utc(const char *s, size_t len, int64_t *t);

/* Write t as "YYYY-MM-DDTHH:MM:SSZ" and a NUL into buf, which holds
 * CIVIL_UTC_LEN + 1 bytes: the spelling civil_parse_utc reads back as t.
 * 0, or VD_EINVAL (buf untouched) for t outside 1970-01-01T00:00:00Z (0)
 * to 9999-12-31T23:59:59Z (253402300799). */
int civil_format_utc(int64_t t, char *buf);

/* As civil_format_utc for any t, for text that must always be written
 * (journal entries, listings): years 0 to 1969 are written as they are,
 * and a t before 0000-01-01T00:00:00Z or after 9999-12-31T23:59:59Z is
 * written as that end. Never fails. */
void civil_format_utc_clamped(int64_t t, char *buf);

#endif
