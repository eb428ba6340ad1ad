/* The groups pane's detail lines under a worker: its picture (a queue, files, locks), how it died, its addresses, its share of the CPU, its children. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../view/envjoin.h"
#include "../view/explain.h"
#include "../view/story.h"
#include "groups_column.h"

static void groups_cpu_cells(struct column *c, int y, int x, int room, const struct trend_series *t)
{
	struct ui *ui = c->ui;
	int n = trend_count(t) < room ? trend_count(t) : room;

	for (int i = n - 1, cx = x + room - n; i >= 0; i--, cx++) {
		double share = trend_cell(t, i);
		ui_put(c->win, y, cx, 1, ui->role[share >= 0.005 ? ROLE_ALIVE : ROLE_SECONDARY], ui_cpu_glyph(ui, share));
	}
}

/*
 * A worker's CPU chart on a line of its own: "cpu", a cell per half second,
 * the share now, then the first of the tails (NULL-ended, longest first)
 * that leaves the chart 16 cells; the words give way before the chart does.
 */
static void groups_cpu_line(struct column *c, int y, int i, const char *const *tails)
{
	struct ui *ui = c->ui;
	const struct lab_worker *w = &c->g->workers[i];
	const char *bar = i == c->g->nworkers - 1 ? "  " : ui->utf8 ? "\u2502 " : "| ";
	const struct trend_series *t = trend_cpu(&ui->trend, ui->lab, c->gi, i);
	char head[32], pct[16];
	int x = c->x + 1, iw = c->w - 3;   /* a column's margin before the border */
	double share;

	snprintf(head, sizeof(head), " %s     cpu ", bar);
	if (trend_now(t, &share) && w->alive)
		ui_percent(share, pct, sizeof(pct));
	else
		snprintf(pct, sizeof(pct), "%s", w->alive ? "" : "  0%");
	int hw = ui_width(head), pw = 1 + 4, k = 0, room = 0;
	for (;; k++) {
		room = iw - hw - pw - (tails[k] != NULL ? ui_width(tails[k]) : 0);
		if (room >= 16 || tails[k] == NULL)
			break;
	}
	if (room > 40)
		room = 40;   /* 20 s: enough to see before and after a change */
	ui_put(c->win, y, x, iw, ui->role[ROLE_SECONDARY], head);
	int cx = x + hw;
	if (room >= 4) {
		groups_cpu_cells(c, y, cx, room, t);
		cx += room;
	}
	cx += ui_putf(c->win, y, cx, iw - (cx - x), ui->role[ROLE_FIGURE], " %4s", pct);
	if (tails[k] != NULL)
		ui_put(c->win, y, cx, iw - (cx - x), ui->role[ROLE_SECONDARY], tails[k]);
	ui_hit_add(ui, HIT_WORKER, c->win, y, x, iw, c->gi, i);
}

/*
 * The second line where a scenario has a picture of its own: the event loop's queue and pool, the
 * files a worker holds open, or the locks a worker holds and waits for.  False when it has none.
 */
static bool groups_detail_picture(struct column *c, int y, int i, const char *bar)
{
	struct ui *ui = c->ui;
	const struct lab_worker *w = &c->g->workers[i];
	char text[200], more[160];
	enum ui_role role = ROLE_SECONDARY;

	if (c->g->workload == LAB_WORK_EVENTLOOP) {
		/* The event loop's picture: the queue behind the loop, and what the pool does. */
		bool busy = w->activity == LAB_ACT_BLOCKING;
		if (w->number == 1)
			snprintf(text, sizeof(text), " %s     event loop: %lld task%s waiting%s", bar, (long long)w->backlog,
			         w->backlog == 1 ? "" : "s", busy ? ", FROZEN by a long task" : "");
		else
			snprintf(text, sizeof(text), " %s     %s", bar, busy ? "worker pool: runs the long task" : "worker pool: idle");
		role = busy && w->number == 1 ? ROLE_LOST : ROLE_SECONDARY;
	} else if (c->g->files) {
		/* What threads share: the descriptors /proc lists for this very task. */
		char files[160];
		const char *alt[2] = { text, NULL };
		/* One form for every row, so the eye compares numbers and names, not wording. */
		story_files_brief(w, 3, files, sizeof(files));
		snprintf(text, sizeof(text), " %s     fd %s", bar, files[0] ? files : "0-2 only, nothing else open");
		ui_put_first_cut(ui, c->win, y, c->x + 1, groups_room(c), ui->role[c->g->kind == LAB_THREADS ? ROLE_SHARED : ROLE_PRIVATE], alt);
		ui_hit_add(ui, HIT_WORKER, c->win, y, c->x + 1, c->w - 2, c->gi, i);
		return true;
	} else if (envjoin_worker_text(ui->lab, c->g, w, more, sizeof(more))) {
		/* The environment, the directory and the sandbox as read where they live, or the batches delivered. */
		snprintf(text, sizeof(text), " %s     %s", bar, more);
		role = w->env.sandboxed ? ROLE_LOST : c->g->kind == LAB_THREADS ? ROLE_SHARED : ROLE_PRIVATE;
	} else if (w->holds || w->wants || c->g->workload == LAB_WORK_DEADLOCK) {
		/* The deadlock's picture: what each holds and what it waits for (its stack is on its first line). */
		snprintf(text, sizeof(text), " %s     holds %s%s%s", bar, explain_held(w->holds, true), w->wants ? ", " : "",
		         w->wants ? explain_waits(w->wants) : "");
		role = w->wants ? ROLE_LOST : ROLE_SECONDARY;
	} else {
		return false;
	}
	ui_put_cut(ui, c->win, y, c->x + 1, groups_room(c), ui->role[role], text);
	ui_hit_add(ui, HIT_WORKER, c->win, y, c->x + 1, c->w - 2, c->gi, i);
	return true;
}

/* A dead worker's second line: when it died, and how. */
static void groups_detail_death(struct column *c, int y, const struct lab_worker *w, const char *bar)
{
	char text[160];

	char more[128];

	if (envjoin_worker_text(c->ui->lab, c->g, w, more, sizeof(more)))
		snprintf(text, sizeof(text), " %s     at %.1fs, %s", bar, w->died_at, more);
	else if (w->end == LAB_END_FAULT)
		snprintf(text, sizeof(text), " %s     at %.1fs it %s", bar, w->died_at, story_fault(w->fault));
	else if (w->end == LAB_END_SIBLING)
		snprintf(text, sizeof(text), " %s     at %.1fs, with its host process", bar, w->died_at);
	else
		snprintf(text, sizeof(text), " %s     at %.1fs (%s)", bar, w->died_at, lab_end_name(w->end));
	ui_put_cut(c->ui, c->win, y, c->x + 1, groups_room(c),
	           c->ui->role[w->end == LAB_END_FAULT ? ROLE_DEAD : ROLE_SECONDARY], text);
}

/* A live worker's second line: a thread's own stack, or a process's counter, and the CPU it last ran on. */
static void groups_detail_address(struct column *c, int y, const struct lab_worker *w, const char *bar)
{
	char text[128], cpu[24];

	for (int pass = 0; pass < 2; pass++) {
		/* The CPU goes first when the column is narrow: the address is the lesson. */
		if (pass == 0 && w->cpu >= 0)
			snprintf(cpu, sizeof(cpu), "  on cpu %d", w->cpu);
		else
			cpu[0] = '\0';
		/* A process's own copy, in the word its column's header uses: counter, or balance under withdraw. */
		const char *copy = c->g->workload == LAB_WORK_WITHDRAW ? "balance" : "counter";
		snprintf(text, sizeof(text), " %s     %s @0x%lx%s", bar, c->g->kind == LAB_THREADS ? "own stack" : copy,
		         (unsigned long)(c->g->kind == LAB_THREADS ? w->stack_address : w->counter_address), cpu);
		if (ui_width(text) <= groups_room(c))
			break;
	}
	ui_put_cut(c->ui, c->win, y, c->x + 1, groups_room(c), c->ui->role[ROLE_SECONDARY], text);
}

void groups_worker_detail(struct column *c, int y, int i, bool work_line)
{
	struct ui *ui = c->ui;
	const struct lab_worker *w = &c->g->workers[i];
	const char *bar = i == c->g->nworkers - 1 ? "  " : c->ui->utf8 ? "\u2502 " : "| ";

	if (w->alive && c->g->stepping) {
		groups_worker_step(c, y, i, bar);
		return;
	}
	if (w->alive && groups_detail_picture(c, y, i, bar))
		return;
	if (w->alive && !work_line && groups_cpu_story(c->g)) {
		/* No third line: the CPU chart takes the address's place, the lesson here being the CPU. */
		char where[24] = "";
		if (w->cpu >= 0)
			snprintf(where, sizeof(where), "  on cpu %d", w->cpu);
		const char *const tails[] = { where, NULL };
		groups_cpu_line(c, y, i, tails);
		return;
	}
	if (!w->alive)
		groups_detail_death(c, y, w, bar);
	else
		groups_detail_address(c, y, w, bar);
	ui_hit_add(ui, HIT_WORKER, c->win, y, c->x + 1, c->w - 2, c->gi, i);
}

/* In step mode, the third line: the CPU time it used and its share of the group's increments. */
static void groups_worker_share(struct column *c, int y, int i)
{
	struct ui *ui = c->ui;
	const struct lab_worker *w = &c->g->workers[i];
	const char *bar = i == c->g->nworkers - 1 ? "  " : c->ui->utf8 ? "\u2502 " : "| ";
	static long tick;
	char head[96], pct[16];
	int x = c->x + 1, iw = groups_room(c);

	if (tick == 0)
		tick = sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100;
	double share = c->g->increments > 0 ? (double)w->done / (double)c->g->increments : 0.0;
	snprintf(pct, sizeof(pct), " %3.0f%%", 100.0 * share);
	/* The words shrink before the bar does: the bar is what the eye compares. */
	static const char *const words[] = { "share of the work", "share of work", "share" };
	for (int k = 0; k < 3; k++) {
		snprintf(head, sizeof(head), " %s     cpu %.2f s  %s ", bar, (double)w->cpu_ticks / (double)tick, words[k]);
		if (ui_width(head) + ui_width(pct) + 1 + 8 <= iw)
			break;
	}
	if (ui_width(head) + ui_width(pct) + 1 + 4 > iw)
		return;
	int hw = ui_put(c->win, y, x, iw, ui->role[ROLE_SECONDARY], head);
	int room = iw - hw - ui_width(pct) - 1;
	if (room > 24)
		room = 24;
	if (room < 4)
		return;
	/* A bar in eighths of a cell, so four equal workers show four equal bars. */
	int eighths = (int)(share * room * 8 + 0.5), cx = x + hw;
	for (int k = 0; k < room; k++, eighths -= 8) {
		/* Partial cells: left-aligned eighths do not exist in ASCII, so round there. */
		const char *cell = eighths >= 8 ? ui->g.spark[7] : eighths > 0 ? ui->g.spark[eighths - 1] : ui->g.shade;
		if (!ui->utf8)
			cell = eighths >= 4 ? "#" : ui->g.shade;
		ui_put(c->win, y, cx++, 1, ui->role[eighths > 0 && w->alive ? ROLE_ALIVE : eighths > 0 ? ROLE_DEAD : ROLE_SECONDARY],
		       cell);
	}
	ui_put(c->win, y, cx, iw - (cx - x), ui->role[ROLE_SECONDARY], pct);
	ui_hit_add(ui, HIT_WORKER, c->win, y, x, iw, c->gi, i);
}

/* A worker's child: who its parent is now, as /proc says, and whether ptviz adopted it. */
void groups_kid(struct column *c, int y, const struct lab_kid *kid)
{
	struct ui *ui = c->ui;
	char a[3][128];
	const char *alt[4] = { a[0], a[1], a[2], NULL };
	int pid = (int)kid->pid, ppid = (int)kid->ppid;

	if (!kid->alive) {
		snprintf(a[0], sizeof(a[0]), "   %s's child %d: ended, reaped by ptviz", kid->parent_id, pid);
		snprintf(a[1], sizeof(a[1]), "   %s's child %d: reaped", kid->parent_id, pid);
		snprintf(a[2], sizeof(a[2]), "   child %d reaped", pid);
	} else if (kid->adopted) {
		snprintf(a[0], sizeof(a[0]), "   %s's child %d %c  orphan, adopted: ppid %d (ptviz)", kid->parent_id, pid,
		         kid->state, ppid);
		snprintf(a[1], sizeof(a[1]), "   %s's child %d %c adopted by ptviz %d", kid->parent_id, pid, kid->state,
		         ppid);
		snprintf(a[2], sizeof(a[2]), "   child %d %c adopted by ptviz", pid, kid->state);
	} else {
		/* A thread's child has the whole process for parent: the host. */
		snprintf(a[0], sizeof(a[0]), "   %s's child %d %c  ppid %d (%s%s)", kid->parent_id, pid, kid->state, ppid,
		         c->g->kind == LAB_THREADS ? "host " : "", c->g->kind == LAB_THREADS ? c->g->name : kid->parent_id);
		snprintf(a[1], sizeof(a[1]), "   %s's child %d %c  ppid %d", kid->parent_id, pid, kid->state, ppid);
		snprintf(a[2], sizeof(a[2]), "   child %d %c", pid, kid->state);
	}
	ui_put_first_cut(ui, c->win, y, c->x + 1, groups_room(c),
	             ui->role[!kid->alive ? ROLE_DEAD : kid->adopted ? ROLE_NOTE : ROLE_SECONDARY], alt);
}

/*
 * With even more room, a third line: the worker's share of one CPU over the
 * last seconds, and of the group's work.  Pinned to one CPU, two busy workers
 * show half bars each; waiting workers show low ones, however many there are.
 */
void groups_worker_work(struct column *c, int y, int i)
{
	const struct lab_worker *w = &c->g->workers[i];
	char tail[3][48];

	if (c->g->stepping) {
		/* Each waits for a step, using no CPU: what each has done is the story. */
		groups_worker_share(c, y, i);
		return;
	}
	double work = c->g->increments > 0 ? 100.0 * (double)w->done / (double)c->g->increments : 0.0;
	snprintf(tail[0], sizeof(tail[0]), "   did %.0f%% of the work", work);
	snprintf(tail[1], sizeof(tail[1]), "   %.0f%% of the work", work);
	snprintf(tail[2], sizeof(tail[2]), "   work %.0f%%", work);
	const char *const tails[] = { tail[0], tail[1], tail[2], NULL };
	groups_cpu_line(c, y, i, tails);
}
