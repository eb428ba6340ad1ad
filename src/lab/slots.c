/* Slots and gates in the instrument panel: taken by a new group, given back with all it started when it goes. */
#include "lab_priv.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "worker.h"

int lab_gate_alloc(struct lab *lab)
{
	for (int i = 0; i < LAB_MAX_GROUPS; i++) {
		if (!lab->gate_used[i]) {
			lab->gate_used[i] = true;
			struct instr_gate *gate = &lab->in.gates[i];
			atomic_store(&gate->hold, 0);
			atomic_store(&gate->pending, 0);
			atomic_store(&gate->sleepers, 0);
			atomic_store(&gate->sync, lab->default_sync);
			atomic_store(&gate->workload, LAB_WORK_COUNTER);
			atomic_store(&gate->flags, 0);
			return i;
		}
	}
	return -1;
}

bool lab_slots_alloc(struct lab *lab, int gate, int *slots, int n)
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
		atomic_store(&s->state, LAB_ACT_STARTING);
		atomic_store(&s->ack, 0);
		atomic_store(&s->tid, 0);
		atomic_store(&s->done, 0);
		atomic_store(&s->stack_address, 0);
		atomic_store(&s->fault, LAB_FAULT_NONE);
		atomic_store(&s->fault_ns, 0);
		atomic_store(&s->taken, 0);
		atomic_store(&s->next, LAB_STEP_LOAD);
		atomic_store(&s->last, LAB_STEP_LOAD);
		atomic_store(&s->has_reg, 0);
		atomic_store(&s->reg, 0);
		atomic_store(&s->holds_lock, 0);
		atomic_store(&s->refused, 0);
		atomic_store(&s->parked, 0);
		atomic_store(&s->awaited, 0);
		atomic_store(&s->resumes, 0);
		/* Even: a worker killed in the middle of an operation may have left it odd. */
		atomic_store(&s->phase, 0);
		atomic_store(&s->loaded, 0);
		s->group = (uint32_t)gate;
	}
	return true;
}

/* How many dying processes are watched at once; all were killed before, so a batch waits only for those still dying. */
#define LAB_DYING_BATCH 256

/* Sends SIGKILL to every live process of a group, and to its workers' children: they die together. */
static void lab_group_kill(struct lab_group *g)
{
	if (g->kind == LAB_THREADS && g->host_alive && g->host > 0)
		kill(g->host, SIGKILL);
	for (int i = 0; g->kind == LAB_PROCESSES && i < g->nworkers; i++) {
		if (g->workers[i].alive && g->workers[i].pid > 0)
			kill(g->workers[i].pid, SIGKILL);
	}
	for (int k = 0; k < g->nkids; k++) {
		if (g->kids[k].alive)
			kill(g->kids[k].pid, SIGKILL);
	}
}

/* Adds a process to the batch, and reaps the batch when it is full (or flush says so). */
static void lab_dying_add(struct lab *lab, struct lab_dying *batch, int *n, struct lab_group *g, pid_t pid, bool flush)
{
	if (pid > 0)
		batch[(*n)++] = (struct lab_dying){ g, pid };
	if (*n == LAB_DYING_BATCH || (flush && *n > 0)) {
		lab_reap_dying(lab, batch, *n, false);
		*n = 0;
	}
}

/*
 * Ends every process of the groups in mask (bit i: group i) together, and
 * reaps them and their workers' children, telling no event: every one is sent
 * SIGKILL before ptviz waits for any, so the wait is for the slowest death,
 * not the sum of all.  The children come last: once their parents are
 * reaped, ptviz (the child subreaper) is their parent and can reap them.
 */
static void lab_groups_end(struct lab *lab, uint32_t mask)
{
	struct lab_dying batch[LAB_DYING_BATCH];
	int n = 0;

	for (int i = 0; i < lab->ngroups; i++) {
		if (mask & (1u << i))
			lab_group_kill(&lab->groups[i]);
	}
	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *g = &lab->groups[i];
		if (!(mask & (1u << i)))
			continue;
		/* A zombie left unreaped (reaping off) is reaped too, without a signal. */
		if (g->kind == LAB_THREADS && (g->host_alive || g->host_zombie))
			lab_dying_add(lab, batch, &n, g, g->host, false);
		for (int j = 0; g->kind == LAB_PROCESSES && j < g->nworkers; j++) {
			struct lab_worker *w = &g->workers[j];
			if (w->alive || w->zombie)
				lab_dying_add(lab, batch, &n, g, w->pid, false);
		}
		g->host_alive = g->host_zombie = false;
		for (int j = 0; j < g->nworkers; j++)
			g->workers[j].alive = g->workers[j].zombie = false;
	}
	lab_dying_add(lab, batch, &n, NULL, 0, true);
	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *g = &lab->groups[i];
		for (int k = 0; (mask & (1u << i)) && k < g->nkids; k++) {
			if (g->kids[k].alive)
				lab_dying_add(lab, batch, &n, g, g->kids[k].pid, false);
			g->kids[k].alive = false;
			g->kids[k].state = '-';
		}
	}
	lab_dying_add(lab, batch, &n, NULL, 0, true);
}

/* Ends every process of a group, reaps it and gives back its slots and gate. */
static void lab_group_destroy(struct lab *lab, struct lab_group *g)
{
	lab_groups_end(lab, lab_group_bit(lab, g));
	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		struct lab_worker_private *p = lab_private(lab, w);
		if (p->stat_fd >= 0)
			close(p->stat_fd);
		if (p->sched_fd >= 0)
			close(p->sched_fd);
		lab->slot_used[w->slot] = 0;
		atomic_store(&lab->in.slots[w->slot].state, LAB_ACT_FREE);
	}
	free(g->workers);
	struct worker_segment *seg = g->gate >= 0 ? lab->segments[g->gate] : NULL;
	if (seg != NULL) {
		pthread_mutex_destroy(&seg->lock);
		pthread_mutex_destroy(&seg->lock_b);
		munmap(seg, sizeof(*seg));
		lab->segments[g->gate] = NULL;
	}
	lab_green_forget(lab, g);
	if (g->gate >= 0)
		lab->gate_used[g->gate] = false;
	memset(g, 0, sizeof(*g));
}

void lab_group_remove(struct lab *lab, struct lab_group *g)
{
	int i = (int)(g - lab->groups);

	lab_group_destroy(lab, g);
	memmove(&lab->groups[i], &lab->groups[i + 1], (size_t)(lab->ngroups - i - 1) * sizeof(*g));
	lab->ngroups--;
}

void lab_reset(struct lab *lab)
{
	/*
	 * One group killed and reaped after another would leave the dying ones
	 * queueing for a CPU behind hundreds of spinning siblings: all die at once.
	 */
	lab_groups_end(lab, ~0u);
	while (lab->ngroups > 0)
		lab_group_remove(lab, &lab->groups[lab->ngroups - 1]);
	/* Exits of what reset ended are not news. */
	lab_dispatch(lab);
	/* A fresh start: what the first scene had, whatever was set since. */
	lab->default_sync = LAB_SYNC_NONE;
	lab->default_workload = LAB_WORK_COUNTER;
	lab->reap_off = false;
	lab->nschedule = 0;
	lab->schedule_next = 0;
	/* Every lowered task has ended: the next workers start at ptviz's priority. */
	lab->prio.idle = false;
	lab->prio.moved_with = 0;
	lab->prio.since = 0;
}
