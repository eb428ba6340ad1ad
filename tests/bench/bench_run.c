/* Benchmark: a program that creates and joins 1,000 threads a second, and one that forks 100 children a second, alone and under ptviz run. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 7

/* Runs argv with its output to a pipe; the program's own "cpu_ns N", and ptviz's CPU time (total less the program's). */
static bool bench_once(char **argv, long long *program_ns, long long *ptviz_ns)
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
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	/* The program's last line, "cpu_ns N", looked for as the output comes; what is read slides out of buf. */
	long long found = -1;
	for (ssize_t r; (r = read(fd[0], buf + len, sizeof(buf) - 1 - len)) > 0;) {
		len += (size_t)r;
		buf[len] = '\0';
		for (char *at = strstr(buf, "cpu_ns "); at != NULL; at = strstr(at + 1, "cpu_ns ")) {
			if (at[7] >= '0' && at[7] <= '9' && strchr(at, '\n') != NULL)
				found = atoll(at + 7);
		}
		if (len > sizeof(buf) / 2) {
			memmove(buf, buf + len - 1024, 1024);
			len = 1024;
		}
	}
	close(fd[0]);
	if (wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "bench_run: %s: wait status 0x%x\n", argv[0], (unsigned)st);
		return false;
	}
	if (found < 0)
		return false;
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

static void bench_kind(const char *ptviz, const char *program, const char *kind, int n, const char *rate)
{
	char count[16];
	double alone[ROUNDS], under[ROUNDS], own[ROUNDS], qa[3], qu[3], qo[3];

	snprintf(count, sizeof(count), "%d", n);
	char *alone_argv[] = { (char *)program, (char *)kind, count, (char *)rate, NULL };
	char *under_argv[] = { (char *)ptviz, "run", "--json", "--every", "10", "--", (char *)program, (char *)kind, count,
		               (char *)rate, NULL };
	for (int r = 0; r < ROUNDS; r++) {
		long long p, x;
		/* Side by side: one alone, one under ptviz, in each round. */
		if (!bench_once(alone_argv, &p, &x)) {
			fprintf(stderr, "bench_run: %s alone failed\n", kind);
			exit(1);
		}
		alone[r] = (double)p / n / 1000;
		if (!bench_once(under_argv, &p, &x)) {
			fprintf(stderr, "bench_run: %s under ptviz run failed\n", kind);
			exit(1);
		}
		under[r] = (double)p / n / 1000;
		own[r] = (double)x / n / 1000;
	}
	quartiles(alone, ROUNDS, qa);
	quartiles(under, ROUNDS, qu);
	quartiles(own, ROUNDS, qo);
	printf("%-8s %d at %s/s: the program's CPU per %s: alone median %.1f us (quartiles %.1f-%.1f), "
	       "under ptviz run %.1f us (%.1f-%.1f): %+.0f%%; ptviz's own CPU per %s %.1f us (%.1f-%.1f)\n",
	       kind, n, rate, kind[0] == 't' ? "thread" : "child", qa[1], qa[0], qa[2], qu[1], qu[0], qu[2],
	       100 * (qu[1] - qa[1]) / qa[1], kind[0] == 't' ? "thread" : "child", qo[1], qo[0], qo[2]);
}

int main(int argc, char **argv)
{
	double load[3] = { -1, -1, -1 };

	if (argc < 3) {
		fprintf(stderr, "usage: bench_run PTVIZ BENCH_TASKS\n");
		return 2;
	}
	getloadavg(load, 3);
	printf("load average before: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
	bench_kind(argv[1], argv[2], "threads", 1000, "1000");
	bench_kind(argv[1], argv[2], "forks", 100, "100");
	getloadavg(load, 3);
	printf("load average after: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
	return 0;
}
