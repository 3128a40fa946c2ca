/* The load's connections (soak_lane.c) and the threads that use them
 * (soak_load.c: sp0, sp1, sp2; soak_bureau.c: the bureau's). A lane is
 * one connection with its writes in flight, in order; every write is
 * logged (soak.h) when its reply comes or when the daemon dies first. */
#ifndef VD_SOAK_LANE_H
#define VD_SOAK_LANE_H

#include <pthread.h>

#include "record.h"
#include "soak.h"

#define LANE_DEPTH 8
#define LANE_VOIDS 4096

/* One load: what its threads share. */
struct load {
	const struct soak_cfg *c;
	struct soak_model m; /* read only while the threads run */
	FILE *log;
	pthread_mutex_t mu;
	int year;
	double until;
	char pol[512], bureau_key[512];
	long count[SS_N], reads, sighups, surprises;
	/* the model's records of this year not voided, by provider */
	size_t *mine[SOAK_PROVIDERS], nmine[SOAK_PROVIDERS];
};

/* One connection and the writes in flight on it, in order. */
struct lane {
	struct load *x;
	struct session *s;
	struct soak_op q[LANE_DEPTH], done;
	int head, n, dead;
	uint64_t rng;
};

/* The ids a thread has sent a VOID for, so that no record is voided
 * twice by it. */
struct lane_voids {
	char id[LANE_VOIDS][SOAK_ID];
	size_t n;
};

uint64_t lane_rnd(struct lane *l);
void lane_nap(struct lane *l, int lo_ms, int hi_ms);
/* Something the daemon must never do (an ERR INTERNAL, a write built to
 * be refused acknowledged, a reply that does not parse): printed, and
 * the load exits 1. */
void load_surprise(struct load *x, const char *what, const char *line);

/* Connect as id (k, or the bureau's key file when k is NULL); which
 * seeds the lane's random numbers. 0, or -1 (the lane is dead). */
int lane_open(struct lane *l, struct load *x, int which, const char *id,
              const struct sig_key *k);
/* Send a write (its bytes with their LF; lane_line adds the LF) and
 * queue op for its reply. 0, or -1 when the daemon is gone (every write
 * in flight is then logged unanswered). */
int lane_send(struct lane *l, const struct soak_op *op, const char *bytes,
              size_t len);
int lane_line(struct lane *l, const struct soak_op *op, const char *line);
/* The daemon died: every write in flight is logged unanswered. */
void lane_die(struct lane *l);
/* The oldest write's reply, logged: its op (valid until the next call),
 * or NULL when the daemon died. */
struct soak_op *lane_recv(struct lane *l);
/* Pipelined bursts, then a pause: below depth writes in flight a short
 * nap; at depth every reply is read, then a nap of lo to hi ms. So a
 * kill finds writes in flight, while the store grows slowly enough for
 * a thousand rounds (vouchd check reads the whole store after each). */
void lane_pace(struct lane *l, int depth, int lo_ms, int hi_ms);
/* The replies still due, then the connection closed. */
void lane_close(struct lane *l);

/* A time in period year (CST), before now. */
int64_t lane_at(struct lane *l, int year);
/* A record of provider p the model holds, of this year, not voided, or
 * NULL. */
const struct soak_rec *lane_pick(struct lane *l, int p);
/* The record of op (or of b, a batch's line) as its line, signed with k
 * when k is given; klass "" or a settlement slot's class. Its length or
 * a PROTO_E* code. */
int lane_record(const struct soak_op *op, const struct soak_line *b,
                const char *klass, const struct sig_key *k, char *out,
                size_t size);
/* A USAGE op of provider p with id: a new record of this year, or now
 * and then one the model holds (a duplicate), the same id with another
 * amount (CONFLICT) or a new one to be sent with a broken signature: 1
 * for that one, else 0. */
int lane_usage(struct lane *l, int p, const char *id, struct soak_op *op);
/* Sign and send op's record; badsig: one hex digit of the signature
 * changed. */
void lane_send_usage(struct lane *l, const struct sig_key *k,
                     const struct soak_op *op, const char *klass, int badsig);

int lane_voided(const struct lane_voids *v, const char *id);
/* Note id; -1 when the set is full (nothing more is voided). */
int lane_void_add(struct lane_voids *v, const char *id);

/* The bureau's threads (soak_bureau.c). */
void bureau_settle(struct load *x);
void bureau_reload(struct load *x);
void bureau_read(struct load *x);

#endif
