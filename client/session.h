/* A vouchctl session: one connection to vouchd, TLS on TCP unless told
 * otherwise, authenticated with the user's key when an id is given.
 * Blocking I/O; one session per command. */
#ifndef VD_SESSION_H
#define VD_SESSION_H

#include <stddef.h>

#include <openssl/ssl.h>

#include "sig.h"

/* Where to connect and as whom. The strings are borrowed for the call. */
struct session_cfg {
	const char *addr;   /* host:port or unix:/path */
	const char *id;     /* NULL: anonymous (HELLO, PING only) */
	const char *key;    /* the id's PEM private key file */
	const char *cacert; /* PEM CA file; NULL: the system's CAs */
	int plaintext;      /* TCP without TLS (a loopback daemon only) */
};

struct session {
	int fd;
	SSL_CTX *ctx; /* NULL on a Unix socket or plaintext TCP */
	SSL *ssl;
	struct sig_key *key; /* NULL for an anonymous session */
	size_t len;
	char buf[1 << 16];
	char line[1 << 16];
};

/* Connect, do the TLS handshake (the certificate must verify against
 * cacert and name the host), then HELLO and AUTH when an id is given.
 * 0, or -1 with a message for people in err. s must be closed with
 * session_close either way. */
int session_open(struct session *s, const struct session_cfg *c, char *err,
                 size_t len);
void session_close(struct session *s);

/* HELLO, then AUTH as id signed with key (borrowed; a caller with a key
 * not in a file: the benchmarks' derived keys). 0, or -1 and why. */
int session_auth(struct session *s, const char *id, const struct sig_key *key,
                 char *err, size_t len);

/* Send one line (the LF is added). 0 or -1. */
int session_send(struct session *s, const char *line);

/* Send n bytes as they are. 0 or -1. */
int session_write(struct session *s, const void *p, size_t n);

/* The next reply line without its LF, or NULL at EOF or on a line
 * longer than the buffer; valid until the next call. */
const char *session_line(struct session *s);

#endif
