/* vouchd's configuration: defaults, the INI file's [server] section, and
 * flags on top. A bad setting is refused with "file:line: reason" (or
 * "--flag: reason"). Plain data, owned by the caller. */
#ifndef VD_CONFIG_H
#define VD_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CONFIG_PATH 1024
#define CONFIG_MAX_LISTEN 8

enum config_plain { PLAIN_LOOPBACK, PLAIN_YES, PLAIN_NO };

struct config {
	char data[CONFIG_PATH];
	char policies[CONFIG_PATH];
	char listen[CONFIG_MAX_LISTEN][256]; /* host:port or unix:/path */
	size_t nlisten;
	char tls_cert[CONFIG_PATH];
	char tls_key[CONFIG_PATH];
	enum config_plain plaintext;
	char metrics[256];
	char http[256]; /* the bureau's page (web.h); "" off */
	int64_t max_connections;
	int64_t max_per_peer; /* TCP connections from one address */
	int64_t max_line;
	int64_t max_batch;
	int64_t idle_timeout;   /* seconds */
	int64_t line_deadline;  /* seconds for one whole line */
	int64_t output_limit;   /* bytes of unread replies */
	int64_t commit_batch;   /* records per group commit (commit.h) */
	int64_t commit_wait_us; /* a group closes when its oldest waited this */
	int64_t workers;
	int unix_bureau;
	int log_level; /* 0 error, 1 warn, 2 info, 3 debug */
};

void config_defaults(struct config *c);

/* Read [server] of file into c (on top of what c holds) with config_read.
 * 0; VD_EIO when file cannot be opened, VD_EINVAL for a bad setting, with
 * the reason in err. */
int config_load(struct config *c, const char *file, char *err, size_t len);

/* The same from an open stream, read to its end (not closed); name is
 * the file's for messages ("name:line: reason"). An unknown section or
 * key, a bad value, a line that is no "key = value" or longer than
 * inih's line buffer: VD_EINVAL, the first reason in err, c possibly
 * changed by the lines before it. */
int config_read(struct config *c, FILE *f, const char *name, char *err,
                size_t len);

/* Set one key as the file would; where names the source for messages
 * ("file:line" or "--key"). */
int config_set(struct config *c, const char *key, const char *value,
               const char *where, char *err, size_t len);

#endif
