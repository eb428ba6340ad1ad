/* Green threads as ptviz sees them: their panel, the kernel thread each runs on, their CPU, and yield anywhere. */
#include "lab_priv.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "green.h"
#include "procfs.h"

bool lab_green_prepare(struct lab *lab, struct lab_group *g, struct lab_error *err)
{
	size_t len = green_panel_size(g->nworkers);
	struct green_panel *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return lab_fail(err, "cannot map the green threads' panel: %s", strerror(errno));
	p->n = g->nworkers;
	p->kernels = g->green.kernels;
	p->handoff = g->green.handoff;
	atomic_store(&p->anywhere, g->green.anywhere);
	lab->green_panels[g->gate] = p;
	return true;
}

void lab_green_forget(struct lab *lab, struct lab_group *g)
{
	if (g->gate < 0 || lab->green_panels[g->gate] == NULL)
		return;
	munmap(lab->green_panels[g->gate], green_panel_size(lab->green_panels[g->gate]->n));
	lab->green_panels[g->gate] = NULL;
}

bool lab_green_takes(const struct lab_group *g, enum lab_workload workload)
{
	return g->green.kernels == 0 || workload == LAB_WORK_COUNTER || workload == LAB_WORK_CPU;
}

/* A green thread moved to another kernel thread (hand-off): its /proc files follow. */
static void lab_green_follow(struct lab *lab, struct lab_worker *w, pid_t tid)
{
	struct lab_worker_private *p = lab_private(lab, w);

	if (p->stat_fd >= 0)
		close(p->stat_fd);
	if (p->sched_fd >= 0)
		close(p->sched_fd);
	p->stat_fd = procfs_open_stat(w->pid, tid);
	p->sched_fd = procfs_open_schedstat(w->pid, tid);
	p->stat_fd = p->stat_fd >= 0 ? p->stat_fd : -1;
	p->sched_fd = p->sched_fd >= 0 ? p->sched_fd : -1;
	p->stat_valid = false;
	w->tid = tid;
}

void lab_green_read(struct lab *lab, struct lab_group *g)
{
	struct green_panel *panel = g->gate >= 0 ? lab->green_panels[g->gate] : NULL;

	if (panel == NULL)
		return;
	int nk = atomic_load(&panel->nkernels);
	g->green.kernel_threads = nk < LAB_GREEN_KERNELS_MAX ? nk : LAB_GREEN_KERNELS_MAX;
	g->green.handoffs = atomic_load(&panel->handoffs);
	for (int i = 0; i < g->green.kernel_threads; i++)
		g->green.kernel_tids[i] = atomic_load(&panel->kernel_tid[i]);
	for (int i = 0; i < g->nworkers && i < panel->n; i++) {
		struct lab_worker *w = &g->workers[i];
		if (!w->alive)
			continue;
		pid_t tid = atomic_load(&panel->seen[i].tid);
		if (tid > 0 && tid != w->tid)
			lab_green_follow(lab, w, tid);
		/*
		 * Its kernel thread can fall asleep in another green thread's blocking
		 * call while this one stands still: what stat said last time holds only
		 * for this pass (observe.c skips a worker that has not moved).
		 */
		lab_private(lab, w)->stat_valid = false;
		/* The kernel thread's CPU is every green thread's on it: each gets the time it was switched in. */
		w->cpu_ns = (uint64_t)atomic_load(&panel->seen[i].cpu_ns);
	}
}

/* Sets yield anywhere on a held group: every green thread stands between two increments. */
static void lab_green_set_anywhere(struct lab *lab, struct lab_group *g, const void *arg)
{
	bool anywhere = *(const bool *)arg;

	lab_read_if_consistent(lab, g, NULL);
	g->green.anywhere = anywhere;
	atomic_store(&lab->green_panels[g->gate]->anywhere, anywhere);
}

bool lab_green_yield(struct lab *lab, bool anywhere, const char *group, struct lab_error *err)
{
	uint32_t mask = 0;

	lab_dispatch(lab);
	for (int i = 0; i < lab->ngroups; i++) {
		const struct lab_group *g = &lab->groups[i];
		if (g->green.kernels > 0 && lab_group_has_life(g) && (group == NULL || strcmp(g->name, group) == 0))
			mask |= 1u << i;
	}
	if (group != NULL && mask == 0) {
		const struct lab_group *g = lab_group_named(lab, group);
		if (g == NULL)
			return lab_no_group(lab, group, err);
		return lab_fail(err, "%s is %s, not green threads: only a green runtime chooses where its threads give way; "
		                "the kernel preempts threads and processes anywhere", g->name, lab_kind_name(g->kind));
	}
	if (mask == 0)
		return lab_fail(err, "no green threads are running: 'spawn green 8' first");
	lab_while_held_surely(lab, mask, lab_green_set_anywhere, &anywhere);
	for (int i = 0; i < lab->ngroups; i++) {
		const struct lab_group *g = &lab->groups[i];
		if ((mask & (1u << i)) && g->green.anywhere != anywhere)
			lab_note(err, "%s could not be held at a boundary (a kernel thread is busy elsewhere): try again", g->name);
	}
	if (anywhere)
		lab_note(err, "green threads now also switch between an increment's load and its store, as a timer would preempt them");
	else
		lab_note(err, "green threads switch only between two increments again");
	return true;
}

void lab_green_block_note(const struct lab_group *g, const struct lab_worker *w, struct lab_error *err)
{
	long long s = INSTR_BLOCK_NS / 1000000000LL;

	if (g->green.handoff)
		lab_note(err, "%s blocks in the kernel for %lld s (a futex wait); the runtime handed its kernel thread's turn "
		         "to another kernel thread, so the other green threads go on", w->id, s);
	else if (g->green.kernels == 1)
		lab_note(err, "%s blocks in the kernel for %lld s (a futex wait), and with it the one kernel thread: "
		         "every green thread of %s stops until it returns", w->id, s, g->name);
	else
		lab_note(err, "%s blocks in the kernel for %lld s (a futex wait), and with it one of %d kernel threads: "
		         "the others run the rest, one kernel thread fewer", w->id, s, g->green.kernels);
}
