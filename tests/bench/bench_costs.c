/* The switch measurement beside `perf bench sched pipe`, in the same run: ptviz's pipe ping-pong and perf's. */
/*
 * Pinned to one CPU and free, processes and threads (-T).  Prints both medians and the
 * difference.  Exit 77 (skipped) where perf is missing or refuses.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#define ROUNDS 3

/* Runs argv with stdout and stderr captured into out; pinned to cpu when cpu >= 0.  Returns the exit code. */
static int capture(char *const argv[], int cpu, char *out, size_t len)
{
	int p[2];
	size_t n = 0;

	if (pipe(p) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (cpu >= 0) {
			cpu_set_t one;
			CPU_ZERO(&one);
			CPU_SET(cpu, &one);
			sched_setaffinity(0, sizeof(one), &one);
		}
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		ssize_t got = read(p[0], out + n, len - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
		if (n + 1 >= len)
			n = 0;   /* only the end matters */
	}
	out[n] = '\0';
	close(p[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* perf's "usecs/op": one op is one round trip, the same unit as ptviz's. */
static double perf_pipe(bool threads, int cpu, long loops, char *why, size_t whylen)
{
	char out[8192], l[32];
	snprintf(l, sizeof(l), "%ld", loops);
	char *argv[] = { "perf", "bench", "sched", "pipe", "-l", l, threads ? "-T" : NULL, NULL };
	int rc = capture(argv, cpu, out, sizeof(out));
	char *at = strstr(out, "usecs/op");

	if (rc != 0 || at == NULL) {
		snprintf(why, whylen, "%.400s", rc == 127 ? "perf is not installed" : out);
		return -1;
	}
	while (at > out && at[-1] == ' ')
		at--;
	while (at > out && at[-1] != '\n' && at[-1] != ' ')
		at--;
	return strtod(at, NULL);
}

struct ours {
	double tp, pp, tu, pu;
	int cpu;
};

static bool ptviz_switch(const char *ptviz, struct ours *o)
{
	static char out[1 << 16];
	char *argv[] = { (char *)ptviz, "--bench", "switch", "--json", "--bench-time", "2", NULL };
	int rc = capture(argv, -1, out, sizeof(out));
	char *line = strstr(out, "{\"event\":\"bench\"");

	if (rc != 0 || line == NULL) {
		fprintf(stderr, "bench_costs: ptviz --bench switch failed (%d):\n%s\n", rc, out);
		return false;
	}
	line[strcspn(line, "\n")] = '\0';
	struct json_object *j = json_tokener_parse(line), *v;
	if (j == NULL)
		return false;
#define GET(key, dst) (json_object_object_get_ex(j, key, &v) ? (dst = json_object_get_double(v), true) : false)
	bool ok = GET("threads_pinned_us", o->tp) && GET("processes_pinned_us", o->pp) &&
	          GET("threads_unpinned_us", o->tu) && GET("processes_unpinned_us", o->pu);
	double cpu = 0;
	ok = ok && GET("pinned_cpu", cpu);
#undef GET
	o->cpu = (int)cpu;
	json_object_put(j);
	return ok;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	static const char *const names[4] = { "threads, one CPU", "processes, one CPU", "threads, any CPU",
		                                  "processes, any CPU" };
	/*
	 * ptviz reports the median of many short batches; perf the mean of one long run, which a
	 * busy moment on a shared machine drags up.  So perf runs here in short runs too, many
	 * of them, and the median of those is compared.
	 */
	enum { PERF_RUNS = 9 };
	static const long loops[4] = { 20000, 20000, 5000, 5000 };
	static double mine[4][ROUNDS], theirs[4][ROUNDS * PERF_RUNS];
	char why[512];

	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH_TO_PTVIZ\n", argv[0]);
		return 2;
	}
	if (perf_pipe(false, -1, 1000, why, sizeof(why)) < 0) {
		printf("skipped: perf bench sched pipe cannot run here: %.300s\n", why);
		return 77;
	}
	/* Rounds in turn, so a busy moment on a shared machine falls on both. */
	for (int r = 0; r < ROUNDS; r++) {
		struct ours o;
		if (!ptviz_switch(argv[1], &o))
			return 1;
		mine[0][r] = o.tp;
		mine[1][r] = o.pp;
		mine[2][r] = o.tu;
		mine[3][r] = o.pu;
		for (int k = 0; k < PERF_RUNS; k++) {
			for (int i = 0; i < 4; i++) {
				double us = perf_pipe(i % 2 == 0, i < 2 ? o.cpu : -1, loops[i], why, sizeof(why));
				if (us < 0) {
					printf("skipped: perf bench sched pipe stopped working: %.300s\n", why);
					return 77;
				}
				theirs[i][r * PERF_RUNS + k] = us;
			}
		}
	}
	printf("pipe round trip (medians)    ptviz --bench switch   perf bench sched pipe   difference   perf's fastest run\n");
	int within = 0;
	for (int i = 0; i < 4; i++) {
		double a = median(mine[i], ROUNDS), b = median(theirs[i], ROUNDS * PERF_RUNS);
		double d = 100.0 * (a - b) / b;
		within += d >= -5 && d <= 5;
		/* median() sorted them: the first is the fastest. */
		printf("  %-26s %10.3f us %20.3f us %+11.1f%% %17.3f us\n", names[i], a, b, d, theirs[i][0]);
	}
	/* Why they can differ on a busy machine, said where the figures are read. */
	printf("ptviz keeps the median of 1000-round-trip batches, so an interruption spoils one batch; each perf run\n"
	       "is one mean, and on a busy machine most runs take in some interruption: perf then reads higher.\n");
	printf("%d of 4 within 5%%.  ptviz: %d runs of --bench switch --bench-time 2; perf: %d runs of -l %ld (one CPU)"
	       " and -l %ld (any), -T for threads, pinned with sched_setaffinity like ptviz pins itself\n",
	       within, ROUNDS, ROUNDS * PERF_RUNS, loops[0], loops[2]);
	return 0;
}
