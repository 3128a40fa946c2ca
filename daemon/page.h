/* The bureau's page (issue 15): one period's pools, gathered from the
 * ledger into plain structs that page_html.c draws (HTML and SVG) and
 * page_data.c writes out (JSON, CSV). No HTML and no libevent here.
 *
 * Only aggregates per pool and per program are read: pool rows, the
 * daily rollup summed over programs, the program parts, and of each
 * annual program's settlement preview its totals (T, R), never its
 * per-beneficiary rows. Nothing in these structs names an org.
 *
 * Days are CST days since 1970-01-01 (rollup.h). Amounts are fen. */
#ifndef VD_PAGE_H
#define VD_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "ledger.h"
#include "policy.h"
#include "pools.h"

#define PAGE_WINDOW 30 /* days of draw the projection takes its pace from */

/* What the page says of when a pool runs dry. */
enum page_outlook {
	PAGE_DRY,      /* remaining is 0 or less: used up already */
	PAGE_ON,       /* runs dry on dry_day at the window's pace */
	PAGE_NOT_THIS, /* not before the period's last day */
	PAGE_NO_PACE,  /* the window drew nothing (net) */
	PAGE_ENDED,    /* the period is over and the pool is not used up */
	PAGE_NOT_BEGUN /* the period has not begun */
};

/* One CST day's movements of a pool (all programs); unfunded is the
 * day's change of unfunded demand. */
struct page_day {
	int32_t day;
	int64_t granted, redeemed, paid_out, expired, revoked, recovered,
	    unfunded;
};

/* One program's part of the pool's figures. settlement and pays are the
 * policy's (enum policy_settlement, enum policy_pays), -1 for a program
 * no longer in the policy in force. */
struct page_program {
	char id[LEDGER_ID + 1];
	int settlement, pays;
	int64_t granted, redeemed, paid_out, expired, revoked, recovered,
	    unfunded;
};

enum page_settle_state {
	PAGE_SETTLE_OPEN, /* not settled: the preview's totals */
	PAGE_SETTLE_DONE, /* settled already (the grants are in the figures) */
	PAGE_SETTLE_ERR   /* the preview was refused: why */
};

/* An annual program of the policy in force drawing on the pool: its
 * settlement as if it were settled now (ledger_settle_preview). */
struct page_settle {
	char program[LEDGER_ID + 1];
	enum page_settle_state state;
	int64_t total; /* T: earned so far, all beneficiaries */
	int64_t cap;   /* R: what the program's pools can pay */
	/* min(1, R / T) in millionths, rounded down; 1,000,000 when T is 0
	 * (nothing to share) */
	int64_t factor_ppm;
	int cofunded;    /* the program draws on other pools too */
	const char *why; /* PAGE_SETTLE_ERR: static English reason */
};

struct page_pool {
	struct ledger_pool fig;      /* the pool row (pools.h) */
	char region[REGION_MAX + 1]; /* the policy's, "" none or unknown */
	enum page_outlook outlook;
	int32_t dry_day; /* PAGE_ON */
	int64_t pace;    /* fen a day: the window's mean net draw, floored */
	int32_t window;  /* days in the window, 0 when there is none */
	/* days with a movement, in day order; a movement booked before the
	 * period's first day (a record up to a day ahead, accepted on 31
	 * December) counts on the first day */
	struct page_day *days;
	size_t ndays;
	struct page_program *progs; /* in program id order */
	size_t nprogs;
	struct page_settle *settles; /* in program id order */
	size_t nsettles;
};

struct page {
	int32_t period;
	int64_t now;
	int32_t first_day, last_day; /* the period's first and last day */
	int32_t today;               /* the CST day of now */
	/* the day the figures run to: today, or last_day once the period
	 * is over; first_day - 1 before it begins */
	int32_t asof;
	/* the charts' last day: last_day, or a later day a late record's
	 * movement was booked on */
	int32_t end_day;
	struct page_pool *pools; /* in pool id order */
	size_t npools;
};

/* Gather period's page as of now from l (every read a read transaction
 * of its own, ledger reads.h) and pol, the policy in force (programs'
 * settlement and pays, pools' regions, the annual programs; may be
 * NULL). period is PERIOD_MIN to PERIOD_MAX (VD_EINVAL otherwise). On
 * success *out is the caller's, freed with page_free; on failure it is
 * NULL and the code is the ledger's (VD_EIO, VD_ENOMEM, VD_EINTERNAL,
 * VD_EOVERFLOW). The pools' figures and days come from one snapshot,
 * the program parts and each preview from their own: a commit between
 * them shows in the later ones only. */
int page_gather(struct ledger *l, const struct policy *pol, int32_t period,
                int64_t now, struct page **out);

/* p may be NULL. */
void page_free(struct page *p);

/* The pool id of pg, or NULL; valid as long as pg. */
const struct page_pool *page_pool(const struct page *pg, const char *id);

/* The projection of pp as of pg->asof (the outlook, dry_day, pace,
 * window fields), from pp->fig.remaining and pp->days; page_gather calls
 * it. The window is the PAGE_WINDOW days up to asof, cut at the
 * period's first day (days before it cannot draw on its budget);
 * forecast_dry does the arithmetic. 0 or VD_EOVERFLOW. */
int page_project(const struct page *pg, struct page_pool *pp);

/* Date of CST day d as "YYYY-MM-DD" in buf (11 bytes). */
void page_date(int32_t d, char buf[11]);

#endif
