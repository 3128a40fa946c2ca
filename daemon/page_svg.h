/* The bureau's page's charts, as inline SVG drawn by the server (no
 * script, nothing fetched): per pool, the cumulative line chart by day
 * and the bar per program. Labels in Chinese and English; every id
 * escaped. */
#ifndef VD_PAGE_SVG_H
#define VD_PAGE_SVG_H

#include "page.h"
#include "page_out.h"

/* The line chart of pp: x the days of the period (to pg->end_day), y
 * yuan; the budget as a horizontal line, the cumulative granted and
 * redeemed + paid out to pg->asof (and any later day with a movement),
 * the projection of budget - remaining at pp->pace to the run-dry day
 * (or the period's end) while the period runs, and marks for today and
 * the run-dry day. */
void svg_days(struct page_out *o, const struct page *pg,
              const struct page_pool *pp);

/* A bar per program of pp: granted, and its unfunded demand beside it,
 * on a scale of the pool's budget (or the largest bar, if larger). */
void svg_programs(struct page_out *o, const struct page_pool *pp);

/* A small bar of used / whole for the overview table. */
void svg_used(struct page_out *o, int64_t used, int64_t whole);

#endif
