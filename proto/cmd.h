/* The command table of protocol.md: every command's name, the roles that
 * may send it, and its required and optional keys with their types.
 * Static, read-only data.
 *
 * The request parser (req.c) checks every line against it, and the daemon
 * takes the roles from it and switches on its cmd_id. vouchctl does not
 * build requests from it: its subcommands write their key=value pairs by
 * hand (client/cmds*.c), and only the lines it signs (USAGE through
 * record_format, VOID through record_void_sign) are run through req_parse
 * before signing. A key vouchctl spells wrong elsewhere is found by the
 * end-to-end tests, not by the compiler. */
#ifndef VD_CMD_H
#define VD_CMD_H

#include <stddef.h>
#include <stdint.h>

#include "role.h"

enum cmd_id {
	CMD_HELLO,
	CMD_AUTH,
	CMD_PING,
	CMD_QUIT,
	CMD_USAGE,
	CMD_BATCH,
	CMD_VOID,
	CMD_BALANCE,
	CMD_ACCRUAL,
	CMD_RECORDS,
	CMD_PROGRAMS,
	CMD_REDEEM,
	CMD_REGISTER,
	CMD_ISSUE,
	CMD_SETTLE,
	CMD_REVOKE,
	CMD_EXPIRE,
	CMD_POOL,
	CMD_RECEIVABLES,
	CMD_PAY,
	CMD_PAYOUT,
	CMD_REPAY,
	CMD_JOURNAL,
	CMD_CHECKPOINT,
	CMD_RELOAD,
	CMD_STATS,
	CMD_AMEND,
	CMD_SUSPEND,
	CMD_REINSTATE,
	CMD_REKEY,
	CMD_LINES,
	CMD_COUNT
};

/* Every key any command takes. */
enum cmd_key {
	KEY_ID,
	KEY_SIG,
	KEY_PROVIDER,
	KEY_ORG,
	KEY_AT,
	KEY_AMOUNT,
	KEY_QTY,
	KEY_UNIT,
	KEY_KIND,
	KEY_CLASS,
	KEY_N,
	KEY_REASON,
	KEY_PERIOD,
	KEY_AFTER,
	KEY_LIMIT,
	KEY_VOUCHER,
	KEY_RECORD,
	KEY_REF,
	KEY_ROLE,
	KEY_KEY,
	KEY_LOCAL,
	KEY_PROGRAM,
	KEY_NEED,
	KEY_FORCE,
	KEY_NOW,
	KEY_POOL,
	KEY_DRY,
	KEY_BY,
	KEY_REGION,
	KEY_PROJECT,
	KEY_SEQ,
	KEY_COUNT
};

/* How a key's value is checked. */
enum cmd_type {
	TYPE_NUM,   /* decimal int64, no sign or leading zeros, in [min, max] */
	TYPE_PID,   /* principal id [a-z0-9][a-z0-9._-]{0,63} */
	TYPE_RID,   /* record, voucher, ref id [A-Za-z0-9._:/-]{1,64} */
	TYPE_TIME,  /* RFC 3339 UTC, see civil.h */
	TYPE_HEX64, /* 64 lowercase hex digits (a public key) */
	TYPE_HEX128, /* 128 lowercase hex digits (a signature) */
	TYPE_TEXT,   /* percent-encoded UTF-8, see req_pct_decode */
	TYPE_ROLE,   /* provider | org | bureau, see role.h */
	TYPE_WORD,   /* unit, class, kind: [A-Za-z0-9._/-]{1,32} */
	TYPE_CURSOR, /* an opaque cursor: [A-Za-z0-9._:/-]{1,200} */
	TYPE_REGION, /* a region, see region.h */
	TYPE_PROJECT /* a project: as TYPE_RID, but not "-" (the name of the
	                unnamed project, which a record without one is in) */
};

struct cmd_keyspec {
	const char *name;
	enum cmd_type type;
	int64_t min, max; /* TYPE_NUM only */
};

/* Command flags. */
#define CMD_SIG_LAST 0x1u  /* sig= must be the last token; it signs the rest */
#define CMD_WRITE 0x2u     /* changes the ledger: answered after commit */
#define CMD_LISTING 0x4u   /* answered with OK n=N and N lines */
#define CMD_AFTER_SEQ 0x8u /* after= is a number: a journal seq, a line's */
#define CMD_KIND_USAGE 0x10u /* kind= is a usage kind (else an org kind) */
/* id= names a principal (TYPE_PID), not a record (TYPE_RID) */
#define CMD_ID_PRINCIPAL 0x20u

#define KEYBIT(k) ((uint32_t)1 << (k))
_Static_assert(KEY_COUNT <= 32, "key sets are uint32_t bit sets");

struct cmd_spec {
	enum cmd_id id;
	const char *name; /* upper case, as documented */
	unsigned roles;   /* ROLE_BIT set (role.h); ROLE_NONE: before AUTH */
	uint32_t required, optional; /* KEYBIT sets */
	unsigned flags;
};

extern const struct cmd_keyspec cmd_keys[KEY_COUNT];
extern const struct cmd_spec cmd_table[CMD_COUNT];

/* The command named by len bytes of s, case-insensitively; NULL if none. */
const struct cmd_spec *cmd_lookup(const char *s, size_t len);

/* The key named exactly by len bytes of s; -1 if none. */
int cmd_key_lookup(const char *s, size_t len);

#endif
