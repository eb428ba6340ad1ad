/* The child side of the engine: code that runs only inside the thread host and process workers. */
#ifndef PTVIZ_WORKER_H
#define PTVIZ_WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "instr.h"

/* The demonstrated counter when it is a global: one per process, at the same address in all. */
extern _Atomic int64_t worker_counter;

/* The demonstrated counter when processes share it: a MAP_SHARED segment made before the forks. */
struct worker_segment {
	_Atomic int64_t counter;
	pthread_mutex_t lock;   /* PTHREAD_PROCESS_SHARED, robust */
	pthread_mutex_t lock_b; /* the deadlock workload's second lock */
};

/* What a worker works on: the counter and the group's locks, wherever they live. */
struct worker_mem {
	_Atomic int64_t *counter;
	pthread_mutex_t *lock;   /* lock A: the sync mutex */
	pthread_mutex_t *lock_b;
	pthread_mutex_t *gil;    /* always the process's own, as each Python process has its own */
	bool shared;             /* other workers write the counter too (threads, or a shared segment) */
};

/*
 * How much lower than ptviz a worker at idle priority runs.  Under SCHED_IDLE
 * the nice value does not change its share; it is set so that ps and htop
 * show the worker as lowered (NI 10) in the column people look at.
 */
#define WORKER_NICE 10

/*
 * lab_child_isolate (lab.h), then the worker's priority: idle false keeps
 * ptviz's own (SCHED_OTHER at ptviz's nice); idle true lowers it by
 * WORKER_NICE now and to SCHED_IDLE once it has reported in (worker_go_idle).
 */
void worker_child_setup(pid_t parent, const int *keep, int nkeep, const char *title, const char *comm, bool idle);
/* The first micro-step of an operation under a workload and a sync mode. */
enum lab_step worker_first_step(enum lab_workload workload, enum lab_sync sync);
/* Puts the calling thread below every normal task (SCHED_IDLE), when its process was started idle. */
void worker_go_idle(void);

/* The thread host: starts n pthreads on the given slots, reports on ready_fd, then waits. */
_Noreturn void worker_host_main(struct instr *in, int gate, const int *slots, int n,
                                int ready_fd, const char *group);

/* A process worker: runs the workload until told or made to stop.  seg NULL: private memory. */
_Noreturn void worker_process_main(struct instr *in, int gate, int slot, struct worker_segment *seg);

#endif
