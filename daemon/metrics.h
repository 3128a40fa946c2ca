/* The HTTP side door for monitoring: GET /metrics (Prometheus text) and
 * GET /healthz, with libevent's evhttp on the server's event base. Off
 * unless `metrics` names an address; loopback only unless plaintext =
 * yes. */
#ifndef VD_METRICS_H
#define VD_METRICS_H

#include "srv.h"

int metrics_start(struct server *s, char *err, size_t len);
void metrics_stop(struct server *s);

#endif
