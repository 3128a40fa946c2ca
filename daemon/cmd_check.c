#include "cmd_check.h"

#include <inttypes.h>

#include "check.h"
#include "err.h"
#include "ledger.h"
#include "reads.h"
#include "srv.h"
#include "upgrade.h"

int cmd_check(const char *dir, FILE *out, FILE *err)
{
	struct policy_errors errs;
	struct policy *p = NULL;
	struct ledger *l = NULL;
	char msg[512], hex[65];
	uint8_t hash[32];
	uint64_t seq = 0;
	int rc, i, status = 2;

	if ((rc = ledger_open(dir, 0, 0, &l, msg, sizeof(msg))) < 0) {
		fprintf(err, "vouchd check: %s\n", msg);
		return 2;
	}
	rc = ledger_stored_policy(l, &p, &errs);
	if (rc == VD_ENOENT) {
		fprintf(err,
		        "vouchd check: %s: no policy was ever loaded into "
		        "this store\n",
		        dir);
		goto out;
	}
	if (rc < 0) {
		fprintf(err,
		        "vouchd check: the stored policy does not load: "
		        "%s\n",
		        errs.n ? errs.msg[0] : err_str(rc));
		goto out;
	}
	ledger_set_policy(l, p);
	rc = ledger_check(l, msg, sizeof(msg));
	if (rc == VD_EINTERNAL) {
		fprintf(err, "vouchd check: MISMATCH: %s\n", msg);
		status = 1;
		goto out;
	}
	if (rc < 0 || (rc = ledger_head(l, &seq, hash)) < 0) {
		fprintf(err, "vouchd check: cannot read the store: %s\n",
		        err_str(rc));
		goto out;
	}
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", hash[i]);
	fprintf(out,
	        "vouchd check: ok\n"
	        "journal: %" PRIu64 " entries, hash chain verified, head %s\n"
	        "every accrual basis, net grant, voucher and pool figure "
	        "rebuilt from the journal matches the store\n",
	        seq, hex);
	status = 0;
out:
	ledger_close(l);
	policy_free(p);
	return status;
}

int cmd_upgrade(const char *dir, FILE *out, FILE *err)
{
	char msg[512];
	int rc = ledger_upgrade(dir, srv_now(), msg, sizeof(msg));

	if (rc < 0) {
		fprintf(err, "vouchd upgrade: %s\n", msg);
		return rc == VD_EINTERNAL || rc == VD_EINVAL ? 1 : 2;
	}
	fprintf(out, "vouchd upgrade: %s\n", msg);
	/* the result, verified as `vouchd check` would */
	return cmd_check(dir, out, err);
}
