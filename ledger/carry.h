/* A usage entry that carries its record's grants (schema 7).
 *
 * A record is applied before it is journaled: its programs' basis grows
 * and their groups are recomputed, which journals what the record causes
 * (grant, and budget, reduce, clawback, lapse entries) in the order it
 * happens. carry_journal then takes those entries back (journal_takeback:
 * the transaction is not committed, so they were never seen) and
 * journals the record's usage entry first, carrying the grants as
 * grant1=, grant2=, ... (docs/protocol.md, "Journal entries"), then the
 * other entries in their order. A grant that does not fit in the usage
 * entry (JOURNAL_ENTRY_MAX), and every grant after it, stays a grant entry
 * of its own, after the usage entry: readers take both forms.
 *
 * A carried grant is one token, its fields joined by '/', which is in
 * none of them but the project, which comes last when there is one:
 *
 *   voucher/program/beneficiary/period/amount/unfunded/pools/expires
 *   [/project]
 *
 * as a grant entry's voucher, program, beneficiary, period, amount,
 * pools and expires, the last "cash" for a cash entitlement (pays=cash);
 * unfunded is the grant's accrual row's unfunded after the record (a
 * grant entry has none). */
#ifndef VD_CARRY_H
#define VD_CARRY_H

#include <stddef.h>
#include <stdint.h>

#include "book.h"
#include "journal.h"

/* Journal the entry of type with fields f (to which the carried grants
 * are added) before every entry appended after seq before, in b's
 * transaction; *seq gets its seq. 0, or the journal's or the store's
 * error (VD_ENOMEM), or VD_EINTERNAL when an entry taken back is not
 * "seq= time= type=X ..." or a grant entry among them lacks a field
 * (the daemon's group then fails: fail-stop). */
int carry_journal(struct book *b, uint64_t before, const char *type,
                  struct jfields *f, uint64_t *seq);

/* Parse a carried grant (len bytes) into its fields, each NUL ended in
 * its own buffer of STORE_ID + 1 bytes (pools: CARRY_POOLS_MAX, expires:
 * 24; project "" when absent). 0, or -1 if malformed. Numbers are left
 * as text for the reader's own bounded parser. */
#define CARRY_POOLS_MAX 1024
struct carry_grant {
	char voucher[STORE_ID + 1], program[STORE_ID + 1],
	    beneficiary[STORE_ID + 1], period[24], amount[24], unfunded[24],
	    pools[CARRY_POOLS_MAX], expires[24], project[STORE_ID + 1];
};
int carry_parse(const char *s, size_t len, struct carry_grant *g);

#endif
