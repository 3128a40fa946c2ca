#include "cmd_policy.h"

#include "err.h"
#include "policy.h"

int cmd_policy_check(const char *dir, FILE *out, FILE *err)
{
	struct policy_errors errs;
	struct policy *p = NULL;
	size_t i;
	int rc;

	rc = policy_load_dir(dir, &p, &errs);
	if (rc < 0) {
		for (i = 0; i < errs.n; i++)
			fprintf(err, "%s\n", errs.msg[i]);
		if (errs.total > errs.n)
			fprintf(err, "... and %zu more errors\n",
			        errs.total - errs.n);
		if (errs.total == 0)
			fprintf(err, "%s: %s\n", dir, err_str(rc));
		fprintf(err, "policy refused: %zu error%s\n", errs.total,
		        errs.total == 1 ? "" : "s");
		return 1;
	}
	rc = policy_print(p, out);
	policy_free(p);
	if (rc < 0) {
		fprintf(err, "vouchd: cannot print the policy: %s\n",
		        err_str(rc));
		return 1;
	}
	return 0;
}
