/* What a too-small terminal shows instead of a broken layout. */
#include "ui_priv.h"

static void small_draw(struct ui *ui, struct ui_pane *p)
{
	WINDOW *win = p->win;
	int h = p->h, w = p->w;
	char now[64];
	const char *lines[] = { "ptviz needs more room:", "make the terminal at least 80x24", now, "(q quits)" };
	int n = (int)(sizeof(lines) / sizeof(lines[0]));

	snprintf(now, sizeof(now), "(it is %dx%d now)", w, h);
	int y0 = h > n ? (h - n) / 2 : 0;
	for (int i = 0; i < n && y0 + i < h; i++) {
		int lw = ui_width(lines[i]);
		int x = w > lw ? (w - lw) / 2 : 0;
		ui_put(win, y0 + i, x, w - x, i == 1 ? ui->role[ROLE_TITLE] : ui->role[ROLE_NORMAL], lines[i]);
	}
}

const struct ui_pane_ops ui_small_ops = {
	.name = "small",
	.draw = small_draw,
};
