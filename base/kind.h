/* Usage kinds: what a usage record's compute was for (domain.md). One enum
 * for every layer: the wire's kind= of USAGE (proto/), a record's kind and
 * a program's `kinds` filter (ledger/), the journal's kind= field, and
 * vouchctl's report files. The values are stored (records, journal
 * entries name them by name) and never renumbered. */
#ifndef VD_KIND_H
#define VD_KIND_H

#include <stddef.h>

enum usage_kind {
	KIND_TRAINING,
	KIND_INFERENCE,
	KIND_API,
	KIND_FINETUNE,
	KIND_DEPLOYMENT,
	KIND_STORAGE,
	KIND_OTHER,
	KIND_COUNT
};

/* The name of kind as on the wire and in policy files: "training",
 * "inference", "api", "finetune", "deployment", "storage", "other"; "?"
 * for a value outside [0, KIND_COUNT). Static storage, never NULL. */
const char *kind_name(int kind);

/* The kind named exactly (case-sensitive) by the len bytes at s, which
 * need not be NUL-terminated; -1 if none (s NULL included). */
int kind_lookup(const char *s, size_t len);

#endif
