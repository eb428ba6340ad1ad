/* Benchmarks of the screen: ptviz's own CPU beside htop on the same workers, and time to the first frame. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"
#include "bench_ui_busy.h"

/*
 * Usage: bench_ui PTVIZ cpu-small | cpu-large | first-frame | key-latency | htop | fair-share | batch-exit
 * (the last four: bench_ui_busy.c and bench_ui_batch.c)
 *
 * cpu-*: ptviz on 4 threads + 4 processes (small) or 256 threads + 64 processes (large) at 10 Hz,
 * and beside it, in the same run and the same window of time, htop -d 1 (10 Hz) showing only
 * those same processes (-p), each inside tmux on a private socket at 120x36.  CPU is read from
 * /proc/PID/stat (utime + stime) and, finer, from /proc/PID/task/x/schedstat.
 *
 * first-frame: ptviz started on a pty we own; the time from just before exec to the first full
 * frame, as ptviz notes it through PTVIZ_FIRST_FRAME, and as its output shows it on the pty.
 *
 * Figures are printed, never judged: these are measurements, not tests.  Every process started
 * is ended by its pid before the benchmark returns.
 */

#define WINDOW_S 10.0
#define QUIT_WAIT_S 25.0
#define MAX_PIDS 512
#define COLS 120
#define ROWS 36

static volatile sig_atomic_t stop;
static const char *ptviz;
static char sock[64];
static char tmpdir[64];
static pid_t started[MAX_PIDS];   /* everything to see gone at the end */
static int nstarted;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleeps, waking early when the benchmark is told to stop. */
static void nap(double s)
{
	double until = mono() + s;

	while (!stop && mono() < until) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

static void remember(pid_t pid)
{
	for (int i = 0; i < nstarted; i++) {
		if (started[i] == pid)
			return;
	}
	if (pid > 0 && nstarted < MAX_PIDS)
		started[nstarted++] = pid;
}

/* Fields of /proc/PID/stat after the name, which may hold spaces: field 3 is state. */
static bool stat_fields(pid_t pid, long long *ppid, unsigned long long *utime, unsigned long long *stime)
{
	char path[64], buf[1024];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	if (p == NULL)
		return false;
	char state;
	long long pp;
	unsigned long long ut, st;
	/* state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
	if (sscanf(p + 2, "%c %lld %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &state, &pp, &ut, &st) != 4)
		return false;
	if (ppid != NULL)
		*ppid = pp;
	if (utime != NULL)
		*utime = ut;
	if (stime != NULL)
		*stime = st;
	return true;
}

static unsigned long long cpu_ticks(pid_t pid)
{
	unsigned long long u = 0, s = 0;

	stat_fields(pid, NULL, &u, &s);
	return u + s;
}

/* Nanoseconds on a CPU, summed over the process's threads. */
static unsigned long long cpu_ns(pid_t pid)
{
	char path[64];
	unsigned long long sum = 0;
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char file[300];
		unsigned long long ns;
		snprintf(file, sizeof(file), "/proc/%d/task/%s/schedstat", (int)pid, e->d_name);
		FILE *f = fopen(file, "re");
		if (f == NULL)
			continue;
		if (fscanf(f, "%llu", &ns) == 1)
			sum += ns;
		fclose(f);
	}
	closedir(d);
	return sum;
}

static int ntasks(pid_t pid)
{
	char path[64];
	struct dirent *e;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static int children(pid_t parent, pid_t *out, int max)
{
	struct dirent *e;
	int n = 0;
	DIR *d = opendir("/proc");

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && n < max) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		long long pp;
		if (*end != '\0' || pid <= 0)
			continue;
		if (stat_fields((pid_t)pid, &pp, NULL, NULL) && pp == parent)
			out[n++] = (pid_t)pid;
	}
	closedir(d);
	return n;
}

static int tmux(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int tmux(const char *fmt, ...)
{
	char args[4096], cmd[4300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "tmux -L %s -f /dev/null %s >/dev/null 2>&1", sock, args);
	return system(cmd);
}

static pid_t tmux_pane_pid(const char *session)
{
	char cmd[256], line[64] = "";
	FILE *p;

	snprintf(cmd, sizeof(cmd), "tmux -L %s -f /dev/null display -p -t %s '#{pane_pid}' 2>/dev/null", sock, session);
	p = popen(cmd, "r");
	if (p == NULL)
		return 0;
	if (fgets(line, sizeof(line), p) == NULL)
		line[0] = '\0';
	pclose(p);
	return (pid_t)atoi(line);
}

/* Counts the lines of a session's screen that hold text. */
static int tmux_grep(const char *session, const char *text)
{
	char cmd[512], line[1024];
	int n = 0;

	snprintf(cmd, sizeof(cmd), "tmux -L %s -f /dev/null capture-pane -p -t %s 2>/dev/null", sock, session);
	FILE *p = popen(cmd, "r");
	if (p == NULL)
		return 0;
	while (fgets(line, sizeof(line), p) != NULL)
		n += strstr(line, text) != NULL;
	pclose(p);
	return n;
}

static bool have_program(const char *name)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

/* Waits for every pid remembered to be gone; ends those that are not, by pid. */
static int end_all(void)
{
	int left = 0;

	for (int round = 0; round < 50; round++) {
		left = 0;
		for (int i = 0; i < nstarted; i++)
			left += bench_alive(started[i]);
		if (left == 0)
			return 0;
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	for (int i = 0; i < nstarted; i++) {
		if (bench_alive(started[i])) {
			fprintf(stderr, "bench_ui: pid %d still running; ending it\n", (int)started[i]);
			kill(started[i], SIGKILL);
		}
	}
	return left;
}

static void remove_tmpdir(void)
{
	char cmd[128];

	if (tmpdir[0] == '\0')
		return;
	/* Only what htop wrote there: its htoprc under a config folder. */
	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_ui: could not remove %s\n", tmpdir);
}

/* The figures depend on what else runs: say so beside them. */
static void print_machine(void)
{
	char line[128] = "";
	FILE *f = fopen("/proc/loadavg", "re");

	if (f != NULL) {
		if (fgets(line, sizeof(line), f) == NULL)
			line[0] = '\0';
		fclose(f);
	}
	line[strcspn(line, "\n")] = '\0';
	printf("  machine: %ld CPUs online, /proc/loadavg %s\n", sysconf(_SC_NPROCESSORS_ONLN), line);
}

struct cpu_sample {
	double t;
	unsigned long long ticks, ns;
};

static struct cpu_sample sample(pid_t pid)
{
	struct cpu_sample s = { mono(), cpu_ticks(pid), cpu_ns(pid) };
	return s;
}

static void cpu_report(const char *who, pid_t pid, struct cpu_sample a, struct cpu_sample b, double *pct)
{
	long hz = sysconf(_SC_CLK_TCK);
	double wall = b.t - a.t;
	unsigned long long ticks = b.ticks - a.ticks;
	double by_ticks = 100.0 * ((double)ticks / (double)hz) / wall;
	double by_ns = 100.0 * ((double)(b.ns - a.ns) / 1e9) / wall;

	printf("  %-6s pid %-7d %6.2f%% of one core   (utime+stime %llu ticks in %.2f s; schedstat %.3f%%)\n", who,
	       (int)pid, by_ticks, ticks, wall, by_ns);
	*pct = by_ns > 0 ? by_ns : by_ticks;
}

/* Until the host has all its threads and every process is there; returns ptviz's children (the host in *host). */
static int wait_workers(pid_t ptviz_pid, int nthreads, int nprocs, pid_t *kids, pid_t *host)
{
	int nkids = 0;
	double deadline = mono() + 20.0;

	while (!stop && mono() < deadline) {
		nkids = children(ptviz_pid, kids, MAX_PIDS);
		*host = 0;
		for (int i = 0; i < nkids; i++) {
			remember(kids[i]);
			if (ntasks(kids[i]) > 1)
				*host = kids[i];
		}
		if (nkids == 1 + nprocs && *host != 0 && ntasks(*host) == 1 + nthreads)
			break;
		nap(0.1);
	}
	return nkids;
}

/* Quits htop and ptviz, timing ptviz's end; whatever is left is ended by pid.  Returns how many were left. */
static int quit_all(pid_t ptviz_pid, pid_t htop_pid, int nkids)
{
	if (htop_pid > 0)
		tmux("send-keys -t htop q");
	/* Quitting ends every worker: how long that takes is worth a figure of its own. */
	double q0 = mono();
	tmux("send-keys -t ptviz q");
	while (bench_alive(ptviz_pid) && mono() - q0 < QUIT_WAIT_S) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	if (bench_alive(ptviz_pid))
		printf("  quit: ptviz still ending its workers after %.0f s; the benchmark ends them by pid\n", QUIT_WAIT_S);
	else
		printf("  quit: ptviz ended %d workers' processes and left in %.2f s\n", nkids, mono() - q0);
	for (int i = 0; bench_alive(ptviz_pid) && i < nstarted; i++) {
		if (started[i] != ptviz_pid && started[i] != htop_pid)
			kill(started[i], SIGKILL);
	}
	tmux("kill-server");
	int left = end_all();
	remove_tmpdir();
	return left;
}

/* htop shows only ptviz and its workers; its settings go to a folder of ours, not the user's.  -1 when it cannot. */
static pid_t start_htop(pid_t ptviz_pid, const pid_t *kids, int nkids)
{
	char pids[4096];
	size_t o = (size_t)snprintf(pids, sizeof(pids), "%d", (int)ptviz_pid);

	for (int i = 0; i < nkids && o < sizeof(pids) - 16; i++)
		o += (size_t)snprintf(pids + o, sizeof(pids) - o, ",%d", (int)kids[i]);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ptviz-bench-XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		tmpdir[0] = '\0';
		printf("ui-cpu: no temporary folder for htop's settings: %s\n", strerror(errno));
		return -1;
	}
	tmux("new-session -d -s htop -x %d -y %d 'exec env HOME=%s XDG_CONFIG_HOME=%s htop -d 1 -p %s'", COLS, ROWS,
	     tmpdir, tmpdir, pids);
	pid_t pid = tmux_pane_pid("htop");
	remember(pid);
	return pid;
}

static int bench_cpu(int nthreads, int nprocs, double goal)
{
	pid_t kids[MAX_PIDS], ptviz_pid, htop_pid = 0, host = 0;
	int nkids = 0, rc = 0;
	bool htop = have_program("htop");
	bool have_tmux = have_program("tmux");

	if (!have_tmux) {
		printf("ui-cpu: tmux is not installed: skipped\n");
		return 0;
	}
	if (tmux("new-session -d -s ptviz -x %d -y %d 'exec env LANG=C.UTF-8 LC_ALL=C.UTF-8 %s --hz 10 --empty'",
	         COLS, ROWS, ptviz) != 0) {
		printf("ui-cpu: tmux did not start ptviz\n");
		return 1;
	}
	ptviz_pid = tmux_pane_pid("ptviz");
	remember(ptviz_pid);
	nap(0.3);
	tmux("send-keys -t ptviz ':'");
	tmux("send-keys -t ptviz -l 'spawn threads %d; spawn processes %d'", nthreads, nprocs);
	tmux("send-keys -t ptviz Enter");

	nkids = wait_workers(ptviz_pid, nthreads, nprocs, kids, &host);
	if (nkids != 1 + nprocs || host == 0 || ntasks(host) != 1 + nthreads) {
		printf("ui-cpu: ptviz did not start %d threads + %d processes (saw %d children)\n", nthreads, nprocs, nkids);
		rc = 1;
		goto out;
	}

	if (htop && (htop_pid = start_htop(ptviz_pid, kids, nkids)) < 0) {
		htop_pid = 0;
		rc = 1;
		goto out;
	}
	nap(2.0); /* both settled: first reads of /proc done, screens drawn */
	if (stop)
		goto out;

	struct cpu_sample p0 = sample(ptviz_pid), h0 = htop ? sample(htop_pid) : p0;
	nap(WINDOW_S);
	struct cpu_sample p1 = sample(ptviz_pid), h1 = htop ? sample(htop_pid) : p1;
	if (stop)
		goto out;

	printf("ui-cpu: %d threads + %d processes, both at 10 Hz, %dx%d in tmux, the same %.1f s window\n", nthreads,
	       nprocs, COLS, ROWS, p1.t - p0.t);
	print_machine();
	double pp = 0, hp = 0;
	cpu_report("ptviz", ptviz_pid, p0, p1, &pp);
	if (htop) {
		cpu_report("htop", htop_pid, h0, h1, &hp);
		int rows = tmux_grep("htop", "ptviz");
		printf("  (htop -d 1 -p <ptviz + its %d children> showed %d rows naming ptviz)\n", nkids, rows);
		if (hp > 0)
			printf("  ratio ptviz/htop: %.2f  (%s)\n", pp / hp,
			       pp < hp ? "ptviz is the cheaper" : "ptviz costs more than htop");
	} else {
		printf("  htop is not installed: the htop side is skipped\n");
	}
	printf("  goal: ptviz < %.0f%% of one core: %s\n", goal, pp < goal ? "met" : "NOT met");
	if (!bench_alive(ptviz_pid)) {
		printf("ui-cpu: ptviz died during the measurement\n");
		rc = 1;
	}

out:
	if (quit_all(ptviz_pid, htop_pid, nkids) != 0)
		rc = 1;
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* One start of ptviz on a pty of ours: exec to first full frame (its hook), and to that frame on the pty. */
static bool first_frame_once(const char *hook, double *by_hook, double *on_pty)
{
	struct winsize ws = { .ws_row = ROWS, .ws_col = COLS };
	char buf[65536], seen[8192] = "";
	size_t nseen = 0;
	int master;
	bool ok = false;

	unlink(hook);
	*by_hook = *on_pty = 0;
	double t0 = mono();
	pid_t pid = forkpty(&master, NULL, NULL, &ws);
	if (pid < 0)
		return false;
	if (pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("LANG", "C.UTF-8", 1);
		setenv("LC_ALL", "C.UTF-8", 1);
		setenv("PTVIZ_FIRST_FRAME", hook, 1);
		execl(ptviz, ptviz, (char *)NULL);
		_exit(127);
	}
	remember(pid);
	double deadline = t0 + 5.0;
	while (!stop && mono() < deadline && (*by_hook == 0 || *on_pty == 0)) {
		struct pollfd pfd = { master, POLLIN, 0 };
		if (poll(&pfd, 1, 5) > 0) {
			ssize_t n = read(master, buf, sizeof(buf));
			if (n <= 0)
				break;
			/* Keep a tail of the output: the markers may straddle reads. */
			for (ssize_t i = 0; i < n; i++) {
				if (nseen == sizeof(seen) - 1) {
					memmove(seen, seen + sizeof(seen) / 2, sizeof(seen) / 2);
					nseen -= sizeof(seen) / 2;
				}
				seen[nseen++] = buf[i];
			}
			seen[nseen] = '\0';
			if (*on_pty == 0 && strstr(seen, "SURVIVORS") != NULL && strstr(seen, "4/4 alive") != NULL)
				*on_pty = mono() - t0;
		}
		if (*by_hook == 0) {
			double t = bench_read_number(hook);
			if (t > 0)
				*by_hook = t - t0;
		}
	}
	ok = *by_hook > 0 && *on_pty > 0;

	pid_t kids[MAX_PIDS];
	int nkids = children(pid, kids, MAX_PIDS);
	for (int i = 0; i < nkids; i++)
		remember(kids[i]);
	if (write(master, "q", 1) != 1)
		kill(pid, SIGTERM);
	double until = mono() + 3.0;
	while (mono() < until) {
		struct pollfd pfd = { master, POLLIN, 0 };
		if (poll(&pfd, 1, 50) > 0 && read(master, buf, sizeof(buf)) <= 0)
			break;
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			pid = 0;
			break;
		}
	}
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	close(master);
	unlink(hook);
	return ok;
}

static int bench_first_frame(void)
{
	int runs = getenv("BENCH_RUNS") ? atoi(getenv("BENCH_RUNS")) : 15;
	double hooks[100], ptys[100];
	char hook[128];
	int n = 0;

	if (runs < 1 || runs > 100)
		runs = 15;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ptviz-bench-XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		tmpdir[0] = '\0';
		printf("ui-first-frame: no temporary folder: %s\n", strerror(errno));
		return 1;
	}
	snprintf(hook, sizeof(hook), "%s/first-frame", tmpdir);
	for (int i = 0; i < runs && !stop; i++) {
		if (first_frame_once(hook, &hooks[n], &ptys[n]))
			n++;
		nap(0.2);
	}
	int rc = end_all() != 0;
	remove_tmpdir();
	if (n == 0) {
		printf("ui-first-frame: no run reached a first frame\n");
		return 1;
	}
	double h_med, p_med;
	qsort(hooks, (size_t)n, sizeof(double), cmp_double);
	qsort(ptys, (size_t)n, sizeof(double), cmp_double);
	h_med = n % 2 ? hooks[n / 2] : (hooks[n / 2 - 1] + hooks[n / 2]) / 2;
	p_med = n % 2 ? ptys[n / 2] : (ptys[n / 2 - 1] + ptys[n / 2]) / 2;
	printf("ui-first-frame: ptviz (default scene, 4 threads + 4 processes) on a %dx%d pty, %d of %d runs\n", COLS,
	       ROWS, n, runs);
	printf("  exec -> first full frame (PTVIZ_FIRST_FRAME hook): median %.1f ms  (min %.1f, max %.1f)\n",
	       h_med * 1e3, hooks[0] * 1e3, hooks[n - 1] * 1e3);
	printf("  exec -> that frame read from the pty:              median %.1f ms  (min %.1f, max %.1f)\n",
	       p_med * 1e3, ptys[0] * 1e3, ptys[n - 1] * 1e3);
	print_machine();
	printf("  goal: < 100 ms: %s\n", h_med < 0.1 ? "met" : "NOT met");
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_ui PTVIZ cpu-small|cpu-large|first-frame|key-latency|htop|fair-share|"
		        "batch-exit\n");
		return 2;
	}
	ptviz = argv[1];
	snprintf(sock, sizeof(sock), "ptviz-bench-%d", (int)getpid());
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (strcmp(argv[2], "cpu-small") == 0)
		return bench_cpu(4, 4, 1.0);
	if (strcmp(argv[2], "cpu-large") == 0)
		return bench_cpu(256, 64, 3.0);
	if (strcmp(argv[2], "first-frame") == 0)
		return bench_first_frame();
	if (strcmp(argv[2], "key-latency") == 0)
		return bench_key_latency(ptviz);
	if (strcmp(argv[2], "htop") == 0)
		return bench_htop(ptviz);
	if (strcmp(argv[2], "fair-share") == 0)
		return bench_fair_share(ptviz);
	if (strcmp(argv[2], "batch-exit") == 0)
		return bench_batch_exit(ptviz);
	fprintf(stderr, "bench_ui: unknown benchmark '%s'\n", argv[2]);
	return 2;
}
