/* Deaths: exits reaped and told as events, who caused them, zombies left unreaped, orphans adopted; stops and continues from outside. */
#include "lab_priv.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bsd/string.h>

#include "procfs.h"

void lab_worker_bury(struct lab *lab, struct lab_group *g, struct lab_worker *w, enum lab_end end, double when)
{
	struct instr_slot *s = lab_slot(lab, w);
	struct lab_worker_private *p = lab_private(lab, w);

	/* Where the counter it incremented lives on, the slot's final count is exact. */
	if (lab_memory_outlives(g))
		w->done = atomic_load(&s->done);
	w->alive = false;
	w->end = end;
	w->died_at = when;
	w->state = '-';
	w->activity = atomic_load(&s->state);
	if (p->stat_fd >= 0) {
		close(p->stat_fd);
		p->stat_fd = -1;
	}
	if (p->sched_fd >= 0) {
		close(p->sched_fd);
		p->sched_fd = -1;
	}
}

/* The worker of a group that brought its process down, if any. */
static struct lab_worker *lab_find_cause(struct lab *lab, struct lab_group *g, pid_t pid)
{
	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		if (w->alive && w->pid == pid && atomic_load(&lab_slot(lab, w)->state) == LAB_ACT_FAULTING)
			return w;
	}
	return NULL;
}

/* How the workers of a process that exited ended, unless one of them caused it. */
static enum lab_end lab_exit_end(int status, bool killed_by_lab, const struct lab_worker *cause)
{
	if (killed_by_lab)
		return LAB_END_KILLED;
	if (cause != NULL)
		return LAB_END_FAULT;
	if (WIFSIGNALED(status))
		return LAB_END_SIGNAL;
	return LAB_END_EXITED;
}

/*
 * Queues the event of an exit that took dying workers with it: the signal
 * or status, the worker that caused it and its fault, and the orphans ptviz
 * adopted.  The caller adds the workers.  NULL when out of memory.
 */
static struct lab_event *lab_exit_event(struct lab *lab, struct lab_group *g, pid_t pid, int status, enum lab_end end,
                                        const struct lab_worker *cause, int dying)
{
	struct lab_event *ev = lab_event_push(lab, LAB_EVENT_EXIT, g, dying);

	if (ev == NULL)
		return NULL;
	ev->pid = pid;
	ev->end = end;
	ev->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	ev->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (cause != NULL) {
		strlcpy(ev->cause, cause->id, sizeof(ev->cause));
		ev->fault = atomic_load(&lab_slot(lab, cause)->fault);
		int64_t t0 = (int64_t)lab->t0.tv_sec * 1000000000 + lab->t0.tv_nsec;
		ev->fault_t = (double)(atomic_load(&lab_slot(lab, cause)->fault_ns) - t0) / 1e9;
	}
	/* Its children were handed to ptviz, the subreaper, as it died. */
	for (int k = 0; k < g->nkids; k++) {
		struct lab_kid *kid = &g->kids[k];
		if (kid->alive && kid->parent_pid == pid) {
			ev->orphans[ev->norphans++] = kid->pid;
			lab_kid_read(kid);
		}
	}
	return ev;
}

/* A process of the group has exited with the given wait status: attribute it. */
/* zombie: the state /proc gives a process that exited and is not reaped yet, 0 once reaped. */
static void lab_process_exited(struct lab *lab, struct lab_group *g, pid_t pid, int status,
                               bool killed_by_lab, char zombie)
{
	double now = lab_now(lab);
	struct lab_worker *cause = lab_find_cause(lab, g, pid);
	enum lab_end end = lab_main_end(lab, g, NULL, lab_exit_end(status, killed_by_lab, cause));
	int dying = 0;

	for (int i = 0; i < g->nworkers; i++)
		dying += g->workers[i].alive && g->workers[i].pid == pid;
	if (g->kind == LAB_THREADS)
		g->host_alive = false;
	struct lab_event *ev = dying > 0 ? lab_exit_event(lab, g, pid, status, end, cause, dying) : NULL;
	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		if (!w->alive || w->pid != pid)
			continue;
		if (ev != NULL) {
			strlcpy(ev->ids[ev->nids], w->id, sizeof(ev->ids[0]));
			ev->pids[ev->nids++] = w->pid;
		}
		w->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
		w->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		if (w == cause) {
			w->fault = atomic_load(&lab_slot(lab, w)->fault);
			lab_worker_bury(lab, g, w, LAB_END_FAULT, now);
		} else {
			lab_worker_bury(lab, g, w, cause != NULL ? LAB_END_SIBLING : lab_main_end(lab, g, w, end), now);
		}
		if (zombie) {
			w->zombie = g->kind == LAB_PROCESSES;
			w->state = zombie;
		}
	}
	if (zombie && g->kind == LAB_THREADS)
		g->host_zombie = true;
	lab_group_count_alive(g);
}

/* Reaps one process of ours if it has exited; blocking waits for one we just killed. */
bool lab_reap(struct lab *lab, struct lab_group *g, pid_t pid, bool block, bool killed)
{
	int status;
	pid_t r;

	if (lab->reap_off) {
		/*
		 * Learn of the exit without reaping: the process stays a zombie until
		 * `reap`, whether it died by itself or by `kill`.
		 */
		siginfo_t si;
		int rc;
		memset(&si, 0, sizeof(si));
		do
			rc = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT | (block ? 0 : WNOHANG));
		while (rc < 0 && errno == EINTR);
		if (rc != 0 || si.si_pid != pid)
			return false;
		status = si.si_code == CLD_EXITED ? W_EXITCODE(si.si_status, 0)
		                                  : si.si_status | (si.si_code == CLD_DUMPED ? WCOREFLAG : 0);
		struct procfs_stat st;
		int fd = procfs_open_stat(pid, pid);
		char state = fd >= 0 && procfs_read_stat(fd, &st) ? st.state : 'Z';
		if (fd >= 0)
			close(fd);
		lab_process_exited(lab, g, pid, status, killed, state);
		return true;
	}

	do
		r = waitpid(pid, &status, block ? 0 : WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r != pid)
		return false;
	lab_process_exited(lab, g, pid, status, killed, 0);
	return true;
}

/* Reaps the workers' children that have come to ptviz and exited (or notes them, reap off). */
static void lab_kids_dispatch(struct lab *lab)
{
	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *g = &lab->groups[i];
		for (int k = 0; k < g->nkids; k++) {
			struct lab_kid *kid = &g->kids[k];
			if (!kid->alive || kid->state == 'Z')
				continue;
			if (lab->reap_off) {
				siginfo_t si;
				memset(&si, 0, sizeof(si));
				if (waitid(P_PID, (id_t)kid->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == kid->pid)
					lab_kid_read(kid);
				continue;
			}
			/* Fails (ECHILD) while its parent is a live worker: only that worker could wait for it. */
			if (waitpid(kid->pid, NULL, WNOHANG) == kid->pid) {
				kid->alive = false;
				kid->state = '-';
			}
		}
	}
}

/*
 * Ending many processes.  A process sent SIGKILL still needs a CPU to die:
 * each of its threads must be scheduled once to leave, and at idle priority
 * on a busy machine that can take tens of milliseconds.  No unprivileged call
 * speeds it up.  So every process is sent SIGKILL first, and they die
 * together; then ptviz takes each as it exits, whichever comes first, watching
 * them all at once through pidfds.  The wait is the slowest death, once.
 */

/* Takes one process of the list that has exited: reaps it, and tells its exit when the list says so. */
static void lab_dying_take(struct lab *lab, const struct lab_dying *d, bool tell)
{
	if (tell) {
		/* As `kill` had it one by one: reaped, or with reaping off noted and left a zombie. */
		lab_reap(lab, d->g, d->pid, true, true);
		return;
	}
	while (waitpid(d->pid, NULL, 0) < 0 && errno == EINTR)
		;
}

void lab_reap_dying(struct lab *lab, const struct lab_dying *dying, int n, bool tell)
{
	struct pollfd *pfd = calloc((size_t)(n > 0 ? n : 1), sizeof(*pfd));
	int watched = 0;

	for (int i = 0; pfd != NULL && i < n; i++) {
		/* poll() passes over a negative fd: one without a pidfd (-1) is taken at the end. */
		pfd[i] = (struct pollfd){ (int)syscall(SYS_pidfd_open, dying[i].pid, 0), POLLIN, 0 };
		watched += pfd[i].fd >= 0;
	}
	while (watched > 0) {
		if (poll(pfd, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < n; i++) {
			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			lab_dying_take(lab, &dying[i], tell);
			close(pfd[i].fd);
			pfd[i].fd = -2;   /* taken; -1 is one that never had a pidfd */
			watched--;
		}
	}
	/*
	 * Those without a pidfd (out of descriptors, an old kernel), or still
	 * watched when poll failed: they were killed with the rest, so by now
	 * waiting for each in turn costs little.
	 */
	for (int i = 0; i < n; i++) {
		if (pfd == NULL || pfd[i].fd == -1 || pfd[i].fd >= 0)
			lab_dying_take(lab, &dying[i], tell);
		if (pfd != NULL && pfd[i].fd >= 0)
			close(pfd[i].fd);
	}
	free(pfd);
}

/* Does /proc, as last read, show this worker stopped (T), or stopped by a tracer (t)? */
static bool lab_seen_stopped(const struct lab_worker *w)
{
	return w->state == 'T' || w->state == 't';
}

/*
 * Queues the event of a stop or a continue of a process: every worker in it.
 * A stop without its signal says what /proc showed instead: the workers seen
 * stopped come first, counted in nstopped, with how they were stopped.  Of a
 * thread host that may be a part only: a tracer stops one thread at a time,
 * and a SIGSTOP reaches each thread only when it next runs.
 */
static void lab_stop_event(struct lab *lab, struct lab_group *g, pid_t pid, bool stopped, int sig, double since)
{
	int n = 0;

	for (int i = 0; i < g->nworkers; i++)
		n += g->workers[i].alive && g->workers[i].pid == pid;
	struct lab_event *ev = lab_event_push(lab, stopped ? LAB_EVENT_STOPPED : LAB_EVENT_RESUMED, g, n);
	if (ev == NULL)
		return;
	bool unnamed = stopped && sig == 0;
	/* Without a signal: those seen stopped first, then the rest. */
	for (int pick = unnamed ? 0 : 1; pick < 2; pick++) {
		for (int i = 0; i < g->nworkers; i++) {
			struct lab_worker *w = &g->workers[i];
			if (!w->alive || w->pid != pid || (unnamed && lab_seen_stopped(w) != (pick == 0)))
				continue;
			strlcpy(ev->ids[ev->nids], w->id, sizeof(ev->ids[0]));
			ev->pids[ev->nids++] = w->pid;
			lab_private(lab, w)->stop_untold = false;
			if (unnamed && pick == 0) {
				ev->nstopped++;
				ev->stop_state = ev->stop_state == 't' ? 't' : w->state;
			}
		}
	}
	ev->pid = pid;
	ev->signal = sig;
	ev->since = since;
}

/*
 * A tracer stops threads one at a time (t), and its stop does not spread:
 * once no SIGCHLD came and /proc shows only tracer's stops, the threads it
 * shows running are not marked stopped any more.  A T is a SIGSTOP still
 * spreading, and leaves every thread marked.
 */
static void lab_unmark_traced_siblings(struct lab_group *g, pid_t pid)
{
	int traced = 0, stopped = 0;

	for (int i = 0; i < g->nworkers; i++) {
		const struct lab_worker *w = &g->workers[i];
		if (w->alive && w->pid == pid) {
			traced += w->state == 't';
			stopped += w->state == 'T';
		}
	}
	for (int i = 0; i < g->nworkers && traced > 0 && stopped == 0; i++) {
		struct lab_worker *w = &g->workers[i];
		if (!w->alive || w->pid != pid)
			continue;
		if (!lab_seen_stopped(w)) {
			w->stopped = false;
			w->stopped_at = 0;
		} else if (w->stop_signal == 0) {
			/* A tracer's stop is a trap, and ends at its word, not by SIGCONT (see lab_worker_read_proc). */
			w->stop_signal = SIGTRAP;
		}
	}
}

/* Tells a stop seen in /proc that no SIGCHLD has named yet, once it has waited long enough for one. */
void lab_tell_stop(struct lab *lab, struct lab_group *g, struct lab_worker *w, bool now)
{
	if (!lab_private(lab, w)->stop_untold || (!now && lab_now(lab) - w->stopped_at < LAB_STOP_NAMED_S))
		return;
	lab_stop_event(lab, g, w->pid, true, w->stop_signal, w->figures_at < w->stopped_at ? w->figures_at : w->stopped_at);
	if (w->stop_signal == 0)
		lab_unmark_traced_siblings(g, w->pid);
}

/*
 * A process of a group was stopped or continued from outside: every worker in
 * it at once (a stop is for the whole process: kill -STOP on one thread stops
 * its host, every thread with it), told in one event.  sig: the signal, 0 when
 * not known.  /proc shows a thread stopped (T) as soon as it is, before the
 * SIGCHLD that names the signal, which comes once every thread has stopped;
 * so a stop without its signal is told when the SIGCHLD comes, or after
 * LAB_STOP_NAMED_S without one.
 */
void lab_note_stop(struct lab *lab, struct lab_group *g, pid_t pid, bool stopped, int sig)
{
	double now = lab_now(lab), since = now;
	struct lab_worker *first = NULL;

	for (int i = 0; i < g->nworkers && first == NULL; i++) {
		if (g->workers[i].alive && g->workers[i].pid == pid)
			first = &g->workers[i];
	}
	if (first == NULL)
		return;
	if (!stopped && first->stopped)
		lab_tell_stop(lab, g, first, true);   /* continued before its stop was told */
	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		if (!w->alive || w->pid != pid)
			continue;
		if (stopped && w->stop_signal == 0)
			w->stop_signal = sig;
		if (w->stopped == stopped)
			continue;
		/* Stopped: its figures are as last read.  Resumed: it had stopped then. */
		double when = stopped ? w->figures_at : w->stopped_at;
		since = when < since ? when : since;
		w->stopped = stopped;
		w->stopped_at = stopped ? now : 0;
		lab_private(lab, w)->stop_untold = stopped;
	}
	if (stopped && sig != 0)
		lab_tell_stop(lab, g, first, true);
	if (!stopped && since < now)
		lab_stop_event(lab, g, pid, false, sig, since);
	for (int i = 0; !stopped && i < g->nworkers; i++) {
		if (g->workers[i].pid == pid)
			g->workers[i].stop_signal = 0;
	}
	/* What /proc says of its other threads has changed too. */
	lab->stat_epoch++;
}

/* The signal that stopped a process of ours, if its stop is complete (asked without taking the report); else 0. */
int lab_stop_signal(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)pid, &si, WSTOPPED | WNOHANG | WNOWAIT) != 0 || si.si_pid != pid)
		return 0;
	return si.si_code == CLD_STOPPED || si.si_code == CLD_TRAPPED ? si.si_status : 0;
}

/* Stops and continues of a process of ours, as waitid reports them (and consumes: nobody else waits for them). */
static void lab_stops_dispatch(struct lab *lab, struct lab_group *g, pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)pid, &si, WSTOPPED | WCONTINUED | WNOHANG) != 0 || si.si_pid != pid)
		return;
	if (si.si_code == CLD_STOPPED || si.si_code == CLD_TRAPPED)
		lab_note_stop(lab, g, pid, true, si.si_status);
	else if (si.si_code == CLD_CONTINUED)
		lab_note_stop(lab, g, pid, false, SIGCONT);
}

void lab_dispatch(struct lab *lab)
{
	struct signalfd_siginfo si;
	bool news = false;

	while (read(lab->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		news = true;
	/*
	 * Every exit of a child queues SIGCHLD, and the exit can be waited for by
	 * the time the signal can be read; any exit after the read above queues
	 * another.  So without a signal there is nothing to reap, and a pass over
	 * 64 processes saves 64 waitpid calls.
	 */
	if (!news)
		return;
	lab->stat_epoch++;
	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *g = &lab->groups[i];
		if (g->kind == LAB_THREADS) {
			if (g->host_alive && !lab_reap(lab, g, g->host, false, false) && !g->host_zombie)
				lab_stops_dispatch(lab, g, g->host);
			continue;
		}
		for (int j = 0; j < g->nworkers; j++) {
			if (g->workers[j].alive && !lab_reap(lab, g, g->workers[j].pid, false, false) && !g->workers[j].zombie)
				lab_stops_dispatch(lab, g, g->workers[j].pid);
		}
	}
	lab_kids_dispatch(lab);
}

/* Waits for SIGCHLD and reaps, until done() holds or the timeout passes. */
bool lab_wait_until(struct lab *lab, lab_done_fn *done, const void *arg, int timeout_ms)
{
	int64_t deadline = lab_ns() + (int64_t)timeout_ms * 1000000;

	for (;;) {
		lab_dispatch(lab);
		if (done(lab, arg))
			return true;
		int64_t left = deadline - lab_ns();
		if (left <= 0)
			return false;
		struct pollfd pfd = { lab->sigfd, POLLIN, 0 };
		/* Short polls also catch a state change that no signal announces. */
		poll(&pfd, 1, left > 2000000 ? 2 : 1);
	}
}

bool lab_reaping_on(const struct lab *lab)
{
	return !lab->reap_off;
}

bool lab_reaping(struct lab *lab, enum lab_reap_mode mode, struct lab_error *err)
{
	char reaped[LAB_MSG_MAX] = "";
	int n = 0;

	lab_dispatch(lab);
	if (mode == LAB_REAP_OFF) {
		lab->reap_off = true;
		lab_note(err, "ptviz no longer waits for exited processes: each stays a zombie (Z) until 'reap'");
		return true;
	}
	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *g = &lab->groups[i];
		if (g->host_zombie) {
			while (waitpid(g->host, NULL, 0) < 0 && errno == EINTR)
				;
			g->host_zombie = false;
			for (int j = 0; j < g->nworkers; j++)
				g->workers[j].state = '-';
			snprintf(reaped + strlen(reaped), sizeof(reaped) - strlen(reaped), "%s%s's host %d", n++ ? ", " : "",
			         g->name, (int)g->host);
		}
		for (int j = 0; j < g->nworkers; j++) {
			struct lab_worker *w = &g->workers[j];
			if (!w->zombie)
				continue;
			while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
				;
			w->zombie = false;
			w->state = '-';
			snprintf(reaped + strlen(reaped), sizeof(reaped) - strlen(reaped), "%s%s (pid %d)", n++ ? ", " : "",
			         w->id, (int)w->pid);
		}
	}
	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *g = &lab->groups[i];
		for (int k = 0; k < g->nkids; k++) {
			struct lab_kid *kid = &g->kids[k];
			if (!kid->alive || kid->state != 'Z' || waitpid(kid->pid, NULL, WNOHANG) != kid->pid)
				continue;
			kid->alive = false;
			kid->state = '-';
			snprintf(reaped + strlen(reaped), sizeof(reaped) - strlen(reaped), "%s%s's child %d", n++ ? ", " : "",
			         kid->parent_id, (int)kid->pid);
		}
	}
	if (mode == LAB_REAP_ON)
		lab->reap_off = false;
	if (n > 0)
		lab_note(err, "reaped %s: waitpid() took %s exit status and the kernel let %s go", reaped, n > 1 ? "their" : "its", n > 1 ? "them" : "it");
	else
		lab_note(err, "no zombies to reap%s", mode == LAB_REAP_ON ? "; every exit is reaped again" : "");
	return true;
}
