/* The group columns: for each group its Memory, Counters and Survivors, threads left, processes right. */
#include <stdio.h>
#include <string.h>

#include "../view/story.h"
#include "groups_column.h"

#define GROUPS_COLUMN_MIN 38
#define GROUPS_VISIBLE_MAX 64   /* columns side by side, at most */

/* How the column's height is shared: Memory on top, then Counters (3 lines + chart), then Survivors. */
static void groups_split(const struct column *c, int chart, int *memory, int *surv)
{
	int h = c->h;

	*surv = c->surv;
	if (*surv > (h - 2) / 4)
		*surv = (h - 2) / 4;
	if (*surv < 2)
		*surv = 2;
	*memory = h - 2 - 2 - 3 - chart - *surv;
	if (*memory < 3) {
		*surv = 2;
		*memory = h - 2 - 2 - 3 - chart - *surv;
	}
}

/* Rows of chart this column can give without losing a worker's second line; 0 when it cannot. */
static int groups_chart_room(const struct column *c)
{
	int memory, surv;

	groups_split(c, 0, &memory, &surv);
	int want = 2 + 2 * c->g->nworkers + (c->g->kind == LAB_PROCESSES ? 1 : 0) + c->g->nkids;
	int spare = memory - want;
	if (spare < 6)
		return 0;
	int rows = spare / 2;
	return rows > GROUPS_CHART_MAX ? GROUPS_CHART_MAX : rows;
}

static const char *groups_glyph(const struct ui *ui, const struct lab_worker *w)
{
	if (!w->alive)
		return ui->g.dead;
	return w->activity == LAB_ACT_PAUSED ? ui->g.paused : ui->g.alive;
}

/*
 * Lays out the survivor list; with draw false only counts the lines it needs.
 * Drawn, a list longer than its lines ends in "+12": the workers not drawn.
 */
static int groups_survivor_items(struct column *c, int y0, int lines, bool draw, bool compact)
{
	struct ui *ui = c->ui;
	const struct lab_group *g = c->g;
	int x0 = c->x + 2, iw = c->w - 4, y = y0;   /* a blank before the border */
	char item[96], death[48], more[24] = "";
	int reserve = 0, shown = g->nworkers, endx = x0, endy = y0;

	for (int attempt = 0; attempt < 2; attempt++) {
		int x = x0;
		y = y0;
		shown = g->nworkers;
		for (int i = 0; i < g->nworkers; i++) {
			const struct lab_worker *w = &g->workers[i];
			if (compact && !(story_fault_cause(g, w) == w && g->nworkers > 1)) {
				snprintf(item, sizeof(item), "%s", groups_glyph(ui, w));
			} else if (compact) {
				/* Among bare marks, the thread that faulted keeps its name: "✖ ✖ T3 SIGSEGV (faulted) ✖". */
				story_death_in_group(g, w, death, sizeof(death));
				snprintf(item, sizeof(item), "%s%s %s %s ", i > 0 ? " " : "", groups_glyph(ui, w), w->id, death);
			} else if (w->alive) {
				snprintf(item, sizeof(item), "%s %s", groups_glyph(ui, w), w->id);
			} else {
				story_death_in_group(g, w, death, sizeof(death));
				snprintf(item, sizeof(item), "%s %s %s", groups_glyph(ui, w), w->id, death);
			}
			int wd = ui_width(item);
			int right = x0 + iw - (y - y0 == lines - 1 ? reserve : 0);
			if (x > x0 && x + wd > right) {
				x = x0;
				y++;
				right = x0 + iw - (y - y0 == lines - 1 ? reserve : 0);
			}
			if (draw && (y - y0 >= lines || x + wd > right)) {
				shown = i;
				break;
			}
			if (draw && attempt == 1) {
				attr_t a = i == c->sel ? ui->role[ROLE_SELECTED] : w->alive ? ui->role[w->activity == LAB_ACT_PAUSED ? ROLE_PAUSED : ROLE_ALIVE] : ui->role[ROLE_DEAD];
				ui_put(c->win, y, x, wd, a, item);
				ui_hit_add(ui, HIT_WORKER, c->win, y, x, wd, c->gi, i);
			}
			endx = x + wd;
			endy = y;
			x += wd + (compact ? 0 : 2);
		}
		if (!draw)
			break;
		if (attempt == 0) {
			if (shown == g->nworkers) {
				reserve = 0;
			} else {
				/* Room on the last line for the count of those left out, at its widest. */
				snprintf(more, sizeof(more), "%s+%d", compact ? " " : "  ", g->nworkers);
				reserve = ui_width(more);
			}
			continue;
		}
		if (shown < g->nworkers && lines > 0) {
			snprintf(more, sizeof(more), "%s+%d", compact ? " " : "  ", g->nworkers - shown);
			int ly = y0 + lines - 1, lx = endy == ly ? endx : x0;
			ui_put(c->win, ly, lx, x0 + iw - lx, ui->role[ROLE_NOTE], more);
		}
	}
	return y - y0 + 1;
}

static void groups_survivors(struct column *c, int y, int lines)
{
	struct ui *ui = c->ui;
	const struct lab_group *g = c->g;
	int x = c->x + 1, iw = c->w - 2;
	enum ui_role r = g->alive == g->nworkers ? ROLE_ALIVE : g->alive == 0 ? ROLE_DEAD : ROLE_NOTE;
	int lw = ui_putf(c->win, y, x, iw, ui->role[r], " %d/%d alive", g->alive, g->nworkers);
	static const char *const died[] = { "  the host died: all its threads", "  the host died: all did",
		                            "  died with the host", NULL };
	/* When a thread's fault killed the host, the line names it: the others died of its fault. */
	char caused[3][64];
	const char *const by_fault[] = { caused[0], caused[1], caused[2], NULL };
	const struct lab_worker *cause = NULL;
	for (int i = 0; i < g->nworkers && cause == NULL; i++)
		cause = story_fault_cause(g, &g->workers[i]);
	if (cause != NULL) {
		snprintf(caused[0], sizeof(caused[0]), "  %s faulted: the host died, all its threads", cause->id);
		snprintf(caused[1], sizeof(caused[1]), "  %s faulted: all died with the host", cause->id);
		snprintf(caused[2], sizeof(caused[2]), "  %s faulted: all died", cause->id);
	}
	static const char *const one[] = { "  one process: a crash ends all", "  one crash ends all", "  all or none",
		                           NULL };
	static const char *const each[] = { "  each process dies alone", "  each dies alone", NULL };
	const char *const *why = g->kind == LAB_THREADS && !g->host_alive ? (cause != NULL ? by_fault : died)
	                         : g->kind == LAB_THREADS                 ? one
	                                                                  : each;
	int k = 0;
	while (why[k + 1] != NULL && lw + ui_width(why[k]) > iw)
		k++;
	if (lw + ui_width(why[k]) <= iw)
		ui_put(c->win, y, x + lw, iw - lw, ui->role[ROLE_SECONDARY], why[k]);
	bool compact = groups_survivor_items(c, y + 1, lines - 1, false, false) > lines - 1;
	groups_survivor_items(c, y + 1, lines - 1, true, compact);
}

static void groups_column(struct column *c)
{
	struct ui *ui = c->ui;
	const struct lab_group *g = c->g;
	char title[96];
	int h = c->h;

	ui_box(ui, c->win, 0, c->x, h, c->w);
	/* The sync mode always shows: the title gives up its words first. */
	char sync[80];
	char cpu[24] = "";
	if (g->pinned_cpu >= 0)
		snprintf(cpu, sizeof(cpu), ", CPU %d", g->pinned_cpu);
	snprintf(sync, sizeof(sync), " %s%ssync %s%s%s ", g->workload > LAB_WORK_WITHDRAW ? lab_workload_name(g->workload) : "",
	         g->workload > LAB_WORK_WITHDRAW ? ", " : "", lab_sync_name(g->sync),
	         g->stepping ? ", STEP" : g->gil ? ", GIL" : "", cpu);
	int sw = ui_width(sync);
	/* Workers at SCHED_IDLE: ", IDLE" after the sync mode, a flag as STEP and GIL; it gives way before the pid. */
	int idle = g->idle_priority ? 6 : 0;
	for (int level = 0; level < 4; level++) {
		if (g->green.kernels > 0 && level < 2)
			/* Green threads: how many on how many kernel threads, the first thing to see. */
			snprintf(title, sizeof(title), " GREEN %s %s %d on %d%s %s pid %d%s ", g->name, ui->g.dot, g->nworkers,
			         g->green.kernels, g->green.handoff && level == 0 ? ", hand-off" : "", ui->g.dot, (int)g->host,
			         g->host_alive ? "" : " dead");
		else if (g->green.kernels > 0 && level == 2)
			snprintf(title, sizeof(title), " GREEN %s %s %d on %d%s ", g->name, ui->g.dot, g->nworkers,
			         g->green.kernels, g->host_alive ? "" : " dead");
		else if (g->green.kernels > 0)
			snprintf(title, sizeof(title), " GREEN %s%s ", g->name, g->host_alive ? "" : " dead");
		else if (g->kind == LAB_THREADS && level < 2)
			snprintf(title, sizeof(title), " THREADS %s %s %spid %d%s ", g->name, ui->g.dot,
			         level == 0 ? "1 process, " : "", (int)g->host, g->host_alive ? "" : " dead");
		else if (g->kind == LAB_THREADS)
			snprintf(title, sizeof(title), " THREADS %s%s ", g->name, g->host_alive ? "" : " dead");
		else if (level < 2)
			snprintf(title, sizeof(title), " PROCESSES %s %s %d process%s%s ", g->name, ui->g.dot, g->nworkers,
			         g->nworkers == 1 ? "" : "es", !g->shared ? "" : level == 0 ? ", shared segment" : ", shared");
		else if (level == 2)
			snprintf(title, sizeof(title), " PROCESSES %s %s %d proc%s%s ", g->name, ui->g.dot, g->nworkers,
			         g->nworkers == 1 ? "" : "s", g->shared ? ", shared" : "");
		else
			snprintf(title, sizeof(title), " PROCESSES %s%s ", g->name, g->shared ? " shared" : "");
		if (ui_width(title) + sw + idle + 2 <= c->w)
			break;
		if (level == 1 && idle > 0)
			idle = 0, level = -1;
	}
	if (idle > 0)
		sw += snprintf(sync + strlen(sync) - 1, sizeof(sync) - strlen(sync) + 1, ", IDLE ") - 1;
	int tw = ui_put(c->win, 0, c->x + 1, c->w - 2, ui->role[ROLE_TITLE], title);
	if (tw + sw + 2 <= c->w)
		ui_put(c->win, 0, c->x + c->w - 1 - sw, sw, ui->role[g->sync == LAB_SYNC_NONE ? ROLE_LOST : ROLE_ALIVE],
		       sync);

	int counters = 3 + c->chart, memory, surv;
	groups_split(c, c->chart, &memory, &surv);
	(void)h;
	if (memory < 1)
		return;
	groups_memory(c, 1, memory);
	ui_rule(ui, c->win, 1 + memory, c->x, c->w, "COUNTERS");
	groups_counters(c, 2 + memory);
	ui_rule(ui, c->win, 2 + memory + counters, c->x, c->w, "SURVIVORS");
	groups_survivors(c, 3 + memory + counters, surv);
}

static void groups_empty(struct ui *ui, WINDOW *win, int h, int w)
{
	static const char *const lines[] = {
		"No workers yet.",
		"",
		"t   start 4 threads in one process: they share its memory",
		"s   start 4 processes with fork(): each gets its own copy",
		":   type any command, e.g.  spawn threads 8   or   spawn processes 2 shared",
		"?   what every key and every pane means",
	};
	int n = (int)(sizeof(lines) / sizeof(lines[0]));
	int y0 = h > n ? (h - n) / 2 : 0;

	ui_box(ui, win, 0, 0, h, w);
	for (int i = 0; i < n; i++)
		ui_put(win, y0 + i, w > 76 ? (w - 76) / 2 : 2, w - 4, ui->role[i == 0 ? ROLE_TITLE : ROLE_NORMAL],
		       lines[i]);
}

/* How many columns fit side by side; the first shown follows the selected group into view. */
static int groups_visible(struct ui *ui, struct groups_view *view, int gsel, int w)
{
	int nvis = w / GROUPS_COLUMN_MIN;
	if (nvis < 1)
		nvis = 1;
	if (nvis > ui->norder)
		nvis = ui->norder;
	if (nvis > GROUPS_VISIBLE_MAX)
		nvis = GROUPS_VISIBLE_MAX;
	int selpos = 0;
	for (int i = 0; i < ui->norder; i++) {
		if (ui->order[i] == gsel)
			selpos = i;
	}
	if (selpos < view->first_column)
		view->first_column = selpos;
	if (selpos >= view->first_column + nvis)
		view->first_column = selpos - nvis + 1;
	if (view->first_column > ui->norder - nvis)
		view->first_column = ui->norder - nvis;
	if (view->first_column < 0)
		view->first_column = 0;
	return nvis;
}

/* What the visible columns share, so their panes line up: the survivors' lines, the chart's rows, and each column's own. */
struct groups_sizes {
	int surv, chart;
	int own[GROUPS_VISIBLE_MAX];
};

/*
 * Pass 0 sizes each column's survivors, pass 1 the chart, the same in every column.  Pass 2
 * lines the columns' panes up, unless that costs a column detail: then the column keeps its
 * own survivors' height, so each shows the most its own rows allow.
 */
static void groups_size(struct column *c, int pass, int v, struct groups_sizes *z)
{
	if (pass == 0) {
		/* Names when they fit the most survivors may take, else dots. */
		z->own[v] = 1 + groups_survivor_items(c, 0, 1000, false, false);
		if (z->own[v] > (c->h - 2) / 4)
			z->own[v] = 1 + groups_survivor_items(c, 0, 1000, false, true);
		z->surv = z->own[v] > z->surv ? z->own[v] : z->surv;
	} else if (pass == 1) {
		int room = groups_chart_room(c);
		z->chart = room < z->chart ? room : z->chart;
	} else {
		struct groups_plan mine, lined;
		int memory, rows;
		groups_split(c, z->chart, &memory, &rows);
		groups_plan(c, memory, &mine);
		c->surv = z->surv;
		groups_split(c, z->chart, &memory, &rows);
		groups_plan(c, memory, &lined);
		if (groups_plan_score(&lined) >= groups_plan_score(&mine))
			z->own[v] = z->surv;
	}
}

/* Groups that do not fit: say so where the eye goes, on the border. */
static void groups_more(struct ui *ui, const struct groups_view *view, WINDOW *win, int h, int w, int nvis)
{
	if (view->first_column > 0)
		ui_putf(win, h - 1, 1, w / 2, ui->role[ROLE_NOTE], "%s %d more (Left) ", ui->g.more_left,
		        view->first_column);
	int right = ui->norder - view->first_column - nvis;
	if (right > 0) {
		char more[48];
		snprintf(more, sizeof(more), " %d more (Right) %s", right, ui->g.more_right);
		int mw = ui_width(more);
		ui_put(win, h - 1, w - 1 - mw, mw, ui->role[ROLE_NOTE], more);
	}
}

static void groups_draw(struct ui *ui, struct ui_pane *p)
{
	struct groups_view *view = p->data;
	WINDOW *win = p->win;
	int h = p->h, w = p->w;
	int gsel = -1, wsel = -1;

	ui_order_groups(ui);
	if (ui->norder == 0) {
		groups_empty(ui, win, h, w);
		return;
	}
	ui_selected(ui, &gsel, &wsel);
	int nvis = groups_visible(ui, view, gsel, w);
	int colw = w / nvis;
	struct groups_sizes z = { .surv = 0, .chart = GROUPS_CHART_MAX };
	/* Three passes size the columns, the fourth draws them. */
	for (int pass = 0; pass < 4; pass++) {
		for (int v = 0; v < nvis; v++) {
			int pos = view->first_column + v;
			struct column c = {
				.ui = ui, .view = view, .win = win, .gi = ui->order[pos], .pos = pos,
				.x = v * colw, .w = v == nvis - 1 ? w - v * colw : colw, .h = h,
			};
			c.g = lab_group_at(ui->lab, c.gi);
			c.sel = c.gi == gsel ? wsel : -1;
			c.surv = pass == 0 ? 0 : z.own[v];
			c.chart = z.chart;
			if (pass < 3)
				groups_size(&c, pass, v, &z);
			else
				groups_column(&c);
		}
	}
	groups_more(ui, view, win, h, w, nvis);
}

const struct ui_pane_ops ui_groups_ops = {
	.name = "groups",
	.size = sizeof(struct groups_view),
	.shows = UI_LAB | UI_SELECTION,
	.draw = groups_draw,
};
