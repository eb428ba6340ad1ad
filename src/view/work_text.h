/* The channel's queue and the tasks' figures in words: two lines under the group, and the text report's. */
#ifndef PTVIZ_WORK_TEXT_H
#define PTVIZ_WORK_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "../lab/lab.h"

#define WORK_TEXT_MAX 320

/*
 * Two lines for a group that runs the channel or the tasks workload; false
 * for any other.  cpus: the CPUs the machine has, against which the tasks'
 * CPU time is put ("the CPUs could finish at most N a second").
 */
bool work_text(const struct lab_group *g, int cpus, char lines[2][WORK_TEXT_MAX]);

/* The most tasks a second the machine's CPUs could finish at this CPU time per task; 0 when not known. */
double work_tasks_ceiling(const struct lab_group *g, int cpus);

/* How the tasks are served and fed: "pool of 4 threads, 1000 a second", "a process per task, as fast as taken". */
void work_tasks_how(const struct lab_group *g, char *buf, size_t len);

#endif
