/* The request parser: every command's happy path, and one test per class
 * of malformed input, each with its own error code. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cmd.h"
#include "err.h"
#include "kind.h"
#include "req.h"
#include "role.h"

#define SIG128                                                                 \
	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"     \
	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define KEY64 "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
#define USAGE_BODY                                                             \
	"USAGE provider=dc1 id=r-1 org=school-7 at=2026-03-01T08:00:00Z "      \
	"amount=123456 qty=3600 unit=gpu-hour kind=training"

static int parse(const char *s, struct req *r)
{
	return req_parse(s, strlen(s), REQ_DEFAULT_LINE, REQ_LINE, r);
}

static void ok(const char *s, enum cmd_id id)
{
	struct req r;
	int rc = parse(s, &r);

	if (rc != 0)
		fail_msg("'%s' refused: %s", s, err_str(rc));
	assert_int_equal(r.spec->id, id);
}

static void bad(const char *s, int want)
{
	struct req r;
	int rc = parse(s, &r);

	if (rc != want)
		fail_msg("'%s': got %d (%s), want %d (%s)", s, rc, err_str(rc),
		         want, err_str(want));
}

static void test_every_command_happy_path(void **state)
{
	(void)state;
	ok("HELLO", CMD_HELLO);
	ok("AUTH id=bureau sig=" SIG128, CMD_AUTH);
	ok("PING", CMD_PING);
	ok("QUIT", CMD_QUIT);
	ok(USAGE_BODY " sig=" SIG128, CMD_USAGE);
	ok(USAGE_BODY " class=domestic sig=" SIG128, CMD_USAGE);
	ok("BATCH provider=dc1 n=3 sig=" SIG128, CMD_BATCH);
	ok("VOID provider=dc1 id=r-1 at=2026-03-02T00:00:00Z "
	   "reason=billing%20error sig=" SIG128,
	   CMD_VOID);
	ok("BALANCE", CMD_BALANCE);
	ok("BALANCE org=school-7 period=2026", CMD_BALANCE);
	ok("ACCRUAL org=school-7 period=2026", CMD_ACCRUAL);
	ok("RECORDS org=o provider=p period=2026 after=dc1/r-1 limit=100",
	   CMD_RECORDS);
	ok("PROGRAMS", CMD_PROGRAMS);
	ok("REDEEM voucher=V-1 record=r-1 amount=600000 ref=inv:2026/03",
	   CMD_REDEEM);
	ok("REGISTER id=school-7 role=org key=" KEY64 " kind=school",
	   CMD_REGISTER);
	ok("REGISTER id=dc1 role=provider key=" KEY64 " local=1", CMD_REGISTER);
	ok("ISSUE program=datong-pool-grant org=s1 need=10000000 ref=app-1 "
	   "amount=1000000",
	   CMD_ISSUE);
	ok("SETTLE program=yuxi-compute period=2026 force=1", CMD_SETTLE);
	ok("REVOKE voucher=V-1 reason=fraud", CMD_REVOKE);
	ok("EXPIRE", CMD_EXPIRE);
	ok("EXPIRE now=2027-01-01T00:00:00Z", CMD_EXPIRE);
	ok("POOL pool=yuxi period=2026", CMD_POOL);
	ok("RECEIVABLES provider=dc1", CMD_RECEIVABLES);
	ok("PAY provider=dc1 amount=600000 ref=pay-1", CMD_PAY);
	ok("JOURNAL after=0 limit=1000", CMD_JOURNAL);
	ok("CHECKPOINT", CMD_CHECKPOINT);
	ok("RELOAD", CMD_RELOAD);
	ok("STATS", CMD_STATS);
}

static void test_values_and_offsets(void **state)
{
	const char *s = USAGE_BODY " class=domestic sig=" SIG128;
	char buf[80];
	struct req r;
	size_t n;

	(void)state;
	assert_int_equal(parse(s, &r), 0);
	assert_true(r.num[KEY_AMOUNT] == 123456 && r.num[KEY_QTY] == 3600);
	/* 2026-03-01T08:00:00Z: 20513 days after 1970-01-01, plus 8 h */
	assert_true(r.num[KEY_AT] == 20513LL * 86400 + 8 * 3600);
	assert_int_equal(r.num[KEY_KIND], 0); /* training */
	assert_int_equal(req_copy(&r, KEY_ORG, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "school-7");
	assert_non_null(req_str(&r, KEY_CLASS, &n));
	assert_int_equal(n, 8);
	/* what is signed: the exact bytes before " sig=" */
	assert_int_equal(r.signed_len, strlen(USAGE_BODY " class=domestic"));
	/* the command is case-insensitive, keys are not */
	ok("ping", CMD_PING);
	ok("Balance period=2026", CMD_BALANCE);
	bad("BALANCE PERIOD=2026", PROTO_EKEY);
	/* CR before the LF is dropped */
	ok("PING\r", CMD_PING);
	/* not NUL-terminated: only len bytes are read */
	assert_int_equal(req_parse("PINGXYZ", 4, 4096, REQ_LINE, &r), 0);
	assert_int_equal(r.spec->id, CMD_PING);
	/* JOURNAL's after= is a number, RECORDS's a cursor */
	bad("JOURNAL after=dc1/r-1", PROTO_ENUMBER);
	ok("RECORDS after=dc1/r-1", CMD_RECORDS);
	assert_int_equal(parse("JOURNAL after=42", &r), 0);
	assert_true(r.num[KEY_AFTER] == 42);
}

static void test_too_long(void **state)
{
	char *line = malloc(REQ_MAX_LINE + 10);
	struct req r;

	(void)state;
	memset(line, 'A', REQ_MAX_LINE + 10);
	memcpy(line, "PING", 4);
	assert_int_equal(req_parse(line, 4097, 4096, REQ_LINE, &r),
	                 PROTO_ETOOLONG);
	/* max_line is never above 65536 whatever the caller asks */
	assert_int_equal(
	    req_parse(line, REQ_MAX_LINE + 1, 1 << 30, REQ_LINE, &r),
	    PROTO_ETOOLONG);
	free(line);
}

static void test_empty(void **state)
{
	(void)state;
	bad("", PROTO_EEMPTY);
	bad("\r", PROTO_EEMPTY);
}

static void test_double_space(void **state)
{
	(void)state;
	bad("BALANCE  period=2026", PROTO_ESPACE);
	bad(" PING", PROTO_ESPACE);
	bad("PING ", PROTO_ESPACE);
}

static void test_bad_byte(void **state)
{
	struct req r;

	(void)state;
	bad("PING\tx", PROTO_EBYTE);
	bad("REVOKE voucher=V reason=caf\xc3\xa9", PROTO_EBYTE);
	assert_int_equal(req_parse("PI\0NG", 5, 4096, REQ_LINE, &r),
	                 PROTO_EBYTE);
	bad("PING\r\r", PROTO_EBYTE); /* only one CR is dropped */
}

static void test_missing_equals(void **state)
{
	(void)state;
	bad("BALANCE period", PROTO_ENOEQ);
	bad("BALANCE =2026", PROTO_ENOEQ);
}

static void test_unknown_command(void **state)
{
	(void)state;
	bad("FROB x=1", PROTO_EUNKNOWN);
	bad("PINGS", PROTO_EUNKNOWN);
	/* framing is checked before the command */
	bad("FROB  x=1", PROTO_ESPACE);
}

static void test_unknown_key(void **state)
{
	(void)state;
	bad("BALANCE colour=red", PROTO_EKEY);
	bad("PING x=1", PROTO_EKEY);
	bad("BALANCE provider=dc1", PROTO_EKEY); /* a key of another command */
}

static void test_repeated_key(void **state)
{
	struct req r;

	(void)state;
	assert_int_equal(parse("BALANCE period=2026 period=2027", &r),
	                 PROTO_EREPEAT);
	assert_int_equal(r.err_key, KEY_PERIOD);
}

static void test_missing_key(void **state)
{
	struct req r;
	char msg[REQ_MSG_MAX];

	(void)state;
	assert_int_equal(parse("PAY provider=dc1 amount=5", &r),
	                 PROTO_EMISSING);
	assert_int_equal(r.err_key, KEY_REF);
	assert_string_equal(req_message(&r, PROTO_EMISSING, msg, sizeof(msg)),
	                    "missing key: ref");
	bad(USAGE_BODY, PROTO_EMISSING); /* no sig */
}

static void test_empty_value(void **state)
{
	(void)state;
	bad("BALANCE period=", PROTO_EEMPTYVAL);
}

static void test_bad_number(void **state)
{
	(void)state;
	bad("PAY provider=dc1 amount=-5 ref=x", PROTO_ENUMBER);
	bad("PAY provider=dc1 amount=+5 ref=x", PROTO_ENUMBER);
	bad("PAY provider=dc1 amount=05 ref=x", PROTO_ENUMBER);
	bad("PAY provider=dc1 amount=1,000 ref=x", PROTO_ENUMBER);
	bad("PAY provider=dc1 amount=1.5 ref=x", PROTO_ENUMBER);
	bad("PAY provider=dc1 amount=1e3 ref=x", PROTO_ENUMBER);
	ok("PAY provider=dc1 amount=0 ref=x", CMD_PAY);
}

static void test_overflow(void **state)
{
	(void)state;
	ok("PAY provider=dc1 amount=9223372036854775807 ref=x", CMD_PAY);
	bad("PAY provider=dc1 amount=9223372036854775808 ref=x",
	    PROTO_EOVERFLOW);
	bad("PAY provider=dc1 amount=99999999999999999999999 ref=x",
	    PROTO_EOVERFLOW);
	/* regression: 2^64 and 2^64 + 7 wrapped the old accumulator to 0
	 * and 7, which were accepted as amounts */
	bad("PAY provider=dc1 amount=18446744073709551616 ref=x",
	    PROTO_EOVERFLOW);
	bad("PAY provider=dc1 amount=18446744073709551623 ref=x",
	    PROTO_EOVERFLOW);
	/* a non-digit after the overflow is the better complaint */
	bad("PAY provider=dc1 amount=18446744073709551623x ref=x",
	    PROTO_ENUMBER);
}

static void test_range(void **state)
{
	char msg[REQ_MSG_MAX];
	struct req r;

	(void)state;
	bad("BALANCE period=1969", PROTO_ERANGE);
	bad("BALANCE period=10000", PROTO_ERANGE);
	bad("BATCH provider=dc1 n=0 sig=" SIG128, PROTO_ERANGE); /* n=0 */
	bad("SETTLE program=p period=2026 force=0", PROTO_ERANGE);
	bad("REGISTER id=x role=org key=" KEY64 " local=2", PROTO_ERANGE);
	assert_int_equal(parse("BALANCE period=1969", &r), PROTO_ERANGE);
	assert_string_equal(req_message(&r, PROTO_ERANGE, msg, sizeof(msg)),
	                    "value out of range: period");
}

static void test_bad_time(void **state)
{
	(void)state;
	bad("EXPIRE now=2026-02-30T00:00:00Z", PROTO_ETIME); /* no such day */
	bad("EXPIRE now=2026-02-28T24:00:00Z", PROTO_ETIME);
	bad("EXPIRE now=2026-02-28T23:60:00Z", PROTO_ETIME);
	bad("EXPIRE now=2026-02-28T23:59:60Z", PROTO_ETIME);
	bad("EXPIRE now=2026-02-28T08:00:00+08:00", PROTO_ETIME);
	bad("EXPIRE now=2026-02-28T08:00:00.5Z", PROTO_ETIME);
	bad("EXPIRE now=2026-02-28 08:00:00Z", PROTO_ENOEQ);
	bad("EXPIRE now=2026-2-28T08:00:00Z", PROTO_ETIME);
	bad("EXPIRE now=1969-12-31T23:59:59Z", PROTO_ETIME);
	bad("EXPIRE now=2026-02-28t08:00:00z", PROTO_ETIME);
	ok("EXPIRE now=2024-02-29T23:59:59Z", CMD_EXPIRE);
}

static void test_bad_id(void **state)
{
	(void)state;
	bad("BALANCE org=School", PROTO_EID);  /* upper case */
	bad("BALANCE org=-school", PROTO_EID); /* must start [a-z0-9] */
	bad("BALANCE org=a/b", PROTO_EID);
	bad("BALANCE org="
	    "a1234567890123456789012345678901234567890123456789012345678901234",
	    PROTO_EID); /* 65 characters */
	ok("BALANCE org="
	   "a123456789012345678901234567890123456789012345678901234567890123",
	   CMD_BALANCE); /* 64 */
	bad("REDEEM voucher=V#1 record=r ref=k amount=1", PROTO_EID);
	bad(USAGE_BODY " class=dom;estic sig=" SIG128, PROTO_EID);
	/* a principal's id= has the principal grammar (REGISTER took
	 * "Mixed" and "a/b"); a record's id= keeps the record grammar */
	bad("REGISTER id=Mixed role=org key=" KEY64, PROTO_EID);
	bad("REGISTER id=a/b role=org key=" KEY64, PROTO_EID);
	bad("AUTH id=Mixed sig=" SIG128, PROTO_EID);
	bad("AMEND id=a:b kind=school", PROTO_EID);
	bad("SUSPEND id=X reason=r", PROTO_EID);
	bad("REINSTATE id=-x", PROTO_EID);
	bad("REKEY id=a/b key=" KEY64, PROTO_EID);
	ok("VOID provider=dc1 id=Rec/1:A reason=x", CMD_VOID);
}

static void test_bad_hex(void **state)
{
	(void)state;
	bad("AUTH id=bureau sig=" SIG128 "0", PROTO_EHEX);
	bad("AUTH id=bureau sig=00112233", PROTO_EHEX);
	bad("REGISTER id=x role=org key=D75A980182B10AB7D54BFED3C964073A0EE172"
	    "F3DAA62325AF021A68F707511A",
	    PROTO_EHEX);
	bad("REGISTER id=x role=org key=g75a980182b10ab7d54bfed3c964073a0ee172"
	    "f3daa62325af021a68f707511a",
	    PROTO_EHEX);
}

static void test_sig_not_last(void **state)
{
	(void)state;
	bad("USAGE sig=" SIG128 " provider=dc1 id=r-1 org=school-7 "
	    "at=2026-03-01T08:00:00Z amount=1 qty=1 unit=h kind=training",
	    PROTO_ESIGLAST);
	bad("BATCH sig=" SIG128 " provider=dc1 n=3", PROTO_ESIGLAST);
	/* AUTH signs a nonce, not its own line: any order */
	ok("AUTH sig=" SIG128 " id=bureau", CMD_AUTH);
}

static void test_bad_pct_and_enum(void **state)
{
	char out[REQ_TEXT_MAX + 1];
	size_t n = 0;

	(void)state;
	bad("REVOKE voucher=V reason=100%", PROTO_EPCT);
	bad("REVOKE voucher=V reason=%zz", PROTO_EPCT);
	bad("REVOKE voucher=V reason=%0a", PROTO_EPCT);       /* control */
	bad("REVOKE voucher=V reason=%c3%28", PROTO_EPCT);    /* not UTF-8 */
	bad("REVOKE voucher=V reason=%ed%a0%80", PROTO_EPCT); /* surrogate */
	ok("REVOKE voucher=V reason=%E9%80%A0%E5%81%87", CMD_REVOKE);
	assert_int_equal(
	    req_pct_decode("%E9%80%A0%E5%81%87", 18, out, sizeof(out), &n), 0);
	assert_string_equal(out, "造假");
	assert_int_equal(req_pct_encode("a b%", 4, out), 8);
	assert_string_equal(out, "a%20b%25");
	bad("REGISTER id=x role=admin key=" KEY64, PROTO_EENUM);
	bad(USAGE_BODY "x sig=" SIG128, PROTO_EENUM); /* kind=trainingx */
	/* an org kind in REGISTER is any word */
	ok("REGISTER id=x role=org key=" KEY64 " kind=hospital-2",
	   CMD_REGISTER);
}

static void test_batch_lines(void **state)
{
	struct req r;

	(void)state;
	assert_int_equal(
	    req_parse(USAGE_BODY, strlen(USAGE_BODY), 4096, REQ_BATCH_LINE, &r),
	    0);
	assert_int_equal(r.spec->id, CMD_USAGE);
	assert_int_equal(req_parse(USAGE_BODY " sig=" SIG128,
	                           strlen(USAGE_BODY " sig=" SIG128), 4096,
	                           REQ_BATCH_LINE, &r),
	                 PROTO_ESIGBATCH);
	assert_int_equal(req_parse("PING", 4, 4096, REQ_BATCH_LINE, &r),
	                 PROTO_EBATCHCMD);
}

static void test_error_stages(void **state)
{
	(void)state;
	/* answered before AUTH */
	assert_true(req_err_early(PROTO_ETOOLONG));
	assert_true(req_err_early(PROTO_ESPACE));
	assert_true(req_err_early(PROTO_EUNKNOWN));
	/* answered after the role check */
	assert_false(req_err_early(PROTO_EKEY));
	assert_false(req_err_early(PROTO_ENUMBER));
	assert_false(req_err_early(PROTO_EMISSING));
}

static void test_messages_never_echo(void **state)
{
	char msg[REQ_MSG_MAX];
	struct req r;

	(void)state;
	assert_int_equal(parse("BALANCE evil\x7e=1", &r), PROTO_EKEY);
	req_message(&r, PROTO_EKEY, msg, sizeof(msg));
	assert_string_equal(msg, "unknown key for this command");
	assert_null(strstr(msg, "evil"));
}

/* kind= and role= arrive as base's enums, the ledger's values */
static void test_kind_and_role_values(void **state)
{
	struct req r;

	(void)state;
	assert_int_equal(parse("REGISTER id=dc1 role=provider key=" KEY64, &r),
	                 0);
	assert_true(r.num[KEY_ROLE] == ROLE_PROVIDER && ROLE_PROVIDER == 1);
	assert_int_equal(parse("REGISTER id=s role=org key=" KEY64, &r), 0);
	assert_true(r.num[KEY_ROLE] == 2);
	assert_int_equal(parse("REGISTER id=b role=bureau key=" KEY64, &r), 0);
	assert_true(r.num[KEY_ROLE] == 3);
	assert_int_equal(parse("REGISTER id=b role=none key=" KEY64, &r),
	                 PROTO_EENUM);
	assert_int_equal(parse(USAGE_BODY " sig=" SIG128, &r), 0);
	assert_true(r.num[KEY_KIND] == KIND_TRAINING && KIND_TRAINING == 0);
	assert_int_equal(
	    parse("USAGE provider=dc1 id=r-1 org=school-7 "
	          "at=2026-03-01T08:00:00Z amount=1 qty=1 unit=gpu-hour "
	          "kind=other sig=" SIG128,
	          &r),
	    0);
	assert_true(r.num[KEY_KIND] == KIND_OTHER && KIND_OTHER == 6);
}

static void test_command_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < CMD_COUNT; i++) {
		/* table order is enum order, names round-trip */
		assert_int_equal(cmd_table[i].id, (enum cmd_id)i);
		assert_ptr_equal(
		    cmd_lookup(cmd_table[i].name, strlen(cmd_table[i].name)),
		    &cmd_table[i]);
		/* a key is required or optional, never both */
		assert_int_equal(cmd_table[i].required & cmd_table[i].optional,
		                 0);
	}
	/* role sets are ROLE_BIT(role): the bits the table always had */
	assert_int_equal(cmd_table[CMD_USAGE].roles, 0x2);
	assert_int_equal(cmd_table[CMD_USAGE].roles, ROLE_BIT(ROLE_PROVIDER));
	assert_int_equal(cmd_table[CMD_REGISTER].roles, 0x8);
	assert_int_equal(cmd_table[CMD_REGISTER].roles, ROLE_BIT(ROLE_BUREAU));
	assert_int_equal(cmd_table[CMD_RECEIVABLES].roles, 0xa);
	assert_int_equal(cmd_table[CMD_HELLO].roles, 0xf);
	assert_int_equal(cmd_table[CMD_BALANCE].roles, 0xe);
	assert_true(cmd_table[CMD_HELLO].roles & ROLE_BIT(ROLE_NONE));
	assert_false(cmd_table[CMD_BALANCE].roles & ROLE_BIT(ROLE_NONE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_command_happy_path),
	    cmocka_unit_test(test_values_and_offsets),
	    cmocka_unit_test(test_too_long),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_double_space),
	    cmocka_unit_test(test_bad_byte),
	    cmocka_unit_test(test_missing_equals),
	    cmocka_unit_test(test_unknown_command),
	    cmocka_unit_test(test_unknown_key),
	    cmocka_unit_test(test_repeated_key),
	    cmocka_unit_test(test_missing_key),
	    cmocka_unit_test(test_empty_value),
	    cmocka_unit_test(test_bad_number),
	    cmocka_unit_test(test_overflow),
	    cmocka_unit_test(test_range),
	    cmocka_unit_test(test_bad_time),
	    cmocka_unit_test(test_bad_id),
	    cmocka_unit_test(test_bad_hex),
	    cmocka_unit_test(test_sig_not_last),
	    cmocka_unit_test(test_bad_pct_and_enum),
	    cmocka_unit_test(test_batch_lines),
	    cmocka_unit_test(test_error_stages),
	    cmocka_unit_test(test_messages_never_echo),
	    cmocka_unit_test(test_kind_and_role_values),
	    cmocka_unit_test(test_command_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
