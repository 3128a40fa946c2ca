#include "kind.h"

#include <string.h>

static const char *const names[KIND_COUNT] = {[KIND_TRAINING] = "training",
                                              [KIND_INFERENCE] = "inference",
                                              [KIND_API] = "api",
                                              [KIND_FINETUNE] = "finetune",
                                              [KIND_DEPLOYMENT] = "deployment",
                                              [KIND_STORAGE] = "storage",
                                              [KIND_OTHER] = "other"};

const char *kind_name(int kind)
{
	return kind >= 0 && kind < KIND_COUNT ? names[kind] : "?";
}

int kind_lookup(const char *s, size_t len)
{
	int i;

	if (s == NULL)
		return -1;
	for (i = 0; i < KIND_COUNT; i++)
		if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
			return i;
	return -1;
}
