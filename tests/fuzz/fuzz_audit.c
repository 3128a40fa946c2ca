/* libFuzzer target: vouchctl audit, which an auditor runs on an export
 * someone sent: audit_verify on the bytes as a file, with no checkpoint
 * and, when the first line parses as one (audit_checkpoint_parse), on
 * the lines after it with that checkpoint and its key pinned; and the
 * checkpoint parser on the whole input. A verified export has its seqs
 * consecutive; a refusal says why; nothing is read past the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "err.h"

static void verify(char *buf, size_t size, const struct audit_cp *cp)
{
	struct audit_result res;
	char why[400];
	FILE *f = fmemopen(buf, size, "r");
	int rc;

	if (f == NULL)
		return;
	why[0] = '\0';
	rc = audit_verify(f, cp, cp ? cp->key : NULL, &res, why, sizeof(why));
	fclose(f);
	if (rc == 0) {
		if (res.entries == 0 || res.first == 0 ||
		    res.last - res.first + 1 != res.entries ||
		    res.from_genesis != (res.first == 1) ||
		    res.checkpoint != (cp != NULL))
			abort();
	} else if ((rc != VD_EINVAL && rc != VD_ENOMEM && rc != VD_EINTERNAL) ||
	           why[0] == '\0') {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a private copy without slack, so ASan sees any read past size */
	char *buf = malloc(size ? size : 1), *nl;
	struct audit_cp cp;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	(void)audit_checkpoint_parse(buf, size, &cp);
	verify(buf, size, NULL);
	nl = memchr(buf, '\n', size);
	if (nl != NULL &&
	    audit_checkpoint_parse(buf, (size_t)(nl - buf), &cp) == 0)
		verify(nl + 1, size - (size_t)(nl + 1 - buf), &cp);
	free(buf);
	return 0;
}
