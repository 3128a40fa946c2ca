/* End to end, peers that do not keep up: replies past output_limit in
 * one read, a client that never reads, one that reads too slowly, and
 * the bureau page's listener under connections that never finish a
 * request; each on a daemon of its own (daemon_own). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <netinet/tcp.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "e2e_client.h"

/* Whether the daemon has closed its end of fd (without reading it). */
static int peer_closed(int fd)
{
	struct pollfd p = {fd, POLLRDHUP, 0};

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP)) != 0;
}

/* Descriptors process pid has open. */
static int fds_of(pid_t pid)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Start d (written by daemon_own) on the seed policies. */
static void spawn(struct daemon *d)
{
	d->pid = daemon_spawn(d, VOUCHD_BIN, VD_SOURCE_DIR "/deploy/policies");
	assert_true(d->pid > 0);
}

/* Seconds since *t0. */
static double since(const struct timeval *t0)
{
	struct timeval t1;

	gettimeofday(&t1, NULL);
	return (double)(t1.tv_sec - t0->tv_sec) +
	       (double)(t1.tv_usec - t0->tv_usec) / 1e6;
}

/* n HELLOs sent without reading (fd non-blocking): as many as the
 * daemon takes before it stops reading, trying for at most tries times
 * 10 ms; the bytes it took. */
static size_t flood_hellos(int fd, size_t n, int tries)
{
	char *hellos = malloc(6 * n);
	size_t off = 0, i;
	ssize_t w;

	assert_non_null(hellos);
	for (i = 0; i < n; i++)
		memcpy(hellos + 6 * i, "HELLO\n", 6);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (i = 0; i < (size_t)tries && off < 6 * n; i++) {
		w = send(fd, hellos + off, 6 * n - off, MSG_NOSIGNAL);
		if (w > 0)
			off += (size_t)w;
		else
			usleep(10000);
	}
	free(hellos);
	return off;
}

/* Replies that pass output_limit within one read: the daemon stops
 * reading, writes what it has, and must read on by itself once that is
 * written (nothing else will wake it: no bytes wait in its bufferevent). */
static void test_pipelined_past_output_limit(void **state)
{
	static char req[9 * 400];
	struct daemon d2;
	struct client c;
	struct timeval tv = {10, 0};
	int i, got, bad = 0, ping_ok = 0, stopped;

	(void)state;
	/* output_limit: the least it may be */
	daemon_own(&d2,
	           "[server]\nlisten = unix:%s\noutput_limit = 4096\n"
	           "log_level = warn\n",
	           d2.sock);
	spawn(&d2);
	assert_int_equal(client_open(&c, d2.sock), 0);
	/* a stall fails the test instead of hanging it */
	setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* 400 requests before AUTH: 400 ERR AUTH replies, ~12 KB; the
	 * daemon is stopped before any assertion, so that a stall fails
	 * the test instead of leaving a daemon behind */
	for (i = 0; i < 400; i++)
		memcpy(req + 9 * i, "PROGRAMS\n", 9);
	assert_int_equal(client_send(&c, req, sizeof(req)), 0);
	for (got = 0; got < 400; got++) {
		const char *l = client_line(&c);
		if (l == NULL)
			break;
		bad += strncmp(l, "ERR AUTH", 8) != 0;
	}
	if (got == 400) {
		const char *l = client_req(&c, "PING");
		ping_ok = l != NULL && strncmp(l, "OK", 2) == 0;
	}
	client_close(&c);
	stopped = daemon_stop(&d2);
	daemon_cleanup(&d2);
	if (got < 400)
		fail_msg("reply %d of 400 never came", got + 1);
	assert_int_equal(bad, 0);
	assert_true(ping_ok);
	assert_int_equal(stopped, 0);
}

/* A client that sends and never reads is closed idle_timeout after its
 * replies stop moving (with reading off while they wait, nothing timed
 * it out: such a connection stayed open until the daemon stopped). */
static void test_never_reading_client_closed(void **state)
{
	struct daemon d2;
	struct client c;
	size_t off;
	int eof;

	(void)state;
	daemon_own(&d2,
	           "[server]\nlisten = unix:%s\nidle_timeout = 2\n"
	           "output_limit = 4096\nlog_level = warn\n",
	           d2.sock);
	spawn(&d2);
	assert_int_equal(client_open(&c, d2.sock), 0);
	/* 200,000 HELLOs: 1.2 MB of requests, 30 MB of replies (each ~150
	 * bytes), far more than the sockets hold */
	off = flood_hellos(c.fd, 200000, 300);
	/* without reading a byte (reading would let it go on): has the
	 * daemon closed its end? */
	sleep(4);
	eof = peer_closed(c.fd);
	client_close(&c);
	assert_int_equal(daemon_stop(&d2), 0);
	daemon_cleanup(&d2);
	print_message("sent %zu bytes of requests\n", off);
	assert_true(off < 6 * 200000); /* it did stop reading */
	assert_true(eof);
}

/* A client that takes its replies slowly (what the sockets hold, every
 * 1.5 s) is closed once what was waiting for it has not all gone out
 * within idle_timeout: each read let the daemon write, which restarted
 * the write timeout, and such a reader held output_limit of replies for
 * as long as it liked (still open after 12 s with idle_timeout = 2).
 * Others are still served. */
static void test_slow_reader_closed(void **state)
{
	struct daemon d2;
	struct client c, other;
	struct timeval t0;
	static char buf[1 << 18];
	int i, eof = 0;
	double secs;

	(void)state;
	daemon_own(&d2,
	           "[server]\nlisten = unix:%s\nidle_timeout = 2\n"
	           "log_level = warn\n",
	           d2.sock);
	spawn(&d2);
	assert_int_equal(client_open(&c, d2.sock), 0);
	/* half a second of requests (30 MB of replies), well within
	 * idle_timeout */
	flood_hellos(c.fd, 200000, 50);
	gettimeofday(&t0, NULL);
	for (i = 0; i < 8 && !eof; i++) {
		size_t got = 0;
		ssize_t r;
		while (got < sizeof(buf) &&
		       (r = recv(c.fd, buf, sizeof(buf) - got, MSG_DONTWAIT)) >
		           0)
			got += (size_t)r;
		usleep(1500000);
		eof = peer_closed(c.fd);
	}
	secs = since(&t0);
	assert_int_equal(client_open(&other, d2.sock), 0);
	expect_prefix(client_req(&other, "PING"), "OK");
	client_close(&other);
	client_close(&c);
	assert_int_equal(daemon_stop(&d2), 0);
	daemon_cleanup(&d2);
	print_message("slow reader: %s after %.1f s\n",
	              eof ? "closed" : "still open", secs);
	assert_true(eof);
	/* idle_timeout to find it late, idle_timeout more at worst since
	 * its deadline was set for other bytes, and a read's sleep */
	assert_true(secs < 6.0);
}

/* Connections that filled output_limit and closed give their memory
 * back: RSS went from 7 to 113 MB under 100 of them and stayed at 93 MB
 * after they closed, since glibc keeps what is freed. (Not under ASan,
 * whose allocator holds freed memory in quarantine.) */
static void test_output_memory_returned(void **state)
{
	struct daemon d2;
	struct client c[24];
	long before, loaded, after;
	size_t i;

	(void)state;
#ifdef __SANITIZE_ADDRESS__
	skip();
#endif
	daemon_own(&d2,
	           "[server]\nlisten = unix:%s\nmax_connections = 32\n"
	           "log_level = warn\n",
	           d2.sock);
	spawn(&d2);
	assert_int_equal(client_open(&c[0], d2.sock), 0);
	before = rss_kib(d2.pid);
	for (i = 1; i < 24; i++)
		assert_int_equal(client_open(&c[i], d2.sock), 0);
	for (i = 0; i < 24; i++)
		flood_hellos(c[i].fd, 200000, 5);
	sleep(1);
	loaded = rss_kib(d2.pid);
	for (i = 0; i < 24; i++)
		client_close(&c[i]);
	sleep(2);
	after = rss_kib(d2.pid);
	assert_int_equal(daemon_stop(&d2), 0);
	daemon_cleanup(&d2);
	print_message("RSS %ld KiB, %ld with 24 full outputs, %ld after they "
	              "closed\n",
	              before, loaded, after);
	assert_true(loaded - before > 16 * 1024); /* they did hold output */
	assert_true(after - before < 1024);
}

/* A TCP connection to 127.0.0.1:port from the loopback address
 * 127.0.0.<src>; -1 if it cannot be made. */
static int tcp_from(int src, int port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(0x7f000000u | (uint32_t)src);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* What the server says on fd within 2 s (NUL-terminated, "" for a
 * close without a word). */
static const char *answer(int fd, char *buf, size_t size)
{
	struct timeval tv = {2, 0};
	size_t n = 0;
	ssize_t r;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (n + 1 < size && (r = recv(fd, buf + n, size - n - 1, 0)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	return buf;
}

/* An HTTP reply's status code; 0 for none. */
static int status_of(const char *reply)
{
	return strncmp(reply, "HTTP/1.", 7) == 0 ? atoi(reply + 9) : 0;
}

/* The bureau page's listener is bounded as the line protocol's are: a
 * request must be whole within line_deadline of the accept (evhttp's
 * timeout restarted with each header line: a client sending one every
 * half second was still connected after 6 s with a 2 s deadline), at
 * most 8 connections from one address and 64 in all (evhttp took every
 * one it was offered), and when all 64 are idle a newcomer takes the
 * oldest one's place. The line protocol serves on meanwhile. */
static void test_http_listener_bounded(void **state)
{
	static int fds[80];
	struct daemon d2;
	struct client c;
	struct timeval t0;
	char buf[4096];
	double secs;
	int port = free_port(), fd, i, n = 0, open_after = 0, closed = 0;
	int first, per_peer, in_all = 0, ping, last;
	const char *l;

	(void)state;
	daemon_own(&d2,
	           "[server]\nlisten = unix:%s\nhttp = 127.0.0.1:%d\n"
	           "line_deadline = 2\nlog_level = error\n",
	           d2.sock, port);
	spawn(&d2);
	assert_int_equal(client_open(&c, d2.sock), 0);
	/* from here the daemon is stopped before any assertion */
	http_get(port, "/pools.csv", buf, sizeof(buf));
	first = status_of(buf);

	/* a header line every half second, never the blank line */
	fd = tcp_from(1, port);
	gettimeofday(&t0, NULL);
	if (send(fd, "GET / HTTP/1.1\r\n", 16, MSG_NOSIGNAL) == 16)
		for (i = 0; i < 12; i++) {
			char b;
			usleep(500000);
			if (send(fd, "X-A: b\r\n", 8, MSG_NOSIGNAL) != 8 ||
			    recv(fd, &b, 1, MSG_DONTWAIT) == 0)
				break;
		}
	secs = since(&t0);
	close(fd);

	/* 8 from each of 127.0.0.1 to .8 take the 64 places; a 9th from
	 * .1 is told 503; a GET from .9 is served all the same, in the
	 * place of the oldest of them */
	for (i = 0; i < 64; i++)
		if ((fds[n] = tcp_from(1 + i / 8, port)) >= 0)
			n++;
	usleep(200000);
	fd = tcp_from(1, port);
	per_peer = status_of(answer(fd, buf, sizeof(buf)));
	close(fd);
	fd = tcp_from(9, port);
	if (send(fd, "GET /pools.csv HTTP/1.1\r\n\r\n", 28, MSG_NOSIGNAL) == 28)
		in_all = status_of(answer(fd, buf, sizeof(buf)));
	close(fd);
	l = client_req(&c, "PING");
	ping = l != NULL && strncmp(l, "OK", 2) == 0;
	/* they were held until now; the deadline closes them all */
	for (i = 0; i < n; i++)
		open_after += !peer_closed(fds[i]);
	sleep(3);
	for (i = 0; i < n; i++) {
		closed += peer_closed(fds[i]);
		close(fds[i]);
	}
	http_get(port, "/pools.csv", buf, sizeof(buf));
	last = status_of(buf);
	client_close(&c);
	assert_int_equal(daemon_stop(&d2), 0);
	daemon_cleanup(&d2);
	print_message("header trickle open for %.1f s; %d of 64 connections "
	              "held, %d closed by the deadline; a 9th from one "
	              "address: %d, a GET from another: %d\n",
	              secs, open_after, closed, per_peer, in_all);
	assert_int_equal(first, 200);
	assert_true(secs < 3.0);
	assert_int_equal(n, 64);
	assert_int_equal(per_peer, 503);
	assert_int_equal(in_all, 200);
	assert_true(ping);
	assert_int_equal(open_after, 63); /* the oldest gave its place */
	assert_int_equal(closed, 64);
	assert_int_equal(last, 200);
}

/* A daemon of its own with the page on port and line_deadline ld, on a
 * policy of 120 pools, one program each (a page of about 700 KB),
 * started and answering. */
static void many_pools(struct daemon *d, int port, int ld)
{
	char dir[128], path[256];
	struct client c;
	FILE *f;
	int i;

	daemon_own(d,
	           "[server]\nlisten = unix:%s\nhttp = 127.0.0.1:%d\n"
	           "line_deadline = %d\nlog_level = error\n",
	           d->sock, port, ld);
	snprintf(dir, sizeof(dir), "%s/policies", d->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/many.ini", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	for (i = 0; i < 120; i++)
		fprintf(f,
		        "[pool p%03d]\nbudget = %d\nregion = r%03d.city\n\n"
		        "[program p%03d-a]\npool = p%03d\n"
		        "beneficiary = consumer\nbasis = amount\nrate = 10%%\n"
		        "settlement = grant\nvalid_from = 2025-01-01\n"
		        "valid_until = 2099-12-31\n\n",
		        i, 1000000 + i, i, i, i);
	fclose(f);
	d->pid = daemon_spawn(d, VOUCHD_BIN, dir);
	assert_true(d->pid > 0);
	/* up when its line socket answers */
	assert_int_equal(client_open(&c, d->sock), 0);
	client_close(&c);
}

/* A reply is whole even when the client sent more than its head (a
 * body): the server drops those bytes and half-closes after the reply.
 * Closing with them unread is a reset, which threw away what the kernel
 * had not sent yet: a client reading slowly got 88 to 126 KB of a 688 KB
 * page, then the reset. A NUL in a body does not cost the request its
 * answer. */
static void test_http_reply_whole(void **state)
{
	static char req[20000 + 256], buf[1 << 20];
	struct daemon d2;
	int port = free_port(), k, whole = 0, n405 = 0;
	int small = 8192, mss = 536;

	(void)state;
	many_pools(&d2, port, 30);
	for (k = 0; k < 3; k++) {
		struct sockaddr_in sa;
		size_t head, n = 0;
		ssize_t r;
		const char *body, *cl;
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		/* a slow link: small window, small segments */
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
		setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof(mss));
		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_port = htons((uint16_t)port);
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		head = (size_t)snprintf(req, 256,
		                        "GET / HTTP/1.1\r\nContent-Length: "
		                        "20000\r\n\r\n");
		memset(req + head, k == 0 ? '\0' : 'x', 20000);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
		    send(fd, req, head + 20000, MSG_NOSIGNAL) < 0) {
			close(fd);
			continue;
		}
		while (n + 1 < sizeof(buf) &&
		       (r = recv(fd, buf + n, sizeof(buf) - n - 1, 0)) > 0) {
			n += (size_t)r;
			usleep(1000);
		}
		buf[n] = '\0';
		close(fd);
		body = strstr(buf, "\r\n\r\n");
		cl = strstr(buf, "Content-Length: ");
		whole += body && cl && status_of(buf) == 200 &&
		         (size_t)(buf + n - (body + 4)) ==
		             strtoul(cl + 16, NULL, 10);
		if (k == 2)
			print_message("page of %zu bytes\n", n);
	}
	/* a POST with a binary body gets its 405 */
	{
		static const char post[] =
		    "POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\n\0\0\0\0";
		int fd = tcp_from(1, port);
		if (send(fd, post, sizeof(post) - 1, MSG_NOSIGNAL) ==
		    (ssize_t)sizeof(post) - 1)
			n405 = status_of(answer(fd, buf, sizeof(buf))) == 405;
		close(fd);
	}
	assert_int_equal(daemon_stop(&d2), 0);
	daemon_cleanup(&d2);
	print_message("%d of 3 pages whole behind a 20 KB body\n", whole);
	assert_int_equal(whole, 3);
	assert_true(n405);
}

/* Clients that ask for a large page and never read it do not keep the
 * listener from others: a newcomer takes the oldest one's place (with
 * all 64 places holding replies, newcomers were refused for the whole
 * idle_timeout), and a reply that does not move is closed after a
 * line_deadline or two. */
static void test_http_replies_unread(void **state)
{
	static int fds[64];
	struct daemon d2;
	char buf[8192];
	int port = free_port(), i, n = 0, newcomer = 0, fd, held, after;
	int small = 4096;

	(void)state;
	many_pools(&d2, port, 2);
	for (i = 0; i < 64; i++) {
		fd = tcp_from(1 + i / 8, port);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
		if (send(fd, "GET / HTTP/1.1\r\n\r\n", 18, MSG_NOSIGNAL) == 18)
			fds[n++] = fd;
		else
			close(fd);
	}
	usleep(300000);
	held = fds_of(d2.pid);
	fd = tcp_from(9, port);
	if (send(fd, "GET /pools.csv HTTP/1.1\r\n\r\n", 28, MSG_NOSIGNAL) == 28)
		newcomer = status_of(answer(fd, buf, sizeof(buf)));
	close(fd);
	/* closed by the daemon: its descriptors go (the clients cannot
	 * tell: the FIN waits behind the reply they do not read) */
	sleep(5);
	after = fds_of(d2.pid);
	for (i = 0; i < n; i++)
		close(fds[i]);
	assert_int_equal(daemon_stop(&d2), 0);
	daemon_cleanup(&d2);
	print_message("64 unread pages: a newcomer got %d; the daemon's "
	              "descriptors %d with them, %d 5 s later\n",
	              newcomer, held, after);
	assert_int_equal(n, 64);
	assert_int_equal(newcomer, 200);
	assert_true(held - after >= 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pipelined_past_output_limit),
	    cmocka_unit_test(test_never_reading_client_closed),
	    cmocka_unit_test(test_slow_reader_closed),
	    cmocka_unit_test(test_output_memory_returned),
	    cmocka_unit_test(test_http_listener_bounded),
	    cmocka_unit_test(test_http_reply_whole),
	    cmocka_unit_test(test_http_replies_unread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
