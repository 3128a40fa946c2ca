/* A policy swap as a job: the start, SIGHUP and RELOAD read the policy
 * directory the same way (all or nothing) and hand the swap to the commit
 * thread, which runs it alone between two group commits (commit.h). */
#ifndef VD_RELOAD_H
#define VD_RELOAD_H

#include <stddef.h>

#include "commit.h"

/* Load s->cfg.policies into j (zeroed by the caller): op OP_POLICY, pol
 * the new policy (owned by j). Whether it is journaled is the ledger's
 * decision, at the commit (OP_POLICY in ledger.h). On a refused
 * directory: VD_EPOLICY (or the loader's code) and a message for people
 * in err; j unchanged. */
int reload_prepare(struct server *s, struct job *j, char *err, size_t len);

#endif
