/* The selected worker, kept by its serial: it stays selected while groups before it are removed or names come back. */
#ifndef PTVIZ_SELECTION_H
#define PTVIZ_SELECTION_H

#include <stdbool.h>
#include <stdint.h>

#include "../lab/lab.h"

struct selection {
	uint32_t worker;    /* the worker's serial (lab.h); 0: nothing selected, or a program's task */
	uint32_t program;   /* a program group's serial (program.h) when one of its tasks is selected, else 0 */
	char task[LAB_ID_MAX];   /* that task: "A2" a process, "A2.1" a thread; its names are never reused */
};

/* Where the selected worker stands in the lab's latest snapshot; false when nothing is selected or it is gone. */
bool selection_find(const struct selection *sel, const struct lab *lab, int *group, int *worker);
/* Selects worker `worker` of lab group `group`; false, and the selection unchanged, when there is no such worker. */
bool selection_set(struct selection *sel, const struct lab *lab, int group, int worker);

/* Selects a program's task, by its group's serial and its name. */
void selection_set_program(struct selection *sel, uint32_t group, const char *task);
/* Is a program's task selected (and no worker of ptviz's own)? */
bool selection_is_program(const struct selection *sel);

#endif
