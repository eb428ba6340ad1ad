/* ptviz's side of the channel and tasks workloads: pool and rate, a fresh run, and the figures read from the panel and /proc. */
#include "lab_priv.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "work_tasks.h"

static struct work_gate *work_gate(struct lab *lab, const struct lab_group *g)
{
	return &lab->in.work_gates[g->gate];
}

static struct work_slot *work_slot(struct lab *lab, const struct lab_worker *w)
{
	return &lab->in.work_slots[w->slot];
}

/* The pool a group's workers are told: the one chosen, or every worker. */
static int work_pool_of(const struct lab_group *g)
{
	return g->tasks.pool_chosen ? g->tasks.pool : g->nworkers;
}

/* A fresh run of the group's workload, while it is held (from lab_group_restart): figures at zero, tasks arriving from now. */
void work_restart(struct lab *lab, struct lab_group *g)
{
	struct work_gate *wg = work_gate(lab, g);
	struct lab_tasks keep = g->tasks;
	int pool = work_pool_of(g);
	double now = lab_now(lab);

	atomic_store(&wg->pool, (uint32_t)pool);
	atomic_store(&wg->rate, (uint32_t)g->tasks.rate);
	atomic_store(&wg->from_ns, 0);
	atomic_store(&wg->taken, 0);
	atomic_store(&wg->owner_pid, 0);
	for (int i = 0; i < g->nworkers; i++)
		memset(work_slot(lab, &g->workers[i]), 0, sizeof(struct work_slot));
	/* Last: a worker that sees the new run finds its figures cleared. */
	atomic_fetch_add(&wg->run, 1);
	memset(&g->channel, 0, sizeof(g->channel));
	memset(&g->tasks, 0, sizeof(g->tasks));
	g->tasks.pool = pool;
	g->tasks.pool_chosen = keep.pool_chosen;
	g->tasks.rate = keep.rate;
	g->tasks.memory_kib = -1;
	g->tasks.since = g->tasks.win_t[0] = g->tasks.win_t[1] = now;
	g->channel.capacity = g->kind == LAB_THREADS ? WORK_CHANNEL_RING : 65536 / 8;
	g->channel.in_queue = -1;
}

/*
 * The channel's figures: worker 1 received, the others sent.  The queue is
 * their difference only when every live worker's figures were read at this
 * moment: one kept from an older read (moving, or caught mid-operation) would
 * make it up.
 */
static void work_channel_figures(struct lab *lab, struct lab_group *g)
{
	struct lab_channel *c = &g->channel;
	int64_t sent = 0, received = 0, full = 0;
	bool exact = true;

	for (int i = 0; i < g->nworkers; i++) {
		const struct lab_worker *w = &g->workers[i];
		if (w->number == 1)
			received = w->done;
		else
			sent += w->done;
		full += atomic_load(&work_slot(lab, w)->full);
		/* In a thread host a worker caught mid-send was read as it stands: its message counts once it returns. */
		exact &= !(w->alive && (w->figures_kept || (w->mid_increment && !g->shared)));
	}
	c->full = full;
	/* Messages asked for are the increments; the owner alone writes the counter, so it holds what it received. */
	g->increments = sent;
	g->lost = received > g->counter ? received - g->counter : 0;
	g->lost_at_least = false;
	if (!exact)
		return;
	c->sent = sent;
	c->received = received;
	c->queue = sent > received ? sent - received : 0;
	if (c->queue > c->queue_max)
		c->queue_max = c->queue;
}

/* The tasks' figures: totals from the panel, rates over the last second or two. */
static void work_tasks_figures(struct lab *lab, struct lab_group *g)
{
	struct lab_tasks *t = &g->tasks;
	int64_t started = 0, wait = 0, wait_max = 0, created = 0, cpu = 0;
	int alive = 0, alive_max = 0, serving = 0;
	double now = lab_now(lab);

	for (int i = 0; i < g->nworkers; i++) {
		const struct lab_worker *w = &g->workers[i];
		struct work_slot *ws = work_slot(lab, w);
		started += atomic_load(&ws->started);
		wait += atomic_load(&ws->wait_ns);
		int64_t m = atomic_load(&ws->wait_max_ns);
		wait_max = m > wait_max ? m : wait_max;
		created += atomic_load(&ws->created);
		cpu += atomic_load(&ws->cpu_ns);
		alive += w->alive ? atomic_load(&ws->alive) : 0;
		alive_max += atomic_load(&ws->alive_max);
		serving += w->alive && t->pool > 0 && w->number <= t->pool;
	}
	t->done = g->increments;
	t->started = started;
	t->created = created;
	t->cpu_ns = cpu;
	t->alive = t->pool > 0 ? serving : alive;
	t->alive_max = t->pool > 0 ? (serving > t->alive_max ? serving : t->alive_max) : alive_max;
	t->seconds = now - t->since;
	int64_t from = atomic_load(&work_gate(lab, g)->from_ns);
	int64_t taken = atomic_load(&work_gate(lab, g)->taken);
	if (t->rate > 0 && from > 0)
		t->arrived = (lab_ns() - from) / (1000000000 / t->rate) + 1;
	else
		t->arrived = taken < started ? started : taken;
	t->backlog = t->arrived > started ? t->arrived - started : 0;
	t->wait_max_us = (double)wait_max / 1000.0;
	/* The window: from the older of two marks, the newer taken each second. */
	if (now - t->win_t[1] >= 1.0) {
		t->win_t[0] = t->win_t[1], t->win_done[0] = t->win_done[1], t->win_cpu[0] = t->win_cpu[1];
		t->win_started[0] = t->win_started[1], t->win_wait[0] = t->win_wait[1];
		t->win_t[1] = now, t->win_done[1] = t->done, t->win_cpu[1] = cpu;
		t->win_started[1] = started, t->win_wait[1] = wait;
	}
	double dt = now - t->win_t[0];
	int64_t done = t->done - t->win_done[0], begun = started - t->win_started[0];
	t->per_s = dt > 0.2 ? (double)done / dt : 0;
	t->cpu_share = dt > 0.2 ? (double)(cpu - t->win_cpu[0]) / 1e9 / dt : 0;
	t->cpu_us_per_task = done > 0 ? (double)(cpu - t->win_cpu[0]) / 1000.0 / (double)done : 0;
	t->wait_us = begun > 0 ? (double)(wait - t->win_wait[0]) / 1000.0 / (double)begun : 0;
}

/* After a look at a held group (observe.c): what these workloads add to its figures. */
void work_figures(struct lab *lab, struct lab_group *g)
{
	if (g->workload == LAB_WORK_CHANNEL)
		work_channel_figures(lab, g);
	else if (g->workload == LAB_WORK_TASKS)
		work_tasks_figures(lab, g);
}

/* Pss of one process, in KiB (/proc/PID/smaps_rollup); -1 when it cannot be read. */
static int64_t work_pss_kib(pid_t pid)
{
	char path[64], line[128];
	int64_t kib = -1;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		long long v;
		if (sscanf(line, "Pss: %lld kB", &v) == 1) {
			kib = v;
			break;
		}
	}
	fclose(f);
	return kib;
}

/* Pss of a process's children (the per-task processes it forked), from /proc/PID/task/PID/children. */
static int64_t work_children_pss_kib(pid_t pid)
{
	char path[64], text[1024];
	int64_t sum = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return 0;
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	for (char *p = text, *end; *p != '\0'; p = end) {
		long kid = strtol(p, &end, 10);
		if (end == p)
			break;
		int64_t kib = work_pss_kib((pid_t)kid);
		sum += kib > 0 ? kib : 0;
	}
	return sum;
}

/* Memory in use by a tasks group: the host's Pss, or every process's (and per-task children's). */
static int64_t work_group_pss_kib(const struct lab_group *g)
{
	int64_t sum = 0;

	if (g->kind == LAB_THREADS)
		return g->host_alive ? work_pss_kib(g->host) : -1;
	for (int j = 0; j < g->nworkers; j++) {
		const struct lab_worker *w = &g->workers[j];
		int64_t kib = w->alive ? work_pss_kib(w->pid) : 0;
		sum += kib > 0 ? kib : 0;
		if (w->alive && w->number == 1 && g->tasks.pool == 0)
			sum += work_children_pss_kib(w->pid);
	}
	return sum;
}

/*
 * The channel's queue read where it is, beside the workers' own counts: the
 * ring's two ends in the thread host's memory, or the bytes waiting in the
 * owner's pipe (FIONREAD on a read end ptviz opens through /proc and closes).
 */
static int64_t work_queue_read(struct lab *lab, const struct lab_group *g)
{
	if (g->kind == LAB_THREADS) {
		uint64_t ends[2];
		uintptr_t tail, head;
		work_channel_ring_ends(&tail, &head);
		/* The head first: the tail only grows, so read after it, it is never behind it. */
		struct iovec local[2] = { { &ends[0], 8 }, { &ends[1], 8 } };
		struct iovec remote[2] = { { (void *)head, 8 }, { (void *)tail, 8 } };
		if (!g->host_alive || process_vm_readv(g->host, local, 2, remote, 2, 0) != 16)
			return -1;
		return ends[1] >= ends[0] ? (int64_t)(ends[1] - ends[0]) : -1;
	}
	struct work_gate *wg = work_gate(lab, g);
	char path[64];
	int bytes = 0;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)atomic_load(&wg->owner_pid), (int)atomic_load(&wg->owner_fd));
	int fd = atomic_load(&wg->owner_pid) > 0 ? open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) : -1;
	if (fd < 0)
		return -1;
	bool ok = ioctl(fd, FIONREAD, &bytes) == 0;
	close(fd);
	return ok ? bytes / 8 : -1;
}

/*
 * A process made for one task whose starter died before reaping it is
 * orphaned to ptviz, the child subreaper, and dies at once (its parent-death
 * signal).  ptviz reaps it here, by its name; its own workers it reaps by pid.
 */
static void work_reap_orphans(struct lab *lab)
{
	char path[64], text[1024], stat[128];

	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)lab->main_tid);
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return;
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	for (char *p = text, *end; *p != '\0'; p = end) {
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
		FILE *s = fopen(path, "re");
		if (s == NULL)
			continue;
		bool task = fgets(stat, sizeof(stat), s) != NULL && strstr(stat, "(" WORK_TASK_COMM ") Z") != NULL;
		fclose(s);
		if (task)
			waitpid((pid_t)pid, NULL, WNOHANG);
	}
}

/* Once a pass: the memory of each tasks group, each channel's queue as read in the queue, and orphaned tasks reaped. */
void work_observe(struct lab *lab)
{
	bool processes = false;

	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *g = &lab->groups[i];
		if (g->workload == LAB_WORK_TASKS)
			g->tasks.memory_kib = work_group_pss_kib(g);
		else if (g->workload == LAB_WORK_CHANNEL)
			g->channel.in_queue = work_queue_read(lab, g);
		processes |= g->workload == LAB_WORK_TASKS && g->kind == LAB_PROCESSES;
	}
	/* Where tasks had processes of their own: every pass while they do, every tenth after. */
	static bool ever;
	static unsigned passes;
	ever |= processes;
	if (processes || (ever && ++passes % 10 == 0))
		work_reap_orphans(lab);
}

/* The change pool or rate asks of a held group: kept, and a fresh run if it runs tasks now. */
struct work_setting {
	bool pool;
	int value;
};

static void work_set(struct lab *lab, struct lab_group *g, const void *arg)
{
	const struct work_setting *set = arg;

	if (set->pool) {
		g->tasks.pool = set->value;
		g->tasks.pool_chosen = true;
	} else {
		g->tasks.rate = set->value;
	}
	if (g->workload == LAB_WORK_TASKS && g->consistent)
		lab_group_restart(lab, g, 0);
}

static bool work_setting(struct lab *lab, const struct work_setting *set, const char *group, struct lab_error *err)
{
	uint32_t mask;

	if (!lab_groups_mask(lab, group, &mask, err))
		return false;
	for (int i = 0; set->pool && i < lab->ngroups; i++) {
		const struct lab_group *g = &lab->groups[i];
		if ((mask & (1u << i)) && set->value > g->nworkers)
			return lab_fail_arg(err, 1, "pool %d: %s has %d worker%s, so a pool of at most %d; "
			                    "'pool off' starts a %s per task", set->value, g->name, g->nworkers,
			                    g->nworkers == 1 ? "" : "s", g->nworkers,
			                    g->kind == LAB_THREADS ? "thread" : "process");
	}
	lab_while_held_surely(lab, mask, work_set, set);
	int others = 0;
	for (int i = 0; i < lab->ngroups; i++)
		others += (mask & (1u << i)) && lab->groups[i].workload != LAB_WORK_TASKS;
	if (others > 0)
		lab_note(err, "kept for 'workload tasks': %d group%s run%s another workload now", others,
		         others == 1 ? "" : "s", others == 1 ? "s" : "");
	lab_observe_mask(lab, mask);
	return true;
}

bool lab_pool(struct lab *lab, int n, const char *group, struct lab_error *err)
{
	struct work_setting set = { true, n };

	return work_setting(lab, &set, group, err);
}

bool lab_rate(struct lab *lab, int rate, const char *group, struct lab_error *err)
{
	struct work_setting set = { false, rate };

	if (rate < 0 || rate > LAB_RATE_MAX)
		return lab_fail_arg(err, 1, "rate %d: expected 1 to %d tasks a second, or 'max'", rate, LAB_RATE_MAX);
	return work_setting(lab, &set, group, err);
}
