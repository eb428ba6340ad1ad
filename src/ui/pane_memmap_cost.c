/* The memory view's chart: one more thread, green thread and process side by side, a bar each, from smaps_rollup and stacks. */
#include <stdio.h>

#include "../view/memcost.h"
#include "memmap_cost.h"

#define COST_ROWS_MAX 4      /* groups charted */
#define COST_MAP_ROOM 10     /* rows the map keeps below the chart */

int memmap_cost_chart(struct ui *ui, WINDOW *win, int y, int w, int h)
{
	struct memcost mc[COST_ROWS_MAX];
	const struct lab_group *gs[COST_ROWS_MAX];
	uint64_t max = 0;
	int n = 0;

	for (int i = 0; i < lab_ngroups(ui->lab) && n < COST_ROWS_MAX; i++) {
		gs[n] = lab_group_at(ui->lab, i);
		if (memcost_of(gs[n], &mc[n])) {
			max = mc[n].per_worker_kib > max ? mc[n].per_worker_kib : max;
			n++;
		}
	}
	if (n == 0 || y + 1 + n + COST_MAP_ROOM > h - 1)
		return y;
	int x = 2, iw = w - 4;
	ui_put(win, y++, x, iw, ui->role[ROLE_TITLE],
	       "one more worker costs: a thread or green thread its touched stack pages, a process its own pages (USS)");
	for (int k = 0; k < n; k++) {
		char label[64], kib[24];
		memcost_kib(mc[k].per_worker_kib, kib, sizeof(kib));
		snprintf(label, sizeof(label), "  %-8s one more %-12s %9s ", gs[k]->name, memcost_worker_word(gs[k]), kib);
		int lw = ui_put(win, y, x, iw, ui->role[ROLE_NORMAL], label);
		int cells = iw - lw > 40 ? 40 : iw - lw;
		int eighths = memcost_bar_eighths(mc[k].per_worker_kib, max, cells);
		attr_t a = ui->role[gs[k]->kind == LAB_THREADS ? ROLE_SHARED : ROLE_PRIVATE];
		for (int cx = 0; cx < cells && eighths > 0; cx++, eighths -= 8) {
			/* A bar lying down: whole blocks, then the left eighths of one. */
			static const char *const left[] = { "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a", "\u2589" };
			const char *cell = eighths >= 8 ? "\u2588" : left[eighths - 1];
			if (!ui->utf8)
				cell = "#";
			ui_put(win, y, x + lw + cx, 1, a, cell);
		}
		y++;
	}
	return y;
}
