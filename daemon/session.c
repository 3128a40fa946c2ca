#include "session.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "hex.h"
#include "reads.h"

enum dispatch_next session_hello(struct conn *c, const struct req *r)
{
	uint8_t raw[32];

	(void)r;
	if (RAND_bytes(raw, sizeof(raw)) != 1) {
		srv_err(c, VD_EINTERNAL, "no randomness");
		return DISPATCH_DONE;
	}
	hex_encode(raw, sizeof(raw), c->nonce);
	reply_ok(&c->out);
	reply_kv_str(&c->out, "server", "vouchd");
	reply_kv_str(&c->out, "proto", "1");
	reply_kv_str(&c->out, "nonce", c->nonce);
	reply_kv_hex(&c->out, "key", c->s->pub, SIG_PUB_LEN);
	reply_end(&c->out);
	return DISPATCH_DONE;
}

/* The failure record of AUTHs as id from c's address (its host, without
 * the port). Per id too: a client that keeps failing as one principal
 * must not lock out the others that share its address (a NAT, a
 * bureau's office, 127.0.0.1), and their successes must not reset its
 * count. */
static struct auth_fail *fail_slot(struct conn *c, const char *id)
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
	h = (h ^ 0) * 16777619u;
	for (i = 0; id[i]; i++)
		h = (h ^ (unsigned char)id[i]) * 16777619u;
	/* one slot per hash; a collision shares a counter, which only
	 * errs towards slowing down */
	i = h % (sizeof(s->fails) / sizeof(s->fails[0]));
	if (strcmp(s->fails[i].addr, addr) != 0 ||
	    strcmp(s->fails[i].id, id) != 0) {
		snprintf(s->fails[i].addr, sizeof(s->fails[i].addr), "%s",
		         addr);
		snprintf(s->fails[i].id, sizeof(s->fails[i].id), "%s", id);
		s->fails[i].failures = 0;
		s->fails[i].until = 0;
	}
	return &s->fails[i];
}

enum dispatch_next session_auth(struct conn *c, const struct req *r)
{
	struct ledger_principal p;
	struct sig_pub *pub = NULL;
	struct auth_fail *f;
	char id[LEDGER_ID + 1];
	uint8_t sig[SIG_LEN];
	size_t n;
	const char *hex = req_str(r, KEY_SIG, &n);
	int ok;

	/* the parser bounded id= to LEDGER_ID and sig= to 128 hex */
	req_copy(r, KEY_ID, id, sizeof(id));
	if (c->nonce[0] == '\0') {
		srv_err(c, VD_EINVAL, "send HELLO first");
		return DISPATCH_DONE;
	}
	f = fail_slot(c, id);
	if (srv_now() < f->until) {
		char msg[96];
		c->nonce[0] = '\0';
		snprintf(msg, sizeof(msg),
		         "too many failed attempts as this id from here; retry "
		         "in %lld s",
		         (long long)(f->until - srv_now()));
		srv_err(c, VD_EAUTH, msg);
		return DISPATCH_DONE;
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
		srv_err(c, VD_EAUTH, "unknown principal or bad signature");
		srv_log(c->s, 1, "%s: AUTH failed for %s", c->peer, id);
		return DISPATCH_DONE;
	}
	f->failures = 0;
	f->until = 0;
	/* AUTH is a read: it runs only when no write of c is queued, so no
	 * job still refers to the old key */
	sig_pub_free(c->pub);
	c->pub = pub;
	memcpy(c->key, p.key, sizeof(c->key));
	c->role = p.role;
	snprintf(c->id, sizeof(c->id), "%s", id);
	reply_ok(&c->out);
	reply_kv_str(&c->out, "id", id);
	reply_kv_str(&c->out, "role", role_name(c->role));
	reply_end(&c->out);
	srv_log(c->s, 2, "%s: authenticated as %s (%s)", c->peer, id,
	        role_name(c->role));
	return DISPATCH_DONE;
}

enum dispatch_next session_ping(struct conn *c, const struct req *r)
{
	(void)r;
	reply_ok(&c->out);
	reply_end(&c->out);
	return DISPATCH_DONE;
}

enum dispatch_next session_quit(struct conn *c, const struct req *r)
{
	(void)r;
	reply_ok(&c->out);
	reply_end(&c->out);
	return DISPATCH_CLOSE;
}
