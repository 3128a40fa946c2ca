#include "err.h"

const char *err_str(int code)
{
	switch (code) {
	case VD_OK: /* == PROTO_OK */
		return "ok";
	case VD_EINVAL:
		return "invalid argument";
	case VD_EOVERFLOW:
		return "arithmetic overflow";
	case VD_ENOMEM:
		return "out of memory";
	case VD_ENOENT:
		return "not found";
	case VD_EEXIST:
		return "already exists";
	case VD_ECONFLICT:
		return "conflicts with existing content";
	case VD_EPOLICY:
		return "policy refused";
	case VD_EIO:
		return "input/output error";
	case VD_ELIMIT:
		return "limit exceeded";
	case VD_ECLOSED:
		return "period closed";
	case VD_EINTERNAL:
		return "internal error";
	case VD_ENOSPC:
		return "store map full";
	case VD_EDENIED:
		return "not allowed";
	case VD_EFUNDS:
		return "over the remaining amount";
	case VD_ECOVER:
		return "over the share of the bill vouchers may pay";
	case VD_EEXPIRED:
		return "voucher expired";
	case VD_EREVOKED:
		return "voucher revoked";
	case VD_ESPENT:
		return "voucher spent";
	case VD_EAUTH:
		return "not authenticated";
	case VD_ERANGE:
		return "out of range";
	case VD_EBADSIG:
		return "signed with a key the principal no longer holds";
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
	case PROTO_ETOOLONG:
		return "line too long";
	case PROTO_EEMPTY:
		return "empty line";
	case PROTO_EBYTE:
		return "line holds a byte that is not printable ASCII";
	case PROTO_ESPACE:
		return "tokens must be separated by single spaces";
	case PROTO_ENOEQ:
		return "argument is not key=value";
	case PROTO_EUNKNOWN:
		return "unknown command";
	case PROTO_EBATCHCMD:
		return "a line in a batch must be USAGE";
	case PROTO_EKEY:
		return "unknown key for this command";
	case PROTO_EREPEAT:
		return "repeated key";
	case PROTO_EMISSING:
		return "missing key";
	case PROTO_EEMPTYVAL:
		return "empty value";
	case PROTO_ENUMBER:
		return "bad number";
	case PROTO_EOVERFLOW:
		return "number too large";
	case PROTO_ERANGE:
		return "value out of range";
	case PROTO_ETIME:
		return "bad time (want YYYY-MM-DDTHH:MM:SSZ)";
	case PROTO_EID:
		return "bad id";
	case PROTO_EHEX:
		return "bad hex";
	case PROTO_EPCT:
		return "bad percent-encoded text";
	case PROTO_EENUM:
		return "value not allowed";
	case PROTO_ESIGLAST:
		return "sig= must be the last argument";
	case PROTO_ESIGBATCH:
		return "a line in a batch carries no sig=";
	case PROTO_EREGION:
		return "not a region (words of a-z, 0-9 and -, joined by dots, "
		       "at most 127 bytes)";
	case PROTO_EPROJECT:
		return "project=- is not allowed: '-' names the unnamed "
		       "project (send no project= for it)";
	}
	return "unknown error";
}
