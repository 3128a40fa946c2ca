/* Policy loading: files are split into lines here, handed to inih one line
 * at a time, and gathered into raw sections; policy_build.c then turns the
 * raw sections into checked pools, groups and programs.
 *
 * inih as packaged reports neither the line of a key nor empty sections, and
 * it treats an indented line as the continuation of the previous value. The
 * reader below therefore counts lines, registers section headers itself and
 * hands inih each line with its indentation removed, so that every key and
 * every error is tied to its file and line. */
#include "policy.h"

#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "policy_build.h"

void policy_error(struct policy_errors *errs, const char *file, int line,
                  const char *fmt, ...)
{
	va_list ap;
	char *m;
	int n;

	if (errs == NULL)
		return;
	errs->total++;
	if (errs->n >= POLICY_MAX_ERRORS)
		return;
	m = errs->msg[errs->n++];
	n = line > 0 ? snprintf(m, POLICY_ERR_LEN, "%s:%d: ", file, line)
	             : snprintf(m, POLICY_ERR_LEN, "%s: ", file);
	if (n < 0 || n >= POLICY_ERR_LEN)
		return;
	va_start(ap, fmt);
	vsnprintf(m + n, POLICY_ERR_LEN - (size_t)n, fmt, ap);
	va_end(ap);
}

void policy_quote(char *dst, size_t size, const char *s, size_t len)
{
	size_t i, n = 0;

	/* Messages echo the operator's own file, but never raw control bytes
	 * and never more than fits. */
	for (i = 0; i < len && n + 4 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (i < len && n + 4 <= size) {
		memcpy(dst + n, "...", 3);
		n += 3;
	}
	dst[n] = '\0';
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

static int section_begin(struct policy_raw *raw, const char *hdr, size_t len)
{
	const char *file = raw->file_name;
	struct policy_raw_section *s;
	const char *type, *id;
	size_t tlen, ilen = 0, i;
	char q[80];
	int t;

	raw->cur = -1;
	/* hdr is "[ ... ]" without the brackets, possibly padded */
	while (len > 0 && is_space(hdr[0]))
		hdr++, len--;
	while (len > 0 && is_space(hdr[len - 1]))
		len--;
	type = hdr;
	for (tlen = 0; tlen < len && !is_space(hdr[tlen]); tlen++)
		;
	for (i = tlen; i < len && is_space(hdr[i]); i++)
		;
	id = hdr + i;
	ilen = len - i;
	for (i = 0; i < ilen; i++)
		if (is_space(id[i])) {
			policy_quote(q, sizeof(q), hdr, len);
			policy_error(raw->errs, file, raw->line,
			             "section '[%s]' has more than two words",
			             q);
			return 0;
		}
	if (tlen == 6 && memcmp(type, "ledger", 6) == 0)
		t = POLICY_SEC_LEDGER;
	else if (tlen == 4 && memcmp(type, "pool", 4) == 0)
		t = POLICY_SEC_POOL;
	else if (tlen == 7 && memcmp(type, "program", 7) == 0)
		t = POLICY_SEC_PROGRAM;
	else if (tlen == 5 && memcmp(type, "group", 5) == 0)
		t = POLICY_SEC_GROUP;
	else {
		policy_quote(q, sizeof(q), hdr, len);
		policy_error(raw->errs, file, raw->line,
		             "unknown section '[%s]' (expected [ledger], "
		             "[pool NAME], [program NAME] or [group NAME])",
		             q);
		return 0;
	}
	if (t == POLICY_SEC_LEDGER && ilen != 0) {
		policy_error(raw->errs, file, raw->line,
		             "[ledger] takes no name");
		return 0;
	}
	if (t != POLICY_SEC_LEDGER && ilen == 0) {
		policy_quote(q, sizeof(q), type, tlen);
		policy_error(raw->errs, file, raw->line,
		             "section [%s] needs a name", q);
		return 0;
	}
	if (t != POLICY_SEC_LEDGER && !policy_id_valid(id, ilen)) {
		policy_quote(q, sizeof(q), id, ilen);
		policy_error(raw->errs, file, raw->line,
		             "invalid name '%s' (expected [a-z0-9][a-z0-9._-]"
		             "{0,63})",
		             q);
		return 0;
	}
	for (i = 0; i < raw->nsec; i++) {
		s = &raw->secs[i];
		if ((int)s->type == t && strlen(s->id) == ilen &&
		    memcmp(s->id, id, ilen) == 0) {
			policy_quote(q, sizeof(q), hdr, len);
			policy_error(raw->errs, file, raw->line,
			             "duplicate section [%s] (first at %s:%d)",
			             q, s->file, s->line);
			return 0;
		}
	}
	if (raw->nsec >= POLICY_MAX_SECTIONS) {
		policy_error(raw->errs, file, raw->line,
		             "more than %d sections", POLICY_MAX_SECTIONS);
		return 0;
	}
	if (raw->nsec == raw->capsec) {
		size_t nc = raw->capsec ? raw->capsec * 2 : 16;
		void *p = realloc(raw->secs, nc * sizeof(*raw->secs));
		if (p == NULL)
			return VD_ENOMEM;
		raw->secs = p;
		raw->capsec = nc;
	}
	s = &raw->secs[raw->nsec];
	memset(s, 0, sizeof(*s));
	s->type = (enum policy_sec_type)t;
	memcpy(s->id, id, ilen);
	s->file = file;
	s->line = raw->line;
	raw->cur = (int)raw->nsec++;
	return 0;
}

/* What the reader hands inih for a line it has refused or consumed. */
static char *blank_line(char *str)
{
	str[0] = '\n';
	str[1] = '\0';
	return str;
}

static char *reader(char *str, int num, void *stream)
{
	struct policy_raw *raw = stream;
	const char *line, *eol, *eq;
	size_t len, i;

	if (raw->pos >= raw->len || num < 3 || raw->oom)
		return NULL;
	line = raw->buf + raw->pos;
	eol = memchr(line, '\n', raw->len - raw->pos);
	len = eol ? (size_t)(eol - line) : raw->len - raw->pos;
	raw->pos += len + (eol != NULL);
	raw->line++;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	/* editors on Windows start files with a UTF-8 byte order mark */
	if (raw->line == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
		line += 3, len -= 3;
	if (memchr(line, '\0', len) != NULL) {
		policy_error(raw->errs, raw->file_name, raw->line,
		             "NUL byte in line");
		return blank_line(str);
	}
	while (len > 0 && is_space(line[0]))
		line++, len--;
	while (len > 0 && is_space(line[len - 1]))
		len--;
	if (len == 0 || line[0] == ';' || line[0] == '#')
		return blank_line(str);
	if (line[0] == '[') {
		const char *close = memchr(line, ']', len);
		if (close == NULL) {
			policy_error(raw->errs, raw->file_name, raw->line,
			             "section header without ']'");
			raw->cur = -1;
			raw->in_bad_section = 1;
			return blank_line(str);
		}
		for (i = (size_t)(close - line) + 1; i < len; i++)
			if (!is_space(line[i]))
				break;
		if (i < len && line[i] != ';' && line[i] != '#') {
			policy_error(raw->errs, raw->file_name, raw->line,
			             "text after section header");
			raw->cur = -1;
			raw->in_bad_section = 1;
			return blank_line(str);
		}
		if (section_begin(raw, line + 1, (size_t)(close - line) - 1) <
		    0)
			raw->oom = 1;
		raw->in_bad_section = raw->cur < 0;
		/* inih only needs to know a section started; the raw section
		 * (or its absence, after an error) is ours. */
		snprintf(str, (size_t)num, "[s]\n");
		return str;
	}
	/* Inline comments start with ';' or '#' after white space. */
	for (i = 1; i < len; i++)
		if ((line[i] == ';' || line[i] == '#') && is_space(line[i - 1]))
			break;
	len = i;
	while (len > 0 && is_space(line[len - 1]))
		len--;
	eq = memchr(line, '=', len);
	if (eq == NULL || memchr(line, ':', (size_t)(eq - line)) != NULL) {
		policy_error(raw->errs, raw->file_name, raw->line,
		             "expected 'key = value'");
		return blank_line(str);
	}
	if (raw->cur < 0) {
		/* A key outside any section, or in a refused section: the
		 * latter was reported at its header. */
		if (!raw->in_bad_section)
			policy_error(raw->errs, raw->file_name, raw->line,
			             "key outside a section");
		return blank_line(str);
	}
	if (len > POLICY_MAX_LINE) {
		policy_error(raw->errs, raw->file_name, raw->line,
		             "line longer than %d bytes", POLICY_MAX_LINE);
		return blank_line(str);
	}
	if (len + 2 > (size_t)num) {
		/* inih's line buffer is small (200 bytes as packaged); a long
		 * list of providers must still load. The value waits here
		 * and inih sees only "key =". */
		const char *v = eq + 1;
		size_t klen = (size_t)(eq - line);
		while (v < line + len && is_space(*v))
			v++;
		if (klen + 3 > (size_t)num) {
			policy_error(raw->errs, raw->file_name, raw->line,
			             "key longer than %d bytes", num - 3);
			return blank_line(str);
		}
		free(raw->stash);
		raw->stash = strndup(v, (size_t)(line + len - v));
		if (raw->stash == NULL) {
			raw->oom = 1;
			return blank_line(str);
		}
		raw->stash_line = raw->line;
		memcpy(str, line, klen + 1);
		str[klen + 1] = '\n';
		str[klen + 2] = '\0';
		return str;
	}
	memcpy(str, line, len);
	str[len] = '\n';
	str[len + 1] = '\0';
	return str;
}

static int handler(void *user, const char *section, const char *name,
                   const char *value)
{
	struct policy_raw *raw = user;
	struct policy_raw_section *s;
	size_t i, nlen = strlen(name);
	char q[64];

	(void)section;
	if (raw->cur < 0 || raw->oom)
		return 1;
	s = &raw->secs[raw->cur];
	if (nlen == 0 || nlen >= sizeof(s->kv[0].key)) {
		policy_quote(q, sizeof(q), name, nlen);
		policy_error(raw->errs, raw->file_name, raw->line,
		             "unknown key '%s'", q);
		return 1;
	}
	for (i = 0; i < s->nkv; i++)
		if (strcmp(s->kv[i].key, name) == 0) {
			policy_error(raw->errs, raw->file_name, raw->line,
			             "repeated key '%s' (first at line %d)",
			             name, s->kv[i].line);
			return 1;
		}
	if (s->nkv >= POLICY_MAX_KEYS) {
		policy_error(raw->errs, raw->file_name, raw->line,
		             "more than %d keys in a section", POLICY_MAX_KEYS);
		return 1;
	}
	/* a long line: the reader kept its value (see reader()) */
	if (raw->stash != NULL && raw->stash_line == raw->line) {
		s->kv[s->nkv].value = raw->stash;
		raw->stash = NULL;
	} else
		s->kv[s->nkv].value = strdup(value);
	if (s->kv[s->nkv].value == NULL) {
		raw->oom = 1;
		return 1;
	}
	memcpy(s->kv[s->nkv].key, name, nlen + 1);
	s->kv[s->nkv].line = raw->line;
	s->nkv++;
	return 1;
}

static int read_file(const char *path, char **buf, size_t *len,
                     struct policy_errors *errs)
{
	struct stat st;
	FILE *f;
	size_t n;

	f = fopen(path, "rb");
	if (f == NULL) {
		policy_error(errs, path, 0, "cannot open: %s", strerror(errno));
		return VD_EPOLICY;
	}
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
		policy_error(errs, path, 0, "not a regular file");
		fclose(f);
		return VD_EPOLICY;
	}
	if (st.st_size > POLICY_MAX_FILE_SIZE) {
		policy_error(errs, path, 0, "larger than %d bytes",
		             POLICY_MAX_FILE_SIZE);
		fclose(f);
		return VD_EPOLICY;
	}
	*buf = malloc((size_t)st.st_size + 1);
	if (*buf == NULL) {
		fclose(f);
		return VD_ENOMEM;
	}
	n = fread(*buf, 1, (size_t)st.st_size + 1, f);
	fclose(f);
	if (n > (size_t)st.st_size) {
		policy_error(errs, path, 0, "file grew while being read");
		free(*buf);
		*buf = NULL;
		return VD_EPOLICY;
	}
	*len = n;
	return 0;
}

static void raw_free(struct policy_raw *raw)
{
	size_t i, j;

	for (i = 0; i < raw->nsec; i++)
		for (j = 0; j < raw->secs[i].nkv; j++)
			free(raw->secs[i].kv[j].value);
	free(raw->secs);
	free(raw->stash);
}

void policy_free(struct policy *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nprograms; i++) {
		free(p->programs[i].provider_ids.items);
		free(p->programs[i].classes.items);
		free(p->programs[i].org_kinds.items);
	}
	for (i = 0; i < p->ngroups; i++)
		free(p->groups[i].programs);
	for (i = 0; i < p->nfiles; i++)
		free(p->files[i]);
	free(p->files);
	free(p->blob);
	free(p->pools);
	free(p->programs);
	free(p->groups);
	free(p);
}

/* A policy's source is kept as one blob: for each file in load order, the
 * 8-byte big-endian length of its base name, the base name, the 8-byte
 * big-endian length of its bytes, and the bytes. Its SHA-256 is the
 * policy hash (the journal records it), and the ledger stores the blob so
 * that an auditor can reload exactly the policy that was in force. */
static int blob_add(struct policy *p, size_t *cap, const char *path,
                    const char *buf, size_t len)
{
	const char *base = strrchr(path, '/');
	size_t blen, need;
	int i;

	base = base ? base + 1 : path;
	blen = strlen(base);
	need = p->blob_len + 16 + blen + len;
	if (need > *cap) {
		size_t nc = *cap ? *cap : 4096;
		char *q;
		while (nc < need)
			nc *= 2;
		q = realloc(p->blob, nc);
		if (q == NULL)
			return VD_ENOMEM;
		p->blob = q;
		*cap = nc;
	}
	for (i = 0; i < 8; i++)
		p->blob[p->blob_len + (size_t)i] =
		    (char)((uint64_t)blen >> (56 - 8 * i));
	memcpy(p->blob + p->blob_len + 8, base, blen);
	p->blob_len += 8 + blen;
	for (i = 0; i < 8; i++)
		p->blob[p->blob_len + (size_t)i] =
		    (char)((uint64_t)len >> (56 - 8 * i));
	memcpy(p->blob + p->blob_len + 8, buf, len);
	p->blob_len += 8 + len;
	return 0;
}

struct source {
	const char *name;
	const char *buf; /* NULL: could not be read (reported already) */
	size_t len;
};

/* Parse and build a policy from sources already in memory. */
static int load_sources(const struct source *src, size_t n, int recorded,
                        struct policy **out, struct policy_errors *errs)
{
	struct policy_raw raw;
	struct policy *p = NULL;
	size_t i, cap = 0;
	int rc = 0;

	memset(&raw, 0, sizeof(raw));
	raw.errs = errs;
	p = calloc(1, sizeof(*p));
	if (p == NULL || (n > 0 && !(p->files = calloc(n, sizeof(char *))))) {
		rc = VD_ENOMEM;
		goto fail;
	}
	for (i = 0; i < n; i++) {
		if (!(p->files[i] = strdup(src[i].name))) {
			rc = VD_ENOMEM;
			goto fail;
		}
		p->nfiles++;
		if (src[i].buf == NULL)
			continue;
		if ((rc = blob_add(p, &cap, src[i].name, src[i].buf,
		                   src[i].len)) < 0)
			goto fail;
		raw.file_name = p->files[i];
		raw.buf = src[i].buf;
		raw.len = src[i].len;
		raw.pos = 0;
		raw.line = 0;
		raw.cur = -1;
		raw.in_bad_section = 0;
		/* Every line is valid INI by the time inih sees it, so its
		 * own return value carries no information. */
		(void)ini_parse_stream(reader, &raw, handler, &raw);
		if (raw.oom) {
			rc = VD_ENOMEM;
			goto fail;
		}
	}
	if (EVP_Digest(p->blob ? p->blob : "", p->blob_len, p->sha256, NULL,
	               EVP_sha256(), NULL) != 1) {
		rc = VD_EINTERNAL;
		goto fail;
	}
	p->recorded = recorded;
	if ((rc = policy_build(p, &raw, errs)) < 0)
		goto fail;
	if (errs->total > 0) {
		rc = VD_EPOLICY;
		goto fail;
	}
	raw_free(&raw);
	*out = p;
	return 0;
fail:
	raw_free(&raw);
	policy_free(p);
	return rc < 0 ? rc : VD_EPOLICY;
}

int policy_load_files(const char *const *paths, size_t n, struct policy **out,
                      struct policy_errors *errs)
{
	struct policy_errors local;
	struct source *src = NULL;
	size_t i;
	int rc = 0;

	if (out == NULL || (paths == NULL && n > 0))
		return VD_EINVAL;
	*out = NULL;
	if (errs == NULL)
		errs = &local;
	memset(errs, 0, sizeof(*errs));
	if (n > POLICY_MAX_FILES) {
		policy_error(errs, paths[0], 0, "more than %d policy files",
		             POLICY_MAX_FILES);
		return VD_EPOLICY;
	}
	src = calloc(n + 1, sizeof(*src));
	if (src == NULL)
		return VD_ENOMEM;
	for (i = 0; i < n && rc >= 0; i++) {
		char *buf = NULL;
		size_t len = 0;
		src[i].name = paths[i];
		rc = read_file(paths[i], &buf, &len, errs);
		if (rc == VD_EPOLICY)
			rc = 0; /* reported; go on to find more errors */
		src[i].buf = buf;
		src[i].len = len;
	}
	if (rc >= 0)
		rc = load_sources(src, n, 0, out, errs);
	for (i = 0; i < n; i++)
		free((char *)src[i].buf);
	free(src);
	return rc;
}

static uint64_t get_be64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

int policy_load_blob(const void *blob, size_t len, struct policy **out,
                     struct policy_errors *errs)
{
	const unsigned char *b = blob;
	struct source src[POLICY_MAX_FILES];
	char names[POLICY_MAX_FILES][256];
	struct policy_errors local;
	size_t n = 0, pos = 0;

	if (out == NULL || (blob == NULL && len > 0))
		return VD_EINVAL;
	*out = NULL;
	if (errs == NULL)
		errs = &local;
	memset(errs, 0, sizeof(*errs));
	while (pos < len) {
		uint64_t nl, dl;
		if (n == POLICY_MAX_FILES || len - pos < 8 ||
		    (nl = get_be64(b + pos)) >= sizeof(names[0]) ||
		    len - pos - 8 < nl + 8)
			goto bad;
		memcpy(names[n], b + pos + 8, nl);
		names[n][nl] = '\0';
		pos += 8 + nl;
		dl = get_be64(b + pos);
		if (dl > len - pos - 8)
			goto bad;
		src[n].name = names[n];
		src[n].buf = (const char *)b + pos + 8;
		src[n].len = dl;
		pos += 8 + dl;
		n++;
	}
	return load_sources(src, n, 1, out, errs);
bad:
	policy_error(errs, "stored policy", 0, "malformed policy blob");
	return VD_EPOLICY;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int policy_load_dir(const char *dir, struct policy **out,
                    struct policy_errors *errs)
{
	struct policy_errors local;
	char **names = NULL;
	size_t n = 0, cap = 0, i, dlen;
	struct dirent *de;
	DIR *d;
	int rc;

	if (dir == NULL || out == NULL)
		return VD_EINVAL;
	*out = NULL;
	if (errs == NULL)
		errs = &local;
	memset(errs, 0, sizeof(*errs));
	d = opendir(dir);
	if (d == NULL) {
		policy_error(errs, dir, 0, "cannot open directory: %s",
		             strerror(errno));
		return VD_EPOLICY;
	}
	dlen = strlen(dir);
	while (dlen > 1 && dir[dlen - 1] == '/')
		dlen--;
	rc = 0;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l < 5 ||
		    strcmp(de->d_name + l - 4, ".ini") != 0)
			continue;
		if (n == POLICY_MAX_FILES) {
			policy_error(errs, dir, 0, "more than %d policy files",
			             POLICY_MAX_FILES);
			rc = VD_EPOLICY;
			break;
		}
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 8;
			void *p = realloc(names, nc * sizeof(*names));
			if (p == NULL) {
				rc = VD_ENOMEM;
				break;
			}
			names = p;
			cap = nc;
		}
		names[n] = malloc(dlen + l + 2);
		if (names[n] == NULL) {
			rc = VD_ENOMEM;
			break;
		}
		snprintf(names[n], dlen + l + 2, "%.*s/%s", (int)dlen, dir,
		         de->d_name);
		n++;
	}
	closedir(d);
	if (rc == 0 && n == 0) {
		policy_error(errs, dir, 0, "no *.ini files");
		rc = VD_EPOLICY;
	}
	if (rc == 0) {
		qsort(names, n, sizeof(*names), cmp_str);
		rc =
		    policy_load_files((const char *const *)names, n, out, errs);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* Pools, groups and programs are sorted by id once loaded, so lookups are
 * binary searches over an array of structs that start with their id. */
static int find_sorted(const void *base, size_t n, size_t size, const char *id)
{
	size_t lo = 0, hi = n;

	if (id == NULL)
		return -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, (const char *)base + mid * size);
		if (c == 0)
			return (int)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

int policy_pool_index(const struct policy *p, const char *id)
{
	return find_sorted(p->pools, p->npools, sizeof(*p->pools), id);
}

int policy_group_index(const struct policy *p, const char *id)
{
	return find_sorted(p->groups, p->ngroups, sizeof(*p->groups), id);
}

int policy_program_index(const struct policy *p, const char *id)
{
	return find_sorted(p->programs, p->nprograms, sizeof(*p->programs), id);
}

const struct policy_program *policy_program(const struct policy *p,
                                            const char *id)
{
	int i = policy_program_index(p, id);

	return i < 0 ? NULL : &p->programs[i];
}

int policy_list_has(const struct policy_list *l, const char *s, size_t len)
{
	size_t i;

	if (l->any)
		return 1;
	for (i = 0; i < l->n; i++)
		if (strlen(l->items[i]) == len &&
		    memcmp(l->items[i], s, len) == 0)
			return 1;
	return 0;
}

int64_t policy_pool_budget(const struct policy_pool *p, int32_t period,
                           struct policy_origin *where)
{
	size_t i;

	for (i = 0; i < p->nyears; i++)
		if (p->years[i].period == period) {
			if (where)
				*where = p->years[i].where;
			return p->years[i].budget;
		}
	if (where)
		*where = p->budget_where;
	return p->budget;
}
