/* The journal outside the daemon: export as NDJSON (or CSV for a
 * spreadsheet), and the offline audit of an export and a checkpoint
 * (protocol.md, "Journal bytes and checkpoints") and of every signed
 * record in it (audit_sig.h).
 *
 * One export line per entry: a compact JSON object whose keys are the
 * entry's keys in their order, then "hash". A value is a JSON integer
 * when its text is a canonical decimal integer (it prints back as the
 * same bytes), a string otherwise. So the entry's bytes are rebuilt
 * exactly as "k=v" joined by spaces, and the audit also requires each
 * line to be exactly the compact form of what it parses to: a changed
 * byte anywhere, even in JSON whitespace, is found.
 *
 * After a "batch" entry's line come its signed lines (LINES), one
 * object each: {"batch":S,"i":I,"line":"USAGE ..."}, S the batch entry's
 * seq, I from 1 to its n, the line as signed without its LF. They are
 * not entries (no seq, no hash): the batch entry's lines_sha256 binds
 * them to the chain. The CSV export has no such rows. */
#ifndef VD_AUDIT_H
#define VD_AUDIT_H

#include <stdint.h>
#include <stdio.h>

#include "audit_sig.h"
#include "session.h"

#define AUDIT_LINE_MAX 16384 /* an ENTRY row is at most 4 KiB of fields */

/* A signed checkpoint as `vouchctl checkpoint` prints it. */
struct audit_cp {
	uint64_t seq;
	int64_t time;
	uint8_t hash[32], key[32], sig[64];
	char time_text[32];
};

struct audit_result {
	uint64_t entries, first, last;
	uint8_t head[32];       /* the last entry's hash */
	int from_genesis;       /* the file starts at seq 1: the whole chain */
	int checkpoint;         /* a checkpoint was given and verified */
	struct audit_sigs sigs; /* the records' signatures (audit_sig.h) */
};

/* An "ENTRY seq=.. ... hash=.." row as one NDJSON line (no LF) in buf.
 * 0, or a negative VD_E* code for a row that is not an entry. */
int audit_entry_json(const char *row, char *buf, size_t size);

/* An "ENTRY .." row as one CSV record (csv.h) on out: seq, time, type,
 * fields, hash, where fields is the rest of the entry's bytes as sent
 * ("k=v k=v", amounts in fen, text percent-encoded), so that
 * "seq=S time=T type=X fields" are the bytes the hash covers. Nothing is
 * written for a row that is not an entry: VD_EINVAL. */
int audit_entry_csv(const char *row, FILE *out);

/* Page through JOURNAL from after (0: the start) and write NDJSON to out
 * (each batch entry followed by its lines, read with LINES once the page
 * is in), or with csv a header row "seq,time,type,fields,hash" and one
 * record per entry; at most limit entries (0: all). A page is held in
 * memory until written (1,000 entries of at most AUDIT_LINE_MAX bytes).
 * Returns 0, 1 when the server said ERR (printed on err), 3 when the
 * connection failed or memory ran out; *count gets the entries
 * written. */
int audit_export(struct session *s, uint64_t after, uint64_t limit, int csv,
                 FILE *out, FILE *err, uint64_t *count);

/* Parse a checkpoint: the JSON `vouchctl checkpoint --json` prints, or a
 * line of key=value pairs ("OK seq=.. hash=.. time=.. key=.. sig=..").
 * text is len bytes (no NUL needed; none is read past them). 0 or
 * VD_EINVAL. */
int audit_checkpoint_parse(const char *text, size_t len, struct audit_cp *cp);

/* Verify an export read from in: every line canonical, seqs consecutive,
 * every hash the SHA-256 of the previous hash and the entry's bytes (from
 * 32 zero bytes when the file starts at seq 1; a file that starts later
 * is checked from its first entry on), and every signed record as
 * audit_sig.h says, its counts in res->sigs. With cp, the checkpoint's
 * signature must verify under its key, and its seq must be in the file
 * with the same hash; with pin (32 bytes), its key must be that key.
 * 0, or VD_EINVAL with the first failure (and its line) in why;
 * VD_ENOMEM, VD_EINTERNAL (OpenSSL failed) with why. */
int audit_verify(FILE *in, const struct audit_cp *cp, const uint8_t *pin,
                 struct audit_result *res, char *why, size_t len);

#endif
