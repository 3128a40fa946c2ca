/* A signed line (USAGE, VOID) against the journal entry that carries it
 * (audit_sig.h): the entry's fields read, the line's tokens split, and
 * each value compared as the two sides write it. Internal to vouchctl's
 * audit. */
#ifndef VD_AUDIT_LINE_H
#define VD_AUDIT_LINE_H

#include <stddef.h>

#include "audit_sig.h"

/* Room to decode two percent-encoded values (a void's reason). */
struct audit_scratch {
	char x[AUDIT_SIG_LINE_MAX + 1], y[AUDIT_SIG_LINE_MAX + 1];
};

/* %XX (either case) is a byte, any other byte itself: the inverse of
 * journal_text and of the wire's encoding. Into out (size bytes, NUL
 * ended); the length, or -1 if malformed or too long. */
long audit_pct_decode(const char *s, size_t n, char *out, size_t size);

/* Whether the signed line (n bytes, decoded) says what entry e says:
 * NULL if so; "" if the line is no "CMD k=v ..." line; else what
 * differs: "the command" (cmd, any case), or a key (written into key).
 * named: the keys both must have or both lack; every other key of the
 * line must be the entry's too, with the same value. at= is RFC 3339 in
 * the line and Unix seconds in the entry; reason= is compared decoded. */
const char *audit_line_agree(struct audit_scratch *a, const char *line,
                             size_t n, const char *cmd,
                             const char *const *named, const char *e,
                             size_t len, char *key, size_t ksize);

/* The canonical USAGE line (proto/record.h's record_format) of usage
 * entry e's fields (provider id org at amount qty unit kind [class]
 * [project]), into out (size bytes, NUL ended): what a usage entry
 * without line= was signed as (docs/protocol.md). Its length, or -1 if
 * a field is missing or malformed or would not make a line the daemon
 * parses. */
long audit_line_rebuild(const char *e, size_t len, char *out, size_t size);

#endif
