/* The tasks workload with real threads and processes: a pool costs less CPU per task than a thread (a process) per task. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../not_judged.h"
#include "small_lab.h"
#include "work_wait.h"

#define TASKS_GUARD_S 150.0

/* What one run of the workload cost: judged by the group's CPU time, never by the wall clock. */
struct tasks_run {
	int64_t done, created;
	int alive_max;
	double cpu_us;          /* CPU time per task over the run */
	double per_s;           /* tasks a second of wall clock: judged only on a quiet machine */
	double seconds;
};

static bool tasks_enough(const struct lab_group *g, const void *arg)
{
	return g->tasks.done >= *(const int64_t *)arg;
}

/* Sets pool and rate (a fresh run), lets it finish `tasks` tasks, and says what they cost; false when skipped. */
static bool tasks_measure(struct lab *lab, int pool, int rate, int64_t tasks, const char *what, struct tasks_run *run)
{
	struct lab_error err;

	must(lab_rate(lab, rate, "T", &err), &err);
	must(lab_pool(lab, pool, "T", &err), &err);
	const struct lab_group *g = work_wait(lab, "T", tasks_enough, &tasks, TASKS_GUARD_S);
	if (g == NULL) {
		g = lab_find_group(lab, "T");
		not_judged(what, "in %.0f s its workers had %.0f ms of CPU and finished %lld tasks of %lld (the machine is busy)",
		           TASKS_GUARD_S, work_cpu_ms(g), (long long)g->tasks.done, (long long)tasks);
		return false;
	}
	run->done = g->tasks.done;
	run->created = g->tasks.created;
	run->alive_max = g->tasks.alive_max;
	run->cpu_us = (double)g->tasks.cpu_ns / 1000.0 / (double)g->tasks.done;
	run->seconds = g->tasks.seconds;
	run->per_s = g->tasks.seconds > 0 ? (double)g->tasks.done / g->tasks.seconds : 0;
	struct lab_priority prio;
	lab_priority_get(lab, &prio);
	print_message("%s: %lld tasks in %.2f s, %.1f us CPU each, %lld created, at most %d alive (%s priority)\n", what,
	              (long long)run->done, run->seconds, run->cpu_us, (long long)run->created, run->alive_max,
	              prio.idle ? "idle" : "normal");
	return true;
}

/* Is the machine quiet enough that wall-clock rates mean something? */
static bool tasks_quiet(struct lab *lab, char *why, size_t len)
{
	struct lab_machine m;

	lab_machine_read(lab, &m);
	if (m.measured && m.other_cpu < 0.25 && m.load1 >= 0 && m.load1 < m.cpus)
		return true;
	snprintf(why, len, "other programs used %.1f CPUs of %d, load %.0f: a wall-clock rate says more of them than of "
	         "the pool", m.other_cpu, m.cpus, m.load1);
	return false;
}

/*
 * Fed as fast as they are taken, then at a fixed rate: the pool and a thread
 * (process) per task, each judged by the CPU the group used per task.
 */
static void pool_beats_one_per_task(struct lab *lab, enum lab_kind kind, int64_t fast, int rate, int64_t paced)
{
	struct lab_error err;
	struct tasks_run pool_max, each_max, pool_rate, each_rate;
	const char *one = kind == LAB_THREADS ? "thread" : "process", *ones = kind == LAB_THREADS ? "threads" : "processes";
	char what[96], why[200];

	must(lab_spawn(lab, kind, 4, false, "T", &err), &err);
	must(lab_workload(lab, LAB_WORK_TASKS, "T", &err), &err);
	snprintf(what, sizeof(what), "a pool of 4 %s, as fast as taken", ones);
	bool a = tasks_measure(lab, 4, 0, fast, what, &pool_max);
	snprintf(what, sizeof(what), "a %s per task, as fast as taken", one);
	bool b = tasks_measure(lab, 0, 0, fast, what, &each_max);
	if (a && b) {
		assert_int_equal(pool_max.created, 0);
		assert_true(each_max.created >= each_max.done);
		assert_true(each_max.alive_max <= (kind == LAB_THREADS ? 64 : 16));
		/* Tasks a second of CPU: what the machine's CPUs could finish, whatever else runs. */
		assert_true(1e6 / pool_max.cpu_us > 1e6 / each_max.cpu_us);
		if (tasks_quiet(lab, why, sizeof(why)))
			assert_true(pool_max.per_s > each_max.per_s);
		else
			not_judged("tasks a second of wall clock", "%s", why);
	}
	snprintf(what, sizeof(what), "a pool of 4 %s, %d a second", ones, rate);
	a = tasks_measure(lab, 4, rate, paced, what, &pool_rate);
	snprintf(what, sizeof(what), "a %s per task, %d a second", one, rate);
	b = tasks_measure(lab, 0, rate, paced, what, &each_rate);
	if (a && b)
		assert_true(pool_rate.cpu_us < each_rate.cpu_us);
}

static void test_thread_pool_beats_thread_per_task(void **state)
{
	pool_beats_one_per_task(*state, LAB_THREADS, 3000, 1000, 1000);
}

static void test_process_pool_beats_process_per_task(void **state)
{
	pool_beats_one_per_task(*state, LAB_PROCESSES, 300, 200, 200);
}

/* The words pool and rate take, and what they refuse. */
static void test_pool_and_rate_refused(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;

	must(lab_spawn(lab, LAB_THREADS, 2, false, "T", &err), &err);
	assert_false(lab_pool(lab, 3, "T", &err));
	assert_non_null(strstr(err.msg, "at most 2"));
	assert_false(lab_rate(lab, LAB_RATE_MAX + 1, "T", &err));
	/* Kept for when the group runs tasks: said so. */
	err.msg[0] = '\0';
	must(lab_pool(lab, 1, "T", &err), &err);
	assert_non_null(strstr(err.msg, "kept for 'workload tasks'"));
	must(lab_workload(lab, LAB_WORK_TASKS, "T", &err), &err);
	assert_int_equal(lab_find_group(lab, "T")->tasks.pool, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_thread_pool_beats_thread_per_task, small_lab_setup, small_lab_teardown),
		cmocka_unit_test_setup_teardown(test_process_pool_beats_process_per_task, small_lab_setup, small_lab_teardown),
		cmocka_unit_test_setup_teardown(test_pool_and_rate_refused, small_lab_setup, small_lab_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
