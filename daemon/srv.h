/* Internal to daemon/: the server's state and one connection's, shared by
 * server.c (lifecycle, listeners, signals), conn.c (framing, limits) and
 * handlers.c (commands). */
#ifndef VD_SRV_H
#define VD_SRV_H

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <stdint.h>

#include "config.h"
#include "errmap.h"
#include "ledger.h"
#include "policy.h"
#include "reply.h"
#include "req.h"
#include "sig.h"

#define SRV_MAX_LISTEN CONFIG_MAX_LISTEN

struct srv_stats {
	uint64_t connections, requests, records, duplicates, batches;
	uint64_t commits, errors;
	uint64_t errors_by[ERRMAP_NWORDS]; /* per ERR word, errmap order */
};

struct conn;
struct commitq;

/* A reply in a connection's order: written when every reply before it
 * has been. */
struct slot {
	struct slot *next;
	int ready;
	char *data;
	size_t len;
};

struct server {
	struct config cfg;
	struct event_base *base;
	struct ledger *l;
	struct policy *pol;
	struct sig_key *key;
	uint8_t pub[SIG_PUB_LEN];
	struct sig_verifier *ver;
	struct evconnlistener *lis[SRV_MAX_LISTEN];
	int nlis;
	int lis_unix[SRV_MAX_LISTEN];
	int lis_tls[SRV_MAX_LISTEN];
	struct ssl_ctx_st *tls; /* SSL_CTX when tls_cert/tls_key are set */
	struct event *ev_term, *ev_int, *ev_hup, *ev_expire;
	struct conn *conns;
	size_t nconns;
	struct srv_stats st;
	int stopping;
	int failed; /* fail-stop: a commit failed; acknowledge nothing more */
	int failed_told;
	struct commitq *q;
	struct evhttp *http;
	unsigned next_worker;
	/* AUTH failures per address (without port): slowed down */
	struct auth_fail {
		char addr[64];
		int failures;
		int64_t until;
	} fails[256];
};

struct conn {
	struct server *s;
	struct bufferevent *bev;
	struct conn *prev, *next;
	char peer[80];
	unsigned role; /* enum role (role.h) */
	char id[LEDGER_ID + 1];
	struct sig_pub *pub;
	char nonce[65];
	int closing;
	struct event *deadline;
	/* a BATCH being read: its header, then n record lines */
	int in_batch;
	size_t batch_n, batch_got, batch_bad;
	int batch_err;
	int batch_answered; /* refused at its header: consume, say nothing */
	char batch_hdr[REQ_MAX_LINE + 1];
	size_t batch_hdr_len;
	char *lines;
	size_t lines_len, lines_cap;
	struct ledger_record *recs;
	struct rbuf out;       /* the reply being built */
	struct evbuffer *pend; /* replies of this read, not yet written */
	struct event *push;    /* writes pend once the current callbacks end */
	struct slot *slots, *slots_tail; /* replies waiting for commits */
	size_t npending;                 /* writes queued, not answered */
	int paused;      /* a read waits for this connection's writes */
	int dead;        /* closed; freed when its last write completes */
	unsigned worker; /* the signature worker serving this connection */
	int tls;         /* replies go through the bufferevent only */
	char line[REQ_MAX_LINE + 2];
};

/* server.c */
void srv_log(struct server *s, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int64_t srv_now(void);
/* Count an ERR reply under its word (STATS, /metrics). */
void srv_count_error(struct server *s, const char *word);
int srv_reload(struct server *s, char *err, size_t len);
/* When stopping and everything is committed and sent: leave the loop. */
void srv_maybe_exit(struct server *s);

/* conn.c */
void conn_accept(struct server *s, int fd, const char *peer, int is_unix,
                 int tls);
void conn_close(struct conn *c);
/* The one way an ERR reply is written: counted under its word (STATS,
 * /metrics), then "ERR WORD msg" appended to the reply being built. */
void conn_err(struct conn *c, const char *word, const char *msg);
/* Send what c->out holds (after any reply still waiting) and reset it. */
void conn_flush(struct conn *c);
/* A place in c's reply order for a queued write. */
struct slot *conn_reserve(struct conn *c, void *pending);
/* A queued write was committed (or refused): fn writes its reply into
 * the slot (fn NULL: no reply, the server is failing). */
void conn_complete(struct conn *c, struct slot *slot,
                   void (*fn)(struct conn *, struct ledger_op *, int),
                   struct ledger_op *op, int rc);
/* Put a line back and stop reading until c's writes are answered. */
void conn_defer(struct conn *c, const char *line, size_t len);
int conn_drained(const struct conn *c);

/* handlers.c: one request line (or a batch line) of c */
void handlers_line(struct conn *c, const char *line, size_t len);

#endif
