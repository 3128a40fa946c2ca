/* Policy: pools, programs and groups loaded from INI files.
 *
 * A directory of *.ini files loads as one policy, all or nothing: any error
 * refuses the whole policy and every error found is reported as
 * "file:line: reason". A loaded policy is immutable; readers share it by
 * pointer, and a reload builds a new one and swaps it in. The text format is
 * in docs/policy.md and ../shared/spec/domain.md.
 *
 * Money in the structs is fen; rates and shares are basis points; times are
 * Unix seconds. Programs are kept sorted by id (byte order), which is the
 * "id order" of the group rules. */
#ifndef VD_POLICY_H
#define VD_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kind.h"
#include "region.h"

#define POLICY_ID_MAX 64   /* [a-z0-9][a-z0-9._-]{0,63} */
#define POLICY_UNIT_MAX 32 /* unit names: [A-Za-z0-9._/-]{1,32} */
#define POLICY_MAX_POOLS 256
#define POLICY_MAX_PROGRAMS 256
#define POLICY_MAX_GROUPS 256
#define POLICY_MAX_SHARES 8 /* pools co-funding one program */
#define POLICY_MAX_TIERS 16
#define POLICY_MAX_LIST 256 /* ids in providers, classes, org_kinds */
#define POLICY_MAX_FILES 64
#define POLICY_MAX_FILE_SIZE (1024 * 1024)
#define POLICY_MAX_ERRORS 32 /* further errors are counted, not kept */
#define POLICY_ERR_LEN 320
#define POLICY_DEFAULT_LATE_DAYS 90

#define POLICY_NO_CAP (-1)
#define POLICY_NO_GROUP (-1)

enum policy_beneficiary { POLICY_CONSUMER, POLICY_PROVIDER };
/* net: the amount billed minus what vouchers of any program redeemed
 * against the record (domain.md, "net basis") */
enum policy_basis { POLICY_AMOUNT, POLICY_QUANTITY, POLICY_NET };

/* Whether the basis is money (amount, net) rather than a quantity. */
#define POLICY_BASIS_MONEY(g) ((g)->basis != POLICY_QUANTITY)
enum policy_rule { POLICY_RATE, POLICY_UNIT_RATE, POLICY_TIERS };
enum policy_cap_period { POLICY_YEAR, POLICY_LIFETIME };
enum policy_round { POLICY_ROUND_FEN, POLICY_ROUND_YUAN };
enum policy_settlement { POLICY_IMMEDIATE, POLICY_ANNUAL, POLICY_GRANT };
enum policy_providers { POLICY_PROV_ANY, POLICY_PROV_LOCAL, POLICY_PROV_LIST };
enum policy_combine { POLICY_MAX, POLICY_SUM };
/* What caps, thresholds and group rules apply to: each beneficiary, or
 * each (beneficiary, project) (domain.md, "Projects") */
enum policy_per { POLICY_PER_BENEFICIARY, POLICY_PER_PROJECT };
/* What a grant is: a voucher providers redeem, or a cash entitlement the
 * bureau pays out (the values are stored in voucher rows: never change) */
enum policy_pays { POLICY_PAYS_VOUCHER = 0, POLICY_PAYS_CASH = 1 };

/* A program's `kinds` is a bit set of enum usage_kind (kind.h). */
#define POLICY_KINDS_ALL ((1u << KIND_COUNT) - 1)

/* Where a section or key came from, for messages. */
struct policy_origin {
	const char *file; /* points into struct policy's file table */
	int line;
};

/* A list filter: any == 1 means `*`; else the n ids in items. */
struct policy_list {
	int any;
	size_t n;
	char (*items)[POLICY_ID_MAX + 1];
};

#define POLICY_MAX_YEARS 64 /* budget.YYYY keys per pool */

struct policy_pool {
	char id[POLICY_ID_MAX + 1];
	char region[REGION_MAX + 1]; /* the funder's territory; "" none */
	int64_t budget;              /* fen per period */
	struct policy_origin where;
	struct policy_origin budget_where; /* of the `budget` key */
	/* budget.YYYY: one period's own budget */
	size_t nyears;
	struct {
		int32_t period;
		int64_t budget;
		struct policy_origin where;
	} years[POLICY_MAX_YEARS];
};

/* The budget of pool p for period (its budget.YYYY, else budget); where
 * (if not NULL) gets the line that says it. */
int64_t policy_pool_budget(const struct policy_pool *p, int32_t period,
                           struct policy_origin *where);

struct policy_share {
	int pool;   /* index into policy.pools */
	int64_t bp; /* share of each grant, basis points; shares sum to 10000 */
};

struct policy_tier {
	int64_t threshold; /* basis: fen, or quantity in the program's unit */
	int64_t award;     /* fen, cumulative award on reaching the tier */
};

struct policy_program {
	char id[POLICY_ID_MAX + 1];
	size_t nshares;
	struct policy_share shares[POLICY_MAX_SHARES]; /* first takes odd fen */
	int group; /* index into policy.groups, or POLICY_NO_GROUP */
	struct policy_origin group_where; /* of the `group` key */
	enum policy_beneficiary beneficiary;
	enum policy_basis basis;
	char unit[POLICY_UNIT_MAX + 1]; /* "" = records in any unit count */
	enum policy_rule rule;
	int64_t rate_bp;   /* POLICY_RATE */
	int64_t unit_rate; /* POLICY_UNIT_RATE: fen per unit */
	size_t ntiers;     /* POLICY_TIERS */
	struct policy_tier tiers[POLICY_MAX_TIERS];
	int64_t threshold; /* 0: none */
	int64_t cap;       /* fen, or POLICY_NO_CAP */
	enum policy_cap_period cap_period;
	int64_t max_periods; /* 0: no limit */
	int64_t min_grant;   /* fen, 0: none */
	enum policy_round round;
	enum policy_providers providers;
	struct policy_list provider_ids; /* POLICY_PROV_LIST */
	unsigned kinds;                  /* bit set of enum usage_kind */
	struct policy_list classes;
	struct policy_list org_kinds;
	int64_t valid_from;  /* first counted second, or INT64_MIN */
	int64_t valid_until; /* first second no longer counted, or INT64_MAX */
	enum policy_settlement settlement;
	int64_t cover_bp;
	int64_t voucher_days; /* 0: to the end of the next period */
	/* default voucher for a consumer program, cash (the only choice)
	 * for a provider program; a cash program has no voucher_days */
	enum policy_pays pays;
	/* its territory: its own `region`, else its first pool's, else ""
	 * (none: the providers' local flag counts, beneficiaries are not
	 * checked) */
	char region[REGION_MAX + 1];
	int ben_any; /* beneficiary_region = any */
	enum policy_per per;
	struct policy_origin per_where; /* of the `per` key, else where */
	struct policy_origin where;
};

struct policy_group {
	char id[POLICY_ID_MAX + 1];
	enum policy_combine combine;
	int64_t cap; /* fen, or POLICY_NO_CAP */
	enum policy_cap_period cap_period;
	/* per project: its programs must all be per project (a policy
	 * error otherwise) */
	enum policy_per per;
	size_t nprograms;
	int *programs; /* indexes into policy.programs, in id order */
	struct policy_origin where;
};

struct policy {
	int recorded; /* loaded from a store's record: policy_load_blob */
	int64_t late_days;
	struct policy_origin late_days_where; /* file NULL: the default */
	size_t nfiles;
	char **files; /* paths as given, for struct policy_origin */
	size_t npools, nprograms, ngroups;
	struct policy_pool *pools;
	struct policy_program *programs;
	struct policy_group *groups;
	char *blob; /* the sources: see policy_load_blob */
	size_t blob_len;
	unsigned char sha256[32]; /* SHA-256 of blob */
};

/* Errors of one load: the first POLICY_MAX_ERRORS messages, in file and
 * line order as far as they are found, and how many there were in all. */
struct policy_errors {
	size_t n;     /* messages kept in msg */
	size_t total; /* errors found, kept or not */
	char msg[POLICY_MAX_ERRORS][POLICY_ERR_LEN];
};

/* Load every *.ini file (not starting with '.') of dir, in name order, as
 * one policy. On success returns 0 and *out owns a new policy (free with
 * policy_free). On any error returns VD_EPOLICY (or VD_ENOMEM), *out is
 * NULL and errs holds the messages. errs may be NULL. */
int policy_load_dir(const char *dir, struct policy **out,
                    struct policy_errors *errs);

/* Load the given files, in the order given, as one policy; same contract
 * as policy_load_dir. */
int policy_load_files(const char *const *paths, size_t n, struct policy **out,
                      struct policy_errors *errs);

/* Load the policy whose source blob (struct policy's blob: per file, an
 * 8-byte big-endian name length, the base name, an 8-byte big-endian data
 * length, the data) the ledger stored. Same contract otherwise, except
 * that rules added since a vouchd accepted and recorded it are not
 * applied (struct policy's recorded): a store's history must stay
 * readable by the vouchd that upgrades and checks it. Today that is one
 * rule: a group's programs all on one beneficiary side. */
int policy_load_blob(const void *blob, size_t len, struct policy **out,
                     struct policy_errors *errs);

void policy_free(struct policy *p);

/* Lookups by id; NULL or -1 when absent. Pointers live as long as p. */
const struct policy_program *policy_program(const struct policy *p,
                                            const char *id);
int policy_program_index(const struct policy *p, const char *id);
int policy_pool_index(const struct policy *p, const char *id);
int policy_group_index(const struct policy *p, const char *id);

/* 1 if s (len bytes) is in the list or the list is `*`. */
int policy_list_has(const struct policy_list *l, const char *s, size_t len);

/* Print every pool, group and program as aligned tables; yuan amounts are
 * formatted "12,345.67". Returns 0 or VD_EIO. */
int policy_print(const struct policy *p, FILE *f);

#endif
