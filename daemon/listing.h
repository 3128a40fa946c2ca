/* The reads: BALANCE, ACCRUAL, RECORDS, PROGRAMS, POOL, RECEIVABLES,
 * JOURNAL, LINES, CHECKPOINT and STATS. Rows of the table in dispatch.c, run on
 * the loop thread; each checks its arguments, reads (one LMDB read
 * transaction, so one snapshot of the last commit: BALANCE, ACCRUAL and
 * RECORDS in the loop's reader, s->rd, renewed for the request), and
 * writes its whole reply into c->out, rows and all (nothing else is
 * allocated for BALANCE). A listing is "OK n=N ..." and N rows; one
 * whose rows pass c->out's bound is TOOBIG, nothing of it sent. An org
 * sees only its own, a provider what concerns it, the bureau everything;
 * naming someone else is DENIED. */
#ifndef VD_LISTING_H
#define VD_LISTING_H

#include "dispatch.h"

enum dispatch_next listing_balance(struct conn *c, const struct req *r);
enum dispatch_next listing_accrual(struct conn *c, const struct req *r);
enum dispatch_next listing_records(struct conn *c, const struct req *r);
enum dispatch_next listing_programs(struct conn *c, const struct req *r);
enum dispatch_next listing_pool(struct conn *c, const struct req *r);
/* SETTLE dry=1: the settlement computed, nothing written */
enum dispatch_next listing_settle_preview(struct conn *c, const struct req *r);
enum dispatch_next listing_receivables(struct conn *c, const struct req *r);
enum dispatch_next listing_journal(struct conn *c, const struct req *r);
/* LINES seq=S [after=I] [limit=N]: the signed lines of the BATCH whose
 * journal entry is S, "LINE i=.. text=<pct-encoded, without its LF>",
 * with next=<the last i> when more follow; NOTFOUND when S is no batch
 * entry */
enum dispatch_next listing_lines(struct conn *c, const struct req *r);
enum dispatch_next listing_checkpoint(struct conn *c, const struct req *r);
enum dispatch_next listing_stats(struct conn *c, const struct req *r);

#endif
