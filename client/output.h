/* How vouchctl shows replies: aligned tables with yuan for people, JSON
 * (jansson) with the reply's own fields, amounts in fen, for scripts, or
 * for listings CSV with yuan, for spreadsheets. Exit codes follow
 * vouchctl's: 0 ok, 1 the server said ERR (code and message on stderr), 3
 * the connection failed. */
#ifndef VD_OUTPUT_H
#define VD_OUTPUT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "reply.h"
#include "session.h"
#include "table.h"

/* A column of a listing: the reply key, its table title ('>' right-aligns),
 * how to show it, and its CSV header (NULL: the key). OUT_SHARE is the
 * share of a pool's budget used, from the row's budget and remaining;
 * OUT_FACTOR the pro-rata factor R/T of a settlement, from the listing
 * header's remaining (R) and earned (T); both ignore key. */
enum out_fmt { OUT_TEXT, OUT_YUAN, OUT_SHARE, OUT_FACTOR };
struct out_col {
	const char *key, *head;
	enum out_fmt fmt;
	const char *csv;
};

/* How a listing is printed: an aligned table with yuan as 12,345.67 for
 * people; JSON with the reply's own fields, amounts in fen, for scripts;
 * CSV (csv.h) with the table's columns and yuan as 12345.67, for
 * spreadsheets. */
enum out_mode { OUT_TABLE, OUT_JSON, OUT_CSV };

/* A canonical decimal integer: "0" or an optional '-' then digits without
 * a leading zero, in int64 ("-0" and "007" are not). Such text prints
 * back as the same bytes, which the journal export relies on. 0 or -1. */
int out_int(const char *v, size_t n, json_int_t *out);

/* A reply's fields as a JSON object: values that are decimal integers
 * become numbers, the rest strings. The caller owns the result. */
json_t *out_json_of(const struct reply *r);

/* A listing gathered over one or more pages (RECORDS follows next=).
 * cols is borrowed and must outlive the list (static tables in practice);
 * ncols is at most TABLE_MAX_COLS. */
struct out_list {
	const struct out_col *cols;
	size_t ncols;
	json_t *top;  /* the first page's header fields */
	json_t *rows; /* every row's fields, formatted only when printed */
};

#define OUT_CURSOR 160

void out_list_init(struct out_list *L, const struct out_col *cols,
                   size_t ncols);
/* Send request and add its rows. next (OUT_CURSOR bytes) gets the
 * header's next= cursor, "" when no more rows follow. */
int out_list_fetch(struct out_list *L, struct session *s, const char *request,
                   char *next);
/* The rows as a table, then the header's sumkey in yuan (if given); with
 * OUT_JSON one object with the header's fields and "rows"; with OUT_CSV a
 * header row and the rows, nothing else (a spreadsheet sums for itself).
 * Written to stdout. */
void out_list_print(struct out_list *L, enum out_mode mode, const char *sumkey);
void out_list_free(struct out_list *L);

/* init, fetch, print and free in one. */
int out_listing(struct session *s, const char *request,
                const struct out_col *cols, size_t ncols, const char *sumkey,
                enum out_mode mode);

/* The pro-rata factor of a settlement, R/T when T > R and else 1 (also
 * for T = 0), floored to 6 decimals so that it never overstates what is
 * paid: "0.833333", "1.000000". In buf (at least OUT_FACTOR_MAX bytes);
 * the length, or VD_EINVAL for a negative T or R. */
#define OUT_FACTOR_MAX 16
int out_factor(int64_t T, int64_t R, char *buf, size_t size);

/* Send request and print its one-line reply: with json as an object,
 * else as "key  value" lines, the keys named in money (NULL-terminated)
 * shown in yuan. */
int out_reply(struct session *s, const char *request, const char *const *money,
              int json);

#endif
