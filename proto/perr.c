#include "perr.h"

const char *perr_str(int code)
{
	switch (code) {
	case PROTO_OK:
		return "ok";
	case PROTO_EINVAL:
		return "invalid argument";
	case PROTO_ENOMEM:
		return "out of memory";
	case PROTO_EIO:
		return "input/output error";
	case PROTO_EPERM:
		return "private key file is readable by group or others";
	case PROTO_EEXIST:
		return "file exists";
	case PROTO_EBADSIG:
		return "signature does not verify";
	case PROTO_EBADKEY:
		return "malformed or small-order public key";
	case PROTO_ECRYPTO:
		return "cryptographic library failure";
	}
	return "unknown error";
}
