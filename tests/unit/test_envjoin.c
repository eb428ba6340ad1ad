/* Real outcomes of return and join, setenv and chdir, sandbox and escape, with real threads and processes. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "../not_judged.h"

#include "batch/batch.h"
#include "lab/annex.h"
#include "lab/lab.h"
#include "view/frames.h"

/* Hang guards only: what is judged is counts, never how long anything took. */
#define GUARD_S 120.0

struct fixture {
	struct lab *lab;
	struct frames clock;
	pid_t seen[64];
	int nseen;
};

static int setup(void **state)
{
	static struct fixture fx;
	struct lab_config cfg;
	struct lab_error err;

	memset(&fx, 0, sizeof(fx));
	lab_config_defaults(&cfg);
	cfg.max_threads = 8;
	cfg.max_processes = 8;
	fx.lab = lab_new(&cfg, &err);
	if (fx.lab == NULL)
		fail_msg("lab_new: %s", err.msg);
	frames_start(&fx.clock, fx.lab, 10, &(struct frames_hooks){ 0 });
	*state = &fx;
	return 0;
}

static void remember(struct fixture *fx)
{
	for (int i = 0; i < lab_ngroups(fx->lab); i++) {
		const struct lab_group *g = lab_group_at(fx->lab, i);
		for (int j = 0; j < g->nworkers && fx->nseen < 64; j++)
			fx->seen[fx->nseen++] = g->workers[j].pid;
	}
}

/* However the test ended: the lab ends its workers; one still there fails the test, after it is ended by pid. */
static int teardown(void **state)
{
	struct fixture *fx = *state;
	int left = 0;

	remember(fx);
	lab_free(fx->lab);
	for (int i = 0; i < fx->nseen; i++) {
		if (kill(fx->seen[i], 0) == 0) {
			print_error("worker process %d is still there after lab_free\n", (int)fx->seen[i]);
			kill(fx->seen[i], SIGKILL);
			waitpid(fx->seen[i], NULL, 0);
			left++;
		}
	}
	return left == 0 ? 0 : -1;
}

static void must(bool ok, const struct lab_error *err, const char *what)
{
	if (!ok)
		fail_msg("%s: %s", what, err->msg);
}

static void run(struct fixture *fx, double seconds)
{
	frames_run(&fx->clock, seconds, -1);
	frames_observe(&fx->clock);
}

static const struct lab_group *group(struct fixture *fx, const char *name)
{
	const struct lab_group *g = lab_find_group(fx->lab, name);
	assert_non_null(g);
	return g;
}

static void spawn(struct fixture *fx, enum lab_kind kind, int n, const char *name)
{
	struct lab_error err;

	must(lab_spawn(fx->lab, kind, n, false, name, &err), &err, "spawn");
	remember(fx);
	frames_drain(&fx->clock);
}

/* A batches group of threads whose every worker has counted some work: false (said why) when the guard passed first. */
static bool batches_under_way(struct fixture *fx, const char *name, bool delivered_too)
{
	struct lab_error err;

	spawn(fx, LAB_THREADS, 4, name);
	/* Atomic, so the counter loses nothing of its own: what is lost below is the batches'. */
	must(lab_sync(fx->lab, LAB_SYNC_ATOMIC, name, &err), &err, "sync atomic");
	must(lab_workload(fx->lab, LAB_WORK_BATCHES, name, &err), &err, "workload batches");
	for (double waited = 0; waited < GUARD_S; waited += 0.2) {
		run(fx, 0.2);
		const struct lab_group *g = group(fx, name);
		bool all = true;
		for (int i = 0; i < g->nworkers; i++)
			all &= g->workers[i].counted > (delivered_too ? ANNEX_BATCH : 0);
		if (all)
			return true;
	}
	not_judged("a forgotten join", "the workers of %s did not all get a CPU in %.0f s", name, GUARD_S);
	return false;
}

static void test_forgotten_join_loses_work(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err = { 0 };

	if (!batches_under_way(fx, "T", true))
		return;
	memset(&err, 0, sizeof(err));
	must(lab_main_return(fx->lab, "T", false, &err), &err, "return T");
	frames_drain(&fx->clock);
	const struct lab_group *g = group(fx, "T");
	assert_false(g->host_alive);
	assert_int_equal(g->main, LAB_MAIN_RETURNED);
	int64_t counted = 0, delivered = 0;
	for (int i = 0; i < g->nworkers; i++) {
		const struct lab_worker *w = &g->workers[i];
		assert_false(w->alive);
		assert_int_equal(w->end, LAB_END_RETURNED);
		/* Each delivered whole batches only, and at least one. */
		assert_int_equal(w->delivered % ANNEX_BATCH, 0);
		assert_true(w->delivered >= ANNEX_BATCH);
		counted += w->counted;
		delivered += w->delivered;
	}
	assert_int_equal(g->counted, counted);
	assert_int_equal(g->delivered, delivered);
	/* The work of the batches under way was counted and never delivered. */
	print_message("return T: %lld counted, %lld delivered\n", (long long)counted, (long long)delivered);
	assert_true(counted > delivered);
	assert_non_null(strstr(err.msg, "without joining"));
}

static void test_join_delivers_all(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err = { 0 };

	if (!batches_under_way(fx, "J", false))
		return;
	must(lab_main_return(fx->lab, "J", true, &err), &err, "join J");
	/* A join waits as long as the batches take: on a loaded machine longer than the command waited. */
	for (double waited = 0; group(fx, "J")->host_alive && waited < GUARD_S; waited += 0.2)
		run(fx, 0.2);
	const struct lab_group *g = group(fx, "J");
	assert_false(g->host_alive);
	assert_int_equal(g->main, LAB_MAIN_JOINED);
	for (int i = 0; i < g->nworkers; i++) {
		const struct lab_worker *w = &g->workers[i];
		assert_int_equal(w->end, LAB_END_ENDED);
		assert_true(w->counted >= ANNEX_BATCH);
		assert_int_equal(w->counted, w->delivered);
	}
	print_message("join J: %lld counted, %lld delivered\n", (long long)g->counted, (long long)g->delivered);
	assert_true(g->counted > 0);
	assert_int_equal(g->counted, g->delivered);
}

/* Is NAME= in /proc/PID/environ?  The test reads it itself. */
static bool proc_environ_has(pid_t pid, const char *name)
{
	char path[64], buf[16384];
	size_t nl = strlen(name);

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	for (size_t at = 0; at < n; at += strnlen(buf + at, n - at) + 1) {
		if (strncmp(buf + at, name, nl) == 0 && buf[at + nl] == '=')
			return true;
	}
	return false;
}

static void expect_env(const struct lab_worker *w, const char *value)
{
	if (value == NULL) {
		assert_true(w->env.read);
		assert_false(w->env.has);
		return;
	}
	assert_true(w->env.read);
	assert_true(w->env.has);
	assert_string_equal(w->env.value, value);
	/* Read from memory: the environment the process began with does not have it. */
	assert_false(w->env.at_start);
	assert_false(proc_environ_has(w->pid, "PTVIZ_TEST_SEEN"));
}

static void test_setenv_seen_by_siblings_only(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err = { 0 };

	unsetenv("PTVIZ_TEST_SEEN");
	spawn(fx, LAB_THREADS, 3, "T");
	spawn(fx, LAB_PROCESSES, 2, "P");
	must(lab_setenv(fx->lab, "T1", "PTVIZ_TEST_SEEN=thread", &err), &err, "setenv T1");
	run(fx, 0.1);
	for (int i = 0; i < 3; i++)
		expect_env(&group(fx, "T")->workers[i], "thread");
	expect_env(&group(fx, "P")->workers[0], NULL);
	expect_env(&group(fx, "P")->workers[1], NULL);
	must(lab_setenv(fx->lab, "P1", "PTVIZ_TEST_SEEN=one", &err), &err, "setenv P1");
	run(fx, 0.1);
	expect_env(&group(fx, "P")->workers[0], "one");
	expect_env(&group(fx, "P")->workers[1], NULL);
	for (int i = 0; i < 3; i++)
		expect_env(&group(fx, "T")->workers[i], "thread");
	/* ptviz's own environment never had it. */
	assert_null(getenv("PTVIZ_TEST_SEEN"));
	assert_false(lab_setenv(fx->lab, "T1", "1BAD=x", &err));
	assert_non_null(strstr(err.msg, "NAME=VALUE"));
}

static void expect_cwd(const struct lab_worker *w, const char *dir)
{
	char path[64], real[PATH_MAX];

	assert_string_equal(w->env.cwd, dir);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/cwd", (int)w->pid, (int)w->tid);
	ssize_t n = readlink(path, real, sizeof(real) - 1);
	assert_true(n > 0);
	real[n] = '\0';
	assert_string_equal(real, dir);
}

static void test_chdir_seen_by_siblings_only(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err = { 0 };
	char here[PATH_MAX];

	assert_non_null(getcwd(here, sizeof(here)));
	spawn(fx, LAB_THREADS, 3, "T");
	spawn(fx, LAB_PROCESSES, 2, "P");
	must(lab_chdir(fx->lab, "T2", "/", &err), &err, "chdir T2 /");
	run(fx, 0.1);
	for (int i = 0; i < 3; i++)
		expect_cwd(&group(fx, "T")->workers[i], "/");
	expect_cwd(&group(fx, "P")->workers[0], here);
	must(lab_chdir(fx->lab, "P2", "/", &err), &err, "chdir P2 /");
	run(fx, 0.1);
	expect_cwd(&group(fx, "P")->workers[1], "/");
	expect_cwd(&group(fx, "P")->workers[0], here);
	assert_false(lab_chdir(fx->lab, "P1", "/no/such/dir", &err));
	assert_non_null(strstr(err.msg, "No such file"));
}

/* The first line of the file escape reads, as the test reads it itself. */
static void first_line(char *buf, size_t len)
{
	FILE *f = fopen(ANNEX_ESCAPE_PATH, "r");

	assert_non_null(f);
	assert_non_null(fgets(buf, (int)len, f));
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

static bool has_fd_to(const struct lab_worker *w, const char *target)
{
	for (int f = 0; f < w->nfds; f++) {
		if (strcmp(w->fds[f].target, target) == 0)
			return true;
	}
	return false;
}

static void test_sandboxed_thread_is_no_boundary(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err = { 0 };
	char line[LAB_ENV_TEXT_MAX];

	spawn(fx, LAB_THREADS, 3, "T");
	must(lab_sandbox(fx->lab, "T1", &err), &err, "sandbox T1");
	assert_false(lab_open_file(fx->lab, "T1", &err));
	assert_non_null(strstr(err.msg, strerror(EPERM)));
	must(lab_open_file(fx->lab, "T2", &err), &err, "open T2");
	memset(&err, 0, sizeof(err));
	must(lab_escape(fx->lab, "T1", &err), &err, "escape T1");
	run(fx, 0.1);
	const struct lab_group *g = group(fx, "T");
	const struct lab_worker *w = &g->workers[0];
	assert_true(w->env.sandboxed);
	assert_false(g->workers[1].env.sandboxed);
	/* A sibling opened it, and the sandboxed thread read it through the table they share. */
	assert_int_equal(w->env.escape, 1);
	assert_string_equal(w->env.helper, "T2");
	first_line(line, sizeof(line));
	assert_true(strncmp(w->env.line, line, strlen(w->env.line)) == 0 && w->env.line[0] != '\0');
	assert_non_null(strstr(err.msg, "EPERM"));
	for (int i = 0; i < g->nworkers; i++)
		assert_true(has_fd_to(&g->workers[i], ANNEX_ESCAPE_PATH));
}

static void test_sandboxed_process_holds(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err = { 0 };

	spawn(fx, LAB_PROCESSES, 3, "P");
	must(lab_sandbox(fx->lab, "P1", &err), &err, "sandbox P1");
	assert_false(lab_open_file(fx->lab, "P1", &err));
	assert_non_null(strstr(err.msg, strerror(EPERM)));
	must(lab_open_file(fx->lab, "P2", &err), &err, "open P2");
	memset(&err, 0, sizeof(err));
	must(lab_escape(fx->lab, "P1", &err), &err, "escape P1");
	run(fx, 0.1);
	const struct lab_group *g = group(fx, "P");
	assert_true(g->workers[0].env.sandboxed);
	assert_int_equal(g->workers[0].env.escape, -1);
	assert_non_null(strstr(err.msg, "found nothing"));
	for (int i = 0; i < g->nworkers; i++)
		assert_false(has_fd_to(&g->workers[i], ANNEX_ESCAPE_PATH));
	/* Its siblings still open files after the escape came to nothing. */
	must(lab_open_file(fx->lab, "P3", &err), &err, "open P3");
	assert_false(lab_escape(fx->lab, "P2", &err));
	assert_non_null(strstr(err.msg, "sandbox P2"));
}

static void test_refusals(void **state)
{
	struct fixture *fx = *state;
	struct lab_error err = { 0 };

	spawn(fx, LAB_PROCESSES, 1, "P");
	spawn(fx, LAB_THREADS, 2, "T");
	assert_false(lab_main_return(fx->lab, "P", false, &err));
	assert_non_null(strstr(err.msg, "processes"));
	assert_false(lab_main_return(fx->lab, "T", true, &err));
	assert_non_null(strstr(err.msg, "workload batches T"));
	assert_false(lab_main_return(fx->lab, "X", false, &err));
	/* return works under any workload: the threads end wherever they stand. */
	must(lab_main_return(fx->lab, "T", false, &err), &err, "return T");
	assert_false(group(fx, "T")->host_alive);
	assert_false(lab_main_return(fx->lab, "T", false, &err));
}

/* The last line of a --json run that is a report. */
static struct json_object *last_report(char *text)
{
	struct json_object *report = NULL;

	for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		struct json_object *o = json_tokener_parse(line), *ev;
		if (o != NULL && json_object_object_get_ex(o, "event", &ev) &&
		    strcmp(json_object_get_string(ev), "report") == 0) {
			json_object_put(report);
			report = o;
		} else {
			json_object_put(o);
		}
	}
	return report;
}

static struct json_object *at(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no \"%s\" in %s", key, json_object_to_json_string(o));
	return v;
}

/* The same outcomes as the screenless front end reports them in JSON. */
static void test_json_report(void **state)
{
	struct fixture *fx = *state;
	static const char text[] = "spawn threads 2 as T; sync atomic T; workload batches T; setenv T1 PTVIZ_TEST_SEEN=1; "
	                           "chdir T1 /; sandbox T2; escape T2; run 0.3; return T; report";
	struct batch_options opt = { .json = true, .hz = 10, .source = "-c" };
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	int rc = batch_run(fx->lab, text, strlen(text), &opt, f, stderr);
	fclose(f);
	remember(fx);
	assert_int_equal(rc, 0);
	struct json_object *report = last_report(out);
	free(out);
	assert_non_null(report);
	struct json_object *g = json_object_array_get_idx(at(report, "groups"), 0);
	assert_string_equal(json_object_get_string(at(g, "main")), "returned");
	struct json_object *b = at(g, "batches");
	int64_t counted = json_object_get_int64(at(b, "counted")), delivered = json_object_get_int64(at(b, "delivered"));
	assert_true(counted >= delivered);
	assert_int_equal(json_object_get_int64(at(b, "undelivered")), counted - delivered);
	struct json_object *t1 = json_object_array_get_idx(at(g, "workers"), 0);
	struct json_object *t2 = json_object_array_get_idx(at(g, "workers"), 1);
	struct json_object *env = at(t2, "environment");
	assert_string_equal(json_object_get_string(at(env, "value")), "1");
	assert_false(json_object_get_boolean(at(env, "in_proc_environ")));
	assert_string_equal(json_object_get_string(at(t2, "cwd")), "/");
	assert_false(json_object_get_boolean(at(t1, "sandboxed")));
	assert_true(json_object_get_boolean(at(t2, "sandboxed")));
	assert_true(json_object_get_boolean(at(at(t2, "escape"), "read")));
	assert_string_equal(json_object_get_string(at(at(t2, "escape"), "helper")), "T1");
	assert_string_equal(json_object_get_string(at(t2, "end")), "returned");
	json_object_put(report);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_forgotten_join_loses_work, setup, teardown),
		cmocka_unit_test_setup_teardown(test_join_delivers_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_setenv_seen_by_siblings_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chdir_seen_by_siblings_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sandboxed_thread_is_no_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sandboxed_process_holds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_report, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
