/* What a green thread does: counter++ under the group's sync mode, its boundary (holds, pause, end, faults), a blocking call, and yield anywhere. */
#include "green.h"
#include "worker_priv.h"

#include <errno.h>
#include <sched.h>
#include <unistd.h>

/*
 * The group's mutex, as a green runtime must make it: a green thread that
 * finds it taken gives way to the others until it is free.  A pthread mutex
 * would put the whole kernel thread to sleep, and with it the green thread
 * that holds the lock and would let it go.
 */
static _Atomic int green_lock_word;

static void green_lock(void)
{
	while (atomic_exchange_explicit(&green_lock_word, 1, memory_order_acquire) != 0)
		green_yield(false);
}

static void green_unlock(void)
{
	atomic_store_explicit(&green_lock_word, 0, memory_order_release);
}

/* A return to work from a boundary, counted for ptviz (see worker_resume in worker.c). */
static void green_resume(struct instr_slot *s)
{
	atomic_store_explicit(&s->resumes, atomic_load_explicit(&s->resumes, memory_order_relaxed) + 1,
	                      memory_order_relaxed);
}

/*
 * Parks for a hold as worker_hold does (acknowledged once, `parked` said),
 * except that it waits by giving way to the other green threads, never by
 * sleeping: they must reach their own boundaries on this kernel thread.
 */
static void green_park(struct instr_gate *g, struct instr_slot *s, uint32_t hold)
{
	if (atomic_load_explicit(&s->ack, memory_order_relaxed) != hold) {
		atomic_store(&s->ack, hold);
		if (atomic_load(&s->awaited) == hold && atomic_exchange(&s->awaited, 0) == hold &&
		    atomic_fetch_sub(&g->pending, 1) == 1)
			instr_futex_wake(&g->pending, 1);
	}
	atomic_store(&s->parked, 1);
	while (atomic_load(&g->hold) == hold)
		green_yield(true);
	atomic_store(&s->parked, 0);
}

/*
 * `inject block` on a green thread: a real blocking system call, a futex
 * wait of 3 s on its own control word (a kill wakes it early).  The kernel
 * thread under it sleeps (S in ps); without hand-off, so does every green
 * thread that kernel thread would have run.
 */
static void green_block(struct instr_slot *s)
{
	int64_t until = worker_ns() + INSTR_BLOCK_NS;

	atomic_store(&s->state, LAB_ACT_BLOCKING);
	green_syscall_enter();
	for (int64_t left = until - worker_ns(); left > 0; left = until - worker_ns()) {
		uint32_t ctl = atomic_load(&s->control);
		if (ctl & INSTR_CTL_END)
			break;
		instr_futex_wait(&s->control, ctl, (long)left);
	}
	green_syscall_leave();
	atomic_store(&s->state, LAB_ACT_RUNNING);
}

/*
 * The boundary, as worker_boundary has it for a kernel thread, with every
 * wait turned into giving way.  Step mode is not for green threads (ptviz
 * refuses it); a step bit is waited out as a pause.  True: end.
 */
static bool green_boundary(struct instr_gate *g, struct instr_slot *s)
{
	for (;;) {
		uint32_t hold = atomic_load(&g->hold);
		uint32_t ctl = atomic_load(&s->control);

		if (hold != 0) {
			green_park(g, s, hold);
			continue;
		}
		if (ctl & INSTR_CTL_END) {
			atomic_store(&s->state, LAB_ACT_ENDED);
			return true;
		}
		if (worker_request(s, ctl))
			continue;
		if (instr_ctl_fault(ctl) == LAB_FAULT_BLOCK) {
			atomic_fetch_and(&s->control, ~INSTR_CTL_FAULT_MASK);
			green_resume(s);
			green_block(s);
			continue;
		}
		if (instr_ctl_fault(ctl) != LAB_FAULT_NONE)
			worker_fault(s, instr_ctl_fault(ctl));   /* a loop spins here, and holds its kernel thread for good */
		if (ctl & INSTR_CTL_DROP) {
			atomic_fetch_and(&s->control, ~INSTR_CTL_DROP);
			continue;
		}
		if (ctl & (INSTR_CTL_PAUSE | INSTR_CTL_STEP)) {
			atomic_store(&s->state, LAB_ACT_PAUSED);
			green_yield(true);
			continue;
		}
		atomic_store(&s->state, LAB_ACT_RUNNING);
		green_resume(s);
		return false;
	}
}

/* An increment is counted: done goes up, is published, and the phase is even again. */
static void green_counted(struct instr_slot *s, volatile int64_t *done)
{
	*done = *done + 1;
	atomic_store_explicit(&s->done, *done, memory_order_release);
	worker_phase_end(s);
}

/*
 * counter++ under the sync mode.  switch_mid: give way between the load
 * and the store, as a preemptive scheduler may (yield anywhere).  Another
 * green thread then loads the same value, and one of the two stores is lost.
 * An atomic add has no such gap: there is nowhere to switch.
 */
static void green_increment(struct instr_slot *s, enum lab_sync sync, bool switch_mid, volatile int64_t *done)
{
	_Atomic int64_t *counter = &worker_counter;

	if (sync == LAB_SYNC_ATOMIC) {
		worker_phase_begin(s);
		atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
	} else {
		if (sync == LAB_SYNC_MUTEX)
			green_lock();
		worker_phase_begin(s);
		int64_t v = atomic_load_explicit(counter, memory_order_relaxed);
		worker_phase_loaded(s, v);
		if (switch_mid)
			green_yield(false);
		atomic_store_explicit(counter, v + 1, memory_order_relaxed);
		if (sync == LAB_SYNC_MUTEX)
			green_unlock();
	}
	green_counted(s, done);
}

/* The cpu workload's work: some tens of microseconds of arithmetic. */
static void green_compute(void)
{
	static volatile uint64_t sink;
	uint64_t x = sink + 1;

	for (int i = 0; i < 20000; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	sink = x;
}

void green_work(struct instr_gate *g, struct instr_slot *s)
{
	volatile int64_t done = 0;   /* on this green thread's own stack */
	unsigned turn = 0;

	atomic_store(&s->stack_address, (uint64_t)(uintptr_t)&done);
	atomic_store(&s->tid, (int32_t)gettid());
	atomic_store(&s->state, LAB_ACT_RUNNING);
	for (;;) {
		if (atomic_load_explicit(&g->hold, memory_order_acquire) != 0 ||
		    atomic_load_explicit(&s->control, memory_order_acquire) != 0) {
			if (green_boundary(g, s))
				return;
		}
		enum lab_sync sync = atomic_load_explicit(&g->sync, memory_order_relaxed);
		if (atomic_load_explicit(&g->workload, memory_order_relaxed) == LAB_WORK_CPU)
			green_compute();
		bool last_of_turn = ++turn % GREEN_TURN == 0;
		green_increment(s, sync, last_of_turn && green_anywhere(), &done);
		/* Cooperative: it gives way here, between two increments (and, yielding anywhere, inside the last one too). */
		if (last_of_turn)
			green_yield(false);
	}
}
