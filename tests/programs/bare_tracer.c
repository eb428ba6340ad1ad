/* The least a tracer can do: follow a program's every fork, clone, exec and exit with PTRACE_SEIZE and resume it at once. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#define THREADS_KNOWN 64

/* The TIDs of the newest clones (threads), so that their first stop can leave out their exit stop. */
static pid_t clones[THREADS_KNOWN];
static int clones_at;

static bool is_clone(pid_t tid)
{
	for (int i = 0; i < THREADS_KNOWN; i++) {
		if (clones[i] == tid)
			return true;
	}
	/* Its own first stop came before its creator's clone stop: /proc says. */
	char path[40], line[64];
	int tgid = tid;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	FILE *f = fopen(path, "re");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL && sscanf(line, "Tgid: %d", &tgid) != 1)
		;
	if (f != NULL)
		fclose(f);
	return tgid != tid;
}

/*
 * bare_tracer PROGRAM [ARG...]: the same stops ptviz run asks for (a fork,
 * vfork, clone and exec stop, each new task's first stop, and a process's
 * exit stop; a thread's end is only waited for), with nothing done at any
 * of them, so a benchmark can tell the cost of tracing itself from the cost
 * of what ptviz does at each stop.  Exits with the program's status.
 */
int main(int argc, char **argv)
{
	long options = PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |
	               PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL;
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
		if (event == PTRACE_EVENT_CLONE) {
			unsigned long msg = 0;
			ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg);
			clones[clones_at++ % THREADS_KNOWN] = (pid_t)msg;
		} else if (event == PTRACE_EVENT_STOP)
			ptrace(PTRACE_SETOPTIONS, tid, 0, is_clone(tid) ? options & ~PTRACE_O_TRACEEXIT : options);
		else if (event == PTRACE_EVENT_EXEC)
			ptrace(PTRACE_SETOPTIONS, tid, 0, options);
		ptrace(PTRACE_CONT, tid, 0, event == 0 ? sig : 0);
	}
	return status;
}
