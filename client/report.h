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

/* Read a billing export from f: CSV with a header naming the columns id,
 * org, at, amount (yuan), qty, unit, kind and optionally class and
 * project (empty: none, the unnamed project), in any order; or NDJSON (the
 * first line starts with '{'), one object per line with those keys. Sign the
 * records as `provider` with s's key and send them in batches of REPORT_BATCH.
 * A line that does not make a valid record, or that the server refuses, is
 * reported on err with its line number and reason, and the rest still go in.
 * Sending the same file again is safe: records already in are duplicates.
 * Returns 0, 2 for a CSV header without a needed column, 3 if the connection
 * failed. */
int report_file(struct session *s, const char *provider, FILE *f, FILE *err,
                int progress, struct report_stats *st);

#endif
