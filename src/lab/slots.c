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

/* Ends every process of a group, reaps it and gives back its slots and gate. */
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
		struct lab_worker_private *p = lab_private(lab, w);
		if (p->stat_fd >= 0)
			close(p->stat_fd);
		if (p->sched_fd >= 0)
			close(p->sched_fd);
		lab->slot_used[w->slot] = 0;
		atomic_store(&lab->in.slots[w->slot].state, LAB_ACT_FREE);
	}
	/* Their parents are reaped: ptviz, the subreaper, is their parent now. */
	lab_kids_end(g, true);
	free(g->workers);
	struct worker_segment *seg = g->gate >= 0 ? lab->segments[g->gate] : NULL;
	if (seg != NULL) {
		pthread_mutex_destroy(&seg->lock);
		pthread_mutex_destroy(&seg->lock_b);
		munmap(seg, sizeof(*seg));
		lab->segments[g->gate] = NULL;
	}
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
	lab->default_sync = LAB_SYNC_NONE;
	lab->default_workload = LAB_WORK_COUNTER;
	lab->reap_off = false;
	lab->nschedule = 0;
	lab->schedule_next = 0;
}
