/* The engine: spawning groups, controlling workers, reaping them, and taking consistent snapshots. */
#include "lab.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>

#include "procfs.h"
#include "worker.h"

/*
 * How long a snapshot waits for workers to reach an increment boundary.
 * Usually well under a millisecond; on a machine crowded with other idle-class
 * work it can take longer, and a frame (100 ms) is the most the screen can spare.
 */
#define LAB_HOLD_TIMEOUT_NS (80L * 1000 * 1000)
/* How long a spawn waits for every worker to report in. */
#define LAB_START_TIMEOUT_MS 5000
/* How long an injected fault may take to show its effect. */
#define LAB_FAULT_TIMEOUT_MS 3000

struct lab {
	struct lab_config cfg;
	struct instr in;
	unsigned char *slot_used;
	bool gate_used[LAB_MAX_GROUPS];
	struct lab_group groups[LAB_MAX_GROUPS];
	int ngroups;
	int sigfd;
	sigset_t old_mask;
	struct timespec t0;
	uint32_t hold_gen;
	enum instr_sync default_sync;
	enum instr_workload default_workload;
	bool reap_off;           /* exits are noted, not reaped: zombies until `reap` */
	bool subreaper;          /* PR_SET_CHILD_SUBREAPER is on: orphans in ptviz's tree come to it */
	int schedule[LAB_SCHEDULE_MAX];
	int nschedule, schedule_next;
	pid_t main_tid;
	struct lab_pass pass;    /* the last observation pass, phase by phase */
	/*
	 * Bumped when something may have changed what /proc says of a worker
	 * that has not worked: a SIGCHLD (a child stopped, continued or died),
	 * or ptviz moving workers to other CPUs.  A stat read before is read again.
	 */
	uint32_t stat_epoch;
	/* queued events, oldest at head */
	struct lab_event *events;
	int nevents, head, cap;
};

/*
 * Fills err and returns false.  arg says which part of the command was
 * wrong (see lab_error.arg): lab_fail for the worker or group, 1 for the
 * number after it.
 */
static bool lab_fail_arg(struct lab_error *err, int arg, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool lab_fail_arg(struct lab_error *err, int arg, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		err->arg = arg;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return false;
}

#define lab_fail(err, ...) lab_fail_arg((err), 0, __VA_ARGS__)

static void lab_note(struct lab_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void lab_note(struct lab_error *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	size_t len = strlen(err->msg);
	if (len > 0 && len + 2 < sizeof(err->msg)) {
		strlcat(err->msg, "; ", sizeof(err->msg));
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(err->msg + len, sizeof(err->msg) - len, fmt, ap);
	va_end(ap);
}

/* ---- names ---- */

const char *lab_kind_name(enum lab_kind kind)
{
	return kind == LAB_THREADS ? "threads" : "processes";
}

const char *lab_end_name(enum lab_end end)
{
	switch (end) {
	case LAB_END_FAULT: return "fault";
	case LAB_END_SIBLING: return "sibling";
	case LAB_END_KILLED: return "killed";
	case LAB_END_ENDED: return "ended";
	case LAB_END_SIGNAL: return "signal";
	case LAB_END_EXITED: return "exited";
	default: return "alive";
	}
}

const char *lab_signal_name(int sig)
{
	static char buf[32];
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev == NULL) {
		snprintf(buf, sizeof(buf), "signal %d", sig);
		return buf;
	}
	snprintf(buf, sizeof(buf), "SIG%s", abbrev);
	return buf;
}

/* ---- time ---- */

double lab_now(const struct lab *lab)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - lab->t0.tv_sec) + (double)(now.tv_nsec - lab->t0.tv_nsec) / 1e9;
}

static int64_t lab_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/* ---- lookup ---- */

int64_t lab_parent_counter(void)
{
	return atomic_load(&worker_counter);
}

uintptr_t lab_counter_address(void)
{
	return (uintptr_t)&worker_counter;
}

enum instr_sync lab_sync_default(const struct lab *lab)
{
	return lab->default_sync;
}

void lab_instrument_range(const struct lab *lab, uintptr_t *start, uintptr_t *end)
{
	*start = (uintptr_t)lab->in.gates;
	*end = *start + lab->in.size;
}

int lab_ngroups(const struct lab *lab)
{
	return lab->ngroups;
}

const struct lab_group *lab_group_at(const struct lab *lab, int i)
{
	return i >= 0 && i < lab->ngroups ? &lab->groups[i] : NULL;
}

static struct lab_group *lab_group_named(struct lab *lab, const char *name)
{
	for (int i = 0; i < lab->ngroups; i++) {
		if (strcmp(lab->groups[i].name, name) == 0)
			return &lab->groups[i];
	}
	return NULL;
}

const struct lab_group *lab_find_group(const struct lab *lab, const char *name)
{
	return lab_group_named((struct lab *)lab, name);
}

/* Splits "PB12" into "PB" and 12; false when it is not shaped as a worker's name. */
static bool lab_split_id(const char *id, char name[LAB_NAME_MAX + 1], long *number)
{
	size_t letters = strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
	char *end;

	if (letters == 0 || letters > LAB_NAME_MAX || id[letters] < '1' || id[letters] > '9')
		return false;
	*number = strtol(id + letters, &end, 10);
	if (*end != '\0')
		return false;
	memcpy(name, id, letters);
	name[letters] = '\0';
	return true;
}

/* The worker named id ("PB12") and its group; NULL when there is none. */
static struct lab_worker *lab_worker_named(struct lab *lab, const char *id, struct lab_group **group)
{
	char name[LAB_NAME_MAX + 1];
	long number;

	if (!lab_split_id(id, name, &number))
		return NULL;
	struct lab_group *g = lab_group_named(lab, name);
	if (g == NULL || number < 1 || number > g->nworkers)
		return NULL;
	if (group != NULL)
		*group = g;
	return &g->workers[number - 1];
}

const struct lab_worker *lab_find_worker(const struct lab *lab, const char *id,
                                         const struct lab_group **group)
{
	struct lab_group *g = NULL;
	const struct lab_worker *w = lab_worker_named((struct lab *)lab, id, &g);

	if (group != NULL)
		*group = g;
	return w;
}

/* "T, P, PB": the groups there are, for messages that say what would be right. */
static const char *lab_group_list(const struct lab *lab)
{
	static char buf[LAB_MAX_GROUPS * (LAB_NAME_MAX + 2) + 1];
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < lab->ngroups; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? ", " : "", lab->groups[i].name);
	return buf;
}

/* The group whose name differs from name only in case, or NULL. */
static const struct lab_group *lab_group_caseless(const struct lab *lab, const char *name)
{
	for (int i = 0; i < lab->ngroups; i++) {
		if (strcasecmp(lab->groups[i].name, name) == 0)
			return &lab->groups[i];
	}
	return NULL;
}

/* Says why name is no group, and what is there instead. */
static bool lab_no_group(const struct lab *lab, const char *name, struct lab_error *err)
{
	const struct lab_group *g = lab_group_caseless(lab, name);

	if (lab->ngroups == 0)
		return lab_fail(err, "no group named '%s': there are no groups yet; spawn one first, e.g. 'spawn threads 4'",
		                name);
	if (g != NULL)
		return lab_fail(err, "no group named '%s': names are case-sensitive; did you mean %s?", name, g->name);
	return lab_fail(err, "no group named '%s': the groups are %s", name, lab_group_list(lab));
}

/* Says why id is no worker: its group is missing, or its number is past the group's end. */
static bool lab_no_worker(const struct lab *lab, const char *id, struct lab_error *err)
{
	char name[LAB_NAME_MAX + 1];
	long number;

	if (lab->ngroups == 0)
		return lab_fail(err, "no worker named '%s': there are no workers yet; spawn some first, e.g. 'spawn threads 4'",
		                id);
	if (!lab_split_id(id, name, &number))
		return lab_fail(err, "no worker named '%s': a worker is its group's name and a number, e.g. %s1", id,
		                lab->groups[0].name);
	const struct lab_group *g = lab_group_named((struct lab *)lab, name);
	if (g != NULL && g->nworkers == 1)
		return lab_fail(err, "no worker named '%s': %s has only %s1", id, g->name, g->name);
	if (g != NULL)
		return lab_fail(err, "no worker named '%s': %s has %s1..%s%d", id, g->name, g->name, g->name, g->nworkers);
	g = lab_group_caseless(lab, name);
	if (g != NULL)
		return lab_fail(err, "no worker named '%s': names are case-sensitive; did you mean %s%ld?", id, g->name,
		                number);
	return lab_fail(err, "no worker named '%s': there is no group %s; the groups are %s", id, name,
	                lab_group_list(lab));
}

static struct instr_slot *lab_slot(struct lab *lab, const struct lab_worker *w)
{
	return &lab->in.slots[w->slot];
}

static struct instr_gate *lab_gate(struct lab *lab, const struct lab_group *g)
{
	return &lab->in.gates[g->gate];
}

/* Lists the live workers of a group, for messages that suggest what would be right. */
static const char *lab_live_list(const struct lab_group *g)
{
	static char buf[160];
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < g->nworkers && len + LAB_ID_MAX + 6 < sizeof(buf); i++) {
		if (g->workers[i].alive)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? " " : "",
			                        g->workers[i].id);
	}
	if (len == 0)
		strlcpy(buf, "none", sizeof(buf));
	return buf;
}

/* ---- events ---- */

static struct lab_event *lab_event_push(struct lab *lab, enum lab_event_kind kind,
                                        const struct lab_group *g, int nids)
{
	if (lab->head + lab->nevents == lab->cap) {
		if (lab->head > 0) {
			memmove(lab->events, lab->events + lab->head, (size_t)lab->nevents * sizeof(*lab->events));
			lab->head = 0;
		}
		if (lab->nevents == lab->cap) {
			int cap = lab->cap ? lab->cap * 2 : 16;
			struct lab_event *ev = realloc(lab->events, (size_t)cap * sizeof(*ev));
			if (ev == NULL)
				return NULL;
			lab->events = ev;
			lab->cap = cap;
		}
	}
	struct lab_event *ev = &lab->events[lab->head + lab->nevents];
	memset(ev, 0, sizeof(*ev));
	ev->ids = calloc((size_t)(nids > 0 ? nids : 1), sizeof(*ev->ids));
	ev->pids = calloc((size_t)(nids > 0 ? nids : 1), sizeof(*ev->pids));
	if (ev->ids == NULL || ev->pids == NULL) {
		free(ev->ids);
		free(ev->pids);
		return NULL;
	}
	lab->nevents++;
	ev->kind = kind;
	ev->t = lab_now(lab);
	strlcpy(ev->group, g->name, sizeof(ev->group));
	ev->group_kind = g->kind;
	ev->status = -1;
	return ev;
}

bool lab_next_event(struct lab *lab, struct lab_event *ev)
{
	if (lab->nevents == 0)
		return false;
	*ev = lab->events[lab->head];
	lab->head++;
	lab->nevents--;
	if (lab->nevents == 0)
		lab->head = 0;
	return true;
}

void lab_event_clear(struct lab_event *ev)
{
	free(ev->ids);
	free(ev->pids);
	ev->ids = NULL;
	ev->pids = NULL;
	ev->nids = 0;
}

/* ---- lifetime ---- */

void lab_config_defaults(struct lab_config *cfg)
{
	cfg->max_threads = LAB_DEFAULT_MAX_THREADS;
	cfg->max_processes = LAB_DEFAULT_MAX_PROCESSES;
}

struct lab *lab_new(const struct lab_config *cfg, struct lab_error *err)
{
	struct lab *lab = calloc(1, sizeof(*lab));
	sigset_t chld;

	if (lab == NULL) {
		lab_fail(err, "out of memory");
		return NULL;
	}
	lab->cfg = *cfg;
	lab->sigfd = -1;
	lab->main_tid = gettid();
	clock_gettime(CLOCK_MONOTONIC, &lab->t0);

	int nslots = cfg->max_threads * LAB_MAX_GROUPS + cfg->max_processes;
	lab->slot_used = calloc((size_t)nslots, 1);
	if (lab->slot_used == NULL || !instr_map(&lab->in, LAB_MAX_GROUPS, nslots)) {
		lab_fail(err, "cannot map the instrument panel for %d workers: %s", nslots, strerror(errno));
		goto fail;
	}

	/* Child exits arrive through a signalfd, so SIGCHLD must not be delivered the usual way. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &chld, &lab->old_mask);
	lab->sigfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	if (lab->sigfd < 0) {
		lab_fail(err, "signalfd: %s", strerror(errno));
		goto fail;
	}
	return lab;
fail:
	lab_free(lab);
	return NULL;
}

static void lab_group_destroy(struct lab *lab, struct lab_group *g);

void lab_free(struct lab *lab)
{
	struct lab_event ev;

	if (lab == NULL)
		return;
	lab_reset(lab);
	while (lab_next_event(lab, &ev))
		lab_event_clear(&ev);
	free(lab->events);
	if (lab->sigfd >= 0) {
		close(lab->sigfd);
		pthread_sigmask(SIG_SETMASK, &lab->old_mask, NULL);
	}
	instr_unmap(&lab->in);
	free(lab->slot_used);
	free(lab);
}

int lab_fd(const struct lab *lab)
{
	return lab->sigfd;
}

/* ---- holding workers at an increment boundary ---- */

/* Does this worker need to answer a hold?  Not when dead, deaf, or asleep in a pause. */
static bool lab_worker_must_ack(struct lab *lab, const struct lab_worker *w)
{
	struct instr_slot *s = lab_slot(lab, w);

	if (!w->alive)
		return false;
	/* Parked at a boundary since an earlier hold: it reads the hold again before it works. */
	if (atomic_load(&s->parked))
		return false;
	uint32_t st = atomic_load(&s->state);
	uint32_t ctl = atomic_load(&s->control);
	if (st == INSTR_PAUSED)
		/* Asleep at a boundary until ptviz itself clears the bit. */
		return !(ctl & INSTR_CTL_PAUSE);
	if (st == INSTR_STEPWAIT)
		/* Asleep until ptviz permits a step; it only reads memory until then. */
		return !(ctl & INSTR_CTL_STEP) || (ctl >> INSTR_CTL_PERMIT_SHIFT) != (atomic_load(&s->taken) & 0xffffu);
	/* A worker waiting for the lock only loads once it has it, and parks before it stores. */
	return st == INSTR_RUNNING || st == INSTR_STARTING;
}

/* Tells the group's held workers that something changed. */
static void lab_gate_bump(struct instr_gate *gate)
{
	atomic_fetch_add(&gate->seq, 1);
	instr_futex_wake(&gate->seq, INT_MAX);
}

/* A request in a worker's control word: wake it wherever it sleeps. */
static void lab_poke(struct lab *lab, const struct lab_group *g, const struct lab_worker *w)
{
	instr_futex_wake(&lab_slot(lab, w)->control, INT_MAX);
	lab_gate_bump(lab_gate(lab, g));
}

/*
 * A worker ptviz waits for in a hold has its slot's `awaited` set to the
 * hold's generation, and counts in the gate's `pending`.  Whoever takes
 * `awaited` back (an exchange, so only one of them) takes the worker off
 * `pending`: the worker itself when it answers, or ptviz when it finds the
 * worker answered or no longer needing to (gone to wait for a lock, say).
 * The worker stores its ack before it looks at `awaited`, ptviz sets
 * `awaited` before it looks at the ack, so one of them always sees the other.
 * The worker that brings `pending` to 0 wakes ptviz: one wakeup a hold, not
 * one for every worker that answers.
 */
static void lab_worker_answered(struct instr_gate *gate, struct instr_slot *s, uint32_t gen)
{
	if (atomic_load(&s->awaited) == gen && atomic_exchange(&s->awaited, 0) == gen)
		atomic_fetch_sub(&gate->pending, 1);
}

/* Takes off `pending` the awaited workers that answered or need not. */
static void lab_hold_settle(struct lab *lab, struct lab_group *g, uint32_t gen)
{
	struct instr_gate *gate = lab_gate(lab, g);

	for (int i = 0; i < g->nworkers; i++) {
		const struct lab_worker *w = &g->workers[i];
		struct instr_slot *s = lab_slot(lab, w);
		if (atomic_load(&s->awaited) == gen && (atomic_load(&s->ack) == gen || !lab_worker_must_ack(lab, w)))
			lab_worker_answered(gate, s, gen);
	}
}

/* Asks the workers of the group to park at their next increment boundary. */
static void lab_hold_begin(struct lab *lab, struct lab_group *g)
{
	struct instr_gate *gate = lab_gate(lab, g);

	if (++lab->hold_gen == 0)
		lab->hold_gen = 1;
	uint32_t gen = lab->hold_gen;
	/* ptviz's own count keeps pending above 0 until every worker it waits for is counted. */
	atomic_store(&gate->pending, 1);
	atomic_store(&gate->hold, gen);
	int awaited = 0;
	for (int i = 0; i < g->nworkers; i++) {
		const struct lab_worker *w = &g->workers[i];
		if (!lab_worker_must_ack(lab, w))
			continue;
		atomic_fetch_add(&gate->pending, 1);
		atomic_store(&lab_slot(lab, w)->awaited, gen);
		awaited++;
	}
	lab_hold_settle(lab, g, gen);
	atomic_fetch_sub(&gate->pending, 1);
	lab->pass.waited += awaited;
}

/* Waits until every worker that must answer has parked, or the deadline passes. */
static bool lab_hold_wait(struct lab *lab, struct lab_group *g, int64_t deadline)
{
	struct instr_gate *gate = lab_gate(lab, g);
	uint32_t gen = atomic_load(&gate->hold);

	for (;;) {
		uint32_t pending = atomic_load(&gate->pending);
		if (pending == 0)
			return true;
		int64_t left = deadline - lab_ns();
		if (left <= 0)
			return false;
		/* Every millisecond, look for workers that will not answer because they need not. */
		if (instr_futex_wait(&gate->pending, pending, left < 1000000 ? (long)left : 1000000L) == -ETIMEDOUT)
			lab_hold_settle(lab, g, gen);
	}
}

/*
 * Lets the group go on.  A parked worker sees that the next time it runs,
 * and sleeps only in a hold that has lasted milliseconds (worker_hold), so
 * there is rarely anyone to wake.  A worker reads seq before hold, and sleeps
 * only if seq is unchanged; sleepers is counted before it sleeps.  So a worker
 * that could still fall asleep for this hold is either counted below, or sees
 * the new seq and does not sleep.
 */
static void lab_hold_end(struct lab *lab, struct lab_group *g)
{
	struct instr_gate *gate = lab_gate(lab, g);

	if (atomic_load(&gate->hold) == 0)
		return;
	atomic_store(&gate->hold, 0);
	atomic_fetch_add(&gate->seq, 1);
	if (atomic_load(&gate->sleepers) > 0)
		instr_futex_wake(&gate->seq, INT_MAX);
}

/* ---- observation ---- */

static bool lab_read_remote(pid_t pid, uintptr_t address, int64_t *value)
{
	struct iovec local = { value, sizeof(*value) };
	struct iovec remote = { (void *)address, sizeof(*value) };

	return process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)sizeof(*value);
}

/* Does the memory a worker incremented outlive it?  Then its final count in the slot is exact. */
static bool lab_memory_outlives(const struct lab_group *g)
{
	return g->kind == LAB_THREADS ? g->host_alive : g->shared;
}

/* What a worker published of its micro-steps. */
static void lab_worker_read_step(struct lab *lab, const struct lab_group *g, struct lab_worker *w)
{
	struct instr_slot *s = lab_slot(lab, w);

	w->stepping = atomic_load(&s->control) & INSTR_CTL_STEP;
	w->has_reg = atomic_load(&s->has_reg);
	w->reg = atomic_load(&s->reg);
	/* Between operations its next step is the first under the group's modes, whatever they became. */
	w->next = w->has_reg ? (enum instr_step)atomic_load(&s->next) : worker_first_step(g->workload, g->sync);
	w->holds = atomic_load(&s->holds_lock);
	w->holds_lock = w->holds != 0;
	w->wants = atomic_load(&s->wants);
	int64_t from = atomic_load(&s->arrivals_ns);
	int64_t waiting = from > 0 ? (lab_ns() - from) / INSTR_TASK_EVERY_NS - w->done : 0;
	w->backlog = waiting > 0 ? waiting : 0;
	w->steps = atomic_load(&s->taken) - w->step_base;
	w->refused = atomic_load(&s->refused);
}

/*
 * A private process's own counter, read where it lives, unless the process
 * has done no work since the last read: parked in a hold all through that
 * read and parked in one now without having gone back to work in between
 * (as for /proc, see lab_worker_read_proc).  Only the process writes it, and
 * ptviz, which forgets what it read when it does (lab_group_restart).
 */
static void lab_read_private_counter(struct lab *lab, struct lab_worker *w)
{
	struct instr_slot *s = lab_slot(lab, w);
	uint32_t parked = atomic_load(&s->parked);
	uint32_t resumes = atomic_load(&s->resumes);

	if (parked && w->counter_parked && resumes == w->counter_resumes)
		return;
	if (!lab_read_remote(w->pid, w->counter_address, &w->counter)) {
		w->counter_parked = false;
		return;
	}
	w->counter_parked = parked && atomic_load(&s->parked) && atomic_load(&s->resumes) == resumes;
	w->counter_resumes = resumes;
}

/* Reads the counters and the done figures of a group whose workers are parked. */
static void lab_group_read(struct lab *lab, struct lab_group *g)
{
	int64_t shared_value = 0;
	bool have_shared = false;

	if (g->kind == LAB_THREADS) {
		have_shared = g->host_alive && lab_read_remote(g->host, g->counter_address, &shared_value);
	} else if (g->shared) {
		/* Read the segment where it lives, in a worker; when all are gone, ptviz still maps it. */
		for (int i = 0; i < g->nworkers && !have_shared; i++) {
			if (g->workers[i].alive)
				have_shared = lab_read_remote(g->workers[i].pid, g->counter_address, &shared_value);
		}
		if (!have_shared) {
			shared_value = atomic_load(&((struct worker_segment *)g->segment)->counter);
			have_shared = true;
		}
	}

	int64_t increments = 0, counters = 0, refused = 0;
	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		if (w->alive) {
			w->done = atomic_load(&lab_slot(lab, w)->done);
			lab_worker_read_step(lab, g, w);
			if (g->shared) {
				if (have_shared)
					w->counter = shared_value;
			} else {
				lab_read_private_counter(lab, w);
			}
		} else if (g->shared && have_shared) {
			w->counter = shared_value;
		}
		increments += w->done;
		counters += w->counter;
		refused += w->refused;
	}
	if (g->kind == LAB_THREADS && !have_shared)
		return; /* the host is gone: keep the figures of its last moment */
	g->increments = increments;
	g->counter = g->shared ? shared_value : counters;
	g->refused = refused;
	if (g->workload != INSTR_WORK_WITHDRAW) {
		g->lost = g->increments - g->counter;
		return;
	}
	/* Withdrawals the balance never saw: those made, less those the balance went down by. */
	int64_t taken = 0;
	g->overdrawn = false;
	if (g->shared) {
		taken = g->start_balance - shared_value;
		g->overdrawn = shared_value < 0;
	} else {
		for (int i = 0; i < g->nworkers; i++) {
			taken += g->start_balance - g->workers[i].counter;
			g->overdrawn |= g->workers[i].counter < 0;
		}
	}
	g->lost = g->increments - taken / INSTR_WITHDRAW_AMOUNT;
}

/*
 * Time on a CPU in nanoseconds.  A screen that draws ten frames a second sees
 * the ticks (10 ms each) move by 0 or 1 in a frame for a worker that mostly
 * waits; schedstat counts every nanosecond.  Without it, the ticks stand in.
 */
static void lab_worker_read_cpu_time(struct lab_worker *w)
{
	static long tick;
	uint64_t ns;

	if (procfs_read_schedstat(w->sched_fd, &ns)) {
		w->cpu_ns = ns;
		return;
	}
	if (tick == 0)
		tick = sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100;
	w->cpu_ns = w->cpu_ticks * (uint64_t)(1000000000L / tick);
}

/*
 * What the kernel says of a worker: its state, the CPU it last ran on, its
 * CPU time.  Read while the group is held, so a worker may be asleep only
 * because a long hold parked it: the kernel then says S of a worker that,
 * but for the observation, is running or waiting for a CPU, and shows R, as
 * it would have the moment before.  The slot says so before or after the read.
 *
 * A worker parked in a hold all through the last read, and parked in one
 * now without having gone back to work in between, has done no work since:
 * what that read gave still holds.  It may have run to find a hold still on
 * and given way again; those few instructions are the observation's own,
 * and the CPU they ran on is not the one the worker works on.  What
 * can change the kernel's answer without the worker working (a stop or a
 * continue from outside, a move to other CPUs) bumps lab->stat_epoch.  With
 * hundreds of workers on few CPUs, most have not had a CPU between two
 * passes, and each read of stat costs the kernel a microsecond or more.
 */
static void lab_worker_read_proc(struct lab *lab, struct lab_worker *w)
{
	struct instr_slot *s = lab_slot(lab, w);
	struct procfs_stat st;

	w->activity = atomic_load(&s->state);
	if (!w->alive)
		return;
	/* parked before resumes: a worker counts its return to work before it parks again. */
	uint32_t parked = atomic_load(&s->parked);
	uint32_t resumes = atomic_load(&s->resumes);
	if (parked && w->stat_parked && resumes == w->stat_resumes && w->stat_epoch == lab->stat_epoch) {
		lab->pass.proc_skipped++;
		return;
	}
	if (!procfs_read_stat(w->stat_fd, &st)) {
		w->stat_parked = false;
		return;
	}
	uint32_t parked_after = atomic_load(&s->parked);
	w->stat_parked = parked && parked_after && atomic_load(&s->resumes) == resumes;
	w->stat_resumes = resumes;
	w->stat_epoch = lab->stat_epoch;
	w->state = (parked || parked_after) && st.state == 'S' ? 'R' : st.state;
	w->cpu = st.cpu;
	w->cpu_ticks = st.ticks;
	lab_worker_read_cpu_time(w);
}

static void lab_group_count_alive(struct lab_group *g)
{
	g->alive = 0;
	for (int i = 0; i < g->nworkers; i++)
		g->alive += g->workers[i].alive;
}

/*
 * Holds the groups in mask at one moment, runs meanwhile (if any) while the
 * workers come to their boundaries, runs fn on each group once its workers
 * are parked between increments, and lets them all go on.
 */
static void lab_while_held_then(struct lab *lab, uint32_t mask, void (*meanwhile)(struct lab *, uint32_t),
                                void (*fn)(struct lab *, struct lab_group *, const void *), const void *arg)
{
	int64_t t = lab_ns(), deadline = t + LAB_HOLD_TIMEOUT_NS;
	struct lab_pass *pass = &lab->pass;

	/* Ask every group at once, so the snapshot is one moment for all of them. */
	for (int i = 0; i < lab->ngroups; i++) {
		if (mask & (1u << i))
			lab_hold_begin(lab, &lab->groups[i]);
	}
	pass->begin_ns += lab_ns() - t;
	/* Work that needs no worker at a boundary, done while the other CPUs bring them there. */
	if (meanwhile != NULL)
		meanwhile(lab, mask);
	/*
	 * Every group is held until all are read: a group let go early would
	 * fill the CPUs with its workers while a worker of another group still
	 * waits for one to reach its boundary.
	 */
	t = lab_ns();
	for (int i = 0; i < lab->ngroups; i++) {
		if (mask & (1u << i))
			lab->groups[i].consistent = lab_hold_wait(lab, &lab->groups[i], deadline);
	}
	int64_t t1 = lab_ns();
	for (int i = 0; i < lab->ngroups; i++) {
		if (mask & (1u << i))
			fn(lab, &lab->groups[i], arg);
	}
	int64_t t2 = lab_ns();
	for (int i = 0; i < lab->ngroups; i++) {
		if (!(mask & (1u << i)))
			continue;
		lab_hold_end(lab, &lab->groups[i]);
		lab_group_count_alive(&lab->groups[i]);
	}
	pass->wait_ns += t1 - t;
	pass->read_ns += t2 - t1;
	pass->end_ns += lab_ns() - t2;
}

static void lab_while_held(struct lab *lab, uint32_t mask,
                           void (*fn)(struct lab *, struct lab_group *, const void *), const void *arg)
{
	lab_while_held_then(lab, mask, NULL, fn, arg);
}

/*
 * As lab_while_held, for a change that must not be half made: groups that
 * could not be held in time (idle-class workers on a crowded machine) are
 * asked again, for up to about two seconds.
 */
static void lab_while_held_surely(struct lab *lab, uint32_t mask,
                                  void (*fn)(struct lab *, struct lab_group *, const void *), const void *arg)
{
	for (int attempt = 0; mask != 0 && attempt < 25; attempt++) {
		lab_while_held(lab, mask, fn, arg);
		for (int i = 0; i < lab->ngroups; i++) {
			if ((mask & (1u << i)) && lab->groups[i].consistent)
				mask &= ~(1u << i);
		}
	}
}

static void lab_read_if_consistent(struct lab *lab, struct lab_group *g, const void *arg)
{
	(void)arg;
	/* A worker that could not be held might be between its load and its store. */
	if (g->consistent)
		lab_group_read(lab, g);
}

/* /proc for every worker of the groups in mask. */
static void lab_read_procs(struct lab *lab, uint32_t mask)
{
	int64_t t = lab_ns();

	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *g = &lab->groups[i];
		if (!(mask & (1u << i)))
			continue;
		for (int j = 0; j < g->nworkers; j++)
			lab_worker_read_proc(lab, &g->workers[j]);
	}
	lab->pass.proc_ns += lab_ns() - t;
}

/*
 * Takes a consistent snapshot of the groups selected by mask (bit i: group i).
 * A pass over hundreds of busy workers waits mostly for the scheduler to run
 * each one up to its boundary; /proc is read in that time, on this CPU, while
 * the others run workers.  A hold no longer wakes a paused or stepping worker
 * (they sleep on their own control words), so /proc shows them asleep, as
 * they are.
 */
static void lab_observe_mask(struct lab *lab, uint32_t mask)
{
	lab_while_held_then(lab, mask, lab_read_procs, lab_read_if_consistent, NULL);
}

static void lab_observe_files_and_kids(struct lab *lab);

void lab_observe(struct lab *lab)
{
	int64_t t = lab_ns();

	memset(&lab->pass, 0, sizeof(lab->pass));
	lab_dispatch(lab);
	lab->pass.dispatch_ns = lab_ns() - t;
	lab_observe_mask(lab, ~0u);
	lab_observe_files_and_kids(lab);
	lab->pass.total_ns = lab_ns() - t;
	for (int i = 0; i < lab->ngroups; i++)
		lab->pass.workers += lab->groups[i].alive;
}

void lab_last_pass(const struct lab *lab, struct lab_pass *pass)
{
	*pass = lab->pass;
}

static uint32_t lab_group_bit(struct lab *lab, const struct lab_group *g)
{
	return 1u << (g - lab->groups);
}

/* ---- deaths ---- */

static void lab_worker_bury(struct lab *lab, struct lab_group *g, struct lab_worker *w,
                            enum lab_end end, double when)
{
	struct instr_slot *s = lab_slot(lab, w);

	/* Where the counter it incremented lives on, the slot's final count is exact. */
	if (lab_memory_outlives(g))
		w->done = atomic_load(&s->done);
	w->alive = false;
	w->end = end;
	w->died_at = when;
	w->state = '-';
	w->activity = atomic_load(&s->state);
	if (w->stat_fd >= 0) {
		close(w->stat_fd);
		w->stat_fd = -1;
	}
	if (w->sched_fd >= 0) {
		close(w->sched_fd);
		w->sched_fd = -1;
	}
}

/* The worker of a group that brought its process down, if any. */
static struct lab_worker *lab_find_cause(struct lab *lab, struct lab_group *g, pid_t pid)
{
	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		if (w->alive && w->pid == pid && atomic_load(&lab_slot(lab, w)->state) == INSTR_FAULTING)
			return w;
	}
	return NULL;
}

static void lab_kid_read(struct lab_kid *kid);

/* A process of the group has exited with the given wait status: attribute it. */
/* zombie: the state /proc gives a process that exited and is not reaped yet, 0 once reaped. */
static void lab_process_exited(struct lab *lab, struct lab_group *g, pid_t pid, int status,
                               bool killed_by_lab, char zombie)
{
	double now = lab_now(lab);
	struct lab_worker *cause = lab_find_cause(lab, g, pid);
	int dying = 0;

	for (int i = 0; i < g->nworkers; i++)
		dying += g->workers[i].alive && g->workers[i].pid == pid;

	if (g->kind == LAB_THREADS)
		g->host_alive = false;

	enum lab_end end;
	if (killed_by_lab)
		end = LAB_END_KILLED;
	else if (cause != NULL)
		end = LAB_END_FAULT;
	else if (WIFSIGNALED(status))
		end = LAB_END_SIGNAL;
	else
		end = LAB_END_EXITED;

	struct lab_event *ev = dying > 0 ? lab_event_push(lab, LAB_EVENT_EXIT, g, dying) : NULL;
	if (ev != NULL) {
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
	}
	/* Its children were handed to ptviz, the subreaper, as it died. */
	for (int k = 0; ev != NULL && k < g->nkids; k++) {
		struct lab_kid *kid = &g->kids[k];
		if (kid->alive && kid->parent_pid == pid) {
			ev->orphans[ev->norphans++] = kid->pid;
			lab_kid_read(kid);
		}
	}
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
			lab_worker_bury(lab, g, w, cause != NULL ? LAB_END_SIBLING : end, now);
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
static bool lab_reap(struct lab *lab, struct lab_group *g, pid_t pid, bool block, bool killed)
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

static void lab_kids_dispatch(struct lab *lab);

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
			if (g->host_alive)
				lab_reap(lab, g, g->host, false, false);
			continue;
		}
		for (int j = 0; j < g->nworkers; j++) {
			if (g->workers[j].alive)
				lab_reap(lab, g, g->workers[j].pid, false, false);
		}
	}
	lab_kids_dispatch(lab);
}

/* Waits for SIGCHLD and reaps, until done() holds or the timeout passes. */
static bool lab_wait_until(struct lab *lab, bool (*done)(struct lab *, const void *), const void *arg,
                           int timeout_ms)
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

/* ---- slots and gates ---- */

static int lab_gate_alloc(struct lab *lab)
{
	for (int i = 0; i < LAB_MAX_GROUPS; i++) {
		if (!lab->gate_used[i]) {
			lab->gate_used[i] = true;
			struct instr_gate *gate = &lab->in.gates[i];
			atomic_store(&gate->hold, 0);
			atomic_store(&gate->pending, 0);
			atomic_store(&gate->sleepers, 0);
			atomic_store(&gate->sync, lab->default_sync);
			atomic_store(&gate->workload, INSTR_WORK_COUNTER);
			atomic_store(&gate->flags, 0);
			return i;
		}
	}
	return -1;
}

static bool lab_slots_alloc(struct lab *lab, int gate, int *slots, int n)
{
	int got = 0;

	for (int i = 0; i < lab->in.nslots && got < n; i++) {
		if (!lab->slot_used[i])
			slots[got++] = i;
	}
	if (got < n)
		return false;
	for (int i = 0; i < n; i++) {
		struct instr_slot *s = &lab->in.slots[slots[i]];
		lab->slot_used[slots[i]] = 1;
		s->number = (uint32_t)i + 1;
		atomic_store(&s->wants, 0);
		atomic_store(&s->control, 0);
		atomic_store(&s->state, INSTR_STARTING);
		atomic_store(&s->ack, 0);
		atomic_store(&s->tid, 0);
		atomic_store(&s->done, 0);
		atomic_store(&s->stack_address, 0);
		atomic_store(&s->fault, INSTR_FAULT_NONE);
		atomic_store(&s->fault_ns, 0);
		atomic_store(&s->taken, 0);
		atomic_store(&s->next, INSTR_STEP_LOAD);
		atomic_store(&s->last, INSTR_STEP_LOAD);
		atomic_store(&s->has_reg, 0);
		atomic_store(&s->reg, 0);
		atomic_store(&s->holds_lock, 0);
		atomic_store(&s->refused, 0);
		atomic_store(&s->parked, 0);
		atomic_store(&s->awaited, 0);
		atomic_store(&s->resumes, 0);
		s->group = (uint32_t)gate;
	}
	return true;
}

/* Ends every process of a group, reaps it and gives back its slots and gate. */
static void lab_kids_end(struct lab_group *g, bool reap);

static void lab_group_destroy(struct lab *lab, struct lab_group *g)
{
	lab_kids_end(g, false);
	if (g->kind == LAB_THREADS && g->host_alive && g->host > 0) {
		kill(g->host, SIGKILL);
		while (waitpid(g->host, NULL, 0) < 0 && errno == EINTR)
			;
		g->host_alive = false;
	} else if (g->host_zombie) {
		while (waitpid(g->host, NULL, 0) < 0 && errno == EINTR)
			;
		g->host_zombie = false;
	}
	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		if (g->kind == LAB_PROCESSES && w->alive && w->pid > 0) {
			kill(w->pid, SIGKILL);
			while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
				;
		} else if (w->zombie && w->pid > 0) {
			while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
				;
			w->zombie = false;
		}
		if (w->stat_fd >= 0)
			close(w->stat_fd);
		if (w->sched_fd >= 0)
			close(w->sched_fd);
		lab->slot_used[w->slot] = 0;
		atomic_store(&lab->in.slots[w->slot].state, INSTR_FREE);
	}
	/* Their parents are reaped: ptviz, the subreaper, is their parent now. */
	lab_kids_end(g, true);
	free(g->workers);
	if (g->segment != NULL) {
		struct worker_segment *seg = g->segment;
		pthread_mutex_destroy(&seg->lock);
		pthread_mutex_destroy(&seg->lock_b);
		munmap(g->segment, sizeof(struct worker_segment));
	}
	lab->gate_used[g->gate] = false;
	memset(g, 0, sizeof(*g));
}

static void lab_group_remove(struct lab *lab, struct lab_group *g)
{
	int i = (int)(g - lab->groups);

	lab_group_destroy(lab, g);
	memmove(&lab->groups[i], &lab->groups[i + 1], (size_t)(lab->ngroups - i - 1) * sizeof(*g));
	lab->ngroups--;
}

/* Sends SIGKILL to every process of every group, so they die together rather than in turn. */
static void lab_kill_everything(struct lab *lab)
{
	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *g = &lab->groups[i];
		if (g->kind == LAB_THREADS && g->host_alive && g->host > 0)
			kill(g->host, SIGKILL);
		for (int j = 0; j < g->nworkers; j++) {
			struct lab_worker *w = &g->workers[j];
			if (g->kind == LAB_PROCESSES && w->alive && w->pid > 0)
				kill(w->pid, SIGKILL);
		}
	}
}

void lab_reset(struct lab *lab)
{
	/*
	 * One group killed and reaped after another would leave the dying ones
	 * queueing for a CPU behind hundreds of spinning siblings.
	 */
	lab_kill_everything(lab);
	while (lab->ngroups > 0)
		lab_group_remove(lab, &lab->groups[lab->ngroups - 1]);
	/* Exits of what reset ended are not news. */
	lab_dispatch(lab);
	/* A fresh start: what the first scene had, whatever was set since. */
	lab->default_sync = INSTR_SYNC_NONE;
	lab->default_workload = INSTR_WORK_COUNTER;
	lab->reap_off = false;
	lab->nschedule = 0;
	lab->schedule_next = 0;
}

/* ---- spawning ---- */

static bool lab_name_valid(const char *name, struct lab_error *err)
{
	size_t len = strlen(name);

	if (len == 0 || len > LAB_NAME_MAX ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != len)
		return lab_fail(err, "bad group name '%s': expected 1 to %d letters, e.g. 'as Web'",
		                name, LAB_NAME_MAX);
	if (strcmp(name, "all") == 0)
		return lab_fail(err, "'all' is reserved (pause all, resume all): choose another group name");
	return true;
}

/* Picks the group's name: the one asked for, or T, TB, TC ... (P, PB ...). */
static bool lab_choose_name(struct lab *lab, enum lab_kind kind, const char *asked, char *name,
                            struct lab_error *err)
{
	if (asked != NULL && asked[0] != '\0') {
		if (!lab_name_valid(asked, err))
			return false;
		struct lab_group *g = lab_group_named(lab, asked);
		if (g != NULL && g->alive > 0)
			return lab_fail(err, "group %s already exists and is running: end it with 'kill %s' or choose another name with 'as NAME'",
			                asked, asked);
		if (g != NULL)
			lab_group_remove(lab, g); /* a dead group gives its name to the new one */
		strlcpy(name, asked, LAB_NAME_MAX + 1);
		return true;
	}
	char first = kind == LAB_THREADS ? 'T' : 'P';
	for (char second = 0; second <= 'Z'; second = second ? (char)(second + 1) : 'B') {
		char candidate[3] = { first, second, '\0' };
		struct lab_group *g = lab_group_named(lab, candidate);
		if (g == NULL || g->alive == 0) {
			if (g != NULL)
				lab_group_remove(lab, g);
			strlcpy(name, candidate, LAB_NAME_MAX + 1);
			return true;
		}
	}
	return lab_fail(err, "no free default name for a group: name it with 'as NAME'");
}

static int lab_live_processes(const struct lab *lab)
{
	int n = 0;

	for (int i = 0; i < lab->ngroups; i++) {
		if (lab->groups[i].kind == LAB_PROCESSES)
			n += lab->groups[i].alive;
	}
	return n;
}

/* Blocks every signal across fork, so the child starts with nothing pending half-handled. */
static pid_t lab_fork(sigset_t *saved)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, saved);
	pid_t pid = fork();
	if (pid != 0)
		pthread_sigmask(SIG_SETMASK, saved, NULL);
	return pid;
}

static bool lab_slots_ready(struct lab *lab, const void *arg)
{
	const struct lab_group *g = arg;

	for (int i = 0; i < g->nworkers; i++) {
		if (atomic_load(&lab->in.slots[g->workers[i].slot].tid) == 0)
			return false;
	}
	return true;
}

/*
 * The file every group starts with, opened by ptviz before it forks: each child
 * gets it on fd 3, pointing at the same open file (and offset) as ptviz's.
 * ptviz closes its own copy once the children have theirs.
 */
static int lab_inherited_file(struct lab_error *err)
{
	int fd = memfd_create("inherited from ptviz", MFD_CLOEXEC);

	if (fd < 0)
		lab_fail(err, "cannot create the file each group inherits: %s", strerror(errno));
	return fd;
}

static bool lab_spawn_threads(struct lab *lab, struct lab_group *g, const int *slots,
                              struct lab_error *err)
{
	int pipefd[2];
	sigset_t saved;
	pid_t parent = getpid();

	int inherited = lab_inherited_file(err);
	if (inherited < 0)
		return false;
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		close(inherited);
		return lab_fail(err, "pipe: %s", strerror(errno));
	}
	pid_t pid = lab_fork(&saved);
	if (pid < 0) {
		close(inherited);
		close(pipefd[0]);
		close(pipefd[1]);
		return lab_fail(err, "cannot fork the thread host: %s", strerror(errno));
	}
	if (pid == 0) {
		char title[64], comm[32];
		int keep[2] = { inherited, pipefd[1] };
		snprintf(title, sizeof(title), "ptviz: threads %s", g->name);
		snprintf(comm, sizeof(comm), "ptviz %s", g->name);
		worker_child_setup(parent, keep, 2, title, comm);
		worker_host_main(&lab->in, g->gate, slots, g->nworkers, LAB_INHERITED_FD + 1, g->name);
	}
	close(inherited);
	close(pipefd[1]);
	g->host = pid;
	g->host_alive = true;

	int rc = -1;
	struct pollfd pfd = { pipefd[0], POLLIN, 0 };
	if (poll(&pfd, 1, LAB_START_TIMEOUT_MS) == 1 && read(pipefd[0], &rc, sizeof(rc)) != (ssize_t)sizeof(rc))
		rc = -1;
	close(pipefd[0]);
	if (rc != 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		g->host_alive = false;
		if (rc > 0)
			return lab_fail(err, "pthread_create failed after some threads: %s; nothing was started (lower N or raise the system's thread limit)",
			                strerror(rc));
		return lab_fail(err, "the thread host did not start; nothing was started");
	}
	for (int i = 0; i < g->nworkers; i++) {
		g->workers[i].pid = pid;
		g->workers[i].alive = true;
	}
	return true;
}

static bool lab_spawn_processes(struct lab *lab, struct lab_group *g, struct lab_error *err)
{
	sigset_t saved;
	pid_t parent = getpid();
	_Atomic int64_t *counter = &worker_counter;
	struct worker_segment *segment = NULL;

	if (g->shared) {
		/* Made before the forks, so every process maps the same pages at the same address. */
		struct worker_segment *seg = mmap(NULL, sizeof(*seg), PROT_READ | PROT_WRITE,
		                                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (seg == MAP_FAILED)
			return lab_fail(err, "cannot map the shared segment: %s", strerror(errno));
		pthread_mutexattr_t attr;
		pthread_mutexattr_init(&attr);
		pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
		/* A process killed while it holds the lock (step mode makes that likely) must not wedge the rest. */
		pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
		pthread_mutex_init(&seg->lock, &attr);
		pthread_mutex_init(&seg->lock_b, &attr);
		pthread_mutexattr_destroy(&attr);
		atomic_store(&seg->counter, 0);
		g->segment = seg;
		segment = seg;
		counter = &seg->counter;
	}
	g->counter_address = (uintptr_t)counter;

	int inherited = lab_inherited_file(err);
	if (inherited < 0)
		return false;
	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		pid_t pid = lab_fork(&saved);
		if (pid < 0) {
			int e = errno;
			close(inherited);
			for (int j = 0; j < i; j++) {
				kill(g->workers[j].pid, SIGKILL);
				waitpid(g->workers[j].pid, NULL, 0);
				g->workers[j].alive = false;
			}
			return lab_fail(err, "fork failed for %s: %s; the %d already started were ended, nothing is running",
			                w->id, strerror(e), i);
		}
		if (pid == 0) {
			char title[64], comm[32];
			snprintf(title, sizeof(title), "ptviz: process %s", w->id);
			snprintf(comm, sizeof(comm), "ptviz %s", w->id);
			worker_child_setup(parent, &inherited, 1, title, comm);
			worker_process_main(&lab->in, g->gate, w->slot, segment);
		}
		w->pid = pid;
		w->alive = true;
	}
	close(inherited);
	return true;
}

static void lab_switch_workload(struct lab *lab, struct lab_group *g, const void *arg);

bool lab_spawn(struct lab *lab, enum lab_kind kind, int n, bool shared, const char *name,
               struct lab_error *err)
{
	if (gettid() != lab->main_tid)
		return lab_fail(err, "spawn must run on ptviz's main thread");
	lab_dispatch(lab);
	if (n < 1)
		return lab_fail(err, "cannot spawn %d %s: expected at least 1", n, lab_kind_name(kind));
	if (kind == LAB_THREADS && n > lab->cfg.max_threads) {
		if (n > LAB_LIMIT_THREADS)
			return lab_fail_arg(err, 1, "%d threads is more than ptviz allows in one group (%d): spawn fewer", n,
			                LAB_LIMIT_THREADS);
		return lab_fail_arg(err, 1, "%d threads is over the cap of %d per group: spawn fewer, or start ptviz with --max-threads %d",
		                n, lab->cfg.max_threads, n);
	}
	int live = lab_live_processes(lab);
	if (kind == LAB_PROCESSES && live + n > lab->cfg.max_processes) {
		char now[64] = "";
		if (live > 0)
			snprintf(now, sizeof(now), " (%d already running)", live);
		if (live + n > LAB_LIMIT_PROCESSES)
			return lab_fail_arg(err, 1, "%d processes%s is more than ptviz allows in total (%d): spawn fewer", live + n,
			                now, LAB_LIMIT_PROCESSES);
		return lab_fail_arg(err, 1, "%d processes%s is over the cap of %d in total: spawn fewer, end some, or start ptviz with --max-processes %d",
		                live + n, now, lab->cfg.max_processes, live + n);
	}
	if (kind == LAB_THREADS && shared)
		return lab_fail(err, "threads always share their memory: 'shared' is only for processes");

	char gname[LAB_NAME_MAX + 1];
	if (!lab_choose_name(lab, kind, name, gname, err))
		return false;
	/* A dead group keeps its record until the room is needed: then the oldest gives way. */
	for (int i = 0; lab->ngroups >= LAB_MAX_GROUPS && i < lab->ngroups; i++) {
		if (lab->groups[i].alive == 0)
			lab_group_remove(lab, &lab->groups[i]);
	}
	if (lab->ngroups >= LAB_MAX_GROUPS)
		return lab_fail(err, "already %d groups with live workers, the most ptviz shows: end one with 'kill GROUP' or 'reset'",
		                LAB_MAX_GROUPS);

	struct lab_group *g = &lab->groups[lab->ngroups];
	memset(g, 0, sizeof(*g));
	strlcpy(g->name, gname, sizeof(g->name));
	g->kind = kind;
	g->shared = kind == LAB_THREADS || shared;
	g->sync = lab->default_sync;
	g->nworkers = n;
	g->counter_address = (uintptr_t)&worker_counter;
	g->consistent = true;
	g->pinned_cpu = -1;
	g->spawned_at = lab_now(lab);
	g->gate = lab_gate_alloc(lab);
	g->workers = calloc((size_t)n, sizeof(*g->workers));
	int *slots = calloc((size_t)n, sizeof(*slots));
	if (g->gate < 0 || g->workers == NULL || slots == NULL) {
		free(slots);
		free(g->workers);
		if (g->gate >= 0)
			lab->gate_used[g->gate] = false;
		return lab_fail(err, "out of memory for %d workers", n);
	}
	if (!lab_slots_alloc(lab, g->gate, slots, n)) {
		free(slots);
		free(g->workers);
		lab->gate_used[g->gate] = false;
		return lab_fail(err, "no room left in the instrument panel for %d workers: end some groups first", n);
	}
	for (int i = 0; i < n; i++) {
		struct lab_worker *w = &g->workers[i];
		snprintf(w->id, sizeof(w->id), "%.8s%d", gname, (i + 1) % 1000000);
		w->number = i + 1;
		w->slot = slots[i];
		w->alive = false; /* until it has a pid: kill(0) would hit ptviz's own group */
		w->state = '?';
		w->cpu = -1;
		w->status = -1;
		w->stat_fd = -1;
		w->sched_fd = -1;
		w->counter_address = g->counter_address;
	}
	lab->ngroups++;

	bool ok = kind == LAB_THREADS ? lab_spawn_threads(lab, g, slots, err)
	                              : lab_spawn_processes(lab, g, err);
	free(slots);
	if (ok && !lab_wait_until(lab, lab_slots_ready, g, LAB_START_TIMEOUT_MS)) {
		ok = lab_fail(err, "the workers of %s did not start within %d ms; nothing was started",
		              gname, LAB_START_TIMEOUT_MS);
	}
	for (int i = 0; ok && i < n; i++) {
		if (!g->workers[i].alive)
			ok = lab_fail(err, "%s died while starting; nothing was started", g->workers[i].id);
	}
	if (!ok) {
		lab_group_remove(lab, g);
		return false;
	}
	for (int i = 0; i < n; i++) {
		struct lab_worker *w = &g->workers[i];
		struct instr_slot *s = lab_slot(lab, w);
		w->tid = atomic_load(&s->tid);
		w->counter_address = g->counter_address;
		w->stack_address = (uintptr_t)atomic_load(&s->stack_address);
		int fd = procfs_open_stat(w->pid, w->tid);
		w->stat_fd = fd >= 0 ? fd : -1;
		fd = procfs_open_schedstat(w->pid, w->tid);
		w->sched_fd = fd >= 0 ? fd : -1;
	}
	lab_group_count_alive(g);
	if (lab->default_workload != INSTR_WORK_COUNTER) {
		/* Born under the workload last chosen for every group, with its account full. */
		enum instr_workload workload = lab->default_workload;
		lab_while_held_surely(lab, lab_group_bit(lab, g), lab_switch_workload, &workload);
	}

	struct lab_event *ev = lab_event_push(lab, LAB_EVENT_SPAWN, g, n);
	if (ev != NULL) {
		ev->pid = kind == LAB_THREADS ? g->host : 0;
		for (int i = 0; i < n; i++) {
			strlcpy(ev->ids[i], g->workers[i].id, sizeof(ev->ids[0]));
			ev->pids[i] = g->workers[i].tid;
		}
		ev->nids = n;
	}
	lab_observe_mask(lab, lab_group_bit(lab, g));
	return true;
}

/* ---- control ---- */

static void lab_switch_sync(struct lab *lab, struct lab_group *g, const void *arg)
{
	enum instr_sync sync = *(const enum instr_sync *)arg;

	/* Read at the switch, so the figures for the old mode are complete. */
	lab_read_if_consistent(lab, g, NULL);
	g->sync = sync;
	atomic_store(&lab_gate(lab, g)->sync, sync);
}

bool lab_sync(struct lab *lab, enum instr_sync sync, const char *group, struct lab_error *err)
{
	uint32_t mask = 0;

	lab_dispatch(lab);
	if (group != NULL) {
		struct lab_group *g = lab_group_named(lab, group);
		if (g == NULL)
			return lab_no_group(lab, group, err);
		mask = lab_group_bit(lab, g);
	} else {
		lab->default_sync = sync;
		mask = ~0u;
	}
	/* Switch while every worker is parked between increments, so no update straddles two modes. */
	lab_while_held(lab, mask, lab_switch_sync, &sync);
	return true;
}

static bool lab_worker_gone(struct lab *lab, const void *arg)
{
	(void)lab;
	return !((const struct lab_worker *)arg)->alive;
}

static bool lab_worker_looping(struct lab *lab, const void *arg)
{
	const struct lab_worker *w = arg;

	return !w->alive || atomic_load(&lab->in.slots[w->slot].state) == INSTR_LOOPING;
}

static bool lab_worker_blocking(struct lab *lab, const void *arg)
{
	const struct lab_worker *w = arg;

	return !w->alive || atomic_load(&lab->in.slots[w->slot].state) == INSTR_BLOCKING;
}

static bool lab_worker_ended(struct lab *lab, const void *arg)
{
	const struct lab_worker *w = arg;

	return !w->alive || atomic_load(&lab->in.slots[w->slot].state) == INSTR_ENDED;
}

static bool lab_worker_paused(struct lab *lab, const void *arg)
{
	const struct lab_worker *w = arg;

	return !w->alive || atomic_load(&lab->in.slots[w->slot].state) == INSTR_PAUSED;
}

/* Why a worker cannot take a request, or NULL when it can. */
static const char *lab_worker_deaf(struct lab *lab, const struct lab_worker *w)
{
	static char why[LAB_MSG_MAX];

	if (!w->alive) {
		snprintf(why, sizeof(why), "%s is already dead (%s at %.1fs)", w->id,
		         w->signal ? lab_signal_name(w->signal) : lab_end_name(w->end), w->died_at);
		return why;
	}
	uint32_t st = atomic_load(&lab_slot(lab, w)->state);
	if (st == INSTR_LOOPING) {
		snprintf(why, sizeof(why), "%s is spinning in a runaway loop and no longer reads its control word", w->id);
		return why;
	}
	if (st == INSTR_FAULTING) {
		snprintf(why, sizeof(why), "%s is already performing a fault", w->id);
		return why;
	}
	return NULL;
}

bool lab_inject(struct lab *lab, enum instr_fault fault, const char *id, struct lab_error *err)
{
	struct lab_group *g = NULL;

	lab_dispatch(lab);
	struct lab_worker *w = lab_worker_named(lab, id, &g);
	if (w == NULL)
		return lab_no_worker(lab, id, err);
	const char *deaf = lab_worker_deaf(lab, w);
	if (deaf != NULL)
		return lab_fail(err, "%s; live workers of %s: %s", deaf, g->name, lab_live_list(g));

	/* Freshen the figures first: what dies with the worker is remembered as it was. */
	lab_observe_mask(lab, lab_group_bit(lab, g));
	atomic_fetch_or(&lab_slot(lab, w)->control, (uint32_t)fault << INSTR_CTL_FAULT_SHIFT);
	lab_poke(lab, g, w);

	bool (*done)(struct lab *, const void *) = fault == INSTR_FAULT_LOOP    ? lab_worker_looping
	                                           : fault == INSTR_FAULT_BLOCK ? lab_worker_blocking
	                                                                        : lab_worker_gone;
	if (!lab_wait_until(lab, done, w, LAB_FAULT_TIMEOUT_MS))
		return lab_fail(err, "%s did not perform the %s fault within %d ms", w->id,
		                lab_fault_name(fault), LAB_FAULT_TIMEOUT_MS);
	if (fault == INSTR_FAULT_LOOP)
		w->activity = INSTR_LOOPING;
	if (fault == INSTR_FAULT_BLOCK) {
		w->activity = INSTR_BLOCKING;
		if (g->workload == INSTR_WORK_EVENTLOOP && w->number == 1)
			lab_note(err, "%s, the event loop, runs a %lld-second task itself: no task is served until it ends",
			         w->id, INSTR_BLOCK_NS / 1000000000LL);
		else if (g->workload == INSTR_WORK_EVENTLOOP)
			lab_note(err, "%s, a worker beside the loop, runs a %lld-second task: the loop goes on serving",
			         w->id, INSTR_BLOCK_NS / 1000000000LL);
		else
			lab_note(err, "%s runs a %lld-second task", w->id, INSTR_BLOCK_NS / 1000000000LL);
	}
	return true;
}

/* Kills process workers while they are parked, so a shared count loses nothing in flight. */
static void lab_kill_parked(struct lab *lab, struct lab_group *g, const void *arg)
{
	const struct lab_worker *only = arg;

	lab_read_if_consistent(lab, g, NULL);
	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		if (w->alive && (only == NULL || w == only))
			kill(w->pid, SIGKILL);
	}
	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		if (w->alive && (only == NULL || w == only))
			lab_reap(lab, g, w->pid, true, true);
	}
}

static void lab_kill_processes(struct lab *lab, struct lab_group *g, struct lab_worker *only)
{
	lab_while_held(lab, lab_group_bit(lab, g), lab_kill_parked, only);
}

bool lab_kill(struct lab *lab, const char *target, struct lab_error *err)
{
	struct lab_group *g = NULL;

	lab_dispatch(lab);
	struct lab_worker *w = lab_worker_named(lab, target, &g);
	if (w == NULL) {
		g = lab_group_named(lab, target);
		if (g == NULL)
			return strpbrk(target, "0123456789") ? lab_no_worker(lab, target, err) : lab_no_group(lab, target, err);
		if (g->alive == 0)
			return lab_fail(err, "every worker of %s is already dead", g->name);
		lab_observe_mask(lab, lab_group_bit(lab, g));
		if (g->kind == LAB_THREADS) {
			kill(g->host, SIGKILL);
			lab_reap(lab, g, g->host, true, true);
		} else {
			int before = lab->nevents;
			lab_kill_processes(lab, g, NULL);
			/* Each exit it queued is one of many: its story must not count the others as running. */
			for (int i = before; i < lab->nevents; i++) {
				struct lab_event *ev = &lab->events[lab->head + i];
				ev->whole_group = ev->end == LAB_END_KILLED && strcmp(ev->group, g->name) == 0;
			}
		}
		return true;
	}
	if (!w->alive)
		return lab_fail(err, "%s is already dead; live workers of %s: %s", w->id, g->name, lab_live_list(g));
	if (g->kind == LAB_PROCESSES) {
		lab_kill_processes(lab, g, w);
		return true;
	}
	/* One thread cannot be killed from outside: any fatal signal ends its whole process. */
	if (atomic_load(&lab_slot(lab, w)->state) == INSTR_LOOPING)
		return lab_fail(err, "%s is spinning and no longer listens, and a signal would end every thread of its process: 'kill %s' ends the whole host",
		                w->id, g->name);
	atomic_fetch_or(&lab_slot(lab, w)->control, INSTR_CTL_END);
	lab_poke(lab, g, w);
	if (!lab_wait_until(lab, lab_worker_ended, w, LAB_FAULT_TIMEOUT_MS))
		return lab_fail(err, "%s did not end within %d ms", w->id, LAB_FAULT_TIMEOUT_MS);
	if (w->alive) {
		struct lab_event *ev = lab_event_push(lab, LAB_EVENT_EXIT, g, 1);
		lab_worker_bury(lab, g, w, LAB_END_ENDED, lab_now(lab));
		if (ev != NULL) {
			ev->pid = g->host;
			ev->end = LAB_END_ENDED;
			strlcpy(ev->ids[0], w->id, sizeof(ev->ids[0]));
			ev->pids[0] = w->tid;
			ev->nids = 1;
		}
		lab_group_count_alive(g);
	}
	return true;
}

/* Pauses or resumes one worker; *changed counts it when it was not so already. */
static bool lab_pause_worker(struct lab *lab, struct lab_group *g, struct lab_worker *w, bool pause,
                             bool explicit, int *changed, struct lab_error *err)
{
	const char *deaf = lab_worker_deaf(lab, w);

	if (deaf != NULL) {
		if (explicit)
			return lab_fail(err, "%s", deaf);
		if (w->alive)
			lab_note(err, "%s", deaf);
		return true;
	}
	struct instr_slot *s = lab_slot(lab, w);
	uint32_t was = pause ? atomic_fetch_or(&s->control, INSTR_CTL_PAUSE)
	                     : atomic_fetch_and(&s->control, ~INSTR_CTL_PAUSE);
	*changed += ((was & INSTR_CTL_PAUSE) != 0) != pause;
	lab_poke(lab, g, w);
	return true;
}

bool lab_pause(struct lab *lab, const char *target, bool pause, struct lab_error *err)
{
	struct lab_group *g = NULL;
	bool all = strcmp(target, "all") == 0;

	lab_dispatch(lab);
	if (err != NULL)
		err->msg[0] = '\0';
	struct lab_worker *w = all ? NULL : lab_worker_named(lab, target, &g);
	int changed = 0;
	if (w != NULL) {
		if (!lab_pause_worker(lab, g, w, pause, true, &changed, err))
			return false;
	} else {
		g = all ? NULL : lab_group_named(lab, target);
		if (!all && g == NULL)
			return strpbrk(target, "0123456789") ? lab_no_worker(lab, target, err) : lab_no_group(lab, target, err);
		for (int i = 0; i < lab->ngroups; i++) {
			struct lab_group *gi = &lab->groups[i];
			if (g != NULL && gi != g)
				continue;
			for (int j = 0; j < gi->nworkers; j++)
				lab_pause_worker(lab, gi, &gi->workers[j], pause, false, &changed, err);
		}
	}
	/* A note of its own only where nothing else was said (a deaf worker's reason comes first). */
	if (err != NULL && err->msg[0] == '\0') {
		const char *who = all ? "every worker" : target;
		if (changed == 0 && pause)
			lab_note(err, "%s was already paused: nothing changed", who);
		else if (changed == 0)
			lab_note(err, "%s was not paused: nothing to resume", who);
		else if (pause)
			lab_note(err, "paused %d worker%s: each sleeps on its own control word (S in /proc) until 'resume'",
			         changed, changed == 1 ? "" : "s");
		else
			lab_note(err, "resumed %d worker%s", changed, changed == 1 ? "" : "s");
	}
	if (!pause)
		return true;
	/* Return once they really wait, so what follows sees them still. */
	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *gi = &lab->groups[i];
		for (int j = 0; j < gi->nworkers; j++) {
			struct lab_worker *wj = &gi->workers[j];
			if (wj->alive && (atomic_load(&lab_slot(lab, wj)->control) & INSTR_CTL_PAUSE))
				lab_wait_until(lab, lab_worker_paused, wj, 500);
		}
	}
	return true;
}

/* ---- step mode and workloads ---- */

static bool lab_write_remote(pid_t pid, uintptr_t address, int64_t value)
{
	struct iovec local = { &value, sizeof(value) };
	struct iovec remote = { (void *)address, sizeof(value) };

	return process_vm_writev(pid, &local, 1, &remote, 1, 0) == (ssize_t)sizeof(value);
}

/* Sets bits in a control word the worker also writes (it clears DROP): compare and swap. */
static void lab_control_update(struct instr_slot *s, uint32_t clear, uint32_t set)
{
	uint32_t old = atomic_load(&s->control);

	while (!atomic_compare_exchange_weak(&s->control, &old, (old & ~clear) | set))
		;
}

/*
 * Starts a group's memory again, where it lives: the counter (or balance) in
 * the host, in each process or in the shared segment, and every worker's own
 * count on its stack.  Workers drop whatever operation they were half way
 * through.  Call while the group is held.
 */
static void lab_group_restart(struct lab *lab, struct lab_group *g, int64_t start)
{
	if (g->kind == LAB_THREADS) {
		if (g->host_alive)
			lab_write_remote(g->host, g->counter_address, start);
	} else if (g->shared) {
		atomic_store(&((struct worker_segment *)g->segment)->counter, start);
	}
	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		struct instr_slot *s = lab_slot(lab, w);
		if (w->alive) {
			if (g->kind == LAB_PROCESSES && !g->shared)
				lab_write_remote(w->pid, g->counter_address, start);
			lab_write_remote(w->pid, w->stack_address, 0);
			atomic_store(&s->done, 0);
			atomic_store(&s->refused, 0);
			atomic_store(&s->arrivals_ns, 0);
			lab_control_update(s, 0, INSTR_CTL_DROP);
			lab_poke(lab, g, w);
		}
		/* The dead count for nothing in the new run. */
		w->done = 0;
		w->refused = 0;
		w->counter = start;
		/* Written here, not by the worker: read again. */
		w->counter_parked = false;
		w->stat_parked = false;
	}
	g->start_balance = start;
	/* A new run begins at the start of the schedule, with worker 1. */
	g->next_turn = 0;
	lab->schedule_next = 0;
	g->increments = 0;
	g->counter = g->shared ? start : start * g->nworkers;
	g->lost = 0;
	g->refused = 0;
	g->overdrawn = start < 0;
}

static int64_t lab_start_value(enum instr_workload workload)
{
	return workload == INSTR_WORK_WITHDRAW ? INSTR_WITHDRAW_BALANCE : 0;
}

/* The groups a command names (NULL: every group), as a mask; false when there is none. */
static bool lab_group_has_life(const struct lab_group *g)
{
	for (int i = 0; i < g->nworkers; i++) {
		if (g->workers[i].alive)
			return true;
	}
	return false;
}

/*
 * The groups a command that changes what workers do applies to: the one
 * named, or every group with a live worker.  A dead group keeps its record
 * as it was when it died.
 */
static bool lab_groups_mask(struct lab *lab, const char *group, uint32_t *mask, struct lab_error *err)
{
	lab_dispatch(lab);
	if (group == NULL) {
		if (lab->ngroups == 0)
			return lab_fail(err, "no groups yet: spawn one first, e.g. 'spawn threads 2'");
		*mask = 0;
		for (int i = 0; i < lab->ngroups; i++) {
			if (lab_group_has_life(&lab->groups[i]))
				*mask |= 1u << i;
		}
		return true;
	}
	struct lab_group *g = lab_group_named(lab, group);
	if (g == NULL)
		return lab_no_group(lab, group, err);
	if (!lab_group_has_life(g))
		return lab_fail(err, "every worker of %s is dead: nothing of it runs to change; 'spawn' starts new ones",
		                g->name);
	*mask = lab_group_bit(lab, g);
	return true;
}


/* Has every live worker of the group settled where step mode leaves it? */
static bool lab_group_settled(struct lab *lab, const void *arg)
{
	const struct lab_group *g = arg;

	for (int i = 0; i < g->nworkers; i++) {
		const struct lab_worker *w = &g->workers[i];
		if (!w->alive)
			continue;
		struct instr_slot *s = lab_slot(lab, w);
		uint32_t st = atomic_load(&s->state);
		uint32_t ctl = atomic_load(&s->control);
		bool waiting = st == INSTR_STEPWAIT || st == INSTR_LOCKWAIT || st == INSTR_PAUSED ||
		               st == INSTR_LOOPING || st == INSTR_ENDED || st == INSTR_FAULTING;
		if (!waiting || (ctl & INSTR_CTL_DROP))
			return false;
	}
	return true;
}

static void lab_enter_step_mode(struct lab *lab, struct lab_group *g, const void *arg)
{
	(void)arg;
	if (!g->consistent)
		return;   /* some worker could not be held: leave the group as it was */
	lab_group_restart(lab, g, lab_start_value(g->workload));
	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		if (!w->alive)
			continue;
		struct instr_slot *s = lab_slot(lab, w);
		uint32_t taken = atomic_load(&s->taken);
		/* As many permits as steps taken: none outstanding. */
		lab_control_update(s, INSTR_CTL_PERMIT_MASK,
		                   INSTR_CTL_STEP | ((taken & 0xffffu) << INSTR_CTL_PERMIT_SHIFT));
		w->step_base = taken;
		w->steps = 0;
	}
	g->stepping = true;
}

bool lab_step_mode(struct lab *lab, bool on, const char *group, struct lab_error *err)
{
	uint32_t mask;

	if (!lab_groups_mask(lab, group, &mask, err))
		return false;
	for (int i = 0; on && i < lab->ngroups; i++) {
		const struct lab_group *g = &lab->groups[i];
		if ((mask & (1u << i)) && g->workload != INSTR_WORK_COUNTER && g->workload != INSTR_WORK_WITHDRAW)
			return lab_fail(err, "step mode takes counter++ and withdraw apart, and %s runs %s: "
			                "'workload counter %s' first", g->name, lab_workload_name(g->workload), g->name);
		if ((mask & (1u << i)) && g->gil)
			return lab_fail(err, "%s runs under the GIL: 'gil off %s' first", g->name, g->name);
	}
	if (on) {
		lab_while_held_surely(lab, mask, lab_enter_step_mode, NULL);
		char late[LAB_MSG_MAX] = "";
		for (int i = 0; i < lab->ngroups; i++) {
			struct lab_group *g = &lab->groups[i];
			if (!(mask & (1u << i)) || !lab_group_has_life(g))
				continue;
			if (!g->stepping) {
				lab_note(err, "%s could not be held at a boundary (a worker is busy elsewhere): try again", g->name);
				continue;
			}
			/* Each finishes the operation it was in, then waits for its first step. */
			if (!lab_wait_until(lab, lab_group_settled, g, 2000))
				snprintf(late, sizeof(late), "%s has not stopped at its first micro-step yet (the machine is busy)",
				         g->name);
		}
		lab_observe_mask(lab, mask);
		if (late[0] != '\0')
			lab_note(err, "%s", late);
		return true;
	}
	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *g = &lab->groups[i];
		if (!(mask & (1u << i)))
			continue;
		for (int j = 0; j < g->nworkers; j++) {
			struct lab_worker *w = &g->workers[j];
			if (!w->alive)
				continue;
			lab_control_update(lab_slot(lab, w), INSTR_CTL_STEP | INSTR_CTL_PERMIT_MASK, 0);
			lab_poke(lab, g, w);
		}
		g->stepping = false;
	}
	lab_observe_mask(lab, mask);
	return true;
}

bool lab_schedule(struct lab *lab, const int *numbers, int n, struct lab_error *err)
{
	if (n < 0 || n > LAB_SCHEDULE_MAX)
		return lab_fail(err, "a schedule holds at most %d steps", LAB_SCHEDULE_MAX);
	for (int i = 0; i < n; i++) {
		if (numbers[i] < 1)
			return lab_fail(err, "bad worker number %d in the schedule: workers are numbered from 1",
			                numbers[i]);
		lab->schedule[i] = numbers[i];
	}
	lab->nschedule = n;
	lab->schedule_next = 0;
	for (int i = 0; i < lab->ngroups; i++)
		lab->groups[i].next_turn = 0;
	return true;
}

int lab_schedule_get(const struct lab *lab, const int **numbers, int *next)
{
	*numbers = lab->schedule;
	*next = lab->nschedule ? lab->schedule_next % lab->nschedule : 0;
	return lab->nschedule;
}

/* A step granted and not yet seen taken. */
#define LAB_LOCK_WAITERS 8
struct lab_grant {
	struct lab_group *g;
	struct lab_worker *w;
	uint32_t taken;          /* the slot's count before */
	int nwaiters;            /* workers of the group blocked on the lock when it was granted */
	int waiters[LAB_LOCK_WAITERS];
};

struct lab_grants {
	struct lab_grant items[LAB_MAX_GROUPS];
	int n;
};

static bool lab_grants_taken(struct lab *lab, const void *arg)
{
	const struct lab_grants *gr = arg;

	for (int i = 0; i < gr->n; i++) {
		const struct lab_grant *x = &gr->items[i];
		if (!x->w->alive)
			continue;
		struct instr_slot *s = lab_slot(lab, x->w);
		uint32_t st = atomic_load(&s->state);
		if (st == INSTR_LOCKWAIT || st == INSTR_LOOPING || st == INSTR_FAULTING || st == INSTR_ENDED)
			continue;
		if (atomic_load(&s->taken) == x->taken || st != INSTR_STEPWAIT)
			return false;
	}
	return true;
}

/* Why a worker cannot take a step now, or NULL. */
static const char *lab_worker_unsteppable(struct lab *lab, const struct lab_group *g, const struct lab_worker *w)
{
	static char why[LAB_MSG_MAX];
	const char *deaf = lab_worker_deaf(lab, w);

	if (deaf != NULL)
		return deaf;
	if (!g->stepping) {
		snprintf(why, sizeof(why), "%s is not in step mode: 'step on %s' first", w->id, g->name);
		return why;
	}
	uint32_t st = atomic_load(&lab_slot(lab, w)->state);
	if (st == INSTR_PAUSED) {
		snprintf(why, sizeof(why), "%s is paused: 'resume %s' first", w->id, w->id);
		return why;
	}
	if (st == INSTR_LOCKWAIT) {
		const char *holder = NULL;
		for (int i = 0; i < g->nworkers; i++) {
			if (g->workers[i].alive && atomic_load(&lab_slot(lab, &g->workers[i])->holds_lock))
				holder = g->workers[i].id;
		}
		if (holder != NULL)
			snprintf(why, sizeof(why), "%s is still waiting for the lock %s holds: step %s first", w->id,
			         holder, holder);
		else
			snprintf(why, sizeof(why), "%s is still waiting for the lock", w->id);
		return why;
	}
	return NULL;
}

static void lab_grant(struct lab *lab, struct lab_grants *gr, struct lab_group *g, struct lab_worker *w)
{
	struct instr_slot *s = lab_slot(lab, w);
	struct lab_grant *x = &gr->items[gr->n++];

	x->g = g;
	x->w = w;
	x->taken = atomic_load(&s->taken);
	x->nwaiters = 0;
	for (int i = 0; i < g->nworkers && x->nwaiters < LAB_LOCK_WAITERS; i++) {
		if (g->workers[i].alive && atomic_load(&lab_slot(lab, &g->workers[i])->state) == INSTR_LOCKWAIT)
			x->waiters[x->nwaiters++] = i;
	}
	atomic_fetch_add(&s->control, INSTR_CTL_PERMIT_ONE);
	lab_poke(lab, g, w);
}

/* Says in words what a granted step did, e.g. "T1 load: register = 5". */
static void lab_describe_step(struct lab *lab, const struct lab_grant *x, char *out, size_t len)
{
	const struct lab_worker *w = x->w;
	struct instr_slot *s = lab_slot(lab, w);
	const char *what = x->g->workload == INSTR_WORK_WITHDRAW ? "balance" : "counter";

	if (!w->alive) {
		snprintf(out, len, "%s died", w->id);
		return;
	}
	uint32_t st = atomic_load(&s->state);
	if (st == INSTR_LOCKWAIT) {
		const char *holder = "another worker";
		for (int i = 0; i < x->g->nworkers; i++) {
			const struct lab_worker *o = &x->g->workers[i];
			if (o != w && o->alive && atomic_load(&lab_slot(lab, o)->holds_lock))
				holder = o->id;
		}
		snprintf(out, len, "%s waits for the lock: %s holds it", w->id, holder);
		return;
	}
	if (atomic_load(&s->taken) == x->taken) {
		snprintf(out, len, "%s has not taken its step yet", w->id);
		return;
	}
	long long reg = (long long)atomic_load(&s->reg);
	bool busy = atomic_load(&s->has_reg);
	enum instr_step last = atomic_load(&s->last);
	switch (last) {
	case INSTR_STEP_LOAD:
		snprintf(out, len, "%s load: register = %lld", w->id, reg);
		break;
	case INSTR_STEP_ADD:
		snprintf(out, len, "%s add: register = %lld", w->id, reg);
		break;
	case INSTR_STEP_STORE:
		snprintf(out, len, "%s store: %s = %lld", w->id, what, reg);
		break;
	case INSTR_STEP_FETCH_ADD:
		snprintf(out, len, "%s fetch-add: counter = %lld, in one indivisible step", w->id, reg);
		break;
	case INSTR_STEP_CHECK:
		if (busy)
			snprintf(out, len, "%s check: balance %lld covers %d", w->id, reg, INSTR_WITHDRAW_AMOUNT);
		else
			snprintf(out, len, "%s check: balance %lld is less than %d, refused", w->id, reg,
			         INSTR_WITHDRAW_AMOUNT);
		break;
	case INSTR_STEP_FETCH_SUB:
		snprintf(out, len, "%s fetch-sub: balance = %lld", w->id, reg);
		break;
	}
}

static int lab_lock_waiters(struct lab *lab, const struct lab_group *g)
{
	int n = 0;

	for (int i = 0; i < g->nworkers; i++)
		n += g->workers[i].alive && atomic_load(&lab_slot(lab, &g->workers[i])->state) == INSTR_LOCKWAIT;
	return n;
}

/* The lock a granted step let go of has gone to a waiter, which has taken its step. */
static bool lab_lock_passed(struct lab *lab, const void *arg)
{
	const struct lab_grant *x = arg;

	return lab_lock_waiters(lab, x->g) < x->nwaiters && lab_group_settled(lab, x->g);
}

/* After a step let go of the lock: a waiter took it and its step (e.g. "T2 took the lock; T2 check: ..."). */
static void lab_describe_waiters(struct lab *lab, const struct lab_grant *x, char *said, size_t len)
{
	for (int i = 0; i < x->nwaiters; i++) {
		struct lab_worker *o = &x->g->workers[x->waiters[i]];
		if (!o->alive || atomic_load(&lab_slot(lab, o)->state) == INSTR_LOCKWAIT)
			continue;
		struct lab_grant as = { .g = x->g, .w = o, .taken = atomic_load(&lab_slot(lab, o)->taken) - 1 };
		char one[LAB_MSG_MAX];
		lab_describe_step(lab, &as, one, sizeof(one));
		strlcat(said, "; ", len);
		strlcat(said, o->id, len);
		strlcat(said, " took the lock: ", len);
		strlcat(said, one, len);
	}
}

bool lab_step(struct lab *lab, const char *id, struct lab_error *err)
{
	struct lab_grants gr = { .n = 0 };
	char skipped[LAB_MSG_MAX] = "";
	uint32_t mask = 0;

	lab_dispatch(lab);
	if (id != NULL) {
		struct lab_group *g = NULL;
		struct lab_worker *w = lab_worker_named(lab, id, &g);
		if (w == NULL)
			return lab_no_worker(lab, id, err);
		const char *why = lab_worker_unsteppable(lab, g, w);
		if (why != NULL)
			return lab_fail(err, "%s", why);
		lab_grant(lab, &gr, g, w);
		mask = lab_group_bit(lab, g);
	} else {
		int number = lab->nschedule ? lab->schedule[lab->schedule_next % lab->nschedule] : 0;
		for (int i = 0; i < lab->ngroups; i++) {
			struct lab_group *g = &lab->groups[i];
			if (!g->stepping || !lab_group_has_life(g))
				continue;
			int n = number;
			if (n == 0) {
				/* No schedule: the group's live workers in turn. */
				for (int k = 0; k < g->nworkers; k++) {
					int j = (g->next_turn + k) % g->nworkers;
					if (g->workers[j].alive && lab_worker_unsteppable(lab, g, &g->workers[j]) == NULL) {
						n = j + 1;
						break;
					}
				}
				if (n == 0)
					continue;
				g->next_turn = n % g->nworkers;
			}
			const char *why = n <= g->nworkers ? lab_worker_unsteppable(lab, g, &g->workers[n - 1]) : NULL;
			if (n > g->nworkers || why != NULL) {
				size_t used = strlen(skipped);
				if (n > g->nworkers)
					snprintf(skipped + used, sizeof(skipped) - used, "%s%s has no worker %d", used ? "; " : "",
					         g->name, n);
				else
					snprintf(skipped + used, sizeof(skipped) - used, "%s%s", used ? "; " : "", why);
				continue;
			}
			lab_grant(lab, &gr, g, &g->workers[n - 1]);
			mask |= lab_group_bit(lab, g);
		}
		if (gr.n == 0 && skipped[0] == '\0')
			return lab_fail(err, "no group is in step mode: 'step on' first, or 'step on T' for one group");
		if (gr.n == 0)
			return lab_fail(err, "no worker could take this step: %s", skipped);
		if (lab->nschedule)
			lab->schedule_next = (lab->schedule_next + 1) % lab->nschedule;
	}

	bool taken = lab_wait_until(lab, lab_grants_taken, &gr, 2000);
	for (int i = 0; i < gr.n; i++) {
		const struct lab_grant *x = &gr.items[i];
		/* A step that let go of the lock wakes a waiter: show its step as part of this one. */
		if (x->nwaiters > 0 && x->w->alive && !atomic_load(&lab_slot(lab, x->w)->holds_lock))
			lab_wait_until(lab, lab_lock_passed, x, 1000);
	}
	lab_observe_mask(lab, mask);
	char said[LAB_MSG_MAX] = "";
	for (int i = 0; i < gr.n; i++) {
		char one[LAB_MSG_MAX];
		lab_describe_step(lab, &gr.items[i], one, sizeof(one));
		if (said[0] != '\0')
			strlcat(said, "; ", sizeof(said));
		strlcat(said, one, sizeof(said));
		lab_describe_waiters(lab, &gr.items[i], said, sizeof(said));
	}
	if (skipped[0] != '\0') {
		size_t used = strlen(said);
		snprintf(said + used, sizeof(said) - used, "%s(%s)", used ? "; " : "", skipped);
	}
	if (!taken) {
		size_t used = strlen(said);
		snprintf(said + used, sizeof(said) - used, " (the machine is busy: it may take a moment)");
	}
	lab_note(err, "%s", said);
	return true;
}

static void lab_switch_workload(struct lab *lab, struct lab_group *g, const void *arg)
{
	enum instr_workload workload = *(const enum instr_workload *)arg;

	if (!g->consistent)
		return;
	g->workload = workload;
	atomic_store(&lab_gate(lab, g)->workload, workload);
	if (workload == INSTR_WORK_DEADLOCK) {
		/* A fresh deadlock: the fix comes undone. */
		atomic_fetch_and(&lab_gate(lab, g)->flags, ~INSTR_GATE_LOCKORDER);
		g->lockorder = false;
	}
	lab_group_restart(lab, g, lab_start_value(workload));
}

bool lab_workload(struct lab *lab, enum instr_workload workload, const char *group, struct lab_error *err)
{
	uint32_t mask;

	if (group == NULL && lab->ngroups == 0) {
		lab->default_workload = workload;
		return true;   /* the next groups start with it */
	}
	if (!lab_groups_mask(lab, group, &mask, err))
		return false;
	for (int i = 0; i < lab->ngroups; i++) {
		const struct lab_group *g = &lab->groups[i];
		if ((mask & (1u << i)) && g->stepping && workload != INSTR_WORK_COUNTER && workload != INSTR_WORK_WITHDRAW)
			return lab_fail(err, "%s is in step mode, which takes only counter++ and withdraw apart: "
			                "'step off %s' first", g->name, g->name);
	}
	if (group == NULL)
		lab->default_workload = workload;
	/* Switched while every worker is parked between operations, so none straddles the two. */
	lab_while_held_surely(lab, mask, lab_switch_workload, &workload);
	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *g = &lab->groups[i];
		if ((mask & (1u << i)) && g->workload != workload && lab_group_has_life(g))
			lab_note(err, "%s could not be held at a boundary (a worker is busy elsewhere): try again", g->name);
		else if ((mask & (1u << i)) && g->stepping)
			lab_wait_until(lab, lab_group_settled, g, 2000);
	}
	lab_observe_mask(lab, mask);
	return true;
}

/* ---- scenarios: lock order, the GIL, CPUs, zombies ---- */

/* A gate flag to set or clear. */
struct lab_flag {
	uint32_t bit;
	bool on;
};

static void lab_set_flag(struct lab *lab, struct lab_group *g, const struct lab_flag *flag)
{
	if (flag->on)
		atomic_fetch_or(&lab_gate(lab, g)->flags, flag->bit);
	else
		atomic_fetch_and(&lab_gate(lab, g)->flags, ~flag->bit);
	if (flag->bit == INSTR_GATE_GIL)
		g->gil = flag->on;
	else
		g->lockorder = flag->on;
	/* Sleepers in a lock wait look at the flags on their next timeout; wake the rest. */
	for (int i = 0; i < g->nworkers; i++) {
		if (g->workers[i].alive)
			lab_poke(lab, g, &g->workers[i]);
	}
}

bool lab_fix_lockorder(struct lab *lab, const char *group, struct lab_error *err)
{
	uint32_t mask;
	struct lab_flag flag = { INSTR_GATE_LOCKORDER, true };

	if (!lab_groups_mask(lab, group, &mask, err))
		return false;
	/* Not held: deadlocked workers cannot answer a hold, and the flag is all they need. */
	int fixed = 0;
	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *g = &lab->groups[i];
		if (!(mask & (1u << i)))
			continue;
		lab_set_flag(lab, g, &flag);
		fixed += g->workload == INSTR_WORK_DEADLOCK;
	}
	if (fixed == 0)
		lab_note(err, "no group runs the deadlock workload ('workload deadlock'); the fix waits for one");
	else
		lab_note(err, "every worker now takes lock A before lock B; one stuck holding B lets go and starts again");
	lab_observe_mask(lab, mask);
	return true;
}

bool lab_gil(struct lab *lab, bool on, const char *group, struct lab_error *err)
{
	uint32_t mask;
	struct lab_flag flag = { INSTR_GATE_GIL, on };

	if (!lab_groups_mask(lab, group, &mask, err))
		return false;
	for (int i = 0; i < lab->ngroups; i++) {
		if ((mask & (1u << i)) && lab->groups[i].stepping)
			return lab_fail(err, "%s is in step mode: 'step off %s' first", lab->groups[i].name,
			                lab->groups[i].name);
	}
	bool processes = false;
	for (int i = 0; i < lab->ngroups; i++) {
		if (!(mask & (1u << i)))
			continue;
		lab_set_flag(lab, &lab->groups[i], &flag);
		processes |= lab->groups[i].kind == LAB_PROCESSES;
	}
	if (on && processes)
		lab_note(err, "each process has a GIL of its own, as each Python process has its own interpreter");
	lab_observe_mask(lab, mask);
	return true;
}

bool lab_cpus(struct lab *lab, bool one, const char *group, struct lab_error *err)
{
	uint32_t mask;
	cpu_set_t allowed, pin;

	if (!lab_groups_mask(lab, group, &mask, err))
		return false;
	if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0)
		return lab_fail(err, "cannot read the CPUs ptviz may use: %s", strerror(errno));
	int first = -1;
	for (int c = 0; c < CPU_SETSIZE && first < 0; c++) {
		if (CPU_ISSET(c, &allowed))
			first = c;
	}
	CPU_ZERO(&pin);
	CPU_SET(first, &pin);
	const cpu_set_t *set = one ? &pin : &allowed;
	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *g = &lab->groups[i];
		if (!(mask & (1u << i)))
			continue;
		if (g->kind == LAB_THREADS && g->host_alive)
			sched_setaffinity(g->host, sizeof(*set), set);
		for (int j = 0; j < g->nworkers; j++) {
			struct lab_worker *w = &g->workers[j];
			if (w->alive && sched_setaffinity(w->tid, sizeof(*set), set) != 0 && errno != ESRCH)
				return lab_fail(err, "cannot move %s (tid %d): %s", w->id, (int)w->tid, strerror(errno));
		}
		g->pinned_cpu = one ? first : -1;
	}
	lab->stat_epoch++;
	if (one)
		lab_note(err, "every worker named now runs on CPU %d alone: they take turns on it", first);
	else
		lab_note(err, "the workers may run on all %d CPUs again: side by side", CPU_COUNT(&allowed));
	return true;
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

/* ---- what threads share: file descriptors; a worker's own children ---- */

static void lab_worker_read_files(struct lab_worker *w)
{
	int fds[LAB_FDS_MAX];

	w->nfds = 0;
	w->fds_total = 0;
	if (!w->alive)
		return;
	int total = procfs_list_fds(w->pid, w->tid, fds, LAB_FDS_MAX);
	if (total < 0)
		return;
	w->fds_total = total;
	for (int i = 0; i < total && i < LAB_FDS_MAX; i++) {
		struct lab_fd *f = &w->fds[w->nfds];
		f->fd = fds[i];
		if (procfs_fd_target(w->pid, w->tid, fds[i], f->target, sizeof(f->target)))
			w->nfds++;
	}
}

static void lab_group_read_files(struct lab_group *g)
{
	for (int i = 0; i < g->nworkers; i++)
		lab_worker_read_files(&g->workers[i]);
}

bool lab_files(struct lab *lab, bool on, const char *group, struct lab_error *err)
{
	struct lab_group *g = NULL;

	if (group != NULL && (g = lab_group_named(lab, group)) == NULL)
		return lab_no_group(lab, group, err);
	if (group == NULL && lab->ngroups == 0)
		return lab_fail(err, "no groups yet: start some with 'spawn threads 4' or 'spawn processes 4'");
	for (int i = 0; i < lab->ngroups; i++) {
		if (g != NULL && &lab->groups[i] != g)
			continue;
		lab->groups[i].files = on;
		if (on)
			lab_group_read_files(&lab->groups[i]);
	}
	if (on)
		lab_note(err, "each worker's open file descriptors are read from /proc/PID/task/TID/fd; fd 3 was opened by ptviz before it forked");
	return true;
}

void lab_read_files(struct lab *lab, const char *group)
{
	for (int i = 0; i < lab->ngroups; i++) {
		if (group == NULL || strcmp(lab->groups[i].name, group) == 0)
			lab_group_read_files(&lab->groups[i]);
	}
}

static void lab_kid_read(struct lab_kid *kid)
{
	struct procfs_stat st;

	if (!kid->alive)
		return;
	int fd = procfs_open_stat(kid->pid, kid->pid);
	if (fd < 0)
		return;
	if (procfs_read_stat(fd, &st)) {
		kid->state = st.state;
		kid->ppid = st.ppid;
		kid->adopted = st.ppid == getpid();
	}
	close(fd);
}

/* Files are read only for groups that asked (open, close): hundreds of workers need not pay. */
static void lab_observe_files_and_kids(struct lab *lab)
{
	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *g = &lab->groups[i];
		if (g->files)
			lab_group_read_files(g);
		for (int k = 0; k < g->nkids; k++)
			lab_kid_read(&g->kids[k]);
	}
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

/* Ends the children of a group that is going away; reap once their parents are gone. */
static void lab_kids_end(struct lab_group *g, bool reap)
{
	for (int k = 0; k < g->nkids; k++) {
		struct lab_kid *kid = &g->kids[k];
		if (!kid->alive)
			continue;
		if (!reap) {
			kill(kid->pid, SIGKILL);
			continue;
		}
		while (waitpid(kid->pid, NULL, 0) < 0 && errno == EINTR)
			;
		kid->alive = false;
		kid->state = '-';
	}
}

static bool lab_request_answered(struct lab *lab, const void *arg)
{
	const struct lab_worker *w = arg;

	return !w->alive || instr_ctl_fault(atomic_load(&lab_slot(lab, w)->control)) == INSTR_FAULT_NONE;
}

/* The live worker named id, able to carry out a request now. */
static struct lab_worker *lab_requestable(struct lab *lab, const char *id, struct lab_group **g,
                                          struct lab_error *err)
{
	lab_dispatch(lab);
	struct lab_worker *w = lab_worker_named(lab, id, g);
	if (w == NULL) {
		lab_no_worker(lab, id, err);
		return NULL;
	}
	const char *deaf = lab_worker_deaf(lab, w);
	if (deaf != NULL) {
		lab_fail(err, "%s; live workers of %s: %s", deaf, (*g)->name, lab_live_list(*g));
		return NULL;
	}
	if (atomic_load(&lab_slot(lab, w)->state) == INSTR_BLOCKING) {
		lab_fail(err, "%s is running its long task (inject block) and answers nothing until it ends; try again in a few seconds",
		         w->id);
		return NULL;
	}
	return w;
}

/* Asks a worker to carry out a request and waits for its answer (slot->arg). */
static bool lab_request(struct lab *lab, struct lab_group *g, struct lab_worker *w, enum instr_fault req,
                        int32_t arg, int32_t *answer, struct lab_error *err)
{
	struct instr_slot *s = lab_slot(lab, w);

	atomic_store(&s->arg, arg);
	atomic_fetch_or(&s->control, (uint32_t)req << INSTR_CTL_FAULT_SHIFT);
	lab_poke(lab, g, w);
	if (!lab_wait_until(lab, lab_request_answered, w, LAB_FAULT_TIMEOUT_MS)) {
		atomic_fetch_and(&s->control, ~INSTR_CTL_FAULT_MASK);
		return lab_fail(err, "%s did not answer within %d ms", w->id, LAB_FAULT_TIMEOUT_MS);
	}
	if (!w->alive)
		return lab_fail(err, "%s died before it answered", w->id);
	*answer = atomic_load(&s->arg);
	return true;
}

bool lab_open_file(struct lab *lab, const char *id, struct lab_error *err)
{
	struct lab_group *g = NULL;
	int32_t fd;

	struct lab_worker *w = lab_requestable(lab, id, &g, err);
	if (w == NULL || !lab_request(lab, g, w, INSTR_FAULT_OPEN, 0, &fd, err))
		return false;
	if (fd < 0)
		return lab_fail(err, "%s could not open a file: %s", w->id, strerror(-fd));
	g->files = true;
	lab_group_read_files(g);
	if (g->kind == LAB_THREADS)
		lab_note(err, "%s opened fd %d: the table of open files belongs to the process, so every thread of %s has fd %d now",
		         w->id, (int)fd, g->name, (int)fd);
	else
		lab_note(err, "%s opened fd %d in its own table: the other processes of %s do not have it", w->id, (int)fd,
		         g->name);
	return true;
}

bool lab_close_file(struct lab *lab, const char *id, int fd, struct lab_error *err)
{
	struct lab_group *g = NULL;
	int32_t answer;
	char target[48];

	struct lab_worker *w = lab_requestable(lab, id, &g, err);
	if (w == NULL)
		return false;
	if (!procfs_fd_target(w->pid, w->tid, fd, target, sizeof(target))) {
		char list[LAB_MSG_MAX / 2] = "";
		int fds[32];
		int n = procfs_list_fds(w->pid, w->tid, fds, 32);
		for (int i = 0; i < n && i < 32; i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), " %d", fds[i]);
		return lab_fail_arg(err, 1, "%s has no fd %d open; its open fds:%s", w->id, fd, list);
	}
	if (!lab_request(lab, g, w, INSTR_FAULT_CLOSE, fd, &answer, err))
		return false;
	if (answer < 0)
		return lab_fail_arg(err, 1, "%s could not close fd %d: %s", w->id, fd, strerror(-answer));
	g->files = true;
	lab_group_read_files(g);
	if (g->kind == LAB_THREADS)
		lab_note(err, "%s closed fd %d: the table belongs to the process, so it is gone for every thread of %s", w->id, fd,
		         g->name);
	else
		lab_note(err, "%s closed fd %d in its own table; the other processes of %s keep theirs", w->id, fd, g->name);
	return true;
}

bool lab_fork_child(struct lab *lab, const char *id, struct lab_error *err)
{
	struct lab_group *g = NULL;
	int32_t pid;

	struct lab_worker *w = lab_requestable(lab, id, &g, err);
	if (w == NULL)
		return false;
	if (g->nkids >= LAB_KIDS_MAX)
		return lab_fail(err, "%s's workers have forked %d children already, the most ptviz follows: 'reset' ends them",
		                g->name, LAB_KIDS_MAX);
	/* From now on an orphan in ptviz's tree is given to ptviz, not to init. */
	if (!lab->subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
		return lab_fail(err, "cannot become the child subreaper: %s", strerror(errno));
	lab->subreaper = true;
	if (!lab_request(lab, g, w, INSTR_FAULT_FORK, 0, &pid, err))
		return false;
	if (pid < 0)
		return lab_fail(err, "%s could not fork: %s", w->id, strerror(-pid));
	struct lab_kid *kid = &g->kids[g->nkids++];
	memset(kid, 0, sizeof(*kid));
	kid->pid = pid;
	strlcpy(kid->parent_id, w->id, sizeof(kid->parent_id));
	kid->parent_pid = w->pid;
	kid->ppid = w->pid;
	kid->state = 'S';
	kid->alive = true;
	lab_kid_read(kid);
	if (g->kind == LAB_THREADS)
		lab_note(err, "%s forked child %d; its parent is the process %s (pid %d), host of every thread. When that process dies (inject segv %s), ptviz adopts the child",
		         w->id, (int)pid, g->name, (int)w->pid, w->id);
	else
		lab_note(err, "%s forked child %d; its parent is %s (pid %d). When %s dies (kill %s), ptviz adopts the child",
		         w->id, (int)pid, w->id, (int)w->pid, w->id, w->id);
	return true;
}
