/* The selected worker, kept by its serial: it stays selected while groups before it are removed or names come back; or a program's task, by name. */
#include "selection.h"

#include <bsd/string.h>

bool selection_find(const struct selection *sel, const struct lab *lab, int *group, int *worker)
{
	const struct lab_group *g = NULL;
	const struct lab_worker *w = lab_worker_by_serial(lab, sel->worker, &g);

	if (w == NULL)
		return false;
	*group = lab_group_index(lab, g);
	*worker = (int)(w - g->workers);
	return *group >= 0;
}

bool selection_set(struct selection *sel, const struct lab *lab, int group, int worker)
{
	const struct lab_group *g = lab_group_at(lab, group);

	if (g == NULL || worker < 0 || worker >= g->nworkers)
		return false;
	*sel = (struct selection){ .worker = g->workers[worker].serial };
	return true;
}

void selection_set_program(struct selection *sel, uint32_t group, const char *task)
{
	*sel = (struct selection){ .program = group };
	strlcpy(sel->task, task, sizeof(sel->task));
}

bool selection_is_program(const struct selection *sel)
{
	return sel->program != 0;
}
