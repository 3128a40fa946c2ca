/* The vouchd server: listeners, connections and the ledger, on one
 * libevent base. server_run() returns when SIGTERM or SIGINT has been
 * handled (or server_stop was called). Not thread-safe: one thread runs
 * the event loop. */
#ifndef VD_SERVER_H
#define VD_SERVER_H

#include <stdint.h>

#include "config.h"

struct server;

/* Open the store in cfg->data, load the policy from cfg->policies (and
 * journal it if it differs from the one the store last recorded), read
 * the server key, bind every listener. On error err says why. */
int server_new(const struct config *cfg, struct server **out, char *err,
               size_t len);
int server_run(struct server *s);
void server_free(struct server *s);

/* `vouchd init`: a new store in dir with the server's key and a first
 * bureau principal whose private key goes to bureau_key (0600). */
int server_init(const char *dir, const char *bureau_key, const char *bureau_id,
                char *err, size_t len);

#endif
