/* What a too-small terminal shows instead of a broken layout: the size needed, the size now, the way out. */
#include <stdio.h>

#include "ui_priv.h"

/*
 * Each line in its longest form that fits the width, shortest last; when the
 * rows are too few, the least needed lines go first (the title, then the
 * way out), so the size needed is what stays.
 */
static void small_draw(struct ui *ui, struct ui_pane *p)
{
	WINDOW *win = p->win;
	int h = p->h, w = p->w;
	char now[64], now_short[32];
	const char *title[] = { "ptviz needs more room:", "too small:", "", NULL };
	const char *need[] = { "make the terminal at least 80x24", "make it at least 80x24", "need 80x24", "80x24", NULL };
	const char *size[] = { now, now_short, NULL };
	const char *out[] = { "(q quits)", "q quits", "q", NULL };
	const char *const *lines[] = { title, need, size, out };
	int first = 0, n = 4;

	snprintf(now, sizeof(now), "(it is %dx%d now)", w, h);
	snprintf(now_short, sizeof(now_short), "now %dx%d", w, h);
	if (h < n) {
		first = 1;              /* no title */
		n = h < 3 ? 1 + h : n;  /* then no way out either */
	}
	int shown = n - first;
	int y0 = h > shown ? (h - shown) / 2 : 0;
	for (int i = first; i < n; i++) {
		const char *const *texts = lines[i];
		int k = 0;
		while (texts[k + 1] != NULL && ui_width(texts[k]) > w)
			k++;
		int lw = ui_width(texts[k]);
		int x = w > lw ? (w - lw) / 2 : 0;
		ui_put(win, y0 + i - first, x, w - x, i == 1 ? ui->role[ROLE_TITLE] : ui->role[ROLE_NORMAL], texts[k]);
	}
}

const struct ui_pane_ops ui_small_ops = {
	.name = "small",
	.draw = small_draw,
};
