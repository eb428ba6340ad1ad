/* The workloads' code, run between two boundaries: counter++ under each sync mode, withdraw, deadlock, io, cpu, the event loop, the GIL's slice, and step mode's micro-steps. */
#include "worker_priv.h"
#include "work_channel.h"

#include "annex.h"

#include <errno.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

/* The first micro-step of an operation under a workload and a sync mode. */
enum lab_step worker_first_step(enum lab_workload workload, enum lab_sync sync)
{
	if (workload == LAB_WORK_WITHDRAW)
		return LAB_STEP_CHECK;
	return sync == LAB_SYNC_ATOMIC ? LAB_STEP_FETCH_ADD : LAB_STEP_LOAD;
}

/* Shows ptviz what the worker holds and what it will do next. */
static void worker_publish(struct instr_gate *g, struct instr_slot *s, const struct worker_op *op)
{
	enum lab_step next = op->busy ? op->next
	                              : worker_first_step(atomic_load_explicit(&g->workload, memory_order_relaxed),
	                                                  atomic_load_explicit(&g->sync, memory_order_relaxed));
	atomic_store_explicit(&s->reg, op->reg, memory_order_relaxed);
	atomic_store_explicit(&s->has_reg, op->busy, memory_order_relaxed);
	atomic_store_explicit(&s->holds_lock, op->locked, memory_order_relaxed);
	atomic_store_explicit(&s->next, next, memory_order_release);
}

void worker_unlock(struct worker_op *op, pthread_mutex_t *lock)
{
	if (op->locked) {
		pthread_mutex_unlock(lock);
		op->locked = false;
	}
}

/* Forgets a half-done operation: ptviz has reset the memory it was working on. */
void worker_drop(struct instr_gate *g, struct instr_slot *s, struct worker_op *op, pthread_mutex_t *lock)
{
	worker_unlock(op, lock);
	op->busy = false;
	op->reg = 0;
	atomic_fetch_and(&s->control, ~INSTR_CTL_DROP);
	worker_publish(g, s, op);
}
static bool worker_lock(struct instr_gate *g, struct instr_slot *s, struct worker_op *op, pthread_mutex_t *lock)
{
	if (!worker_lock_wait(g, s, lock, LAB_LOCK_A, false))
		return false;
	op->locked = true;
	return true;
}

/*
 * One micro-step of the operation.  Only stores and the indivisible steps
 * change the counter and done; loads and checks only read, so a hold can
 * never catch an update half made.  Returns false when it could not begin
 * (it was waiting for the lock and must answer its boundary).
 */
static bool worker_micro(struct instr_gate *g, struct instr_slot *s, struct worker_op *op,
                         _Atomic int64_t *counter, pthread_mutex_t *lock, volatile int64_t *done)
{
	if (!op->busy) {
		op->workload = atomic_load_explicit(&g->workload, memory_order_relaxed);
		op->sync = atomic_load_explicit(&g->sync, memory_order_relaxed);
		op->next = worker_first_step(op->workload, op->sync);
	}
	enum lab_step step = op->next;
	bool finished = false;
	/* Only these write the counter; a worker waiting between the others holds a register, exact at that cut. */
	bool writes = step == LAB_STEP_STORE || step == LAB_STEP_FETCH_ADD || step == LAB_STEP_FETCH_SUB;

	if ((step == LAB_STEP_LOAD || step == LAB_STEP_CHECK) && op->sync == LAB_SYNC_MUTEX && !op->locked &&
	    !worker_lock(g, s, op, lock))
		return false;
	if (writes)
		worker_phase_begin(s);
	switch (step) {
	case LAB_STEP_LOAD:
		op->reg = atomic_load_explicit(counter, memory_order_relaxed);
		op->next = op->workload == LAB_WORK_WITHDRAW ? LAB_STEP_STORE : LAB_STEP_ADD;
		break;
	case LAB_STEP_ADD:
		op->reg = op->reg + 1;
		op->next = LAB_STEP_STORE;
		break;
	case LAB_STEP_STORE: {
		int64_t value = op->workload == LAB_WORK_WITHDRAW ? op->reg - LAB_WITHDRAW_AMOUNT : op->reg;
		atomic_store_explicit(counter, value, memory_order_relaxed);
		op->reg = value;
		*done = *done + 1;
		finished = true;
		break;
	}
	case LAB_STEP_FETCH_ADD:
		op->reg = atomic_fetch_add_explicit(counter, 1, memory_order_relaxed) + 1;
		*done = *done + 1;
		finished = true;
		break;
	case LAB_STEP_CHECK:
		op->reg = atomic_load_explicit(counter, memory_order_relaxed);
		if (op->reg >= LAB_WITHDRAW_AMOUNT) {
			op->next = op->sync == LAB_SYNC_ATOMIC ? LAB_STEP_FETCH_SUB : LAB_STEP_LOAD;
		} else {
			atomic_fetch_add_explicit(&s->refused, 1, memory_order_relaxed);
			finished = true;
		}
		break;
	case LAB_STEP_FETCH_SUB:
		op->reg = atomic_fetch_sub_explicit(counter, LAB_WITHDRAW_AMOUNT, memory_order_relaxed) -
		          LAB_WITHDRAW_AMOUNT;
		*done = *done + 1;
		finished = true;
		break;
	}
	op->busy = !finished;
	if (finished)
		worker_unlock(op, lock);
	atomic_store_explicit(&s->last, step, memory_order_relaxed);
	atomic_store_explicit(&s->done, *done, memory_order_release);
	if (writes)
		worker_phase_end(s);
	return true;
}

/* An operation is counted: done goes up, is published, and the phase is even again. */
static inline __attribute__((always_inline)) void worker_counted(struct instr_slot *s, volatile int64_t *done)
{
	*done = *done + 1;
	atomic_store_explicit(&s->done, *done, memory_order_release);
	worker_phase_end(s);
}

/* A whole withdrawal outside step mode: check the balance, then take the money. */
static void worker_withdraw(struct instr_slot *s, enum lab_sync sync, const struct worker_mem *m,
                            volatile int64_t *done)
{
	_Atomic int64_t *counter = m->counter;
	pthread_mutex_t *lock = m->lock;

	if (sync == LAB_SYNC_MUTEX && pthread_mutex_lock(lock) == EOWNERDEAD)
		pthread_mutex_consistent(lock);
	worker_phase_begin(s);
	int64_t balance = atomic_load_explicit(counter, memory_order_relaxed);
	if (balance < LAB_WITHDRAW_AMOUNT) {
		atomic_fetch_add_explicit(&s->refused, 1, memory_order_relaxed);
		if (sync == LAB_SYNC_MUTEX)
			pthread_mutex_unlock(lock);
		worker_phase_end(s);
		return;
	}
	if (sync == LAB_SYNC_ATOMIC) {
		/* The update is indivisible, but the check before it is not. */
		atomic_fetch_sub_explicit(counter, LAB_WITHDRAW_AMOUNT, memory_order_relaxed);
	} else {
		int64_t v = atomic_load_explicit(counter, memory_order_relaxed);
		if (sync == LAB_SYNC_NONE && m->shared)
			worker_phase_loaded(s, v);
		atomic_store_explicit(counter, v - LAB_WITHDRAW_AMOUNT, memory_order_relaxed);
	}
	if (sync == LAB_SYNC_MUTEX)
		pthread_mutex_unlock(lock);
	worker_counted(s, done);
}

/*
 * counter++ under the group's sync mode, and counted.  The phase is odd from
 * before the load (under a mutex, once the lock is taken: a worker asleep on
 * the lock has written nothing) until done is published.
 */
/* Inlined into each loop: a call per increment would cost more than the increment. */
static inline __attribute__((always_inline)) void worker_increment(struct instr_slot *s, enum lab_sync sync, const struct worker_mem *m,
                             volatile int64_t *done)
{
	_Atomic int64_t *counter = m->counter;
	pthread_mutex_t *lock = m->lock;

	switch (sync) {
	case LAB_SYNC_MUTEX:
		if (pthread_mutex_lock(lock) == EOWNERDEAD)
			pthread_mutex_consistent(lock);
		worker_phase_begin(s);
		atomic_store_explicit(counter, atomic_load_explicit(counter, memory_order_relaxed) + 1,
		                      memory_order_relaxed);
		pthread_mutex_unlock(lock);
		break;
	case LAB_SYNC_ATOMIC:
		worker_phase_begin(s);
		atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
		break;
	default: {
		/* A separate load and store: another worker's store in between is lost. */
		worker_phase_begin(s);
		int64_t v = atomic_load_explicit(counter, memory_order_relaxed);
		if (m->shared)
			worker_phase_loaded(s, v);
		atomic_store_explicit(counter, v + 1, memory_order_relaxed);
		break;
	}
	}
	worker_counted(s, done);
}

/* The cpu workload's work: arithmetic that keeps a CPU busy for some tens of microseconds. */
static void worker_compute(void)
{
	static _Thread_local volatile uint64_t sink;
	uint64_t x = sink + 1;

	for (int i = 0; i < 20000; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	sink = x;
}

/*
 * The deadlock workload: odd workers take A then B, even ones B then A, with
 * a moment's work between, so two of them soon hold one lock each and wait
 * for the other's, for ever.  With lockorder fixed every worker takes A
 * first, and one already stuck holding B lets go and starts again.
 */
static void worker_deadlock(struct instr_gate *g, struct instr_slot *s, const struct worker_mem *m,
                            volatile int64_t *done)
{
	bool a_first = (s->number % 2 == 1) || (atomic_load(&g->flags) & INSTR_GATE_LOCKORDER);
	pthread_mutex_t *first = a_first ? m->lock : m->lock_b, *second = a_first ? m->lock_b : m->lock;
	uint32_t first_id = a_first ? LAB_LOCK_A : LAB_LOCK_B, second_id = a_first ? LAB_LOCK_B : LAB_LOCK_A;
	struct timespec work = { 0, 1000000L };

	if (!worker_lock_wait(g, s, first, first_id, false))
		return;
	atomic_store(&s->holds_lock, first_id);
	nanosleep(&work, NULL);
	if (!worker_lock_wait(g, s, second, second_id, !a_first)) {
		pthread_mutex_unlock(first);
		atomic_store(&s->holds_lock, 0);
		return;
	}
	atomic_store(&s->holds_lock, LAB_LOCK_A | LAB_LOCK_B);
	worker_phase_begin(s);
	atomic_store_explicit(m->counter, atomic_load_explicit(m->counter, memory_order_relaxed) + 1,
	                      memory_order_relaxed);
	worker_counted(s, done);
	pthread_mutex_unlock(second);
	pthread_mutex_unlock(first);
	atomic_store(&s->holds_lock, 0);
}

/*
 * The event loop: worker 1 serves tasks from a queue as they arrive, one every
 * millisecond, each a small piece of work and counter++; when none is waiting
 * it sleeps as in epoll_wait.  The other workers are a pool that waits for work.
 * A long task in the loop (`inject block` on worker 1) stops all serving and
 * the backlog grows; the same task in a pool worker leaves the loop serving.
 */
static void worker_eventloop(struct instr_gate *g, struct instr_slot *s, const struct worker_mem *m,
                             volatile int64_t *done, int64_t arrivals_from[2])
{
	struct timespec nap = { 0, 200000L };

	if (s->number != 1) {
		atomic_store(&s->state, LAB_ACT_IOWAIT);
		nanosleep(&nap, NULL);
		atomic_store(&s->state, LAB_ACT_RUNNING);
		worker_park_if_held(g, s);
		return;
	}
	int64_t now = worker_ns();
	/* First time, or ptviz started the count again: tasks arrive from now on. */
	if (arrivals_from[0] == 0 || *done < arrivals_from[1]) {
		arrivals_from[0] = now - (*done) * INSTR_TASK_EVERY_NS;
		/* ptviz counts the queue by the same clock, even while the loop is too busy to say. */
		atomic_store(&s->arrivals_ns, arrivals_from[0]);
	}
	int64_t arrived = (now - arrivals_from[0]) / INSTR_TASK_EVERY_NS;
	int64_t waiting = arrived - *done;
	if (waiting <= 0) {
		atomic_store(&s->state, LAB_ACT_IOWAIT);
		nanosleep(&nap, NULL);
		atomic_store(&s->state, LAB_ACT_RUNNING);
		worker_park_if_held(g, s);
		return;
	}
	/* One task: a little work, then its result counted. */
	for (volatile int i = 0; i < 2000; i++)
		;
	worker_increment(s, atomic_load_explicit(&g->sync, memory_order_relaxed), m, done);
	arrivals_from[1] = *done;
}

/* The io workload: asleep for 2 ms as if waiting for a disk, then counter++. */
static void worker_io(struct instr_gate *g, struct instr_slot *s)
{
	struct timespec wait = { 0, 2000000L };

	atomic_store(&s->state, LAB_ACT_IOWAIT);
	nanosleep(&wait, NULL);
	atomic_store(&s->state, LAB_ACT_RUNNING);
	worker_park_if_held(g, s);
}

/*
 * Under the GIL: take the process's one interpreter lock, work for up to
 * 5 ms (CPython's switch interval), let it go.  Threads of one process take
 * turns; each process has its own GIL, so processes still run side by side.
 */
static void worker_gil_slice(struct instr_gate *g, struct instr_slot *s, const struct worker_mem *m,
                             volatile int64_t *done)
{
	struct timespec t0, now;

	if (!worker_lock_wait(g, s, m->gil, LAB_LOCK_A, false))
		return;
	atomic_store(&s->holds_lock, LAB_LOCK_A);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	bool cpu = atomic_load_explicit(&g->workload, memory_order_relaxed) == LAB_WORK_CPU;
	for (int i = 1;; i++) {
		if (cpu)
			worker_compute();
		worker_increment(s, atomic_load_explicit(&g->sync, memory_order_relaxed), m, done);
		if (atomic_load_explicit(&g->hold, memory_order_acquire) != 0 ||
		    atomic_load_explicit(&s->control, memory_order_acquire) != 0)
			break;
		if (cpu || i % 256 == 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if ((now.tv_sec - t0.tv_sec) * 1000000000L + (now.tv_nsec - t0.tv_nsec) >= 5000000L)
				break;
		}
	}
	atomic_store(&s->holds_lock, 0);
	pthread_mutex_unlock(m->gil);
	/* Let a waiting thread have it: a mutex handed straight back would starve the others. */
	sched_yield();
}

/* The workload every worker runs, under the group's workload, sync mode and flags. */
void worker_run(struct instr_gate *g, struct instr_slot *s, const struct worker_mem *m)
{
	volatile int64_t done = 0;   /* this worker's own count, on its own stack */
	struct worker_op op = { 0 };
	int64_t arrivals_from[2] = { 0, 0 };  /* eventloop: when tasks began to arrive; done then */

	atomic_store(&s->stack_address, (uint64_t)(uintptr_t)&done);
	atomic_store(&s->tid, (int32_t)gettid());
	worker_publish(g, s, &op);
	/* Reported in first, at ptviz's priority, so a spawn of hundreds is quick. */
	worker_go_idle();
	atomic_store(&s->state, LAB_ACT_RUNNING);
	for (;;) {
		uint32_t ctl = atomic_load_explicit(&s->control, memory_order_acquire);
		if (atomic_load_explicit(&g->hold, memory_order_acquire) != 0 || ctl != 0) {
			if (worker_boundary(g, s, &op, m->lock)) {
				work_tasks_leave();   /* a thread per task is joined before its starter ends */
				return;
			}
			ctl = atomic_load_explicit(&s->control, memory_order_acquire);
		}
		if ((ctl & INSTR_CTL_STEP) || op.busy) {
			/* One micro-step: permitted in step mode, or finishing what step mode left half done. */
			worker_micro(g, s, &op, m->counter, m->lock, &done);
			worker_publish(g, s, &op);
			continue;
		}
		enum lab_sync sync = atomic_load_explicit(&g->sync, memory_order_relaxed);
		enum lab_workload workload = atomic_load_explicit(&g->workload, memory_order_relaxed);
		if ((atomic_load_explicit(&g->flags, memory_order_relaxed) & INSTR_GATE_GIL) &&
		    (workload == LAB_WORK_COUNTER || workload == LAB_WORK_CPU)) {
			worker_gil_slice(g, s, m, &done);
			continue;
		}
		if (__builtin_expect(work_tasks_outstanding != 0, 0) && workload != LAB_WORK_TASKS)
			work_tasks_leave();
		switch (workload) {
		case LAB_WORK_CHANNEL:
			work_channel(g, s, m, &done);
			break;
		case LAB_WORK_TASKS:
			work_tasks(g, s, m, &done);
			break;
		case LAB_WORK_WITHDRAW:
			worker_withdraw(s, sync, m, &done);
			break;
		case LAB_WORK_DEADLOCK:
			worker_deadlock(g, s, m, &done);
			break;
		case LAB_WORK_IO:
			worker_io(g, s);
			worker_increment(s, sync, m, &done);
			break;
		case LAB_WORK_EVENTLOOP:
			worker_eventloop(g, s, m, &done, arrivals_from);
			break;
		case LAB_WORK_CPU:
			worker_compute();
			worker_increment(s, sync, m, &done);
			break;
		case LAB_WORK_BATCHES:
			worker_increment(s, sync, m, &done);
			if (done % ANNEX_BATCH == 0 && worker_batch_delivered(s, done))
				return;   /* no more work: the thread ends, and its host joins it */
			break;
		default:
			/* Each operation publishes done itself, before its phase is even again. */
			worker_increment(s, sync, m, &done);
			break;
		}
	}
}
