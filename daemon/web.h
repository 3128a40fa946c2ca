/* The bureau's HTTP listener (`http = ADDR`): the page of the pools and
 * its figures as JSON and CSV, with httpd.h on the server's
 * event base, beside /metrics. TLS with the server's certificate when
 * tls_cert is set; plain HTTP otherwise, where plaintext allows it (as
 * for `listen`: loopback only unless plaintext = yes; never with
 * plaintext = no). GET only; no authentication: it serves only totals
 * per pool and program, never an org's figures (page.h).
 *
 * Routes (docs/daemon.md): /, /pools.json, /pools.csv,
 * /pool/<id>/days.csv, /pool/<id>/programs.csv; each takes ?period=YYYY
 * (default: the CST period of now) and no other query key. */
#ifndef VD_WEB_H
#define VD_WEB_H

#include <stdint.h>

#include "ledger.h"
#include "srv.h"

#define WEB_URI_MAX 512 /* a longer request target is refused (400) */

enum web_what {
	WEB_PAGE,
	WEB_POOLS_JSON,
	WEB_POOLS_CSV,
	WEB_DAYS_CSV,
	WEB_PROGRAMS_CSV
};

struct web_route {
	enum web_what what;
	int32_t period;           /* 0: the period of now */
	char pool[LEDGER_ID + 1]; /* WEB_DAYS_CSV, WEB_PROGRAMS_CSV */
};

/* Parse a request target as sent ("/path?query", at most WEB_URI_MAX
 * bytes, not percent-decoded: no route needs it) into *r. 0;
 * VD_ENOENT for a path that is none of the routes (404); VD_EINVAL for
 * a bad query or an overlong target (400), *why then a static English
 * reason. The query is "period=YYYY" (1970 to 9999) or nothing; any
 * other key, a repeated one or an empty pair is VD_EINVAL. */
int web_route(const char *uri, struct web_route *r, const char **why);

/* Listen on s->cfg.http (nothing to do when empty); s->tls must be set
 * up before. 0, or VD_EINVAL (a bad address, plain HTTP not allowed
 * there) or VD_EIO (cannot bind) with a message for people in err. Reads
 * run on the loop thread, each in read transactions of its own. */
int web_start(struct server *s, char *err, size_t len);
/* Stop listening and close its connections; nothing to do when not
 * started. */
void web_stop(struct server *s);

#endif
