/* What the vouchctl end-to-end tests share: a daemon on the seed
 * policies (D; D2 for a test's own policy), vouchctl run as a user would
 * (ctl: stdout in out, stderr in err, the exit code) and small checks.
 * Included by one test file per binary. */
#ifndef VD_CTL_FIXTURE_H
#define VD_CTL_FIXTURE_H

#include <jansson.h>
#include <sys/stat.h>

#include "e2e_client.h"

static struct daemon D;
/* a daemon with a policy of its own (test_settle_preview_pro_rata) */
static struct daemon D2;
/* out holds a whole journal export */
static char out[1 << 24], err[1 << 16], home[160];

/* key files of the principals, D.dir/<id>.pem */
static inline const char *pem(const char *id)
{
	static char p[4][200];
	static int i;
	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s.pem", D.dir, id);
	return p[i];
}

/* Run "env -i HOME=.. VOUCHD_ADDR=.. [VOUCHD_ID=who VOUCHD_KEY=<its key>]
 * vouchctl <args>"; stdout in out, stderr in err; the exit code. */
static inline int ctl(const char *who, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline int ctl(const char *who, const char *fmt, ...)
{
	char args[4096], cmd[8192], errf[200], envs[300] = "";
	va_list ap;
	FILE *p;
	size_t n = 0;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(errf, sizeof(errf), "%s/stderr", D.dir);
	if (who != NULL)
		snprintf(envs, sizeof(envs), "VOUCHD_ID=%s VOUCHD_KEY=%s", who,
		         pem(who));
	snprintf(cmd, sizeof(cmd),
	         "env -i PATH=/usr/bin:/bin HOME=%s VOUCHD_ADDR=unix:%s %s "
	         "%s %s 2>%s",
	         home, D.sock, envs, VOUCHCTL_BIN, args, errf);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (n + 1 < sizeof(out) &&
	       (st = (int)fread(out + n, 1, sizeof(out) - n - 1, p)) > 0)
		n += (size_t)st;
	out[n] = '\0';
	st = pclose(p);
	slurp(errf, err, sizeof(err));
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* id's key made (D.dir/<id>.pem) and registered on D by the bureau
 * with args (role, kind, region ...): fails the test otherwise. */
static inline void ctl_register(const char *id, const char *args)
{
	char pub[65];

	if (ctl(NULL, "keygen --out %s", pem(id)) != 0)
		fail_msg("keygen %s: %s", id, err);
	memcpy(pub, out, 64);
	pub[64] = '\0';
	if (ctl("bureau", "register %s %s --pubkey %s", id, args, pub) != 0)
		fail_msg("register %s: %s", id, err);
}

static inline void expect_in(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("want '%s' in:\n%s", needle, hay);
}

/* The JSON object vouchctl printed; the caller frees it. */
static inline json_t *json_out(void)
{
	json_error_t e;
	json_t *o = json_loads(out, 0, &e);
	if (o == NULL)
		fail_msg("not JSON (%s):\n%s", e.text, out);
	return o;
}

static inline json_int_t jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		fail_msg("no integer '%s'", key);
	return json_integer_value(v);
}

/* Run vouchctl as who with args (which print JSON, exit 0); the integer
 * field key of what it printed. */
static inline json_int_t json_field(const char *who, const char *args,
                                    const char *key)
{
	json_t *o;
	json_int_t v;

	if (ctl(who, "%s", args) != 0)
		fail_msg("vouchctl %s: %s", args, err);
	o = json_out();
	v = jint(o, key);
	json_decref(o);
	return v;
}

static inline void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Start D2 on policies, after stopping a D2 that a failed test left
 * running (its assertion jumped past the stop): started over it, that
 * daemon would outlive the tests, holding their output pipe open. */
static inline int d2_start(const char *policies)
{
	if (D2.pid > 0) {
		daemon_stop(&D2);
		daemon_cleanup(&D2);
		D2.pid = 0;
	}
	return daemon_start(&D2, VOUCHD_BIN, policies);
}

static inline int setup(void **state)
{
	(void)state;
	if (daemon_start(&D, VOUCHD_BIN, VD_SOURCE_DIR "/deploy/policies") < 0)
		return -1;
	/* the bureau's key is D.dir/bureau.pem already */
	snprintf(home, sizeof(home), "%s/home", D.dir);
	return mkdir(home, 0700);
}

static inline int teardown(void **state)
{
	(void)state;
	if (D2.pid > 0) {
		daemon_stop(&D2);
		daemon_cleanup(&D2);
	}
	if (D.pid > 0 && daemon_stop(&D) != 0)
		return -1;
	daemon_cleanup(&D);
	return 0;
}

#endif
