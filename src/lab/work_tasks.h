/* The channel and tasks workloads' part of the instrument panel, and their code's entry points (work_channel.c, work_tasks.c). */
#ifndef PTVIZ_WORK_TASKS_H
#define PTVIZ_WORK_TASKS_H

#include <stdatomic.h>
#include <stdint.h>

#include "instr.h"

/*
 * Beside each gate and each slot of the instrument panel, in the same
 * MAP_SHARED mapping: what these two workloads tell ptviz, and what ptviz
 * tells them.  Figures, not the experiment: the channel's queue and the
 * tasks' threads live in the workers' own memory and in the kernel.
 */
struct work_gate {
	_Atomic uint32_t run;        /* bumped by ptviz when the run starts again: older messages and tasks are dropped */
	_Atomic uint32_t pool;       /* tasks: workers that serve; 0, a thread or process per task */
	_Atomic uint32_t rate;       /* tasks: arriving a second; 0, as fast as they are taken */
	_Atomic int32_t owner_pid;   /* channel, processes: the owner's pid and its pipe's write end ... */
	_Atomic int32_t owner_fd;    /* ... which senders open through /proc/PID/fd/N */
	_Atomic int64_t from_ns;     /* tasks: when they began to arrive (CLOCK_MONOTONIC); 0, not yet */
	_Atomic int64_t taken;       /* tasks: how many have been taken (each by one worker) */
} __attribute__((aligned(64)));

struct work_slot {
	_Atomic int64_t cpu_ns;      /* tasks: CPU its process (and the children it reaped) used in this run */
	_Atomic int64_t started;     /* tasks started */
	_Atomic int64_t wait_ns;     /* their waits from arrival to start, summed */
	_Atomic int64_t wait_max_ns;
	_Atomic int64_t created;     /* threads or processes it created for tasks */
	_Atomic int64_t full;        /* channel: times a sender found the queue full */
	_Atomic int32_t alive;       /* threads or processes alive for tasks: its own per-task ones, or 1 in a pool */
	_Atomic int32_t alive_max;
} __attribute__((aligned(64)));

/* The work part of the panel mapped last (instr.c): forked workers find theirs at the same address. */
extern struct work_gate *work_gates;
extern struct work_slot *work_slots;
extern struct instr_slot *work_slots_of;   /* the instr slots the above stand beside */

static inline struct work_slot *work_slot_of(const struct instr_slot *s)
{
	return &work_slots[s - work_slots_of];
}

static inline struct work_gate *work_gate_of(const struct instr_slot *s)
{
	return &work_gates[s->group];
}

/* How much work one task is: arithmetic for some tens of microseconds. */
#define WORK_TASK_ROUNDS 20000
/* The name a process made for one task gives itself (ps shows it). */
#define WORK_TASK_COMM "ptviz task"
/* The longest a worker sleeps waiting for a task to arrive before it looks at its control word again. */
#define WORK_TASK_NAP_NS (10LL * 1000 * 1000)
/* The most per-task threads, and processes, one dispatcher keeps alive at once. */
#define WORK_TASKS_ALIVE_THREADS 64
#define WORK_TASKS_ALIVE_PROCESSES 16
/* The thread group's queue: messages it holds (a pipe holds 64 KiB: as many 8-byte messages). */
#define WORK_CHANNEL_RING 8192

/*
 * Where the thread group's ring keeps its two ends (work_channel.c): the same
 * address in ptviz and in every thread host, each of which has its own.
 */
void work_channel_ring_ends(uintptr_t *tail, uintptr_t *head);

#endif
