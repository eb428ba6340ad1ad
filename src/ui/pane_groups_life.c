/* The groups pane's lifecycle strip under a worker and the memory line under a group: one more thread against one more process. */
#include <stdio.h>
#include <string.h>

#include "../view/lifecycle.h"
#include "../view/memcost.h"
#include "groups_column.h"

#define LIFE_STRIP_MAX 40   /* 20 s */

static attr_t groups_life_role(const struct ui *ui, enum life_state s)
{
	switch (s) {
	case LIFE_RUNNING:
		return ui->role[ROLE_ALIVE];
	case LIFE_READY:
		return ui->role[ROLE_NOTE];
	case LIFE_TERMINATED:
		return ui->role[ROLE_DEAD];
	default:
		return ui->role[ROLE_SECONDARY];
	}
}

/* A cell: its share wanting a CPU (running or ready) as a bar; a new worker's first cell "n", an ended one's "x". */
static const char *groups_life_glyph(const struct ui *ui, enum life_state s, const struct life_share *cell)
{
	if (s == LIFE_TERMINATED)
		return "x";
	if (s == LIFE_NEW)
		return "n";
	return ui_cpu_glyph(ui, cell->running + cell->ready);
}

/*
 * " │     life ▆▆██▃▃  run 33% ready 66% blocked 1%": a cell for each half
 * second, as tall as its share wanting a CPU (running or ready), coloured
 * by what it mostly was: two busy workers on one CPU stand full height in
 * the colour of ready, a worker that waits for I/O low in grey.
 */
void groups_life_line(struct column *c, int y, int i)
{
	struct ui *ui = c->ui;
	const struct lab_worker *w = &c->g->workers[i];
	const char *bar = i == c->g->nworkers - 1 ? "  " : ui->utf8 ? "\u2502 " : "| ";
	const struct life_worker *lw = life_find(&ui->life, w->serial);
	struct life_share cells[LIFE_STRIP_MAX], sh;
	char head[32], tail[3][64];
	int x = c->x + 1, iw = groups_room(c);
	double now = lab_now(ui->lab);

	snprintf(head, sizeof(head), " %s     life ", bar);
	int hw = ui_put(c->win, y, x, iw, ui->role[ROLE_SECONDARY], head);
	if (lw == NULL)
		return;
	tail[0][0] = tail[1][0] = tail[2][0] = '\0';
	if (life_share_of(lw, now - LIFE_WINDOW_S, now, &sh)) {
		snprintf(tail[0], sizeof(tail[0]), "  run %.0f%% ready %.0f%% blocked %.0f%%", 100 * sh.running, 100 * sh.ready,
		         100 * sh.blocked);
		snprintf(tail[1], sizeof(tail[1]), "  run %.0f%% ready %.0f%%", 100 * sh.running, 100 * sh.ready);
		snprintf(tail[2], sizeof(tail[2]), "  r%.0f%%", 100 * sh.running);
	}
	int k = 0, room = 0;
	for (;; k++) {
		room = iw - hw - ui_width(tail[k]);
		if (room >= 12 || k == 2)
			break;
	}
	room = room > LIFE_STRIP_MAX ? LIFE_STRIP_MAX : room;
	if (room < 4)
		return;
	int n = life_strip(lw, now, cells, room), cx = x + hw + room - n;
	for (int j = 0; j < n; j++) {
		enum life_state s = life_state_of(lw, &cells[j]);
		ui_put(c->win, y, cx++, 1, groups_life_role(ui, s), groups_life_glyph(ui, s, &cells[j]));
	}
	ui_put(c->win, y, cx, iw - (cx - x), ui->role[ROLE_FIGURE], tail[k]);
	ui_hit_add(ui, HIT_WORKER, c->win, y, x, iw, c->gi, i);
}

/* Under a group: what one more worker of it costs in memory, as its smaps_rollup and its stacks say. */
bool groups_memory_line(struct column *c, int y)
{
	struct memcost mc;
	char a[4][160];
	const char *alt[5] = { a[0], a[1], a[2], a[3], NULL };

	if (!memcost_of(c->g, &mc) || memcost_lines(c->g, &mc, c->ui->utf8, a, 4) < 4)
		return false;
	ui_put_first_cut(c->ui, c->win, y, c->x + 1, groups_room(c),
	                 c->ui->role[c->g->kind == LAB_THREADS ? ROLE_SHARED : ROLE_PRIVATE], alt);
	return true;
}
