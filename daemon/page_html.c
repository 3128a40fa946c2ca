/* The bureau's page as HTML (page_html.h); the charts are page_svg.c's. */
#include "page_html.h"

#include <string.h>

#include "err.h"
#include "money.h"
#include "page_out.h"
#include "page_svg.h"
#include "period.h"

/* System fonts only (nothing to fetch): the CJK faces a Windows, macOS
 * or Debian desk has, then any sans-serif. Colours keep apart in grey
 * too (the lines differ in dash and weight) for a black-and-white
 * printer. */
static const char css[] =
    "*{box-sizing:border-box}"
    "body{margin:0;background:#f4f5f7;color:#1f2933;font:15px/1.5 "
    "\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"WenQuanYi Micro Hei\","
    "\"Microsoft YaHei\",\"PingFang SC\",system-ui,sans-serif}"
    "main{max-width:1080px;margin:0 auto;padding:20px 24px 40px}"
    "header{border-bottom:3px solid #9b1c1c;margin-bottom:18px;"
    "padding-bottom:10px}"
    "h1{font-size:26px;margin:0 0 4px;font-weight:700}"
    "h1 .en,h2 .en,th .en,dt .en,.en{color:#52606d;font-weight:400}"
    "h1 .en{font-size:20px}"
    ".meta{margin:0;color:#52606d;font-size:14px}"
    "nav{margin-top:8px;font-size:14px}nav a{margin-right:14px}"
    "a{color:#1d4ed8}"
    "h2{font-size:20px;margin:0}"
    "h3{font-size:15px;margin:18px 0 6px}"
    "table{border-collapse:collapse;width:100%;background:#fff;"
    "font-size:14px}"
    "th,td{padding:6px 8px;border-bottom:1px solid #d9dde3;"
    "text-align:right;white-space:nowrap}"
    "th{font-weight:600;background:#eef0f3;vertical-align:bottom}"
    "th .en{display:block;font-size:12px}"
    "td:first-child,th:first-child{text-align:left}"
    "tr.total td{font-weight:700;border-top:2px solid #9aa5b1}"
    "td.outlook,th.outlook{text-align:left;white-space:normal}"
    ".num{font-variant-numeric:tabular-nums}"
    "section.pool{background:#fff;border:1px solid #d9dde3;"
    "border-radius:6px;padding:16px 20px;margin:22px 0}"
    ".head{display:flex;justify-content:space-between;"
    "align-items:baseline;flex-wrap:wrap;gap:8px}"
    ".region{color:#52606d;font-size:14px;margin-left:8px}"
    ".outlook-box{margin:10px 0 12px;padding:10px 14px;border-left:6px "
    "solid #52606d;background:#f4f5f7;font-size:17px;font-weight:600}"
    ".outlook-box .en{font-size:15px;margin-left:10px}"
    ".outlook-box .pace{display:block;font-size:13px;font-weight:400;"
    "color:#52606d}"
    ".o-on{border-color:#c2410c;background:#fff4ec}"
    ".o-dry{border-color:#9b1c1c;background:#fdecec}"
    ".o-not-this-year,.o-ended{border-color:#15803d;background:#eef8f0}"
    "dl{display:grid;grid-template-columns:repeat(6,1fr);gap:8px;"
    "margin:0}"
    "dl div{border:1px solid #e4e7eb;border-radius:4px;padding:6px 8px}"
    "dt{font-size:13px;color:#323f4b}dt .en{display:block;font-size:11px}"
    "dd{margin:2px 0 0;font-size:17px;font-weight:600;"
    "font-variant-numeric:tabular-nums}"
    "dd small{display:block;font-size:11px;font-weight:400;"
    "color:#52606d}"
    "dl div.key{border-color:#1d4ed8;background:#f0f5ff}"
    "svg{display:block;width:100%;height:auto}"
    "svg.used{display:inline-block;width:60px;vertical-align:middle;"
    "margin-right:6px}"
    "svg text{font-size:12px;fill:#323f4b}"
    "svg .legend text{font-size:13px}"
    ".grid{stroke:#e4e7eb}.axis,.tick{stroke:#7b8794}"
    ".yl{text-anchor:end}.xl{text-anchor:middle}.xl.en{fill:#7b8794}"
    "line.budget{stroke:#9b1c1c;stroke-width:2}"
    ".bl{fill:#9b1c1c;font-weight:600}"
    "polyline{fill:none;stroke-linejoin:round}"
    "polyline.granted,line.granted{stroke:#1d4ed8;stroke-width:2.5}"
    "polyline.spent,line.spent{stroke:#15803d;stroke-width:2;"
    "stroke-dasharray:8 3}"
    "line.proj{stroke:#1d4ed8;stroke-width:2;stroke-dasharray:2 4}"
    "line.today{stroke:#7b8794;stroke-dasharray:3 3}"
    "line.dry{stroke:#c2410c;stroke-dasharray:6 4}"
    "text.dry{fill:#c2410c;font-weight:600}"
    "rect.track{fill:#eef0f3}rect.granted{fill:#1d4ed8}"
    "rect.unfunded{fill:#f0b429}"
    ".pn{text-anchor:end;font-size:13px}.tag{fill:#7b8794;font-size:11px}"
    ".uf{fill:#8d5b00}"
    ".none{color:#52606d;font-size:14px}"
    ".files{font-size:13px;color:#52606d;margin:10px 0 0}"
    "footer{color:#52606d;font-size:13px;border-top:1px solid #d9dde3;"
    "padding-top:10px;margin-top:26px}"
    "@media print{body{background:#fff;font-size:12px}nav,.files"
    "{display:none}section.pool{break-inside:avoid;border:none;"
    "padding:0}main{max-width:none;padding:0}}"
    "@media (max-width:760px){dl{grid-template-columns:repeat(2,1fr)}}";

const char *page_outlook_name(enum page_outlook k)
{
	switch (k) {
	case PAGE_DRY:
		return "dry";
	case PAGE_ON:
		return "on";
	case PAGE_NOT_THIS:
		return "not-this-year";
	case PAGE_NO_PACE:
		return "no-pace";
	case PAGE_ENDED:
		return "ended";
	case PAGE_NOT_BEGUN:
		return "not-begun";
	}
	return "?";
}

/* The outlook in words, Chinese then English. */
static void outlook_words(struct page_out *o, const struct page_pool *pp)
{
	char date[11];

	switch (pp->outlook) {
	case PAGE_DRY:
		out_str(o, "已用尽 <span class=\"en\">already used up</span>");
		break;
	case PAGE_ON:
		page_date(pp->dry_day, date);
		out_printf(o,
		           "预计 <span data-fig=\"dry-day\">%s</span> 用尽 "
		           "<span class=\"en\">runs dry on %s</span>",
		           date, date);
		break;
	case PAGE_NOT_THIS:
		out_str(o, "本年度内不会用尽 <span class=\"en\">not this "
		           "year</span>");
		break;
	case PAGE_NO_PACE:
		out_printf(o,
		           "近%d天无支出 <span class=\"en\">no draw in %d "
		           "days</span>",
		           (int)pp->window, (int)pp->window);
		break;
	case PAGE_ENDED:
		out_str(o, "年度已结束，未用尽 <span class=\"en\">period over, "
		           "not used up</span>");
		break;
	case PAGE_NOT_BEGUN:
		out_str(o, "年度未开始 <span class=\"en\">period not "
		           "begun</span>");
		break;
	}
}

/* A figure's cell: the yuan for people, the fen for scripts. */
static void fig(struct page_out *o, const char *name, int64_t fen)
{
	out_printf(o, "<span class=\"num\" data-fig=\"%s\" data-fen=\"%lld\">",
	           name, (long long)fen);
	out_yuan(o, fen);
	out_str(o, "</span>");
}

static int64_t sum3(int64_t a, int64_t b, int64_t c)
{
	int64_t v;

	if (money_add(a, b, &v) < 0 || money_add(v, c, &v) < 0)
		return INT64_MAX;
	return v;
}

static void head(struct page_out *o, const struct page *pg)
{
	int64_t t = pg->now + PERIOD_TZ_OFFSET, sec = t % 86400;
	char date[11];

	if (sec < 0)
		sec += 86400;
	period_format_date(pg->now, date);
	out_printf(o,
	           "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head>"
	           "<meta charset=\"utf-8\"><meta name=\"viewport\" "
	           "content=\"width=device-width,initial-scale=1\">"
	           "<title>算力券资金池 %d · Compute voucher pools %d</title>"
	           "<style>%s</style></head><body><main><header>"
	           "<h1>算力券资金池 %d年度 <span class=\"en\">Compute "
	           "voucher pools, period %d</span></h1>"
	           "<p class=\"meta\" data-asof=\"%s\">数据截至 %s %02d:%02d "
	           "北京时间 · as of %s %02d:%02d CST · 金额单位：元 "
	           "amounts in yuan</p><nav>",
	           (int)pg->period, (int)pg->period, css, (int)pg->period,
	           (int)pg->period, date, date, (int)(sec / 3600),
	           (int)(sec % 3600 / 60), date, (int)(sec / 3600),
	           (int)(sec % 3600 / 60));
	if (pg->period > PERIOD_MIN)
		out_printf(o, "<a href=\"/?period=%d\">◀ %d</a>",
		           (int)pg->period - 1, (int)pg->period - 1);
	if (pg->period < PERIOD_MAX)
		out_printf(o, "<a href=\"/?period=%d\">%d ▶</a>",
		           (int)pg->period + 1, (int)pg->period + 1);
	out_printf(o,
	           "<a href=\"/\">本年度 this period</a>"
	           "数据 data: <a href=\"/pools.json?period=%d\">"
	           "pools.json</a> <a href=\"/pools.csv?period=%d\">"
	           "pools.csv</a></nav></header>",
	           (int)pg->period, (int)pg->period);
}

static void overview(struct page_out *o, const struct page *pg)
{
	int64_t tb = 0, tg = 0, ts = 0, tr = 0, tu = 0;
	size_t i;

	out_str(o, "<section id=\"overview\"><h2>总览 <span class=\"en\">"
	           "Overview</span></h2><table><thead><tr>"
	           "<th>资金池<span class=\"en\">pool</span></th>"
	           "<th>预算<span class=\"en\">budget</span></th>"
	           "<th>已发放<span class=\"en\">granted</span></th>"
	           "<th>已兑付<span class=\"en\">redeemed + paid out</span>"
	           "</th><th>剩余<span class=\"en\">remaining</span></th>"
	           "<th>使用率<span class=\"en\">used</span></th>"
	           "<th>未满足需求<span class=\"en\">unfunded</span></th>"
	           "<th class=\"outlook\">预计用尽<span class=\"en\">runs "
	           "dry</span></th>"
	           "</tr></thead><tbody>");
	for (i = 0; i < pg->npools; i++) {
		const struct page_pool *pp = &pg->pools[i];
		const struct ledger_pool *f = &pp->fig;
		int64_t spent = sum3(f->redeemed, f->paid_out, 0);
		out_str(o, "<tr data-pool=\"");
		out_esc(o, f->pool);
		out_str(o, "\"><td><a href=\"#pool-");
		out_esc(o, f->pool);
		out_str(o, "\">");
		out_esc(o, f->pool);
		out_str(o, "</a></td><td class=\"num\">");
		out_yuan(o, f->budget);
		out_str(o, "</td><td class=\"num\">");
		out_yuan(o, f->granted);
		out_str(o, "</td><td class=\"num\">");
		out_yuan(o, spent);
		out_str(o, "</td><td class=\"num\">");
		out_yuan(o, f->remaining);
		out_str(o, "</td><td class=\"num\">");
		svg_used(o, f->budget - f->remaining, f->budget);
		out_pct(o, f->budget - f->remaining, f->budget);
		out_str(o, "</td><td class=\"num\">");
		out_yuan(o, f->unfunded);
		out_str(o, "</td><td class=\"outlook\">");
		outlook_words(o, pp);
		out_str(o, "</td></tr>");
		/* totals of figures that add up across pools */
		(void)money_add(tb, f->budget, &tb);
		(void)money_add(tg, f->granted, &tg);
		(void)money_add(ts, spent, &ts);
		(void)money_add(tr, f->remaining, &tr);
		(void)money_add(tu, f->unfunded, &tu);
	}
	out_str(o, "<tr class=\"total\"><td>合计 total</td>"
	           "<td class=\"num\">");
	out_yuan(o, tb);
	out_str(o, "</td><td class=\"num\">");
	out_yuan(o, tg);
	out_str(o, "</td><td class=\"num\">");
	out_yuan(o, ts);
	out_str(o, "</td><td class=\"num\" data-fig=\"total-remaining\">");
	out_yuan(o, tr);
	out_str(o, "</td><td class=\"num\">");
	out_pct(o, tb - tr, tb);
	out_str(o, "</td><td class=\"num\">");
	out_yuan(o, tu);
	out_str(o, "</td><td></td></tr></tbody></table></section>");
}

static void figures(struct page_out *o, const struct ledger_pool *f)
{
	out_str(o, "<dl><div><dt>预算<span class=\"en\">budget</span></dt>"
	           "<dd>");
	fig(o, "budget", f->budget);
	out_str(o, "</dd></div><div><dt>已发放<span class=\"en\">granted"
	           "</span></dt><dd>");
	fig(o, "granted", f->granted);
	out_str(o, "</dd></div><div><dt>已兑付<span class=\"en\">redeemed + "
	           "paid out</span></dt><dd>");
	fig(o, "spent", sum3(f->redeemed, f->paid_out, 0));
	out_str(o, "<small>兑付 redeemed ");
	fig(o, "redeemed", f->redeemed);
	out_str(o, "<br>拨付 paid out ");
	fig(o, "paid_out", f->paid_out);
	out_str(o, "</small></dd></div><div><dt>已退回<span class=\"en\">"
	           "returned</span></dt><dd>");
	fig(o, "returned", sum3(f->expired, f->revoked, f->recovered));
	out_str(o, "<small>过期 expired ");
	fig(o, "expired", f->expired);
	out_str(o, "<br>撤销 revoked ");
	fig(o, "revoked", f->revoked);
	out_str(o, "<br>追回 recovered ");
	fig(o, "recovered", f->recovered);
	out_str(o, "</small></dd></div><div class=\"key\"><dt>剩余"
	           "<span class=\"en\">remaining</span></dt><dd>");
	fig(o, "remaining", f->remaining);
	out_str(o, "<small>使用率 used ");
	out_pct(o, f->budget - f->remaining, f->budget);
	out_str(o, "</small></dd></div><div><dt>未满足需求<span class=\"en\">"
	           "unfunded demand</span></dt><dd>");
	fig(o, "unfunded", f->unfunded);
	out_str(o, "</dd></div></dl>");
}

static void settles(struct page_out *o, const struct page_pool *pp)
{
	size_t i;

	if (pp->nsettles == 0)
		return;
	out_str(o, "<h3>年度清算预览（如现在清算）<span class=\"en\">"
	           "Annual settlement, if settled now</span></h3>"
	           "<table><thead><tr><th>项目<span class=\"en\">program"
	           "</span></th><th>已累计应补 T<span class=\"en\">earned so "
	           "far</span></th><th>可支付 R<span class=\"en\">the pools "
	           "can pay</span></th><th>比例 min(1, R/T)<span "
	           "class=\"en\">pro-rata factor</span></th></tr></thead>"
	           "<tbody>");
	for (i = 0; i < pp->nsettles; i++) {
		const struct page_settle *st = &pp->settles[i];
		out_str(o, "<tr data-settle=\"");
		out_esc(o, st->program);
		out_str(o, "\"><td>");
		out_esc(o, st->program);
		if (st->cofunded)
			out_str(o, " <span class=\"en\">(co-funded 共同出资)"
			           "</span>");
		out_str(o, "</td>");
		if (st->state == PAGE_SETTLE_DONE) {
			out_str(o, "<td colspan=\"3\" data-fig=\"settled\">"
			           "已清算 settled</td></tr>");
			continue;
		}
		if (st->state == PAGE_SETTLE_ERR) {
			out_str(o, "<td colspan=\"3\">");
			out_esc(o, st->why ? st->why : "preview refused");
			out_str(o, "</td></tr>");
			continue;
		}
		out_str(o, "<td>");
		fig(o, "settle-total", st->total);
		out_str(o, "</td><td>");
		fig(o, "settle-cap", st->cap);
		out_printf(o,
		           "</td><td><span class=\"num\" "
		           "data-fig=\"settle-factor\">%lld.%06lld</span> %s"
		           "</td></tr>",
		           (long long)(st->factor_ppm / 1000000),
		           (long long)(st->factor_ppm % 1000000),
		           st->factor_ppm < 1000000 ? "按比例 pro rata"
		                                    : "全额 in full");
	}
	out_str(o, "</tbody></table>");
}

static void pool_section(struct page_out *o, const struct page *pg,
                         const struct page_pool *pp)
{
	const struct ledger_pool *f = &pp->fig;

	out_str(o, "<section class=\"pool\" id=\"pool-");
	out_esc(o, f->pool);
	out_str(o, "\" data-pool=\"");
	out_esc(o, f->pool);
	out_str(o, "\"><div class=\"head\"><h2>");
	out_esc(o, f->pool);
	if (pp->region[0]) {
		out_str(o, "<span class=\"region\">");
		out_esc(o, pp->region);
		out_str(o, "</span>");
	}
	out_printf(o, "</h2><span class=\"en\">资金池 pool · %d</span></div>",
	           (int)pg->period);
	out_printf(o, "<p class=\"outlook-box o-%s\" data-outlook=\"%s\"",
	           page_outlook_name(pp->outlook),
	           page_outlook_name(pp->outlook));
	if (pp->outlook == PAGE_ON) {
		char date[11];
		page_date(pp->dry_day, date);
		out_printf(o, " data-dry-day=\"%s\"", date);
	}
	out_str(o, ">");
	outlook_words(o, pp);
	/* the pace, where it says more than the outlook already does */
	if (pp->window > 0 && pp->outlook != PAGE_DRY &&
	    pp->outlook != PAGE_NO_PACE) {
		out_printf(o, "<span class=\"pace\">近%d天日均净支出 ",
		           (int)pp->window);
		fig(o, "pace", pp->pace);
		out_printf(o,
		           " 元 · the last %d days' mean net draw (granted "
		           "less returned), a day</span>",
		           (int)pp->window);
	}
	out_str(o, "</p>");
	figures(o, f);
	out_str(o, "<h3>按日累计 <span class=\"en\">Cumulative, by day"
	           "</span></h3>");
	svg_days(o, pg, pp);
	out_str(o, "<h3>各项目发放 <span class=\"en\">Granted by program"
	           "</span></h3>");
	if (pp->nprogs == 0)
		out_str(o, "<p class=\"none\">本年度尚无发放 nothing granted "
		           "this period</p>");
	else
		svg_programs(o, pp);
	settles(o, pp);
	out_str(o, "<p class=\"files\">数据 data: <a href=\"/pool/");
	out_esc(o, f->pool);
	out_printf(o, "/days.csv?period=%d\">days.csv</a></p></section>",
	           (int)pg->period);
}

int page_html(const struct page *pg, struct evbuffer *b)
{
	struct page_out o = {b, 0};
	size_t i;

	head(&o, pg);
	if (pg->npools == 0)
		out_str(&o, "<p class=\"none\">没有资金池 no pools</p>");
	else
		overview(&o, pg);
	for (i = 0; i < pg->npools; i++)
		pool_section(&o, pg, &pg->pools[i]);
	out_str(&o, "<footer>仅显示各资金池和各项目的汇总数据，不含任何单位"
	            "的数据。Only totals per pool and per program: no "
	            "organisation's figures. 预测按近30天（本年度内）平均净"
	            "支出计算。The projection takes the mean net draw of the "
	            "last 30 days of the period.</footer></main></body>"
	            "</html>\n");
	return o.err;
}
