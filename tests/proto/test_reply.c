/* Reply writers and the client's reply parser. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "reply.h"

static void expect(struct rbuf *b, const char *want)
{
	assert_int_equal(b->err, 0);
	assert_int_equal(b->len, strlen(want));
	assert_memory_equal(b->data, want, b->len);
}

static void test_ok_and_listing(void **state)
{
	static const uint8_t raw[2] = {0xab, 0x01};
	struct rbuf b;

	(void)state;
	rbuf_init(&b, 4096);
	reply_ok(&b);
	reply_kv_str(&b, "id", "r-1");
	reply_kv_str(&b, "status", "accepted");
	reply_kv_i64(&b, "seq", 42);
	reply_end(&b);
	expect(&b, "OK id=r-1 status=accepted seq=42\n");
	rbuf_reset(&b);
	reply_ok(&b);
	reply_kv_i64(&b, "n", 1);
	reply_kv_i64(&b, "total_remaining", 300000);
	reply_end(&b);
	reply_row(&b, "VOUCHER");
	reply_kv_str(&b, "id", "V-1");
	/* 20819 days * 86400 - 8 h: midnight 2027-01-01 in Beijing */
	reply_kv_time(&b, "expires", 1798732800);
	reply_kv_i64(&b, "clawback", -5);
	reply_kv_hex(&b, "h", raw, 2);
	reply_end(&b);
	expect(&b, "OK n=1 total_remaining=300000\n"
	           "VOUCHER id=V-1 expires=2026-12-31T16:00:00Z clawback=-5 "
	           "h=ab01\n");
	rbuf_free(&b);
}

static void test_err_cleans_message(void **state)
{
	struct rbuf b;

	(void)state;
	rbuf_init(&b, 4096);
	reply_err(&b, "BADREQ", "bad\r\nOK fake\x01");
	expect(&b, "ERR BADREQ bad??OK fake?\n");
	rbuf_reset(&b);
	reply_err(&b, "BUSY", "");
	expect(&b, "ERR BUSY\n");
	rbuf_reset(&b);
	assert_int_equal(reply_err(&b, "bad code", "x"), PROTO_EINVAL);
	rbuf_free(&b);
}

static void test_writer_refuses_bad_values(void **state)
{
	struct rbuf b;

	(void)state;
	rbuf_init(&b, 4096);
	reply_ok(&b);
	assert_int_equal(reply_kv_str(&b, "reason", "two words"), PROTO_EINVAL);
	/* sticky: later calls are no-ops */
	assert_int_equal(reply_end(&b), PROTO_EINVAL);
	rbuf_free(&b);
	rbuf_init(&b, 8);
	reply_ok(&b);
	assert_int_equal(reply_kv_str(&b, "id", "toolong"), PROTO_ERANGE);
	rbuf_free(&b);
}

static int parse(const char *s, struct reply *r)
{
	return reply_parse(s, strlen(s), r);
}

static void test_parse(void **state)
{
	struct reply r;
	int64_t v = 0;
	size_t n;
	const char *s;

	(void)state;
	assert_int_equal(parse("OK n=2 total_remaining=300000\r", &r), 0);
	assert_int_equal(r.kind, REPLY_OK);
	assert_true(r.n == 2);
	assert_int_equal(reply_get_i64(&r, "total_remaining", &v), 0);
	assert_true(v == 300000);
	assert_int_equal(parse("OK", &r), 0);
	assert_true(r.n == -1 && r.nkv == 0);
	assert_int_equal(parse("ERR COVER over 30% of the bill", &r), 0);
	assert_int_equal(r.kind, REPLY_ERR);
	assert_int_equal(r.word.len, 5);
	assert_memory_equal(r.line + r.word.off, "COVER", 5);
	assert_memory_equal(r.line + r.msg.off, "over 30% of the bill",
	                    r.msg.len);
	assert_int_equal(
	    parse("VOUCHER id=V-1 granted=3000000 clawback=-5", &r), 0);
	assert_int_equal(r.kind, REPLY_ROW);
	s = reply_get(&r, "id", &n);
	assert_int_equal(n, 3);
	assert_memory_equal(s, "V-1", 3);
	assert_int_equal(reply_get_i64(&r, "clawback", &v), 0);
	assert_true(v == -5);
	assert_null(reply_get(&r, "missing", NULL));
	assert_int_equal(reply_get_i64(&r, "id", &v), PROTO_ENUMBER);
}

static void test_parse_refuses(void **state)
{
	struct reply r;

	(void)state;
	assert_int_equal(parse("", &r), PROTO_EEMPTY);
	assert_int_equal(parse("OK  a=1", &r), PROTO_ESPACE);
	assert_int_equal(parse("OK a=1 ", &r), PROTO_ESPACE);
	assert_int_equal(parse("OK a", &r), PROTO_ENOEQ);
	assert_int_equal(parse("OK a=", &r), PROTO_EEMPTYVAL);
	assert_int_equal(parse("OK a=1 a=2", &r), PROTO_EREPEAT);
	assert_int_equal(parse("OK n=x", &r), PROTO_ENUMBER);
	assert_int_equal(parse("ok", &r), PROTO_EUNKNOWN);
	assert_int_equal(parse("ERR", &r), PROTO_EMISSING);
	assert_int_equal(parse("ERR badreq x", &r), PROTO_EENUM);
	assert_int_equal(parse("OK a=\x01", &r), PROTO_EBYTE);
	assert_int_equal(reply_parse("OK", 0, &r), PROTO_EEMPTY);
}

static void test_written_replies_parse_back(void **state)
{
	struct rbuf b;
	struct reply r;
	int64_t v = 0;

	(void)state;
	rbuf_init(&b, 4096);
	reply_ok(&b);
	reply_kv_i64(&b, "amount", INT64_MAX);
	reply_kv_i64(&b, "low", INT64_MIN);
	assert_int_equal(reply_parse(b.data, b.len, &r), 0);
	assert_int_equal(reply_get_i64(&r, "amount", &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(reply_get_i64(&r, "low", &v), 0);
	assert_true(v == INT64_MIN);
	rbuf_free(&b);
}

/* regression: an empty listing appended NULL, 0 (UBSan stopped the
 * daemon on POOL with no pools) */
static void test_raw_empty(void **state)
{
	struct rbuf b;

	(void)state;
	rbuf_init(&b, 64);
	assert_int_equal(reply_raw(&b, NULL, 0), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(reply_raw(&b, "OK\n", 3), 0);
	assert_int_equal(b.len, 3);
	rbuf_free(&b);
}

/* A listing's first line goes before its rows, in a buffer that may
 * hold other replies already (the daemon's c->out); a fixed buffer never
 * grows; a cut drops a reply begun, and its error; a reused buffer gives
 * back memory over what it keeps. */
static void test_insert_cut_fixed_reuse(void **state)
{
	static char big[1000];
	char mem[16];
	struct rbuf b, h;
	size_t start;

	(void)state;
	rbuf_init(&b, 4096);
	reply_ok(&b);
	reply_end(&b);
	start = b.len;
	reply_row(&b, "VOUCHER");
	reply_kv_str(&b, "id", "V-1");
	reply_end(&b);
	rbuf_init_fixed(&h, mem, sizeof(mem));
	reply_ok(&h);
	reply_kv_i64(&h, "n", 1);
	reply_end(&h);
	assert_int_equal(h.err, 0);
	assert_int_equal(reply_insert(&b, start, h.data, h.len), 0);
	expect(&b, "OK\nOK n=1\nVOUCHER id=V-1\n");
	assert_int_equal(reply_insert(&b, b.len, "OK\n", 3), 0);
	expect(&b, "OK\nOK n=1\nVOUCHER id=V-1\nOK\n");
	assert_int_equal(reply_insert(&b, b.len + 1, "OK\n", 3), PROTO_EINVAL);
	assert_int_equal(reply_end(&b), PROTO_EINVAL);
	rbuf_cut(&b, start);
	expect(&b, "OK\n");
	/* 16 bytes and no more: never realloc'd */
	assert_int_equal(reply_kv_str(&h, "id", "0123456789"), PROTO_ERANGE);
	assert_true(h.data == mem && h.cap == sizeof(mem) && h.len == 7);
	memset(big, 'a', sizeof(big));
	assert_int_equal(reply_raw(&b, big, sizeof(big)), 0);
	assert_true(b.cap >= sizeof(big));
	rbuf_reuse(&b, 512);
	assert_true(b.data == NULL && b.len == 0 && b.max == 4096);
	reply_ok(&b);
	rbuf_reuse(&b, 512);
	assert_true(b.data != NULL && b.len == 0 && b.err == 0);
	rbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ok_and_listing),
	    cmocka_unit_test(test_err_cleans_message),
	    cmocka_unit_test(test_writer_refuses_bad_values),
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_parse_refuses),
	    cmocka_unit_test(test_written_replies_parse_back),
	    cmocka_unit_test(test_raw_empty),
	    cmocka_unit_test(test_insert_cut_fixed_reuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
