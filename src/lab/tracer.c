/* The tracer: one thread per program group that attaches with PTRACE_SEIZE and sees every task start, exec and end. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>

#include "lab_priv.h"
#include "program_priv.h"

/*
 * Only the thread that attached may resume a tracee, so one thread does all of
 * it: it sleeps in waitpid and handles each stop at once (a program that
 * makes 1,000 threads a second brings about 3,000 stops a second).  Orders
 * from the front end wake it with this signal, sent to it alone.
 */
#define TRACER_WAKE (SIGRTMIN + 3)

static void tracer_woken(int sig)
{
	(void)sig;
}

/*
 * What stops a task makes: a fork, vfork, clone or exec, and each new task's
 * first.  None stops at its exit: a stop costs the program a switch out and
 * back in, and a task's end is read from its zombie instead
 * (tracer_task_zombie).  Every task inherits these from the first, so none is
 * set again.
 */
static long tracer_options(const struct program *p)
{
	long o = PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC;

	/* If ptviz dies, even by kill -9, the kernel kills every task it traced, unless --keep. */
	return p->opt.keep ? o : o | PTRACE_O_EXITKILL;
}

/*
 * A task has ended and is a zombie until the tracer reaps it: its final CPU
 * time, and for a thread, whether it ended on its own.  A thread killed with
 * its process went through the kernel's fatal-signal path, which marks it
 * PF_SIGNALED (field 9 of stat); one that called exit itself, or returned
 * from its start routine, is not marked.  (A process's main thread is waitable
 * only once its threads are all gone.)
 */
#define TASK_PF_SIGNALED 0x400

static void tracer_task_zombie(struct program *p, pid_t tid)
{
	struct program_task *t = program_task_find(p, tid);
	char path[64], buf[1024];
	unsigned long flags = 0;

	if (t == NULL || !t->alive)
		return;
	uint64_t ns = follow_cpu_ns(t->pid, tid);
	if (ns > t->cpu_ns)
		t->cpu_ns = ns;
	if (t->leader)
		return;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)t->pid, (int)tid);
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *close = strrchr(buf, ')');
	if (close == NULL || sscanf(close + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) != 1)
		return;
	t->exit_stopped = (flags & TASK_PF_SIGNALED) == 0;
}

/* Tasks past the cap, known by TID so each is counted once. */
#define TRACER_UNFOLLOWED_RING 64
static __thread pid_t unfollowed_ring[TRACER_UNFOLLOWED_RING];
static __thread int unfollowed_at;

static bool tracer_unfollowed(pid_t tid)
{
	for (int i = 0; i < TRACER_UNFOLLOWED_RING; i++) {
		if (unfollowed_ring[i] == tid)
			return true;
	}
	return false;
}

/*
 * A new task's process and parent, told by its parent's stop without reading
 * /proc: a fork's child is a process of its own whose parent is the caller's
 * process; a clone that the kernel finds in the caller's thread group is a
 * thread (tgkill with signal 0 sends nothing).  False for anything else.
 */
static bool tracer_kin(struct program *p, const struct program_task *parent, pid_t tid, int event, pid_t *tgid,
                       pid_t *ppid)
{
	if (parent == NULL || !parent->alive)
		return false;
	if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK) {
		*tgid = tid;
		*ppid = parent->pid;
		return true;
	}
	if (event == PTRACE_EVENT_CLONE && syscall(SYS_tgkill, parent->pid, tid, 0) == 0) {
		p->thread_maker = parent->pid;
		*tgid = parent->pid;
		*ppid = parent->ppid;
		return true;
	}
	return false;
}

/*
 * A new task whose own first stop came before its parent's: a thread of one
 * of the program's live processes when the kernel finds it in that thread
 * group (tgkill with signal 0), which saves reading /proc for most threads.
 */
static bool tracer_kin_unasked(struct program *p, pid_t tid, pid_t *tgid, pid_t *ppid)
{
	/* Most often the process that made the last thread: tried first, without looking through every slot. */
	struct program_task *maker = program_task_find(p, p->thread_maker);
	if (maker != NULL && maker->alive && maker->leader && syscall(SYS_tgkill, maker->pid, tid, 0) == 0) {
		*tgid = maker->pid;
		*ppid = maker->ppid;
		return true;
	}
	for (int i = 0; i < p->ntasks; i++) {
		const struct program_task *t = &p->tasks[i];
		if (t->used && t->alive && t->leader && syscall(SYS_tgkill, t->pid, tid, 0) == 0) {
			*tgid = t->pid;
			*ppid = t->ppid;
			return true;
		}
	}
	return false;
}

/* A task seen for the first time: at its parent's fork, vfork or clone stop, or at its own first stop. */
static void tracer_born(struct program *p, pid_t tid, pid_t parent_tid, int event)
{
	struct program_task *known = program_task_find(p, tid);
	pid_t tgid = tid, ppid = 0;

	/*
	 * Seen already: the new task's own first stop can come before its parent's
	 * clone stop, and it may even have ended in between.  A TID is given again
	 * only after the kernel has gone round its pid range, far longer than this.
	 */
	if ((known != NULL && (known->alive || lab_now(p->lab) - known->died_at < 2.0)) || tracer_unfollowed(tid))
		return;
	struct program_task *parent = program_task_find(p, parent_tid);
	bool kin = parent != NULL ? tracer_kin(p, parent, tid, event, &tgid, &ppid) : tracer_kin_unasked(p, tid, &tgid, &ppid);
	if (!kin && !follow_ids(tid, &tgid, &ppid)) {
		/* Gone already, or not readable: a clone is a thread of its parent's process. */
		tgid = event == PTRACE_EVENT_CLONE && parent != NULL ? parent->pid : tid;
		ppid = parent != NULL ? parent->pid : 0;
	}
	struct program_task *t = program_task_add(p, tid, tgid, ppid);
	if (t == NULL) {
		unfollowed_ring[unfollowed_at++ % TRACER_UNFOLLOWED_RING] = tid;
		if (p->ending)
			syscall(SYS_tkill, tid, SIGKILL);
		return;
	}
	if (p->ending)
		syscall(SYS_tkill, tid, SIGKILL);
}

/* exec: the process is a new program; its other threads are gone, and the TID that ran exec is now the PID. */
static void tracer_exec(struct program *p, pid_t pid, pid_t former)
{
	struct program_task *t = program_task_find(p, pid);
	struct program_event ev;

	for (int i = 0; i < p->ntasks; i++) {
		struct program_task *o = &p->tasks[i];
		if (o->used && o->alive && o->pid == pid && !o->leader && (o->tid == former || former == pid))
			program_task_ended(p, o, 0, 0);
	}
	if (t == NULL)
		return;
	program_watch_forget(t);
	char path[48];
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	FILE *f = fopen(path, "re");
	if (f != NULL) {
		if (fgets(t->comm, sizeof(t->comm), f) != NULL)
			t->comm[strcspn(t->comm, "\n")] = '\0';
		fclose(f);
	}
	program_event_fill(p, &ev, PROGRAM_EVENT_EXEC, t);
	program_event_push(p, &ev);
}

static void tracer_died(struct program *p, pid_t tid, int st)
{
	struct program_task *t = program_task_find(p, tid);

	if (t == NULL || !t->alive)
		return;
	program_task_ended(p, t, WIFSIGNALED(st) ? WTERMSIG(st) : 0, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* A stop at an event (PTRACE_EVENT_*): what it says, then on. */
static void tracer_event(struct program *p, pid_t tid, int event)
{
	unsigned long msg = 0;

	ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg);
	switch (event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		tracer_born(p, (pid_t)msg, tid, event);
		break;
	case PTRACE_EVENT_EXEC:
		tracer_exec(p, tid, (pid_t)msg);
		break;
	}
}

static void tracer_handle(struct program *p, pid_t tid, int st)
{
	if (WIFEXITED(st) || WIFSIGNALED(st)) {
		tracer_died(p, tid, st);
		return;
	}
	if (!WIFSTOPPED(st))
		return;
	int sig = WSTOPSIG(st), event = (int)((unsigned)st >> 16);
	if (p->detaching) {
		ptrace(PTRACE_DETACH, tid, 0, event == 0 ? sig : 0);
		return;
	}
	if (p->ending)
		syscall(SYS_tkill, tid, SIGKILL);
	if (event == 0) {
		/* A signal on its way: it goes on to the task, as without ptviz. */
		struct program_task *t = program_task_find(p, tid);
		if (t != NULL)
			t->delivered = sig;
		ptrace(PTRACE_CONT, tid, 0, sig);
		return;
	}
	if (event == PTRACE_EVENT_STOP) {
		struct program_task *t = program_task_find(p, tid);
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
			/* Stopped from outside (kill -STOP): it stays stopped until SIGCONT, as without ptviz. */
			ptrace(PTRACE_LISTEN, tid, 0, 0);
			return;
		}
		if (t == NULL || !t->alive) {
			tracer_born(p, tid, 0, 0);
			t = program_task_find(p, tid);
		}
		if (t != NULL && t->held) {
			t->in_stop = true;
			return;
		}
	} else
		tracer_event(p, tid, event);
	ptrace(PTRACE_CONT, tid, 0, 0);
}

/* Ends or lets go every task it follows (lock held). */
static void tracer_end(struct program *p, bool keep)
{
	if (keep) {
		p->detaching = true;
		for (int i = 0; i < p->ntasks; i++) {
			struct program_task *t = &p->tasks[i];
			if (!t->used || !t->alive)
				continue;
			if (t->in_stop)
				ptrace(PTRACE_DETACH, t->tid, 0, 0);
			else
				ptrace(PTRACE_INTERRUPT, t->tid, 0, 0);
		}
		return;
	}
	p->ending = true;
	program_adopt_orphans(p);
	if (p->first > 0)
		kill(-p->first, SIGKILL);   /* its process group: the tasks past the cap too, unless they left it */
	for (int i = 0; i < p->ntasks; i++) {
		if (p->tasks[i].used && p->tasks[i].alive && p->tasks[i].leader)
			kill(p->tasks[i].pid, SIGKILL);
	}
}

/* The order the front end left, carried out (lock held). */
static void tracer_take_order(struct program *p)
{
	struct program_task *t = program_task_find(p, p->order_tid);
	int r = 0;

	switch (p->order) {
	case TRACER_NONE:
		return;
	case TRACER_SEIZE:
		if (p->order_tid > 0 && ptrace(PTRACE_SEIZE, p->order_tid, 0, tracer_options(p)) != 0)
			r = errno;
		p->traced = p->order_tid > 0 && r == 0;
		break;
	case TRACER_HOLD:
		if (t != NULL && (t->held = true) && ptrace(PTRACE_INTERRUPT, t->tid, 0, 0) != 0)
			r = errno;
		break;
	case TRACER_RELEASE:
		if (t != NULL) {
			t->held = false;
			if (t->in_stop && ptrace(PTRACE_CONT, t->tid, 0, 0) != 0)
				r = errno;
			t->in_stop = false;
		}
		break;
	case TRACER_END:
		tracer_end(p, p->order_keep);
		break;
	}
	p->order = TRACER_NONE;
	p->order_result = r;
	p->order_done = true;
	pthread_cond_broadcast(&p->order_cond);
}

/* Nothing is traced any more: every task has ended (lock held). */
static void tracer_all_gone(struct program *p)
{
	for (int i = 0; i < p->ntasks; i++) {
		if (p->tasks[i].used && p->tasks[i].alive && p->tasks[i].leader)
			program_task_ended(p, &p->tasks[i], 0, -1);
	}
	program_mark_ended(p);
}

static void tracer_traced_loop(struct program *p)
{
	for (;;) {
		int st;
		pthread_mutex_lock(&p->lock);
		tracer_take_order(p);
		pthread_mutex_unlock(&p->lock);
		/* Left waitable: a thread's end is read from its zombie before it is reaped. */
		siginfo_t si = { 0 };
		bool none = waitid(P_ALL, 0, &si, WEXITED | WSTOPPED | WNOWAIT | __WALL | __WNOTHREAD) != 0 && errno == ECHILD;
		pid_t tid = si.si_pid;
		pthread_mutex_lock(&p->lock);
		if (tid > 0 && si.si_code != CLD_TRAPPED && si.si_code != CLD_STOPPED)
			tracer_task_zombie(p, tid);
		if (tid > 0 && waitpid(tid, &st, __WALL | __WNOTHREAD | WNOHANG) == tid)
			tracer_handle(p, tid, st);
		else if (none) {
			if (!p->ended)
				tracer_all_gone(p);
			/* Nothing left to follow: wait for the order to end, and leave. */
			while (!p->ending && !p->detaching) {
				tracer_take_order(p);
				if (!p->ending && !p->detaching)
					pthread_cond_wait(&p->order_cond, &p->lock);
			}
			pthread_mutex_unlock(&p->lock);
			return;
		}
		pthread_mutex_unlock(&p->lock);
	}
}

static void *tracer_main(void *arg)
{
	struct program *p = arg;
	sigset_t only;

	sigfillset(&only);
	sigdelset(&only, TRACER_WAKE);
	pthread_sigmask(SIG_SETMASK, &only, NULL);
	pthread_mutex_lock(&p->lock);
	p->tracer_tid = (pid_t)syscall(SYS_gettid);
	pthread_cond_broadcast(&p->order_cond);
	/* The first order says how: traced (the PID to seize), or through /proc (none). */
	while (p->order != TRACER_SEIZE && !p->ending)
		pthread_cond_wait(&p->order_cond, &p->lock);
	tracer_take_order(p);
	bool traced = p->traced;
	pthread_mutex_unlock(&p->lock);
	if (traced)
		tracer_traced_loop(p);
	else
		follow_proc_loop(p);
	pthread_mutex_lock(&p->lock);
	p->finished = true;
	pthread_cond_broadcast(&p->order_cond);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

bool tracer_start(struct program *p, struct lab_error *err)
{
	struct sigaction sa = { .sa_handler = tracer_woken };   /* no SA_RESTART: waitpid returns EINTR */
	sigset_t all, old;

	sigaction(TRACER_WAKE, &sa, NULL);
	/* The tracer blocks every other signal; it starts with all blocked, so none lands on it first. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int r = pthread_create(&p->tracer, NULL, tracer_main, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0)
		return lab_fail(err, "cannot start the thread that follows the program: %s", strerror(r));
	p->tracer_started = true;
	pthread_mutex_lock(&p->lock);
	while (p->tracer_tid == 0)
		pthread_cond_wait(&p->order_cond, &p->lock);
	pthread_mutex_unlock(&p->lock);
	return true;
}

/* Waits on the order condition for up to ms, waking the tracer first (lock held). */
static void tracer_nudge(struct program *p, int ms)
{
	struct timespec until;

	if (p->tracer_tid > 0 && !p->finished)
		syscall(SYS_tgkill, getpid(), p->tracer_tid, TRACER_WAKE);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += ms * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_cond_timedwait(&p->order_cond, &p->lock, &until);
}

int tracer_order(struct program *p, enum tracer_order order, pid_t tid, bool keep)
{
	int r = ETIMEDOUT;

	if (!p->tracer_started)
		return ESRCH;
	pthread_mutex_lock(&p->lock);
	/* Bounded: a wake can land just before the tracer sleeps, so it is sent again every 5 ms, for 2 s at most. */
	for (int i = 0; i < 400 && p->order != TRACER_NONE && !p->finished; i++)
		tracer_nudge(p, 5);
	if (p->finished || p->order != TRACER_NONE) {
		pthread_mutex_unlock(&p->lock);
		return p->finished ? ESRCH : ETIMEDOUT;
	}
	p->order = order;
	p->order_tid = tid;
	p->order_keep = keep;
	p->order_done = false;
	pthread_cond_broadcast(&p->order_cond);
	for (int i = 0; i < 400 && !p->order_done && !p->finished; i++)
		tracer_nudge(p, 5);
	if (p->order_done)
		r = p->order_result;
	else if (p->finished)
		r = ESRCH;
	pthread_mutex_unlock(&p->lock);
	return r;
}

void tracer_join(struct program *p)
{
	if (!p->tracer_started)
		return;
	pthread_mutex_lock(&p->lock);
	bool finished = p->finished;
	pthread_mutex_unlock(&p->lock);
	if (!finished)
		tracer_order(p, TRACER_END, 0, p->opt.keep);
	pthread_mutex_lock(&p->lock);
	/* Every task killed is reaped within a few seconds; a tracer still following something after that is left. */
	for (int i = 0; i < 600 && !p->finished; i++)
		tracer_nudge(p, 5);
	finished = p->finished;
	pthread_mutex_unlock(&p->lock);
	if (finished) {
		pthread_join(p->tracer, NULL);
		p->tracer_started = false;
	}
}
