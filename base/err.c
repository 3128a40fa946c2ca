#include "err.h"

const char *err_str(int code)
{
	switch (code) {
	case VD_OK:
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
	}
	return "unknown error";
}
