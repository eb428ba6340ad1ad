/* The costs lab's runner with real measuring children: results, progress, cancel, nothing left behind. */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../not_judged.h"

#include "bench/bench.h"

static struct bench b;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Small and short: these tests check what is measured, not how fast. */
static struct bench_options small(void)
{
	struct bench_options o = { .seconds = 0.3, .max_mib = 32 };
	return o;
}

/* Polls and dispatches until nothing runs; returns how many measurements ended. */
static int run_to_end(struct bench *r, int *progress)
{
	int done = 0;
	double deadline = now() + 60;

	while (bench_running(r) && now() < deadline) {
		struct pollfd pfd = { bench_fd(r), POLLIN, 0 };
		assert_true(pfd.fd >= 0);
		poll(&pfd, 1, 1000);
		enum bench_news news = bench_dispatch(r);
		if (news == BENCH_NEWS_PROGRESS && progress != NULL)
			(*progress)++;
		if (news == BENCH_NEWS_DONE) {
			if (!r->done_ok)
				fail_msg("bench %s: %s", bench_kind_name(r->done), r->done_error);
			done++;
		}
	}
	assert_false(bench_running(r));
	return done;
}

/* Any process whose process group is pgid, zombies included. */
static int in_group(pid_t pgid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char path[300], buf[512];
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		FILE *f = fopen(path, "r");
		if (f == NULL)
			continue;
		size_t len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[len] = '\0';
		char *p = strrchr(buf, ')');
		int ppid, pgrp;
		char state;
		if (p != NULL && sscanf(p + 1, " %c %d %d", &state, &ppid, &pgrp) == 3 && pgrp == pgid)
			n++;
	}
	closedir(d);
	return n;
}

/* This process is the subreaper of everything under it: a child left running or unreaped shows here. */
static void assert_no_children(void)
{
	errno = 0;
	pid_t r = waitpid(-1, NULL, WNOHANG);
	if (r != -1 || errno != ECHILD)
		fail_msg("a child is left behind (waitpid says %d)", (int)r);
}

/* After each test, however it ended: a measurement still running is cancelled, its child killed and reaped. */
static int bench_teardown(void **state)
{
	(void)state;
	bench_cancel(&b);
	return 0;
}

static void test_all_four(void **state)
{
	struct bench_options o = small();
	int progress = 0;

	(void)state;
	bench_init(&b);
	assert_true(bench_start(&b, BENCH_ALL, &o));
	assert_true(bench_running(&b));
	assert_int_equal(run_to_end(&b, &progress), 4);
	assert_true(progress > 0);

	const struct bench_result *r = bench_last(&b, BENCH_CREATE);
	assert_non_null(r);
	assert_true(r->valid);
	assert_true(r->machine.cpus >= 1);
	assert_true(r->machine.kernel[0] != '\0');
	assert_true(r->u.create.thread_us > 0);
	assert_true(r->u.create.fork_us > 0);
	if (access("/bin/true", X_OK) == 0)
		assert_true(r->u.create.spawn_us > 0);

	r = bench_last(&b, BENCH_FORKSIZE);
	assert_non_null(r);
	const struct bench_forksize *f = &r->u.forksize;
	assert_true(f->npoints >= 2);
	assert_int_equal(f->p[0].mib, 1);
	assert_int_equal(f->p[f->npoints - 1].mib, 32);
	for (int i = 0; i < f->npoints; i++) {
		assert_true(f->p[i].fork_us > 0);
		assert_true(f->p[i].fork_huge_us > 0);
		assert_true(f->p[i].thread_us > 0);
		assert_true(f->p[i].reps >= 3);
	}
	/*
	 * 32 MiB is 7936 more page-table entries to copy than 1 MiB: far more than any jitter on free
	 * CPUs.  Timed by the clock, so when more tasks wait to run than there are CPUs, other work can
	 * slow the small forks more: then, and only if it did, not judged.
	 */
	double load[1] = { 0 };
	bool busy = getloadavg(load, 1) == 1 && load[0] > r->machine.cpus;
	if (f->p[f->npoints - 1].fork_us <= f->p[0].fork_us && busy)
		not_judged("fork's growth from 1 to 32 MiB", "fork took %.0f us at 1 MiB and %.0f us at 32 MiB, load %.1f "
		           "on %d CPUs", f->p[0].fork_us, f->p[f->npoints - 1].fork_us, load[0], r->machine.cpus);
	else
		assert_true(f->p[f->npoints - 1].fork_us > f->p[0].fork_us);

	r = bench_last(&b, BENCH_SWITCH);
	assert_non_null(r);
	assert_true(r->u.sw.threads_pinned_us > 0);
	assert_true(r->u.sw.processes_pinned_us > 0);
	assert_true(r->u.sw.threads_unpinned_us > 0);
	assert_true(r->u.sw.processes_unpinned_us > 0);
	assert_true(r->u.sw.round_trips > 0);
	assert_true(r->u.sw.pinned_cpu >= 0);

	r = bench_last(&b, BENCH_IPC);
	assert_non_null(r);
	for (int s = 0; s < BENCH_IPC_SIZES; s++) {
		assert_true(r->u.ipc.bytes[s] > 0);
		for (int m = 0; m < BENCH_IPC_METHODS; m++) {
			assert_true(r->u.ipc.mb_per_s[s][m] > 0);
			assert_true(r->u.ipc.msgs_per_s[s][m] > 0);
		}
	}
	assert_no_children();
}

static void test_one_at_a_time(void **state)
{
	struct bench_options o = small();

	(void)state;
	bench_init(&b);
	assert_int_equal(bench_fd(&b), -1);
	assert_true(bench_start(&b, BENCH_CREATE, &o));
	assert_true(bench_fd(&b) >= 0);
	/* A second one while the first runs is refused, and says why. */
	assert_false(bench_start(&b, BENCH_SWITCH, &o));
	assert_non_null(strstr(b.error, "still running"));
	assert_int_equal(run_to_end(&b, NULL), 1);
	assert_int_equal(b.done, BENCH_CREATE);
	assert_null(bench_last(&b, BENCH_SWITCH));
	assert_int_equal(bench_fd(&b), -1);
	assert_no_children();
}

static void test_cancel(void **state)
{
	/* Long enough that it is surely still running when cancelled. */
	struct bench_options o = { .seconds = 30, .max_mib = 256 };

	(void)state;
	bench_init(&b);
	assert_true(bench_start(&b, BENCH_FORKSIZE, &o));
	pid_t pid = b.pid;
	/* Wait for its first word, so it is busy forking when it is killed. */
	double deadline = now() + 10;
	while (now() < deadline && bench_dispatch(&b) != BENCH_NEWS_PROGRESS) {
		struct pollfd pfd = { bench_fd(&b), POLLIN, 0 };
		poll(&pfd, 1, 100);
	}
	assert_true(bench_running(&b));
	double t0 = now();
	bench_cancel(&b);
	assert_true(now() - t0 < 5);
	assert_false(bench_running(&b));
	assert_true(b.cancelled);
	assert_false(b.done_ok);
	assert_int_equal(bench_fd(&b), -1);
	assert_null(bench_last(&b, BENCH_FORKSIZE));
	/* The measuring child and whatever it forked are gone and reaped. */
	assert_int_equal(kill(pid, 0), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(in_group(pid), 0);
	assert_no_children();
	/* A cancel of nothing is nothing. */
	bench_cancel(&b);
}

static void test_cancel_all_forgets_the_rest(void **state)
{
	struct bench_options o = { .seconds = 20, .max_mib = 16 };

	(void)state;
	bench_init(&b);
	assert_true(bench_start(&b, BENCH_ALL, &o));
	assert_int_equal(b.kind, BENCH_CREATE);
	bench_cancel(&b);
	assert_false(bench_running(&b));
	assert_int_equal(bench_dispatch(&b), BENCH_NEWS_NONE);
	assert_no_children();
}

static void test_names_and_options(void **state)
{
	enum bench_kind k;
	struct bench_options o;

	(void)state;
	assert_true(bench_kind_parse("forksize", &k));
	assert_int_equal(k, BENCH_FORKSIZE);
	assert_true(bench_kind_parse("all", &k));
	assert_int_equal(k, BENCH_ALL);
	assert_false(bench_kind_parse("fork", &k));
	bench_options_defaults(&o);
	assert_true(o.seconds > 0 && o.max_mib >= 1);
	assert_true(bench_option_parse(&o, "--bench-time", "0.5"));
	assert_true(o.seconds == 0.5);
	assert_true(bench_option_parse(&o, "--bench-max-mib", "64"));
	assert_int_equal(o.max_mib, 64);
	/* Bad values are refused and change nothing (the message goes to stderr). */
	assert_false(bench_option_parse(&o, "--bench-time", "0"));
	assert_false(bench_option_parse(&o, "--bench-time", "x"));
	assert_false(bench_option_parse(&o, "--bench-max-mib", "0"));
	assert_false(bench_option_parse(&o, "--bench-max-mib", "12abc"));
	assert_true(o.seconds == 0.5);
	assert_int_equal(o.max_mib, 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_and_options),
		cmocka_unit_test_teardown(test_all_four, bench_teardown),
		cmocka_unit_test_teardown(test_one_at_a_time, bench_teardown),
		cmocka_unit_test_teardown(test_cancel, bench_teardown),
		cmocka_unit_test_teardown(test_cancel_all_forgets_the_rest, bench_teardown),
	};

	/* Orphans of a cancelled measurement would come here, where the tests look for them. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
