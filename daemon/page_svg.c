/* The page's charts (page_svg.h). Coordinates are written with one
 * decimal: enough for a screen or a printer, and a fifth of the bytes of
 * %g's six digits over 20 pools x 365 days. */
#include "page_svg.h"

#include <string.h>

#include "civil.h"
#include "money.h"

/* the line chart's box, in SVG units (it scales with the page) */
#define W 900
#define H 300
#define ML 92  /* left: the y labels */
#define MR 118 /* right: the budget's label */
#define MT 52  /* top: the legend, then the marks' labels */
#define MB 44  /* bottom: the months */
#define PW (W - ML - MR)
#define PH (H - MT - MB)

static const char *const month_en[12] = {"Jan", "Feb", "Mar", "Apr",
                                         "May", "Jun", "Jul", "Aug",
                                         "Sep", "Oct", "Nov", "Dec"};

/* The chart's scales: days [d0, d1) across, 0 to ymax fen up. */
struct scale {
	int32_t d0, d1;
	int64_t ymax;
};

static double sx(const struct scale *s, int32_t boundary)
{
	return ML + (double)(boundary - s->d0) * PW / (double)(s->d1 - s->d0);
}

static double sy(const struct scale *s, int64_t v)
{
	if (v < 0)
		v = 0;
	return MT + PH - (double)v * PH / (double)s->ymax;
}

/* A step of 1, 2 or 5 times a power of ten, in fen, that cuts max into
 * at most 5 (and no fewer than 2 where it can). */
static int64_t nice_step(int64_t max)
{
	int64_t raw = max / 5 + (max % 5 != 0), p = 1;

	while (p <= INT64_MAX / 10 && p * 10 <= raw)
		p *= 10;
	if (p >= raw)
		return p;
	if (p <= INT64_MAX / 2 && 2 * p >= raw)
		return 2 * p;
	if (p <= INT64_MAX / 5 && 5 * p >= raw)
		return 5 * p;
	return p <= INT64_MAX / 10 ? 10 * p : p;
}

/* A tick's label: whole yuan without ".00". */
static void tick_label(struct page_out *o, int64_t fen)
{
	char buf[MONEY_FMT_MAX];
	int n = money_format_yuan(fen, buf, sizeof(buf));

	if (n < 0)
		return;
	if (n > 3 && strcmp(buf + n - 3, ".00") == 0)
		buf[n - 3] = '\0';
	out_str(o, buf);
}

static void axes(struct page_out *o, const struct scale *s, int64_t step,
                 int32_t period)
{
	int64_t v;
	int64_t y = period;
	int m = 1;

	/* y: grid lines and labels */
	for (v = 0; v <= s->ymax; v += step) {
		out_printf(o,
		           "<line class=\"grid\" x1=\"%d\" x2=\"%d\" "
		           "y1=\"%.1f\" y2=\"%.1f\"/>"
		           "<text class=\"yl\" x=\"%d\" y=\"%.1f\">",
		           ML, ML + PW, sy(s, v), sy(s, v), ML - 6,
		           sy(s, v) + 4);
		tick_label(o, v);
		out_str(o, "</text>");
		if (s->ymax - v < step)
			break;
	}
	/* x: a tick at each month's first day, its name in the middle */
	for (;;) {
		int32_t d = (int32_t)civil_to_days(y, m, 1), next;
		int ny = m == 12 ? (int)y + 1 : (int)y,
		    nm = m == 12 ? 1 : m + 1;
		if (d >= s->d1)
			break;
		next = (int32_t)civil_to_days(ny, nm, 1);
		if (d >= s->d0)
			out_printf(
			    o,
			    "<line class=\"tick\" x1=\"%.1f\" x2=\"%.1f\" "
			    "y1=\"%d\" y2=\"%d\"/>",
			    sx(s, d), sx(s, d), MT + PH, MT + PH + 5);
		if (next - 1 >= s->d0) {
			int32_t a = d < s->d0 ? s->d0 : d;
			int32_t b = next > s->d1 ? s->d1 : next;
			double mid = (sx(s, a) + sx(s, b)) / 2;
			out_printf(o,
			           "<text class=\"xl\" x=\"%.1f\" y=\"%d\">%d月"
			           "</text><text class=\"xl en\" x=\"%.1f\" "
			           "y=\"%d\">%s</text>",
			           mid, MT + PH + 18, m, mid, MT + PH + 32,
			           month_en[m - 1]);
		}
		y = ny;
		m = nm;
	}
	out_printf(o,
	           "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" "
	           "y2=\"%d\"/>",
	           ML, ML + PW, MT + PH, MT + PH);
}

/* One cumulative series from the day rows: which figure, and the points
 * it went through. A point is written only where the line bends (a
 * flat stretch is its two ends). */
enum series { S_GRANTED, S_SPENT };

static int64_t day_value(const struct page_day *d, enum series k)
{
	int64_t v;

	if (k == S_GRANTED)
		return d->granted;
	if (money_add(d->redeemed, d->paid_out, &v) < 0)
		return 0;
	return v;
}

static void series(struct page_out *o, const struct scale *s,
                   const struct page_pool *pp, enum series k, int32_t end,
                   const char *cls, const char *title)
{
	int64_t cum = 0, prev_drawn = 0;
	size_t i = 0;
	int32_t d, pending = -1; /* a flat point not yet written */

	out_printf(o, "<polyline class=\"%s\" points=\"%.1f,%.1f", cls,
	           sx(s, s->d0), sy(s, 0));
	for (d = s->d0; d <= end; d++) {
		int64_t before = cum;
		while (i < pp->ndays && pp->days[i].day < d)
			i++;
		if (i < pp->ndays && pp->days[i].day == d &&
		    money_add(cum, day_value(&pp->days[i], k), &cum) < 0)
			cum = before;
		if (cum == before && d != end) {
			pending = d;
			continue;
		}
		if (pending >= 0 && cum != before)
			out_printf(o, " %.1f,%.1f", sx(s, pending + 1),
			           sy(s, prev_drawn));
		pending = -1;
		out_printf(o, " %.1f,%.1f", sx(s, d + 1), sy(s, cum));
		prev_drawn = cum;
	}
	out_str(o, "\"><title>");
	out_str(o, title);
	out_str(o, "</title></polyline>");
}

static void legend(struct page_out *o, int projected)
{
	out_str(o, "<g class=\"legend\">"
	           "<line class=\"budget\" x1=\"92\" x2=\"116\" y1=\"14\" "
	           "y2=\"14\"/><text x=\"122\" y=\"18\">预算 budget</text>"
	           "<line class=\"granted\" x1=\"228\" x2=\"252\" y1=\"14\" "
	           "y2=\"14\"/><text x=\"258\" y=\"18\">累计发放 granted"
	           "</text>"
	           "<line class=\"spent\" x1=\"402\" x2=\"426\" y1=\"14\" "
	           "y2=\"14\"/><text x=\"432\" y=\"18\">累计兑付 redeemed + "
	           "paid out</text>");
	if (projected)
		out_str(o, "<line class=\"proj\" x1=\"650\" x2=\"674\" "
		           "y1=\"14\" y2=\"14\"/><text x=\"680\" y=\"18\">"
		           "预测 projected (net)</text>");
	out_str(o, "</g>");
}

void svg_days(struct page_out *o, const struct page *pg,
              const struct page_pool *pp)
{
	const struct ledger_pool *f = &pp->fig;
	struct scale s;
	int64_t max = f->budget, g = 0, sp = 0, proj_from, proj_to = 0, step;
	int32_t end = pg->asof, proj_day = 0;
	int running = pg->today >= pg->first_day && pg->today <= pg->last_day;
	int projected = 0;
	size_t i;
	char date[11];

	if (pp->ndays > 0 && pp->days[pp->ndays - 1].day > end)
		end = pp->days[pp->ndays - 1].day;
	for (i = 0; i < pp->ndays; i++) {
		int64_t v = day_value(&pp->days[i], S_SPENT);
		if (money_add(g, pp->days[i].granted, &g) < 0 ||
		    money_add(sp, v, &sp) < 0)
			break;
		if (g > max)
			max = g;
		if (sp > max)
			max = sp;
	}
	/* the projection: what the budget has committed (budget -
	 * remaining), on at the pace to the run-dry day or the period's
	 * end; only while the period runs */
	proj_from = f->budget - f->remaining;
	if (running &&
	    (pp->outlook == PAGE_ON || pp->outlook == PAGE_NOT_THIS)) {
		int64_t days;
		proj_day = pp->outlook == PAGE_ON ? pp->dry_day : pg->last_day;
		days = proj_day - pg->asof;
		if (money_mul(pp->pace, days, &proj_to) == 0 &&
		    money_add(proj_to, proj_from, &proj_to) == 0) {
			if (pp->outlook == PAGE_ON)
				proj_to = f->budget;
			projected = 1;
			if (proj_to > max)
				max = proj_to;
		}
	}
	if (max <= 0)
		max = 100;
	step = nice_step(max);
	s.d0 = pg->first_day;
	s.d1 = pg->end_day + 1;
	s.ymax = (max / step + (max % step != 0)) * step;
	out_printf(o,
	           "<svg class=\"days\" viewBox=\"0 0 %d %d\" role=\"img\" "
	           "aria-label=\"",
	           W, H);
	out_esc(o, f->pool);
	out_str(o, ": cumulative by day\">");
	legend(o, projected);
	axes(o, &s, step, pg->period);
	out_printf(o,
	           "<line class=\"budget\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" "
	           "y2=\"%.1f\"><title>预算 budget</title></line>"
	           "<text class=\"bl\" x=\"%d\" y=\"%.1f\">预算 budget</text>",
	           ML, ML + PW, sy(&s, f->budget), sy(&s, f->budget),
	           ML + PW + 6, sy(&s, f->budget) + 4);
	if (end >= pg->first_day) {
		series(o, &s, pp, S_GRANTED, end, "granted",
		       "累计发放 granted, cumulative");
		series(o, &s, pp, S_SPENT, end, "spent",
		       "累计兑付 redeemed + paid out, cumulative");
	}
	/* the marks' labels go in the row above the plot, today's left of
	 * its line and the run-dry day's right of its own, so that neither
	 * covers a curve nor the other */
	if (running) {
		double x = sx(&s, pg->asof + 1);
		out_printf(o,
		           "<line class=\"today\" x1=\"%.1f\" x2=\"%.1f\" "
		           "y1=\"%d\" y2=\"%d\"/><text class=\"ml\" "
		           "x=\"%.1f\" y=\"%d\" text-anchor=\"end\">今天 "
		           "today</text>",
		           x, x, MT - 10, MT + PH, x - 3, MT - 4);
	}
	if (projected) {
		double x0 = sx(&s, pg->asof + 1), x1 = sx(&s, proj_day + 1);
		out_printf(o,
		           "<line class=\"proj\" x1=\"%.1f\" y1=\"%.1f\" "
		           "x2=\"%.1f\" y2=\"%.1f\"><title>预测 projected: "
		           "budget - remaining, at the last %d days' pace"
		           "</title></line>",
		           x0, sy(&s, proj_from), x1, sy(&s, proj_to),
		           (int)pp->window);
		if (pp->outlook == PAGE_ON) {
			page_date(pp->dry_day, date);
			out_printf(
			    o,
			    "<line class=\"dry\" x1=\"%.1f\" x2=\"%.1f\" "
			    "y1=\"%d\" y2=\"%d\"/><text class=\"ml dry\" "
			    "x=\"%.1f\" y=\"%d\">用尽 dry %s</text>",
			    x1, x1, MT - 10, MT + PH, x1 + 3, MT - 4, date);
		}
	}
	out_str(o, "</svg>");
}

/* the bar chart */
#define BW 900
#define BL 230 /* the programs' names */
#define BR 340 /* the figures */
#define BROW 30

static const char *const settle_tag[] = {"即时 immediate", "年度清算 annual",
                                         "申报 grant"};

void svg_programs(struct page_out *o, const struct page_pool *pp)
{
	int64_t scale = pp->fig.budget;
	size_t i;
	int h = (int)pp->nprogs * BROW + 8;

	for (i = 0; i < pp->nprogs; i++) {
		int64_t v;
		if (money_add(pp->progs[i].granted,
		              pp->progs[i].unfunded > 0 ? pp->progs[i].unfunded
		                                        : 0,
		              &v) == 0 &&
		    v > scale)
			scale = v;
	}
	if (scale <= 0)
		scale = 1;
	out_printf(o,
	           "<svg class=\"bars\" viewBox=\"0 0 %d %d\" role=\"img\" "
	           "aria-label=\"granted by program\">",
	           BW, h);
	for (i = 0; i < pp->nprogs; i++) {
		const struct page_program *g = &pp->progs[i];
		int y = 4 + (int)i * BROW;
		double wg = g->granted > 0 ? (double)g->granted *
		                                 (BW - BL - BR) / (double)scale
		                           : 0;
		double wu = g->unfunded > 0 ? (double)g->unfunded *
		                                  (BW - BL - BR) / (double)scale
		                            : 0;
		out_printf(o, "<g data-program=\"");
		out_esc(o, g->id);
		out_printf(o, "\"><text class=\"pn\" x=\"%d\" y=\"%d\">",
		           BL - 8, y + 18);
		out_esc(o, g->id);
		if (g->settlement >= 0 && g->settlement <= 2)
			out_printf(o, "<tspan class=\"tag\"> %s</tspan>",
			           settle_tag[g->settlement]);
		out_printf(o,
		           "</text><rect class=\"track\" x=\"%d\" y=\"%d\" "
		           "width=\"%d\" height=\"18\"/>"
		           "<rect class=\"granted\" x=\"%d\" y=\"%d\" "
		           "width=\"%.1f\" height=\"18\"><title>",
		           BL, y + 5, BW - BL - BR, BL, y + 5, wg);
		out_esc(o, g->id);
		out_str(o, " 发放 granted ");
		out_yuan(o, g->granted);
		out_str(o, "</title></rect>");
		if (wu > 0) {
			out_printf(
			    o,
			    "<rect class=\"unfunded\" x=\"%.1f\" y=\"%d\" "
			    "width=\"%.1f\" height=\"18\"><title>",
			    BL + wg, y + 5, wu);
			out_esc(o, g->id);
			out_str(o, " 未满足 unfunded ");
			out_yuan(o, g->unfunded);
			out_str(o, "</title></rect>");
		}
		out_printf(o, "<text class=\"pv\" x=\"%d\" y=\"%d\">",
		           BW - BR + 8, y + 18);
		out_yuan(o, g->granted);
		out_str(o, " (");
		out_pct(o, g->granted, pp->fig.budget);
		out_str(o, ")");
		if (g->unfunded > 0) {
			out_str(o, "<tspan class=\"uf\"> 未满足 unfunded ");
			out_yuan(o, g->unfunded);
			out_str(o, "</tspan>");
		}
		out_str(o, "</text></g>");
	}
	out_str(o, "</svg>");
}

void svg_used(struct page_out *o, int64_t used, int64_t whole)
{
	double w = 0;

	if (whole > 0 && used > 0)
		w = used >= whole ? 60 : (double)used * 60 / (double)whole;
	out_printf(o,
	           "<svg class=\"used\" viewBox=\"0 0 60 10\" width=\"60\" "
	           "height=\"10\" aria-hidden=\"true\"><rect class=\"track\" "
	           "width=\"60\" height=\"10\"/><rect class=\"granted\" "
	           "width=\"%.1f\" height=\"10\"/></svg>",
	           w);
}
