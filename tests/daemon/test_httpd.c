/* httpd_parse: the side doors' request heads (httpd.h), case by case. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "err.h"
#include "httpd.h"

static char buf[HTTPD_HEAD_MAX + 1];

/* Parse text (copied into buf as received); the result. */
static int parse(const char *text, size_t n, struct httpd_head *h)
{
	memcpy(buf, text, n);
	return httpd_parse(buf, n, h);
}

#define PARSE(text, h) parse(text, sizeof(text) - 1, h)

static void test_get_served(void **state)
{
	struct httpd_head h;

	(void)state;
	assert_int_equal(PARSE("GET /pools.csv?period=2026 HTTP/1.1\r\n"
	                       "Host: x\r\n\r\n",
	                       &h),
	                 1);
	assert_int_equal(h.status, 0);
	assert_string_equal(h.target, "/pools.csv?period=2026");
	/* HTTP/1.0 and bare LFs */
	assert_int_equal(PARSE("GET / HTTP/1.0\n\n", &h), 1);
	assert_int_equal(h.status, 0);
	assert_string_equal(h.target, "/");
}

static void test_not_whole_yet(void **state)
{
	struct httpd_head h;

	(void)state;
	assert_int_equal(PARSE("GET / HTTP/1.1\r\nHost: x\r\n", &h), 0);
	assert_int_equal(PARSE("GET / HTTP/1.1\r\n\r", &h), 0);
	assert_int_equal(PARSE("", &h), 0);
}

static void test_refused(void **state)
{
	struct httpd_head h;

	(void)state;
	assert_int_equal(PARSE("POST / HTTP/1.1\r\n\r\n", &h), 1);
	assert_int_equal(h.status, 405);
	assert_int_equal(PARSE("GET / HTTP/2.0\r\n\r\n", &h), 1);
	assert_int_equal(h.status, 505);
	assert_int_equal(PARSE("GET / HTTP/1.1 x\r\n\r\n", &h), 1);
	assert_int_equal(h.status, 400);
	assert_int_equal(PARSE("GET pools HTTP/1.1\r\n\r\n", &h), 1);
	assert_int_equal(h.status, 400);
	assert_int_equal(PARSE("GET  HTTP/1.1\r\n\r\n", &h), 1);
	assert_int_equal(h.status, 400);
	assert_int_equal(PARSE("GET\r\n\r\n", &h), 1);
	assert_int_equal(h.status, 400);
	assert_string_equal(h.why, "bad request line");
	/* a NUL is no HTTP: closed without a word; after the head (a
	 * body's) it is not looked at */
	assert_int_equal(PARSE("GET /\0 HTTP/1.1\r\n\r\n", &h), VD_EINVAL);
	assert_int_equal(PARSE("POST / HTTP/1.1\r\n\r\n\0\0", &h), 1);
	assert_int_equal(h.status, 405);
}

/* HTTPD_HEAD_MAX bytes without a blank line are refused, one less may
 * still become a head */
static void test_head_bounded(void **state)
{
	static char big[HTTPD_HEAD_MAX];
	struct httpd_head h;

	(void)state;
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET / HTTP/1.1\r\n", 16);
	assert_int_equal(parse(big, sizeof(big) - 1, &h), 0);
	assert_int_equal(parse(big, sizeof(big), &h), 1);
	assert_int_equal(h.status, 431);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_get_served),
	    cmocka_unit_test(test_not_whole_yet),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_head_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
