/* Runs the real ptviz binary for the screenless tests: its output, its exit status, a deadline. */
#ifndef PTVIZ_TEST_RUN_H
#define PTVIZ_TEST_RUN_H

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The binary under test: argv[1] of the test program. */
static const char *ptviz_path;

struct run {
	char out[1 << 16];
	char err[1 << 16];
	int status;     /* exit code, or 128+signal */
	double wall_s;  /* how long it ran */
	double cpu_s;   /* CPU time of ptviz and of every worker it reaped (all of them, at its end) */
};

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline pid_t start(const char *const *args, int *outfd, int *errfd)
{
	int o[2], e[2];
	const char *argv[32] = { ptviz_path };
	int n = 1;

	for (; args[n - 1] != NULL && n < 31; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	/* Each failure closes what was opened before it: the failure jumps out of this function. */
	if (pipe(o) != 0)
		fail_msg("pipe: %s", strerror(errno));
	if (pipe(e) != 0) {
		close(o[0]);
		close(o[1]);
		fail_msg("pipe: %s", strerror(errno));
	}
	pid_t pid = fork();
	if (pid < 0) {
		int fds[4] = { o[0], o[1], e[0], e[1] };
		for (int i = 0; i < 4; i++)
			close(fds[i]);
		fail_msg("fork: %s", strerror(errno));
	}
	if (pid == 0) {
		dup2(o[1], 1);
		dup2(e[1], 2);
		close(o[0]);
		close(e[0]);
		close(o[1]);
		close(e[1]);
		execv(ptviz_path, (char *const *)argv);
		_exit(127);
	}
	close(o[1]);
	close(e[1]);
	*outfd = o[0];
	*errfd = e[0];
	return pid;
}

/* Reads both pipes until they close or the deadline; returns true when both closed. */
static inline bool collect(struct run *r, int outfd, int errfd, double deadline, size_t *olen, size_t *elen)
{
	struct pollfd pfd[2] = { { outfd, POLLIN, 0 }, { errfd, POLLIN, 0 } };

	while ((pfd[0].fd >= 0 || pfd[1].fd >= 0) && now() < deadline) {
		poll(pfd, 2, 100);
		for (int i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP)))
				continue;
			char *buf = i == 0 ? r->out + *olen : r->err + *elen;
			size_t room = i == 0 ? sizeof(r->out) - 1 - *olen : sizeof(r->err) - 1 - *elen;
			ssize_t got = read(pfd[i].fd, buf, room);
			if (got <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				continue;
			}
			if (i == 0)
				*olen += (size_t)got;
			else
				*elen += (size_t)got;
		}
	}
	r->out[*olen] = '\0';
	r->err[*elen] = '\0';
	for (int i = 0; i < 2; i++) {
		if (pfd[i].fd >= 0)
			close(pfd[i].fd);
	}
	return pfd[0].fd < 0 && pfd[1].fd < 0;
}

static inline void finish(struct run *r, pid_t pid)
{
	int st;

	waitpid(pid, &st, 0);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static inline double children_cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/*
 * How long a run may last before it is taken for a hang, in seconds.  A run
 * ends as soon as its script does; on a busy machine ptviz's workers, at idle
 * priority, may take seconds to start and to end.
 */
#define RUN_GUARD_S 600

/*
 * A run's output, too big for the stack, made before a test and freed after it however the test
 * ends (cmocka's setup and teardown): a failed assertion jumps out past the test's own free.
 */
static inline int run_setup(void **state)
{
	*state = calloc(1, sizeof(struct run));
	return *state != NULL ? 0 : -1;
}

static inline int run_teardown(void **state)
{
	free(*state);
	*state = NULL;
	return 0;
}

/* Runs ptviz to the end (at most RUN_GUARD_S). */
static inline void run(struct run *r, ...)
{
	const char *args[32];
	va_list ap;
	int n = 0, outfd, errfd;
	size_t olen = 0, elen = 0;

	va_start(ap, r);
	while (n < 31 && (args[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	args[n] = NULL;
	memset(r, 0, sizeof(*r));
	double cpu0 = children_cpu_s(), t0 = now();
	pid_t pid = start(args, &outfd, &errfd);
	if (!collect(r, outfd, errfd, now() + RUN_GUARD_S, &olen, &elen)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		fail_msg("ptviz did not finish within %d s", RUN_GUARD_S);
	}
	finish(r, pid);
	r->wall_s = now() - t0;
	r->cpu_s = children_cpu_s() - cpu0;
}

#endif
