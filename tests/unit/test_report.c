/* The report model on real workers: what it gathers for every way of telling it, alive, paused, dead, forked and withdrawing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lab/lab.h"
#include "small_lab.h"
#include "view/frames.h"
#include "view/report.h"

/*
 * Lets time pass until worker id is so.  A worker at idle priority answers, or dies of the fault
 * it was asked to perform, only once the scheduler runs it: on a loaded machine that may take
 * seconds, so the bound is a guard against a hang, and when it passes the check is skipped with
 * a message, not failed.
 */
#define GUARD_S 60

static bool worker_alive(const struct lab_worker *w) { return w->alive; }
static bool worker_paused(const struct lab_worker *w) { return w->activity == LAB_ACT_PAUSED; }

static bool wait_until_not(struct lab *lab, const char *id, bool (*still)(const struct lab_worker *), bool want,
                           const char *what)
{
	struct frames clock;

	frames_start(&clock, lab, 10, NULL);
	for (int i = 0; i < GUARD_S * 10 && still(lab_find_worker(lab, id, NULL)) != want; i++)
		frames_run(&clock, 0.1, -1);
	if (still(lab_find_worker(lab, id, NULL)) == want)
		return true;
	print_message("SKIP one check: %s %s cannot be judged: it got no CPU to get there in %d s (the machine is busy)\n",
	              id, what, GUARD_S);
	return false;
}

static bool wait_dead(struct lab *lab, const char *id)
{
	return wait_until_not(lab, id, worker_alive, false, "dies");
}

/* The report a test gathers, kept where the teardown frees it however the test ends. */
static struct report r;

static int report_teardown(void **state)
{
	report_free(&r);
	return small_lab_teardown(state);
}

static void test_empty(void **state)
{
	struct lab *lab = *state;

	assert_true(report_gather(&r, lab));
	assert_int_equal(r.ngroups, 0);
	assert_int_equal(r.parent_counter, 0);
	assert_int_equal(r.parent_counter_address, lab_counter_address());
	report_free(&r);
}

static void test_threads_and_a_process(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;

	must(lab_spawn(lab, LAB_THREADS, 2, false, NULL, &err), &err);
	must(lab_spawn(lab, LAB_PROCESSES, 1, false, NULL, &err), &err);
	must(lab_files(lab, true, "T", &err), &err);
	must(lab_pause(lab, "T2", true, &err), &err);
	bool paused = wait_until_not(lab, "T2", worker_paused, true, "pauses");
	must(lab_fork_child(lab, "P1", &err), &err);
	assert_true(report_gather(&r, lab));
	assert_int_equal(r.ngroups, 2);

	const struct report_group *t = &r.groups[0], *p = &r.groups[1];
	assert_string_equal(t->g->name, "T");
	assert_string_equal(t->noun, "threads");
	assert_string_equal(t->memory, "shared");
	assert_string_equal(t->variable, "counter");
	assert_true(t->one_counter);
	assert_true(t->g->host > 0);
	assert_int_equal(t->nworkers, 2);
	double pct = t->g->increments > 0 ? 100.0 * (double)t->g->lost / (double)t->g->increments : 0.0;
	assert_true(t->lost_percent == pct);

	const struct report_worker *t1 = &t->workers[0], *t2 = &t->workers[1];
	assert_string_equal(t1->death, "alive");
	assert_string_equal(t1->why, "");
	assert_false(t1->paused);
	assert_true(t1->files);
	assert_true(t1->w->nfds > 0);   /* read for the report */
	if (paused) {
		assert_true(t2->paused);
		assert_string_equal(t2->why, "paused");
		assert_string_equal(t2->activity, "paused");
	}

	assert_string_equal(p->noun, "process");
	assert_string_equal(p->memory, "private");
	assert_false(p->one_counter);
	assert_false(p->workers[0].files);
	assert_int_equal(p->nkids, 1);
	assert_string_equal(p->kids[0].fate, "its parent is alive");
	report_free(&r);

	/* P1 dies: its fault, its end, and its child orphaned. */
	must(lab_inject(lab, LAB_FAULT_SEGV, "P1", &err), &err);
	if (!wait_dead(lab, "P1"))
		return;
	assert_true(report_gather(&r, lab));
	const struct report_worker *p1 = &r.groups[1].workers[0];
	assert_string_equal(p1->death, "SIGSEGV");
	assert_string_equal(p1->why, "wrote through NULL");
	assert_string_equal(p1->activity, "dead");
	assert_false(p1->paused);
	assert_int_equal(p1->holds, 0);
	assert_string_equal(r.groups[1].kids[0].fate, "orphaned, adopted by ptviz");
	report_free(&r);
}

static void test_withdraw_and_steps(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;

	must(lab_workload(lab, LAB_WORK_WITHDRAW, NULL, &err), &err);
	must(lab_spawn(lab, LAB_PROCESSES, 2, true, "S", &err), &err);
	must(lab_step_mode(lab, true, NULL, &err), &err);
	must(lab_step(lab, "S1", &err), &err);
	assert_true(report_gather(&r, lab));
	const struct report_group *s = &r.groups[0];
	assert_true(s->withdraw);
	assert_true(s->one_counter);
	assert_string_equal(s->variable, "balance");
	assert_string_equal(s->noun, "processes");
	assert_true(s->workers[0].stepping);
	assert_int_equal(s->workers[0].w->steps, 1);
	report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty, small_lab_setup, report_teardown),
		cmocka_unit_test_setup_teardown(test_threads_and_a_process, small_lab_setup, report_teardown),
		cmocka_unit_test_setup_teardown(test_withdraw_and_steps, small_lab_setup, report_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
