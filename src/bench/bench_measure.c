/* The measurements themselves, run inside the measuring child: create, forksize, switch, ipc. */
#include "bench_measure.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bsd/string.h>

extern char **environ;

#define MIB (1024ul * 1024ul)

struct measure {
	int fd;
	enum bench_kind kind;
	struct bench_options opt;
	double start, last_progress;
	char error[96];
};

static double measure_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void measure_send(struct measure *m, const struct bench_msg *msg)
{
	const char *p = (const char *)msg;
	size_t left = sizeof(*msg);

	/* One write of at most PIPE_BUF bytes is atomic; the loop is for EINTR only. */
	while (left > 0) {
		ssize_t n = write(m->fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(3);   /* ptviz is gone or stopped listening */
		p += n;
		left -= (size_t)n;
	}
}

/* Progress at most 20 times a second, and only between timed stretches, never inside one. */
static void measure_progress(struct measure *m, double fraction, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void measure_progress(struct measure *m, double fraction, const char *fmt, ...)
{
	static struct bench_msg msg;
	double now = measure_now();
	va_list ap;

	if (now - m->last_progress < 0.05)
		return;
	m->last_progress = now;
	memset(&msg, 0, sizeof(msg));
	msg.type = BENCH_MSG_PROGRESS;
	msg.fraction = fraction < 0 ? 0 : fraction > 1 ? 1 : fraction;
	va_start(ap, fmt);
	vsnprintf(msg.text, sizeof(msg.text), fmt, ap);
	va_end(ap);
	measure_send(m, &msg);
}

static bool measure_fail(struct measure *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool measure_fail(struct measure *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->error, sizeof(m->error), fmt, ap);
	va_end(ap);
	return false;
}

static int measure_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median: a machine shared with others has outliers in one direction only. */
static double measure_median(double *v, int n)
{
	if (n <= 0)
		return -1;
	qsort(v, (size_t)n, sizeof(*v), measure_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static pid_t measure_wait(pid_t pid)
{
	pid_t r;

	do
		r = waitpid(pid, NULL, 0);
	while (r < 0 && errno == EINTR);
	return r;
}

/* A partner process of this child: dies with it, even when it is killed. */
static void measure_partner_setup(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
}

/* ---- create: a thread, a process, a program ---- */

static void *measure_nothing(void *arg)
{
	return arg;
}

/* µs per pthread_create + join over n, or -1. */
static double create_threads(int n)
{
	double t0 = measure_now();

	for (int i = 0; i < n; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, measure_nothing, NULL) != 0)
			return -1;
		pthread_join(t, NULL);
	}
	return (measure_now() - t0) * 1e6 / n;
}

static double create_forks(int n)
{
	double t0 = measure_now();

	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0)
			return -1;
		measure_wait(pid);
	}
	return (measure_now() - t0) * 1e6 / n;
}

static double create_spawns(const char *path, int n)
{
	char *argv[] = { (char *)"true", NULL };
	double t0 = measure_now();

	for (int i = 0; i < n; i++) {
		pid_t pid;
		if (posix_spawn(&pid, path, NULL, NULL, argv, environ) != 0)
			return -1;
		int st = 0;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			return -1;
	}
	return (measure_now() - t0) * 1e6 / n;
}

#define CREATE_BATCHES_MAX 4096

/* Batches of each kind in turn, so a noisy second hurts all three alike; the median batch wins. */
static bool measure_create(struct measure *m, struct bench_create *r)
{
	static double th[CREATE_BATCHES_MAX], fk[CREATE_BATCHES_MAX], sp[CREATE_BATCHES_MAX];
	enum { TH_BATCH = 100, FK_BATCH = 20, SP_BATCH = 5, MIN_BATCHES = 5 };
	const char *spawn_path = access("/bin/true", X_OK) == 0 ? "/bin/true"
	                         : access("/usr/bin/true", X_OK) == 0 ? "/usr/bin/true"
	                                                               : NULL;
	double budget = m->opt.seconds, t0;
	int n = 0;
	bool spawn_ok = spawn_path != NULL;

	/* Warm-up: the first of each pays for page faults and a cold stack cache. */
	if (create_threads(TH_BATCH) < 0)
		return measure_fail(m, "pthread_create failed: %s", strerror(errno));
	if (create_forks(FK_BATCH) < 0)
		return measure_fail(m, "fork failed: %s", strerror(errno));
	if (spawn_ok && create_spawns(spawn_path, SP_BATCH) < 0)
		spawn_ok = false;
	t0 = measure_now();
	while (n < CREATE_BATCHES_MAX && (n < MIN_BATCHES || measure_now() - t0 < budget)) {
		th[n] = create_threads(TH_BATCH);
		fk[n] = create_forks(FK_BATCH);
		sp[n] = spawn_ok ? create_spawns(spawn_path, SP_BATCH) : 0;
		if (th[n] < 0 || fk[n] < 0)
			return measure_fail(m, "%s failed: %s", th[n] < 0 ? "pthread_create" : "fork", strerror(errno));
		if (sp[n] < 0)
			spawn_ok = false;
		n++;
		measure_progress(m, (measure_now() - t0) / budget, "%d rounds: %d threads, %d forks, %d programs",
		                 n, n * TH_BATCH, n * FK_BATCH, spawn_ok ? n * SP_BATCH : 0);
	}
	r->thread_us = measure_median(th, n);
	r->fork_us = measure_median(fk, n);
	r->spawn_us = spawn_ok ? measure_median(sp, n) : -1;
	r->thread_n = n * TH_BATCH;
	r->fork_n = n * FK_BATCH;
	r->spawn_n = spawn_ok ? n * SP_BATCH : 0;
	return true;
}

/* ---- forksize: fork while holding more and more memory ---- */

static long measure_meminfo_kib(const char *key)
{
	char line[256];
	long v = -1;
	size_t klen = strlen(key);
	FILE *f = fopen("/proc/meminfo", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/* Anonymous memory the kernel backs with huge pages, in this process, kB. */
static long measure_huge_kib(void)
{
	char line[256];
	long v = 0;
	FILE *f = fopen("/proc/self/smaps_rollup", "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "AnonHugePages:", 14) == 0) {
			v = strtol(line + 14, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

static void measure_thp_mode(char *buf, size_t len)
{
	char line[128];
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	buf[0] = '\0';
	if (f == NULL)
		return;
	if (fgets(line, sizeof(line), f) != NULL) {
		char *a = strchr(line, '['), *b = a != NULL ? strchr(a, ']') : NULL;
		if (a != NULL && b != NULL) {
			*b = '\0';
			strlcpy(buf, a + 1, len);
		}
	}
	fclose(f);
}

/* Writes one byte in every page, so each is really there to be copied at fork. */
static void measure_touch(volatile char *p, size_t from, size_t to)
{
	for (size_t o = from; o < to; o += 4096)
		p[o] = (char)(o >> 12);
}

#define FORKSIZE_PASSES 3
#define FORK_REPS_PASS 14     /* per size and pass */
#define FORK_REPS_MIN 1       /* per size and pass, whatever the budget */
#define THREAD_REPS_PASS 5

/* Samples of one size, pooled over the passes. */
struct forksize_samples {
	double fork[FORKSIZE_PASSES * FORK_REPS_PASS];
	int nfork;
	double thread[FORKSIZE_PASSES * THREAD_REPS_PASS];
	int nthread;
};

/* fork + waitpid, each timed on its own, as often as the budget allows; false when fork fails. */
static bool forksize_fork(double budget, double *t, int *n)
{
	double t0 = measure_now();

	for (int i = 0; i < FORK_REPS_PASS; i++) {
		double a = measure_now();
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0)
			return false;
		measure_wait(pid);
		t[(*n)++] = (measure_now() - a) * 1e6;
		if (i + 1 >= FORK_REPS_MIN && measure_now() - t0 >= budget)
			break;
	}
	return true;
}

static bool forksize_thread(double *t, int *n)
{
	for (int i = 0; i < THREAD_REPS_PASS; i++) {
		double us = create_threads(1);
		if (us < 0)
			return false;
		t[(*n)++] = us;
	}
	return true;
}

static double measure_slope(const struct bench_forksize *r, int which)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0;
	int n = r->npoints;

	for (int i = 0; i < n; i++) {
		double x = r->p[i].mib;
		double y = which == 0 ? r->p[i].fork_us : which == 1 ? r->p[i].fork_huge_us : r->p[i].thread_us;
		sx += x;
		sy += y;
		sxx += x * x;
		sxy += x * y;
	}
	double d = n * sxx - sx * sx;
	return n >= 2 && d != 0 ? (n * sxy - sx * sy) / d : 0;
}

static bool measure_forksize(struct measure *m, struct bench_forksize *r)
{
	int max = m->opt.max_mib;
	long avail = measure_meminfo_kib("MemAvailable");

	/* One series at a time holds max MiB: keep it under half of what is free. */
	if (avail > 0 && (long)max * 1024 > avail / 2) {
		int cap = 1;
		while ((long)cap * 2 * 1024 <= avail / 2)
			cap *= 2;
		max = cap;
		r->capped_mib = cap;
	}
	for (int s = 1; s <= max && r->npoints < BENCH_SIZES_MAX; s *= 2)
		r->p[r->npoints++].mib = s;
	if (r->p[r->npoints - 1].mib != max && r->npoints < BENCH_SIZES_MAX)
		r->p[r->npoints++].mib = max;
	measure_thp_mode(r->thp_mode, sizeof(r->thp_mode));

	/*
	 * Each point gets an equal share of the time.  The sizes are climbed three times over,
	 * the memory dropped in between, so a busy moment on the machine spoils one pass of a
	 * point, not the point: the median is taken over all the passes.
	 */
	static struct forksize_samples plain[BENCH_SIZES_MAX], huge[BENCH_SIZES_MAX];
	double budget = m->opt.seconds / (2.0 * FORKSIZE_PASSES * r->npoints);
	size_t len = (size_t)max * MIB;
	int steps = 2 * FORKSIZE_PASSES * r->npoints, step = 0;

	memset(plain, 0, sizeof(plain));
	memset(huge, 0, sizeof(huge));
	/* Series 1: ordinary 4 KiB pages, and pthread_create beside them. */
	char *a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (a == MAP_FAILED)
		return measure_fail(m, "cannot map %d MiB: %s", max, strerror(errno));
	madvise(a, len, MADV_NOHUGEPAGE);
	for (int pass = 0; pass < FORKSIZE_PASSES; pass++) {
		size_t touched = 0;
		madvise(a, len, MADV_DONTNEED);
		for (int i = 0; i < r->npoints; i++, step++) {
			struct forksize_samples *sm = &plain[i];
			size_t want = (size_t)r->p[i].mib * MIB;
			measure_progress(m, (double)step / steps, "pass %d of %d: fork + waitpid holding %d MiB in 4 KiB pages",
			                 pass + 1, FORKSIZE_PASSES, r->p[i].mib);
			measure_touch(a, touched, want);
			touched = want;
			if (!forksize_fork(budget, sm->fork, &sm->nfork) || !forksize_thread(sm->thread, &sm->nthread)) {
				munmap(a, len);
				return measure_fail(m, "fork or pthread_create failed at %d MiB: %s", r->p[i].mib,
				                    strerror(errno));
			}
		}
	}
	munmap(a, len);

	/* Series 2: the same sizes asked for in 2 MiB pages; the kernel decides whether it gives them. */
	size_t hp = 2 * MIB;
	char *raw = mmap(NULL, len + hp, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED)
		return measure_fail(m, "cannot map %d MiB: %s", max, strerror(errno));
	char *b = (char *)(((uintptr_t)raw + hp - 1) & ~(uintptr_t)(hp - 1));
	if (b > raw)
		munmap(raw, (size_t)(b - raw));
	if (b + len < raw + len + hp)
		munmap(b + len, (size_t)(raw + len + hp - (b + len)));
	madvise(b, len, MADV_HUGEPAGE);
	for (int pass = 0; pass < FORKSIZE_PASSES; pass++) {
		size_t touched = 0;
		madvise(b, len, MADV_DONTNEED);
		long base = measure_huge_kib();
		for (int i = 0; i < r->npoints; i++, step++) {
			struct forksize_samples *sm = &huge[i];
			size_t want = (size_t)r->p[i].mib * MIB;
			measure_progress(m, (double)step / steps, "pass %d of %d: fork + waitpid holding %d MiB in huge pages",
			                 pass + 1, FORKSIZE_PASSES, r->p[i].mib);
			measure_touch(b, touched, want);
			touched = want;
			/* How much of it the kernel really gave in huge pages: at most what is held. */
			double got = (double)(measure_huge_kib() - base) / 1024.0;
			got = got < 0 ? 0 : got > r->p[i].mib ? r->p[i].mib : got;
			if (pass == 0 || got < r->p[i].huge_mib)
				r->p[i].huge_mib = got;
			if (!forksize_fork(budget, sm->fork, &sm->nfork)) {
				munmap(b, len);
				return measure_fail(m, "fork failed at %d MiB: %s", r->p[i].mib, strerror(errno));
			}
		}
	}
	/* Freed before the result goes out, so the exit that follows is quick to reap. */
	munmap(b, len);
	for (int i = 0; i < r->npoints; i++) {
		r->p[i].reps = plain[i].nfork;
		r->p[i].fork_us = measure_median(plain[i].fork, plain[i].nfork);
		r->p[i].fork_min_us = plain[i].fork[0];   /* sorted by the median */
		r->p[i].thread_us = measure_median(plain[i].thread, plain[i].nthread);
		r->p[i].fork_huge_us = measure_median(huge[i].fork, huge[i].nfork);
	}
	r->fork_us_per_mib = measure_slope(r, 0);
	r->fork_huge_us_per_mib = measure_slope(r, 1);
	r->thread_us_per_mib = measure_slope(r, 2);
	return true;
}

/* ---- switch: a byte back and forth through two pipes ---- */

struct pingpong {
	int in, out;   /* the partner reads in, writes out */
};

static void pingpong_serve(const struct pingpong *pp)
{
	char c;

	for (;;) {
		ssize_t n = read(pp->in, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || write(pp->out, &c, 1) != 1)
			return;
	}
}

static void *pingpong_thread(void *arg)
{
	pingpong_serve(arg);
	return NULL;
}

/* µs per round trip over n, or -1. */
static double pingpong_rounds(int out, int in, long n)
{
	char c = 'x';
	double t0 = measure_now();

	for (long i = 0; i < n; i++) {
		if (write(out, &c, 1) != 1 || read(in, &c, 1) != 1)
			return -1;
	}
	return (measure_now() - t0) * 1e6 / (double)n;
}

#define SWITCH_BATCH 1000
#define SWITCH_SAMPLES_MAX 8192

struct switch_config {
	bool processes, pinned;
	double samples[SWITCH_SAMPLES_MAX];
	int n;
};

static bool switch_once(struct measure *m, struct switch_config *c, int cpu, const cpu_set_t *allowed, double slice)
{
	int ab[2], ba[2];
	cpu_set_t one;
	pid_t pid = 0;
	pthread_t th;

	if (c->pinned) {
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		sched_setaffinity(0, sizeof(one), &one);
	} else {
		sched_setaffinity(0, sizeof(*allowed), allowed);
	}
	if (pipe2(ab, O_CLOEXEC) < 0)
		return measure_fail(m, "pipe: %s", strerror(errno));
	if (pipe2(ba, O_CLOEXEC) < 0) {
		close(ab[0]);
		close(ab[1]);
		return measure_fail(m, "pipe: %s", strerror(errno));
	}
	struct pingpong pp = { ab[0], ba[1] };
	/* The partner inherits the affinity just set: a thread from its creator, a process from its parent. */
	bool started;
	if (c->processes) {
		pid_t parent = getpid();
		pid = fork();
		if (pid == 0) {
			measure_partner_setup(parent);
			close(ab[1]);
			close(ba[0]);
			pingpong_serve(&pp);
			_exit(0);
		}
		started = pid > 0;
	} else {
		started = pthread_create(&th, NULL, pingpong_thread, &pp) == 0;
	}
	bool ok = started;
	if (ok && pingpong_rounds(ab[1], ba[0], 200) < 0)   /* warm-up */
		ok = false;
	double t0 = measure_now();
	while (ok && c->n < SWITCH_SAMPLES_MAX && (measure_now() - t0 < slice || c->n == 0)) {
		double us = pingpong_rounds(ab[1], ba[0], SWITCH_BATCH);
		if (us < 0)
			ok = false;
		else
			c->samples[c->n++] = us;
	}
	/* End of input ends the partner. */
	close(ab[1]);
	if (started) {
		if (c->processes)
			measure_wait(pid);
		else
			pthread_join(th, NULL);
	}
	close(ab[0]);
	close(ba[0]);
	close(ba[1]);
	sched_setaffinity(0, sizeof(*allowed), allowed);
	if (!ok)
		return measure_fail(m, "the ping-pong between two %s stopped: %s", c->processes ? "processes" : "threads",
		                    started ? strerror(errno) : "cannot start the partner");
	return true;
}

static bool measure_switch(struct measure *m, struct bench_switch *r)
{
	static struct switch_config cfg[4];
	static const char *const names[4] = { "two threads on one CPU", "two processes on one CPU",
		                                  "two threads, any CPU", "two processes, any CPU" };
	enum { ROUNDS = 3 };
	cpu_set_t allowed;

	if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0)
		return measure_fail(m, "sched_getaffinity: %s", strerror(errno));
	r->pinned_cpu = -1;
	for (int i = 0; i < CPU_SETSIZE; i++) {
		if (CPU_ISSET(i, &allowed)) {
			r->pinned_cpu = i;
			break;
		}
	}
	if (r->pinned_cpu < 0)
		return measure_fail(m, "no CPU allowed");
	for (int i = 0; i < 4; i++) {
		memset(&cfg[i], 0, sizeof(cfg[i]));
		cfg[i].processes = i % 2 == 1;
		cfg[i].pinned = i < 2;
	}
	/* Rounds of all four in turn, so a busy moment on the machine is shared out among them. */
	double slice = m->opt.seconds / (ROUNDS * 4);
	for (int round = 0; round < ROUNDS; round++) {
		for (int i = 0; i < 4; i++) {
			measure_progress(m, (round * 4 + i) / (double)(ROUNDS * 4), "round %d of %d: %s", round + 1, ROUNDS,
			                 names[i]);
			if (!switch_once(m, &cfg[i], r->pinned_cpu, &allowed, slice))
				return false;
		}
	}
	r->round_trips = (long)cfg[0].n * SWITCH_BATCH;
	for (int i = 1; i < 4; i++) {
		if ((long)cfg[i].n * SWITCH_BATCH < r->round_trips)
			r->round_trips = (long)cfg[i].n * SWITCH_BATCH;
	}
	r->threads_pinned_us = measure_median(cfg[0].samples, cfg[0].n);
	r->processes_pinned_us = measure_median(cfg[1].samples, cfg[1].n);
	r->threads_unpinned_us = measure_median(cfg[2].samples, cfg[2].n);
	r->processes_unpinned_us = measure_median(cfg[3].samples, cfg[3].n);
	return true;
}

/* ---- ipc: the same messages by pipe, socket, shared segment and shared variable ---- */

#define IPC_RING_BYTES (1024u * 1024u)

/*
 * A ring of message slots: one writer, one reader, two counters on cache lines of their
 * own.  The counters are 32 bits and wrap, so each is also a futex word to sleep on.
 */
struct ipc_ring {
	_Alignas(64) _Atomic uint32_t head;   /* messages written */
	_Atomic uint32_t reader_sleeps;       /* the reader waits on head */
	_Alignas(64) _Atomic uint32_t tail;   /* messages read */
	_Atomic uint32_t writer_sleeps;       /* the writer waits on tail */
	_Alignas(64) _Atomic int stop;        /* 1: the reader has had enough; 2: the writer failed */
	uint32_t slot, nslots;
	_Alignas(64) unsigned char data[];
};

/*
 * Waits until *word is no longer old.  Spins a little first: the other side is usually
 * running on the other CPU and answers within a microsecond.  Then sleeps on the word
 * (a futex, shared between processes as well as threads), as a real program would: a
 * spinner that cannot see its partner scheduled only burns the CPU the partner needs.
 */
static void ipc_wait(_Atomic uint32_t *word, uint32_t old, _Atomic uint32_t *sleeps, _Atomic int *stop)
{
	for (int spin = 0; spin < 2000; spin++) {
		if (atomic_load_explicit(word, memory_order_acquire) != old || atomic_load_explicit(stop, memory_order_relaxed))
			return;
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#elif defined(__aarch64__)
		__asm__ __volatile__("yield");
#endif
	}
	/*
	 * The flag up before the last look (both sequentially consistent): the other side then
	 * wakes us.  A stop changes no counter, so a sleep also ends by itself after 10 ms.
	 */
	struct timespec most = { 0, 10 * 1000 * 1000 };
	while (atomic_store(sleeps, 1), atomic_load(word) == old && !atomic_load(stop))
		syscall(SYS_futex, word, FUTEX_WAIT, old, &most, NULL, 0);
	atomic_store(sleeps, 0);
}

/* One wake for one sleep: the flag is taken down by whoever wakes. */
static void ipc_wake(_Atomic uint32_t *word, _Atomic uint32_t *sleeps)
{
	if (atomic_load(sleeps) && atomic_exchange(sleeps, 0))
		syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static void ipc_fill(unsigned char *msg, size_t len)
{
	for (size_t i = 0; i < len; i++)
		msg[i] = (unsigned char)(i * 31 + 7);
}

static bool ipc_write_all(int fd, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* 1 when a whole message arrived, 0 at the end, -1 on an error or a message cut short. */
static int ipc_read_all(int fd, unsigned char *p, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return got == 0 ? 0 : -1;
		got += (size_t)n;
	}
	return 1;
}

/* The writer over a stream (pipe or socket): numbered messages until the reader says stop. */
static void ipc_stream_write(int fd, size_t len, _Atomic int *stop)
{
	unsigned char *msg = malloc(len);

	if (msg == NULL)
		return;
	ipc_fill(msg, len);
	for (uint64_t seq = 0; !atomic_load_explicit(stop, memory_order_relaxed); seq++) {
		memcpy(msg, &seq, sizeof(seq));
		if (!ipc_write_all(fd, msg, len))
			break;
	}
	free(msg);
}

static void ipc_ring_write(struct ipc_ring *ring, size_t len)
{
	unsigned char *msg = malloc(len);

	if (msg == NULL) {
		atomic_store(&ring->stop, 2);
		ipc_wake(&ring->head, &ring->reader_sleeps);
		return;
	}
	ipc_fill(msg, len);
	for (uint64_t seq = 0; !atomic_load_explicit(&ring->stop, memory_order_relaxed); seq++) {
		memcpy(msg, &seq, sizeof(seq));
		uint32_t h = atomic_load_explicit(&ring->head, memory_order_relaxed), t;
		while (h - (t = atomic_load_explicit(&ring->tail, memory_order_acquire)) == ring->nslots) {
			if (atomic_load_explicit(&ring->stop, memory_order_relaxed))
				goto out;
			ipc_wait(&ring->tail, t, &ring->writer_sleeps, &ring->stop);
		}
		memcpy(ring->data + (size_t)(h % ring->nslots) * ring->slot, msg, len);
		atomic_store(&ring->head, h + 1);
		ipc_wake(&ring->head, &ring->reader_sleeps);
	}
out:
	free(msg);
}

static void *ipc_ring_thread(void *arg)
{
	struct ipc_ring *ring = arg;
	ipc_ring_write(ring, ring->slot);
	return NULL;
}

struct ipc_window {
	double seconds;
	uint64_t messages;
	bool bad;          /* a message out of order or damaged */
};

/* Reads messages for the window; returns with stop set and the stream drained to its end. */
static void ipc_stream_read(int fd, size_t len, double window, _Atomic int *stop, struct ipc_window *w)
{
	unsigned char *buf = malloc(len);
	uint64_t seq = 0, got;
	double t0 = 0, t1 = 0;

	if (buf == NULL || ipc_read_all(fd, buf, len) != 1) {
		w->bad = true;
		goto drain;
	}
	/* The clock starts once the first message is in: the writer is running by then. */
	t0 = measure_now();
	for (seq = 1;; seq++) {
		if (ipc_read_all(fd, buf, len) != 1) {
			w->bad = true;
			break;
		}
		memcpy(&got, buf, sizeof(got));
		if (got != seq || buf[len - 1] != (unsigned char)((len - 1) * 31 + 7)) {
			w->bad = true;
			break;
		}
		if ((seq & 63) == 0 && (t1 = measure_now()) - t0 >= window)
			break;
	}
	t1 = measure_now();
drain:
	atomic_store(stop, 1);
	if (buf != NULL) {
		while (ipc_read_all(fd, buf, len) == 1)
			;
	}
	free(buf);
	w->seconds = t1 - t0;
	w->messages = seq;
}

static void ipc_ring_read(struct ipc_ring *ring, double window, struct ipc_window *w)
{
	size_t len = ring->slot;
	unsigned char *buf = malloc(len);
	uint64_t seq = 0, got;
	double t0 = 0, t1;

	if (buf == NULL) {
		w->bad = true;
		atomic_store(&ring->stop, 1);
		ipc_wake(&ring->tail, &ring->writer_sleeps);
		return;
	}
	for (;; seq++) {
		uint32_t t = atomic_load_explicit(&ring->tail, memory_order_relaxed);
		while (atomic_load_explicit(&ring->head, memory_order_acquire) == t) {
			if (atomic_load(&ring->stop) == 2)
				break;
			ipc_wait(&ring->head, t, &ring->reader_sleeps, &ring->stop);
		}
		if (atomic_load(&ring->stop) == 2) {
			w->bad = true;
			break;
		}
		memcpy(buf, ring->data + (size_t)(t % ring->nslots) * len, len);
		atomic_store(&ring->tail, t + 1);
		ipc_wake(&ring->tail, &ring->writer_sleeps);
		memcpy(&got, buf, sizeof(got));
		if (got != seq || buf[len - 1] != (unsigned char)((len - 1) * 31 + 7)) {
			w->bad = true;
			break;
		}
		if (seq == 0)
			t0 = measure_now();
		else if ((seq & 255) == 0 && measure_now() - t0 >= window)
			break;
	}
	t1 = measure_now();
	atomic_store(&ring->stop, 1);
	ipc_wake(&ring->tail, &ring->writer_sleeps);
	free(buf);
	w->seconds = t1 - t0;
	w->messages = seq;
}

static bool ipc_once(struct measure *m, enum bench_ipc_method method, size_t len, double window,
                     struct ipc_window *w)
{
	pid_t parent = getpid(), pid = -1;
	bool ok = true;

	memset(w, 0, sizeof(*w));
	if (method == BENCH_IPC_PIPE || method == BENCH_IPC_SOCKET) {
		int fds[2];
		_Atomic int *stop = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (stop == MAP_FAILED)
			return measure_fail(m, "mmap: %s", strerror(errno));
		atomic_store(stop, 0);
		int rc = method == BENCH_IPC_PIPE ? pipe2(fds, O_CLOEXEC)
		                                  : socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds);
		if (rc < 0) {
			munmap((void *)stop, 4096);
			return measure_fail(m, "%s: %s", method == BENCH_IPC_PIPE ? "pipe" : "socketpair", strerror(errno));
		}
		pid = fork();
		if (pid == 0) {
			measure_partner_setup(parent);
			close(fds[0]);
			ipc_stream_write(fds[1], len, stop);
			close(fds[1]);
			_exit(0);
		}
		close(fds[1]);
		if (pid < 0) {
			ok = measure_fail(m, "fork: %s", strerror(errno));
		} else {
			ipc_stream_read(fds[0], len, window, stop, w);
			measure_wait(pid);
		}
		close(fds[0]);
		munmap((void *)stop, 4096);
		return ok;
	}

	/* A shared segment between two processes, or ordinary memory between two threads: the same ring. */
	size_t nslots = IPC_RING_BYTES / len > 2 ? IPC_RING_BYTES / len : 2;
	size_t size = sizeof(struct ipc_ring) + nslots * len;
	int flags = method == BENCH_IPC_SHM ? MAP_SHARED | MAP_ANONYMOUS : MAP_PRIVATE | MAP_ANONYMOUS;
	struct ipc_ring *ring = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (ring == MAP_FAILED)
		return measure_fail(m, "mmap: %s", strerror(errno));
	atomic_store(&ring->head, 0);
	atomic_store(&ring->tail, 0);
	atomic_store(&ring->reader_sleeps, 0);
	atomic_store(&ring->writer_sleeps, 0);
	atomic_store(&ring->stop, 0);
	ring->slot = (uint32_t)len;
	ring->nslots = (uint32_t)nslots;
	if (method == BENCH_IPC_SHM) {
		pid = fork();
		if (pid == 0) {
			measure_partner_setup(parent);
			ipc_ring_write(ring, len);
			_exit(0);
		}
		if (pid < 0)
			ok = measure_fail(m, "fork: %s", strerror(errno));
		else {
			ipc_ring_read(ring, window, w);
			measure_wait(pid);
		}
	} else {
		pthread_t th;
		if (pthread_create(&th, NULL, ipc_ring_thread, ring) != 0)
			ok = measure_fail(m, "pthread_create: %s", strerror(errno));
		else {
			ipc_ring_read(ring, window, w);
			pthread_join(th, NULL);
		}
	}
	munmap(ring, size);
	return ok;
}

static bool measure_ipc(struct measure *m, struct bench_ipc *r)
{
	enum { ROUNDS = 3 };
	static const int sizes[BENCH_IPC_SIZES] = { 64, 64 * 1024 };
	double rate[BENCH_IPC_SIZES][BENCH_IPC_METHODS][ROUNDS];
	int configs = BENCH_IPC_SIZES * BENCH_IPC_METHODS, done = 0;
	double window = m->opt.seconds / (ROUNDS * configs);

	for (int round = 0; round < ROUNDS; round++) {
		for (int s = 0; s < BENCH_IPC_SIZES; s++) {
			r->bytes[s] = sizes[s];
			for (int k = 0; k < BENCH_IPC_METHODS; k++, done++) {
				struct ipc_window w;
				measure_progress(m, (double)done / (ROUNDS * configs), "round %d of %d: %d-byte messages by %s",
				                 round + 1, ROUNDS, sizes[s], bench_ipc_method_name((enum bench_ipc_method)k));
				if (!ipc_once(m, (enum bench_ipc_method)k, (size_t)sizes[s], window, &w))
					return false;
				if (w.bad || w.seconds <= 0 || w.messages == 0)
					return measure_fail(m, "%d-byte messages by %s arrived damaged or not at all", sizes[s],
					                    bench_ipc_method_name((enum bench_ipc_method)k));
				rate[s][k][round] = (double)w.messages / w.seconds;
			}
		}
	}
	for (int s = 0; s < BENCH_IPC_SIZES; s++) {
		for (int k = 0; k < BENCH_IPC_METHODS; k++) {
			r->msgs_per_s[s][k] = measure_median(rate[s][k], ROUNDS);
			r->mb_per_s[s][k] = r->msgs_per_s[s][k] * sizes[s] / 1e6;
		}
	}
	return true;
}

_Noreturn void bench_measure_main(enum bench_kind kind, const struct bench_options *opt, int fd)
{
	static struct bench_msg msg;
	struct measure m = { .fd = fd, .kind = kind, .opt = *opt };
	bool ok = false;

	/* A write to a pipe ptviz closed (a cancel) ends this child; no handler needed. */
	m.start = measure_now();
	memset(&msg, 0, sizeof(msg));
	msg.result.kind = kind;
	switch (kind) {
	case BENCH_CREATE:
		ok = measure_create(&m, &msg.result.u.create);
		break;
	case BENCH_FORKSIZE:
		ok = measure_forksize(&m, &msg.result.u.forksize);
		break;
	case BENCH_SWITCH:
		ok = measure_switch(&m, &msg.result.u.sw);
		break;
	case BENCH_IPC:
		ok = measure_ipc(&m, &msg.result.u.ipc);
		break;
	default:
		measure_fail(&m, "no such measurement");
		break;
	}
	msg.type = ok ? BENCH_MSG_RESULT : BENCH_MSG_ERROR;
	msg.fraction = 1;
	msg.result.valid = ok;
	msg.result.seconds = measure_now() - m.start;
	strlcpy(msg.text, ok ? "done" : m.error, sizeof(msg.text));
	measure_send(&m, &msg);
	_exit(ok ? 0 : 1);
}
