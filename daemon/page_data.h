/* The bureau's page's figures for machines: /pools.json (jansson;
 * amounts in fen, as vouchctl --json), /pools.csv and a CSV per chart
 * (RFC 4180, CRLF, amounts in plain yuan as vouchctl --csv). The
 * columns are listed in docs/daemon.md; only aggregates per pool and
 * program, as on the page. */
#ifndef VD_PAGE_DATA_H
#define VD_PAGE_DATA_H

#include <event2/buffer.h>

#include "page.h"

/* The page's figures as one JSON object: the period, the pools with
 * their figures, projection, programs, settlement previews and days with
 * movements. 0 or VD_ENOMEM. */
int page_json(const struct page *pg, struct evbuffer *b);

/* One line per pool: pool,period,budget,granted,redeemed,paid_out,
 * expired,revoked,recovered,remaining,unfunded,outlook,dry_day,pace.
 * 0 or VD_ENOMEM. */
int page_pools_csv(const struct page *pg, struct evbuffer *b);

/* The line chart's figures: one line per day from the period's first
 * day to the last day drawn (pg->asof, or a later day with a movement):
 * day,granted,redeemed,paid_out,expired,revoked,recovered,unfunded,
 * cum_granted,cum_redeemed_paid_out,cum_committed,cum_unfunded (the day's
 * movements, then running sums; committed = granted - expired - revoked
 * - recovered, what the budget has given). 0 or VD_ENOMEM, VD_EOVERFLOW. */
int page_days_csv(const struct page *pg, const struct page_pool *pp,
                  struct evbuffer *b);

/* The bar chart's figures and the settlement previews: one line per
 * program: program,settlement,granted,redeemed,paid_out,expired,revoked,
 * recovered,unfunded, then for an annual program of the policy in force
 * settle_state,earned_so_far,can_pay,factor (empty otherwise). 0 or
 * VD_ENOMEM. */
int page_programs_csv(const struct page *pg, const struct page_pool *pp,
                      struct evbuffer *b);

#endif
