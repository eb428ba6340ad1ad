/* Starting a program: found as a shell finds it, its output on a pseudo-terminal or pipes, traced before its first instruction. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <bsd/string.h>

#include "lab_priv.h"
#include "program_priv.h"

/* The file a shell would run for name: name itself when it has a '/', else the first match on PATH. */
static bool launch_find(const char *name, char *path, size_t len, struct lab_error *err)
{
	struct stat st;

	if (strchr(name, '/') == NULL) {
		const char *dirs = getenv("PATH");
		char *copy = strdup(dirs != NULL && dirs[0] ? dirs : "/usr/local/bin:/usr/bin:/bin");
		char *save = NULL;
		for (char *d = copy != NULL ? strtok_r(copy, ":", &save) : NULL; d != NULL; d = strtok_r(NULL, ":", &save)) {
			snprintf(path, len, "%s/%s", d, name);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0) {
				free(copy);
				return true;
			}
		}
		free(copy);
		return lab_fail(err, "cannot run '%s': no such program on PATH (give a path, e.g. './%s')", name, name);
	}
	strlcpy(path, name, len);
	if (stat(path, &st) != 0)
		return lab_fail(err, "cannot run '%s': %s", name, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return lab_fail(err, "cannot run '%s': it is a directory, not a program", name);
	if (access(path, X_OK) != 0)
		return lab_fail(err, "cannot run '%s': it is not executable (chmod +x %s, or run it with its interpreter)",
		                name, name);
	return true;
}

/* The program's terminal: no echo, newlines as they are written, 80 columns. */
static int launch_pty(struct program *p, struct lab_error *err)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	char name[64];

	if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0 || ptsname_r(master, name, sizeof(name)) != 0) {
		if (master >= 0)
			close(master);
		return lab_fail(err, "cannot open a pseudo-terminal for the program's output: %s (try --pipe)",
		                strerror(errno)), -1;
	}
	int slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0) {
		close(master);
		return lab_fail(err, "cannot open %s for the program's output: %s (try --pipe)", name, strerror(errno)), -1;
	}
	struct termios tio;
	if (tcgetattr(slave, &tio) == 0) {
		tio.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		tio.c_oflag &= ~(tcflag_t)ONLCR;
		tcsetattr(slave, TCSANOW, &tio);
	}
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	ioctl(slave, TIOCSWINSZ, &ws);
	p->out_fd = master;
	return slave;
}

/* In the child: its standard files, limits and signals, then exec (never returns). */
static void launch_child(struct program *p, const char *path, char *const argv[], int in, int out, int errfd,
                         int go, int report, pid_t parent)
{
	sigset_t none;
	int e;

	if (!p->opt.keep) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
	}
	/*
	 * A session of its own, without a controlling terminal: the pseudo-terminal
	 * is its output (isatty is true), but when the first process ends the
	 * kernel sends no SIGHUP to the rest of the tree, as a shell's would not.
	 */
	setsid();
	if (!p->opt.core) {
		struct rlimit nocore = { 0, 0 };
		setrlimit(RLIMIT_CORE, &nocore);
	}
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(errfd, 2) < 0)
		goto fail;
	/* Nothing of ptviz's gets past exec: every other descriptor (go and report too) closes there. */
	close_range(3, ~0u, CLOSE_RANGE_CLOEXEC);
	char byte;
	/* Wait for the tracer: ptviz follows it from its first instruction. */
	while (read(go, &byte, 1) < 0 && errno == EINTR)
		;
	execv(path, argv);
fail:
	e = errno;
	if (write(report, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* The standard files the child gets: stdin, stdout, stderr; -1 each on failure (said in err). */
static bool launch_files(struct program *p, int files[3], int pipes[2][2], struct lab_error *err)
{
	const char *in = p->opt.stdin_file != NULL ? p->opt.stdin_file : "/dev/null";

	files[0] = open(in, O_RDONLY | O_CLOEXEC);
	if (files[0] < 0)
		return lab_fail(err, "--stdin '%s': %s", in, strerror(errno));
	if (!p->opt.pipe) {
		files[1] = files[2] = launch_pty(p, err);
		return files[1] >= 0;
	}
	if (pipe2(pipes[0], O_CLOEXEC) != 0 || pipe2(pipes[1], O_CLOEXEC) != 0)
		return lab_fail(err, "cannot make pipes for the program's output: %s", strerror(errno));
	p->out_fd = pipes[0][0];
	p->err_fd = pipes[1][0];
	files[1] = pipes[0][1];
	files[2] = pipes[1][1];
	return true;
}

/* After the fork: traced (or not, and why), let go, and told whether exec worked. */
static bool launch_parent(struct program *p, pid_t pid, int go, int report, const char *name, struct lab_error *err)
{
	int e = 0;

	pthread_mutex_lock(&p->lock);
	p->first = pid;
	struct program_task *t = program_task_add(p, pid, pid, getpid());
	if (t != NULL)
		strlcpy(t->comm, "ptviz", sizeof(t->comm));
	pthread_mutex_unlock(&p->lock);
	int refused = p->opt.no_trace ? EPERM : tracer_order(p, TRACER_SEIZE, pid, false);
	if (p->opt.no_trace)
		snprintf(p->follow_note, sizeof(p->follow_note), "--no-trace: ");
	if (refused != 0 && !p->opt.no_trace)
		snprintf(p->follow_note, sizeof(p->follow_note), "tracing refused (%s%s): ", strerror(refused),
		         refused == EPERM ? ": Yama's ptrace_scope, a missing capability or a debugger already attached" : "");
	if (refused != 0) {
		strlcat(p->follow_note, "ptviz follows the program through /proc every 10 ms instead, so a task that lives "
		        "less than that may be missed, and so is the exit status of a process it does not see as a zombie",
		        sizeof(p->follow_note));
		program_note(p, "%s", p->follow_note);
		tracer_order(p, TRACER_SEIZE, 0, false);   /* the tracer follows /proc */
	}
	if (write(go, "g", 1) != 1)
		e = errno;
	close(go);
	ssize_t r;
	while ((r = read(report, &e, sizeof(e))) < 0 && errno == EINTR)
		;
	close(report);
	if (r == (ssize_t)sizeof(e))
		return lab_fail(err, "cannot run '%s': %s", name, strerror(e));
	return true;
}

bool program_launch(struct program *p, char *const argv[], struct lab_error *err)
{
	char path[4096];
	int files[3] = { -1, -1, -1 }, pipes[2][2] = { { -1, -1 }, { -1, -1 } }, go[2] = { -1, -1 }, report[2] = { -1, -1 };
	bool ok = false;

	if (!launch_find(argv[0], path, sizeof(path), err) || !launch_files(p, files, pipes, err) ||
	    !output_run(p, err))
		goto out;
	if (pipe2(go, O_CLOEXEC) != 0 || pipe2(report, O_CLOEXEC) != 0) {
		lab_fail(err, "cannot start '%s': %s", argv[0], strerror(errno));
		goto out;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		lab_fail(err, "cannot start '%s': fork: %s%s", argv[0], strerror(errno), errno == EAGAIN ? " (ulimit -u)" : "");
		goto out;
	}
	if (pid == 0)
		launch_child(p, path, argv, files[0], files[1], files[2], go[0], report[1], parent);
	close(go[0]);
	close(report[1]);
	go[0] = report[1] = -1;
	ok = launch_parent(p, pid, go[1], report[0], argv[0], err);
	go[1] = report[0] = -1;
out:
	for (int i = 0; i < 3; i++) {
		if (files[i] >= 0 && (i < 2 || files[2] != files[1]))
			close(files[i]);
	}
	for (int i = 0; i < 2; i++) {
		if (go[i] >= 0)
			close(go[i]);
		if (report[i] >= 0)
			close(report[i]);
	}
	return ok;
}
