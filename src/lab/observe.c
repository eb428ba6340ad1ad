/* The observation pass: counters read where they live, /proc for each worker, while its group is held. */
#include "lab_priv.h"

#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "procfs.h"
#include "worker.h"

static bool lab_read_remote(pid_t pid, uintptr_t address, int64_t *value)
{
	struct iovec local = { value, sizeof(*value) };
	struct iovec remote = { (void *)address, sizeof(*value) };

	return process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)sizeof(*value);
}

/* Does the memory a worker incremented outlive it?  Then its final count in the slot is exact. */
bool lab_memory_outlives(const struct lab_group *g)
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
	w->next = w->has_reg ? (enum lab_step)atomic_load(&s->next) : worker_first_step(g->workload, g->sync);
	w->holds = atomic_load(&s->holds_lock);
	w->holds_lock = w->holds != 0;
	w->wants = atomic_load(&s->wants);
	int64_t from = atomic_load(&s->arrivals_ns);
	int64_t waiting = from > 0 ? (lab_ns() - from) / INSTR_TASK_EVERY_NS - w->done : 0;
	w->backlog = waiting > 0 ? waiting : 0;
	w->steps = atomic_load(&s->taken) - lab_private(lab, w)->step_base;
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
	struct lab_worker_private *p = lab_private(lab, w);
	uint32_t parked = atomic_load(&s->parked);
	uint32_t resumes = atomic_load(&s->resumes);

	if (parked && p->counter_parked && resumes == p->counter_resumes)
		return;
	if (!lab_read_remote(w->pid, w->counter_address, &w->counter)) {
		p->counter_parked = false;
		return;
	}
	p->counter_parked = parked && atomic_load(&s->parked) && atomic_load(&s->resumes) == resumes;
	p->counter_resumes = resumes;
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
			shared_value = atomic_load(&lab->segments[g->gate]->counter);
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
	if (g->workload != LAB_WORK_WITHDRAW) {
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
	g->lost = g->increments - taken / LAB_WITHDRAW_AMOUNT;
}

/*
 * Time on a CPU in nanoseconds.  A screen that draws ten frames a second sees
 * the ticks (10 ms each) move by 0 or 1 in a frame for a worker that mostly
 * waits; schedstat counts every nanosecond.  Without it, the ticks stand in.
 */
static void lab_worker_read_cpu_time(struct lab_worker *w, int sched_fd)
{
	static long tick;
	uint64_t ns;

	if (procfs_read_schedstat(sched_fd, &ns)) {
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
	struct lab_worker_private *p = lab_private(lab, w);
	struct procfs_stat st;

	w->activity = atomic_load(&s->state);
	if (!w->alive)
		return;
	/* parked before resumes: a worker counts its return to work before it parks again. */
	uint32_t parked = atomic_load(&s->parked);
	uint32_t resumes = atomic_load(&s->resumes);
	if (parked && p->stat_parked && resumes == p->stat_resumes && p->stat_epoch == lab->stat_epoch) {
		lab->pass.proc_skipped++;
		return;
	}
	if (!procfs_read_stat(p->stat_fd, &st)) {
		p->stat_parked = false;
		return;
	}
	uint32_t parked_after = atomic_load(&s->parked);
	p->stat_parked = parked && parked_after && atomic_load(&s->resumes) == resumes;
	p->stat_resumes = resumes;
	p->stat_epoch = lab->stat_epoch;
	w->state = (parked || parked_after) && st.state == 'S' ? 'R' : st.state;
	w->cpu = st.cpu;
	w->cpu_ticks = st.ticks;
	lab_worker_read_cpu_time(w, p->sched_fd);
}

void lab_read_if_consistent(struct lab *lab, struct lab_group *g, const void *arg)
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
void lab_observe_mask(struct lab *lab, uint32_t mask)
{
	lab_while_held_then(lab, mask, lab_read_procs, lab_read_if_consistent, NULL);
}

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
	lab_note_pass(lab, t);
}

void lab_last_pass(const struct lab *lab, struct lab_pass *pass)
{
	*pass = lab->pass;
}
