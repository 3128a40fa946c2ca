/* The soak's model and round logs as text files of protocol rows
 * ("REC provider=sp0 id=u3-7 ..."), read back with the reply parser. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "soak.h"

const char *const soak_kind_name[SK_N] = {"usage", "batch",  "redeem",
                                          "void",  "settle", "reload"};
const char *const soak_st_name[SS_N] = {"ack", "refused", "unanswered"};

/* the row type of each kind in a log */
static const char *const row_name[SK_N] = {"USAGE", "BATCH",  "REDEEM",
                                           "VOID",  "SETTLE", "RELOAD"};

static uint64_t key_hash(const char *provider, const char *id)
{
	uint64_t h = 1469598103934665603ULL;
	const char *p;

	for (p = provider; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ULL;
	h = (h ^ '/') * 1099511628211ULL;
	for (p = id; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ULL;
	return h;
}

static int index_put(uint32_t *ix, size_t cap, const struct soak_rec *all,
                     uint32_t i)
{
	size_t at = (size_t)(key_hash(all[i].provider, all[i].id) & (cap - 1));

	while (ix[at] != 0)
		at = (at + 1) & (cap - 1);
	ix[at] = i + 1;
	return 0;
}

struct soak_rec *model_find(const struct soak_model *m, const char *provider,
                            const char *id)
{
	size_t at;

	if (m->icap == 0)
		return NULL;
	at = (size_t)(key_hash(provider, id) & (m->icap - 1));
	while (m->index[at] != 0) {
		struct soak_rec *r = &m->rec[m->index[at] - 1];
		if (strcmp(r->id, id) == 0 &&
		    strcmp(r->provider, provider) == 0)
			return r;
		at = (at + 1) & (m->icap - 1);
	}
	return NULL;
}

static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
	size_t c = *cap ? *cap : 1024;
	void *q;

	if (n < *cap)
		return p;
	while (c <= n)
		c *= 2;
	if ((q = realloc(p, c * size)) == NULL)
		return NULL;
	*cap = c;
	return q;
}

struct soak_rec *model_add(struct soak_model *m, const char *provider,
                           const char *id, const char *org, int period,
                           int64_t at, int64_t amount)
{
	struct soak_rec *r;
	size_t i;

	if ((r = grow(m->rec, &m->caprec, m->nrec, sizeof(*r))) == NULL)
		return NULL;
	m->rec = r;
	/* the index at most half full */
	if (2 * (m->nrec + 1) > m->icap) {
		size_t cap = m->icap ? m->icap * 2 : 4096;
		uint32_t *ix = calloc(cap, sizeof(*ix));
		if (ix == NULL)
			return NULL;
		for (i = 0; i < m->nrec; i++)
			index_put(ix, cap, m->rec, (uint32_t)i);
		free(m->index);
		m->index = ix;
		m->icap = cap;
	}
	r = &m->rec[m->nrec];
	memset(r, 0, sizeof(*r));
	snprintf(r->provider, sizeof(r->provider), "%s", provider);
	snprintf(r->id, sizeof(r->id), "%s", id);
	snprintf(r->org, sizeof(r->org), "%s", org);
	r->period = period;
	r->at = at;
	r->amount = amount;
	index_put(m->index, m->icap, m->rec, (uint32_t)m->nrec);
	m->nrec++;
	return r;
}

int model_add_red(struct soak_model *m, const struct soak_op *op)
{
	struct soak_red *d;

	if ((d = grow(m->red, &m->capred, m->nred, sizeof(*d))) == NULL)
		return -1;
	m->red = d;
	d = &m->red[m->nred++];
	snprintf(d->provider, sizeof(d->provider), "%s", op->provider);
	snprintf(d->ref, sizeof(d->ref), "%s", op->id);
	snprintf(d->record, sizeof(d->record), "%s", op->record);
	snprintf(d->voucher, sizeof(d->voucher), "%s", op->voucher);
	d->amount = op->amount;
	return 0;
}

int model_add_slot(struct soak_model *m, const char *program, int period)
{
	struct soak_slot *s;

	if ((s = grow(m->slot, &m->capslot, m->nslot, sizeof(*s))) == NULL)
		return -1;
	m->slot = s;
	s = &m->slot[m->nslot++];
	snprintf(s->program, sizeof(s->program), "%s", program);
	s->period = period;
	return 0;
}

int model_has_slot(const struct soak_model *m, const char *program, int period)
{
	size_t i;

	for (i = 0; i < m->nslot; i++)
		if (m->slot[i].period == period &&
		    strcmp(m->slot[i].program, program) == 0)
			return 1;
	return 0;
}

void model_free(struct soak_model *m)
{
	free(m->rec);
	free(m->red);
	free(m->slot);
	free(m->index);
	memset(m, 0, sizeof(*m));
}

static int64_t get_i64(const struct reply *r, const char *key)
{
	int64_t v = 0;

	reply_get_i64(r, key, &v);
	return v;
}

static int is_row(const struct reply *r, const char *line, const char *w)
{
	return r->word.len == strlen(w) &&
	       memcmp(line + r->word.off, w, r->word.len) == 0;
}

static int model_row(struct soak_model *m, const char *l, const struct reply *r)
{
	char a[SOAK_ID], b[SOAK_ID], c[SOAK_ID], hash[65];
	struct soak_op op;
	int k;

	if (is_row(r, l, "MODEL")) {
		m->round = get_i64(r, "round");
		m->head = (uint64_t)get_i64(r, "head");
		soak_get(r, "hash", hash, sizeof(hash));
		if (hex_decode(hash, strlen(hash), m->hash, CHAIN_HASH_LEN) < 0)
			return -1;
		for (k = 0; k < SK_N; k++)
			m->checked[k] = get_i64(r, soak_kind_name[k]);
		m->refused_checked = get_i64(r, "refused");
		m->unanswered[0] = get_i64(r, "unanswered_absent");
		m->unanswered[1] = get_i64(r, "unanswered_present");
		m->kills = get_i64(r, "kills");
		m->entries = get_i64(r, "entries");
		return 0;
	}
	if (is_row(r, l, "REC")) {
		struct soak_rec *rec;
		soak_get(r, "provider", a, sizeof(a));
		soak_get(r, "id", b, sizeof(b));
		soak_get(r, "org", c, sizeof(c));
		rec = model_add(m, a, b, c, (int)get_i64(r, "period"),
		                get_i64(r, "at"), get_i64(r, "amount"));
		if (rec == NULL)
			return -1;
		rec->voided = (int)get_i64(r, "voided");
		return 0;
	}
	if (is_row(r, l, "RED")) {
		memset(&op, 0, sizeof(op));
		soak_get(r, "provider", op.provider, sizeof(op.provider));
		soak_get(r, "ref", op.id, sizeof(op.id));
		soak_get(r, "record", op.record, sizeof(op.record));
		soak_get(r, "voucher", op.voucher, sizeof(op.voucher));
		op.amount = get_i64(r, "amount");
		return model_add_red(m, &op);
	}
	if (is_row(r, l, "SLOT")) {
		soak_get(r, "program", a, sizeof(a));
		return model_add_slot(m, a, (int)get_i64(r, "period"));
	}
	return -1;
}

int model_load(struct soak_model *m, const char *path)
{
	char line[1024];
	struct reply r;
	FILE *f;
	int rc = 0;

	memset(m, 0, sizeof(*m));
	if ((f = fopen(path, "r")) == NULL)
		return 0; /* no model yet: nothing verified */
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (reply_parse(line, strlen(line), &r) != 0 ||
		    model_row(m, line, &r) < 0) {
			fprintf(stderr, "soakload: %s: bad row: %.80s\n", path,
			        line);
			rc = -1;
		}
	}
	fclose(f);
	return rc;
}

int model_save(const struct soak_model *m, const char *path)
{
	char tmp[1024], hash[65];
	FILE *f;
	size_t i;
	int k;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	hex_encode(m->hash, CHAIN_HASH_LEN, hash);
	fprintf(f, "MODEL round=%" PRId64 " head=%" PRIu64 " hash=%s", m->round,
	        m->head, hash);
	for (k = 0; k < SK_N; k++)
		fprintf(f, " %s=%" PRId64, soak_kind_name[k], m->checked[k]);
	fprintf(f,
	        " refused=%" PRId64 " unanswered_absent=%" PRId64
	        " unanswered_present=%" PRId64 " kills=%" PRId64
	        " entries=%" PRId64 "\n",
	        m->refused_checked, m->unanswered[0], m->unanswered[1],
	        m->kills, m->entries);
	for (i = 0; i < m->nrec; i++)
		fprintf(f,
		        "REC provider=%s id=%s org=%s period=%d at=%" PRId64
		        " amount=%" PRId64 " voided=%d\n",
		        m->rec[i].provider, m->rec[i].id, m->rec[i].org,
		        m->rec[i].period, m->rec[i].at, m->rec[i].amount,
		        m->rec[i].voided);
	for (i = 0; i < m->nred; i++)
		fprintf(f,
		        "RED provider=%s ref=%s record=%s voucher=%s "
		        "amount=%" PRId64 "\n",
		        m->red[i].provider, m->red[i].ref, m->red[i].record,
		        m->red[i].voucher, m->red[i].amount);
	for (i = 0; i < m->nslot; i++)
		fprintf(f, "SLOT program=%s period=%d\n", m->slot[i].program,
		        m->slot[i].period);
	if (fflush(f) != 0 || ferror(f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	return rename(tmp, path);
}

/* "-" for an empty value: a row's values are never empty */
static const char *v(const char *s)
{
	return s[0] ? s : "-";
}

void soak_log_write(FILE *f, const struct soak_op *op)
{
	char reply[sizeof(op->reply)];
	size_t i;
	int k;

	/* the reply as one token */
	for (i = 0; op->reply[i] && i + 1 < sizeof(reply); i++)
		reply[i] = op->reply[i] == ' ' || op->reply[i] == '='
		               ? '_'
		               : op->reply[i];
	reply[i] = '\0';
	fprintf(f,
	        "%s st=%s want_refused=%d duplicate=%d provider=%s id=%s "
	        "org=%s record=%s voucher=%s program=%s period=%d "
	        "variant=%d at=%" PRId64 " amount=%" PRId64 " seq=%" PRId64
	        " accepted=%" PRId64 " n=%d reply=%s\n",
	        row_name[op->kind], soak_st_name[op->st], op->want_refused,
	        op->duplicate, v(op->provider), v(op->id), v(op->org),
	        v(op->record), v(op->voucher), v(op->program), op->period,
	        op->variant, op->at, op->amount, op->seq, op->accepted, op->n,
	        v(reply));
	for (k = 0; k < op->n; k++)
		fprintf(f,
		        "BREC id=%s org=%s period=%d duplicate=%d at=%" PRId64
		        " amount=%" PRId64 "\n",
		        op->lines[k].id, op->lines[k].org, op->lines[k].period,
		        op->lines[k].duplicate, op->lines[k].at,
		        op->lines[k].amount);
}

static int log_row(struct soak_op *op, const char *l, const struct reply *r)
{
	char st[16];
	int k;

	memset(op, 0, sizeof(*op));
	for (k = 0; k < SK_N && !is_row(r, l, row_name[k]); k++)
		;
	if (k == SK_N)
		return -1;
	op->kind = k;
	soak_get(r, "st", st, sizeof(st));
	for (k = 0; k < SS_N && strcmp(st, soak_st_name[k]) != 0; k++)
		;
	if (k == SS_N)
		return -1;
	op->st = k;
	op->want_refused = (int)get_i64(r, "want_refused");
	op->duplicate = (int)get_i64(r, "duplicate");
	soak_get(r, "provider", op->provider, sizeof(op->provider));
	soak_get(r, "id", op->id, sizeof(op->id));
	soak_get(r, "org", op->org, sizeof(op->org));
	soak_get(r, "record", op->record, sizeof(op->record));
	soak_get(r, "voucher", op->voucher, sizeof(op->voucher));
	soak_get(r, "program", op->program, sizeof(op->program));
	soak_get(r, "reply", op->reply, sizeof(op->reply));
	op->period = (int)get_i64(r, "period");
	op->variant = (int)get_i64(r, "variant");
	op->at = get_i64(r, "at");
	op->amount = get_i64(r, "amount");
	op->seq = get_i64(r, "seq");
	op->accepted = get_i64(r, "accepted");
	op->n = (int)get_i64(r, "n");
	return op->n >= 0 && op->n <= SOAK_BATCH_MAX ? 0 : -1;
}

long soak_log_read(const char *path, struct soak_op **ops)
{
	char line[1024];
	struct reply r;
	size_t n = 0, cap = 0;
	struct soak_op *all = NULL, *op = NULL;
	int got = 0; /* BREC rows read of op's n */
	FILE *f = fopen(path, "r");

	*ops = NULL;
	if (f == NULL)
		return 0; /* the load never started: nothing was sent */
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (reply_parse(line, strlen(line), &r) != 0)
			goto bad;
		if (is_row(&r, line, "BREC")) {
			struct soak_line *b;
			if (op == NULL || got == op->n)
				goto bad;
			b = &op->lines[got++];
			soak_get(&r, "id", b->id, sizeof(b->id));
			soak_get(&r, "org", b->org, sizeof(b->org));
			b->period = (int)get_i64(&r, "period");
			b->duplicate = (int)get_i64(&r, "duplicate");
			b->at = get_i64(&r, "at");
			b->amount = get_i64(&r, "amount");
			continue;
		}
		if (op != NULL && got != op->n)
			goto bad;
		if ((all = grow(all, &cap, n, sizeof(*all))) == NULL)
			goto bad;
		op = &all[n++];
		got = 0;
		if (log_row(op, line, &r) < 0)
			goto bad;
	}
	fclose(f);
	if (op != NULL && got != op->n) {
		free(all);
		return -1;
	}
	*ops = all;
	return (long)n;
bad:
	fprintf(stderr, "soakload: %s: bad row: %.80s\n", path, line);
	fclose(f);
	free(all);
	return -1;
}
