/* vouchctl report: a provider's billing export (CSV with a header) sent
 * as signed batches. */
#ifndef VD_REPORT_H
#define VD_REPORT_H

#include <stdio.h>

#include "session.h"

#define REPORT_BATCH 1000

struct report_stats {
	long lines, accepted, duplicate, refused;
};

/* Read CSV from f (columns id, org, at, amount in yuan, qty, unit, kind
 * and optionally class, in any order, named by the header), sign them as
 * `provider` with s's key and send them in batches. A line that does not
 * make a valid record, or that the server refuses, is reported on err
 * with its line number and reason, and the rest still go in. Sending the
 * same file again is safe: records already in are duplicates. Returns 0,
 * or 3 if the connection failed. */
int report_csv(struct session *s, const char *provider, FILE *f, FILE *err,
               int progress, struct report_stats *st);

#endif
