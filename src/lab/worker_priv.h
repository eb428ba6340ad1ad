/* What a worker's two files ask of each other: its life (worker.c) and the workloads' code (workload.c). */
#ifndef PTVIZ_WORKER_PRIV_H
#define PTVIZ_WORKER_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "worker.h"

/*
 * What a worker is in the middle of: one operation (an increment or a
 * withdrawal) taken as micro-steps.  Outside step mode a whole operation runs
 * between two boundaries; in step mode each micro-step is a boundary of its own.
 */
struct worker_op {
	bool busy;                 /* part of an operation is done: reg holds a loaded value */
	bool locked;               /* it holds the group's lock */
	enum lab_workload workload;
	enum lab_sync sync;        /* both latched when the operation began */
	enum lab_step next;
	int64_t reg;
};

/*
 * The phase word (instr.h), written as a seqlock's writer writes its
 * sequence: odd, a release fence so nothing the operation stores is seen
 * before it, the operation, then even with release.  On x86 these are plain
 * stores.  The odd store may still sit in the store buffer when the counter is
 * loaded; a task that stops or is preempted enters the kernel, which drains it,
 * and one still running changes its phase long before ptviz's second look.
 */
static inline void worker_phase_begin(struct instr_slot *s)
{
	atomic_store_explicit(&s->phase, atomic_load_explicit(&s->phase, memory_order_relaxed) + 1,
	                      memory_order_release);
	atomic_thread_fence(memory_order_release);
}

static inline void worker_phase_end(struct instr_slot *s)
{
	atomic_store_explicit(&s->phase, atomic_load_explicit(&s->phase, memory_order_relaxed) + 1,
	                      memory_order_release);
}

/* sync none on a shared counter: the value loaded, which the store will be made from. */
static inline void worker_phase_loaded(struct instr_slot *s, int64_t value)
{
	atomic_store_explicit(&s->loaded, instr_loaded(value, atomic_load_explicit(&s->phase, memory_order_relaxed)),
	                      memory_order_relaxed);
}

/* ---- worker.c ---- */

/* The monotonic clock in nanoseconds. */
int64_t worker_ns(void);
/*
 * The boundary: between two operations, and in step mode between two
 * micro-steps, the worker answers its control word and the group's gate.
 * Returns true when the worker should end.
 */
bool worker_boundary(struct instr_gate *g, struct instr_slot *s, struct worker_op *op, pthread_mutex_t *lock);
/* Parks for a hold that began while the worker was blocked, before it touches memory again. */
void worker_park_if_held(struct instr_gate *g, struct instr_slot *s);
/*
 * Takes a lock that may stay taken a long time (step mode, a deadlock, the
 * GIL), answering its control word while it waits; false, without the lock,
 * when it must answer it (or let go, see bail_on_fix).  id: LAB_LOCK_A or _B.
 */
bool worker_lock_wait(struct instr_gate *g, struct instr_slot *s, pthread_mutex_t *lock, uint32_t id,
                      bool bail_on_fix);

/* Performs an injected fault on itself (segv, abort, exit, loop): it does not come back. */
void worker_fault(struct instr_slot *s, uint32_t fault);
/* Carries out a request that is not a fault (open, close, fork) and answers it; false when ctl holds none. */
bool worker_request(struct instr_slot *s, uint32_t ctl);

/* ---- workload.c ---- */

/* Lets go of the group's lock if the operation holds it. */
void worker_unlock(struct worker_op *op, pthread_mutex_t *lock);
/* Forgets a half-done operation: ptviz has reset the memory it was working on. */
void worker_drop(struct instr_gate *g, struct instr_slot *s, struct worker_op *op, pthread_mutex_t *lock);
/* The workload every worker runs, under the group's workload, sync mode and flags, until it ends. */
void worker_run(struct instr_gate *g, struct instr_slot *s, const struct worker_mem *m);

#endif
