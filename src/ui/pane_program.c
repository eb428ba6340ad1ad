/* The program pane: a program ptviz did not write, each process with its threads (TID, name, state, CPU), and its output. */
#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

#include "../lab/program.h"
#include "../view/program_rows.h"
#include "panes.h"

/* The process's watched globals on one row: "counter = 103 at 0x5636...", the same address in a forked child. */
static int program_watch_row(struct ui *ui, WINDOW *win, int y, int w, const struct program_process *pp)
{
	char text[512];
	size_t at = 0;

	text[0] = '\0';
	for (int i = 0; i < pp->nwatch && at < sizeof(text); i++) {
		const struct program_watch_value *v = &pp->watch[i];
		at += (size_t)snprintf(text + at, sizeof(text) - at, "%s%.*s = %s at 0x%llx%s", i ? "   " : "",
		                       (int)strcspn(v->name, ":"), v->name, v->text, (unsigned long long)v->value.address,
		                       v->now ? "" : " (last read)");
	}
	ui_put(win, y, 4, w - 6, ui->role[ROLE_FIGURE], text);
	return y + 1;
}

/* Is this row (a process's when th is NULL) the selected one?  Drawn as a selected worker is: reversed, across. */
static bool program_is_selected(const struct ui *ui, const struct program_view *v, const char *id)
{
	return selection_is_program(&ui->sel) && ui->sel.program == v->serial && strcmp(ui->sel.task, id) == 0;
}

/* The process's open files on one row: one table its threads share, or a forked child's own copy. */
static int program_files_row(struct ui *ui, WINDOW *win, int y, int w, const struct program_view *v,
                             const struct program_process *pp)
{
	char files[200], names[48];
	const struct program_process *parent = program_parent(v, pp);

	if (!pp->alive) {
		ui_put(win, y, 6, w - 8, ui->role[ROLE_SECONDARY], "fd  its table went with it");
		return y + 1;
	}
	program_files_text(pp, 0, files, sizeof(files));
	program_thread_names(pp, true, names, sizeof(names));
	if (parent != NULL)
		ui_putf(win, y, 6, w - 8, ui->role[ROLE_PRIVATE], "fd %s  %s a copy of %s's table, made by fork",
		        files[0] ? files : "none open", ui->g.dot, parent->id);
	else
		ui_putf(win, y, 6, w - 8, ui->role[ROLE_SHARED], "fd %s  %s one table for %s", files[0] ? files : "none open",
		        ui->g.dot, names);
	return y + 1;
}

/*
 * A thread's share of a CPU over the last seconds, as the groups' charts draw a worker's: a cell
 * each half second, the newest on the right, then the newest share; only where the row has room.
 */
static void program_cpu_chart(struct ui *ui, WINDOW *win, int y, int x, int right, const struct trend_series *s,
                              attr_t a)
{
	char share[16];
	double now = 0;
	int cells = right - x - 6;

	if (s == NULL || cells < 8)
		return;
	cells = cells > 30 ? 30 : cells;
	int have = trend_count(s) < cells ? trend_count(s) : cells;
	for (int i = 0; i < have; i++)
		ui_put(win, y, x + cells - 1 - i, 1, a == ui->role[ROLE_SELECTED] ? a : ui->role[ROLE_FIGURE],
		       ui_cpu_glyph(ui, trend_cell(s, i)));
	if (trend_now(s, &now)) {
		ui_percent(now, share, sizeof(share));
		ui_put(win, y, x + cells + 1, right - x - cells - 1, a, share);
	}
}

/* One process and its threads from row y; returns the next row. */
static int program_process_rows(struct ui *ui, WINDOW *win, int y, int h, int w, const struct program_view *v,
                                const struct program_process *pp)
{
	char end[48] = "alive";

	if (!pp->alive && pp->signal)
		snprintf(end, sizeof(end), "%s%s", lab_signal_name(pp->signal), pp->sent_by_ptviz ? " (sent by ptviz)" : "");
	else if (!pp->alive)
		snprintf(end, sizeof(end), pp->status >= 0 ? "exit %d" : "ended", pp->status);
	attr_t a = ui->role[pp->alive ? ROLE_ALIVE : ROLE_DEAD];
	if (program_is_selected(ui, v, pp->id)) {
		a = ui->role[ROLE_SELECTED];
		ui_fill(win, y, 1, w - 2, a);
	}
	int row = program_row_find(v, pp->id);
	ui_hit_add(ui, HIT_TASK, win, y, 1, w - 2, (int)v->serial, row);
	ui_putf(win, y++, 2, w - 4, a, "%-7s pid %-7d ppid %-7d %c %-15s cpu %9.1f ms  %s%s%s", pp->id, (int)pp->pid,
	        (int)pp->ppid, pp->state, pp->comm, (double)pp->cpu_ns / 1e6, end, pp->cause[0] ? " in " : "", pp->cause);
	if (pp->nwatch > 0 && y < h)
		y = program_watch_row(ui, win, y, w, pp);
	if (v->files && y < h)
		y = program_files_row(ui, win, y, w, v, pp);
	for (int j = 0; j < pp->nthreads && y < h; j++) {
		const struct program_thread *th = &pp->threads[j];
		attr_t ta = ui->role[th->paused ? ROLE_PAUSED : th->alive ? ROLE_NORMAL : ROLE_DEAD];
		if (program_is_selected(ui, v, th->id)) {
			ta = ui->role[ROLE_SELECTED];
			ui_fill(win, y, 1, w - 2, ta);
		}
		ui_hit_add(ui, HIT_TASK, win, y, 1, w - 2, (int)v->serial, row + 1 + j);
		int tw = ui_putf(win, y, 4, w - 6, ta, "%-9s tid %-7d %c %-15s cpu %9.1f ms  %s", th->id, (int)th->tid,
		                 th->state, th->name, (double)th->cpu_ns / 1e6,
		                 th->paused ? "held by ptviz" : th->alive ? "" : th->with_process ? "ended with its process" : "ended");
		if (th->alive)
			program_cpu_chart(ui, win, y, 4 + tw + 1, w - 2, program_trend_cpu(&ui->program_trend, v->serial, th->id), ta);
		y++;
	}
	return y;
}

/* The rows a process takes: its own, its watched values, its files, its threads. */
static int program_process_height(const struct program_view *v, const struct program_process *pp)
{
	return 1 + (pp->nwatch > 0) + v->files + pp->nthreads;
}

/*
 * The first process to draw so that the selected row is in view: the rows before it scroll away
 * (said on the first row), as a long list of workers does.
 */
static int program_first_shown(const struct ui *ui, const struct program_view *v, int room)
{
	int sel = -1, first = 0, used = 0;

	for (int i = 0; i < v->nprocesses && sel < 0; i++) {
		const struct program_process *pp = &v->processes[i];
		if (program_is_selected(ui, v, pp->id))
			sel = i;
		for (int j = 0; j < pp->nthreads; j++)
			sel = program_is_selected(ui, v, pp->threads[j].id) ? i : sel;
	}
	if (sel < 0)
		return 0;
	for (int i = sel; i >= 0; i--) {
		used += program_process_height(v, &v->processes[i]);
		if (used > room - (i > 0))
			break;
		first = i;
	}
	return first;
}

/* The newest output lines that fit between rows y and h. */
static void program_output_rows(struct ui *ui, WINDOW *win, int y, int h, int w, const struct program_view *v)
{
	int room = h - 1 - y;
	int first = v->noutput > room ? v->noutput - room : 0;

	for (int i = first; i < v->noutput && y < h - 1; i++)
		ui_put(win, y++, 2, w - 4, ui->role[ROLE_SECONDARY], v->output[i]);
}

/* On the bottom border: the selected task, and the keys that act on it. */
static void program_selected_keys(struct ui *ui, WINDOW *win, int h, int w, const struct program_view *views, int n)
{
	const struct program_view *v = program_view_by_serial(views, n, ui->sel.program);
	const struct program_process *pp;
	const struct program_thread *th;
	char line[200];

	if (!selection_is_program(&ui->sel) || v == NULL || !program_row_task(v, ui->sel.task, &pp, &th))
		return;
	bool paused = program_row_paused(pp, th);
	snprintf(line, sizeof(line), " %s %s %s x segv %s K kill %s p %s %s m map %s o files ", ui->sel.task,
	         th != NULL ? "thread" : "process", ui->g.dot, ui->g.dot, ui->g.dot, paused ? "resume" : "pause", ui->g.dot,
	         ui->g.dot);
	int lw = ui_width(line);
	if (lw < w - 4)
		ui_put(win, h - 1, w - 2 - lw, lw, ui->role[ROLE_NOTE], line);
}

static void program_draw(struct ui *ui, struct ui_pane *p)
{
	WINDOW *win = p->win;
	struct program_view *views;
	int n = program_views(ui->lab, &views), y = 1;

	werase(win);
	ui_box(ui, win, 0, 0, p->h, p->w);
	for (int g = 0; g < n; g++) {
		const struct program_view *v = &views[g];
		char title[256];
		snprintf(title, sizeof(title), "PROGRAM %s · %s · %s%s", v->name, v->command,
		         v->traced ? "traced" : "followed through /proc", v->ended ? " · ended" : "");
		if (g == 0)
			ui_putf(win, 0, 2, p->w - 4, ui->role[ROLE_TITLE], " %s ", title);
		else
			ui_rule(ui, win, y - 1, 0, p->w, title);
		int shown = v->noutput > 0 ? (v->noutput < 6 ? v->noutput : 6) + 1 : 0;
		if (v->opt.nwatch > 0 && y < p->h - 1 - shown)
			ui_put(win, y++, 2, p->w - 4, ui->role[ROLE_NOTE],
			       "Watched values are read while the program runs, one process after another: not exact snapshots.");
		int first = program_first_shown(ui, v, p->h - 1 - shown - y);
		if (first > 0)
			ui_putf(win, y++, 2, p->w - 4, ui->role[ROLE_NOTE], "%s %s%s%s above (Up shows %s)", ui->g.more_up,
			        v->processes[0].id, first > 1 ? "-" : "", first > 1 ? v->processes[first - 1].id : "",
			        first > 1 ? "them" : "it");
		for (int i = first; i < v->nprocesses && y < p->h - 1 - shown; i++)
			y = program_process_rows(ui, win, y, p->h - 1 - shown, p->w, v, &v->processes[i]);
		if (v->unfollowed > 0 && y < p->h - 1)
			ui_putf(win, y++, 2, p->w - 4, ui->role[ROLE_NOTE], "%lld more tasks counted, not followed (past %d)",
			        (long long)v->unfollowed, PROGRAM_MAX_TASKS);
		if (shown > 0 && y < p->h - 2) {
			ui_rule(ui, win, y++, 0, p->w, "its output");
			program_output_rows(ui, win, y, y + shown, p->w, v);
			y += shown - 1;
		}
		y += 1;
	}
	program_selected_keys(ui, win, p->h, p->w, views, n);
	program_views_free(views, n);
}

/* What the programs did since the last turn, in the log (one line each; output stays in the pane). */
unsigned ui_program_events(struct ui *ui)
{
	struct program_event ev;
	unsigned changed = 0;

	while (program_next_event(ui->lab, &ev)) {
		changed |= UI_LAB;
		if (ev.kind == PROGRAM_EVENT_NOTE)
			ui_log(ui, ROLE_NOTE, "%s", ev.text);
		else if (ev.kind == PROGRAM_EVENT_EXEC)
			ui_log(ui, ROLE_NORMAL, "%s (pid %d) ran exec: now %s", ev.id, (int)ev.pid, ev.comm);
		if (ev.kind == PROGRAM_EVENT_EXEC && ui->nexeced < (int)(sizeof(ui->execed) / sizeof(ui->execed[0])) &&
		    !ui_program_execed(ui, ev.group_serial, ev.id)) {
			ui->execed[ui->nexeced].group = ev.group_serial;
			strlcpy(ui->execed[ui->nexeced++].id, ev.id, sizeof(ui->execed[0].id));
		}
		else if (ev.kind == PROGRAM_EVENT_START && ev.process)
			ui_log(ui, ROLE_ALIVE, "%s started: process pid %d, parent %d", ev.id, (int)ev.pid, (int)ev.ppid);
		else if (ev.kind == PROGRAM_EVENT_END && ev.process && ev.signal)
			ui_log(ui, ROLE_DEAD, "%s (pid %d) died of %s%s%s%s: %d thread%s with it", ev.id, (int)ev.pid,
			       lab_signal_name(ev.signal), ev.sent_by_ptviz ? " sent by ptviz" : "", ev.cause[0] ? " in " : "",
			       ev.cause, ev.nwith, ev.nwith == 1 ? "" : "s");
		else if (ev.kind == PROGRAM_EVENT_END && ev.process)
			ui_log(ui, ROLE_NORMAL, "%s (pid %d) exited%s%d", ev.id, (int)ev.pid, ev.status >= 0 ? " with status " : "",
			       ev.status);
		program_event_clear(&ev);
	}
	return changed;
}

const struct ui_pane_ops ui_program_ops = {
	.name = "program",
	.shows = UI_LAB | UI_SELECTION,
	.draw = program_draw,
};
