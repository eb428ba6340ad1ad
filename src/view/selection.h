/* The selected worker, kept by its serial: it stays selected while groups before it are removed or names come back. */
#ifndef PTVIZ_SELECTION_H
#define PTVIZ_SELECTION_H

#include <stdbool.h>
#include <stdint.h>

#include "../lab/lab.h"

struct selection {
	uint32_t worker;    /* the worker's serial (lab.h); 0: nothing selected */
};

/* Where the selected worker stands in the lab's latest snapshot; false when nothing is selected or it is gone. */
bool selection_find(const struct selection *sel, const struct lab *lab, int *group, int *worker);
/* Selects worker `worker` of lab group `group`; false, and the selection unchanged, when there is no such worker. */
bool selection_set(struct selection *sel, const struct lab *lab, int group, int worker);

#endif
