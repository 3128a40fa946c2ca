/* vouchctl audit on schema 7's usage entries (docs/protocol.md): an
 * entry without line= (the line as sent was the canonical form of its
 * fields) is verified over the line rebuilt from its fields, beside
 * entries of the older form (line= in every usage entry, grants in grant
 * entries of their own); a non-canonical line keeps its line= and
 * verifies; a changed field of a line-less entry no longer verifies; a
 * forged carried grant breaks the chain, or, rechained, the checkpoint.
 * Exports built by hand (audit_fixture.h), refusals written out. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "audit_fixture.h"
#include "err.h"

#define GRANT1                                                                 \
	" grant1=V000000000001/xinxing-demand/s/2026/30/0/xinxing:30/"         \
	"2027-12-31T16:00:00Z"

/* A usage entry of dc without line=: with sig= (k signs the canonical
 * line of the same fields, or signed, when given) or batch=; extra after
 * the record's fields, tail after sig= or batch= (carried grants). */
static uint64_t lineless(struct exp *e, const char *id, const char *amount,
                         const char *signed_amount, struct sig_key *k,
                         uint64_t batch, const char *tail)
{
	char f[3000], u[300], sig[129], what[200];

	if (batch)
		snprintf(what, sizeof(what), "batch=%llu",
		         (unsigned long long)batch);
	else {
		usage_line(u, sizeof(u), id, signed_amount, "");
		sign_hex(k, u, strlen(u), sig);
		snprintf(what, sizeof(what), "sig=%s", sig);
	}
	snprintf(f, sizeof(f),
	         "type=usage provider=dc id=%s org=s at=" AT_ENTRY
	         " period=2026 amount=%s qty=1 unit=gpu-hour kind=training "
	         "counts=c:xinxing-demand %s%s",
	         id, amount, what, tail);
	return exp_entry(e, f);
}

/* (a) and (c): the older form (line= in each usage entry, a grant entry
 * of its own), then line-less entries with carried grants, a batch whose
 * records carry no line, and a USAGE whose keys came in another order
 * (its line= kept): every signature verifies. */
static void test_both_forms_verify(void **state)
{
	struct sig_key *k = seed_key(1), *ks = seed_key(2);
	char u[300], u2[300], lines[700], odd[300], why[400];
	struct audit_result res;
	struct exp e;
	uint64_t b;

	(void)state;
	exp_open(&e, 1);
	registers(&e, k, ks);
	usage_line(u, sizeof(u), "old-1", "1000", "");
	usage_entry(&e, "old-1", "1000", "", u, k, 0);
	exp_entry(&e, "type=grant voucher=V000000000001 "
	              "program=xinxing-demand beneficiary=s period=2026 "
	              "amount=30 pools=xinxing:30 "
	              "expires=2027-12-31T16:00:00Z");
	lineless(&e, "new-1", "1000", "1000", k, 0, GRANT1);
	usage_line(u, sizeof(u), "b-1", "2000", "");
	usage_line(u2, sizeof(u2), "b-2", "3000", "");
	snprintf(lines, sizeof(lines), "%s\n%s\n", u, u2);
	b = batch_entry(&e, lines, 2, k);
	exp_line(&e, b, 1, u);
	exp_line(&e, b, 2, u2);
	lineless(&e, "b-1", "2000", NULL, NULL, b, GRANT1);
	lineless(&e, "b-2", "3000", NULL, NULL, b, "");
	/* keys in another order: not canonical, so its entry keeps it */
	snprintf(odd, sizeof(odd),
	         "USAGE id=odd-1 provider=dc org=s at=" AT_LINE
	         " amount=500 qty=1 unit=gpu-hour kind=training");
	usage_entry(&e, "odd-1", "500", "", odd, k, 0);
	assert_int_equal(exp_verify(&e, &res, why), 0);
	assert_int_equal(res.sigs.usage, 3);
	assert_int_equal(res.sigs.batches, 1);
	assert_int_equal(res.sigs.batch_records, 2);
	assert_int_equal(res.sigs.unverifiable, 0);
	sig_key_free(k);
	sig_key_free(ks);
}

/* (b): a forger who rewrites the journal and recomputes its chain but
 * holds no key: a changed field of a line-less entry is signed by
 * nobody. */
static void test_changed_field_refused(void **state)
{
	struct sig_key *k = seed_key(1), *ks = seed_key(2);
	char u[300], lines[400], why[400];
	struct audit_result res;
	struct exp e;
	uint64_t b;

	(void)state;
	/* a USAGE signed for 1,000 fen, its entry says 9,000 */
	exp_open(&e, 1);
	registers(&e, k, ks);
	lineless(&e, "new-1", "9000", "1000", k, 0, GRANT1);
	assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 3: seq 3: the USAGE signature does not "
	                         "verify under dc's key in force at that seq "
	                         "(from seq 1)");
	/* a batch record whose entry says another amount than its line */
	exp_open(&e, 1);
	registers(&e, k, ks);
	usage_line(u, sizeof(u), "b-1", "2000", "");
	snprintf(lines, sizeof(lines), "%s\n", u);
	b = batch_entry(&e, lines, 1, k);
	exp_line(&e, b, 1, u);
	lineless(&e, "b-1", "2001", NULL, NULL, b, "");
	assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 5: seq 4: its line is none of batch "
	                         "seq 3's lines");
	/* a non-canonical USAGE whose line= was dropped: the canonical line
	 * is not what was signed */
	exp_open(&e, 1);
	registers(&e, k, ks);
	{
		char odd[300], sig[129], f[1000];
		snprintf(odd, sizeof(odd),
		         "USAGE id=odd-1 provider=dc org=s at=" AT_LINE
		         " amount=500 qty=1 unit=gpu-hour kind=training");
		sign_hex(k, odd, strlen(odd), sig);
		snprintf(f, sizeof(f),
		         "type=usage provider=dc id=odd-1 org=s at=" AT_ENTRY
		         " period=2026 amount=500 qty=1 unit=gpu-hour "
		         "kind=training counts=- sig=%s",
		         sig);
		exp_entry(&e, f);
	}
	assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 3: seq 3: the USAGE signature does not "
	                         "verify under dc's key in force at that seq "
	                         "(from seq 1)");
	/* fields that make no line (an unknown kind) */
	exp_open(&e, 1);
	registers(&e, k, ks);
	exp_entry(&e, "type=usage provider=dc id=x org=s at=" AT_ENTRY
	              " period=2026 amount=1 qty=1 unit=gpu-hour kind=mining "
	              "counts=- batch=2");
	assert_int_equal(exp_verify(&e, &res, why), VD_EINVAL);
	assert_string_equal(why, "line 3: seq 3: without line=, its fields "
	                         "make no USAGE line");
	sig_key_free(k);
	sig_key_free(ks);
}

/* (b): a carried grant changed in an export: the chain no longer holds;
 * rechained, the checkpoint (signed over the true head) refuses it. */
static void test_forged_carried_grant(void **state)
{
	struct sig_key *k = seed_key(1), *ks = seed_key(2), *kd = seed_key(9);
	static const char forged[] =
	    " grant1=V000000000001/xinxing-demand/s/2026/3000/0/xinxing:3000/"
	    "2027-12-31T16:00:00Z";
	char msg[200], hh[65], kh[65], sh[129], text[600], why[400],
	    row[2][8192];
	struct audit_result res;
	struct audit_cp cp;
	uint8_t sig[64];
	struct exp e;
	FILE *f;
	int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		exp_open(&e, 1);
		registers(&e, k, ks);
		lineless(&e, "new-1", "1000", "1000", k, 0,
		         i == 0 ? GRANT1 : forged);
		rewind(e.f);
		memset(row[i], 0, sizeof(row[i]));
		assert_int_equal(fread(row[i], 1, sizeof(row[i]) - 1, e.f) > 0,
		                 1);
		if (i == 0) {
			/* the daemon's checkpoint at seq 3 */
			hex_encode(e.prev, 32, hh);
			key_hex(kd, kh);
			snprintf(msg, sizeof(msg),
			         "vouchd-checkpoint-v1 seq=3 hash=%s "
			         "time=2026-06-01T02:00:00Z",
			         hh);
			assert_int_equal(sig_sign(kd, msg, strlen(msg), sig),
			                 0);
			hex_encode(sig, 64, sh);
			snprintf(text, sizeof(text),
			         "OK seq=3 hash=%s time=2026-06-01T02:00:00Z "
			         "key=%s sig=%s",
			         hh, kh, sh);
			assert_int_equal(
			    audit_checkpoint_parse(text, strlen(text), &cp), 0);
		}
		fclose(e.f);
	}
	/* the forged entry in the true export: its hash is not the chain's
	 */
	{
		char *nl = strrchr(row[1], '\n'), *last;
		*nl = '\0';
		last = strrchr(row[1], '\n') + 1;
		*strrchr(row[0], '\n') = '\0';
		*(strrchr(row[0], '\n') + 1) = '\0';
		/* row[0]: the two registers; then the forged usage with the
		 * true entry's hash (hh) */
		f = tmpfile();
		{
			char *h = strstr(last, ",\"hash\":\"");
			assert_non_null(h);
			fprintf(f, "%s%.*s,\"hash\":\"%s\"}\n", row[0],
			        (int)(h - last), last, hh);
		}
		rewind(f);
		assert_int_equal(
		    audit_verify(f, NULL, NULL, &res, why, sizeof(why)),
		    VD_EINVAL);
		assert_string_equal(why, "line 3: the hash does not match the "
		                         "chain (the entry or an earlier one "
		                         "was changed)");
		fclose(f);
		/* rechained by the forger: the checkpoint says otherwise */
		f = tmpfile();
		fprintf(f, "%s%s\n", row[0], last);
		rewind(f);
		assert_int_equal(
		    audit_verify(f, &cp, NULL, &res, why, sizeof(why)),
		    VD_EINVAL);
		assert_string_equal(why, "line 3: seq 3 has another hash than "
		                         "the checkpoint");
		fclose(f);
	}
	sig_key_free(k);
	sig_key_free(ks);
	sig_key_free(kd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_both_forms_verify),
	    cmocka_unit_test(test_changed_field_refused),
	    cmocka_unit_test(test_forged_carried_grant),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
