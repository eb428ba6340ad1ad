/* The channel and tasks workloads as the workers run them, called from worker_run (workload.c). */
#ifndef PTVIZ_WORK_CHANNEL_H
#define PTVIZ_WORK_CHANNEL_H

#include "worker_priv.h"

/* One operation of the channel workload: worker 1 takes a message and counts it, the others send one. */
void work_channel(struct instr_gate *g, struct instr_slot *s, const struct worker_mem *m, volatile int64_t *done);

/* One operation of the tasks workload: serve a task (a pool), or start one and end those finished (a thread or process per task). */
void work_tasks(struct instr_gate *g, struct instr_slot *s, const struct worker_mem *m, volatile int64_t *done);
/* Tasks this worker started in threads or processes of their own and has not joined or reaped yet. */
extern _Thread_local int work_tasks_outstanding;
/* Joins or reaps them all: the worker leaves the tasks workload. */
void work_tasks_leave(void);

#endif
