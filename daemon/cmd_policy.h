/* `vouchd check-policy DIR`: load a policy directory and print it, or
 * print every error. */
#ifndef VD_CMD_POLICY_H
#define VD_CMD_POLICY_H

#include <stdio.h>

/* Returns the process exit status: 0 loaded (tables on out), 1 refused
 * (errors on err). */
int cmd_policy_check(const char *dir, FILE *out, FILE *err);

#endif
