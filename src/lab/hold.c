/* Holding workers at an increment boundary: a group is asked to park, waited for (all of it for a command, only its moving workers for an observation), and let go on. */
#include "lab_priv.h"

#include <errno.h>
#include <limits.h>

/* Does this worker need to answer a hold?  Not when dead, deaf, or asleep in a pause. */
static bool lab_worker_must_ack(struct lab *lab, const struct lab_worker *w)
{
	struct instr_slot *s = lab_slot(lab, w);

	if (!w->alive)
		return false;
	/*
	 * Stopped from outside (seen T, or the stop waitid reported): it cannot
	 * move until continued, so nothing is gained by waiting.  A command that
	 * needs it between two operations refuses at once instead (stopped.c).
	 */
	if (w->stopped)
		return false;
	/* Parked at a boundary since an earlier hold: it reads the hold again before it works. */
	if (atomic_load(&s->parked))
		return false;
	uint32_t st = atomic_load(&s->state);
	uint32_t ctl = atomic_load(&s->control);
	if (st == LAB_ACT_PAUSED)
		/* Asleep at a boundary until ptviz itself clears the bit. */
		return !(ctl & INSTR_CTL_PAUSE);
	if (st == LAB_ACT_STEPWAIT)
		/* Asleep until ptviz permits a step; it only reads memory until then. */
		return !(ctl & INSTR_CTL_STEP) || (ctl >> INSTR_CTL_PERMIT_SHIFT) != (atomic_load(&s->taken) & 0xffffu);
	/* A worker waiting for the lock only loads once it has it, and parks before it stores. */
	return st == LAB_ACT_RUNNING || st == LAB_ACT_STARTING;
}

/* Tells the group's held workers that something changed. */
static void lab_gate_bump(struct instr_gate *gate)
{
	atomic_fetch_add(&gate->seq, 1);
	instr_futex_wake(&gate->seq, INT_MAX);
}

/* A request in a worker's control word: wake it wherever it sleeps. */
void lab_poke(struct lab *lab, const struct lab_group *g, const struct lab_worker *w)
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
 * one for every worker that answers.  pending is only ever added to and taken
 * from, never set: a worker that took `awaited` back may take itself off a
 * moment later, after ptviz has counted others in.
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

/* Takes back every wait of this hold still registered: nobody is waited for any more. */
static void lab_hold_withdraw(struct lab *lab, struct lab_group *g, uint32_t gen)
{
	struct instr_gate *gate = lab_gate(lab, g);

	for (int i = 0; i < g->nworkers; i++)
		lab_worker_answered(gate, lab_slot(lab, &g->workers[i]), gen);
}

/* Waits for the workers of a held group that must answer (moving_only: those the last look asks to wait for). */
static int lab_hold_await(struct lab *lab, struct lab_group *g, uint32_t gen, bool moving_only)
{
	struct instr_gate *gate = lab_gate(lab, g);
	int awaited = 0;

	/* ptviz's own count keeps pending above 0 until every worker it waits for is counted. */
	atomic_fetch_add(&gate->pending, 1);
	for (int i = 0; i < g->nworkers; i++) {
		const struct lab_worker *w = &g->workers[i];
		if (moving_only && lab_private(lab, w)->look != LAB_LOOK_MOVING && !lab_private(lab, w)->awaited)
			continue;
		if (!lab_worker_must_ack(lab, w))
			continue;
		awaited++;
		/* Still waited for since an earlier look of this hold: counted in pending once. */
		if (atomic_load(&lab_slot(lab, w)->awaited) == gen)
			continue;
		atomic_fetch_add(&gate->pending, 1);
		atomic_store(&lab_slot(lab, w)->awaited, gen);
	}
	lab_hold_settle(lab, g, gen);
	atomic_fetch_sub(&gate->pending, 1);
	lab->pass.waited += awaited;
	return awaited;
}

/* A hold generation never 0. */
static uint32_t lab_hold_next(struct lab *lab)
{
	if (++lab->hold_gen == 0)
		lab->hold_gen = 1;
	return lab->hold_gen;
}

/* Asks the workers of the group to park at their next increment boundary, and waits for all that must answer. */
static void lab_hold_begin(struct lab *lab, struct lab_group *g)
{
	uint32_t gen = lab_hold_next(lab);

	atomic_store(&lab_gate(lab, g)->hold, gen);
	lab_hold_await(lab, g, gen, false);
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
	uint32_t gen = atomic_load(&gate->hold);

	if (gen == 0)
		return;
	lab_hold_withdraw(lab, g, gen);
	atomic_store(&gate->hold, 0);
	atomic_fetch_add(&gate->seq, 1);
	if (atomic_load(&gate->sleepers) > 0)
		instr_futex_wake(&gate->seq, INT_MAX);
}

/*
 * Holds the groups in mask at one moment, runs meanwhile (if any) while the
 * workers come to their boundaries, runs fn on each group once its workers
 * are parked between increments, and lets them all go on.
 */
void lab_while_held_then(struct lab *lab, uint32_t mask, void (*meanwhile)(struct lab *, uint32_t),
                         lab_group_fn *fn, const void *arg)
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

void lab_while_held(struct lab *lab, uint32_t mask, lab_group_fn *fn, const void *arg)
{
	lab_while_held_then(lab, mask, NULL, fn, arg);
}

/*
 * As lab_while_held, for a change that must not be half made: groups that
 * could not be held in time (idle-class workers on a crowded machine) are
 * asked again, for up to about two seconds.  Not a group with a worker
 * stopped from outside meanwhile (the SIGCHLD of its stop read between two
 * tries): it would not answer in two seconds either.
 */
void lab_while_held_surely(struct lab *lab, uint32_t mask, lab_group_fn *fn, const void *arg)
{
	for (int attempt = 0; mask != 0 && attempt < 25; attempt++) {
		lab_while_held(lab, mask, fn, arg);
		lab_dispatch(lab);
		for (int i = 0; i < lab->ngroups; i++) {
			if ((mask & (1u << i)) && (lab->groups[i].consistent || lab_group_stopped(lab, &lab->groups[i])))
				mask &= ~(1u << i);
		}
	}
}

/* Looks at the groups in todo; returns the mask of those with workers to wait for. */
static uint32_t lab_pass_look(struct lab *lab, uint32_t todo, lab_look_fn *look, int round, bool final)
{
	uint32_t moving = 0;
	int64_t t = lab_ns();

	lab->moving_seen = 0;

	for (int i = 0; i < lab->ngroups; i++) {
		if (!(todo & (1u << i)))
			continue;
		lab->pass.looks++;
		if (look(lab, &lab->groups[i], round, final) > 0)
			moving |= 1u << i;
	}
	lab->pass.read_ns += lab_ns() - t;
	return final ? 0 : moving;
}

/*
 * The observation pass's hold.  Every group is held at once, then read where
 * its workers stand: a worker that is not moving (between two operations, or
 * stopped, preempted, starved, asleep in the middle of one) is read as it is,
 * without its help.  The workers found moving are on a CPU; with the hold on,
 * each parks within one operation.  They are waited for, with the writers of a
 * shared counter caught mid-increment that are not stopped (see
 * lab_mid_awaited), and their groups read again.  Never past
 * LAB_PASS_BOUND_NS: the last look takes what it finds, and marks it.
 */
void lab_hold_pass(struct lab *lab, uint32_t mask, lab_look_fn *look)
{
	int64_t t = lab_ns(), deadline = t + LAB_PASS_BOUND_NS;
	uint32_t gen = lab_hold_next(lab);

	lab->mid_until = t + LAB_MID_WAIT_NS;

	for (int i = 0; i < lab->ngroups; i++) {
		if (mask & (1u << i))
			atomic_store(&lab_gate(lab, &lab->groups[i])->hold, gen);
	}
	lab->pass.begin_ns += lab_ns() - t;
	uint32_t todo = mask;
	bool last = false;
	for (int round = 0; todo != 0; round++) {
		todo = lab_pass_look(lab, todo, look, round, last || lab_ns() >= deadline);
		if (todo == 0)
			break;
		int64_t tw = lab_ns();
		int awaited = 0;
		for (int i = 0; i < lab->ngroups; i++) {
			if (todo & (1u << i))
				awaited += lab_hold_await(lab, &lab->groups[i], gen, true);
		}
		/* None of them has to answer (gone to wait for a lock, parked meanwhile): one more look is the last. */
		last = awaited == 0;
		/* Writers mid-increment only: not past their own, shorter wait. */
		int64_t until = lab->moving_seen == 0 && lab->mid_until < deadline ? lab->mid_until : deadline;
		for (int i = 0; i < lab->ngroups; i++) {
			if (todo & (1u << i))
				lab_hold_wait(lab, &lab->groups[i], until);
		}
		lab->pass.wait_ns += lab_ns() - tw;
	}
	int64_t te = lab_ns();
	for (int i = 0; i < lab->ngroups; i++) {
		if (!(mask & (1u << i)))
			continue;
		lab_hold_end(lab, &lab->groups[i]);
		lab_group_count_alive(&lab->groups[i]);
	}
	lab->pass.end_ns += lab_ns() - te;
}
