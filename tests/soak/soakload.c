/* soakload: the load and the checker of tests/soak/soak.sh.
 *
 *   soakload policy  --dir D               write D/policies/pool.ini (variant
 * 0) soakload setup   --dir D               register the principals, one bill
 *                                          per org (round 0's log)
 *   soakload load    --dir D --round R [--seed S] [--pid P] [--max-secs T]
 *   soakload verify  --dir D --round R
 *   soakload final   --dir D               the whole journal against the model
 *   soakload summary --dir D               the model's counts
 *
 * The daemon listens on unix:D/vouchd.sock (--addr to change); the
 * bureau's key is D/bureau.pem. soak.h says what a round is. */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "civil.h"
#include "gen.h"
#include "hex.h"
#include "soak_lane.h"

const char *soak_org(int i, char buf[SOAK_NAME])
{
	snprintf(buf, SOAK_NAME, "so%d", i);
	return buf;
}

const char *soak_provider(int i, char buf[SOAK_NAME])
{
	snprintf(buf, SOAK_NAME, "sp%d", i);
	return buf;
}

int soak_year(void)
{
	int64_t y;
	int m, d;

	civil_from_days(civil_day((int64_t)time(NULL) + 8 * 3600), &y, &m, &d);
	return (int)y;
}

int soak_write_pool(const char *dir, int variant)
{
	char tmp[512], path[512];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s/.pool.ini.tmp", dir);
	snprintf(path, sizeof(path), "%s/pool.ini", dir);
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	fprintf(f,
	        "; written by soakload: variant %d (a RELOAD swaps the "
	        "variants)\n[pool soak]\nbudget = %lld\nbudget.%d = %lld\n",
	        variant, (long long)SOAK_BUDGET_YUAN(0), soak_year(),
	        (long long)SOAK_BUDGET_YUAN(variant));
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

int soak_read_pool(const char *dir)
{
	char path[512], line[256];
	FILE *f;
	int v = -1;

	snprintf(path, sizeof(path), "%s/pool.ini", dir);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(line, sizeof(line), f) != NULL &&
	    sscanf(line, "; written by soakload: variant %d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

struct session *soak_open(const char *addr, const char *id,
                          const struct sig_key *key, const char *keyfile,
                          double wait)
{
	struct session_cfg sc = {addr, NULL, keyfile, NULL, 1};
	struct session *s = calloc(1, sizeof(*s));
	double until = now() + wait;
	char err[400] = "";

	if (s == NULL)
		return NULL;
	sc.id = keyfile ? id : NULL;
	for (;;) {
		if (session_open(s, &sc, err, sizeof(err)) == 0 &&
		    (key == NULL ||
		     session_auth(s, id, key, err, sizeof(err)) == 0))
			return s;
		session_close(s);
		memset(s, 0, sizeof(*s));
		if (now() >= until)
			break;
		usleep(50000);
	}
	if (wait > 0)
		fprintf(stderr, "soakload: %s as %s: %s\n", addr, id, err);
	free(s);
	return NULL;
}

void soak_close(struct session *s)
{
	if (s == NULL)
		return;
	session_close(s);
	free(s);
}

const char *soak_list(struct session *s, const char *line, soak_row_fn fn,
                      void *arg)
{
	static __thread char keep[1024];
	const char *l;
	struct reply r, row;
	int64_t i;

	if (session_send(s, line) < 0 || (l = session_line(s)) == NULL)
		return NULL;
	snprintf(keep, sizeof(keep), "%s", l);
	if (reply_parse(keep, strlen(keep), &r) != 0 || r.kind != REPLY_OK)
		return keep;
	for (i = 0; i < r.n; i++) {
		if ((l = session_line(s)) == NULL)
			return NULL;
		if (fn != NULL && (reply_parse(l, strlen(l), &row) != 0 ||
		                   fn(arg, &row) != 0))
			return NULL;
	}
	return keep;
}

const char *soak_req(struct session *s, const char *line)
{
	return soak_list(s, line, NULL, NULL);
}

void soak_get(const struct reply *r, const char *key, char *out, size_t size)
{
	size_t n;
	const char *v = reply_get(r, key, &n);

	if (v == NULL || (n == 1 && v[0] == '-'))
		n = 0;
	if (n >= size)
		n = size - 1;
	memcpy(out, v ? v : "", n);
	out[n] = '\0';
}

/* Register the principals, then one bill per org from sp3 so that each
 * org has its voucher before the first round: logged as round 0. */
int soak_setup(const struct soak_cfg *c)
{
	char path[512], line[RECORD_LINE_MAX], id[SOAK_NAME], hex[65];
	struct session *s, *p;
	struct sig_key *k;
	uint8_t pub[SIG_PUB_LEN];
	const char *l;
	FILE *log;
	int i, rc = 0;

	snprintf(path, sizeof(path), "%s/bureau.pem", c->dir);
	if ((s = soak_open(c->addr, "bureau", NULL, path, 30)) == NULL)
		return 1;
	for (i = 0; i < SOAK_PROVIDERS + SOAK_ORGS && rc == 0; i++) {
		int org = i >= SOAK_PROVIDERS;
		k = seed_key(org ? "soak-org" : "soak-provider",
		             org ? i - SOAK_PROVIDERS : i);
		sig_key_public(k, pub);
		sig_key_free(k);
		hex_encode(pub, SIG_PUB_LEN, hex);
		if (org)
			snprintf(
			    line, sizeof(line),
			    "REGISTER id=%s role=org key=%s kind=enterprise",
			    soak_org(i - SOAK_PROVIDERS, id), hex);
		else
			snprintf(line, sizeof(line),
			         "REGISTER id=%s role=provider key=%s",
			         soak_provider(i, id), hex);
		l = soak_req(s, line);
		if (l == NULL || strncmp(l, "OK", 2) != 0) {
			fprintf(stderr, "soakload setup: %s: %s\n", line,
			        l ? l : "(no reply)");
			rc = 1;
		}
	}
	soak_close(s);
	if (rc != 0)
		return rc;
	k = seed_key("soak-provider", 3);
	p = soak_open(c->addr, "sp3", k, NULL, 30);
	snprintf(path, sizeof(path), "%s/rounds/0.log", c->dir);
	if (p == NULL || (log = fopen(path, "w")) == NULL) {
		sig_key_free(k);
		soak_close(p);
		return 1;
	}
	for (i = 0; i < SOAK_ORGS && rc == 0; i++) {
		struct soak_op op;
		memset(&op, 0, sizeof(op));
		op.kind = SK_USAGE;
		snprintf(op.provider, sizeof(op.provider), "sp3");
		snprintf(op.id, sizeof(op.id), "setup-%d", i);
		soak_org(i, op.org);
		op.period = soak_year();
		op.amount = 1000000;
		op.at = (int64_t)time(NULL) - 3600;
		lane_record(&op, NULL, "", k, line, sizeof(line));
		l = soak_req(p, line);
		op.st = l == NULL                  ? SS_UNANSWERED
		        : strncmp(l, "OK", 2) == 0 ? SS_ACK
		                                   : SS_REFUSED;
		if (l != NULL) {
			struct reply rp;
			snprintf(op.reply, sizeof(op.reply), "%s", l);
			if (reply_parse(l, strlen(l), &rp) == 0)
				reply_get_i64(&rp, "seq", &op.seq);
		}
		op.accepted = 1;
		soak_log_write(log, &op);
		if (op.st != SS_ACK) {
			fprintf(stderr, "soakload setup: %s\n",
			        l ? l : "(no reply)");
			rc = 1;
		}
	}
	fclose(log);
	sig_key_free(k);
	soak_close(p);
	return rc;
}

static int summary(const struct soak_cfg *c)
{
	struct soak_model m;
	char path[512];
	size_t i, voided = 0;
	int k;

	snprintf(path, sizeof(path), "%s/model.txt", c->dir);
	if (model_load(&m, path) < 0)
		return 1;
	for (i = 0; i < m.nrec; i++)
		voided += (size_t)m.rec[i].voided;
	printf("rounds verified: %" PRId64 ", kills: %" PRId64
	       ", journal entries read: %" PRId64 "\n",
	       m.round, m.kills, m.entries);
	printf("acknowledged changes checked:");
	for (k = 0; k < SK_N; k++)
		printf(" %s %" PRId64 "%s", soak_kind_name[k], m.checked[k],
		       k == SK_BATCH ? " (records)" : "");
	printf("\nrefused writes found absent: %" PRId64
	       "; unanswered at the kill: %" PRId64 " absent, %" PRId64
	       " present\n",
	       m.refused_checked, m.unanswered[0], m.unanswered[1]);
	printf("store: %zu records (%zu voided), %zu redemptions, %zu "
	       "settlements, journal head %" PRIu64 "\n",
	       m.nrec, voided, m.nred, m.nslot, m.head);
	model_free(&m);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
	        "usage: soakload policy|setup|load|verify|final|summary "
	        "--dir D [--addr A] [--round R] [--seed S] [--pid P] "
	        "[--max-secs T]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"dir", required_argument, NULL, 'd'},
	    {"addr", required_argument, NULL, 'a'},
	    {"round", required_argument, NULL, 'r'},
	    {"seed", required_argument, NULL, 's'},
	    {"pid", required_argument, NULL, 'p'},
	    {"max-secs", required_argument, NULL, 't'},
	    {NULL, 0, NULL, 0}};
	struct soak_cfg c = {NULL, NULL, 0, 1, 0, 60};
	char addr[512], pol[512];
	const char *cmd;
	int o;

	if (argc < 2)
		usage();
	cmd = argv[1];
	optind = 2;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'd':
			c.dir = optarg;
			break;
		case 'a':
			c.addr = optarg;
			break;
		case 'r':
			c.round = strtoll(optarg, NULL, 10);
			break;
		case 's':
			c.seed = strtoull(optarg, NULL, 10);
			break;
		case 'p':
			c.pid = atoi(optarg);
			break;
		case 't':
			c.max_secs = atof(optarg);
			break;
		default:
			usage();
		}
	}
	if (c.dir == NULL || optind != argc)
		usage();
	if (c.addr == NULL) {
		snprintf(addr, sizeof(addr), "unix:%s/vouchd.sock", c.dir);
		c.addr = addr;
	}
	/* a write to a killed daemon's socket is an error, not a signal */
	signal(SIGPIPE, SIG_IGN);
	snprintf(pol, sizeof(pol), "%s/policies", c.dir);
	if (strcmp(cmd, "policy") == 0)
		return soak_write_pool(pol, 0) == 0 ? 0 : 1;
	if (strcmp(cmd, "setup") == 0)
		return soak_setup(&c);
	if (strcmp(cmd, "load") == 0)
		return soak_load(&c);
	if (strcmp(cmd, "verify") == 0)
		return soak_verify(&c);
	if (strcmp(cmd, "final") == 0)
		return soak_final(&c);
	if (strcmp(cmd, "summary") == 0)
		return summary(&c);
	usage();
	return 2;
}
