/* Writing the bureau's page and its data: an evbuffer with a sticky
 * error (after the first failed append every later one is a no-op, and
 * the caller looks once, at the end), HTML escaping, and amounts. Used
 * by page_html.c, page_svg.c and page_data.c. */
#ifndef VD_PAGE_OUT_H
#define VD_PAGE_OUT_H

#include <event2/buffer.h>
#include <stddef.h>
#include <stdint.h>

struct page_out {
	struct evbuffer *b; /* the caller's */
	int err;            /* 0, or VD_ENOMEM once an append failed */
};

void out_printf(struct page_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void out_str(struct page_out *o, const char *s);
/* s with & < > " ' as entities: safe in text and in quoted attributes. */
void out_esc(struct page_out *o, const char *s);
/* fen as yuan for people: "12,345.67", "-0.01". */
void out_yuan(struct page_out *o, int64_t fen);
/* fen as yuan for machines (CSV): "12345.67", "-0.01". */
void out_yuan_plain(struct page_out *o, int64_t fen);
/* part / whole as a percentage with one decimal ("12.3%"); "-" when
 * whole is 0 or less. */
void out_pct(struct page_out *o, int64_t part, int64_t whole);

#endif
