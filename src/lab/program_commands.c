/* What a front end asks of program groups: copies to show, and inject, kill, pause, resume and cpus on their tasks. */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bsd/string.h>

#include "lab_priv.h"
#include "program_priv.h"

/* ---- copies for the front ends ---- */

static void views_thread(struct program *p, const struct program_task *leader, struct program_task *t, bool still,
                         struct program_thread *th)
{
	memset(th, 0, sizeof(*th));
	snprintf(th->id, sizeof(th->id), "%s%d.%d", p->name, leader->number, t->leader ? 1 : t->number);
	th->tid = t->tid;
	strlcpy(th->name, t->comm, sizeof(th->name));
	th->state = '-';
	th->alive = t->alive;
	if (t->alive) {
		char name[PROGRAM_NAME_MAX] = "";
		if (follow_look_task(p, t, still, &th->state, name, sizeof(name)) && name[0]) {
			strlcpy(th->name, name, sizeof(th->name));
			/* Kept: an ended thread is still shown by the name it gave itself ("writer"). */
			if (!t->leader)
				strlcpy(t->comm, name, sizeof(t->comm));
		}
	} else {
		follow_look_forget(p, t);
	}
	th->paused = t->held && t->alive;
	th->cpu_ns = t->cpu_ns;
	th->cpu_at = t->cpu_at;
	th->signal = t->signal;
	th->status = t->status;
	th->with_process = t->with_process || (t->leader && !t->alive);
	th->started_at = t->started_at;
	th->died_at = t->died_at;
}

/* A process's open descriptors, from /proc/PID/fd: one table, whichever thread opened them. */
static void views_files(struct program_process *pp)
{
	char dir[40], path[320];

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pp->pid);
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		if (e->d_name[0] == '.')
			continue;
		if (pp->nfds < LAB_FDS_MAX) {
			struct lab_fd *f = &pp->fds[pp->nfds++];
			f->fd = atoi(e->d_name);
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			ssize_t n = readlink(path, f->target, sizeof(f->target) - 1);
			f->target[n > 0 ? n : 0] = '\0';
		}
		pp->fds_total++;
	}
	closedir(d);
	/* readdir's order is the kernel's: shown in the order of the numbers. */
	for (int i = 1; i < pp->nfds; i++) {
		for (int j = i; j > 0 && pp->fds[j].fd < pp->fds[j - 1].fd; j--) {
			struct lab_fd tmp = pp->fds[j];
			pp->fds[j] = pp->fds[j - 1];
			pp->fds[j - 1] = tmp;
		}
	}
}

/* One process and its threads (lock held); pp->threads points into threads[], which has room. */
static void views_process(struct lab *lab, struct program *p, struct program_task *t, struct program_process *pp,
                          struct program_thread *threads)
{
	memset(pp, 0, sizeof(*pp));
	snprintf(pp->id, sizeof(pp->id), "%s%d", p->name, t->number);
	pp->pid = t->pid;
	pp->first_ppid = t->first_ppid;
	pp->alive = t->alive;
	pp->signal = t->signal;
	pp->status = t->status;
	pp->started_at = t->started_at;
	pp->died_at = t->died_at;
	pp->threads = threads;
	/* Before its threads are read: a thread that runs after this shows at the next look. */
	bool still = t->alive && follow_look_still(p, t);
	for (int i = 0; i < p->ntasks; i++) {
		struct program_task *o = &p->tasks[i];
		if (!o->used || o->pid != t->pid || (o->leader ? o != t : o->proc != (int)(t - p->tasks)))
			continue;
		views_thread(p, t, o, still, &threads[pp->nthreads]);
		if (o == t && t->alive)
			strlcpy(t->comm, threads[pp->nthreads].name, sizeof(t->comm));
		pp->cpu_ns += threads[pp->nthreads].cpu_ns;
		if (t->signal != 0 && (o->delivered == t->signal || o->injected == t->signal) && pp->cause[0] == '\0' && !t->alive)
			strlcpy(pp->cause, threads[pp->nthreads].id, sizeof(pp->cause));
		if (o->injected && o->injected == t->signal)
			pp->sent_by_ptviz = true;
		pp->nthreads++;
	}
	pp->ppid = t->ppid;
	if (p->files && t->alive)
		views_files(pp);
	pp->state = pp->nthreads > 0 ? threads[0].state : '-';
	/* As ps has it: a zombie's one row, process and main thread, is Z until its parent waits. */
	pp->zombie = !t->alive && follow_still_zombie(t);
	for (int i = 0; pp->zombie && i < pp->nthreads; i++) {
		if (threads[i].tid == t->tid)
			threads[i].state = 'Z';
	}
	if (pp->zombie)
		pp->state = 'Z';
	strlcpy(pp->comm, pp->nthreads > 0 ? threads[0].name : t->comm, sizeof(pp->comm));
	/* Told after its parent's end is (the kernel re-parents it before the tracer hears of that end). */
	const struct program_task *parent = program_task_find(p, t->first_ppid);
	bool parent_told_gone = parent == NULL || !parent->leader || !parent->alive;
	if (t->alive && t->ppid != t->first_ppid && !t->adoption_told && parent_told_gone) {
		t->adoption_told = true;
		if (t->ppid == getpid() && lab->subreaper)
			program_note(p, "%s (pid %d) lost its parent and ptviz adopted it: ptviz is the child subreaper since "
			             "'fork WORKER', so it is not where the orphan would go without ptviz (the nearest subreaper "
			             "above ptviz, or init)", pp->id, (int)pp->pid);
		else
			program_note(p, "%s (pid %d) lost its parent pid %d; its parent is now pid %d, as without ptviz",
			             pp->id, (int)pp->pid, (int)t->first_ppid, (int)t->ppid);
	}
}

static void views_one(struct lab *lab, struct program *p, struct program_view *v)
{
	memset(v, 0, sizeof(*v));
	pthread_mutex_lock(&p->lock);
	v->serial = p->serial;
	strlcpy(v->name, p->name, sizeof(v->name));
	strlcpy(v->command, p->command, sizeof(v->command));
	v->traced = p->traced;
	v->files = p->files;
	strlcpy(v->follow_note, p->follow_note, sizeof(v->follow_note));
	v->ended = p->ended;
	v->exit_signal = p->exit_signal;
	v->exit_status = p->exit_status;
	v->unfollowed = p->unfollowed;
	v->started = p->started;
	v->opt = p->opt;
	/* Room for the processes only: a process's copy is large (its files, its watched values). */
	int leaders = 0;
	for (int i = 0; i < p->ntasks; i++)
		leaders += p->tasks[i].used && p->tasks[i].leader;
	v->processes = calloc((size_t)leaders + 1, sizeof(*v->processes));
	struct program_thread *block = calloc((size_t)p->ntasks + 1, sizeof(*block)), *threads = block;
	for (int i = 0; i < p->ntasks && v->processes != NULL && threads != NULL; i++) {
		struct program_task *t = &p->tasks[i];
		v->live_tasks += t->used && t->alive;
		if (!t->used || !t->leader)
			continue;
		struct program_process *pp = &v->processes[v->nprocesses++];
		views_process(lab, p, t, pp, threads);
		program_watch_read(p, t, pp);
		threads += pp->nthreads;
	}
	/* program_views_free frees the threads through the first process: with none, the block goes now. */
	if (v->nprocesses == 0)
		free(block);
	int n = p->nlines < PROGRAM_LINES ? (int)p->nlines : PROGRAM_LINES;
	v->output = calloc((size_t)n + 1, sizeof(*v->output));
	for (int i = 0; i < n && v->output != NULL; i++)
		memcpy(v->output[v->noutput++], p->lines[(p->nlines - n + i) % PROGRAM_LINES], sizeof(v->output[0]));
	pthread_mutex_unlock(&p->lock);
}

int program_views(struct lab *lab, struct program_view **views)
{
	struct program_set *s = lab->programs;

	*views = NULL;
	if (s == NULL || s->n == 0)
		return 0;
	*views = calloc((size_t)s->n, sizeof(**views));
	if (*views == NULL)
		return 0;
	for (int i = 0; i < s->n; i++)
		views_one(lab, s->groups[i], &(*views)[i]);
	return s->n;
}

void program_views_free(struct program_view *views, int n)
{
	for (int i = 0; views != NULL && i < n; i++) {
		/* The threads of every process are one block, the first process's. */
		free(views[i].nprocesses > 0 ? views[i].processes[0].threads : NULL);
		free(views[i].processes);
		free(views[i].output);
	}
	free(views);
}

/* ---- names: A, A1, A1.2, or a PID or TID it follows ---- */

/* The group, and the task target names in it (NULL for the group itself); false when it names none. */
static bool program_find(struct lab *lab, const char *target, struct program **group, struct program_task **task)
{
	struct program_set *s = lab->programs;
	char *end;

	*group = NULL;
	*task = NULL;
	for (int i = 0; s != NULL && i < s->n; i++) {
		struct program *p = s->groups[i];
		size_t len = strlen(p->name);
		if (strcmp(target, p->name) == 0) {
			*group = p;
			return true;
		}
		long tid = strtol(target, &end, 10);
		bool plain = end != target && *end == '\0' && tid > 0;
		int proc = 0, thread = 0;
		bool named = !plain && strncmp(target, p->name, len) == 0 &&
		             (sscanf(target + len, "%d.%d", &proc, &thread) == 2 || sscanf(target + len, "%d", &proc) == 1);
		for (int j = 0; j < p->ntasks && (plain || named); j++) {
			struct program_task *t = &p->tasks[j];
			if (!t->used)
				continue;
			const struct program_task *l = &p->tasks[t->proc];
			bool hit = plain ? t->tid == (pid_t)tid && t->alive
			                 : l->number == proc && (thread == 0 ? t->leader : (t->leader ? thread == 1 : t->number == thread));
			if (hit) {
				*group = p;
				*task = t;
				return true;
			}
		}
	}
	return false;
}

bool program_names(struct lab *lab, const char *target)
{
	struct program *p;
	struct program_task *t;

	return target != NULL && program_find(lab, target, &p, &t);
}

static bool program_target(struct lab *lab, const char *target, struct program **p, struct program_task **t,
                           struct lab_error *err)
{
	if (!program_find(lab, target, p, t))
		return lab_fail(err, "no program task named %s", target);
	if (*t != NULL && !(*t)->alive)
		return lab_fail(err, "%s has ended already", target);
	return true;
}

/* ---- commands ---- */

bool program_inject(struct lab *lab, enum lab_fault fault, const char *target, struct lab_error *err)
{
	struct program *p;
	struct program_task *t;
	int sig = fault == LAB_FAULT_SEGV ? SIGSEGV : fault == LAB_FAULT_ABORT ? SIGABRT : 0;

	if (!program_target(lab, target, &p, &t, err))
		return false;
	if (sig == 0)
		return lab_fail(err, "a program's thread can be sent segv or abort (a signal); '%s' needs ptviz's own "
		                "workers", lab_fault_name(fault));
	if (t == NULL)
		return lab_fail(err, "inject needs one thread, e.g. %s1.1 (the main thread of %s1)", p->name, p->name);
	pthread_mutex_lock(&p->lock);
	t->injected = sig;
	pthread_mutex_unlock(&p->lock);
	if (syscall(SYS_tgkill, t->pid, t->tid, sig) != 0)
		return lab_fail(err, "cannot send %s to %s (tid %d): %s", lab_signal_name(sig), target, (int)t->tid,
		                strerror(errno));
	lab_note(err, "ptviz sent %s to thread %s (tid %d) with tgkill; unless the program handles it, its whole "
	         "process ends", lab_signal_name(sig), target, (int)t->tid);
	return true;
}

/* A signal to each live process of the group, or to the one process a task is in. */
static bool program_signal(struct lab *lab, const char *target, int sig, const char *verb, struct lab_error *err)
{
	struct program *p;
	struct program_task *t;
	int sent = 0;

	if (!program_target(lab, target, &p, &t, err))
		return false;
	pthread_mutex_lock(&p->lock);
	for (int i = 0; i < p->ntasks; i++) {
		struct program_task *o = &p->tasks[i];
		if (!o->used || !o->alive || !o->leader || (t != NULL && o->pid != t->pid))
			continue;
		if (sig == SIGKILL)
			o->injected = SIGKILL;
		sent += kill(o->pid, sig) == 0;
	}
	pthread_mutex_unlock(&p->lock);
	if (sent == 0)
		return lab_fail(err, "%s: no live process of %s", verb, target);
	if (t != NULL && !t->leader)
		lab_note(err, "%s acts on whole processes, as signals do: all of %s%d", verb, p->name, p->tasks[t->proc].number);
	return true;
}

bool program_kill(struct lab *lab, const char *target, struct lab_error *err)
{
	return program_signal(lab, target, SIGKILL, "kill", err);
}

bool program_pause(struct lab *lab, const char *target, bool pause, struct lab_error *err)
{
	struct program *p;
	struct program_task *t;

	if (!program_target(lab, target, &p, &t, err))
		return false;
	if (t == NULL || t->leader || !strchr(target, '.'))
		return program_signal(lab, target, pause ? SIGSTOP : SIGCONT, pause ? "pause" : "resume", err);
	/* One thread: only a tracer can hold it while its siblings run. */
	if (!p->traced)
		return lab_fail(err, "cannot pause one thread of a program without tracing it (PTRACE_INTERRUPT), and "
		                "tracing was refused: %s; pause its whole process with 'pause %s%d'", p->follow_note,
		                p->name, p->tasks[t->proc].number);
	int r = tracer_order(p, pause ? TRACER_HOLD : TRACER_RELEASE, t->tid, false);
	if (r != 0)
		return lab_fail(err, "cannot %s %s: %s", pause ? "pause" : "resume", target, strerror(r));
	return true;
}

bool program_files(struct lab *lab, bool on, const char *group, struct lab_error *err)
{
	struct program *p;
	struct program_task *t;

	if (!program_target(lab, group, &p, &t, err))
		return false;
	pthread_mutex_lock(&p->lock);
	p->files = on;
	pthread_mutex_unlock(&p->lock);
	if (t != NULL)
		lab_note(err, "files are shown for every process of %s: each has one table, shared by its threads", p->name);
	return true;
}

bool program_cpus(struct lab *lab, bool one, const char *group, struct lab_error *err)
{
	struct program *p;
	struct program_task *t;
	cpu_set_t set;

	if (!program_target(lab, group, &p, &t, err))
		return false;
	CPU_ZERO(&set);
	if (one)
		CPU_SET(0, &set);
	else {
		for (int c = 0; c < CPU_SETSIZE && c < sysconf(_SC_NPROCESSORS_CONF); c++)
			CPU_SET(c, &set);
	}
	pthread_mutex_lock(&p->lock);
	for (int i = 0; i < p->ntasks; i++) {
		struct program_task *o = &p->tasks[i];
		if (o->used && o->alive && (t == NULL || o->pid == t->pid))
			sched_setaffinity(o->tid, sizeof(set), &set);
	}
	pthread_mutex_unlock(&p->lock);
	lab_note(err, "%s: new threads inherit the CPUs of the thread that makes them", one ? "every task on CPU 0" : "every task on every CPU");
	return true;
}
