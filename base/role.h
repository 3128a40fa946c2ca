/* Roles of principals: one enum for the store (a principal's role, kept
 * as a byte: the values never change), the ledger's checks, the wire
 * (REGISTER's role=, AUTH's reply) and the daemon's sessions, where
 * ROLE_NONE is a connection that has not authenticated. Sets of roles,
 * such as who may send a command (proto/cmd.h's table), are bit sets of
 * ROLE_BIT(role). */
#ifndef VD_ROLE_H
#define VD_ROLE_H

#include <stddef.h>

enum role {
	ROLE_NONE = 0, /* no principal has it: before AUTH */
	ROLE_PROVIDER = 1,
	ROLE_ORG = 2,
	ROLE_BUREAU = 3,
	ROLE_COUNT
};

#define ROLE_BIT(r) (1u << (r))
#define ROLES_AUTHED                                                           \
	(ROLE_BIT(ROLE_PROVIDER) | ROLE_BIT(ROLE_ORG) | ROLE_BIT(ROLE_BUREAU))
#define ROLES_ALL (ROLE_BIT(ROLE_NONE) | ROLES_AUTHED)

/* "provider", "org" or "bureau"; "none" for ROLE_NONE and any value that
 * is not a role. Static storage, never NULL. */
const char *role_name(int role);

/* The role named exactly by the len bytes at s ("provider", "org",
 * "bureau"; s need not be NUL-terminated); -1 for anything else, "none"
 * included: no principal is registered without a role. */
int role_lookup(const char *s, size_t len);

#endif
