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
	PROTO_ECRYPTO = -107  /* OpenSSL failed */
};

/* A short English phrase for a PROTO_E* code; static, never NULL. */
const char *perr_str(int code);

#endif
