#include "audit.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "chain.h"
#include "csv.h"
#include "err.h"
#include "hex.h"
#include "money.h"
#include "output.h"
#include "reply.h"
#include "req.h"
#include "sig.h"

#define PAGE 1000
#define LINES_PAGE 10000 /* the daemon's most per LINES */

static int is_hex64(const char *s, size_t n)
{
	size_t i;

	if (n != 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int audit_entry_json(const char *row, char *buf, size_t size)
{
	const char *p, *end, *h;
	json_t *o;
	size_t count = 0;
	char *s;
	int rc = VD_EINVAL;

	if (strncmp(row, "ENTRY ", 6) != 0)
		return VD_EINVAL;
	h = strstr(row, " hash=");
	if (h == NULL || !is_hex64(h + 6, strlen(h + 6)))
		return VD_EINVAL;
	o = json_object();
	for (p = row + 6; p < h; p = end + 1) {
		const char *eq;
		char key[64];
		json_int_t v;
		end = memchr(p, ' ', (size_t)(h - p));
		if (end == NULL)
			end = h;
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq == NULL || eq == p || (size_t)(eq - p) >= sizeof(key))
			goto out;
		memcpy(key, p, (size_t)(eq - p));
		key[eq - p] = '\0';
		eq++;
		json_object_set_new(o, key,
		                    out_int(eq, (size_t)(end - eq), &v) == 0
		                        ? json_integer(v)
		                        : json_stringn(eq, (size_t)(end - eq)));
		/* a repeated key would be lost in an object: refuse it */
		if (json_object_size(o) != ++count || strcmp(key, "hash") == 0)
			goto out;
	}
	json_object_set_new(o, "hash", json_string(h + 6));
	s = json_dumps(o, JSON_COMPACT);
	if (s != NULL && strlen(s) < size) {
		memcpy(buf, s, strlen(s) + 1);
		rc = 0;
	} else {
		rc = VD_ELIMIT;
	}
	free(s);
out:
	json_decref(o);
	return rc;
}

int audit_entry_csv(const char *row, FILE *out)
{
	static const char *const lead[3] = {"seq=", "time=", "type="};
	const char *p = row + 6, *h, *f[3], *rest;
	size_t n[3], i;

	if (strncmp(row, "ENTRY ", 6) != 0)
		return VD_EINVAL;
	h = strstr(row, " hash=");
	if (h == NULL || !is_hex64(h + 6, strlen(h + 6)))
		return VD_EINVAL;
	for (i = 0; i < 3; i++) {
		const char *end = memchr(p, ' ', (size_t)(h - p));
		if (end == NULL)
			end = h;
		if (strncmp(p, lead[i], strlen(lead[i])) != 0)
			return VD_EINVAL;
		f[i] = p + strlen(lead[i]);
		n[i] = (size_t)(end - f[i]);
		p = end < h ? end + 1 : h;
	}
	rest = p;
	for (i = 0; i < 3; i++)
		csv_field(out, i == 0, f[i], n[i]);
	csv_field(out, 0, rest, (size_t)(h - rest));
	csv_field(out, 0, h + 6, strlen(h + 6));
	fputs(CSV_EOL, out);
	return 0;
}

/* One JSON object per line of the BATCH whose entry is seq, read with
 * LINES a page at a time: {"batch":seq,"i":I,"line":"<the line>"}. 0,
 * 1 (ERR, printed), 3 (the connection). */
static int export_lines(struct session *s, uint64_t seq, FILE *out, FILE *err)
{
	char req[96], text[REQ_TEXT_MAX + 1];
	uint64_t after = 0;
	const char *l;
	struct reply r;

	for (;;) {
		int64_t n, k, i;
		size_t len, tl;
		const char *t, *next;
		snprintf(req, sizeof(req),
		         "LINES seq=%" PRIu64 " after=%" PRIu64 " limit=%d",
		         seq, after, LINES_PAGE);
		if (session_send(s, req) < 0 || (l = session_line(s)) == NULL ||
		    reply_parse(l, strlen(l), &r) != 0)
			return 3;
		if (r.kind == REPLY_ERR) {
			fprintf(err, "vouchctl journal: %s\n", l + 4);
			return 1;
		}
		/* next= names the last line given when more follow */
		next = reply_get(&r, "next", &len);
		n = r.n;
		for (k = 0; k < n; k++) {
			json_t *o;
			char *js;
			if ((l = session_line(s)) == NULL)
				return 3;
			if (reply_parse(l, strlen(l), &r) != 0 ||
			    r.kind != REPLY_ROW ||
			    reply_get_i64(&r, "i", &i) != 0 ||
			    (uint64_t)i != after + 1 ||
			    (t = reply_get(&r, "text", &tl)) == NULL ||
			    req_pct_decode(t, tl, text, sizeof(text), &len) <
			        0) {
				fprintf(err,
				        "vouchctl journal: not a line of batch "
				        "seq %" PRIu64 ": %.60s\n",
				        seq, l);
				return 1;
			}
			after = (uint64_t)i;
			o = json_pack("{sIsIss%}", "batch", (json_int_t)seq,
			              "i", (json_int_t)i, "line", text, len);
			js = o ? json_dumps(o, JSON_COMPACT) : NULL;
			json_decref(o);
			if (js == NULL)
				return 3;
			fprintf(out, "%s\n", js);
			free(js);
		}
		if (next == NULL)
			return 0;
	}
}

/* A page's NDJSON, held until the JOURNAL reply has been read whole, so
 * that a batch's lines can be asked for (LINES) with the connection in
 * step: cut[k] ends the row of the k-th batch entry, seq[k]. */
struct held {
	char *buf;
	size_t len, cap;
	size_t cut[PAGE];
	uint64_t seq[PAGE];
	size_t ncut;
};

static int hold(struct held *h, const char *json, uint64_t batch)
{
	size_t n = strlen(json) + 1;

	if (h->len + n > h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 1 << 16;
		char *p;
		while (cap < h->len + n)
			cap *= 2;
		if ((p = realloc(h->buf, cap)) == NULL)
			return VD_ENOMEM;
		h->buf = p;
		h->cap = cap;
	}
	memcpy(h->buf + h->len, json, n - 1);
	h->len += n;
	h->buf[h->len - 1] = '\n';
	if (batch != 0) {
		h->cut[h->ncut] = h->len;
		h->seq[h->ncut++] = batch;
	}
	return 0;
}

/* The seq of an "ENTRY seq=S time=T type=batch ..." row, else 0. */
static uint64_t batch_seq(const char *row)
{
	const char *t = strstr(row, " type=");
	int64_t seq;
	size_t n = strspn(row + 10, "0123456789");

	if (t == NULL || strncmp(t, " type=batch ", 12) != 0 ||
	    strncmp(row, "ENTRY seq=", 10) != 0 ||
	    money_parse_uint(row + 10, n, &seq) < 0)
		return 0;
	return (uint64_t)seq;
}

/* One JOURNAL page; *got is the number of entries written. */
static int export_page(struct session *s, uint64_t after, uint64_t want,
                       int csv, FILE *out, FILE *err, uint64_t *got)
{
	char json[AUDIT_LINE_MAX], req[80];
	struct held *h = NULL;
	const char *l;
	struct reply r;
	int64_t n, i;
	size_t k, from = 0;
	int rc = 0;

	snprintf(req, sizeof(req), "JOURNAL after=%" PRIu64 " limit=%" PRIu64,
	         after, want);
	if (session_send(s, req) < 0 || (l = session_line(s)) == NULL ||
	    reply_parse(l, strlen(l), &r) != 0)
		return 3;
	if (r.kind == REPLY_ERR) {
		fprintf(err, "vouchctl journal: %s\n", l + 4);
		return 1;
	}
	n = r.n;
	if (!csv && (h = calloc(1, sizeof(*h))) == NULL)
		return 3;
	for (i = 0; i < n && rc == 0; i++) {
		if ((l = session_line(s)) == NULL) {
			rc = 3;
		} else if ((csv ? audit_entry_csv(l, out)
		                : audit_entry_json(l, json, sizeof(json))) <
		           0) {
			fprintf(err, "vouchctl journal: not an entry: %.60s\n",
			        l);
			rc = 1;
		} else if (!csv && hold(h, json, batch_seq(l)) < 0) {
			rc = 3;
		}
	}
	/* the page's entries, each batch's lines after its entry */
	for (k = 0; h != NULL && rc == 0 && k <= h->ncut; k++) {
		size_t to = k < h->ncut ? h->cut[k] : h->len;
		fwrite(h->buf + from, 1, to - from, out);
		from = to;
		if (k < h->ncut)
			rc = export_lines(s, h->seq[k], out, err);
	}
	if (h != NULL)
		free(h->buf);
	free(h);
	*got = (uint64_t)n;
	return rc;
}

int audit_export(struct session *s, uint64_t after, uint64_t limit, int csv,
                 FILE *out, FILE *err, uint64_t *count)
{
	uint64_t got;
	int rc;

	*count = 0;
	if (csv)
		fputs("seq,time,type,fields,hash" CSV_EOL, out);
	for (;;) {
		uint64_t want = PAGE;
		if (limit > 0 && limit - *count < want)
			want = limit - *count;
		if (want == 0)
			return 0;
		if ((rc = export_page(s, after, want, csv, out, err, &got)) !=
		    0)
			return rc;
		*count += got;
		/* seqs are consecutive: the next page starts after the last */
		after += got;
		if (got < want)
			return 0;
	}
}
static int cp_field(struct audit_cp *cp, const char *k, const char *v, size_t n)
{
	int64_t x;

	if (strcmp(k, "seq") == 0)
		return money_parse_uint(v, n, &x) < 0
		           ? -1
		           : (cp->seq = (uint64_t)x, 0);
	if (strcmp(k, "hash") == 0)
		return hex_decode(v, n, cp->hash, 32) < 0 ? -1 : 0;
	if (strcmp(k, "key") == 0)
		return hex_decode(v, n, cp->key, 32) < 0 ? -1 : 0;
	if (strcmp(k, "sig") == 0)
		return hex_decode(v, n, cp->sig, 64) < 0 ? -1 : 0;
	if (strcmp(k, "time") == 0) {
		if (n == 0 || n >= sizeof(cp->time_text))
			return -1;
		memcpy(cp->time_text, v, n);
		cp->time_text[n] = '\0';
	}
	return 0;
}

int audit_checkpoint_parse(const char *text, size_t len, struct audit_cp *cp)
{
	static const char *const keys[] = {"seq", "hash", "time", "key", "sig"};
	char line[1024];
	struct reply r;
	size_t i, n;

	memset(cp, 0, sizeof(*cp));
	while (len > 0 && (*text == ' ' || *text == '\n'))
		text++, len--;
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' ' ||
	                   text[len - 1] == '\r'))
		len--;
	if (len > 0 && text[0] == '{') {
		json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
		int bad = o == NULL;
		for (i = 0; !bad && i < 5; i++) {
			json_t *v = json_object_get(o, keys[i]);
			char num[32];
			if (json_is_integer(v)) {
				snprintf(num, sizeof(num),
				         "%" JSON_INTEGER_FORMAT,
				         json_integer_value(v));
				bad = cp_field(cp, keys[i], num, strlen(num));
			} else {
				bad =
				    !json_is_string(v) ||
				    cp_field(cp, keys[i], json_string_value(v),
				             json_string_length(v));
			}
		}
		json_decref(o);
		return bad ? VD_EINVAL : 0;
	}
	if (len + 4 > sizeof(line))
		return VD_EINVAL;
	/* "OK seq=.. hash=.." as sent, or the same without "OK " */
	n = (size_t)snprintf(line, sizeof(line), "%s%.*s",
	                     len >= 3 && memcmp(text, "OK ", 3) == 0 ? ""
	                                                             : "OK ",
	                     (int)len, text);
	if (reply_parse(line, n, &r) != 0 || r.kind != REPLY_OK)
		return VD_EINVAL;
	for (i = 0; i < 5; i++) {
		const char *v = reply_get(&r, keys[i], &n);
		if (v == NULL || cp_field(cp, keys[i], v, n) < 0)
			return VD_EINVAL;
	}
	return 0;
}

static int cp_verify(const struct audit_cp *cp, const uint8_t *pin, char *why,
                     size_t len)
{
	struct sig_pub *p = NULL;
	char msg[200], hex[65];
	int n, ok;

	if (pin != NULL && memcmp(pin, cp->key, 32) != 0) {
		snprintf(why, len,
		         "the checkpoint is signed by another key "
		         "than --server-key");
		return VD_EINVAL;
	}
	hex_encode(cp->hash, 32, hex);
	n = snprintf(msg, sizeof(msg),
	             "vouchd-checkpoint-v1 seq=%" PRIu64 " hash=%s time=%s",
	             cp->seq, hex, cp->time_text);
	ok = sig_pub_parse(cp->key, &p) == 0 &&
	     sig_verify(p, msg, (size_t)n, cp->sig) == 0;
	sig_pub_free(p);
	if (!ok) {
		snprintf(why, len,
		         "the checkpoint's signature does not verify");
		return VD_EINVAL;
	}
	return 0;
}

/* The entry's bytes rebuilt from a parsed line; 0 or a reason. */
static const char *entry_bytes(json_t *o, char *bytes, size_t size, size_t *len,
                               uint64_t *seq, uint8_t hash[32])
{
	const char *k, *last = NULL;
	json_t *v;
	size_t n = 0, i = 0;

	json_object_foreach(o, k, v)
	{
		int w;
		last = k;
		if (strcmp(k, "hash") == 0) {
			if (!json_is_string(v) ||
			    !is_hex64(json_string_value(v),
			              json_string_length(v)) ||
			    hex_decode(json_string_value(v), 64, hash, 32) < 0)
				return "the hash is not 64 hex digits";
			continue;
		}
		if (i == 0 && (strcmp(k, "seq") != 0 || !json_is_integer(v) ||
		               json_integer_value(v) < 1))
			return "the first key is not a seq";
		if (i == 0)
			*seq = (uint64_t)json_integer_value(v);
		if (json_is_integer(v)) {
			w = snprintf(bytes + n, size - n,
			             "%s%s=%" JSON_INTEGER_FORMAT, i ? " " : "",
			             k, json_integer_value(v));
		} else if (json_is_string(v)) {
			const char *s = json_string_value(v);
			size_t sl = json_string_length(v), j;
			json_int_t dummy;
			for (j = 0; j < sl; j++)
				if (s[j] <= ' ' || s[j] > '~')
					return "a value is not printable ASCII";
			if (out_int(s, sl, &dummy) == 0)
				return "an integer written as a string";
			w = snprintf(bytes + n, size - n, "%s%s=%s",
			             i ? " " : "", k, s);
		} else {
			return "a value is neither a string nor an integer";
		}
		if (w < 0 || (size_t)w >= size - n)
			return "the entry is too long";
		n += (size_t)w;
		i++;
	}
	/* a hash alone is no entry: it passed as one at seq 0 */
	if (i == 0)
		return "the first key is not a seq";
	if (last == NULL || strcmp(last, "hash") != 0)
		return "the last key is not hash";
	*len = n;
	return NULL;
}

/* {"batch":S,"i":I,"line":"..."}: line I of the batch whose entry is S,
 * as vouchctl journal writes it after that entry; NULL or a reason. The
 * text is o's. */
static const char *line_object(json_t *o, uint64_t *batch, uint64_t *i,
                               const char **text, size_t *tl)
{
	static const char *const keys[3] = {"batch", "i", "line"};
	void *it = json_object_iter(o);
	json_t *v[3];
	size_t k;

	for (k = 0; k < 3; k++, it = json_object_iter_next(o, it)) {
		if (it == NULL || strcmp(json_object_iter_key(it), keys[k]))
			return "a batch line is {\"batch\":S,\"i\":I,"
			       "\"line\":\"...\"}";
		v[k] = json_object_iter_value(it);
	}
	if (it != NULL || !json_is_integer(v[0]) ||
	    json_integer_value(v[0]) < 1 || !json_is_integer(v[1]) ||
	    json_integer_value(v[1]) < 1 || !json_is_string(v[2]))
		return "a batch line is {\"batch\":S,\"i\":I,\"line\":\"...\"}";
	*batch = (uint64_t)json_integer_value(v[0]);
	*i = (uint64_t)json_integer_value(v[1]);
	*text = json_string_value(v[2]);
	*tl = json_string_length(v[2]);
	return NULL;
}

/* A line of the export: an entry, checked against the chain and fed to
 * the signature checker, or a batch's line, fed to it. NULL, or a reason
 * (sw holds the checker's); *rc a code other than VD_EINVAL. */
struct verify {
	const struct audit_cp *cp;
	struct audit_result *res;
	struct audit_sig *sig;
	uint8_t prev[32];
	int cp_seen;
	char sw[300];
	char bytes[CHAIN_FIELDS_MAX + 64];
};

static const char *verify_entry(struct verify *x, json_t *o, int *rc)
{
	struct audit_result *res = x->res;
	uint8_t hash[32], calc[32];
	const char *bad;
	uint64_t seq = 0;
	size_t bl = 0;

	if ((bad = entry_bytes(o, x->bytes, sizeof(x->bytes), &bl, &seq,
	                       hash)) != NULL)
		return bad;
	if (res->entries == 0) {
		res->first = seq;
		res->from_genesis = seq == 1;
		/* a later start: trust the first entry's hash */
		if (seq != 1)
			memcpy(x->prev, hash, 32);
	} else if (seq != res->last + 1) {
		return "the seq does not follow the previous line's";
	}
	if ((res->entries > 0 || seq == 1) &&
	    (chain_hash(x->prev, x->bytes, bl, calc) < 0 ||
	     memcmp(calc, hash, 32) != 0))
		return "the hash does not match the chain (the entry or an "
		       "earlier one was changed)";
	memcpy(x->prev, hash, 32);
	res->entries++;
	res->last = seq;
	if (x->cp != NULL && x->cp->seq == seq) {
		if (memcmp(x->cp->hash, hash, 32) != 0) {
			snprintf(x->sw, sizeof(x->sw),
			         "seq %" PRIu64
			         " has another hash than the checkpoint",
			         seq);
			return x->sw;
		}
		x->cp_seen = 1;
	}
	/* the chain holds up to here: the entry is the journal's */
	*rc = audit_sig_entry(x->sig, seq, x->bytes, bl, x->sw, sizeof(x->sw));
	return *rc < 0 ? x->sw : NULL;
}

static const char *verify_line(struct verify *x, const char *line, size_t n,
                               int *rc)
{
	const char *bad = NULL, *text, *k;
	uint64_t batch, i;
	json_t *o;
	char *canon;
	size_t tl;

	o = json_loadb(line, n, JSON_REJECT_DUPLICATES, NULL);
	canon = o ? json_dumps(o, JSON_COMPACT) : NULL;
	if (o == NULL || !json_is_object(o))
		bad = "not a JSON object";
	else if (canon == NULL || strcmp(canon, line))
		bad = "not in the export's exact form (a byte changed?)";
	k = bad ? NULL : json_object_iter_key(json_object_iter(o));
	if (bad == NULL && k != NULL && strcmp(k, "batch") == 0) {
		if ((bad = line_object(o, &batch, &i, &text, &tl)) == NULL &&
		    (*rc = audit_sig_line(x->sig, batch, i, text, tl, x->sw,
		                          sizeof(x->sw))) < 0)
			bad = x->sw;
	} else if (bad == NULL) {
		bad = verify_entry(x, o, rc);
	}
	free(canon);
	json_decref(o);
	return bad;
}

int audit_verify(FILE *in, const struct audit_cp *cp, const uint8_t *pin,
                 struct audit_result *res, char *why, size_t len)
{
	static char line[AUDIT_LINE_MAX + 2];
	struct verify *x = calloc(1, sizeof(*x));
	long lineno = 0;
	int rc = VD_EINVAL;

	memset(res, 0, sizeof(*res));
	if (x == NULL || (x->sig = audit_sig_new()) == NULL) {
		snprintf(why, len, "out of memory");
		rc = VD_ENOMEM;
		goto out;
	}
	x->cp = cp;
	x->res = res;
	while (fgets(line, sizeof(line), in)) {
		size_t n = strlen(line);
		const char *bad = NULL;
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (!feof(in))
			bad = "the line is too long";
		rc = VD_EINVAL;
		if (bad == NULL)
			bad = verify_line(x, line, n, &rc);
		if (bad != NULL) {
			snprintf(why, len, "line %ld: %s", lineno, bad);
			rc = rc < 0 ? rc : VD_EINVAL;
			goto out;
		}
	}
	memcpy(res->head, x->prev, 32);
	rc = VD_EINVAL;
	if (res->entries == 0) {
		snprintf(why, len, "the file has no entries");
		goto out;
	}
	if ((rc = audit_sig_end(x->sig, &res->sigs, x->sw, sizeof(x->sw))) <
	    0) {
		snprintf(why, len, "at the end: %s", x->sw);
		goto out;
	}
	rc = VD_EINVAL;
	if (cp != NULL) {
		if (!x->cp_seen) {
			snprintf(why, len,
			         "the checkpoint's seq %" PRIu64
			         " is not in the file (seq %" PRIu64
			         " to %" PRIu64 ")",
			         cp->seq, res->first, res->last);
			goto out;
		}
		/* a partial export takes its first entry's hash as given:
		 * a checkpoint of that hash says nothing of the entry's
		 * bytes */
		if (!res->from_genesis && cp->seq == res->first) {
			snprintf(why, len,
			         "the checkpoint's seq %" PRIu64
			         " is the export's first entry, whose bytes a "
			         "partial export cannot verify (export from an "
			         "earlier seq)",
			         cp->seq);
			goto out;
		}
		if (cp_verify(cp, pin, why, len) < 0)
			goto out;
		res->checkpoint = 1;
	}
	rc = 0;
out:
	if (x != NULL)
		audit_sig_free(x->sig);
	free(x);
	return rc;
}
