/* The fault-injection suite's session and one run of it (test_fault.c
 * sweeps them; README.md here): a template store made once, the scripted
 * session, vouchd started on a fresh copy with shim.c preloaded, and what
 * is checked after: how the daemon ended, a new client served, `vouchd
 * check`, and each step's journal entries against its answer. Header
 * only, included by test_fault.c alone, after cmocka.h. */
#ifndef VD_FAULT_SESSION_H
#define VD_FAULT_SESSION_H

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "e2e_client.h"

/* a journal read back: at most this many entries */
#define MAX_ROWS 400
/* seconds: a reply later than this is a hang (each is a few ms) */
#define REPLY_WITHIN 10

enum who { W_BUREAU, W_DC, W_SCHOOL, W_N };
enum outcome { O_OK, O_ERR, O_NONE, O_UNSENT };

/* One request of the session. */
struct step {
	enum who who;
	char text[4 * RECORD_LINE_MAX]; /* its line(s), each with its LF */
	int rows;                       /* a read: "OK n=N", then N rows */
	/* the journal entries it makes when it takes effect, as tokens an
	 * entry has ("type=usage id=f-u1"); none: it changes nothing the
	 * journal shows (RELOAD of the same policy, an EXPIRE with nothing
	 * due), and only the store's check judges it */
	const char *marks[3];
};

#define NSTEPS 16
static struct step steps[NSTEPS];
static int nsteps;

/* The template store (T.data, made once), the run's copy, its log. */
static struct daemon T;
static char run_dir[128], run_data[160], run_log[160], count_file[160];
static struct sig_key *keys[W_N], *k_org;
static const char *const ids[W_N] = {"bureau", "dc", "school"};
static int keep; /* a run failed: T.dir is kept for a look */

/* A child process; its wait status once reaped. */
struct proc {
	pid_t pid;
	int done, status;
};

static int alive(struct proc *p)
{
	if (!p->done && waitpid(p->pid, &p->status, WNOHANG) == p->pid)
		p->done = 1;
	return !p->done;
}

/* SIGTERM to p, unless it has ended (and been reaped: its pid may be
 * another process's by now) */
static void term(struct proc *p)
{
	if (alive(p))
		kill(p->pid, SIGTERM);
}

/* p's wait status within ms milliseconds; -1 if it was still running
 * then (it is killed). */
static int reap(struct proc *p, int ms)
{
	int i;

	for (i = 0; i < ms / 10 && alive(p); i++)
		usleep(10000);
	if (alive(p)) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, &p->status, 0);
		p->done = 1;
		return -1;
	}
	return p->status;
}

/* argv with envp (NULL: none), stdout and stderr appended to run_log */
static struct proc spawn_logged(const char *const *argv,
                                const char *const *envp)
{
	static const char *const none[] = {NULL};
	struct proc p = {fork(), 0, 0};

	if (p.pid == 0) {
		int fd = open(run_log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execve(argv[0], (char *const *)argv,
		       (char *const *)(envp ? envp : none));
		_exit(127);
	}
	if (p.pid < 0)
		fail_msg("fork: %s", strerror(errno));
	return p;
}

/* What one run is and saw. */
struct run {
	const char *call, *err; /* NULL call: no fault */
	unsigned long n;
	size_t size; /* FAULT_SIZE, or 0 */
	int others;  /* FAULT_THREAD=other: threads but the main one */
	int steps;   /* the session's first steps only, or 0: all */
	int from_start, count;
	enum outcome out[NSTEPS];
	char reply[NSTEPS][96];
	int status; /* the daemon's wait status */
	long ms;    /* how long the run took */
	int ready, fired, failstop, busy;
	char why[800]; /* empty: the run passed */
};

static void fail_run(struct run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void fail_run(struct run *r, const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(r->why);

	if (n > 0 && n + 3 < sizeof(r->why)) {
		memcpy(r->why + n, "; ", 3);
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(r->why + n, sizeof(r->why) - n, fmt, ap);
	va_end(ap);
}

/* Whether a reply line is there and OK */
static int is_ok(const char *l)
{
	return l != NULL && strncmp(l, "OK", 2) == 0;
}

static unsigned long env_num(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 10) : dflt;
}

/* The shim's settings for r, as environment strings in env (up to 9 of
 * 200 bytes), in envp; envp ends with NULL. */
static void shim_env(const struct run *r, char env[][200], const char **envp)
{
	int k = 0;

	if (r->call == NULL && !r->count) {
		envp[0] = NULL;
		return;
	}
	snprintf(env[k++], 200, "LD_PRELOAD=%s", FAULT_SHIM);
	if (r->call) {
		snprintf(env[k++], 200, "FAULT_CALL=%s", r->call);
		snprintf(env[k++], 200, "FAULT_N=%lu", r->n);
		snprintf(env[k++], 200, "FAULT_ERRNO=%s", r->err);
	}
	if (r->from_start)
		snprintf(env[k++], 200, "FAULT_FROM=start");
	if (r->count)
		snprintf(env[k++], 200, "FAULT_COUNT_FILE=%s", count_file);
	if (r->size)
		snprintf(env[k++], 200, "FAULT_SIZE=%zu", r->size);
	if (r->others)
		snprintf(env[k++], 200, "FAULT_THREAD=other");
	if (getenv("FAULT_BACKTRACE"))
		snprintf(env[k++], 200, "FAULT_BACKTRACE=1");
	envp[k] = NULL;
	while (k-- > 0)
		envp[k] = env[k];
}

/* vouchd run on the run's store, with r's shim (NULL: none) */
static struct proc start(const struct run *r)
{
	const char *argv[] = {VOUCHD_BIN,   "run",
	                      "--config",   T.conf,
	                      "--data",     run_data,
	                      "--policies", VD_SOURCE_DIR "/deploy/policies",
	                      NULL};
	static const struct run plain;
	char env[10][200];
	const char *envp[11];

	shim_env(r ? r : &plain, env, envp);
	unlink(T.sock);
	return spawn_logged(argv, envp);
}

/* Whether p listens: its socket takes a connection (with the shim, the
 * first accept: the session's counting begins). 0, or -1 if it ended. */
static int wait_ready(struct proc *p)
{
	struct client c;
	int i;

	for (i = 0; i < 1000 && alive(p); i++) {
		if (client_open_tries(&c, T.sock, 1) == 0) {
			client_close(&c);
			return 0;
		}
		usleep(10000);
	}
	return -1;
}

/* A connection as w: HELLO and AUTH, with receive and send timeouts so
 * that a daemon that stops answering is seen. A refused connection (ERR
 * BUSY after a failed accept, any ERR) is tried again. 0, or -1. */
static int dial(struct client *c, enum who w, struct proc *p, struct run *r)
{
	struct timeval tv = {REPLY_WITHIN, 0};
	const char *l;
	int tries;

	for (tries = 0; tries < 3; tries++) {
		/* once: the daemon listens (wait_ready) or has ended */
		if (!alive(p) || client_open_tries(c, T.sock, 1) < 0)
			return -1;
		setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		errno = 0;
		l = client_auth(c, ids[w], keys[w], NULL);
		if (is_ok(l))
			return 0;
		if (l == NULL && errno == EAGAIN && alive(p)) {
			fail_run(r, "AUTH as %s: no answer in %d s", ids[w],
			         REPLY_WITHIN);
			client_close(c);
			return -1;
		}
		r->busy += strstr(c->line, "BUSY") != NULL;
		client_close(c);
		usleep(150000); /* accept pauses 100 ms after EMFILE */
	}
	return -1;
}

/* The session (its first r->steps steps), each request answered before
 * the next is sent; a connection lost is made again for the next step. */
static void session(struct proc *p, struct run *r)
{
	struct client c[W_N];
	int open[W_N] = {0}, i, k;

	for (i = 0; i < nsteps; i++) {
		struct step *s = &steps[i];
		struct client *cl = &c[s->who];
		struct reply rp;
		int64_t rows = 0;
		const char *l;

		r->out[i] = O_UNSENT;
		if ((r->steps && i >= r->steps) ||
		    (!open[s->who] && dial(cl, s->who, p, r) < 0))
			continue;
		open[s->who] = 1;
		if (client_send(cl, s->text, strlen(s->text)) < 0) {
			client_close(cl);
			open[s->who] = 0;
			continue;
		}
		errno = 0;
		if ((l = client_line(cl)) == NULL) {
			if (errno == EAGAIN && alive(p))
				fail_run(r, "step %d: no answer in %d s", i + 1,
				         REPLY_WITHIN);
			r->out[i] = O_NONE;
			client_close(cl);
			open[s->who] = 0;
			continue;
		}
		snprintf(r->reply[i], sizeof(r->reply[i]), "%s", l);
		r->out[i] = is_ok(l) ? O_OK : O_ERR;
		if (r->out[i] == O_OK && s->rows &&
		    reply_parse(l, strlen(l), &rp) == 0)
			reply_get_i64(&rp, "n", &rows);
		for (k = 0; k < rows; k++)
			if (client_line(cl) == NULL) {
				fail_run(r, "step %d: %d of %lld rows", i + 1,
				         k, (long long)rows);
				break;
			}
	}
	for (i = 0; i < W_N; i++)
		if (open[i])
			client_close(&c[i]);
}

/* Whether an entry (one line) has every space-separated token of mark */
static int entry_has(const char *entry, size_t len, const char *mark)
{
	char tok[96];
	const char *p = mark;

	while (*p) {
		size_t n = strcspn(p, " "), tl;
		const char *q = entry, *end = entry + len;
		int found = 0;
		tl = (size_t)snprintf(tok, sizeof(tok), " %.*s", (int)n, p);
		while (!found && (q = memmem(q, (size_t)(end - q), tok, tl))) {
			q += tl;
			found = q == end || *q == ' ';
		}
		if (!found)
			return 0;
		p += n + (p[n] == ' ');
	}
	return 1;
}

/* How many of step s's marks an entry of the journal (one a line) has */
static int marks_found(const struct step *s, const char *journal, int *marks)
{
	int k, have = 0;

	for (*marks = 0; *marks < 3 && s->marks[*marks]; (*marks)++)
		for (k = 0; journal[k];) {
			size_t len = strcspn(journal + k, "\n");
			if (entry_has(journal + k, len, s->marks[*marks])) {
				have++;
				break;
			}
			k += (int)len + (journal[k + (int)len] == '\n');
		}
	return have;
}

/* The journal of the run's store, read from vouchd started again on it
 * without the shim: one entry a line in buf. 0, or -1. */
static int read_journal(char *buf, size_t size, struct run *r)
{
	struct proc p = start(NULL);
	struct client c;
	struct reply rp;
	const char *l;
	int64_t n = 0, i;
	size_t used = 0;
	int st;

	buf[0] = '\0';
	if (wait_ready(&p) < 0 || dial(&c, W_BUREAU, &p, r) < 0) {
		fail_run(r, "vouchd did not start again on the store");
		reap(&p, 0);
		return -1;
	}
	l = client_req(&c, "JOURNAL after=0 limit=%d", MAX_ROWS);
	if (l == NULL || reply_parse(l, strlen(l), &rp) != 0 ||
	    reply_get_i64(&rp, "n", &n) != 0 || n >= MAX_ROWS)
		fail_run(r, "JOURNAL: %s", l ? l : "(no answer)");
	for (i = 0; i < n && (l = client_line(&c)) != NULL; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s\n", l);
	client_close(&c);
	term(&p);
	st = reap(&p, 15000);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_run(r, "vouchd started again: wait status %d", st);
	return i == n ? 0 : -1;
}

/* After the session: how the daemon ended, the store's check, and each
 * step's changes against its answer. */
static void verify(struct proc *p, struct run *r)
{
	static char log[1 << 16], journal[MAX_ROWS * 1400];
	static struct client c;
	const char *check[] = {VOUCHD_BIN, "check", "--data", run_data, NULL};
	struct proc ck;
	int i, st;

	/* the fault was once: a daemon still running serves a new client
	 * (one that failed a commit is on its way out: it is waited for).
	 * Twice: the fault may fall on the first try. */
	slurp(run_log, log, sizeof(log));
	if (r->ready && alive(p) && strstr(log, "a commit failed") == NULL) {
		const char *l = NULL;
		memset(&c, 0, sizeof(c));
		for (i = 0; i < 2 && !is_ok(l); i++)
			if (dial(&c, W_BUREAU, p, r) == 0) {
				l = client_req(&c, "PING");
				client_close(&c);
			}
		if (alive(p) && !is_ok(l))
			fail_run(r, "vouchd runs but serves no more: '%s'",
			         l ? l : c.line);
		term(p);
	}
	r->status = st = reap(p, 15000);
	slurp(run_log, log, sizeof(log));
	r->fired = strstr(log, "fault: failing") != NULL;
	r->failstop = strstr(log, "a commit failed") != NULL;
	if (st == -1)
		fail_run(r, "vouchd did not exit within 15 s");
	else if (WIFSIGNALED(st))
		fail_run(r, "vouchd died of signal %d", WTERMSIG(st));
	else if (!r->ready &&
	         (WEXITSTATUS(st) != 1 || strstr(log, "vouchd: ") == NULL))
		fail_run(r, "vouchd exited %d before it was ready, saying %s",
		         WEXITSTATUS(st),
		         strstr(log, "vouchd: ") ? "why" : "nothing");
	else if (r->ready && WEXITSTATUS(st) != 0 &&
	         !(WEXITSTATUS(st) == 1 && r->failstop))
		fail_run(r, "vouchd exited %d without a failed commit",
		         WEXITSTATUS(st));
	ck = spawn_logged(check, NULL);
	if ((st = reap(&ck, 60000)) == -1 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		fail_run(r, "vouchd check: wait status %d", st);
	if (read_journal(journal, sizeof(journal), r) < 0)
		return;
	for (i = 0; i < nsteps; i++) {
		int marks, have = marks_found(&steps[i], journal, &marks);
		if (marks == 0 || r->out[i] == O_NONE)
			continue; /* no reply: either is right */
		if (have != 0 && have != marks)
			fail_run(r, "step %d: %d of its %d entries journaled",
			         i + 1, have, marks);
		else if (r->out[i] == O_OK && have == 0)
			fail_run(r,
			         "step %d answered '%s' but is not journaled",
			         i + 1, r->reply[i]);
		else if (r->out[i] != O_OK && have != 0)
			fail_run(r, "step %d %s ('%s') but is journaled", i + 1,
			         r->out[i] == O_ERR ? "refused" : "never sent",
			         r->reply[i]);
	}
}

/* A fresh copy of the template store in run_data, an empty run_dir. */
static void fresh_store(void)
{
	const char *rm[] = {"/bin/rm", "-rf", run_dir, NULL};
	const char *mk[] = {"/bin/mkdir", "-p", run_data, NULL};
	char src[200];
	const char *cp[] = {"/bin/cp", src, run_data, NULL};

	if (e2e_run(rm) != 0 || e2e_run(mk) != 0)
		fail_msg("cannot make %s", run_data);
	snprintf(src, sizeof(src), "%s/data.mdb", T.data);
	if (e2e_run(cp) != 0)
		fail_msg("cannot copy %s", src);
	snprintf(src, sizeof(src), "%s/server.pem", T.data);
	if (e2e_run(cp) != 0)
		fail_msg("cannot copy %s", src);
}

/* One run of the session on a fresh copy of the template store. */
static void run_session(struct run *r)
{
	struct proc p;
	int i;

	fresh_store();
	p = start(r);
	r->ready = wait_ready(&p) == 0;
	if (r->ready)
		session(&p, r);
	else
		for (i = 0; i < NSTEPS; i++)
			r->out[i] = O_UNSENT;
	verify(&p, r);
}

/* `vouchd init` on a new store with r's shim (from its start): it makes
 * the store, or exits non-zero saying why. A store it made serves (the
 * policy is journaled at the first start) and checks. */
static void run_init(struct run *r)
{
	static char log[1 << 14];
	char key[200];
	const char *rm[] = {"/bin/rm", "-rf", run_dir, NULL};
	const char *argv[] = {VOUCHD_BIN,     "init", "--data", run_data,
	                      "--bureau-key", key,    NULL};
	const char *check[] = {VOUCHD_BIN, "check", "--data", run_data, NULL};
	char env[10][200];
	const char *envp[11];
	struct sig_key *k = NULL;
	struct proc p;
	int st;

	if (e2e_run(rm) != 0 || mkdir(run_dir, 0700) < 0)
		fail_msg("cannot make %s", run_dir);
	snprintf(key, sizeof(key), "%s/bureau.pem", run_dir);
	shim_env(r, env, envp);
	p = spawn_logged(argv, envp);
	r->status = st = reap(&p, 30000);
	slurp(run_log, log, sizeof(log));
	r->fired = strstr(log, "fault: failing") != NULL;
	r->ready = st == 0;
	if (st == -1)
		fail_run(r, "vouchd init did not exit within 30 s");
	else if (WIFSIGNALED(st))
		fail_run(r, "vouchd init died of signal %d", WTERMSIG(st));
	else if (st != 0 && strstr(log, "vouchd init: ") == NULL)
		fail_run(r, "vouchd init exited %d and did not say why",
		         WEXITSTATUS(st));
	if (st != 0)
		return;
	p = start(NULL);
	if (wait_ready(&p) < 0)
		fail_run(r, "vouchd does not start on the store init made");
	term(&p);
	if ((st = reap(&p, 15000)) != 0)
		fail_run(r, "vouchd on the store init made: status %d", st);
	p = spawn_logged(check, NULL);
	if ((st = reap(&p, 60000)) != 0)
		fail_run(r, "vouchd check after init: status %d", st);
	if (sig_key_load(key, &k) < 0)
		fail_run(r, "init said yes but %s does not load", key);
	sig_key_free(k);
}

/* The template: principals, a record and its voucher, made through a
 * daemon without the shim; then the session's requests. 0, or -1. */
static int fault_prepare(void)
{
	char hex[65], line[RECORD_LINE_MAX], lines[3 * RECORD_LINE_MAX],
	    now[CIVIL_UTC_LEN + 1], voucher[32];
	struct client c;
	struct reply rp;
	const char *l, *v;
	size_t len = 0, n;
	int i;

	if (daemon_start(&T, VOUCHD_BIN, VD_SOURCE_DIR "/deploy/policies") < 0)
		return -1;
	if (sig_key_load(T.bureau_key, &keys[W_BUREAU]) < 0 ||
	    sig_keygen(&keys[W_DC]) < 0 || sig_keygen(&keys[W_SCHOOL]) < 0 ||
	    sig_keygen(&k_org) < 0)
		return -1;
	snprintf(run_dir, sizeof(run_dir), "%s/run", T.dir);
	snprintf(run_data, sizeof(run_data), "%s/data", run_dir);
	snprintf(run_log, sizeof(run_log), "%s/vouchd.log", run_dir);
	snprintf(count_file, sizeof(count_file), "%s/counts", run_dir);
	if (client_open(&c, T.sock) < 0 ||
	    !is_ok(client_auth(&c, "bureau", keys[W_BUREAU], NULL)) ||
	    !is_ok(client_req(&c,
	                      "REGISTER id=dc role=provider key=%s local=1 "
	                      "region=xinjiang.xinxing",
	                      key_hex(keys[W_DC], hex))) ||
	    !is_ok(client_req(&c,
	                      "REGISTER id=school role=org key=%s "
	                      "kind=school region=xinjiang.xinxing",
	                      key_hex(keys[W_SCHOOL], hex))))
		return -1;
	client_close(&c);
	/* r0 earns the school a voucher (3% of 100,000 yuan) */
	if (client_open(&c, T.sock) < 0 ||
	    !is_ok(client_auth(&c, "dc", keys[W_DC], NULL)) ||
	    usage_line_at(keys[W_DC], "dc", "r0", "school", e2e_at(0), 10000000,
	                  line, sizeof(line)) < 0 ||
	    !is_ok(client_req(&c, "%s", line)))
		return -1;
	client_close(&c);
	if (client_open(&c, T.sock) < 0 ||
	    !is_ok(client_auth(&c, "school", keys[W_SCHOOL], NULL)) ||
	    !is_ok(client_req(&c, "BALANCE")) ||
	    (l = client_line(&c)) == NULL ||
	    reply_parse(l, strlen(l), &rp) != 0 ||
	    (v = reply_get(&rp, "id", &n)) == NULL || n >= sizeof(voucher))
		return -1;
	memcpy(voucher, v, n);
	voucher[n] = '\0';
	client_close(&c);
	if (daemon_stop(&T) != 0)
		return -1;
	T.pid = 0;

#define STEP(w, ...)                                                           \
	(steps[nsteps].who = (w),                                              \
	 snprintf(steps[nsteps].text, sizeof(steps[nsteps].text),              \
	          __VA_ARGS__),                                                \
	 &steps[nsteps++])
	STEP(W_BUREAU,
	     "REGISTER id=f-org role=org key=%s kind=school "
	     "region=xinjiang.xinxing\n",
	     key_hex(k_org, hex))
	    ->marks[0] = "type=register id=f-org";
	usage_line_at(keys[W_DC], "dc", "f-u1", "school", e2e_at(1), 2000000,
	              line, sizeof(line));
	STEP(W_DC, "%s\n", line)->marks[0] = "type=usage id=f-u1";
	/* for the org the session registered: refused when that was */
	usage_line_at(keys[W_DC], "dc", "f-u2", "f-org", e2e_at(2), 300000,
	              line, sizeof(line));
	STEP(W_DC, "%s\n", line)->marks[0] = "type=usage id=f-u2";
	for (i = 0; i < 3; i++) {
		struct record rec;
		memset(&rec, 0, sizeof(rec));
		snprintf(rec.provider, sizeof(rec.provider), "dc");
		snprintf(rec.id, sizeof(rec.id), "f-b%d", i + 1);
		snprintf(rec.org, sizeof(rec.org), "school");
		rec.at = e2e_at(3);
		rec.amount = 1000 * (i + 1);
		rec.qty = 1;
		snprintf(rec.unit, sizeof(rec.unit), "gpu-hour");
		len += (size_t)record_format(&rec, lines + len,
		                             sizeof(lines) - len);
		lines[len++] = '\n';
	}
	lines[len] = '\0';
	record_batch_header(keys[W_DC], "dc", lines, len, 3, line,
	                    sizeof(line));
	{
		struct step *s = STEP(W_DC, "%s\n%s", line, lines);
		s->marks[0] = "type=usage id=f-b1";
		s->marks[1] = "type=usage id=f-b2";
		s->marks[2] = "type=usage id=f-b3";
	}
	STEP(W_DC, "REDEEM voucher=%s record=r0 amount=1000 ref=f-redeem\n",
	     voucher)
	    ->marks[0] = "type=redeem ref=f-redeem";
	record_void_sign(keys[W_DC], "dc", "f-u1", e2e_at(1), "billed twice",
	                 line, sizeof(line));
	STEP(W_DC, "%s\n", line)->marks[0] = "type=void id=f-u1";
	STEP(W_DC, "BALANCE\n")->rows = 1;
	STEP(W_DC, "RECORDS limit=10\n")->rows = 1;
	/* what dc is owed from the redemption */
	STEP(W_BUREAU, "PAY provider=dc amount=500 ref=f-pay\n")->marks[0] =
	    "type=pay ref=f-pay";
	STEP(W_BUREAU, "SETTLE program=yuxi-compute period=%d force=1\n",
	     e2e_year())
	    ->marks[0] = "type=settle program=yuxi-compute";
	STEP(W_BUREAU, "EXPIRE now=%s\n", e2e_time(24, now));
	STEP(W_BUREAU, "RELOAD\n");
	STEP(W_BUREAU, "POOL\n")->rows = 1;
	STEP(W_SCHOOL, "BALANCE\n")->rows = 1;
	STEP(W_BUREAU, "JOURNAL after=0 limit=5\n")->rows = 1;
#undef STEP
	return 0;
}

/* The keys freed; T.dir removed unless a run failed or FAULT_KEEP is
 * set. */
static void fault_cleanup(void)
{
	int i;

	for (i = 0; i < W_N; i++)
		sig_key_free(keys[i]);
	sig_key_free(k_org);
	if (T.pid > 0)
		daemon_stop(&T);
	if (keep || env_num("FAULT_KEEP", 0))
		print_message("runs kept in %s\n", T.dir);
	else
		daemon_cleanup(&T);
}

#endif
