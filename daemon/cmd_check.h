/* `vouchd check --data DIR`: verify a store offline with ledger_check(),
 * using the policy the store itself recorded as in force. */
#ifndef VD_CMD_CHECK_H
#define VD_CMD_CHECK_H

#include <stdio.h>

/* Returns the process exit status: 0 everything adds up, 1 a mismatch or
 * a broken chain (described on err), 2 the store cannot be read. */
int cmd_check(const char *dir, FILE *out, FILE *err);

#endif
