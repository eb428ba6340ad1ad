/* Benchmark: a program that creates and joins 1,000 threads a second, and one that forks 100 children a second: alone, under a bare tracer, followed by perf task events, and under ptviz run. */
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 7
/* perf_follower's status when perf_event_open is refused (perf_event_paranoid 3, or higher): that way is left out. */
#define PERF_REFUSED 3

/*
 * Runs argv with its output to a pipe, on CPU `cpu` only when it is 0 or more:
 * the program's own "cpu_ns N wall_ns M" (its CPU time, and the time from its
 * first task to its last), the tracer's CPU time (total less the program's)
 * and the seconds the program took by its own clock.
 */
static bool bench_once(char **argv, int cpu, long long *program_ns, long long *ptviz_ns, double *seconds)
{
	int fd[2];
	char buf[1 << 16];
	size_t len = 0;
	struct rusage ru;
	int st;

	if (pipe(fd) != 0)
		return false;
	pid_t pid = fork();
	if (pid == 0) {
		if (cpu >= 0) {
			cpu_set_t one;
			CPU_ZERO(&one);
			CPU_SET(cpu, &one);
			sched_setaffinity(0, sizeof(one), &one);
		}
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	/* The program's last line, "cpu_ns N", looked for as the output comes; what is read slides out of buf. */
	long long found = -1, took = -1;
	for (ssize_t r; (r = read(fd[0], buf + len, sizeof(buf) - 1 - len)) > 0;) {
		len += (size_t)r;
		buf[len] = '\0';
		for (char *at = strstr(buf, "cpu_ns "); at != NULL; at = strstr(at + 1, "cpu_ns ")) {
			const char *wall = strstr(at, " wall_ns ");
			if (at[7] >= '0' && at[7] <= '9' && wall != NULL && strchr(at, '\n') != NULL) {
				found = atoll(at + 7);
				took = atoll(wall + 9);
			}
		}
		if (len > sizeof(buf) / 2) {
			memmove(buf, buf + len - 1024, 1024);
			len = 1024;
		}
	}
	close(fd[0]);
	if (wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		if (!(WIFEXITED(st) && WEXITSTATUS(st) == PERF_REFUSED))
			fprintf(stderr, "bench_run: %s: wait status 0x%x\n", argv[0], (unsigned)st);
		return false;
	}
	if (found < 0 || took < 0)
		return false;
	*seconds = (double)took / 1e9;
	*program_ns = found;
	long long total = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
	                  (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
	*ptviz_ns = total - *program_ns;
	return true;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void quartiles(double *v, int n, double q[3])
{
	qsort(v, (size_t)n, sizeof(*v), by_value);
	q[0] = v[n / 4];
	q[1] = v[n / 2];
	q[2] = v[(3 * n) / 4];
}

/* How a round runs the program: alone, under the bare tracer, followed by perf task events, under ptviz run. */
enum bench_way { ALONE, BARE, PERF, PTVIZ, WAYS };

/* The followers: ptviz, the bare tracer, perf_follower, and the program they follow. */
struct bench_tools {
	const char *ptviz, *bare, *perf, *program;
	bool perf_refused;
};

static bool bench_way_once(enum bench_way way, const struct bench_tools *t, const char *kind, const char *count,
                           const char *rate, int cpu, double n, double out[3])
{
	char *alone_argv[] = { (char *)t->program, (char *)kind, (char *)count, (char *)rate, NULL };
	char *bare_argv[] = { (char *)t->bare, (char *)t->program, (char *)kind, (char *)count, (char *)rate, NULL };
	char *perf_argv[] = { (char *)t->perf, (char *)t->program, (char *)kind, (char *)count, (char *)rate, NULL };
	char *under_argv[] = { (char *)t->ptviz, "run", "--json", "--every", "10", "--", (char *)t->program, (char *)kind,
		               (char *)count, (char *)rate, NULL };
	char **argv = way == ALONE ? alone_argv : way == BARE ? bare_argv : way == PERF ? perf_argv : under_argv;
	long long p, x;
	double s;

	if (!bench_once(argv, cpu, &p, &x, &s))
		return false;
	out[0] = (double)p / n / 1000;
	out[1] = (double)x / n / 1000;
	out[2] = s;
	return true;
}

static void bench_kind(struct bench_tools *t, const char *kind, int n, const char *rate, int cpu)
{
	static const char *const way_name[WAYS] = { "alone", "under a bare tracer", "by perf task events",
		                                    "under ptviz run" };
	const char *each = kind[0] == 't' ? "thread" : "child";
	char count[16];
	double cpu_us[WAYS][ROUNDS], tracer_us[WAYS][ROUNDS], secs[WAYS][ROUNDS];

	snprintf(count, sizeof(count), "%d", n);
	for (int r = 0; r < ROUNDS; r++) {
		/* Side by side: each way once in every round. */
		for (int w = 0; w < WAYS; w++) {
			double got[3];
			if (w == PERF && t->perf_refused)
				continue;
			if (!bench_way_once((enum bench_way)w, t, kind, count, rate, cpu, n, got)) {
				if (w == PERF && r == 0) {
					t->perf_refused = true;
					printf("(perf task events refused here: %s left out)\n", way_name[w]);
					continue;
				}
				fprintf(stderr, "bench_run: %s %s failed\n", kind, way_name[w]);
				exit(1);
			}
			cpu_us[w][r] = got[0];
			tracer_us[w][r] = got[1];
			secs[w][r] = got[2];
		}
	}
	char pace[48];
	snprintf(pace, sizeof(pace), atoi(rate) >= 1000000 ? "as fast as it can" : "at %s/s", rate);
	printf("%s, %d %s%s: the program's CPU per %s (median, quartiles), its own time (median), and the tracer's own CPU per %s\n",
	       kind, n, pace, cpu >= 0 ? ", everything on CPU 0" : "", each, each);
	double alone_median = 0, alone_secs = 0;
	for (int w = 0; w < WAYS; w++) {
		double q[3], qt[3], qs[3];
		if (w == PERF && t->perf_refused)
			continue;
		quartiles(cpu_us[w], ROUNDS, q);
		quartiles(tracer_us[w], ROUNDS, qt);
		quartiles(secs[w], ROUNDS, qs);
		if (w == ALONE) {
			alone_median = q[1];
			alone_secs = qs[1];
		}
		printf("  %-20s %7.1f us (%.1f-%.1f) %+5.0f%%   %.2f s %+4.0f%%", way_name[w], q[1], q[0], q[2],
		       100 * (q[1] - alone_median) / alone_median, qs[1], 100 * (qs[1] - alone_secs) / alone_secs);
		if (w != ALONE)
			printf("   tracer %.1f us (%.1f-%.1f)", qt[1], qt[0], qt[2]);
		printf("\n");
	}
}

int main(int argc, char **argv)
{
	double load[3] = { -1, -1, -1 };

	if (argc < 5) {
		fprintf(stderr, "usage: bench_run PTVIZ BARE_TRACER PERF_FOLLOWER BENCH_TASKS\n");
		return 2;
	}
	struct bench_tools t = { .ptviz = argv[1], .bare = argv[2], .perf = argv[3], .program = argv[4] };
	getloadavg(load, 3);
	printf("load average before: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
	bench_kind(&t, "threads", 1000, "1000", -1);
	bench_kind(&t, "forks", 100, "100", -1);
	/* The same with the program and its tracer sharing one CPU: what tracing costs without a wake-up across CPUs. */
	bench_kind(&t, "threads", 1000, "1000", 0);
	/* And as fast as it can: a program that does not wait between threads is slowed by every stop's round trip. */
	bench_kind(&t, "threads", 2000, "1000000", -1);
	getloadavg(load, 3);
	printf("load average after: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
	return 0;
}
