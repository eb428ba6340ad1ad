/* The bottom line: the key bar, built from the key table, or the command prompt. */
#include <string.h>

#include "ui_priv.h"

static void keybar_draw(struct ui *ui, WINDOW *win, int h, int w)
{
	int x = 0;

	if (ui->prompt.open) {
		ui_prompt_draw(ui, win, h, w);
		return;
	}
	for (int i = 0; i < ui_nbindings && x < w; i++) {
		const struct ui_binding *b = &ui_bindings[i];
		if (b->bar == NULL)
			continue;
		int need = ui_width(b->name) + ui_width(b->bar) + 1;
		if (x + need > w)
			break;
		int x0 = x;
		x += ui_put(win, 0, x, w - x, ui->role[ROLE_KEY], b->name);
		x += ui_putf(win, 0, x, w - x, ui->role[ROLE_KEYLABEL], "%s", b->bar);
		ui_hit_add(ui, HIT_KEY, win, 0, x0, x - x0, i, 0);
		if (x < w)
			x += ui_put(win, 0, x, 1, ui->role[ROLE_NORMAL], " ");
	}
	/* The rest of the line says what the selection is, so x, k and p never surprise. */
	int gi, wi;
	if (ui_selected(ui, &gi, &wi) && w - x > 14) {
		const struct lab_worker *wk = &lab_group_at(ui->lab, gi)->workers[wi];
		char sel[48];
		snprintf(sel, sizeof(sel), "selected %s", wk->id);
		int sw = ui_width(sel);
		if (w - x > sw)
			ui_put(win, 0, w - sw, sw, ui->role[ROLE_DIM], sel);
	}
}

const struct ui_pane_ops ui_keybar_ops = {
	.name = "keybar",
	.draw = keybar_draw,
};
