/* The vouchd server: listeners, connections and the ledger, on one
 * libevent base, with the commit thread and signature workers of
 * commit.h. The caller's thread runs the event loop; server_new,
 * server_run and server_free are called from it, in that order. */
#ifndef VD_SERVER_H
#define VD_SERVER_H

#include <stdint.h>

#include "config.h"

struct server;

/* Open the store in cfg->data, load the policy from cfg->policies (and
 * journal it if it differs from the one the store last recorded), read
 * the server key and sign and verify with it once (OpenSSL's first use
 * of randomness and Ed25519 happens here, not at a client's HELLO or
 * AUTH), bind every listener. On error err says why. */
int server_new(const struct config *cfg, struct server **out, char *err,
               size_t len);
/* Serve until SIGTERM or SIGINT has been handled (everything read is
 * answered) or a commit failed. Returns 0, or 1 after a failed commit
 * (fail-stop: nothing was acknowledged after it). */
int server_run(struct server *s);
/* Commit and answer what is queued, close every connection, free all;
 * s may be NULL. A SIGHUP from here on is ignored. */
void server_free(struct server *s);

/* `vouchd init`: a new store in dir with the server's key and a first
 * bureau principal whose private key goes to bureau_key (0600). */
int server_init(const char *dir, const char *bureau_key, const char *bureau_id,
                char *err, size_t len);

#endif
