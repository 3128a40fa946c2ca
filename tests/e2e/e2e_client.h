/* A small client for the end-to-end tests: starts the real vouchd
 * binary on a temporary store, connects over its Unix socket or loopback
 * TCP, signs as a principal, and reads replies. Header-only: each e2e
 * test binary includes it once. */
#ifndef VD_E2E_CLIENT_H
#define VD_E2E_CLIENT_H

#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "civil.h"
#include "hex.h"
#include "record.h"
#include "reply.h"
#include "sig.h"

struct daemon {
	char dir[64];
	char conf[128];
	int metrics_port;
	char data[96];
	char sock[128];
	char bureau_key[128];
	pid_t pid;
};

struct client {
	int fd;
	char buf[1 << 16];
	size_t len;
	char line[1 << 16];
};

static inline int e2e_run(const char *const *argv)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Connect to the Unix socket sock, trying up to tries times 50 ms apart
 * (a daemon starting binds it a moment after it is spawned). 0, or -1. */
static inline int client_open_tries(struct client *c, const char *sock,
                                    int tries)
{
	struct sockaddr_un sa;
	int i;

	memset(c, 0, sizeof(*c));
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(sock) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, sock, strlen(sock));
	for (i = 0; i < tries; i++) {
		c->fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return 0;
		close(c->fd);
		if (i + 1 < tries)
			usleep(50000);
	}
	return -1;
}

static inline int client_open(struct client *c, const char *sock)
{
	return client_open_tries(c, sock, 100);
}

static inline void client_close(struct client *c)
{
	close(c->fd);
}

static inline int client_send(struct client *c, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = send(c->fd, s, n, MSG_NOSIGNAL);
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The next reply line (without LF), or NULL at EOF. */
static inline const char *client_line(struct client *c)
{
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		ssize_t r;
		if (nl != NULL) {
			size_t l = (size_t)(nl - c->buf);
			memcpy(c->line, c->buf, l);
			c->line[l] = '\0';
			memmove(c->buf, nl + 1, c->len - l - 1);
			c->len -= l + 1;
			return c->line;
		}
		if (c->len == sizeof(c->buf))
			return NULL;
		r = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
		if (r <= 0)
			return NULL;
		c->len += (size_t)r;
	}
}

/* Send one line, return the first reply line. */
static inline const char *client_req(struct client *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline const char *client_req(struct client *c, const char *fmt, ...)
{
	char line[1 << 16];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	line[n++] = '\n';
	if (client_send(c, line, (size_t)n) < 0)
		return NULL;
	return client_line(c);
}

/* HELLO, AUTH as id with key. Returns the AUTH reply. */
static inline const char *client_auth(struct client *c, const char *id,
                                      const struct sig_key *k,
                                      uint8_t server_pub[32])
{
	struct reply r;
	uint8_t sig[SIG_LEN];
	char nonce[65], hex[SIG_HEX + 1];
	const char *l = client_req(c, "HELLO");
	size_t n;
	const char *v;

	if (l == NULL || reply_parse(l, strlen(l), &r) != 0)
		return NULL;
	v = reply_get(&r, "nonce", &n);
	if (v == NULL || n != 64)
		return NULL;
	memcpy(nonce, v, 64);
	nonce[64] = '\0';
	if (server_pub) {
		v = reply_get(&r, "key", &n);
		hex_decode(v, n, server_pub, 32);
	}
	sig_auth_sign(k, nonce, 64, sig);
	hex_encode(sig, SIG_LEN, hex);
	return client_req(c, "AUTH id=%s sig=%s", id, hex);
}

/* The tests' dates. vouchd runs on the real clock: it refuses a record
 * whose period (a calendar year in China Standard Time, UTC+8) ended more
 * than late_days ago, and a voucher expires at the end of the period after
 * the one it was granted in. So the tests date their records, and name
 * their periods, in the CST year they run in, whose period has not ended,
 * rather than in a fixed year that some day lies too far back. The year is
 * taken at the first call and kept, so that one test binary uses one year
 * throughout. */
static inline int e2e_year(void)
{
	static int year;
	time_t now;
	struct tm tm;

	if (year == 0) {
		now = time(NULL) + 8 * 3600;
		gmtime_r(&now, &tm);
		year = tm.tm_year + 1900;
	}
	return year;
}

/* 1 January of e2e_year(), hour:00:00Z (Unix seconds). For hours 0 to 15
 * (08:00 to 23:00 in CST) it is in the period e2e_year() and never more
 * than a day ahead of now, which vouchd accepts: on 1 January at 00:00 CST
 * it is at most 23 hours ahead, on any later day it is past. */
static inline int64_t e2e_at(int hour)
{
	return civil_to_days(e2e_year(), 1, 1) * 86400 + (int64_t)hour * 3600;
}

/* e2e_at(hour) as the wire writes it, "YYYY-MM-DDTHH:MM:SSZ", in buf
 * (CIVIL_UTC_LEN + 1 bytes); buf. */
static inline const char *e2e_time(int hour, char *buf)
{
	if (civil_format_utc(e2e_at(hour), buf) != 0)
		buf[0] = '\0';
	return buf;
}

/* A signed USAGE line of provider (key k) for org: 10 gpu-hours of
 * training at `at` (Unix seconds), amount fen. 0, or -1. */
static inline int usage_line_at(const struct sig_key *k, const char *provider,
                                const char *id, const char *org, int64_t at,
                                int64_t amount, char *buf, size_t size)
{
	struct record r;

	memset(&r, 0, sizeof(r));
	snprintf(r.provider, sizeof(r.provider), "%s", provider);
	snprintf(r.id, sizeof(r.id), "%s", id);
	snprintf(r.org, sizeof(r.org), "%s", org);
	r.at = at;
	r.amount = amount;
	r.qty = 10;
	snprintf(r.unit, sizeof(r.unit), "gpu-hour");
	r.kind = 0; /* training */
	return record_sign(k, &r, buf, size) > 0 ? 0 : -1;
}

/* A free loopback port (bound then released: good enough for a test) */
static inline int free_port(void)
{
	struct sockaddr_in sa;
	socklen_t l = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &l) < 0) {
		close(fd);
		return -1;
	}
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static inline pid_t daemon_spawn(struct daemon *d, const char *vouchd,
                                 const char *policies)
{
	pid_t pid = fork();

	if (pid == 0) {
		execl(vouchd, vouchd, "run", "--config", d->conf, "--data",
		      d->data, "--policies", policies, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static inline int daemon_start(struct daemon *d, const char *vouchd,
                               const char *policies)
{
	const char *init[] = {vouchd,         "init",        "--data", d->data,
	                      "--bureau-key", d->bureau_key, NULL};
	FILE *f;

	snprintf(d->dir, sizeof(d->dir), "/tmp/vd_e2e_XXXXXX");
	if (mkdtemp(d->dir) == NULL)
		return -1;
	snprintf(d->data, sizeof(d->data), "%s/data", d->dir);
	snprintf(d->sock, sizeof(d->sock), "%s/vouchd.sock", d->dir);
	snprintf(d->bureau_key, sizeof(d->bureau_key), "%s/bureau.pem", d->dir);
	snprintf(d->conf, sizeof(d->conf), "%s/vouchd.conf", d->dir);
	if (e2e_run(init) != 0)
		return -1;
	d->metrics_port = free_port();
	/* short limits so that the tests can see them act */
	f = fopen(d->conf, "w");
	if (f == NULL)
		return -1;
	fprintf(f,
	        "; written by the e2e test\n"
	        "[server]\n"
	        "listen = unix:%s\n"
	        "metrics = 127.0.0.1:%d\n"
	        "line_deadline = 1\n"
	        "idle_timeout = 20\n"
	        "max_connections = 8\n"
	        "log_level = warn\n",
	        d->sock, d->metrics_port);
	fclose(f);
	d->pid = daemon_spawn(d, vouchd, policies);
	if (d->pid <= 0)
		return -1;
	/* up when its socket accepts: a test that starts with vouchctl
	 * (which does not retry) would otherwise race the daemon's start
	 * (e2e_projects failed so, once in a parallel run) */
	{
		struct client c;
		if (client_open(&c, d->sock) < 0)
			return -1;
		client_close(&c);
	}
	return 0;
}

/* GET path from the metrics listener; the body in buf. */
static inline int http_get(int port, const char *path, char *buf, size_t size)
{
	struct sockaddr_in sa;
	char req[256];
	size_t n = 0;
	ssize_t r;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n",
	         path);
	if (send(fd, req, strlen(req), 0) < 0) {
		close(fd);
		return -1;
	}
	while (n + 1 < size && (r = recv(fd, buf + n, size - n - 1, 0)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	close(fd);
	return 0;
}

/* The file at path in buf (at most size - 1 bytes, NUL-terminated; empty
 * if it cannot be read). */
static inline void slurp(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, size - 1, f) : 0;
	buf[n] = '\0';
	if (f)
		fclose(f);
}

/* SIGTERM; the exit status */
static inline int daemon_stop(struct daemon *d)
{
	int st;

	kill(d->pid, SIGTERM);
	if (waitpid(d->pid, &st, 0) != d->pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static inline void daemon_cleanup(struct daemon *d)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", d->dir);
	if (system(cmd) != 0) {
		/* a leftover temp dir is not a failure */
	}
}

/* cmocka must be included before this header for these two */
static inline void expect_prefix(const char *got, const char *want)
{
	if (got == NULL || strncmp(got, want, strlen(want)) != 0)
		fail_msg("want '%s...', got '%s'", want, got ? got : "(EOF)");
}

/* A test group's daemon: vouchd started on policies, the bureau's key
 * loaded into *bureau, two keys made (*a, *b); 0, or -1 if a step
 * failed. e2e_group_down stops and removes it and frees the keys. */
static inline int e2e_group_up(struct daemon *d, const char *vouchd,
                               const char *policies, struct sig_key **bureau,
                               struct sig_key **a, struct sig_key **b)
{
	if (daemon_start(d, vouchd, policies) < 0)
		return -1;
	return sig_key_load(d->bureau_key, bureau) < 0 || sig_keygen(a) < 0 ||
	               sig_keygen(b) < 0
	           ? -1
	           : 0;
}

static inline void e2e_group_down(struct daemon *d, struct sig_key *bureau,
                                  struct sig_key *a, struct sig_key *b)
{
	if (d->pid > 0)
		daemon_stop(d);
	daemon_cleanup(d);
	sig_key_free(a);
	sig_key_free(b);
	sig_key_free(bureau);
}

/* c opened on sock and authenticated as id with k (server_pub as
 * client_auth's: NULL, or where the daemon's key is put), or the test
 * fails. */
static inline void client_open_as(struct client *c, const char *sock,
                                  const char *id, const struct sig_key *k,
                                  uint8_t server_pub[32])
{
	assert_int_equal(client_open(c, sock), 0);
	expect_prefix(client_auth(c, id, k, server_pub), "OK id=");
}

static inline const char *key_hex(struct sig_key *k, char hex[65])
{
	uint8_t pub[32];

	sig_key_public(k, pub);
	hex_encode(pub, 32, hex);
	return hex;
}

/* the resident set of process pid, in KiB (-1: unknown) */
static inline long rss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

/* STATS commits=: the group commits the daemon has made */
static inline long stats_commits(struct client *c)
{
	const char *l = client_req(c, "STATS"), *p;

	assert_non_null(l);
	p = strstr(l, " commits=");
	assert_non_null(p);
	return strtol(p + 9, NULL, 10);
}

/* A daemon of its own on a fresh store, stopped again, with its config
 * written from fmt (the caller starts it: daemon_spawn, or under other
 * limits). */
static inline void daemon_own(struct daemon *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void daemon_own(struct daemon *d, const char *fmt, ...)
{
	struct client c;
	va_list ap;
	FILE *f;

	assert_int_equal(
	    daemon_start(d, VOUCHD_BIN, VD_SOURCE_DIR "/deploy/policies"), 0);
	assert_int_equal(client_open(&c, d->sock), 0);
	expect_prefix(client_req(&c, "PING"), "OK");
	client_close(&c);
	assert_int_equal(daemon_stop(d), 0);
	f = fopen(d->conf, "w");
	assert_non_null(f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

#endif
