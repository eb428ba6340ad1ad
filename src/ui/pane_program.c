/* The program pane: a program ptviz did not write, each process with its threads (TID, name, state, CPU), and its output. */
#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

#include "../lab/program.h"
#include "../view/output_wrap.h"
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
	/* The longest wording that fits: a narrow pane keeps the files and says less of whose table it is. */
	char text[3][300];
	const char *texts[] = { text[0], text[1], text[2], NULL };
	const char *listed = files[0] ? files : "none open";
	if (parent != NULL) {
		snprintf(text[0], sizeof(text[0]), "fd %s  %s a copy of %s's table, made by fork", listed, ui->g.dot, parent->id);
		snprintf(text[1], sizeof(text[1]), "fd %s  %s copy of %s's, by fork", listed, ui->g.dot, parent->id);
	} else {
		snprintf(text[0], sizeof(text[0]), "fd %s  %s one table for %s", listed, ui->g.dot, names);
		snprintf(text[1], sizeof(text[1]), "fd %s  %s one table", listed, ui->g.dot);
	}
	snprintf(text[2], sizeof(text[2]), "fd %s", listed);
	ui_put_first(win, y, 6, w - 8, ui->role[parent != NULL ? ROLE_PRIVATE : ROLE_SHARED], texts);
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

/* Widths of a group's columns, as wide as its widest value: an 80-column pane keeps room for how each task ended. */
struct program_columns {
	int pid, comm, name, cpu;
};

static int program_digits(long n)
{
	int d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

static struct program_columns program_columns_of(const struct program_view *v)
{
	struct program_columns c = { 3, 4, 4, 5 };
	uint64_t most = 0;

	for (int i = 0; i < v->nprocesses; i++) {
		const struct program_process *pp = &v->processes[i];
		int d = program_digits(pp->pid > pp->ppid ? pp->pid : pp->ppid), cw = (int)strlen(pp->comm);
		c.pid = d > c.pid ? d : c.pid;
		c.comm = cw > c.comm ? cw : c.comm;
		most = pp->cpu_ns > most ? pp->cpu_ns : most;
		for (int j = 0; j < pp->nthreads; j++) {
			int nw = (int)strlen(pp->threads[j].name);
			d = program_digits(pp->threads[j].tid);
			c.name = nw > c.name ? nw : c.name;
			c.pid = d > c.pid ? d : c.pid;
		}
	}
	int cpu = program_digits((long)(most / 1000000)) + 2;   /* "1234.5" */
	c.cpu = cpu > c.cpu ? cpu : c.cpu;
	return c;
}

/* A zombie's end: how it ended, then that its parent has not yet waited for it (ps shows Z). */
static void program_process_zombie(const struct program_process *pp, char end[4][48])
{
	char how[48];

	if (!pp->zombie)
		return;
	strlcpy(how, end[1], sizeof(how));
	snprintf(end[0], sizeof(end[0]), "%.19s, zombie: not yet waited for", how);
	snprintf(end[1], sizeof(end[1]), "%.39s, zombie", how);
	strlcpy(end[2], "zombie", sizeof(end[2]));
	strlcpy(end[3], "zombie", sizeof(end[3]));
}

/* How the process ended, the longest words first: the row takes the first that fits. */
static void program_process_end(const struct program_process *pp, char end[4][48])
{
	const char *sig = lab_signal_name(pp->signal);

	if (pp->alive) {
		strlcpy(end[0], "alive", sizeof(end[0]));
		strlcpy(end[1], "alive", sizeof(end[1]));
	} else if (pp->signal) {
		snprintf(end[0], sizeof(end[0]), "%s%s%s%s", sig, pp->sent_by_ptviz ? " (sent by ptviz)" : "",
		         pp->cause[0] ? " in " : "", pp->cause);
		snprintf(end[1], sizeof(end[1]), "%s%s%s%s", sig, pp->sent_by_ptviz ? " by ptviz" : "",
		         pp->cause[0] ? " in " : "", pp->cause);
	} else {
		if (pp->status >= 0)
			snprintf(end[0], sizeof(end[0]), "exit %d%s%s", pp->status, pp->cause[0] ? " in " : "", pp->cause);
		else
			snprintf(end[0], sizeof(end[0]), "ended%s%s", pp->cause[0] ? " in " : "", pp->cause);
		if (pp->status >= 0)
			snprintf(end[1], sizeof(end[1]), "exit %d", pp->status);
		else
			strlcpy(end[1], "ended", sizeof(end[1]));
	}
	strlcpy(end[2], end[1], sizeof(end[2]));
	if (pp->signal)
		snprintf(end[2], sizeof(end[2]), "%s%s%s", sig, pp->cause[0] ? " in " : "", pp->cause);
	snprintf(end[3], sizeof(end[3]), "%s", pp->alive ? "alive" : pp->signal ? sig : "ended");
	program_process_zombie(pp, end);
}

/* The process's own row: its PIDs, name, CPU time, and how it ended in the words that fit. */
static void program_process_row(struct ui *ui, WINDOW *win, int y, int w, const struct program_columns *c,
                                const struct program_process *pp, attr_t a)
{
	char end[4][48];
	const char *texts[] = { end[0], end[1], end[2], end[3], NULL };

	(void)ui;
	program_process_end(pp, end);
	int used = ui_putf(win, y, 2, w - 4, a, "%-4s pid %-*d ppid %-*d %c %-*s cpu %*.1f ms  ", pp->id, c->pid,
	                   (int)pp->pid, c->pid, (int)pp->ppid, pp->state, c->comm, pp->comm, c->cpu,
	                   (double)pp->cpu_ns / 1e6);
	ui_put_first(win, y, 2 + used, w - 4 - used, a, texts);
}

/* A thread's row: its TID, name, CPU time, how it ended, then its CPU chart where room is left. */
static void program_thread_row(struct ui *ui, WINDOW *win, int y, int w, const struct program_columns *c,
                               const struct program_view *v, const struct program_process *pp,
                               const struct program_thread *th, attr_t ta)
{
	char with[48];
	snprintf(with, sizeof(with), "ended with %s", pp->id);
	const char *held[] = { "held by ptviz", "held", NULL };
	const char *gone[] = { "ended with its process", with, "ended", NULL };
	const char *ended[] = { "ended", NULL };
	const char *none[] = { "", NULL };
	const char *const *texts = th->paused ? held : th->alive ? none : th->with_process ? gone : ended;

	int tw = ui_putf(win, y, 4, w - 6, ta, "%-6s tid %-*d %c %-*s cpu %*.1f ms  ", th->id, c->pid, (int)th->tid,
	                 th->state, c->name, th->name, c->cpu, (double)th->cpu_ns / 1e6);
	tw += ui_put_first(win, y, 4 + tw, w - 6 - tw, ta, texts);
	if (th->alive)
		program_cpu_chart(ui, win, y, 4 + tw + 1, w - 2, program_trend_cpu(&ui->program_trend, v->serial, th->id), ta);
}

/* One process and its threads from row y; returns the next row. */
/* Threads first..to-1 of a process, not drawn: one line above or below the ones that are ("▼ A1.12-A1.21 below"). */
static int program_threads_not_drawn(struct ui *ui, WINDOW *win, int y, int w, const struct program_process *pp,
                                     int from, int to, bool above)
{
	int n = to - from;

	ui_putf(win, y, 4, w - 6, ui->role[ROLE_NOTE], "%s %s%s%s %s (%s shows %s)", above ? ui->g.more_up : ui->g.more_down,
	        pp->threads[from].id, n > 1 ? "-" : "", n > 1 ? pp->threads[to - 1].id : "", above ? "above" : "below",
	        above ? "Up" : "Down", n > 1 ? "them" : "it");
	return y + 1;
}

/* The first of a process's threads to draw in `room` rows: 0, or enough to keep the selected thread in view. */
static int program_first_thread(const struct ui *ui, const struct program_view *v, const struct program_process *pp,
                                int room)
{
	int selected = -1, shown = program_thread_rows(pp);

	for (int j = 0; j < shown; j++) {
		if (program_is_selected(ui, v, pp->threads[j].id))
			selected = j;
	}
	if (shown <= room || room < 3 || selected < room - 1)
		return 0;
	/* A row for "above", the threads up to the selected one, and a row for "below" when more follow. */
	int first = selected - (room - 3);
	return first < 1 ? 1 : first;
}

static int program_process_rows(struct ui *ui, WINDOW *win, int y, int h, int w, const struct program_view *v,
                                const struct program_process *pp)
{
	struct program_columns c = program_columns_of(v);
	attr_t a = ui->role[pp->alive ? ROLE_ALIVE : ROLE_DEAD];

	if (program_is_selected(ui, v, pp->id)) {
		a = ui->role[ROLE_SELECTED];
		ui_fill(win, y, 1, w - 2, a);
	}
	int row = program_row_find(v, pp->id);
	ui_hit_add(ui, HIT_TASK, win, y, 1, w - 2, (int)v->serial, row);
	program_process_row(ui, win, y++, w, &c, pp, a);
	if (pp->nwatch > 0 && y < h)
		y = program_watch_row(ui, win, y, w, pp);
	if (v->files && y < h)
		y = program_files_row(ui, win, y, w, v, pp);
	int first = program_first_thread(ui, v, pp, h - y);
	if (first > 0)
		y = program_threads_not_drawn(ui, win, y, w, pp, 0, first, true);
	int shown = program_thread_rows(pp);
	for (int j = first; j < shown && y < h; j++) {
		if (y == h - 1 && j < shown - 1) {
			y = program_threads_not_drawn(ui, win, y, w, pp, j, shown, false);
			break;
		}
		const struct program_thread *th = &pp->threads[j];
		attr_t ta = ui->role[th->paused ? ROLE_PAUSED : th->alive ? ROLE_NORMAL : ROLE_DEAD];
		if (program_is_selected(ui, v, th->id)) {
			ta = ui->role[ROLE_SELECTED];
			ui_fill(win, y, 1, w - 2, ta);
		}
		ui_hit_add(ui, HIT_TASK, win, y, 1, w - 2, (int)v->serial, row + 1 + j);
		program_thread_row(ui, win, y++, w, &c, v, pp, th, ta);
	}
	return y;
}

const struct program_fold *ui_program_fold(const struct ui *ui, uint32_t group)
{
	for (int i = 0; i < PROGRAM_MAX_GROUPS; i++) {
		if (ui->program_fold[i].group == group && ui->program_fold[i].nfolded > 0)
			return &ui->program_fold[i];
	}
	return NULL;
}

/*
 * The first process to draw so that the selected row is in view: the rows before it scroll away
 * (said on the first row), as a long list of workers does.  Folded processes take no rows.
 */
static int program_first_shown(const struct ui *ui, const struct program_view *v, const struct program_fold *f,
                               int room)
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
		if (program_fold_hides(f, v, i))
			continue;
		int before = 0;
		for (int k = 0; k < i; k++)
			before += !program_fold_hides(f, v, k);
		used += program_process_height(v, &v->processes[i]);
		if (used > room - (before > 0))
			break;
		first = i;
	}
	return first;
}

/*
 * The shown processes from..to-1 that are not drawn, on one line: above the
 * first drawn ("↑ A1-A3 above (Up shows them)") or below the last ("↓ A8-A39
 * below").
 */
static int program_not_drawn_row(struct ui *ui, WINDOW *win, int y, int w, const struct program_view *v,
                                 const struct program_fold *f, int from, int to, bool above)
{
	const char *lo = NULL, *hi = NULL;
	int count = 0;

	for (int i = from; i < to; i++) {
		if (program_fold_hides(f, v, i))
			continue;
		lo = lo != NULL ? lo : v->processes[i].id;
		hi = v->processes[i].id;
		count++;
	}
	if (count == 0)
		return y;
	ui_putf(win, y, 2, w - 4, ui->role[ROLE_NOTE], "%s %s%s%s %s (%s shows %s)", above ? ui->g.more_up : ui->g.more_down,
	        lo, count > 1 ? "-" : "", count > 1 ? hi : "", above ? "above" : "below", above ? "Up" : "Down",
	        count > 1 ? "them" : "it");
	return y + 1;
}

/* The rows the processes not folded take. */
static int program_shown_height(const struct program_view *v, const struct program_fold *f)
{
	int need = 0;

	for (int i = 0; i < v->nprocesses; i++)
		need += program_fold_hides(f, v, i) ? 0 : program_process_height(v, &v->processes[i]);
	return need;
}


/* The processes folded, on one row below the rest. */
static int program_fold_row(struct ui *ui, WINDOW *win, int y, int w, const struct program_view *v,
                            const struct program_fold *f)
{
	char text[256];

	program_fold_text(v, f, w - 6, text, sizeof(text));
	ui_put(win, y, 2, w - 4, ui->role[ROLE_DEAD], text);
	return y + 1;
}

/*
 * The output rows kept free below the processes: the tail of the program's
 * output, long lines wrapped at the pane's width.  The last group's output
 * also takes whatever rows the processes leave, up to PROGRAM_OUTPUT_MOST.
 */
#define PROGRAM_OUTPUT_ROWS 6
#define PROGRAM_OUTPUT_MOST 60

/* The output's newest rows (as output_wrap_tail found them) that fit between rows y and h. */
static void program_output_rows(struct ui *ui, WINDOW *win, int y, int h, int w, const struct program_view *v,
                                const struct output_row *rows, int n)
{
	int room = h - 1 - y;
	char text[PROGRAM_LINE_MAX + 8];

	for (int i = n > room ? n - room : 0; i < n && y < h - 1; i++) {
		snprintf(text, sizeof(text), "%.*s", rows[i].len, v->output[rows[i].line] + rows[i].start);
		ui_put(win, y++, 2, w - 4, ui->role[ROLE_SECONDARY], text);
	}
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
	bool paused = program_row_paused(pp, th), alive = th != NULL ? th->alive : pp->alive;
	if (alive)
		snprintf(line, sizeof(line), " %s %s %s x segv %s K kill %s p %s %s m map %s o files ", ui->sel.task,
		         th != NULL ? "thread" : "process", ui->g.dot, ui->g.dot, ui->g.dot, paused ? "resume" : "pause",
		         ui->g.dot, ui->g.dot);
	else
		/* An ended task takes no signal: what is left is to read what it was. */
		snprintf(line, sizeof(line), " %s %s, ended %s m map %s o files ", ui->sel.task,
		         th != NULL ? "thread" : "process", ui->g.dot, ui->g.dot);
	int lw = ui_width(line);
	if (lw < w - 4)
		ui_put(win, h - 1, w - 2 - lw, lw, ui->role[ROLE_NOTE], line);
}

/*
 * Folds the group's old ended processes when its processes do not fit in room rows (keeping the
 * selected task's); remembered for the keys, which pass folded processes by.  NULL when none is folded.
 */
static const struct program_fold *program_plan(struct ui *ui, int g, const struct program_view *v, int room)
{
	const struct program_process *pp = NULL;
	const struct program_thread *th;
	if (g >= PROGRAM_MAX_GROUPS)
		return NULL;
	struct program_fold *f = &ui->program_fold[g];
	if (!selection_is_program(&ui->sel) || ui->sel.program != v->serial || !program_row_task(v, ui->sel.task, &pp, &th))
		pp = NULL;
	program_fold_plan(v, lab_now(ui->lab), room, pp != NULL ? pp->id : NULL, f);
	return f->nfolded > 0 ? f : NULL;
}

/* The group's title, on the top border (row 0) or as a rule between groups: the longest wording that fits. */
static void program_title(struct ui *ui, WINDOW *win, int y, int w, const struct program_view *v)
{
	char title[2][256], command[sizeof(v->command) + 8];
	const char *how[] = { v->traced ? "traced" : "followed through /proc", v->traced ? "traced" : "via /proc" };

	for (int k = 0; k < 2; k++)
		snprintf(title[k], sizeof(title[k]), "PROGRAM %s · %s · %s%s", v->name, v->command, how[k],
		         v->ended ? " · ended" : "");
	const char *t = ui_width(title[0]) <= w - 6 ? title[0] : title[1];
	/* Still too wide: the command is cut, with an ellipsis, so that how it is followed stays in view. */
	int over = ui_width(title[1]) - (w - 6);
	if (t == title[1] && over > 0 && (int)strlen(v->command) > over + 4) {
		snprintf(command, sizeof(command), "%.*s%s", (int)strlen(v->command) - over - 1, v->command, ui->g.ellipsis);
		snprintf(title[1], sizeof(title[1]), "PROGRAM %s · %s · %s%s", v->name, command, how[1],
		         v->ended ? " · ended" : "");
	}
	if (y == 0)
		ui_putf(win, 0, 2, w - 4, ui->role[ROLE_TITLE], " %s ", t);
	else
		ui_rule(ui, win, y, 0, w, t);
}

/* Whether a --watch symbol was found in some process: the note on how values are read is for them. */
static bool program_watches_found(const struct program_view *v)
{
	for (int i = 0; i < v->nprocesses; i++) {
		if (v->processes[i].nwatch > 0)
			return true;
	}
	return false;
}

static void program_draw(struct ui *ui, struct ui_pane *p)
{
	WINDOW *win = p->win;
	const struct program_view *views;
	int n = ui_program_views(ui, &views), y = 1;

	werase(win);
	ui_box(ui, win, 0, 0, p->h, p->w);
	for (int g = n; g < PROGRAM_MAX_GROUPS; g++)
		ui->program_fold[g] = (struct program_fold){ 0 };
	for (int g = 0; g < n; g++) {
		const struct program_view *v = &views[g];
		program_title(ui, win, g == 0 ? 0 : y - 1, p->w, v);
		struct output_row out[PROGRAM_OUTPUT_MOST];
		int nout = output_wrap_tail(v->output, v->noutput, p->w - 4, PROGRAM_OUTPUT_MOST, out);
		int shown = nout > 0 ? (nout < PROGRAM_OUTPUT_ROWS ? nout : PROGRAM_OUTPUT_ROWS) + 1 : 0;
		const char *note[] = {
			"Watched values are read while the program runs, one process after another: not exact snapshots.",
			"Watched values are read one process after another: not exact snapshots.", NULL
		};
		if (program_watches_found(v) && y < p->h - 1 - shown)
			ui_put_first(win, y++, 2, p->w - 4, ui->role[ROLE_NOTE], note);
		int bottom = p->h - 1 - shown;
		const struct program_fold *f = program_plan(ui, g, v, bottom - y);
		/* Rows for the processes: less the summary's, and less one that says what is below when not all fit. */
		int limit = bottom - (f != NULL), i = 0;
		limit -= program_shown_height(v, f) > limit - y;
		int first = program_first_shown(ui, v, f, limit - y);
		y = program_not_drawn_row(ui, win, y, p->w, v, f, 0, first, true);
		for (i = first; i < v->nprocesses && y < limit; i++) {
			/* A process is drawn whole, or said to be below; only the first may be cut, when it alone is too tall. */
			if (program_fold_hides(f, v, i))
				continue;
			if (i > first && y + program_process_height(v, &v->processes[i]) > limit)
				break;
			y = program_process_rows(ui, win, y, limit, p->w, v, &v->processes[i]);
		}
		y = program_not_drawn_row(ui, win, y, p->w, v, f, i, v->nprocesses, false);
		if (f != NULL && y < bottom)
			y = program_fold_row(ui, win, y, p->w, v, f);
		if (v->unfollowed > 0 && y < p->h - 1)
			ui_putf(win, y++, 2, p->w - 4, ui->role[ROLE_NOTE], "%lld more tasks counted, not followed (past %d)",
			        (long long)v->unfollowed, PROGRAM_MAX_TASKS);
		if (shown > 0 && y < p->h - 2) {
			ui_rule(ui, win, y++, 0, p->w, "its output");
			program_output_rows(ui, win, y, g == n - 1 ? p->h : y + shown, p->w, v, out, nout);
			y += shown - 1;
		}
		y += 1;
	}
	program_selected_keys(ui, win, p->h, p->w, views, n);
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
		else if (ev.kind == PROGRAM_EVENT_END && ev.process && ev.status >= 0)
			ui_log(ui, ROLE_NORMAL, "%s (pid %d) exited with status %d", ev.id, (int)ev.pid, ev.status);
		else if (ev.kind == PROGRAM_EVENT_END && ev.process)
			/* Followed through /proc, a process reaped by its parent before a look leaves no status to read. */
			ui_log(ui, ROLE_NORMAL, "%s (pid %d) ended (its status was not seen)", ev.id, (int)ev.pid);
		program_event_clear(&ev);
	}
	return changed;
}

const struct ui_pane_ops ui_program_ops = {
	.name = "program",
	.shows = UI_LAB | UI_SELECTION,
	.draw = program_draw,
};
