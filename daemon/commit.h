/* The one write path. Every change to the ledger while the daemon serves
 * is a job submitted here: a client's write, the expiry sweep, a policy
 * swap (RELOAD, SIGHUP, the start). A commit thread runs the jobs queued
 * as one LMDB transaction, synced once (a group commit), and closes a
 * group when its oldest job has waited commit_wait_us (0: at once, with
 * what arrived while the previous commit ran) or when the group's records
 * reach commit_batch (a BATCH counts its n, any other job 1; a group
 * takes its first job however heavy), whichever comes first; a policy
 * swap runs alone, between two group commits. A client's jobs first go to a
 * signature worker, the same one for all of a connection's jobs, signed or not,
 * so that they reach the commit thread in the order the client sent them; a
 * signed job's signature is checked there.
 *
 * When its commit is on disk (or the job was refused) the job's `done` is
 * called on the event-loop thread, then the job and what it owns are
 * freed. A commit that fails (for any reason but a full map, which the
 * ledger grows) sets server->failed: from then on no job is run and every
 * `done` sees it (fail-stop; the loop is left, nothing more is
 * acknowledged). */
#ifndef VD_COMMIT_H
#define VD_COMMIT_H

#include <stddef.h>
#include <stdint.h>

#include "srv.h"

struct job {
	struct job *next;   /* the queues' link: the commit module's */
	uint64_t queued_us; /* when it reached the commit queue (monotonic):
	                       the commit module's */
	struct ledger_op op;
	/* filled by whoever submits: */
	struct conn *c;    /* the client it answers, or NULL */
	struct slot *slot; /* its place in c's reply order */
	unsigned row;      /* the command (dispatch.h), for its finish */
	void (*done)(struct job *j); /* on the loop thread, once */
	void *own[2];                /* freed with the job (lines, records) */
	/* a signed write: a worker checks sig over msg with pub first */
	int is_signed;
	const struct sig_pub *pub; /* lives while c has writes queued */
	const void *msg;           /* in an owned buffer */
	size_t msglen;
	uint8_t sig[SIG_LEN];
	/* a policy swap (op.type OP_POLICY): the commit thread makes pol the
	 * ledger's and runs the op (op.status DUPLICATE: the store already
	 * recorded it). On failure the previous policy is put back. */
	struct policy *pol;
	/* the result, for done: */
	int rc;    /* 0, the op's refusal, PROTO_EBADSIG, or the commit's
	              failure (then server->failed is set) */
	void *arg; /* the submitter's */
};

/* A zeroed job, or NULL if out of memory. */
struct job *commit_job_new(void);
/* Free a job that was never submitted, with what it owns. */
void commit_job_free(struct job *j);

/* Start the commit thread and the signature workers. On failure every
 * thread and resource made so far is released and s->q stays NULL. */
int commit_start(struct server *s);
/* Run what is queued, answer it, stop the threads, free the queue. */
void commit_stop(struct server *s);

/* Queue j (it belongs to the queue from now on; j->done frees nothing).
 * s->inflight counts it until its done has run. Never fails. */
void commit_submit(struct server *s, struct job *j);

/* Before the loop runs (server start): run j and wait for it; j->done is
 * not called, j stays the caller's. A policy swap that succeeded moves
 * j->pol to s->pol (j->pol is then NULL), as for a submitted one.
 * Returns j->rc. */
int commit_run(struct server *s, struct job *j);

/* Commit latency histogram: upper bounds in microseconds (1 ms .. 1 s),
 * counts per bucket with the last for slower commits. */
#define COMMIT_BUCKETS 10
extern const uint64_t commit_bucket_us[COMMIT_BUCKETS];
void commit_latency(struct server *s, uint64_t counts[COMMIT_BUCKETS + 1],
                    uint64_t *sum_us, uint64_t *n);

#endif
