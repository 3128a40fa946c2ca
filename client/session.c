#include "session.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "hex.h"
#include "reply.h"

static int dial_unix(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* host is the part before the last ':'; "[::1]:7411" loses its brackets. */
static int split_host(const char *addr, char *host, size_t size,
                      const char **port)
{
	const char *colon = strrchr(addr, ':');
	size_t n;

	if (colon == NULL || colon == addr || colon[1] == '\0')
		return -1;
	n = (size_t)(colon - addr);
	if (addr[0] == '[' && n >= 2 && addr[n - 1] == ']') {
		addr++;
		n -= 2;
	}
	if (n >= size)
		return -1;
	memcpy(host, addr, n);
	host[n] = '\0';
	*port = colon + 1;
	return 0;
}

static int dial_tcp(const char *host, const char *port)
{
	struct addrinfo hints, *ai = NULL, *a;
	int fd = -1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &ai) != 0)
		return -1;
	for (a = ai; a; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype, 0);
		if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) == 0)
			break;
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

/* The handshake, with the peer's certificate checked against cacert and
 * the host name (or IP address) the user typed. */
static int tls_start(struct session *s, const char *host, const char *cacert,
                     char *err, size_t len)
{
	unsigned char ip[16];
	int is_ip = inet_pton(AF_INET, host, ip) == 1 ||
	            inet_pton(AF_INET6, host, ip) == 1;
	long v;

	s->ctx = SSL_CTX_new(TLS_client_method());
	if (s->ctx == NULL ||
	    SSL_CTX_set_min_proto_version(s->ctx, TLS1_2_VERSION) != 1)
		goto fail_ssl;
	SSL_CTX_set_verify(s->ctx, SSL_VERIFY_PEER, NULL);
	if (cacert != NULL
	        ? SSL_CTX_load_verify_locations(s->ctx, cacert, NULL) != 1
	        : SSL_CTX_set_default_verify_paths(s->ctx) != 1) {
		snprintf(err, len, "TLS: cannot read the CA file %s",
		         cacert ? cacert : "(system default)");
		return -1;
	}
	s->ssl = SSL_new(s->ctx);
	if (s->ssl == NULL || SSL_set_fd(s->ssl, s->fd) != 1)
		goto fail_ssl;
	if (is_ip) {
		X509_VERIFY_PARAM *p = SSL_get0_param(s->ssl);
		if (X509_VERIFY_PARAM_set1_ip_asc(p, host) != 1)
			goto fail_ssl;
	} else if (SSL_set_tlsext_host_name(s->ssl, host) != 1 ||
	           SSL_set1_host(s->ssl, host) != 1) {
		goto fail_ssl;
	}
	if (SSL_connect(s->ssl) == 1)
		return 0;
	v = SSL_get_verify_result(s->ssl);
	if (v != X509_V_OK) {
		snprintf(err, len,
		         "TLS: the certificate of %s does not verify: %s (give "
		         "the CA that signed it with --cacert FILE)",
		         host, X509_verify_cert_error_string(v));
		return -1;
	}
	snprintf(err, len,
	         "TLS handshake with %s failed: %s (is it a TLS listener? "
	         "use --plaintext for a plain loopback port)",
	         host, ERR_reason_error_string(ERR_peek_last_error()));
	return -1;
fail_ssl:
	snprintf(err, len, "TLS: cannot set up: %s",
	         ERR_reason_error_string(ERR_peek_last_error()));
	return -1;
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
		if (s->ssl)
			r = SSL_read(s->ssl, s->buf + s->len,
			             (int)(sizeof(s->buf) - s->len));
		else
			r = read(s->fd, s->buf + s->len,
			         sizeof(s->buf) - s->len);
		if (r <= 0)
			return NULL;
		s->len += (size_t)r;
	}
}

int session_write(struct session *s, const void *p, size_t n)
{
	const char *b = p;

	while (n > 0) {
		/* SSL_write takes an int; send big buffers in pieces */
		size_t chunk = n > (1u << 30) ? (1u << 30) : n;
		ssize_t w = s->ssl ? SSL_write(s->ssl, b, (int)chunk)
		                   : write(s->fd, b, chunk);
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

int session_send(struct session *s, const char *line)
{
	size_t n = strlen(line);
	char one[8192];

	/* one write per line, so a line never goes out in two segments */
	if (n + 1 < sizeof(one)) {
		memcpy(one, line, n);
		one[n] = '\n';
		return session_write(s, one, n + 1);
	}
	return session_write(s, line, n) == 0 ? session_write(s, "\n", 1) : -1;
}

int session_auth(struct session *s, const char *id, const struct sig_key *key,
                 char *err, size_t len)
{
	struct reply r;
	const char *l, *nonce;
	uint8_t sig[SIG_LEN];
	char hex[SIG_HEX + 1], line[300];
	size_t n;

	if (session_send(s, "HELLO") < 0 || (l = session_line(s)) == NULL ||
	    reply_parse(l, strlen(l), &r) != 0 ||
	    (nonce = reply_get(&r, "nonce", &n)) == NULL || n != 64) {
		snprintf(err, len, "no HELLO from vouchd");
		return -1;
	}
	sig_auth_sign(key, nonce, 64, sig);
	hex_encode(sig, SIG_LEN, hex);
	snprintf(line, sizeof(line), "AUTH id=%s sig=%s", id, hex);
	if (session_send(s, line) < 0 || (l = session_line(s)) == NULL) {
		snprintf(err, len, "no reply to AUTH");
		return -1;
	}
	if (strncmp(l, "OK", 2) != 0) {
		snprintf(err, len, "cannot authenticate as %s: %s", id, l);
		return -1;
	}
	return 0;
}

/* The id's key from its file (kept in s for signing records), then
 * HELLO and AUTH; messages name the address. */
static int auth(struct session *s, const struct session_cfg *c, char *err,
                size_t len)
{
	char why[400];

	if (c->key == NULL || sig_key_load(c->key, &s->key) < 0) {
		snprintf(err, len,
		         "cannot read the key file %s (it must exist and be "
		         "mode 0600)",
		         c->key ? c->key : "(none: give --key FILE)");
		return -1;
	}
	if (session_auth(s, c->id, s->key, why, sizeof(why)) < 0) {
		snprintf(err, len, "%s: %s", c->addr, why);
		return -1;
	}
	return 0;
}

int session_open(struct session *s, const struct session_cfg *c, char *err,
                 size_t len)
{
	char host[256];
	const char *port;

	s->len = 0;
	s->key = NULL;
	s->ctx = NULL;
	s->ssl = NULL;
	s->fd = -1;
	if (c->addr == NULL) {
		snprintf(err, len,
		         "no address: give --addr, VOUCHD_ADDR or "
		         "addr in the config file");
		return -1;
	}
	if (strncmp(c->addr, "unix:", 5) == 0) {
		s->fd = dial_unix(c->addr + 5);
	} else if (split_host(c->addr, host, sizeof(host), &port) < 0) {
		snprintf(err, len, "bad address %s (host:port or unix:/path)",
		         c->addr);
		return -1;
	} else {
		s->fd = dial_tcp(host, port);
	}
	if (s->fd < 0) {
		snprintf(err, len, "cannot connect to %s", c->addr);
		return -1;
	}
	if (strncmp(c->addr, "unix:", 5) != 0 && !c->plaintext &&
	    tls_start(s, host, c->cacert, err, len) < 0)
		return -1;
	if (c->id == NULL)
		return 0;
	return auth(s, c, err, len);
}

void session_close(struct session *s)
{
	if (s->ssl) {
		SSL_shutdown(s->ssl);
		SSL_free(s->ssl);
	}
	SSL_CTX_free(s->ctx);
	s->ssl = NULL;
	s->ctx = NULL;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	sig_key_free(s->key);
	s->key = NULL;
}
