#include "session.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "reply.h"

static int dial(const char *addr)
{
	int fd = -1;

	if (strncmp(addr, "unix:", 5) == 0) {
		struct sockaddr_un sa;
		if (strlen(addr + 5) >= sizeof(sa.sun_path))
			return -1;
		memset(&sa, 0, sizeof(sa));
		sa.sun_family = AF_UNIX;
		memcpy(sa.sun_path, addr + 5, strlen(addr + 5));
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd >= 0 &&
		    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			close(fd);
			return -1;
		}
		return fd;
	} else {
		struct addrinfo hints, *ai = NULL, *a;
		char host[256], *port;
		snprintf(host, sizeof(host), "%s", addr);
		port = strrchr(host, ':');
		if (port == NULL)
			return -1;
		*port++ = '\0';
		memset(&hints, 0, sizeof(hints));
		hints.ai_socktype = SOCK_STREAM;
		if (getaddrinfo(host, port, &hints, &ai) != 0)
			return -1;
		for (a = ai; a; a = a->ai_next) {
			fd = socket(a->ai_family, a->ai_socktype, 0);
			if (fd >= 0 &&
			    connect(fd, a->ai_addr, a->ai_addrlen) == 0)
				break;
			if (fd >= 0)
				close(fd);
			fd = -1;
		}
		freeaddrinfo(ai);
		return fd;
	}
}

const char *session_line(struct session *s)
{
	for (;;) {
		char *nl = memchr(s->buf, '\n', s->len);
		ssize_t r;
		if (nl) {
			size_t l = (size_t)(nl - s->buf);
			memcpy(s->line, s->buf, l);
			s->line[l] = '\0';
			memmove(s->buf, nl + 1, s->len - l - 1);
			s->len -= l + 1;
			return s->line;
		}
		if (s->len == sizeof(s->buf))
			return NULL;
		r = read(s->fd, s->buf + s->len, sizeof(s->buf) - s->len);
		if (r <= 0)
			return NULL;
		s->len += (size_t)r;
	}
}

int session_send(struct session *s, const char *line)
{
	size_t n = strlen(line);

	return write(s->fd, line, n) == (ssize_t)n && write(s->fd, "\n", 1) == 1
	           ? 0
	           : -1;
}

int session_open(struct session *s, const char *addr, const char *id,
                 const char *keyfile, char *err, size_t len)
{
	struct reply r;
	const char *l, *nonce;
	uint8_t sig[SIG_LEN];
	char hex[SIG_HEX + 1], auth[300];
	size_t n;

	s->len = 0;
	s->key = NULL;
	s->fd = dial(addr);
	if (s->fd < 0) {
		snprintf(err, len, "cannot connect to %s", addr);
		return -1;
	}
	if (id == NULL)
		return 0;
	if (sig_key_load(keyfile, &s->key) < 0) {
		snprintf(err, len, "cannot read key %s (it must be mode 0600)",
		         keyfile);
		return -1;
	}
	session_send(s, "HELLO");
	l = session_line(s);
	if (l == NULL || reply_parse(l, strlen(l), &r) != 0 ||
	    (nonce = reply_get(&r, "nonce", &n)) == NULL || n != 64) {
		snprintf(err, len, "no HELLO from %s", addr);
		return -1;
	}
	sig_auth_sign(s->key, nonce, 64, sig);
	sig_hex_encode(sig, SIG_LEN, hex);
	snprintf(auth, sizeof(auth), "AUTH id=%s sig=%s", id, hex);
	session_send(s, auth);
	l = session_line(s);
	if (l == NULL || strncmp(l, "OK", 2) != 0) {
		snprintf(err, len, "%s", l ? l : "no reply to AUTH");
		return -1;
	}
	return 0;
}

void session_close(struct session *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	sig_key_free(s->key);
	s->key = NULL;
}
