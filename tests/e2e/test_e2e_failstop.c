/* Fail-stop: when a commit fails for a reason other than a full map, the
 * daemon acknowledges nothing more and exits non-zero; what it did
 * acknowledge is in the store. The failure is a file-size limit
 * (RLIMIT_FSIZE, with SIGXFSZ ignored) that makes LMDB's page writes fail
 * with EFBIG. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "e2e_client.h"
#include "hex.h"

static void test_commit_error_stops_the_daemon(void **state)
{
	struct daemon d;
	struct sig_key *bureau = NULL, *k = NULL;
	const char *init[] = {VOUCHD_BIN,     "init",       "--data", d.data,
	                      "--bureau-key", d.bureau_key, NULL};
	char listen[200], hex[65], line[300], data_file[200];
	struct client c;
	struct stat st;
	uint8_t pub[32];
	int i, acked = 0, status;
	const char *l;

	(void)state;
	memset(&d, 0, sizeof(d));
	snprintf(d.dir, sizeof(d.dir), "/tmp/vd_fail_XXXXXX");
	assert_non_null(mkdtemp(d.dir));
	snprintf(d.data, sizeof(d.data), "%s/data", d.dir);
	snprintf(d.sock, sizeof(d.sock), "%s/s.sock", d.dir);
	snprintf(d.bureau_key, sizeof(d.bureau_key), "%s/b.pem", d.dir);
	assert_int_equal(e2e_run(init), 0);
	snprintf(data_file, sizeof(data_file), "%s/data.mdb", d.data);
	assert_int_equal(stat(data_file, &st), 0);
	snprintf(listen, sizeof(listen), "unix:%s", d.sock);
	d.pid = fork();
	if (d.pid == 0) {
		/* room for the policy load and a few registrations only */
		struct rlimit rl = {(rlim_t)st.st_size + 256 * 1024,
		                    (rlim_t)st.st_size + 256 * 1024};
		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		execl(VOUCHD_BIN, VOUCHD_BIN, "run", "--data", d.data,
		      "--policies", VD_SOURCE_DIR "/deploy/policies",
		      "--listen", listen, "--log-level", "error", (char *)NULL);
		_exit(127);
	}
	assert_int_equal(sig_key_load(d.bureau_key, &bureau), 0);
	assert_int_equal(client_open(&c, d.sock), 0);
	l = client_auth(&c, "bureau", bureau, NULL);
	assert_non_null(l);
	assert_int_equal(strncmp(l, "OK", 2), 0);
	assert_int_equal(sig_keygen(&k), 0);
	sig_key_public(k, pub);
	hex_encode(pub, 32, hex);
	/* registrations, one at a time, until the store cannot grow */
	for (i = 0; i < 20000; i++) {
		snprintf(line, sizeof(line),
		         "REGISTER id=p%05d role=org key=%s kind=%0*d", i, hex,
		         30, i);
		l = client_req(&c, "%s", line);
		if (l == NULL)
			break;
		assert_int_equal(strncmp(l, "OK id=p", 7), 0);
		acked++;
	}
	client_close(&c);
	assert_int_equal(waitpid(d.pid, &status, 0), d.pid);
	print_message("%d registrations acknowledged, then exit status %d\n",
	              acked, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	assert_true(acked > 0 && acked < 20000);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 0);
	/* what was acknowledged is there, and the store adds up */
	{
		const char *check[] = {VOUCHD_BIN, "check", "--data", d.data,
		                       NULL};
		assert_int_equal(e2e_run(check), 0);
	}
	sig_key_free(k);
	sig_key_free(bureau);
	daemon_cleanup(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_commit_error_stops_the_daemon),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
