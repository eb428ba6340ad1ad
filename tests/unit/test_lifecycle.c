/* The lifecycle: shares from synthetic samples, and on real workers three busy processes pinned to one CPU, and new and terminated with their times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../not_judged.h"
#include "lab/lab.h"
#include "small_lab.h"
#include "view/frames.h"
#include "view/lifecycle.h"

/* A history made by hand: samples every 0.1 s from t0, running and waiting ready at the rates given. */
static void life_fake(struct life_worker *lw, double t0, int n, double run_rate, double ready_rate)
{
	memset(lw, 0, sizeof(*lw));
	lw->serial = 1;
	lw->born = t0;
	lw->died = -1;
	for (int i = 0; i < n && i < LIFE_SAMPLES; i++) {
		double t = t0 + 0.1 * i;
		lw->s[i] = (struct life_sample){ t, (uint64_t)(run_rate * (t - t0) * 1e9), (uint64_t)(ready_rate * (t - t0) * 1e9) };
	}
	lw->n = n < LIFE_SAMPLES ? n : LIFE_SAMPLES;
	lw->head = lw->n % LIFE_SAMPLES;
}

static void test_shares_from_samples(void **state)
{
	struct life_worker lw;
	struct life_share sh;
	char words[128];

	(void)state;
	life_fake(&lw, 1.0, 31, 1.0 / 3, 2.0 / 3);
	assert_true(life_share_of(&lw, 3.0, 4.0, &sh));
	assert_true(sh.running > 0.33 && sh.running < 0.34);
	assert_true(sh.ready > 0.66 && sh.ready < 0.67);
	assert_true(sh.blocked >= 0 && sh.blocked < 0.01);
	assert_int_equal(life_state_of(&lw, &sh), LIFE_READY);
	life_words(&sh, words, sizeof(words));
	assert_string_equal(words, "running 33%, ready 67%, blocked 0% of the last 1.0 s");
	/* A span before the history begins: nothing to say. */
	assert_false(life_share_of(&lw, 0.0, 0.5, &sh));

	/* Mostly asleep: blocked takes the rest; a wait counted late never makes the shares exceed 1. */
	life_fake(&lw, 0.0, 11, 0.1, 0.05);
	assert_true(life_share_of(&lw, 0.0, 1.0, &sh));
	assert_int_equal(life_state_of(&lw, &sh), LIFE_NEW);
	assert_true(life_share_of(&lw, 0.5, 1.0, &sh));
	assert_int_equal(life_state_of(&lw, &sh), LIFE_BLOCKED);
	assert_true(sh.blocked > 0.84 && sh.blocked < 0.86);
	life_fake(&lw, 0.0, 11, 0.6, 0.9);
	assert_true(life_share_of(&lw, 0.5, 1.0, &sh));
	assert_true(sh.running + sh.ready <= 1.0 + 1e-9 && sh.blocked >= 0);
	assert_int_equal(life_state_of(&lw, &sh), LIFE_RUNNING);
}

static void test_strip_ends_terminated(void **state)
{
	struct life_worker lw;
	struct life_share cells[16];

	(void)state;
	life_fake(&lw, 0.0, 21, 0.9, 0.0);
	lw.died = 2.0;
	int n = life_strip(&lw, 3.0, cells, 16);
	/* Six cells of half a second from 0 to 3 s: new, running, running, running, then terminated twice. */
	assert_int_equal(n, 6);
	assert_int_equal(life_state_of(&lw, &cells[0]), LIFE_NEW);
	assert_int_equal(life_state_of(&lw, &cells[1]), LIFE_RUNNING);
	assert_int_equal(life_state_of(&lw, &cells[3]), LIFE_TERMINATED);
	assert_int_equal(life_state_of(&lw, &cells[5]), LIFE_TERMINATED);
	assert_string_equal(life_state_name(LIFE_TERMINATED), "terminated");
}

static struct life life;

static int life_teardown(void **state)
{
	life_free(&life);
	return small_lab_teardown(state);
}

static void on_frame(void *ctx, const struct lab *lab)
{
	life_update(ctx, lab, lab_now(lab));
}

static void life_run(struct lab *lab, double seconds)
{
	struct frames clock;

	frames_start(&clock, lab, 10, &(struct frames_hooks){ .frame = on_frame, .ctx = &life });
	frames_run(&clock, seconds, -1);
}

/*
 * Three busy processes pinned to one CPU: each runs about a third of the
 * time and waits ready the rest, as schedstat tells it.  Judged by what is
 * certain on any machine: their running shares add up to one CPU at most,
 * and each waited ready.  That each ran about a third is judged only where
 * the three had their CPU to themselves (their running shares add up to
 * nearly 1); other programs on that CPU make every one of them wait longer.
 */
static void test_three_pinned_take_thirds(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;
	struct lab_priority prio;
	struct life_share sh[3];

	must(lab_spawn(lab, LAB_PROCESSES, 3, false, NULL, &err), &err);
	must(lab_cpus(lab, true, NULL, &err), &err);
	lab_priority_get(lab, &prio);
	/* Three workers: under the priority policy they run at normal priority, as any program does. */
	assert_false(prio.idle);
	life_run(lab, 2.5);
	const struct lab_group *g = lab_group_at(lab, 0);
	double now = lab_now(lab), sum = 0;
	for (int i = 0; i < 3; i++) {
		const struct life_worker *lw = life_find(&life, g->workers[i].serial);
		assert_non_null(lw);
		assert_true(life_share_of(lw, now - LIFE_WINDOW_S, now, &sh[i]));
		print_message("P%d on CPU %d: running %.2f ready %.2f blocked %.2f over %.2f s\n", i + 1, g->workers[i].cpu,
		              sh[i].running, sh[i].ready, sh[i].blocked, sh[i].to - sh[i].from);
		sum += sh[i].running;
		/* One that got a CPU in the last second waited for it: its wait is counted as it gets it. */
		if (sh[i].running > 0)
			assert_true(sh[i].ready > 0);
		else
			not_judged("a pinned worker waits ready", "P%d had no turn on its CPU in the last second (the machine is busy)",
			           i + 1);
	}
	assert_true(sum <= 1.05);
	if (sum < 0.9) {
		not_judged("each of 3 pinned workers runs about a third", "the three ran %.2f of their CPU between them (the machine is busy)",
		           sum);
		return;
	}
	for (int i = 0; i < 3; i++) {
		assert_true(sh[i].running > 0.2 && sh[i].running < 0.47);
		assert_true(sh[i].ready > 0.45);
	}
}

/* A worker is new at its spawn and terminated at its end, with the times the lab gives them. */
static void test_new_and_terminated_have_times(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;
	struct life_share cells[8];

	must(lab_spawn(lab, LAB_THREADS, 2, false, NULL, &err), &err);
	life_run(lab, 0.6);
	must(lab_kill(lab, "T2", &err), &err);
	life_run(lab, 1.2);
	const struct lab_group *g = lab_group_at(lab, 0);
	const struct life_worker *t1 = life_find(&life, g->workers[0].serial);
	const struct life_worker *t2 = life_find(&life, g->workers[1].serial);
	assert_non_null(t1);
	assert_non_null(t2);
	assert_true(t1->born == g->spawned_at && t1->died < 0);
	assert_false(g->workers[1].alive);
	assert_true(t2->died == g->workers[1].died_at);
	assert_true(t2->died > t2->born);
	int n = life_strip(t2, lab_now(lab), cells, 8);
	assert_true(n >= 2);
	assert_int_equal(life_state_of(t2, &cells[n - 1]), LIFE_TERMINATED);
	/* Once the group is gone, so is its history. */
	uint32_t serial = g->workers[0].serial;
	lab_reset(lab);
	life_update(&life, lab, lab_now(lab));
	assert_null(life_find(&life, serial));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shares_from_samples),
		cmocka_unit_test(test_strip_ends_terminated),
		cmocka_unit_test_setup_teardown(test_three_pinned_take_thirds, small_lab_setup, life_teardown),
		cmocka_unit_test_setup_teardown(test_new_and_terminated_have_times, small_lab_setup, life_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
