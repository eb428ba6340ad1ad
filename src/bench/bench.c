/* The costs lab's runner: one measuring child at a time, its pipe, its progress, its cancel. */
#include "bench_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cmd/cmd.h"

#include <bsd/string.h>

#include "../lab/lab.h"

#define BENCH_KIND_NAME(id, name) name,
const char *const bench_names[BENCH_ALL + 2] = { BENCH_KINDS(BENCH_KIND_NAME) "all", NULL };

static struct bench_options bench_chosen = { BENCH_DEFAULT_SECONDS, BENCH_DEFAULT_MAX_MIB };

bool bench_kind_parse(const char *name, enum bench_kind *kind)
{
	for (int i = 0; i <= BENCH_ALL; i++) {
		if (strcmp(name, bench_names[i]) == 0) {
			*kind = (enum bench_kind)i;
			return true;
		}
	}
	return false;
}

const char *bench_kind_name(enum bench_kind kind)
{
	return kind >= 0 && kind < BENCH_ALL ? bench_names[kind] : bench_names[BENCH_ALL];
}

const char *bench_ipc_method_name(enum bench_ipc_method m)
{
	static const char *const names[BENCH_IPC_METHODS] = { "pipe", "unix socket", "shared memory",
		                                                  "shared variable" };
	return m >= 0 && m < BENCH_IPC_METHODS ? names[m] : "?";
}

void bench_options_defaults(struct bench_options *opt)
{
	opt->seconds = BENCH_DEFAULT_SECONDS;
	opt->max_mib = BENCH_DEFAULT_MAX_MIB;
}

bool bench_option_parse(struct bench_options *opt, const char *flag, const char *value)
{
	bool seconds = strcmp(flag, "--bench-time") == 0;
	char words[96], why[128] = "";
	double v;

	/* Numbers as the command language writes them (cmd_number): no hexadecimal, exponent, inf or nan. */
	bool ok = cmd_number(value, seconds, &v, words, sizeof(words));
	if (words[0] != '\0')
		snprintf(why, sizeof(why), " (%s)", words);
	if (seconds && !(ok && v >= BENCH_MIN_SECONDS && v <= BENCH_MAX_SECONDS)) {
		fprintf(stderr, "ptviz: %s '%s'%s: expected seconds as a decimal number from %g to %g\n", flag, value, why,
		        BENCH_MIN_SECONDS, BENCH_MAX_SECONDS);
		return false;
	}
	if (!seconds && !(ok && v >= 1 && v <= BENCH_LIMIT_MIB)) {
		fprintf(stderr, "ptviz: %s '%s'%s: expected a whole number of MiB from 1 to %d\n", flag, value, why,
		        BENCH_LIMIT_MIB);
		return false;
	}
	if (seconds)
		opt->seconds = v;
	else
		opt->max_mib = (int)v;
	return true;
}

void bench_set_defaults(const struct bench_options *opt)
{
	bench_chosen = *opt;
}

const struct bench_options *bench_defaults(void)
{
	return &bench_chosen;
}

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

pid_t bench_wait(pid_t pid, int *status)
{
	pid_t r;

	do
		r = waitpid(pid, status, 0);
	while (r < 0 && errno == EINTR);
	return r;
}

void bench_machine_read(struct bench_machine *m)
{
	struct utsname u;
	cpu_set_t set;
	char line[256];

	memset(m, 0, sizeof(*m));
	m->cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	m->allowed = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : m->cpus;
	if (uname(&u) == 0)
		snprintf(m->kernel, sizeof(m->kernel), "%.16s %.48s %.16s", u.sysname, u.release, u.machine);
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "model name", 10) == 0) {
			char *v = strchr(line, ':');
			if (v != NULL) {
				v += 1 + strspn(v + 1, " \t");
				v[strcspn(v, "\n")] = '\0';
				strlcpy(m->model, v, sizeof(m->model));
			}
			break;
		}
	}
	fclose(f);
}

void bench_init(struct bench *b)
{
	memset(b, 0, sizeof(*b));
	b->fd = -1;
	b->opt = bench_chosen;
}

/*
 * Like a worker's setup, but at ordinary priority: a measurement at nice 10 would
 * measure the neighbours.  Dies with ptviz, leaves no core, a process group of its
 * own (so a cancel reaches what it started), the terminal left alone, the pipe on 3.
 */
static void bench_child_setup(pid_t parent, int fd, enum bench_kind kind)
{
	char title[64];

	snprintf(title, sizeof(title), "ptviz: bench %s", bench_names[kind]);
	lab_child_isolate(parent, &fd, 1, title, "ptviz-bench");
	/* The programs posix_spawn starts must not hold ptviz's pipe open. */
	fcntl(3, F_SETFD, FD_CLOEXEC);
}

static bool bench_fork(struct bench *b, enum bench_kind kind)
{
	int p[2];
	sigset_t all, old;
	pid_t parent = getpid();

	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(b->error, sizeof(b->error), "cannot start %s: pipe: %s", bench_names[kind], strerror(errno));
		return false;
	}
	/* No handler of ptviz's may run in the child before it resets them. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		bench_child_setup(parent, p[1], kind);
		bench_measure_main(kind, &b->opt, 3);
	}
	int saved = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		snprintf(b->error, sizeof(b->error), "cannot start %s: fork: %s", bench_names[kind], strerror(saved));
		return false;
	}
	fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
	b->pid = pid;
	b->fd = p[0];
	b->kind = kind;
	b->state = BENCH_RUNNING;
	b->started = bench_now();
	b->fraction = 0;
	b->have = 0;
	b->finished = false;
	b->error[0] = '\0';
	snprintf(b->progress, sizeof(b->progress), "starting");
	return true;
}

bool bench_start(struct bench *b, enum bench_kind kind, const struct bench_options *opt)
{
	if (b->state == BENCH_RUNNING) {
		snprintf(b->error, sizeof(b->error), "%s is still running: cancel it first", bench_names[b->kind]);
		return false;
	}
	b->opt = opt != NULL ? *opt : bench_chosen;
	b->cancelled = false;
	b->nqueue = 0;
	b->next = 0;
	if (kind == BENCH_ALL) {
		for (int i = 0; i < BENCH_COUNT; i++)
			b->queue[b->nqueue++] = (enum bench_kind)i;
	} else {
		b->queue[b->nqueue++] = kind;
	}
	return bench_fork(b, b->queue[b->next++]);
}

int bench_fd(const struct bench *b)
{
	return b->fd;
}

bool bench_running(const struct bench *b)
{
	return b->state == BENCH_RUNNING;
}

const struct bench_result *bench_last(const struct bench *b, enum bench_kind kind)
{
	return kind >= 0 && kind < BENCH_COUNT && b->has[kind] ? &b->last[kind] : NULL;
}

static void bench_take(struct bench *b, const struct bench_msg *msg)
{
	switch (msg->type) {
	case BENCH_MSG_PROGRESS:
		b->fraction = msg->fraction;
		strlcpy(b->progress, msg->text, sizeof(b->progress));
		break;
	case BENCH_MSG_RESULT: {
		struct bench_result *r = &b->last[b->kind];
		*r = msg->result;
		r->kind = b->kind;
		r->valid = true;
		r->when = time(NULL);
		r->opt = b->opt;
		bench_machine_read(&r->machine);
		b->has[b->kind] = true;
		b->finished = true;
		b->fraction = 1;
		break;
	}
	case BENCH_MSG_ERROR:
		strlcpy(b->error, msg->text, sizeof(b->error));
		break;
	default:
		break;
	}
}

/* After the child's end of the pipe closed: reap it, and say how it ended if it sent nothing. */
static void bench_reap(struct bench *b, bool got_result)
{
	int st = 0;

	close(b->fd);
	b->fd = -1;
	pid_t r = bench_wait(b->pid, &st);
	if (!got_result && b->error[0] == '\0') {
		if (r == b->pid && WIFSIGNALED(st))
			snprintf(b->error, sizeof(b->error), "the measuring child died of signal %d (%s)", WTERMSIG(st),
			         strsignal(WTERMSIG(st)));
		else
			snprintf(b->error, sizeof(b->error), "the measuring child ended without a result");
	}
	b->pid = 0;
	b->state = BENCH_IDLE;
}

enum bench_news bench_dispatch(struct bench *b)
{
	enum bench_news news = BENCH_NEWS_NONE;
	if (b->state != BENCH_RUNNING || b->fd < 0)
		return news;
	for (;;) {
		ssize_t n = read(b->fd, b->buf + b->have, sizeof(struct bench_msg) - b->have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return news;   /* EAGAIN: nothing more for now */
		if (n == 0)
			break;         /* the child is done, one way or another */
		b->have += (size_t)n;
		if (b->have == sizeof(struct bench_msg)) {
			struct bench_msg msg;
			memcpy(&msg, b->buf, sizeof(msg));
			b->have = 0;
			bench_take(b, &msg);
			news = BENCH_NEWS_PROGRESS;
		}
	}
	bench_reap(b, b->finished);
	b->done = b->kind;
	b->done_ok = b->finished;
	strlcpy(b->done_error, b->error, sizeof(b->done_error));
	/* What it measured stays; the next of `all` starts. */
	if (b->next < b->nqueue)
		bench_fork(b, b->queue[b->next++]);
	return BENCH_NEWS_DONE;
}

void bench_cancel(struct bench *b)
{
	if (b->state != BENCH_RUNNING)
		return;
	pid_t pid = b->pid;
	/* The child and whatever it started share its process group. */
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
	bench_wait(pid, NULL);
	/*
	 * Its own children may outlive it by a moment.  If ptviz is their subreaper they are
	 * ptviz's to reap now, and only those of that process group are taken here.
	 */
	double deadline = bench_now() + 2.0;
	while (kill(-pid, 0) == 0 && bench_now() < deadline) {
		while (waitpid(-pid, NULL, WNOHANG) > 0)
			;
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
	}
	b->pid = 0;
	b->state = BENCH_IDLE;
	b->cancelled = true;
	b->done = b->kind;
	b->done_ok = false;
	b->nqueue = b->next = 0;
	b->have = 0;
	snprintf(b->error, sizeof(b->error), "%s was cancelled", bench_names[b->kind]);
	strlcpy(b->done_error, b->error, sizeof(b->done_error));
}
