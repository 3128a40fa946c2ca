#include "cmd.h"

#include <string.h>
#include <strings.h>

#define B(k) KEYBIT(KEY_##k)
#define R(r) ROLE_BIT(ROLE_##r)

const struct cmd_keyspec cmd_keys[KEY_COUNT] = {
    [KEY_ID] = {"id", TYPE_RID, 0, 0},
    [KEY_SIG] = {"sig", TYPE_HEX128, 0, 0},
    [KEY_PROVIDER] = {"provider", TYPE_PID, 0, 0},
    [KEY_ORG] = {"org", TYPE_PID, 0, 0},
    [KEY_AT] = {"at", TYPE_TIME, 0, 0},
    [KEY_AMOUNT] = {"amount", TYPE_NUM, 0, INT64_MAX},
    [KEY_QTY] = {"qty", TYPE_NUM, 0, INT64_MAX},
    [KEY_UNIT] = {"unit", TYPE_WORD, 0, 0},
    [KEY_KIND] = {"kind", TYPE_WORD, 0, 0},
    [KEY_CLASS] = {"class", TYPE_WORD, 0, 0},
    [KEY_N] = {"n", TYPE_NUM, 1, INT64_MAX},
    [KEY_REASON] = {"reason", TYPE_TEXT, 0, 0},
    [KEY_PERIOD] = {"period", TYPE_NUM, 1970, 9999},
    [KEY_AFTER] = {"after", TYPE_CURSOR, 0, 0},
    [KEY_LIMIT] = {"limit", TYPE_NUM, 1, INT64_MAX},
    [KEY_VOUCHER] = {"voucher", TYPE_RID, 0, 0},
    [KEY_RECORD] = {"record", TYPE_RID, 0, 0},
    [KEY_REF] = {"ref", TYPE_RID, 0, 0},
    [KEY_ROLE] = {"role", TYPE_ROLE, 0, 0},
    [KEY_KEY] = {"key", TYPE_HEX64, 0, 0},
    [KEY_LOCAL] = {"local", TYPE_NUM, 0, 1},
    [KEY_PROGRAM] = {"program", TYPE_PID, 0, 0},
    [KEY_NEED] = {"need", TYPE_NUM, 0, INT64_MAX},
    [KEY_FORCE] = {"force", TYPE_NUM, 1, 1},
    [KEY_DRY] = {"dry", TYPE_NUM, 1, 1},
    [KEY_NOW] = {"now", TYPE_TIME, 0, 0},
    [KEY_POOL] = {"pool", TYPE_PID, 0, 0},
    [KEY_BY] = {"by", TYPE_WORD, 0, 0},
    [KEY_REGION] = {"region", TYPE_REGION, 0, 0},
    [KEY_PROJECT] = {"project", TYPE_PROJECT, 0, 0},
    [KEY_SEQ] = {"seq", TYPE_NUM, 1, INT64_MAX},
};

/* kind= is a usage kind in USAGE (CMD_KIND_USAGE) and an org kind in
 * REGISTER; after= is a record cursor in RECORDS, a journal sequence
 * number in JOURNAL and a line number in LINES (CMD_AFTER_SEQ). req.c
 * applies the flags. */

const struct cmd_spec cmd_table[CMD_COUNT] = {
    {CMD_HELLO, "HELLO", ROLES_ALL, 0, 0, 0},
    {CMD_AUTH, "AUTH", ROLES_ALL, B(ID) | B(SIG), 0, CMD_ID_PRINCIPAL},
    {CMD_PING, "PING", ROLES_ALL, 0, 0, 0},
    {CMD_QUIT, "QUIT", ROLES_ALL, 0, 0, 0},
    {CMD_USAGE, "USAGE", R(PROVIDER),
     B(PROVIDER) | B(ID) | B(ORG) | B(AT) | B(AMOUNT) | B(QTY) | B(UNIT) |
         B(KIND) | B(SIG),
     B(CLASS) | B(PROJECT), CMD_SIG_LAST | CMD_WRITE | CMD_KIND_USAGE},
    {CMD_BATCH, "BATCH", R(PROVIDER), B(PROVIDER) | B(N) | B(SIG), 0,
     CMD_SIG_LAST | CMD_WRITE},
    /* a provider's VOID is signed (at= and sig= its check requires); the
     * bureau's is not (neither is allowed) */
    {CMD_VOID, "VOID", R(PROVIDER) | R(BUREAU), B(PROVIDER) | B(ID) | B(REASON),
     B(AT) | B(SIG), CMD_SIG_LAST | CMD_WRITE},
    {CMD_BALANCE, "BALANCE", ROLES_AUTHED, 0, B(ORG) | B(PERIOD), CMD_LISTING},
    {CMD_ACCRUAL, "ACCRUAL", ROLES_AUTHED, 0, B(ORG) | B(PERIOD), CMD_LISTING},
    {CMD_RECORDS, "RECORDS", ROLES_AUTHED, 0,
     B(ORG) | B(PROVIDER) | B(PERIOD) | B(AFTER) | B(LIMIT), CMD_LISTING},
    {CMD_PROGRAMS, "PROGRAMS", ROLES_AUTHED, 0, 0, CMD_LISTING},
    {CMD_REDEEM, "REDEEM", R(PROVIDER),
     B(VOUCHER) | B(RECORD) | B(AMOUNT) | B(REF), 0, CMD_WRITE},
    {CMD_REGISTER, "REGISTER", R(BUREAU), B(ID) | B(ROLE) | B(KEY),
     B(KIND) | B(LOCAL) | B(REGION), CMD_WRITE | CMD_ID_PRINCIPAL},
    {CMD_ISSUE, "ISSUE", R(BUREAU), B(PROGRAM) | B(ORG) | B(NEED) | B(REF),
     B(AMOUNT) | B(PROJECT), CMD_WRITE},
    {CMD_SETTLE, "SETTLE", R(BUREAU), B(PROGRAM) | B(PERIOD), B(FORCE) | B(DRY),
     CMD_WRITE},
    {CMD_REVOKE, "REVOKE", R(BUREAU), B(VOUCHER) | B(REASON), 0, CMD_WRITE},
    {CMD_EXPIRE, "EXPIRE", R(BUREAU), 0, B(NOW), CMD_WRITE},
    {CMD_POOL, "POOL", R(BUREAU), 0, B(POOL) | B(PERIOD) | B(BY), CMD_LISTING},
    {CMD_RECEIVABLES, "RECEIVABLES", R(PROVIDER) | R(BUREAU), 0, B(PROVIDER),
     CMD_LISTING},
    {CMD_PAY, "PAY", R(BUREAU), B(PROVIDER) | B(AMOUNT) | B(REF), 0, CMD_WRITE},
    {CMD_PAYOUT, "PAYOUT", R(BUREAU), B(VOUCHER) | B(AMOUNT) | B(REF), 0,
     CMD_WRITE},
    {CMD_REPAY, "REPAY", R(BUREAU), B(VOUCHER) | B(AMOUNT) | B(REF), 0,
     CMD_WRITE},
    {CMD_JOURNAL, "JOURNAL", R(BUREAU), 0, B(AFTER) | B(LIMIT),
     CMD_LISTING | CMD_AFTER_SEQ},
    {CMD_CHECKPOINT, "CHECKPOINT", ROLES_AUTHED, 0, 0, 0},
    {CMD_RELOAD, "RELOAD", R(BUREAU), 0, 0, 0},
    {CMD_STATS, "STATS", R(BUREAU), 0, 0, 0},
    {CMD_AMEND, "AMEND", R(BUREAU), B(ID), B(KIND) | B(REGION) | B(LOCAL),
     CMD_WRITE | CMD_ID_PRINCIPAL},
    {CMD_SUSPEND, "SUSPEND", R(BUREAU), B(ID) | B(REASON), 0,
     CMD_WRITE | CMD_ID_PRINCIPAL},
    {CMD_REINSTATE, "REINSTATE", R(BUREAU), B(ID), 0,
     CMD_WRITE | CMD_ID_PRINCIPAL},
    {CMD_REKEY, "REKEY", R(BUREAU), B(ID) | B(KEY), 0,
     CMD_WRITE | CMD_ID_PRINCIPAL},
    /* a BATCH's signed lines, which its journal entry binds by their
     * SHA-256 only (an auditor re-verifies the batch's signature) */
    {CMD_LINES, "LINES", R(BUREAU), B(SEQ), B(AFTER) | B(LIMIT),
     CMD_LISTING | CMD_AFTER_SEQ},
};

const struct cmd_spec *cmd_lookup(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < CMD_COUNT; i++)
		if (strlen(cmd_table[i].name) == len &&
		    strncasecmp(cmd_table[i].name, s, len) == 0)
			return &cmd_table[i];
	return NULL;
}

int cmd_key_lookup(const char *s, size_t len)
{
	int i;

	for (i = 0; i < KEY_COUNT; i++)
		if (strlen(cmd_keys[i].name) == len &&
		    memcmp(cmd_keys[i].name, s, len) == 0)
			return i;
	return -1;
}
