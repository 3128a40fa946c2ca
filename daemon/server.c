/* Server lifecycle: the store and policy, the server key, listeners,
 * signals, the expiry timer, systemd notification and logging. */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <netdb.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "accept.h"
#include "commit.h"
#include "conn.h"
#include "err.h"
#include "metrics.h"
#include "reads.h"
#include "reload.h"
#include "srv.h"
#include "web.h"

#define EXPIRE_EVERY 60 /* seconds between expiry sweeps */

/* systemd's notify protocol: one datagram to $NOTIFY_SOCKET */
static void sd_notify_msg(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t len;
	int fd;

	if (path == NULL || (path[0] != '/' && path[0] != '@') ||
	    strlen(path) >= sizeof(sa.sun_path))
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path));
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	len =
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa,
	           len) < 0) {
		/* nothing to do: systemd will time out and say so */
	}
	close(fd);
}

/* The policy directory as the ledger's policy, through the commit
 * thread: before the loop runs (the start), waiting for it. */
static int first_policy(struct server *s, char *err, size_t len)
{
	struct job j;
	int rc;

	memset(&j, 0, sizeof(j));
	if ((rc = reload_prepare(s, &j, err, len)) < 0)
		return rc;
	rc = commit_run(s, &j);
	policy_free(j.pol); /* NULL when the loop took it */
	if (rc < 0) {
		snprintf(err, len, "the policy cannot be put in force: %s",
		         j.op.why ? j.op.why : err_str(rc));
		return rc;
	}
	srv_log(s, 2, "policy %s: %zu programs%s", s->cfg.policies,
	        s->pol->nprograms,
	        j.op.status == LEDGER_ACCEPTED ? " (journaled)" : "");
	return 0;
}

static void reload_done(struct job *j)
{
	struct server *s = j->arg;

	if (j->rc < 0)
		srv_log(s, 1, "reload refused, policy in force kept: %s",
		        j->op.why ? j->op.why : err_str(j->rc));
	else
		srv_log(s, 2, "policy %s: %zu programs%s", s->cfg.policies,
		        s->pol->nprograms,
		        j->op.status == LEDGER_ACCEPTED ? " (journaled)" : "");
}

/* SIGHUP: as RELOAD, answered in the log. */
static void hup_cb(evutil_socket_t sig, short what, void *arg)
{
	struct server *s = arg;
	struct job *j;
	char err[400];

	(void)sig;
	(void)what;
	if (atomic_load(&s->failed) || (j = commit_job_new()) == NULL)
		return;
	if (reload_prepare(s, j, err, sizeof(err)) < 0) {
		srv_log(s, 1, "reload refused, policy in force kept: %s", err);
		commit_job_free(j);
		return;
	}
	j->done = reload_done;
	j->arg = s;
	commit_submit(s, j);
}

static void accept_cb(struct evconnlistener *lis, evutil_socket_t fd,
                      struct sockaddr *sa, int salen, void *arg)
{
	struct server *s = arg;
	char host[SRV_PEER_MAX] = "unix";
	int i, is_unix = sa->sa_family == AF_UNIX, tls = 0;

	(void)salen;
	for (i = 0; i < s->nlis; i++)
		if (s->lis[i] == lis) {
			is_unix = s->lis_unix[i];
			tls = s->lis_tls[i];
		}
	if (!is_unix)
		srv_peer_name(sa, host, sizeof(host));
	conn_accept(s, fd, host, is_unix, tls);
}

static int listen_one(struct server *s, const char *spec, char *err, size_t len)
{
	unsigned flags =
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC;
	struct evconnlistener *lis;
	int is_unix = strncmp(spec, "unix:", 5) == 0;

	if (s->nlis == SRV_MAX_LISTEN)
		return VD_ELIMIT;
	if (is_unix) {
		struct sockaddr_un sa;
		const char *path = spec + 5;
		if (strlen(path) == 0 || strlen(path) >= sizeof(sa.sun_path)) {
			snprintf(err, len, "listen %s: bad socket path", spec);
			return VD_EINVAL;
		}
		memset(&sa, 0, sizeof(sa));
		sa.sun_family = AF_UNIX;
		memcpy(sa.sun_path, path, strlen(path));
		unlink(path); /* a socket left by a previous run */
		lis =
		    evconnlistener_new_bind(s->base, accept_cb, s, flags, 128,
		                            (struct sockaddr *)&sa, sizeof(sa));
		if (lis)
			chmod(path, 0660);
	} else {
		struct addrinfo hints, *ai = NULL;
		char host[256], *port;
		int rc;
		snprintf(host, sizeof(host), "%s", spec);
		port = strrchr(host, ':');
		if (port == NULL) {
			snprintf(err, len, "listen %s: want host:port", spec);
			return VD_EINVAL;
		}
		*port++ = '\0';
		if (host[0] == '[' && host[strlen(host) - 1] == ']') {
			memmove(host, host + 1, strlen(host));
			host[strlen(host) - 1] = '\0';
		}
		memset(&hints, 0, sizeof(hints));
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
		if ((rc = getaddrinfo(host[0] ? host : NULL, port, &hints,
		                      &ai)) != 0) {
			snprintf(err, len, "listen %s: %s", spec,
			         gai_strerror(rc));
			return VD_EINVAL;
		}
		/* with a certificate every TCP listener speaks TLS; plain
		 * TCP only where the config allows it */
		if (s->tls == NULL && (s->cfg.plaintext == PLAIN_NO ||
		                       (s->cfg.plaintext == PLAIN_LOOPBACK &&
		                        !srv_is_loopback(ai->ai_addr)))) {
			snprintf(err, len,
			         "listen %s: plain TCP %s; set tls_cert and "
			         "tls_key%s",
			         spec,
			         s->cfg.plaintext == PLAIN_NO
			             ? "is off (plaintext = no)"
			             : "is allowed only on loopback",
			         s->cfg.plaintext == PLAIN_NO
			             ? ""
			             : ", or plaintext = yes");
			freeaddrinfo(ai);
			return VD_EINVAL;
		}
		lis = evconnlistener_new_bind(s->base, accept_cb, s, flags, 128,
		                              ai->ai_addr, (int)ai->ai_addrlen);
		freeaddrinfo(ai);
	}
	if (lis == NULL) {
		snprintf(err, len, "listen %s: %s", spec, strerror(errno));
		return VD_EIO;
	}
	evconnlistener_set_error_cb(lis, accept_error_cb);
	s->lis_unix[s->nlis] = is_unix;
	s->lis_tls[s->nlis] = !is_unix && s->tls != NULL;
	s->lis[s->nlis++] = lis;
	srv_log(s, 2, "listening on %s%s", spec,
	        !is_unix && s->tls ? " (TLS)" : "");
	return 0;
}

static void stop_cb(evutil_socket_t sig, short what, void *arg)
{
	struct server *s = arg;
	struct conn *c, *next;
	struct timeval grace = {10, 0};
	int i;

	(void)what;
	if (s->stopping)
		return;
	s->stopping = 1;
	srv_log(s, 2, "signal %d: stopping", (int)sig);
	sd_notify_msg("STOPPING=1");
	/* stop accepting; every request already read has been answered
	 * (writes commit before their reply), so send and close */
	for (i = 0; i < s->nlis; i++) {
		evconnlistener_free(s->lis[i]);
		s->lis[i] = NULL;
	}
	s->nlis = 0;
	metrics_stop(s);
	web_stop(s);
	for (c = s->conns; c; c = next) {
		next = c->next;
		conn_stop(c);
	}
	/* the rest close as their writes are committed and answered */
	srv_maybe_exit(s);
	event_base_loopexit(s->base, &grace);
}

static void sweep_done(struct job *j)
{
	struct server *s = j->arg;

	if (j->rc == 0 && j->op.amount > 0)
		srv_log(s, 2, "expired %lld vouchers", (long long)j->op.amount);
}

/* The expiry sweep, every EXPIRE_EVERY seconds, as a write like any
 * other (its failure stops the server as any failed commit does). */
static void expire_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	struct job *j;

	(void)fd;
	(void)what;
	if (atomic_load(&s->failed) || (j = commit_job_new()) == NULL)
		return;
	j->op.type = OP_EXPIRE;
	j->op.now = srv_now();
	j->done = sweep_done;
	j->arg = s;
	commit_submit(s, j);
}

/* TLS 1.2 or later (1.3 preferred, OpenSSL's default) from PEM files. */
static int tls_setup(struct server *s, char *err, size_t len)
{
	if (s->cfg.tls_cert[0] == '\0' && s->cfg.tls_key[0] == '\0')
		return 0;
	if (s->cfg.tls_cert[0] == '\0' || s->cfg.tls_key[0] == '\0') {
		snprintf(err, len, "tls_cert and tls_key go together");
		return VD_EINVAL;
	}
	s->tls = SSL_CTX_new(TLS_server_method());
	if (s->tls == NULL ||
	    SSL_CTX_set_min_proto_version(s->tls, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_use_certificate_chain_file(s->tls, s->cfg.tls_cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(s->tls, s->cfg.tls_key,
	                                SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(s->tls) != 1) {
		snprintf(err, len, "TLS: cannot use %s and %s", s->cfg.tls_cert,
		         s->cfg.tls_key);
		return VD_EINVAL;
	}
	return 0;
}

/* OpenSSL makes its random generators, and fetches the Ed25519
 * signature algorithm, on their first use. When an allocation failed
 * then (the first HELLO, the first AUTH), every later use in the process
 * failed too: the daemon ran on and answered each HELLO "ERR INTERNAL no
 * randomness", or each AUTH "ERR AUTH" (tests/fault). Their first use is
 * here, where a failure refuses the start: randomness, and a signature
 * of the server's key verified. */
static int crypto_ready(struct server *s, char *err, size_t len)
{
	static const char msg[] = "vouchd-start";
	uint8_t b[32], sig[SIG_LEN];
	struct sig_pub *p = NULL;
	int ok;

	if (RAND_bytes(b, sizeof(b)) != 1) {
		snprintf(err, len, "no randomness (OpenSSL's RAND_bytes)");
		return VD_EINTERNAL;
	}
	ok = sig_sign(s->key, msg, sizeof(msg), sig) == 0 &&
	     sig_pub_parse(s->pub, &p) == 0 &&
	     sig_verify(p, msg, sizeof(msg), sig) == 0;
	sig_pub_free(p);
	if (!ok) {
		snprintf(err, len, "cannot sign and verify with Ed25519");
		return VD_EINTERNAL;
	}
	return 0;
}

int server_new(const struct config *cfg, struct server **out, char *err,
               size_t len)
{
	struct timeval every = {EXPIRE_EVERY, 0};
	char path[CONFIG_PATH + 16];
	struct server *s;
	size_t i;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return VD_ENOMEM;
	s->cfg = *cfg;
	s->reserve_fd = -1; /* none yet (accept.h): fd 0 is no reserve */
	if (s->cfg.nlisten == 0) {
		snprintf(s->cfg.listen[0], sizeof(s->cfg.listen[0]),
		         "127.0.0.1:7411");
		s->cfg.nlisten = 1;
	}
	s->base = event_base_new();
	if (s->base == NULL) {
		rc = VD_ENOMEM;
		goto fail;
	}
	if ((rc = accept_start(s, err, len)) < 0 ||
	    (rc = ledger_open(s->cfg.data, 0, 0, &s->l, err, len)) < 0)
		goto fail;
	if ((rc = ledger_reader_new(s->l, &s->rd)) < 0) {
		snprintf(err, len, "out of memory");
		goto fail;
	}
	if ((rc = commit_start(s)) < 0) {
		snprintf(err, len, "cannot start the commit thread");
		goto fail;
	}
	if ((rc = first_policy(s, err, len)) < 0)
		goto fail;
	snprintf(path, sizeof(path), "%s/server.pem", s->cfg.data);
	if ((rc = sig_key_load(path, &s->key)) < 0 ||
	    (rc = sig_key_public(s->key, s->pub)) < 0) {
		snprintf(err, len, "%s: %s", path, err_str(rc));
		rc = VD_EIO;
		goto fail;
	}
	if ((rc = crypto_ready(s, err, len)) < 0 ||
	    (rc = tls_setup(s, err, len)) < 0)
		goto fail;
	for (i = 0; i < s->cfg.nlisten; i++)
		if ((rc = listen_one(s, s->cfg.listen[i], err, len)) < 0)
			goto fail;
	s->ev_term = evsignal_new(s->base, SIGTERM, stop_cb, s);
	s->ev_int = evsignal_new(s->base, SIGINT, stop_cb, s);
	s->ev_hup = evsignal_new(s->base, SIGHUP, hup_cb, s);
	s->ev_expire = event_new(s->base, -1, EV_PERSIST, expire_cb, s);
	s->ev_trim = evtimer_new(s->base, srv_trim_cb, s);
	if (!s->ev_term || !s->ev_int || !s->ev_hup || !s->ev_expire ||
	    !s->ev_trim) {
		rc = VD_ENOMEM;
		goto fail;
	}
	/* libevent saves the action in force when a signal event is added
	 * and puts it back when the event is freed: ignoring SIGHUP first
	 * means a reload asked for during shutdown, after the event is gone,
	 * cannot kill the process (setting SIG_IGN after the free left a
	 * window where SIG_DFL was back; CI saw a stop die of SIGHUP) */
	signal(SIGHUP, SIG_IGN);
	evsignal_add(s->ev_term, NULL);
	evsignal_add(s->ev_int, NULL);
	evsignal_add(s->ev_hup, NULL);
	event_add(s->ev_expire, &every);
	signal(SIGPIPE, SIG_IGN);
	if ((rc = metrics_start(s, err, len)) < 0 ||
	    (rc = web_start(s, err, len)) < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	server_free(s);
	return rc;
}

int server_run(struct server *s)
{
	sd_notify_msg("READY=1");
	srv_log(s, 2, "ready");
	event_base_dispatch(s->base);
	return atomic_load(&s->failed) ? 1 : 0;
}

void server_free(struct server *s)
{
	int i;

	if (s == NULL)
		return;
	/* what is queued commits; its replies go where they can */
	commit_stop(s);
	metrics_stop(s);
	web_stop(s);
	while (s->conns)
		conn_close(s->conns);
	for (i = 0; i < s->nlis; i++)
		if (s->lis[i])
			evconnlistener_free(s->lis[i]);
	accept_stop(s);
	if (s->ev_term)
		event_free(s->ev_term);
	if (s->ev_int)
		event_free(s->ev_int);
	/* puts back SIG_IGN, set before it was added (server_new) */
	if (s->ev_hup)
		event_free(s->ev_hup);
	if (s->ev_expire)
		event_free(s->ev_expire);
	if (s->ev_trim)
		event_free(s->ev_trim);
	/* its transaction ends on the thread that began it: this one */
	ledger_reader_free(s->rd);
	ledger_close(s->l);
	policy_free(s->pol);
	sig_key_free(s->key);
	if (s->tls)
		SSL_CTX_free(s->tls);
	if (s->base)
		event_base_free(s->base);
	free(s);
}

int server_init(const char *dir, const char *bureau_key, const char *bureau_id,
                char *err, size_t len)
{
	struct sig_key *server_key = NULL, *bureau = NULL;
	char path[CONFIG_PATH + 16];
	struct ledger *l = NULL;
	struct ledger_op op;
	struct stat st;
	int rc;

	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	if (stat(path, &st) == 0) {
		snprintf(err, len, "%s: a store exists; refusing to overwrite",
		         dir);
		return VD_EEXIST;
	}
	if ((rc = ledger_open(dir, 1, 0, &l, err, len)) < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/server.pem", dir);
	memset(&op, 0, sizeof(op));
	op.type = OP_REGISTER;
	snprintf(op.u.reg.id, sizeof(op.u.reg.id), "%s", bureau_id);
	op.u.reg.role = ROLE_BUREAU;
	op.now = srv_now();
	if ((rc = sig_keygen(&server_key)) < 0 ||
	    (rc = sig_key_save(server_key, path)) < 0) {
		snprintf(err, len, "%s: %s", path, err_str(rc));
		goto out;
	}
	if ((rc = sig_keygen(&bureau)) < 0 ||
	    (rc = sig_key_save(bureau, bureau_key)) < 0) {
		snprintf(err, len, "%s: %s", bureau_key, err_str(rc));
		goto out;
	}
	sig_key_public(bureau, op.u.reg.key);
	if ((rc = ledger_batch(l, &op, 1)) < 0 || (rc = op.rc) < 0)
		snprintf(err, len, "cannot register %s: %s", bureau_id,
		         err_str(rc));
out:
	sig_key_free(server_key);
	sig_key_free(bureau);
	ledger_close(l);
	return rc < 0 ? rc : 0;
}
