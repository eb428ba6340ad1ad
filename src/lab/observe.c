/* The observation pass: counters read where they live, /proc for each worker, while its group is held. */
#include "lab_priv.h"

#include <errno.h>

#include <signal.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "procfs.h"
#include "worker.h"

/*
 * One counter, read where it lives.  A process that is gone (ESRCH) tells
 * nothing; any other refusal (a seccomp filter, a ptrace rule, a kernel
 * without the call) means no counter can be shown, and is said once.
 */
static bool lab_read_remote(struct lab *lab, const struct lab_group *g, pid_t pid, uintptr_t address, int64_t *value)
{
	struct iovec local = { value, sizeof(*value) };
	struct iovec remote = { (void *)address, sizeof(*value) };

	if (process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)sizeof(*value))
		return true;
	if (errno != ESRCH && lab->memory_refused == 0) {
		lab->memory_refused = errno;
		struct lab_event *ev = lab_event_push(lab, LAB_EVENT_UNREADABLE, g, 0);
		if (ev != NULL)
			ev->status = errno;
	}
	return false;
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

/* How a worker stood across a read, by its phase before (p1) and after (p2). */
static enum lab_look lab_look_of(uint32_t p1, uint32_t p2)
{
	if (p1 != p2)
		return LAB_LOOK_MOVING;
	return (p1 & 1u) ? LAB_LOOK_MID : LAB_LOOK_EXACT;
}

/*
 * A private process's own counter and done, read as a seqlock's reader reads:
 * its phase, the figures, the phase again.  Only the process writes them (and
 * ptviz, which then forgets what it read, lab_group_restart), so a phase even
 * and unchanged since the last exact read means nothing to read again.  A
 * worker mid-increment keeps the figures of its last exact read, so its own
 * count and counter always agree; it needs no sibling.
 */
static enum lab_look lab_look_private(struct lab *lab, const struct lab_group *g, struct lab_worker *w)
{
	struct instr_slot *s = lab_slot(lab, w);
	struct lab_worker_private *p = lab_private(lab, w);
	uint32_t p1 = atomic_load_explicit(&s->phase, memory_order_acquire);
	int64_t counter;

	lab_worker_read_step(lab, g, w);
	if (!(p1 & 1u) && p->counter_valid && p->counter_phase == p1) {
		w->figures_at = lab_now(lab);   /* what was read still holds */
		return LAB_LOOK_EXACT;
	}
	int64_t done = atomic_load_explicit(&s->done, memory_order_acquire);
	if (!lab_read_remote(lab, g, w->pid, w->counter_address, &counter))
		return LAB_LOOK_EXACT;   /* gone: its exit tells the rest; keep what was read */
	atomic_thread_fence(memory_order_acquire);
	enum lab_look look = lab_look_of(p1, atomic_load_explicit(&s->phase, memory_order_relaxed));
	if (look == LAB_LOOK_EXACT) {
		w->done = done;
		w->counter = counter;
		w->figures_at = lab_now(lab);
		p->counter_valid = true;
		p->counter_phase = p1;
	}
	return look;
}

/* lost from a count of operations and a counter (or, for withdraw, the balance or the sum of balances). */
static int64_t lab_lost_of(const struct lab_group *g, int64_t increments, int64_t counter, int copies)
{
	if (g->workload != LAB_WORK_WITHDRAW)
		return increments - counter;
	/* Withdrawals the balance never saw: those made, less those the balance went down by. */
	return increments - ((int64_t)copies * g->start_balance - counter) / LAB_WITHDRAW_AMOUNT;
}

/* Private processes: each worker looked at by itself; returns how many were moving. */
static int lab_look_private_group(struct lab *lab, struct lab_group *g, int round, bool final)
{
	int moving = 0;
	int64_t increments = 0, counters = 0, refused = 0;

	g->overdrawn = false;
	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		struct lab_worker_private *p = lab_private(lab, w);
		p->awaited = false;   /* its own counter needs no sibling: mid-increment, it keeps its last figures */
		if (w->alive && (round == 0 || p->look == LAB_LOOK_MOVING)) {
			p->look = lab_look_private(lab, g, w);
			w->mid_increment = p->look == LAB_LOOK_MID;
			w->figures_kept = p->look == LAB_LOOK_MOVING;
			moving += p->look == LAB_LOOK_MOVING;
			lab->pass.mid += p->look == LAB_LOOK_MID;
		}
		increments += w->done;
		counters += w->counter;
		refused += w->refused;
		g->overdrawn |= g->workload == LAB_WORK_WITHDRAW && w->counter < 0;
	}
	g->increments = increments;
	g->counter = counters;
	g->refused = refused;
	/* Each worker's figures are exact for their own moment, and nobody else writes its counter. */
	g->lost = lab_lost_of(g, increments, counters, g->nworkers);
	g->lost_at_least = g->lost_kept = false;
	g->mid_id[0] = '\0';
	g->consistent = final ? moving == 0 : true;
	if (final)
		lab->pass.kept += moving;
	lab->moving_seen += moving;
	return moving;
}
/* The shared counter, read where it lives: in the thread host, or in a process of the group. */
static bool lab_read_shared(struct lab *lab, const struct lab_group *g, int64_t *value)
{
	if (g->kind == LAB_THREADS)
		return g->host_alive && lab_read_remote(lab, g, g->host, g->counter_address, value);
	for (int i = 0; i < g->nworkers; i++) {
		if (g->workers[i].alive && lab_read_remote(lab, g, g->workers[i].pid, g->counter_address, value))
			return true;
	}
	/* When all are gone, ptviz still maps the segment. */
	*value = atomic_load(&lab->segments[g->gate]->counter);
	return true;
}

/* Can updates of this group still be lost?  Only by a load and a store apart, on one counter for all. */
static bool lab_lost_can_grow(const struct lab_group *g)
{
	/* The channel's counter has one writer; each task's count is an atomic add. */
	return g->shared && g->sync == LAB_SYNC_NONE && g->workload != LAB_WORK_DEADLOCK &&
	       g->workload != LAB_WORK_CHANNEL && g->workload != LAB_WORK_TASKS;
}

/*
 * lost, when some writer stands mid-increment.  Under a lock or an atomic
 * add nothing can be lost, so lost is what it was: increments - counter can
 * only fall short of it, by an update stored and not yet counted.  Under sync
 * none a writer mid-increment will store the value it loaded, plus one (less
 * the amount, for withdraw).  Any value the counter can take from now on is at
 * most the highest of the counter and those loaded values, plus the stores
 * yet to come; each of them is counted, so increments - that highest value is
 * lost for good.  Simply increments - counter is not: a late store from a
 * stale value can give back what looked lost.  A writer that has not said
 * what it loaded (between its odd phase and its load, a few instructions)
 * leaves lost where it was, which was sure already.
 */
static void lab_judge_mid(struct lab *lab, struct lab_group *g, int64_t value)
{
	int64_t reach = value;

	if (!lab_lost_can_grow(g)) {
		int64_t seen = lab_lost_of(g, g->increments, value, 1);
		g->lost = seen > g->lost ? seen : g->lost;
		return;
	}
	g->lost_at_least = true;
	for (int i = 0; i < g->nworkers; i++) {
		const struct lab_worker *w = &g->workers[i];
		const struct lab_worker_private *p = lab_private(lab, w);
		if (!w->alive || p->look != LAB_LOOK_MID)
			continue;
		int64_t loaded;
		if (!instr_loaded_in(p->seen_loaded, p->phase, &loaded))
			return;
		if (g->workload == LAB_WORK_WITHDRAW ? loaded < reach : loaded > reach)
			reach = loaded;
	}
	int64_t sure = lab_lost_of(g, g->increments, reach, 1);
	if (sure > g->lost)
		g->lost = sure;
}

/*
 * Is a writer caught mid-increment worth waiting for (within the pass's
 * bound)?  Only where updates can still be lost, and only if it is not
 * stopped: most likely it waits for a CPU, which it gets as soon as the
 * running workers park and give way, and then lost is exact again.  With
 * more workers than CPUs one is nearly always mid-increment, and lost would
 * otherwise be a bound in most frames.  Starved by other programs, it does not
 * come: it is waited for only until lab->mid_until (LAB_MID_WAIT_NS into the
 * pass), and then the bound is shown.
 */
static bool lab_mid_awaited(struct lab *lab, const struct lab_group *g, const struct lab_worker *w, enum lab_look look)
{
	return look == LAB_LOOK_MID && lab_lost_can_grow(g) && !w->stopped && lab_ns() < lab->mid_until;
}

/* The figures of a shared group from one validated read. */
static void lab_shared_figures(struct lab *lab, struct lab_group *g, bool have, int64_t value, bool moving, bool final)
{
	int64_t increments = 0, refused = 0;
	bool mid = false, named_stopped = false, died_mid = false;

	g->mid_id[0] = '\0';
	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		const struct lab_worker_private *p = lab_private(lab, w);
		if (w->alive) {
			w->mid_increment = p->look == LAB_LOOK_MID;
			w->figures_kept = p->look == LAB_LOOK_MOVING;
			if (p->look != LAB_LOOK_MOVING) {
				w->done = p->seen_done;
				w->figures_at = lab_now(lab);
			}
			/* Named: the first one stopped mid-increment, for it stays so; else the first one. */
			if (p->look == LAB_LOOK_MID && (!mid || (w->stopped && !named_stopped))) {
				memcpy(g->mid_id, w->id, sizeof(g->mid_id));
				named_stopped = w->stopped;
				mid = true;
			}
			lab->pass.mid += p->look == LAB_LOOK_MID;
			lab->pass.kept += final && p->look == LAB_LOOK_MOVING;
		} else {
			/* Killed inside an operation: its slot keeps the odd phase it died with. */
			w->mid_increment = atomic_load_explicit(&lab_slot(lab, w)->phase, memory_order_acquire) & 1;
			died_mid |= w->mid_increment;
		}
		if (have)
			w->counter = value;
		increments += w->done;
		refused += w->refused;
	}
	if (g->kind == LAB_THREADS && !have)
		return; /* the host is gone: keep the figures of its last moment */
	g->increments = increments;
	g->counter = value;
	g->refused = refused;
	g->overdrawn = g->workload == LAB_WORK_WITHDRAW && value < 0;
	g->lost_at_least = false;
	g->lost_kept = moving;
	g->consistent = !moving && !mid;
	if (moving)
		return;   /* lost needs every writer: it keeps its last value */
	if (mid) {
		lab_judge_mid(lab, g, value);
	} else {
		/*
		 * A writer killed between its store and the count it publishes after
		 * took one increment with it, stored and never counted: increments -
		 * counter is then one short, so lost does not go back to it.
		 */
		int64_t exact = lab_lost_of(g, increments, value, 1);
		g->lost = died_mid && g->lost > exact ? g->lost : exact;
	}
}

/*
 * A group with one counter for all: every writer's phase, then each one's
 * done (and what it loaded), then the counter, then the phases again.  done
 * is read before the counter, which is stored before done is published: a
 * done seen means its store is seen too.  Returns how many were moving; the
 * figures are taken only when none was, or on the last look.
 */
static int lab_look_shared_group(struct lab *lab, struct lab_group *g, bool final)
{
	int64_t value = 0;
	int moving = 0;

	for (int i = 0; i < g->nworkers; i++) {
		if (g->workers[i].alive)
			lab_private(lab, &g->workers[i])->phase =
				atomic_load_explicit(&lab_slot(lab, &g->workers[i])->phase, memory_order_acquire);
	}
	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		struct lab_worker_private *p = lab_private(lab, w);
		if (!w->alive)
			continue;
		p->seen_loaded = atomic_load_explicit(&lab_slot(lab, w)->loaded, memory_order_relaxed);
		p->seen_done = atomic_load_explicit(&lab_slot(lab, w)->done, memory_order_acquire);
		lab_worker_read_step(lab, g, w);
	}
	bool have = lab_read_shared(lab, g, &value);
	atomic_thread_fence(memory_order_acquire);
	int waiting = 0;
	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		struct lab_worker_private *p = lab_private(lab, w);
		if (!w->alive)
			continue;
		p->look = lab_look_of(p->phase, atomic_load_explicit(&lab_slot(lab, w)->phase, memory_order_relaxed));
		moving += p->look == LAB_LOOK_MOVING;
		p->awaited = lab_mid_awaited(lab, g, w, p->look);
		waiting += p->look == LAB_LOOK_MOVING || p->awaited;
	}
	if (waiting == 0 || final)
		lab_shared_figures(lab, g, have, value, moving > 0, final);
	lab->moving_seen += moving;
	return waiting;
}

/* A look at a held group (a lab_look_fn). */
static int lab_group_look(struct lab *lab, struct lab_group *g, int round, bool final)
{
	int waiting = g->kind == LAB_PROCESSES && !g->shared ? lab_look_private_group(lab, g, round, final)
	                                                       : lab_look_shared_group(lab, g, final);
	work_figures(lab, g);
	return waiting;
}

/*
 * Time on a CPU in nanoseconds.  A screen that draws ten frames a second sees
 * the ticks (10 ms each) move by 0 or 1 in a frame for a worker that mostly
 * waits; schedstat counts every nanosecond.  Without it, the ticks stand in.
 */
static void lab_worker_read_cpu_time(struct lab_worker *w, int sched_fd)
{
	static long tick;
	uint64_t ns, waited;

	/* The time it waited ready, too: the lifecycle tells ready from running by it. */
	if (procfs_read_schedstat_waited(sched_fd, &ns, &waited)) {
		w->cpu_ns = ns;
		w->ready_ns = waited;
		return;
	}
	if (tick == 0)
		tick = sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100;
	w->cpu_ns = w->cpu_ticks * (uint64_t)(1000000000L / tick);
}

static bool lab_shows_stopped(const struct lab_worker *w)
{
	return w->state == 'T' || w->state == 't';
}

/* Does /proc, as last read, show some thread of the process stopped? */
static bool lab_process_shows_stopped(const struct lab_group *g, pid_t pid)
{
	for (int i = 0; i < g->nworkers; i++) {
		if (g->workers[i].alive && g->workers[i].pid == pid && lab_shows_stopped(&g->workers[i]))
			return true;
	}
	return false;
}

/*
 * What the kernel says of a worker: its state, the CPU it last ran on, its
 * CPU time.  Read before the hold, so the state is the worker's own; a worker
 * still parked from the last pass, asleep on the gate, shows R, as it would
 * have but for the observation.
 *
 * Each read of stat costs the kernel a microsecond or more, and with hundreds
 * of workers on few CPUs most have not had a CPU since the last pass.  A
 * worker that says it is running and whose phase and returns to work have not
 * changed since its stat was last read has neither counted nor come back from
 * a boundary: what that read gave still holds.  Not for long, though: it may
 * have gone to sleep on a lock meanwhile, so stat is read again every
 * LAB_STAT_SKIP_MAX passes.  A stop or a continue from outside, or ptviz moving
 * workers to other CPUs, bumps lab->stat_epoch; a worker last seen stopped is
 * read every pass, to see it continue.
 */
static void lab_worker_read_proc(struct lab *lab, struct lab_group *g, struct lab_worker *w)
{
	struct instr_slot *s = lab_slot(lab, w);
	struct lab_worker_private *p = lab_private(lab, w);
	struct procfs_stat st;

	w->activity = atomic_load(&s->state);
	if (!w->alive)
		return;
	uint32_t phase = atomic_load(&s->phase);
	uint32_t resumes = atomic_load(&s->resumes);
	/*
	 * Not for a green thread: its task is a kernel thread that runs its
	 * siblings too, and one of them blocking in the kernel puts it to sleep
	 * while this one has counted nothing.
	 */
	if (p->stat_valid && w->activity == LAB_ACT_RUNNING && phase == p->stat_phase && resumes == p->stat_resumes &&
	    p->stat_epoch == lab->stat_epoch && !w->stopped && p->stat_skips < LAB_STAT_SKIP_MAX && g->green.kernels == 0) {
		p->stat_skips++;
		lab->pass.proc_skipped++;
		return;
	}
	p->stat_valid = false;
	if (!procfs_read_stat(p->stat_fd, &st))
		return;
	p->stat_valid = true;
	p->stat_phase = phase;
	p->stat_resumes = resumes;
	p->stat_epoch = lab->stat_epoch;
	p->stat_skips = 0;
	/*
	 * A green thread parks by giving way, never by sleeping: its kernel thread
	 * asleep (S) is a sibling's blocking call, which stalls this one too.
	 */
	bool parked_asleep = atomic_load(&s->parked) && st.state == 'S' && g->green.kernels == 0;
	w->state = parked_asleep ? 'R' : st.state;
	w->cpu = st.cpu;
	w->cpu_ticks = st.ticks;
	lab_worker_read_cpu_time(w, p->sched_fd);
	/*
	 * Stopped (T) or stopped by a tracer (t).  A stop is for the whole process,
	 * but each thread stops when it next runs: one shows T while its siblings,
	 * waiting for a CPU, still show R.  So one T is a stop, and only no T left
	 * in the process is a continue (or the SIGCHLD that says so, reap.c).
	 */
	if (lab_shows_stopped(w) && !w->stopped)
		lab_note_stop(lab, g, w->pid, true, lab_stop_signal(w->pid));
	else if (w->stopped && !lab_process_shows_stopped(g, w->pid))
		/* Out of a stop there is one way, SIGCONT; a tracer's stop ends at its word. */
		lab_note_stop(lab, g, w->pid, false, w->stop_signal == SIGTRAP ? 0 : SIGCONT);
}

void lab_read_if_consistent(struct lab *lab, struct lab_group *g, const void *arg)
{
	(void)arg;
	/* Every worker is parked at a boundary (a command's hold): one look reads it all. */
	if (g->consistent)
		lab_group_look(lab, g, 0, true);
}

/* /proc for every worker of the groups in mask. */
static void lab_read_procs(struct lab *lab, uint32_t mask)
{
	int64_t t = lab_ns();

	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *g = &lab->groups[i];
		if (!(mask & (1u << i)))
			continue;
		for (int j = 0; j < g->nworkers; j++) {
			lab_worker_read_proc(lab, g, &g->workers[j]);
			lab_tell_stop(lab, g, &g->workers[j], false);
		}
		if (g->green.kernels > 0)
			lab_green_read(lab, g);
	}
	lab->pass.proc_ns += lab_ns() - t;
}

/*
 * One pass over the groups selected by mask (bit i: group i).  /proc first,
 * before any hold: a worker parked for a hold would show asleep, and reading
 * hundreds of stat files while the groups are held would keep every running
 * worker parked meanwhile.  Then the groups are held and read (lab_hold_pass).
 */
void lab_observe_mask(struct lab *lab, uint32_t mask)
{
	lab_read_procs(lab, mask);
	lab_hold_pass(lab, mask, lab_group_look);
}

void lab_observe(struct lab *lab)
{
	int64_t t = lab_ns();

	memset(&lab->pass, 0, sizeof(lab->pass));
	lab_dispatch(lab);
	lab->pass.dispatch_ns = lab_ns() - t;
	lab_observe_mask(lab, ~0u);
	lab_observe_files_and_kids(lab);
	lab_observe_env_and_batches(lab);
	lab_observe_memory(lab);
	work_observe(lab);
	lab->pass.total_ns = lab_ns() - t;
	for (int i = 0; i < lab->ngroups; i++)
		lab->pass.workers += lab->groups[i].alive;
	lab_note_pass(lab, t);
}

/* Is a group's figure unsure only because a writer that is not stopped stands mid-increment or did not park? */
static bool lab_group_may_settle(const struct lab_group *g)
{
	if (g->consistent)
		return false;
	for (int i = 0; i < g->nworkers; i++) {
		const struct lab_worker *w = &g->workers[i];
		if (w->alive && !w->stopped && (w->mid_increment || w->figures_kept))
			return true;
	}
	return false;
}

/*
 * A pass, then, for the groups it could not read whole because a writer that
 * is not stopped stood mid-increment (waiting for a CPU, most likely), a
 * command's hold: every worker waited for until it parks, for up to
 * LAB_HOLD_TIMEOUT_NS.  The parked ones give way, so the one mid-increment
 * gets a CPU and finishes.  A group still not held keeps the pass's figures.
 */
void lab_observe_settled(struct lab *lab)
{
	uint32_t mask = 0;

	lab_observe(lab);
	for (int i = 0; i < lab->ngroups; i++) {
		if (lab_group_may_settle(&lab->groups[i]))
			mask |= 1u << i;
	}
	if (mask != 0)
		lab_while_held(lab, mask, lab_read_if_consistent, NULL);
}

void lab_last_pass(const struct lab *lab, struct lab_pass *pass)
{
	*pass = lab->pass;
}
