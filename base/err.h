/* Error codes of the whole project, and the one phrase for each.
 *
 * Every function that can fail returns 0 on success or one negative code
 * from here. base/ and ledger/ return VD_E* codes; proto/ returns PROTO_E*
 * codes, one per way a request line can be malformed, so that a test (or an
 * operator reading a log) can tell them apart. The two ranges never overlap
 * (VD_E* from -1, PROTO_E* from -100), so a code says which layer refused.
 * Codes of libraries underneath (LMDB, OpenSSL, errno) are translated where
 * they are called and never passed up. The daemon maps codes to protocol
 * ERR words in exactly one table (daemon/errmap.c). */
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
	VD_EAUTH = -19,     /* not authenticated */
	VD_ERANGE = -20,    /* a number outside its bounds (num_parse) */
	VD_EBADSIG = -21 /* signed with a key the principal no longer holds */
};

enum {
	PROTO_OK = 0,
	PROTO_EINVAL = -100,  /* bad argument to a function */
	PROTO_ENOMEM = -101,  /* allocation failed */
	PROTO_EIO = -102,     /* file could not be read or written */
	PROTO_EPERM = -103,   /* private key file readable by group/others */
	PROTO_EEXIST = -104,  /* refusing to overwrite a key file */
	PROTO_EBADSIG = -105, /* signature does not verify */
	PROTO_EBADKEY = -106, /* malformed or small-order public key */
	PROTO_ECRYPTO = -107, /* OpenSSL failed */

	/* request parser: framing and tokens */
	PROTO_ETOOLONG = -120, /* line over max_line */
	PROTO_EEMPTY = -121,   /* nothing on the line */
	PROTO_EBYTE = -122,    /* a byte that is not printable ASCII */
	PROTO_ESPACE = -123,   /* leading, trailing or double space */
	PROTO_ENOEQ = -124,    /* an argument that is not key=value */
	/* the command */
	PROTO_EUNKNOWN = -130,  /* no such command */
	PROTO_EBATCHCMD = -131, /* a line inside a batch that is not USAGE */
	/* arguments */
	PROTO_EKEY = -140,      /* a key this command does not take */
	PROTO_EREPEAT = -141,   /* a key given twice */
	PROTO_EMISSING = -142,  /* a required key is absent */
	PROTO_EEMPTYVAL = -143, /* key= with nothing after */
	PROTO_ENUMBER = -144,   /* not a plain decimal number */
	PROTO_EOVERFLOW = -145, /* a number past INT64_MAX */
	PROTO_ERANGE = -146,    /* a number or text outside its bounds */
	PROTO_ETIME = -147,     /* not an RFC 3339 UTC time */
	PROTO_EID = -148,       /* an id, word or cursor of the wrong shape */
	PROTO_EHEX = -149,      /* not lowercase hex of the right length */
	PROTO_EPCT = -150,      /* bad percent-encoding or not UTF-8 text */
	PROTO_EENUM = -151,     /* not one of the allowed words */
	PROTO_ESIGLAST = -152,  /* sig= is not the last token */
	PROTO_ESIGBATCH = -153, /* sig= on a line inside a batch */
	PROTO_EREGION = -154,   /* not a region (region.h) */
	PROTO_EPROJECT = -155   /* project=-: "-" names the unnamed project */
};

/* A short English phrase for any code above (VD_E* or PROTO_E*), "ok" for
 * 0, "unknown error" for anything else. Static storage, never NULL. */
const char *err_str(int code);

#endif
