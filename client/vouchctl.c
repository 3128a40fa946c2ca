/* vouchctl: what each user types. This first part has keygen, raw, ping
 * and the listings balance, accrual, pool, programs and receivables as
 * tables in yuan or --json; the rest of the issue "vouchctl and
 * deployment" (report, audit, the bureau's writes) builds on session.c.
 * Exit codes: 0 ok, 1 the server said ERR, 2 usage, 3 cannot connect or
 * authenticate. */
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "money.h"
#include "reply.h"
#include "report.h"
#include "req.h"
#include "session.h"
#include "sig.h"
#include "table.h"

struct opts {
	const char *addr, *id, *key, *out;
	const char *org, *provider, *pool, *period;
	int json;
};

/* A column of a listing: the reply key, its title, and how to show it. */
enum fmt { F_TEXT, F_YUAN };
struct col {
	const char *key, *head;
	enum fmt fmt;
};

static int usage(void)
{
	fprintf(stderr,
	        "usage: vouchctl keygen --out FILE\n"
	        "       vouchctl [OPTIONS] raw\n"
	        "       vouchctl [OPTIONS] ping | programs\n"
	        "       vouchctl [OPTIONS] balance | accrual [--org O] "
	        "[--period Y]\n"
	        "       vouchctl [OPTIONS] pool [--pool P] [--period Y]\n"
	        "       vouchctl [OPTIONS] receivables [--provider P]\n"
	        "OPTIONS: --addr ADDR (host:port or unix:/path, $VOUCHD_ADDR)\n"
	        "         --id ID --key FILE ($VOUCHD_ID, $VOUCHD_KEY)\n"
	        "         --json (the reply's fields, amounts in fen)\n");
	return 2;
}

static int cmd_keygen(const char *out)
{
	struct sig_key *k = NULL;
	uint8_t pub[SIG_PUB_LEN];
	char hex[SIG_PUB_HEX + 1];

	if (sig_keygen(&k) < 0 || sig_key_save(k, out) < 0 ||
	    sig_key_public(k, pub) < 0) {
		fprintf(stderr,
		        "vouchctl keygen: cannot write %s (it must "
		        "not exist)\n",
		        out);
		sig_key_free(k);
		return 1;
	}
	sig_hex_encode(pub, SIG_PUB_LEN, hex);
	printf("%s\n", hex);
	sig_key_free(k);
	return 0;
}

static int open_session(struct session *s, const struct opts *o)
{
	char err[300];

	if (session_open(s, o->addr, o->id, o->key, err, sizeof(err)) < 0) {
		fprintf(stderr, "vouchctl: %s\n", err);
		session_close(s);
		return 3;
	}
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
	if (reply_parse(l, strlen(l), &r) == 0 && r.kind == REPLY_OK && r.n > 0)
		for (i = 0; i < r.n; i++) {
			if ((l = session_line(s)) == NULL)
				return -1;
			printf("%s\n", l);
		}
	return r.kind == REPLY_ERR ? 1 : 0;
}

/* Each stdin line is sent (USAGE and VOID lines without sig= are signed
 * with the key) and its reply printed: for operators who debug. */
static int cmd_raw(const struct opts *o)
{
	static struct session s;
	char line[REQ_MAX_LINE + 200];
	int status = 0, rc;

	if ((rc = open_session(&s, o)) != 0)
		return rc;
	while (fgets(line, sizeof(line), stdin)) {
		size_t n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if (s.key &&
		    (strncmp(line, "USAGE ", 6) == 0 ||
		     strncmp(line, "VOID ", 5) == 0) &&
		    strstr(line, " sig=") == NULL && n + 134 < sizeof(line)) {
			uint8_t sig[SIG_LEN];
			sig_sign(s.key, line, n, sig);
			memcpy(line + n, " sig=", 5);
			sig_hex_encode(sig, SIG_LEN, line + n + 5);
		}
		if (session_send(&s, line) < 0 || (rc = print_reply(&s)) < 0) {
			fprintf(stderr, "vouchctl: the connection closed\n");
			session_close(&s);
			return 3;
		}
		if (rc > 0)
			status = 1;
	}
	session_close(&s);
	return status;
}

static json_t *json_value(const char *v, size_t n)
{
	int64_t x;

	/* integers as numbers (fen, counts), everything else as text */
	if (money_parse_uint(v, n, &x) == 0)
		return json_integer((json_int_t)x);
	if (n > 1 && v[0] == '-' && money_parse_uint(v + 1, n - 1, &x) == 0)
		return json_integer(-(json_int_t)x);
	return json_stringn(v, n);
}

static json_t *json_of(const struct reply *r)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < r->nkv; i++) {
		char key[64];
		snprintf(key, sizeof(key), "%.*s", (int)r->kv[i].key.len,
		         r->line + r->kv[i].key.off);
		json_object_set_new(
		    o, key,
		    json_value(r->line + r->kv[i].val.off, r->kv[i].val.len));
	}
	return o;
}

static void cell(struct table *t, const struct reply *r, const struct col *c)
{
	size_t n;
	const char *v = reply_get(r, c->key, &n);
	char y[MONEY_FMT_MAX];
	int64_t x;

	if (v == NULL) {
		table_cell(t, "-");
		return;
	}
	if (c->fmt == F_YUAN && reply_get_i64(r, c->key, &x) == 0) {
		money_format_yuan(x, y, sizeof(y));
		table_cell(t, "%s", y);
		return;
	}
	table_cell(t, "%.*s", (int)n, v);
}

/* Send a listing request; print its rows as a table (or JSON). */
static int listing(const struct opts *o, const char *request,
                   const struct col *cols, size_t ncols, const char *sumkey)
{
	static struct session s;
	static char header[REQ_MAX_LINE + 1];
	const char *heads[TABLE_MAX_COLS];
	struct table t;
	struct reply r;
	json_t *rows = NULL, *top = NULL;
	const char *l;
	int64_t i;
	size_t k;
	int rc;

	if ((rc = open_session(&s, o)) != 0)
		return rc;
	session_send(&s, request);
	l = session_line(&s);
	/* the header is read again after the rows: keep it */
	if (l != NULL)
		snprintf(header, sizeof(header), "%s", l);
	l = l ? header : NULL;
	if (l == NULL || reply_parse(l, strlen(l), &r) != 0) {
		fprintf(stderr, "vouchctl: no reply\n");
		session_close(&s);
		return 3;
	}
	if (r.kind == REPLY_ERR) {
		fprintf(stderr, "vouchctl: %s\n", l + 4);
		session_close(&s);
		return 1;
	}
	top = json_of(&r);
	rows = json_array();
	for (k = 0; k < ncols; k++)
		heads[k] = cols[k].head;
	table_init(&t, ncols, heads);
	for (i = 0; i < r.n; i++) {
		struct reply row;
		if ((l = session_line(&s)) == NULL ||
		    reply_parse(l, strlen(l), &row) != 0)
			break;
		json_array_append_new(rows, json_of(&row));
		table_row(&t);
		for (k = 0; k < ncols; k++)
			cell(&t, &row, &cols[k]);
	}
	if (o->json) {
		json_object_set_new(top, "rows", rows);
		rows = NULL;
		json_dumpf(top, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		printf("\n");
	} else {
		int64_t sum;
		table_print(&t, stdout, "");
		if (sumkey && reply_get_i64(&r, sumkey, &sum) == 0) {
			char y[MONEY_FMT_MAX];
			money_format_yuan(sum, y, sizeof(y));
			printf("%s: %s yuan\n", sumkey, y);
		}
	}
	json_decref(rows);
	json_decref(top);
	table_free(&t);
	session_close(&s);
	return 0;
}

static int cmd_ping(const struct opts *o)
{
	static struct session s;
	const char *l;
	int rc;

	if ((rc = open_session(&s, o)) != 0)
		return rc;
	session_send(&s, "PING");
	l = session_line(&s);
	rc = l == NULL ? 3 : strcmp(l, "OK") == 0 ? 0 : 1;
	if (rc == 0)
		printf("ok\n");
	else
		fprintf(stderr, "vouchctl: %s\n", l ? l : "no reply");
	session_close(&s);
	return rc;
}

/* A provider's billing export as signed batches, with a summary. */
static int cmd_report(const struct opts *o, const char *file)
{
	static struct session s;
	struct report_stats st;
	FILE *f = fopen(file, "r");
	int rc;

	if (f == NULL) {
		fprintf(stderr, "vouchctl report: cannot read %s\n", file);
		return 2;
	}
	if (o->id == NULL) {
		fclose(f);
		return usage();
	}
	if ((rc = open_session(&s, o)) != 0) {
		fclose(f);
		return rc;
	}
	rc = report_csv(&s, o->id, f, stderr, isatty(2), &st);
	fclose(f);
	session_close(&s);
	if (rc == 3)
		fprintf(stderr,
		        "vouchctl report: the connection closed; run "
		        "it again: records already in are duplicates\n");
	if (rc != 0)
		return rc;
	printf("%ld lines: %ld accepted, %ld duplicate, %ld refused\n",
	       st.lines, st.accepted, st.duplicate, st.refused);
	return st.refused ? 1 : 0;
}

static void arg(char *buf, size_t size, const char *key, const char *v)
{
	size_t n = strlen(buf);

	if (v)
		snprintf(buf + n, size - n, " %s=%s", key, v);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"out", required_argument, NULL, 'o'},
	    {"addr", required_argument, NULL, 'a'},
	    {"id", required_argument, NULL, 'i'},
	    {"key", required_argument, NULL, 'k'},
	    {"org", required_argument, NULL, 'g'},
	    {"provider", required_argument, NULL, 'p'},
	    {"pool", required_argument, NULL, 'l'},
	    {"period", required_argument, NULL, 'y'},
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0}};
	static const struct col balance[] = {
	    {"id", "voucher", F_TEXT},
	    {"program", "program", F_TEXT},
	    {"org", "holder", F_TEXT},
	    {"period", "period", F_TEXT},
	    {"granted", ">granted", F_YUAN},
	    {"redeemed", ">redeemed", F_YUAN},
	    {"remaining", ">remaining", F_YUAN},
	    {"expires", "expires", F_TEXT},
	    {"status", "status", F_TEXT}};
	static const struct col accrual[] = {
	    {"program", "program", F_TEXT},
	    {"beneficiary", "beneficiary", F_TEXT},
	    {"period", "period", F_TEXT},
	    {"basis", ">basis", F_TEXT},
	    {"earned", ">earned", F_YUAN},
	    {"granted", ">granted", F_YUAN},
	    {"unfunded", ">unfunded", F_YUAN}};
	static const struct col pool[] = {{"id", "pool", F_TEXT},
	                                  {"period", "period", F_TEXT},
	                                  {"budget", ">budget", F_YUAN},
	                                  {"granted", ">granted", F_YUAN},
	                                  {"redeemed", ">redeemed", F_YUAN},
	                                  {"expired", ">expired", F_YUAN},
	                                  {"revoked", ">revoked", F_YUAN},
	                                  {"remaining", ">remaining", F_YUAN},
	                                  {"unfunded", ">unfunded", F_YUAN}};
	static const struct col programs[] = {
	    {"id", "program", F_TEXT},
	    {"pool", "pool", F_TEXT},
	    {"beneficiary", "beneficiary", F_TEXT},
	    {"rate_bp", ">rate_bp", F_TEXT},
	    {"cap", ">cap", F_YUAN},
	    {"settlement", "settlement", F_TEXT}};
	static const struct col receivables[] = {
	    {"provider", "provider", F_TEXT},
	    {"redeemed", ">redeemed", F_YUAN},
	    {"paid", ">paid", F_YUAN},
	    {"owed", ">owed", F_YUAN}};
	struct opts o;
	char req[512];
	const char *cmd;
	int c;

	memset(&o, 0, sizeof(o));
	o.addr = getenv("VOUCHD_ADDR");
	o.id = getenv("VOUCHD_ID");
	o.key = getenv("VOUCHD_KEY");
	if (argc < 2 || argv[1][0] == '-')
		return usage();
	cmd = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.out = optarg;
			break;
		case 'a':
			o.addr = optarg;
			break;
		case 'i':
			o.id = optarg;
			break;
		case 'k':
			o.key = optarg;
			break;
		case 'g':
			o.org = optarg;
			break;
		case 'p':
			o.provider = optarg;
			break;
		case 'l':
			o.pool = optarg;
			break;
		case 'y':
			o.period = optarg;
			break;
		case 'j':
			o.json = 1;
			break;
		default:
			return usage();
		}
	}
	if (strcmp(cmd, "report") == 0) {
		if (optind + 1 != argc || o.addr == NULL || !o.id != !o.key)
			return usage();
		return cmd_report(&o, argv[optind]);
	}
	if (optind != argc)
		return usage();
	if (strcmp(cmd, "keygen") == 0)
		return o.out ? cmd_keygen(o.out) : usage();
	if (o.addr == NULL || !o.id != !o.key)
		return usage();
	if (strcmp(cmd, "raw") == 0)
		return cmd_raw(&o);
	if (strcmp(cmd, "ping") == 0)
		return cmd_ping(&o);
	snprintf(req, sizeof(req), "%s",
	         strcmp(cmd, "balance") == 0       ? "BALANCE"
	         : strcmp(cmd, "accrual") == 0     ? "ACCRUAL"
	         : strcmp(cmd, "pool") == 0        ? "POOL"
	         : strcmp(cmd, "programs") == 0    ? "PROGRAMS"
	         : strcmp(cmd, "receivables") == 0 ? "RECEIVABLES"
	                                           : "");
	if (req[0] == '\0')
		return usage();
	arg(req, sizeof(req), "org", o.org);
	arg(req, sizeof(req), "pool", o.pool);
	arg(req, sizeof(req), "provider", o.provider);
	arg(req, sizeof(req), "period", o.period);
	if (strcmp(cmd, "balance") == 0)
		return listing(&o, req, balance, 9, "total_remaining");
	if (strcmp(cmd, "accrual") == 0)
		return listing(&o, req, accrual, 7, NULL);
	if (strcmp(cmd, "pool") == 0)
		return listing(&o, req, pool, 9, "remaining");
	if (strcmp(cmd, "programs") == 0)
		return listing(&o, req, programs, 6, NULL);
	return listing(&o, req, receivables, 4, NULL);
}
