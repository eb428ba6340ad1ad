/* Benchmarks of the engine under the screen's clock: frames delivered, a worker stopped from outside, observation's price per CPU-second. */
#include "bench_lab_live.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_common.h"
#include "lab/lab.h"
#include "view/frames.h"

#define HZ 10
#define MAX_FRAMES 4096

/* One spawn, tried up to three times: on a busy machine a big one can miss the engine's start timeout; each miss is printed. */
static bool live_spawn(struct lab *lab, enum lab_kind kind, int n)
{
	struct lab_error err;

	for (int attempt = 1; attempt <= 3; attempt++) {
		if (lab_spawn(lab, kind, n, false, NULL, &err))
			return true;
		printf("  spawn %s %d, try %d: %s\n", lab_kind_name(kind), n, attempt, err.msg);
		bench_sleep(1.0);
	}
	return false;
}

static struct lab *live_lab(int threads, int processes)
{
	struct lab_config cfg;
	struct lab_error err;

	lab_config_defaults(&cfg);
	cfg.max_threads = threads > cfg.max_threads ? threads : cfg.max_threads;
	cfg.max_processes = processes > cfg.max_processes ? processes : cfg.max_processes;
	struct lab *lab = lab_new(&cfg, &err);
	if (lab == NULL) {
		fprintf(stderr, "bench: %s\n", err.msg);
		exit(1);
	}
	if ((threads > 0 && !live_spawn(lab, LAB_THREADS, threads)) ||
	    (processes > 0 && !live_spawn(lab, LAB_PROCESSES, processes))) {
		printf("  the workers could not be started: nothing measured\n  goal: not judged (no workers)\n");
		lab_free(lab);
		exit(1);
	}
	return lab;
}

/* ---- frames delivered at 10 Hz ---- */

struct tally {
	int n;
	double t[MAX_FRAMES];        /* lab time each frame's pass began */
	double pass_ms[MAX_FRAMES];  /* how long its pass took */
	double memory_ms[MAX_FRAMES]; /* of which reading memory (smaps_rollup, stack pages) */
	int memory_reads;            /* processes whose memory the passes read */
	void (*check)(const struct lab *lab);
};

static void tally_frame(void *ctx, const struct lab *lab)
{
	struct tally *t = ctx;
	struct lab_pass p;

	lab_last_pass(lab, &p);
	if (t->n < MAX_FRAMES) {
		t->t[t->n] = lab_now(lab) - (double)p.total_ns / 1e9;
		t->pass_ms[t->n] = (double)p.total_ns / 1e6;
		t->memory_ms[t->n] = (double)p.memory_ns / 1e6;
		t->memory_reads += p.memory_reads;
		t->n++;
	}
	if (t->check != NULL)
		t->check(lab);
}

/* Lets seconds pass on the clock both front ends use, at 10 Hz; returns frames delivered per second. */
static double frames_window(struct lab *lab, double seconds, struct tally *t)
{
	struct frames f;
	struct frames_hooks hooks = { .frame = tally_frame, .ctx = t };
	int first = t->n;

	frames_start(&f, lab, HZ, &hooks);
	double a = lab_now(lab);
	frames_run(&f, seconds, -1);
	double b = lab_now(lab);
	int n = t->n - first;
	/* Between the first pass's start and the last's, so the window's edges and the passes' lengths do not count. */
	if (n >= 2 && t->t[t->n - 1] > t->t[first])
		return (n - 1) / (t->t[t->n - 1] - t->t[first]);
	return n / (b - a);
}

int bench_frames(int threads, int processes)
{
	int pairs = bench_rounds(4, 2);
	double window = bench_quick() ? 1.5 : 2.5;
	double rate[2][8];
	static struct tally tally[2];
	char buf[2][160];

	/* Outside: each loop a program of its own, as a browser or a video call is, not a job of ptviz's own shell. */
	bench_load_apart = true;
	printf("frames delivered at %d Hz, %d threads + %d processes, the screen's clock (src/view/frames.c), "
	       "%d alternated pairs of %.1f s windows, without / with two outside busy loops (each in a session of "
	       "its own, as another program's):\n", HZ, threads, processes, pairs, window);
	bench_print_machine("before spawning");
	double s0 = bench_now();
	struct lab *lab = live_lab(threads, processes);
	printf("  spawned in %.2f s\n", bench_now() - s0);
	frames_window(lab, 0.5, &(struct tally){ 0 });
	for (int i = 0; i < pairs; i++) {
		for (int k = 0; k < 2; k++) {
			int loaded = (i + k) % 2;   /* A B, then B A */
			if (loaded) {
				bench_load_start(2, 60);
				bench_sleep(0.2);
			}
			rate[loaded][i] = frames_window(lab, window, &tally[loaded]);
			if (loaded)
				bench_load_stop();
		}
	}
	bench_print_machine("at the end (its load average counts these workers too)");
	bool met = true;
	for (int k = 0; k < 2; k++) {
		printf("  %-28s frames/s %s\n", k ? "with two busy loops:" : "without outside load:",
		       bench_mqq(rate[k], pairs, "%.2f", buf[0], sizeof(buf[0])));
		printf("  %-28s pass ms  %s, p90 %.1f\n", "", bench_mqq(tally[k].pass_ms, tally[k].n, "%.2f", buf[1],
		       sizeof(buf[1])), bench_quantile(tally[k].pass_ms, tally[k].n, 0.9));
		printf("  %-28s of it memory ms %s, p90 %.2f, max %.2f; %d reads of smaps_rollup in %d frames\n", "",
		       bench_mqq(tally[k].memory_ms, tally[k].n, "%.2f", buf[1], sizeof(buf[1])),
		       bench_quantile(tally[k].memory_ms, tally[k].n, 0.9), bench_quantile(tally[k].memory_ms, tally[k].n, 1.0),
		       tally[k].memory_reads, tally[k].n);
		met = met && bench_quantile(rate[k], pairs, 0.5) >= 9.5;
	}
	bench_goal("median >= 9.5 frames/s, without and with outside load", met);
	double e0 = bench_now();
	lab_free(lab);
	printf("  ending the workers took %.2f s\n", bench_now() - e0);
	return 0;
}

/* ---- one worker stopped from outside ---- */

#define ST_GROUPS 3
#define ST_WORKERS 4

struct stopped_check {
	pid_t stopped;               /* the worker stopped now, 0 for none */
	int64_t prev_done[ST_GROUPS][ST_WORKERS];
	int64_t prev_lost[ST_GROUPS];
	int64_t slice_moved[ST_GROUPS][ST_WORKERS];  /* frames in this slice in which it moved */
	int steps, others_moved_steps;  /* frame-to-frame steps; those in which every other worker moved */
	int inexact, lost_back, unheld, stopped_moved, stopped_frames;
	char stopped_state;
	struct lab_group last;       /* the stopped one's group in the last frame, as the engine gave it */
};

static struct stopped_check sc;

/* A group's figures against its workers: exact, and lost never going back. */
static void stopped_check_group(const struct lab_group *g, int gi)
{
	int64_t sum = 0;

	if (!g->consistent) {
		sc.unheld++;
		return;
	}
	for (int w = 0; w < g->nworkers; w++) {
		sum += g->workers[w].done;
		if (!g->shared && g->workers[w].counter != g->workers[w].done)
			sc.inexact++;
	}
	if (sum != g->increments || g->lost != g->increments - g->counter || g->lost < 0 || (!g->shared && g->lost != 0))
		sc.inexact++;
	if (g->lost < sc.prev_lost[gi])
		sc.lost_back++;
	sc.prev_lost[gi] = g->lost;
}

static void stopped_frame(const struct lab *lab)
{
	bool all_others = true, first = sc.steps < 0;

	for (int gi = 0; gi < lab_ngroups(lab) && gi < ST_GROUPS; gi++) {
		const struct lab_group *g = lab_group_at(lab, gi);
		stopped_check_group(g, gi);
		for (int w = 0; w < g->nworkers && w < ST_WORKERS; w++) {
			const struct lab_worker *wk = &g->workers[w];
			bool moved = wk->done != sc.prev_done[gi][w];
			sc.prev_done[gi][w] = wk->done;
			if (first)
				continue;
			if (wk->pid == sc.stopped) {
				sc.last = *g;
				sc.stopped_frames++;
				sc.stopped_moved += moved;
				sc.stopped_state = wk->state;
			} else {
				all_others = all_others && moved;
				sc.slice_moved[gi][w] += moved;
			}
		}
	}
	sc.steps++;
	sc.others_moved_steps += !first && all_others;
}

/* Frames for seconds in slices of one second; returns the slices in which every other worker moved. */
static int stopped_phase(struct lab *lab, double seconds, int *slices, double *hz)
{
	static struct tally t;
	int live = 0;

	t.check = stopped_frame;
	*slices = 0;
	*hz = 0;
	for (double done = 0; done < seconds - 0.01; done += 1.0) {
		memset(sc.slice_moved, 0, sizeof(sc.slice_moved));
		t.n = 0;
		*hz += frames_window(lab, 1.0, &t);
		bool all = true;
		for (int gi = 0; gi < lab_ngroups(lab) && gi < ST_GROUPS; gi++) {
			const struct lab_group *g = lab_group_at(lab, gi);
			for (int w = 0; w < g->nworkers && w < ST_WORKERS; w++)
				all = all && (g->workers[w].pid == sc.stopped || sc.slice_moved[gi][w] > 0);
		}
		live += all;
		(*slices)++;
	}
	*hz /= *slices;
	return live;
}

/* What the tries of one worker add up to. */
struct stopped_sum {
	int tries, frozen_tries, live, slices, steps, moved_steps, inexact, lost_back, unheld, moved, frames, marked;
	double hz;
};

static void stopped_add(struct stopped_sum *sum, int live, int slices, double hz)
{
	sum->tries++;
	sum->frozen_tries += live < slices;
	sum->live += live;
	sum->slices += slices;
	sum->steps += sc.steps;
	sum->moved_steps += sc.others_moved_steps;
	sum->inexact += sc.inexact;
	sum->lost_back += sc.lost_back;
	sum->unheld += sc.unheld;
	sum->moved += sc.stopped_moved;
	sum->frames += sc.stopped_frames;
	sum->marked += sc.stopped_state == 'T';
	sum->hz += hz;
}

/* Stops one worker (SIGSTOP) for seconds, tries times at times of no choosing, and prints what the frames showed. */
static bool stopped_one(struct lab *lab, const char *id, int tries, double seconds)
{
	const struct lab_group *g;
	const struct lab_worker *w = lab_find_worker(lab, id, &g);
	struct stopped_sum sum = { 0 };
	int slices;
	double hz;

	if (w == NULL) {
		printf("  %s: no such worker\n", id);
		return false;
	}
	for (int i = 0; i < tries; i++) {
		memset(&sc, 0, sizeof(sc));
		sc.steps = -1;
		sc.stopped = w->pid;
		kill(sc.stopped, SIGSTOP);
		int live = stopped_phase(lab, seconds, &slices, &hz);
		kill(sc.stopped, SIGCONT);
		stopped_add(&sum, live, slices, hz);
		bench_sleep(0.2 + 0.3 * (double)(rand() % 100) / 100.0);
	}
	printf("  %s (pid %d, group %s, %s) stopped %d times for %.0f s: %.1f frames/s\n", id, (int)sc.stopped, g->name,
	       g->shared ? "one shared counter" : "private counters", tries, seconds, sum.hz / tries);
	printf("    every other worker moved in %d of %d one-second slices, and in %d of %d frame-to-frame steps; "
	       "frozen in %d of %d stops\n", sum.live, sum.slices, sum.moved_steps, sum.steps, sum.frozen_tries, tries);
	printf("    %s: state 'T' (stopped) in the last frame of %d of %d stops, its count moved in %d of %d frames\n", id,
	       sum.marked, tries, sum.moved, sum.frames);
	printf("    group figures: %d not exact, %d times lost went back, %d group-frames not held (figures kept)\n",
	       sum.inexact, sum.lost_back, sum.unheld);
	printf("    %s in the last frame: increments %lld, counter %lld, lost %lld, %s\n", g->name,
	       (long long)sc.last.increments, (long long)sc.last.counter, (long long)sc.last.lost,
	       sc.last.consistent ? "exact (consistent)" : "not held (consistent false)");
	return sum.live == sum.slices && sum.inexact == 0 && sum.lost_back == 0 && sum.marked == tries;
}

int bench_stopped(void)
{
	struct lab_error err;
	double seconds = 2;
	int tries = bench_rounds(4, 1);
	struct lab *lab = live_lab(4, 4);

	if (!lab_spawn(lab, LAB_PROCESSES, 4, true, "S", &err)) {
		fprintf(stderr, "bench: %s\n", err.msg);
		lab_free(lab);
		return 1;
	}
	printf("one worker stopped from outside (kill -STOP), 4 threads (T) + 4 private processes (P) + 4 processes "
	       "sharing one counter (S), sync none, frames at %d Hz:\n", HZ);
	memset(&sc, 0, sizeof(sc));
	sc.steps = -1;
	int slices;
	double hz;
	int live = stopped_phase(lab, 1.0, &slices, &hz);
	printf("  nothing stopped: %.1f frames/s, every worker moved in %d of %d slices, %d not exact\n", hz, live,
	       slices, sc.inexact);
	bool met = stopped_one(lab, "P3", tries, seconds);
	met = stopped_one(lab, "S3", tries, seconds) && met;
	bench_print_machine("");
	bench_goal("the others live (every slice) and exact, lost never back, the stopped one marked (T)", met);
	lab_free(lab);
	return 0;
}

/* ---- worker increments per CPU-second, observed against not ---- */

static int64_t live_increments(struct lab *lab)
{
	int64_t sum = 0;

	lab_observe(lab);
	for (int g = 0; g < lab_ngroups(lab); g++)
		sum += lab_group_at(lab, g)->increments;
	return sum;
}

static double live_worker_cpu_ns(struct lab *lab)
{
	double sum = 0;

	for (int g = 0; g < lab_ngroups(lab); g++) {
		const struct lab_group *grp = lab_group_at(lab, g);
		for (int i = 0; i < grp->nworkers; i++)
			sum += bench_task_cpu_ns(grp->workers[i].pid, grp->workers[i].tid);
	}
	return sum;
}

/* Increments per CPU-second of the workers over a window: observed at 10 Hz on the screen's clock, or only at its ends. */
static double per_cpu_window(struct lab *lab, double seconds, bool observed, double *cpus)
{
	static struct tally t;
	int64_t a = live_increments(lab);
	double cpu0 = live_worker_cpu_ns(lab), t0 = bench_now();

	t.n = 0;
	if (observed)
		frames_window(lab, seconds, &t);
	else
		bench_sleep(seconds);
	int64_t b = live_increments(lab);
	double cpu = live_worker_cpu_ns(lab) - cpu0;
	*cpus = cpu / 1e9 / (bench_now() - t0);
	return cpu > 0 ? (double)(b - a) / (cpu / 1e9) : 0;
}

int bench_observed(int threads, int processes)
{
	int pairs = bench_rounds(12, 3);
	double seconds = 1.0, ratio[12], on[12], off[12], cpus[2][12];
	char buf[160];

	printf("worker increments per CPU-second, %d threads + %d processes, sync none, observed at %d Hz against "
	       "not, %d alternated pairs of %.0f s windows (CPU from /proc/PID/task/TID/schedstat):\n",
	       threads, processes, HZ, pairs, seconds);
	bench_print_machine("before spawning");
	struct lab *lab = live_lab(threads, processes);
	bench_sleep(0.5);
	for (int i = 0; i < pairs; i++) {
		if (i % 2 == 0) {
			on[i] = per_cpu_window(lab, seconds, true, &cpus[1][i]);
			off[i] = per_cpu_window(lab, seconds, false, &cpus[0][i]);
		} else {
			off[i] = per_cpu_window(lab, seconds, false, &cpus[0][i]);
			on[i] = per_cpu_window(lab, seconds, true, &cpus[1][i]);
		}
		ratio[i] = off[i] > 0 ? on[i] / off[i] : 0;
	}
	for (int i = 0; i < pairs; i++) {
		on[i] /= 1e6;
		off[i] /= 1e6;
	}
	printf("  observed:     M/CPU-s %s\n", bench_mqq(on, pairs, "%.2f", buf, sizeof(buf)));
	printf("  not observed: M/CPU-s %s\n", bench_mqq(off, pairs, "%.2f", buf, sizeof(buf)));
	printf("  workers' CPUs in use: observed %s\n", bench_mqq(cpus[1], pairs, "%.2f", buf, sizeof(buf)));
	printf("                        not      %s\n", bench_mqq(cpus[0], pairs, "%.2f", buf, sizeof(buf)));
	printf("  ratio observed/not, per pair: %s\n", bench_mqq(ratio, pairs, "%.4f", buf, sizeof(buf)));
	bench_print_machine("at the end (its load average counts these workers too)");
	bench_goal("median ratio >= 0.99", bench_quantile(ratio, pairs, 0.5) >= 0.99);
	lab_free(lab);
	return 0;
}
