/* Group commit: writes are queued by the event loop, and a commit thread
 * runs every write that arrived while the previous commit was in
 * progress (up to commit_batch) as one LMDB transaction, synced once.
 * Only then does the loop send their replies, each in its connection's
 * request order. A commit that fails for any reason but a full map (which
 * the ledger handles) stops the server from acknowledging anything more
 * (fail-stop). */
#ifndef VD_COMMIT_H
#define VD_COMMIT_H

#include "srv.h"

/* Writes the reply of a committed (or refused, rc < 0) operation into
 * c->out. */
typedef void (*commit_finish)(struct conn *c, struct ledger_op *op, int rc);

int commit_start(struct server *s);
/* Commit what is queued, then stop the thread. */
void commit_stop(struct server *s);

/* Queue a copy of op for c. `owned` buffers (may be NULL) belong to the
 * queued write from now on and are freed after its reply. */
int commit_submit(struct conn *c, const struct ledger_op *op, commit_finish fn,
                  void *owned1, void *owned2);

/* The same for a signed write: a signature worker (the connection's)
 * verifies sig over msg with c's key off the event loop first; a bad
 * signature is answered through fn with PROTO_EBADSIG. msg must live in
 * an owned buffer. */
int commit_submit_signed(struct conn *c, const struct ledger_op *op,
                         commit_finish fn, void *owned1, void *owned2,
                         const void *msg, size_t msglen,
                         const uint8_t sig[SIG_LEN]);

/* Commit latency histogram: upper bounds in microseconds (1 ms .. 1 s),
 * counts per bucket with the last for slower commits. */
#define COMMIT_BUCKETS 10
extern const uint64_t commit_bucket_us[COMMIT_BUCKETS];
void commit_latency(struct server *s, uint64_t counts[COMMIT_BUCKETS + 1],
                    uint64_t *sum_us, uint64_t *n);

/* 1 when nothing is queued or being committed. */
int commit_idle(struct server *s);

/* Run fn(arg) on the ledger between group commits (policy swaps, the
 * expiry sweep), from the loop thread. */
void commit_exclusive(struct server *s, void (*fn)(void *), void *arg);

#endif
