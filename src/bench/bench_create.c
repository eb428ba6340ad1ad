/* Creating: what a thread, a process and a program cost to start, and how fork's cost grows with memory held. */
#include "bench_priv.h"

#include <errno.h>
#include <pthread.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bsd/string.h>

#include "../lab/green.h"

extern char **environ;

/* ---- create: a thread, a process, a program ---- */

static void *measure_nothing(void *arg)
{
	return arg;
}

/* µs per pthread_create + join over n, or -1. */
static double create_threads(int n)
{
	double t0 = bench_now();

	for (int i = 0; i < n; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, measure_nothing, NULL) != 0)
			return -1;
		pthread_join(t, NULL);
	}
	return (bench_now() - t0) * 1e6 / n;
}

static double create_forks(int n)
{
	double t0 = bench_now();

	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0)
			return -1;
		bench_wait(pid, NULL);
	}
	return (bench_now() - t0) * 1e6 / n;
}

static double create_spawns(const char *path, int n)
{
	char *argv[] = { (char *)"true", NULL };
	double t0 = bench_now();

	for (int i = 0; i < n; i++) {
		pid_t pid;
		if (posix_spawn(&pid, path, NULL, NULL, argv, environ) != 0)
			return -1;
		int st = 0;
		bench_wait(pid, &st);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			return -1;
	}
	return (bench_now() - t0) * 1e6 / n;
}

#define CREATE_BATCHES_MAX 4096
#define CREATE_GREEN_N 100000

/* 100,000 green threads alive at once, beside the threads and processes; left out (green_n 0) without the memory. */
static void measure_create_green(struct measure *m, struct bench_create *r)
{
	struct green_cost cost;

	measure_progress(m, 1.0, "%d green threads at once", CREATE_GREEN_N);
	if (!green_measure_create(CREATE_GREEN_N, &cost))
		return;
	r->green_n = cost.n;
	r->green_create_ms = cost.create_ms;
	r->green_run_ms = cost.run_ms;
	r->green_kib = cost.rss_kib;
	r->green_stack = cost.stack_bytes;
}

/* Batches of each kind in turn, so a noisy second hurts all three alike; the median batch wins. */
bool measure_create(struct measure *m, struct bench_create *r)
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
	t0 = bench_now();
	while (n < CREATE_BATCHES_MAX && (n < MIN_BATCHES || bench_now() - t0 < budget)) {
		th[n] = create_threads(TH_BATCH);
		fk[n] = create_forks(FK_BATCH);
		sp[n] = spawn_ok ? create_spawns(spawn_path, SP_BATCH) : 0;
		if (th[n] < 0 || fk[n] < 0)
			return measure_fail(m, "%s failed: %s", th[n] < 0 ? "pthread_create" : "fork", strerror(errno));
		if (sp[n] < 0)
			spawn_ok = false;
		n++;
		measure_progress(m, (bench_now() - t0) / budget, "%d rounds: %d threads, %d forks, %d programs",
		                 n, n * TH_BATCH, n * FK_BATCH, spawn_ok ? n * SP_BATCH : 0);
	}
	measure_create_green(m, r);
	r->thread_us = measure_median(th, n);
	r->fork_us = measure_median(fk, n);
	r->spawn_us = spawn_ok ? measure_median(sp, n) : -1;
	r->thread_n = n * TH_BATCH;
	r->fork_n = n * FK_BATCH;
	r->spawn_n = spawn_ok ? n * SP_BATCH : 0;
	return true;
}

/* ---- forksize: fork while holding more and more memory ---- */

/* The number after "KEY:" in a /proc file of such lines (kB there); missing when the file or the key is not there. */
static long measure_kib(const char *path, const char *key, long missing)
{
	char line[256];
	long v = missing;
	size_t klen = strlen(key);
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return missing;
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
	return measure_kib("/proc/self/smaps_rollup", "AnonHugePages", 0);
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
	double t0 = bench_now();

	for (int i = 0; i < FORK_REPS_PASS; i++) {
		double a = bench_now();
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0)
			return false;
		bench_wait(pid, NULL);
		t[(*n)++] = (bench_now() - a) * 1e6;
		if (i + 1 >= FORK_REPS_MIN && bench_now() - t0 >= budget)
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

/* The sizes to climb, 1, 2, 4 ... MiB, and the largest, which one series holds at its top; returns that. */
static int forksize_sizes(struct measure *m, struct bench_forksize *r)
{
	int max = m->opt.max_mib;
	long avail = measure_kib("/proc/meminfo", "MemAvailable", -1);

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
	return max;
}

/* The memory a series holds: ordinary 4 KiB pages, or 2 MiB ones asked for (the kernel decides if it gives them). */
static char *forksize_memory(size_t len, bool huge)
{
	size_t hp = 2 * MIB;

	if (!huge) {
		char *a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (a == MAP_FAILED)
			return NULL;
		madvise(a, len, MADV_NOHUGEPAGE);
		return a;
	}
	/* Huge pages need a 2 MiB boundary: map a page more, and give back what lies outside it. */
	char *raw = mmap(NULL, len + hp, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	char *b = (char *)(((uintptr_t)raw + hp - 1) & ~(uintptr_t)(hp - 1));
	if (b > raw)
		munmap(raw, (size_t)(b - raw));
	if (b + len < raw + len + hp)
		munmap(b + len, (size_t)(raw + len + hp - (b + len)));
	madvise(b, len, MADV_HUGEPAGE);
	return b;
}

/*
 * One series climbs the sizes FORKSIZE_PASSES times, the memory dropped in between, timing
 * fork at each; in 4 KiB pages pthread_create beside it, in huge pages how many the kernel gave.
 */
static bool forksize_climb(struct measure *m, struct bench_forksize *r, char *mem, size_t len, bool huge,
                           struct forksize_samples *samples, double budget, int *step, int steps)
{
	for (int pass = 0; pass < FORKSIZE_PASSES; pass++) {
		size_t touched = 0;
		madvise(mem, len, MADV_DONTNEED);
		long base = huge ? measure_huge_kib() : 0;
		for (int i = 0; i < r->npoints; i++, (*step)++) {
			struct forksize_samples *sm = &samples[i];
			size_t want = (size_t)r->p[i].mib * MIB;
			measure_progress(m, (double)*step / steps, "pass %d of %d: fork + waitpid holding %d MiB in %s",
			                 pass + 1, FORKSIZE_PASSES, r->p[i].mib, huge ? "huge pages" : "4 KiB pages");
			measure_touch(mem, touched, want);
			touched = want;
			if (huge) {
				/* How much of it the kernel really gave in huge pages: at most what is held. */
				double got = (double)(measure_huge_kib() - base) / 1024.0;
				got = got < 0 ? 0 : got > r->p[i].mib ? r->p[i].mib : got;
				if (pass == 0 || got < r->p[i].huge_mib)
					r->p[i].huge_mib = got;
			}
			if (!forksize_fork(budget, sm->fork, &sm->nfork) || (!huge && !forksize_thread(sm->thread, &sm->nthread)))
				return measure_fail(m, "%s failed at %d MiB: %s", huge ? "fork" : "fork or pthread_create",
				                    r->p[i].mib, strerror(errno));
		}
	}
	return true;
}

/* Each point's medians, pooled over the passes, and the slopes through them. */
static void forksize_figures(struct bench_forksize *r, struct forksize_samples *plain, struct forksize_samples *huge)
{
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
}

bool measure_forksize(struct measure *m, struct bench_forksize *r)
{
	/*
	 * Each point gets an equal share of the time.  The sizes are climbed three times over,
	 * the memory dropped in between, so a busy moment on the machine spoils one pass of a
	 * point, not the point: the median is taken over all the passes.
	 */
	static struct forksize_samples plain[BENCH_SIZES_MAX], huge[BENCH_SIZES_MAX];
	int max = forksize_sizes(m, r);
	double budget = m->opt.seconds / (2.0 * FORKSIZE_PASSES * r->npoints);
	size_t len = (size_t)max * MIB;
	int steps = 2 * FORKSIZE_PASSES * r->npoints, step = 0;

	measure_thp_mode(r->thp_mode, sizeof(r->thp_mode));
	memset(plain, 0, sizeof(plain));
	memset(huge, 0, sizeof(huge));
	/* Series 1: ordinary 4 KiB pages, and pthread_create beside them.  Series 2: the same sizes in 2 MiB pages. */
	for (int series = 0; series < 2; series++) {
		bool in_huge = series == 1;
		char *mem = forksize_memory(len, in_huge);
		if (mem == NULL)
			return measure_fail(m, "cannot map %d MiB: %s", max, strerror(errno));
		bool ok = forksize_climb(m, r, mem, len, in_huge, in_huge ? huge : plain, budget, &step, steps);
		/* Freed before the result goes out, so the exit that follows is quick to reap. */
		munmap(mem, len);
		if (!ok)
			return false;
	}
	forksize_figures(r, plain, huge);
	return true;
}
