/* Switching: a byte back and forth through two pipes, between two threads or two processes, on one CPU or any. */
#include "bench_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

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
	double t0 = bench_now();

	for (long i = 0; i < n; i++) {
		if (write(out, &c, 1) != 1 || read(in, &c, 1) != 1)
			return -1;
	}
	return (bench_now() - t0) * 1e6 / (double)n;
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
	double t0 = bench_now();
	while (ok && c->n < SWITCH_SAMPLES_MAX && (bench_now() - t0 < slice || c->n == 0)) {
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
			bench_wait(pid, NULL);
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

bool measure_switch(struct measure *m, struct bench_switch *r)
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
