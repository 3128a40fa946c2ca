#include "dispatch.h"

#include <stdio.h>
#include <string.h>

#include "batch.h"
#include "bureau.h"
#include "err.h"
#include "ingest.h"
#include "listing.h"
#include "session.h"

#define READ(id, fn)                                                           \
	{                                                                      \
		id, fn, NULL, NULL, NULL                                       \
	}
#define WRITE(id, prefix)                                                      \
	{                                                                      \
		id, NULL, prefix##_check, prefix##_finish, NULL                \
	}
/* a write that is a read when pred says so of the request */
#define WRITE_OR_READ(id, prefix, pred, fn)                                    \
	{                                                                      \
		id, fn, prefix##_check, prefix##_finish, pred                  \
	}

static int settle_is_dry(const struct req *r)
{
	return req_has(r, KEY_DRY);
}

/* In enum cmd_id's order (tests/daemon checks each row's id). */
const struct dispatch_row dispatch_rows[] = {
    READ(CMD_HELLO, session_hello),
    READ(CMD_AUTH, session_auth),
    READ(CMD_PING, session_ping),
    READ(CMD_QUIT, session_quit),
    WRITE(CMD_USAGE, ingest_usage),
    WRITE(CMD_BATCH, ingest_batch),
    WRITE(CMD_VOID, ingest_void),
    READ(CMD_BALANCE, listing_balance),
    READ(CMD_ACCRUAL, listing_accrual),
    READ(CMD_RECORDS, listing_records),
    READ(CMD_PROGRAMS, listing_programs),
    WRITE(CMD_REDEEM, ingest_redeem),
    WRITE(CMD_REGISTER, bureau_register),
    WRITE(CMD_ISSUE, bureau_issue),
    WRITE_OR_READ(CMD_SETTLE, bureau_settle, settle_is_dry,
                  listing_settle_preview),
    WRITE(CMD_REVOKE, bureau_revoke),
    WRITE(CMD_EXPIRE, bureau_expire),
    READ(CMD_POOL, listing_pool),
    READ(CMD_RECEIVABLES, listing_receivables),
    WRITE(CMD_PAY, bureau_pay),
    WRITE(CMD_PAYOUT, bureau_payout),
    WRITE(CMD_REPAY, bureau_repay),
    READ(CMD_JOURNAL, listing_journal),
    READ(CMD_CHECKPOINT, listing_checkpoint),
    WRITE(CMD_RELOAD, bureau_reload),
    READ(CMD_STATS, listing_stats),
    WRITE(CMD_AMEND, bureau_amend),
    WRITE(CMD_SUSPEND, bureau_suspend),
    WRITE(CMD_REINSTATE, bureau_suspend),
    WRITE(CMD_REKEY, bureau_rekey),
    READ(CMD_LINES, listing_lines),
};
_Static_assert(sizeof(dispatch_rows) / sizeof(dispatch_rows[0]) == CMD_COUNT,
               "one row per command of proto/cmd.h");

/* A write as a job for the commit queue; NULL (and the ERR written) if it
 * cannot be made. */
static struct job *new_job(struct conn *c, enum cmd_id id)
{
	struct job *j;

	/* fail-stop: nothing more is acknowledged */
	if (atomic_load(&c->s->failed)) {
		srv_err(c, VD_EINTERNAL, "the server is stopping");
		return NULL;
	}
	if ((j = commit_job_new()) == NULL) {
		srv_err(c, VD_ENOMEM, "out of memory");
		return NULL;
	}
	j->c = c;
	j->row = id;
	j->op.now = srv_now();
	/* who writes: the ledger refuses a suspended principal's write (失信:
	 * it can still authenticate and read) in the writer, the one place
	 * no SUSPEND can slip in between */
	if (!c->local_admin)
		snprintf(j->op.by, sizeof(j->op.by), "%s", c->id);
	return j;
}

/* A line of the BATCH being read; the job once its last line is in. */
static enum dispatch_next batch_line(struct conn *c, const char *line,
                                     size_t len, struct job **job)
{
	struct batch *b = c->batch;
	struct job *j;

	if (!batch_add(b, line, len, (size_t)c->s->cfg.max_line, c->id))
		return DISPATCH_DONE;
	c->batch = NULL;
	if (b->err && !b->silent) {
		if (b->bad)
			snprintf(c->why, sizeof(c->why), "line %zu: %s", b->bad,
			         b->why);
		else
			snprintf(c->why, sizeof(c->why), "%s", b->why);
		srv_err(c, b->err, c->why);
	}
	if (b->err || (j = new_job(c, CMD_BATCH)) == NULL) {
		batch_free(b);
		return DISPATCH_DONE;
	}
	batch_take(b, &j->op, j->own);
	/* the signature covers the lines as sent, checked by a worker */
	j->is_signed = 1;
	j->pub = c->pub;
	memcpy(j->op.key, c->key, sizeof(j->op.key));
	j->msg = j->op.u.batch.lines;
	j->msglen = j->op.u.batch.lines_len;
	memcpy(j->sig, b->sig, SIG_LEN);
	batch_free(b);
	*job = j;
	return DISPATCH_SUBMIT;
}

/* After a BATCH header was refused (and answered): its n lines are
 * consumed unanswered, so that the connection stays in step
 * (protocol.md). When n is unknown (the header's fault came before it,
 * or is in it) or over max_batch, the lines cannot be skipped and the
 * connection is closed; n=0 has none to skip. rc is the parser's. */
static enum dispatch_next skip_batch(struct conn *c, const struct req *r,
                                     int rc)
{
	if (!req_has(r, KEY_N))
		return rc == PROTO_ERANGE && r->err_key == KEY_N
		           ? DISPATCH_DONE
		           : DISPATCH_CLOSE;
	if (r->num[KEY_N] > c->s->cfg.max_batch)
		return DISPATCH_CLOSE;
	if ((c->batch = batch_new(r, VD_EDENIED)) == NULL) {
		srv_err(c, VD_ENOMEM, "out of memory");
		return DISPATCH_CLOSE;
	}
	return DISPATCH_DONE;
}

enum dispatch_next dispatch_line(struct conn *c, const char *line, size_t len,
                                 struct job **job)
{
	const struct dispatch_row *row;
	const char *why = NULL;
	char msg[REQ_MSG_MAX];
	struct job *j;
	struct req r;
	int rc;

	*job = NULL;
	c->s->st.requests++;
	if (c->batch)
		return batch_line(c, line, len, job);
	rc = req_parse(line, len, (size_t)c->s->cfg.max_line, REQ_LINE, &r);
	/* framing, tokens, the command: before authentication */
	if (rc < 0 && req_err_early(rc)) {
		srv_err(c, rc, req_message(&r, rc, msg, sizeof(msg)));
		return rc == PROTO_ETOOLONG ? DISPATCH_CLOSE : DISPATCH_DONE;
	}
	if (!(r.spec->roles & ROLE_BIT(c->role))) {
		srv_err(c, c->role == ROLE_NONE ? VD_EAUTH : VD_EDENIED,
		        c->role == ROLE_NONE ? "authenticate first"
		                             : "your role may not do this");
		return r.spec->id == CMD_BATCH ? skip_batch(c, &r, rc)
		                               : DISPATCH_DONE;
	}
	if (rc < 0 && r.spec->id == CMD_BATCH && r.err_key == KEY_N &&
	    rc == PROTO_EOVERFLOW) {
		/* over max_batch, however far (protocol.md) */
		srv_err(c, VD_ELIMIT, "batch over max_batch");
		return DISPATCH_CLOSE;
	}
	if (rc < 0) {
		srv_err(c, rc, req_message(&r, rc, msg, sizeof(msg)));
		return r.spec->id == CMD_BATCH ? skip_batch(c, &r, rc)
		                               : DISPATCH_DONE;
	}
	if (r.spec->id == CMD_BATCH && r.num[KEY_N] > c->s->cfg.max_batch) {
		/* its lines cannot be skipped safely */
		srv_err(c, VD_ELIMIT, "batch over max_batch");
		return DISPATCH_CLOSE;
	}
	row = &dispatch_rows[r.spec->id];
	if (row->read && (row->is_read == NULL || row->is_read(&r))) {
		/* a read waits until this connection's writes are answered,
		 * so that it sees them (and is counted when it runs) */
		if (c->npending > 0) {
			c->s->st.requests--;
			return DISPATCH_DEFER;
		}
		return row->read(c, &r);
	}
	if ((j = new_job(c, r.spec->id)) == NULL)
		return r.spec->id == CMD_BATCH ? skip_batch(c, &r, 0)
		                               : DISPATCH_DONE;
	j->pub = c->pub;
	/* a signed write is checked against the key in force when it is
	 * written (a REKEY may commit while it waits) */
	if (c->pub != NULL)
		memcpy(j->op.key, c->key, sizeof(j->op.key));
	rc = row->check(c, &r, j, &why);
	if (rc != 0) {
		commit_job_free(j);
		if (rc == DISPATCH_LATER)
			return DISPATCH_DONE;
		srv_err(c, rc, why);
		return r.spec->id == CMD_BATCH ? skip_batch(c, &r, 0)
		                               : DISPATCH_DONE;
	}
	*job = j;
	return DISPATCH_SUBMIT;
}

void dispatch_finish(struct conn *c, const struct job *j)
{
	const char *why = j->op.why ? j->op.why : err_str(j->rc);

	if (j->rc == PROTO_EBADSIG)
		srv_err(c, j->rc,
		        j->op.type == OP_BATCH
		            ? "batch signature does not verify"
		            : "signature does not verify");
	else if (j->rc < 0 && j->op.type == OP_BATCH &&
	         j->op.bad_index != SIZE_MAX) {
		snprintf(c->why, sizeof(c->why), "line %zu: %s",
		         j->op.bad_index + 1, why);
		srv_err(c, j->rc, c->why);
	} else if (j->rc < 0)
		srv_err(c, j->rc, why);
	else
		dispatch_rows[j->row].finish(c, j);
}
