/* The session commands: HELLO (a nonce and the server's key), AUTH (a
 * principal's signature over the nonce), PING, QUIT. Rows of the table in
 * dispatch.c; each writes its reply into c->out. Failed AUTHs are counted
 * per address (without port): from the third, that address waits 1, 2,
 * 4 ... up to 300 s, whichever key it tries. */
#ifndef VD_SESSION_H
#define VD_SESSION_H

#include "dispatch.h"

enum dispatch_next session_hello(struct conn *c, const struct req *r);
enum dispatch_next session_auth(struct conn *c, const struct req *r);
enum dispatch_next session_ping(struct conn *c, const struct req *r);
enum dispatch_next session_quit(struct conn *c, const struct req *r);

#endif
