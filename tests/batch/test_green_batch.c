/* Green threads through the real binary: the report's kind, N, M and kernel threads, in JSON and in text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <json-c/json.h>

#include "json_lines.h"
#include "ptviz_run.h"

static int setup(void **state)
{
	return run_setup(state);
}

static int teardown(void **state)
{
	json_release_all();
	return run_teardown(state);
}

/* Is tid one of the kernel threads the group lists? */
static bool among(struct json_object *tids, int tid)
{
	for (size_t i = 0; i < json_object_array_length(tids); i++) {
		if (json_object_get_int(json_object_array_get_idx(tids, i)) == tid)
			return true;
	}
	return false;
}

/* kind "green", N and M, the kernel threads after a hand-off, and each worker's kernel_tid among them. */
static void test_green_json(void **state)
{
	struct run *r = *state;

	run(r, "--json", "-c", "spawn green 4 on 2 handoff as W; spawn threads 2; run 0.3; inject block W2; run 0.3; report",
	    NULL);
	assert_int_equal(r->status, 0);
	struct json_object *spawn = json_hold(json_event(r->out, "spawn", "group", "W", 0));
	assert_non_null(spawn);
	assert_string_equal(json_object_get_string(get(spawn, "kind")), "green");
	struct json_object *rep = json_hold(json_event(r->out, "report", NULL, NULL, 0));
	assert_non_null(rep);
	struct json_object *w = group_named(rep, "W"), *t = group_named(rep, "T");
	assert_string_equal(json_object_get_string(get(t, "kind")), "threads");
	assert_string_equal(json_object_get_string(get(w, "kind")), "green");
	struct json_object *green = get(w, "green");
	assert_int_equal(json_object_get_int(get(green, "n")), 4);
	assert_int_equal(json_object_get_int(get(green, "m")), 2);
	assert_true(json_object_get_boolean(get(green, "handoff")));
	assert_string_equal(json_object_get_string(get(green, "yield")), "boundary");
	/* The blocking call handed its kernel thread's turn on: a third kernel thread took it. */
	assert_int_equal(json_object_get_int(get(green, "handoffs")), 1);
	assert_int_equal(json_object_get_int(get(green, "kernel_threads")), 3);
	struct json_object *tids = get(green, "kernel_tids");
	assert_int_equal(json_object_array_length(tids), 3);
	struct json_object *workers = get(w, "workers");
	assert_int_equal(json_object_array_length(workers), 4);
	int host = json_object_get_int(get(w, "pid"));
	for (size_t i = 0; i < 4; i++) {
		struct json_object *wk = json_object_array_get_idx(workers, i);
		int ktid = json_object_get_int(get(wk, "kernel_tid"));
		assert_true(among(tids, ktid));
		assert_int_equal(json_object_get_int(get(wk, "tid")), ktid);
		assert_int_equal(json_object_get_int(get(wk, "pid")), host);
	}
	/* A group of threads has no such fields. */
	assert_false(json_object_object_get_ex(t, "green", NULL));
	/* Read like any group: exact when every green thread stood between two increments. */
	if (json_object_get_boolean(get(w, "consistent")))
		assert_int_equal(json_object_get_int64(get(w, "lost")),
		                 json_object_get_int64(get(w, "increments")) - json_object_get_int64(get(w, "counter")));
}

/* The text report names the runtime: N on M, where they yield, the kernel threads. */
static void test_green_text(void **state)
{
	struct run *r = *state;

	run(r, "-c", "spawn green 3; yield anywhere; run 0.2; report", NULL);
	assert_int_equal(r->status, 0);
	assert_non_null(strstr(r->out, "spawned 3 green threads G1..G3 on 1 kernel thread in one host process"));
	assert_non_null(strstr(r->out, "G: 3 green threads, shared memory"));
	assert_non_null(strstr(r->out, "3 green threads on 1 kernel thread: yield anywhere"));
	assert_non_null(strstr(r->out, "kernel threads now 1 (tid "));
}

/* Bad input says what was wrong and what would be right. */
static void test_green_refusals(void **state)
{
	struct run *r = *state;

	run(r, "-c", "spawn threads 2; yield anywhere T", NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "not green threads"));
	run(r, "-c", "yield anywhere", NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "spawn green 8"));
	run(r, "-c", "spawn green 4 on 12", NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "expected 1 to 8"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_green_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_green_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_green_refusals, setup, teardown),
	};
	static char full[4096];

	if (argc < 2) {
		fprintf(stderr, "usage: test_green_batch PATH-TO-PTVIZ\n");
		return 2;
	}
	ptviz_path = realpath(argv[1], full) != NULL ? full : argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
