/* Behaviour tests of the engine with real threads and processes: races, faults, control, cleanup. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../not_judged.h"

#include "lab/lab.h"
#include "lab/procfs.h"
#include "view/frames.h"
#include "view/story.h"

#define MAX_SEEN 600

struct fixture {
	struct lab *lab;
	pid_t seen[MAX_SEEN];   /* every process the test started, checked gone at the end */
	int nseen;
	struct lab_event last_exit;   /* its figures; its lists of ids and pids are not kept */
	int exits;
	int stops, resumes;           /* events of processes stopped and continued from outside */
	int stop_signal, resume_signal;
	char stop_text[768];          /* the last stop as the log tells it */
	struct lab_event last_stop;   /* its figures; its lists of ids and pids are not kept */
	struct frames clock;
	pid_t loops[2];               /* outside busy loops the test forked, ended by pid however it ends */
	int nloops;
};

/* Each event as the clock hands it on: an exit is counted and kept. */
static void on_event(void *ctx, const struct lab_event *ev)
{
	struct fixture *fx = ctx;

	if (ev->kind == LAB_EVENT_STOPPED) {
		fx->stops++;
		fx->stop_signal = ev->signal;
		story_event(fx->lab, ev, false, fx->stop_text, sizeof(fx->stop_text));
		fx->last_stop = *ev;
		fx->last_stop.ids = NULL;
		fx->last_stop.pids = NULL;
	} else if (ev->kind == LAB_EVENT_RESUMED) {
		fx->resumes++;
		fx->resume_signal = ev->signal;
	}
	if (ev->kind != LAB_EVENT_EXIT)
		return;
	fx->last_exit = *ev;
	fx->last_exit.ids = NULL;
	fx->last_exit.pids = NULL;
	fx->exits++;
}

static int setup_sized(void **state, int max_threads, int max_processes)
{
	static struct fixture fx;
	struct lab_config cfg;
	struct lab_error err;

	memset(&fx, 0, sizeof(fx));
	lab_config_defaults(&cfg);
	cfg.max_threads = max_threads;
	cfg.max_processes = max_processes;
	fx.lab = lab_new(&cfg, &err);
	if (fx.lab == NULL)
		fail_msg("lab_new: %s", err.msg);
	frames_start(&fx.clock, fx.lab, 10, &(struct frames_hooks){ .event = on_event, .ctx = &fx });
	*state = &fx;
	return 0;
}

static int setup(void **state)
{
	return setup_sized(state, 8, 8);
}

/* As `--max-threads 1024 --max-processes 256`. */
static int setup_big(void **state)
{
	return setup_sized(state, 1024, 256);
}

static void remember(struct fixture *fx)
{
	for (int i = 0; i < lab_ngroups(fx->lab); i++) {
		const struct lab_group *g = lab_group_at(fx->lab, i);
		for (int j = 0; j < g->nworkers; j++) {
			pid_t pid = g->workers[j].pid;
			bool known = false;
			for (int k = 0; k < fx->nseen; k++)
				known |= fx->seen[k] == pid;
			if (!known && pid > 0 && fx->nseen < MAX_SEEN)
				fx->seen[fx->nseen++] = pid;
		}
	}
}

/* Ends the test's busy loops by pid and reaps them: they are its children, so their pids are still theirs. */
static void end_loops(struct fixture *fx)
{
	for (int i = 0; i < fx->nloops; i++) {
		kill(fx->loops[i], SIGKILL);
		waitpid(fx->loops[i], NULL, 0);
	}
	fx->nloops = 0;
}

static pid_t proc_ppid(pid_t pid);

/*
 * After every test however it ends (a failed assertion jumps out past the test's own ends):
 * the busy loops end, the lab ends its workers and is freed.  A worker still there after
 * lab_free fails the test; one that is a child of this test (as workers are, and their
 * children once adopted) is ended by its pid here and reaped, so that nothing is left behind.
 * Another program's process that took a gone worker's pid again is never sent a signal.
 */
static int teardown(void **state)
{
	struct fixture *fx = *state;
	int left = 0;

	end_loops(fx);
	remember(fx);
	lab_free(fx->lab);
	lab_event_clear(&fx->last_exit);
	for (int i = 0; i < fx->nseen; i++) {
		if (kill(fx->seen[i], 0) == 0 || errno != ESRCH) {
			print_error("worker process %d is still there after lab_free\n", (int)fx->seen[i]);
			if (proc_ppid(fx->seen[i]) == getpid()) {
				kill(fx->seen[i], SIGKILL);
				waitpid(fx->seen[i], NULL, 0);
			}
			left++;
		}
	}
	/* A leaked worker is a failed test. */
	return left == 0 ? 0 : -1;
}

static void drain(struct fixture *fx)
{
	frames_drain(&fx->clock);
}

/* Lets time pass as a front end would: reap as workers end, observe at 10 Hz, and once more at the end. */
static void run_for(struct fixture *fx, double seconds)
{
	frames_run(&fx->clock, seconds, -1);
	frames_observe(&fx->clock);
}

static void must(bool ok, const struct lab_error *err)
{
	if (!ok)
		fail_msg("%s", err->msg);
}

static void spawn(struct fixture *fx, enum lab_kind kind, int n, bool shared, const char *name)
{
	struct lab_error err;

	must(lab_spawn(fx->lab, kind, n, shared, name, &err), &err);
	remember(fx);
	drain(fx);
}

static const struct lab_group *group(struct fixture *fx, const char *name)
{
	const struct lab_group *g = lab_find_group(fx->lab, name);
	assert_non_null(g);
	return g;
}

/*
 * Judged by CPU, not by the wall clock.  On a machine loaded by other work the
 * workers, at idle priority, may get no CPU for seconds, so a check that needs
 * them to run is judged by the CPU time they got.  A judge measures the CPU of
 * a group's workers (or of one of them) from the moment it is made: all of it
 * (ANY_CPU), or only what they had beyond one CPU's worth of the time that
 * passed (SIDE_BY_SIDE), which is time two of them surely ran at once on two
 * CPUs, as a lost update needs.  A check fails only when a snapshot taken after
 * its workers had their budget shows it wrong.  When they cannot get the
 * budget in GUARD_S seconds, or after GUARD_MIN_S seconds get CPU too slowly
 * to reach it by then, the check says why it cannot be judged and is skipped;
 * the caller skips what depends on it.
 */
#define GUARD_S 60.0
#define GUARD_MIN_S 5.0
/* CPU in which a worker that runs at all surely counts: an increment takes well under a microsecond. */
#define COUNT_BUDGET_MS 200

enum measure { ANY_CPU, SIDE_BY_SIDE };

struct judge {
	struct fixture *fx;
	char what[160];
	const struct lab_group *g;    /* whose CPU is measured */
	int only;                     /* one worker of g (its index), or -1 for all of them */
	enum measure measure;
	uint64_t budget_ns;
	uint64_t cpu0;
	double t0;
	const struct lab_group *read; /* whose figures the check reads (g unless a witness measures) */
	bool met;                     /* it came true (UNTIL), or stayed true for the whole budget (HOLDS) */
};

/*
 * Was every figure of g read in the last pass?  Not when some worker was
 * moving and did not park in time (its figures and lost were kept).  A writer
 * caught mid-increment is read where it stands: its count is exact, and lost
 * is a bound that says so.
 */
static bool read_whole(const struct lab_group *g)
{
	if (g->lost_kept)
		return false;
	for (int i = 0; i < g->nworkers; i++) {
		if (g->workers[i].alive && g->workers[i].figures_kept)
			return false;
	}
	return true;
}

static uint64_t group_cpu_ns(const struct lab_group *g, int only)
{
	uint64_t ns = 0;

	for (int j = 0; j < g->nworkers; j++)
		if (only < 0 || j == only)
			ns += g->workers[j].cpu_ns;
	return ns;
}

static struct judge judge(struct fixture *fx, const struct lab_group *g, int only, enum measure measure,
                          int budget_ms, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Starts judging from a fresh observation; the check is named by fmt. */
static struct judge judge(struct fixture *fx, const struct lab_group *g, int only, enum measure measure,
                          int budget_ms, const char *fmt, ...)
{
	struct judge j = { .fx = fx, .g = g, .only = only, .measure = measure, .read = g };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j.what, sizeof(j.what), fmt, ap);
	va_end(ap);
	j.budget_ns = (uint64_t)budget_ms * 1000000u;
	frames_observe(&fx->clock);
	j.cpu0 = group_cpu_ns(g, only);
	j.t0 = lab_now(fx->lab);
	return j;
}

/* The CPU the judged workers had since the judge began, as it measures it. */
static uint64_t judged_ns(const struct judge *j)
{
	uint64_t used = group_cpu_ns(j->g, j->only) - j->cpu0;

	if (j->measure == SIDE_BY_SIDE) {
		uint64_t wall = (uint64_t)((lab_now(j->fx->lab) - j->t0) * 1e9);
		used = used > wall ? used - wall : 0;
	}
	return used;
}

static const char *judged_as(const struct judge *j)
{
	return j->measure == SIDE_BY_SIDE ? "of the workers' CPU beyond one CPU's worth" : "of the workers' CPU";
}

/* Gives up, with a message, when the budget cannot come in GUARD_S seconds. */
static bool give_up(struct judge *j, uint64_t used)
{
	double t = lab_now(j->fx->lab) - j->t0;

	if (t < GUARD_MIN_S || (t < GUARD_S && (double)used * (GUARD_S / t) >= (double)j->budget_ns))
		return false;
	if (used >= j->budget_ns)
		print_message("SKIP one check: %s cannot be judged: its workers had their %.0f ms of CPU, but in %.0f s "
		              "no snapshot could hold them all at a boundary (the machine is busy)\n",
		              j->what, (double)j->budget_ns / 1e6, t);
	else if (j->measure == SIDE_BY_SIDE)
		print_message("SKIP one check: %s cannot be judged: its workers ran side by side for %.0f ms in %.0f s "
		              "(the machine is busy or has one CPU); it needs %.0f ms\n",
		              j->what, (double)used / 1e6, t, (double)j->budget_ns / 1e6);
	else
		print_message("SKIP one check: %s cannot be judged: its workers had %.0f ms of CPU in %.0f s "
		              "(the machine is busy); it needs %.0f ms\n",
		              j->what, (double)used / 1e6, t, (double)j->budget_ns / 1e6);
	return true;
}

/*
 * One turn of UNTIL: false once met holds (j->met) or the check is skipped;
 * fails when a snapshot taken after the budget was spent shows it not so.
 */
static bool until(struct judge *j, bool met)
{
	if (met) {
		j->met = true;
		return false;
	}
	uint64_t used = judged_ns(j);
	if (used >= j->budget_ns && read_whole(j->read))
		fail_msg("%s: still not so after %.0f ms %s", j->what, (double)used / 1e6, judged_as(j));
	if (give_up(j, used))
		return false;
	run_for(j->fx, 0.02);
	return true;
}

/* One turn of HOLDS: fails the moment holds is false; done once it held while the budget was spent. */
static bool holding(struct judge *j, bool holds)
{
	uint64_t used = judged_ns(j);

	if (!holds)
		fail_msg("%s: no longer so after %.0f ms %s", j->what, (double)used / 1e6, judged_as(j));
	if (used >= j->budget_ns && read_whole(j->read)) {
		j->met = true;
		return false;
	}
	if (give_up(j, used))
		return false;
	run_for(j->fx, 0.02);
	return true;
}

/* Lets time pass until cond holds, observing between looks; cond is read again after each. */
#define UNTIL(j, cond) do { } while (until((j), (cond)))
/* Lets time pass while the workers spend the budget, cond true at every look. */
#define HOLDS(j, cond) do { } while (holding((j), (cond)))

/* What a group has counted (its increments), or one of its workers (its done). */
static int64_t count(const struct lab_group *g, int only)
{
	return only < 0 ? g->increments : g->workers[only].done;
}

/* Until g (or its worker only) has counted more than from, judged by their CPU; false when skipped. */
static bool counts_past(struct fixture *fx, const struct lab_group *g, int only, int64_t from, const char *what)
{
	struct judge j = judge(fx, g, only, ANY_CPU, COUNT_BUDGET_MS, "%s", what);

	UNTIL(&j, read_whole(g) && count(g, only) > from);
	return j.met;
}

/*
 * lost as the engine may show it: exactly increments - counter when every
 * writer stands between operations; otherwise at most one more for each
 * writer inside one (alive and preempted, or killed there), which may have
 * stored its increment and not yet counted it, and never below 0.
 */
static void assert_lost_exact(const struct lab_group *g)
{
	int inside = 0;

	for (int i = 0; i < g->nworkers; i++)
		inside += g->workers[i].mid_increment;
	assert_true(g->lost >= 0);
	if (inside == 0 && !g->lost_at_least)
		assert_int_equal(g->lost, g->increments - g->counter);
	else
		assert_in_range(g->lost, 0, g->increments - g->counter + inside);
}

/* Until a snapshot holds every worker of g at a boundary, so that what is read of g is now. */
static bool read_now(struct fixture *fx, const struct lab_group *g)
{
	struct judge j = judge(fx, g, -1, ANY_CPU, COUNT_BUDGET_MS, "a snapshot of %s", g->name);

	UNTIL(&j, read_whole(g));
	return j.met;
}

/*
 * Commands that need the workers to answer (a fault, an end, a hold for a
 * switch or for step mode) wait for them some seconds by the clock, then fail
 * or say in their note that the machine is busy.  Judged by CPU: when a
 * worker asked had less than ANSWER_BUDGET_MS of CPU meanwhile (for a step:
 * when no stepping worker had that much), the command cannot be judged and the
 * caller skips what depends on it; workers that had that much and did not
 * answer are a failure.
 */
#define ANSWER_BUDGET_MS 50

struct asked {
	struct fixture *fx;
	const struct lab_group *g;  /* NULL: every group */
	int only;                   /* the worker asked, or -1 for every worker */
	bool any;                   /* one of them must answer (a step), not every one (a hold) */
	uint64_t cpu0[LAB_MAX_GROUPS][8];
};

static struct asked ask(struct fixture *fx, const struct lab_group *g, int only)
{
	struct asked a = { .fx = fx, .g = g, .only = only };

	lab_observe(fx->lab);
	for (int i = 0; i < lab_ngroups(fx->lab); i++) {
		const struct lab_group *gi = lab_group_at(fx->lab, i);
		assert_true(gi->nworkers <= 8);
		for (int k = 0; k < gi->nworkers; k++)
			a.cpu0[i][k] = gi->workers[k].cpu_ns;
	}
	return a;
}

/* The least (or, for `any`, the most) CPU a worker asked had since ask, in ms; -1 when none is alive. */
static double asked_cpu_ms(const struct asked *a)
{
	double found = -1;

	for (int i = 0; i < lab_ngroups(a->fx->lab); i++) {
		const struct lab_group *gi = lab_group_at(a->fx->lab, i);
		if ((a->g != NULL && gi != a->g) || (a->any && !gi->stepping))
			continue;
		for (int k = 0; k < gi->nworkers; k++) {
			const struct lab_worker *w = &gi->workers[k];
			if ((a->only >= 0 && k != a->only) || !w->alive)
				continue;
			double ms = (double)(w->cpu_ns - a->cpu0[i][k]) / 1e6;
			if (found < 0 || (a->any ? ms > found : ms < found))
				found = ms;
		}
	}
	return found;
}

static bool answered(struct asked *a, bool ok, const struct lab_error *err, const char *what)
{
	bool busy = ok ? strstr(err->msg, "could not be held at a boundary") != NULL ||
	                     strstr(err->msg, "the machine is busy") != NULL ||
	                     strstr(err->msg, "has not taken its step yet") != NULL
	               : strstr(err->msg, " within ") != NULL;

	if (ok && !busy)
		return true;
	if (!busy)
		fail_msg("%s: %s", what, err->msg);
	lab_observe(a->fx->lab);
	double ms = asked_cpu_ms(a);
	if (ms >= ANSWER_BUDGET_MS)
		fail_msg("%s: \"%s\" although the workers asked had %.0f ms of CPU meanwhile", what, err->msg, ms);
	print_message("SKIP one check: %s cannot be judged: \"%s\", and the workers asked had %.0f ms of CPU "
	              "meanwhile (the machine is busy); it needs %d ms\n", what, err->msg, ms < 0 ? 0.0 : ms,
	              ANSWER_BUDGET_MS);
	return false;
}

/* Until every live worker of g has counted more than it had at the start, each judged by its own CPU. */
static bool each_counts(struct fixture *fx, const struct lab_group *g, const char *what)
{
	int64_t from[64];

	assert_true(g->nworkers <= 64);
	if (!read_now(fx, g))
		return false;
	for (int i = 0; i < g->nworkers; i++)
		from[i] = g->workers[i].done;
	for (int i = 0; i < g->nworkers; i++) {
		char name[96];
		snprintf(name, sizeof(name), "%s: %s counts", what, g->workers[i].id);
		if (g->workers[i].alive && !counts_past(fx, g, i, from[i], name))
			return false;
	}
	return true;
}

/* A step, and what its note says; false (with a message) when it was not taken for want of CPU. */
static bool step(struct fixture *fx, const char *worker, const char *expect_in_note)
{
	struct lab_error err = { 0 };
	struct asked a = ask(fx, NULL, -1);
	char what[64];

	a.any = true;
	snprintf(what, sizeof(what), "step %s", worker ? worker : "");
	must(lab_step(fx->lab, worker, &err), &err);
	if (!answered(&a, true, &err, what))
		return false;
	if (expect_in_note != NULL && strstr(err.msg, expect_in_note) == NULL)
		fail_msg("step %s said '%s', expected it to mention '%s'", worker ? worker : "", err.msg, expect_in_note);
	drain(fx);
	return true;
}

/* A step the rest of the test depends on: the test ends there when it could not be taken. */
#define STEP(fx, worker, note) do { if (!step((fx), (worker), (note))) return; } while (0)

/* step on (or off) for a group, or every group: false when it could not hold them for want of CPU. */
static bool step_mode(struct fixture *fx, bool on, const char *name)
{
	struct lab_error err = { 0 };
	struct asked a = ask(fx, name ? group(fx, name) : NULL, -1);

	return answered(&a, lab_step_mode(fx->lab, on, name, &err), &err, on ? "step on" : "step off");
}

/* workload for a group, or every group: false when it could not hold them for want of CPU. */
static bool workload(struct fixture *fx, enum lab_workload w, const char *name)
{
	struct lab_error err = { 0 };
	struct asked a = ask(fx, name ? group(fx, name) : NULL, -1);

	return answered(&a, lab_workload(fx->lab, w, name, &err), &err, "workload");
}

/*
 * Switches the sync mode of a group (every group: name NULL), and says so for
 * each group whose workers the switch could not find at a boundary: then an
 * update begun before it may still be stored after it, and the figures read at
 * the switch are not those of that moment.
 */
static void sync_mode(struct fixture *fx, enum lab_sync mode, const char *name)
{
	struct lab_error err;

	must(lab_sync(fx->lab, mode, name, &err), &err);
	for (int i = 0; i < lab_ngroups(fx->lab); i++) {
		const struct lab_group *g = lab_group_at(fx->lab, i);
		if ((name == NULL || strcmp(name, g->name) == 0) && !g->consistent)
			print_message("NOTE: sync %s was switched while %s could not be held at a boundary\n",
			              lab_sync_name(mode), g->name);
	}
}

/*
 * A witness: one thread at the workers' own priority, counting.  The CPU it
 * gets while others are expected to stand still is CPU they could have had.
 */
static const struct lab_group *witness(struct fixture *fx)
{
	spawn(fx, LAB_THREADS, 1, false, "W");
	const struct lab_group *w = group(fx, "W");
	return w->workload == LAB_WORK_COUNTER || workload(fx, LAB_WORK_COUNTER, "W") ? w : NULL;
}

/* Judges cond of group g to hold while the witness w has budget_ms of CPU. */
static struct judge witnessed(struct fixture *fx, const struct lab_group *w, const struct lab_group *g,
                              int budget_ms, const char *what)
{
	struct judge j = judge(fx, w, -1, ANY_CPU, budget_ms, "%s (while a witness at the same priority ran)", what);

	j.read = g;
	return j;
}

static void test_threads_lose_updates_then_locks_stop_it(void **state)
{
	struct fixture *fx = *state;

	spawn(fx, LAB_THREADS, 4, false, NULL);
	const struct lab_group *t = group(fx, "T");
	assert_string_equal(t->name, "T");
	assert_int_equal(t->alive, 4);
	if (!counts_past(fx, t, -1, 0, "T counts"))
		return;
	/* every thread sees the one counter */
	for (int i = 0; i < 4; i++) {
		assert_int_equal(t->workers[i].counter, t->counter);
		assert_int_equal(t->workers[i].counter_address, lab_counter_address());
		assert_int_equal(t->workers[i].pid, t->host);
		assert_true(t->workers[i].tid != t->host);
	}
	/* An update is lost only while two threads run at once, on two CPUs. */
	struct judge j = judge(fx, t, -1, SIDE_BY_SIDE, 300, "T loses updates without a lock");
	UNTIL(&j, read_whole(t) && t->lost > 0);
	assert_true(t->lost >= 0);
	/* Exact when no thread stood mid-increment; else what is surely lost. */
	if (!t->lost_at_least)
		assert_int_equal(t->lost, t->increments - t->counter);

	for (int mode = LAB_SYNC_MUTEX; mode <= LAB_SYNC_ATOMIC; mode++) {
		sync_mode(fx, (enum lab_sync)mode, NULL);
		assert_int_equal(t->sync, mode);
		if (!read_now(fx, t))
			return;
		int64_t lost = t->lost, before = t->increments;
		if (!counts_past(fx, t, -1, before, "T counts under a lock"))
			return;
		/* not a single update more, however long the threads ran side by side */
		j = judge(fx, t, -1, SIDE_BY_SIDE, 300, "T loses nothing under sync %s", lab_sync_name(t->sync));
		HOLDS(&j, t->lost == lost);
	}
	assert_int_equal(lab_parent_counter(), 0);
}

static void test_private_processes(void **state)
{
	struct fixture *fx = *state;

	spawn(fx, LAB_PROCESSES, 4, false, NULL);
	const struct lab_group *p = group(fx, "P");
	if (!each_counts(fx, p, "private processes"))
		return;
	assert_false(p->shared);
	assert_int_equal(p->lost, 0);
	for (int i = 0; i < 4; i++) {
		const struct lab_worker *w = &p->workers[i];
		assert_int_equal(w->counter_address, lab_counter_address());
		assert_true(w->counter > 0);
		assert_int_equal(w->counter, w->done);
		assert_int_equal(w->pid, w->tid);
		for (int j = 0; j < i; j++)
			assert_true(w->counter != p->workers[j].counter);
	}
	assert_int_equal(lab_parent_counter(), 0);
}

static void test_shared_processes_race(void **state)
{
	struct fixture *fx = *state;

	spawn(fx, LAB_PROCESSES, 4, true, "Shm");
	const struct lab_group *s = group(fx, "Shm");
	assert_true(s->shared);
	assert_int_equal(s->workers[0].id[0], 'S');
	/* As threads do: only while two of them run at once, on two CPUs. */
	struct judge j = judge(fx, s, -1, SIDE_BY_SIDE, 300, "processes sharing a segment lose updates");
	UNTIL(&j, read_whole(s) && s->lost > 0);
	if (!s->lost_at_least)
		assert_int_equal(s->lost, s->increments - s->counter);
	for (int i = 1; i < 4; i++)
		assert_int_equal(s->workers[i].counter_address, s->workers[0].counter_address);
	assert_true(s->counter_address != lab_counter_address());
}

static void test_thread_segv_kills_the_host(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	spawn(fx, LAB_THREADS, 4, false, NULL);
	spawn(fx, LAB_PROCESSES, 2, false, NULL);
	const struct lab_group *t = group(fx, "T"), *p = group(fx, "P");
	bool counted = counts_past(fx, t, -1, 0, "T counts before the fault");
	struct asked a = ask(fx, t, 2);
	if (!answered(&a, lab_inject(fx->lab, LAB_FAULT_SEGV, "T3", &err), &err, "inject segv T3"))
		return;
	drain(fx);
	assert_int_equal(t->alive, 0);
	assert_false(t->host_alive);
	for (int i = 0; i < 4; i++) {
		assert_false(t->workers[i].alive);
		assert_int_equal(t->workers[i].signal, SIGSEGV);
		assert_int_equal(t->workers[i].end, i == 2 ? LAB_END_FAULT : LAB_END_SIBLING);
	}
	assert_int_equal(fx->last_exit.kind, LAB_EVENT_EXIT);
	assert_string_equal(fx->last_exit.cause, "T3");
	assert_int_equal(fx->last_exit.signal, SIGSEGV);
	assert_int_equal(fx->last_exit.nids, 4);
	assert_int_equal(fx->last_exit.pid, t->host);
	/* the figures of its last moment stay, exact or (a thread caught mid-increment) a bound that says so */
	if (counted)
		assert_true(t->increments > 0);
	assert_true(t->lost >= 0);
	if (!t->lost_at_least && !t->lost_kept)
		assert_int_equal(t->lost, t->increments - t->counter);
	/* the processes and ptviz go on */
	if (read_now(fx, p) && counts_past(fx, p, 0, p->workers[0].done, "P1 counts on after T died"))
		assert_int_equal(p->alive, 2);
	/* the dead cannot take requests */
	assert_false(lab_inject(fx->lab, LAB_FAULT_SEGV, "T1", &err));
	assert_non_null(strstr(err.msg, "already dead"));
}

static void test_process_segv_kills_only_it(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	spawn(fx, LAB_PROCESSES, 4, false, NULL);
	const struct lab_group *p = group(fx, "P");
	struct asked a = ask(fx, p, 2);
	if (!answered(&a, lab_inject(fx->lab, LAB_FAULT_SEGV, "P3", &err), &err, "inject segv P3"))
		return;
	drain(fx);
	assert_int_equal(p->alive, 3);
	assert_false(p->workers[2].alive);
	assert_int_equal(p->workers[2].signal, SIGSEGV);
	assert_string_equal(fx->last_exit.cause, "P3");
	assert_int_equal(fx->last_exit.nids, 1);
	int64_t dead = p->workers[2].done;
	/* the others count on, each judged by its own CPU; the dead one never again */
	if (!each_counts(fx, p, "the survivors of P3"))
		return;
	assert_int_equal(p->workers[2].done, dead);
	assert_int_equal(p->alive, 3);
	assert_int_equal(p->lost, 0);
}

static void test_abort_and_exit(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	spawn(fx, LAB_PROCESSES, 2, false, NULL);
	spawn(fx, LAB_THREADS, 3, false, NULL);
	struct asked a = ask(fx, group(fx, "P"), 0);
	if (!answered(&a, lab_inject(fx->lab, LAB_FAULT_ABORT, "P1", &err), &err, "inject abort P1"))
		return;
	drain(fx);
	assert_int_equal(group(fx, "P")->workers[0].signal, SIGABRT);
	assert_int_equal(group(fx, "P")->alive, 1);

	/* exit() from one thread ends its whole process */
	const struct lab_group *t = group(fx, "T");
	a = ask(fx, t, 1);
	if (!answered(&a, lab_inject(fx->lab, LAB_FAULT_EXIT, "T2", &err), &err, "inject exit T2"))
		return;
	drain(fx);
	assert_int_equal(t->alive, 0);
	assert_int_equal(fx->last_exit.status, 1);
	assert_int_equal(fx->last_exit.signal, 0);
	assert_string_equal(fx->last_exit.cause, "T2");
	assert_int_equal(t->workers[0].status, 1);
}

static void test_loop_spins_while_siblings_go_on(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	spawn(fx, LAB_THREADS, 3, false, NULL);
	const struct lab_group *t = group(fx, "T");
	struct asked a = ask(fx, t, 1);
	if (!answered(&a, lab_inject(fx->lab, LAB_FAULT_LOOP, "T2", &err), &err, "inject loop T2"))
		return;
	/* read once it spins: its count is final then */
	if (read_now(fx, t)) {
		int64_t looper = t->workers[1].done;
		if (counts_past(fx, t, 0, t->workers[0].done, "T1 counts while T2 spins")) {
			/* the spinning thread has CPU, and counts nothing with it */
			struct judge j = judge(fx, t, 1, ANY_CPU, 100, "T2 counts nothing while it spins");
			HOLDS(&j, t->workers[1].done == looper && t->workers[1].state == 'R');
			assert_true(read_whole(t));
		}
	}
	assert_true(t->workers[1].alive);
	assert_int_equal(t->workers[1].activity, LAB_ACT_LOOPING);
	/* a spinning thread hears nothing, and cannot be killed alone */
	assert_false(lab_pause(fx->lab, "T2", true, &err));
	assert_non_null(strstr(err.msg, "runaway loop"));
	assert_false(lab_kill(fx->lab, "T2", &err));
	assert_non_null(strstr(err.msg, "kill T"));
	must(lab_kill(fx->lab, "T", &err), &err);
	drain(fx);
	assert_int_equal(t->alive, 0);
	assert_int_equal(fx->last_exit.end, LAB_END_KILLED);
}

static void test_pause_resume_kill(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	spawn(fx, LAB_THREADS, 2, false, NULL);
	spawn(fx, LAB_PROCESSES, 2, true, NULL);
	const struct lab_group *t = group(fx, "T"), *p = group(fx, "P");
	must(lab_pause(fx->lab, "T1", true, &err), &err);
	must(lab_pause(fx->lab, "P", true, &err), &err);
	if (!read_now(fx, t) || !read_now(fx, p))
		return;
	int64_t t1 = t->workers[0].done, p1 = p->workers[0].done;
	/* T2 works on; the paused stand still while it has CPU they could have had */
	if (!counts_past(fx, t, 1, t->workers[1].done, "T2 counts while T1 is paused"))
		return;
	struct judge j = judge(fx, t, 1, ANY_CPU, 200, "T1 and P stay paused");
	HOLDS(&j, t->workers[0].done == t1 && p->workers[0].done == p1);
	assert_int_equal(t->workers[0].activity, LAB_ACT_PAUSED);
	assert_int_equal(t->workers[0].state, 'S');
	must(lab_pause(fx->lab, "all", false, &err), &err);
	if (!counts_past(fx, t, 0, t1, "T1 counts once resumed") || !counts_past(fx, p, 0, p1, "P1 counts once resumed"))
		return;

	/* one thread ends alone; the host and its sibling go on */
	struct asked a = ask(fx, t, 0);
	if (!answered(&a, lab_kill(fx->lab, "T1", &err), &err, "kill T1"))
		return;
	drain(fx);
	assert_false(t->workers[0].alive);
	assert_int_equal(t->workers[0].end, LAB_END_ENDED);
	assert_true(t->host_alive);
	if (!read_now(fx, t) || !counts_past(fx, t, 1, t->workers[1].done, "T2 counts on after T1 ended"))
		return;
	assert_lost_exact(t);

	/* a process killed while parked: the shared count stays exact */
	must(lab_kill(fx->lab, "P2", &err), &err);
	drain(fx);
	assert_false(p->workers[1].alive);
	assert_int_equal(p->workers[1].signal, SIGKILL);
	assert_int_equal(fx->last_exit.end, LAB_END_KILLED);
	if (!read_now(fx, p) || !counts_past(fx, p, 0, p->workers[0].done, "P1 counts on after P2 was killed"))
		return;
	/* Killed between its store and its count, P2 takes one increment uncounted with it: lost may be one above. */
	assert_lost_exact(p);
	sync_mode(fx, LAB_SYNC_ATOMIC, "P");
	if (!read_now(fx, p))
		return;
	int64_t lost = p->lost;
	j = judge(fx, p, -1, ANY_CPU, 100, "P loses nothing under sync atomic");
	HOLDS(&j, p->lost == lost);
}

static void test_bad_requests(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	assert_false(lab_spawn(fx->lab, LAB_THREADS, 9, false, NULL, &err));
	assert_non_null(strstr(err.msg, "--max-threads 9"));
	assert_int_equal(lab_ngroups(fx->lab), 0);
	spawn(fx, LAB_PROCESSES, 6, false, NULL);
	assert_false(lab_spawn(fx->lab, LAB_PROCESSES, 3, false, NULL, &err));
	assert_non_null(strstr(err.msg, "cap of 8"));
	assert_int_equal(lab_ngroups(fx->lab), 1);
	assert_false(lab_spawn(fx->lab, LAB_PROCESSES, 1, false, "P", &err));
	assert_non_null(strstr(err.msg, "already exists"));
	assert_false(lab_spawn(fx->lab, LAB_THREADS, 1, false, "T9", &err));
	assert_false(lab_spawn(fx->lab, LAB_THREADS, 1, true, NULL, &err));
	assert_false(lab_inject(fx->lab, LAB_FAULT_SEGV, "Q1", &err));
	assert_non_null(strstr(err.msg, "no worker named 'Q1': there is no group Q; the groups are P"));
	assert_false(lab_inject(fx->lab, LAB_FAULT_SEGV, "P7", &err));
	assert_non_null(strstr(err.msg, "no worker named 'P7': P has P1..P6"));
	assert_false(lab_inject(fx->lab, LAB_FAULT_SEGV, "p2", &err));
	assert_non_null(strstr(err.msg, "names are case-sensitive; did you mean P2?"));
	assert_false(lab_kill(fx->lab, "Nope", &err));
	assert_non_null(strstr(err.msg, "no group named 'Nope': the groups are P"));
	assert_false(lab_pause(fx->lab, "Nope", true, &err));
	assert_false(lab_sync(fx->lab, LAB_SYNC_MUTEX, "Nope", &err));
	assert_false(lab_sync(fx->lab, LAB_SYNC_MUTEX, "p", &err));
	assert_non_null(strstr(err.msg, "did you mean P?"));
	/* a second default group of the same kind gets the next name */
	spawn(fx, LAB_PROCESSES, 1, false, NULL);
	assert_non_null(lab_find_group(fx->lab, "PB"));
	assert_non_null(lab_find_worker(fx->lab, "PB1", NULL));
	/* reset ends everything */
	lab_reset(fx->lab);
	assert_int_equal(lab_ngroups(fx->lab), 0);
	for (int i = 0; i < fx->nseen; i++)
		assert_true(kill(fx->seen[i], 0) == -1 && errno == ESRCH);
}

static void test_outside_kill_is_attributed(void **state)
{
	struct fixture *fx = *state;

	spawn(fx, LAB_PROCESSES, 2, false, NULL);
	const struct lab_group *p = group(fx, "P");
	kill(p->workers[0].pid, SIGTERM);
	/* it dies when it next runs */
	struct judge j = judge(fx, p, 0, ANY_CPU, 50, "P1 dies of a SIGTERM from outside");
	UNTIL(&j, !p->workers[0].alive);
	if (!j.met)
		return;
	assert_int_equal(p->workers[0].end, LAB_END_SIGNAL);
	assert_int_equal(p->workers[0].signal, SIGTERM);
	assert_string_equal(fx->last_exit.cause, "");
	assert_int_equal(p->alive, 1);
}

/* The seed texts' interleaving: both load 0, both store 1.  Threads lose one; processes lose none. */
static void test_step_lost_update(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;
	static const int order[] = { 1, 2, 1, 2, 1, 2 };

	spawn(fx, LAB_THREADS, 2, false, NULL);
	spawn(fx, LAB_PROCESSES, 2, false, NULL);
	run_for(fx, 0.2);
	if (!step_mode(fx, true, NULL))
		return;
	must(lab_schedule(fx->lab, order, 6, &err), &err);
	const struct lab_group *t = group(fx, "T"), *p = group(fx, "P");
	assert_true(t->stepping && p->stepping);
	/* step on starts the count again from 0, in the workers' own memory */
	assert_int_equal(t->increments, 0);
	assert_int_equal(t->counter, 0);
	assert_int_equal(p->workers[0].counter, 0);
	assert_int_equal(t->workers[0].next, LAB_STEP_LOAD);
	assert_false(t->workers[0].has_reg);

	STEP(fx, NULL, "T1 load: register = 0");
	STEP(fx, NULL, "T2 load: register = 0");
	assert_true(t->workers[0].has_reg && t->workers[1].has_reg);
	assert_int_equal(t->workers[0].next, LAB_STEP_ADD);
	STEP(fx, NULL, "T1 add: register = 1");
	STEP(fx, NULL, "P2 add: register = 1");
	STEP(fx, NULL, "T1 store: counter = 1");
	/* the real workers wait: nothing moves between steps, while a witness has CPU they could have had */
	const struct lab_group *w = witness(fx);
	if (w == NULL)
		return;
	struct judge j = witnessed(fx, w, t, 100, "nothing moves between steps");
	HOLDS(&j, t->counter == 1 && t->workers[1].done == 0);
	assert_int_equal(t->counter, 1);
	assert_int_equal(t->workers[1].done, 0);
	assert_int_equal(t->workers[1].activity, LAB_ACT_STEPWAIT);
	assert_int_equal(t->workers[1].state, 'S');
	STEP(fx, NULL, "T2 store: counter = 1");
	lab_observe(fx->lab);

	assert_int_equal(t->increments, 2);
	assert_int_equal(t->counter, 1);
	assert_int_equal(t->lost, 1);
	assert_int_equal(p->increments, 2);
	assert_int_equal(p->workers[0].counter, 1);
	assert_int_equal(p->workers[1].counter, 1);
	assert_int_equal(p->lost, 0);
	assert_int_equal(t->workers[0].steps, 3);

	/* the schedule wraps: a seventh step is T1 again */
	STEP(fx, NULL, "T1 load: register = 1");
	/* step off: they finish what they began and run free again */
	must(lab_step_mode(fx->lab, false, NULL, &err), &err);
	assert_false(t->workers[0].stepping);
	if (!counts_past(fx, t, -1, 2, "T counts freely after step off"))
		return;
	assert_int_equal(p->lost, 0);
}

/* Check, then withdraw: two checks see 100, both take 100, the balance goes negative. */
static void test_step_withdraw_overdraws(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;
	static const int order[] = { 1, 2, 1, 1, 2, 2 };

	spawn(fx, LAB_THREADS, 2, false, NULL);
	spawn(fx, LAB_PROCESSES, 2, false, NULL);
	if (!workload(fx, LAB_WORK_WITHDRAW, NULL) || !step_mode(fx, true, NULL))
		return;
	must(lab_schedule(fx->lab, order, 6, &err), &err);
	const struct lab_group *t = group(fx, "T"), *p = group(fx, "P");
	assert_int_equal(t->counter, LAB_WITHDRAW_BALANCE);
	assert_int_equal(t->workers[0].next, LAB_STEP_CHECK);
	for (int i = 0; i < 6; i++)
		STEP(fx, NULL, NULL);
	lab_observe(fx->lab);
	assert_int_equal(t->increments, 2);
	assert_int_equal(t->counter, LAB_WITHDRAW_BALANCE - 2 * LAB_WITHDRAW_AMOUNT);
	assert_true(t->overdrawn);
	/* each process withdrew from its own account of 100 */
	assert_int_equal(p->workers[0].counter, 0);
	assert_int_equal(p->workers[1].counter, 0);
	assert_false(p->overdrawn);
	assert_int_equal(p->lost, 0);
	/* a third check finds nothing left and is refused */
	STEP(fx, "T1", "refused");
	lab_observe(fx->lab);
	assert_int_equal(t->refused, 1);
	assert_int_equal(t->increments, 2);

	/* with the lock around check and withdraw, the same schedule cannot overdraw */
	must(lab_sync(fx->lab, LAB_SYNC_MUTEX, "T", &err), &err);
	if (!workload(fx, LAB_WORK_WITHDRAW, "T"))
		return;
	assert_int_equal(t->counter, LAB_WITHDRAW_BALANCE);
	STEP(fx, "T1", "T1 check: balance 100 covers 100");
	STEP(fx, "T2", "T2 waits for the lock: T1 holds it");
	assert_int_equal(t->workers[1].activity, LAB_ACT_LOCKWAIT);
	assert_false(lab_step(fx->lab, "T2", &err));
	assert_non_null(strstr(err.msg, "step T1 first"));
	STEP(fx, "T1", "T1 load");
	/* T1 lets go of the lock: T2, blocked since its step, takes it, checks, and finds nothing */
	STEP(fx, "T1", "T1 store: balance = 0; T2 took the lock: T2 check: balance 0 is less than 100, refused");
	lab_observe(fx->lab);
	assert_int_equal(t->counter, 0);
	assert_int_equal(t->increments, 1);
	assert_false(t->overdrawn);
	assert_int_equal(t->refused, 1);
	/* a thread ended in step mode while it holds the lock lets it go */
	if (!workload(fx, LAB_WORK_WITHDRAW, "T"))
		return;
	STEP(fx, "T2", "T2 check: balance 100 covers 100");
	assert_true(t->workers[1].holds_lock);
	struct asked a = ask(fx, t, 1);
	if (!answered(&a, lab_kill(fx->lab, "T2", &err), &err, "kill T2"))
		return;
	drain(fx);
	assert_false(t->workers[1].alive);
	STEP(fx, "T1", "T1 check: balance 100 covers 100");
	STEP(fx, "T1", "T1 load");
	STEP(fx, "T1", "T1 store: balance = 0");

	/* the same for a process of a shared group, killed outright: the robust lock recovers */
	spawn(fx, LAB_PROCESSES, 2, true, "S");
	sync_mode(fx, LAB_SYNC_MUTEX, "S");
	if (!workload(fx, LAB_WORK_WITHDRAW, "S") || !step_mode(fx, true, "S"))
		return;
	STEP(fx, "S1", "S1 check: balance 100 covers 100");
	must(lab_kill(fx->lab, "S1", &err), &err);
	drain(fx);
	STEP(fx, "S2", "S2 check: balance 100 covers 100");
}

static void test_step_bad_requests(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;
	static const int bad[] = { 0 };

	assert_false(lab_step(fx->lab, NULL, &err));
	assert_non_null(strstr(err.msg, "step on"));
	assert_false(lab_step_mode(fx->lab, true, NULL, &err));
	assert_non_null(strstr(err.msg, "spawn one first"));
	spawn(fx, LAB_THREADS, 2, false, NULL);
	assert_false(lab_step(fx->lab, "T1", &err));
	assert_non_null(strstr(err.msg, "step on T"));
	assert_false(lab_step(fx->lab, "T9", &err));
	assert_false(lab_step_mode(fx->lab, true, "Q", &err));
	assert_non_null(strstr(err.msg, "no group named 'Q'"));
	assert_false(lab_schedule(fx->lab, bad, 1, &err));
	if (!step_mode(fx, true, "T"))
		return;
	/* a schedule naming a worker the group lacks says so and moves nothing */
	static const int far[] = { 5 };
	must(lab_schedule(fx->lab, far, 1, &err), &err);
	assert_false(lab_step(fx->lab, NULL, &err));
	assert_non_null(strstr(err.msg, "T has no worker 5"));
	/* no schedule: the group's workers take turns */
	must(lab_schedule(fx->lab, NULL, 0, &err), &err);
	STEP(fx, NULL, "T1 load");
	STEP(fx, NULL, "T2 load");
	STEP(fx, NULL, "T1 add");
	/* paused, it cannot step; a fault still reaches it while it waits */
	must(lab_pause(fx->lab, "T2", true, &err), &err);
	assert_false(lab_step(fx->lab, "T2", &err));
	assert_non_null(strstr(err.msg, "resume T2"));
	struct asked a = ask(fx, group(fx, "T"), 0);
	if (!answered(&a, lab_inject(fx->lab, LAB_FAULT_SEGV, "T1", &err), &err, "inject segv T1 while it steps"))
		return;
	drain(fx);
	assert_false(group(fx, "T")->host_alive);
	assert_int_equal(fx->last_exit.signal, SIGSEGV);
}

/* Two locks taken in opposite orders: both workers stop for good, each holding what the other wants. */
static bool deadlocked(const struct lab_group *g)
{
	for (int i = 0; i < g->nworkers; i++) {
		const struct lab_worker *w = &g->workers[i];
		uint32_t first = w->number % 2 == 1 ? LAB_LOCK_A : LAB_LOCK_B;
		if (w->alive && (w->holds != first || w->wants != (LAB_LOCK_A | LAB_LOCK_B) - first))
			return false;
	}
	return read_whole(g);
}

static void test_deadlock_and_its_fix(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	spawn(fx, LAB_THREADS, 2, false, NULL);
	spawn(fx, LAB_PROCESSES, 2, true, NULL);
	const struct lab_group *t = group(fx, "T"), *p = group(fx, "P");
	if (!workload(fx, LAB_WORK_DEADLOCK, NULL))
		return;
	/* soon each holds one lock and wants the other: running, they would use their CPU */
	struct judge j = judge(fx, t, -1, ANY_CPU, COUNT_BUDGET_MS, "T deadlocks");
	UNTIL(&j, deadlocked(t));
	if (!j.met)
		return;
	j = judge(fx, p, -1, ANY_CPU, COUNT_BUDGET_MS, "P deadlocks");
	UNTIL(&j, deadlocked(p));
	if (!j.met)
		return;
	const struct lab_group *w = witness(fx);
	if (w == NULL)
		return;
	int64_t before = t->increments, pbefore = p->increments;
	uint64_t stuck0 = group_cpu_ns(t, -1) + group_cpu_ns(p, -1), w0 = group_cpu_ns(w, -1);
	/*
	 * Stuck, and asleep in the kernel: while a witness at their priority has
	 * CPU they could have had, they make no progress and use next to none (a
	 * blocked worker wakes twice a second to read its control word).
	 */
	j = witnessed(fx, w, t, 200, "T and P make no progress while deadlocked");
	HOLDS(&j, t->increments == before && p->increments == pbefore && deadlocked(t) && deadlocked(p));
	if (j.met) {
		double stuck = (double)(group_cpu_ns(t, -1) + group_cpu_ns(p, -1) - stuck0) / 1e6;
		double witnessed_ms = (double)(group_cpu_ns(w, -1) - w0) / 1e6;
		print_message("deadlocked: the 4 workers used %.1f ms of CPU while the witness used %.0f ms; states %c%c%c%c\n",
		              stuck, witnessed_ms, t->workers[0].state, t->workers[1].state, p->workers[0].state,
		              p->workers[1].state);
		assert_true(stuck <= witnessed_ms / 10);
	}
	for (int i = 0; i < 2; i++)
		assert_int_equal(t->workers[i].activity, LAB_ACT_LOCKWAIT);
	assert_int_equal(t->workers[0].holds, LAB_LOCK_A);
	assert_int_equal(t->workers[0].wants, LAB_LOCK_B);
	assert_int_equal(t->workers[1].holds, LAB_LOCK_B);
	assert_int_equal(t->workers[1].wants, LAB_LOCK_A);
	assert_int_equal(p->workers[1].wants, LAB_LOCK_A);
	/* observation does not wait for them */
	lab_observe(fx->lab);
	assert_true(read_whole(t) && read_whole(p));

	must(lab_fix_lockorder(fx->lab, NULL, &err), &err);
	if (!counts_past(fx, t, -1, before, "T counts once the lock order is fixed") ||
	    !counts_past(fx, p, -1, pbefore, "P counts once the lock order is fixed"))
		return;
	assert_int_equal(t->lost, 0);
	assert_int_equal(p->lost, 0);

	/* a deadlocked thread still answers kill */
	if (!workload(fx, LAB_WORK_DEADLOCK, "T"))
		return;
	j = judge(fx, t, -1, ANY_CPU, COUNT_BUDGET_MS, "T deadlocks again");
	UNTIL(&j, deadlocked(t));
	if (!j.met)
		return;
	struct asked a = ask(fx, t, 0);
	if (!answered(&a, lab_kill(fx->lab, "T1", &err), &err, "kill T1 while deadlocked"))
		return;
	drain(fx);
	assert_false(t->workers[0].alive);
	/* step mode refuses a workload it cannot take apart, either way round */
	assert_false(lab_step_mode(fx->lab, true, "P", &err));
	assert_non_null(strstr(err.msg, "workload counter P"));
	if (!workload(fx, LAB_WORK_COUNTER, "P") || !step_mode(fx, true, "P"))
		return;
	assert_false(lab_workload(fx->lab, LAB_WORK_DEADLOCK, "P", &err));
	assert_non_null(strstr(err.msg, "'step off P' first"));
}

/* Not reaped, an exited process is a zombie: Z here and in /proc, until reap. */
static void test_zombie_until_reaped(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;
	char path[64], buf[256];

	spawn(fx, LAB_PROCESSES, 2, false, NULL);
	const struct lab_group *p = group(fx, "P");
	must(lab_reaping(fx->lab, LAB_REAP_OFF, &err), &err);
	struct asked a = ask(fx, p, 0);
	if (!answered(&a, lab_inject(fx->lab, LAB_FAULT_EXIT, "P1", &err), &err, "inject exit P1"))
		return;
	drain(fx);
	assert_false(p->workers[0].alive);
	assert_true(p->workers[0].zombie);
	assert_int_equal(p->workers[0].state, 'Z');
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)p->workers[0].pid);
	/* Read and closed before any check: a failed one jumps out past a fclose after it. */
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	bool got = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	assert_true(got);
	assert_non_null(strstr(buf, ") Z "));
	assert_true(p->workers[1].alive);

	must(lab_reaping(fx->lab, LAB_REAP_NOW, &err), &err);
	assert_non_null(strstr(err.msg, "reaped P1"));
	assert_false(p->workers[0].zombie);
	assert_int_equal(kill(p->workers[0].pid, 0), -1);
	assert_int_equal(errno, ESRCH);
	/* reaping back on: the next exit leaves nothing behind */
	must(lab_reaping(fx->lab, LAB_REAP_ON, &err), &err);
	a = ask(fx, p, 1);
	if (!answered(&a, lab_inject(fx->lab, LAB_FAULT_EXIT, "P2", &err), &err, "inject exit P2"))
		return;
	drain(fx);
	assert_false(p->workers[1].zombie);
	assert_int_equal(kill(p->workers[1].pid, 0), -1);
}

/*
 * Lets g's workers have budget_ms of CPU, and returns how many of them ran at
 * once meanwhile (their CPU over the time it took); -1 when skipped.
 */
static double parallelism(struct fixture *fx, const struct lab_group *g, int budget_ms, const char *what)
{
	struct judge j = judge(fx, g, -1, ANY_CPU, budget_ms, "%s", what);

	HOLDS(&j, true);
	if (!j.met)
		return -1;
	return (double)(group_cpu_ns(g, -1) - j.cpu0) / 1e9 / (lab_now(fx->lab) - j.t0);
}

/* What a group did in its turns: increments per second, and CPUs used (its CPU over the time). */
struct turn {
	const char *name;
	double rate, cpus;
};

/*
 * Groups take turns, one running while the others are paused, three rounds,
 * so that the machine's busy moments fall on all alike.  Each turn lasts until
 * the group had a third of budget_ms of CPU, so that there is something to
 * count however busy the machine is.  false when a turn was skipped.
 */
static bool take_turns(struct fixture *fx, struct turn *turns, int n, int budget_ms)
{
	struct lab_error err;
	double cpu[8] = { 0 }, wall[8] = { 0 };
	int64_t done[8] = { 0 };

	assert_true(n <= 8);
	for (int round = 0; round < 3; round++) {
		for (int k = 0; k < n; k++) {
			for (int o = 0; o < n; o++)
				must(lab_pause(fx->lab, turns[o].name, o != k, &err), &err);
			const struct lab_group *g = group(fx, turns[k].name);
			if (!read_now(fx, g))
				return false;
			int64_t before = g->increments;
			struct judge j = judge(fx, g, -1, ANY_CPU, budget_ms / 3, "a turn of %s", g->name);
			HOLDS(&j, true);
			if (!j.met)
				return false;
			cpu[k] += (double)(group_cpu_ns(g, -1) - j.cpu0) / 1e9;
			wall[k] += lab_now(fx->lab) - j.t0;
			done[k] += g->increments - before;
		}
	}
	for (int k = 0; k < n; k++) {
		turns[k].rate = (double)done[k] / wall[k];
		turns[k].cpus = cpu[k] / wall[k];
	}
	must(lab_pause(fx->lab, "all", false, &err), &err);
	return true;
}

static void test_cpus_and_gil(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	spawn(fx, LAB_THREADS, 2, false, NULL);
	spawn(fx, LAB_PROCESSES, 2, false, NULL);
	must(lab_cpus(fx->lab, true, NULL, &err), &err);
	const struct lab_group *t = group(fx, "T"), *p = group(fx, "P");
	assert_true(t->pinned_cpu >= 0);
	assert_int_equal(p->pinned_cpu, t->pinned_cpu);
	/* each shows the one CPU once it has run there */
	const struct lab_group *groups[2] = { t, p };
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < 2; i++) {
			const struct lab_group *g = groups[k];
			struct judge j = judge(fx, g, i, ANY_CPU, 50, "%s runs on CPU %d", g->workers[i].id, t->pinned_cpu);
			UNTIL(&j, g->workers[i].cpu == t->pinned_cpu);
		}
	}
	must(lab_cpus(fx->lab, false, NULL, &err), &err);
	assert_int_equal(t->pinned_cpu, -1);

	/* Under the GIL the threads take turns: never much more than one runs at a time. */
	must(lab_kill(fx->lab, "P", &err), &err);
	drain(fx);
	must(lab_gil(fx->lab, true, "T", &err), &err);
	if (!workload(fx, LAB_WORK_COUNTER, "T"))
		return;
	double threads = parallelism(fx, t, 300, "2 threads under one GIL");
	if (threads >= 0) {
		print_message("gil on: 2 threads ran %.2f at a time\n", threads);
		assert_true(threads <= 1.2);
	}
	assert_int_equal(t->lost, 0);
	/*
	 * Each process has its own GIL: where two CPUs are free, both run.  Free
	 * for them or not is told by two processes without a GIL, in turns with them.
	 */
	spawn(fx, LAB_PROCESSES, 2, false, "Q");
	spawn(fx, LAB_PROCESSES, 2, false, "C");
	must(lab_kill(fx->lab, "T", &err), &err);
	drain(fx);
	must(lab_gil(fx->lab, true, "Q", &err), &err);
	struct turn turns[2] = { { .name = "Q" }, { .name = "C" } };
	if (!take_turns(fx, turns, 2, 600))
		return;
	print_message("gil on: 2 processes ran %.2f at a time; without a GIL, %.2f\n", turns[0].cpus, turns[1].cpus);
	if (turns[1].cpus < 1.6)
		not_judged("2 processes under their own GILs run side by side",
		           "two processes without a GIL ran only %.2f at a time (the machine is busy)", turns[1].cpus);
	else if (turns[0].cpus < 0.8 * turns[1].cpus)
		fail_msg("2 processes under their own GILs ran %.2f at a time, without a GIL %.2f", turns[0].cpus,
		         turns[1].cpus);
}

/* schedstat's first field is the time on a CPU in ns; the rest is not wanted. */
static void test_schedstat_parse(void **state)
{
	uint64_t ns = 0;

	(void)state;
	assert_true(procfs_parse_schedstat("39675718 2444693 124\n", &ns));
	assert_true(ns == 39675718u);
	assert_true(procfs_parse_schedstat("18446744073709551615", &ns));
	assert_true(ns == UINT64_MAX);
	assert_false(procfs_parse_schedstat("", &ns));
	assert_false(procfs_parse_schedstat("-1 0 0", &ns));
	assert_false(procfs_parse_schedstat("12x 0 0", &ns));
	assert_false(procfs_parse_schedstat("99999999999999999999 0 0", &ns));
}

/* Seconds on a CPU that a group's workers used, from schedstat (or the ticks). */
static double cpu_seconds(const struct lab_group *g)
{
	return (double)group_cpu_ns(g, -1) / 1e9;
}

/*
 * The GIL by throughput: two threads under one lock do no more than one
 * thread does; two processes, each with its own, do nearly twice what one does.
 */
static void test_gil_throughput(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	spawn(fx, LAB_THREADS, 1, false, "T");
	spawn(fx, LAB_THREADS, 2, false, "TW");
	if (!workload(fx, LAB_WORK_CPU, NULL))
		return;
	must(lab_gil(fx->lab, true, NULL, &err), &err);
	struct turn th[2] = { { .name = "T" }, { .name = "TW" } };
	if (!take_turns(fx, th, 2, 600))
		return;
	print_message("gil on: 1 thread %.0f/s on %.2f CPUs, 2 threads %.0f/s on %.2f CPUs (%.2fx)\n", th[0].rate,
	              th[0].cpus, th[1].rate, th[1].cpus, th[1].rate / (th[0].rate > 0 ? th[0].rate : 1));
	assert_true(th[0].rate > 0);
	/* However busy the machine, two threads under one GIL never have more than one CPU. */
	assert_true(th[1].cpus <= 1.1);
	/* Where one thread alone had a whole CPU, the pair does no more: the GIL is all that holds it back. */
	if (th[0].cpus < 0.9)
		not_judged("2 threads under one GIL do no more than one",
		           "one thread alone had %.2f of a CPU (the machine is busy)", th[0].cpus);
	else if (th[1].rate > 1.2 * th[0].rate)
		fail_msg("2 threads under one GIL did %.0f/s against one thread's %.0f/s", th[1].rate, th[0].rate);
	must(lab_kill(fx->lab, "T", &err), &err);
	must(lab_kill(fx->lab, "TW", &err), &err);
	drain(fx);

	/* Each process has its own GIL.  Two processes without one tell whether two CPUs are free. */
	spawn(fx, LAB_PROCESSES, 1, false, "P");
	spawn(fx, LAB_PROCESSES, 2, false, "PW");
	spawn(fx, LAB_PROCESSES, 2, false, "PC");
	if (!workload(fx, LAB_WORK_CPU, "P") || !workload(fx, LAB_WORK_CPU, "PW") ||
	    !workload(fx, LAB_WORK_CPU, "PC"))
		return;
	must(lab_gil(fx->lab, true, "P", &err), &err);
	must(lab_gil(fx->lab, true, "PW", &err), &err);
	struct turn pr[3] = { { .name = "P" }, { .name = "PW" }, { .name = "PC" } };
	if (!take_turns(fx, pr, 3, 600))
		return;
	print_message("gil on: 1 process %.0f/s, 2 processes %.0f/s (%.2fx) on %.2f CPUs; without a GIL %.2f CPUs\n",
	              pr[0].rate, pr[1].rate, pr[1].rate / (pr[0].rate > 0 ? pr[0].rate : 1), pr[1].cpus, pr[2].cpus);
	assert_true(pr[0].rate > 0);
	/* Where two CPUs were free, processes with a GIL each are never held to one CPU between them. */
	if (pr[2].cpus >= 1.6 && pr[1].cpus <= 1.1)
		fail_msg("2 processes with a GIL each had %.2f CPUs where two without a GIL had %.2f", pr[1].cpus, pr[2].cpus);
	/*
	 * Their rate is judged only in a turn where they themselves had two CPUs: the turns
	 * come one after another, and a busy machine may give one turn two CPUs, the next less.
	 */
	if (pr[0].cpus < 0.9 || pr[1].cpus < 1.6 || pr[2].cpus < 1.6)
		not_judged("2 processes with a GIL each do nearly twice what one does",
		           "one process alone had %.2f of a CPU, the two with a GIL %.2f, two without %.2f "
		           "(the machine is busy)", pr[0].cpus, pr[1].cpus, pr[2].cpus);
	else if (pr[1].rate < 1.6 * pr[0].rate)
		fail_msg("2 processes with a GIL each did %.0f/s against one's %.0f/s where two CPUs were free",
		         pr[1].rate, pr[0].rate);
}

/*
 * Waiting work: four threads on one CPU do about four times the work of one,
 * because a thread that waits needs no CPU, and they use almost none.
 */
static void test_io_threads_help_on_one_cpu(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	spawn(fx, LAB_THREADS, 1, false, "T");
	spawn(fx, LAB_THREADS, 4, false, "F");
	if (!workload(fx, LAB_WORK_IO, NULL))
		return;
	must(lab_cpus(fx->lab, true, NULL, &err), &err);
	const struct lab_group *one = group(fx, "T"), *four = group(fx, "F");
	/* each shows the one CPU once it has worked there */
	if (!each_counts(fx, four, "io threads pinned to one CPU"))
		return;
	for (int i = 0; i < 4; i++)
		assert_int_equal(four->workers[i].cpu, four->pinned_cpu);
	/*
	 * Both at once, so a busy moment of the machine falls on both alike, for
	 * as long as one thread takes to make 200 waits: counted, not timed.
	 */
	if (!read_now(fx, one) || !read_now(fx, four))
		return;
	int64_t one0 = one->increments, four0 = four->increments;
	double cpu0 = cpu_seconds(four), t0 = lab_now(fx->lab);
	struct judge j = judge(fx, one, -1, ANY_CPU, COUNT_BUDGET_MS, "one io thread makes 200 waits");
	UNTIL(&j, read_whole(one) && read_whole(four) && one->increments >= one0 + 200);
	if (!j.met)
		return;
	double dt = lab_now(fx->lab) - t0;
	double r1 = (double)(one->increments - one0) / dt, r4 = (double)(four->increments - four0) / dt;
	double cpu = (cpu_seconds(four) - cpu0) / dt;
	print_message("io on one CPU: 1 thread %.0f/s, 4 threads %.0f/s (%.2fx), the 4 used %.1f%% of a CPU\n", r1, r4,
	              r4 / (r1 > 0 ? r1 : 1), 100.0 * cpu);
	assert_true(r4 >= 2.5 * r1);
	/* Mostly waiting: far below one CPU, although four run on it. */
	assert_true(cpu < 0.5);
	/* one operation is a 2 ms wait: a thread makes at most 500 a second */
	assert_true(r1 <= 520);
}

/*
 * Computing work: on one CPU a second worker only takes turns with the first,
 * so the pair does about what one does.  Measured in turns (one group paused
 * while the other runs) so the machine's busy moments fall on both alike.
 */
static void test_cpu_workers_gain_nothing_on_one_cpu(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	spawn(fx, LAB_THREADS, 1, false, "T");
	spawn(fx, LAB_THREADS, 2, false, "TW");
	if (!workload(fx, LAB_WORK_CPU, NULL))
		return;
	must(lab_cpus(fx->lab, true, NULL, &err), &err);
	struct turn turns[2] = { { .name = "T" }, { .name = "TW" } };
	if (!take_turns(fx, turns, 2, 600))
		return;
	double r1 = turns[0].rate, r2 = turns[1].rate;
	print_message("cpu on one CPU: 1 thread %.0f/s on %.2f CPUs, 2 threads %.0f/s (%.2fx) on %.2f CPUs\n", r1,
	              turns[0].cpus, r2, r2 / (r1 > 0 ? r1 : 1), turns[1].cpus);
	/* However busy the machine, a pinned pair never has more than its one CPU. */
	assert_true(turns[1].cpus <= 1.1);
	/* Where one thread alone had the whole CPU, the pair does about what it does. */
	if (turns[0].cpus < 0.9)
		not_judged("2 CPU-bound threads on one CPU do no more than one",
		           "one thread alone had %.2f of its CPU (the machine is busy)", turns[0].cpus);
	else if (r1 < 1000 || r2 > 1.3 * r1)
		fail_msg("2 CPU-bound threads on one CPU did %.0f/s against one's %.0f/s", r2, r1);
}

/* One slow task in the event loop stops all serving; the same task beside it does not. */
static void test_eventloop_block(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	spawn(fx, LAB_THREADS, 2, false, NULL);
	const struct lab_group *t = group(fx, "T");
	if (!workload(fx, LAB_WORK_EVENTLOOP, NULL) || !counts_past(fx, t, -1, 0, "the event loop serves"))
		return;
	/* the long task on the pool worker: the loop goes on, while the task lasts */
	struct asked a = ask(fx, t, 1);
	if (!answered(&a, lab_inject(fx->lab, LAB_FAULT_BLOCK, "T2", &err), &err, "inject block T2"))
		return;
	assert_non_null(strstr(err.msg, "the loop goes on serving"));
	if (!read_now(fx, t))
		return;
	if (!counts_past(fx, t, 0, t->workers[0].done, "the loop serves while T2 runs a long task"))
		return;
	if (t->workers[1].activity != LAB_ACT_BLOCKING)
		not_judged("the loop serves while T2 runs a long task",
		           "T2's 3-second task ended before the loop had CPU (the machine is busy)");
	/*
	 * The long task on the loop itself: nothing is served, the queue grows.
	 * Judged while the task lasts (3 s by the clock), by the CPU it had.
	 */
	a = ask(fx, t, 0);
	if (!answered(&a, lab_inject(fx->lab, LAB_FAULT_BLOCK, "T1", &err), &err, "inject block T1"))
		return;
	assert_int_equal(t->workers[0].activity, LAB_ACT_BLOCKING);
	if (!read_now(fx, t))
		return;
	int64_t before = t->increments;
	struct judge j = judge(fx, t, 0, ANY_CPU, 50, "nothing is served while the loop runs a long task");
	uint64_t blocked_ns = 0;
	while (t->workers[0].activity == LAB_ACT_BLOCKING &&
	       (blocked_ns = judged_ns(&j), holding(&j, t->increments == before)))
		;
	if (!j.met && t->workers[0].activity != LAB_ACT_BLOCKING)
		not_judged("nothing is served while the loop runs a long task",
		           "T1's 3-second task ended after %.0f ms of its CPU (the machine is busy); it needs 50 ms",
		           (double)blocked_ns / 1e6);
	assert_true(t->host_alive);
}

/* The descriptor fd of a worker as the lab last read it, or NULL. */
static const struct lab_fd *worker_fd(const struct lab_worker *w, int fd)
{
	for (int i = 0; i < w->nfds; i++) {
		if (w->fds[i].fd == fd)
			return &w->fds[i];
	}
	return NULL;
}

/* The inode behind /proc/PID/fd/N: the same one means the same open file. */
static ino_t fd_inode(pid_t pid, int fd)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

static void test_threads_share_one_fd_table(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	spawn(fx, LAB_THREADS, 3, false, NULL);
	const struct lab_group *t = group(fx, "T");
	struct asked a = ask(fx, t, 1);
	if (!answered(&a, lab_open_file(fx->lab, "T2", &err), &err, "open T2"))
		return;
	assert_non_null(strstr(err.msg, "every thread of T has fd 4"));
	lab_observe(fx->lab);
	/* Read from each thread's own /proc/PID/task/TID/fd: one table, so all see both. */
	for (int i = 0; i < 3; i++) {
		const struct lab_fd *inh = worker_fd(&t->workers[i], LAB_INHERITED_FD);
		const struct lab_fd *own = worker_fd(&t->workers[i], 4);
		assert_non_null(inh);
		assert_non_null(strstr(inh->target, "inherited from ptviz"));
		assert_non_null(own);
		assert_non_null(strstr(own->target, "opened by T2"));
	}
	a = ask(fx, t, 0);
	if (!answered(&a, lab_close_file(fx->lab, "T1", LAB_INHERITED_FD, &err), &err, "close T1 3"))
		return;
	lab_observe(fx->lab);
	for (int i = 0; i < 3; i++) {
		assert_null(worker_fd(&t->workers[i], LAB_INHERITED_FD));
		assert_non_null(worker_fd(&t->workers[i], 4));
	}
	/* Closing what is not open says what is. */
	assert_false(lab_close_file(fx->lab, "T3", LAB_INHERITED_FD, &err));
	assert_non_null(strstr(err.msg, "T3 has no fd 3 open; its open fds: 0 1 2 4"));
	assert_false(lab_open_file(fx->lab, "T9", &err));
	assert_true(t->host_alive);
	assert_int_equal(t->alive, 3);
}

static void test_processes_copy_then_diverge(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	spawn(fx, LAB_PROCESSES, 3, false, NULL);
	const struct lab_group *p = group(fx, "P");
	/* Inherited copies: each has fd 3, and all three point at one open file. */
	must(lab_files(fx->lab, true, "P", &err), &err);
	lab_observe(fx->lab);
	for (int i = 0; i < 3; i++)
		assert_non_null(strstr(worker_fd(&p->workers[i], LAB_INHERITED_FD)->target, "inherited from ptviz"));
	assert_false(lab_files(fx->lab, true, "Q", &err));
	assert_non_null(strstr(err.msg, "no group named 'Q'"));
	ino_t ino = fd_inode(p->workers[0].pid, LAB_INHERITED_FD);
	for (int i = 1; i < 3; i++)
		assert_int_equal(fd_inode(p->workers[i].pid, LAB_INHERITED_FD), ino);
	struct asked a = ask(fx, p, 1);
	if (!answered(&a, lab_open_file(fx->lab, "P2", &err), &err, "open P2"))
		return;
	assert_non_null(strstr(err.msg, "do not have it"));
	a = ask(fx, p, 0);
	if (!answered(&a, lab_close_file(fx->lab, "P1", LAB_INHERITED_FD, &err), &err, "close P1 3"))
		return;
	lab_observe(fx->lab);
	/* Then they diverge: what one opens or closes is in its own table only. */
	assert_null(worker_fd(&p->workers[0], LAB_INHERITED_FD));
	assert_non_null(worker_fd(&p->workers[1], LAB_INHERITED_FD));
	assert_non_null(worker_fd(&p->workers[2], LAB_INHERITED_FD));
	assert_null(worker_fd(&p->workers[0], 4));
	assert_non_null(worker_fd(&p->workers[1], 4));
	assert_non_null(strstr(worker_fd(&p->workers[1], 4)->target, "opened by P2"));
	assert_null(worker_fd(&p->workers[2], 4));
	assert_int_equal(p->alive, 3);
	/* The workers went on counting through all of it. */
	if (read_now(fx, p))
		counts_past(fx, p, -1, p->increments, "P counts on after open and close");
}

/* The parent of a process now, from /proc, as the engine reads it; -1 when it is gone. */
static pid_t proc_ppid(pid_t pid)
{
	struct procfs_stat st;
	int fd = procfs_open_stat(pid, pid);
	bool ok = fd >= 0 && procfs_read_stat(fd, &st);

	if (fd >= 0)
		close(fd);
	return ok ? st.ppid : -1;
}

/* A process's state letter from /proc ('Z' once it has died and is not reaped), or 0 once it is gone. */
static char proc_state(pid_t pid)
{
	struct procfs_stat st;
	int fd = procfs_open_stat(pid, pid);
	bool ok = fd >= 0 && procfs_read_stat(fd, &st);

	if (fd >= 0)
		close(fd);
	return ok ? st.state : 0;
}

/*
 * A killed task dies only once the scheduler runs it, which no test can hasten: waits for
 * that, with a guard, then says whether it died.  Its reaping is ptviz's part, judged apart.
 */
static bool died(struct fixture *fx, pid_t pid, const char *what)
{
	double guard = lab_now(fx->lab) + GUARD_S;

	while (proc_state(pid) != 'Z' && proc_state(pid) != 0) {
		if (lab_now(fx->lab) > guard) {
			print_message("SKIP one check: %s cannot be judged: the killed child got no CPU to die in %.0f s "
			              "(the machine is busy)\n", what, GUARD_S);
			return false;
		}
		run_for(fx, 0.02);
	}
	return true;
}

static void remember_pid(struct fixture *fx, pid_t pid)
{
	if (fx->nseen < MAX_SEEN)
		fx->seen[fx->nseen++] = pid;
}

/*
 * A witness's CPU says the children had their turns too, but only roughly: among hundreds of
 * idle-class tasks of other programs a sleeper that wakes may wait while the witness runs on.
 * A second of the witness's CPU is far more than a child needs to wake, or to die once killed.
 */
#define ORPHAN_WITNESS_MS 1000

static void test_orphans_are_adopted(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	spawn(fx, LAB_PROCESSES, 2, false, NULL);
	spawn(fx, LAB_THREADS, 2, false, NULL);
	const struct lab_group *p = group(fx, "P");
	const struct lab_group *t = group(fx, "T");
	struct asked a = ask(fx, p, 0);
	if (!answered(&a, lab_fork_child(fx->lab, "P1", &err), &err, "fork P1"))
		return;
	a = ask(fx, t, 1);
	if (!answered(&a, lab_fork_child(fx->lab, "T2", &err), &err, "fork T2"))
		return;
	assert_int_equal(p->nkids, 1);
	assert_int_equal(t->nkids, 1);
	pid_t pkid = p->kids[0].pid, tkid = t->kids[0].pid;
	remember_pid(fx, pkid);
	remember_pid(fx, tkid);
	/* While its parent lives, the parent is the worker's process. */
	assert_int_equal(proc_ppid(pkid), p->workers[0].pid);
	assert_int_equal(proc_ppid(tkid), t->host);
	lab_observe(fx->lab);
	assert_false(p->kids[0].adopted);
	assert_int_equal(p->kids[0].ppid, p->workers[0].pid);

	/* The parents die: the kernel hands the children to ptviz, the subreaper, not to init. */
	must(lab_kill(fx->lab, "P1", &err), &err);
	a = ask(fx, t, 0);
	if (!answered(&a, lab_inject(fx->lab, LAB_FAULT_SEGV, "T1", &err), &err, "inject segv T1"))
		return;
	/*
	 * Told of its new parent, each child wakes, and sleeps again once it has
	 * run: judged by the CPU of P2, a worker at the children's priority.
	 */
	struct judge j = judge(fx, p, 1, ANY_CPU, ORPHAN_WITNESS_MS, "the orphans are adopted and asleep");
	UNTIL(&j, p->kids[0].adopted && p->kids[0].state == 'S' && t->kids[0].adopted);
	if (!j.met)
		return;
	/* The host's exit tells of its orphan. */
	assert_int_equal(fx->last_exit.norphans, 1);
	assert_int_equal(fx->last_exit.orphans[0], tkid);
	assert_int_equal(proc_ppid(pkid), getpid());
	assert_int_equal(proc_ppid(tkid), getpid());
	assert_true(p->kids[0].alive);
	assert_true(p->kids[0].adopted);
	assert_int_equal(p->kids[0].ppid, getpid());
	assert_int_equal(p->kids[0].state, 'S');
	assert_true(t->kids[0].adopted);
	/* They survived their parents; P2 goes on as before. */
	assert_int_equal(kill(pkid, 0), 0);
	assert_true(p->workers[1].alive);

	/* An adopted child that dies (once it runs) is reaped by ptviz, its parent now. */
	kill(tkid, SIGKILL);
	if (!died(fx, tkid, "the adopted child of T2 is reaped once killed"))
		return;
	/* Dead, it is ptviz's to reap: within a few turns of the clock, each of which reaps. */
	for (int turn = 0; turn < 5 && t->kids[0].alive; turn++)
		run_for(fx, 0.02);
	assert_false(t->kids[0].alive);
	assert_int_equal(kill(tkid, 0), -1);
	/* The rest end with their group; teardown checks the adopted child is gone too. */
}

/* Sleeps for some microseconds (0: not at all). */
static void pause_us(long us)
{
	struct timespec ts = { 0, us * 1000 };

	if (us > 0)
		nanosleep(&ts, NULL);
}

/*
 * Every snapshot is exact: taken while no update is half made, so what the
 * counter lost never goes down, never goes below zero, and under a lock or an
 * atomic add it does not move by a single update.  Observations come back to
 * back and a little apart, so some find workers still asleep from the last
 * hold and some find every worker at work.
 */
static void test_snapshots_are_exact(void **state)
{
	struct fixture *fx = *state;
	enum { ROUNDS = 300, GROUPS = 3 };
	static const char *const names[GROUPS] = { "T", "S", "P" };
	int64_t lost[GROUPS], increments[GROUPS];
	int consistent = 0, taken = 0;

	spawn(fx, LAB_THREADS, 8, false, "T");
	spawn(fx, LAB_PROCESSES, 4, true, "S");
	spawn(fx, LAB_PROCESSES, 4, false, "P");
	for (int k = 0; k < GROUPS; k++)
		lost[k] = increments[k] = 0;
	lab_observe(fx->lab);
	uint64_t cpu0 = 0;
	for (int k = 0; k < GROUPS; k++)
		cpu0 += group_cpu_ns(group(fx, names[k]), -1);
	double t0 = lab_now(fx->lab);
	for (int i = 0; i < ROUNDS; i++) {
		pause_us(i % 3 == 0 ? 0 : (i % 7) * 300);
		lab_observe(fx->lab);
		for (int k = 0; k < GROUPS; k++) {
			const struct lab_group *g = group(fx, names[k]);
			taken++;
			if (!g->consistent)
				continue;
			consistent++;
			assert_int_equal(g->lost, g->increments - g->counter);
			assert_true(g->lost >= 0);
			if (g->lost < lost[k])
				fail_msg("%s: lost went down from %lld to %lld at observation %d", g->name, (long long)lost[k],
				         (long long)g->lost, i);
			assert_true(g->increments >= increments[k]);
			lost[k] = g->lost;
			increments[k] = g->increments;
		}
		const struct lab_group *p = group(fx, "P");
		if (p->consistent) {
			assert_int_equal(p->lost, 0);
			for (int j = 0; j < p->nworkers; j++)
				assert_int_equal(p->workers[j].counter, p->workers[j].done);
		}
	}
	struct lab_pass pass;
	lab_last_pass(fx->lab, &pass);
	assert_int_equal(pass.workers, 16);
	/*
	 * Most snapshots find every worker at a boundary within the hold's 80 ms,
	 * where the workers have the CPUs: on a busy machine an idle-priority
	 * worker may not run at all in that time.  How free the CPUs were is told
	 * by the CPU the 16 workers had over the rounds.
	 */
	uint64_t cpu1 = 0;
	for (int k = 0; k < GROUPS; k++)
		cpu1 += group_cpu_ns(group(fx, names[k]), -1);
	double cpus = (double)(cpu1 - cpu0) / 1e9 / (lab_now(fx->lab) - t0);
	print_message("sync none: %d of %d snapshots consistent, the workers on %.2f CPUs; lost T %lld, S %lld\n",
	              consistent, taken, cpus, (long long)lost[0], (long long)lost[1]);
	if (cpus >= 1.5)
		assert_true(consistent * 2 > taken);
	else if (consistent * 2 <= taken)
		not_judged("most snapshots are consistent", "the workers had only %.2f CPUs (the machine is busy); it needs 1.5",
		           cpus);

	for (int mode = LAB_SYNC_MUTEX; mode <= LAB_SYNC_ATOMIC; mode++) {
		sync_mode(fx, (enum lab_sync)mode, NULL);
		for (int k = 0; k < GROUPS; k++) {
			if (!read_now(fx, group(fx, names[k])))
				return;
			lost[k] = group(fx, names[k])->lost;
		}
		for (int i = 0; i < ROUNDS / 2; i++) {
			pause_us(i % 3 == 0 ? 0 : (i % 5) * 400);
			lab_observe(fx->lab);
			for (int k = 0; k < GROUPS; k++) {
				const struct lab_group *g = group(fx, names[k]);
				if (!g->consistent)
					continue;
				if (g->lost != lost[k])
					fail_msg("%s, sync %s: lost moved from %lld to %lld at observation %d", g->name,
					         lab_sync_name(g->sync), (long long)lost[k], (long long)g->lost, i);
			}
		}
		for (int k = 0; k < GROUPS; k++) {
			const struct lab_group *g = group(fx, names[k]);
			if (!counts_past(fx, g, -1, increments[k], "every group counts under a lock"))
				return;
			increments[k] = g->increments;
		}
	}
}

/* The time this thread has spent waiting for a CPU, in ns (schedstat's second field); 0 when unknown. */
static uint64_t run_delay_ns(void)
{
	FILE *f = fopen("/proc/thread-self/schedstat", "r");
	unsigned long long run = 0, wait = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%llu %llu", &run, &wait) != 2)
		wait = 0;
	fclose(f);
	return wait;
}

/* Timer slack and a wakeup: what a futex wait may overrun by on an idle CPU. */
#define PASS_SLACK_NS (2 * 1000 * 1000)

/*
 * One pass, judged by its own measure (lab_last_pass), not by the test's
 * clock: it waits for moving workers up to LAB_PASS_BOUND_NS, and past that
 * only for as long as the scheduler kept ptviz itself waiting for a CPU,
 * which /proc/thread-self/schedstat counts.  Its events go to the fixture.
 */
static void observe_within_bound(struct fixture *fx, const char *what)
{
	struct lab_pass pass;
	uint64_t d0 = run_delay_ns();

	lab_observe(fx->lab);
	uint64_t delayed = run_delay_ns() - d0;
	lab_last_pass(fx->lab, &pass);
	if ((uint64_t)pass.wait_ns > (uint64_t)LAB_PASS_BOUND_NS + PASS_SLACK_NS + delayed)
		fail_msg("%s: a pass waited %.2f ms for workers; its bound is %.0f ms, and ptviz waited %.2f ms for a CPU",
		         what, (double)pass.wait_ns / 1e6, (double)LAB_PASS_BOUND_NS / 1e6, (double)delayed / 1e6);
	drain(fx);
}

/* The groups checked at every pass, and lost as each last showed it. */
static struct {
	const struct lab_group *g[4];
	int64_t lost[4];
	int n;
	int passes, at_least, kept;
} exact;

static void exact_watch(const struct lab_group *g)
{
	exact.g[exact.n] = g;
	exact.lost[exact.n++] = g->lost;
}

/*
 * Exact at every pass, whoever is stopped: no figure negative; lost never
 * below 0 nor below what it showed before; lost = increments - counter unless
 * it says it is a bound or kept; each private copy agrees with its own count.
 */
static void exact_check(const char *what)
{
	exact.passes++;
	for (int k = 0; k < exact.n; k++) {
		const struct lab_group *g = exact.g[k];
		if (g->lost < 0 || g->lost < exact.lost[k])
			fail_msg("%s: %s's lost went from %lld to %lld", what, g->name, (long long)exact.lost[k],
			         (long long)g->lost);
		exact.lost[k] = g->lost;
		exact.at_least += g->lost_at_least;
		exact.kept += g->lost_kept;
		assert_true(g->increments >= 0 && g->counter >= 0);
		if (!g->lost_at_least && !g->lost_kept)
			assert_int_equal(g->lost, g->increments - g->counter);
		for (int i = 0; i < g->nworkers; i++) {
			const struct lab_worker *w = &g->workers[i];
			assert_true(w->done >= 0 && w->counter >= 0);
			if (g->kind == LAB_PROCESSES && !g->shared && w->counter != w->done)
				fail_msg("%s: %s's own counter %lld is not its count %lld", what, w->id, (long long)w->counter,
				         (long long)w->done);
		}
		if (g->kind == LAB_PROCESSES && !g->shared)
			assert_int_equal(g->lost, 0);
	}
}

/*
 * Until worker k of g has counted past from, judged by its own CPU, every
 * pass within its bound and exact; false (with a message) when skipped.
 */
static bool live_past(struct fixture *fx, const struct lab_group *g, int k, int64_t from, const char *what)
{
	struct judge j = judge(fx, g, k, ANY_CPU, COUNT_BUDGET_MS, "%s", what);

	for (;;) {
		const struct lab_worker *w = &g->workers[k];
		if (!w->figures_kept && w->done > from)
			return true;
		uint64_t used = judged_ns(&j);
		if (used >= j.budget_ns && !w->figures_kept)
			fail_msg("%s: still not so after %.0f ms of its CPU", what, (double)used / 1e6);
		if (give_up(&j, used))
			return false;
		pause_us(20000);
		observe_within_bound(fx, what);
		exact_check(what);
	}
}

/* Until worker k of g shows stopped (T) or not, judged by its own CPU (a stop takes effect when it next runs). */
static bool shows_stopped(struct fixture *fx, const struct lab_group *g, int k, bool stopped)
{
	struct judge j = judge(fx, g, k, ANY_CPU, 100, "%s shows %s", g->workers[k].id, stopped ? "T" : "not T");

	UNTIL(&j, g->workers[k].stopped == stopped && (g->workers[k].state == 'T') == stopped);
	drain(fx);
	return j.met;
}

/*
 * A process stopped from outside (kill -STOP, as htop's F9 does) is read where
 * it stands and never waited for: its siblings' counters go on moving from
 * pass to pass and every figure stays exact; the stopped one shows T, is
 * marked stopped and told as an event, and so is its continue.  A stop is for
 * a whole process: kill -STOP on one thread's id stops every thread of its
 * host.  Stopped workers are continued before the test ends; when a check fails
 * first, the teardown's lab_free ends them with SIGKILL, which a stop does not hold.
 */
static void test_stopped_from_outside(void **state)
{
	struct fixture *fx = *state;

	spawn(fx, LAB_PROCESSES, 4, false, "P");
	spawn(fx, LAB_PROCESSES, 4, true, "S");
	spawn(fx, LAB_THREADS, 4, false, "T");
	const struct lab_group *p = group(fx, "P"), *s = group(fx, "S"), *t = group(fx, "T");
	memset(&exact, 0, sizeof(exact));
	exact_watch(p);
	exact_watch(s);
	exact_watch(t);
	for (int i = 0; i < 20; i++) {
		pause_us(2000);
		observe_within_bound(fx, "before any stop");
		exact_check("before any stop");
	}
	for (int j = 0; j < p->nworkers; j++)
		assert_false(p->workers[j].stopped);
	pid_t p3 = p->workers[2].pid, s3 = s->workers[2].pid, host = t->host;
	assert_int_equal(kill(p3, SIGSTOP), 0);
	assert_int_equal(kill(s3, SIGSTOP), 0);
	bool judged = shows_stopped(fx, p, 2, true) && shows_stopped(fx, s, 2, true);
	if (judged) {
		assert_true(fx->stops >= 2);
		assert_int_equal(fx->stop_signal, SIGSTOP);
		uint64_t cpu = p->workers[2].cpu_ns;
		int64_t done = p->workers[2].done, s_done = s->workers[2].done;
		for (int k = 0; k < 4 && judged; k++) {
			char what[96];
			snprintf(what, sizeof(what), "P%d counts while P3 and S3 are stopped", k + 1);
			judged = k == 2 || live_past(fx, p, k, p->workers[k].done, what);
			snprintf(what, sizeof(what), "S%d counts while P3 and S3 are stopped", k + 1);
			judged = judged && (k == 2 || live_past(fx, s, k, s->workers[k].done, what));
		}
		/* The stopped stand still, and say so. */
		assert_int_equal(p->workers[2].state, 'T');
		assert_true(p->workers[2].cpu_ns == cpu && p->workers[2].done == done && s->workers[2].done == s_done);
		print_message("S3 was stopped %s; S's lost %s%lld over %d passes, %d of them a bound\n",
		              s->workers[2].mid_increment ? "mid-increment" : "between two increments",
		              s->lost_at_least ? ">= " : "", (long long)s->lost, exact.passes, exact.at_least);
		if (s->workers[2].mid_increment)
			assert_true(s->lost_at_least && strcmp(s->mid_id, "S3") == 0);
	}
	/* kill -STOP on one thread: its host, every thread in it. */
	int stops = fx->stops;
	if (judged) {
		assert_int_equal(kill(t->workers[1].tid, SIGSTOP), 0);
		judged = shows_stopped(fx, t, 1, true);
	}
	if (judged) {
		for (int k = 0; k < t->nworkers; k++)
			assert_true(t->workers[k].stopped);
		/* Told once, for the host: when the SIGCHLD names the signal, or half a second after without it. */
		struct judge j = judge(fx, t, -1, ANY_CPU, 100, "the host's stop is told");
		UNTIL(&j, fx->stops > stops);
		if (j.met)
			assert_int_equal(fx->stops, stops + 1);
	}
	kill(p3, SIGCONT);
	kill(s3, SIGCONT);
	kill(host, SIGCONT);
	if (!judged || !shows_stopped(fx, p, 2, false))
		return;
	assert_true(fx->resumes >= 1);
	assert_int_equal(fx->resume_signal, SIGCONT);
	if (!live_past(fx, p, 2, p->workers[2].done, "P3 counts again once continued"))
		return;
	assert_false(p->workers[2].stopped || p->workers[2].state == 'T');
}

/* ---- Commands beside a worker stopped from outside: decided at once ---- */

/* A command's message holds every one of the words given, or the test fails with it. */
static void says(const struct lab_error *err, const char *const *words, int n)
{
	for (int i = 0; i < n; i++) {
		if (strstr(err->msg, words[i]) == NULL)
			fail_msg("the message lacks \"%s\": %s", words[i], err->msg);
	}
}

/* How long commands since the last pass waited for workers to park (the engine's own count). */
static int64_t held_ns(struct fixture *fx)
{
	struct lab_pass pass;

	lab_last_pass(fx->lab, &pass);
	return pass.wait_ns;
}

/* A command that needs every worker of a stopped worker's group is refused at once, and nothing changes. */
static void refused_at_once(struct fixture *fx, bool ok, const struct lab_error *err, const char *id, pid_t pid,
                            const char *kill_what, int64_t held_before)
{
	char stopped[64], cont[48], kill_word[48];

	if (ok)
		fail_msg("a command that needs every worker went ahead while %s was stopped: %s", id, err->msg);
	snprintf(stopped, sizeof(stopped), "%s is stopped (SIGSTOP from outside", id);
	snprintf(cont, sizeof(cont), "'kill -CONT %d'", (int)pid);
	snprintf(kill_word, sizeof(kill_word), "'kill %s'", kill_what);
	says(err, (const char *const[]){ stopped, cont, kill_word, "between two" }, 4);
	/* Decided from what ptviz knew: no hold, so no wait for a worker that cannot answer. */
	assert_int_equal(held_ns(fx), held_before);
}

/*
 * A sync switch, a new workload and step mode need every worker between two
 * operations.  With one stopped from outside, each decides at once: refused,
 * naming the worker, why and the way out, where the change cannot honestly
 * reach it (a shared counter: it may be half way through an increment under
 * the old mode); done where it can (a private process's counter has no other
 * writer).  lost stays exact throughout, and once continued all is possible again.
 */
static void test_commands_beside_a_stopped_worker(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	spawn(fx, LAB_PROCESSES, 4, false, "P");
	spawn(fx, LAB_PROCESSES, 4, true, "S");
	spawn(fx, LAB_THREADS, 3, false, "T");
	const struct lab_group *p = group(fx, "P"), *s = group(fx, "S"), *t = group(fx, "T");
	/* T steps: a step granted to a stopped thread would be waited for in vain. */
	must(lab_step_mode(fx->lab, true, "T", &err), &err);
	memset(&exact, 0, sizeof(exact));
	exact_watch(p);
	exact_watch(s);
	exact_watch(t);
	pid_t p3 = p->workers[2].pid, s3 = s->workers[2].pid, host = t->host;
	assert_int_equal(kill(p3, SIGSTOP), 0);
	assert_int_equal(kill(s3, SIGSTOP), 0);
	assert_int_equal(kill(host, SIGSTOP), 0);
	bool judged = shows_stopped(fx, p, 2, true) && shows_stopped(fx, s, 2, true) && shows_stopped(fx, t, 0, true);
	if (judged) {
		struct timespec c0, c1;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
		int64_t held = held_ns(fx);
		refused_at_once(fx, lab_sync(fx->lab, LAB_SYNC_MUTEX, "S", &err), &err, "S3", s3, "S3", held);
		assert_int_equal(s->sync, LAB_SYNC_NONE);
		refused_at_once(fx, lab_sync(fx->lab, LAB_SYNC_ATOMIC, "T", &err), &err, "T1", host, "T", held);
		says(&err, (const char *const[]){ "its host" }, 1);
		/* Every group: refused as a whole, the default too, so no group is half switched. */
		refused_at_once(fx, lab_sync(fx->lab, LAB_SYNC_ATOMIC, NULL, &err), &err, "S3", s3, "S3", held);
		assert_int_equal(lab_sync_default(fx->lab), LAB_SYNC_NONE);
		refused_at_once(fx, lab_workload(fx->lab, LAB_WORK_WITHDRAW, "P", &err), &err, "P3", p3, "P3", held);
		assert_int_equal(p->workload, LAB_WORK_COUNTER);
		refused_at_once(fx, lab_step_mode(fx->lab, true, "S", &err), &err, "S3", s3, "S3", held);
		assert_false(s->stepping);
		if (lab_step(fx->lab, "T2", &err))
			fail_msg("a step was granted to T2, stopped with its host: %s", err.msg);
		says(&err, (const char *const[]){ "T2 is stopped", "cannot take a step", "'kill T'" }, 3);
		assert_int_equal(held_ns(fx), held);
		/* A fault it could only perform once continued is not asked of it. */
		if (lab_inject(fx->lab, LAB_FAULT_SEGV, "P3", &err))
			fail_msg("a fault was asked of P3, stopped: %s", err.msg);
		says(&err, (const char *const[]){ "P3 is stopped", "answers nothing until it is continued" }, 2);
		/* One thread ends by itself: with its host stopped, the way out is its group. */
		if (lab_kill(fx->lab, "T3", &err))
			fail_msg("T3 was asked to end with its host stopped: %s", err.msg);
		says(&err, (const char *const[]){ "T3 is stopped", "'kill T'" }, 2);
		assert_true(t->workers[2].alive);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
		print_message("eight refusals took %.3f ms of ptviz's CPU\n",
		              (double)(c1.tv_sec - c0.tv_sec) * 1e3 + (double)(c1.tv_nsec - c0.tv_nsec) / 1e6);
		/* A private process's counter is its own: the switch reaches P3 when it resumes, and is said so. */
		must(lab_sync(fx->lab, LAB_SYNC_MUTEX, "P", &err), &err);
		assert_int_equal(p->sync, LAB_SYNC_MUTEX);
		says(&err, (const char *const[]){ "P3 is stopped", "takes up mutex when it resumes" }, 2);
		/* The same mode as before changes nothing, so a stopped writer is no matter. */
		must(lab_sync(fx->lab, LAB_SYNC_NONE, "S", &err), &err);
		for (int i = 0; i < 10; i++) {
			pause_us(2000);
			observe_within_bound(fx, "beside stopped workers");
			exact_check("beside stopped workers");
		}
	}
	kill(p3, SIGCONT);
	kill(s3, SIGCONT);
	kill(host, SIGCONT);
	if (!judged || !shows_stopped(fx, p, 2, false) || !shows_stopped(fx, s, 2, false) || !shows_stopped(fx, t, 0, false))
		return;
	/* Continued: P3 took up mutex, and what was refused is possible again. */
	if (!live_past(fx, p, 2, p->workers[2].done, "P3 counts again once continued"))
		return;
	assert_int_equal(p->lost, 0);
	must(lab_sync(fx->lab, LAB_SYNC_MUTEX, "S", &err), &err);
	must(lab_workload(fx->lab, LAB_WORK_WITHDRAW, "P", &err), &err);
	assert_int_equal(p->workload, LAB_WORK_WITHDRAW);
}

/*
 * A thread host partly stopped: a tracer (here the test itself, the host's
 * ancestor, as Yama allows) stops one thread, T2; Linux stops that thread
 * alone (t in /proc), its siblings run on, and ptviz, which is not the
 * tracer, gets no SIGCHLD.  Told after half a second without a signal, the
 * log says what /proc showed: T2 stopped by a tracer, T1 and T3 not.  The
 * thread is let go before any check, so a failed check leaves nothing traced.
 */
static void test_thread_host_partly_stopped(void **state)
{
	struct fixture *fx = *state;

	spawn(fx, LAB_THREADS, 3, false, "T");
	const struct lab_group *t = group(fx, "T");
	pid_t t2 = t->workers[1].tid;
	if (ptrace(PTRACE_SEIZE, t2, NULL, NULL) != 0) {
		print_message("SKIP: ptrace may not stop T2 here (%s)\n", strerror(errno));
		return;
	}
	int stops = fx->stops;
	bool interrupted = ptrace(PTRACE_INTERRUPT, t2, NULL, NULL) == 0;
	/* Told half a second after it is seen: T1, which runs on, has that much CPU by then unless it waits for one. */
	struct judge j = judge(fx, t, 0, ANY_CPU, 1500, "T2's stop by a tracer is told");
	UNTIL(&j, !interrupted || fx->stops > stops);
	char state_t1 = t->workers[0].state, state_t2 = t->workers[1].state;
	bool marked_t1 = t->workers[0].stopped, marked_t2 = t->workers[1].stopped;
	/* Let go: a tracee is continued by PTRACE_DETACH, which a stopped thread takes at once. */
	waitpid(t2, NULL, __WALL | WNOHANG);
	ptrace(PTRACE_DETACH, t2, NULL, NULL);
	assert_true(interrupted);
	if (!j.met)
		return;
	print_message("told: %s\n", fx->stop_text);
	assert_int_equal(state_t2, 't');
	assert_true(state_t1 != 't' && state_t1 != 'T');
	/* Marked as /proc shows them: T2 stopped, T1 running on. */
	assert_true(marked_t2 && !marked_t1);
	assert_int_equal(fx->last_stop.signal, 0);
	assert_int_equal(fx->last_stop.nstopped, 1);
	assert_int_equal(fx->last_stop.stop_state, 't');
	for (const char *const *w = (const char *const[]){ "partly stopped", "T2 shows t (stopped by a tracer)",
	                                                   "T1 T3 do not", "no SIGCHLD", NULL }; *w; w++) {
		if (strstr(fx->stop_text, *w) == NULL)
			fail_msg("the log lacks \"%s\": %s", *w, fx->stop_text);
	}
	assert_null(strstr(fx->stop_text, "all 3 of its threads"));
	/* Let go by the tracer, not by SIGCONT: told without a signal. */
	int resumes = fx->resumes;
	struct judge k = judge(fx, t, 0, ANY_CPU, 200, "T2's release by its tracer is told");
	UNTIL(&k, fx->resumes > resumes);
	if (k.met)
		assert_int_equal(fx->resume_signal, 0);
}

/*
 * 1024 threads and 256 processes on a machine of a few CPUs: most workers
 * have no CPU between two passes, and no pass waits for them.  Each pass
 * returns within its bound, the figures stay exact, and the workers that get
 * a CPU count.
 */
static void test_many_workers_each_pass_bounded(void **state)
{
	struct fixture *fx = *state;
	/* A worker parked for a hold gives way at once; one that had 5 ms more CPU than the holds lasted counted. */
	enum { PASSES = 30, MOVED_MS = 5, GROUPS = 6 };
	/*
	 * 1024 threads as four hosts of 256: a host creates its threads at nice 10
	 * while those already made run, and one host of 1024 does not finish within
	 * the spawn's five seconds on a busy machine of two CPUs.
	 */
	static const char *const names[GROUPS] = { "T", "U", "V", "W", "P", "S" };
	const struct lab_group *gs[GROUPS];
	for (int k = 0; k < GROUPS; k++) {
		struct lab_error err;
		bool threads = k < 4;
		bool ok = lab_spawn(fx->lab, threads ? LAB_THREADS : LAB_PROCESSES, threads ? 256 : 128, k == 5, names[k], &err);
		remember(fx);
		drain(fx);
		/* Hundreds of new tasks at a low priority may not all get a CPU within the spawn's time. */
		if (!ok && strstr(err.msg, "did not start") != NULL) {
			not_judged("1024 + 256 workers", "%s (the machine is busy)", err.msg);
			return;
		}
		must(ok, &err);
		gs[k] = group(fx, names[k]);
	}
	static uint64_t cpu0[GROUPS][256];
	static int64_t done0[GROUPS][256];
	memset(&exact, 0, sizeof(exact));
	observe_within_bound(fx, "1024 + 256 workers");
	for (int k = 0; k < GROUPS; k++) {
		if (k < 4)
			exact_watch(gs[k]);   /* room for four; the processes are checked as the threads are, below */
		for (int i = 0; i < gs[k]->nworkers; i++) {
			cpu0[k][i] = gs[k]->workers[i].cpu_ns;
			done0[k][i] = gs[k]->workers[i].done;
		}
	}
	/* What a worker may spend parked, giving way in holds: at most the time the groups were held. */
	int64_t held_ns = 0;
	struct lab_pass pass;
	int64_t lost_s = 0;
	for (int i = 0; i < PASSES; i++) {
		pause_us(100000);
		observe_within_bound(fx, "1024 + 256 workers");
		exact_check("1024 + 256 workers");
		assert_int_equal(gs[4]->lost, 0);
		assert_true(gs[5]->lost >= lost_s);
		lost_s = gs[5]->lost;
		lab_last_pass(fx->lab, &pass);
		held_ns += pass.begin_ns + pass.read_ns + pass.wait_ns + pass.end_ns;
	}
	uint64_t enough = (uint64_t)held_ns + (uint64_t)MOVED_MS * 1000000u;
	int ran = 0, groups_ran = 0;
	for (int k = 0; k < GROUPS; k++) {
		/* A group's workers parked on two CPUs at most: what they had beyond that went into counting. */
		uint64_t gained = 0;
		int64_t counted = 0;
		for (int i = 0; i < gs[k]->nworkers; i++) {
			gained += gs[k]->workers[i].cpu_ns - cpu0[k][i];
			counted += gs[k]->workers[i].done - done0[k][i];
		}
		if (gained >= 2 * (uint64_t)held_ns + (uint64_t)COUNT_BUDGET_MS * 1000000u) {
			groups_ran++;
			if (counted <= 0)
				fail_msg("%s's workers had %.0f ms of CPU and counted nothing", gs[k]->name, (double)gained / 1e6);
		}
		for (int i = 0; i < gs[k]->nworkers; i++) {
			const struct lab_worker *w = &gs[k]->workers[i];
			if (w->cpu_ns - cpu0[k][i] < enough || w->figures_kept)
				continue;
			ran++;
			if (w->done <= done0[k][i])
				fail_msg("%s had %.0f ms of CPU and did not count", w->id, (double)(w->cpu_ns - cpu0[k][i]) / 1e6);
		}
	}
	print_message("1024 + 256 workers: %d passes, lost a bound in %d group-passes, kept in %d; %d workers had %.1f ms of "
	              "CPU, and each counted; %d groups had enough CPU to judge, and each counted; the last pass took "
	              "%.2f ms, %.2f ms of it waiting\n", exact.passes, exact.at_least, exact.kept, ran, (double)enough / 1e6,
	              groups_ran, (double)pass.total_ns / 1e6, (double)pass.wait_ns / 1e6);
	if (ran == 0 && groups_ran == 0)
		not_judged("the workers that get a CPU count", "no worker had %.1f ms of CPU (the machine is busy)",
		           (double)enough / 1e6);
}

/* A busy loop at normal priority, as another program on the machine; the teardown ends it (or two minutes do). */
static pid_t busy_loop(void)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		alarm(120);
		for (volatile uint64_t spins = 0;; spins++)
			;
	}
	return pid;
}

/*
 * Two other programs keep both CPUs of a small machine busy at normal
 * priority, so the workers, below them, get next to no CPU: they are read
 * where they stand, each pass returns within its bound, and the figures stay exact.
 */
static void test_outside_busy_loops(void **state)
{
	struct fixture *fx = *state;

	/* Held in the fixture: the teardown ends them by pid if a check below fails first. */
	for (int i = 0; i < 2; i++) {
		pid_t pid = busy_loop();
		assert_true(pid > 0);
		fx->loops[fx->nloops++] = pid;
	}
	spawn(fx, LAB_THREADS, 4, false, "T");
	spawn(fx, LAB_PROCESSES, 4, false, "P");
	memset(&exact, 0, sizeof(exact));
	exact_watch(group(fx, "T"));
	exact_watch(group(fx, "P"));
	for (int i = 0; i < 40; i++) {
		pause_us(i % 2 ? 30000 : 2000);
		observe_within_bound(fx, "beside two busy loops");
		exact_check("beside two busy loops");
	}
	end_loops(fx);
	print_message("beside two busy loops: %d passes within their bound, lost a bound in %d group-passes\n",
	              exact.passes, exact.at_least);
}

/* The stat parser: the three fields ptviz needs, whatever the task's name holds. */
static void test_procfs_parse(void **state)
{
	(void)state;
	struct procfs_stat st;

	assert_true(procfs_parse_stat("1234 (ptviz T1) R 1233 1234 1200 0 -1 4194368 100 0 0 0 57 13 0 0 39 19 1 0 "
	                              "12345 2000000 300 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 -1 1 0 0 0 0 0\n",
	                              &st));
	assert_int_equal(st.state, 'R');
	assert_int_equal(st.ppid, 1233);
	assert_int_equal(st.ticks, 70);
	assert_int_equal(st.cpu, 1);
	assert_true(procfs_parse_stat("7 (a) b) c ) S 1 2 3 0 -1 4194368 100 0 0 0 5 7 0 0 20 0 1 0 12345 2000000 300 "
	                              "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0\n",
	                              &st));
	assert_int_equal(st.state, 'S');
	assert_int_equal(st.ticks, 12);
	assert_int_equal(st.cpu, 3);
	assert_false(procfs_parse_stat("1 (x) R 1 2 3\n", &st));
	assert_false(procfs_parse_stat("1 (x) R", &st));
	assert_false(procfs_parse_stat("no name here", &st));
	assert_false(procfs_parse_stat("1 (x) R 1 2 3 0 -1 4 5 0 0 0 x 7", &st));

	int fd = procfs_open_stat(getpid(), gettid());
	assert_true(fd >= 0);
	assert_true(procfs_read_stat(fd, &st));
	assert_int_equal(st.state, 'R');
	assert_int_equal(st.ppid, getppid());
	assert_true(st.cpu >= 0 && st.cpu < 65536);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_threads_lose_updates_then_locks_stop_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_private_processes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_processes_race, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_segv_kills_the_host, setup, teardown),
		cmocka_unit_test_setup_teardown(test_process_segv_kills_only_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abort_and_exit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_spins_while_siblings_go_on, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pause_resume_kill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outside_kill_is_attributed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_step_lost_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_step_withdraw_overdraws, setup, teardown),
		cmocka_unit_test_setup_teardown(test_step_bad_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadlock_and_its_fix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zombie_until_reaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpus_and_gil, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eventloop_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads_share_one_fd_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_processes_copy_then_diverge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_orphans_are_adopted, setup, teardown),
		cmocka_unit_test(test_schedstat_parse),
		cmocka_unit_test_setup_teardown(test_io_threads_help_on_one_cpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpu_workers_gain_nothing_on_one_cpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gil_throughput, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshots_are_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stopped_from_outside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commands_beside_a_stopped_worker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_host_partly_stopped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outside_busy_loops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_workers_each_pass_bounded, setup_big, teardown),
		cmocka_unit_test(test_procfs_parse),
	};
	/* One test by itself: PTVIZ_TEST=test_stopped_from_outside (a glob). */
	if (getenv("PTVIZ_TEST") != NULL)
		cmocka_set_test_filter(getenv("PTVIZ_TEST"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
