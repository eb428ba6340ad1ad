/* The scenario switches: the workload (a fresh run of it), the lock order, the GIL, and one CPU or all. */
#include "lab_priv.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/uio.h>

#include "worker.h"

static bool lab_write_remote(pid_t pid, uintptr_t address, int64_t value)
{
	struct iovec local = { &value, sizeof(value) };
	struct iovec remote = { (void *)address, sizeof(value) };

	return process_vm_writev(pid, &local, 1, &remote, 1, 0) == (ssize_t)sizeof(value);
}

/*
 * Starts a group's memory again, where it lives: the counter (or balance) in
 * the host, in each process or in the shared segment, and every worker's own
 * count on its stack.  Workers drop whatever operation they were half way
 * through.  Call while the group is held.
 */
void lab_group_restart(struct lab *lab, struct lab_group *g, int64_t start)
{
	if (g->kind == LAB_THREADS) {
		if (g->host_alive)
			lab_write_remote(g->host, g->counter_address, start);
	} else if (g->shared) {
		atomic_store(&lab->segments[g->gate]->counter, start);
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
			lab_annex_restart(lab, w);
			lab_control_update(s, 0, INSTR_CTL_DROP);
			lab_poke(lab, g, w);
		}
		/* The dead count for nothing in the new run. */
		w->done = 0;
		w->counted = w->delivered = 0;
		w->refused = 0;
		w->counter = start;
		/* Written here, not by the worker: read again. */
		lab_private(lab, w)->counter_valid = false;
		lab_private(lab, w)->stat_valid = false;
	}
	g->start_balance = start;
	/* A new run begins at the start of the schedule, with worker 1. */
	g->next_turn = 0;
	lab->schedule_next = 0;
	g->increments = 0;
	g->counted = g->delivered = 0;
	g->counter = g->shared ? start : start * g->nworkers;
	g->lost = 0;
	g->refused = 0;
	g->overdrawn = start < 0;
	work_restart(lab, g);
}

int64_t lab_start_value(enum lab_workload workload)
{
	return workload == LAB_WORK_WITHDRAW ? LAB_WITHDRAW_BALANCE : 0;
}

void lab_switch_workload(struct lab *lab, struct lab_group *g, const void *arg)
{
	enum lab_workload workload = *(const enum lab_workload *)arg;

	if (!g->consistent || lab_group_stopped(lab, g) != NULL)
		return;   /* not every worker between two operations: left as it was (see lab_workload) */
	g->workload = workload;
	atomic_store(&lab_gate(lab, g)->workload, workload);
	if (workload == LAB_WORK_DEADLOCK) {
		/* A fresh deadlock: the fix comes undone. */
		atomic_fetch_and(&lab_gate(lab, g)->flags, ~INSTR_GATE_LOCKORDER);
		g->lockorder = false;
	}
	lab_group_restart(lab, g, lab_start_value(workload));
}

bool lab_workload(struct lab *lab, enum lab_workload workload, const char *group, struct lab_error *err)
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
		if ((mask & (1u << i)) && g->stepping && workload != LAB_WORK_COUNTER && workload != LAB_WORK_WITHDRAW)
			return lab_fail(err, "%s is in step mode, which takes only counter++ and withdraw apart: "
			                "'step off %s' first", g->name, g->name);
		if ((mask & (1u << i)) && !lab_green_takes(g, workload) && group != NULL)
			return lab_fail(err, "%s is green threads, which run counter or cpu, not %s", g->name,
			                lab_workload_name(workload));
		if ((mask & (1u << i)) && !lab_green_takes(g, workload)) {
			/* Every group: the green ones keep theirs. */
			mask &= ~(1u << i);
			lab_note(err, "%s is green threads, which run counter or cpu: it keeps %s", g->name,
			         lab_workload_name(g->workload));
		}
	}
	/* A worker stopped from outside never comes to a boundary: said at once, nothing changed. */
	if (!lab_refuse_if_stopped(lab, mask, LAB_NEEDS_FRESH("a new workload"), err))
		return false;
	if (group == NULL)
		lab->default_workload = workload;
	/* Switched while every worker is parked between operations, so none straddles the two. */
	lab_while_held_surely(lab, mask, lab_switch_workload, &workload);
	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *g = &lab->groups[i];
		struct lab_worker *stopped = (mask & (1u << i)) ? lab_group_stopped(lab, g) : NULL;
		if (stopped != NULL && g->workload != workload)
			lab_note_stopped(g, stopped, LAB_NEEDS_FRESH("a new workload"), err);
		else if ((mask & (1u << i)) && g->workload != workload && lab_group_has_life(g))
			lab_note(err, "%s could not be held at a boundary (a worker is busy elsewhere): try again", g->name);
		else if ((mask & (1u << i)) && g->stepping)
			lab_wait_until(lab, lab_group_settled, g, 2000);
	}
	lab_observe_mask(lab, mask);
	return true;
}

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
		fixed += g->workload == LAB_WORK_DEADLOCK;
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
		if ((mask & (1u << i)) && on && lab->groups[i].green.kernels > 0 && group != NULL)
			return lab_fail(err, "%s is green threads: a GIL is for interpreters on kernel threads", lab->groups[i].name);
		if ((mask & (1u << i)) && on && lab->groups[i].green.kernels > 0)
			mask &= ~(1u << i);   /* every group: the green ones take none */
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
