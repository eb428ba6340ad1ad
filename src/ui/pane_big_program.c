/* Presenter mode (--big) on a program ptviz did not write: how many of its processes live, large, then each with its threads. */
#include <stdio.h>
#include <string.h>

#include "../lab/program.h"
#include "../view/program_rows.h"
#include "panes.h"

/* One program group in a box: its survivors large, then a bold line per process, the selected one reversed. */
static int big_program_group(struct ui *ui, WINDOW *win, const struct program_view *v, int y0, int w, int h)
{
	int alive = 0, x = 2, iw = w - 4, y = y0 + 1, bottom = y0 + h - 1;
	char text[64], names[48];

	for (int i = 0; i < v->nprocesses; i++)
		alive += v->processes[i].alive;
	ui_box(ui, win, y0, 0, h, w);
	ui_putf(win, y0, 2, iw, ui->role[ROLE_TITLE], " PROGRAM %s %s %s ", v->name, ui->g.dot, v->command);
	attr_t a = ui->role[alive == v->nprocesses ? ROLE_ALIVE : ROLE_DEAD] | A_BOLD;
	snprintf(text, sizeof(text), "%d/%d alive", alive, v->nprocesses);
	int used = ui_big_letters(ui, win, y, x, iw, bottom, a, text);
	if (used == 0)
		ui_putf(win, y, x, iw, a, "%s processes", text);
	y += used > 0 ? used + 1 : 2;
	for (int i = 0; i < v->nprocesses && y < bottom; i++) {
		const struct program_process *pp = &v->processes[i];
		bool sel = selection_is_program(&ui->sel) && ui->sel.program == v->serial && strncmp(ui->sel.task, pp->id,
		           strlen(pp->id)) == 0 && (ui->sel.task[strlen(pp->id)] == '\0' || ui->sel.task[strlen(pp->id)] == '.');
		attr_t pa = sel ? ui->role[ROLE_SELECTED] : ui->role[pp->alive ? ROLE_ALIVE : ROLE_DEAD] | A_BOLD;
		program_thread_names(pp, pp->alive, names, sizeof(names));
		if (sel)
			ui_fill(win, y, 1, w - 2, pa);
		ui_putf(win, y++, x, iw, pa, "%s %-4s pid %-7d %s  threads %s%s%s", pp->alive ? ui->g.alive : ui->g.dead, pp->id,
		        (int)pp->pid, pp->alive ? "alive" : pp->signal ? lab_signal_name(pp->signal) : "ended", names,
		        pp->cause[0] ? "  in " : "", pp->cause);
	}
	return h;
}

void ui_big_programs(struct ui *ui, WINDOW *win, int w, int h)
{
	const struct program_view *views;
	int n = ui_program_views(ui, &views), y = 0;

	for (int g = 0; g < n && y < h; g++) {
		int share = (h - y) / (n - g);
		y += big_program_group(ui, win, &views[g], y, w, share);
	}
}
