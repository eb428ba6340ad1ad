/* The costs lab through the real binary: ptviz --bench, `bench` in scripts, Ctrl-C, nothing left behind. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "json_lines.h"
#include "ptviz_run.h"

/* Every child, grandchild and orphan of this test has ended and been reaped (this process is their subreaper). */
static void assert_no_children(void)
{
	double deadline = now() + 2;

	for (;;) {
		errno = 0;
		pid_t r = waitpid(-1, NULL, WNOHANG);
		if (r == -1 && errno == ECHILD)
			return;
		if (r == 0 && now() > deadline)
			fail_msg("a process is left behind");
		if (r == 0)
			usleep(10000);
	}
}

/* The first line of the given event, and with bench: the one whose "name" is bench; held till the teardown. */
static struct json_object *event(const char *out, const char *name, const char *bench)
{
	return json_hold(json_event(out, name, bench != NULL ? "name" : NULL, bench, 0));
}

/* The run's output freed and the events the test read released, however it ends. */
static int costs_teardown(void **state)
{
	json_release_all();
	return run_teardown(state);
}

static double num(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
		fail_msg("\"%s\" is not a number in %s", key, json_object_to_json_string(o));
	return json_object_get_double(v);
}

static void check_machine(struct json_object *o)
{
	assert_true(num(o, "cpus") >= 1);
	assert_true(num(o, "cpus_allowed") >= 1);
	assert_non_null(strstr(json_object_get_string(get(o, "kernel")), "Linux"));
	assert_true(num(o, "seconds") > 0);
}

static void test_bench_all_json(void **state)
{
	struct run *r = *state;

	/* Up to 64 MiB: enough page tables that fork's growth stands above a busy machine's noise (and ASan's). */
	run(r, "--bench", "--json", "--bench-time", "0.3", "--bench-max-mib", "64", NULL);
	if (r->status != 0)
		fail_msg("exit %d: %s", r->status, r->err);

	struct json_object *o = event(r->out, "bench", "create");
	assert_non_null(o);
	check_machine(o);
	assert_true(num(o, "thread_us") > 0);
	assert_true(num(o, "fork_us") > 0);
	assert_true(num(o, "fork_per_thread") > 0);
	if (access("/bin/true", X_OK) == 0)
		assert_true(num(o, "spawn_us") > 0);

	o = event(r->out, "bench", "forksize");
	assert_non_null(o);
	check_machine(o);
	struct json_object *pts = get(o, "points");
	size_t n = json_object_array_length(pts);
	assert_true(n >= 2);
	for (size_t i = 0; i < n; i++) {
		struct json_object *p = json_object_array_get_idx(pts, i);
		assert_true(num(p, "fork_us") > 0);
		assert_true(num(p, "fork_huge_us") > 0);
		assert_true(num(p, "thread_us") > 0);
		assert_true(num(p, "huge_mib") >= 0);
	}
	struct json_object *first = json_object_array_get_idx(pts, 0), *last = json_object_array_get_idx(pts, n - 1);
	assert_int_equal((int)num(first, "mib"), 1);
	assert_int_equal((int)num(last, "mib"), 64);
	/*
	 * fork copies page tables: more memory held, slower fork.  Judged by the
	 * fastest fork of each, since a busy machine (the other tests beside this
	 * one) can slow any number of them but never speed one up.
	 */
	assert_true(num(first, "fork_min_us") > 0 && num(first, "fork_min_us") <= num(first, "fork_us"));
	/*
	 * A fork holding 1 MiB takes some 100 us when nothing interrupts it.  When even the fastest
	 * took over a millisecond, every one of them waited for a CPU, and the slope is the machine's
	 * load, not the page tables: that one check cannot be judged here.
	 */
	if (num(first, "fork_min_us") > 1000)
		print_message("SKIP one check: fork's growth with memory cannot be judged: the fastest fork holding "
		              "1 MiB took %.0f us (the machine is busy; it takes some 100 us on a free CPU)\n",
		              num(first, "fork_min_us"));
	else if (!(num(last, "fork_min_us") > num(first, "fork_min_us")))
		fail_msg("the fastest fork took %.1f us holding 64 MiB, %.1f us holding 1 MiB (medians %.1f and %.1f)",
		         num(last, "fork_min_us"), num(first, "fork_min_us"), num(last, "fork_us"), num(first, "fork_us"));

	o = event(r->out, "bench", "switch");
	assert_non_null(o);
	check_machine(o);
	assert_true(num(o, "threads_pinned_us") > 0);
	assert_true(num(o, "processes_pinned_us") > 0);
	assert_true(num(o, "threads_unpinned_us") > 0);
	assert_true(num(o, "processes_unpinned_us") > 0);
	assert_true(num(o, "pinned_cpu") >= 0);

	o = event(r->out, "bench", "ipc");
	assert_non_null(o);
	check_machine(o);
	struct json_object *res = get(o, "results");
	assert_int_equal(json_object_array_length(res), 8);
	for (size_t i = 0; i < 8; i++) {
		struct json_object *m = json_object_array_get_idx(res, i);
		assert_true(num(m, "mb_per_s") > 0);
		assert_true(num(m, "msgs_per_s") > 0);
		assert_true(num(m, "bytes") > 0);
	}
	/* Progress went to stderr, the results alone to stdout. */
	assert_non_null(strstr(r->err, "bench create"));
	assert_null(strstr(r->out, "ptviz: bench"));
	assert_no_children();
}

static void test_bench_one_text(void **state)
{
	struct run *r = *state;

	run(r, "--bench", "switch", "--bench-time", "0.3", NULL);
	assert_int_equal(r->status, 0);
	assert_non_null(strstr(r->out, "bench switch"));
	assert_non_null(strstr(r->out, "two threads"));
	assert_non_null(strstr(r->out, "two processes"));
	assert_null(strstr(r->out, "bench create"));
	run(r, "--bench=create", "--bench-time", "0.3", NULL);
	assert_int_equal(r->status, 0);
	assert_non_null(strstr(r->out, "pthread_create + join"));
	assert_null(strstr(r->out, "bench switch"));
	assert_no_children();
}

static void test_bench_command_in_scripts(void **state)
{
	struct run *r = *state;

	/* The groups run on while the bench measures; the report after it still finds them. */
	run(r, "--json", "--bench-time", "0.3", "-c", "spawn threads 2; bench create; report", NULL);
	if (r->status != 0)
		fail_msg("exit %d: %s", r->status, r->err);
	struct json_object *o = event(r->out, "bench", "create");
	assert_non_null(o);
	assert_true(num(o, "t") >= 0);
	assert_true(num(o, "thread_us") > 0);
	o = event(r->out, "report", NULL);
	assert_non_null(o);

	run(r, "--bench-time", "0.3", "-c", "bench ipc", NULL);
	assert_int_equal(r->status, 0);
	assert_non_null(strstr(r->out, "shared variable"));

	/* A bad name is the parser's: line and column, exit 1, nothing run. */
	run(r, "-c", "bench everything", NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "-c:1:7"));
	assert_no_children();
}

static void test_bad_options(void **state)
{
	struct run *r = *state;

	run(r, "--bench", "nothing", NULL);
	assert_int_equal(r->status, 2);
	assert_non_null(strstr(r->err, "unknown measurement 'nothing'"));
	run(r, "--bench", "--bench-time", "0", NULL);
	assert_int_equal(r->status, 2);
	run(r, "--bench", "--bench-max-mib", "lots", NULL);
	assert_int_equal(r->status, 2);
	run(r, "--bench", "-c", "report", NULL);
	assert_int_equal(r->status, 2);
}

/* The ptviz the interrupt test started, ended and reaped by the teardown if the test failed before it did. */
static pid_t interrupted;

static int interrupt_teardown(void **state)
{
	if (interrupted > 0 && kill(interrupted, SIGKILL) == 0)
		waitpid(interrupted, NULL, 0);
	interrupted = 0;
	return costs_teardown(state);
}

/* Ctrl-C in the middle: the measuring child and everything it forked end with ptviz. */
static void test_interrupt_leaves_nothing(void **state)
{
	struct run *r = *state;
	const char *args[] = { "--bench", "forksize", "--bench-time", "30", "--bench-max-mib", "256", NULL };
	int outfd, errfd;
	size_t olen = 0, elen = 0;

	memset(r, 0, sizeof(*r));
	pid_t pid = start(args, &outfd, &errfd);
	interrupted = pid;
	/* Wait for the first progress line on stderr: it is measuring. */
	double deadline = now() + 10;
	while (now() < deadline && strstr(r->err, "bench forksize") == NULL) {
		struct pollfd pfd = { errfd, POLLIN, 0 };
		poll(&pfd, 1, 100);
		if (pfd.revents & POLLIN) {
			ssize_t got = read(errfd, r->err + elen, sizeof(r->err) - 1 - elen);
			if (got > 0)
				elen += (size_t)got;
			r->err[elen] = '\0';
		}
	}
	assert_non_null(strstr(r->err, "bench forksize"));
	kill(pid, SIGINT);
	assert_true(collect(r, outfd, errfd, now() + 10, &olen, &elen));
	finish(r, pid);
	interrupted = 0;
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "interrupted"));
	assert_no_children();
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bad_options, run_setup, costs_teardown),
		cmocka_unit_test_setup_teardown(test_bench_one_text, run_setup, costs_teardown),
		cmocka_unit_test_setup_teardown(test_bench_command_in_scripts, run_setup, costs_teardown),
		cmocka_unit_test_setup_teardown(test_interrupt_leaves_nothing, run_setup, interrupt_teardown),
		cmocka_unit_test_setup_teardown(test_bench_all_json, run_setup, costs_teardown),
	};

	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH_TO_PTVIZ\n", argv[0]);
		return 2;
	}
	ptviz_path = argv[1];
	/* Orphans of anything ptviz started come back here, so the tests can see them gone. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
