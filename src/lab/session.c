/* Workers in sessions of their own: a group's processes are forked by a short-lived session leader and adopted by ptviz. */
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * Why.  Linux's autogroup scheduling (on where the CPU controller does not
 * split tasks into cgroups: servers, VMs, WSL2, this project's CI) shares the
 * CPUs between sessions first, then between the tasks of a session.  Beside a
 * thousand busy workers in its own session, ptviz waits behind them for a CPU
 * at each of its wake-ups: 140 ms per wake-up with 1,280 idle-priority busy
 * threads, against 1.6 ms once those threads lead a session of their own
 * (README, "How it works").  So each group runs in a session of its own, as if
 * started from another terminal, and ptviz, the observer, keeps its share.
 *
 * A session is joined only by being forked inside it.  A thread host calls
 * setsid() itself.  A group of processes shares one session: a leader forked
 * by ptviz calls setsid(), forks the workers and exits; ptviz, the child
 * subreaper while this lasts, adopts them, and they are its children again.
 */

/* Set in the leader before it forks: how its children tell it from ptviz. */
static pid_t session_leader;

/*
 * Until the leader has exited and ptviz has adopted this child, or ptviz is
 * gone.  The leader's death is told by PR_SET_PDEATHSIG, sent once the child
 * has its new parent.  Waiting here, no child is busy while the leader still
 * forks the others.
 */
static bool session_wait_adopted(pid_t parent)
{
	sigset_t told;
	struct timespec bound = { 60, 0 };

	sigemptyset(&told);
	/*
	 * Blocked: the leader's children start with every signal blocked.  Its
	 * default is to be ignored, so one that comes after the wait (the new
	 * parent is visible a moment before the signal is sent) does no harm.
	 */
	sigaddset(&told, SIGURG);
	prctl(PR_SET_PDEATHSIG, SIGURG);
	while (getppid() == session_leader) {
		if (sigtimedwait(&told, NULL, &bound) < 0 && errno == EAGAIN)
			return false;
	}
	return getppid() == parent;
}

void lab_session_join(pid_t parent)
{
	pid_t pp = getppid();

	if (pp != parent && (session_leader == 0 || pp != session_leader || !session_wait_adopted(parent)))
		_exit(0);
	/* Die with ptviz, even after kill -9; the parent may already be gone. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	if (session_leader == 0)
		setsid();        /* forked by ptviz itself: a session of its own */
	else
		setpgid(0, 0);   /* in the leader's session, a process group of its own */
}

/* The leader: a session of its own, then the children, each pid (or -errno) reported as it is known. */
static _Noreturn void session_leader_main(pid_t parent, int n, lab_session_child child, void *ctx, int report)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	setsid();
	session_leader = getpid();
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0)
			child(i, ctx);
		int32_t said = pid > 0 ? (int32_t)pid : -(int32_t)errno;
		if (write(report, &said, sizeof(said)) != (ssize_t)sizeof(said) || pid < 0)
			break;
	}
	_exit(0);
}

/* Reads one report; false at its end or after bound_ms without one. */
static bool session_read(int fd, int32_t *said, int bound_ms)
{
	struct pollfd pfd = { fd, POLLIN, 0 };

	return poll(&pfd, 1, bound_ms) == 1 && read(fd, said, sizeof(*said)) == (ssize_t)sizeof(*said);
}

int lab_session_fork(int n, pid_t *pids, lab_session_child child, void *ctx, bool subreaper, int *error)
{
	int pipefd[2];
	pid_t parent = getpid();
	int started = 0;

	*error = 0;
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		*error = errno;
		return 0;
	}
	if (!subreaper)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	/* Every signal blocked across the fork: the leader and its children start with nothing to handle. */
	sigset_t all, saved;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &saved);
	pid_t leader = fork();
	if (leader != 0)
		pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (leader == 0) {
		close(pipefd[0]);
		session_leader_main(parent, n, child, ctx, pipefd[1]);
	}
	close(pipefd[1]);
	if (leader < 0)
		*error = errno;
	for (int32_t said; leader > 0 && started < n && session_read(pipefd[0], &said, 60 * 1000); started++) {
		if (said < 0) {
			*error = -said;
			break;
		}
		pids[started] = said;
	}
	if (leader > 0 && started < n && *error == 0)
		*error = EAGAIN;
	close(pipefd[0]);
	if (leader > 0) {
		kill(leader, SIGKILL);   /* it has exited, or is stuck: either way it is done */
		while (waitpid(leader, NULL, 0) < 0 && errno == EINTR)
			;
	}
	/* Its children are ptviz's now; orphans of the workers' own children go on as before. */
	if (!subreaper)
		prctl(PR_SET_CHILD_SUBREAPER, 0);
	return started;
}
