/* The groups pane's Memory section: where the counter lives and what it holds, the workers, and ptviz's own copy. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bsd/string.h>

#include "../view/explain.h"
#include "../view/story.h"
#include "../view/work_text.h"
#include "groups_column.h"

static void groups_plan_with(const struct column *c, int lines, bool hdr2, struct groups_plan *p)
{
	const struct lab_group *g = c->g;
	int trailer = g->kind == LAB_PROCESSES ? 1 : 0;
	int head = 1 + (hdr2 ? 1 : 0), n = g->nworkers;

	p->hdr2 = hdr2;
	/* The workers' own children, one line each, below the workers. */
	p->kids = g->nkids < lines - head - trailer - 1 ? g->nkids : 0;
	p->rows = lines - head - trailer - p->kids;
	p->per = n > 0 && 4 * n <= p->rows ? 4 : n > 0 && 3 * n <= p->rows ? 3 : n > 0 && 2 * n <= p->rows ? 2 : 1;
	p->visible = n <= p->rows ? n : p->rows > 1 ? p->rows - 1 : p->rows > 0 ? 1 : 0;
}

/*
 * Private processes' "same address, its own copy in each" only explains what
 * each worker's second line shows: it gives way when that buys the workers a
 * line more each.  Every other header line holds the counter's value.
 */
void groups_plan(const struct column *c, int lines, struct groups_plan *p)
{
	groups_plan_with(c, lines, true, p);
	if (c->g->kind == LAB_PROCESSES && !c->g->shared) {
		struct groups_plan q;
		groups_plan_with(c, lines, false, &q);
		if (q.per > p->per || (q.per == p->per && q.visible > p->visible))
			*p = q;
	}
}

/* How much a plan shows, to compare two: lines per worker first, then workers shown, then the header line. */
long groups_plan_score(const struct groups_plan *p)
{
	return 1000000L * p->per + 2L * p->visible + (p->hdr2 ? 1 : 0);
}

/*
 * The one counter once some of the threads have ended, their host alive: only
 * the living write it ("T1 T2 T4 write here; T3 ended"), shorter as room runs out.
 */
static int groups_shared_counter_few(struct column *c, int y, const char *num)
{
	const struct lab_group *g = c->g;
	char live[96], gone[96], a[6][256];
	const char *alt[7] = { a[0], a[1], a[2], a[3], a[4], a[5], NULL };

	story_group_ids(g, true, live, sizeof(live));
	story_group_ids(g, false, gone, sizeof(gone));
	if (g->alive == 0) {
		snprintf(a[0], sizeof(a[0]), "   = %s  (no thread writes: %s ended)", num, gone);
		snprintf(a[1], sizeof(a[1]), "   = %s  (no thread writes now)", num);
		snprintf(a[2], sizeof(a[2]), "   = %s  (all ended)", num);
		snprintf(a[3], sizeof(a[3]), "   = %s", num);
		alt[4] = NULL;
	} else {
		const char *verb = g->alive == 1 ? "writes" : "write";
		snprintf(a[0], sizeof(a[0]), "   = %s  (%s %s here; %s ended)", num, live, verb, gone);
		snprintf(a[1], sizeof(a[1]), "   = %s  (%s %s; %s ended)", num, live, verb, gone);
		snprintf(a[2], sizeof(a[2]), "   = %s  (%s %s here)", num, live, verb);
		snprintf(a[3], sizeof(a[3]), "   = %s  (%s %s)", num, live, verb);
		snprintf(a[4], sizeof(a[4]), "   = %s  (%d of %d %s)", num, g->alive, g->nworkers, verb);
		snprintf(a[5], sizeof(a[5]), "   = %s", num);
	}
	ui_put_first_cut(c->ui, c->win, y++, c->x + 1, groups_room(c), c->ui->role[ROLE_SHARED], alt);
	return y;
}

/* Threads: the one counter every thread writes, its address, and who writes it, or when its host died. */
static int groups_shared_counter(struct column *c, int y, const char *var, const char *num)
{
	struct ui *ui = c->ui;
	const struct lab_group *g = c->g;
	int x = c->x + 1, iw = groups_room(c);
	char a[4][128];
	const char *alt[5] = { a[0], a[1], a[2], NULL, NULL };
	unsigned long addr = (unsigned long)g->counter_address;

	snprintf(a[0], sizeof(a[0]), " one shared %s @0x%lx", var, addr);
	snprintf(a[1], sizeof(a[1]), " shared %s @0x%lx", var, addr);
	snprintf(a[2], sizeof(a[2]), " %s @0x%lx", var, addr);
	ui_put_first_cut(ui, c->win, y++, x, iw, ui->role[ROLE_SHARED], alt);
	if (!g->host_alive) {
		snprintf(a[0], sizeof(a[0]), "   = %s when host %d died", num, (int)g->host);
		snprintf(a[1], sizeof(a[1]), "   = %s when its host died", num);
		snprintf(a[2], sizeof(a[2]), "   = %s, host dead", num);
		ui_put_first_cut(ui, c->win, y++, x, iw, ui->role[ROLE_DEAD], alt);
		return y;
	}
	if (g->alive < g->nworkers)
		return groups_shared_counter_few(c, y, num);
	/* Who writes the one counter, said in full and shorter: "both threads", "both". */
	char who[24], few[16];
	const char *verb = g->nworkers == 1 ? "writes" : "write";
	if (g->nworkers <= 2) {
		strlcpy(who, g->nworkers == 1 ? "its one thread" : "both threads", sizeof(who));
		strlcpy(few, g->nworkers == 1 ? "one" : "both", sizeof(few));
	} else {
		snprintf(who, sizeof(who), "all %d threads", g->nworkers);
		snprintf(few, sizeof(few), "all %d", g->nworkers);
	}
	snprintf(a[0], sizeof(a[0]), "   = %s  (%s %s here)", num, who, verb);
	snprintf(a[1], sizeof(a[1]), "   = %s  (%s %s here)", num, few, verb);
	snprintf(a[2], sizeof(a[2]), "   = %s  (%s %s)", num, few, verb);
	snprintf(a[3], sizeof(a[3]), "   = %s", num);
	alt[3] = a[3];
	ui_put_first_cut(ui, c->win, y++, x, iw, ui->role[ROLE_SHARED], alt);
	return y;
}

/* The Memory section's head: where the counter lives and what it holds, one for all or a copy in each. */
static int groups_counter_home(struct column *c, int y, bool hdr2)
{
	struct ui *ui = c->ui;
	const struct lab_group *g = c->g;
	int x = c->x + 1, iw = groups_room(c);
	char num[32], a[3][128];
	const char *alt[4] = { a[0], a[1], a[2], NULL };
	unsigned long addr = (unsigned long)g->counter_address;
	/* The withdraw workload keeps a bank balance in the very same variable. */
	const char *var = g->workload == LAB_WORK_WITHDRAW ? "balance" : "counter";

	story_number(g->counter, num, sizeof(num));
	if (g->kind == LAB_THREADS)
		return groups_shared_counter(c, y, var, num);
	if (g->shared) {
		snprintf(a[0], sizeof(a[0]), " one shared segment, %s @0x%lx", var, addr);
		snprintf(a[1], sizeof(a[1]), " shared segment, %s @0x%lx", var, addr);
		snprintf(a[2], sizeof(a[2]), " shared %s @0x%lx", var, addr);
		ui_put_first_cut(ui, c->win, y++, x, iw, ui->role[ROLE_SHARED], alt);
		snprintf(a[0], sizeof(a[0]), "   = %s  (mapped into every process and ptviz)", num);
		snprintf(a[1], sizeof(a[1]), "   = %s  (mapped into each + ptviz)", num);
		snprintf(a[2], sizeof(a[2]), "   = %s  (in every process)", num);
		ui_put_first_cut(ui, c->win, y++, x, iw, ui->role[ROLE_SHARED], alt);
		return y;
	}
	snprintf(a[0], sizeof(a[0]), " private %s @0x%lx", var, addr);
	snprintf(a[1], sizeof(a[1]), " %s @0x%lx", var, addr);
	alt[2] = NULL;
	ui_put_first_cut(ui, c->win, y++, x, iw, ui->role[ROLE_PRIVATE], alt);
	if (hdr2) {
		static const char *const copies[] = { "   same address, its own copy in each", "   same address, a copy in each",
			                              NULL };
		ui_put_first_cut(ui, c->win, y++, x, iw, ui->role[ROLE_SECONDARY], copies);
	}
	return y;
}

/* The workers, in as many lines each as the plan gives; one line each may scroll, the selected kept in view. */
static int groups_workers(struct column *c, int y, const struct groups_plan *plan)
{
	struct ui *ui = c->ui;
	const struct lab_group *g = c->g;
	int rows = plan->rows, n = g->nworkers;
	int visible = n > rows ? rows - 1 : n;
	if (visible < 1)
		visible = rows > 0 ? 1 : 0;
	int *scroll = &c->view->scroll[c->pos];
	if (c->sel >= 0 && c->sel < *scroll)
		*scroll = c->sel;
	if (c->sel >= 0 && c->sel >= *scroll + visible)
		*scroll = c->sel - visible + 1;
	if (*scroll > n - visible)
		*scroll = n - visible;
	if (*scroll < 0)
		*scroll = 0;
	c->detail = plan->per > 1;
	c->work_line = plan->per > 2;
	c->fmt = plan->per > 1 ? groups_worker_format(c, 0, n) : groups_worker_format(c, *scroll, visible);
	for (int i = 0; i < (plan->per > 1 ? n : visible); i++) {
		groups_worker_line(c, y++, plan->per > 1 ? i : *scroll + i);
		if (plan->per > 1)
			groups_worker_detail(c, y++, i, plan->per >= 3);
		if (plan->per >= 3)
			groups_worker_work(c, y++, i);
		if (plan->per == 4)
			groups_life_line(c, y++, i);
	}
	if (plan->per > 1)
		visible = n;
	if (visible < n && rows > 1) {
		char more[3][96];
		const char *malt[4] = { more[0], more[1], more[2], NULL };
		const char *up = *scroll > 0 ? ui->g.more_up : "", *down = *scroll + visible < n ? ui->g.more_down : "";
		const char *from = g->workers[*scroll].id, *to = g->workers[*scroll + visible - 1].id;
		snprintf(more[0], sizeof(more[0]), "   %s%s %s..%s of %d shown, arrows scroll", up, down, from, to, n);
		snprintf(more[1], sizeof(more[1]), "   %s%s %s..%s of %d, arrows scroll", up, down, from, to, n);
		snprintf(more[2], sizeof(more[2]), "   %s%s %s..%s of %d", up, down, from, to, n);
		ui_put_first_cut(ui, c->win, y++, c->x + 1, groups_room(c), ui->role[ROLE_SECONDARY], malt);
	}
	return y;
}

/* Room to spare above bottom: say in two lines what this pane is showing, and what ps -eLf shows beside it. */
static void groups_notes(struct column *c, int y, int bottom)
{
	struct ui *ui = c->ui;
	int x = c->x + 1, iw = groups_room(c);
	char note[2][EXPLAIN_LINE_MAX], line[2][EXPLAIN_LINE_MAX + 4], ps[EXPLAIN_LINE_MAX + 4];

	explain_group(ui->lab, c->g, note);
	int free_rows = bottom - y;
	snprintf(line[0], sizeof(line[0]), "   %s", note[0]);
	snprintf(line[1], sizeof(line[1]), "   %s", note[1]);
	if (free_rows < 3 || ui_width(line[0]) > iw || ui_width(line[1]) > iw)
		return;
	int ny = bottom - 2;
	ui_put(c->win, ny, x, iw, ui->role[ROLE_SECONDARY], line[0]);
	ui_put(c->win, ny + 1, x, iw, ui->role[ROLE_SECONDARY], line[1]);
	explain_ps(c->g, note[0], sizeof(note[0]));
	/* The channel's and the tasks' second line has its place here when the counters show a chart. */
	char work[2][WORK_TEXT_MAX];
	struct lab_machine m;
	lab_machine_read(ui->lab, &m);
	if (c->chart > 0 && work_text(c->g, m.cpus, work))
		snprintf(note[0], sizeof(note[0]), "%.*s", EXPLAIN_LINE_MAX - 1, work[1]);
	snprintf(ps, sizeof(ps), "   %s", note[0]);
	if (free_rows >= 4 && note[0][0] != '\0' && ui_width(ps) <= iw)
		ui_put(c->win, ny - 1, x, iw, ui->role[ROLE_SECONDARY], ps);
}

/* Under processes, ptviz itself: its own global, never run by the workload. */
static void groups_ptviz_copy(struct column *c, int y)
{
	struct ui *ui = c->ui;
	int x = c->x + 1, iw = groups_room(c);
	char a[3][128];
	const char *alt[4] = { a[0], a[1], a[2], NULL };
	long long v = (long long)lab_parent_counter();

	if (!c->g->shared) {
		snprintf(a[0], sizeof(a[0]), "   ptviz pid %d, its own copy = %lld", (int)getpid(), v);
		snprintf(a[1], sizeof(a[1]), "   ptviz's own copy = %lld", v);
		alt[2] = NULL;
		ui_put_first_cut(ui, c->win, y, x, iw, ui->role[ROLE_PRIVATE], alt);
		return;
	}
	/* ptviz maps the segment and reads the live value above; its ordinary global lives elsewhere. */
	unsigned long own = (unsigned long)lab_counter_address();
	snprintf(a[0], sizeof(a[0]), "   ptviz's own global counter @0x%lx = %lld (not the segment)", own, v);
	snprintf(a[1], sizeof(a[1]), "   ptviz's own global @0x%lx = %lld", own, v);
	snprintf(a[2], sizeof(a[2]), "   ptviz's global @0x%lx = %lld", own, v);
	ui_put_first_cut(ui, c->win, y, x, iw, ui->role[ROLE_SECONDARY], alt);
}

int groups_memory(struct column *c, int y0, int lines)
{
	const struct lab_group *g = c->g;
	int trailer = g->kind == LAB_PROCESSES ? 1 : 0;
	struct groups_plan plan;

	groups_plan(c, lines, &plan);
	int y = groups_counter_home(c, y0, plan.hdr2);
	y = groups_workers(c, y, &plan);
	for (int k = 0; k < plan.kids; k++)
		groups_kid(c, y++, &g->kids[k]);
	if (y < y0 + lines - trailer && groups_memory_line(c, y))
		y++;
	groups_notes(c, y, y0 + lines - trailer);
	if (trailer)
		groups_ptviz_copy(c, y0 + lines - 1);
	return y;
}
