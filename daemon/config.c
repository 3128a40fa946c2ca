#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "money.h"
#include "req.h"

void config_defaults(struct config *c)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	memset(c, 0, sizeof(*c));
	snprintf(c->data, sizeof(c->data), "/var/lib/vouchd");
	snprintf(c->policies, sizeof(c->policies), "/etc/vouchd/policies");
	c->plaintext = PLAIN_LOOPBACK;
	c->max_connections = 1024;
	c->max_per_peer = 64;
	c->max_line = REQ_DEFAULT_LINE;
	c->max_batch = 10000;
	c->idle_timeout = 300;
	c->line_deadline = 30;
	c->output_limit = 1 << 20;
	c->commit_batch = 1024;
	c->workers = n > 0 ? n : 1;
	c->log_level = 2;
}

static int num(const char *v, int64_t min, int64_t max, int64_t *out)
{
	int64_t x;

	if (money_parse_uint(v, strlen(v), &x) < 0 || x < min || x > max)
		return -1;
	*out = x;
	return 0;
}

static int path(char *dst, size_t size, const char *v)
{
	if (v[0] == '\0' || strlen(v) >= size)
		return -1;
	snprintf(dst, size, "%s", v);
	return 0;
}

static int listen_list(struct config *c, const char *v)
{
	const char *p = v;

	c->nlisten = 0;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t l = comma ? (size_t)(comma - p) : strlen(p);
		while (l > 0 && (*p == ' ' || *p == '\t'))
			p++, l--;
		while (l > 0 && (p[l - 1] == ' ' || p[l - 1] == '\t'))
			l--;
		if (l == 0 || l >= sizeof(c->listen[0]) ||
		    c->nlisten == CONFIG_MAX_LISTEN)
			return -1;
		memcpy(c->listen[c->nlisten], p, l);
		c->listen[c->nlisten][l] = '\0';
		c->nlisten++;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return c->nlisten ? 0 : -1;
}

int config_set(struct config *c, const char *k, const char *v,
               const char *where, char *err, size_t len)
{
	const char *want = NULL;
	int bad = 0;

	if (strcmp(k, "data") == 0)
		bad = path(c->data, sizeof(c->data), v), want = "a path";
	else if (strcmp(k, "policies") == 0)
		bad = path(c->policies, sizeof(c->policies), v),
		want = "a path";
	else if (strcmp(k, "listen") == 0)
		bad = listen_list(c, v),
		want = "host:port or unix:/path, comma-separated (at most 8)";
	else if (strcmp(k, "tls_cert") == 0)
		bad = path(c->tls_cert, sizeof(c->tls_cert), v),
		want = "a path";
	else if (strcmp(k, "tls_key") == 0)
		bad = path(c->tls_key, sizeof(c->tls_key), v), want = "a path";
	else if (strcmp(k, "plaintext") == 0) {
		want = "loopback, yes or no";
		if (strcmp(v, "loopback") == 0)
			c->plaintext = PLAIN_LOOPBACK;
		else if (strcmp(v, "yes") == 0)
			c->plaintext = PLAIN_YES;
		else if (strcmp(v, "no") == 0)
			c->plaintext = PLAIN_NO;
		else
			bad = 1;
	} else if (strcmp(k, "metrics") == 0)
		bad = path(c->metrics, sizeof(c->metrics), v),
		want = "host:port";
	else if (strcmp(k, "http") == 0)
		bad = path(c->http, sizeof(c->http), v), want = "host:port";
	else if (strcmp(k, "max_connections") == 0)
		bad = num(v, 1, 1000000, &c->max_connections),
		want = "1 to 1000000";
	else if (strcmp(k, "max_per_peer") == 0)
		bad = num(v, 1, 1000000, &c->max_per_peer),
		want = "1 to 1000000";
	else if (strcmp(k, "max_line") == 0)
		bad = num(v, 256, REQ_MAX_LINE, &c->max_line),
		want = "256 to 65536";
	else if (strcmp(k, "max_batch") == 0)
		bad = num(v, 1, 1000000, &c->max_batch), want = "1 to 1000000";
	else if (strcmp(k, "idle_timeout") == 0)
		bad = num(v, 1, 86400, &c->idle_timeout),
		want = "1 to 86400 seconds";
	else if (strcmp(k, "line_deadline") == 0)
		bad = num(v, 1, 3600, &c->line_deadline),
		want = "1 to 3600 seconds";
	else if (strcmp(k, "output_limit") == 0)
		bad = num(v, 4096, 1 << 30, &c->output_limit),
		want = "4096 to 1073741824 bytes";
	else if (strcmp(k, "commit_batch") == 0)
		bad = num(v, 1, 1000000, &c->commit_batch),
		want = "1 to 1000000";
	else if (strcmp(k, "commit_wait_us") == 0)
		bad = num(v, 0, 1000000, &c->commit_wait_us),
		want = "0 to 1000000 microseconds";
	else if (strcmp(k, "workers") == 0)
		bad = num(v, 1, 256, &c->workers), want = "1 to 256";
	else if (strcmp(k, "unix_bureau") == 0) {
		want = "yes or no";
		if (strcmp(v, "yes") == 0)
			c->unix_bureau = 1;
		else if (strcmp(v, "no") == 0)
			c->unix_bureau = 0;
		else
			bad = 1;
	} else if (strcmp(k, "log_level") == 0) {
		static const char *const lv[] = {"error", "warn", "info",
		                                 "debug"};
		int i;
		want = "error, warn, info or debug";
		bad = 1;
		for (i = 0; i < 4; i++)
			if (strcmp(v, lv[i]) == 0)
				c->log_level = i, bad = 0;
	} else {
		snprintf(err, len, "%s: unknown setting '%.64s'", where, k);
		return VD_EINVAL;
	}
	if (bad) {
		snprintf(err, len, "%s: bad value for '%s': want %s", where, k,
		         want);
		return VD_EINVAL;
	}
	return 0;
}

struct parse {
	struct config *c;
	FILE *f;
	const char *file;
	int line, failed, in_server;
	char *err;
	size_t len;
};

/* inih reports neither lines nor sections without keys: count lines here */
static char *reader(char *str, int num_, void *stream)
{
	struct parse *p = stream;
	char *r = fgets(str, num_, p->f);
	const char *s;

	if (r == NULL)
		return NULL;
	p->line++;
	if (strchr(str, '\n') == NULL && !feof(p->f)) {
		int ch;
		if (!p->failed)
			snprintf(p->err, p->len, "%s:%d: line too long",
			         p->file, p->line);
		p->failed = 1;
		while ((ch = fgetc(p->f)) != EOF && ch != '\n')
			;
		str[0] = '\n';
		str[1] = '\0';
		return str;
	}
	for (s = str; *s == ' ' || *s == '\t'; s++)
		;
	if (*s == '[')
		p->in_server = strncmp(s, "[server]", 8) == 0;
	return r;
}

static int handler(void *user, const char *section, const char *name,
                   const char *value)
{
	struct parse *p = user;
	char where[CONFIG_PATH + 16];

	if (p->failed)
		return 1;
	snprintf(where, sizeof(where), "%s:%d", p->file, p->line);
	if (strcmp(section, "server") != 0) {
		snprintf(p->err, p->len, "%s: unknown section [%.64s]", where,
		         section);
		p->failed = 1;
		return 1;
	}
	if (config_set(p->c, name, value, where, p->err, p->len) < 0)
		p->failed = 1;
	return 1;
}

int config_read(struct config *c, FILE *f, const char *name, char *err,
                size_t len)
{
	struct parse p = {c, f, name, 0, 0, 0, err, len};
	int rc;

	rc = ini_parse_stream(reader, &p, handler, &p);
	if (!p.failed && rc > 0) {
		snprintf(err, len, "%s:%d: expected 'key = value'", name, rc);
		p.failed = 1;
	}
	return p.failed ? VD_EINVAL : 0;
}

int config_load(struct config *c, const char *file, char *err, size_t len)
{
	FILE *f = fopen(file, "r");
	int rc;

	if (f == NULL) {
		snprintf(err, len, "%s: %s", file, strerror(errno));
		return VD_EIO;
	}
	rc = config_read(c, f, file, err, len);
	fclose(f);
	return rc;
}
