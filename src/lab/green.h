/* Green threads: ptviz's own user-space threads, switched by a small runtime, many on few kernel threads of one host. */
#ifndef PTVIZ_GREEN_H
#define PTVIZ_GREEN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ucontext.h>

#include "instr.h"

/* How many increments a green thread makes before it gives way to the next (its turn). */
#define GREEN_TURN 16
/* The stack each green thread of a group on screen gets (a guard page below it). */
#define GREEN_STACK_SIZE (64 * 1024)

/* What one green thread tells ptviz beside its slot: where it runs and how much CPU it had. */
struct green_seen {
	_Atomic int32_t tid;       /* the kernel thread it last ran on */
	_Atomic int64_t cpu_ns;    /* CPU time of its kernel threads while it was switched in */
	_Atomic uint64_t turns;    /* times it was switched in */
};

/*
 * The green panel: one MAP_SHARED mapping per green group, made by ptviz
 * before the host is forked, so ptviz reads what the runtime writes.  Like
 * the instrument panel it is not part of the experiment.
 */
struct green_panel {
	int32_t n;                   /* green threads */
	int32_t kernels;             /* M: at most this many kernel threads run green code at once */
	int32_t handoff;             /* 1: a blocking call hands the work to another kernel thread */
	_Atomic uint32_t anywhere;   /* 1: yield anywhere (ptviz sets it while the group is held) */
	_Atomic int32_t nkernels;    /* kernel threads started so far */
	_Atomic int32_t handoffs;    /* blocking calls that handed their work on */
	_Atomic int32_t kernel_tid[LAB_GREEN_KERNELS_MAX];
	struct green_seen seen[];    /* n of them */
};

size_t green_panel_size(int n);

/*
 * The host of a green group, after the fork: starts the kernel threads and
 * the n green threads on the given slots, reports on ready_fd (0, or an
 * errno), and becomes kernel thread 1 itself.
 */
_Noreturn void green_host_main(struct instr *in, int gate, const int *slots, int n, int ready_fd,
                               const char *group, struct green_panel *panel);

/* ---- the runtime (green_runtime.c), as the green threads' own code sees it ---- */

/*
 * Gives way to the next green thread on the run queue; returns when this one
 * is switched in again, perhaps on another kernel thread.  waiting: it only
 * waits (parked for a hold, paused), so a kernel thread whose every green
 * thread waits may sleep.
 */
void green_yield(bool waiting);
/* Around a blocking system call: with hand-off the kernel thread gives its work to another first. */
void green_syscall_enter(void);
void green_syscall_leave(void);
/* Is yield anywhere on? */
bool green_anywhere(void);

/* ---- the green thread's work (green_worker.c) ---- */

/* Runs the counter workload on a slot until told to end. */
void green_work(struct instr_gate *g, struct instr_slot *s);

/* ---- the creation cost (green_runtime.c), for the costs lab ---- */

struct green_cost {
	int n;                /* green threads created, each switched to once and ended */
	double create_ms;     /* CPU time creating them all (stack and context) */
	double run_ms;        /* CPU time switching to each once, and back, until all ended */
	long rss_kib;         /* resident memory they added, all alive at once */
	int stack_bytes;      /* the stack each one had */
};
/* Creates n green threads at once, runs each to its end, frees them; false with errno on failure. */
bool green_measure_create(int n, struct green_cost *cost);

#endif
