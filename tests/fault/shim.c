/* The fault-injection shim: an LD_PRELOAD module that fails the Nth call
 * of one kind in the process it is loaded into (tests/fault/README.md).
 *
 *   FAULT_CALL=pwrite|fdatasync|fsync|malloc|mmap|accept  the kind to fail
 *   FAULT_N=17            fail the 17th call of that kind, once
 *   FAULT_ERRNO=EIO       the errno it fails with (EIO, ENOSPC, ENOMEM,
 *                         EMFILE, ECONNABORTED); default per kind
 *   FAULT_FROM=accept     start counting at the first accept() (default):
 *                         the daemon is ready and the session has begun;
 *                         FAULT_FROM=start counts from the process start
 *   FAULT_SIZE=60         malloc counts (and fails) only allocations of
 *                         exactly 60 bytes (calloc: m * n), to aim at one
 *                         buffer, such as the reply to one request
 *   FAULT_THREAD=other    count (and fail) only calls made on threads other
 *                         than the main one (vouchd's commit thread and
 *                         signature workers); FAULT_THREAD=main: only
 *                         those of the main thread (the event loop)
 *   FAULT_BACKTRACE=1     when the fault fires, write the stack to stderr
 *                         (addresses: `gdb -batch -ex 'info symbol ADDR'`)
 *   FAULT_COUNT_FILE=P    at exit, write "KIND START COUNTED" lines for
 *                         every kind to P: the calls made before counting
 *                         began, and those made since
 *
 * Kinds: pwrite covers pwrite and pwrite64 (LMDB's single-page and meta
 * writes; a run of pages goes out with writev, which is not wrapped);
 * malloc covers malloc, calloc and realloc (realloc to 0 bytes, a free,
 * is not counted); mmap covers mmap and mmap64 (glibc's own mmap for
 * large blocks and thread stacks is internal, not these); accept covers
 * accept and accept4 (libevent's listener and accept.c's reserve path).
 *
 * Why counting starts at the first accept by default: vouchd's start
 * (OpenSSL, the policy files, the store) makes thousands of allocations
 * before it serves anything; a sweep over the session's calls would
 * mostly land there. The first accept is the first thing the session
 * makes the daemon do. The start is swept on its own (FAULT_FROM=start,
 * N up to the start's count).
 *
 * Threads: one counter per kind, shared by every thread (LMDB writes on
 * the commit thread, signatures are checked on workers), so that N is
 * the Nth call of the process; exactly one thread fails it. The threads
 * run beside each other, so the Nth call is about the same place from
 * run to run, not always the same call (FAULT_THREAD narrows it). Only the
 * process that loaded the shim counts: a fork's child stops counting,
 * and LD_PRELOAD is removed from the environment so that a program the
 * daemon runs does not load it.
 *
 * malloc: dlsym may allocate before the real malloc is known; those
 * requests come from a static buffer (never freed, never failed). The
 * first allocation happens before any thread is started. */
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

enum kind { K_PWRITE, K_FDATASYNC, K_FSYNC, K_MALLOC, K_MMAP, K_ACCEPT, K_N };

static const char *const kind_names[K_N] = {"pwrite", "fdatasync", "fsync",
                                            "malloc", "mmap",      "accept"};

static const struct {
	const char *name;
	int e;
} errnos[] = {{"EIO", EIO},
              {"ENOSPC", ENOSPC},
              {"ENOMEM", ENOMEM},
              {"EMFILE", EMFILE},
              {"ECONNABORTED", ECONNABORTED}};

static const int default_errno[K_N] = {EIO, EIO, EIO, ENOMEM, ENOMEM, EMFILE};

static _Atomic unsigned long counts[K_N], before[K_N];
static atomic_int counting; /* the window has begun */
static atomic_int active;   /* configured, and this is its process */
static int target = -1;     /* the kind to fail */
static unsigned long target_n;
static int target_errno;
static int from_start, with_stack;
static size_t only_size; /* FAULT_SIZE: 0 for any */
static int only_thread;  /* FAULT_THREAD: 0 any, 1 main, 2 others */
static char count_file[512];
static pid_t owner;

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);

/* dlsym's own allocations, while the real malloc is being looked up */
static _Alignas(16) unsigned char boot[8192];
static size_t boot_used;
static int resolving;

static int in_boot(const void *p)
{
	return (const unsigned char *)p >= boot &&
	       (const unsigned char *)p < boot + sizeof(boot);
}

static void *boot_alloc(size_t n)
{
	size_t need = 16 + ((n + 15) & ~(size_t)15);
	unsigned char *p;

	if (need > sizeof(boot) - boot_used)
		return NULL;
	p = boot + boot_used;
	boot_used += need;
	memcpy(p, &n, sizeof(n)); /* its size, for realloc */
	return p + 16;
}

static void resolve_malloc(void)
{
	resolving = 1;
	real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
	resolving = 0;
}

static void *next_fn(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

/* v in decimal at p; its length */
static size_t put_num(char *p, unsigned long v)
{
	char num[24];
	size_t j = sizeof(num);

	do {
		num[--j] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	memcpy(p, num + j, sizeof(num) - j);
	return sizeof(num) - j;
}

/* write(2) of a line without stdio (no allocation, any thread) */
static void say(const char *what, unsigned long n, int e)
{
	char buf[160];
	const char *en = "?";
	size_t len = 0, k;

	for (k = 0; k < sizeof(errnos) / sizeof(errnos[0]); k++)
		if (errnos[k].e == e)
			en = errnos[k].name;
	memcpy(buf, "fault: failing ", 15);
	len = 15;
	memcpy(buf + len, what, strlen(what)); /* at most 9 bytes */
	len += strlen(what);
	memcpy(buf + len, " call ", 6);
	len += 6;
	len += put_num(buf + len, n);
	memcpy(buf + len, " with ", 6);
	len += 6;
	memcpy(buf + len, en, strlen(en)); /* at most 12 bytes */
	len += strlen(en);
	buf[len++] = '\n';
	if (write(2, buf, len) < 0) {
		/* the log is gone: nothing to tell */
	}
}

/* Called when the fault fires: `break fault_fired` in gdb shows where. */
__attribute__((noinline, visibility("default"))) void fault_fired(void);
void fault_fired(void)
{
	__asm__ volatile("");
}

/* 1 if this call of kind k is the one to fail (errno is then set) */
static int fault(enum kind k)
{
	unsigned long n;

	if (!atomic_load_explicit(&active, memory_order_relaxed))
		return 0;
	/* the first accept starts the count, on whichever thread */
	if (k == K_ACCEPT)
		atomic_store(&counting, 1);
	if (only_thread && (gettid() == owner) != (only_thread == 1))
		return 0;
	if (!atomic_load_explicit(&counting, memory_order_relaxed)) {
		atomic_fetch_add(&before[k], 1);
		return 0;
	}
	n = atomic_fetch_add(&counts[k], 1) + 1;
	if ((int)k != target || n != target_n)
		return 0;
	say(kind_names[k], n, target_errno);
	if (with_stack) {
		void *frames[32];
		backtrace_symbols_fd(frames, backtrace(frames, 32), 2);
	}
	fault_fired();
	errno = target_errno;
	return 1;
}

static void child_after_fork(void)
{
	atomic_store(&active, 0);
}

__attribute__((constructor)) static void shim_init(void)
{
	const char *call = getenv("FAULT_CALL"), *n = getenv("FAULT_N");
	const char *e = getenv("FAULT_ERRNO"), *from = getenv("FAULT_FROM");
	const char *file = getenv("FAULT_COUNT_FILE");
	size_t i;

	if (real_malloc == NULL)
		resolve_malloc();
	owner = getpid();
	for (i = 0; call && i < K_N; i++)
		if (strcmp(call, kind_names[i]) == 0)
			target = (int)i;
	target_n = n ? strtoul(n, NULL, 10) : 0;
	target_errno = target >= 0 ? default_errno[target] : 0;
	for (i = 0; e && i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (strcmp(e, errnos[i].name) == 0)
			target_errno = errnos[i].e;
	from_start = from && strcmp(from, "start") == 0;
	if (getenv("FAULT_THREAD"))
		only_thread =
		    strcmp(getenv("FAULT_THREAD"), "main") == 0 ? 1 : 2;
	if (getenv("FAULT_SIZE"))
		only_size = strtoul(getenv("FAULT_SIZE"), NULL, 10);
	if (getenv("FAULT_BACKTRACE")) {
		void *frame;
		backtrace(&frame, 1); /* loads libgcc_s now, not in malloc */
		with_stack = 1;
	}
	if (file && strlen(file) < sizeof(count_file))
		memcpy(count_file, file, strlen(file) + 1);
	unsetenv("LD_PRELOAD");
	pthread_atfork(NULL, NULL, child_after_fork);
	if (from_start)
		atomic_store(&counting, 1);
	atomic_store(&active, 1);
}

__attribute__((destructor)) static void shim_fini(void)
{
	char buf[512];
	size_t len = 0;
	int fd, i;

	if (!count_file[0] || getpid() != owner)
		return;
	atomic_store(&active, 0);
	for (i = 0; i < K_N; i++) {
		size_t l = strlen(kind_names[i]);
		memcpy(buf + len, kind_names[i], l);
		len += l;
		buf[len++] = ' ';
		len += put_num(buf + len, atomic_load(&before[i]));
		buf[len++] = ' ';
		len += put_num(buf + len, atomic_load(&counts[i]));
		buf[len++] = '\n';
	}
	fd = open(count_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (write(fd, buf, len) < 0) {
		/* the driver sees no counts and says so */
	}
	close(fd);
}

/* whether an allocation of n bytes is one FAULT_SIZE aims at */
static int aimed(size_t n)
{
	return only_size == 0 || n == only_size;
}

void *malloc(size_t n)
{
	if (real_malloc == NULL) {
		if (resolving)
			return boot_alloc(n);
		resolve_malloc();
	}
	if (aimed(n) && fault(K_MALLOC))
		return NULL;
	return real_malloc(n);
}

void *calloc(size_t m, size_t n)
{
	size_t total;

	if (real_calloc == NULL) {
		if (resolving)
			return m && n > SIZE_MAX / m ? NULL : boot_alloc(m * n);
		resolve_malloc();
	}
	if (!__builtin_mul_overflow(m, n, &total) && aimed(total) &&
	    fault(K_MALLOC))
		return NULL;
	return real_calloc(m, n);
}

void *realloc(void *p, size_t n)
{
	if (in_boot(p)) {
		size_t old;
		void *q = malloc(n);
		memcpy(&old, (unsigned char *)p - 16, sizeof(old));
		if (q != NULL)
			memcpy(q, p, old < n ? old : n);
		return q;
	}
	if (real_realloc == NULL) {
		if (resolving)
			return p == NULL ? boot_alloc(n) : NULL;
		resolve_malloc();
	}
	if (n > 0 && aimed(n) && fault(K_MALLOC))
		return NULL;
	return real_realloc(p, n);
}

void free(void *p)
{
	if (p == NULL || in_boot(p))
		return;
	if (real_free == NULL)
		resolve_malloc();
	real_free(p);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	static ssize_t (*real)(int, const void *, size_t, off_t);

	if (real == NULL)
		real = (ssize_t(*)(int, const void *, size_t, off_t))next_fn(
		    "pwrite");
	if (fault(K_PWRITE))
		return -1;
	return real(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	return pwrite(fd, buf, n, off);
}

int fdatasync(int fd)
{
	static int (*real)(int);

	if (real == NULL)
		real = (int (*)(int))next_fn("fdatasync");
	if (fault(K_FDATASYNC))
		return -1;
	return real(fd);
}

int fsync(int fd)
{
	static int (*real)(int);

	if (real == NULL)
		real = (int (*)(int))next_fn("fsync");
	if (fault(K_FSYNC))
		return -1;
	return real(fd);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	static void *(*real)(void *, size_t, int, int, int, off_t);

	if (real == NULL)
		real = (void *(*)(void *, size_t, int, int, int, off_t))next_fn(
		    "mmap");
	if (fault(K_MMAP))
		return MAP_FAILED;
	return real(addr, len, prot, flags, fd, off);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

int accept(int fd, struct sockaddr *sa, socklen_t *len)
{
	static int (*real)(int, struct sockaddr *, socklen_t *);

	if (real == NULL)
		real = (int (*)(int, struct sockaddr *, socklen_t *))next_fn(
		    "accept");
	if (fault(K_ACCEPT))
		return -1;
	return real(fd, sa, len);
}

int accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
	static int (*real)(int, struct sockaddr *, socklen_t *, int);

	if (real == NULL)
		real = (int (*)(int, struct sockaddr *, socklen_t *,
		                int))next_fn("accept4");
	if (fault(K_ACCEPT))
		return -1;
	return real(fd, sa, len, flags);
}
