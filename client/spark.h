/* vouchctl pool's sparkline: what a pool's budget lost on each of its
 * last SPARK_DAYS days in China Standard Time, one character a day.
 *
 * Days are CST days counted from 1970-01-01 (day 0), the days of POOL
 * by=day's day= (protocol.md). A struct spark lives in the caller's
 * storage; the functions are pure: no state, no I/O, no clock (the caller
 * passes now). */
#ifndef VD_SPARK_H
#define VD_SPARK_H

#include <stddef.h>
#include <stdint.h>

#define SPARK_DAYS 30
/* a day's character is at most 3 bytes of UTF-8; then the NUL */
#define SPARK_MAX (3 * SPARK_DAYS + 1)

struct spark {
	int64_t first;            /* the CST day of the first character */
	int64_t draw[SPARK_DAYS]; /* each day's net draw, fen */
};

/* The last day the sparkline of period (a CST calendar year) shows at
 * Unix time now: today in CST, or 31 December of period once it is over
 * (a day after it would mix in the next period's days). 0 and *last, or
 * VD_EINVAL for a period outside 1970 to 9999 (the ledger's). */
int spark_last_day(int64_t period, int64_t now, int64_t *last);

/* The SPARK_DAYS days ending with day last, none drawn yet. */
void spark_init(struct spark *s, int64_t last);

/* Add a day's movements: its net draw is granted - expired - revoked -
 * recovered, what the day took from the budget (a pool's remaining is
 * budget - granted + expired + revoked + recovered). A day outside the
 * window is ignored. 0, or VD_EOVERFLOW with s unchanged. */
int spark_add(struct spark *s, int64_t day, int64_t granted, int64_t expired,
              int64_t revoked, int64_t recovered);

/* The sparkline and a NUL in buf (SPARK_MAX bytes), the first day first:
 * a day that drew nothing (a net draw of 0 or less: nothing moved, or
 * more came back than was granted) is "·"; any other is one of
 * ▁▂▃▄▅▆▇█, its draw in eighths of the window's largest draw rounded up
 * (ceil(8 * draw / max)): the largest is █, any draw at least ▁. Returns
 * the length in bytes. */
size_t spark_format(const struct spark *s, char *buf);

#endif
