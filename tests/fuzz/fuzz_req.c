/* libFuzzer target: the request parser, in both modes and at both line
 * limits. A line that parses must satisfy the struct's contract, and a
 * USAGE record that parses must format back to a line that parses to the
 * same record. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "record.h"
#include "req.h"

static void check(const struct req *r, size_t len)
{
	int k;

	if (r->len > len)
		abort();
	for (k = 0; k < KEY_COUNT; k++) {
		if (!(r->present & KEYBIT(k)))
			continue;
		if (r->val[k].len == 0 ||
		    (size_t)r->val[k].off + r->val[k].len > r->len)
			abort();
		if (!((r->spec->required | r->spec->optional) & KEYBIT(k)))
			abort();
	}
	if (r->spec->required & ~r->present & ~KEYBIT(KEY_SIG))
		abort();
	if (req_has(r, KEY_SIG) && (r->spec->flags & CMD_SIG_LAST) &&
	    (r->signed_len == 0 || r->signed_len >= r->len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a private copy without slack, so ASan sees any read past len */
	char *line = malloc(size ? size : 1);
	struct record rec, back;
	char out[RECORD_LINE_MAX];
	struct req r, q;
	int mode, n;

	if (line == NULL)
		return 0;
	memcpy(line, data, size);
	for (mode = 0; mode < 2; mode++) {
		if (req_parse(line, size, REQ_DEFAULT_LINE, (enum req_mode)mode,
		              &r) == 0) {
			check(&r, size);
			if (r.spec->id == CMD_USAGE &&
			    record_from_req(&r, &rec) == 0) {
				n = record_format(&rec, out, sizeof(out));
				if (n < 0)
					abort();
				if (req_parse(out, (size_t)n, REQ_MAX_LINE,
				              REQ_BATCH_LINE, &q) != 0 ||
				    record_from_req(&q, &back) != 0 ||
				    memcmp(&rec, &back, sizeof(rec)) != 0)
					abort();
			}
		}
		(void)req_parse(line, size, REQ_MAX_LINE, (enum req_mode)mode,
		                &r);
	}
	free(line);
	return 0;
}
