/* Screenless runs of the real ptviz: each worker's memory and lifecycle in the JSON report, copy-on-write on `touch`, and pinned workers' shares. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../not_judged.h"
#include <json-c/json.h>

#include "json_lines.h"
#include "ptviz_run.h"

static int memlife_teardown(void **state)
{
	json_release_all();
	return run_teardown(state);
}

static struct json_object *report(const char *out, int nth)
{
	struct json_object *r = json_hold(json_event(out, "report", NULL, NULL, nth));

	if (r == NULL)
		fail_msg("no report %d in:\n%s", nth, out);
	return r;
}

static struct json_object *worker(struct json_object *rep, const char *id)
{
	struct json_object *groups = get(rep, "groups");

	for (size_t i = 0; i < json_object_array_length(groups); i++) {
		struct json_object *ws = get(json_object_array_get_idx(groups, i), "workers");
		for (size_t j = 0; j < json_object_array_length(ws); j++) {
			struct json_object *w = json_object_array_get_idx(ws, j);
			if (strcmp(json_object_get_string(get(w, "id")), id) == 0)
				return w;
		}
	}
	fail_msg("no worker %s", id);
	return NULL;
}

static int64_t kib(struct json_object *o, const char *key)
{
	struct json_object *m = get(o, "memory");

	if (m == NULL)
		fail_msg("no memory read in %s", json_object_to_json_string(o));
	return json_object_get_int64(get(m, key));
}

static double share(struct json_object *w, const char *key)
{
	struct json_object *v = get(get(w, "lifecycle"), key);

	if (v == NULL)
		fail_msg("no %s share in %s", key, json_object_to_json_string(w));
	return json_object_get_double(v);
}

/* A process's own pages exceed a thread's and a green thread's; a process's grow as it writes, its sibling's do not, a host's grow once. */
static void test_memory_and_copy_on_write(void **state)
{
	struct run *r = *state;

	run(r, "--json", "-c",
	    "spawn threads 2; spawn processes 2; spawn green 4 as G; run 1.2; report; touch P1 1024; touch T1 1024; "
	    "touch T2 1024; report", NULL);
	assert_int_equal(r->status, 0);
	struct json_object *a = report(r->out, 0), *b = report(r->out, 1);
	struct json_object *t1 = worker(a, "T1"), *p1 = worker(a, "P1");
	print_message("T1 stack %lld KiB (pss %lld), P1 uss %lld KiB (pss %lld)\n", (long long)kib(t1, "stack_kib"),
	              (long long)kib(t1, "pss_kib"), (long long)kib(p1, "uss_kib"), (long long)kib(p1, "pss_kib"));
	assert_true(kib(t1, "stack_kib") > 0);
	assert_int_equal(kib(t1, "uss_kib"), kib(t1, "stack_kib"));
	assert_true(kib(p1, "uss_kib") > kib(t1, "uss_kib"));
	assert_true(kib(p1, "rss_kib") >= kib(p1, "pss_kib") && kib(p1, "pss_kib") >= kib(p1, "uss_kib"));
	assert_string_equal(json_object_get_string(get(group_named(a, "P"), "memory")), "private");
	assert_true(json_object_get_int64(get(get(group_named(a, "P"), "memory_use"), "per_worker_kib")) >
	            json_object_get_int64(get(get(group_named(a, "T"), "memory_use"), "per_worker_kib")));

	/* One more green thread: the pages of its 64 KiB stack it touched, fewer than a process's own. */
	int64_t green = json_object_get_int64(get(get(group_named(a, "G"), "memory_use"), "per_worker_kib"));
	print_message("one more green thread %lld KiB, G1 stack %lld KiB\n", (long long)green,
	              (long long)kib(worker(a, "G1"), "stack_kib"));
	assert_true(green > 0 && green < 64);
	assert_true(json_object_get_int64(get(get(group_named(a, "P"), "memory_use"), "per_worker_kib")) > green);

	int64_t p1a = kib(p1, "uss_kib"), p2a = kib(worker(a, "P2"), "uss_kib");
	int64_t p1b = kib(worker(b, "P1"), "uss_kib"), p2b = kib(worker(b, "P2"), "uss_kib");
	int64_t ta = json_object_get_int64(get(get(group_named(a, "T"), "memory_use"), "uss_kib"));
	int64_t tb = json_object_get_int64(get(get(group_named(b, "T"), "memory_use"), "uss_kib"));
	print_message("after touch: P1 %lld -> %lld KiB, P2 %lld -> %lld, host T %lld -> %lld (T1 and T2 wrote the same MiB)\n",
	              (long long)p1a, (long long)p1b, (long long)p2a, (long long)p2b, (long long)ta, (long long)tb);
	assert_true(p1b >= p1a + 1000);
	assert_true(p2b < p2a + 256);
	assert_true(tb >= ta + 1000 && tb < ta + 2048);
	assert_non_null(strstr(r->out, "each page copied for P1 alone"));
}

/*
 * Three busy processes pinned to one CPU, judged from schedstat as the
 * report gives it: their running shares add up to one CPU at most, and each
 * that ran waited ready; about a third each where nothing else wanted that
 * CPU.  Then one is killed: new and terminated come with their times.
 */
static void test_lifecycle_of_pinned_workers(void **state)
{
	struct run *r = *state;
	double sum = 0;

	run(r, "--json", "-c", "spawn processes 3; cpus 1; run 2.5; report; kill P3; run 0.3; report", NULL);
	assert_int_equal(r->status, 0);
	struct json_object *a = report(r->out, 0), *b = report(r->out, 1);
	assert_string_equal(json_object_get_string(get(group_named(a, "P"), "priority")), "normal");
	const char *ids[] = { "P1", "P2", "P3" };
	for (int i = 0; i < 3; i++) {
		struct json_object *w = worker(a, ids[i]);
		double run_s = share(w, "running"), ready = share(w, "ready"), blocked = share(w, "blocked");
		print_message("%s: running %.2f ready %.2f blocked %.2f (%s)\n", ids[i], run_s, ready, blocked,
		              json_object_get_string(get(get(w, "lifecycle"), "state")));
		assert_true(run_s + ready + blocked > 0.99 && run_s + ready + blocked < 1.01);
		if (run_s > 0)
			assert_true(ready > 0);
		sum += run_s;
	}
	assert_true(sum <= 1.05);
	if (sum < 0.9)
		not_judged("each of 3 pinned workers runs about a third",
		           "the three ran %.2f of their CPU between them (the machine is busy)", sum);
	else
		for (int i = 0; i < 3; i++)
			assert_true(share(worker(a, ids[i]), "running") > 0.2 && share(worker(a, ids[i]), "running") < 0.47);

	struct json_object *p3 = worker(b, "P3"), *events = get(get(p3, "lifecycle"), "events");
	assert_int_equal(json_object_array_length(events), 2);
	struct json_object *born = json_object_array_get_idx(events, 0), *ended = json_object_array_get_idx(events, 1);
	assert_string_equal(json_object_get_string(get(born, "event")), "new");
	assert_string_equal(json_object_get_string(get(ended, "event")), "terminated");
	double t_new = json_object_get_double(get(born, "t")), t_end = json_object_get_double(get(ended, "t"));
	assert_true(t_new > 0 && t_end > t_new + 2.0);
	assert_true(t_end == json_object_get_double(get(p3, "died_at")));
	assert_string_equal(json_object_get_string(get(get(p3, "lifecycle"), "state")), "terminated");
	assert_int_equal(json_object_array_length(get(get(worker(b, "P1"), "lifecycle"), "events")), 1);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_memory_and_copy_on_write, run_setup, memlife_teardown),
		cmocka_unit_test_setup_teardown(test_lifecycle_of_pinned_workers, run_setup, memlife_teardown),
	};
	if (argc < 2) {
		fprintf(stderr, "usage: test_memlife PATH-TO-PTVIZ\n");
		return 2;
	}
	ptviz_path = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
