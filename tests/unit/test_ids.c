/* Stable identities: serials never given twice in a run, and the histories and the selection that key on them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "lab/lab.h"
#include "small_lab.h"
#include "view/selection.h"
#include "view/trend.h"

#define SEEN_MAX 64

/* Records every serial of the snapshot in seen, failing on one already there from an earlier snapshot. */
static void note_serials(const struct lab *lab, uint32_t *seen, int *nseen, uint32_t *last)
{
	for (int i = 0; i < lab_ngroups(lab); i++) {
		const struct lab_group *g = lab_group_at(lab, i);
		assert_ptr_equal(lab_group_by_serial(lab, g->serial), g);
		for (int j = -1; j < g->nworkers; j++) {
			uint32_t s = j < 0 ? g->serial : g->workers[j].serial;
			const struct lab_group *owner = NULL;
			assert_true(s != 0);
			if (j >= 0) {
				assert_ptr_equal(lab_worker_by_serial(lab, s, &owner), &g->workers[j]);
				assert_ptr_equal(owner, g);
			}
			if (s <= *last)
				continue;   /* seen in an earlier snapshot: the same group, still there */
			for (int k = 0; k < *nseen; k++)
				assert_true(seen[k] != s);
			assert_true(*nseen < SEEN_MAX);
			seen[(*nseen)++] = s;
		}
	}
	for (int k = 0; k < *nseen; k++)
		*last = seen[k] > *last ? seen[k] : *last;
}

static void test_serials_never_reused(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;
	uint32_t seen[SEEN_MAX], last = 0;
	int nseen = 0;

	must(lab_spawn(lab, LAB_THREADS, 2, false, NULL, &err), &err);
	must(lab_spawn(lab, LAB_PROCESSES, 2, false, NULL, &err), &err);
	note_serials(lab, seen, &nseen, &last);
	assert_int_equal(nseen, 2 + 2 + 2);
	uint32_t old_t = lab_find_group(lab, "T")->serial, old_t1 = lab_find_group(lab, "T")->workers[0].serial;

	/* T ends and its name is given again: the old record goes, the new one has serials of its own. */
	must(lab_kill(lab, "T", &err), &err);
	must(lab_spawn(lab, LAB_THREADS, 3, false, NULL, &err), &err);
	assert_null(lab_group_by_serial(lab, old_t));
	assert_null(lab_worker_by_serial(lab, old_t1, NULL));
	note_serials(lab, seen, &nseen, &last);
	assert_int_equal(nseen, 6 + 1 + 3);

	/* After a reset the names start again; the serials do not. */
	lab_reset(lab);
	assert_null(lab_group_by_serial(lab, old_t));
	must(lab_spawn(lab, LAB_THREADS, 2, false, NULL, &err), &err);
	must(lab_spawn(lab, LAB_PROCESSES, 2, false, NULL, &err), &err);
	note_serials(lab, seen, &nseen, &last);
	assert_int_equal(nseen, 10 + 6);
	assert_null(lab_group_by_serial(lab, 0));
	assert_null(lab_worker_by_serial(lab, 0, NULL));

	/* An event names its group by serial too: the spawn just made. */
	struct lab_event ev;
	uint32_t spawned = 0;
	while (lab_next_event(lab, &ev)) {
		if (ev.kind == LAB_EVENT_SPAWN)
			spawned = ev.group_serial;
		lab_event_clear(&ev);
	}
	assert_int_equal(spawned, lab_find_group(lab, "P")->serial);
}

/* The charts' history a test keeps, where the teardown frees it however the test ends; each test starts empty. */
static struct trend tr;

static int trend_teardown(void **state)
{
	trend_free(&tr);
	memset(&tr, 0, sizeof(tr));
	return small_lab_teardown(state);
}

/* Observes and feeds the trend until group gi's rate has a whole cell (the first takes TREND_STEP). */
static void trend_until_a_cell(struct trend *tr, struct lab *lab, int gi)
{
	double until = lab_now(lab) + 20;

	while (trend_count(trend_rate(tr, lab, gi)) < 1 && lab_now(lab) < until) {
		lab_observe(lab);
		trend_update(tr, lab);
		struct timespec nap = { 0, 50 * 1000 * 1000 };
		nanosleep(&nap, NULL);
	}
	assert_true(trend_count(trend_rate(tr, lab, gi)) >= 1);
}

/* A group's history stays its own when a group before it in the list is removed and it moves up. */
static void test_trend_survives_an_earlier_group_removed(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;

	must(lab_spawn(lab, LAB_THREADS, 2, false, NULL, &err), &err);
	must(lab_spawn(lab, LAB_PROCESSES, 2, false, NULL, &err), &err);
	assert_string_equal(lab_group_at(lab, 1)->name, "P");
	trend_until_a_cell(&tr, lab, 1);
	int cells = trend_count(trend_rate(&tr, lab, 1));
	int frames = trend_frame_count(trend_lost(&tr, lab, 1));
	assert_non_null(trend_cpu(&tr, lab, 1, 1));
	int cpu_cells = trend_count(trend_cpu(&tr, lab, 1, 1));

	/* T goes and comes back under its name: the old T leaves the list, P moves up to the front. */
	must(lab_kill(lab, "T", &err), &err);
	must(lab_spawn(lab, LAB_THREADS, 2, false, NULL, &err), &err);
	lab_observe(lab);
	trend_update(&tr, lab);
	assert_string_equal(lab_group_at(lab, 0)->name, "P");
	assert_string_equal(lab_group_at(lab, 1)->name, "T");
	assert_true(trend_count(trend_rate(&tr, lab, 0)) >= cells);
	assert_int_equal(trend_frame_count(trend_lost(&tr, lab, 0)), frames + 1);
	assert_non_null(trend_cpu(&tr, lab, 0, 1));
	assert_true(trend_cpu(&tr, lab, 0, 1)->primed);
	assert_true(trend_count(trend_cpu(&tr, lab, 0, 1)) >= cpu_cells);
	/* The new T starts with none. */
	assert_int_equal(trend_count(trend_rate(&tr, lab, 1)), 0);
	assert_int_equal(trend_frame_count(trend_lost(&tr, lab, 1)), 1);

	trend_free(&tr);
}

/* The selected worker stays selected when a group before it is removed, and is gone with its own group. */
static void test_selection_survives(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;
	struct selection sel = { 0 }, old = { 0 };
	int gi, wi;

	assert_false(selection_find(&sel, lab, &gi, &wi));
	must(lab_spawn(lab, LAB_THREADS, 2, false, NULL, &err), &err);
	must(lab_spawn(lab, LAB_PROCESSES, 3, false, NULL, &err), &err);
	assert_false(selection_set(&sel, lab, 1, 3));
	assert_false(selection_set(&sel, lab, 2, 0));
	assert_true(selection_set(&sel, lab, 1, 2));
	assert_true(selection_set(&old, lab, 0, 1));
	assert_true(selection_find(&sel, lab, &gi, &wi));
	assert_int_equal(gi, 1);
	assert_int_equal(wi, 2);

	must(lab_kill(lab, "T", &err), &err);
	must(lab_spawn(lab, LAB_THREADS, 2, false, NULL, &err), &err);
	assert_true(selection_find(&sel, lab, &gi, &wi));
	assert_int_equal(gi, 0);
	assert_int_equal(wi, 2);
	assert_string_equal(lab_group_at(lab, gi)->workers[wi].id, "P3");
	/* T2 of the old T is gone with it, though a new T has a T2. */
	assert_false(selection_find(&old, lab, &gi, &wi));

	lab_reset(lab);
	must(lab_spawn(lab, LAB_PROCESSES, 3, false, NULL, &err), &err);
	assert_false(selection_find(&sel, lab, &gi, &wi));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_serials_never_reused, small_lab_setup, small_lab_teardown),
		cmocka_unit_test_setup_teardown(test_trend_survives_an_earlier_group_removed, small_lab_setup, trend_teardown),
		cmocka_unit_test_setup_teardown(test_selection_survives, small_lab_setup, small_lab_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
