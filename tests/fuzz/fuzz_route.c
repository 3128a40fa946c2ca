/* libFuzzer target: the bureau page's request-target parser (web_route).
 * A target is routed or refused, never read past its NUL; a routed one
 * has a period of 0 (the period of now) or 1970 to 9999, and a pool id
 * of the policy id's alphabet. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "web.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *uri = malloc(size + 1);
	struct web_route r;
	const char *why;
	size_t i;
	int rc;

	if (uri == NULL)
		return 0;
	memcpy(uri, data, size);
	uri[size] = '\0';
	rc = web_route(uri, &r, &why);
	if (rc != 0 && rc != VD_ENOENT && rc != VD_EINVAL)
		abort();
	if (rc == VD_EINVAL && why == NULL)
		abort();
	if (rc == 0) {
		if (r.period != 0 && (r.period < 1970 || r.period > 9999))
			abort();
		for (i = 0; r.pool[i]; i++)
			if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789._-",
			            r.pool[i]))
				abort();
		if ((r.what == WEB_DAYS_CSV || r.what == WEB_PROGRAMS_CSV) &&
		    r.pool[0] == '\0')
			abort();
	}
	free(uri);
	return 0;
}
