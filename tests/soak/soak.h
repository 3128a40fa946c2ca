/* soakload: the load and the checker of the kill -9 soak (soak.sh).
 *
 * A round is: `soakload load` drives a running vouchd with mixed writes
 * from several connections until the script kills it with SIGKILL, and
 * logs each write it sent with what became of it (acknowledged, refused,
 * or unanswered when the daemon died); after the restart `soakload
 * verify` holds the store to that log and to the model of everything
 * verified in the rounds before (model.txt in the state directory), then
 * adds the round to the model.
 *
 * Principals (keys derived from fixed seeds, bench/gen.h): providers sp0
 * (signed USAGE), sp1 (BATCH), sp2 (USAGE, REDEEM and VOID), sp3 (the
 * records of the round's settlement slot); orgs so0 .. so7; the bureau
 * with the key `vouchd init` wrote. */
#ifndef VD_SOAK_H
#define VD_SOAK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "chain.h"
#include "reply.h"
#include "session.h"

#define SOAK_PROVIDERS 4
#define SOAK_ORGS 8
#define SOAK_ANNUAL 24 /* soak-annual-00 .. -23, one class each (soak.ini) */
#define SOAK_NAME 16   /* principal ids: sp0, so7 */
#define SOAK_ID 65     /* record ids, refs, voucher ids, batch tags */
#define SOAK_BATCH_MAX 20
#define SOAK_RATE_BP 2000 /* soak-voucher pays 20% of each bill */

/* the pool's budget for the current period in each of the two variants
 * of pool.ini, in yuan as the file says it */
#define SOAK_BUDGET_YUAN(v) (1000000000LL + (int64_t)(v)*1000000LL)

enum soak_kind {
	SK_USAGE,
	SK_BATCH,
	SK_REDEEM,
	SK_VOID,
	SK_SETTLE,
	SK_RELOAD,
	SK_N
};
extern const char *const soak_kind_name[SK_N];

/* What became of a write. */
enum soak_st { SS_ACK, SS_REFUSED, SS_UNANSWERED, SS_N };
extern const char *const soak_st_name[SS_N];

/* One record of a BATCH. */
struct soak_line {
	char id[SOAK_ID], org[SOAK_NAME];
	int period, duplicate; /* duplicate: a record the model holds */
	int64_t at, amount;
};

/* One write as the log has it. Which fields mean something depends on
 * kind: a usage or void names provider and id (the record), a redeem its
 * ref in id, a batch its tag in id and its records in lines, a settle
 * program and period, a reload the pool.ini variant it put in force. */
struct soak_op {
	int kind, st;
	int want_refused; /* built to be refused: bad signature, FUNDS, ... */
	int duplicate;    /* a USAGE of a record the model holds */
	char provider[SOAK_NAME], id[SOAK_ID], org[SOAK_NAME];
	char record[SOAK_ID], voucher[SOAK_ID], program[SOAK_ID];
	int period, variant;
	int64_t at, amount, seq, accepted;
	char reply[96]; /* the start of the reply, for messages */
	int n;
	struct soak_line lines[SOAK_BATCH_MAX];
};

/* The model: what the store holds after the rounds verified so far. */
struct soak_rec {
	char provider[SOAK_NAME], id[SOAK_ID], org[SOAK_NAME];
	int period, voided;
	int64_t at, amount; /* a record is unit gpu-hour, qty 1, training */
};

struct soak_red {
	char provider[SOAK_NAME], ref[SOAK_ID], record[SOAK_ID];
	char voucher[SOAK_ID];
	int64_t amount;
};

struct soak_slot {
	char program[SOAK_ID];
	int period;
};

struct soak_model {
	int64_t round; /* the last round verified */
	uint64_t head; /* the journal's head then, and its hash */
	uint8_t hash[CHAIN_HASH_LEN];
	int64_t checked[SK_N];   /* acknowledged changes verified */
	int64_t refused_checked; /* refused writes found absent */
	int64_t unanswered[2];   /* unanswered writes: absent, present */
	int64_t kills, entries;  /* rounds killed; journal entries read */
	struct soak_rec *rec;
	size_t nrec, caprec;
	struct soak_red *red;
	size_t nred, capred;
	struct soak_slot *slot;
	size_t nslot, capslot;
	uint32_t *index; /* open addressing: record index + 1, 0 empty */
	size_t icap;
};

/* soak_model.c */
int model_load(struct soak_model *m, const char *path);
int model_save(const struct soak_model *m, const char *path);
void model_free(struct soak_model *m);
struct soak_rec *model_find(const struct soak_model *m, const char *provider,
                            const char *id);
/* Add a record (not there yet); NULL when memory runs out. */
struct soak_rec *model_add(struct soak_model *m, const char *provider,
                           const char *id, const char *org, int period,
                           int64_t at, int64_t amount);
int model_add_red(struct soak_model *m, const struct soak_op *op);
int model_add_slot(struct soak_model *m, const char *program, int period);
int model_has_slot(const struct soak_model *m, const char *program, int period);

/* The log of a round: one row per write, "USAGE st=ack k=v ...", a
 * batch's records as BREC rows after it. */
void soak_log_write(FILE *f, const struct soak_op *op);
/* Every op of the file into *ops (malloc'd); the count, or -1. */
long soak_log_read(const char *path, struct soak_op **ops);

/* Helpers of the load and the checker (soakload.c). */
const char *soak_org(int i, char buf[SOAK_NAME]);
const char *soak_provider(int i, char buf[SOAK_NAME]);
int soak_year(void); /* the CST year now: the period of today's bills */
/* The pool.ini of variant v in dir: written whole under another name,
 * then renamed over the old one, so a reload reads one or the other. */
int soak_write_pool(const char *dir, int variant);
/* The variant dir/pool.ini holds, or -1. */
int soak_read_pool(const char *dir);
/* A session authenticated as id (key, or the bureau's key file): the
 * connection is tried for up to wait seconds. NULL with a message. */
struct session *soak_open(const char *addr, const char *id,
                          const struct sig_key *key, const char *keyfile,
                          double wait);
void soak_close(struct session *s);
/* Send line, read one reply and, for a listing, its rows, each given to
 * fn (when not NULL) parsed. The reply line (a copy, valid until the
 * thread's next call), or NULL when the connection is gone or a row does
 * not parse. */
typedef int (*soak_row_fn)(void *arg, const struct reply *row);
const char *soak_list(struct session *s, const char *line, soak_row_fn fn,
                      void *arg);
const char *soak_req(struct session *s, const char *line);
/* Copy up to size - 1 bytes of a reply's value of key into out ("" if
 * absent). */
void soak_get(const struct reply *r, const char *key, char *out, size_t size);

/* The subcommands: each returns the exit code, 0 or 1 (a failure,
 * printed on stderr). setup (soakload.c) registers the principals and
 * sends one bill per org (round 0); load (soak_load.c) is a round's load;
 * verify (soak_verify.c) checks a round after the restart and adds it to
 * the model; final (soak_vfy.c) reads the whole journal against the
 * whole model. */
struct soak_cfg {
	const char *dir, *addr;
	int64_t round;
	uint64_t seed;
	int pid;         /* vouchd's, for SIGHUP; 0: RELOAD only */
	double max_secs; /* the load stops by itself after this long */
};
int soak_setup(const struct soak_cfg *c);
int soak_load(const struct soak_cfg *c);
int soak_verify(const struct soak_cfg *c);
int soak_final(const struct soak_cfg *c);

#endif
