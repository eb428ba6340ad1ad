/* The lecture's words for what happened: numbers read from the back of a room, deaths, faults, files and events. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lab/lab.h"
#include "small_lab.h"
#include "view/story.h"

static void test_numbers(void **state)
{
	(void)state;
	static const struct {
		int64_t n;
		const char *words;
	} numbers[] = {
		{ 0, "0" }, { 999, "999" }, { 2917406, "2 917 406" }, { -1000, "-1 000" },
		{ INT64_MIN, "-9 223 372 036 854 775 808" },
	};
	static const struct {
		double rate;
		const char *words;
	} rates[] = {
		{ 1310.4, "1 310" }, { 125000, "125 thousand" }, { 1.84e6, "1.8 million" }, { 2.5e9, "2.50 billion" },
	};
	char buf[48];

	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		story_number(numbers[i].n, buf, sizeof(buf));
		assert_string_equal(buf, numbers[i].words);
	}
	story_number(123456, buf, 4);   /* cut, never overrun */
	assert_string_equal(buf, "123");
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		story_rate(rates[i].rate, buf, sizeof(buf));
		assert_string_equal(buf, rates[i].words);
	}
}

/* Who died of whose fault, and who is left: a group of four threads, by hand. */
static void test_group_words(void **state)
{
	(void)state;
	struct lab_worker ws[4] = { 0 };
	struct lab_group g = { .kind = LAB_THREADS, .nworkers = 4, .workers = ws };
	char buf[64];

	for (int i = 0; i < 4; i++) {
		snprintf(g.workers[i].id, sizeof(g.workers[i].id), "T%d", i + 1);
		g.workers[i].alive = true;
		g.workers[i].pid = 4101;
		g.workers[i].status = -1;
	}
	story_group_ids(&g, true, buf, sizeof(buf));
	assert_string_equal(buf, "T1..T4");
	g.workers[2].alive = false;
	g.workers[2].end = LAB_END_ENDED;
	story_group_ids(&g, true, buf, sizeof(buf));
	assert_string_equal(buf, "T1 T2 T4");
	story_group_ids(&g, false, buf, sizeof(buf));
	assert_string_equal(buf, "T3");

	/* T2 faults: the host dies, and the others died of T2's fault, not of their own. */
	for (int i = 0; i < 4; i++) {
		g.workers[i].alive = false;
		g.workers[i].signal = SIGSEGV;
		g.workers[i].end = i == 1 ? LAB_END_FAULT : LAB_END_SIBLING;
	}
	story_death_in_group(&g, &g.workers[1], buf, sizeof(buf));
	assert_string_equal(buf, "SIGSEGV (faulted)");
	story_death_in_group(&g, &g.workers[0], buf, sizeof(buf));
	assert_string_equal(buf, "died with T2");
	/* A process dies alone: its death is said as ever. */
	g.kind = LAB_PROCESSES;
	story_death_in_group(&g, &g.workers[1], buf, sizeof(buf));
	assert_string_equal(buf, "SIGSEGV");
}

static void test_deaths_and_faults(void **state)
{
	(void)state;
	struct lab_worker w = { .alive = true, .status = -1 };
	char buf[32];

	story_death(&w, buf, sizeof(buf));
	assert_string_equal(buf, "alive");
	w.alive = false;
	w.end = LAB_END_FAULT;
	w.signal = SIGSEGV;
	story_death(&w, buf, sizeof(buf));
	assert_string_equal(buf, "SIGSEGV");
	w.signal = 0;
	w.status = 1;
	story_death(&w, buf, sizeof(buf));
	assert_string_equal(buf, "exit 1");
	w.end = LAB_END_ENDED;
	story_death(&w, buf, sizeof(buf));
	assert_string_equal(buf, "ended");

	assert_string_equal(story_fault(LAB_FAULT_SEGV), "wrote through NULL");
	assert_string_equal(story_fault(LAB_FAULT_ABORT), "called abort()");
	assert_string_equal(story_fault(LAB_FAULT_LOOP), "started a runaway loop");
}

static void test_files(void **state)
{
	(void)state;
	struct lab_worker w = { .alive = true, .nfds = 5, .fds_total = 6,
		.fds = { { 0, "/dev/null" }, { 1, "/dev/null" }, { 2, "/dev/null" },
		         { 3, "/memfd:inherited from ptviz (deleted)" }, { 4, "/memfd:opened by T2 (deleted)" } } };
	char buf[128];

	story_file("/memfd:opened by T2 (deleted)", buf, sizeof(buf));
	assert_string_equal(buf, "opened by T2");
	story_file("/etc/passwd", buf, sizeof(buf));
	assert_string_equal(buf, "/etc/passwd");
	story_files(&w, 0, buf, sizeof(buf));
	assert_string_equal(buf, "0-2 /dev/null, 3 inherited from ptviz, 4 opened by T2, 1 more");
	story_files_brief(&w, 3, buf, sizeof(buf));
	assert_string_equal(buf, "3 inherited, 4 T2's file, 1 more");
}

/* A spawn and a thread's crash, told against a lab with no group of that name left. */
static void test_events(void **state)
{
	struct lab *lab = *state;
	char ids[3][LAB_ID_MAX] = { "T1", "T2", "T3" };
	pid_t pids[3] = { 0 };
	char buf[256];

	struct lab_event ev = { .kind = LAB_EVENT_SPAWN, .group = "T", .group_kind = LAB_THREADS, .pid = 4101,
		                .nids = 3, .ids = ids, .pids = pids, .status = -1 };
	story_event(lab, &ev, false, buf, sizeof(buf));
	assert_string_equal(buf, "spawned 3 threads T1..T3 in one host process, pid 4101");

	ev.kind = LAB_EVENT_EXIT;
	strcpy(ev.cause, "T2");
	ev.fault = LAB_FAULT_SEGV;
	ev.end = LAB_END_FAULT;
	ev.signal = SIGSEGV;
	story_event(lab, &ev, false, buf, sizeof(buf));
	assert_string_equal(buf, "T2 wrote through NULL -> SIGSEGV -> host 4101 died, taking T1 T3 with it");
	story_event(lab, &ev, true, buf, sizeof(buf));
	assert_string_equal(buf, "T2 wrote through NULL \u2192 SIGSEGV \u2192 host 4101 died, taking T1 T3 with it");
	ev.norphans = 1;
	ev.orphans[0] = 4242;
	story_event(lab, &ev, false, buf, sizeof(buf));
	assert_non_null(strstr(buf, "; its child 4242 is an orphan now, adopted by ptviz"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_deaths_and_faults),
		cmocka_unit_test(test_group_words),
		cmocka_unit_test(test_files),
		cmocka_unit_test_setup_teardown(test_events, small_lab_setup, small_lab_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
