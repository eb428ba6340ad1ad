/* Benchmarks of the screen among busy programs: key press to screen with outside load, and ptviz's CPU and frame rate beside htop. */
#include "bench_ui_busy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "bench_common.h"
#include "bench_term.h"


static struct bench_kids kids;   /* ptviz's children, to be seen gone at the end */

/* ptviz on a pty of ours with threads + processes spawned from its prompt; false (and ended) when they never all ran. */
static bool screen_start(struct term *t, const char *ptviz, int threads, int processes)
{
	char *argv[] = { (char *)ptviz, "--hz", "10", "--empty", NULL };
	char cmd[128];
	int host = 0, n = 0;

	if (term_start(t, argv, NULL) < 0)
		return false;
	t->watch = "t=";   /* the header's clock, new with each frame */
	t->watch_row = 0;
	double deadline = bench_now() + 3;
	while (bench_now() < deadline && !term_find(t, "selected", NULL, 0) && !term_find(t, "Quit", NULL, 0))
		term_pump(t, 50);
	snprintf(cmd, sizeof(cmd), ":spawn threads %d; spawn processes %d\r", threads, processes);
	term_type(t, cmd);
	deadline = bench_now() + 30;
	while (bench_now() < deadline) {
		term_pump(t, 100);
		n = bench_kids_look(&kids, t->pid, &host);
		if (n == 1 + processes && host == 1 + threads)
			return true;
	}
	printf("  ptviz did not start %d threads + %d processes (saw %d children, the biggest with %d tasks)\n",
	       threads, processes, n, host);
	double took;
	term_end(t, "q", 10, &took);
	bench_kids_gone(&kids, 5.0, "bench_ui");
	return false;
}

static void screen_end(struct term *t)
{
	double took;
	bool clean = term_end(t, "q", 30, &took);

	if (clean)
		printf("  quit: ptviz ended its %d workers' processes and left in %.2f s\n", kids.n, took);
	else
		printf("  quit: ptviz still there after %.0f s; ended by PID\n", took);
	bench_kids_gone(&kids, 5.0, "bench_ui");
}

/* Drains the pty for seconds. */
static void screen_idle(struct term *t, double seconds)
{
	double until = bench_now() + seconds;

	while (bench_now() < until && !t->eof)
		term_pump(t, (int)((until - bench_now()) * 1000) + 1);
}

/* ---- key press to screen ---- */

/* One press of j (the worker below): the time until the key bar names another worker, in ms; -1 when it never did. */
static double key_once(struct term *t)
{
	char before[32] = "", now[32] = "";

	term_pump(t, 0);
	term_find(t, "selected ", before, sizeof(before));
	double a = bench_now();
	term_type(t, "j");
	while (bench_now() - a < 2.0 && !t->eof) {
		term_pump(t, 1);
		if (term_find(t, "selected ", now, sizeof(now)) && strcmp(now, before) != 0)
			return (bench_now() - a) * 1e3;
	}
	return -1;
}

int bench_key_latency(const char *ptviz)
{
	int presses = bench_rounds(30, 8), n = 0, missed = 0;
	double ms[64];
	char buf[160];
	struct term t;

	printf("key press to screen: ptviz at %dx%d on a pty, 256 threads + 64 processes busy, two outside busy "
	       "loops; j (select the worker below) until the key bar names the new worker, %d presses:\n",
	       TERM_COLS, TERM_ROWS, presses);
	bench_print_machine("before");
	bench_load_start(2, 110);
	if (!screen_start(&t, ptviz, 256, 64)) {
		bench_load_stop();
		return 1;
	}
	screen_idle(&t, 1.5);
	long b0 = t.changes;
	double t0 = bench_now();
	for (int i = 0; i < presses && !t.eof; i++) {
		double v = key_once(&t);
		if (v < 0)
			missed++;
		else
			ms[n++] = v;
		screen_idle(&t, 0.15 + 0.2 * (double)(rand() % 100) / 100.0);
	}
	double fps = (double)(t.changes - b0) / (bench_now() - t0);
	bench_print_machine("with the load running");
	bench_load_stop();
	if (missed > 0 || getenv("BENCH_DUMP") != NULL)
		term_dump(&t, stdout);
	screen_end(&t);
	printf("  key to screen, ms: %s\n", bench_mqq(ms, n, "%.1f", buf, sizeof(buf)));
	printf("  p90 %.1f ms, max %.1f ms; %d of %d presses never showed within 2 s\n", bench_quantile(ms, n, 0.9),
	       bench_quantile(ms, n, 1.0), missed, presses);
	printf("  ptviz's frames meanwhile: %.1f/s (changes of the header's t= on the screen)\n", fps);
	bench_goal("p90 <= 50 ms, every press shown", n > 0 && missed == 0 && bench_quantile(ms, n, 0.9) <= 50);
	return 0;
}

/* ---- ptviz's own CPU beside htop -d 1 ---- */

static bool have_program(const char *name)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

/* htop -d 1 on a pty of ours, showing only ptviz and its children, its settings in a folder of ours. */
static bool htop_start(struct term *h, pid_t ptviz, char *dir, size_t len)
{
	char pids[8192];
	size_t o = (size_t)snprintf(pids, sizeof(pids), "%d", (int)ptviz);

	for (int i = 0; i < kids.n && o < sizeof(pids) - 16; i++)
		o += (size_t)snprintf(pids + o, sizeof(pids) - o, ",%d", (int)kids.pid[i]);
	snprintf(dir, len, "/tmp/ptviz-bench-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		dir[0] = '\0';
		return false;
	}
	char *argv[] = { "htop", "-d", "1", "-p", pids, NULL };
	return term_start(h, argv, dir) > 0;
}

static void remove_dir(const char *dir)
{
	char cmd[128];

	/* Only what htop wrote there: its htoprc under a config folder. */
	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
	if (dir[0] != '\0' && system(cmd) != 0)
		fprintf(stderr, "bench_ui: could not remove %s\n", dir);
}

/* One-second windows: each one's CPU (% of a core) of ptviz and htop, and ptviz's frames drawn. */
static int htop_windows(struct term *t, struct term *h, int windows, double pcpu[][3])
{
	int n = 0;

	for (int i = 0; i < windows && !t->eof; i++) {
		double a = bench_now(), p0 = bench_task_cpu_ns(t->pid, 0), h0 = h ? bench_task_cpu_ns(h->pid, 0) : 0;
		long b0 = t->changes;
		while (bench_now() - a < 1.0) {
			struct pollfd pfd[2] = { { t->master, POLLIN, 0 }, { h ? h->master : -1, POLLIN, 0 } };
			if (poll(pfd, 2, 50) < 0 && errno != EINTR)
				break;
			if (pfd[0].revents)
				term_pump(t, 0);
			if (h != NULL && pfd[1].revents)
				term_pump(h, 0);
		}
		double wall = bench_now() - a;
		pcpu[n][0] = (bench_task_cpu_ns(t->pid, 0) - p0) / 1e7 / wall;
		pcpu[n][1] = h ? (bench_task_cpu_ns(h->pid, 0) - h0) / 1e7 / wall : 0;
		pcpu[n][2] = (double)(t->changes - b0) / wall;
		n++;
	}
	return n;
}

static void htop_print(double pcpu[][3], int n, bool htop)
{
	double p[32], h[32], r[32], f[32];
	char buf[160];

	for (int i = 0; i < n; i++) {
		p[i] = pcpu[i][0];
		h[i] = pcpu[i][1];
		r[i] = h[i] > 0 ? p[i] / h[i] : 0;
		f[i] = pcpu[i][2];
	}
	printf("  ptviz, %% of a core:   %s\n", bench_mqq(p, n, "%.2f", buf, sizeof(buf)));
	printf("  ptviz, frames drawn/s (changes of the header's t=): %s\n", bench_mqq(f, n, "%.1f", buf, sizeof(buf)));
	if (!htop) {
		printf("  htop is not installed: the htop side is skipped\n");
		bench_print_machine("");
		printf("  goal: ptviz <= 0.25x htop at the full frame rate: not judged (no htop)\n");
		return;
	}
	printf("  htop -d 1, %% of a core: %s\n", bench_mqq(h, n, "%.2f", buf, sizeof(buf)));
	printf("  ratio ptviz/htop, per window: %s\n", bench_mqq(r, n, "%.3f", buf, sizeof(buf)));
	bench_print_machine("");
	bench_goal("ptviz <= 0.25x htop (median of windows) at >= 9.5 frames/s",
	           bench_quantile(r, n, 0.5) <= 0.25 && bench_quantile(f, n, 0.5) >= 9.5);
}

int bench_htop(const char *ptviz)
{
	int windows = bench_rounds(12, 4);
	double pcpu[32][3];
	char dir[64] = "";
	struct term t, h;
	bool htop = have_program("htop");

	printf("ptviz's own CPU against htop -d 1 (-p ptviz and its children), both on ptys of ours at %dx%d, 256 "
	       "threads + 64 processes, the same %d one-second windows:\n", TERM_COLS, TERM_ROWS, windows);
	bench_print_machine("before");
	if (!screen_start(&t, ptviz, 256, 64))
		return 1;
	if (htop && !htop_start(&h, t.pid, dir, sizeof(dir))) {
		printf("  htop did not start\n");
		htop = false;
	}
	/* Both settled: first reads of /proc done, screens drawn. */
	double until = bench_now() + 2.0;
	while (bench_now() < until) {
		term_pump(&t, 20);
		if (htop)
			term_pump(&h, 0);
	}
	int n = htop_windows(&t, htop ? &h : NULL, windows, pcpu);
	if (htop) {
		double took;
		char found[16];
		printf("  htop's screen %s ptviz\n", term_find(&h, "ptviz", found, sizeof(found)) ? "shows" : "does not show");
		term_end(&h, "q", 5, &took);
		remove_dir(dir);
	}
	screen_end(&t);
	htop_print(pcpu, n, htop);
	return 0;
}
