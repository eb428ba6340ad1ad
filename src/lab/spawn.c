/* Spawning a group: check the request, take its slots, fork its workers, wait until each reports in. */
#include "lab_priv.h"
#include "memory.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <bsd/string.h>

#include "green.h"
#include "procfs.h"
#include "session.h"
#include "worker.h"

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

/* Picks the group's name: the one asked for, or T, TB, TC ... (P, PB ...; G, GB ... for green threads). */
static bool lab_choose_name(struct lab *lab, char first, const char *asked, char *name,
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

/* How many of a group's workers have reported in: their slot holds their tid. */
static int lab_workers_reported(const struct lab *lab, const struct lab_group *g)
{
	int n = 0;

	for (int i = 0; i < g->nworkers; i++)
		n += atomic_load(&lab->in.slots[g->workers[i].slot].tid) != 0;
	return n;
}

/* How far a group's start has come: workers reported in, and the threads its host has created so far. */
static int lab_start_progress(const struct lab *lab, const struct lab_group *g)
{
	int n = lab_workers_reported(lab, g);

	if (g->kind == LAB_THREADS && g->host > 0) {
		char path[64], text[4096];
		snprintf(path, sizeof(path), "/proc/%d/status", (int)g->host);
		FILE *f = fopen(path, "re");
		if (f != NULL) {
			while (fgets(text, sizeof(text), f) != NULL) {
				if (strncmp(text, "Threads:", 8) == 0)
					n += atoi(text + 8);
			}
			fclose(f);
		}
	}
	return n;
}

/*
 * Waits for done as long as the group's start keeps moving: it gives up after
 * LAB_START_TIMEOUT_MS in which no thread was created and no worker reported
 * in (or after LAB_START_LIMIT_MS in all, against a hang).  So a loaded
 * machine that creates a thousand threads slowly still starts them, and a
 * start that is stuck is still told.
 */
static bool lab_start_wait(struct lab *lab, const struct lab_group *g, lab_done_fn *done, const void *arg)
{
	int64_t began = lab_ns(), moved = began;
	int seen = -1;

	for (;;) {
		if (lab_wait_until(lab, done, arg, 100))
			return true;
		int now = lab_start_progress(lab, g);
		int64_t t = lab_ns();
		if (now != seen) {
			seen = now;
			moved = t;
		}
		if (t - moved > (int64_t)LAB_START_TIMEOUT_MS * 1000000 || t - began > (int64_t)LAB_START_LIMIT_MS * 1000000)
			return false;
	}
}

/* Has the thread host written its answer (done function for lab_start_wait)? */
static bool lab_host_answered(struct lab *lab, const void *arg)
{
	struct pollfd pfd = { *(const int *)arg, POLLIN, 0 };

	(void)lab;
	return poll(&pfd, 1, 0) == 1;
}

/*
 * The file every group starts with, opened by ptviz before it forks: each child
 * gets it on fd 3, pointing at the same open file (and offset) as ptviz's.
 * ptviz closes its own copy once the children have theirs.
 */
static int lab_inherited_file(struct lab_error *err)
{
	int fd = memfd_create("inherited from ptviz", MFD_CLOEXEC);

	if (fd < 0 && errno == EMFILE) {
		struct rlimit files = { 0, 0 };
		getrlimit(RLIMIT_NOFILE, &files);
		lab_fail(err, "cannot create the file each group inherits: %s (ptviz keeps 2 files open for each worker, "
		         "and may have %llu: `ulimit -n`; raise it, or spawn fewer)", strerror(errno),
		         (unsigned long long)files.rlim_cur);
	} else if (fd < 0) {
		lab_fail(err, "cannot create the file each group inherits: %s", strerror(errno));
	}
	return fd;
}

/*
 * Which limit a failed fork or pthread_create (EAGAIN) most likely met, and
 * the way around it: the user's limit on processes and threads (ulimit -u,
 * which counts every task of the user, threads included), else the system's.
 */
static const char *lab_task_limit_hint(int e)
{
	static char hint[160];
	struct rlimit nproc;

	if (e != EAGAIN)
		return "";
	if (getrlimit(RLIMIT_NPROC, &nproc) == 0 && nproc.rlim_cur != RLIM_INFINITY && geteuid() != 0) {
		snprintf(hint, sizeof(hint),
		         " (your processes and threads together may number at most %llu: `ulimit -u`; "
		         "lower N, or raise the limit)", (unsigned long long)nproc.rlim_cur);
		return hint;
	}
	return " (the system's limit on tasks: /proc/sys/kernel/threads-max and pid_max; lower N)";
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
		return lab_fail(err, "cannot fork the thread host: %s%s", strerror(errno), lab_task_limit_hint(errno));
	}
	if (pid == 0) {
		char title[64], comm[32];
		int keep[2] = { inherited, pipefd[1] };
		if (g->green.kernels > 0)
			snprintf(title, sizeof(title), "ptviz: green %s (%d on %d)", g->name, g->nworkers, g->green.kernels);
		else
			snprintf(title, sizeof(title), "ptviz: threads %s", g->name);
		snprintf(comm, sizeof(comm), "ptviz %s", g->name);
		worker_child_setup(parent, keep, 2, title, comm, g->idle_priority);
		if (g->green.kernels > 0)
			green_host_main(&lab->in, g->gate, slots, g->nworkers, LAB_INHERITED_FD + 1, g->name,
			                lab->green_panels[g->gate]);
		worker_host_main(&lab->in, g->gate, slots, g->nworkers, LAB_INHERITED_FD + 1, g->name);
	}
	close(inherited);
	close(pipefd[1]);
	g->host = pid;
	g->host_alive = true;

	int rc = -1;
	if (lab_start_wait(lab, g, lab_host_answered, &pipefd[0]) && read(pipefd[0], &rc, sizeof(rc)) != (ssize_t)sizeof(rc))
		rc = -1;
	close(pipefd[0]);
	if (rc != 0) {
		/* The host is ended with the group (lab_spawn's unwind path). */
		if (rc > 0 && g->green.kernels > 0)
			return lab_fail(err, "the green threads' host could not start its threads: %s%s; nothing was started",
			                strerror(rc), lab_task_limit_hint(rc));
		if (rc > 0)
			return lab_fail(err, "pthread_create failed after some threads: %s%s; nothing was started",
			                strerror(rc), lab_task_limit_hint(rc));
		return lab_fail(err, "the thread host did not start; nothing was started");
	}
	for (int i = 0; i < g->nworkers; i++) {
		g->workers[i].pid = pid;
		g->workers[i].alive = true;
	}
	return true;
}

/* What a process worker needs from ptviz at its birth, in the session leader's copy of ptviz's memory. */
struct process_birth {
	struct lab *lab;
	struct lab_group *g;
	struct worker_segment *segment;
	pid_t parent;
	int inherited;
};

/* The i-th process of a group, forked by its session leader (session.c). */
static void process_born(int i, void *ctx)
{
	struct process_birth *b = ctx;
	struct lab_worker *w = &b->g->workers[i];
	char title[64], comm[32];

	snprintf(title, sizeof(title), "ptviz: process %s", w->id);
	snprintf(comm, sizeof(comm), "ptviz %s", w->id);
	worker_child_setup(b->parent, &b->inherited, 1, title, comm, b->g->idle_priority);
	worker_process_main(&b->lab->in, b->g->gate, w->slot, b->segment);
}

static bool lab_spawn_processes(struct lab *lab, struct lab_group *g, struct lab_error *err)
{
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
		lab->segments[g->gate] = seg;
		segment = seg;
		counter = &seg->counter;
	}
	g->counter_address = (uintptr_t)counter;

	int inherited = lab_inherited_file(err);
	if (inherited < 0)
		return false;
	struct process_birth birth = { lab, g, segment, getpid(), inherited };
	pid_t pids[LAB_LIMIT_PROCESSES];
	int e = 0;
	int started = lab_session_fork(g->nworkers, pids, process_born, &birth, lab->subreaper, &e);
	close(inherited);
	for (int i = 0; i < started; i++) {
		g->workers[i].pid = pids[i];
		g->workers[i].alive = true;
	}
	if (started < g->nworkers)
		/* Those already started are ended with the group (lab_spawn's unwind path). */
		return lab_fail(err, "fork failed for %s: %s%s; the %d already started were ended, nothing is running",
		                g->workers[started].id, strerror(e), lab_task_limit_hint(e), started);
	return true;
}

/* Is a group of n such workers allowed: within the caps, and shared only for processes? */
static bool lab_spawn_allowed(struct lab *lab, enum lab_kind kind, int n, bool shared, struct lab_error *err)
{
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
	return true;
}

/* A dead group keeps its record until the room is needed: then the oldest gives way. */
static bool lab_make_room(struct lab *lab, struct lab_error *err)
{
	for (int i = 0; lab->ngroups >= LAB_MAX_GROUPS && i < lab->ngroups; i++) {
		if (lab->groups[i].alive == 0)
			lab_group_remove(lab, &lab->groups[i]);
	}
	if (lab->ngroups >= LAB_MAX_GROUPS)
		return lab_fail(err, "already %d groups with live workers, the most ptviz shows: end one with 'kill GROUP' or 'reset'",
		                LAB_MAX_GROUPS);
	return true;
}

/* The new group's record, last in the list, with no gate and no workers yet. */
static struct lab_group *lab_group_add(struct lab *lab, enum lab_kind kind, bool shared, const char *name)
{
	struct lab_group *g = &lab->groups[lab->ngroups++];

	memset(g, 0, sizeof(*g));
	g->serial = lab_serial_next(lab);
	strlcpy(g->name, name, sizeof(g->name));
	g->kind = kind;
	g->shared = kind == LAB_THREADS || shared;
	g->sync = lab->default_sync;
	g->counter_address = (uintptr_t)&worker_counter;
	g->consistent = true;
	g->pinned_cpu = -1;
	g->spawned_at = lab_now(lab);
	g->gate = -1;
	return g;
}

/*
 * Gives the group a gate and n slots in the instrument panel (their numbers
 * in slots) and names its workers T1..Tn; none is alive until it has a pid.
 */
static bool lab_group_seat(struct lab *lab, struct lab_group *g, int n, int *slots, struct lab_error *err)
{
	g->gate = lab_gate_alloc(lab);
	g->workers = calloc((size_t)n, sizeof(*g->workers));
	if (g->gate < 0 || g->workers == NULL || slots == NULL)
		return lab_fail(err, "out of memory for %d workers", n);
	if (!lab_slots_alloc(lab, g->gate, slots, n))
		return lab_fail(err, "no room left in the instrument panel for %d workers: end some groups first", n);
	/* Only now: removing the group gives back the slot of each of its workers. */
	g->nworkers = n;
	for (int i = 0; i < n; i++) {
		struct lab_worker *w = &g->workers[i];
		w->serial = lab_serial_next(lab);
		w->slot = slots[i];
		*lab_private(lab, w) = (struct lab_worker_private){ .stat_fd = -1, .sched_fd = -1 };
		snprintf(w->id, sizeof(w->id), "%.8s%d", g->name, (i + 1) % 1000000);
		w->number = i + 1;
		w->alive = false; /* until it has a pid: kill(0) would hit ptviz's own group */
		w->state = '?';
		w->cpu = -1;
		w->status = -1;
		w->counter_address = g->counter_address;
	}
	return true;
}

/* Forks the group's workers and waits until every one has reported in, alive. */
static bool lab_group_start(struct lab *lab, struct lab_group *g, const int *slots, struct lab_error *err)
{
	bool ok = g->kind == LAB_THREADS ? lab_spawn_threads(lab, g, slots, err) : lab_spawn_processes(lab, g, err);

	if (!ok)
		return false;
	if (!lab_start_wait(lab, g, lab_slots_ready, g))
		return lab_fail(err, "the workers of %s stopped starting: %d of %d reported in, then none for %d ms; nothing was started",
		                g->name, lab_workers_reported(lab, g), g->nworkers, LAB_START_TIMEOUT_MS);
	for (int i = 0; i < g->nworkers; i++) {
		if (!g->workers[i].alive)
			return lab_fail(err, "%s died while starting; nothing was started", g->workers[i].id);
	}
	return true;
}

/* Takes what each worker reported in its slot: its tid, where its count lives. */
static void lab_group_follow(struct lab *lab, struct lab_group *g)
{
	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		struct instr_slot *s = lab_slot(lab, w);
		w->tid = atomic_load(&s->tid);
		w->counter_address = g->counter_address;
		w->stack_address = (uintptr_t)atomic_load(&s->stack_address);
	}
	lab_group_count_alive(g);
}

/* Queues the spawn's event: the workers started, with their tids. */
static void lab_spawn_announce(struct lab *lab, const struct lab_group *g)
{
	struct lab_event *ev = lab_event_push(lab, LAB_EVENT_SPAWN, g, g->nworkers);

	if (ev == NULL)
		return;
	ev->pid = g->kind == LAB_THREADS ? g->host : 0;
	for (int i = 0; i < g->nworkers; i++) {
		strlcpy(ev->ids[i], g->workers[i].id, sizeof(ev->ids[0]));
		ev->pids[i] = g->workers[i].tid;
	}
	ev->nids = g->nworkers;
}

/* Spawns a group; green: the green threads' settings, NULL for threads and processes. */
static bool lab_spawn_group(struct lab *lab, enum lab_kind kind, int n, bool shared, const char *name,
                            const struct lab_green *green, struct lab_error *err)
{
	char gname[LAB_NAME_MAX + 1];
	char first = green != NULL ? 'G' : kind == LAB_THREADS ? 'T' : 'P';

	if (gettid() != lab->main_tid)
		return lab_fail(err, "spawn must run on ptviz's main thread");
	lab_dispatch(lab);
	if (!lab_spawn_allowed(lab, kind, n, shared, err) || !lab_choose_name(lab, first, name, gname, err) ||
	    !lab_make_room(lab, err))
		return false;
	/*
	 * The pages `touch` writes: ptviz's own, written before its first worker
	 * starts, so every worker shares them (not at start: ptviz run may never
	 * start one, and writing 4 MiB is most of ptviz's start-up).
	 */
	if (!lab_touch_prepare())
		return lab_fail(err, "cannot map %d KiB for copy-on-write: %s", LAB_TOUCH_MAX_KIB, strerror(errno));

	bool idle = lab_priority_before_spawn(lab, n, err);
	struct lab_group *g = lab_group_add(lab, kind, shared, gname);
	g->idle_priority = idle;
	int *slots = calloc((size_t)n, sizeof(*slots));
	if (green != NULL)
		g->green = *green;
	if (!lab_group_seat(lab, g, n, slots, err) || (green != NULL && !lab_green_prepare(lab, g, err)) ||
	    !lab_group_start(lab, g, slots, err))
		goto unwind;
	free(slots);
	lab_group_follow(lab, g);
	if (lab->default_workload != LAB_WORK_COUNTER && lab_green_takes(g, lab->default_workload)) {
		/* Born under the workload last chosen for every group, with its account full. */
		enum lab_workload workload = lab->default_workload;
		lab_while_held_surely(lab, lab_group_bit(lab, g), lab_switch_workload, &workload);
	}
	lab_spawn_announce(lab, g);
	/* Its /proc files, kept open; those that could not be opened are told after the spawn. */
	lab_proc_files_follow(lab, g, err);
	/*
	 * No observation here: holding the new workers would wait for each to get
	 * a CPU once more after reporting in, the longest part of a spawn on a busy
	 * machine, for figures that are all zero.  The next frame, or the command
	 * that needs figures (report, sync, inject, kill), takes them.
	 */
	return true;

unwind:
	/* Whatever the group took (gate, slots, segment) is given back, and whatever it started is ended. */
	free(slots);
	lab_group_remove(lab, g);
	return false;
}

bool lab_spawn(struct lab *lab, enum lab_kind kind, int n, bool shared, const char *name,
               struct lab_error *err)
{
	return lab_spawn_group(lab, kind, n, shared, name, NULL, err);
}

bool lab_spawn_green(struct lab *lab, int n, int kernels, bool handoff, const char *name,
                     struct lab_error *err)
{
	struct lab_green green = { .kernels = kernels, .handoff = handoff };

	if (kernels < 1 || kernels > LAB_GREEN_KERNELS_MAX / 2)
		return lab_fail(err, "cannot run green threads on %d kernel threads: expected 1 to %d, e.g. 'on 2'",
		                kernels, LAB_GREEN_KERNELS_MAX / 2);
	return lab_spawn_group(lab, LAB_THREADS, n, false, name, &green, err);
}
