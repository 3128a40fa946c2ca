#include "req.h"

#include <stdio.h>
#include <string.h>

#include "civil.h"
#include "err.h"
#include "kind.h"
#include "region.h"
#include "num.h"
#include "role.h"

static int in_set(char c, const char *extra)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr(extra, c) != NULL);
}

static int is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static int check_pid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 64 || !in_set(s[0], ""))
		return PROTO_EID;
	for (i = 1; i < n; i++)
		if (!in_set(s[i], "._-"))
			return PROTO_EID;
	return 0;
}

/* record, voucher and ref ids, words and cursors */
static int check_chars(const char *s, size_t n, size_t max, const char *extra)
{
	size_t i;

	if (n == 0 || n > max)
		return PROTO_EID;
	for (i = 0; i < n; i++)
		if (!in_set(s[i], extra) && !is_upper(s[i]))
			return PROTO_EID;
	return 0;
}

/* num_parse, with the parser's own code for each way to fail */
static int check_num(const char *s, size_t n, int64_t min, int64_t max,
                     int64_t *out)
{
	switch (num_parse(s, n, min, max, out, NULL)) {
	case 0:
		return 0;
	case VD_EOVERFLOW:
		return PROTO_EOVERFLOW;
	case VD_ERANGE:
		return PROTO_ERANGE;
	}
	return PROTO_ENUMBER;
}

static int check_hex(const char *s, size_t n, size_t want)
{
	size_t i;

	if (n != want)
		return PROTO_EHEX;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return PROTO_EHEX;
	return 0;
}

static int hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlong forms,
 * no surrogates, nothing past U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf && n >= 2 && (s[1] & 0xc0) == 0x80)
		return 2;
	if (s[0] >= 0xe0 && s[0] <= 0xef && n >= 3 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80) {
		if (s[0] == 0xe0 && s[1] < 0xa0)
			return 0;
		if (s[0] == 0xed && s[1] >= 0xa0)
			return 0;
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4 && n >= 4 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80) {
		if (s[0] == 0xf0 && s[1] < 0x90)
			return 0;
		if (s[0] == 0xf4 && s[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

int req_pct_decode(const char *s, size_t len, char *out, size_t size,
                   size_t *outlen)
{
	size_t i, n = 0;

	if (s == NULL || out == NULL || size <= REQ_TEXT_MAX)
		return PROTO_EINVAL;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			int hi, lo;
			if (i + 2 >= len)
				return PROTO_EPCT;
			hi = hexv(s[i + 1]);
			lo = hexv(s[i + 2]);
			if (hi < 0 || lo < 0)
				return PROTO_EPCT;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (c <= 0x20 || c >= 0x7f)
			return PROTO_EPCT;
		if (n >= REQ_TEXT_MAX)
			return PROTO_ERANGE;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	for (i = 0; i < n;) {
		size_t l = utf8_len((const unsigned char *)out + i, n - i);
		if (l == 0 || (l == 1 && ((unsigned char)out[i] < 0x20 ||
		                          out[i] == 0x7f)))
			return PROTO_EPCT;
		i += l;
	}
	if (outlen)
		*outlen = n;
	return 0;
}

size_t req_pct_encode(const char *s, size_t len, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c > 0x20 && c < 0x7f && c != '%') {
			out[n++] = (char)c;
		} else {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 0xf];
		}
	}
	out[n] = '\0';
	return n;
}

static int check_value(struct req *r, enum cmd_key k, const char *v, size_t n)
{
	const struct cmd_keyspec *ks = &cmd_keys[k];
	char text[REQ_TEXT_MAX + 1];

	if (n == 0)
		return PROTO_EEMPTYVAL;
	if (k == KEY_KIND && (r->spec->flags & CMD_KIND_USAGE)) {
		int kind = kind_lookup(v, n);
		if (kind < 0)
			return PROTO_EENUM;
		r->num[k] = kind;
		return 0;
	}
	if (k == KEY_AFTER && (r->spec->flags & CMD_AFTER_SEQ))
		return check_num(v, n, 0, INT64_MAX, &r->num[k]);
	/* a principal's id has the principal grammar: REGISTER took
	 * "Mixed" and "a/b", which no program, key or listing expects */
	if (k == KEY_ID && (r->spec->flags & CMD_ID_PRINCIPAL))
		return check_pid(v, n);
	switch (ks->type) {
	case TYPE_NUM:
		return check_num(v, n, ks->min, ks->max, &r->num[k]);
	case TYPE_PID:
		return check_pid(v, n);
	case TYPE_RID:
		return check_chars(v, n, 64, "._:/-");
	case TYPE_TIME:
		return civil_parse_utc(v, n, &r->num[k]) < 0 ? PROTO_ETIME : 0;
	case TYPE_HEX64:
		return check_hex(v, n, 64);
	case TYPE_HEX128:
		return check_hex(v, n, 128);
	case TYPE_TEXT:
		return req_pct_decode(v, n, text, sizeof(text), NULL);
	case TYPE_ROLE:
		if ((r->num[k] = role_lookup(v, n)) < 0)
			return PROTO_EENUM;
		return 0;
	case TYPE_WORD:
		return check_chars(v, n, 32, "._/-");
	case TYPE_CURSOR:
		return check_chars(v, n, 200, "._:/-");
	case TYPE_REGION:
		return region_valid(v, n) ? 0 : PROTO_EREGION;
	case TYPE_PROJECT:
		if (n == 1 && v[0] == '-')
			return PROTO_EPROJECT;
		return check_chars(v, n, 64, "._:/-");
	}
	return PROTO_EINVAL;
}

int req_err_early(int code)
{
	return code == PROTO_ETOOLONG || code == PROTO_EEMPTY ||
	       code == PROTO_EBYTE || code == PROTO_ESPACE ||
	       code == PROTO_ENOEQ || code == PROTO_EUNKNOWN ||
	       code == PROTO_EBATCHCMD;
}

int req_parse(const char *line, size_t len, size_t max_line, enum req_mode mode,
              struct req *r)
{
	uint32_t allowed, missing;
	size_t i, tok, end;
	int k, rc;

	if (line == NULL || r == NULL)
		return PROTO_EINVAL;
	memset(r, 0, sizeof(*r));
	r->err_key = -1;
	if (max_line > REQ_MAX_LINE)
		max_line = REQ_MAX_LINE;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	r->line = line;
	r->len = len;
	/* framing: the whole line before any token is looked at */
	if (len > max_line)
		return PROTO_ETOOLONG;
	if (len == 0)
		return PROTO_EEMPTY;
	for (i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 ||
		    (unsigned char)line[i] > 0x7e)
			return PROTO_EBYTE;
	if (line[0] == ' ' || line[len - 1] == ' ')
		return PROTO_ESPACE;
	for (i = 1; i < len; i++)
		if (line[i] == ' ' && line[i - 1] == ' ')
			return PROTO_ESPACE;
	for (i = 0; i < len && line[i] != ' '; i++)
		;
	/* tokens: every argument is key=value */
	for (tok = i; tok < len; tok = end) {
		const char *eq;
		for (end = tok + 1; end < len && line[end] != ' '; end++)
			;
		eq = memchr(line + tok + 1, '=', end - tok - 1);
		if (eq == NULL || eq == line + tok + 1)
			return PROTO_ENOEQ;
	}
	r->spec = cmd_lookup(line, i);
	if (r->spec == NULL)
		return PROTO_EUNKNOWN;
	if (mode == REQ_BATCH_LINE && r->spec->id != CMD_USAGE)
		return PROTO_EBATCHCMD;
	allowed = r->spec->required | r->spec->optional;
	if (mode == REQ_BATCH_LINE)
		allowed &= ~KEYBIT(KEY_SIG);
	/* arguments */
	for (tok = i; tok < len; tok = end) {
		const char *key = line + tok + 1, *eq;
		size_t vlen;
		for (end = tok + 1; end < len && line[end] != ' '; end++)
			;
		eq = memchr(key, '=', end - tok - 1);
		k = cmd_key_lookup(key, (size_t)(eq - key));
		if (k == KEY_SIG && mode == REQ_BATCH_LINE)
			return PROTO_ESIGBATCH;
		if (k < 0 || !(allowed & KEYBIT(k)))
			return PROTO_EKEY;
		r->err_key = k;
		if (r->present & KEYBIT(k))
			return PROTO_EREPEAT;
		if (k == KEY_SIG && (r->spec->flags & CMD_SIG_LAST)) {
			if (end != len)
				return PROTO_ESIGLAST;
			r->signed_len = (uint32_t)tok;
		}
		vlen = (size_t)(line + end - eq - 1);
		if ((rc = check_value(r, (enum cmd_key)k, eq + 1, vlen)) < 0)
			return rc;
		r->present |= KEYBIT(k);
		r->val[k].off = (uint32_t)(eq + 1 - line);
		r->val[k].len = (uint32_t)vlen;
	}
	missing = r->spec->required & ~r->present;
	if (mode == REQ_BATCH_LINE)
		missing &= ~KEYBIT(KEY_SIG);
	for (k = 0; k < KEY_COUNT; k++)
		if (missing & KEYBIT(k)) {
			r->err_key = k;
			return PROTO_EMISSING;
		}
	r->err_key = -1;
	return 0;
}

const char *req_message(const struct req *r, int code, char *buf, size_t size)
{
	const char *what = err_str(code);

	/* the key's name comes from the command table, never from the
	 * client's bytes */
	if (r != NULL && r->err_key >= 0 && r->err_key < KEY_COUNT &&
	    code != PROTO_EKEY)
		snprintf(buf, size, "%s: %s", what, cmd_keys[r->err_key].name);
	else
		snprintf(buf, size, "%s", what);
	return buf;
}

const char *req_str(const struct req *r, enum cmd_key k, size_t *len)
{
	if (!req_has(r, k))
		return NULL;
	if (len)
		*len = r->val[k].len;
	return r->line + r->val[k].off;
}

int req_copy(const struct req *r, enum cmd_key k, char *buf, size_t size)
{
	size_t n;
	const char *v = req_str(r, k, &n);

	if (size > 0)
		buf[0] = '\0';
	if (v == NULL)
		return PROTO_EMISSING;
	if (n + 1 > size)
		return PROTO_ERANGE;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return 0;
}
