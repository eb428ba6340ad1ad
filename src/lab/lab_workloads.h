/* What the channel and tasks workloads and green threads add to a group's snapshot (part of lab.h). */
#ifndef PTVIZ_LAB_WORKLOADS_H
#define PTVIZ_LAB_WORKLOADS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The channel workload: worker 1 owns the counter, the others send it +1
 * each as a message (a ring in the thread host's memory, a pipe between
 * processes).  sent counts messages in the queue, received those the owner
 * took and added; what is between is the queue.
 */
struct lab_channel {
	int64_t sent;            /* messages the senders put in the queue */
	int64_t received;        /* messages the owner took out and added to the counter */
	int64_t queue;           /* sent - received: waiting for the owner */
	int64_t queue_max;       /* the longest it was, seen in this run */
	int64_t capacity;        /* messages the queue holds before a sender must wait */
	int64_t full;            /* times a sender found it full and waited */
	int64_t in_queue;        /* read in the queue itself: the ring's tail less its head, or the pipe's bytes / 8; -1 unknown */
};

/*
 * The tasks workload: short tasks (some tens of microseconds of computing
 * each) served by a pool of the group's workers, or by a thread (a process)
 * created for each task and joined (reaped) after it.  Rates are over the
 * last second or two; totals over the run (since the workload, pool or rate
 * last changed).
 */
struct lab_tasks {
	int pool;                /* workers 1..pool serve; 0: a thread or process per task, started by worker 1 */
	bool pool_chosen;        /* said with `pool`; until then every worker of the group serves */
	int rate;                /* tasks arriving a second; 0: each arrives as it is taken */
	double seconds;          /* how long the run has lasted */
	int64_t done;            /* tasks finished */
	int64_t started;
	int64_t arrived;         /* at a fixed rate, tasks arrived so far; else those taken */
	int64_t backlog;         /* arrived and not started yet */
	int64_t created;         /* threads or processes created for tasks */
	int alive, alive_max;    /* threads or processes alive for tasks: the pool, or those per task */
	int64_t cpu_ns;          /* CPU the group's processes used, per-task ones included */
	double per_s;            /* tasks finished a second */
	double cpu_us_per_task;  /* CPU time per task finished */
	double cpu_share;        /* CPUs' worth the group used */
	double wait_us;          /* from arrival to start, the mean */
	double wait_max_us;      /* ... the longest in the run */
	int64_t memory_kib;      /* proportional set size (Pss) of the group's processes, per-task ones too; -1 unknown */
	double since;            /* when the run began, seconds since the lab started */
	/* where the window of the rates begins: ptviz's bookkeeping */
	double win_t[2];
	int64_t win_done[2], win_cpu[2], win_started[2], win_wait[2];
};

/*
 * A group of green threads: N user-space threads of ptviz's own runtime
 * (src/lab/green*.c) multiplexed on M kernel threads of one host process.
 * The group is kind LAB_THREADS (one host, one shared counter); each worker
 * is a green thread, and its tid is the kernel thread it last ran on.
 */
#define LAB_GREEN_KERNELS_MAX 16
struct lab_green {
	int kernels;             /* M: kernel threads that may run green code at once; 0: not green */
	bool handoff;            /* a blocking call hands its kernel thread's work to another one */
	bool anywhere;           /* yield anywhere: a switch between an increment's load and its store */
	int kernel_threads;      /* kernel threads the host has now (M, or more after hand-offs) */
	int handoffs;            /* blocking calls that handed work to another kernel thread */
	pid_t kernel_tids[LAB_GREEN_KERNELS_MAX];
};

#endif
