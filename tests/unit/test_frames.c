/* The clock that lets time pass: frames at the rate asked, none at 0 Hz, every event handed on, a stop honoured at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lab/lab.h"
#include "small_lab.h"
#include "view/frames.h"

struct seen {
	int frames, spawns, exits;
	char cause[LAB_ID_MAX];
	bool stop;
};

static void on_event(void *ctx, const struct lab_event *ev)
{
	struct seen *s = ctx;

	if (ev->kind == LAB_EVENT_SPAWN) {
		s->spawns++;
	} else {
		s->exits++;
		memcpy(s->cause, ev->cause, sizeof(s->cause));
	}
}

static void on_frame(void *ctx, const struct lab *lab)
{
	(void)lab;
	((struct seen *)ctx)->frames++;
}

static bool on_stop(void *ctx)
{
	return ((struct seen *)ctx)->stop;
}

/* How long a poll may sleep: at once when a frame is due, never without frames or an end. */
static void test_wait(void **state)
{
	struct lab *lab = *state;
	struct frames clock;
	struct seen s = { 0 };
	const struct frames_hooks hooks = { .frame = on_frame, .ctx = &s };

	frames_start(&clock, lab, 0, &hooks);
	assert_int_equal(frames_wait_ms(&clock, -1), -1);
	assert_false(frames_step(&clock, false));
	assert_int_equal(s.frames, 0);
	int ms = frames_wait_ms(&clock, lab_now(lab) + 0.5);
	assert_true(ms > 0 && ms <= 500);

	frames_start(&clock, lab, 10, &hooks);
	assert_int_equal(frames_wait_ms(&clock, -1), 0);   /* the first frame falls due at once */
	assert_true(frames_step(&clock, false));
	assert_int_equal(s.frames, 1);
	ms = frames_wait_ms(&clock, -1);
	assert_true(ms > 0 && ms <= 100);
	assert_int_equal(frames_wait_ms(&clock, lab_now(lab)), 0);   /* an end before the frame comes first */
}

/* At 10 Hz, about ten frames a second (fewer on a loaded machine, never more); at 0 Hz none. */
static void test_rate(void **state)
{
	struct lab *lab = *state;
	struct frames clock;
	struct seen s = { 0 };
	const struct frames_hooks hooks = { .frame = on_frame, .ctx = &s };
	struct lab_error err;

	must(lab_spawn(lab, LAB_THREADS, 2, false, NULL, &err), &err);
	frames_start(&clock, lab, 10, &hooks);
	double t0 = lab_now(lab);
	assert_true(frames_run(&clock, 0.55, -1));
	double took = lab_now(lab) - t0;
	print_message("10 Hz: %d frames in %.2f s\n", s.frames, took);
	assert_true(took >= 0.55);
	assert_true(s.frames >= 1 && s.frames <= 6);

	s.frames = 0;
	frames_start(&clock, lab, 0, &hooks);
	assert_true(frames_run(&clock, 0.2, -1));
	assert_int_equal(s.frames, 0);
}

/* Events reach the hook as they come: a spawn, then a death reaped while time passes, with no frame at all. */
static void test_events(void **state)
{
	struct lab *lab = *state;
	struct frames clock;
	struct seen s = { 0 };
	const struct frames_hooks hooks = { .event = on_event, .frame = on_frame, .ctx = &s };
	struct lab_error err;

	frames_start(&clock, lab, 0, &hooks);
	must(lab_spawn(lab, LAB_PROCESSES, 2, false, NULL, &err), &err);
	frames_drain(&clock);
	assert_int_equal(s.spawns, 1);
	must(lab_inject(lab, LAB_FAULT_SEGV, "P2", &err), &err);
	for (int i = 0; i < 50 && s.exits == 0; i++)
		frames_run(&clock, 0.1, -1);
	assert_int_equal(s.exits, 1);
	assert_string_equal(s.cause, "P2");
	assert_int_equal(s.frames, 0);

	/* The screen's way: an end is observed at once. */
	clock.observe_deaths = true;
	must(lab_inject(lab, LAB_FAULT_SEGV, "P1", &err), &err);
	for (int i = 0; i < 500 && s.exits == 1; i++) {
		usleep(10000);
		frames_step(&clock, true);
	}
	assert_int_equal(s.exits, 2);
	assert_true(s.frames >= 1);
}

/* A stop (batch's SIGINT) ends the run at once, not when its seconds are up. */
static void test_stop(void **state)
{
	struct lab *lab = *state;
	struct frames clock;
	struct seen s = { .stop = true };
	const struct frames_hooks hooks = { .stop = on_stop, .ctx = &s };
	int fds[2];

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "x", 1), 1);
	frames_start(&clock, lab, 10, &hooks);
	double t0 = lab_now(lab);
	assert_false(frames_run(&clock, 30, fds[0]));
	assert_true(lab_now(lab) - t0 < 5);
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_wait, small_lab_setup, small_lab_teardown),
		cmocka_unit_test_setup_teardown(test_rate, small_lab_setup, small_lab_teardown),
		cmocka_unit_test_setup_teardown(test_events, small_lab_setup, small_lab_teardown),
		cmocka_unit_test_setup_teardown(test_stop, small_lab_setup, small_lab_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
