/* Descriptors for connections: the limit checked at start, and what the
 * listeners do when accept() fails. With systemd's default soft limit
 * (1024) equal to max_connections' default, EMFILE came before BUSY:
 * libevent's listener retried accept() at once, forever, logging each
 * failure (100% CPU, 21 MB/s of log), and the connections waiting got
 * neither a place nor BUSY.
 *
 * - At start (accept_start): the soft RLIMIT_NOFILE is raised towards
 *   the hard one to cover max_connections plus ACCEPT_SPARE descriptors
 *   the daemon needs besides (store, listeners, workers, log) plus
 *   HTTPD_MAX_CONNS for each HTTP listener configured (httpd.h);
 *   when it cannot be, max_connections is lowered to fit, with a warning.
 *   A reserve descriptor (/dev/null) is opened.
 * - On EMFILE or ENFILE (accept_error_cb, each listener's error
 *   callback): the reserve is closed, one waiting connection is accepted
 *   and told `ERR BUSY out of descriptors` (a 503 on plain HTTP, nothing
 *   on TLS) and closed, the reserve is
 *   reopened, and the listeners (the bureau page's too, web.h) pause
 *   ACCEPT_PAUSE_MS before accepting again; any accept failure is
 *   logged at most once a second.
 *
 * Loop thread only. */
#ifndef VD_ACCEPT_H
#define VD_ACCEPT_H

#include <event2/listener.h>

#include "srv.h"

#define ACCEPT_SPARE 64
#define ACCEPT_PAUSE_MS 100

/* 0, or VD_ENOMEM (err says so). */
int accept_start(struct server *s, char *err, size_t len);
/* The line protocol listeners' error callback (arg: the server): says
 * `ERR BUSY out of descriptors`. */
void accept_error_cb(struct evconnlistener *lis, void *arg);
/* What every listener's error callback does, busy the words for the one
 * waiting client (NULL: none, as on a TLS listener; httpd.h says 503 on
 * plain HTTP). */
void accept_failed(struct server *s, struct evconnlistener *lis,
                   const char *busy);
void accept_stop(struct server *s);

#endif
