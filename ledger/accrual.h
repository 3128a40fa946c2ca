/* Accrual rules: what a program owes a beneficiary, as pure functions.
 *
 * No storage and no state: the caller (book.c and the operations) gathers
 * the basis and what was already granted, and these functions apply
 * domain.md's order of operations, steps 1 to 5, and annual pro-rata
 * settlement. All amounts are fen, all roundings go down, and every sum
 * is overflow-checked (an overflow is VD_EOVERFLOW, never a wrap).
 *
 * The int functions return 0 or a negative code; VD_EINVAL means an
 * argument outside what the function states (a negative amount, a rule
 * the function does not take), which the ledger's callers never pass: it
 * is a bug there, not a client's refusal. On failure the outputs may be
 * partly written. */
#ifndef VD_ACCRUAL_H
#define VD_ACCRUAL_H

#include <stddef.h>
#include <stdint.h>

#include "policy.h"

/* A usage record as the filters of a program see it. Strings are
 * NUL-terminated and only read during the call. */
struct accrual_record {
	const char *provider;
	int provider_local; /* the provider is flagged local */
	const char *org_kind;
	int kind;          /* enum usage_kind */
	const char *class; /* NULL: the record has no class */
	const char *unit;
	int64_t at; /* Unix seconds */
	int64_t amount;
	int64_t qty;
	const char *provider_region; /* NULL or "": within no region */
	const char *org_region;
};

/* Whether the program pays for compute from this provider (its
 * `providers`): with `local`, a program with a region counts providers
 * within it, one without a region those flagged local. */
int accrual_provider_ok(const struct policy_program *g, const char *provider,
                        int provider_local, const char *provider_region);

/* 1 if the record counts for the program (step 1: provider, kind, class,
 * unit, org kind and validity window all match, and for a program with a
 * region the beneficiary (the org, or the provider of a provider program)
 * is within it unless beneficiary_region = any), else 0. Settlement mode
 * is not looked at. */
int accrual_counts(const struct policy_program *g,
                   const struct accrual_record *r);

/* What the record adds to the program's basis when it is counted:
 * amount (also for net: nothing is redeemed against it yet) or qty. */
int64_t accrual_basis_of(const struct policy_program *g,
                         const struct accrual_record *r);

/* Step 2: threshold, then percent / unit rate / highest tier reached, then
 * truncation to `round`. No cap. basis >= 0. */
int accrual_rule(const struct policy_program *g, int64_t basis,
                 int64_t *earned);

/* What one beneficiary has in one program, for one period. */
struct accrual_state {
	/* counted basis of the cap period: the period for cap_period = year,
	 * every period of the program's life for lifetime */
	int64_t basis;
	/* lifetime programs: granted by the program to this beneficiary in
	 * other periods */
	int64_t granted_other;
	/* earlier periods in which the program granted this beneficiary
	 * something (for max_periods) */
	int64_t periods_before;
};

/* Steps 2 and 3: the program's own earned amount for the period, before
 * group rules (what an ACCRUAL row shows as `earned`). st's fields
 * >= 0. */
int accrual_earned(const struct policy_program *g,
                   const struct accrual_state *st, int64_t *earned);

/* A grant program's amount for one application: floor(need * rate), at most
 * `asked` (negative: not limited), at most what the cap leaves after
 * `granted` (granted by the program to the beneficiary in the cap period,
 * earlier applications included). need and granted >= 0; g's rule is
 * a rate. */
int accrual_application(const struct policy_program *g, int64_t need,
                        int64_t asked, int64_t granted, int64_t *amount);

/* One program of a group, for one beneficiary and period. */
struct accrual_member {
	int64_t earned;  /* in: accrual_earned (or the applications' sum) */
	int64_t granted; /* in: already granted in this period */
	int64_t delta;   /* out: what to grant now (>= 0) */
};

/* Steps 4 and 5: members are the group's programs in id order (one member
 * for a program in no group, with grp NULL). Computes the entitlement
 * (max, ties to the lowest id, or sum; at most the group cap, less
 * group_granted_other for a lifetime group cap) and splits
 * delta = entitlement - granted among the members: under max all of it to
 * the highest earner, under sum in id order up to each one's earned. */
int accrual_group(const struct policy_group *grp, struct accrual_member *m,
                  size_t n, int64_t group_granted_other, int64_t *entitled);

/* A grant drawn on the program's pools. */
struct accrual_funding {
	int64_t grant;                   /* granted now */
	int64_t unfunded;                /* delta - grant: unmet demand */
	int64_t part[POLICY_MAX_SHARES]; /* drawn from each share's pool */
};

/* Split an amount (>= 0) between the program's co-funding pools: each
 * share floors, the odd fen goes to the first pool. parts has nshares
 * items. */
int accrual_split(const struct policy_program *g, int64_t amount,
                  int64_t *parts);

/* Step 5 funding (delta >= 0) of a voucher whose granted total is base
 * (0 for a new one): if delta < min_grant nothing is granted and nothing
 * is unfunded (the delta waits for more basis). Otherwise grant the
 * largest amount <= delta that every pool can book (remaining, one per
 * share, in share order; a pool books the change in its share of the
 * voucher's running total: split(base + grant) - split(base), which
 * out->part holds) and record the rest as unfunded. */
int accrual_fund(const struct policy_program *g, int64_t delta, int64_t base,
                 const int64_t *remaining, struct accrual_funding *out);

/* The largest x <= limit by which a voucher whose granted total is base
 * can grow with every pool booking the change in its share of the total
 * within its remaining budget (base 0: the largest amount whose split
 * fits). VD_EINVAL for a negative base or limit. */
int accrual_capacity(const struct policy_program *g, int64_t base,
                     const int64_t *remaining, int64_t limit, int64_t *cap);

/* Annual settlement: T = sum of earned, R = available (>= 0, as every
 * earned). If T <= R each gets its earned; otherwise
 * floor(earned * R / T). *left is what stays in the pool: R less what is
 * paid. paid has n items. */
int accrual_prorata(const int64_t *earned, size_t n, int64_t available,
                    int64_t *paid, int64_t *left);

#endif
