/* libFuzzer target: the client's reply parser. A parsed reply's slices
 * stay inside the line and its keys are unique. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size ? size : 1);
	struct reply r;
	int64_t v;
	size_t i, j;

	if (line == NULL)
		return 0;
	memcpy(line, data, size);
	if (reply_parse(line, size, &r) == 0) {
		if (r.len > size || r.nkv > REPLY_MAX_KV)
			abort();
		if ((size_t)r.word.off + r.word.len > r.len ||
		    (size_t)r.msg.off + r.msg.len > r.len)
			abort();
		for (i = 0; i < r.nkv; i++) {
			const struct reply_kv *kv = &r.kv[i];
			if ((size_t)kv->key.off + kv->key.len > r.len ||
			    (size_t)kv->val.off + kv->val.len > r.len ||
			    kv->key.len == 0 || kv->val.len == 0)
				abort();
			for (j = 0; j < i; j++)
				if (r.kv[j].key.len == kv->key.len &&
				    memcmp(line + r.kv[j].key.off,
				           line + kv->key.off,
				           kv->key.len) == 0)
					abort();
		}
		(void)reply_get_i64(&r, "n", &v);
		(void)reply_get(&r, "id", NULL);
	}
	free(line);
	return 0;
}
