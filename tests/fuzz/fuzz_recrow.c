/* libFuzzer target: a record row of the store (ledger/recrow.h), which
 * `vouchd check`, `vouchd run` and the read commands decode from the
 * file as it is: a damaged row is refused (VD_EINTERNAL) and nothing is
 * read past it. A row that decodes encodes back to one that decodes to
 * the same record. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "recrow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of its own size: ASan sees any read past the row */
	uint8_t *copy = malloc(size ? size : 1), *buf;
	char id[RECROW_ID + 1];
	struct recrow r, d;
	uint32_t no;
	size_t len;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	/* a key that parses is the key of that number and id */
	if (recrow_key_parse(copy, size, &no, id) == 0) {
		uint8_t k[RECROW_KEY];
		if (recrow_key(k, no, id) != size || memcmp(k, copy, size) != 0)
			abort();
	}
	if (recrow_decode(copy, size, &r) == 0 &&
	    (buf = malloc(recrow_size(&r))) != NULL) {
		/* a row that decodes encodes again, to the same record */
		if (recrow_encode(&r, buf, recrow_size(&r), &len) != 0 ||
		    recrow_decode(buf, len, &d) != 0 || d.org != r.org ||
		    d.at != r.at || d.amount != r.amount || d.qty != r.qty ||
		    d.seq != r.seq || d.status != r.status ||
		    d.kind != r.kind || d.flags != r.flags ||
		    d.batch != r.batch || d.line_len != r.line_len ||
		    d.line_off != r.line_off ||
		    memcmp(d.sig, r.sig, sizeof(r.sig)) != 0 ||
		    (r.flags & RECROW_LINE &&
		     memcmp(d.line, r.line, r.line_len) != 0) ||
		    d.counts_len != r.counts_len ||
		    strcmp(d.unit, r.unit) != 0 ||
		    strcmp(d.klass, r.klass) != 0 ||
		    strcmp(d.project, r.project) != 0 ||
		    memcmp(d.counts, r.counts, r.counts_len) != 0)
			abort();
		free(buf);
	}
	free(copy);
	return 0;
}
