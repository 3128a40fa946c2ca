#include "accept.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"
#include "httpd.h"

static void resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	int i;

	(void)fd;
	(void)what;
	for (i = 0; i < s->nlis; i++)
		if (s->lis[i])
			evconnlistener_enable(s->lis[i]);
	httpd_accepting(s->web, 1);
	httpd_accepting(s->metrics, 1);
}

int accept_start(struct server *s, char *err, size_t len)
{
	/* the HTTP listeners' connections are beside max_connections */
	int64_t http = HTTPD_MAX_CONNS *
	               ((s->cfg.http[0] != '\0') + (s->cfg.metrics[0] != '\0'));
	int64_t need = s->cfg.max_connections + ACCEPT_SPARE + http;
	struct rlimit rl;

	s->reserve_fd = -1;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && (int64_t)rl.rlim_cur < need) {
		rlim_t want =
		    rl.rlim_max == RLIM_INFINITY || (int64_t)rl.rlim_max >= need
		        ? (rlim_t)need
		        : rl.rlim_max;
		struct rlimit up = {want, rl.rlim_max};
		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			rl.rlim_cur = want;
		if ((int64_t)rl.rlim_cur < need) {
			int64_t cap =
			    (int64_t)rl.rlim_cur - ACCEPT_SPARE - http;
			s->cfg.max_connections = cap > 1 ? cap : 1;
			srv_log(s, 1,
			        "descriptor limit %lld (hard %lld) is below "
			        "max_connections + %d: max_connections "
			        "lowered to %lld (raise LimitNOFILE)",
			        (long long)rl.rlim_cur,
			        rl.rlim_max == RLIM_INFINITY
			            ? -1LL
			            : (long long)rl.rlim_max,
			        (int)(ACCEPT_SPARE + http),
			        (long long)s->cfg.max_connections);
		}
	}
	s->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	s->ev_resume = evtimer_new(s->base, resume_cb, s);
	if (s->ev_resume == NULL) {
		snprintf(err, len, "out of memory");
		return VD_ENOMEM;
	}
	return 0;
}

void accept_error_cb(struct evconnlistener *lis, void *arg)
{
	static const char busy[] = "ERR BUSY out of descriptors\n";

	accept_failed(arg, lis, busy);
}

void accept_failed(struct server *s, struct evconnlistener *lis,
                   const char *busy)
{
	int e = EVUTIL_SOCKET_ERROR(), i;
	int64_t now = srv_now();

	if (now != s->accept_logged) {
		s->accept_logged = now;
		srv_log(s, 1, "accept: %s%s", strerror(e),
		        e == EMFILE || e == ENFILE
		            ? ": refusing one, pausing accept"
		            : "");
	}
	if (e != EMFILE && e != ENFILE)
		return;
	/* the reserve makes room to tell one waiting client why */
	if (s->reserve_fd >= 0) {
		int fd;
		close(s->reserve_fd);
		fd = accept(evconnlistener_get_fd(lis), NULL, NULL);
		if (fd >= 0) {
			ssize_t w = busy ? send(fd, busy, strlen(busy),
			                        MSG_NOSIGNAL | MSG_DONTWAIT)
			                 : 0;
			(void)w;
			close(fd);
			srv_count_error(s, "BUSY");
		}
		s->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	/* no busy loop on accept(): pause, then try again */
	for (i = 0; i < s->nlis; i++)
		if (s->lis[i])
			evconnlistener_disable(s->lis[i]);
	httpd_accepting(s->web, 0);
	httpd_accepting(s->metrics, 0);
	{
		struct timeval tv = {0, ACCEPT_PAUSE_MS * 1000};
		evtimer_add(s->ev_resume, &tv);
	}
}

void accept_stop(struct server *s)
{
	if (s->ev_resume)
		event_free(s->ev_resume);
	s->ev_resume = NULL;
	if (s->reserve_fd >= 0)
		close(s->reserve_fd);
	s->reserve_fd = -1;
}
