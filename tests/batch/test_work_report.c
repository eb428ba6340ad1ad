/* The channel's and the tasks' fields in the JSON and text reports, and pool and rate refused with their reasons. */
#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "json_lines.h"
#include "ptviz_run.h"

static void test_work_json(void **state)
{
	struct run *r = *state;

	run(r, "--json", "-c",
	    "spawn threads 3 as C; workload channel C; spawn processes 3 as P; workload tasks P; pool off P; "
	    "rate 200 P; run 1.5; report",
	    NULL);
	assert_int_equal(r->status, 0);
	struct json_object *report = json_hold(json_event(r->out, "report", NULL, NULL, 0));
	assert_non_null(report);
	struct json_object *c = get(group_named(report, "C"), "channel");
	assert_string_equal(json_object_get_string(get(c, "owner")), "C1");
	assert_string_equal(json_object_get_string(get(c, "queue_kind")), "ring");
	int64_t sent = json_object_get_int64(get(c, "sent")), received = json_object_get_int64(get(c, "received"));
	assert_true(sent >= received);
	assert_int_equal(json_object_get_int64(get(c, "queue")), sent - received);
	assert_int_equal(json_object_get_int64(get(c, "capacity")), 8192);
	get(c, "queue_max");
	get(c, "full_waits");
	int64_t in_queue = json_object_get_int64(get(c, "in_queue"));
	assert_true(in_queue >= 0 && in_queue <= 8192);
	struct json_object *t = get(group_named(report, "P"), "tasks");
	assert_string_equal(json_object_get_string(get(t, "pool")), "off");
	assert_int_equal(json_object_get_int(get(t, "rate")), 200);
	/* Every task finished had a process of its own, made for it. */
	assert_true(json_object_get_int64(get(t, "created")) >= json_object_get_int64(get(t, "done")));
	assert_true(json_object_get_int(get(t, "alive_max")) <= 16);
	const char *keys[] = { "seconds", "started", "arrived", "backlog", "alive", "cpu_ns", "per_s", "cpu_us_per_task",
	                       "cpu_share", "cpus", "ceiling_per_s", "wait_us", "wait_max_us", "memory_kib",
	                       "cpu_us_per_task_run" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		get(t, keys[i]);
	/* Other workloads carry neither. */
	run(r, "--json", "-c", "spawn threads 2; run 0.2; report", NULL);
	report = json_hold(json_event(r->out, "report", NULL, NULL, 0));
	assert_false(json_object_object_get_ex(group_named(report, "T"), "channel", NULL));
	assert_false(json_object_object_get_ex(group_named(report, "T"), "tasks", NULL));
}

static void test_work_text_and_errors(void **state)
{
	struct run *r = *state;

	run(r, "-c", "spawn threads 4 as T; workload tasks T; pool 2 T; run 1; report", NULL);
	assert_int_equal(r->status, 0);
	assert_non_null(strstr(r->out, " CPU each: pool of 2 threads, as fast as taken"));
	assert_non_null(strstr(r->out, " to start (longest "));
	run(r, "-c", "spawn threads 2 as T; pool 3 T", NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "pool 3: T has 2 workers, so a pool of at most 2"));
	run(r, "-c", "rate fast", NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "bad rate 'fast': expected max or a whole number from 1 to 100000"));
}

static int work_teardown(void **state)
{
	json_release_all();
	return run_teardown(state);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_work_json, run_setup, work_teardown),
		cmocka_unit_test_setup_teardown(test_work_text_and_errors, run_setup, work_teardown),
	};
	if (argc < 2) {
		fprintf(stderr, "usage: test_work_report PATH-TO-PTVIZ\n");
		return 2;
	}
	ptviz_path = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
