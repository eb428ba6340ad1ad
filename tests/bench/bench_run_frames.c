/* Benchmark: ptviz's own CPU per frame over a program of 256 threads, beside the same over 256 of its own workers. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"
#include "bench_term.h"

/*
 * Usage: bench_run_frames PTVIZ THREAD_CROWD FRAME_COUNT_LIBRARY
 *
 * Four ways of looking at 256 threads, each started once a round and measured in WINDOWS
 * windows of WINDOW_S seconds once its threads are all there:
 *
 *   program: ptviz run -- thread_crowd 256, on a pty of ours (the program's screen: 256
 *            threads, the main one included, sleeping);
 *   busy:    the same with thread_crowd 256 busy (every thread spinning);
 *   own:     ptviz --empty, then ':spawn threads 256' at its prompt (the thread host: 256
 *            workers counting, and the host's main thread);
 *   json:    ptviz run --json --every 0.1 -- thread_crowd 256 (no screen; a report each 0.1 s).
 *
 * CPU: ptviz's process CPU clock (clock_getcpuclockid), its own threads only, not its children
 * (the program, the thread host).  Frames are counted, not taken from the clock: on the screen,
 * a library preloaded into ptviz counts its calls of doupdate (one a frame: the screen loop
 * draws once a turn, and no key is typed in a window); for JSON, the reports read on its output.
 * Each window's figure is its CPU over its frames.
 */

#define THREADS 256
#define WINDOWS 3
#define WINDOW_S 5.0
#define SETTLE_S 2.0
#define MAX_ROUNDS 9
#define MAX_SAMPLES (MAX_ROUNDS * WINDOWS)

enum kind { PROGRAM, BUSY, OWN, JSON, KINDS };
static const char *kind_name[KINDS] = { "program, screen", "busy program, screen", "own workers, screen",
	                                "program, JSON" };

static const char *ptviz, *crowd, *counter_lib;
static volatile sig_atomic_t stop;   /* SIGTERM or SIGINT (meson's timeout): end what runs, and leave */
static struct bench_kids kids;   /* ptviz's children seen, to be seen gone */
static char count_path[64];          /* the frame counter's file */
static volatile long *count;

/* ptviz's own CPU, its threads only: its process CPU clock (readable until it is reaped); -1 when not. */
static double own_cpu_ns(pid_t pid)
{
	clockid_t clock;
	struct timespec ts;

	if (clock_getcpuclockid(pid, &clock) != 0 || clock_gettime(clock, &ts) != 0)
		return -1;
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Has pid exited?  Left a zombie (not reaped), so that its CPU clock can still be read. */
static bool exited(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Reaps pid, ending it first when it is still there (SIGTERM: ptviz ends its own; then SIGKILL); its exit status. */
static int reap(pid_t pid, bool end_it)
{
	int st = 0;

	if (end_it) {
		kill(pid, SIGTERM);
		for (int i = 0; i < 100 && !exited(pid); i++)
			bench_sleep(0.1);
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

/* The counter's file, made and mapped once: 8 bytes the preloaded library adds to. */
static bool counter_open(void)
{
	snprintf(count_path, sizeof(count_path), "/tmp/ptviz-frames-XXXXXX");
	int fd = mkstemp(count_path);
	if (fd < 0)
		return false;
	void *m = MAP_FAILED;
	if (ftruncate(fd, sizeof(long)) == 0)
		m = mmap(NULL, sizeof(long), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	count = m != MAP_FAILED ? m : NULL;
	return count != NULL;
}

static long frames_now(void)
{
	return __atomic_load_n(count, __ATOMIC_RELAXED);
}

/* Pumps the pty, or counts the JSON reports on fd, for seconds. */
struct reports {
	int fd;
	int match;                       /* how much of the report prefix a line has matched; -1: not a report */
	long n;
};

static void json_pump(struct reports *r, int timeout_ms)
{
	static const char prefix[] = "{\"event\":\"report\"";
	char buf[65536];
	struct pollfd pfd = { r->fd, POLLIN, 0 };

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return;
	ssize_t got = read(r->fd, buf, sizeof(buf));
	for (ssize_t i = 0; i < got; i++) {
		if (buf[i] == '\n') {
			r->match = 0;
		} else if (r->match >= 0) {
			r->match = buf[i] == prefix[r->match] ? r->match + 1 : -1;
			if (prefix[r->match] == '\0') {
				r->n++;
				r->match = -1;
			}
		}
	}
}

static void pump(struct term *t, struct reports *r, double seconds)
{
	double until = bench_now() + seconds;

	while (bench_now() < until && !stop) {
		int ms = (int)((until - bench_now()) * 1000) + 1;
		if (t != NULL)
			term_pump(t, ms < 100 ? ms : 100);
		else
			json_pump(r, ms < 100 ? ms : 100);
	}
}

/* A child of ptviz with all the threads, within a minute (a hang guard); false when none came. */
static bool threads_there(pid_t pid, struct term *t, struct reports *r, int want)
{
	double deadline = bench_now() + 60;
	int most = 0;

	while (bench_now() < deadline && !stop && !exited(pid)) {
		int n;
		bench_kids_look(&kids, pid, &n);
		most = n > most ? n : most;
		if (most >= want)
			return true;
		pump(t, r, 0.2);
	}
	printf("  ptviz's biggest child had %d tasks of %d\n", most, want);
	return false;
}

/* ptviz started for kind, on a pty (t) or a pipe (r->fd); its pid, or -1. */
static pid_t kind_start(enum kind k, struct term *t, struct reports *r)
{
	char n[16];

	snprintf(n, sizeof(n), "%d", THREADS);
	if (k == JSON) {
		char *argv[] = { (char *)ptviz, "run", "--json", "--every", "0.1", "--", (char *)crowd, n, NULL };
		int fd[2];
		if (pipe(fd) != 0)
			return -1;
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			/* Its line on leaving ("SIGTERM: the program's whole tree was ended") is not ours to print. */
			int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
			dup2(fd[1], 1);
			dup2(null, 2);
			close(fd[0]);
			close(fd[1]);
			execv(argv[0], argv);
			_exit(127);
		}
		close(fd[1]);
		*r = (struct reports){ fd[0], 0, 0 };
		return pid;
	}
	char *run_argv[] = { (char *)ptviz, "run", "--", (char *)crowd, n, k == BUSY ? "busy" : "sleep", NULL };
	char *own_argv[] = { (char *)ptviz, "--empty", "--hz", "10", NULL };
	/* Only ptviz on the screen gets the counting library (and its children after it, which never call doupdate). */
	setenv("LD_PRELOAD", counter_lib, 1);
	setenv("PTVIZ_BENCH_FRAMES", count_path, 1);
	pid_t pid = term_start(t, k == OWN ? own_argv : run_argv, NULL);
	unsetenv("LD_PRELOAD");
	unsetenv("PTVIZ_BENCH_FRAMES");
	if (pid > 0 && k == OWN) {
		pump(t, NULL, 1.0);
		char cmd[64];
		snprintf(cmd, sizeof(cmd), ":spawn threads %d\r", THREADS);
		term_type(t, cmd);
	}
	return pid;
}

/* Quits ptviz as a user would (q, or SIGTERM without a screen) and reaps it; true when it left by itself. */
static bool kind_end(enum kind k, pid_t pid, struct term *t, struct reports *r)
{
	double a = bench_now();
	bool gone = false;

	if (k == JSON)
		kill(pid, SIGTERM);
	else
		term_type(t, "q");
	while (!(gone = exited(pid)) && bench_now() - a < 30)
		pump(k == JSON ? NULL : t, r, 0.05);
	reap(pid, !gone);
	close(k == JSON ? r->fd : t->master);
	bench_kids_gone(&kids, 10.0, "bench_run_frames");
	return gone;
}

/* One run of one kind: up to WINDOWS figures (ms of CPU a frame) into ms; how many. */
static int kind_once(enum kind k, double *ms, long *frames)
{
	struct term t;
	struct reports r = { -1, 0, 0 };
	struct term *tp = k == JSON ? NULL : &t;
	int n = 0;

	__atomic_store_n(count, 0, __ATOMIC_RELAXED);
	pid_t pid = kind_start(k, &t, &r);
	if (pid < 0)
		return 0;
	if (threads_there(pid, tp, &r, k == OWN ? THREADS + 1 : THREADS)) {
		pump(tp, &r, SETTLE_S);
		for (int w = 0; w < WINDOWS && !stop; w++) {
			long f0 = k == JSON ? r.n : frames_now();
			double c0 = own_cpu_ns(pid);
			pump(tp, &r, WINDOW_S);
			double c1 = own_cpu_ns(pid);
			long f1 = k == JSON ? r.n : frames_now();
			if (c0 < 0 || c1 < 0 || f1 <= f0) {
				printf("  %s: a window without frames (%ld) or CPU\n", kind_name[k], f1 - f0);
				continue;
			}
			ms[n++] = (c1 - c0) / 1e6 / (double)(f1 - f0);
			*frames += f1 - f0;
		}
	}
	if (!kind_end(k, pid, tp, &r))
		printf("  %s: ptviz did not leave within 30 s; ended by PID\n", kind_name[k]);
	return n;
}

static double median_of(double *v, int n)
{
	double copy[MAX_SAMPLES];

	memcpy(copy, v, (size_t)n * sizeof(*v));
	return bench_quantile(copy, n, 0.5);
}

int main(int argc, char **argv)
{
	int rounds = bench_rounds(5, 2), n[KINDS] = { 0 }, nratio = 0, nbusy = 0;
	double ms[KINDS][MAX_SAMPLES], ratio[MAX_ROUNDS], busy[MAX_ROUNDS];
	long frames[KINDS] = { 0 };
	char buf[160];

	if (argc < 4) {
		fprintf(stderr, "usage: bench_run_frames PTVIZ THREAD_CROWD FRAME_COUNT_LIBRARY\n");
		return 2;
	}
	ptviz = argv[1];
	crowd = argv[2];
	counter_lib = argv[3];
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (!counter_open()) {
		fprintf(stderr, "bench_run_frames: no file for the frame counter: %s\n", strerror(errno));
		return 1;
	}
	printf("run-frames: ptviz's own CPU a frame (its process CPU clock, its threads only) over %d threads, %d rounds "
	       "of %d windows of %.0f s each, the screen at %dx%d on a pty of ours, 10 frames/s:\n", THREADS, rounds,
	       WINDOWS, WINDOW_S, TERM_COLS, TERM_ROWS);
	printf("  program: ptviz run -- thread_crowd %d (sleeping; busy: spinning); own workers: ptviz --empty, ':spawn "
	       "threads %d' (counting); JSON: ptviz run --json --every 0.1 -- thread_crowd %d\n", THREADS, THREADS,
	       THREADS);
	bench_print_machine("before");
	for (int r = 0; r < rounds && !stop; r++) {
		double med[KINDS] = { -1, -1, -1, -1 };
		for (int i = 0; i < KINDS && !stop; i++) {
			/* Each round in another order, so that no kind always runs after the same one. */
			enum kind k = (enum kind)((i + r) % KINDS);
			int got = kind_once(k, &ms[k][n[k]], &frames[k]);
			if (got > 0) {
				med[k] = median_of(&ms[k][n[k]], got);
				printf("  round %d, %-20s %.3f ms a frame (median of %d windows)\n", r + 1, kind_name[k], med[k],
				       got);
				fflush(stdout);
			}
			n[k] += got;
		}
		if (med[PROGRAM] > 0 && med[OWN] > 0)
			ratio[nratio++] = med[PROGRAM] / med[OWN];
		if (med[BUSY] > 0 && med[OWN] > 0)
			busy[nbusy++] = med[BUSY] / med[OWN];
	}
	bench_print_machine("after");
	for (int k = 0; k < KINDS; k++)
		printf("  %-20s ms of ptviz's CPU a frame: %s; %ld frames counted\n", kind_name[k],
		       bench_mqq(ms[k], n[k], "%.3f", buf, sizeof(buf)), frames[k]);
	printf("  program / own workers, a round's medians: %s\n", bench_mqq(ratio, nratio, "%.2f", buf, sizeof(buf)));
	printf("  busy program / own workers:               %s\n", bench_mqq(busy, nbusy, "%.2f", buf, sizeof(buf)));
	bench_goal("a frame over a program's 256 (sleeping) threads costs ptviz no more CPU than over 256 of its own "
	           "workers", nratio > 0 && bench_quantile(ratio, nratio, 0.5) <= 1.0);
	bench_goal("the same with the program's 256 threads busy", nbusy > 0 && bench_quantile(busy, nbusy, 0.5) <= 1.0);
	munmap((void *)count, sizeof(long));
	unlink(count_path);
	return n[PROGRAM] > 0 && n[OWN] > 0 ? 0 : 1;
}
