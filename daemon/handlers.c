/* Commands: a parsed request is checked in protocol.md's order (framing,
 * command, authentication, role, arguments, signature, then the ledger's
 * own checks) and answered on the connection. Writes run through
 * ledger_batch, whose commit is synced before the OK is written. */
#include <inttypes.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "err.h"
#include "errmap.h"
#include "civil.h"
#include "hex.h"
#include "reads.h"
#include "record.h"
#include "handlers.h"
#include "srv.h"

#define RECORDS_MAX_LIMIT 1000
#define JOURNAL_MAX_LIMIT 10000

void handlers_err(struct conn *c, int code, const char *msg)
{
	conn_err(c, errmap_word(code), msg);
}

const char *handlers_role_word(unsigned role)
{
	return role == ROLE_PROVIDER ? "provider"
	       : role == ROLE_ORG    ? "org"
	       : role == ROLE_BUREAU ? "bureau"
	                             : "none";
}

static unsigned ledger_to_role(int r)
{
	/* the store keeps enum role: anything else is no role */
	return r > ROLE_NONE && r < ROLE_COUNT ? (unsigned)r : ROLE_NONE;
}

/* Run one write; 0 when it applied (its results are in op). */

void handlers_copy(const struct req *r, enum cmd_key k, char *dst, size_t n)
{
	if (req_copy(r, k, dst, n) < 0)
		dst[0] = '\0';
}

/* ---- session ---- */

void do_hello(struct conn *c)
{
	uint8_t raw[32];

	if (RAND_bytes(raw, sizeof(raw)) != 1) {
		handlers_err(c, VD_EINTERNAL, "no randomness");
		return;
	}
	hex_encode(raw, sizeof(raw), c->nonce);
	reply_ok(&c->out);
	reply_kv_str(&c->out, "server", "vouchd");
	reply_kv_str(&c->out, "proto", "1");
	reply_kv_str(&c->out, "nonce", c->nonce);
	reply_kv_hex(&c->out, "key", c->s->pub, SIG_PUB_LEN);
	reply_end(&c->out);
}

/* The failure record of c's address (its host, without the port). */
static struct auth_fail *fail_slot(struct conn *c)
{
	struct server *s = c->s;
	char addr[64];
	const char *colon = strrchr(c->peer, ':');
	size_t n = colon ? (size_t)(colon - c->peer) : strlen(c->peer);
	unsigned h = 2166136261u;
	size_t i;

	if (n >= sizeof(addr))
		n = sizeof(addr) - 1;
	memcpy(addr, c->peer, n);
	addr[n] = '\0';
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)addr[i]) * 16777619u;
	/* one slot per hash; a collision shares a counter, which only
	 * errs towards slowing down */
	i = h % (sizeof(s->fails) / sizeof(s->fails[0]));
	if (strcmp(s->fails[i].addr, addr) != 0) {
		snprintf(s->fails[i].addr, sizeof(s->fails[i].addr), "%s",
		         addr);
		s->fails[i].failures = 0;
		s->fails[i].until = 0;
	}
	return &s->fails[i];
}

void do_auth(struct conn *c, const struct req *r)
{
	struct ledger_principal p;
	struct sig_pub *pub = NULL;
	struct auth_fail *f;
	char id[LEDGER_ID + 1];
	uint8_t sig[SIG_LEN];
	size_t n;
	const char *hex = req_str(r, KEY_SIG, &n);
	int ok;

	handlers_copy(r, KEY_ID, id, sizeof(id));
	if (c->nonce[0] == '\0') {
		handlers_err(c, VD_EINVAL, "send HELLO first");
		return;
	}
	f = fail_slot(c);
	if (srv_now() < f->until) {
		char msg[80];
		c->nonce[0] = '\0';
		snprintf(msg, sizeof(msg),
		         "too many failed attempts from here; retry in %lld s",
		         (long long)(f->until - srv_now()));
		handlers_err(c, VD_EAUTH, msg);
		return;
	}
	ok = ledger_principal(c->s->l, id, &p) == 0 &&
	     hex_decode(hex, n, sig, SIG_LEN) == 0 &&
	     sig_pub_parse(p.key, &pub) == 0 &&
	     sig_auth_verify(pub, c->nonce, 64, sig) == 0;
	/* a nonce is good for one AUTH, right or wrong */
	c->nonce[0] = '\0';
	if (!ok) {
		int64_t wait;
		sig_pub_free(pub);
		/* from the third failure on, wait 1, 2, 4 ... at most 300 s */
		if (++f->failures >= 3) {
			wait =
			    f->failures >= 12 ? 300 : 1LL << (f->failures - 3);
			f->until = srv_now() + (wait > 300 ? 300 : wait);
		}
		conn_err(c, "AUTH", "unknown principal or bad signature");
		srv_log(c->s, 1, "%s: AUTH failed for %s", c->peer, id);
		return;
	}
	f->failures = 0;
	f->until = 0;
	sig_pub_free(c->pub);
	c->pub = pub;
	c->role = ledger_to_role(p.role);
	snprintf(c->id, sizeof(c->id), "%s", id);
	reply_ok(&c->out);
	reply_kv_str(&c->out, "id", id);
	reply_kv_str(&c->out, "role", handlers_role_word(c->role));
	reply_end(&c->out);
	srv_log(c->s, 2, "%s: authenticated as %s (%s)", c->peer, id,
	        handlers_role_word(c->role));
}

/* ---- provider writes ---- */

int handlers_own_line(struct conn *c, const struct req *r)
{
	char provider[LEDGER_ID + 1];

	handlers_copy(r, KEY_PROVIDER, provider, sizeof(provider));
	return strcmp(provider, c->id) == 0;
}

void handlers_fill_record(const struct req *r, struct ledger_record *u)
{
	memset(u, 0, sizeof(*u));
	handlers_copy(r, KEY_PROVIDER, u->provider, sizeof(u->provider));
	handlers_copy(r, KEY_ID, u->id, sizeof(u->id));
	handlers_copy(r, KEY_ORG, u->org, sizeof(u->org));
	handlers_copy(r, KEY_UNIT, u->unit, sizeof(u->unit));
	handlers_copy(r, KEY_CLASS, u->klass, sizeof(u->klass));
	u->at = r->num[KEY_AT];
	u->amount = r->num[KEY_AMOUNT];
	u->qty = r->num[KEY_QTY];
	u->kind = (int)r->num[KEY_KIND];
}

/* BATCH: the header is checked now; the n lines follow. A batch refused
 * for any reason but its size still consumes its lines. */
void do_batch(struct conn *c, const struct req *r, int refusal)
{
	int64_t n = r->num[KEY_N];

	c->in_batch = 1;
	c->batch_answered = 0;
	c->batch_n = (size_t)n;
	c->batch_got = 0;
	c->batch_err = refusal;
	c->batch_bad = 0;
	c->lines_len = 0;
	memcpy(c->batch_hdr, r->line, r->len);
	c->batch_hdr_len = r->len;
	free(c->recs);
	c->recs = calloc((size_t)n, sizeof(*c->recs));
	if (c->recs == NULL && !c->batch_err)
		c->batch_err = VD_ENOMEM;
}

void batch_line(struct conn *c, const char *line, size_t len)
{
	struct req r;
	int rc;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (!c->batch_err) {
		rc = req_parse(line, len, (size_t)c->s->cfg.max_line,
		               REQ_BATCH_LINE, &r);
		if (rc == 0 && !handlers_own_line(c, &r))
			rc = VD_EDENIED;
		if (rc < 0) {
			c->batch_err = rc;
			c->batch_bad = c->batch_got + 1;
		} else {
			/* the signature covers each line with its LF */
			if (c->lines_len + len + 1 > c->lines_cap) {
				size_t nc =
				    c->lines_cap ? c->lines_cap * 2 : 64 * 1024;
				char *p;
				while (nc < c->lines_len + len + 1)
					nc *= 2;
				p = realloc(c->lines, nc);
				if (p == NULL)
					c->batch_err = VD_ENOMEM;
				else {
					c->lines = p;
					c->lines_cap = nc;
				}
			}
			if (!c->batch_err) {
				handlers_fill_record(&r,
				                     &c->recs[c->batch_got]);
				memcpy(c->lines + c->lines_len, line, len);
				c->recs[c->batch_got].line_len = len;
				c->recs[c->batch_got].line =
				    (const char *)(uintptr_t)c->lines_len;
				c->lines_len += len;
				c->lines[c->lines_len++] = '\n';
			}
		}
	}
	if (++c->batch_got < c->batch_n)
		return;
	c->in_batch = 0;
	if (c->batch_answered)
		return;
	if (c->batch_err) {
		char msg[96];
		if (c->batch_bad)
			snprintf(msg, sizeof(msg), "line %zu: %s", c->batch_bad,
			         err_str(c->batch_err));
		else
			snprintf(msg, sizeof(msg), "%s", err_str(c->batch_err));
		handlers_err(c, c->batch_err, msg);
		return;
	}
	{
		uint8_t sig[SIG_LEN];
		struct req h;
		size_t n;
		const char *hex;
		req_parse(c->batch_hdr, c->batch_hdr_len,
		          (size_t)c->s->cfg.max_line, REQ_LINE, &h);
		/* the signature is checked by a worker */
		hex = req_str(&h, KEY_SIG, &n);
		hex_decode(hex, n, sig, SIG_LEN);
		handlers_batch_submit(c, sig);
	}
}
