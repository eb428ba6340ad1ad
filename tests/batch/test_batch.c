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
#include <json-c/json.h>

#include "json_lines.h"
#include "ptviz_run.h"

/* The n-th JSON line whose "event" is the given one. */
static struct json_object *event(const char *out, const char *name, int nth)
{
	return json_event(out, name, NULL, NULL, nth);
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
 * A check that needs the workers to have run is judged by the CPU they had,
 * never by how long the script let time pass: on a busy machine, at idle
 * priority, they may get none for seconds.  When they did not have enough,
 * the check says why it cannot be judged and is skipped.
 */
static int skipped_checks;

static void not_judged(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void not_judged(const char *what, const char *fmt, ...)
{
	char why[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	skipped_checks++;
	print_message("SKIP one check: %s cannot be judged: %s\n", what, why);
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

static void test_report_json(void **state)
{
	(void)state;
	struct run *r = malloc(sizeof(*r));
	run(r, "--json", "-c", "spawn threads 4; spawn processes 4; run 1.5; report", NULL);
	assert_int_equal(r->status, 0);
	struct json_object *spawn = event(r->out, "spawn", 0);
	assert_non_null(spawn);
	assert_string_equal(json_object_get_string(get(spawn, "group")), "T");
	json_object_put(spawn);

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

	/* private processes: one address, four values, nothing lost, no combined counter */
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
	json_object_put(rep);
	free(r);
}

static void test_faults_json(void **state)
{
	(void)state;
	struct run *r = malloc(sizeof(*r));
	run(r, "--json", "-c",
	    "spawn threads 4; spawn processes 4; run 0.2; inject segv T3; inject segv P3; run 0.3; report", NULL);
	if (unanswered(r, "inject segv T3, P3")) {
		free(r);
		return;
	}
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
	json_object_put(e0);
	json_object_put(e1);
	json_object_put(rep);
	free(r);
}

static void test_exit_codes_and_errors(void **state)
{
	(void)state;
	struct run *r = malloc(sizeof(*r));

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
	json_object_put(e);

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
	/* sixteen groups at most, but a dead one gives way to a new one */
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
	free(r);
}

static void test_batch_file_and_text(void **state)
{
	(void)state;
	struct run *r = malloc(sizeof(*r));
	char path[] = "/tmp/ptviz-batch-XXXXXX";
	int fd = mkstemp(path);
	const char text[] = "# crash blast radius\nspawn threads 3\nspawn processes 3\ninject segv P2\ninject segv T2\nreport\n";
	assert_true(fd >= 0);
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
	free(r);
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
		json_object_put(s);
	}
	return n;
}

static bool running(pid_t pid)
{
	char path[64], buf[512];

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
	return p != NULL && p[2] != 'Z' && p[2] != 'X';
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
 * the check says so and is skipped.  This test is their subreaper.
 */
#define DYING_CPU_MS 50
#define GUARD_S 60.0
static void kill_9_and_check(pid_t ptviz, const pid_t *pids, int n, const char *what)
{
	double cpu0[8];

	assert_true(n <= 8);
	for (int i = 0; i < n; i++)
		cpu0[i] = process_cpu_ms(pids[i]);
	kill(ptviz, SIGKILL);
	waitpid(ptviz, NULL, 0);
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
			if (ms >= DYING_CPU_MS) {
				kill(pids[i], SIGKILL);
				fail_msg("%s %d outlived ptviz's kill -9 although it had %.0f ms of CPU since", what, (int)pids[i],
				         ms);
			}
			left = i;
			most = ms > most ? ms : most;
		}
		if (left < 0)
			break;
		if (now() > killed + GUARD_S) {
			not_judged("every process ends with ptviz's kill -9",
			           "%s %d is still there after %.0f s, with %.0f ms of CPU since (the machine is busy); it needs "
			           "%d ms", what, (int)pids[left], GUARD_S, most, DYING_CPU_MS);
			for (int i = 0; i < n; i++)
				kill(pids[i], SIGKILL);
			break;
		}
		usleep(10000);
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/*
 * Runs script, reads until pids_of finds want pids (and needle, if any), checks
 * they run, then kill -9 of ptviz: every one must be gone within 1 s.
 */
static void kill_9_scenario(const char *script, int (*pids_of)(const char *, pid_t *, int), int want,
                            const char *needle, const char *what)
{
	const char *args[] = { "--json", "-c", script, NULL };
	char out[8192];
	int outfd, errfd;
	pid_t pids[8];

	/* Orphans come back to this test, so it can reap them and see them gone. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	pid_t pid = start(args, &outfd, &errfd);
	int n = read_until(outfd, out, sizeof(out), pids_of, pids, want, needle);
	assert_int_equal(n, want);
	if (needle != NULL)
		assert_non_null(strstr(out, needle));
	for (int i = 0; i < n; i++)
		assert_true(running(pids[i]));
	kill_9_and_check(pid, pids, n, what);
	close(outfd);
	close(errfd);
}

static void test_kill_9_leaves_nothing(void **state)
{
	(void)state;
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
	(void)state;
	kill_9_scenario("spawn processes 2; fork P1; fork P2; kill P1; run 30", forked_pids, 2, "\"killed\"",
	                "child of a worker");
}

static void test_no_core_files(void **state)
{
	(void)state;
	char dir[] = "/tmp/ptviz-core-XXXXXX", cwd[4096];
	struct run *r = malloc(sizeof(*r));

	/* Allow cores as far as we may, so only ptviz's own limit can keep them away. */
	struct rlimit core;
	getrlimit(RLIMIT_CORE, &core);
	core.rlim_cur = core.rlim_max;
	setrlimit(RLIMIT_CORE, &core);
	assert_non_null(mkdtemp(dir));
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	run(r, "-c", "spawn processes 3; spawn threads 2; inject segv P1; inject abort P2; inject abort T1", NULL);
	assert_int_equal(chdir(cwd), 0);
	if (!unanswered(r, "inject segv and abort"))
		assert_int_equal(r->status, 0);
	DIR *d = opendir(dir);
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.')
			fail_msg("%s appeared in the working directory", de->d_name);
	}
	closedir(d);
	rmdir(dir);
	free(r);
}


/* The script, through the command language: the same interleaving, opposite outcomes. */
static void test_step_json(void **state)
{
	(void)state;
	struct run *r = malloc(sizeof(*r));
	run(r, "--json", "-c",
	    "spawn threads 2; spawn processes 2; step on; schedule 1 2 1 2 1 2\n"
	    "step; step; step; step; step; step; report\n"
	    "workload withdraw; schedule 1 2 1 1 2 2; step; step; step; step; step; step; report",
	    NULL);
	if (unanswered(r, "step on, and twelve steps")) {
		free(r);
		return;
	}
	assert_int_equal(r->status, 0);
	struct json_object *note = event(r->out, "note", 0);
	assert_non_null(note);
	assert_non_null(strstr(json_object_get_string(get(note, "message")), "T1 load: register = 0"));
	assert_string_equal(json_object_get_string(get(note, "command")), "step");
	json_object_put(note);

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
	json_object_put(rep);

	rep = event(r->out, "report", 1);
	t = find_group(rep, "T");
	p = find_group(rep, "P");
	assert_string_equal(json_object_get_string(get(t, "workload")), "withdraw");
	assert_int_equal(json_object_get_int64(get(t, "withdrawals")), 2);
	assert_int_equal(json_object_get_int64(get(t, "balance")), -100);
	assert_true(json_object_get_boolean(get(t, "overdrawn")));
	assert_false(json_object_get_boolean(get(p, "overdrawn")));
	assert_true(json_object_is_type(get(p, "balance"), json_type_null));
	json_object_put(rep);

	/* a mistake names its place and what would be right */
	run(r, "-c", "spawn threads 2; step T1", NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "-c:1:23: T1 is not in step mode: 'step on T' first"));
	run(r, "-c", "schedule 1 two", NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "-c:1:12: bad worker number 'two'"));
	free(r);
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
	(void)state;
	struct run *r = malloc(sizeof(*r));
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
	json_object_put(rep);

	/* At once, before time ran: no pass but the report's own, so no rate; other programs' CPUs not known. */
	run(r, "--json", "-c", "report", NULL);
	assert_int_equal(r->status, 0);
	rep = event(r->out, "report", 0);
	ob = get(rep, "observation");
	assert_int_equal(json_object_get_int64(get(ob, "passes")), 0);
	assert_true(figure(ob, "hz") == 0);
	assert_true(json_object_is_type(get(ob, "pass_median_us"), json_type_null));
	assert_true(json_object_is_type(get(get(rep, "machine"), "other_cpu"), json_type_null));
	json_object_put(rep);

	run(r, "-c", "run 0.5; report", NULL);
	assert_int_equal(r->status, 0);
	assert_non_null(strstr(r->out, "  machine: "));
	assert_non_null(strstr(r->out, " other programs used "));
	assert_non_null(strstr(r->out, "  observation: "));
	assert_non_null(strstr(r->out, " a second over the last "));
	free(r);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_json),
		cmocka_unit_test(test_faults_json),
		cmocka_unit_test(test_exit_codes_and_errors),
		cmocka_unit_test(test_batch_file_and_text),
		cmocka_unit_test(test_kill_9_leaves_nothing),
		cmocka_unit_test(test_kill_9_ends_workers_children),
		cmocka_unit_test(test_no_core_files),
		cmocka_unit_test(test_step_json),
		cmocka_unit_test(test_report_machine),
	};
	if (argc < 2) {
		fprintf(stderr, "usage: test_batch PATH-TO-PTVIZ\n");
		return 2;
	}
	static char full[4096];
	ptviz_path = realpath(argv[1], full) != NULL ? full : argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
