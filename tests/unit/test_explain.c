/* The explanations: every row of the notes' table reached by the group it is for, why updates are lost, the locks' words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lab/lab.h"
#include "small_lab.h"
#include "view/explain.h"

static struct lab_group group_of(enum lab_kind kind, bool shared, enum lab_workload workload)
{
	return (struct lab_group){ .kind = kind, .shared = shared, .workload = workload, .pinned_cpu = -1 };
}

/* Each kind of group, and the first words of the note it must get: one for every row of the table. */
static void test_every_note(void **state)
{
	struct lab *lab = *state;
	struct {
		struct lab_group g;
		const char *starts;
	} cases[] = {
		{ group_of(LAB_THREADS, true, LAB_WORK_COUNTER), "step mode: n steps each in turn" },
		{ group_of(LAB_PROCESSES, false, LAB_WORK_COUNTER), "a child whose parent dies" },
		{ group_of(LAB_THREADS, true, LAB_WORK_COUNTER), "open files: one table for the whole process" },
		{ group_of(LAB_PROCESSES, false, LAB_WORK_COUNTER), "open files: fork() copied ptviz's table" },
		{ group_of(LAB_THREADS, true, LAB_WORK_DEADLOCK), "fixed: every worker takes A, then B" },
		{ group_of(LAB_PROCESSES, true, LAB_WORK_DEADLOCK), "odd workers take lock A then B" },
		{ group_of(LAB_THREADS, true, LAB_WORK_CPU), "GIL: one lock around all the work of this process" },
		{ group_of(LAB_PROCESSES, false, LAB_WORK_CPU), "GIL: each process has its own" },
		{ group_of(LAB_THREADS, true, LAB_WORK_EVENTLOOP), "one loop serves a task each ms" },
		{ group_of(LAB_THREADS, true, LAB_WORK_CHANNEL), "channel: the others put +1 in a queue in shared memory" },
		{ group_of(LAB_PROCESSES, false, LAB_WORK_CHANNEL), "channel: the others write +1 into the owner's pipe" },
		{ group_of(LAB_THREADS, true, LAB_WORK_TASKS), "tasks: a pool keeps its threads" },
		{ group_of(LAB_PROCESSES, false, LAB_WORK_TASKS), "tasks: a pool of processes forked once" },
		{ group_of(LAB_PROCESSES, false, LAB_WORK_IO), "io: each operation waits 2 ms" },
		{ group_of(LAB_THREADS, true, LAB_WORK_WITHDRAW), "if (balance >= 100) balance -= 100" },
		{ group_of(LAB_PROCESSES, false, LAB_WORK_WITHDRAW), "each process withdraws from its own copy" },
		{ group_of(LAB_THREADS, true, LAB_WORK_CPU), "one address space: the same counter for all" },
		{ group_of(LAB_PROCESSES, true, LAB_WORK_COUNTER), "one MAP_SHARED segment" },
		{ group_of(LAB_PROCESSES, false, LAB_WORK_COUNTER), "fork() copied ptviz's memory" },
	};
	int n = (int)(sizeof(cases) / sizeof(cases[0]));
	char lines[2][EXPLAIN_LINE_MAX], seen[24][2][EXPLAIN_LINE_MAX];

	cases[0].g.stepping = true;
	cases[0].g.nkids = 1;          /* step mode comes first */
	cases[1].g.nkids = 2;
	cases[1].g.files = true;       /* orphans before files */
	cases[2].g.files = true;
	cases[2].g.workload = LAB_WORK_DEADLOCK;
	cases[3].g.files = true;
	cases[4].g.lockorder = true;
	cases[4].g.gil = true;         /* the deadlock before the GIL */
	cases[6].g.gil = true;
	cases[7].g.gil = true;
	cases[8].g.lockorder = true;   /* fixed lock order means nothing outside the deadlock */
	for (int i = 0; i < n; i++) {
		explain_group(lab, &cases[i].g, lines);
		if (strncmp(lines[0], cases[i].starts, strlen(cases[i].starts)) != 0)
			fail_msg("case %d: \"%s\", not \"%s...\"", i, lines[0], cases[i].starts);
		assert_true(lines[1][0] != '\0');
		memcpy(seen[i], lines, sizeof(lines));
		for (int j = 0; j < i; j++)
			assert_string_not_equal(seen[j][1], seen[i][1]);
	}
}

/* Step mode's note names the schedule and where it stands. */
static void test_step_schedule(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;
	struct lab_group g = group_of(LAB_THREADS, true, LAB_WORK_COUNTER);
	char lines[2][EXPLAIN_LINE_MAX];
	const int order[] = { 1, 2, 1 };

	g.stepping = true;
	assert_true(lab_schedule(lab, order, 3, &err));
	explain_group(lab, &g, lines);
	assert_string_equal(lines[0], "step mode: n steps the next in schedule [1] 2 1");
	assert_string_equal(lines[1], "N steps the selected worker; S leaves step mode");
}

static void test_ps(void **state)
{
	(void)state;
	struct lab_group t = group_of(LAB_THREADS, true, LAB_WORK_COUNTER);
	struct lab_group p = group_of(LAB_PROCESSES, false, LAB_WORK_COUNTER);
	char buf[EXPLAIN_LINE_MAX];

	t.host = 4101;
	t.host_alive = true;
	t.alive = 4;
	explain_ps(&t, buf, sizeof(buf));
	assert_string_equal(buf, "ps -eLf: pid 4101 has 5 tasks, its main thread waits");
	t.host_alive = false;
	explain_ps(&t, buf, sizeof(buf));
	assert_string_equal(buf, "");
	strcpy(p.name, "Q");
	explain_ps(&p, buf, sizeof(buf));
	assert_string_equal(buf, "ps -eLf: each pid one task, named 'ptviz: process Q1'..");
}

static void test_lost(void **state)
{
	(void)state;
	struct lab_worker w[2] = { { .alive = true, .activity = LAB_ACT_RUNNING }, { .alive = true, .activity = LAB_ACT_RUNNING } };
	struct lab_group g = group_of(LAB_THREADS, true, LAB_WORK_COUNTER);

	g.host_alive = true;
	g.workers = w;
	g.nworkers = 2;
	assert_string_equal(explain_lost(&g), "racing");
	w[1].alive = false;
	assert_string_equal(explain_lost(&g), "1 running");
	w[1].alive = true;
	g.sync = LAB_SYNC_MUTEX;
	assert_string_equal(explain_lost(&g), "mutex: none now");
	g.sync = LAB_SYNC_ATOMIC;
	assert_string_equal(explain_lost(&g), "atomic: none now");
	g.sync = LAB_SYNC_NONE;
	g.gil = true;
	assert_string_equal(explain_lost(&g), "GIL: none now");
	g.gil = false;
	w[0].activity = w[1].activity = LAB_ACT_PAUSED;
	assert_string_equal(explain_lost(&g), "paused");
	w[1].activity = LAB_ACT_LOCKWAIT;
	assert_string_equal(explain_lost(&g), "blocked");
	g.stepping = true;
	assert_string_equal(explain_lost(&g), "stepping");
	g.host_alive = false;
	assert_string_equal(explain_lost(&g), "frozen");
}

/* Green threads: a row for each case, ps's line, and why none is lost or all have stopped. */
static void test_green(void **state)
{
	struct lab *lab = *state;
	struct lab_worker w[2] = { { .alive = true, .activity = LAB_ACT_RUNNING }, { .alive = true, .activity = LAB_ACT_RUNNING } };
	struct lab_group g = group_of(LAB_THREADS, true, LAB_WORK_COUNTER);
	char lines[2][EXPLAIN_LINE_MAX], buf[EXPLAIN_LINE_MAX];

	g.host = 4101;
	g.host_alive = true;
	g.alive = 2;
	g.workers = w;
	g.nworkers = 2;
	g.green.kernels = 1;
	g.green.kernel_threads = 1;
	explain_group(lab, &g, lines);
	assert_string_equal(lines[0], "green threads: ptviz's runtime switches them, not the kernel;");
	assert_string_equal(explain_lost(&g), "yields: none now");
	explain_ps(&g, buf, sizeof(buf));
	assert_string_equal(buf, "ps -eLf: pid 4101 has 1 task, not 2 green threads");
	g.green.anywhere = true;
	explain_group(lab, &g, lines);
	assert_true(strncmp(lines[0], "yield anywhere: a switch between load and store", 47) == 0);
	assert_string_equal(explain_lost(&g), "racing");
	g.green.anywhere = false;
	w[1].activity = LAB_ACT_BLOCKING;
	explain_group(lab, &g, lines);
	assert_true(strncmp(lines[0], "a green thread blocks in the kernel, and so does", 48) == 0);
	assert_string_equal(explain_lost(&g), "all stalled");
	g.green.handoff = true;
	explain_group(lab, &g, lines);
	assert_true(strncmp(lines[0], "a green thread blocks in the kernel; hand-off", 45) == 0);
	w[1].activity = LAB_ACT_RUNNING;
	g.green.kernels = 2;
	explain_group(lab, &g, lines);
	assert_true(strncmp(lines[0], "green threads on several kernel threads", 39) == 0);
	assert_string_equal(explain_lost(&g), "racing");
	/* Each fits the notes' room at 80 columns, as the other rows do. */
	assert_true(strlen(lines[0]) <= 62 && strlen(lines[1]) <= 62);
}

static void test_locks(void **state)
{
	(void)state;
	assert_string_equal(explain_held(0, false), "no lock");
	assert_string_equal(explain_held(LAB_LOCK_A, false), "lock A");
	assert_string_equal(explain_held(LAB_LOCK_B, true), "lock B");
	assert_string_equal(explain_held(LAB_LOCK_A | LAB_LOCK_B, false), "locks A and B");
	assert_string_equal(explain_held(LAB_LOCK_A | LAB_LOCK_B, true), "A and B");
	assert_string_equal(explain_waits(0), "waits for nothing");
	assert_string_equal(explain_waits(LAB_LOCK_B), "waits for lock B");
	assert_string_equal(explain_lock_letter(LAB_LOCK_A), "A");
	assert_string_equal(explain_lock_letter(LAB_LOCK_B), "B");
	assert_string_equal(explain_lock_letter(0), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_note, small_lab_setup, small_lab_teardown),
		cmocka_unit_test_setup_teardown(test_step_schedule, small_lab_setup, small_lab_teardown),
		cmocka_unit_test(test_ps),
		cmocka_unit_test(test_lost),
		cmocka_unit_test(test_locks),
		cmocka_unit_test_setup_teardown(test_green, small_lab_setup, small_lab_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
