#include "role.h"

#include <string.h>

static const char *const names[ROLE_COUNT] = {[ROLE_NONE] = "none",
                                              [ROLE_PROVIDER] = "provider",
                                              [ROLE_ORG] = "org",
                                              [ROLE_BUREAU] = "bureau"};

const char *role_name(int role)
{
	return role > ROLE_NONE && role < ROLE_COUNT ? names[role] : "none";
}

int role_lookup(const char *s, size_t len)
{
	int i;

	if (s == NULL)
		return -1;
	for (i = ROLE_PROVIDER; i < ROLE_COUNT; i++)
		if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
			return i;
	return -1;
}
