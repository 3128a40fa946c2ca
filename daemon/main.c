/* vouchd: the subcommands are wired here; their work lives in the
 * libraries (daemon/cmd_*.c, ledger/). */
#include <stdio.h>
#include <string.h>

#include "cmd_check.h"
#include "cmd_policy.h"

static int usage(FILE *f)
{
	fprintf(f, "usage: vouchd check-policy DIR\n"
	           "\n"
	           "  check-policy DIR   load every *.ini policy file of DIR; "
	           "print the pools,\n"
	           "                     groups and programs, or every error "
	           "as file:line: reason\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc == 2 &&
	    (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "check-policy") == 0)
		return cmd_policy_check(argv[2], stdout, stderr);
	if (argc == 4 && strcmp(argv[1], "check") == 0 &&
	    strcmp(argv[2], "--data") == 0)
		return cmd_check(argv[3], stdout, stderr);
	return usage(stderr);
}
