/* What the benchmarks share: medians with quartiles, the machine's load, bounded outside busy loops, the goal line. */
#include "bench_common.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t load_pids[BENCH_LOAD_MAX];
static int nload;

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bench_sleep(double seconds)
{
	if (seconds <= 0)
		return;
	struct timespec ts = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

bool bench_quick(void)
{
	const char *q = getenv("BENCH_QUICK");

	return q != NULL && q[0] != '\0' && strcmp(q, "0") != 0;
}

int bench_rounds(int n, int quick)
{
	return bench_quick() ? quick : n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double bench_quantile(double *v, int n, double p)
{
	if (n <= 0)
		return 0;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	double at = p * (n - 1);
	int i = (int)at;
	if (i >= n - 1)
		return v[n - 1];
	return v[i] + (at - i) * (v[i + 1] - v[i]);
}

const char *bench_mqq(double *v, int n, const char *fmt, char *buf, size_t len)
{
	char f[96];

	if (n <= 0) {
		snprintf(buf, len, "no samples");
		return buf;
	}
	snprintf(f, sizeof(f), "median %s (quartiles %s .. %s, n=%%d)", fmt, fmt, fmt);
	double q1 = bench_quantile(v, n, 0.25), m = bench_quantile(v, n, 0.5), q3 = bench_quantile(v, n, 0.75);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(buf, len, f, m, q1, q3, n);
#pragma GCC diagnostic pop
	return buf;
}

void bench_print_machine(const char *when)
{
	char line[128] = "";
	FILE *f = fopen("/proc/loadavg", "re");

	if (f != NULL) {
		if (fgets(line, sizeof(line), f) == NULL)
			line[0] = '\0';
		fclose(f);
	}
	line[strcspn(line, "\n")] = '\0';
	printf("  machine%s%s: %ld CPUs online, /proc/loadavg %s\n", when[0] ? " " : "", when,
	       sysconf(_SC_NPROCESSORS_ONLN), line);
}

void bench_goal(const char *text, bool met)
{
	printf("  goal: %s: %s\n", text, met ? "met" : "NOT met");
}

/* The child: normal priority, dies with the benchmark or at the alarm, spins. */
bool bench_load_apart;

static void load_child(pid_t parent, int max_seconds)
{
	sigset_t none;
	struct sched_param sp = { 0 };

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	if (bench_load_apart)
		setsid();
	signal(SIGALRM, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	sched_setscheduler(0, SCHED_OTHER, &sp);
	setpriority(PRIO_PROCESS, 0, 0);
	alarm((unsigned)max_seconds);
	for (volatile unsigned long spin = 0;; spin++)
		;
}

int bench_load_start(int n, int max_seconds)
{
	pid_t parent = getpid();

	fflush(stdout);
	fflush(stderr);
	for (int i = 0; i < n && nload < BENCH_LOAD_MAX; i++) {
		pid_t pid = fork();
		if (pid == 0)
			load_child(parent, max_seconds);
		if (pid < 0) {
			fprintf(stderr, "bench: fork: %s\n", strerror(errno));
			break;
		}
		load_pids[nload++] = pid;
	}
	return nload;
}

void bench_load_stop(void)
{
	for (int i = 0; i < nload; i++)
		kill(load_pids[i], SIGKILL);
	for (int i = 0; i < nload; i++) {
		while (waitpid(load_pids[i], NULL, 0) < 0 && errno == EINTR)
			;
	}
	nload = 0;
}

int bench_load_pids(pid_t *out, int max)
{
	int n = nload < max ? nload : max;

	memcpy(out, load_pids, (size_t)n * sizeof(*out));
	return n;
}

double bench_read_number(const char *path)
{
	FILE *f = fopen(path, "re");
	double v = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%lf", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

bool bench_alive(pid_t pid)
{
	char path[64], line[256];
	bool zombie = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "State:", 6) == 0) {
			zombie = strchr(line, 'Z') != NULL;
			break;
		}
	}
	fclose(f);
	return !zombie;
}

double bench_task_cpu_ns(pid_t pid, pid_t tid)
{
	char path[300];

	if (tid != 0) {
		snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", (int)pid, (int)tid);
		return bench_read_number(path);
	}
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	double sum = 0;
	struct dirent *e;
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/schedstat", (int)pid, e->d_name);
		sum += bench_read_number(path);
	}
	closedir(d);
	return sum;
}

int bench_ntasks(pid_t pid)
{
	char path[64];
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (d == NULL)
		return 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static pid_t bench_parent_of(pid_t pid)
{
	char path[64], buf[512];
	int ppid = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	if (p == NULL || sscanf(p + 2, "%*c %d", &ppid) != 1)
		return 0;
	return (pid_t)ppid;
}

int bench_kids_look(struct bench_kids *k, pid_t parent, int *most_tasks)
{
	DIR *d = opendir("/proc");
	int n = 0;

	*most_tasks = 0;
	if (d == NULL)
		return 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end != '\0' || pid <= 0 || bench_parent_of((pid_t)pid) != parent)
			continue;
		n++;
		int t = bench_ntasks((pid_t)pid);
		*most_tasks = t > *most_tasks ? t : *most_tasks;
		bool known = false;
		for (int i = 0; i < k->n && !known; i++)
			known = k->pid[i] == (pid_t)pid;
		if (!known && k->n < BENCH_KIDS_MAX)
			k->pid[k->n++] = (pid_t)pid;
	}
	closedir(d);
	return n;
}

int bench_kids_gone(struct bench_kids *k, double seconds, const char *who)
{
	int left = 0;

	for (double until = bench_now() + seconds;;) {
		left = 0;
		for (int i = 0; i < k->n; i++)
			left += bench_alive(k->pid[i]);
		if (left == 0 || bench_now() >= until)
			break;
		bench_sleep(0.1);
	}
	for (int i = 0; i < k->n; i++) {
		if (bench_alive(k->pid[i])) {
			fprintf(stderr, "%s: ptviz's child %d still running; ending it\n", who, (int)k->pid[i]);
			kill(k->pid[i], SIGKILL);
		}
	}
	k->n = 0;
	return left;
}
