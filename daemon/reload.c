#include "reload.h"

#include <stdio.h>

#include "err.h"

int reload_prepare(struct server *s, struct job *j, char *err, size_t len)
{
	struct policy_errors errs;
	struct policy *p = NULL;
	int rc;

	rc = policy_load_dir(s->cfg.policies, &p, &errs);
	if (rc < 0) {
		snprintf(err, len, "policy refused (%zu errors): %s",
		         errs.total, errs.n ? errs.msg[0] : err_str(rc));
		return rc;
	}
	j->pol = p;
	j->op.type = OP_POLICY;
	j->op.now = srv_now();
	return 0;
}
