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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "lab/lab.h"
#include "lab/procfs.h"
#include "view/frames.h"

#define MAX_SEEN 256

struct fixture {
	struct lab *lab;
	pid_t seen[MAX_SEEN];   /* every process the test started, checked gone at the end */
	int nseen;
	struct lab_event last_exit;   /* its figures; its lists of ids and pids are not kept */
	int exits;
	struct frames clock;
};

/* Each event as the clock hands it on: an exit is counted and kept. */
static void on_event(void *ctx, const struct lab_event *ev)
{
	struct fixture *fx = ctx;

	if (ev->kind != LAB_EVENT_EXIT)
		return;
	fx->last_exit = *ev;
	fx->last_exit.ids = NULL;
	fx->last_exit.pids = NULL;
	fx->exits++;
}

static int setup(void **state)
{
	static struct fixture fx;
	struct lab_config cfg;
	struct lab_error err;

	memset(&fx, 0, sizeof(fx));
	lab_config_defaults(&cfg);
	cfg.max_threads = 8;
	cfg.max_processes = 8;
	fx.lab = lab_new(&cfg, &err);
	if (fx.lab == NULL)
		fail_msg("lab_new: %s", err.msg);
	frames_start(&fx.clock, fx.lab, 10, &(struct frames_hooks){ .event = on_event, .ctx = &fx });
	*state = &fx;
	return 0;
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

static int teardown(void **state)
{
	struct fixture *fx = *state;

	remember(fx);
	lab_free(fx->lab);
	lab_event_clear(&fx->last_exit);
	/* A leaked worker is a failed test. */
	for (int i = 0; i < fx->nseen; i++) {
		if (kill(fx->seen[i], 0) == 0 || errno != ESRCH)
			fail_msg("worker process %d is still there after lab_free", (int)fx->seen[i]);
	}
	return 0;
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

/*
 * Checks that need the workers to run are judged by the CPU time the workers got, never by
 * how long the test waited: on a machine loaded by other work, idle-priority workers may get
 * no CPU for seconds.  until_by_cpu lets time pass until met() holds, and fails only once the
 * workers of g have had budget_ns of CPU between them with met() still false.  When they get
 * less than that in GUARD_S seconds, it says that the check cannot be judged and returns false,
 * and the caller skips what depends on it.
 */
#define GUARD_S 60.0

static uint64_t group_cpu_ns(const struct lab_group *g, int only)
{
	uint64_t ns = 0;

	for (int j = 0; j < g->nworkers; j++)
		if (only < 0 || j == only)
			ns += g->workers[j].cpu_ns;
	return ns;
}

static bool until_by_cpu(struct fixture *fx, const char *what, bool (*met)(const struct lab_group *, int),
                         const struct lab_group *g, int only, uint64_t budget_ns)
{
	lab_observe(fx->lab);
	uint64_t cpu0 = group_cpu_ns(g, only);
	double guard = lab_now(fx->lab) + GUARD_S;

	while (!met(g, only)) {
		uint64_t used = group_cpu_ns(g, only) - cpu0;
		if (used >= budget_ns)
			fail_msg("%s: still not so after %.0f ms of the workers' CPU", what, used / 1e6);
		if (lab_now(fx->lab) > guard) {
			print_message("SKIP one check: %s cannot be judged: the workers had %.0f ms of CPU in %.0f s "
			              "(the machine is busy); it needs %.0f ms\n",
			              what, used / 1e6, GUARD_S, budget_ns / 1e6);
			return false;
		}
		run_for(fx, 0.02);
	}
	return true;
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

static void test_threads_lose_updates_then_locks_stop_it(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	spawn(fx, LAB_THREADS, 4, false, NULL);
	const struct lab_group *t = group(fx, "T");
	assert_string_equal(t->name, "T");
	assert_int_equal(t->alive, 4);
	run_for(fx, 1.5);
	assert_true(t->consistent);
	assert_true(t->increments > 0);
	if (sysconf(_SC_NPROCESSORS_ONLN) >= 2)
		assert_true(t->lost > 0);
	assert_true(t->lost >= 0);
	assert_int_equal(t->lost, t->increments - t->counter);
	/* every thread sees the one counter */
	for (int i = 0; i < 4; i++) {
		assert_int_equal(t->workers[i].counter, t->counter);
		assert_int_equal(t->workers[i].counter_address, lab_counter_address());
		assert_int_equal(t->workers[i].pid, t->host);
		assert_true(t->workers[i].tid != t->host);
	}

	for (int mode = LAB_SYNC_MUTEX; mode <= LAB_SYNC_ATOMIC; mode++) {
		must(lab_sync(fx->lab, (enum lab_sync)mode, NULL, &err), &err);
		lab_observe(fx->lab);
		int64_t lost = t->lost, before = t->increments;
		run_for(fx, 0.7);
		assert_true(t->increments > before);
		assert_int_equal(t->lost, lost);   /* not a single update more */
		assert_int_equal(t->sync, mode);
	}
	assert_int_equal(lab_parent_counter(), 0);
}

static void test_private_processes(void **state)
{
	struct fixture *fx = *state;

	spawn(fx, LAB_PROCESSES, 4, false, NULL);
	run_for(fx, 0.5);
	const struct lab_group *p = group(fx, "P");
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
	run_for(fx, 1.5);
	const struct lab_group *s = group(fx, "Shm");
	assert_true(s->shared);
	assert_int_equal(s->workers[0].id[0], 'S');
	if (sysconf(_SC_NPROCESSORS_ONLN) >= 2)
		assert_true(s->lost > 0);
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
	run_for(fx, 0.2);
	must(lab_inject(fx->lab, LAB_FAULT_SEGV, "T3", &err), &err);
	drain(fx);
	const struct lab_group *t = group(fx, "T");
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
	/* the figures of its last moment stay, and stay consistent */
	assert_true(t->increments > 0);
	assert_int_equal(t->lost, t->increments - t->counter);
	/* the processes and ptviz go on */
	const struct lab_group *p = group(fx, "P");
	int64_t before = p->workers[0].done;
	run_for(fx, 0.3);
	assert_int_equal(p->alive, 2);
	assert_true(p->workers[0].done > before);
	/* the dead cannot take requests */
	assert_false(lab_inject(fx->lab, LAB_FAULT_SEGV, "T1", &err));
	assert_non_null(strstr(err.msg, "already dead"));
}

static void test_process_segv_kills_only_it(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	spawn(fx, LAB_PROCESSES, 4, false, NULL);
	run_for(fx, 0.2);
	must(lab_inject(fx->lab, LAB_FAULT_SEGV, "P3", &err), &err);
	drain(fx);
	const struct lab_group *p = group(fx, "P");
	assert_int_equal(p->alive, 3);
	assert_false(p->workers[2].alive);
	assert_int_equal(p->workers[2].signal, SIGSEGV);
	assert_string_equal(fx->last_exit.cause, "P3");
	assert_int_equal(fx->last_exit.nids, 1);
	int64_t before[4];
	for (int i = 0; i < 4; i++)
		before[i] = p->workers[i].done;
	run_for(fx, 0.3);
	for (int i = 0; i < 4; i++) {
		if (i == 2)
			assert_int_equal(p->workers[i].done, before[i]);
		else
			assert_true(p->workers[i].done > before[i]);
	}
	assert_int_equal(p->lost, 0);
}

static void test_abort_and_exit(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	spawn(fx, LAB_PROCESSES, 2, false, NULL);
	spawn(fx, LAB_THREADS, 3, false, NULL);
	must(lab_inject(fx->lab, LAB_FAULT_ABORT, "P1", &err), &err);
	drain(fx);
	assert_int_equal(group(fx, "P")->workers[0].signal, SIGABRT);
	assert_int_equal(group(fx, "P")->alive, 1);

	/* exit() from one thread ends its whole process */
	must(lab_inject(fx->lab, LAB_FAULT_EXIT, "T2", &err), &err);
	drain(fx);
	const struct lab_group *t = group(fx, "T");
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
	must(lab_inject(fx->lab, LAB_FAULT_LOOP, "T2", &err), &err);
	run_for(fx, 0.2);
	const struct lab_group *t = group(fx, "T");
	int64_t looper = t->workers[1].done, sibling = t->workers[0].done;
	run_for(fx, 0.5);
	assert_true(t->workers[1].alive);
	assert_int_equal(t->workers[1].activity, LAB_ACT_LOOPING);
	assert_int_equal(t->workers[1].done, looper);
	assert_true(t->workers[0].done > sibling);
	assert_int_equal(t->workers[1].state, 'R');
	assert_true(t->consistent);
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
	must(lab_pause(fx->lab, "T1", true, &err), &err);
	must(lab_pause(fx->lab, "P", true, &err), &err);
	lab_observe(fx->lab);
	const struct lab_group *t = group(fx, "T"), *p = group(fx, "P");
	int64_t t1 = t->workers[0].done, t2 = t->workers[1].done, p1 = p->workers[0].done;
	run_for(fx, 0.4);
	assert_int_equal(t->workers[0].done, t1);
	assert_true(t->workers[1].done > t2);
	assert_int_equal(p->workers[0].done, p1);
	assert_int_equal(t->workers[0].activity, LAB_ACT_PAUSED);
	assert_int_equal(t->workers[0].state, 'S');
	must(lab_pause(fx->lab, "all", false, &err), &err);
	run_for(fx, 0.3);
	assert_true(t->workers[0].done > t1);
	assert_true(p->workers[0].done > p1);

	/* one thread ends alone; the host and its sibling go on */
	must(lab_kill(fx->lab, "T1", &err), &err);
	drain(fx);
	assert_false(t->workers[0].alive);
	assert_int_equal(t->workers[0].end, LAB_END_ENDED);
	assert_true(t->host_alive);
	t2 = t->workers[1].done;
	run_for(fx, 0.2);
	assert_true(t->workers[1].done > t2);
	assert_int_equal(t->lost, t->increments - t->counter);

	/* a process killed while parked: the shared count stays exact */
	must(lab_kill(fx->lab, "P2", &err), &err);
	drain(fx);
	assert_false(p->workers[1].alive);
	assert_int_equal(p->workers[1].signal, SIGKILL);
	assert_int_equal(fx->last_exit.end, LAB_END_KILLED);
	run_for(fx, 0.2);
	assert_true(p->lost >= 0);
	assert_int_equal(p->lost, p->increments - p->counter);
	must(lab_sync(fx->lab, LAB_SYNC_ATOMIC, "P", &err), &err);
	int64_t lost = p->lost;
	run_for(fx, 0.2);
	assert_int_equal(p->lost, lost);
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
	run_for(fx, 0.2);
	assert_false(p->workers[0].alive);
	assert_int_equal(p->workers[0].end, LAB_END_SIGNAL);
	assert_int_equal(p->workers[0].signal, SIGTERM);
	assert_string_equal(fx->last_exit.cause, "");
	assert_int_equal(p->alive, 1);
}


static void step(struct fixture *fx, const char *worker, const char *expect_in_note)
{
	struct lab_error err = { 0 };

	must(lab_step(fx->lab, worker, &err), &err);
	if (expect_in_note != NULL && strstr(err.msg, expect_in_note) == NULL)
		fail_msg("step %s said '%s', expected it to mention '%s'", worker ? worker : "", err.msg, expect_in_note);
	drain(fx);
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
	must(lab_step_mode(fx->lab, true, NULL, &err), &err);
	must(lab_schedule(fx->lab, order, 6, &err), &err);
	const struct lab_group *t = group(fx, "T"), *p = group(fx, "P");
	assert_true(t->stepping && p->stepping);
	/* step on starts the count again from 0, in the workers' own memory */
	assert_int_equal(t->increments, 0);
	assert_int_equal(t->counter, 0);
	assert_int_equal(p->workers[0].counter, 0);
	assert_int_equal(t->workers[0].next, LAB_STEP_LOAD);
	assert_false(t->workers[0].has_reg);

	step(fx, NULL, "T1 load: register = 0");
	step(fx, NULL, "T2 load: register = 0");
	assert_true(t->workers[0].has_reg && t->workers[1].has_reg);
	assert_int_equal(t->workers[0].next, LAB_STEP_ADD);
	step(fx, NULL, "T1 add: register = 1");
	step(fx, NULL, "P2 add: register = 1");
	step(fx, NULL, "T1 store: counter = 1");
	/* the real workers wait: nothing moves between steps */
	run_for(fx, 0.3);
	assert_int_equal(t->counter, 1);
	assert_int_equal(t->workers[1].done, 0);
	assert_int_equal(t->workers[1].activity, LAB_ACT_STEPWAIT);
	assert_int_equal(t->workers[1].state, 'S');
	step(fx, NULL, "T2 store: counter = 1");
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
	step(fx, NULL, "T1 load: register = 1");
	/* step off: they finish what they began and run free again */
	must(lab_step_mode(fx->lab, false, NULL, &err), &err);
	run_for(fx, 0.3);
	assert_true(t->increments > 2);
	assert_false(t->workers[0].stepping);
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
	must(lab_workload(fx->lab, LAB_WORK_WITHDRAW, NULL, &err), &err);
	must(lab_step_mode(fx->lab, true, NULL, &err), &err);
	must(lab_schedule(fx->lab, order, 6, &err), &err);
	const struct lab_group *t = group(fx, "T"), *p = group(fx, "P");
	assert_int_equal(t->counter, LAB_WITHDRAW_BALANCE);
	assert_int_equal(t->workers[0].next, LAB_STEP_CHECK);
	for (int i = 0; i < 6; i++)
		step(fx, NULL, NULL);
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
	step(fx, "T1", "refused");
	lab_observe(fx->lab);
	assert_int_equal(t->refused, 1);
	assert_int_equal(t->increments, 2);

	/* with the lock around check and withdraw, the same schedule cannot overdraw */
	must(lab_sync(fx->lab, LAB_SYNC_MUTEX, "T", &err), &err);
	must(lab_workload(fx->lab, LAB_WORK_WITHDRAW, "T", &err), &err);
	assert_int_equal(t->counter, LAB_WITHDRAW_BALANCE);
	step(fx, "T1", "T1 check: balance 100 covers 100");
	step(fx, "T2", "T2 waits for the lock: T1 holds it");
	assert_int_equal(t->workers[1].activity, LAB_ACT_LOCKWAIT);
	assert_false(lab_step(fx->lab, "T2", &err));
	assert_non_null(strstr(err.msg, "step T1 first"));
	step(fx, "T1", "T1 load");
	/* T1 lets go of the lock: T2, blocked since its step, takes it, checks, and finds nothing */
	step(fx, "T1", "T1 store: balance = 0; T2 took the lock: T2 check: balance 0 is less than 100, refused");
	lab_observe(fx->lab);
	assert_int_equal(t->counter, 0);
	assert_int_equal(t->increments, 1);
	assert_false(t->overdrawn);
	assert_int_equal(t->refused, 1);
	/* a thread ended in step mode while it holds the lock lets it go */
	must(lab_workload(fx->lab, LAB_WORK_WITHDRAW, "T", &err), &err);
	step(fx, "T2", "T2 check: balance 100 covers 100");
	assert_true(t->workers[1].holds_lock);
	must(lab_kill(fx->lab, "T2", &err), &err);
	drain(fx);
	assert_false(t->workers[1].alive);
	step(fx, "T1", "T1 check: balance 100 covers 100");
	step(fx, "T1", "T1 load");
	step(fx, "T1", "T1 store: balance = 0");

	/* the same for a process of a shared group, killed outright: the robust lock recovers */
	spawn(fx, LAB_PROCESSES, 2, true, "S");
	must(lab_sync(fx->lab, LAB_SYNC_MUTEX, "S", &err), &err);
	must(lab_workload(fx->lab, LAB_WORK_WITHDRAW, "S", &err), &err);
	must(lab_step_mode(fx->lab, true, "S", &err), &err);
	step(fx, "S1", "S1 check: balance 100 covers 100");
	must(lab_kill(fx->lab, "S1", &err), &err);
	drain(fx);
	step(fx, "S2", "S2 check: balance 100 covers 100");
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
	must(lab_step_mode(fx->lab, true, "T", &err), &err);
	/* a schedule naming a worker the group lacks says so and moves nothing */
	static const int far[] = { 5 };
	must(lab_schedule(fx->lab, far, 1, &err), &err);
	assert_false(lab_step(fx->lab, NULL, &err));
	assert_non_null(strstr(err.msg, "T has no worker 5"));
	/* no schedule: the group's workers take turns */
	must(lab_schedule(fx->lab, NULL, 0, &err), &err);
	step(fx, NULL, "T1 load");
	step(fx, NULL, "T2 load");
	step(fx, NULL, "T1 add");
	/* paused, it cannot step; a fault still reaches it while it waits */
	must(lab_pause(fx->lab, "T2", true, &err), &err);
	assert_false(lab_step(fx->lab, "T2", &err));
	assert_non_null(strstr(err.msg, "resume T2"));
	must(lab_inject(fx->lab, LAB_FAULT_SEGV, "T1", &err), &err);
	drain(fx);
	assert_false(group(fx, "T")->host_alive);
	assert_int_equal(fx->last_exit.signal, SIGSEGV);
}


/* Two locks taken in opposite orders: both workers stop for good, each holding what the other wants. */
static void test_deadlock_and_its_fix(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	spawn(fx, LAB_THREADS, 2, false, NULL);
	spawn(fx, LAB_PROCESSES, 2, true, NULL);
	must(lab_workload(fx->lab, LAB_WORK_DEADLOCK, NULL, &err), &err);
	run_for(fx, 0.6);
	const struct lab_group *t = group(fx, "T"), *p = group(fx, "P");
	int64_t before = t->increments, pbefore = p->increments;
	run_for(fx, 0.4);
	/* stuck: no progress, asleep in the kernel, each holding one lock and wanting the other */
	assert_int_equal(t->increments, before);
	assert_int_equal(p->increments, pbefore);
	/*
	 * Asleep: a blocked worker wakes twice a second to read its control
	 * word, and on a busy machine may wait a while for a CPU then (R), so
	 * most of ten looks, not every one, must find it asleep.
	 */
	int asleep[4] = { 0 };
	char seen[4][11] = { "", "", "", "" };
	for (int look = 0; look < 10; look++) {
		run_for(fx, 0.05);
		for (int i = 0; i < 2; i++) {
			seen[i][look] = t->workers[i].state;
			seen[2 + i][look] = p->workers[i].state;
			asleep[i] += t->workers[i].state == 'S';
			asleep[2 + i] += p->workers[i].state == 'S';
			assert_int_equal(t->workers[i].activity, LAB_ACT_LOCKWAIT);
		}
	}
	for (int i = 0; i < 4; i++) {
		print_message("deadlocked worker %d asleep (S) in %d of 10 looks: %s\n", i, asleep[i], seen[i]);
		assert_true(asleep[i] >= 6);
	}
	assert_int_equal(t->increments, before);
	assert_int_equal(p->increments, pbefore);
	assert_int_equal(t->workers[0].holds, LAB_LOCK_A);
	assert_int_equal(t->workers[0].wants, LAB_LOCK_B);
	assert_int_equal(t->workers[1].holds, LAB_LOCK_B);
	assert_int_equal(t->workers[1].wants, LAB_LOCK_A);
	assert_int_equal(p->workers[1].wants, LAB_LOCK_A);
	/* observation does not wait for them */
	assert_true(t->consistent);

	must(lab_fix_lockorder(fx->lab, NULL, &err), &err);
	run_for(fx, 0.5);
	assert_true(t->increments > before);
	assert_true(p->increments > pbefore);
	assert_int_equal(t->lost, 0);
	assert_int_equal(p->lost, 0);

	/* a deadlocked thread still answers kill */
	must(lab_workload(fx->lab, LAB_WORK_DEADLOCK, "T", &err), &err);
	run_for(fx, 0.5);
	must(lab_kill(fx->lab, "T1", &err), &err);
	drain(fx);
	assert_false(t->workers[0].alive);
	/* step mode refuses a workload it cannot take apart, either way round */
	assert_false(lab_step_mode(fx->lab, true, "P", &err));
	assert_non_null(strstr(err.msg, "workload counter P"));
	must(lab_workload(fx->lab, LAB_WORK_COUNTER, "P", &err), &err);
	must(lab_step_mode(fx->lab, true, "P", &err), &err);
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
	must(lab_reaping(fx->lab, LAB_REAP_OFF, &err), &err);
	must(lab_inject(fx->lab, LAB_FAULT_EXIT, "P1", &err), &err);
	drain(fx);
	const struct lab_group *p = group(fx, "P");
	assert_false(p->workers[0].alive);
	assert_true(p->workers[0].zombie);
	assert_int_equal(p->workers[0].state, 'Z');
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)p->workers[0].pid);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_non_null(strstr(buf, ") Z "));
	assert_true(p->workers[1].alive);

	must(lab_reaping(fx->lab, LAB_REAP_NOW, &err), &err);
	assert_non_null(strstr(err.msg, "reaped P1"));
	assert_false(p->workers[0].zombie);
	assert_int_equal(kill(p->workers[0].pid, 0), -1);
	assert_int_equal(errno, ESRCH);
	/* reaping back on: the next exit leaves nothing behind */
	must(lab_reaping(fx->lab, LAB_REAP_ON, &err), &err);
	must(lab_inject(fx->lab, LAB_FAULT_EXIT, "P2", &err), &err);
	drain(fx);
	assert_false(p->workers[1].zombie);
	assert_int_equal(kill(p->workers[1].pid, 0), -1);
}

/* Other work on the machine: figures that need free CPUs are not judged then. */
static bool machine_busy(double *load)
{
	return getloadavg(load, 1) == 1 && load[0] > 1.0;
}

/* Sum of the workers' CPU time over the wall time it took: how many ran at once. */
static double parallelism(struct fixture *fx, const struct lab_group *g, double seconds)
{
	uint64_t t0 = 0, t1 = 0;
	long hz = sysconf(_SC_CLK_TCK);

	lab_observe(fx->lab);
	for (int i = 0; i < g->nworkers; i++)
		t0 += g->workers[i].cpu_ticks;
	double start = lab_now(fx->lab);
	run_for(fx, seconds);
	for (int i = 0; i < g->nworkers; i++)
		t1 += g->workers[i].cpu_ticks;
	return (double)(t1 - t0) / (double)hz / (lab_now(fx->lab) - start);
}

static void test_cpus_and_gil(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	spawn(fx, LAB_THREADS, 2, false, NULL);
	spawn(fx, LAB_PROCESSES, 2, false, NULL);
	must(lab_cpus(fx->lab, true, NULL, &err), &err);
	run_for(fx, 0.3);
	const struct lab_group *t = group(fx, "T"), *p = group(fx, "P");
	int cpu = t->workers[0].cpu;
	assert_true(cpu >= 0);
	assert_int_equal(t->pinned_cpu, cpu);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(t->workers[i].cpu, cpu);
		assert_int_equal(p->workers[i].cpu, cpu);
	}
	must(lab_cpus(fx->lab, false, NULL, &err), &err);
	assert_int_equal(t->pinned_cpu, -1);

	/* Under the GIL the threads take turns: never much more than one runs at a time. */
	must(lab_kill(fx->lab, "P", &err), &err);
	drain(fx);
	must(lab_gil(fx->lab, true, "T", &err), &err);
	must(lab_workload(fx->lab, LAB_WORK_COUNTER, "T", &err), &err);
	double threads = parallelism(fx, t, 1.0);
	assert_int_equal(t->lost, 0);
	print_message("gil on: 2 threads ran %.2f at a time\n", threads);
	assert_true(threads <= 1.2);
	/* each process has its own GIL: where two CPUs are free, both run */
	spawn(fx, LAB_PROCESSES, 2, false, "Q");
	must(lab_kill(fx->lab, "T", &err), &err);
	drain(fx);
	must(lab_gil(fx->lab, true, "Q", &err), &err);
	double processes = parallelism(fx, group(fx, "Q"), 1.0);
	print_message("gil on: 2 processes ran %.2f at a time\n", processes);
	if (sysconf(_SC_NPROCESSORS_ONLN) >= 2 && processes < 1.6) {
		double load[1];
		if (machine_busy(load))
			print_message("the machine is busy (load %.1f): not judging the processes' parallelism\n", load[0]);
		else
			fail_msg("2 processes under their own GILs ran only %.2f at a time on an idle machine", processes);
	}
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

/* A group's increments per second over about `seconds`, by the lab's own clock. */
static double work_rate(struct fixture *fx, const char *name, double seconds)
{
	const struct lab_group *g = group(fx, name);

	lab_observe(fx->lab);
	int64_t before = g->increments;
	double start = lab_now(fx->lab);
	run_for(fx, seconds);
	return (double)(g->increments - before) / (lab_now(fx->lab) - start);
}

/* Seconds on a CPU that a group's workers used, from schedstat (or the ticks). */
static double cpu_seconds(const struct lab_group *g)
{
	uint64_t ns = 0;

	for (int i = 0; i < g->nworkers; i++)
		ns += g->workers[i].cpu_ns;
	return (double)ns / 1e9;
}

/*
 * The mean rates of groups a and b over three rounds of 0.25 s each, taking
 * turns (one paused while the other runs), so the machine's busy moments fall
 * on both alike.  Returns the seconds b ran.
 */
static double rates_in_turns(struct fixture *fx, const char *a, const char *b, double *ra, double *rb)
{
	struct lab_error err;
	double busy = 0;

	*ra = *rb = 0;
	for (int round = 0; round < 3; round++) {
		must(lab_pause(fx->lab, b, true, &err), &err);
		must(lab_pause(fx->lab, a, false, &err), &err);
		*ra += work_rate(fx, a, 0.25) / 3;
		must(lab_pause(fx->lab, a, true, &err), &err);
		must(lab_pause(fx->lab, b, false, &err), &err);
		double t0 = lab_now(fx->lab);
		*rb += work_rate(fx, b, 0.25) / 3;
		busy += lab_now(fx->lab) - t0;
	}
	return busy;
}

/*
 * The GIL by throughput: two threads under one lock do no more than one
 * thread does; two processes, each with its own, do nearly twice what one does.
 */
static void test_gil_throughput(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;
	double r1, r2, load[1];

	spawn(fx, LAB_THREADS, 1, false, "T");
	spawn(fx, LAB_THREADS, 2, false, "TW");
	must(lab_workload(fx->lab, LAB_WORK_CPU, NULL, &err), &err);
	must(lab_gil(fx->lab, true, NULL, &err), &err);
	rates_in_turns(fx, "T", "TW", &r1, &r2);
	print_message("gil on: 1 thread %.0f/s, 2 threads %.0f/s (%.2fx)\n", r1, r2, r2 / (r1 > 0 ? r1 : 1));
	assert_true(r1 > 0);
	if (r2 > 1.2 * r1) {
		if (machine_busy(load))
			print_message("the machine is busy (load %.1f): not judging the threads' throughput\n", load[0]);
		else
			fail_msg("2 threads under one GIL did %.0f/s against one thread's %.0f/s", r2, r1);
	}
	must(lab_kill(fx->lab, "T", &err), &err);
	must(lab_kill(fx->lab, "TW", &err), &err);
	drain(fx);

	spawn(fx, LAB_PROCESSES, 1, false, "P");
	spawn(fx, LAB_PROCESSES, 2, false, "PW");
	must(lab_workload(fx->lab, LAB_WORK_CPU, "P", &err), &err);
	must(lab_workload(fx->lab, LAB_WORK_CPU, "PW", &err), &err);
	must(lab_gil(fx->lab, true, "P", &err), &err);
	must(lab_gil(fx->lab, true, "PW", &err), &err);
	rates_in_turns(fx, "P", "PW", &r1, &r2);
	print_message("gil on: 1 process %.0f/s, 2 processes %.0f/s (%.2fx)\n", r1, r2, r2 / (r1 > 0 ? r1 : 1));
	assert_true(r1 > 0);
	if (sysconf(_SC_NPROCESSORS_ONLN) >= 2 && r2 < 1.6 * r1) {
		if (machine_busy(load))
			print_message("the machine is busy (load %.1f): not judging the processes' throughput\n", load[0]);
		else
			fail_msg("2 processes with a GIL each did %.0f/s against one's %.0f/s on an idle machine", r2, r1);
	}
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
	must(lab_workload(fx->lab, LAB_WORK_IO, NULL, &err), &err);
	must(lab_cpus(fx->lab, true, NULL, &err), &err);
	run_for(fx, 0.3);
	const struct lab_group *one = group(fx, "T"), *four = group(fx, "F");
	for (int i = 0; i < 4; i++)
		assert_int_equal(four->workers[i].cpu, four->pinned_cpu);
	/* Both at once, so a busy moment of the machine falls on both alike. */
	int64_t one0 = one->increments, four0 = four->increments;
	double cpu0 = cpu_seconds(four), t0 = lab_now(fx->lab);
	run_for(fx, 1.0);
	double dt = lab_now(fx->lab) - t0;
	double r1 = (double)(one->increments - one0) / dt, r4 = (double)(four->increments - four0) / dt;
	double cpu = (cpu_seconds(four) - cpu0) / dt;
	print_message("io on one CPU: 1 thread %.0f/s, 4 threads %.0f/s (%.2fx), the 4 used %.1f%% of a CPU\n", r1, r4,
	              r4 / (r1 > 0 ? r1 : 1), 100.0 * cpu);
	assert_true(r1 > 0);
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
	double r1 = 0, r2 = 0, load[1];

	spawn(fx, LAB_THREADS, 1, false, "T");
	spawn(fx, LAB_THREADS, 2, false, "TW");
	must(lab_workload(fx->lab, LAB_WORK_CPU, NULL, &err), &err);
	must(lab_cpus(fx->lab, true, NULL, &err), &err);
	const struct lab_group *pair = group(fx, "TW");
	double cpu0 = cpu_seconds(pair), busy = rates_in_turns(fx, "T", "TW", &r1, &r2);
	/* However busy the machine, a pinned pair never has more than its one CPU. */
	double cpus = (cpu_seconds(pair) - cpu0) / busy;
	print_message("cpu on one CPU: 1 thread %.0f/s, 2 threads %.0f/s (%.2fx), the pair used %.2f CPUs\n", r1, r2,
	              r2 / (r1 > 0 ? r1 : 1), cpus);
	assert_true(cpus <= 1.1);
	if (r1 < 1000 || r2 > 1.3 * r1) {
		if (machine_busy(load)) {
			print_message("the machine is busy (load %.1f): not judging the throughput\n", load[0]);
			return;
		}
		fail_msg("2 CPU-bound threads on one CPU did %.0f/s against one's %.0f/s", r2, r1);
	}
}

/* One slow task in the event loop stops all serving; the same task beside it does not. */
static void test_eventloop_block(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	spawn(fx, LAB_THREADS, 2, false, NULL);
	must(lab_workload(fx->lab, LAB_WORK_EVENTLOOP, NULL, &err), &err);
	run_for(fx, 0.3);
	const struct lab_group *t = group(fx, "T");
	assert_true(t->increments > 0);
	/* the long task on the pool worker: the loop goes on */
	must(lab_inject(fx->lab, LAB_FAULT_BLOCK, "T2", &err), &err);
	assert_non_null(strstr(err.msg, "the loop goes on serving"));
	int64_t before = t->increments;
	run_for(fx, 0.4);
	assert_true(t->increments > before);
	/* the long task on the loop itself: nothing is served, the queue grows */
	must(lab_inject(fx->lab, LAB_FAULT_BLOCK, "T1", &err), &err);
	assert_int_equal(t->workers[0].activity, LAB_ACT_BLOCKING);
	lab_observe(fx->lab);
	before = t->increments;
	run_for(fx, 0.5);
	assert_int_equal(t->increments, before);
	assert_int_equal(t->workers[0].activity, LAB_ACT_BLOCKING);
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
	must(lab_open_file(fx->lab, "T2", &err), &err);
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
	must(lab_close_file(fx->lab, "T1", LAB_INHERITED_FD, &err), &err);
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
	must(lab_open_file(fx->lab, "P2", &err), &err);
	assert_non_null(strstr(err.msg, "do not have it"));
	must(lab_close_file(fx->lab, "P1", LAB_INHERITED_FD, &err), &err);
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
	int64_t before = p->increments;
	run_for(fx, 0.2);
	assert_true(p->increments > before);
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

static void remember_pid(struct fixture *fx, pid_t pid)
{
	if (fx->nseen < MAX_SEEN)
		fx->seen[fx->nseen++] = pid;
}

static void test_orphans_are_adopted(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err;

	spawn(fx, LAB_PROCESSES, 2, false, NULL);
	spawn(fx, LAB_THREADS, 2, false, NULL);
	const struct lab_group *p = group(fx, "P");
	const struct lab_group *t = group(fx, "T");
	must(lab_fork_child(fx->lab, "P1", &err), &err);
	must(lab_fork_child(fx->lab, "T2", &err), &err);
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
	must(lab_inject(fx->lab, LAB_FAULT_SEGV, "T1", &err), &err);
	run_for(fx, 0.3);
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

	/* An adopted child that dies is reaped by ptviz, its parent now. */
	kill(tkid, SIGKILL);
	run_for(fx, 0.3);
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
	struct lab_error err;
	enum { ROUNDS = 300, GROUPS = 3 };
	static const char *const names[GROUPS] = { "T", "S", "P" };
	int64_t lost[GROUPS], increments[GROUPS];
	int consistent = 0, taken = 0;

	spawn(fx, LAB_THREADS, 8, false, "T");
	spawn(fx, LAB_PROCESSES, 4, true, "S");
	spawn(fx, LAB_PROCESSES, 4, false, "P");
	for (int k = 0; k < GROUPS; k++)
		lost[k] = increments[k] = 0;
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
	print_message("sync none: %d of %d snapshots consistent; lost T %lld, S %lld\n", consistent, taken,
	              (long long)lost[0], (long long)lost[1]);
	assert_true(consistent * 2 > taken);

	for (int mode = LAB_SYNC_MUTEX; mode <= LAB_SYNC_ATOMIC; mode++) {
		must(lab_sync(fx->lab, (enum lab_sync)mode, NULL, &err), &err);
		lab_observe(fx->lab);
		for (int k = 0; k < GROUPS; k++)
			lost[k] = group(fx, names[k])->lost;
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
		for (int k = 0; k < GROUPS; k++)
			assert_true(group(fx, names[k])->increments > increments[k]);
	}
}

/*
 * What /proc says is what the kernel says, also of workers that have not had
 * a CPU for a while: a process stopped from outside shows T, and after a
 * continue it works again.  With more workers than CPUs many have not worked
 * between two passes, and their stat is not read again unless something
 * could have changed it.
 */
static bool is_stopped(const struct lab_group *g, int w)
{
	return g->workers[w].state == 'T';
}

static int64_t done_before;

static bool works_again(const struct lab_group *g, int w)
{
	return g->workers[w].state != 'T' && g->workers[w].done > done_before;
}

static bool consistent(const struct lab_group *g, int w)
{
	(void)w;
	return g->consistent;
}

static void test_stopped_from_outside(void **state)
{
	struct fixture *fx = *state;

	spawn(fx, LAB_PROCESSES, 8, false, "P");
	const struct lab_group *p = group(fx, "P");
	for (int i = 0; i < 50; i++) {
		pause_us(2000);
		lab_observe(fx->lab);
	}
	for (int j = 0; j < p->nworkers; j++)
		assert_int_not_equal(p->workers[j].state, 'T');
	pid_t stopped = p->workers[7].pid;
	assert_int_equal(kill(stopped, SIGSTOP), 0);
	/* The stop takes effect when P8 next runs: within a few ms of its CPU. */
	if (!until_by_cpu(fx, "P8 shows T once stopped", is_stopped, p, 7, 100 * 1000000ull))
		return;
	done_before = p->workers[7].done;
	run_for(fx, 0.3);
	assert_int_equal(p->workers[7].state, 'T');
	assert_int_equal(p->workers[7].done, done_before);
	assert_int_equal(kill(stopped, SIGCONT), 0);
	if (!until_by_cpu(fx, "P8 counts again once continued", works_again, p, 7, 300 * 1000000ull))
		return;
	until_by_cpu(fx, "the group is read at a boundary again", consistent, p, -1, 1000 * 1000000ull);
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
		cmocka_unit_test(test_procfs_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
