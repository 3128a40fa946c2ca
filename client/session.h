/* A vouchctl session: one connection to vouchd, authenticated with the
 * user's key when an id is given. Blocking I/O; one session per call. */
#ifndef VD_SESSION_H
#define VD_SESSION_H

#include <stddef.h>

#include "sig.h"

struct session {
	int fd;
	struct sig_key *key; /* NULL for an anonymous session */
	size_t len;
	char buf[1 << 16];
	char line[1 << 16];
};

/* Connect to addr (host:port or unix:/path); with id and keyfile, HELLO
 * and AUTH. 0, or -1 with a message in err. */
int session_open(struct session *s, const char *addr, const char *id,
                 const char *keyfile, char *err, size_t len);
void session_close(struct session *s);

/* Send one line (the LF is added). */
int session_send(struct session *s, const char *line);

/* The next reply line without its LF, or NULL at EOF; valid until the
 * next call. */
const char *session_line(struct session *s);

#endif
