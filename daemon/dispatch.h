/* Requests: a line becomes a parsed request, is checked in protocol.md's
 * order, and is then either answered at once (a read) or turned into a
 * job for the commit queue (a write). Who may send a command is the
 * protocol's table (proto/cmd.c, cmd_table[].roles: the wire contract,
 * which vouchctl's tests and the parser's read); how the daemon serves it
 * is a row of the table here, indexed by the same enum cmd_id:
 *
 *   read    a read, on the loop thread: checks its arguments and writes
 *           its whole reply into c->out
 *   check   a write: checks its arguments and fills a job (its ledger_op,
 *           what the job owns, a signature to verify); returns 0, or a
 *           negative code with the reason in *why, or DISPATCH_LATER when
 *           the request is not whole yet (a BATCH header)
 *   finish  a write's OK, into c->out, once its commit is on disk; a
 *           refusal is written by dispatch_finish for every row alike:
 *           ERR with the reason the ledger set where it refused
 *           (j->op.why), "line N: " before it for a BATCH
 *   is_read a write that is a read in one form (SETTLE dry=1): when it
 *           says so of a request, read serves it as a read
 *
 * Nothing here does I/O: conn.c reads lines, calls dispatch_line, and
 * writes what it leaves in c->out; it queues the jobs it is handed. */
#ifndef VD_DISPATCH_H
#define VD_DISPATCH_H

#include <stddef.h>

#include "commit.h"
#include "srv.h"

enum dispatch_next {
	DISPATCH_DONE,   /* answered: c->out holds the reply (maybe none) */
	DISPATCH_SUBMIT, /* *job is a write to queue; its reply comes from
	                    its finish */
	DISPATCH_DEFER,  /* a read behind this connection's queued writes:
	                    put the line back and read it once they are
	                    answered */
	DISPATCH_CLOSE   /* answered; close once the replies are sent */
};

#define DISPATCH_LATER 1 /* check: more lines belong to the request */

struct dispatch_row {
	enum cmd_id id;
	enum dispatch_next (*read)(struct conn *c, const struct req *r);
	int (*check)(struct conn *c, const struct req *r, struct job *j,
	             const char **why);
	void (*finish)(struct conn *c, const struct job *j);
	int (*is_read)(const struct req *r);
};

/* The rows, indexed by enum cmd_id. */
extern const struct dispatch_row dispatch_rows[CMD_COUNT];

/* One line of c (a request, or a line of the BATCH being read). On
 * DISPATCH_SUBMIT *job is a new job with job->c, job->row and its op set;
 * the caller queues it. */
enum dispatch_next dispatch_line(struct conn *c, const char *line, size_t len,
                                 struct job **job);

/* Write the reply of a finished job into c->out: its row's finish, or
 * the ERR of a refusal. Not for a failed server (nothing is answered). */
void dispatch_finish(struct conn *c, const struct job *j);

#endif
