/* Tests of what the machine is doing: the pass figures from given times, other programs' CPU with real busy loops, and the words. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "small_lab.h"
#include "lab/machine.h"
#include "view/machine_words.h"

#define MS 1000000LL   /* ns */
#define S 1000000000LL

/* ---- the pass figures, from passes with given times (nothing runs, nothing waits) ---- */

/* Ten passes a second for 5 s, each taking 1..10 ms in turn: the rate and durations of the last 3 s. */
static void test_pass_figures(void **state)
{
	(void)state;
	static struct machine_passes p;
	struct lab_observation o;

	memset(&p, 0, sizeof(p));
	machine_passes_read(&p, &o);
	assert_int_equal(o.passes, 0);
	assert_true(o.hz == 0);
	for (int i = 0; i < 50; i++)
		machine_passes_add(&p, 7 * S + i * 100 * MS, (1 + i % 10) * MS);
	machine_passes_read(&p, &o);
	assert_int_equal(o.passes, 50);
	/* The 31 passes that began in the 3 s up to the newest: 30 intervals of 0.1 s. */
	assert_true(o.window_s > 2.999 && o.window_s < 3.001);
	assert_true(o.hz > 9.999 && o.hz < 10.001);
	/* Passes 19..49 took 10, 1..10, 1..10, 1..10 ms: four of 10 ms, three of each other. */
	assert_true(o.pass_median_us > 5999 && o.pass_median_us < 6001);
	/* The 28th of 31 in order (the nearest rank of 90%): past the 27 of 1..9 ms, 10 ms. */
	assert_true(o.pass_p90_us > 9999 && o.pass_p90_us < 10001);
}

/* An even number of passes: the median is halfway between the middle two; p90 the nearest rank. */
static void test_pass_median_even(void **state)
{
	(void)state;
	static struct machine_passes p;
	struct lab_observation o;
	const int64_t took[] = { 400, 100, 300, 200 };   /* µs */

	memset(&p, 0, sizeof(p));
	machine_passes_add(&p, 0, 50 * 1000);
	machine_passes_read(&p, &o);
	assert_int_equal(o.passes, 1);
	assert_true(o.hz == 0);   /* one pass has no rate */
	assert_true(o.pass_median_us > 49.9 && o.pass_median_us < 50.1);
	memset(&p, 0, sizeof(p));
	for (int i = 0; i < 4; i++)
		machine_passes_add(&p, i * 250 * MS, took[i] * 1000);
	machine_passes_read(&p, &o);
	assert_true(o.hz > 3.999 && o.hz < 4.001);
	assert_true(o.pass_median_us > 249.9 && o.pass_median_us < 250.1);
	assert_true(o.pass_p90_us > 399.9 && o.pass_p90_us < 400.1);
}

/* Frames that fell behind: 6 a second, then a stall of 2 s, and more passes than the log keeps. */
static void test_pass_rate_behind(void **state)
{
	(void)state;
	static struct machine_passes p;
	struct lab_observation o;
	int64_t t = 0;

	memset(&p, 0, sizeof(p));
	for (int i = 0; i < 1000; i++, t += S / 100)
		machine_passes_add(&p, t, MS);   /* 100 Hz: more than the log keeps in 3 s */
	machine_passes_read(&p, &o);
	assert_int_equal(o.passes, 1000);
	assert_true(o.hz > 99.9 && o.hz < 100.1);
	assert_true(o.window_s < 2.6);   /* only the newest MACHINE_PASSES_KEPT are kept */
	for (int i = 0; i < 30; i++, t += S / 6)
		machine_passes_add(&p, t, MS);
	machine_passes_read(&p, &o);
	assert_true(o.hz > 5.99 && o.hz < 6.01);
	t += 2 * S - S / 6;   /* the next comes 2 s after the last */
	machine_passes_add(&p, t, MS);
	machine_passes_read(&p, &o);
	/* From the newest back 3 s: the stall of 2 s and 6 intervals of 1/6 s before it. */
	assert_true(o.window_s > 2.99 && o.window_s < 3.01);
	assert_true(o.hz > 2.32 && o.hz < 2.35);   /* 7 passes after the first in 3 s */
}

/* ---- other programs' CPU from given samples ---- */

static void test_cpu_figures(void **state)
{
	(void)state;
	static struct machine_cpu c;
	struct lab_machine m = { .cpus = 4 };

	memset(&c, 0, sizeof(c));
	machine_cpu_read(&c, 4, &m);
	assert_false(m.measured);
	machine_cpu_add(&c, 0, 10 * S, 2 * S);
	machine_cpu_add(&c, 100 * MS, 10 * S + 200 * MS, 2 * S + 50 * MS);
	machine_cpu_read(&c, 4, &m);
	assert_false(m.measured);   /* 0.1 s tells nothing yet */
	/* Every 0.1 s: the machine busy 2.5 CPUs' worth, ptviz's tree 0.5 of it. */
	for (int i = 2; i <= 30; i++)
		machine_cpu_add(&c, i * 100 * MS, 10 * S + i * 250 * MS, 2 * S + i * 50 * MS);
	machine_cpu_read(&c, 4, &m);
	assert_true(m.measured);
	/* Over the newest second: samples 20 to 30. */
	assert_true(m.window_s > 0.999 && m.window_s < 1.001);
	assert_true(m.other_cpu > 1.999 && m.other_cpu < 2.001);
	assert_true(m.own_cpu > 0.499 && m.own_cpu < 0.501);
	/* ptviz counted more than the machine's ticks saw: never less than no CPU. */
	machine_cpu_add(&c, 3100 * MS, 10 * S + 30 * 250 * MS, 7 * S);
	machine_cpu_read(&c, 4, &m);
	assert_true(m.other_cpu == 0);
	/* More than there are CPUs: held at the CPUs there are. */
	machine_cpu_add(&c, 3200 * MS, 100 * S, 0);
	machine_cpu_read(&c, 4, &m);
	assert_true(m.other_cpu == 4);
}

/* ---- the words ---- */

static void test_words(void **state)
{
	(void)state;
	struct lab_machine m = { .cpus = 2, .measured = true, .window_s = 1, .other_cpu = 1.43, .load1 = 2.5 };
	struct lab_observation o = { .passes = 100, .hz = 6.2, .window_s = 3, .pass_median_us = 400, .pass_p90_us = 2500 };
	char buf[384];

	assert_true(machine_words_other(&m, false, false, buf, sizeof(buf)));
	assert_string_equal(buf, "other programs use 1.4 of 2 CPUs");
	assert_true(machine_words_other(&m, false, true, buf, sizeof(buf)));
	assert_string_equal(buf, "others use 1.4/2 CPUs");
	m.other_cpu = 0.08;   /* less than a tenth of a CPU: not worth a word, unless named the moment before */
	assert_false(machine_words_other(&m, false, false, buf, sizeof(buf)));
	assert_string_equal(buf, "");
	assert_true(machine_words_other(&m, true, false, buf, sizeof(buf)));
	assert_string_equal(buf, "other programs use 0.1 of 2 CPUs");
	m.other_cpu = 0.04;
	assert_false(machine_words_other(&m, true, false, buf, sizeof(buf)));
	m.other_cpu = 1.5;
	m.measured = false;
	assert_false(machine_words_other(&m, false, false, buf, sizeof(buf)));
	m = (struct lab_machine){ .cpus = 1, .measured = true, .window_s = 1, .other_cpu = 0.5 };
	assert_true(machine_words_other(&m, false, false, buf, sizeof(buf)));
	assert_string_equal(buf, "other programs use 0.5 of 1 CPU");

	assert_true(machine_words_rate(&o, 10, false, buf, sizeof(buf)));
	assert_string_equal(buf, "6 of 10 Hz");
	o.hz = 0.4;
	assert_true(machine_words_rate(&o, 10, false, buf, sizeof(buf)));
	assert_string_equal(buf, "0.4 of 10 Hz");
	o.hz = 9.6;   /* rounds to the target: on time, unless behind the moment before */
	assert_false(machine_words_rate(&o, 10, false, buf, sizeof(buf)));
	assert_string_equal(buf, "10 Hz");
	assert_true(machine_words_rate(&o, 10, true, buf, sizeof(buf)));
	assert_string_equal(buf, "9.6 of 10 Hz");
	o.hz = 9.85;
	assert_false(machine_words_rate(&o, 10, true, buf, sizeof(buf)));
	o.hz = 2;
	o.window_s = 1;   /* too short to tell */
	assert_false(machine_words_rate(&o, 10, false, buf, sizeof(buf)));
	assert_string_equal(buf, "10 Hz");
	o = (struct lab_observation){ .passes = 2000, .hz = 190, .window_s = 1.34 };   /* 256 passes at 200 Hz */
	assert_true(machine_words_rate(&o, 200, false, buf, sizeof(buf)));
	assert_string_equal(buf, "190 of 200 Hz");
	assert_false(machine_words_rate(&o, 0, false, buf, sizeof(buf)));
	assert_string_equal(buf, "on events");

	m = (struct lab_machine){ .cpus = 2, .measured = true, .window_s = 1.04, .other_cpu = 1.43, .own_cpu = 0.5,
		                  .load1 = 2.5 };
	machine_words_report(&m, buf, sizeof(buf));
	assert_string_equal(buf, "machine: 2 CPUs, load average 2.50 over the last minute; over the last 1.0 s other "
	                         "programs used 1.4 of 2 CPUs, ptviz and its workers 0.5");
	o = (struct lab_observation){ .passes = 100, .hz = 9.94, .window_s = 3, .pass_median_us = 400, .pass_p90_us = 2500 };
	machine_words_passes(&o, buf, sizeof(buf));
	assert_string_equal(buf, "observation: 100 passes, 9.9 a second over the last 3.0 s; a pass took 400 µs (the "
	                         "median), nine in ten 2.5 ms or less");
}

/* ---- with real busy loops and real workers ---- */

/* A bound on the wall clock for waits judged by CPU: past it, a check cannot be judged and is skipped. */
#define GUARD_S 20.0

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* A task's time on a CPU (schedstat), in seconds; 0 once gone. */
static double task_cpu_s(pid_t pid)
{
	char path[64];
	unsigned long long ns = 0;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return 0;
	if (fscanf(f, "%llu", &ns) != 1)
		ns = 0;
	fclose(f);
	return (double)ns / 1e9;
}

/* A program that is not ptviz's: a busy loop at normal priority, dead with the test or after 60 s. */
static pid_t busy_loop(void)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		alarm(60);
		for (;;)
			;
	}
	return pid;
}

/* The busy loops a test started, ended by the teardown however the test ends. */
static pid_t loops[2];

static void end_loop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* One pass a tenth of a second, as a screen would, with what each measure gave at that pass. */
#define PASSES_MAX 256
struct looks {
	double t[PASSES_MAX];
	double cpu[PASSES_MAX];   /* what the measured tasks had used by then, s */
	int n;
};

static void look(struct lab *lab, struct looks *l, double cpu)
{
	lab_observe(lab);
	if (l->n == PASSES_MAX) {
		memmove(l->t, l->t + 1, sizeof(l->t[0]) * (PASSES_MAX - 1));
		memmove(l->cpu, l->cpu + 1, sizeof(l->cpu[0]) * (PASSES_MAX - 1));
		l->n--;
	}
	l->t[l->n] = lab_now(lab);
	l->cpu[l->n++] = cpu;
}

/* The CPUs' worth the measured tasks used over the last window seconds of passes. */
static double share_over(const struct looks *l, double window)
{
	int last = l->n - 1, base = last;

	while (base > 0 && l->t[last] - l->t[base] < window - 0.02)
		base--;
	return l->t[last] > l->t[base] ? (l->cpu[last] - l->cpu[base]) / (l->t[last] - l->t[base]) : 0;
}

/*
 * Two busy loops ptviz did not start: other programs' CPU rises to what they
 * get.  Judged by the loops' own CPU time over the window the lab measured:
 * once they had 0.6 CPUs' worth or more in it, other_cpu is above 0.5.  When
 * the scheduler gives them less, on a machine busy with other work, the check
 * says so and is skipped.
 */
static void test_other_programs(void **state)
{
	struct lab *lab = *state;
	static struct looks l;
	struct lab_machine m = { 0 };
	double share = 0, until = wall() + GUARD_S;
	pid_t a = loops[0] = busy_loop(), b = loops[1] = busy_loop();

	memset(&l, 0, sizeof(l));
	bool judged = false;
	while (!judged && wall() < until) {
		nap_ms(100);
		look(lab, &l, task_cpu_s(a) + task_cpu_s(b));
		lab_machine_read(lab, &m);
		if (!m.measured || m.window_s < 0.9)
			continue;
		share = share_over(&l, m.window_s);
		judged = share >= 0.6;
	}
	end_loop(a);
	end_loop(b);
	loops[0] = loops[1] = 0;
	/*
	 * Whatever CPU the loops got, other programs used at least that, less what ticks and ns
	 * count apart and the windows' ends sampled up to a look apart (see test_own_workers).
	 */
	if (m.measured && m.window_s >= 0.9)
		assert_true(m.other_cpu >= share - 0.2);
	if (!judged) {
		print_message("SKIP one check: other programs' CPU cannot be judged: two busy loops had only %.2f CPUs' "
		              "worth in %.0f s (the machine is busy); it needs 0.6\n", share, GUARD_S);
	} else {
		print_message("two busy loops had %.2f CPUs' worth; ptviz says other programs used %.2f of %d over %.2f s\n",
		              share, m.other_cpu, m.cpus, m.window_s);
		assert_true(m.other_cpu > 0.5);
		assert_true(m.other_cpu <= m.cpus);
	}
	assert_true(m.load1 >= 0);
}

/* The CPU time of every worker in the lab, alive or dead, in seconds. */
static double workers_cpu_s(struct lab *lab)
{
	double s = 0;

	for (int i = 0; i < lab_ngroups(lab); i++) {
		const struct lab_group *g = lab_group_at(lab, i);
		for (int j = 0; j < g->nworkers; j++)
			s += (double)g->workers[j].cpu_ns / 1e9;
	}
	return s;
}

/*
 * ptviz's own workers are its own, not other programs': own_cpu holds what
 * they used.  Once they are ended and their group is gone, what they used is
 * still ptviz's, so own_cpu never goes below zero over a window that saw them.
 */
static void test_own_workers(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;
	static struct looks l;
	struct lab_machine m = { 0 };
	double share = 0, until = wall() + GUARD_S;

	memset(&l, 0, sizeof(l));
	must(lab_spawn(lab, LAB_PROCESSES, 2, false, "P", &err), &err);
	bool judged = false;
	while (!judged && wall() < until) {
		nap_ms(100);
		look(lab, &l, workers_cpu_s(lab));
		lab_machine_read(lab, &m);
		if (!m.measured || m.window_s < 0.9)
			continue;
		share = share_over(&l, m.window_s);
		judged = share >= 0.3;
	}
	if (!judged) {
		print_message("SKIP one check: ptviz's own CPU cannot be judged: its two workers had only %.2f CPUs' worth "
		              "in %.0f s (the machine is busy); it needs 0.3\n", share, GUARD_S);
	} else {
		print_message("two workers had %.2f CPUs' worth; ptviz says its tree used %.2f, other programs %.2f\n", share,
		              m.own_cpu, m.other_cpu);
		/*
		 * ptviz itself adds a little: its passes and its own CPU.  The lab's window
		 * and the test's looks are sampled at different moments, up to a look (0.1 s)
		 * apart at each end of a window of about 1 s: two busy workers' share may read
		 * up to 0.2 CPU apart between the two.
		 */
		assert_true(m.own_cpu >= share - 0.2);
		assert_true(m.own_cpu <= share + 0.3);
	}
	lab_reset(lab);
	assert_int_equal(lab_ngroups(lab), 0);
	for (int i = 0; i < 3; i++) {
		nap_ms(100);
		lab_observe(lab);
		lab_machine_read(lab, &m);
		assert_true(m.own_cpu >= 0);
	}
}

static int loops_teardown(void **state)
{
	for (int i = 0; i < 2; i++) {
		if (loops[i] > 0)
			end_loop(loops[i]);
		loops[i] = 0;
	}
	return small_lab_teardown(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pass_figures),
		cmocka_unit_test(test_pass_median_even),
		cmocka_unit_test(test_pass_rate_behind),
		cmocka_unit_test(test_cpu_figures),
		cmocka_unit_test(test_words),
		cmocka_unit_test_setup_teardown(test_other_programs, small_lab_setup, loops_teardown),
		cmocka_unit_test_setup_teardown(test_own_workers, small_lab_setup, small_lab_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
