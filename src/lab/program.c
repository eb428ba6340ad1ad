/* Program groups: starting one, the table of its tasks, its events, and copies of it for the front ends. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>

#include "lab_priv.h"
#include "program_priv.h"

void program_options_defaults(struct program_options *o)
{
	memset(o, 0, sizeof(*o));
}

struct program_set *program_set_get(struct lab *lab)
{
	if (lab->programs != NULL)
		return lab->programs;
	struct program_set *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	pthread_mutex_init(&s->qlock, NULL);
	lab->programs = s;
	return s;
}

int program_count(struct lab *lab)
{
	return lab->programs != NULL ? lab->programs->n : 0;
}

int program_fd(struct lab *lab)
{
	return lab->programs != NULL ? lab->programs->efd : -1;
}

/* ---- events ---- */

/* Wakes the front end: something to read, or the program has ended. */
static void program_wake(struct program_set *s)
{
	uint64_t one = 1;

	if (write(s->efd, &one, sizeof(one)) < 0) {
		/* The counter is full only if nobody reads: what there is to read stays. */
	}
}

void program_mark_ended(struct program *p)
{
	p->ended = true;
	program_wake(p->lab->programs);
}

void program_event_push(struct program *p, struct program_event *ev)
{
	struct program_set *s = p->lab->programs;

	pthread_mutex_lock(&s->qlock);
	if (s->qn == s->qcap) {
		int cap = s->qcap ? s->qcap * 2 : 64;
		struct program_event *q = malloc((size_t)cap * sizeof(*q));
		if (q == NULL) {
			pthread_mutex_unlock(&s->qlock);
			free(ev->with);
			return;
		}
		for (int i = 0; i < s->qn; i++)
			q[i] = s->q[(s->qhead + i) % s->qcap];
		free(s->q);
		s->q = q;
		s->qcap = cap;
		s->qhead = 0;
	}
	s->q[(s->qhead + s->qn) % s->qcap] = *ev;
	bool first = s->qn++ == 0;
	pthread_mutex_unlock(&s->qlock);
	/* One wake for all the events that come before the front end reads: a thousand threads a second need not be a thousand wakes. */
	if (first)
		program_wake(s);
}

bool program_next_event(struct lab *lab, struct program_event *ev)
{
	struct program_set *s = lab->programs;
	uint64_t n;

	if (s == NULL)
		return false;
	pthread_mutex_lock(&s->qlock);
	bool any = s->qn > 0;
	if (any) {
		*ev = s->q[s->qhead];
		s->qhead = (s->qhead + 1) % s->qcap;
		s->qn--;
	} else if (read(s->efd, &n, sizeof(n)) < 0) {
		/* Nothing to read: already drained. */
	}
	pthread_mutex_unlock(&s->qlock);
	return any;
}

void program_event_clear(struct program_event *ev)
{
	free(ev->with);
	ev->with = NULL;
	ev->nwith = 0;
}

void program_event_fill(struct program *p, struct program_event *ev, enum program_event_kind kind,
                        const struct program_task *t)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->t = lab_now(p->lab);
	strlcpy(ev->group, p->name, sizeof(ev->group));
	ev->group_serial = p->serial;
	ev->status = -1;
	if (t == NULL)
		return;
	ev->process = t->leader;
	if (t->leader)
		snprintf(ev->id, sizeof(ev->id), "%s%d", p->name, t->number);
	else
		snprintf(ev->id, sizeof(ev->id), "%s%d.%d", p->name, p->tasks[t->proc].number, t->number);
	ev->pid = t->pid;
	ev->tid = t->tid;
	ev->ppid = t->ppid;
	strlcpy(ev->comm, t->comm, sizeof(ev->comm));
}

void program_note(struct program *p, const char *fmt, ...)
{
	struct program_event ev;
	va_list ap;

	program_event_fill(p, &ev, PROGRAM_EVENT_NOTE, NULL);
	va_start(ap, fmt);
	vsnprintf(ev.text, sizeof(ev.text), fmt, ap);
	va_end(ap);
	program_event_push(p, &ev);
}

/* ---- the task table ---- */

static int *program_tid_chain(struct program *p, pid_t tid)
{
	return &p->tid_chain[(unsigned)tid % PROGRAM_TID_CHAINS];
}

/* The task with that TID: the live one, else the newest slot that had it (an ended task); NULL when none. */
struct program_task *program_task_find(struct program *p, pid_t tid)
{
	struct program_task *newest = NULL;

	for (int at = *program_tid_chain(p, tid); at > 0; at = p->tasks[at - 1].tid_next) {
		struct program_task *t = &p->tasks[at - 1];
		if (!t->used || t->tid != tid)
			continue;
		if (t->alive)
			return t;
		if (newest == NULL || t > newest)
			newest = t;
	}
	return newest;
}

/* Slot i out of its TID's chain, before it is given to another task. */
static void program_tid_unlink(struct program *p, int i)
{
	for (int *at = program_tid_chain(p, p->tasks[i].tid); *at > 0; at = &p->tasks[*at - 1].tid_next) {
		if (*at == i + 1) {
			*at = p->tasks[i].tid_next;
			return;
		}
	}
}

/* A slot for a new task: a fresh one, else that of the thread that ended first (its process's count keeps it). */
static int program_task_slot(struct program *p)
{
	int oldest = -1;

	if (p->ntasks < PROGRAM_MAX_TASKS)
		return p->ntasks++;
	for (int i = 0; i < p->ntasks; i++) {
		const struct program_task *t = &p->tasks[i];
		if (!t->alive && !t->leader && (oldest < 0 || t->died_at < p->tasks[oldest].died_at))
			oldest = i;
	}
	return oldest;
}

struct program_task *program_task_add(struct program *p, pid_t tid, pid_t pid, pid_t ppid)
{
	struct program_task *leader = NULL;

	p->started++;
	if (tid != pid) {
		leader = program_task_find(p, pid);
		if (leader == NULL || !leader->alive) {
			p->unfollowed++;
			return NULL;
		}
	}
	int i = program_task_slot(p);
	if (i < 0) {
		p->unfollowed++;
		if (!p->cap_told) {
			p->cap_told = true;
			program_note(p, "%s started more than %d tasks that are still shown: ptviz counts the rest and does "
			             "not follow them", p->name, PROGRAM_MAX_TASKS);
		}
		return NULL;
	}
	struct program_task *t = &p->tasks[i];
	if (t->used)
		program_tid_unlink(p, i);
	memset(t, 0, sizeof(*t));
	t->used = true;
	t->alive = true;
	t->tid = tid;
	t->tid_next = *program_tid_chain(p, tid);
	*program_tid_chain(p, tid) = i + 1;
	t->pid = pid;
	t->ppid = t->first_ppid = ppid;
	t->status = -1;
	t->started_at = lab_now(p->lab);
	t->leader = tid == pid;
	if (t->leader) {
		t->proc = i;
		t->number = ++p->processes_made;
		t->threads_made = 1;
	} else {
		t->proc = (int)(leader - p->tasks);
		t->number = ++leader->threads_made;
		strlcpy(t->comm, leader->comm, sizeof(t->comm));
	}
	/*
	 * A new thread has its process's name until it names itself (read again
	 * with each look), and a forked process its parent's until it runs exec
	 * (read again then); only a process whose parent is not followed is read.
	 */
	struct program_task *parent = t->leader ? program_task_find(p, ppid) : NULL;
	if (parent != NULL && parent->alive && parent->leader)
		strlcpy(t->comm, parent->comm, sizeof(t->comm));
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", (int)pid, (int)tid);
	FILE *f = t->leader && t->comm[0] == '\0' ? fopen(path, "re") : NULL;
	if (f != NULL) {
		if (fgets(t->comm, sizeof(t->comm), f) != NULL)
			t->comm[strcspn(t->comm, "\n")] = '\0';
		fclose(f);
	}
	struct program_event ev;
	program_event_fill(p, &ev, PROGRAM_EVENT_START, t);
	program_event_push(p, &ev);
	return t;
}

bool program_has_life(const struct program *p)
{
	for (int i = 0; i < p->ntasks; i++) {
		if (p->tasks[i].used && p->tasks[i].leader && p->tasks[i].alive)
			return true;
	}
	return false;
}

/* A process's end: its threads that ended with it, the one that caused it, and its own figures. */
static void program_process_ended(struct program *p, struct program_task *t, struct program_event *ev)
{
	int n = 0;

	ev->with = calloc(PROGRAM_MAX_TASKS, sizeof(*ev->with));
	for (int i = 0; i < p->ntasks; i++) {
		struct program_task *o = &p->tasks[i];
		if (!o->used || o->pid != t->pid || o->proc != t->proc)
			continue;
		if (o != t && o->alive) {
			/* Its end was not reported apart (a thread of a process that is gone). */
			o->alive = false;
			o->with_process = true;
			o->signal = t->signal;
			o->status = t->status;
			o->died_at = t->died_at;
		}
		/* The cause: the thread the fatal signal was delivered to (or sent to by ptviz). */
		if (t->signal != 0 && (o->delivered == t->signal || o->injected == t->signal) && ev->cause[0] == '\0')
			snprintf(ev->cause, sizeof(ev->cause), "%s%d.%d", p->name, t->number, o->leader ? 1 : o->number);
		if ((o == t || o->with_process) && ev->with != NULL)
			snprintf(ev->with[n++], LAB_ID_MAX, "%s%d.%d", p->name, t->number, o->leader ? 1 : o->number);
		if (o->injected && o->injected == t->signal)
			ev->sent_by_ptviz = true;
	}
	ev->nwith = n;
	if (t->pid == p->first) {
		p->exit_signal = t->signal;
		p->exit_status = t->status;
	}
}

void program_task_ended(struct program *p, struct program_task *t, int signal, int status)
{
	struct program_event ev;

	if (!t->alive)
		return;
	t->alive = false;
	t->signal = signal;
	t->status = status;
	t->died_at = lab_now(p->lab);
	/*
	 * A thread killed with its process carries the kernel's mark of it, read
	 * from its zombie (tracer_task_zombie); one that ended on its own does not.
	 */
	if (!t->leader)
		t->with_process = !t->exit_stopped || signal != 0 || status > 0;
	program_event_fill(p, &ev, PROGRAM_EVENT_END, t);
	ev.signal = signal;
	ev.status = status;
	ev.with_process = t->with_process;
	ev.sent_by_ptviz = t->injected != 0 && t->injected == signal;
	if (t->leader)
		program_process_ended(p, t, &ev);
	program_event_push(p, &ev);
}

/* ---- starting a group ---- */

/* The next free letter, A to Z, for a group given no name. */
static bool program_free_name(struct lab *lab, char *name)
{
	for (char c = 'A'; c <= 'Z'; c++) {
		char n[2] = { c, '\0' };
		if (lab_find_group(lab, n) == NULL && !program_names(lab, n)) {
			strlcpy(name, n, LAB_NAME_MAX + 1);
			return true;
		}
	}
	return false;
}

static void program_command_text(struct program *p, char *const argv[])
{
	size_t at = 0;

	p->command[0] = '\0';
	for (int i = 0; argv[i] != NULL && at < sizeof(p->command); i++) {
		bool quote = strpbrk(argv[i], " ;#") != NULL || argv[i][0] == '\0';
		at += (size_t)snprintf(p->command + at, sizeof(p->command) - at, "%s%s%s%s", i ? " " : "",
		                       quote ? "\"" : "", argv[i], quote ? "\"" : "");
	}
}

static void program_free(struct program *p)
{
	if (p == NULL)
		return;
	for (int i = 0; i < PROGRAM_WATCH_MAX; i++)
		free(p->watch_store[i]);
	program_watch_free(p);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->order_cond);
	free(p);
}

static struct program *program_new(struct lab *lab, const struct program_options *o, char *const argv[],
                                   const char *name)
{
	struct program *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->lab = lab;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->order_cond, NULL);
	strlcpy(p->name, name, sizeof(p->name));
	p->serial = lab_serial_next(lab);
	p->opt = *o;
	/* The watch names are kept as the options gave them (read in program_watch.c). */
	for (int i = 0; i < o->nwatch && i < PROGRAM_WATCH_MAX; i++)
		p->opt.watch[i] = p->watch_store[i] = strdup(o->watch[i]);
	program_command_text(p, argv);
	p->out_fd = p->err_fd = p->reader_stop = -1;
	p->exit_status = -1;
	return p;
}

bool program_spawn(struct lab *lab, const struct program_options *o, char *const argv[], const char *name,
                   struct lab_error *err)
{
	struct program_set *s = program_set_get(lab);
	char chosen[LAB_NAME_MAX + 1];

	if (s == NULL || s->efd < 0)
		return lab_fail(err, "cannot start a program: out of memory");
	if (argv == NULL || argv[0] == NULL || argv[0][0] == '\0')
		return lab_fail(err, "spawn program needs the program to run, e.g. 'spawn program ./fork_tree 3'");
	if (s->n == PROGRAM_MAX_GROUPS)
		return lab_fail(err, "%d program groups already: 'kill' one first", PROGRAM_MAX_GROUPS);
	if (name != NULL && (lab_find_group(lab, name) != NULL || program_names(lab, name)))
		return lab_fail(err, "there is already a group named %s: choose another name with 'as NAME'", name);
	if (name == NULL && !program_free_name(lab, chosen))
		return lab_fail(err, "no free group name from A to Z: name it with 'as NAME'");
	struct program *p = program_new(lab, o, argv, name != NULL ? name : chosen);
	if (p == NULL)
		return lab_fail(err, "cannot start a program: out of memory");
	if (!tracer_start(p, err) || !output_start(p, err) || !program_launch(p, argv, err)) {
		p->ending = true;
		output_stop(p);
		tracer_join(p);
		if (!p->tracer_started)
			program_free(p);
		return false;
	}
	p->opt.stdin_file = NULL;   /* read only while launching */
	s->groups[s->n++] = p;
	return true;
}

/* ---- ending ---- */

void program_adopt_orphans(struct program *p)
{
	(void)p;
	prctl(PR_SET_CHILD_SUBREAPER, 1);
}

/* The group's processes that came to ptviz as orphans, reaped by PID (ptviz's own workers are not touched). */
static void program_reap_adopted(struct program *p)
{
	for (int round = 0; round < 100; round++) {
		bool waiting = false;
		for (int i = 0; i < p->ntasks; i++) {
			const struct program_task *t = &p->tasks[i];
			if (t->used && t->leader && t->pid != p->first)
				waiting |= waitpid(t->pid, NULL, WNOHANG | __WALL) == 0;
		}
		if (!waiting)
			return;
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
}

void program_end_all(struct lab *lab, bool keep)
{
	struct program_set *s = lab->programs;

	if (s == NULL)
		return;
	for (int i = 0; i < s->n; i++) {
		struct program *p = s->groups[i];
		if (!p->finished)
			tracer_order(p, TRACER_END, 0, keep || p->opt.keep);
		tracer_join(p);
		output_stop(p);
		program_reap_adopted(p);
	}
	/* The child subreaper only for ptviz's own workers' children, as before (see program_adopt_orphans). */
	prctl(PR_SET_CHILD_SUBREAPER, lab->subreaper ? 1 : 0);
}

void program_set_free(struct lab *lab)
{
	struct program_set *s = lab->programs;
	struct program_event ev;

	if (s == NULL)
		return;
	program_end_all(lab, false);
	for (int i = 0; i < s->n; i++) {
		/* A tracer that did not leave (a task that would not die) still reads its group: it is not freed. */
		if (!s->groups[i]->tracer_started)
			program_free(s->groups[i]);
	}
	while (program_next_event(lab, &ev))
		program_event_clear(&ev);
	free(s->q);
	if (s->efd >= 0)
		close(s->efd);
	pthread_mutex_destroy(&s->qlock);
	free(s);
	lab->programs = NULL;
}

bool program_all_ended(struct lab *lab)
{
	struct program_set *s = lab->programs;
	bool all = true;

	for (int i = 0; s != NULL && i < s->n; i++) {
		pthread_mutex_lock(&s->groups[i]->lock);
		all = all && s->groups[i]->ended;
		pthread_mutex_unlock(&s->groups[i]->lock);
	}
	return all;
}

int program_exit_code(struct lab *lab)
{
	struct program_set *s = lab->programs;

	if (s == NULL || s->n == 0)
		return 1;
	struct program *p = s->groups[0];
	pthread_mutex_lock(&p->lock);
	int code = p->exit_signal ? 128 + p->exit_signal : p->exit_status >= 0 ? p->exit_status : 1;
	pthread_mutex_unlock(&p->lock);
	return code;
}
