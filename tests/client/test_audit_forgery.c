/* vouchctl audit against forged exports (a hostile review's cases): a
 * forger who can rewrite the journal and recompute its chain, but holds
 * no provider's key, must not get a record past the audit. Each export
 * is built by hand (audit_fixture.h); each refusal written out. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "audit_fixture.h"
#include "err.h"

/* 1. A batch signed by someone else (the bureau's own key, another
 * provider's) holding a record in provider dc's name: the record is
 * refused, and so is a batch of a principal that is no provider. */
static void test_batch_of_another(void **state)
{
	struct sig_key *k = seed_key(1), *ks = seed_key(2), *kb = seed_key(3);
	char f[600], kh[65], u[300], lines[400], why[400];
	struct audit_result res;
	struct exp e;
	uint64_t b;

	(void)state;
	exp_open(&e, 1);
	registers(&e, k, ks);
	key_hex(kb, kh);
	snprintf(f, sizeof(f), "type=register id=bureau role=bureau key=%s",
	         kh);
	exp_entry(&e, f);
	usage_line(u, sizeof(u), "forged-1", "99999999", "");
	snprintf(lines, sizeof(lines), "%s\n", u);
	b = batch_entry_of(&e, "bureau", lines, 1, kb);
	exp_line(&e, b, 1, u);
	assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 5: seq 4: a BATCH of bureau, which is "
	                         "no provider");
	/* signed as dc's batch by the bureau: the signature fails */
	exp_open(&e, 1);
	registers(&e, k, ks);
	b = batch_entry_of(&e, "dc", lines, 1, kb);
	exp_line(&e, b, 1, u);
	assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 4: seq 3: the BATCH signature does not "
	                         "verify under dc's key in force at that seq "
	                         "(from seq 1)");
	sig_key_free(k);
	sig_key_free(ks);
	sig_key_free(kb);
}

/* 1b. Provider dc signs a batch whose line is a record in provider pb's
 * name: the batch verifies, the record is of another provider than its
 * batch's, which signs nothing of pb's (the audit took it as one of
 * dc's verified batch records) */
static void test_record_in_anothers_batch(void **state)
{
	struct sig_key *k = seed_key(1), *ks = seed_key(2);
	char u[300], lines[400], why[400];
	struct audit_result res;
	struct exp e;
	uint64_t b;

	(void)state;
	exp_open(&e, 1);
	registers(&e, k, ks);
	snprintf(u, sizeof(u),
	         "USAGE provider=pb id=b1 org=s at=" AT_LINE
	         " amount=10 qty=1 unit=gpu-hour kind=training");
	snprintf(lines, sizeof(lines), "%s\n", u);
	b = batch_entry(&e, lines, 1, k);
	exp_line(&e, b, 1, u);
	usage_entry_of(&e, "pb", "b1", "10", "", u, NULL, b);
	assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 5: seq 4: a record of pb in batch seq 3 "
	                         "of dc");
	sig_key_free(k);
	sig_key_free(ks);
}

/* 2. Records that would pass as "not verifiable": batch=0, a batch
 * before the export's start that is not where it starts, and a
 * provider the export (from seq 1) registers nowhere. */
static void test_nothing_unsigned_slips(void **state)
{
	struct sig_key *k = seed_key(1), *ks = seed_key(2), *kx = seed_key(4);
	char u[300], why[400];
	struct audit_result res;
	struct exp e;

	(void)state;
	exp_open(&e, 1);
	registers(&e, k, ks);
	usage_line(u, sizeof(u), "z1", "10", "");
	exp_entry(&e, "type=usage provider=dc id=z1 org=s at=" AT_ENTRY
	              " period=2026 amount=10 qty=1 unit=gpu-hour "
	              "kind=training counts=- batch=0 line=USAGE%20provider="
	              "dc%20id=z1%20org=s%20at=" AT_LINE "%20amount=10%20qty=1"
	              "%20unit=gpu-hour%20kind=training");
	assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 3: seq 3: batch= is no seq");
	/* from seq 10: a record of a batch before it, after another entry */
	exp_open(&e, 10);
	exp_entry(&e, "type=pay provider=dc amount=1 ref=r");
	usage_entry(&e, "z1", "10", "", u, NULL, 5);
	assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 2: seq 11: batch=5 is not the batch "
	                         "before it");
	/* dc's records when the export from seq 1 never registers dc */
	exp_open(&e, 1);
	usage_entry(&e, "z1", "10", "", u, kx, 0);
	assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 1: seq 1: a USAGE of dc, which the "
	                         "export registers nowhere");
	sig_key_free(k);
	sig_key_free(ks);
	sig_key_free(kx);
}

/* 3. Fields the line does not say: a project the line lacks, a period
 * that is not at='s year. */
static void test_unbound_fields(void **state)
{
	struct sig_key *k = seed_key(1), *ks = seed_key(2);
	char u[300], f[900], sig[129], why[400];
	struct audit_result res;
	struct exp e;

	(void)state;
	usage_line(u, sizeof(u), "p1", "10", "");
	sign_hex(k, u, strlen(u), sig);
	exp_open(&e, 1);
	registers(&e, k, ks);
	snprintf(f, sizeof(f),
	         "type=usage provider=dc id=p1 org=s at=" AT_ENTRY
	         " period=2026 amount=10 qty=1 unit=gpu-hour kind=training "
	         "project=bigmodel counts=- line=USAGE%%20provider=dc%%20id="
	         "p1%%20org=s%%20at=" AT_LINE "%%20amount=10%%20qty=1%%20unit="
	         "gpu-hour%%20kind=training sig=%s",
	         sig);
	exp_entry(&e, f);
	assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 3: seq 3: the signed line and the "
	                         "entry disagree on project");
	exp_open(&e, 1);
	registers(&e, k, ks);
	snprintf(f, sizeof(f),
	         "type=usage provider=dc id=p1 org=s at=" AT_ENTRY
	         " period=2025 amount=10 qty=1 unit=gpu-hour kind=training "
	         "counts=- "
	         "line=USAGE%%20provider=dc%%20id=p1%%20org=s%%20at=" AT_LINE
	         "%%20amount=10%%20qty=1%%20unit=gpu-hour%%20kind="
	         "training sig=%s",
	         sig);
	exp_entry(&e, f);
	assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 3: seq 3: period= is not the CST year "
	                         "of at=");
	sig_key_free(k);
	sig_key_free(ks);
}

/* 4. A partial export's first entry is taken as given: a key in it
 * verifies nothing (its records are not verifiable). */
static void test_first_entry_of_partial(void **state)
{
	struct sig_key *k = seed_key(1);
	char f[300], kh[65], u[300], why[400];
	struct audit_result res;
	struct exp e;

	(void)state;
	exp_open(&e, 100);
	key_hex(k, kh);
	snprintf(f, sizeof(f),
	         "type=register id=dc role=provider key=%s local=1", kh);
	exp_entry(&e, f);
	usage_line(u, sizeof(u), "q1", "10", "");
	usage_entry(&e, "q1", "10", "", u, k, 0);
	assert_int_equal(exp_verify(&e, &res, why), 0);
	assert_int_equal(res.sigs.usage, 0);
	assert_int_equal(res.sigs.unverifiable, 1);
	sig_key_free(k);
}

/* 5. A record journaled twice (a replayed entry), and a second
 * register of an id (an unjournaled rekey). */
static void test_replays(void **state)
{
	struct sig_key *k = seed_key(1), *ks = seed_key(2), *kx = seed_key(4);
	char u[300], f[300], kh[65], why[400];
	struct audit_result res;
	struct exp e;

	(void)state;
	exp_open(&e, 1);
	registers(&e, k, ks);
	usage_line(u, sizeof(u), "r1", "10", "");
	usage_entry(&e, "r1", "10", "", u, k, 0);
	usage_entry(&e, "r1", "10", "", u, k, 0);
	assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 4: seq 4: record r1 of dc is "
	                         "journaled again (a record is accepted "
	                         "once)");
	exp_open(&e, 1);
	registers(&e, k, ks);
	key_hex(kx, kh);
	snprintf(f, sizeof(f),
	         "type=register id=dc role=provider key=%s local=1", kh);
	exp_entry(&e, f);
	assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 3: seq 3: a second register of dc "
	                         "(the first is at seq 1)");
	sig_key_free(k);
	sig_key_free(ks);
	sig_key_free(kx);
}

/* 6. A store upgraded from before lines_sha256: its old batches' lines
 * are exported (LINES serves them) and pass, not verifiable. */
static void test_old_batch_lines(void **state)
{
	struct sig_key *k = seed_key(1), *ks = seed_key(2);
	static const char old[] =
	    "type=usage provider=dc id=o1 org=s at=" AT_ENTRY " period=2026 "
	    "amount=1 qty=1 unit=gpu-hour kind=training counts=-";
	char u[300], why[400];
	struct audit_result res;
	struct exp e;
	uint64_t b;

	(void)state;
	exp_open(&e, 1);
	registers(&e, k, ks);
	b = exp_entry(&e, "type=batch provider=dc n=1 sig=" HEX64 HEX64);
	usage_line(u, sizeof(u), "o1", "1", "");
	exp_line(&e, b, 1, u);
	exp_entry(&e, old);
	assert_int_equal(exp_verify(&e, &res, why), 0);
	assert_int_equal(res.sigs.unverifiable, 2);
	sig_key_free(k);
	sig_key_free(ks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_batch_of_another),
	    cmocka_unit_test(test_record_in_anothers_batch),
	    cmocka_unit_test(test_nothing_unsigned_slips),
	    cmocka_unit_test(test_unbound_fields),
	    cmocka_unit_test(test_first_entry_of_partial),
	    cmocka_unit_test(test_replays),
	    cmocka_unit_test(test_old_batch_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
