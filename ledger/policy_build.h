/* Internal to the policy module: the raw sections that policy.c gathers
 * from the INI files, and policy_build(), which checks them and fills a
 * struct policy. Not for use outside ledger/policy*.c. */
#ifndef VD_POLICY_BUILD_H
#define VD_POLICY_BUILD_H

#include <stddef.h>

#include "policy.h"

#define POLICY_MAX_SECTIONS 1024
#define POLICY_MAX_KEYS 32
#define POLICY_MAX_LINE 16384

enum policy_sec_type {
	POLICY_SEC_LEDGER,
	POLICY_SEC_POOL,
	POLICY_SEC_PROGRAM,
	POLICY_SEC_GROUP
};

struct policy_raw_kv {
	char key[24];
	char *value; /* owned, NUL-terminated, trimmed by inih */
	int line;
};

struct policy_raw_section {
	enum policy_sec_type type;
	char id[POLICY_ID_MAX + 1];
	const char *file;
	int line;
	size_t nkv;
	struct policy_raw_kv kv[POLICY_MAX_KEYS];
};

struct policy_raw {
	struct policy_errors *errs;
	size_t nsec, capsec;
	struct policy_raw_section *secs;
	int cur;            /* section keys go to, or -1 */
	int in_bad_section; /* keys after a refused header: already reported */
	int oom;
	char *stash;    /* the value of a line too long for inih's buffer */
	int stash_line; /* the line it belongs to */
	/* the file being read */
	const char *file_name;
	const char *buf;
	size_t len, pos;
	int line;
};

/* Append "file:line: message" to errs (line 0: "file: message"). */
void policy_error(struct policy_errors *errs, const char *file, int line,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Copy len bytes of s into dst for a message: printable ASCII only,
 * shortened with "..." to fit size. */
void policy_quote(char *dst, size_t size, const char *s, size_t len);

/* 1 if s is a principal-style id: [a-z0-9][a-z0-9._-]{0,63}. */
int policy_id_valid(const char *s, size_t len);

/* Check the raw sections and fill p's pools, groups, programs and
 * late_days. Errors go to errs; returns VD_ENOMEM or 0 (check errs). */
int policy_build(struct policy *p, const struct policy_raw *raw,
                 struct policy_errors *errs);

#endif
