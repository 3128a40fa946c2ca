#include "conf.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parse {
	struct conf *c;
	char bad[80];
};

/* "~/x" is $HOME/x: the config file is written by hand. */
static int set_path(struct parse *p, char *dst, const char *v)
{
	const char *home = getenv("HOME");
	int n;

	if (strncmp(v, "~/", 2) == 0 && home != NULL)
		n = snprintf(dst, CONF_STR, "%s/%s", home, v + 2);
	else
		n = snprintf(dst, CONF_STR, "%s", v);
	if (n >= 0 && n < CONF_STR)
		return 1;
	snprintf(p->bad, sizeof(p->bad), "the value is too long");
	return 0;
}

static int handler(void *user, const char *section, const char *name,
                   const char *value)
{
	struct parse *p = user;
	struct conf *c = p->c;

	if (section[0] != '\0') {
		snprintf(p->bad, sizeof(p->bad), "no sections in this file");
		return 0;
	}
	if (strcmp(name, "addr") == 0)
		return set_path(p, c->addr, value);
	if (strcmp(name, "id") == 0)
		return set_path(p, c->id, value);
	if (strcmp(name, "key") == 0)
		return set_path(p, c->key, value);
	if (strcmp(name, "cacert") == 0)
		return set_path(p, c->cacert, value);
	if (strcmp(name, "plaintext") == 0) {
		if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0) {
			snprintf(p->bad, sizeof(p->bad),
			         "plaintext is yes or no");
			return 0;
		}
		c->plaintext = strcmp(value, "yes") == 0;
		return 1;
	}
	snprintf(p->bad, sizeof(p->bad), "unknown key '%.40s'", name);
	return 0;
}

static void env(char *dst, const char *name)
{
	const char *v = getenv(name);

	if (v != NULL && v[0] != '\0')
		snprintf(dst, CONF_STR, "%s", v);
}

int conf_load(struct conf *c, char *err, size_t len)
{
	const char *f = getenv("VOUCHCTL_CONFIG");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	struct parse p;
	FILE *fp;
	int rc;

	memset(c, 0, sizeof(*c));
	if (f != NULL && f[0] != '\0')
		snprintf(c->file, sizeof(c->file), "%s", f);
	else if (xdg != NULL && xdg[0] == '/')
		snprintf(c->file, sizeof(c->file), "%s/vouchctl/config", xdg);
	else if (home != NULL)
		snprintf(c->file, sizeof(c->file), "%s/.config/vouchctl/config",
		         home);
	fp = c->file[0] ? fopen(c->file, "r") : NULL;
	if (fp == NULL && c->file[0] && errno != ENOENT) {
		snprintf(err, len, "%s: cannot read it", c->file);
		return -1;
	}
	if (fp == NULL) {
		c->file[0] = '\0';
	} else {
		memset(&p, 0, sizeof(p));
		p.c = c;
		rc = ini_parse_file(fp, handler, &p);
		fclose(fp);
		if (rc != 0) {
			snprintf(err, len, "%s:%d: %s", c->file, rc,
			         p.bad[0] ? p.bad : "not key = value");
			return -1;
		}
	}
	env(c->addr, "VOUCHD_ADDR");
	env(c->id, "VOUCHD_ID");
	env(c->key, "VOUCHD_KEY");
	env(c->cacert, "VOUCHD_CACERT");
	return 0;
}

const char *conf_str(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}
