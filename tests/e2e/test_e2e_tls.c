/* TLS end to end: vouchd with a throwaway self-signed certificate on a
 * loopback TCP port; a TLS client verifies the certificate and talks the
 * protocol; a plain client gets no answer; plain TCP off loopback is
 * refused at start. The bureau's page (http =) over the same
 * certificate. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <poll.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "e2e_client.h"
#include "hex.h"

static struct daemon D;

static char cert_path[160], key_path[160];
static int port, http_port, notify_fd = -1;

/* A P-256 key and a self-signed certificate for CN=localhost, valid a
 * day. */
static int make_cert(void)
{
	EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509 *x = X509_new();
	X509_NAME *n;
	FILE *f;
	int ok;

	if (pk == NULL || x == NULL)
		return -1;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, pk);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	                           (const unsigned char *)"localhost", -1, -1,
	                           0);
	X509_set_issuer_name(x, n);
	ok = X509_sign(x, pk, EVP_sha256()) > 0;
	f = fopen(key_path, "w");
	ok = ok && f && PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL);
	if (f)
		fclose(f);
	f = fopen(cert_path, "w");
	ok = ok && f && PEM_write_X509(f, x);
	if (f)
		fclose(f);
	X509_free(x);
	EVP_PKEY_free(pk);
	return ok ? 0 : -1;
}

static int setup(void **state)
{
	const char *init[] = {VOUCHD_BIN,     "init",       "--data", D.data,
	                      "--bureau-key", D.bureau_key, NULL};
	FILE *f;

	(void)state;
	snprintf(D.dir, sizeof(D.dir), "/tmp/vd_tls_XXXXXX");
	if (mkdtemp(D.dir) == NULL)
		return -1;
	snprintf(D.data, sizeof(D.data), "%s/data", D.dir);
	snprintf(D.bureau_key, sizeof(D.bureau_key), "%s/bureau.pem", D.dir);
	snprintf(D.conf, sizeof(D.conf), "%s/vouchd.conf", D.dir);
	snprintf(cert_path, sizeof(cert_path), "%s/cert.pem", D.dir);
	snprintf(key_path, sizeof(key_path), "%s/key.pem", D.dir);
	if (make_cert() < 0 || e2e_run(init) != 0)
		return -1;
	port = free_port();
	http_port = free_port();
	f = fopen(D.conf, "w");
	if (f == NULL)
		return -1;
	fprintf(f,
	        "[server]\nlisten = 127.0.0.1:%d, unix:%s/local.sock\n"
	        "tls_cert = %s\ntls_key = %s\nunix_bureau = yes\n"
	        "http = 127.0.0.1:%d\nline_deadline = 2\nlog_level = warn\n",
	        port, D.dir, cert_path, key_path, http_port);
	fclose(f);
	/* systemd's side of sd_notify: a datagram socket named by
	 * $NOTIFY_SOCKET */
	{
		struct sockaddr_un sa;
		struct timeval tv = {10, 0};
		memset(&sa, 0, sizeof(sa));
		sa.sun_family = AF_UNIX;
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/notify", D.dir);
		notify_fd = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (notify_fd < 0 ||
		    bind(notify_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			return -1;
		setsockopt(notify_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setenv("NOTIFY_SOCKET", sa.sun_path, 1);
	}
	D.pid = daemon_spawn(&D, VOUCHD_BIN, VD_SOURCE_DIR "/deploy/policies");
	unsetenv("NOTIFY_SOCKET");
	return D.pid > 0 ? 0 : -1;
}

static int teardown(void **state)
{
	char msg[64];
	ssize_t n;

	(void)state;
	if (D.pid > 0)
		assert_int_equal(daemon_stop(&D), 0);
	/* and STOPPING=1 on the way out */
	n = recv(notify_fd, msg, sizeof(msg) - 1, 0);
	if (n <= 0 || (msg[n] = '\0', strcmp(msg, "STOPPING=1") != 0)) {
		fprintf(stderr, "no STOPPING=1 from vouchd\n");
		return -1;
	}
	close(notify_fd);
	daemon_cleanup(&D);
	return 0;
}

static int tcp_connect(void)
{
	struct sockaddr_in sa;
	int tries, fd;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (tries = 0; tries < 100; tries++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		close(fd);
		usleep(50000);
	}
	return -1;
}

/* A ClientHello trickled a byte every half second: the handshake has
 * line_deadline (2 s here) like a line; it used to live for the whole
 * idle timeout, each byte restarting it. Closed within 2 to 4 s. */
static void test_trickled_handshake_cut_off(void **state)
{
	struct timespec t0, t1;
	int fd = tcp_connect(), i, closed = 0;
	char b;

	(void)state;
	assert_true(fd >= 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 16 && !closed; i++) {
		struct pollfd p = {fd, POLLIN, 0};
		b = i == 0 ? 0x16 : 0x03; /* a TLS record's first bytes */
		if (send(fd, &b, 1, MSG_NOSIGNAL) != 1)
			closed = 1;
		else if (poll(&p, 1, 500) == 1 && recv(fd, &b, 1, 0) <= 0)
			closed = 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	close(fd);
	assert_true(closed);
	assert_true(t1.tv_sec - t0.tv_sec >= 1 && t1.tv_sec - t0.tv_sec <= 4);
}

static void test_sd_notify_ready(void **state)
{
	char msg[64];
	ssize_t n;

	(void)state;
	n = recv(notify_fd, msg, sizeof(msg) - 1, 0);
	assert_true(n > 0);
	msg[n] = '\0';
	assert_string_equal(msg, "READY=1");
}

static void test_tls_session(void **state)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	char buf[512] = "";
	SSL *ssl;
	int fd, n = 0, r;

	(void)state;
	assert_non_null(ctx);
	/* the throwaway certificate is the only trust anchor */
	assert_int_equal(SSL_CTX_load_verify_locations(ctx, cert_path, NULL),
	                 1);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	fd = tcp_connect();
	assert_true(fd >= 0);
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	SSL_set1_host(ssl, "localhost");
	assert_int_equal(SSL_connect(ssl), 1);
	assert_int_equal(SSL_get_verify_result(ssl), X509_V_OK);
	assert_true(SSL_version(ssl) >= TLS1_2_VERSION);
	print_message("negotiated %s\n", SSL_get_version(ssl));
	assert_int_equal(SSL_write(ssl, "HELLO\nPING\n", 11), 11);
	while (n < (int)sizeof(buf) - 1 && !strstr(buf, "\nOK\n")) {
		r = SSL_read(ssl, buf + n, (int)sizeof(buf) - 1 - n);
		if (r <= 0)
			break;
		n += r;
		buf[n] = '\0';
	}
	assert_int_equal(strncmp(buf, "OK server=vouchd proto=1 nonce=", 31),
	                 0);
	assert_non_null(strstr(buf, "\nOK\n"));
	SSL_shutdown(ssl);
	SSL_free(ssl);
	close(fd);
	SSL_CTX_free(ctx);
}

/* Everything ssl sends until it closes, into buf (NUL-terminated). */
static size_t tls_read_all(SSL *ssl, char *buf, size_t size)
{
	size_t n = 0;
	int r;

	while (n < size - 1 &&
	       (r = SSL_read(ssl, buf + n, (int)(size - 1 - n))) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	return n;
}

/* One line from ssl, byte by byte (the replies before the pipeline). */
static void tls_line(SSL *ssl, char *buf, size_t size)
{
	size_t n = 0;

	while (n < size - 1 && SSL_read(ssl, buf + n, 1) == 1 && buf[n] != '\n')
		n++;
	buf[n] = '\0';
}

/* A client that sends its requests, then close_notify, and reads on gets
 * every reply, those of writes committed after the close_notify came
 * included (libevent's TLS layer stopped writing at the close_notify:
 * the replies of writes were lost and the connection was never freed). */
static void test_tls_close_notify_answers_everything(void **state)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	struct sig_key *bureau = NULL, *org = NULL;
	char line[512], req[4096], all[4096], hex[SIG_HEX + 1];
	struct timeval tv = {10, 0};
	uint8_t sig[SIG_LEN];
	int trial, fd, n, i;
	size_t len;
	SSL *ssl;

	(void)state;
	assert_non_null(ctx);
	assert_int_equal(sig_key_load(D.bureau_key, &bureau), 0);
	assert_int_equal(sig_keygen(&org), 0);
	for (trial = 0; trial < 5; trial++) {
		fd = tcp_connect();
		assert_true(fd >= 0);
		/* a lost reply fails the test instead of hanging it */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		ssl = SSL_new(ctx);
		SSL_set_fd(ssl, fd);
		assert_int_equal(SSL_connect(ssl), 1);
		assert_int_equal(SSL_write(ssl, "HELLO\n", 6), 6);
		tls_line(ssl, line, sizeof(line));
		assert_non_null(strstr(line, "nonce="));
		sig_auth_sign(bureau, strstr(line, "nonce=") + 6, 64, sig);
		hex_encode(sig, SIG_LEN, hex);
		n = snprintf(req, sizeof(req), "AUTH id=bureau sig=%s\n", hex);
		assert_int_equal(SSL_write(ssl, req, n), n);
		tls_line(ssl, line, sizeof(line));
		expect_prefix(line, "OK id=bureau");
		/* ten writes (several commits, replies queued behind one
		 * another), a read */
		key_hex(org, hex);
		for (len = 0, i = 0; i < 10; i++)
			len += (size_t)snprintf(req + len, sizeof(req) - len,
			                        "REGISTER id=t%d-%d role=org "
			                        "key=%s kind=school\n",
			                        trial, i, hex);
		len += (size_t)snprintf(req + len, sizeof(req) - len, "PING\n");
		assert_int_equal(SSL_write(ssl, req, (int)len), (int)len);
		SSL_shutdown(ssl);
		tls_read_all(ssl, all, sizeof(all));
		for (i = 0; i < 10; i++) {
			snprintf(line, sizeof(line),
			         "OK id=t%d-%d status=registered seq=", trial,
			         i);
			if (strstr(all, line) == NULL)
				fail_msg(
				    "trial %d: no reply to write %d of 10; "
				    "got:\n%s",
				    trial, i + 1, all);
		}
		if (strstr(all, "\nOK\n") == NULL)
			fail_msg("trial %d: no reply to the PING", trial);
		SSL_free(ssl);
		close(fd);
	}
	sig_key_free(bureau);
	sig_key_free(org);
	SSL_CTX_free(ctx);
}

static void test_plain_client_gets_nothing(void **state)
{
	char buf[256];
	ssize_t r;
	int fd = tcp_connect();

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(send(fd, "PING\n", 5, 0), 5);
	r = recv(fd, buf, sizeof(buf) - 1, 0);
	/* a TLS alert or a closed connection, never "OK" */
	if (r > 0) {
		buf[r] = '\0';
		assert_null(strstr(buf, "OK"));
	}
	close(fd);
}

static void test_unix_bureau_without_auth(void **state)
{
	char sock[200];
	struct client c;

	(void)state;
	/* a peer with the daemon's own uid on the Unix socket is bureau */
	snprintf(sock, sizeof(sock), "%s/local.sock", D.dir);
	assert_int_equal(client_open(&c, sock), 0);
	/* the six seed pools for this year, no activity: 135,000,000 yuan
	 * of budget in all (POOL lists every pool of the policy) */
	expect_prefix(client_req(&c, "POOL"),
	              "OK n=6 budget=13500000000 granted=0 redeemed=0 "
	              "paid_out=0 expired=0 revoked=0 recovered=0 "
	              "remaining=13500000000 unfunded=0");
	client_close(&c);
}

static void test_plain_off_loopback_refused(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd),
	         "%s run --data %s --policies %s/deploy/policies --listen "
	         "0.0.0.0:%d 2>&1 | grep -q 'plain TCP is allowed only on "
	         "loopback'",
	         VOUCHD_BIN, D.data, VD_SOURCE_DIR, free_port());
	assert_int_equal(system(cmd), 0);
}

/* The bureau's page on the same certificate: HTTPS answers, plain
 * HTTP to that port gets no page. */
static void test_page_over_tls(void **state)
{
	static const char req[] =
	    "GET /pools.csv HTTP/1.0\r\nHost: localhost\r\n\r\n";
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	struct sockaddr_in sa;
	char buf[8192];
	SSL *ssl;
	int fd, k;

	(void)state;
	assert_non_null(ctx);
	assert_int_equal(SSL_CTX_load_verify_locations(ctx, cert_path, NULL),
	                 1);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)http_port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* the second time the client sends close_notify after its request
	 * (a half-close): the reply still comes (libevent's TLS layer stops
	 * writing at close_notify; it was never sent) */
	for (k = 0; k < 2; k++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		assert_int_equal(
		    connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
		ssl = SSL_new(ctx);
		SSL_set_fd(ssl, fd);
		SSL_set1_host(ssl, "localhost");
		assert_int_equal(SSL_connect(ssl), 1);
		assert_int_equal(SSL_get_verify_result(ssl), X509_V_OK);
		assert_int_equal(SSL_write(ssl, req, (int)strlen(req)),
		                 (int)strlen(req));
		if (k == 1)
			SSL_shutdown(ssl);
		tls_read_all(ssl, buf, sizeof(buf));
		expect_prefix(buf, "HTTP/1.1 200 OK\r\n");
		assert_non_null(
		    strstr(buf, "Content-Type: text/csv; charset=utf-8"));
		/* the six seed pools, nothing drawn yet */
		assert_non_null(strstr(buf, "\r\n\r\npool,period,budget,"));
		assert_non_null(strstr(buf, "\r\nyuxi,"));
		SSL_free(ssl);
		close(fd);
	}
	SSL_CTX_free(ctx);
	/* plain HTTP: a TLS alert or a closed connection, never a page */
	assert_int_equal(http_get(http_port, "/pools.csv", buf, sizeof(buf)),
	                 0);
	assert_null(strstr(buf, " 200 OK"));
	assert_null(strstr(buf, "pool,period"));
}

/* Plain HTTP off loopback, without a certificate: refused at start. */
static void test_plain_http_off_loopback_refused(void **state)
{
	char cmd[768];

	(void)state;
	snprintf(cmd, sizeof(cmd),
	         "%s run --data %s --policies %s/deploy/policies --listen "
	         "unix:%s/other.sock --http 0.0.0.0:%d 2>&1 | grep -q "
	         "'plain HTTP is allowed only on loopback'",
	         VOUCHD_BIN, D.data, VD_SOURCE_DIR, D.dir, free_port());
	assert_int_equal(system(cmd), 0);
}

/* vouchctl over TLS: verified with --cacert; without it the certificate
 * does not verify and vouchctl says so; --plaintext against a TLS port
 * gets no answer. Exit codes 0, 3, 3. */
static int ctl(const char *args, char *out, size_t size)
{
	char cmd[1024];
	size_t n = 0;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd),
	         "env -i PATH=/usr/bin:/bin HOME=%s %s %s 2>&1", D.dir,
	         VOUCHCTL_BIN, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (n + 1 < size && fgets(out + n, (int)(size - n), p))
		n += strlen(out + n);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_vouchctl_tls(void **state)
{
	char args[600], out[2048];

	(void)state;
	snprintf(args, sizeof(args),
	         "ping --addr localhost:%d --cacert %s --id bureau --key %s",
	         port, cert_path, D.bureau_key);
	assert_int_equal(ctl(args, out, sizeof(out)), 0);
	assert_string_equal(out, "ok\n");
	snprintf(args, sizeof(args), "ping --addr localhost:%d", port);
	assert_int_equal(ctl(args, out, sizeof(out)), 3);
	if (strstr(out, "TLS: the certificate of localhost does not verify: "
	                "self-signed certificate (give the CA that signed it "
	                "with --cacert FILE)") == NULL)
		fail_msg("%s", out);
	/* the certificate names localhost, not 127.0.0.1 */
	snprintf(args, sizeof(args), "ping --addr 127.0.0.1:%d --cacert %s",
	         port, cert_path);
	assert_int_equal(ctl(args, out, sizeof(out)), 3);
	if (strstr(out, "does not verify: IP address mismatch") == NULL)
		fail_msg("%s", out);
	snprintf(args, sizeof(args), "ping --addr localhost:%d --plaintext",
	         port);
	assert_int_equal(ctl(args, out, sizeof(out)), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sd_notify_ready),
	    cmocka_unit_test(test_trickled_handshake_cut_off),
	    cmocka_unit_test(test_tls_session),
	    cmocka_unit_test(test_tls_close_notify_answers_everything),
	    cmocka_unit_test(test_plain_client_gets_nothing),
	    cmocka_unit_test(test_vouchctl_tls),
	    cmocka_unit_test(test_unix_bureau_without_auth),
	    cmocka_unit_test(test_plain_off_loopback_refused),
	    cmocka_unit_test(test_page_over_tls),
	    cmocka_unit_test(test_plain_http_off_loopback_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
