/* The provider's writes: USAGE and VOID (signed lines), BATCH (a signed
 * header and n record lines, batch.h) and REDEEM. Rows of the table in
 * dispatch.c: each check turns a request into a job, each finish writes
 * the OK of a committed one. A provider writes only in its own name. */
#ifndef VD_INGEST_H
#define VD_INGEST_H

#include "dispatch.h"

int ingest_usage_check(struct conn *c, const struct req *r, struct job *j,
                       const char **why);
void ingest_usage_finish(struct conn *c, const struct job *j);
int ingest_void_check(struct conn *c, const struct req *r, struct job *j,
                      const char **why);
void ingest_void_finish(struct conn *c, const struct job *j);
/* Starts c->batch (DISPATCH_LATER): the job is made by dispatch_line
 * when the last line is in (batch_take). */
int ingest_batch_check(struct conn *c, const struct req *r, struct job *j,
                       const char **why);
void ingest_batch_finish(struct conn *c, const struct job *j);
int ingest_redeem_check(struct conn *c, const struct req *r, struct job *j,
                        const char **why);
void ingest_redeem_finish(struct conn *c, const struct job *j);

#endif
