/* What every part of the server uses: the log, the clock, ERR replies. */
#include "srv.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
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
