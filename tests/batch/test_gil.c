/* CPython's GIL judged by CPU time, a script run under ptviz run: two threads use at most about 1.2 CPUs, two processes at least 1.6. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "../not_judged.h"
#include "ptviz_run.h"

static const char *script;   /* tests/programs/gil_cpu.py */

/* The machine's busy and total time from /proc/stat's cpu line, in ticks; the number of CPUs. */
static void machine_ticks(uint64_t *busy, uint64_t *total, int *ncpu)
{
	unsigned long long v[8] = { 0 };
	char line[256];
	FILE *f = fopen("/proc/stat", "re");

	assert_non_null(f);
	*ncpu = 0;
	assert_non_null(fgets(line, sizeof(line), f));
	assert_int_equal(sscanf(line, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
	                        &v[5], &v[6], &v[7]), 8);
	while (fgets(line, sizeof(line), f) != NULL)
		*ncpu += strncmp(line, "cpu", 3) == 0 && line[3] >= '0' && line[3] <= '9';
	fclose(f);
	*total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
	*busy = *total - v[3] - v[4];
}

/* The script's own figures from its output line "MODE: cpu C wall W" (an output event of ptviz run). */
static void workers_cpu(const char *out, const char *mode, double *cpu_s, double *wall_s, double *wait_s,
                        double *each)
{
	char needle[64];

	snprintf(needle, sizeof(needle), "\"text\":\"%s: cpu ", mode);
	const char *at = strstr(out, needle);
	if (at == NULL)
		fail_msg("no line '%s: cpu C wall W' in the program's output:\n%s", mode, out);
	assert_int_equal(sscanf(at + strlen(needle), "%lf wall %lf wait %lf each %lf", cpu_s, wall_s, wait_s, each), 4);
	assert_true(*wall_s > 0);
	print_message("%s: %.2f s of CPU in %.2f s: %.2f CPUs, %.2f by each one's own time; the workers waited %.2f s "
	              "for a CPU\n", mode, *cpu_s, *wall_s, *cpu_s / *wall_s, *each, *wait_s);
}

/* Runs gil_cpu.py MODE under ptviz run; the CPUs the rest of the machine left free meanwhile. */
static double run_gil(struct run *r, const char *mode)
{
	uint64_t b0, t0, b1, t1;
	int ncpu;

	machine_ticks(&b0, &t0, &ncpu);
	run(r, "run", "--json", "--every", "5", "--", "python3", script, mode, (const char *)NULL);
	machine_ticks(&b1, &t1, &ncpu);
	assert_int_equal(r->status, 0);
	double tick = 1.0 / (double)sysconf(_SC_CLK_TCK);
	double wall = (double)(t1 - t0) * tick / ncpu;        /* the machine's own measure of the run's length */
	double others = (double)(b1 - b0) * tick - r->cpu_s;  /* CPU seconds used by everything but this run */
	double free_cpus = ncpu - (others > 0 ? others : 0) / wall;
	print_message("%s: %d CPUs, %.2f of them left free by other programs (load from /proc/stat)\n", mode, ncpu,
	              free_cpus);
	return free_cpus;
}

static void test_threads_share_one_cpu(void **state)
{
	struct run *r = *state;
	double cpu, window, wait, each;

	run_gil(r, "threads");
	workers_cpu(r->out, "threads", &cpu, &window, &wait, &each);
	/* An upper bound: a busy machine only lowers it. */
	if (cpu / window > 1.2)
		fail_msg("two CPython threads used %.2f CPUs at once; the GIL should hold them to about one", cpu / window);
}

static void test_processes_use_two(void **state)
{
	struct run *r = *state;
	double cpu, window, wait, each;

	double free_cpus = run_gil(r, "processes");
	workers_cpu(r->out, "processes", &cpu, &window, &wait, &each);
	if (free_cpus < 1.9) {
		not_judged("two processes using two CPUs", "other programs left %.2f CPUs free, not two", free_cpus);
		return;
	}
	/* Free by /proc/stat over the whole run, yet the workers themselves waited for a CPU: not free for them. */
	if (wait > 0.1 * window) {
		not_judged("two processes using two CPUs", "the two processes waited %.2f s of their %.2f s for a CPU",
		           wait, window);
		return;
	}
	/* Each process's own CPU over its own time: a second process started a moment later does not count against it. */
	if (each < 1.6)
		fail_msg("two multiprocessing processes ran on %.2f CPUs with two free; expected at least 1.6", each);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s PTVIZ GIL_CPU_PY\n", argv[0]);
		return 2;
	}
	ptviz_path = argv[1];
	script = argv[2];
	if (system("python3 -c pass >/dev/null 2>&1") != 0) {
		printf("SKIP: python3 is not installed\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_threads_share_one_cpu, run_setup, run_teardown),
		cmocka_unit_test_setup_teardown(test_processes_use_two, run_setup, run_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
