/* The offline check of every signed record in a journal export
 * (domain.md, REKEY: "an auditor checks each record against the key in
 * force at its seq"), fed entry by entry by audit_verify (audit.h), after
 * the entry's hash has been checked.
 *
 * Keys: every "register" (id key) and "rekey" (id key) entry gives a
 * principal a key in force after that entry's seq. Entries come in seq
 * order, so a record at seq S is checked with its provider's last key
 * seen, the one in force at S.
 *
 * What is checked, with the fields each entry carries (docs/ledger.md,
 * "What the journal carries for an auditor"):
 * - a "usage" entry with line= and sig= (a USAGE): sig is the provider's
 *   signature of line under the key in force;
 * - a "batch" entry (provider n sig lines_sha256): its n lines, which the
 *   export gives right after it (audit_sig_line, from LINES), hash to
 *   lines_sha256 and, each with its LF, are signed by sig;
 * - a "usage" entry with line= and batch=B: line is one of batch B's
 *   lines, later in the batch than the previous record's (the ledger
 *   journals a batch's records in line order, duplicates skipped);
 * - a "usage" entry with sig= or batch= and no line= (schema 7: the
 *   line as sent was the canonical form of the record's fields): the
 *   line is rebuilt from the entry's fields (audit_line_rebuild), then
 *   checked as above, so a changed field no longer verifies;
 * - a "void" entry by=provider with line= and sig=: as a USAGE's;
 * and in each case that the line says what the entry says: the same
 * command (USAGE, VOID), the same provider, id, org, at (RFC 3339 in the
 * line, Unix seconds in the entry), amount, qty, unit, kind, class and
 * project, present in both or absent from both (a void: provider, id, at
 * and reason, decoded), and for any other key of the line the same value
 * in the entry; a usage entry's period is the CST year of its at; a
 * batch's records are its provider's; the signer is a provider (its
 * register says role=provider); every (provider, id) is journaled once;
 * every id is registered once.
 *
 * Not verifiable, counted, not refused: an entry written before the
 * journal carried signed bytes (no line=, no lines_sha256=: a store
 * upgraded from before them; such a batch's lines, which the export
 * carries too, are passed over), and, in an export that does not start
 * at seq 1, a record whose provider's key the export does not show (its
 * register is before the export; a key in the export's first entry,
 * whose bytes nothing binds, counts as not shown) and the records that
 * open the export when it starts inside a batch's transaction. Once an
 * entry has carried signed bytes, a later usage, batch or provider void
 * without them is refused: vouchd's writer never drops them, and an
 * entry without them would let anyone add a record nobody signed.
 *
 * Refused, with the seq in why: a signature that does not verify, a line
 * that disagrees with its entry, lines that do not hash to lines_sha256,
 * lines out of place or missing (vouchctl journal writes every batch's
 * lines), a record that is none of its batch's lines or of another
 * provider than its batch, a record of a provider that an export from
 * seq 1 registers nowhere (or without a key), a signer that is no
 * provider, a record journaled twice, a second register, a malformed
 * signed field.
 *
 * Bounds: a batch's lines are held until the next batch entry: at most
 * AUDIT_SIG_BATCH_MAX lines (vouchd's highest max_batch) of at most
 * AUDIT_SIG_LINE_MAX bytes (the default max_line; the parser keeps a
 * USAGE line far shorter); each principal's last key is held for the
 * whole export. Not thread-safe; one per export. */
#ifndef VD_AUDIT_SIG_H
#define VD_AUDIT_SIG_H

#include <stddef.h>
#include <stdint.h>

#define AUDIT_SIG_BATCH_MAX 1000000 /* vouchd's highest max_batch */
#define AUDIT_SIG_LINE_MAX 4096     /* a signed line, decoded */

struct audit_sigs {
	uint64_t usage;         /* USAGE signatures verified */
	uint64_t batches;       /* BATCH signatures verified */
	uint64_t batch_records; /* records found among a verified batch's */
	uint64_t voids;         /* provider VOID signatures verified */
	uint64_t unverifiable;  /* usage, batch and provider void entries
	                           not verifiable */
	uint64_t unv_first, unv_last; /* their first and last seq (0: none) */
};

struct audit_sig;

/* A new checker, or NULL when out of memory. Free with audit_sig_free
 * (NULL is a no-op). */
struct audit_sig *audit_sig_new(void);
void audit_sig_free(struct audit_sig *a);

/* The next entry of the export: seq and its bytes ("seq=S time=T type=X
 * k=v ..."), in seq order. 0; VD_EINVAL with the reason in why (naming
 * the seq); VD_ENOMEM. */
int audit_sig_entry(struct audit_sig *a, uint64_t seq, const char *bytes,
                    size_t len, char *why, size_t wlen);

/* Line i (from 1) of the batch whose entry is batch: its bytes as signed,
 * without the LF. Lines come right after their batch entry, in order. 0;
 * VD_EINVAL with why (a line out of place, one too many, too long, the
 * batch's hash or signature failing once its last line is in);
 * VD_ENOMEM. */
int audit_sig_line(struct audit_sig *a, uint64_t batch, uint64_t i,
                   const char *line, size_t len, char *why, size_t wlen);

/* After the last entry: the counts into *out. 0, or VD_EINVAL with why
 * (a batch whose lines stopped short). */
int audit_sig_end(struct audit_sig *a, struct audit_sigs *out, char *why,
                  size_t wlen);

#endif
