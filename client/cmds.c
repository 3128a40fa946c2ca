/* vouchctl's subcommands that read: keygen, raw, ping and the listings;
 * and the helpers every cmds_*.c file shares. */
#include "cmds.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hex.h"
#include "money.h"
#include "output.h"
#include "reply.h"
#include "req.h"
#include "sig.h"

int cmds_open(struct ctl *c, struct session *s)
{
	char err[400];

	if (session_open(s, &c->sc, err, sizeof(err)) < 0) {
		fprintf(stderr, "vouchctl %s: %s\n", c->name, err);
		session_close(s);
		return 3;
	}
	return 0;
}

enum out_mode cmds_mode(const struct ctl *c)
{
	return c->json ? OUT_JSON : c->csv ? OUT_CSV : OUT_TABLE;
}

int cmds_need(const struct ctl *c, const char *v, const char *flag)
{
	if (v != NULL)
		return 0;
	fprintf(stderr, "vouchctl %s: %s is required (vouchctl %s --help)\n",
	        c->name, flag, c->name);
	return 2;
}

void cmds_arg(char *buf, size_t size, const char *key, const char *v)
{
	size_t n = strlen(buf);

	if (v)
		snprintf(buf + n, size - n, " %s=%s", key, v);
}

int cmds_yuan(const struct ctl *c, char *buf, size_t size, const char *key,
              const char *flag, const char *v)
{
	char fen[32];
	int64_t x;

	if (v == NULL)
		return 0;
	if (money_parse_yuan(v, strlen(v), MONEY_GROUPED, &x) < 0 &&
	    money_parse_yuan(v, strlen(v), 0, &x) < 0) {
		fprintf(stderr,
		        "vouchctl %s: %s takes yuan with at most two "
		        "decimals (1234.56 or 1,234.56), not '%s'\n",
		        c->name, flag, v);
		return 2;
	}
	snprintf(fen, sizeof(fen), "%" PRId64, x);
	cmds_arg(buf, size, key, fen);
	return 0;
}

void cmds_text(char *buf, size_t size, const char *key, const char *text)
{
	char enc[3 * REQ_TEXT_MAX + 1];
	size_t n = strlen(text);

	/* longer text is refused by the server with a clear reason */
	if (n > REQ_TEXT_MAX + 1)
		n = REQ_TEXT_MAX + 1;
	req_pct_encode(text, n, enc);
	cmds_arg(buf, size, key, enc);
}

int cmd_keygen(struct ctl *c)
{
	struct sig_key *k = NULL;
	uint8_t pub[SIG_PUB_LEN];
	char hex[SIG_PUB_HEX + 1];
	int rc;

	if ((rc = cmds_need(c, c->out, "--out FILE")) != 0)
		return rc;
	if (sig_keygen(&k) < 0 || sig_key_save(k, c->out) < 0 ||
	    sig_key_public(k, pub) < 0) {
		fprintf(stderr,
		        "vouchctl keygen: cannot write %s (it must not exist "
		        "yet)\n",
		        c->out);
		sig_key_free(k);
		return 1;
	}
	hex_encode(pub, SIG_PUB_LEN, hex);
	printf("%s\n", hex);
	sig_key_free(k);
	return 0;
}

/* Print one reply and its listing lines as they are. */
static int print_reply(struct session *s)
{
	const char *l = session_line(s);
	struct reply r;
	int64_t i;

	if (l == NULL)
		return -1;
	printf("%s\n", l);
	if (reply_parse(l, strlen(l), &r) != 0)
		return 0;
	for (i = 0; r.kind == REPLY_OK && i < r.n; i++) {
		if ((l = session_line(s)) == NULL)
			return -1;
		printf("%s\n", l);
	}
	return r.kind == REPLY_ERR ? 1 : 0;
}

int cmd_raw(struct ctl *c)
{
	static struct session s;
	static char line[REQ_MAX_LINE + 200];
	int status = 0, rc;

	if ((rc = cmds_open(c, &s)) != 0)
		return rc;
	while (fgets(line, sizeof(line), stdin)) {
		size_t n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		/* USAGE and VOID lines without sig= are signed with the key */
		if (s.key &&
		    (strncmp(line, "USAGE ", 6) == 0 ||
		     strncmp(line, "VOID ", 5) == 0) &&
		    strstr(line, " sig=") == NULL && n + 134 < sizeof(line)) {
			uint8_t sig[SIG_LEN];
			sig_sign(s.key, line, n, sig);
			memcpy(line + n, " sig=", 5);
			hex_encode(sig, SIG_LEN, line + n + 5);
		}
		if (session_send(&s, line) < 0 || (rc = print_reply(&s)) < 0) {
			fprintf(stderr,
			        "vouchctl raw: the connection closed\n");
			session_close(&s);
			return 3;
		}
		if (rc > 0)
			status = 1;
	}
	session_close(&s);
	return status;
}

int cmd_ping(struct ctl *c)
{
	static struct session s;
	int rc;

	if ((rc = cmds_open(c, &s)) != 0)
		return rc;
	rc = out_reply(&s, "PING", NULL, c->json);
	session_close(&s);
	return rc;
}

static int listing(struct ctl *c, const char *req, const struct out_col *cols,
                   size_t ncols, const char *sumkey)
{
	static struct session s;
	int rc;

	if ((rc = cmds_open(c, &s)) != 0)
		return rc;
	rc = out_listing(&s, req, cols, ncols, sumkey, cmds_mode(c));
	session_close(&s);
	return rc;
}

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

int cmd_balance(struct ctl *c)
{
	static const struct out_col cols[] = {
	    {"id", "voucher", OUT_TEXT, NULL},
	    {"program", "program", OUT_TEXT, NULL},
	    {"org", "holder", OUT_TEXT, NULL},
	    {"period", "period", OUT_TEXT, NULL},
	    {"project", "project", OUT_TEXT, NULL},
	    {"pays", "pays", OUT_TEXT, NULL},
	    {"granted", ">granted", OUT_YUAN, NULL},
	    {"redeemed", ">redeemed", OUT_YUAN, NULL},
	    {"paid_out", ">paid out", OUT_YUAN, NULL},
	    {"expired", ">expired", OUT_YUAN, NULL},
	    {"revoked", ">revoked", OUT_YUAN, NULL},
	    {"remaining", ">remaining", OUT_YUAN, NULL},
	    {"clawback_due", ">clawback due", OUT_YUAN, NULL},
	    {"expires", "expires", OUT_TEXT, NULL},
	    {"status", "status", OUT_TEXT, NULL}};
	char req[400] = "BALANCE";

	cmds_arg(req, sizeof(req), "org", c->org);
	cmds_arg(req, sizeof(req), "period", c->period);
	return listing(c, req, cols, NCOLS(cols), "total_remaining");
}

/* The table, then T, R, what would be paid and the factor with the
 * amounts it comes from, so that an auditor can redo each row's
 * floor(earned * R / T) by hand. */
int cmd_settle_preview(struct ctl *c)
{
	static const struct out_col cols[] = {
	    {"beneficiary", "beneficiary", OUT_TEXT, NULL},
	    {"project", "project", OUT_TEXT, NULL},
	    {"earned", ">earned", OUT_YUAN, NULL},
	    {"paid", ">would be paid", OUT_YUAN, "would_be_paid"},
	    {"factor", ">factor", OUT_FACTOR, NULL}};
	static struct session s;
	struct out_list L;
	char req[400] = "SETTLE", next[OUT_CURSOR], f[OUT_FACTOR_MAX];
	char y[3][MONEY_FMT_MAX];
	json_int_t v[3];
	int rc;

	cmds_arg(req, sizeof(req), "program", c->program);
	cmds_arg(req, sizeof(req), "period", c->period);
	cmds_arg(req, sizeof(req), "dry", "1");
	if ((rc = cmds_open(c, &s)) != 0)
		return rc;
	out_list_init(&L, cols, NCOLS(cols));
	rc = out_list_fetch(&L, &s, req, next);
	session_close(&s);
	if (rc == 0)
		out_list_print(&L, cmds_mode(c), NULL);
	if (rc == 0 && cmds_mode(c) == OUT_TABLE &&
	    json_unpack(L.top, "{sIsIsI}", "earned", &v[0], "remaining", &v[1],
	                "paid", &v[2]) == 0 &&
	    out_factor(v[0], v[1], f, sizeof(f)) > 0) {
		money_format_yuan(v[0], y[0], sizeof(y[0]));
		money_format_yuan(v[1], y[1], sizeof(y[1]));
		money_format_yuan(v[2], y[2], sizeof(y[2]));
		printf("earned (T): %s yuan\npool remaining (R): %s yuan\n"
		       "would be paid: %s yuan\n",
		       y[0], y[1], y[2]);
		if (v[0] > v[1])
			printf("pro rata: factor %s = R / T = %s / %s; each "
			       "is paid floor(earned * R / T) in fen\n",
			       f, y[1], y[0]);
		else
			printf("pro rata: none (factor %s): T <= R, each is "
			       "paid what it earned\n",
			       f);
	}
	out_list_free(&L);
	return rc;
}

int cmd_accrual(struct ctl *c)
{
	static const struct out_col cols[] = {
	    {"program", "program", OUT_TEXT, NULL},
	    {"beneficiary", "beneficiary", OUT_TEXT, NULL},
	    {"period", "period", OUT_TEXT, NULL},
	    {"project", "project", OUT_TEXT, NULL},
	    {"basis", ">basis (fen|qty)", OUT_TEXT, NULL},
	    {"earned", ">earned", OUT_YUAN, NULL},
	    {"granted", ">granted", OUT_YUAN, NULL},
	    {"unfunded", ">unfunded", OUT_YUAN, NULL}};
	char req[400] = "ACCRUAL";

	cmds_arg(req, sizeof(req), "org", c->org);
	cmds_arg(req, sizeof(req), "period", c->period);
	return listing(c, req, cols, NCOLS(cols), NULL);
}

int cmd_programs(struct ctl *c)
{
	static const struct out_col cols[] = {
	    {"id", "program", OUT_TEXT, NULL},
	    {"pool", "pool", OUT_TEXT, NULL},
	    {"group", "group", OUT_TEXT, NULL},
	    {"beneficiary", "beneficiary", OUT_TEXT, NULL},
	    {"basis", "basis", OUT_TEXT, NULL},
	    {"rate_bp", ">rate_bp", OUT_TEXT, NULL},
	    {"cap", ">cap", OUT_YUAN, NULL},
	    {"settlement", "settlement", OUT_TEXT, NULL},
	    {"pays", "pays", OUT_TEXT, NULL},
	    {"region", "region", OUT_TEXT, NULL}};

	return listing(c, "PROGRAMS", cols, NCOLS(cols), NULL);
}

int cmd_receivables(struct ctl *c)
{
	static const struct out_col cols[] = {
	    {"provider", "provider", OUT_TEXT, NULL},
	    {"redeemed", ">redeemed", OUT_YUAN, NULL},
	    {"paid", ">paid", OUT_YUAN, NULL},
	    {"owed", ">owed", OUT_YUAN, NULL}};
	char req[400] = "RECEIVABLES";

	cmds_arg(req, sizeof(req), "provider", c->provider);
	return listing(c, req, cols, NCOLS(cols), NULL);
}

/* One page (or, with --all, every page from --after on). Without --all a
 * page that has more after it ends with the --after to pass next: on
 * stderr with --csv, so that the CSV stays rows only. */
int cmd_records(struct ctl *c)
{
	static const struct out_col cols[] = {
	    {"provider", "provider", OUT_TEXT, NULL},
	    {"id", "record", OUT_TEXT, NULL},
	    {"org", "org", OUT_TEXT, NULL},
	    {"at", "at", OUT_TEXT, NULL},
	    {"amount", ">amount", OUT_YUAN, NULL},
	    {"qty", ">qty", OUT_TEXT, NULL},
	    {"unit", "unit", OUT_TEXT, NULL},
	    {"kind", "kind", OUT_TEXT, NULL},
	    {"class", "class", OUT_TEXT, NULL},
	    {"project", "project", OUT_TEXT, NULL},
	    {"status", "status", OUT_TEXT, NULL}};
	static struct session s;
	struct out_list L;
	char req[600], next[OUT_CURSOR];
	const char *after = c->after;
	enum out_mode mode = cmds_mode(c);
	int rc;

	if ((rc = cmds_open(c, &s)) != 0)
		return rc;
	out_list_init(&L, cols, NCOLS(cols));
	do {
		snprintf(req, sizeof(req), "RECORDS");
		cmds_arg(req, sizeof(req), "org", c->org);
		cmds_arg(req, sizeof(req), "provider", c->provider);
		cmds_arg(req, sizeof(req), "period", c->period);
		cmds_arg(req, sizeof(req), "after", after);
		cmds_arg(req, sizeof(req), "limit", c->limit);
		if ((rc = out_list_fetch(&L, &s, req, next)) != 0)
			break;
		after = next;
	} while (c->all && next[0] != '\0');
	if (rc == 0) {
		if (next[0] != '\0' && mode == OUT_JSON && L.top != NULL)
			json_object_set_new(L.top, "next", json_string(next));
		out_list_print(&L, mode, NULL);
		if (next[0] != '\0' && mode != OUT_JSON)
			fprintf(mode == OUT_CSV ? stderr : stdout,
			        "more: vouchctl records --after %s\n", next);
	}
	out_list_free(&L);
	session_close(&s);
	return rc;
}
