/* Writing the page and its data (page_out.h). */
#include "page_out.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "money.h"

void out_printf(struct page_out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->err)
		return;
	va_start(ap, fmt);
	if (evbuffer_add_vprintf(o->b, fmt, ap) < 0)
		o->err = VD_ENOMEM;
	va_end(ap);
}

void out_str(struct page_out *o, const char *s)
{
	if (!o->err && evbuffer_add(o->b, s, strlen(s)) != 0)
		o->err = VD_ENOMEM;
}

void out_esc(struct page_out *o, const char *s)
{
	const char *run = s;

	for (; !o->err && *s; s++) {
		const char *e = NULL;
		switch (*s) {
		case '&':
			e = "&amp;";
			break;
		case '<':
			e = "&lt;";
			break;
		case '>':
			e = "&gt;";
			break;
		case '"':
			e = "&quot;";
			break;
		case '\'':
			e = "&#39;";
			break;
		default:
			continue;
		}
		if (evbuffer_add(o->b, run, (size_t)(s - run)) != 0 ||
		    evbuffer_add(o->b, e, strlen(e)) != 0)
			o->err = VD_ENOMEM;
		run = s + 1;
	}
	if (!o->err && evbuffer_add(o->b, run, strlen(run)) != 0)
		o->err = VD_ENOMEM;
}

void out_yuan(struct page_out *o, int64_t fen)
{
	char buf[MONEY_FMT_MAX];

	if (money_format_yuan(fen, buf, sizeof(buf)) < 0)
		snprintf(buf, sizeof(buf), "?");
	out_str(o, buf);
}

void out_yuan_plain(struct page_out *o, int64_t fen)
{
	/* the magnitude as unsigned: INT64_MIN has no positive int64 */
	uint64_t m = fen < 0 ? 0 - (uint64_t)fen : (uint64_t)fen;

	out_printf(o, "%s%llu.%02llu", fen < 0 ? "-" : "",
	           (unsigned long long)(m / 100),
	           (unsigned long long)(m % 100));
}

void out_pct(struct page_out *o, int64_t part, int64_t whole)
{
	int64_t permille;

	if (whole <= 0 ||
	    money_muldiv_floor(part, 1000, whole, &permille) < 0) {
		out_str(o, "-");
		return;
	}
	out_printf(o, "%s%lld.%lld%%", permille < 0 ? "-" : "",
	           (long long)(permille < 0 ? -permille : permille) / 10,
	           (long long)(permille < 0 ? -permille : permille) % 10);
}
