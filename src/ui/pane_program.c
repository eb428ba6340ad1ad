/* The program pane: a program ptviz did not write, each process with its threads (TID, name, state, CPU), and its output. */
#include <stdio.h>
#include <string.h>

#include "../lab/program.h"
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

/* One process and its threads from row y; returns the next row. */
static int program_process_rows(struct ui *ui, WINDOW *win, int y, int h, int w, const struct program_process *pp)
{
	char end[48] = "alive";

	if (!pp->alive && pp->signal)
		snprintf(end, sizeof(end), "%s%s", lab_signal_name(pp->signal), pp->sent_by_ptviz ? " (sent by ptviz)" : "");
	else if (!pp->alive)
		snprintf(end, sizeof(end), pp->status >= 0 ? "exit %d" : "ended", pp->status);
	ui_putf(win, y++, 2, w - 4, ui->role[pp->alive ? ROLE_ALIVE : ROLE_DEAD],
	        "%-7s pid %-7d ppid %-7d %c %-15s cpu %9.1f ms  %s%s%s", pp->id, (int)pp->pid, (int)pp->ppid, pp->state,
	        pp->comm, (double)pp->cpu_ns / 1e6, end, pp->cause[0] ? " in " : "", pp->cause);
	if (pp->nwatch > 0 && y < h)
		y = program_watch_row(ui, win, y, w, pp);
	for (int j = 0; j < pp->nthreads && y < h; j++) {
		const struct program_thread *th = &pp->threads[j];
		enum ui_role role = th->paused ? ROLE_PAUSED : th->alive ? ROLE_NORMAL : ROLE_DEAD;
		ui_putf(win, y++, 4, w - 6, ui->role[role], "%-9s tid %-7d %c %-15s cpu %9.1f ms  %s", th->id, (int)th->tid,
		        th->state, th->name, (double)th->cpu_ns / 1e6,
		        th->paused ? "held by ptviz" : th->alive ? "" : th->with_process ? "ended with its process" : "ended");
	}
	return y;
}

/* The newest output lines that fit between rows y and h. */
static void program_output_rows(struct ui *ui, WINDOW *win, int y, int h, int w, const struct program_view *v)
{
	int room = h - 1 - y;
	int first = v->noutput > room ? v->noutput - room : 0;

	for (int i = first; i < v->noutput && y < h - 1; i++)
		ui_put(win, y++, 2, w - 4, ui->role[ROLE_SECONDARY], v->output[i]);
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
		for (int i = 0; i < v->nprocesses && y < p->h - 1 - shown; i++)
			y = program_process_rows(ui, win, y, p->h - 1 - shown, p->w, &v->processes[i]);
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
	.shows = UI_LAB,
	.draw = program_draw,
};
