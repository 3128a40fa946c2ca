#include "errmap.h"

#include "err.h"

#include <string.h>

static const char *const words[ERRMAP_NWORDS] = {
    "BADREQ",   "TOOBIG", "AUTH",    "DENIED",  "BADSIG", "CONFLICT",
    "NOTFOUND", "CLOSED", "EXPIRED", "REVOKED", "SPENT",  "COVER",
    "FUNDS",    "POLICY", "BUSY",    "INTERNAL"};

const char *errmap_nth(int i)
{
	return i >= 0 && i < ERRMAP_NWORDS ? words[i] : "INTERNAL";
}

int errmap_index(const char *word)
{
	int i;

	for (i = 0; i < ERRMAP_NWORDS; i++)
		if (strcmp(words[i], word) == 0)
			return i;
	return ERRMAP_NWORDS - 1;
}

const char *errmap_word(int code)
{
	switch (code) {
	case VD_EINVAL:
	case VD_ERANGE:
		return "BADREQ";
	case VD_ENOENT:
		return "NOTFOUND";
	case VD_ECONFLICT:
		return "CONFLICT";
	case VD_ECLOSED:
		return "CLOSED";
	case VD_EDENIED:
		return "DENIED";
	case VD_EFUNDS:
		return "FUNDS";
	case VD_ECOVER:
		return "COVER";
	case VD_EEXPIRED:
		return "EXPIRED";
	case VD_EREVOKED:
		return "REVOKED";
	case VD_ESPENT:
		return "SPENT";
	case VD_EPOLICY:
		return "POLICY";
	case VD_EAUTH:
		return "AUTH";
	case VD_ELIMIT:
	case PROTO_ETOOLONG:
		return "TOOBIG";
	case PROTO_EBADSIG:
	case VD_EBADSIG:
		return "BADSIG";
	case PROTO_EBADKEY:
	case PROTO_EEMPTY:
	case PROTO_EBYTE:
	case PROTO_ESPACE:
	case PROTO_ENOEQ:
	case PROTO_EUNKNOWN:
	case PROTO_EBATCHCMD:
	case PROTO_EKEY:
	case PROTO_EREPEAT:
	case PROTO_EMISSING:
	case PROTO_EEMPTYVAL:
	case PROTO_ENUMBER:
	case PROTO_EOVERFLOW:
	case PROTO_ERANGE:
	case PROTO_ETIME:
	case PROTO_EID:
	case PROTO_EHEX:
	case PROTO_EPCT:
	case PROTO_EENUM:
	case PROTO_ESIGLAST:
	case PROTO_ESIGBATCH:
	case PROTO_EREGION:
	case PROTO_EPROJECT:
		return "BADREQ";
	}
	return "INTERNAL";
}
