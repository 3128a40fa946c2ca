/* The bureau's page as one HTML document: inline CSS and SVG, no script,
 * nothing fetched from elsewhere (bureau networks have no internet), so
 * that it also prints and saves whole. Chinese and English labels side
 * by side; amounts in yuan. Every figure a test or a script may read
 * carries a stable attribute: each pool's section is
 * id="pool-<pool>" data-pool="<pool>", each figure data-fig="<name>"
 * data-fen="<fen>", the projection data-outlook="dry|on|not-this-year|
 * no-pace|ended|not-begun" (and data-dry-day="YYYY-MM-DD" when on),
 * each annual program's row data-settle="<program>" (docs/daemon.md
 * lists them). */
#ifndef VD_PAGE_HTML_H
#define VD_PAGE_HTML_H

#include <event2/buffer.h>

#include "page.h"

/* Append the page of pg to b. 0, or VD_ENOMEM (b then holds part of
 * it). */
int page_html(const struct page *pg, struct evbuffer *b);

/* The outlook's attribute value ("on", ...). */
const char *page_outlook_name(enum page_outlook k);

#endif
