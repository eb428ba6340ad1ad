/* Screenless runs of the real ptviz binary: JSON events, exit codes, and nothing left behind. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../not_judged.h"
#include <json-c/json.h>

#include "json_lines.h"
#include "ptviz_run.h"

/* The n-th JSON line whose "event" is the given one, held for the test's teardown to release. */
static struct json_object *event(const char *out, const char *name, int nth)
{
	return json_hold(json_event(out, name, NULL, NULL, nth));
}

static struct json_object *find_group(struct json_object *report, const char *name)
{
	struct json_object *groups = get(report, "groups");

	for (size_t i = 0; i < json_object_array_length(groups); i++) {
		struct json_object *g = json_object_array_get_idx(groups, i);
		if (strcmp(json_object_get_string(get(g, "name")), name) == 0)
			return g;
	}
	fail_msg("no group %s", name);
	return NULL;
}

/* The CPU time of every worker in a report's array, in seconds. */
static double cpu_seconds(struct json_object *workers)
{
	double s = 0;

	for (size_t i = 0; i < json_object_array_length(workers); i++)
		s += json_object_get_int64(get(json_object_array_get_idx(workers, i), "cpu_ns")) / 1e9;
	return s;
}

/* The least CPU time any worker in a report's array had, in seconds. */
static double least_cpu_seconds(struct json_object *workers)
{
	double least = -1;

	for (size_t i = 0; i < json_object_array_length(workers); i++) {
		double s = json_object_get_int64(get(json_object_array_get_idx(workers, i), "cpu_ns")) / 1e9;
		if (least < 0 || s < least)
			least = s;
	}
	return least;
}

/*
 * Requests the workers must answer (a fault, a hold for step mode, a step)
 * wait for them a few seconds by the clock, then stop the script ("... within
 * N ms") or say in a note that the machine is busy.  ptviz and everything it
 * reaped had r->cpu_s of CPU: less than a second between ptviz and its workers
 * means a worker asked may have had next to none, and what depends on its
 * answer cannot be judged.  With more, the failure stands.  True when skipped.
 */
#define UNANSWERED_CPU_S 1.0
static const char *const busy_words[] = { " within ", "could not be held at a boundary", "the machine is busy",
	                                  "has not taken its step yet" };

static bool unanswered(const struct run *r, const char *what)
{
	const char *said = NULL;

	for (size_t i = 0; i < sizeof(busy_words) / sizeof(busy_words[0]) && said == NULL; i++) {
		const char *texts[2] = { r->err, r->out };
		for (int k = 0; k < 2 && said == NULL && (i > 0 || r->status == 1); k++) {
			said = strstr(texts[k], busy_words[i]);
			while (said != NULL && said > texts[k] && said[-1] != '\n')
				said--;   /* the whole line */
		}
	}
	if (said == NULL)
		return false;
	int len = (int)strcspn(said, "\n");
	if (r->cpu_s >= UNANSWERED_CPU_S)
		fail_msg("%s: \"%.*s\" although ptviz and its workers had %.2f s of CPU", what, len, said, r->cpu_s);
	not_judged(what, "\"%.*s\", and ptviz and all its workers had only %.2f s of CPU in %.0f s (the machine is "
	           "busy); it needs %.1f s", len, said, r->cpu_s, r->wall_s, UNANSWERED_CPU_S);
	return true;
}

/* A process's state letter and parent, from /proc/PID/stat; false once it is gone. */
static bool proc_stat(pid_t pid, char *state, pid_t *ppid)
{
	char path[64], buf[512];
	int parent;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	const char *p = strrchr(buf, ')');
	if (p == NULL || sscanf(p + 2, "%c %d", state, &parent) != 2)
		return false;
	*ppid = parent;
	return true;
}

/* Running: there, and neither a zombie nor dead. */
static bool running(pid_t pid)
{
	char state;
	pid_t ppid;

	return proc_stat(pid, &state, &ppid) && state != 'Z' && state != 'X';
}

/* A descendant of this test, by its line of parents: never another program's process that took a pid again. */
static bool descends_from_test(pid_t pid)
{
	pid_t me = getpid();
	char state;

	for (int depth = 0; depth < 64 && pid > 1; depth++) {
		if (!proc_stat(pid, &state, &pid))
			return false;
		if (pid == me)
			return true;
	}
	return false;
}

/*
 * What a test holds, released by its teardown however the test ends: a failed assertion jumps
 * out of the test past its own frees, kills and removals.  The run's output is the test's state
 * (run_setup), the JSON events it read are held (json_hold); and here, a ptviz it started by hand
 * with the pipes from it and every process ptviz told of, a scratch file or directory, the
 * directory the test left, and the core limit it raised.
 */
#define HELD_PIDS 16
static struct {
	pid_t ptviz;             /* started by start(), not reaped yet */
	pid_t pids[HELD_PIDS];   /* its workers and their children, as ptviz told of them */
	int npids;
	int fds[2];              /* ptviz's stdout and stderr */
	char scratch[64];        /* a file, or a directory and what it holds */
	char cwd[4096];          /* where the test was before it changed directory */
	struct rlimit core;      /* the core limit before the test raised it */
	bool core_raised;
} held;

static void hold_pids(const pid_t *pids, int n)
{
	for (int i = 0; i < n; i++) {
		bool known = false;
		for (int k = 0; k < held.npids; k++)
			known |= held.pids[k] == pids[i];
		if (!known && pids[i] > 0 && held.npids < HELD_PIDS)
			held.pids[held.npids++] = pids[i];
	}
}

/* Sends SIGKILL to every running child of this test (ptviz's orphans come here); returns how many. */
static int kill_children(void)
{
	DIR *d = opendir("/proc");
	pid_t me = getpid(), ppid;
	char state;
	int n = 0;

	if (d == NULL)
		return 0;
	for (struct dirent *de; (de = readdir(d)) != NULL;) {
		pid_t pid = (pid_t)atoi(de->d_name);
		if (pid > 0 && proc_stat(pid, &state, &ppid) && ppid == me && state != 'Z' && state != 'X') {
			kill(pid, SIGKILL);
			n++;
		}
	}
	closedir(d);
	return n;
}

/*
 * Ends by pid the ptviz a test started and every process it told of, and reaps them.  ptviz
 * goes first, so that what it leaves comes to this test, its subreaper; only a descendant of
 * this test is sent a signal.  A process ptviz had not told of yet is its child, so it is this
 * test's child once ptviz is gone, and ends too.  A killed process needs a CPU to die, and at
 * idle priority on a busy machine it may wait minutes for one: this waits for that, with a
 * guard, and then says what is still dying (sent SIGKILL, it ends as soon as it runs).
 */
#define END_GUARD_S 60.0
static void end_started(void)
{
	double guard = now() + END_GUARD_S;
	int left;

	if (held.ptviz > 0) {
		kill(held.ptviz, SIGKILL);
		waitpid(held.ptviz, NULL, 0);
		held.ptviz = 0;
	}
	do {
		left = 0;
		for (int i = 0; i < held.npids; i++) {
			if (running(held.pids[i]) && descends_from_test(held.pids[i])) {
				kill(held.pids[i], SIGKILL);
				left++;
			}
		}
		left += kill_children();
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (left > 0)
			usleep(10000);
	} while (left > 0 && now() < guard);
	if (left > 0)
		print_message("%d process(es) this test started were sent SIGKILL and had no CPU to die in %.0f s (the machine "
		              "is busy)\n", left, END_GUARD_S);
	held.npids = 0;
}

/* Removes the test's scratch file, or its scratch directory with what appeared in it. */
static void remove_scratch(void)
{
	DIR *d = opendir(held.scratch);

	if (d == NULL) {
		unlink(held.scratch);
		return;
	}
	for (struct dirent *de; (de = readdir(d)) != NULL;) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
	rmdir(held.scratch);
}

static int batch_setup(void **state)
{
	memset(&held, 0, sizeof(held));
	held.fds[0] = held.fds[1] = -1;
	return run_setup(state);
}

static int batch_teardown(void **state)
{
	end_started();
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	json_release_all();
	for (int i = 0; i < 2; i++) {
		if (held.fds[i] >= 0)
			close(held.fds[i]);
	}
	if (held.cwd[0] != '\0' && chdir(held.cwd) != 0)
		print_error("cannot go back to %s\n", held.cwd);
	if (held.scratch[0] != '\0')
		remove_scratch();
	if (held.core_raised)
		setrlimit(RLIMIT_CORE, &held.core);
	return run_teardown(state);
}

/* The report's private processes: one address, four values, nothing lost, no combined counter. */
static void check_private_processes(struct json_object *p)
{
	assert_true(json_object_is_type(get(p, "counter"), json_type_null));
	assert_int_equal(json_object_get_int64(get(p, "lost")), 0);
	struct json_object *pw = get(p, "workers");
	assert_int_equal(json_object_array_length(pw), 4);
	const char *address = json_object_get_string(get(json_object_array_get_idx(pw, 0), "counter_address"));
	/* Four values once each has counted: when every one had CPU, and a snapshot held them all. */
	double least = least_cpu_seconds(pw);
	bool counted = json_object_get_boolean(get(p, "consistent")) && least >= 0.02;
	if (!counted)
		not_judged("four private counters differ", "a process had %.0f ms of CPU, or the last snapshot could not "
		           "hold them all (the machine is busy); it needs 20 ms each", least * 1000);
	for (size_t i = 0; i < 4; i++) {
		struct json_object *wi = json_object_array_get_idx(pw, i);
		assert_string_equal(json_object_get_string(get(wi, "counter_address")), address);
		if (counted)
			assert_int_equal(json_object_get_int64(get(wi, "counter")), json_object_get_int64(get(wi, "done")));
		for (size_t j = 0; j < i && counted; j++)
			assert_true(json_object_get_int64(get(wi, "counter")) !=
			            json_object_get_int64(get(json_object_array_get_idx(pw, j), "counter")));
	}
}

static void test_report_json(void **state)
{
	struct run *r = *state;

	run(r, "--json", "-c", "spawn threads 4; spawn processes 4; run 1.5; report", NULL);
	assert_int_equal(r->status, 0);
	struct json_object *spawn = event(r->out, "spawn", 0);
	assert_non_null(spawn);
	assert_string_equal(json_object_get_string(get(spawn, "group")), "T");

	struct json_object *rep = event(r->out, "report", 0);
	assert_non_null(rep);
	assert_int_equal(json_object_get_int64(get(rep, "parent_counter")), 0);
	struct json_object *t = find_group(rep, "T"), *p = find_group(rep, "P");
	assert_string_equal(json_object_get_string(get(t, "kind")), "threads");
	assert_string_equal(json_object_get_string(get(t, "memory")), "shared");
	assert_string_equal(json_object_get_string(get(t, "sync")), "none");
	assert_int_equal(json_object_get_int(get(t, "alive")), 4);
	int64_t inc = json_object_get_int64(get(t, "increments"));
	int64_t ctr = json_object_get_int64(get(t, "counter"));
	int64_t lost = json_object_get_int64(get(t, "lost"));
	/*
	 * Exact when every writer stood between two increments; with one caught
	 * mid-increment (preempted, say), lost is what is surely lost, and says so.
	 */
	assert_true(lost >= 0);
	if (json_object_get_boolean(get(t, "lost_at_least")))
		assert_true(json_object_is_type(get(t, "mid_increment"), json_type_string));
	else if (!json_object_get_boolean(get(t, "lost_kept")))
		assert_int_equal(lost, inc - ctr);
	/*
	 * An update is lost only while two threads run at once on two CPUs.  Judged by CPU time:
	 * what the threads had beyond one CPU's worth over the whole run they surely had together.
	 * The figures are those of the last snapshot that held every thread at a boundary.
	 */
	double together = cpu_seconds(get(t, "workers")) - r->wall_s;
	if (!json_object_get_boolean(get(t, "consistent")))
		not_judged("lost > 0", "the last snapshot could not hold every thread at a boundary (the machine is busy)");
	else if (together >= 0.3)
		assert_true(lost > 0);
	else
		not_judged("lost > 0", "the threads ran side by side for at most %.0f ms (the machine is busy or has one "
		           "CPU); it needs 300 ms", together > 0 ? together * 1000 : 0.0);
	struct json_object *w = json_object_array_get_idx(get(t, "workers"), 0);
	assert_string_equal(json_object_get_string(get(w, "id")), "T1");
	assert_true(json_object_get_boolean(get(w, "alive")));
	assert_int_equal(strlen(json_object_get_string(get(w, "state"))), 1);
	assert_true(strncmp(json_object_get_string(get(w, "counter_address")), "0x", 2) == 0);
	assert_true(strncmp(json_object_get_string(get(w, "stack_address")), "0x", 2) == 0);
	get(w, "tid");
	get(w, "done");
	get(w, "counter");
	assert_true(json_object_is_type(get(w, "mid_increment"), json_type_boolean));
	assert_false(json_object_get_boolean(get(w, "stopped")));
	/* time on a CPU in ns (schedstat), in step with the 10 ms ticks of stat */
	int64_t ns = json_object_get_int64(get(w, "cpu_ns"));
	int64_t ticks = json_object_get_int64(get(w, "cpu_ticks"));
	long hz = sysconf(_SC_CLK_TCK);
	assert_true(ns > 0);
	assert_true(ns + 20000000 >= ticks * (1000000000 / hz) / 2);

	check_private_processes(p);
}

static void test_faults_json(void **state)
{
	struct run *r = *state;

	run(r, "--json", "-c",
	    "spawn threads 4; spawn processes 4; run 0.2; inject segv T3; inject segv P3; run 0.3; report", NULL);
	if (unanswered(r, "inject segv T3, P3"))
		return;
	assert_int_equal(r->status, 0);
	struct json_object *e0 = event(r->out, "exit", 0), *e1 = event(r->out, "exit", 1);
	assert_non_null(e0);
	assert_non_null(e1);
	assert_string_equal(json_object_get_string(get(e0, "group")), "T");
	assert_string_equal(json_object_get_string(get(e0, "cause")), "T3");
	assert_string_equal(json_object_get_string(get(e0, "signal")), "SIGSEGV");
	assert_true(json_object_is_type(get(e0, "status"), json_type_null));
	assert_int_equal(json_object_array_length(get(e0, "workers")), 4);
	assert_string_equal(json_object_get_string(get(e1, "cause")), "P3");
	assert_int_equal(json_object_array_length(get(e1, "workers")), 1);
	struct json_object *rep = event(r->out, "report", 0);
	assert_int_equal(json_object_get_int(get(find_group(rep, "T"), "alive")), 0);
	assert_int_equal(json_object_get_int(get(find_group(rep, "P"), "alive")), 3);
}

/* Sixteen groups at most, but a dead one gives way to a new one. */
static void check_sixteen_groups(struct run *r)
{
	char many[600] = "";

	for (int i = 0; i < 16; i++)
		strcat(many, "spawn threads 1; ");
	char more[700];
	snprintf(more, sizeof(more), "%sspawn threads 1", many);
	run(r, "-c", more, NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "already 16 groups with live workers"));
	snprintf(more, sizeof(more), "%skill TB; spawn threads 1 as Zed; report", many);
	run(r, "-c", more, NULL);
	assert_int_equal(r->status, 0);
	assert_non_null(strstr(r->out, "Zed: 1 thread"));
}

static void test_exit_codes_and_errors(void **state)
{
	struct run *r = *state;

	run(r, "--help", NULL);
	assert_int_equal(r->status, 0);
	assert_non_null(strstr(r->out, "usage: ptviz"));
	run(r, "--version", NULL);
	assert_int_equal(r->status, 0);
	assert_non_null(strstr(r->out, "ptviz "));
	run(r, "--frobnicate", NULL);
	assert_int_equal(r->status, 2);
	run(r, "--max-threads", "zero", "-c", "report", NULL);
	assert_int_equal(r->status, 2);
	assert_non_null(strstr(r->err, "expected a whole number"));
	run(r, "--batch", "/nonexistent/lesson", NULL);
	assert_int_equal(r->status, 2);

	/* a syntax error anywhere: nothing runs */
	run(r, "--json", "-c", "spawn threads 2\ninject segfault T1", NULL);
	assert_int_equal(r->status, 1);
	assert_null(strstr(r->out, "\"spawn\""));
	struct json_object *e = event(r->out, "error", 0);
	assert_non_null(e);
	assert_int_equal(json_object_get_int(get(e, "line")), 2);
	assert_int_equal(json_object_get_int(get(e, "column")), 8);
	assert_non_null(strstr(json_object_get_string(get(e, "message")), "expected segv, abort, exit, loop or block"));

	/* a command that fails stops the run there, cleanly */
	run(r, "-c", "spawn processes 2; inject segv P9; report", NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "-c:1:32:"));
	assert_null(strstr(r->out, "report"));
	run(r, "-c", "spawn threads 2; inject segv T1; inject abort T2", NULL);
	assert_int_equal(r->status, 1);
	if (!unanswered(r, "inject segv T1"))
		assert_non_null(strstr(r->err, "already dead"));
	/* kill P tells each exit as one of many, never that nobody was left when others still ran */
	run(r, "-c", "spawn processes 3; kill P2; kill P", NULL);
	assert_int_equal(r->status, 0);
	assert_non_null(strstr(r->out, "P1 P3 kept running"));
	assert_non_null(strstr(r->out, "was killed by ptviz (SIGKILL), like every process of P still running"));
	assert_null(strstr(r->out, "no other process of its group was left"));
	/* reap off: a killed process stays a zombie too, until reap */
	run(r, "-c", "spawn processes 2; reap off; kill P2; run 0.1; report; reap", NULL);
	assert_int_equal(r->status, 0);
	assert_non_null(strstr(r->out, " Z SIGKILL"));
	assert_non_null(strstr(r->out, "reaped P2 (pid"));
	check_sixteen_groups(r);
	/* pause and resume say what they did, and when there was nothing to do */
	run(r, "-c", "spawn threads 2; pause T; pause T; resume T1; resume T1", NULL);
	assert_int_equal(r->status, 0);
	assert_non_null(strstr(r->out, "paused 2 workers"));
	assert_non_null(strstr(r->out, "T was already paused: nothing changed"));
	assert_non_null(strstr(r->out, "resumed 1 worker"));
	assert_non_null(strstr(r->out, "T1 was not paused: nothing to resume"));
	/* reset starts over: the defaults of the first scene, whatever was set before */
	run(r, "--json", "-c", "workload deadlock; sync mutex; reset; spawn threads 2; run 0.3; report", NULL);
	assert_int_equal(r->status, 0);
	assert_non_null(strstr(r->out, "\"sync\":\"none\""));
	assert_non_null(strstr(r->out, "\"workload\":\"counter\""));
	assert_null(strstr(r->out, "\"workload\":\"deadlock\""));
	/* the caret goes where the mistake is: the worker, or the descriptor it does not have */
	run(r, "-c", "spawn processes 2; close P7 3", NULL);
	assert_non_null(strstr(r->err, "-c:1:26:"));
	run(r, "-c", "spawn processes 2; close P2 99", NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "-c:1:29: P2 has no fd 99 open"));
	run(r, "--max-processes", "2", "-c", "spawn processes 3", NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "--max-processes 3"));
}

static void test_batch_file_and_text(void **state)
{
	struct run *r = *state;
	char path[] = "/tmp/ptviz-batch-XXXXXX";
	int fd = mkstemp(path);
	const char text[] = "# crash blast radius\nspawn threads 3\nspawn processes 3\ninject segv P2\ninject segv T2\nreport\n";
	assert_true(fd >= 0);
	snprintf(held.scratch, sizeof(held.scratch), "%s", path);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	run(r, "--batch", path, NULL);
	if (!unanswered(r, "inject segv P2, T2")) {
		assert_int_equal(r->status, 0);
		assert_non_null(strstr(r->out, "P2 wrote through NULL -> SIGSEGV -> P2"));
		assert_non_null(strstr(r->out, "died alone; P1 P3 kept running"));
		assert_non_null(strstr(r->out, "taking T1 T3 with it"));
		assert_non_null(strstr(r->out, "ptviz's own counter"));
	}
	unlink(path);

	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_int_equal(write(fd, "report\n\n  sync maybe\n", 21), 21);
	close(fd);
	run(r, "--batch", path, NULL);
	assert_int_equal(r->status, 1);
	char where[128];
	snprintf(where, sizeof(where), "%s:3:8: unknown sync mode 'maybe'", path);
	assert_non_null(strstr(r->err, where));

	/* not text: refused whole, nothing half run */
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_int_equal(write(fd, "spawn threads 1\n\0\nreport\n", 25), 25);
	close(fd);
	run(r, "--batch", path, NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, ":2:1: a NUL byte"));
	assert_null(strstr(r->out, "spawned"));
	run(r, "--batch", "/tmp", NULL);
	assert_int_equal(r->status, 2);
	assert_non_null(strstr(r->err, "cannot read '/tmp'"));
	unlink(path);
}

/* Every pid in the spawn events of a JSON stream read so far. */
static int spawned_pids(const char *out, pid_t *pids, int max)
{
	int n = 0;

	for (int k = 0;; k++) {
		struct json_object *s = event(out, "spawn", k);
		if (s == NULL)
			break;
		struct json_object *host = get(s, "pid");
		if (!json_object_is_type(host, json_type_null) && n < max)
			pids[n++] = json_object_get_int(host);
		struct json_object *list = NULL;
		if (json_object_object_get_ex(s, "pids", &list)) {
			for (size_t i = 0; i < json_object_array_length(list) && n < max; i++)
				pids[n++] = json_object_get_int(json_object_array_get_idx(list, i));
		}
		json_release(s);
	}
	return n;
}

/*
 * Reads ptviz's output until it names want pids (found by pids_of) and holds needle.  It ends as
 * soon as they show; the bound only guards a hang, so it is generous for a busy machine.
 */
#define READ_GUARD_S 120
static int read_until(int outfd, char *out, size_t cap, int (*pids_of)(const char *, pid_t *, int), pid_t *pids,
                      int want, const char *needle)
{
	size_t len = 0;
	int n = 0;
	double deadline = now() + READ_GUARD_S;

	out[0] = '\0';
	while ((n < want || (needle != NULL && strstr(out, needle) == NULL)) && now() < deadline) {
		struct pollfd pfd = { outfd, POLLIN, 0 };
		poll(&pfd, 1, 200);
		ssize_t got = read(outfd, out + len, cap - 1 - len);
		if (got > 0)
			len += (size_t)got;
		out[len] = '\0';
		n = pids_of(out, pids, want);
	}
	return n;
}

/* Time on a CPU of a process, threads that ended included (utime + stime of stat), in ms; 0 once it is gone. */
static double process_cpu_ms(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long long utime, stime;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	const char *p = strrchr(buf, ')');
	/* after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
	if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
		return 0;
	return (double)(utime + stime) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

/*
 * kill -9 of ptviz: every one of pids must end.  A killed worker ends as soon as it runs, and at
 * idle priority on a busy machine it may not run for seconds; so one still there fails once it
 * has had DYING_CPU_MS of CPU since ptviz died, and when it has not had that in GUARD_S seconds,
 * the check says so and is skipped.  This test is their subreaper.  The CPU is counted from
 * once ptviz is reaped: while a busy machine keeps ptviz from dying, its workers count on.
 */
#define DYING_CPU_MS 50
#define GUARD_S 60.0
static void kill_9_and_check(const pid_t *pids, int n, const char *what)
{
	double cpu0[8];

	assert_true(n <= 8);
	kill(held.ptviz, SIGKILL);
	waitpid(held.ptviz, NULL, 0);
	held.ptviz = 0;
	for (int i = 0; i < n; i++)
		cpu0[i] = process_cpu_ms(pids[i]);
	double killed = now();
	for (;;) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		int left = -1;
		double most = 0;
		for (int i = 0; i < n; i++) {
			if (!running(pids[i]))
				continue;
			double ms = process_cpu_ms(pids[i]) - cpu0[i];
			/* The teardown ends what is left, by pid. */
			if (ms >= DYING_CPU_MS)
				fail_msg("%s %d outlived ptviz's kill -9 although it had %.0f ms of CPU since", what, (int)pids[i],
				         ms);
			left = i;
			most = ms > most ? ms : most;
		}
		if (left < 0)
			break;
		if (now() > killed + GUARD_S) {
			not_judged("every process ends with ptviz's kill -9",
			           "%s %d is still there after %.0f s, with %.0f ms of CPU since (the machine is busy); it needs "
			           "%d ms", what, (int)pids[left], GUARD_S, most, DYING_CPU_MS);
			break;
		}
		usleep(10000);
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/*
 * Runs script, reads until pids_of finds want pids (and needle, if any), checks
 * they run, then kill -9 of ptviz: every one must be gone.  ptviz, its pipes and
 * every pid it told of are held, for the teardown to end if the test fails first.
 */
static void kill_9_scenario(const char *script, int (*pids_of)(const char *, pid_t *, int), int want,
                            const char *needle, const char *what)
{
	const char *args[] = { "--json", "-c", script, NULL };
	char out[8192];
	pid_t pids[8], workers[8];

	/* Orphans come back to this test, so it can reap them and see them gone. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	held.ptviz = start(args, &held.fds[0], &held.fds[1]);
	int n = read_until(held.fds[0], out, sizeof(out), pids_of, pids, want, needle);
	hold_pids(pids, n);
	hold_pids(workers, spawned_pids(out, workers, 8));
	assert_int_equal(n, want);
	if (needle != NULL)
		assert_non_null(strstr(out, needle));
	for (int i = 0; i < n; i++)
		assert_true(running(pids[i]));
	kill_9_and_check(pids, n, what);
}

static void test_kill_9_leaves_nothing(void **state)
{
	(void)state;   /* the run buffer is not used: ptviz is started by hand */
	kill_9_scenario("spawn threads 4; spawn processes 4; run 30", spawned_pids, 5, NULL, "worker");
}

/* The pids in the notes "... forked child N; ...". */
static int forked_pids(const char *out, pid_t *pids, int max)
{
	int n = 0;

	for (const char *p = strstr(out, "forked child "); p != NULL && n < max; p = strstr(p + 1, "forked child "))
		pids[n++] = (pid_t)atoi(p + strlen("forked child "));
	return n;
}

/* A worker's child, adopted by ptviz (P1's, once P1 is killed) or not (P2's), does not outlive ptviz's kill -9. */
static void test_kill_9_ends_workers_children(void **state)
{
	(void)state;   /* the run buffer is not used: ptviz is started by hand */
	kill_9_scenario("spawn processes 2; fork P1; fork P2; kill P1; run 30", forked_pids, 2, "\"killed\"",
	                "child of a worker");
}

static void test_no_core_files(void **state)
{
	struct run *r = *state;
	char dir[] = "/tmp/ptviz-core-XXXXXX", cwd[4096], found[256] = "";
	struct rlimit core;

	/* Allow cores as far as we may, so only ptviz's own limit can keep them away (the teardown puts it back). */
	getrlimit(RLIMIT_CORE, &held.core);
	held.core_raised = true;
	core = held.core;
	core.rlim_cur = core.rlim_max;
	setrlimit(RLIMIT_CORE, &core);
	assert_non_null(mkdtemp(dir));
	snprintf(held.scratch, sizeof(held.scratch), "%s", dir);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	snprintf(held.cwd, sizeof(held.cwd), "%s", cwd);
	run(r, "-c", "spawn processes 3; spawn threads 2; inject segv P1; inject abort P2; inject abort T1", NULL);
	assert_int_equal(chdir(cwd), 0);
	held.cwd[0] = '\0';
	if (!unanswered(r, "inject segv and abort"))
		assert_int_equal(r->status, 0);
	DIR *d = opendir(dir);
	assert_non_null(d);
	for (struct dirent *de; found[0] == '\0' && (de = readdir(d)) != NULL;) {
		if (de->d_name[0] != '.')
			snprintf(found, sizeof(found), "%s", de->d_name);
	}
	closedir(d);
	if (found[0] != '\0')
		fail_msg("%s appeared in the working directory", found);
}

/* The race lesson's script, through the command language: the same interleaving, opposite outcomes. */
static void test_step_json(void **state)
{
	struct run *r = *state;

	run(r, "--json", "-c",
	    "spawn threads 2; spawn processes 2; step on; schedule 1 2 1 2 1 2\n"
	    "step; step; step; step; step; step; report\n"
	    "workload withdraw; schedule 1 2 1 1 2 2; step; step; step; step; step; step; report",
	    NULL);
	if (unanswered(r, "step on, and twelve steps"))
		return;
	assert_int_equal(r->status, 0);
	struct json_object *note = event(r->out, "note", 0);
	assert_non_null(note);
	assert_non_null(strstr(json_object_get_string(get(note, "message")), "T1 load: register = 0"));
	assert_string_equal(json_object_get_string(get(note, "command")), "step");

	struct json_object *rep = event(r->out, "report", 0);
	struct json_object *t = find_group(rep, "T"), *p = find_group(rep, "P");
	assert_true(json_object_get_boolean(get(t, "stepping")));
	assert_int_equal(json_object_get_int64(get(t, "increments")), 2);
	assert_int_equal(json_object_get_int64(get(t, "counter")), 1);
	assert_int_equal(json_object_get_int64(get(t, "lost")), 1);
	assert_int_equal(json_object_get_int64(get(p, "lost")), 0);
	for (size_t i = 0; i < 2; i++) {
		struct json_object *w = json_object_array_get_idx(get(p, "workers"), i);
		assert_int_equal(json_object_get_int64(get(w, "counter")), 1);
		assert_string_equal(json_object_get_string(get(w, "next")), "load");
		assert_true(json_object_is_type(get(w, "register"), json_type_null));
		assert_int_equal(json_object_get_int64(get(w, "steps")), 3);
	}

	rep = event(r->out, "report", 1);
	t = find_group(rep, "T");
	p = find_group(rep, "P");
	assert_string_equal(json_object_get_string(get(t, "workload")), "withdraw");
	assert_int_equal(json_object_get_int64(get(t, "withdrawals")), 2);
	assert_int_equal(json_object_get_int64(get(t, "balance")), -100);
	assert_true(json_object_get_boolean(get(t, "overdrawn")));
	assert_false(json_object_get_boolean(get(p, "overdrawn")));
	assert_true(json_object_is_type(get(p, "balance"), json_type_null));

	/* a mistake names its place and what would be right */
	run(r, "-c", "spawn threads 2; step T1", NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "-c:1:23: T1 is not in step mode: 'step on T' first"));
	run(r, "-c", "schedule 1 two", NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "-c:1:12: bad worker number 'two'"));
}

/* A number in a JSON object, which must be there and be a number. */
static double figure(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
		fail_msg("\"%s\" is not a number: %s", key, json_object_to_json_string(v));
	return json_object_get_double(v);
}

/*
 * The report says what the machine is doing: "observation" (passes, the rate
 * delivered, how long a pass took) and "machine" (CPUs, other programs' share,
 * the load), and the text report says the same in words.  Only sane values are
 * asked for: what other programs use is not this test's to decide.
 */
static void test_report_machine(void **state)
{
	struct run *r = *state;

	run(r, "--json", "-c", "spawn processes 2; run 1.5; report", NULL);
	assert_int_equal(r->status, 0);
	struct json_object *rep = event(r->out, "report", 0);
	assert_non_null(rep);
	struct json_object *ob = get(rep, "observation"), *m = get(rep, "machine");
	/* Ten passes a second for 1.5 s, when the machine lets them come: two at the very least. */
	int64_t passes = json_object_get_int64(get(ob, "passes"));
	assert_true(passes >= 2);
	double hz = figure(ob, "hz"), median = figure(ob, "pass_median_us"), p90 = figure(ob, "pass_p90_us");
	assert_true(hz > 0 && hz <= 100);
	assert_true(median > 0 && median <= p90);
	assert_true(p90 < 60e6);
	int cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	assert_int_equal(json_object_get_int(get(m, "cpus")), cpus);
	double other = figure(m, "other_cpu");
	assert_true(other >= 0 && other <= cpus);
	assert_true(figure(m, "load1") >= 0);

	/* At once, before time ran: no pass but the report's own, so no rate; other programs' CPUs not known. */
	run(r, "--json", "-c", "report", NULL);
	assert_int_equal(r->status, 0);
	rep = event(r->out, "report", 0);
	ob = get(rep, "observation");
	assert_int_equal(json_object_get_int64(get(ob, "passes")), 0);
	assert_true(figure(ob, "hz") == 0);
	assert_true(json_object_is_type(get(ob, "pass_median_us"), json_type_null));
	assert_true(json_object_is_type(get(get(rep, "machine"), "other_cpu"), json_type_null));

	run(r, "-c", "run 0.5; report", NULL);
	assert_int_equal(r->status, 0);
	assert_non_null(strstr(r->out, "  machine: "));
	assert_non_null(strstr(r->out, " other programs used "));
	assert_non_null(strstr(r->out, "  observation: "));
	assert_non_null(strstr(r->out, " a second over the last "));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_report_json, batch_setup, batch_teardown),
		cmocka_unit_test_setup_teardown(test_faults_json, batch_setup, batch_teardown),
		cmocka_unit_test_setup_teardown(test_exit_codes_and_errors, batch_setup, batch_teardown),
		cmocka_unit_test_setup_teardown(test_batch_file_and_text, batch_setup, batch_teardown),
		cmocka_unit_test_setup_teardown(test_kill_9_leaves_nothing, batch_setup, batch_teardown),
		cmocka_unit_test_setup_teardown(test_kill_9_ends_workers_children, batch_setup, batch_teardown),
		cmocka_unit_test_setup_teardown(test_no_core_files, batch_setup, batch_teardown),
		cmocka_unit_test_setup_teardown(test_step_json, batch_setup, batch_teardown),
		cmocka_unit_test_setup_teardown(test_report_machine, batch_setup, batch_teardown),
	};
	if (argc < 2) {
		fprintf(stderr, "usage: test_batch PATH-TO-PTVIZ\n");
		return 2;
	}
	static char full[4096];
	ptviz_path = realpath(argv[1], full) != NULL ? full : argv[1];
	/* One test by itself: PTVIZ_TEST=test_report_json (a glob). */
	if (getenv("PTVIZ_TEST") != NULL)
		cmocka_set_test_filter(getenv("PTVIZ_TEST"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
