/* vouchctl, first cut: key generation and a raw protocol session that
 * authenticates and signs for the user. The subcommands of the issue
 * "vouchctl and deployment" (report, balance, tables, --json) build on
 * this. */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "record.h"
#include "reply.h"
#include "req.h"
#include "sig.h"

struct conn {
	int fd;
	char buf[1 << 16];
	size_t len;
	char line[1 << 16];
};

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
			if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) == 0)
				break;
			if (fd >= 0)
				close(fd);
			fd = -1;
		}
		freeaddrinfo(ai);
		return fd;
	}
}

static const char *readline(struct conn *c)
{
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		ssize_t r;
		if (nl) {
			size_t l = (size_t)(nl - c->buf);
			memcpy(c->line, c->buf, l);
			c->line[l] = '\0';
			memmove(c->buf, nl + 1, c->len - l - 1);
			c->len -= l + 1;
			return c->line;
		}
		if (c->len == sizeof(c->buf))
			return NULL;
		r = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
		if (r <= 0)
			return NULL;
		c->len += (size_t)r;
	}
}

static int sendline(struct conn *c, const char *s)
{
	size_t n = strlen(s);

	return write(c->fd, s, n) == (ssize_t)n && write(c->fd, "\n", 1) == 1
		   ? 0
		   : -1;
}

/* Print one reply and the lines of a listing. */
static int print_reply(struct conn *c)
{
	const char *l = readline(c);
	struct reply r;
	int64_t i;

	if (l == NULL)
		return -1;
	printf("%s\n", l);
	if (reply_parse(l, strlen(l), &r) == 0 && r.kind == REPLY_OK &&
	    r.n > 0)
		for (i = 0; i < r.n; i++) {
			if ((l = readline(c)) == NULL)
				return -1;
			printf("%s\n", l);
		}
	return r.kind == REPLY_ERR ? 1 : 0;
}

static int cmd_keygen(const char *out)
{
	struct sig_key *k = NULL;
	uint8_t pub[SIG_PUB_LEN];
	char hex[SIG_PUB_HEX + 1];
	int rc;

	if ((rc = sig_keygen(&k)) < 0 || (rc = sig_key_save(k, out)) < 0 ||
	    (rc = sig_key_public(k, pub)) < 0) {
		fprintf(stderr, "vouchctl keygen: %s: %s\n", out,
			rc == -104 ? "exists" : "cannot write the key");
		sig_key_free(k);
		return 1;
	}
	sig_hex_encode(pub, SIG_PUB_LEN, hex);
	printf("%s\n", hex);
	sig_key_free(k);
	return 0;
}

/* HELLO and AUTH; then each stdin line is sent (USAGE and VOID lines
 * without sig= are signed with the key) and its reply printed. */
static int cmd_raw(const char *addr, const char *id, const char *keyfile)
{
	static struct conn c;
	struct sig_key *k = NULL;
	char line[REQ_MAX_LINE + 200];
	int status = 0;

	c.fd = dial(addr);
	if (c.fd < 0) {
		fprintf(stderr, "vouchctl: cannot connect to %s\n", addr);
		return 3;
	}
	if (id != NULL) {
		struct reply r;
		const char *l, *nonce;
		uint8_t sig[SIG_LEN];
		char hex[SIG_HEX + 1], auth[300];
		size_t n;
		if (sig_key_load(keyfile, &k) < 0) {
			fprintf(stderr, "vouchctl: cannot read key %s (it must "
					"be mode 0600)\n",
				keyfile);
			return 3;
		}
		sendline(&c, "HELLO");
		l = readline(&c);
		if (l == NULL || reply_parse(l, strlen(l), &r) != 0 ||
		    (nonce = reply_get(&r, "nonce", &n)) == NULL || n != 64) {
			fprintf(stderr, "vouchctl: no HELLO from %s\n", addr);
			return 3;
		}
		sig_auth_sign(k, nonce, 64, sig);
		sig_hex_encode(sig, SIG_LEN, hex);
		snprintf(auth, sizeof(auth), "AUTH id=%s sig=%s", id, hex);
		sendline(&c, auth);
		l = readline(&c);
		if (l == NULL || strncmp(l, "OK", 2) != 0) {
			fprintf(stderr, "vouchctl: %s\n", l ? l : "no reply");
			return 3;
		}
	}
	while (fgets(line, sizeof(line), stdin)) {
		size_t n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if (k && (strncmp(line, "USAGE ", 6) == 0 ||
			  strncmp(line, "VOID ", 5) == 0) &&
		    strstr(line, " sig=") == NULL && n + 134 < sizeof(line)) {
			uint8_t sig[SIG_LEN];
			sig_sign(k, line, n, sig);
			memcpy(line + n, " sig=", 5);
			sig_hex_encode(sig, SIG_LEN, line + n + 5);
		}
		if (sendline(&c, line) < 0)
			return 3;
		int rc = print_reply(&c);
		if (rc < 0)
			return 3;
		if (rc > 0)
			status = 1;
	}
	sig_key_free(k);
	close(c.fd);
	return status;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: vouchctl keygen --out FILE\n"
		"       vouchctl raw --addr ADDR [--id ID --key FILE]\n"
		"\n"
		"  keygen  a new Ed25519 key in FILE (0600); prints the public "
		"key\n"
		"  raw     send protocol lines from stdin, print the replies; "
		"with --id\n"
		"          and --key it authenticates first and signs USAGE "
		"and VOID lines\n"
		"ADDR is host:port or unix:/path (VOUCHD_ADDR)\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"out", required_argument, NULL, 'o'},
	    {"addr", required_argument, NULL, 'a'},
	    {"id", required_argument, NULL, 'i'},
	    {"key", required_argument, NULL, 'k'},
	    {NULL, 0, NULL, 0}};
	const char *out = NULL, *addr = getenv("VOUCHD_ADDR"),
		   *id = getenv("VOUCHD_ID"), *key = getenv("VOUCHD_KEY");
	int o;

	if (argc < 2)
		return usage();
	optind = 2;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'o')
			out = optarg;
		else if (o == 'a')
			addr = optarg;
		else if (o == 'i')
			id = optarg;
		else if (o == 'k')
			key = optarg;
		else
			return usage();
	}
	if (strcmp(argv[1], "keygen") == 0 && out)
		return cmd_keygen(out);
	if (strcmp(argv[1], "raw") == 0 && addr && (!id == !key))
		return cmd_raw(addr, id, key);
	return usage();
}
