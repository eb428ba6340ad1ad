/* The channel workload with real threads and processes: every message sent is counted by the one owner, and none lost. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "../not_judged.h"
#include "small_lab.h"
#include "work_wait.h"

/* Enough messages that a lost one would show: many laps of the thread ring, and of the pipe. */
#define CHANNEL_SENT 40000
#define CHANNEL_GUARD_S 120.0

static bool channel_busy(const struct lab_group *g, const void *arg)
{
	(void)arg;
	return g->channel.sent >= CHANNEL_SENT && g->channel.received > 0;
}

/* Drained: nothing in the queue, and every figure read exactly (no worker kept from an older read). */
static bool channel_drained(const struct lab_group *g, const void *arg)
{
	(void)arg;
	return g->consistent && g->channel.queue == 0 && g->channel.received == g->channel.sent;
}

/*
 * Senders C2..C4 pass +1 each to the owner C1; then they pause, the owner
 * empties the queue, and its counter equals the messages sent: none lost,
 * though no lock of ptviz's guards the counter.
 */
static void channel_loses_nothing(struct lab *lab, enum lab_kind kind)
{
	struct lab_error err;
	const char *what = kind == LAB_THREADS ? "threads' ring" : "processes' pipe";

	must(lab_spawn(lab, kind, 4, false, "C", &err), &err);
	must(lab_workload(lab, LAB_WORK_CHANNEL, "C", &err), &err);
	const struct lab_group *g = work_wait(lab, "C", channel_busy, NULL, CHANNEL_GUARD_S);
	if (g == NULL) {
		g = lab_find_group(lab, "C");
		not_judged(what, "in %.0f s the workers had %.0f ms of CPU and sent %lld messages of %d (the machine is busy)",
		           CHANNEL_GUARD_S, work_cpu_ms(g), (long long)g->channel.sent, CHANNEL_SENT);
		return;
	}
	/* The queue's room, and one message the owner may have taken and not added yet. */
	assert_true(g->channel.queue_max <= g->channel.capacity + 1);
	/* Read in the ring or the pipe itself, it never holds more than its room. */
	assert_true(g->channel.in_queue >= 0 && g->channel.in_queue <= g->channel.capacity);
	for (int i = 2; i <= 4; i++) {
		char id[8];
		snprintf(id, sizeof(id), "C%d", i);
		must(lab_pause(lab, id, true, &err), &err);
	}
	g = work_wait(lab, "C", channel_drained, NULL, CHANNEL_GUARD_S);
	if (g == NULL) {
		g = lab_find_group(lab, "C");
		not_judged(what, "the owner had %.0f ms of CPU and %lld messages still wait (the machine is busy)",
		           work_cpu_ms(g), (long long)g->channel.queue);
		return;
	}
	print_message("%s: %lld sent, %lld received, counter %lld, longest queue %lld of %lld, full %lld times\n", what,
	              (long long)g->channel.sent, (long long)g->channel.received, (long long)g->counter,
	              (long long)g->channel.queue_max, (long long)g->channel.capacity, (long long)g->channel.full);
	assert_true(g->channel.sent >= CHANNEL_SENT);
	assert_int_equal(g->counter, g->channel.sent);
	assert_int_equal(g->increments, g->channel.sent);
	assert_int_equal(g->lost, 0);
	assert_int_equal(g->channel.in_queue, 0);   /* drained: the ring or the pipe is empty too */
	/* Only the owner's counter moved: each sender's own copy (a process) stayed 0. */
	for (int i = 1; kind == LAB_PROCESSES && i < g->nworkers; i++)
		assert_int_equal(g->workers[i].counter, 0);
}

static void test_threads_channel_loses_nothing(void **state)
{
	channel_loses_nothing(*state, LAB_THREADS);
}

static void test_processes_channel_loses_nothing(void **state)
{
	channel_loses_nothing(*state, LAB_PROCESSES);
}

/* A new run drops what the old one left in the queue: the counter and the messages sent start again together. */
static void test_channel_run_again(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;

	must(lab_spawn(lab, LAB_THREADS, 3, false, "C", &err), &err);
	must(lab_workload(lab, LAB_WORK_CHANNEL, "C", &err), &err);
	if (work_wait(lab, "C", channel_busy, NULL, CHANNEL_GUARD_S) == NULL) {
		not_judged("a channel's new run", "its workers had too little CPU (the machine is busy)");
		return;
	}
	must(lab_workload(lab, LAB_WORK_CHANNEL, "C", &err), &err);
	must(lab_pause(lab, "C2", true, &err), &err);
	must(lab_pause(lab, "C3", true, &err), &err);
	const struct lab_group *g = work_wait(lab, "C", channel_drained, NULL, CHANNEL_GUARD_S);
	if (g == NULL) {
		not_judged("a channel's new run", "the owner could not empty its queue (the machine is busy)");
		return;
	}
	assert_int_equal(g->counter, g->channel.sent);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_threads_channel_loses_nothing, small_lab_setup, small_lab_teardown),
		cmocka_unit_test_setup_teardown(test_processes_channel_loses_nothing, small_lab_setup, small_lab_teardown),
		cmocka_unit_test_setup_teardown(test_channel_run_again, small_lab_setup, small_lab_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
