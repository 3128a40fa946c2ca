/* Error codes of proto/: 0 for success, a negative PROTO_E* code
 * otherwise. The parser has one code per way a line can be malformed, so
 * a test (or an operator reading a log) can tell them apart. OpenSSL's
 * codes are translated in sig.c and never passed up. The daemon maps these
 * to protocol ERR words in its one table. */
#ifndef VD_PERR_H
#define VD_PERR_H

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
	PROTO_ESIGBATCH = -153  /* sig= on a line inside a batch */
};

/* A short English phrase for a PROTO_E* code; static, never NULL. */
const char *perr_str(int code);

#endif
