/* The charts' histories on real workers: work per second, CPU shares, and no history inherited. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lab/lab.h"
#include "small_lab.h"
#include "view/frames.h"
#include "view/trend.h"

static void on_frame(void *ctx, const struct lab *lab)
{
	trend_update(ctx, lab);
}

/* Observes at 10 Hz, as the screen does, and feeds the trend each frame. */
static void trend_run(struct lab *lab, struct trend *tr, double seconds)
{
	struct frames clock;

	frames_start(&clock, lab, 10, &(struct frames_hooks){ .frame = on_frame, .ctx = tr });
	frames_run(&clock, seconds, -1);
}

/* The charts' history a test keeps, where the teardown frees it however the test ends; each test starts empty. */
static struct trend tr;

static int trend_teardown(void **state)
{
	trend_free(&tr);
	memset(&tr, 0, sizeof(tr));
	return small_lab_teardown(state);
}

static void test_rates_shares_and_a_fresh_start(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;
	double v;

	must(lab_spawn(lab, LAB_PROCESSES, 2, false, NULL, &err), &err);
	must(lab_workload(lab, LAB_WORK_IO, NULL, &err), &err);
	trend_update(&tr, lab);
	assert_false(trend_now(trend_rate(&tr, lab, 0), &v));
	trend_run(lab, &tr, 1.3);

	/* Two workers each waiting 2 ms an operation: at most 1000 a second, well above none. */
	const struct trend_series *rate = trend_rate(&tr, lab, 0);
	assert_true(trend_count(rate) >= 2);
	assert_true(trend_now(rate, &v));
	print_message("io, 2 processes: %.0f increments/s\n", v);
	assert_true(v > 50 && v < 1100);
	for (int i = 0; i < 2; i++) {
		const struct trend_series *cpu = trend_cpu(&tr, lab, 0, i);
		assert_true(trend_now(cpu, &v));
		print_message("P%d: %.2f%% of a CPU\n", i + 1, 100 * v);
		assert_true(v >= 0 && v < 0.5);
	}
	assert_null(trend_cpu(&tr, lab, 0, 2));
	assert_null(trend_rate(&tr, lab, 1));

	/* Another workload: the rate starts afresh, the CPU shares go on. */
	int cpu_cells = trend_count(trend_cpu(&tr, lab, 0, 0));
	must(lab_workload(lab, LAB_WORK_COUNTER, NULL, &err), &err);
	lab_observe(lab);
	trend_update(&tr, lab);
	assert_int_equal(trend_count(trend_rate(&tr, lab, 0)), 0);
	assert_true(trend_count(trend_cpu(&tr, lab, 0, 0)) >= cpu_cells);
	trend_run(lab, &tr, 0.7);
	assert_true(trend_now(trend_rate(&tr, lab, 0), &v));
	print_message("counter, 2 processes: %.0f increments/s\n", v);
	assert_true(v > 10000);

	/* Into step mode: a few steps are not drawn against millions a second. */
	must(lab_step_mode(lab, true, NULL, &err), &err);
	lab_observe(lab);
	trend_update(&tr, lab);
	assert_int_equal(trend_count(trend_rate(&tr, lab, 0)), 0);

	/* The same name again after a reset is a new group: its history starts empty. */
	lab_reset(lab);
	must(lab_spawn(lab, LAB_PROCESSES, 2, false, NULL, &err), &err);
	trend_update(&tr, lab);
	assert_int_equal(trend_count(trend_rate(&tr, lab, 0)), 0);
	assert_int_equal(trend_count(trend_cpu(&tr, lab, 0, 0)), 0);
	trend_run(lab, &tr, 0.7);
	assert_true(trend_count(trend_rate(&tr, lab, 0)) >= 1);

	trend_free(&tr);
}

/* Lost updates frame by frame: each frame holds what was lost since the one before, and they add up. */
static void test_lost_frame_by_frame(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;

	must(lab_spawn(lab, LAB_THREADS, 2, false, NULL, &err), &err);
	lab_observe(lab);
	trend_update(&tr, lab);
	int64_t first = lab_group_at(lab, 0)->lost;
	const struct trend_frames *lost = trend_lost(&tr, lab, 0);
	assert_int_equal(trend_frame_count(lost), 1);
	assert_int_equal(trend_frame(lost, 0), 0);   /* the first sight: nothing to compare with */
	trend_run(lab, &tr, 0.8);

	int n = trend_frame_count(lost);
	assert_true(n >= 2 && n < TREND_FRAMES);
	assert_int_equal(trend_frames_sum(lost, n), lab_group_at(lab, 0)->lost - first);
	assert_int_equal(trend_frames_sum(lost, 1), trend_frame(lost, 0));
	assert_int_equal(trend_frame(lost, n), 0);   /* beyond the history */
	print_message("2 threads: %lld lost over %d frames\n", (long long)trend_frames_sum(lost, n), n);
	assert_null(trend_lost(&tr, lab, 1));

	/* A group gone and spawned again under its name starts a history of its own. */
	must(lab_kill(lab, "T", &err), &err);
	lab_observe(lab);
	trend_update(&tr, lab);
	must(lab_spawn(lab, LAB_THREADS, 2, false, NULL, &err), &err);
	lab_observe(lab);
	trend_update(&tr, lab);
	assert_int_equal(lab_ngroups(lab), 1);
	assert_int_equal(trend_frame_count(trend_lost(&tr, lab, 0)), 1);

	trend_free(&tr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rates_shares_and_a_fresh_start, small_lab_setup, trend_teardown),
		cmocka_unit_test_setup_teardown(test_lost_frame_by_frame, small_lab_setup, trend_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
