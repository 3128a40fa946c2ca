/* libFuzzer target: the side doors' request heads (httpd_parse, the
 * bureau page's and /metrics' listeners). Bytes are a head, whole or
 * not; the parse never reads or writes past its buffer, and what it
 * answers is one of httpd.h's: a GET's target (starting with '/', no
 * space, inside the buffer) or a refusal with its code and reason. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "httpd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct httpd_head h;
	size_t n = size > HTTPD_HEAD_MAX ? HTTPD_HEAD_MAX : size;
	char *buf = malloc(n + 1);
	int rc;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, n);
	rc = httpd_parse(buf, n, &h);
	if (rc != 0 && rc != 1 && rc != VD_EINVAL)
		abort();
	if (rc == 1 && h.status == 0 &&
	    (h.target < buf || h.target >= buf + n || h.target[0] != '/' ||
	     strchr(h.target, ' ') != NULL))
		abort();
	if (rc == 1 && h.status != 0 &&
	    ((h.status != 400 && h.status != 405 && h.status != 431 &&
	      h.status != 505) ||
	     h.reason == NULL || h.why == NULL))
		abort();
	if (rc == 0 && n >= HTTPD_HEAD_MAX)
		abort();
	free(buf);
	return 0;
}
