/* vouchctl: what each user of vouchd types. main only parses flags into
 * a struct ctl and calls the subcommand (cmds.c, cmds_write.c). */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"

/* Flags, each a bit, so a subcommand can say which it takes. */
enum {
	O_ADDR,
	O_ID,
	O_KEY,
	O_CACERT,
	O_PLAIN,
	O_JSON,
	O_CSV,
	O_OUT,
	O_ORG,
	O_PROVIDER,
	O_POOL,
	O_PERIOD,
	O_PROGRAM,
	O_NEED,
	O_AMOUNT,
	O_REF,
	O_REASON,
	O_ROLE,
	O_PUBKEY,
	O_KIND,
	O_LOCAL,
	O_REGION,
	O_NOTLOCAL,
	O_VOUCHER,
	O_RECORD,
	O_AFTER,
	O_LIMIT,
	O_ALL,
	O_AT,
	O_FORCE,
	O_DRY,
	O_CHECKPOINT,
	O_SERVERKEY,
	O_BYPROGRAM,
	O_BYDAY,
	O_PROJECT,
	O_HELP,
	O_N
};
_Static_assert(O_N <= 64, "a flag is a bit of a uint64_t");
#define B(o) (UINT64_C(1) << (o))
/* every subcommand that talks to vouchd takes these */
#define CONN (B(O_ADDR) | B(O_ID) | B(O_KEY) | B(O_CACERT) | B(O_PLAIN))
/* a listing's output forms */
#define LIST (B(O_JSON) | B(O_CSV))
/* the flags that may also come before the command, as git's and
 * kubectl's global flags do: who, where, and the output form */
#define GLOBAL (CONN | LIST)

struct sub {
	const char *name;
	int (*run)(struct ctl *c);
	uint64_t flags;
	const char *synopsis, *help;
};

static const struct sub subs[] = {
    {"keygen", cmd_keygen, B(O_OUT), "--out FILE",
     "Make an Ed25519 key in FILE (mode 0600, never overwritten) and print "
     "its public key, for the bureau to REGISTER."},
    {"ping", cmd_ping, CONN | B(O_JSON), "", "Check that vouchd answers."},
    {"programs", cmd_programs, CONN | LIST, "",
     "The loaded programs: pool, beneficiary, basis, rate, cap."},
    {"raw", cmd_raw, CONN, "",
     "Send protocol lines from stdin and print the replies as they are; "
     "USAGE and VOID lines without sig= are signed with --key. For "
     "operators who debug."},
    {"report", cmd_report, CONN | B(O_JSON), "FILE",
     "Provider: send a billing export (CSV with a header, or NDJSON; "
     "columns id, org, at, amount in yuan, qty, unit, kind[, class][, "
     "project]) as "
     "signed batches of 1,000. Prints accepted, duplicate and refused "
     "lines with their line number and reason; exit 1 if any was "
     "refused. Safe to run again after an interruption: records already "
     "in count as duplicates. FILE may be - for stdin. Example CSV: "
     "'id,org,at,amount,qty,unit,kind' then "
     "'inv-0001,school-7,2026-03-01T08:00:00Z,1234.56,60,gpu-hour,training'."},
    {"void", cmd_void, CONN | B(O_JSON) | B(O_REASON) | B(O_AT) | B(O_PROVIDER),
     "RECORD --reason TEXT [--at TIME] | RECORD --provider P --reason TEXT",
     "Provider: void a record you reported (signed; --at defaults to "
     "now). Bureau: void any provider's record (--provider; not signed, "
     "the journal says by=bureau). Vouchers it earned are revoked or "
     "clawed back."},
    {"redeem", cmd_redeem,
     CONN | B(O_JSON) | B(O_VOUCHER) | B(O_RECORD) | B(O_AMOUNT) | B(O_REF),
     "--voucher V --record R --amount YUAN --ref K",
     "Provider: take YUAN of an org's voucher against record R, a bill "
     "you reported. The same --ref again returns the first result."},
    {"receivables", cmd_receivables, CONN | LIST | B(O_PROVIDER),
     "[--provider P]",
     "What the bureau owes for redeemed vouchers: redeemed, paid, owed."},
    {"balance", cmd_balance, CONN | LIST | B(O_ORG) | B(O_PERIOD),
     "[--org O] [--period YEAR]",
     "Vouchers with what remains (an org sees its own; the bureau "
     "anyone's)."},
    {"accrual", cmd_accrual, CONN | LIST | B(O_ORG) | B(O_PERIOD),
     "[--org O] [--period YEAR]",
     "Per program and period: the basis counted, earned, granted and "
     "unfunded."},
    {"records", cmd_records,
     CONN | LIST | B(O_ORG) | B(O_PROVIDER) | B(O_PERIOD) | B(O_AFTER) |
         B(O_LIMIT) | B(O_ALL),
     "[--org O] [--provider P] [--period YEAR] [--after CURSOR] "
     "[--limit N] [--all]",
     "Usage records, a page at a time (--limit, at most 1000); a page "
     "with more after it ends with the --after to pass; --all fetches "
     "every page."},
    {"register", cmd_register,
     CONN | B(O_JSON) | B(O_ROLE) | B(O_PUBKEY) | B(O_KIND) | B(O_LOCAL) |
         B(O_REGION),
     "ID --role provider|org|bureau --pubkey HEX [--kind KIND] [--local] "
     "[--region R]",
     "Bureau: register a principal with the public key keygen printed; "
     "--kind for orgs (enterprise, sme, startup, school, hospital, ...); "
     "--region its territory, a dotted path most general first "
     "(yunnan.yuxi): a program with a region pays only within it and "
     "counts providers within it as local; --local for a provider inside "
     "the city, for programs without a region."},
    {"amend", cmd_amend,
     CONN | B(O_JSON) | B(O_KIND) | B(O_REGION) | B(O_LOCAL) | B(O_NOTLOCAL),
     "ID [--kind KIND] [--region R] [--local | --not-local]",
     "Bureau: change an org's kind, a principal's region or a provider's "
     "local flag. Records accepted afterwards see the new attributes; "
     "earlier ones keep what they earned."},
    {"suspend", cmd_suspend, CONN | B(O_JSON) | B(O_REASON), "ID --reason TEXT",
     "Bureau: suspend a principal (失信, an open investigation): a "
     "suspended org earns nothing from records accepted meanwhile and its "
     "vouchers are neither redeemed nor paid out; a suspended provider "
     "writes nothing. It can still authenticate and read."},
    {"reinstate", cmd_reinstate, CONN | B(O_JSON), "ID",
     "Bureau: end a suspension."},
    {"rekey", cmd_rekey, CONN | B(O_JSON) | B(O_PUBKEY), "ID --pubkey HEX",
     "Bureau: a new public key for a principal (a leaked key, a new "
     "device): AUTH and signatures from now on use it; records signed "
     "before stay valid, the journal keeps every key from its seq."},
    {"issue", cmd_issue,
     CONN | B(O_JSON) | B(O_PROGRAM) | B(O_ORG) | B(O_NEED) | B(O_AMOUNT) |
         B(O_REF) | B(O_PROJECT),
     "--program P --org O --need YUAN --ref K [--amount YUAN] [--project J]",
     "Bureau: grant a voucher under a grant program (the rate of --need, "
     "or --amount if less). --project names the project (a model, a "
     "contract) a per-project program caps and combines by."},
    {"settle", cmd_settle,
     CONN | LIST | B(O_PROGRAM) | B(O_PERIOD) | B(O_FORCE) | B(O_DRY),
     "--program P --period YEAR [--force | --dry-run]",
     "Bureau: run a program's annual settlement (pro rata over the pool); "
     "--force before the year has ended. --dry-run computes it and writes "
     "nothing (any time before the settlement): a table of each "
     "beneficiary's earned, what it would be paid and the pro-rata "
     "factor, then the total earned T, the pool's remaining R and the "
     "factor R/T (1 when T <= R) with the amounts it comes from; each is "
     "paid floor(earned * R / T). --csv goes with --dry-run only."},
    {"revoke", cmd_revoke, CONN | B(O_JSON) | B(O_REASON),
     "VOUCHER --reason TEXT",
     "Bureau: revoke what remains of a voucher; it returns to the pool."},
    {"pay", cmd_pay, CONN | B(O_JSON) | B(O_PROVIDER) | B(O_AMOUNT) | B(O_REF),
     "--provider P --amount YUAN --ref K",
     "Bureau: record a reimbursement paid to a provider (at most what is "
     "owed)."},
    {"payout", cmd_payout,
     CONN | B(O_JSON) | B(O_VOUCHER) | B(O_AMOUNT) | B(O_REF),
     "--voucher V --amount YUAN --ref K",
     "Bureau: pay out part or all of a cash entitlement (a reimbursement, "
     "an award, a provider's subsidy); the same --ref again is answered "
     "with its first result."},
    {"repay", cmd_repay,
     CONN | B(O_JSON) | B(O_VOUCHER) | B(O_AMOUNT) | B(O_REF),
     "--voucher V --amount YUAN --ref K",
     "Bureau: record that a holder paid back part of a voucher's clawback "
     "due; it returns to the voucher's pools as recovered."},
    {"pool", cmd_pool,
     CONN | LIST | B(O_POOL) | B(O_PERIOD) | B(O_BYPROGRAM) | B(O_BYDAY),
     "[--pool P] [--period YEAR] [--by-program | --by-day]",
     "Bureau: each pool and period with budget, granted, redeemed, paid "
     "out, expired, revoked, recovered, remaining, unfunded and the share "
     "of budget used. The table ends with a sparkline of the last 30 days "
     "(China Standard Time; for a period that is over, its last 30): each "
     "day's net draw (granted less expired, revoked and recovered: what "
     "the day took from the budget) as ▁▂▃▄▅▆▇█ in eighths of the row's "
     "largest day, rounded up, and · for a day that drew nothing (0 or "
     "less); --json and --csv have no sparkline. --by-program splits each pool "
     "and period by program, "
     "--by-day by CST day (the day's own granted, redeemed, paid out, "
     "expired, revoked, recovered and change of unfunded, which may be "
     "negative; only days with a movement); budgets stay per pool, so "
     "these rows have no budget or remaining. The total remaining follows "
     "the table."},
    {"journal", cmd_journal, CONN | B(O_AFTER) | B(O_LIMIT) | B(O_CSV),
     "[--after SEQ] [--limit N] [--csv]",
     "Bureau: export the journal as NDJSON on stdout, from the entry "
     "after SEQ (default: the first), for vouchctl audit; each batch "
     "entry is followed by its signed lines. --csv gives "
     "one row per entry instead (seq, time, type, fields, hash; fields "
     "as on the wire, amounts in fen), for a spreadsheet: vouchctl "
     "audit reads NDJSON only."},
    {"checkpoint", cmd_checkpoint, CONN | B(O_JSON), "",
     "The journal head signed by the daemon's key (any principal); keep "
     "the --json output for vouchctl audit."},
    {"audit", cmd_audit, B(O_CHECKPOINT) | B(O_SERVERKEY),
     "FILE [--checkpoint CPFILE] [--server-key HEX]",
     "Offline, without the daemon: verify an exported journal's hash "
     "chain, every record's signature against its provider's key in "
     "force at its seq (across REKEYs), and, with --checkpoint, that "
     "the daemon signed its head; --server-key pins the key. Exit 1 "
     "and the first bad line if not."},
    {"reload", cmd_reload, CONN | B(O_JSON), "",
     "Bureau: re-read the policy files; refused whole on any error."},
    {"stats", cmd_stats, CONN | B(O_JSON), "",
     "Bureau: counters (connections, requests, records, batches, commits, "
     "errors by code)."},
};
#define NSUBS (sizeof(subs) / sizeof(subs[0]))

static const struct option longopts[] = {
    {"addr", required_argument, NULL, O_ADDR},
    {"id", required_argument, NULL, O_ID},
    {"key", required_argument, NULL, O_KEY},
    {"cacert", required_argument, NULL, O_CACERT},
    {"plaintext", no_argument, NULL, O_PLAIN},
    {"json", no_argument, NULL, O_JSON},
    {"csv", no_argument, NULL, O_CSV},
    {"out", required_argument, NULL, O_OUT},
    {"org", required_argument, NULL, O_ORG},
    {"provider", required_argument, NULL, O_PROVIDER},
    {"pool", required_argument, NULL, O_POOL},
    {"period", required_argument, NULL, O_PERIOD},
    {"program", required_argument, NULL, O_PROGRAM},
    {"need", required_argument, NULL, O_NEED},
    {"amount", required_argument, NULL, O_AMOUNT},
    {"ref", required_argument, NULL, O_REF},
    {"project", required_argument, NULL, O_PROJECT},
    {"reason", required_argument, NULL, O_REASON},
    {"role", required_argument, NULL, O_ROLE},
    {"pubkey", required_argument, NULL, O_PUBKEY},
    {"kind", required_argument, NULL, O_KIND},
    {"local", no_argument, NULL, O_LOCAL},
    {"region", required_argument, NULL, O_REGION},
    {"not-local", no_argument, NULL, O_NOTLOCAL},
    {"voucher", required_argument, NULL, O_VOUCHER},
    {"record", required_argument, NULL, O_RECORD},
    {"after", required_argument, NULL, O_AFTER},
    {"limit", required_argument, NULL, O_LIMIT},
    {"all", no_argument, NULL, O_ALL},
    {"at", required_argument, NULL, O_AT},
    {"force", no_argument, NULL, O_FORCE},
    {"dry-run", no_argument, NULL, O_DRY},
    {"checkpoint", required_argument, NULL, O_CHECKPOINT},
    {"server-key", required_argument, NULL, O_SERVERKEY},
    {"by-program", no_argument, NULL, O_BYPROGRAM},
    {"by-day", no_argument, NULL, O_BYDAY},
    {"help", no_argument, NULL, O_HELP},
    {NULL, 0, NULL, 0}};

static const char conn_help[] =
    "Connection (flags, then $VOUCHD_ADDR $VOUCHD_ID $VOUCHD_KEY "
    "$VOUCHD_CACERT,\nthen ~/.config/vouchctl/config with addr, id, key, "
    "cacert, plaintext):\n"
    "  --addr HOST:PORT|unix:/PATH  where vouchd listens (TLS on TCP)\n"
    "  --id ID --key FILE          who you are and your private key\n"
    "  --cacert FILE               the CA that signed vouchd's "
    "certificate\n"
    "  --plaintext                 plain TCP (a loopback port only)\n"
    "These, --json and --csv may come before the command too\n"
    "(vouchctl --cacert ca.pem balance); a flag given twice is refused.\n"
    "Output: tables with yuan as 12,345.67; --json gives the reply's "
    "fields,\namounts in fen; --csv (listings) gives the table's rows as "
    "CSV,\nyuan as 12345.67. Amounts you type are yuan (1234.56).\n"
    "Exit: 0 ok, 1 the server said ERR, 2 usage, 3 cannot connect or "
    "authenticate.\nMore: docs/vouchctl.md\n";

static const char csv_help[] =
    "--csv prints the rows for a spreadsheet instead of the table: "
    "RFC 4180 (CRLF, quoted where needed), a header row of the reply's "
    "keys, amounts as plain yuan (12345.67, no thousands separator), an "
    "absent value as an empty field, no totals. --json and --csv "
    "together are refused.";

static void list(FILE *f)
{
	size_t i;

	fprintf(f, "usage: vouchctl [CONNECTION FLAGS] COMMAND [ARGS] "
	           "[OPTIONS]; vouchctl COMMAND --help\n\n");
	for (i = 0; i < NSUBS; i++)
		fprintf(f, "  %-11s %s\n", subs[i].name, subs[i].synopsis);
	fprintf(f, "\n%s", conn_help);
}

/* Text wrapped at 76 columns on word boundaries. A word's columns are
 * its UTF-8 code points, not its bytes: pool's help shows the
 * sparkline's blocks, 3 bytes each. */
static void wrap(const char *t)
{
	size_t col = 0;

	while (*t) {
		size_t n = strcspn(t, " "), w = 0, i;
		for (i = 0; i < n; i++)
			w += ((unsigned char)t[i] & 0xC0) != 0x80;
		if (col > 0 && col + 1 + w > 76) {
			printf("\n");
			col = 0;
		} else if (col > 0) {
			printf(" ");
			col++;
		}
		printf("%.*s", (int)n, t);
		col += w;
		t += n;
		t += strspn(t, " ");
	}
	printf("\n");
}

static int help(const struct sub *s)
{
	/* journal's --csv is in its synopsis: it has no --json */
	printf("usage: vouchctl %s%s%s%s\n\n", s->name,
	       s->synopsis[0] ? " " : "", s->synopsis,
	       (s->flags & LIST) == LIST ? " [--json | --csv]"
	       : s->flags & B(O_JSON)    ? " [--json]"
	                                 : "");
	wrap(s->help);
	printf("\n");
	if ((s->flags & LIST) == LIST) {
		wrap(csv_help);
		printf("\n");
	}
	if (s->flags & B(O_ADDR))
		printf("%s", conn_help);
	return 0;
}

static const char **slot(struct ctl *c, int o)
{
	switch (o) {
	case O_ADDR:
		return &c->sc.addr;
	case O_ID:
		return &c->sc.id;
	case O_KEY:
		return &c->sc.key;
	case O_CACERT:
		return &c->sc.cacert;
	case O_OUT:
		return &c->out;
	case O_ORG:
		return &c->org;
	case O_PROVIDER:
		return &c->provider;
	case O_POOL:
		return &c->pool;
	case O_PERIOD:
		return &c->period;
	case O_PROGRAM:
		return &c->program;
	case O_NEED:
		return &c->need;
	case O_AMOUNT:
		return &c->amount;
	case O_REF:
		return &c->ref;
	case O_PROJECT:
		return &c->project;
	case O_REASON:
		return &c->reason;
	case O_ROLE:
		return &c->role;
	case O_PUBKEY:
		return &c->pubkey;
	case O_KIND:
		return &c->kind;
	case O_REGION:
		return &c->region;
	case O_VOUCHER:
		return &c->voucher;
	case O_RECORD:
		return &c->record;
	case O_AFTER:
		return &c->after;
	case O_LIMIT:
		return &c->limit;
	case O_AT:
		return &c->at;
	case O_CHECKPOINT:
		return &c->checkpoint;
	case O_SERVERKEY:
		return &c->server_key;
	}
	return NULL;
}

static const char *flag_name(int o)
{
	size_t i;

	for (i = 0; longopts[i].name != NULL; i++)
		if (longopts[i].val == o)
			return longopts[i].name;
	return "?";
}

/* Keep one parsed flag. A flag given twice (before and after the
 * command, or twice in one place) is refused rather than one of them
 * silently winning: two --id or two --addr on one line is a mistake
 * worth stopping a money command for. 0, or 2 with the reason. */
static int take(struct ctl *c, uint64_t *seen, int o, char *arg)
{
	if (*seen & B(o)) {
		fprintf(stderr,
		        "vouchctl%s%s: --%s is given twice; give it once "
		        "(before or after the command)\n",
		        c->name ? " " : "", c->name ? c->name : "",
		        flag_name(o));
		return 2;
	}
	*seen |= B(o);
	if (o == O_PLAIN)
		c->sc.plaintext = 1;
	else if (o == O_JSON)
		c->json = 1;
	else if (o == O_CSV)
		c->csv = 1;
	else if (o == O_LOCAL)
		c->local = 1;
	else if (o == O_NOTLOCAL)
		c->not_local = 1;
	else if (o == O_ALL)
		c->all = 1;
	else if (o == O_FORCE)
		c->force = 1;
	else if (o == O_DRY)
		c->dry = 1;
	else if (o == O_BYPROGRAM)
		c->by_program = 1;
	else if (o == O_BYDAY)
		c->by_day = 1;
	else
		*slot(c, o) = arg;
	return 0;
}

/* getopt's '?' or ':' as a message; always 2. */
static int bad_flag(const char *sub, int o, const char *arg)
{
	if (o == ':')
		fprintf(stderr, "vouchctl%s%s: --%s needs a value\n",
		        sub ? " " : "", sub ? sub : "", flag_name(optopt));
	else
		fprintf(stderr, "vouchctl%s%s: %s is not an option%s\n",
		        sub ? " " : "", sub ? sub : "", arg,
		        sub ? " here" : "");
	return 2;
}

/* The flags before the command: only GLOBAL ones. "+" stops at the
 * first word that is not a flag, the command. Returns its index in
 * argv, or 0 when main is to return *rc. */
static int parse_global(int argc, char **argv, struct ctl *c, uint64_t *seen,
                        int *rc)
{
	int o;

	optind = 0; /* glibc: start afresh */
	opterr = 0;
	while ((o = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
		if (o == O_HELP) {
			list(stdout);
			*rc = 0;
			return 0;
		}
		if (o == '?' || o == ':') {
			*rc = bad_flag(NULL, o, argv[optind - 1]);
			return 0;
		}
		if (!(GLOBAL & B(o))) {
			fprintf(stderr,
			        "vouchctl: --%s goes after the command "
			        "(vouchctl COMMAND --%s ...)\n",
			        flag_name(o), flag_name(o));
			*rc = 2;
			return 0;
		}
		if ((*rc = take(c, seen, o, optarg)) != 0)
			return 0;
	}
	if (optind >= argc) {
		fprintf(stderr, "vouchctl: which command?\n\n");
		list(stderr);
		*rc = 2;
		return 0;
	}
	return optind;
}

/* Flags after the command, argv[0] being the command; the positional
 * arguments into c. 0, or the exit code (1 for --help: main returns 0). */
static int parse_sub(int argc, char **argv, const struct sub *s, struct ctl *c,
                     uint64_t *seen)
{
	int o, rc;

	optind = 0;
	opterr = 0;
	while ((o = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (o == O_HELP) {
			help(s);
			return -1;
		}
		if (o == '?' || o == ':')
			return bad_flag(s->name, o, argv[optind - 1]);
		if ((rc = take(c, seen, o, optarg)) != 0)
			return rc;
	}
	c->args = argv + optind;
	c->nargs = argc - optind;
	return 0;
}

/* Flags the command does not take, wherever they were given; --json
 * with --csv; --csv or --by-program where they mean nothing; --by-program
 * with --by-day. 0 or 2. */
static int check_flags(const struct sub *s, const struct ctl *c, uint64_t seen)
{
	int o;

	for (o = 0; o < O_N; o++)
		if ((seen & B(o)) && !(s->flags & B(o))) {
			fprintf(stderr,
			        "vouchctl %s: --%s is not an option here "
			        "(vouchctl %s --help)\n",
			        s->name, flag_name(o), s->name);
			return 2;
		}
	if (c->json && c->csv) {
		fprintf(stderr,
		        "vouchctl %s: --json and --csv together: give one "
		        "(--json for scripts, amounts in fen; --csv for "
		        "spreadsheets, amounts in yuan)\n",
		        s->name);
		return 2;
	}
	if (c->csv && s->run == cmd_settle && !c->dry) {
		fprintf(stderr, "vouchctl settle: --csv goes with --dry-run (a "
		                "settlement's reply is one line)\n");
		return 2;
	}
	if (c->by_program && c->by_day) {
		fprintf(stderr, "vouchctl pool: --by-program or --by-day, not "
		                "both\n");
		return 2;
	}
	if (c->dry && c->force) {
		fprintf(stderr, "vouchctl settle: --force or --dry-run, not "
		                "both\n");
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct ctl c;
	const struct sub *s = NULL;
	uint64_t seen = 0;
	char err[700];
	size_t i;
	int k, rc = 0;

	if (argc < 2) {
		list(stderr);
		return 2;
	}
	if (strcmp(argv[1], "help") == 0) {
		list(stdout);
		return 0;
	}
	if ((k = parse_global(argc, argv, &c, &seen, &rc)) == 0)
		return rc;
	for (i = 0; i < NSUBS; i++)
		if (strcmp(argv[k], subs[i].name) == 0)
			s = &subs[i];
	if (s == NULL) {
		fprintf(stderr, "vouchctl: no command '%s'\n\n", argv[k]);
		list(stderr);
		return 2;
	}
	c.name = s->name;
	if ((rc = parse_sub(argc - k, argv + k, s, &c, &seen)) != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = check_flags(s, &c, seen)) != 0)
		return rc;
	if (c.nargs > 0 && s->synopsis[0] != '\0' &&
	    (strncmp(s->synopsis, "--", 2) == 0 || s->synopsis[0] == '[')) {
		fprintf(stderr,
		        "vouchctl %s: unexpected '%s' (vouchctl %s "
		        "--help)\n",
		        s->name, c.args[0], s->name);
		return 2;
	}
	if (c.nargs > 1 || (c.nargs > 0 && s->synopsis[0] == '\0')) {
		fprintf(stderr, "vouchctl %s: unexpected '%s'\n", s->name,
		        c.args[c.nargs - 1]);
		return 2;
	}
	if (s->flags & B(O_ADDR)) {
		/* flags win over the environment, which wins over the file */
		if (conf_load(&c.conf, err, sizeof(err)) < 0) {
			fprintf(stderr, "vouchctl: %s\n", err);
			return 2;
		}
		if (c.sc.addr == NULL)
			c.sc.addr = conf_str(c.conf.addr);
		if (c.sc.id == NULL)
			c.sc.id = conf_str(c.conf.id);
		if (c.sc.key == NULL)
			c.sc.key = conf_str(c.conf.key);
		if (c.sc.cacert == NULL)
			c.sc.cacert = conf_str(c.conf.cacert);
		c.sc.plaintext |= c.conf.plaintext;
		if (c.sc.addr == NULL) {
			fprintf(stderr,
			        "vouchctl %s: where is vouchd? give --addr, "
			        "VOUCHD_ADDR or addr in %s\n",
			        s->name, "~/.config/vouchctl/config");
			return 2;
		}
		if (c.sc.id != NULL && c.sc.key == NULL) {
			fprintf(stderr,
			        "vouchctl %s: --id needs --key FILE (or "
			        "VOUCHD_KEY)\n",
			        s->name);
			return 2;
		}
	}
	return s->run(&c);
}
