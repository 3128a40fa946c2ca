/* When a pool runs dry at its recent pace: the bureau's page (issue 15)
 * projects each pool's remaining budget forward at the pace of its last
 * days' net draw. A pure function: no storage, no clock.
 *
 * The net draw of a day is what it took from the budget: granted less
 * what came back (expired, revoked, recovered), the rollup's day rows
 * summed over programs (pools.h, ledger_pools_by_day); remaining =
 * budget - granted + expired + revoked + recovered, as POOL says. The
 * pace is the mean net draw over the window (days without movements
 * count as 0). Days are CST days since 1970-01-01 (rollup.h). */
#ifndef VD_FORECAST_H
#define VD_FORECAST_H

#include <stddef.h>
#include <stdint.h>

enum forecast_kind {
	FORECAST_DRY,      /* remaining is 0 or less already */
	FORECAST_ON,       /* runs dry on day */
	FORECAST_NOT_THIS, /* not before the period's last day */
	FORECAST_NO_PACE   /* the window drew nothing (net): never at it */
};

struct forecast {
	enum forecast_kind kind;
	int32_t day;  /* FORECAST_ON: the CST day the pace uses it up */
	int64_t pace; /* fen per day, rounded down (the window's mean) */
};

/* remaining (fen) as of the end of day today; draw[i] the net draw of
 * day today - n + 1 + i (n >= 1 days, the window); last_day the
 * period's last CST day. The pool runs dry on the first day d > today
 * by whose end (d - today) days at the pace have drawn remaining:
 * d = today + ceil(remaining * n / sum(draw)). After last_day, or when
 * today is past it, FORECAST_NOT_THIS. 0, or VD_EINVAL for n == 0 or
 * draw NULL, VD_EOVERFLOW for sums outside int64. */
int forecast_dry(int64_t remaining, const int64_t *draw, size_t n,
                 int32_t today, int32_t last_day, struct forecast *out);

#endif
