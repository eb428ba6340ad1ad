/* The top line: what runs, in which sync mode, how often the screen looks, and for how long. */
#include <stdio.h>
#include <string.h>

#include "ui_priv.h"

static const char *header_sync(struct ui *ui)
{
	int n = lab_ngroups(ui->lab);

	/* No group yet: the mode the next group will start with. */
	if (n == 0)
		return lab_sync_name(lab_sync_default(ui->lab));
	enum lab_sync first = lab_group_at(ui->lab, 0)->sync;
	for (int i = 1; i < n; i++) {
		if (lab_group_at(ui->lab, i)->sync != first)
			return "mixed";
	}
	return lab_sync_name(first);
}

/* The loop the workers run: counter++ unless every group runs another; step mode shows too. */
static const char *header_workload(struct ui *ui)
{
	static char text[64];
	int first = -1;
	bool mixed = false, stepping = false;

	for (int i = 0; i < lab_ngroups(ui->lab); i++) {
		const struct lab_group *g = lab_group_at(ui->lab, i);
		if (first < 0)
			first = (int)g->workload;
		mixed |= (int)g->workload != first;
		stepping |= g->stepping;
	}
	const char *name = first <= LAB_WORK_COUNTER ? "counter++" : lab_workload_name((enum lab_workload)first);
	snprintf(text, sizeof(text), "%s %s   ", stepping ? "step mode:" : "workload", mixed ? "mixed" : name);
	return text;
}

static void header_draw(struct ui *ui, struct ui_pane *p)
{
	WINDOW *win = p->win;
	int w = p->w;
	char right[128];
	attr_t a = ui->role[ROLE_HEADER];

	ui_fill(win, 0, 0, w, a);
	char rate[16], left[64], seed[40] = "";
	/* The seed of whatever is picked at random, so a run can be repeated with --seed. */
	if (ui->opt.seeded || ui->play != NULL)
		snprintf(seed, sizeof(seed), "seed %lu   ", ui->opt.seed);
	if (ui->opt.hz > 0)
		snprintf(rate, sizeof(rate), "%d Hz", ui->opt.hz);
	else
		snprintf(rate, sizeof(rate), "on events");
	/* Whole parts give way, least needed first: the sync mode and the clock stay. */
	for (int level = 0; level < 4; level++) {
		snprintf(left, sizeof(left), level < 3 ? " ptviz %s processes vs threads" : " ptviz", ui->g.dot);
		snprintf(right, sizeof(right), "%s%ssync %s   %s%st=%.1fs ", level == 0 ? header_workload(ui) : "",
		         level < 3 ? seed : "", header_sync(ui), level < 2 ? rate : "", level < 2 ? "   " : "",
		         lab_now(ui->lab));
		if (ui_width(left) + 2 + ui_width(right) <= w)
			break;
	}
	int x = ui_put(win, 0, 0, w, a | A_BOLD, left);
	int rw = ui_width(right);
	int rx = w - rw > x + 2 ? w - rw : x + 2;
	ui_put(win, 0, rx, w - rx, a, right);
}

const struct ui_pane_ops ui_header_ops = {
	.name = "header",
	.shows = UI_LAB,
	.draw = header_draw,
};
