/* Step mode: each worker waits for permission before every micro-step; the schedule says who goes next. */
#include "lab_priv.h"

#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

/* Has every live worker of the group settled where step mode leaves it? */
bool lab_group_settled(struct lab *lab, const void *arg)
{
	const struct lab_group *g = arg;

	for (int i = 0; i < g->nworkers; i++) {
		const struct lab_worker *w = &g->workers[i];
		if (!w->alive)
			continue;
		struct instr_slot *s = lab_slot(lab, w);
		uint32_t st = atomic_load(&s->state);
		uint32_t ctl = atomic_load(&s->control);
		bool waiting = st == LAB_ACT_STEPWAIT || st == LAB_ACT_LOCKWAIT || st == LAB_ACT_PAUSED ||
		               st == LAB_ACT_LOOPING || st == LAB_ACT_ENDED || st == LAB_ACT_FAULTING;
		if (!waiting || (ctl & INSTR_CTL_DROP))
			return false;
	}
	return true;
}

static void lab_enter_step_mode(struct lab *lab, struct lab_group *g, const void *arg)
{
	(void)arg;
	if (!g->consistent || lab_group_stopped(lab, g) != NULL)
		return;   /* some worker could not be held, or is stopped: leave the group as it was */
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
		lab_private(lab, w)->step_base = taken;
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
		if ((mask & (1u << i)) && g->workload != LAB_WORK_COUNTER && g->workload != LAB_WORK_WITHDRAW)
			return lab_fail(err, "step mode takes counter++ and withdraw apart, and %s runs %s: "
			                "'workload counter %s' first", g->name, lab_workload_name(g->workload), g->name);
		if ((mask & (1u << i)) && g->gil)
			return lab_fail(err, "%s runs under the GIL: 'gil off %s' first", g->name, g->name);
		if ((mask & (1u << i)) && g->green.kernels > 0 && group != NULL)
			return lab_fail(err, "%s is green threads, which step mode does not take apart: 'yield anywhere %s' shows "
			                "a switch between load and store", g->name, g->name);
		if ((mask & (1u << i)) && g->green.kernels > 0) {
			/* Every group: the green ones are left as they are. */
			mask &= ~(1u << i);
			lab_note(err, "%s is green threads, which step mode leaves out", g->name);
		}
	}
	/* A worker stopped from outside never comes to a boundary: said at once, nothing changed. */
	if (on && !lab_refuse_if_stopped(lab, mask, LAB_NEEDS_FRESH("step mode"), err))
		return false;
	if (on) {
		lab_while_held_surely(lab, mask, lab_enter_step_mode, NULL);
		char late[LAB_MSG_MAX] = "";
		for (int i = 0; i < lab->ngroups; i++) {
			struct lab_group *g = &lab->groups[i];
			if (!(mask & (1u << i)) || !lab_group_has_life(g))
				continue;
			struct lab_worker *stopped = lab_group_stopped(lab, g);
			if (!g->stepping && stopped != NULL) {
				lab_note_stopped(g, stopped, LAB_NEEDS_FRESH("step mode"), err);
				continue;
			}
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
			return lab_fail_arg(err, 1 + i, "bad worker number %d in the schedule: workers are numbered from 1",
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
		if (st == LAB_ACT_LOCKWAIT || st == LAB_ACT_LOOPING || st == LAB_ACT_FAULTING || st == LAB_ACT_ENDED)
			continue;
		if (atomic_load(&s->taken) == x->taken || st != LAB_ACT_STEPWAIT)
			return false;
	}
	return true;
}

/* Why a worker cannot take a step now, or NULL. */
static const char *lab_worker_unsteppable(struct lab *lab, const struct lab_group *g, const struct lab_worker *w)
{
	static char why[LAB_MSG_MAX];
	/* Stopped from outside: it cannot take a step until continued, so it is not granted one to wait for. */
	const char *deaf = w->alive && w->stopped ? lab_stopped_why(g, w, "it cannot take a step") : lab_worker_deaf(lab, w);

	if (deaf != NULL)
		return deaf;
	if (!g->stepping) {
		snprintf(why, sizeof(why), "%s is not in step mode: 'step on %s' first", w->id, g->name);
		return why;
	}
	uint32_t st = atomic_load(&lab_slot(lab, w)->state);
	if (st == LAB_ACT_PAUSED) {
		snprintf(why, sizeof(why), "%s is paused: 'resume %s' first", w->id, w->id);
		return why;
	}
	if (st == LAB_ACT_LOCKWAIT) {
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
		if (g->workers[i].alive && atomic_load(&lab_slot(lab, &g->workers[i])->state) == LAB_ACT_LOCKWAIT)
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
	const char *what = x->g->workload == LAB_WORK_WITHDRAW ? "balance" : "counter";

	if (!w->alive) {
		snprintf(out, len, "%s died", w->id);
		return;
	}
	uint32_t st = atomic_load(&s->state);
	if (st == LAB_ACT_LOCKWAIT) {
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
	enum lab_step last = atomic_load(&s->last);
	switch (last) {
	case LAB_STEP_LOAD:
		snprintf(out, len, "%s load: register = %lld", w->id, reg);
		break;
	case LAB_STEP_ADD:
		snprintf(out, len, "%s add: register = %lld", w->id, reg);
		break;
	case LAB_STEP_STORE:
		snprintf(out, len, "%s store: %s = %lld", w->id, what, reg);
		break;
	case LAB_STEP_FETCH_ADD:
		snprintf(out, len, "%s fetch-add: counter = %lld, in one indivisible step", w->id, reg);
		break;
	case LAB_STEP_CHECK:
		if (busy)
			snprintf(out, len, "%s check: balance %lld covers %d", w->id, reg, LAB_WITHDRAW_AMOUNT);
		else
			snprintf(out, len, "%s check: balance %lld is less than %d, refused", w->id, reg,
			         LAB_WITHDRAW_AMOUNT);
		break;
	case LAB_STEP_FETCH_SUB:
		snprintf(out, len, "%s fetch-sub: balance = %lld", w->id, reg);
		break;
	}
}

static int lab_lock_waiters(struct lab *lab, const struct lab_group *g)
{
	int n = 0;

	for (int i = 0; i < g->nworkers; i++)
		n += g->workers[i].alive && atomic_load(&lab_slot(lab, &g->workers[i])->state) == LAB_ACT_LOCKWAIT;
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
		if (!o->alive || atomic_load(&lab_slot(lab, o)->state) == LAB_ACT_LOCKWAIT)
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

/* `step WORKER`: that worker's step, granted, or false when it cannot take one. */
static bool lab_grant_named(struct lab *lab, const char *id, struct lab_grants *gr, uint32_t *mask,
                            struct lab_error *err)
{
	struct lab_group *g = NULL;
	struct lab_worker *w = lab_worker_named(lab, id, &g);

	if (w == NULL)
		return lab_no_worker(lab, id, err);
	const char *why = lab_worker_unsteppable(lab, g, w);
	if (why != NULL)
		return lab_fail(err, "%s", why);
	lab_grant(lab, gr, g, w);
	*mask = lab_group_bit(lab, g);
	return true;
}

/* Without a schedule, the group's live workers take turns: the number of the next that can step, or 0. */
static int lab_next_in_turn(struct lab *lab, struct lab_group *g)
{
	for (int k = 0; k < g->nworkers; k++) {
		int j = (g->next_turn + k) % g->nworkers;
		if (g->workers[j].alive && lab_worker_unsteppable(lab, g, &g->workers[j]) == NULL) {
			g->next_turn = (j + 1) % g->nworkers;
			return j + 1;
		}
	}
	return 0;
}

/*
 * `step` alone: in every stepping group, the worker whose number is next in
 * the schedule (or in turn), granted.  skipped says which groups could not step.
 */
static bool lab_grant_scheduled(struct lab *lab, struct lab_grants *gr, uint32_t *mask, char *skipped, size_t len,
                                struct lab_error *err)
{
	int number = lab->nschedule ? lab->schedule[lab->schedule_next % lab->nschedule] : 0;

	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *g = &lab->groups[i];
		if (!g->stepping || !lab_group_has_life(g))
			continue;
		int n = number != 0 ? number : lab_next_in_turn(lab, g);
		if (n == 0)
			continue;
		const char *why = n <= g->nworkers ? lab_worker_unsteppable(lab, g, &g->workers[n - 1]) : NULL;
		if (n > g->nworkers || why != NULL) {
			size_t used = strlen(skipped);
			if (n > g->nworkers)
				snprintf(skipped + used, len - used, "%s%s has no worker %d", used ? "; " : "", g->name, n);
			else
				snprintf(skipped + used, len - used, "%s%s", used ? "; " : "", why);
			continue;
		}
		lab_grant(lab, gr, g, &g->workers[n - 1]);
		*mask |= lab_group_bit(lab, g);
	}
	if (gr->n == 0 && skipped[0] == '\0')
		return lab_fail(err, "no group is in step mode: 'step on' first, or 'step on T' for one group");
	if (gr->n == 0 && number != 0 && strstr(skipped, " has no worker ") != NULL)
		return lab_fail(err, "no worker could take this step: %s; the schedule's next is worker %d (step %d of %d): "
		                "give a schedule the groups can take, e.g. 'schedule 1 2', or 'schedule' alone to take turns",
		                skipped, number, lab->schedule_next % lab->nschedule + 1, lab->nschedule);
	if (gr->n == 0)
		return lab_fail(err, "no worker could take this step: %s", skipped);
	if (lab->nschedule)
		lab->schedule_next = (lab->schedule_next + 1) % lab->nschedule;
	return true;
}

/* Says what the granted steps did, and what was skipped, as the command's note. */
static void lab_tell_steps(struct lab *lab, const struct lab_grants *gr, const char *skipped, bool taken,
                           struct lab_error *err)
{
	char said[LAB_MSG_MAX] = "";

	for (int i = 0; i < gr->n; i++) {
		char one[LAB_MSG_MAX];
		lab_describe_step(lab, &gr->items[i], one, sizeof(one));
		if (said[0] != '\0')
			strlcat(said, "; ", sizeof(said));
		strlcat(said, one, sizeof(said));
		lab_describe_waiters(lab, &gr->items[i], said, sizeof(said));
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
}

bool lab_step(struct lab *lab, const char *id, struct lab_error *err)
{
	struct lab_grants gr = { .n = 0 };
	char skipped[LAB_MSG_MAX] = "";
	uint32_t mask = 0;

	lab_dispatch(lab);
	if (id != NULL ? !lab_grant_named(lab, id, &gr, &mask, err)
	               : !lab_grant_scheduled(lab, &gr, &mask, skipped, sizeof(skipped), err))
		return false;
	bool taken = lab_wait_until(lab, lab_grants_taken, &gr, 2000);
	for (int i = 0; i < gr.n; i++) {
		const struct lab_grant *x = &gr.items[i];
		/* A step that let go of the lock wakes a waiter: show its step as part of this one. */
		if (x->nwaiters > 0 && x->w->alive && !atomic_load(&lab_slot(lab, x->w)->holds_lock))
			lab_wait_until(lab, lab_lock_passed, x, 1000);
	}
	lab_observe_mask(lab, mask);
	lab_tell_steps(lab, &gr, skipped, taken, err);
	return true;
}
