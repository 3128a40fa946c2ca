/* Error codes shared by the ledger and the programs built on it.
 *
 * Every function of ledger/ returns 0 on success or one of these negative
 * codes. Codes of libraries underneath (LMDB, OpenSSL, errno) are translated
 * where they are called and never passed up. The daemon maps these codes to
 * protocol ERR words in exactly one table (issue: the daemon). */
#ifndef VD_ERR_H
#define VD_ERR_H

enum {
	VD_OK = 0,
	VD_EINVAL = -1,     /* malformed or out-of-range argument */
	VD_EOVERFLOW = -2,  /* arithmetic would leave int64 */
	VD_ENOMEM = -3,     /* allocation failed */
	VD_ENOENT = -4,     /* no such object */
	VD_EEXIST = -5,     /* object exists with the same content */
	VD_ECONFLICT = -6,  /* object exists with other content */
	VD_EPOLICY = -7,    /* policy refused */
	VD_EIO = -8,        /* read or write failed */
	VD_ELIMIT = -9,     /* a bound on input size or count was hit */
	VD_ECLOSED = -10,   /* period settled or past late_days */
	VD_EINTERNAL = -11, /* a bug or an invariant broken */
	VD_ENOSPC = -12,    /* the store's map is full: grow and retry */
	VD_EDENIED = -13,   /* this principal may not do this */
	VD_EFUNDS = -14,    /* over a remaining or owed amount */
	VD_ECOVER = -15,    /* over a bill's share or the bill */
	VD_EEXPIRED = -16,  /* voucher expired */
	VD_EREVOKED = -17,  /* voucher revoked */
	VD_ESPENT = -18,    /* voucher has nothing left */
	VD_EAUTH = -19      /* not authenticated */
};

/* A short English phrase for a code; static storage, never NULL. */
const char *err_str(int code);

#endif
