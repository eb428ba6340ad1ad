/* Benchmarks of the batch front end: two workers' fair share beside outside busy loops, and start to exit against ps. */
#include "bench_ui_busy.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "bench_common.h"

typedef void (*line_fn)(void *ctx, const char *line, double t);

struct run {
	double exited;        /* seconds from fork to the exit being reaped */
	double last_output;   /* seconds from fork to the last output read */
	int status;
};

/* Hands each whole line of a complete line-sized output to fn. */
static void run_lines(char *acc, size_t *n, line_fn fn, void *ctx, double t)
{
	char *nl;

	while ((nl = memchr(acc, '\n', *n)) != NULL) {
		*nl = '\0';
		if (fn != NULL)
			fn(ctx, acc, t);
		size_t used = (size_t)(nl - acc) + 1;
		memmove(acc, nl + 1, *n - used);
		*n -= used;
	}
}

/* Runs argv with stdout and stderr on a pipe read to the end, each line to fn; killed by PID after limit_s. */
static bool run(char *const argv[], line_fn fn, void *ctx, double limit_s, struct run *r)
{
	static char acc[1 << 20];
	size_t n = 0;
	int p[2];

	if (pipe(p) < 0)
		return false;
	fflush(stdout);
	double a = bench_now();
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	r->last_output = 0;
	for (;;) {
		struct pollfd pfd = { p[0], POLLIN, 0 };
		if (poll(&pfd, 1, 100) == 0 && bench_now() - a > limit_s) {
			kill(pid, SIGKILL);
			break;
		}
		ssize_t got = read(p[0], acc + n, sizeof(acc) - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		r->last_output = bench_now() - a;
		n += (size_t)got;
		run_lines(acc, &n, fn, ctx, bench_now());
		if (n == sizeof(acc) - 1)
			n = 0;   /* a line longer than the buffer: dropped */
	}
	close(p[0]);
	while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR)
		;
	r->exited = bench_now() - a;
	return WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0;
}

/* ---- two free workers beside two outside busy loops ---- */

struct share {
	int reports;
	double t[2], recv[2], workers_ns[2], loops_ns[2];
	char machine[320];   /* the report's "machine" and "observation" objects, when it has them */
};

static double loops_cpu_ns(void)
{
	pid_t pids[BENCH_LOAD_MAX];
	int n = bench_load_pids(pids, BENCH_LOAD_MAX);
	double sum = 0;

	for (int i = 0; i < n; i++)
		sum += bench_task_cpu_ns(pids[i], 0);
	return sum;
}

/* A report: the time, the workers' CPU (cpu_ns, summed) and, at the same moment, the loops'. */
static void share_line(void *ctx, const char *line, double t)
{
	struct share *s = ctx;
	json_object *o = json_tokener_parse(line), *v, *groups;

	if (o == NULL)
		return;
	if (json_object_object_get_ex(o, "event", &v) && strcmp(json_object_get_string(v), "report") == 0 &&
	    s->reports < 2 && json_object_object_get_ex(o, "groups", &groups)) {
		int k = s->reports++;
		s->recv[k] = t;
		s->loops_ns[k] = loops_cpu_ns();
		s->t[k] = json_object_object_get_ex(o, "t", &v) ? json_object_get_double(v) : t;
		s->workers_ns[k] = 0;
		for (size_t g = 0; g < json_object_array_length(groups); g++) {
			json_object *ws, *grp = json_object_array_get_idx(groups, g);
			if (!json_object_object_get_ex(grp, "workers", &ws))
				continue;
			for (size_t w = 0; w < json_object_array_length(ws); w++) {
				if (json_object_object_get_ex(json_object_array_get_idx(ws, w), "cpu_ns", &v))
					s->workers_ns[k] += json_object_get_double(v);
			}
		}
		json_object *obs;
		if (json_object_object_get_ex(o, "machine", &v))
			snprintf(s->machine, sizeof(s->machine), "\"machine\": %s", json_object_to_json_string(v));
		if (json_object_object_get_ex(o, "observation", &obs)) {
			size_t at = strlen(s->machine);
			snprintf(s->machine + at, sizeof(s->machine) - at, "%s\"observation\": %s", at ? ", " : "",
			         json_object_to_json_string(obs));
		}
	}
	json_object_put(o);
}

/* One run: the two workers' CPUs and the two loops' over the same seconds; false when the reports did not come. */
static bool share_once(const char *ptviz, bool one_cpu, int seconds, double *workers, double *loops, char *machine)
{
	char cmd[256];
	struct share s = { 0 };
	struct run r;

	snprintf(cmd, sizeof(cmd), "workload cpu; spawn processes 2; %srun 1; report; run %d; report",
	         one_cpu ? "cpus 1; " : "", seconds);
	char *argv[] = { (char *)ptviz, "-j", "-c", cmd, NULL };
	run(argv, share_line, &s, seconds + 30, &r);
	if (s.reports < 2 || s.t[1] <= s.t[0])
		return false;
	*workers = (s.workers_ns[1] - s.workers_ns[0]) / 1e9 / (s.t[1] - s.t[0]);
	*loops = (s.loops_ns[1] - s.loops_ns[0]) / 1e9 / (s.recv[1] - s.recv[0]);
	if (s.machine[0] != '\0')
		snprintf(machine, sizeof(s.machine), "%s", s.machine);
	return true;
}

static void share_print(const char *name, double *w, double *l, double *fair, int n)
{
	char buf[160];

	printf("  %s\n    the two workers, CPUs together: %s\n", name, bench_mqq(w, n, "%.3f", buf, sizeof(buf)));
	printf("    the two outside loops, CPUs together: %s\n", bench_mqq(l, n, "%.2f", buf, sizeof(buf)));
	printf("    workers / their fair share (half of what the four got): %s\n",
	       bench_mqq(fair, n, "%.3f", buf, sizeof(buf)));
}

/* Alternated pairs of runs on all CPUs and under `cpus 1`; n[k] counts the runs that reported. */
static void share_pairs(const char *ptviz, int pairs, int seconds, double w[2][8], double l[2][8], int n[2],
                        char *machine)
{
	for (int i = 0; i < pairs; i++) {
		for (int k = 0; k < 2; k++) {
			int one = (i + k) % 2, j = n[one];
			if (share_once(ptviz, one, seconds, &w[one][j], &l[one][j], machine))
				n[one]++;
		}
	}
}

/*
 * Beside two busy loops the workers should get their fair share.  What `cpus 1`
 * does there is the balancer's: it moves the loops to the other CPU, so the
 * pinned pair keeps one CPU between them.  That pinning halves what two free
 * workers get is seen on CPUs nobody else wants, so that is measured apart.
 */
int bench_fair_share(const char *ptviz)
{
	int pairs = bench_rounds(4, 1), seconds = bench_quick() ? 2 : 4, n[2] = { 0, 0 }, nf[2] = { 0, 0 };
	double w[2][8], l[2][8], fair[2][8], wf[2][8], lf[2][8];
	char machine[320] = "";

	printf("two free worker processes (workload cpu) beside two outside busy loops, `ptviz -j -c 'workload cpu; "
	       "spawn processes 2; [cpus 1;] run 1; report; run %d; report'`, %d alternated pairs, CPU from the "
	       "reports' cpu_ns and the loops' /proc schedstat; then the same without the loops:\n", seconds, pairs);
	bench_print_machine("before");
	bench_load_start(2, 100);
	bench_sleep(0.3);
	share_pairs(ptviz, pairs, seconds, w, l, n, machine);
	bench_print_machine("with the load running");
	bench_load_stop();
	share_pairs(ptviz, pairs, seconds, wf, lf, nf, machine);
	for (int k = 0; k < 2; k++) {
		for (int j = 0; j < n[k]; j++)
			fair[k][j] = w[k][j] / ((w[k][j] + l[k][j]) / 2);
	}
	if (machine[0] != '\0')
		printf("  ptviz's last report: %s\n", machine);
	double fa = bench_quantile(fair[0], n[0], 0.5);
	share_print("beside the loops, all CPUs:", w[0], l[0], fair[0], n[0]);
	share_print("beside the loops, cpus 1:", w[1], l[1], fair[1], n[1]);
	double all = bench_quantile(wf[0], nf[0], 0.5), one = bench_quantile(wf[1], nf[1], 0.5);
	char buf[160];
	printf("  without the loops, the two workers, CPUs together: all CPUs %s\n",
	       bench_mqq(wf[0], nf[0], "%.3f", buf, sizeof(buf)));
	printf("                                                    cpus 1   %s\n",
	       bench_mqq(wf[1], nf[1], "%.3f", buf, sizeof(buf)));
	printf("  without the loops, cpus 1 / all CPUs, the workers' medians: %.2f\n", all > 0 ? one / all : 0);
	bench_goal("beside the loops the workers get their fair share (>= 0.9 of it); on free CPUs cpus 1 halves "
	           "what they get (0.4 .. 0.6)",
	           n[0] > 0 && nf[0] > 0 && nf[1] > 0 && fa >= 0.9 && all > 0 && one / all >= 0.4 && one / all <= 0.6);
	return n[0] > 0 && n[1] > 0 && nf[0] > 0 && nf[1] > 0 ? 0 : 1;
}

/* ---- batch start to exit against ps -eLf ---- */

int bench_batch_exit(const char *ptviz)
{
	int runs = bench_rounds(20, 5), n[2] = { 0, 0 };
	double t[2][32], out[32];
	char buf[160];
	char *pv[] = { (char *)ptviz, "-c", "spawn threads 4; spawn processes 4; report", NULL };
	char *ps[] = { "ps", "-eLf", NULL };

	printf("batch start to exit: `ptviz -c 'spawn threads 4; spawn processes 4; report'` against `ps -eLf`, "
	       "%d alternated runs each, output read from a pipe:\n", runs);
	bench_print_machine("before");
	for (int i = 0; i < runs; i++) {
		for (int k = 0; k < 2; k++) {
			int which = (i + k) % 2;
			struct run r;
			if (run(which ? ps : pv, NULL, NULL, 30, &r)) {
				if (which == 0)
					out[n[0]] = r.last_output * 1e3;
				t[which][n[which]++] = r.exited * 1e3;
			}
			bench_sleep(0.05);
		}
	}
	printf("  ptviz, ms:             %s\n", bench_mqq(t[0], n[0], "%.1f", buf, sizeof(buf)));
	printf("  ptviz's last output, ms: %s\n", bench_mqq(out, n[0], "%.1f", buf, sizeof(buf)));
	printf("  ps -eLf, ms:           %s\n", bench_mqq(t[1], n[1], "%.1f", buf, sizeof(buf)));
	double ratio = n[1] > 0 ? bench_quantile(t[0], n[0], 0.5) / bench_quantile(t[1], n[1], 0.5) : 0;
	printf("  ratio of medians ptviz/ps: %.2f\n", ratio);
	bench_print_machine("");
	bench_goal("ratio <= 3", n[0] == runs && ratio > 0 && ratio <= 3);
	return n[0] == runs && n[1] == runs ? 0 : 1;
}
