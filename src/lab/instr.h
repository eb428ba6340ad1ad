/* The instrument panel: memory shared by ptviz and every worker, kept apart from the demonstrated memory. */
#ifndef PTVIZ_INSTR_H
#define PTVIZ_INSTR_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lab.h"     /* the lock bits and the withdraw amounts */
#include "vocab.h"   /* the enums of states, faults, sync modes, workloads and steps */

/*
 * The instrument panel is one MAP_SHARED anonymous mapping made before the
 * first fork, so every worker (thread or process) sees the same pages.  It
 * holds a gate per group and a slot per worker.  Nothing in it is part of the
 * experiment: the counter being demonstrated lives elsewhere (a global in the
 * thread host, a private global in each process, or a shared segment).
 */

/* How long `inject block` keeps a worker busy. */
#define INSTR_BLOCK_NS (3LL * 1000 * 1000 * 1000)
/* eventloop: a task arrives every so often; the loop serves whatever has arrived. */
#define INSTR_TASK_EVERY_NS (1000 * 1000)

/* Gate flags. */
#define INSTR_GATE_GIL 0x01u        /* one lock per process around the work, as CPython's GIL */
#define INSTR_GATE_LOCKORDER 0x02u  /* deadlock workload: every worker takes A before B */

/*
 * Requests a worker carries out at its boundary, sent in the control word's
 * fault field after the faults' values.  They are not faults: the worker
 * answers in slot->arg, clears the request and goes on working.
 */
enum instr_ask {
	INSTR_ASK_OPEN = 1 VOCAB_INJECTS(VOCAB_ONE),  /* open a file of its own; arg: the new fd or -errno */
	INSTR_ASK_CLOSE,  /* arg: the fd to close; then 0 or -errno */
	INSTR_ASK_FORK,   /* fork a child that sleeps; arg: its pid or -errno */
	/* setenv, chdir, sandbox and escape (worker_env.c, worker_sandbox.c): their text is in the annex */
	INSTR_ASK_SETENV, INSTR_ASK_CHDIR, INSTR_ASK_SANDBOX, INSTR_ASK_POST, INSTR_ASK_SERVE, INSTR_ASK_COLLECT,
	INSTR_ASK_TOUCH,  /* arg: KiB of the pages shared with ptviz since fork to write; then the pages written */
};

/* Control word bits, written by ptviz, read by the worker at each increment boundary. */
#define INSTR_CTL_PAUSE 0x01u
#define INSTR_CTL_END 0x02u
#define INSTR_CTL_STEP 0x04u   /* step mode: take a micro-step only when permitted */
#define INSTR_CTL_DROP 0x08u   /* drop the operation half done (ptviz reset the memory); the worker clears it */
/* Step mode: micro-steps permitted so far, compared with the low 16 bits of slot->taken. */
#define INSTR_CTL_PERMIT_SHIFT 16
#define INSTR_CTL_PERMIT_ONE (1u << INSTR_CTL_PERMIT_SHIFT)
#define INSTR_CTL_PERMIT_MASK (0xffffu << INSTR_CTL_PERMIT_SHIFT)
/* A fault to perform (enum lab_fault) or a request to carry out (enum instr_ask). */
#define INSTR_CTL_FAULT_SHIFT 8
#define INSTR_CTL_FAULT_MASK (0xffu << INSTR_CTL_FAULT_SHIFT)

/* One worker's slot: two cache lines of its own, so workers never share a line. */
struct instr_slot {
	_Atomic uint32_t control;  /* ptviz -> worker */
	_Atomic uint32_t state;    /* enum lab_activity, worker -> ptviz */
	_Atomic uint32_t ack;      /* last hold generation this worker acknowledged */
	_Atomic int32_t tid;       /* kernel thread id, set by the worker */
	_Atomic int64_t done;      /* copy of the worker's own stack counter */
	_Atomic uint64_t stack_address; /* address of that stack counter */
	_Atomic uint32_t fault;    /* enum lab_fault being performed */
	uint32_t group;            /* gate index */
	_Atomic int64_t fault_ns;  /* CLOCK_MONOTONIC when it began its fault */
	/* step mode */
	_Atomic uint32_t taken;    /* micro-steps the worker has begun in step mode, ever (wraps) */
	_Atomic uint32_t next;     /* enum lab_step it takes next */
	_Atomic uint32_t has_reg;  /* 1: reg holds a value it loaded and has not stored yet */
	_Atomic uint32_t phase;    /* odd while an operation that writes the counter is under way (see below) */
	_Atomic int64_t reg;       /* its register: the value it loaded or computed */
	_Atomic uint32_t holds_lock; /* the locks it holds (LAB_LOCK_A | LAB_LOCK_B, lab.h) */
	_Atomic uint32_t last;     /* enum lab_step it took last */
	_Atomic int64_t refused;   /* withdraw: checks that found too little money */
	uint32_t number;           /* its number in the group, from 1 (set before it starts) */
	_Atomic uint32_t wants;    /* the lock it is blocked on, 0 when none */
	_Atomic int64_t arrivals_ns; /* eventloop: CLOCK_MONOTONIC when its tasks began to arrive */
	_Atomic int32_t arg;       /* a request's argument, then its answer (INSTR_ASK_OPEN...) */
	_Atomic uint32_t parked;   /* 1: parked at a boundary for a hold; it re-reads the hold before it works again */
	_Atomic uint32_t awaited;  /* the hold ptviz waits for this worker to answer, 0 when none */
	_Atomic uint32_t resumes;  /* times it has gone back to work from a boundary */
	_Atomic int64_t loaded;    /* sync none, a shared counter: the value loaded, tagged with the phase (below) */
} __attribute__((aligned(64)));

/*
 * The phase word works as a seqlock's sequence, with the worker as its only
 * writer.  The worker makes it odd just before an operation that writes the
 * counter reads it (under a mutex once it holds the lock), and even again once
 * it has stored the counter and published done.  ptviz reads the phase, then
 * the figures, then the phase again: unchanged and even, the worker wrote
 * nothing meanwhile and stands between two operations; unchanged and odd, it
 * stands inside one operation, which it neither began nor ended meanwhile
 * (stopped, preempted, or still on its way).  Changed, it is moving: on a CPU,
 * and with a hold on it parks within one operation.
 *
 * Under sync none, on a shared counter, the worker also says in loaded which
 * value it loaded and will store from (+1, or -amount for a withdrawal),
 * with the low byte of its odd phase beside it: a reader that finds another
 * phase there knows the value is not this operation's.  A store from a stale
 * value can give back what looked lost; knowing the value, ptviz can say how
 * much is lost for sure (observe.c).
 */
static inline int64_t instr_loaded(int64_t value, uint32_t phase)
{
	return (int64_t)((uint64_t)value << 8) | (int64_t)(phase & 0xffu);
}

/* The value in a loaded word, if it was loaded in this phase. */
static inline bool instr_loaded_in(int64_t loaded, uint32_t phase, int64_t *value)
{
	*value = loaded >> 8;
	return (uint32_t)(loaded & 0xff) == (phase & 0xffu);
}

/*
 * A group's gate.  The first cache line is read by its workers every
 * increment and written by ptviz; the second is written by workers as they
 * park and wake, so their counting never takes the first line away from the
 * workers still running.
 */
struct instr_gate {
	_Atomic uint32_t seq;      /* bumped on every change; workers futex-wait on it */
	_Atomic uint32_t hold;     /* non-zero: hold generation, park at the boundary */
	_Atomic uint32_t sync;     /* enum lab_sync */
	_Atomic uint32_t workload; /* enum lab_workload */
	_Atomic uint32_t flags;    /* INSTR_GATE_* */
	_Atomic uint32_t main_ask; /* to the thread host's main thread: enum annex_main (annex.h) */
	uint8_t pad[40];
	_Atomic uint32_t pending __attribute__((aligned(64))); /* workers ptviz still waits for in a hold */
	_Atomic uint32_t sleepers; /* workers asleep on seq */
	uint8_t pad2[56];
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct instr_slot) == 128, "a slot is two cache lines");
_Static_assert(sizeof(struct instr_gate) == 128, "a gate is two cache lines");

struct instr_annex;
struct work_gate;
struct work_slot;

struct instr {
	struct instr_gate *gates;
	struct instr_slot *slots;
	struct instr_annex *annex;   /* one a slot, beside the slots (annex.h) */
	struct work_gate *work_gates;  /* the channel's and the tasks' figures, one a gate and one a slot (work_tasks.h) */
	struct work_slot *work_slots;
	int ngates;
	int nslots;
	size_t size;
};

bool instr_map(struct instr *in, int ngates, int nslots);
void instr_unmap(struct instr *in);

/* Futex wait/wake on a word in shared memory (not FUTEX_PRIVATE: processes share it). */
int instr_futex_wait(_Atomic uint32_t *word, uint32_t expected, long timeout_ns);
/* Wakes up to n waiters (INT_MAX for all). */
void instr_futex_wake(_Atomic uint32_t *word, int n);

static inline uint32_t instr_ctl_fault(uint32_t ctl)
{
	return (ctl & INSTR_CTL_FAULT_MASK) >> INSTR_CTL_FAULT_SHIFT;
}

#endif
