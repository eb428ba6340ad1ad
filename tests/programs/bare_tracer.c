/* The least a tracer can do: follow a program's every fork, clone and exec with PTRACE_SEIZE and resume it at once. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * bare_tracer PROGRAM [ARG...]: the same stops ptviz run asks for (a fork,
 * vfork, clone and exec stop, and each new task's first stop; a task's end is
 * only waited for), with nothing done at any of them, so a benchmark can tell
 * the cost of tracing itself from the cost of what ptviz does at each stop.
 * Exits with the program's status.
 */
int main(int argc, char **argv)
{
	long options = PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |
	               PTRACE_O_EXITKILL;
	int status = 0, st;

	if (argc < 2) {
		fprintf(stderr, "usage: bare_tracer PROGRAM [ARG...]\n");
		return 2;
	}
	pid_t first = fork();
	if (first < 0)
		return 1;
	if (first == 0) {
		raise(SIGSTOP);   /* held until seized, so its exec is followed too */
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (waitpid(first, &st, WUNTRACED) != first || ptrace(PTRACE_SEIZE, first, 0, options) != 0) {
		fprintf(stderr, "bare_tracer: cannot trace %s: %s\n", argv[1], strerror(errno));
		kill(first, SIGKILL);
		return 1;
	}
	kill(first, SIGCONT);
	for (pid_t tid; (tid = waitpid(-1, &st, __WALL)) > 0;) {
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (tid == first)
				status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			continue;
		}
		int sig = WSTOPSIG(st), event = (int)((unsigned)st >> 16);
		if (event == PTRACE_EVENT_STOP && (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)) {
			ptrace(PTRACE_LISTEN, tid, 0, 0);
			continue;
		}
		ptrace(PTRACE_CONT, tid, 0, event == 0 ? sig : 0);
	}
	return status;
}
