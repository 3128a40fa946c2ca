/* vouchctl report: a provider's billing export (CSV or NDJSON) sent as
 * signed batches. */
#ifndef VD_REPORT_H
#define VD_REPORT_H

#include <stdio.h>

#include "session.h"

#define REPORT_BATCH 1000

struct report_stats {
	long lines, accepted, duplicate, refused;
};

/* One record of the export: its line in the file and its canonical line
 * without sig (record_format), valid during the call only. 0 reads on;
 * any other value stops the reading. */
typedef int (*report_each_fn)(void *arg, long line, const char *text);

/* Read a billing export from f: CSV with a header naming the columns id,
 * org, at, amount (yuan), qty, unit, kind and optionally class and
 * project (empty: none, the unnamed project), in any order; or NDJSON (the
 * first line starts with '{'), one object per line with those keys. Call
 * each, in file order, for every line that makes a valid record of
 * `provider`. A line that does not (a bad or missing column, not a JSON
 * object, longer than 4094 bytes: the rest of it is skipped) is reported
 * on err with its line number and reason, and the reading goes on. st is
 * zeroed, then counts every non-blank line after a CSV header in lines
 * and those refused here in refused. Nothing is sent: the file is
 * untrusted bytes, and this is where they are read. Returns 0 at the
 * end of f, 2 for a CSV header without a needed column, or the first
 * non-zero value each returned. */
int report_read(FILE *f, const char *provider, FILE *err,
                struct report_stats *st, report_each_fn each, void *arg);

/* Read a billing export from f with report_read, sign the records as
 * `provider` with s's key and send them in batches of REPORT_BATCH.
 * A line that does not make a valid record, or that the server refuses, is
 * reported on err with its line number and reason, and the rest still go in.
 * Sending the same file again is safe: records already in are duplicates.
 * Returns 0, 2 for a CSV header without a needed column, 3 if the connection
 * failed. */
int report_file(struct session *s, const char *provider, FILE *f, FILE *err,
                int progress, struct report_stats *st);

#endif
