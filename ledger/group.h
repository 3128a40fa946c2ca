/* Steps 4 to 6 of domain.md's order of operations: a group's entitlement
 * for one beneficiary (and project) and period, and the grants and
 * reductions that bring what its programs granted to it. Internal to
 * ledger/, on top of book.h.
 *
 * Who combines: a program in no group is its own group. A group (or
 * lone program) per beneficiary combines each member's row of ben; a
 * group per project (all of whose programs are per project) combines the
 * members' rows of one project. A per-project program in a group per
 * beneficiary takes part with the sum over its projects' rows for the
 * period, and what the group gives it is shared among those rows in
 * project-id order, each up to what it earned above what it was
 * granted; what it must give back comes off its rows in reverse
 * project-id order, first those granted more than they now earn
 * (domain.md, "Projects"; docs/rules.md).
 *
 * Each function returns 0 or a negative code, as book.h says; VD_ELIMIT
 * when a per-project program in a group per beneficiary has more than
 * GROUP_UNITS_MAX rows in one period for one beneficiary. */
#ifndef VD_GROUP_H
#define VD_GROUP_H

#include <stdint.h>

#include "book.h"

#define GROUP_UNITS_MAX 4096
/* the refusal of a record or an application that would pass it */
#define GROUP_UNITS_WHY                                                        \
	"the org has more than 4096 projects in the period for a per-project " \
	"program of a group per beneficiary (group.h, GROUP_UNITS_MAX)"

/* Recompute the group of program prog (or prog alone) for ben in period,
 * for a record or application of project project ("" or "-": the
 * unnamed one; it picks the members' rows as book_row_project says):
 * grant what is due (funded by the pools, the rest unfunded), or take
 * back what is no longer earned (off the vouchers' remaining first, the
 * newest first, the rest a clawback due). Writes the rows that changed
 * and journals the grants, reductions and clawbacks. A grant program is
 * granted only by the ISSUE of an application (issue: its amount, prog
 * the program, project the application's; 0 otherwise), at most that
 * amount, into the application's own voucher: what earlier applications
 * could not be paid stays their row's unfunded, not the new voucher's. */
int group_settle(struct book *b, int prog, const char *ben, const char *project,
                 int32_t period, int64_t issue);

/* What the group's rules give program prog's row of (ben, project,
 * period) above what it was granted, as group_settle would grant it but
 * without writing: an annual program's due at settlement. */
int group_due(struct book *b, int prog, const char *ben, const char *project,
              int32_t period, int64_t *due);

#endif
