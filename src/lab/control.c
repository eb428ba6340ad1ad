/* Control through each worker's control word: sync mode, injected faults, kill, pause and resume. */
#include "lab_priv.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

/* Sets bits in a control word the worker also writes (it clears DROP): compare and swap. */
void lab_control_update(struct instr_slot *s, uint32_t clear, uint32_t set)
{
	uint32_t old = atomic_load(&s->control);

	while (!atomic_compare_exchange_weak(&s->control, &old, (old & ~clear) | set))
		;
}

static void lab_switch_sync(struct lab *lab, struct lab_group *g, const void *arg)
{
	enum lab_sync sync = *(const enum lab_sync *)arg;

	/* Read at the switch, so the figures for the old mode are complete. */
	lab_read_if_consistent(lab, g, NULL);
	g->sync = sync;
	atomic_store(&lab_gate(lab, g)->sync, sync);
}

/*
 * Can a group switch to sync although a worker of it is stopped from outside?
 * A stopped worker may have read the old mode already (it reads it before
 * its operation begins, and under mutex takes the lock before its phase is
 * odd): when it resumes it makes one increment under the old mode.  Beside
 * siblings on the same counter under the new one, that can lose an update
 * under mutex or atomic.  A private process's counter has no other writer, so
 * it can; so can a group that already runs that mode (nothing changes).
 */
static bool lab_sync_past_stopped(const struct lab_group *g, enum lab_sync sync)
{
	return (g->kind == LAB_PROCESSES && !g->shared) || g->sync == sync;
}

#define LAB_SYNC_NEEDS "a sync switch on a shared counter needs every writer between two increments " \
	"(a stopped one may be half way through one under the old mode, and would finish it so)"

bool lab_sync(struct lab *lab, enum lab_sync sync, const char *group, struct lab_error *err)
{
	uint32_t mask = ~0u;

	lab_dispatch(lab);
	if (group != NULL) {
		struct lab_group *g = lab_group_named(lab, group);
		if (g == NULL)
			return lab_no_group(lab, group, err);
		mask = lab_group_bit(lab, g);
	}
	/* Decided at once from what ptviz knows: a stopped worker would never answer the hold. */
	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *g = &lab->groups[i];
		struct lab_worker *w = (mask & (1u << i)) ? lab_group_stopped(lab, g) : NULL;
		if (w != NULL && !lab_sync_past_stopped(g, sync))
			return lab_refuse_stopped(g, w, LAB_SYNC_NEEDS, err);
	}
	if (group == NULL)
		lab->default_sync = sync;
	/* Switch while every worker is parked between increments, so no update straddles two modes. */
	lab_while_held(lab, mask, lab_switch_sync, &sync);
	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *g = &lab->groups[i];
		struct lab_worker *w = (mask & (1u << i)) ? lab_group_stopped(lab, g) : NULL;
		if (w != NULL && g->kind == LAB_PROCESSES && !g->shared)
			lab_note(err, "%s is stopped: it takes up %s when it resumes; its counter is its own, so nothing "
			         "can be lost meanwhile", w->id, lab_sync_name(sync));
	}
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

	return !w->alive || atomic_load(&lab->in.slots[w->slot].state) == LAB_ACT_LOOPING;
}

static bool lab_worker_blocking(struct lab *lab, const void *arg)
{
	const struct lab_worker *w = arg;

	return !w->alive || atomic_load(&lab->in.slots[w->slot].state) == LAB_ACT_BLOCKING;
}

static bool lab_worker_ended(struct lab *lab, const void *arg)
{
	const struct lab_worker *w = arg;

	return !w->alive || atomic_load(&lab->in.slots[w->slot].state) == LAB_ACT_ENDED;
}

static bool lab_worker_paused(struct lab *lab, const void *arg)
{
	const struct lab_worker *w = arg;

	return !w->alive || atomic_load(&lab->in.slots[w->slot].state) == LAB_ACT_PAUSED;
}

/* Why a worker cannot take a request, or NULL when it can. */
const char *lab_worker_deaf(struct lab *lab, const struct lab_worker *w)
{
	static char why[LAB_MSG_MAX];

	if (!w->alive) {
		snprintf(why, sizeof(why), "%s is already dead (%s at %.1fs)", w->id,
		         w->signal ? lab_signal_name(w->signal) : lab_end_name(w->end), w->died_at);
		return why;
	}
	uint32_t st = atomic_load(&lab_slot(lab, w)->state);
	if (st == LAB_ACT_LOOPING) {
		snprintf(why, sizeof(why), "%s is spinning in a runaway loop and no longer reads its control word", w->id);
		return why;
	}
	if (st == LAB_ACT_FAULTING) {
		snprintf(why, sizeof(why), "%s is already performing a fault", w->id);
		return why;
	}
	/* Stopped from outside: a request would be waited for in vain, and carried out long after. */
	return lab_worker_stopped_why(lab, w);
}

bool lab_inject(struct lab *lab, enum lab_fault fault, const char *id, struct lab_error *err)
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

	bool (*done)(struct lab *, const void *) = fault == LAB_FAULT_LOOP    ? lab_worker_looping
	                                           : fault == LAB_FAULT_BLOCK ? lab_worker_blocking
	                                                                        : lab_worker_gone;
	if (!lab_wait_until(lab, done, w, LAB_ANSWER_TIMEOUT_MS))
		return lab_fail(err, "%s did not perform the %s fault within %d ms", w->id,
		                lab_fault_name(fault), LAB_ANSWER_TIMEOUT_MS);
	if (fault == LAB_FAULT_LOOP)
		w->activity = LAB_ACT_LOOPING;
	if (fault == LAB_FAULT_BLOCK) {
		w->activity = LAB_ACT_BLOCKING;
		if (g->workload == LAB_WORK_EVENTLOOP && w->number == 1)
			lab_note(err, "%s, the event loop, runs a %lld-second task itself: no task is served until it ends",
			         w->id, INSTR_BLOCK_NS / 1000000000LL);
		else if (g->workload == LAB_WORK_EVENTLOOP)
			lab_note(err, "%s, a worker beside the loop, runs a %lld-second task: the loop goes on serving",
			         w->id, INSTR_BLOCK_NS / 1000000000LL);
		else if (g->green.kernels > 0)
			lab_green_block_note(g, w, err);
		else
			lab_note(err, "%s runs a %lld-second task", w->id, INSTR_BLOCK_NS / 1000000000LL);
	}
	return true;
}

/*
 * Kills process workers while they are parked, so a shared count loses
 * nothing in flight: all of them first, then each is taken as it dies.
 */
static void lab_kill_parked(struct lab *lab, struct lab_group *g, const void *arg)
{
	const struct lab_worker *only = arg;
	struct lab_dying *dying = calloc((size_t)g->nworkers, sizeof(*dying));
	int n = 0;

	/* Read at the kill: these are the figures the workers die with. */
	lab_read_if_consistent(lab, g, NULL);
	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		if (!w->alive || (only != NULL && w != only))
			continue;
		kill(w->pid, SIGKILL);
		if (dying != NULL)
			dying[n++] = (struct lab_dying){ g, w->pid };
		else
			lab_reap(lab, g, w->pid, true, true);   /* out of memory: one at a time, as they die anyway */
	}
	lab_reap_dying(lab, dying, n, true);
	free(dying);
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
		if (g->kind == LAB_THREADS) {
			/* Their memory dies with the host: read it first.  Processes are read as they are killed. */
			lab_observe_mask(lab, lab_group_bit(lab, g));
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
	if (atomic_load(&lab_slot(lab, w)->state) == LAB_ACT_LOOPING)
		return lab_fail(err, "%s is spinning and no longer listens, and a signal would end every thread of its process: 'kill %s' ends the whole host",
		                w->id, g->name);
	if (w->stopped)
		return lab_fail(err, "%s", lab_stopped_why(g, w, "one thread ends by itself between two operations, "
		                                              "and answers nothing until it is continued"));
	atomic_fetch_or(&lab_slot(lab, w)->control, INSTR_CTL_END);
	lab_poke(lab, g, w);
	if (!lab_wait_until(lab, lab_worker_ended, w, LAB_ANSWER_TIMEOUT_MS))
		return lab_fail(err, "%s did not end within %d ms", w->id, LAB_ANSWER_TIMEOUT_MS);
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
	/* A stopped worker takes a pause or a resume when it is continued: it sleeps or works on from a boundary. */
	const char *deaf = w->stopped ? NULL : lab_worker_deaf(lab, w);

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
			if (wj->alive && !wj->stopped && (atomic_load(&lab_slot(lab, wj)->control) & INSTR_CTL_PAUSE))
				lab_wait_until(lab, lab_worker_paused, wj, 500);
		}
	}
	return true;
}
