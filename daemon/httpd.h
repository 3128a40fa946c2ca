/* A small HTTP/1.1 server for the daemon's side doors: the bureau's page
 * (web.h) and /metrics (metrics.h), on the server's event base.
 *
 * Why not libevent's evhttp (2.1, Debian 12): it takes every connection
 * it is offered (no cap, none per address) and its timeout restarts with
 * each header line, so a client sending a header line every few seconds
 * held a connection for as long as it liked, and enough of them took
 * every descriptor the line protocol needs. Here each listener is bounded
 * as the line protocol is:
 *
 * - at most HTTPD_PER_PEER connections from one address (host, any
 *   port); the next is sent a 503 on plain HTTP, closed without a word
 *   on TLS;
 * - at most HTTPD_MAX_CONNS connections open: a newcomer from another
 *   address takes the place of the oldest connection of another host,
 *   one lingering first, then one still sending its head, then one whose
 *   reply is being written (refusing newcomers let 8 addresses keep the
 *   page from everyone);
 * - the TLS handshake, request line and headers (at most HTTPD_HEAD_MAX
 *   bytes, 431 beyond) must be whole within line_deadline of the accept
 *   (the whole request, not each line of it); else the connection is
 *   closed without a reply;
 * - a reply must move: its first 64 KiB (all if fewer) taken within
 *   line_deadline, then the next 64 KiB within as long, and so on;
 * - one request per connection: every reply says Connection: close
 *   (a page and its figures are a few requests; nobody needs keep-alive);
 *   what the client sends after its head is read and dropped, and after
 *   the reply the server half-closes and waits up to 2 s for the
 *   client's close (closing with bytes unread is a reset, which throws
 *   away reply bytes not yet sent); a half-close after the request (a
 *   FIN, TLS close_notify) still gets the reply;
 * - GET only (405 otherwise), HTTP/1.0 or 1.1 (505 otherwise); nothing
 *   after the head is taken as a request.
 *
 * accept() failing for want of descriptors pauses every listener, these
 * too (accept.h). Loop thread only. */
#ifndef VD_HTTPD_H
#define VD_HTTPD_H

#include <event2/buffer.h>

#include "srv.h"

#define HTTPD_MAX_CONNS 64
#define HTTPD_PER_PEER 8
#define HTTPD_HEAD_MAX 8192
#define HTTPD_HEADERS 8 /* extra reply headers a handler may add */

/* What a handler answers. code 0 means 500. headers: "Name: value"
 * strings, NULL after the last; a CR or LF in one, or in reason, makes
 * the answer a 500. */
struct httpd_reply {
	int code;
	const char *reason;
	const char *headers[HTTPD_HEADERS + 1];
	struct evbuffer *body; /* made empty by httpd, sent and drained */
	char text[128];        /* room for a header the handler formats */
};

/* The request target as sent ("/path?query", NUL-terminated, at most
 * HTTPD_HEAD_MAX bytes, not decoded); the handler fills *r. Runs on the
 * loop thread, synchronously. */
typedef void (*httpd_cb)(const char *target, struct httpd_reply *r, void *arg);

struct httpd;
struct sockaddr_storage;

/* "host:port" or "[v6]:port" (an empty host: every address) as the
 * address to listen on, in *ss and *sslen. 0, or VD_EINVAL with a
 * message for people in err. */
int httpd_resolve(const char *spec, struct sockaddr_storage *ss, int *sslen,
                  char *err, size_t len);

/* A request head, parsed. */
struct httpd_head {
	int status;         /* 0: a GET to serve; else the refusal's code */
	const char *reason; /* the refusal's reason phrase */
	const char *why;    /* and its body, for people */
	char *target;       /* the GET's target, in the parsed buffer */
};

/* Parse the request head in buf[0..n) (the bytes as received; buf has
 * room for a NUL at n, n at most HTTPD_HEAD_MAX), cutting it up in
 * place. 0: not whole yet (no blank line, under HTTPD_HEAD_MAX); 1: *h
 * says what to answer (400 a bad request line, 405 not GET, 431 no
 * blank line within HTTPD_HEAD_MAX, 505 another version, or a target);
 * VD_EINVAL: a NUL byte, no HTTP: close without a word. Headers are not
 * read: no header changes how a GET is answered. */
int httpd_parse(char *buf, size_t n, struct httpd_head *h);

/* Listen on the address sa (a TCP one); tls: speak TLS with s->tls.
 * name says in the log which listener it is ("http", "metrics").
 * 0, or VD_EIO (cannot bind) or VD_ENOMEM, with a message for people in
 * err. */
int httpd_start(struct server *s, const struct sockaddr *sa, int salen, int tls,
                const char *name, httpd_cb cb, void *arg, struct httpd **out,
                char *err, size_t len);

/* Pause or resume accepting (accept.h, when descriptors run out). */
void httpd_accepting(struct httpd *h, int on);

/* Close the listener and every connection; NULL is nothing to do. */
void httpd_free(struct httpd *h);

#endif
