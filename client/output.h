/* How vouchctl shows replies: aligned tables with yuan for people, or
 * JSON (jansson) with the reply's own fields, amounts in fen, for
 * scripts. Exit codes follow vouchctl's: 0 ok, 1 the server said ERR
 * (code and message on stderr), 3 the connection failed. */
#ifndef VD_OUTPUT_H
#define VD_OUTPUT_H

#include <jansson.h>
#include <stddef.h>

#include "reply.h"
#include "session.h"
#include "table.h"

/* A column of a listing: the reply key, its title ('>' right-aligns),
 * and how to show it. */
enum out_fmt { OUT_TEXT, OUT_YUAN, OUT_SHARE };
struct out_col {
	const char *key, *head;
	enum out_fmt fmt;
};

/* A canonical decimal integer: "0" or an optional '-' then digits without
 * a leading zero, in int64 ("-0" and "007" are not). Such text prints
 * back as the same bytes, which the journal export relies on. 0 or -1. */
int out_int(const char *v, size_t n, json_int_t *out);

/* A reply's fields as a JSON object: values that are decimal integers
 * become numbers, the rest strings. The caller owns the result. */
json_t *out_json_of(const struct reply *r);

/* A listing gathered over one or more pages (RECORDS follows next=). */
struct out_list {
	const struct out_col *cols;
	size_t ncols;
	struct table t;
	json_t *top;  /* the first page's header fields */
	json_t *rows; /* every row's fields */
};

#define OUT_CURSOR 160

void out_list_init(struct out_list *L, const struct out_col *cols,
                   size_t ncols);
/* Send request and add its rows. next (OUT_CURSOR bytes) gets the
 * header's next= cursor, "" when no more rows follow. */
int out_list_fetch(struct out_list *L, struct session *s, const char *request,
                   char *next);
/* The rows as a table, then the header's sumkey in yuan (if given); or,
 * with json, one object with the header's fields and "rows". */
void out_list_print(struct out_list *L, int json, const char *sumkey);
void out_list_free(struct out_list *L);

/* init, fetch, print and free in one. */
int out_listing(struct session *s, const char *request,
                const struct out_col *cols, size_t ncols, const char *sumkey,
                int json);

/* Send request and print its one-line reply: with json as an object,
 * else as "key  value" lines, the keys named in money (NULL-terminated)
 * shown in yuan. */
int out_reply(struct session *s, const char *request, const char *const *money,
              int json);

#endif
