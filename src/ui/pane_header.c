/* The top line: what runs, in which sync mode, how often the screen looks, and for how long. */
#include "ui_priv.h"

static const char *header_sync(struct ui *ui)
{
	int n = lab_ngroups(ui->lab);

	/* No group yet: the mode the next group will start with. */
	if (n == 0)
		return lab_sync_name(lab_sync_default(ui->lab));
	enum instr_sync first = lab_group_at(ui->lab, 0)->sync;
	for (int i = 1; i < n; i++) {
		if (lab_group_at(ui->lab, i)->sync != first)
			return "mixed";
	}
	return lab_sync_name(first);
}

static void header_draw(struct ui *ui, WINDOW *win, int h, int w)
{
	char right[128];
	attr_t a = ui->role[ROLE_HEADER];

	(void)h;
	ui_fill(win, 0, 0, w, a);
	int x = ui_putf(win, 0, 0, w, a | A_BOLD, " ptviz %s processes vs threads", ui->g.dot);
	if (ui->opt.hz > 0)
		snprintf(right, sizeof(right), "workload counter++   sync %s   %d Hz   t=%.1fs ", header_sync(ui),
		         ui->opt.hz, lab_now(ui->lab));
	else
		snprintf(right, sizeof(right), "workload counter++   sync %s   on events   t=%.1fs ",
		         header_sync(ui), lab_now(ui->lab));
	int rw = ui_width(right);
	int rx = w - rw > x + 2 ? w - rw : x + 2;
	ui_put(win, 0, rx, w - rx, a, right);
}

const struct ui_pane_ops ui_header_ops = {
	.name = "header",
	.draw = header_draw,
};
