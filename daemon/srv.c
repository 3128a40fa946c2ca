/* What every part of the server uses: the log, the clock, ERR replies. */
#include "srv.h"

#include <arpa/inet.h>
#include <malloc.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/ssl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "err.h"

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void srv_log(struct server *s, int level, const char *fmt, ...)
{
	char ts[32];
	struct tm tm;
	time_t now = time(NULL);
	va_list ap;

	if (s != NULL && level > s->cfg.log_level)
		return;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s vouchd %s: ", ts, level_names[level & 3]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int64_t srv_now(void)
{
	return (int64_t)time(NULL);
}

void srv_count_error(struct server *s, const char *word)
{
	s->st.errors++;
	s->st.errors_by[errmap_index(word)]++;
}

void srv_err(struct conn *c, int code, const char *msg)
{
	const char *word = errmap_word(code);

	srv_count_error(c->s, word);
	reply_err(&c->out, word, msg ? msg : err_str(code));
}

void srv_maybe_exit(struct server *s)
{
	if (s->stopping && s->conns == NULL && s->inflight == 0)
		event_base_loopexit(s->base, NULL);
}

int srv_is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)
		                  ->sin_addr.s_addr) >>
		        24) == 127;
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(
		    &((const struct sockaddr_in6 *)sa)->sin6_addr);
	return 0;
}

void srv_peer_name(const struct sockaddr *sa, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
		snprintf(buf, size, "%s:%u", a, ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in = (const struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &in->sin6_addr, a, sizeof(a));
		snprintf(buf, size, "[%s]:%u", a, ntohs(in->sin6_port));
	} else
		snprintf(buf, size, "unix");
}

size_t srv_peer_host(const char *peer)
{
	const char *colon = strrchr(peer, ':');

	return colon ? (size_t)(colon - peer) : strlen(peer);
}

struct bufferevent *srv_bev_new(struct server *s, int fd, int tls)
{
	struct bufferevent *bev;
	SSL *ssl;

	if (!tls)
		return bufferevent_socket_new(s->base, fd,
		                              BEV_OPT_CLOSE_ON_FREE);
	/* freed with the bufferevent (BEV_OPT_CLOSE_ON_FREE) */
	if ((ssl = SSL_new(s->tls)) == NULL)
		return NULL;
	bev = bufferevent_openssl_socket_new(
	    s->base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		SSL_free(ssl);
	else
		/* a TCP half-close without close_notify ends the requests as
		 * on a plain socket: only whole lines are ever served, so a
		 * truncation cannot forge one (and HTTP replies carry their
		 * Content-Length) */
		bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

void srv_trim_later(struct server *s)
{
	struct timeval later = {1, 0};

	if (s->ev_trim && !evtimer_pending(s->ev_trim, NULL))
		evtimer_add(s->ev_trim, &later);
}

void srv_trim_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	malloc_trim(0);
}
