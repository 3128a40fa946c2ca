/* Internal to daemon/: the server's state and one connection's, and the
 * few helpers every part of the server uses (logging, the clock, writing
 * an ERR). Of daemon/, srv.c calls only errmap.c, so any daemon file may
 * include this without a cycle.
 *
 * Threads: everything here belongs to the event-loop thread, except
 * `failed`, which the commit thread sets (an atomic, read by the loop),
 * `l`, which the commit thread writes through (ledger.h says how reads
 * beside it are safe), and `q`, the commit module's (its own lock). */
#ifndef VD_SRV_H
#define VD_SRV_H

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <stdatomic.h>
#include <stdint.h>

#include "config.h"
#include "errmap.h"
#include "ledger.h"
#include "policy.h"
#include "reply.h"
#include "req.h"
#include "sig.h"

#define SRV_MAX_LISTEN CONFIG_MAX_LISTEN

/* The loop's counters (STATS, /metrics); commits is the commit thread's
 * count of transactions committed, copied at each of its wake-ups. */
struct srv_stats {
	uint64_t connections, requests, records, duplicates, batches;
	uint64_t commits, errors;
	uint64_t errors_by[ERRMAP_NWORDS]; /* per ERR word, errmap order */
};

struct commitq;
struct batch;
struct slot;

struct page;
struct httpd;

#define SRV_PEER_MAX 80 /* a peer's name (srv_peer_name), with its NUL */

struct server {
	struct config cfg;
	struct event_base *base;
	struct ledger *l;
	/* the loop thread's read transaction, renewed for each BALANCE,
	 * ACCRUAL and RECORDS (reads.h); made in server_new, freed in
	 * server_free, both on the loop's thread */
	struct ledger_reader *rd;
	/* the policy the loop reads (PROGRAMS); the commit thread swaps the
	 * ledger's between two group commits and the loop follows when the
	 * swap is answered (reload.h) */
	struct policy *pol;
	struct sig_key *key;
	uint8_t pub[SIG_PUB_LEN];
	struct evconnlistener *lis[SRV_MAX_LISTEN];
	int nlis;
	int lis_unix[SRV_MAX_LISTEN];
	int lis_tls[SRV_MAX_LISTEN];
	struct ssl_ctx_st *tls; /* SSL_CTX when tls_cert/tls_key are set */
	struct event *ev_term, *ev_int, *ev_hup, *ev_expire;
	struct event *ev_trim; /* srv_trim_later */
	/* accept.h: the reserve descriptor, the pause after EMFILE, the
	 * last second an accept failure was logged */
	int reserve_fd;
	struct event *ev_resume;
	int64_t accept_logged;
	struct conn *conns;
	size_t nconns;
	struct srv_stats st;
	int stopping;
	/* fail-stop: a commit failed; nothing more is acknowledged. Set by
	 * the commit thread, read by the loop. */
	atomic_int failed;
	int failed_told;
	size_t inflight; /* writes submitted and not yet answered (loop) */
	struct commitq *q;
	struct httpd *metrics; /* /metrics (metrics.h) */
	struct httpd *web;     /* the bureau's page (web.h) */
	/* the page's figures gathered per period, reused for
	 * WEB_CACHE_SECONDS (web.c): a gather blocks the loop */
	struct web_cached {
		int32_t period;
		int64_t at;
		struct page *pg;
	} web_cache[4]; /* WEB_CACHE_N */
	unsigned next_worker;
	/* failed AUTHs per (address, id): one client failing as one id
	 * slows that id from that address, not everyone behind it */
	struct auth_fail {
		char addr[64];
		char id[LEDGER_ID + 1];
		int failures;
		int64_t until;
	} fails[256];
};

/* A connection's state; conn.c moves it and decides from it alone
 * whether to read (conn.h). */
enum conn_state {
	CONN_READING, /* reading and answering requests */
	CONN_WAITING, /* a read waits until this connection's writes are
	                 answered, so that it sees them */
	CONN_OUTPUT,  /* over output_limit: not read until the peer reads */
	CONN_CLOSING, /* nothing more is read; close once all is sent */
	CONN_LOST,    /* a reply could not be kept (out of memory): the
	                 client would take the next one for it, so nothing
	                 more is read or sent; close once the queued writes
	                 are answered and what was sent before has left */
	CONN_DEAD     /* the socket is gone; the struct waits for the
	                 replies of its queued writes, then is freed */
};

struct conn {
	struct server *s;
	enum conn_state state;
	struct bufferevent *bev;
	struct conn *prev, *next;
	char peer[SRV_PEER_MAX];
	enum role role; /* role.h; ROLE_NONE until AUTH */
	char id[LEDGER_ID + 1];
	/* the Unix socket's administrator (unix_bureau): a bureau session
	 * that is no registered principal, never suspended */
	int local_admin;
	struct sig_pub *pub; /* the AUTH key; kept while writes are queued */
	uint8_t key[32];     /* its bytes: the ledger compares them with the
	                        key in force when it writes a signed record */
	char nonce[65];
	char why[400]; /* a refusal's reason built for this request */
	struct event *deadline;
	/* the output deadline: the first output_limit of the reply bytes
	 * waiting when it was set (all if fewer) must be written within
	 * idle_timeout (a reader taking a byte a second restarted the
	 * bufferevent's write timeout each time, and held output_limit of
	 * replies for ever) */
	struct event *out_deadline;
	uint64_t out_added;  /* reply bytes ever handed to the socket */
	uint64_t out_mark;   /* what out_added must reach by the deadline */
	size_t out_peak;     /* the most reply bytes it had waiting */
	int eof;             /* the peer shut its sending side */
	int is_unix;         /* on a Unix socket: not counted per peer */
	int handshaking;     /* TLS, handshake not done: on c->deadline too */
	struct batch *batch; /* a BATCH whose lines are being read */
	int tls;             /* every reply through the bufferevent */
	struct rbuf out;     /* the reply being built */
	struct rbuf pend;    /* plain sockets: replies of this read, not
	                        yet written (its memory kept for the next) */
	struct event *push;  /* writes pend once the current callbacks end */
	struct slot *slots, *slots_tail; /* replies in request order */
	size_t npending;                 /* writes queued, not answered */
	unsigned worker; /* the signature worker serving this connection */
	/* the line being served: grown on demand up to max_line + 1, so an
	 * idle connection costs a few KiB, not max_line (conn.c) */
	char *line;
	size_t line_cap;
};

void srv_log(struct server *s, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int64_t srv_now(void);

/* Count an ERR under its word (STATS, /metrics). */
void srv_count_error(struct server *s, const char *word);

/* The one way an ERR reply is written: "ERR WORD msg" appended to c->out,
 * WORD from errmap_word(code), counted under it. msg is the reason set
 * where the refusal was decided; NULL: err_str(code). */
void srv_err(struct conn *c, int code, const char *msg);

/* When stopping and every connection is closed and every write answered:
 * leave the loop. */
void srv_maybe_exit(struct server *s);

struct sockaddr;
/* Whether a listener's address is loopback (127/8, ::1): where
 * `plaintext = loopback` allows plain TCP (server.c) and plain HTTP
 * (web.c). */
int srv_is_loopback(const struct sockaddr *sa);

/* Memory freed goes back to the system a second from now (malloc_trim:
 * glibc keeps what is freed for reuse), once for many frees together;
 * for a connection that held SRV_TRIM_BYTES of replies or more. Not at
 * once: libevent frees a bufferevent's buffers after the current round
 * of callbacks. */
#define SRV_TRIM_BYTES (256u << 10)
void srv_trim_later(struct server *s);
/* s->ev_trim's callback */
void srv_trim_cb(evutil_socket_t fd, short what, void *arg);

/* A peer's name for the log and for counting per address: "a.b.c.d:port",
 * "[v6]:port", or "unix" for any other family. */
void srv_peer_name(const struct sockaddr *sa, char *buf, size_t size);

/* The host part of such a name ("a.b.c.d", "[v6]"): its length. */
size_t srv_peer_host(const char *peer);

/* A connected socket as a bufferevent on s->base, TLS (accepting, with
 * s->tls) or plain; NULL if it cannot be made, the fd then still the
 * caller's. Either frees the fd with the bufferevent. */
struct bufferevent *srv_bev_new(struct server *s, int fd, int tls);

#endif
