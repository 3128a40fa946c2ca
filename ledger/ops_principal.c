/* Principals: registration and the bureau's controls (domain.md, "The
 * bureau's controls over principals"). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "ops.h"

int ops_register(struct book *b, struct ledger_op *op)
{
	struct principal_row r, old;
	uint8_t k[STORE_ID];
	struct jfields f;
	uint32_t no;
	int rc;

	if (op->u.reg.role < ROLE_PROVIDER || op->u.reg.role > ROLE_BUREAU)
		return ops_refuse(&op->why, VD_EINVAL, "unknown role");
	memset(&r, 0, sizeof(r));
	r.role = (uint8_t)op->u.reg.role;
	r.local = op->u.reg.local ? 1 : 0;
	snprintf(r.kind, sizeof(r.kind), "%s", op->u.reg.kind);
	memcpy(r.key, op->u.reg.key, sizeof(r.key));
	if (op->u.reg.region[0] != '\0' &&
	    !region_valid(op->u.reg.region, strlen(op->u.reg.region)))
		return ops_refuse(&op->why, VD_EINVAL, "malformed region");
	snprintf(r.region, sizeof(r.region), "%s", op->u.reg.region);
	r.status = P_ACTIVE;
	rc = book_principal(b, op->u.reg.id, &old);
	if (rc == 0) {
		/* the same fields again: a no-op; other fields: refused */
		if (old.role != r.role || old.local != r.local ||
		    strcmp(old.kind, r.kind) != 0 ||
		    strcmp(old.region, r.region) != 0 ||
		    memcmp(old.key, r.key, sizeof(r.key)) != 0)
			return ops_refuse(&op->why, VD_ECONFLICT,
			                  "registered with other fields");
		op->status = LEDGER_DUPLICATE;
		op->seq = old.seq;
		return 0;
	}
	if (rc != VD_ENOENT)
		return rc;
	journal_fields_init(&f);
	journal_str(&f, "id", op->u.reg.id);
	journal_str(&f, "role", role_name(r.role));
	journal_hex(&f, "key", r.key, sizeof(r.key));
	if (r.kind[0])
		journal_str(&f, "kind", r.kind);
	journal_i64(&f, "local", r.local);
	if (r.region[0])
		journal_str(&f, "region", r.region);
	if ((rc = journal_append(b->t, b->now, "register", &f, &r.seq)) < 0)
		return rc;
	store_key_id(k, 0, op->u.reg.id);
	/* its number: the order of its register entry (pno.h) */
	if ((rc = ltx_put(b->t, DB_PRINCIPALS, k, STORE_ID, &r, sizeof(r))) <
	        0 ||
	    (rc = pno_assign(b->t, op->u.reg.id, &no)) < 0)
		return rc;
	op->status = LEDGER_ACCEPTED;
	op->seq = r.seq;
	return 0;
}

/* AMEND: an org's kind, a principal's region or local flag. Records
 * accepted afterwards are evaluated with the new attributes; what was
 * accepted before keeps counting as it was evaluated then. */
int ops_amend(struct book *b, struct ledger_op *op)
{
	const char *id = op->u.amend.id;
	struct principal_row r, old;
	uint8_t k[STORE_ID];
	struct jfields f;
	char was[8];
	int rc, changed = 0;

	if ((rc = book_principal(b, id, &r)) < 0)
		return rc == VD_ENOENT
		           ? ops_refuse(&op->why, rc, "unknown principal")
		           : rc;
	old = r;
	if (op->u.amend.kind[0] != '\0' && r.role != ROLE_ORG)
		return ops_refuse(&op->why, VD_EINVAL,
		                  "kind is an org's attribute");
	if (op->u.amend.local >= 0 && r.role != ROLE_PROVIDER)
		return ops_refuse(&op->why, VD_EINVAL,
		                  "local is a provider's attribute");
	if (op->u.amend.region[0] != '\0' &&
	    !region_valid(op->u.amend.region, strlen(op->u.amend.region)))
		return ops_refuse(&op->why, VD_EINVAL, "malformed region");
	journal_fields_init(&f);
	journal_str(&f, "id", id);
	if (op->u.amend.kind[0] != '\0' &&
	    strcmp(op->u.amend.kind, r.kind) != 0) {
		snprintf(r.kind, sizeof(r.kind), "%s", op->u.amend.kind);
		journal_str(&f, "kind", r.kind);
		journal_str(&f, "was_kind", old.kind[0] ? old.kind : "-");
		changed = 1;
	}
	if (op->u.amend.region[0] != '\0' &&
	    strcmp(op->u.amend.region, r.region) != 0) {
		snprintf(r.region, sizeof(r.region), "%s", op->u.amend.region);
		journal_str(&f, "region", r.region);
		journal_str(&f, "was_region", old.region[0] ? old.region : "-");
		changed = 1;
	}
	if (op->u.amend.local >= 0 && (op->u.amend.local ? 1 : 0) != r.local) {
		r.local = op->u.amend.local ? 1 : 0;
		snprintf(was, sizeof(was), "%d", old.local);
		journal_i64(&f, "local", r.local);
		journal_str(&f, "was_local", was);
		changed = 1;
	}
	/* nothing to change: nothing written, no seq */
	op->seq = 0;
	if (!changed)
		return 0;
	if ((rc = journal_append(b->t, b->now, "amend", &f, &op->seq)) < 0)
		return rc;
	store_key_id(k, 0, id);
	return ltx_put(b->t, DB_PRINCIPALS, k, STORE_ID, &r, sizeof(r));
}

/* SUSPEND and REINSTATE: idempotent; nobody suspends itself. */
int ops_suspend(struct book *b, struct ledger_op *op)
{
	const char *id = op->u.suspend.id;
	int to = op->type == OP_SUSPEND ? P_SUSPENDED : P_ACTIVE;
	struct principal_row r;
	uint8_t k[STORE_ID];
	struct jfields f;
	int rc;

	if ((rc = book_principal(b, id, &r)) < 0)
		return rc == VD_ENOENT
		           ? ops_refuse(&op->why, rc, "unknown principal")
		           : rc;
	if (to == P_SUSPENDED && strcmp(id, op->u.suspend.by) == 0)
		return ops_refuse(&op->why, VD_EDENIED,
		                  "a principal cannot suspend itself");
	op->seq = 0;
	op->status = to == P_SUSPENDED ? LEDGER_SUSPENDED : LEDGER_ACTIVE;
	if (r.status == to)
		return 0; /* already so: the unchanged status, nothing written
		           */
	r.status = (uint8_t)to;
	journal_fields_init(&f);
	journal_str(&f, "id", id);
	if (to == P_SUSPENDED)
		journal_text(&f, "reason", op->u.suspend.reason);
	if ((rc = journal_append(b->t, b->now,
	                         to == P_SUSPENDED ? "suspend" : "reinstate",
	                         &f, &op->seq)) < 0)
		return rc;
	store_key_id(k, 0, id);
	return ltx_put(b->t, DB_PRINCIPALS, k, STORE_ID, &r, sizeof(r));
}

int ops_rekey(struct book *b, struct ledger_op *op)
{
	const char *id = op->u.rekey.id;
	struct principal_row r;
	uint8_t k[STORE_ID];
	struct jfields f;
	int rc;

	if ((rc = book_principal(b, id, &r)) < 0)
		return rc == VD_ENOENT
		           ? ops_refuse(&op->why, rc, "unknown principal")
		           : rc;
	op->seq = 0;
	if (memcmp(r.key, op->u.rekey.key, sizeof(r.key)) == 0)
		return 0; /* the key already: nothing written */
	memcpy(r.key, op->u.rekey.key, sizeof(r.key));
	journal_fields_init(&f);
	journal_str(&f, "id", id);
	journal_hex(&f, "key", r.key, sizeof(r.key));
	if ((rc = journal_append(b->t, b->now, "rekey", &f, &op->seq)) < 0)
		return rc;
	store_key_id(k, 0, id);
	return ltx_put(b->t, DB_PRINCIPALS, k, STORE_ID, &r, sizeof(r));
}

int ops_signed_by(struct book *b, struct ledger_op *op, const char *provider)
{
	static const uint8_t none[32];
	struct principal_row r;
	int rc;

	if (memcmp(op->key, none, sizeof(none)) == 0)
		return 0;
	if ((rc = book_principal(b, provider, &r)) < 0)
		return rc == VD_ENOENT ? 0 : rc; /* refused later, by name */
	if (memcmp(r.key, op->key, sizeof(r.key)) != 0)
		return ops_refuse(&op->why, VD_EBADSIG,
		                  "signed with a key the provider no longer "
		                  "holds (rekeyed)");
	return 0;
}

int ops_suspended(struct book *b, const char *id)
{
	struct principal_row r;
	int rc = book_principal(b, id, &r);

	if (rc == VD_ENOENT)
		return 0;
	return rc < 0 ? rc : r.status == P_SUSPENDED;
}

int ops_holder_suspended(struct book *b, const char *vid)
{
	struct voucher_row v;
	int rc;

	if (strlen(vid) >= BOOK_VID)
		return 0;
	rc = book_voucher_get(b, vid, &v);
	if (rc == VD_ENOENT)
		return 0;
	return rc < 0 ? rc : ops_suspended(b, v.beneficiary);
}
