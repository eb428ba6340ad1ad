/* A program's processes and threads as the selection: found, moved through with the keys, described for a key's command. */
#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

#include "../lab/program.h"
#include "../view/program_rows.h"
#include "ui_priv.h"

/* Fills t from the selected task of a program's group in views; false when none is selected or it is gone. */
static bool program_task_of(const struct ui *ui, const struct program_view *views, int n, struct ui_task *t)
{
	const struct program_view *v = program_view_by_serial(views, n, ui->sel.program);
	const struct program_process *pp;
	const struct program_thread *th;

	if (v == NULL || !program_row_task(v, ui->sel.task, &pp, &th))
		return false;
	memset(t, 0, sizeof(*t));
	strlcpy(t->group, v->name, sizeof(t->group));
	t->serial = v->serial;
	strlcpy(t->id, ui->sel.task, sizeof(t->id));
	strlcpy(t->process, pp->id, sizeof(t->process));
	t->thread = th != NULL;
	t->pid = pp->pid;
	t->tid = th != NULL ? th->tid : pp->pid;
	t->alive = th != NULL ? th->alive : pp->alive;
	t->paused = program_row_paused(pp, th);   /* p lets it go */
	t->traced = v->traced;
	t->files = v->files;
	return true;
}

bool ui_task_selected(struct ui *ui, struct ui_task *t)
{
	const struct program_view *views;
	bool found = false;

	if (!selection_is_program(&ui->sel))
		return false;
	int n = ui_program_views(ui, &views);
	found = program_task_of(ui, views, n, t);
	return found;
}

/* Selects column col of the ring: ptviz's groups in their order, then each program group; at row `row`. */
static void program_select_column(struct ui *ui, const struct program_view *views, int n, int col, int row)
{
	char id[LAB_ID_MAX];

	if (col < ui->norder) {
		int count = lab_group_at(ui->lab, ui->order[col])->nworkers;
		ui_select(ui, ui->order[col], row < count ? row : count - 1);
		return;
	}
	const struct program_view *v = col - ui->norder < n ? &views[col - ui->norder] : NULL;
	if (v != NULL && program_row_move_shown(v, ui_program_fold(ui, v->serial), NULL, 0, id, sizeof(id))) {
		selection_set_program(&ui->sel, v->serial, id);
		ui->changed |= UI_SELECTION;
	}
}

void ui_select_move(struct ui *ui, int dcol, int drow)
{
	const struct program_view *views;
	int n = ui_program_views(ui, &views), gi, wi = 0, col = -1;
	char id[LAB_ID_MAX];

	ui_order_groups(ui);
	int ncol = ui->norder + n;
	for (int i = 0; i < n && selection_is_program(&ui->sel); i++) {
		if (views[i].serial == ui->sel.program)
			col = ui->norder + i;
	}
	for (int i = 0; i < ui->norder && !selection_is_program(&ui->sel) && ui_selected(ui, &gi, &wi); i++) {
		if (ui->order[i] == gi)
			col = i;
	}
	if (ncol == 0)
		;
	else if (col < 0)
		program_select_column(ui, views, n, 0, 0);
	else if (dcol != 0)
		program_select_column(ui, views, n, (col + dcol + ncol) % ncol, col < ui->norder ? wi : 0);
	else if (col < ui->norder)
		program_select_column(ui, views, n, col, wi + drow < 0 ? 0 : wi + drow);
	else if (program_row_move_shown(&views[col - ui->norder], ui_program_fold(ui, ui->sel.program), ui->sel.task,
	                                  drow, id, sizeof(id))) {
		selection_set_program(&ui->sel, ui->sel.program, id);
		ui->changed |= UI_SELECTION;
	}
}

void ui_select_task_row(struct ui *ui, uint32_t group, int row)
{
	const struct program_view *views;
	struct program_row rows[PROGRAM_MAX_TASKS * 2];
	int n = ui_program_views(ui, &views);
	const struct program_view *v = program_view_by_serial(views, n, group);

	if (v != NULL && row >= 0 && row < program_rows(v, rows, (int)(sizeof(rows) / sizeof(rows[0])))) {
		selection_set_program(&ui->sel, group, program_row_id(v, rows[row]));
		ui->changed |= UI_SELECTION;
	}
}

bool ui_program_execed(const struct ui *ui, uint32_t group, const char *id)
{
	for (int i = 0; i < ui->nexeced; i++) {
		if (ui->execed[i].group == group && strcmp(ui->execed[i].id, id) == 0)
			return true;
	}
	return false;
}

void ui_select_check(struct ui *ui)
{
	int gi, wi;

	ui_order_groups(ui);
	if (selection_is_program(&ui->sel) ? program_names(ui->lab, ui->sel.task) : ui_selected(ui, &gi, &wi))
		return;
	ui->sel = (struct selection){ 0 };
	if (ui->norder > 0) {
		ui_select(ui, ui->order[0], 0);
		return;
	}
	/* Only a program on screen (ptviz run): its first process, so the keys have a task to act on. */
	const struct program_view *views;
	int n = ui_program_views(ui, &views);
	program_select_column(ui, views, n, 0, 0);
}
