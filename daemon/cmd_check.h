/* `vouchd check --data DIR`: verify a store offline with ledger_check(),
 * using the policy the store itself recorded as in force. */
#ifndef VD_CMD_CHECK_H
#define VD_CMD_CHECK_H

#include <stdio.h>

/* Returns the process exit status: 0 everything adds up, 1 a mismatch or
 * a broken chain (described on err), 2 the store cannot be read. */
int cmd_check(const char *dir, FILE *out, FILE *err);

/* `vouchd upgrade --data DIR`: a store of an earlier schema to this one
 * (upgrade.h says what changes), then cmd_check on it. Returns 0 (done,
 * or nothing to do), 1 refused (the store unchanged), 2 unreadable. */
int cmd_upgrade(const char *dir, FILE *out, FILE *err);

#endif
