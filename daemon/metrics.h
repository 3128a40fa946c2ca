/* The HTTP side door for monitoring: GET /metrics (Prometheus text) and
 * GET /healthz, with httpd.h on the server's event base. Off
 * unless `metrics` names an address; loopback only unless plaintext =
 * yes. */
#ifndef VD_METRICS_H
#define VD_METRICS_H

#include "srv.h"

/* Listen on s->cfg.metrics (nothing to do when it is empty). 0, or
 * VD_EINVAL (a bad address, or plain HTTP refused off loopback) or
 * VD_EIO (cannot bind) with a message for people in err. /metrics reads
 * the counters, the commit latency and the pools on the loop thread;
 * /healthz answers 503 once the server has failed (fail-stop). */
int metrics_start(struct server *s, char *err, size_t len);
/* Stop listening; nothing to do when not started. */
void metrics_stop(struct server *s);

#endif
