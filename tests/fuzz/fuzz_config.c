/* libFuzzer target: vouchd's configuration file, read by config_read
 * (config_load's reader) from the bytes as a stream. A file that loads
 * leaves every setting in its documented range; a refused one says why,
 * naming the file. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "err.h"
#include "req.h"

static void in(int64_t v, int64_t min, int64_t max)
{
	if (v < min || v > max)
		abort();
}

static void check(const struct config *c)
{
	size_t i;

	if (memchr(c->data, '\0', sizeof(c->data)) == NULL ||
	    memchr(c->policies, '\0', sizeof(c->policies)) == NULL ||
	    memchr(c->tls_cert, '\0', sizeof(c->tls_cert)) == NULL ||
	    memchr(c->tls_key, '\0', sizeof(c->tls_key)) == NULL ||
	    memchr(c->metrics, '\0', sizeof(c->metrics)) == NULL ||
	    memchr(c->http, '\0', sizeof(c->http)) == NULL ||
	    c->data[0] == '\0' || c->policies[0] == '\0')
		abort();
	in((int64_t)c->nlisten, 0, CONFIG_MAX_LISTEN);
	for (i = 0; i < c->nlisten; i++)
		if (c->listen[i][0] == '\0' ||
		    memchr(c->listen[i], '\0', sizeof(c->listen[i])) == NULL)
			abort();
	in(c->plaintext, PLAIN_LOOPBACK, PLAIN_NO);
	in(c->max_connections, 1, 1000000);
	in(c->max_per_peer, 1, 1000000);
	in(c->max_line, 256, REQ_MAX_LINE);
	in(c->max_batch, 1, 1000000);
	in(c->idle_timeout, 1, 86400);
	in(c->line_deadline, 1, 3600);
	in(c->output_limit, 4096, 1 << 30);
	in(c->commit_batch, 1, 1000000);
	in(c->commit_wait_us, 0, 1000000);
	in(c->workers, 1, 256);
	in(c->unix_bureau, 0, 1);
	in(c->log_level, 0, 3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a private copy without slack, so ASan sees any read past size */
	char *buf = malloc(size ? size : 1), err[512];
	struct config c;
	FILE *f;
	int rc;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	f = fmemopen(buf, size, "r");
	if (f == NULL) {
		free(buf);
		return 0;
	}
	config_defaults(&c);
	err[0] = '\0';
	rc = config_read(&c, f, "fuzz.conf", err, sizeof(err));
	fclose(f);
	if (rc == 0)
		check(&c);
	else if (rc != VD_EINVAL || strncmp(err, "fuzz.conf:", 10) != 0)
		abort();
	free(buf);
	return 0;
}
