/* libFuzzer target: vouchctl report's reader of a billing export (CSV or
 * NDJSON), report_read, on the bytes as a file. Every record it yields
 * is a canonical USAGE line of the provider that parses back, as a
 * batch line, to a record that formats to the same bytes; line numbers
 * rise; every line counted is a record or a refusal. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "report.h"
#include "req.h"

struct seen {
	long last, records;
};

static int each(void *arg, long line, const char *text)
{
	struct seen *s = arg;
	char out[RECORD_LINE_MAX];
	struct record r;
	struct req q;
	size_t n = strlen(text);

	if (line <= s->last || n == 0 || n >= RECORD_LINE_MAX)
		abort();
	s->last = line;
	s->records++;
	if (req_parse(text, n, REQ_MAX_LINE, REQ_BATCH_LINE, &q) != 0 ||
	    record_from_req(&q, &r) != 0 || strcmp(r.provider, "dc") != 0 ||
	    record_format(&r, out, sizeof(out)) != (int)n ||
	    memcmp(out, text, n) != 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	/* a private copy without slack, so ASan sees any read past size */
	char *buf = malloc(size ? size : 1);
	struct report_stats st;
	struct seen s = {0, 0};
	FILE *f;

	if (null == NULL && (null = fopen("/dev/null", "w")) == NULL)
		abort();
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	f = fmemopen(buf, size, "r");
	if (f != NULL) {
		if (report_read(f, "dc", null, &st, each, &s) == 0 &&
		    (st.accepted != 0 || st.duplicate != 0 ||
		     st.lines != s.records + st.refused))
			abort();
		fclose(f);
	}
	free(buf);
	return 0;
}
