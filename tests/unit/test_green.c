/* Green threads with real kernel threads under them: ps sees M for N, a blocking call stalls or is handed off, yields and lost updates, and the cost of 100,000. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../not_judged.h"
#include "small_lab.h"

#include "lab/green.h"

/* Hang guards only: nothing below is judged by how long it took. */
#define HANG_GUARD_S 60.0

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap_ms(int ms)
{
	struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
}

static int setup(void **state)
{
	*state = small_lab(16, 4);
	return 0;
}

static const struct lab_group *group(struct lab *lab, const char *name)
{
	const struct lab_group *g = lab_find_group(lab, name);

	if (g == NULL)
		fail_msg("no group %s", name);
	return g;
}

/* The tasks of a process, as ps -eLf lists them: /proc/PID/task. */
static int tasks_of(pid_t pid)
{
	char path[64];
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (d == NULL)
		return -1;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Observes until every worker of the group has made at least `least` increments; false at the hang guard. */
static bool each_done_at_least(struct lab *lab, const char *name, int64_t least)
{
	for (double until = mono_now() + HANG_GUARD_S; mono_now() < until; nap_ms(20)) {
		lab_observe(lab);
		const struct lab_group *g = group(lab, name);
		bool all = true;
		for (int i = 0; i < g->nworkers; i++)
			all &= g->workers[i].done >= least;
		if (all)
			return true;
	}
	return false;
}

/* The kernel does not know green threads: N workers on screen, M tasks in /proc. */
static void test_ps_lists_kernel_threads(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;

	must(lab_spawn_green(lab, 8, 1, false, "One", &err), &err);
	must(lab_spawn_green(lab, 8, 2, false, "Two", &err), &err);
	assert_true(each_done_at_least(lab, "One", 1));
	assert_true(each_done_at_least(lab, "Two", 1));
	const struct lab_group *one = group(lab, "One"), *two = group(lab, "Two");
	assert_int_equal(one->nworkers, 8);
	assert_int_equal(tasks_of(one->host), 1);
	assert_int_equal(tasks_of(two->host), 2);
	assert_int_equal(one->green.kernel_threads, 1);
	assert_int_equal(two->green.kernel_threads, 2);
	/* Every green thread names a kernel thread of its host as its tid. */
	for (int i = 0; i < two->nworkers; i++) {
		pid_t tid = two->workers[i].tid;
		assert_true(tid == two->green.kernel_tids[0] || tid == two->green.kernel_tids[1]);
		assert_int_equal(two->workers[i].pid, two->host);
	}
	/* Each green thread's own count lives on its own stack: N stacks in one address space. */
	for (int i = 1; i < one->nworkers; i++)
		assert_true(one->workers[i].stack_address != one->workers[0].stack_address);
}

/* The figures of the other workers of a group (not the one that blocks): their counts summed. */
static int64_t others_done(const struct lab_group *g, int blocker)
{
	int64_t sum = 0;

	for (int i = 0; i < g->nworkers; i++) {
		if (i != blocker)
			sum += g->workers[i].done;
	}
	return sum;
}

/* CPU time a task has had, ns, from /proc/PID/task/TID/schedstat; -1 unknown. */
static int64_t task_cpu_ns(pid_t pid, pid_t tid)
{
	char path[96];
	long long ns = -1;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", (int)pid, (int)tid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	if (fscanf(f, "%lld", &ns) != 1)
		ns = -1;
	fclose(f);
	return ns;
}

/* Is the worker still in its blocking call?  Its slot says so (activity, read by a pass). */
static bool still_blocking(struct lab *lab, const char *name, int i)
{
	lab_observe(lab);
	return group(lab, name)->workers[i].activity == LAB_ACT_BLOCKING;
}

/*
 * On one kernel thread, a blocking call in G3 stops every green thread: the
 * others' counts do not move while it blocks, and the kernel thread has no
 * CPU meanwhile (it sleeps: S).  Judged between two looks that both find G3
 * still blocking; if the machine was so busy that the second came after the
 * 3 s, that check is not judged.
 */
static void test_block_stalls_one_kernel_thread(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;

	must(lab_spawn_green(lab, 6, 1, false, "S", &err), &err);
	assert_true(each_done_at_least(lab, "S", 1));
	must(lab_inject(lab, LAB_FAULT_BLOCK, "S3", &err), &err);
	lab_observe(lab);
	const struct lab_group *g = group(lab, "S");
	pid_t host = g->host, kernel = g->green.kernel_tids[0];
	int64_t before = others_done(g, 2), cpu_before = task_cpu_ns(host, kernel);
	nap_ms(300);
	int64_t cpu_after = task_cpu_ns(host, kernel);
	lab_observe(lab);
	g = group(lab, "S");
	int64_t after = others_done(g, 2);
	char state_seen = g->workers[0].state;
	if (!still_blocking(lab, "S", 2)) {
		not_judged("a stall on one kernel thread", "the 3-second call ended before the second look");
		return;
	}
	assert_int_equal(after, before);
	assert_int_equal(state_seen, 'S');
	/* Asleep in the kernel: well under a millisecond of CPU in those 300 ms (the wakeup itself). */
	assert_true(cpu_before >= 0 && cpu_after - cpu_before < 1000000);
	assert_int_equal(group(lab, "S")->green.handoffs, 0);
}

/*
 * With hand-off, the same call gives the kernel thread's turn to another
 * kernel thread, started for it: the others' counts go on moving while G3
 * blocks, on a kernel thread that is not the blocked one.  Judged by counts;
 * if the new kernel thread had no CPU at all while G3 blocked, not judged.
 */
static void test_block_handed_off(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;

	must(lab_spawn_green(lab, 6, 1, true, "H", &err), &err);
	assert_true(each_done_at_least(lab, "H", 1));
	must(lab_inject(lab, LAB_FAULT_BLOCK, "H3", &err), &err);
	lab_observe(lab);
	int64_t before = others_done(group(lab, "H"), 2);
	int64_t after = before;
	bool blocking = true;
	for (double until = mono_now() + HANG_GUARD_S; blocking && after == before && mono_now() < until; nap_ms(20)) {
		blocking = still_blocking(lab, "H", 2);
		after = others_done(group(lab, "H"), 2);
	}
	const struct lab_group *g = group(lab, "H");
	if (after == before) {
		int64_t cpu = g->green.kernel_threads > 1 ? task_cpu_ns(g->host, g->green.kernel_tids[1]) : -1;
		if (cpu <= 0) {
			not_judged("hand-off", "the kernel thread that took over had no CPU while the call blocked");
			return;
		}
	}
	assert_true(after > before);
	assert_int_equal(g->green.kernel_threads, 2);
	assert_int_equal(g->green.handoffs, 1);
	assert_int_equal(tasks_of(g->host), 2);
	/* The blocked one stays on the first kernel thread; the others moved to the second. */
	assert_int_equal(g->workers[2].tid, g->green.kernel_tids[0]);
	assert_int_equal(g->workers[0].tid, g->green.kernel_tids[1]);
}

/* Observes (settled, as a report does) until the group has made at least n more increments; false at the hang guard. */
static bool increments_grow(struct lab *lab, const char *name, int64_t n)
{
	lab_observe(lab);
	int64_t from = group(lab, name)->increments;

	for (double until = mono_now() + HANG_GUARD_S; mono_now() < until; nap_ms(20)) {
		lab_observe_settled(lab);
		if (group(lab, name)->increments >= from + n)
			return true;
	}
	return false;
}

/*
 * One kernel thread, switches only between increments: no green thread is
 * ever switched out between its load and its store, so nothing is lost,
 * however many increments.  Yield anywhere puts a switch there, and updates
 * are lost at once.
 */
static void test_lost_only_with_preemption(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;

	must(lab_spawn_green(lab, 8, 1, false, "C", &err), &err);
	if (!increments_grow(lab, "C", 200000)) {
		not_judged("cooperative yields", "the green threads had too little CPU to make 200,000 increments");
		return;
	}
	const struct lab_group *g = group(lab, "C");
	assert_true(g->consistent);
	assert_int_equal(g->lost, 0);
	assert_int_equal(g->counter, g->increments);

	must(lab_green_yield(lab, true, "C", &err), &err);
	assert_true(group(lab, "C")->green.anywhere);
	if (!increments_grow(lab, "C", 200000)) {
		not_judged("yield anywhere", "the green threads had too little CPU to make 200,000 increments");
		return;
	}
	assert_true(group(lab, "C")->lost > 0);

	/* Back to yields at boundaries: what was lost stays lost, and no more is. */
	must(lab_green_yield(lab, false, "C", &err), &err);
	lab_observe_settled(lab);
	int64_t lost = group(lab, "C")->lost;
	assert_true(increments_grow(lab, "C", 100000));
	assert_int_equal(group(lab, "C")->lost, lost);
}

/* yield is for green threads only, and says why for a group of threads; step mode and other workloads are refused for green threads. */
static void test_refusals(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;

	must(lab_spawn(lab, LAB_THREADS, 2, false, "T", &err), &err);
	assert_false(lab_green_yield(lab, true, "T", &err));
	assert_non_null(strstr(err.msg, "not green threads"));
	must(lab_spawn_green(lab, 2, 1, false, "G", &err), &err);
	assert_false(lab_step_mode(lab, true, "G", &err));
	assert_non_null(strstr(err.msg, "green threads"));
	assert_false(lab_workload(lab, LAB_WORK_DEADLOCK, "G", &err));
	assert_non_null(strstr(err.msg, "counter or cpu"));
	assert_false(lab_spawn_green(lab, 2, 99, false, "X", &err));
	/* For every group, the green ones are left out, and the command says so. */
	err.msg[0] = '\0';
	must(lab_workload(lab, LAB_WORK_IO, NULL, &err), &err);
	assert_non_null(strstr(err.msg, "G is green threads"));
	assert_int_equal(lab_find_group(lab, "G")->workload, LAB_WORK_COUNTER);
	assert_int_equal(lab_find_group(lab, "T")->workload, LAB_WORK_IO);
}

/* 100,000 green threads alive at once: each created, switched to once, and ended. */
static void test_hundred_thousand(void **state)
{
	struct green_cost cost;

	(void)state;
	assert_true(green_measure_create(100000, &cost));
	assert_int_equal(cost.n, 100000);
	assert_true(cost.create_ms > 0);
	/* A page of stack each at least, all alive at once; and far less than a thread's 8 MiB of stack. */
	if (cost.rss_kib >= 0) {
		assert_true(cost.rss_kib >= 100000L * 4);
		assert_true(cost.rss_kib < 100000L * 64);
	}
	print_message("100,000 green threads: %.0f ms of CPU to create, %.0f ms to run, %ld KiB resident\n",
	              cost.create_ms, cost.run_ms, cost.rss_kib);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ps_lists_kernel_threads, setup, small_lab_teardown),
		cmocka_unit_test_setup_teardown(test_block_stalls_one_kernel_thread, setup, small_lab_teardown),
		cmocka_unit_test_setup_teardown(test_block_handed_off, setup, small_lab_teardown),
		cmocka_unit_test_setup_teardown(test_lost_only_with_preemption, setup, small_lab_teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, small_lab_teardown),
		cmocka_unit_test(test_hundred_thousand),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
