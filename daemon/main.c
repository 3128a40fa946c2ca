/* vouchd: the subcommands are wired here; their work lives in the
 * libraries (daemon/server.c, daemon/cmd_*.c, ledger/). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd_check.h"
#include "cmd_policy.h"
#include "config.h"
#include "server.h"

static int usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: vouchd init --data DIR --bureau-key OUT.pem "
	    "[--bureau-id ID]\n"
	    "       vouchd run [--config FILE] [--data DIR] [--policies DIR]\n"
	    "                  [--listen ADDR]... [--metrics ADDR] "
	    "[--http ADDR]\n"
	    "                  [--log-level LEVEL]\n"
	    "       vouchd check-policy DIR\n"
	    "       vouchd check --data DIR\n"
	    "       vouchd upgrade --data DIR\n"
	    "\n"
	    "  init           create a store, the server key (DIR/server.pem) "
	    "and a first\n"
	    "                 bureau principal whose private key goes to "
	    "OUT.pem (0600)\n"
	    "  run            serve the line protocol in the foreground; logs "
	    "to stderr\n"
	    "  check-policy   load every *.ini policy file of DIR; print the "
	    "tables, or\n"
	    "                 every error as file:line: reason (exit 1)\n"
	    "  check          verify a store: the journal's hash chain and "
	    "every figure\n"
	    "                 rebuilt from it (exit 0 ok, 1 mismatch)\n"
	    "  upgrade        a store written by an earlier vouchd to this "
	    "schema, in one\n"
	    "                 transaction, journaled; then checked\n");
	return 2;
}

static int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"data", required_argument, NULL, 'd'},
	    {"bureau-key", required_argument, NULL, 'k'},
	    {"bureau-id", required_argument, NULL, 'i'},
	    {NULL, 0, NULL, 0}};
	const char *data = NULL, *key = NULL, *id = "bureau";
	char err[512];
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'd')
			data = optarg;
		else if (o == 'k')
			key = optarg;
		else if (o == 'i')
			id = optarg;
		else
			return usage(stderr);
	}
	if (data == NULL || key == NULL || optind != argc)
		return usage(stderr);
	if (server_init(data, key, id, err, sizeof(err)) < 0) {
		fprintf(stderr, "vouchd init: %s\n", err);
		return 1;
	}
	printf("vouchd init: store %s, server key %s/server.pem, bureau '%s' "
	       "key %s\n",
	       data, data, id, key);
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"data", required_argument, NULL, 'd'},
	    {"policies", required_argument, NULL, 'p'},
	    {"listen", required_argument, NULL, 'l'},
	    {"metrics", required_argument, NULL, 'm'},
	    {"http", required_argument, NULL, 'h'},
	    {"log-level", required_argument, NULL, 'v'},
	    {NULL, 0, NULL, 0}};
	static const char *const keys[] = {['d'] = "data",
	                                   ['p'] = "policies",
	                                   ['m'] = "metrics",
	                                   ['h'] = "http",
	                                   ['v'] = "log_level"};
	struct config cfg;
	struct server *s = NULL;
	char err[512], listen[2048] = "";
	const char *config = NULL;
	int o, rc;

	config_defaults(&cfg);
	/* the config file first, whatever the order: flags override it */
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1)
		if (o == 'c')
			config = optarg;
		else if (o == '?')
			return usage(stderr);
	if (optind != argc)
		return usage(stderr);
	if (config && config_load(&cfg, config, err, sizeof(err)) < 0) {
		fprintf(stderr, "vouchd: %s\n", err);
		return 1;
	}
	optind = 1;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char where[32];
		if (o == 'c')
			continue;
		if (o == 'l') {
			size_t n = strlen(listen);
			snprintf(listen + n, sizeof(listen) - n, "%s%s",
			         n ? "," : "", optarg);
			continue;
		}
		snprintf(where, sizeof(where), "--%s", keys[o]);
		if (config_set(&cfg, keys[o], optarg, where, err, sizeof(err)) <
		    0) {
			fprintf(stderr, "vouchd: %s\n", err);
			return 1;
		}
	}
	if (listen[0] && config_set(&cfg, "listen", listen, "--listen", err,
	                            sizeof(err)) < 0) {
		fprintf(stderr, "vouchd: %s\n", err);
		return 1;
	}
	if (server_new(&cfg, &s, err, sizeof(err)) < 0) {
		fprintf(stderr, "vouchd: %s\n", err);
		return 1;
	}
	rc = server_run(s);
	server_free(s);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 2 &&
	    (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "init") == 0)
		return cmd_init(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (argc == 3 && strcmp(argv[1], "check-policy") == 0)
		return cmd_policy_check(argv[2], stdout, stderr);
	if (argc == 4 && strcmp(argv[1], "check") == 0 &&
	    strcmp(argv[2], "--data") == 0)
		return cmd_check(argv[3], stdout, stderr);
	if (argc == 4 && strcmp(argv[1], "upgrade") == 0 &&
	    strcmp(argv[2], "--data") == 0)
		return cmd_upgrade(argv[3], stdout, stderr);
	return usage(stderr);
}
