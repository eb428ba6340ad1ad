/* The group columns: for each group its Memory, Counters and Survivors, threads left, processes right. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bsd/string.h>

#include "../view/explain.h"
#include "../view/story.h"
#include "ui_priv.h"

#define GROUPS_COLUMN_MIN 38
#define GROUPS_VISIBLE_MAX 64   /* columns side by side, at most */

/* The pane's own: which columns show and how far each has scrolled. */
struct groups_view {
	int first_column;               /* first group column shown when not all fit */
	int scroll[LAB_MAX_GROUPS];     /* worker rows scrolled in each column, by display position */
};

struct column {
	struct ui *ui;
	struct groups_view *view;
	WINDOW *win;
	const struct lab_group *g;
	int gi, pos;          /* lab index, display position */
	int x, w, h;          /* the box */
	int sel;              /* selected worker in this group, -1 none */
	int surv;             /* survivor lines, the same in every column so the panes line up */
	int chart;            /* rows of the tall lost-updates chart, the same in every column; 0: a sparkline */
	bool detail;          /* the workers have more than one line each */
	bool work_line;       /* ... and three: the third their CPU */
	int fmt;              /* the form every worker's first line takes, from groups_worker_format */
};

#define GROUPS_CHART_MAX 14

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

static attr_t groups_worker_role(const struct ui *ui, const struct lab_worker *w)
{
	if (!w->alive)
		return ui->role[ROLE_DEAD];
	if (w->activity == INSTR_PAUSED)
		return ui->role[ROLE_PAUSED];
	return ui->role[ROLE_NORMAL];
}

static const char *groups_glyph(const struct ui *ui, const struct lab_worker *w)
{
	if (!w->alive)
		return ui->g.dead;
	return w->activity == INSTR_PAUSED ? ui->g.paused : ui->g.alive;
}

/* Text room in a column: from the first inner cell, leaving one blank before the right border. */
static int groups_room(const struct column *c)
{
	return c->w - 3;
}

/* Prints left at x and right flush to x+w; when they collide, left ends in an ellipsis first. */
static void groups_row(const struct ui *ui, WINDOW *win, int y, int x, int w, attr_t attr, const char *left,
                       const char *right)
{
	int rw = ui_width(right);
	if (rw == 0) {
		ui_put_cut(ui, win, y, x, w, attr, left);
		return;
	}
	if (ui_width(left) + 1 + rw > w && w - rw - 1 < 12) {
		ui_put_cut(ui, win, y, x, w, attr, left);
		return;
	}
	int lw = ui_put_cut(ui, win, y, x, ui_width(left) + 1 + rw <= w ? w : w - rw - 1, attr, left);
	if (lw + 1 + rw <= w)
		ui_put(win, y, x + w - rw, rw, attr, right);
}


/* Where the scenario is about CPUs (io, cpu, pinned), a worker's share of one comes before its addresses. */
static bool groups_cpu_story(const struct lab_group *g)
{
	return !g->stepping && (g->workload == INSTR_WORK_IO || g->workload == INSTR_WORK_CPU || g->pinned_cpu >= 0);
}


/*
 * For a worker's only line, when the group's story is the CPU (io, cpu,
 * pinned): "  cpu ▁▂▅█ 97%", shorter at each level, nothing at level 3.
 */
static void groups_cpu_fragment(struct column *c, int i, int level, char *buf, size_t len)
{
	const struct trend_series *t = trend_cpu(&c->ui->trend, c->ui->lab, c->gi, i);
	char pct[8];
	double share;
	size_t o;

	buf[0] = '\0';
	if (level >= 3 || !trend_now(t, &share))
		return;
	ui_percent(share, pct, sizeof(pct));
	o = (size_t)snprintf(buf, len, "  cpu ");
	int cells = level == 0 ? 8 : level == 1 ? 4 : 0;
	for (int k = (cells < trend_count(t) ? cells : trend_count(t)) - 1; k >= 0 && o < len; k--)
		o += (size_t)snprintf(buf + o, len - o, "%s", ui_cpu_glyph(c->ui, trend_cell(t, k)));
	if (o < len)
		snprintf(buf + o, len - o, "%s%s", cells > 0 ? " " : "", pct + strspn(pct, " "));
}

/*
 * Whether a worker's second line is its address ("own stack @0x..."): then
 * the first line leaves the stack out, so no address shows twice.
 */
static bool groups_line2_address(const struct column *c, bool work_line)
{
	const struct lab_group *g = c->g;

	return g->kind == LAB_THREADS && !g->stepping && g->workload != INSTR_WORK_EVENTLOOP &&
	       g->workload != INSTR_WORK_DEADLOCK && !g->files && !(groups_cpu_story(g) && !work_line);
}

/*
 * The forms of a worker's line, widest first: {stack form, short number}.
 * The stack address shrinks, then goes, and only then is the number
 * abbreviated; last the tid or pid goes (form 4), so the state stays whole.
 * The word before the number always stays.
 */
static const int groups_steps_alone[][2] = { { 0, 0 }, { 1, 0 }, { 2, 0 }, { 2, 1 }, { 3, 0 }, { 3, 1 }, { 4, 1 } };
static const int groups_steps_detail[][2] = { { 3, 0 }, { 3, 1 }, { 4, 1 } };

static int groups_worker_steps(const struct column *c, const int (**steps)[2])
{
	if (c->detail && groups_line2_address(c, c->work_line)) {
		*steps = groups_steps_detail;
		return 3;
	}
	*steps = groups_steps_alone;
	return 7;
}

/* A worker's line in form k of its column: left and right parts; right may be empty. */
static void groups_worker_compose(struct column *c, int i, int k, char *left, size_t llen, char *right, size_t rlen)
{
	struct ui *ui = c->ui;
	const struct lab_worker *w = &c->g->workers[i];
	bool threads = c->g->kind == LAB_THREADS;
	bool detail = c->detail;
	const char *tree = i == c->g->nworkers - 1 ? ui->g.tree_end : ui->g.tree_mid;
	char num[32], death[32], state[48];
	const int(*steps)[2];
	int nsteps = groups_worker_steps(c, &steps);

	if (k >= nsteps)
		k = nsteps - 1;
	right[0] = '\0';
	if (!w->alive) {
		story_death(w, death, sizeof(death));
		snprintf(state, sizeof(state), "%s %s%s", ui->g.dead, death, w->zombie ? " Z zombie" : "");
	} else if (w->activity == INSTR_LOCKWAIT && w->wants) {
		snprintf(state, sizeof(state), "%c waits for %s", w->state, explain_lock_letter(w->wants));
	} else if (w->activity == INSTR_PAUSED) {
		snprintf(state, sizeof(state), "%s paused", ui->g.paused);
	} else if (w->activity == INSTR_LOOPING) {
		snprintf(state, sizeof(state), "%c looping", w->state);
	} else {
		snprintf(state, sizeof(state), "%c", w->state);
	}
	if (!detail && c->g->files) {
		/* One line each and files on: the table is the lesson, more than the count. */
		char files[160];
		if (w->alive)
			story_files_brief(w, 3, files, sizeof(files));
		else
			files[0] = '\0';
		if (!w->alive) {
			story_number(threads || c->g->shared ? w->done : w->counter, num, sizeof(num));
			snprintf(left, llen, " %s %-3s %s %d %s", tree, w->id, threads ? "tid" : "pid",
			         threads ? (int)w->tid : (int)w->pid, state);
			snprintf(right, rlen, "last %s", num);
		} else if (k == 0)
			snprintf(left, llen, " %s %-3s %s %d %s  fd %s", tree, w->id, threads ? "tid" : "pid",
			         threads ? (int)w->tid : (int)w->pid, state, files[0] ? files : "0-2 only");
		else
			snprintf(left, llen, " %s %-3s fd %s", tree, w->id, files[0] ? files : "0-2 only");
		return;
	}
	bool cpu_story = !detail && w->alive && groups_cpu_story(c->g);
	int64_t value = threads || c->g->shared ? w->done : w->counter;
	const char *what = !w->alive                               ? "last"
	                   : threads || c->g->shared               ? "done"
	                   : c->g->workload == INSTR_WORK_WITHDRAW ? "balance"
	                                                           : "counter";
	int level = steps[k][0];
	if (w->alive && c->g->stepping && !detail) {
		/* No second line: in step mode the register and the next step matter more than the ids. */
		char reg[24];
		if (w->has_reg)
			snprintf(reg, sizeof(reg), "%lld", (long long)w->reg);
		else
			snprintf(reg, sizeof(reg), "-");
		snprintf(left, llen, " %s %-3s reg %s %s %s", tree, w->id, reg, ui->utf8 ? "\u25b8" : ">",
		         w->activity == INSTR_LOCKWAIT ? "lock?" : lab_step_name(w->next));
	} else if (cpu_story) {
		/* Where the lesson is the CPU, its share of one says more than where the stack is. */
		char cpu[96];
		groups_cpu_fragment(c, i, level, cpu, sizeof(cpu));
		if (level >= 4)
			snprintf(left, llen, " %s %-3s %s", tree, w->id, state);
		else
			snprintf(left, llen, " %s %-3s %s %d %s%s", tree, w->id, threads ? "tid" : "pid",
			         threads ? (int)w->tid : (int)w->pid, state, cpu);
	} else if (level >= 4) {
		snprintf(left, llen, " %s %-3s %s", tree, w->id, state);
	} else if (threads) {
		char stack[40];
		if (level == 0)
			snprintf(stack, sizeof(stack), " stack 0x%lx", (unsigned long)w->stack_address);
		else if (level < 3)
			snprintf(stack, sizeof(stack), " %s%s%06lx", level == 1 ? "stack " : "@", ui->g.ellipsis,
			         (unsigned long)(w->stack_address & 0xffffff));
		else
			stack[0] = '\0';
		snprintf(left, llen, " %s %-3s tid %d %s%s", tree, w->id, (int)w->tid, state, w->alive ? stack : "");
	} else {
		snprintf(left, llen, " %s %-3s pid %d %s", tree, w->id, (int)w->pid, state);
	}
	/* One number style for the column: every digit, or every figure abbreviated (12.3M). */
	if (steps[k][1])
		ui_number(value, 3, num, sizeof(num));
	else
		story_number(value, num, sizeof(num));
	snprintf(right, rlen, "%s %s", what, num);
}

static bool groups_worker_fits(struct column *c, int i, int k)
{
	char left[256], right[64];

	groups_worker_compose(c, i, k, left, sizeof(left), right, sizeof(right));
	return ui_width(left) + (right[0] ? 1 + ui_width(right) : 0) <= groups_room(c);
}

/*
 * The one form every worker line shown in the column takes: the widest that
 * fits each of them, so the eye compares figures, not wording.
 */
static int groups_worker_format(struct column *c, int first, int count)
{
	const int(*steps)[2];
	int nsteps = !c->detail && c->g->files ? 2 : groups_worker_steps(c, &steps);

	for (int k = 0; k < nsteps - 1; k++) {
		bool all = true;
		for (int i = first; i < first + count && i < c->g->nworkers && all; i++)
			all = groups_worker_fits(c, i, k);
		if (all)
			return k;
	}
	return nsteps - 1;
}

static void groups_worker_line(struct column *c, int y, int i)
{
	struct ui *ui = c->ui;
	const struct lab_worker *w = &c->g->workers[i];
	int x = c->x + 1;
	char left[256], right[64];
	attr_t attr = groups_worker_role(ui, w);

	if (i == c->sel) {
		attr = ui->role[ROLE_SELECTED];
		ui_fill(c->win, y, x, c->w - 2, attr);
	}
	groups_worker_compose(c, i, c->fmt, left, sizeof(left), right, sizeof(right));
	groups_row(ui, c->win, y, x, groups_room(c), attr, left, right);
	ui_hit_add(ui, HIT_WORKER, c->win, y, x, c->w - 2, c->gi, i);
}

/* Who holds the group's lock between micro-steps, or NULL. */
static const char *groups_lock_holder(const struct lab_group *g)
{
	for (int i = 0; i < g->nworkers; i++) {
		if (g->workers[i].alive && g->workers[i].holds_lock)
			return g->workers[i].id;
	}
	return NULL;
}

/*
 * In step mode the second line is the worker's own view of the operation:
 * its register, then the micro-step it will take when permitted.
 */
static void groups_worker_step(struct column *c, int y, int i, const char *bar)
{
	struct ui *ui = c->ui;
	const struct lab_group *g = c->g;
	const struct lab_worker *w = &g->workers[i];
	int x = c->x + 1, iw = groups_room(c);
	char reg[48], next[64], text[128];

	const char *what = g->workload == INSTR_WORK_WITHDRAW ? "balance" : "counter";
	/* Long words when they fit, then short ones, then the bare step name. */
	for (int level = 0; level < 3; level++) {
		char value[24] = "-";
		if (w->has_reg)
			snprintf(value, sizeof(value), "%lld", (long long)w->reg);
		snprintf(reg, sizeof(reg), " %s     %s %s", bar, level == 0 ? "register" : "reg", value);
		if (level == 2) {
			snprintf(next, sizeof(next), "%s", lab_step_name(w->next));
			break;
		}
		switch (w->next) {
		case INSTR_STEP_LOAD: snprintf(next, sizeof(next), level ? "load" : "load the %s", what); break;
		case INSTR_STEP_ADD: snprintf(next, sizeof(next), level ? "add 1" : "add 1 to register"); break;
		case INSTR_STEP_STORE:
			if (g->workload == INSTR_WORK_WITHDRAW)
				snprintf(next, sizeof(next), "store %lld-%d", (long long)w->reg, INSTR_WITHDRAW_AMOUNT);
			else
				snprintf(next, sizeof(next), level ? "store" : "store it");
			break;
		case INSTR_STEP_FETCH_ADD: snprintf(next, sizeof(next), level ? "fetch-add" : "fetch-add (one step)"); break;
		case INSTR_STEP_CHECK:
			snprintf(next, sizeof(next), level ? "check >= %d" : "check balance >= %d", INSTR_WITHDRAW_AMOUNT);
			break;
		case INSTR_STEP_FETCH_SUB: snprintf(next, sizeof(next), "fetch-sub %d", INSTR_WITHDRAW_AMOUNT); break;
		default: snprintf(next, sizeof(next), "?"); break;
		}
		if (ui_width(reg) + 9 + ui_width(next) <= iw)
			break;
	}
	int used = ui_put(c->win, y, x, iw, ui->role[ROLE_NORMAL], reg);
	if (w->activity == INSTR_LOCKWAIT) {
		const char *holder = groups_lock_holder(g);
		snprintf(text, sizeof(text), "  waits for the lock%s%s", holder ? ", held by " : "", holder ? holder : "");
		ui_put(c->win, y, x + used, iw - used, ui->role[ROLE_PAUSED], text);
	} else {
		snprintf(text, sizeof(text), "  %s %s ", ui_width(reg) + 9 + ui_width(next) <= iw ? "next" : "", ui->utf8 ? "\u25b8" : ">");
		used += ui_put(c->win, y, x + used, iw - used, ui->role[ROLE_SECONDARY], text);
		used += ui_put(c->win, y, x + used, iw - used, ui->role[ROLE_FIGURE], next);
		if (w->holds_lock && used + 12 <= iw)
			ui_put(c->win, y, x + used, iw - used, ui->role[ROLE_NOTE], "  (has lock)");
	}
	ui_hit_add(ui, HIT_WORKER, c->win, y, x, iw, c->gi, i);
}

/*
 * A cell per half second: how much of one CPU the worker had, on one scale
 * for every worker (a full block is all of one CPU), newest on the right.
 */
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

/* With room to spare, a second line per worker: where its memory is and where it runs. */
static void groups_worker_detail(struct column *c, int y, int i, bool work_line)
{
	struct ui *ui = c->ui;
	const struct lab_worker *w = &c->g->workers[i];
	const char *bar = i == c->g->nworkers - 1 ? "  " : c->ui->utf8 ? "\u2502 " : "| ";
	char cpu[24];

	if (w->alive && c->g->stepping) {
		groups_worker_step(c, y, i, bar);
		return;
	}
	if (w->alive && c->g->workload == INSTR_WORK_EVENTLOOP) {
		/* The event loop's picture: the queue behind the loop, and what the pool does. */
		char text[128];
		bool busy = w->activity == INSTR_BLOCKING;
		if (w->number == 1)
			snprintf(text, sizeof(text), " %s     event loop: %lld task%s waiting%s", bar, (long long)w->backlog,
			         w->backlog == 1 ? "" : "s", busy ? ", FROZEN by a long task" : "");
		else
			snprintf(text, sizeof(text), " %s     %s", bar, busy ? "worker pool: runs the long task" : "worker pool: idle");
		ui_put_cut(ui, c->win, y, c->x + 1, groups_room(c), ui->role[busy && w->number == 1 ? ROLE_LOST : ROLE_SECONDARY], text);
		ui_hit_add(ui, HIT_WORKER, c->win, y, c->x + 1, c->w - 2, c->gi, i);
		return;
	}
	if (w->alive && c->g->files) {
		/* What threads share: the descriptors /proc lists for this very task. */
		char files[160], text[200];
		const char *alt[2] = { text, NULL };
		/* One form for every row, so the eye compares numbers and names, not wording. */
		story_files_brief(w, 3, files, sizeof(files));
		snprintf(text, sizeof(text), " %s     fd %s", bar, files[0] ? files : "0-2 only, nothing else open");
		ui_put_first_cut(ui, c->win, y, c->x + 1, groups_room(c), ui->role[c->g->kind == LAB_THREADS ? ROLE_SHARED : ROLE_PRIVATE], alt);
		ui_hit_add(ui, HIT_WORKER, c->win, y, c->x + 1, c->w - 2, c->gi, i);
		return;
	}
	if (w->alive && (w->holds || w->wants || c->g->workload == INSTR_WORK_DEADLOCK)) {
		/* The deadlock's picture: what each holds and what it waits for (its stack is on its first line). */
		char text[128];
		snprintf(text, sizeof(text), " %s     holds %s%s%s", bar, explain_held(w->holds, true), w->wants ? ", " : "",
		         w->wants ? explain_waits(w->wants) : "");
		ui_put_cut(ui, c->win, y, c->x + 1, groups_room(c), ui->role[w->wants ? ROLE_LOST : ROLE_SECONDARY], text);
		ui_hit_add(ui, HIT_WORKER, c->win, y, c->x + 1, c->w - 2, c->gi, i);
		return;
	}

	if (w->alive && !work_line && groups_cpu_story(c->g)) {
		/* No third line: the CPU chart takes the address's place, the lesson here being the CPU. */
		char where[24] = "";
		if (w->cpu >= 0)
			snprintf(where, sizeof(where), "  on cpu %d", w->cpu);
		const char *const tails[] = { where, NULL };
		groups_cpu_line(c, y, i, tails);
		return;
	}
	if (!w->alive) {
		char text[160];
		if (w->end == LAB_END_FAULT)
			snprintf(text, sizeof(text), " %s     at %.1fs it %s", bar, w->died_at, story_fault(w->fault));
		else if (w->end == LAB_END_SIBLING)
			snprintf(text, sizeof(text), " %s     at %.1fs, with its host process", bar, w->died_at);
		else
			snprintf(text, sizeof(text), " %s     at %.1fs (%s)", bar, w->died_at, lab_end_name(w->end));
		ui_put_cut(ui, c->win, y, c->x + 1, groups_room(c), ui->role[w->end == LAB_END_FAULT ? ROLE_DEAD : ROLE_SECONDARY],
		             text);
	} else {
		char text[128];
		for (int pass = 0; pass < 2; pass++) {
			/* The CPU goes first when the column is narrow: the address is the lesson. */
			if (pass == 0 && w->cpu >= 0)
				snprintf(cpu, sizeof(cpu), "  on cpu %d", w->cpu);
			else
				cpu[0] = '\0';
			snprintf(text, sizeof(text), " %s     %s @0x%lx%s", bar,
			         c->g->kind == LAB_THREADS ? "own stack" : "counter",
			         (unsigned long)(c->g->kind == LAB_THREADS ? w->stack_address : w->counter_address), cpu);
			if (ui_width(text) <= groups_room(c))
				break;
		}
		ui_put_cut(ui, c->win, y, c->x + 1, groups_room(c), ui->role[ROLE_SECONDARY], text);
	}
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
static void groups_kid(struct column *c, int y, const struct lab_kid *kid)
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
static void groups_worker_work(struct column *c, int y, int i)
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

/* How a column's Memory pane is laid out: the most detail its own rows allow. */
struct groups_plan {
	bool hdr2;   /* the header's second line */
	int per;     /* lines per worker: 3, 2 or 1 (then the list may scroll) */
	int kids;    /* the workers' children shown */
	int rows;    /* rows for the workers */
	int visible; /* workers shown */
};

static void groups_plan_with(const struct column *c, int lines, bool hdr2, struct groups_plan *p)
{
	const struct lab_group *g = c->g;
	int trailer = g->kind == LAB_PROCESSES ? 1 : 0;
	int head = 1 + (hdr2 ? 1 : 0), n = g->nworkers;

	p->hdr2 = hdr2;
	/* The workers' own children, one line each, below the workers. */
	p->kids = g->nkids < lines - head - trailer - 1 ? g->nkids : 0;
	p->rows = lines - head - trailer - p->kids;
	p->per = n > 0 && 3 * n <= p->rows ? 3 : n > 0 && 2 * n <= p->rows ? 2 : 1;
	p->visible = n <= p->rows ? n : p->rows > 1 ? p->rows - 1 : p->rows > 0 ? 1 : 0;
}

/*
 * Private processes' "same address, its own copy in each" only explains what
 * each worker's second line shows: it gives way when that buys the workers a
 * line more each.  Every other header line holds the counter's value.
 */
static void groups_plan(const struct column *c, int lines, struct groups_plan *p)
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
static long groups_plan_score(const struct groups_plan *p)
{
	return 1000000L * p->per + 2L * p->visible + (p->hdr2 ? 1 : 0);
}

static int groups_memory(struct column *c, int y0, int lines)
{
	struct ui *ui = c->ui;
	const struct lab_group *g = c->g;
	WINDOW *win = c->win;
	int x = c->x + 1, iw = groups_room(c), y = y0;
	char num[32];
	struct groups_plan plan;

	groups_plan(c, lines, &plan);
	story_number(g->counter, num, sizeof(num));
	char a[4][128];
	const char *alt[5] = { a[0], a[1], a[2], NULL, NULL };
	unsigned long addr = (unsigned long)g->counter_address;
	/* The withdraw workload keeps a bank balance in the very same variable. */
	const char *var = g->workload == INSTR_WORK_WITHDRAW ? "balance" : "counter";
	if (g->kind == LAB_THREADS) {
		snprintf(a[0], sizeof(a[0]), " one shared %s @0x%lx", var, addr);
		snprintf(a[1], sizeof(a[1]), " shared %s @0x%lx", var, addr);
		snprintf(a[2], sizeof(a[2]), " %s @0x%lx", var, addr);
		ui_put_first_cut(ui, win, y++, x, iw, ui->role[ROLE_SHARED], alt);
		if (g->host_alive) {
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
			ui_put_first_cut(ui, win, y++, x, iw, ui->role[ROLE_SHARED], alt);
			alt[3] = NULL;
		} else {
			snprintf(a[0], sizeof(a[0]), "   = %s when host %d died", num, (int)g->host);
			snprintf(a[1], sizeof(a[1]), "   = %s when its host died", num);
			snprintf(a[2], sizeof(a[2]), "   = %s, host dead", num);
			ui_put_first_cut(ui, win, y++, x, iw, ui->role[ROLE_DEAD], alt);
		}
	} else if (g->shared) {
		snprintf(a[0], sizeof(a[0]), " one shared segment, %s @0x%lx", var, addr);
		snprintf(a[1], sizeof(a[1]), " shared segment, %s @0x%lx", var, addr);
		snprintf(a[2], sizeof(a[2]), " shared %s @0x%lx", var, addr);
		ui_put_first_cut(ui, win, y++, x, iw, ui->role[ROLE_SHARED], alt);
		snprintf(a[0], sizeof(a[0]), "   = %s  (mapped into every process and ptviz)", num);
		snprintf(a[1], sizeof(a[1]), "   = %s  (mapped into each + ptviz)", num);
		snprintf(a[2], sizeof(a[2]), "   = %s  (in every process)", num);
		ui_put_first_cut(ui, win, y++, x, iw, ui->role[ROLE_SHARED], alt);
	} else {
		snprintf(a[0], sizeof(a[0]), " private %s @0x%lx", var, addr);
		snprintf(a[1], sizeof(a[1]), " %s @0x%lx", var, addr);
		a[2][0] = '\0';
		alt[2] = NULL;
		ui_put_first_cut(ui, win, y++, x, iw, ui->role[ROLE_PRIVATE], alt);
		if (plan.hdr2) {
			alt[0] = "   same address, its own copy in each";
			alt[1] = "   same address, a copy in each";
			alt[2] = NULL;
			ui_put_first_cut(ui, win, y++, x, iw, ui->role[ROLE_SECONDARY], alt);
		}
	}
	int trailer = g->kind == LAB_PROCESSES ? 1 : 0;
	int kids = plan.kids, rows = plan.rows;
	int n = g->nworkers;
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
	c->detail = plan.per > 1;
	c->work_line = plan.per > 2;
	c->fmt = plan.per > 1 ? groups_worker_format(c, 0, n) : groups_worker_format(c, *scroll, visible);
	if (plan.per == 3) {
		for (int i = 0; i < n; i++) {
			groups_worker_line(c, y++, i);
			groups_worker_detail(c, y++, i, true);
			groups_worker_work(c, y++, i);
		}
		visible = n;
	} else if (plan.per == 2) {
		for (int i = 0; i < n; i++) {
			groups_worker_line(c, y++, i);
			groups_worker_detail(c, y++, i, false);
		}
		visible = n;
	} else {
		for (int i = 0; i < visible; i++)
			groups_worker_line(c, y++, *scroll + i);
	}
	if (visible < n && rows > 1) {
		char more[3][96];
		const char *malt[4] = { more[0], more[1], more[2], NULL };
		const char *up = *scroll > 0 ? ui->g.more_up : "", *down = *scroll + visible < n ? ui->g.more_down : "";
		const char *from = g->workers[*scroll].id, *to = g->workers[*scroll + visible - 1].id;
		snprintf(more[0], sizeof(more[0]), "   %s%s %s..%s of %d shown, arrows scroll", up, down, from, to, n);
		snprintf(more[1], sizeof(more[1]), "   %s%s %s..%s of %d, arrows scroll", up, down, from, to, n);
		snprintf(more[2], sizeof(more[2]), "   %s%s %s..%s of %d", up, down, from, to, n);
		ui_put_first_cut(ui, win, y++, x, iw, ui->role[ROLE_SECONDARY], malt);
	}
	for (int k = 0; k < kids; k++)
		groups_kid(c, y++, &g->kids[k]);
	/* Room to spare: say in two lines what this pane is showing, and what ps -eLf shows beside it. */
	char note[2][EXPLAIN_LINE_MAX], line[2][EXPLAIN_LINE_MAX + 4], ps[EXPLAIN_LINE_MAX + 4];
	explain_group(ui->lab, g, note);
	int free_rows = y0 + lines - trailer - y;
	snprintf(line[0], sizeof(line[0]), "   %s", note[0]);
	snprintf(line[1], sizeof(line[1]), "   %s", note[1]);
	if (free_rows >= 3 && ui_width(line[0]) <= iw && ui_width(line[1]) <= iw) {
		int ny = y0 + lines - trailer - 2;
		ui_put(win, ny, x, iw, ui->role[ROLE_SECONDARY], line[0]);
		ui_put(win, ny + 1, x, iw, ui->role[ROLE_SECONDARY], line[1]);
		explain_ps(g, note[0], sizeof(note[0]));
		snprintf(ps, sizeof(ps), "   %s", note[0]);
		if (free_rows >= 4 && note[0][0] != '\0' && ui_width(ps) <= iw)
			ui_put(win, ny - 1, x, iw, ui->role[ROLE_SECONDARY], ps);
	}
	/* ptviz itself: its own global, never run by the workload. */
	if (trailer && !g->shared) {
		snprintf(a[0], sizeof(a[0]), "   ptviz pid %d, its own copy = %lld", (int)getpid(),
		         (long long)lab_parent_counter());
		snprintf(a[1], sizeof(a[1]), "   ptviz's own copy = %lld", (long long)lab_parent_counter());
		alt[0] = a[0], alt[1] = a[1], alt[2] = NULL;
		ui_put_first_cut(ui, win, y0 + lines - 1, x, iw, ui->role[ROLE_PRIVATE], alt);
	} else if (trailer) {
		/* ptviz maps the segment and reads the live value above; its ordinary global lives elsewhere. */
		unsigned long own = (unsigned long)lab_counter_address();
		long long v = (long long)lab_parent_counter();
		snprintf(a[0], sizeof(a[0]), "   ptviz's own global counter @0x%lx = %lld (not the segment)", own, v);
		snprintf(a[1], sizeof(a[1]), "   ptviz's own global @0x%lx = %lld", own, v);
		snprintf(a[2], sizeof(a[2]), "   ptviz's global @0x%lx = %lld", own, v);
		alt[0] = a[0], alt[1] = a[1], alt[2] = a[2], alt[3] = NULL;
		ui_put_first_cut(ui, win, y0 + lines - 1, x, iw, ui->role[ROLE_SECONDARY], alt);
	}
	return y;
}

/* Lost updates over the last second, or in the last frame when the screen only follows events. */
static int64_t groups_lost_rate(const struct ui *ui, const struct trend_frames *f)
{
	return trend_frames_sum(f, ui->opt.hz > 0 ? ui->opt.hz : 1);
}

/* "1.4M/s", or "12 per frame" on events: the unit always says what the figure counts. */
static void groups_rate_label(const struct ui *ui, int64_t rate, char *buf, size_t len)
{
	char num[32];

	ui_number(rate, 7, num, sizeof(num));
	snprintf(buf, len, ui->opt.hz > 0 ? " %s/s" : " %s/frame", num);
}

/* A figure over time, as the charts draw it: newest first, on a scale from 0 to max. */
struct groups_series {
	double v[TREND_FRAMES];
	int n;
	double max;             /* the top of the scale; 0 when nothing happened */
	bool moving;            /* the figure beside the chart is not 0 */
	enum ui_role role;      /* of the bars, and of the figure when it moves */
	const char *name;       /* before a one-row chart */
	const char *title[3];   /* above a tall one, long and short, NULL-ended */
	char title_buf[64];
	char label[48];         /* the figure now, with its unit */
};

/*
 * Whether lost updates are this group's story: one counter, nothing to
 * protect it, counter++ as the work.  Elsewhere none can be lost (private
 * copies, a lock, the GIL) or the lesson is the work done (io, cpu, ...),
 * and the chart shows the work per second instead.
 */
static bool groups_losing(const struct lab_group *g)
{
	return g->shared && g->sync == INSTR_SYNC_NONE && g->workload == INSTR_WORK_COUNTER && !g->gil;
}

/* The lost updates of the last `room` frames, per second, as their history holds them. */
static void groups_series_lost(struct column *c, int room, struct groups_series *s)
{
	struct ui *ui = c->ui;
	const struct trend_frames *f = trend_lost(&ui->trend, ui->lab, c->gi);
	int64_t per_second = groups_lost_rate(ui, f);
	double scale = ui->opt.hz > 0 ? ui->opt.hz : 1;

	memset(s, 0, sizeof(*s));
	s->role = ROLE_LOST;
	s->name = ui->opt.hz > 0 ? " lost/s " : " lost/frame ";
	s->moving = per_second > 0;
	groups_rate_label(ui, per_second, s->label, sizeof(s->label));
	if (ui->opt.hz > 0) {
		snprintf(s->title_buf, sizeof(s->title_buf), " lost updates per second, last %.0f s", (double)room / ui->opt.hz);
		s->title[0] = s->title_buf;
		s->title[1] = " lost updates per second";
	} else {
		s->title[0] = " lost updates per frame";
		s->title[1] = " lost per frame";
	}
	s->n = trend_frame_count(f) < room ? trend_frame_count(f) : room;
	for (int i = 0; i < s->n; i++) {
		s->v[i] = (double)trend_frame(f, i) * scale;
		s->max = s->v[i] > s->max ? s->v[i] : s->max;
	}
}

/*
 * The group's work per second, a cell for each half second.  The scale is
 * shared by every group under the same workload, so one thread's bars stand
 * a quarter as high as four threads' when the four do four times the work.
 */
static void groups_series_rate(struct column *c, int room, struct groups_series *s)
{
	struct ui *ui = c->ui;
	const struct trend_series *t = trend_rate(&ui->trend, ui->lab, c->gi);
	char num[32];
	double now;

	memset(s, 0, sizeof(*s));
	s->role = ROLE_ALIVE;
	s->name = c->g->workload == INSTR_WORK_EVENTLOOP ? " served/s " : " increments/s ";
	snprintf(s->title_buf, sizeof(s->title_buf), " %s per second, last %.0f s",
	         c->g->workload == INSTR_WORK_EVENTLOOP ? "tasks served" : "increments", room * TREND_STEP);
	s->title[0] = s->title_buf;
	s->title[1] = c->g->workload == INSTR_WORK_EVENTLOOP ? " tasks served per second" : " increments per second";
	if (trend_now(t, &now)) {
		ui_number((int64_t)(now + 0.5), 7, num, sizeof(num));
		snprintf(s->label, sizeof(s->label), " %s/s", num);
		s->moving = now >= 0.5;
	} else {
		snprintf(s->label, sizeof(s->label), " measuring");
	}
	s->n = trend_count(t) < room ? trend_count(t) : room;
	for (int i = 0; i < s->n; i++)
		s->v[i] = trend_cell(t, i);
	for (int k = 0; k < lab_ngroups(ui->lab); k++) {
		const struct lab_group *o = lab_group_at(ui->lab, k);
		if (o->workload != c->g->workload || groups_losing(o))
			continue;
		const struct trend_series *ot = trend_rate(&ui->trend, ui->lab, k);
		for (int i = 0; i < s->n && i < trend_count(ot); i++)
			s->max = trend_cell(ot, i) > s->max ? trend_cell(ot, i) : s->max;
	}
}

static void groups_series(struct column *c, int room, struct groups_series *s)
{
	if (groups_losing(c->g))
		groups_series_lost(c, room, s);
	else
		groups_series_rate(c, room, s);
}

/* A one-row chart in [x0, x0+w): name, a bar per cell, the figure now. */
/* Draws the chart in [x0, x0+w) when at least four cells fit; returns whether it did. */
static bool groups_sparkline(struct column *c, int y, int x0, int w, bool named)
{
	struct ui *ui = c->ui;
	struct groups_series s;

	groups_series(c, w, &s);
	/* Named, or nothing: a bare figure would pass for the one before it.  The name is never cut. */
	int lw = named ? ui_width(s.name) : 1;
	int room = w - lw - ui_width(s.label) - 1;
	if (room < 4)
		return false;
	if (named)
		ui_put(c->win, y, x0, w, ui->role[ROLE_SECONDARY], s.name);
	/* Again for the cells that fit: the scale is of what shows. */
	groups_series(c, room, &s);
	int cx = x0 + lw + room - s.n;
	for (int i = s.n - 1; i >= 0; i--) {
		double d = s.v[i];
		int level = d <= 0 || s.max <= 0 ? 0 : 1 + (int)((d * 6) / s.max);
		ui_put(c->win, y, cx++, 1, ui->role[d > 0 ? s.role : ROLE_SECONDARY], ui->g.spark[level > 7 ? 7 : level]);
	}
	ui_put(c->win, y, x0 + lw + room, w - lw - room, ui->role[s.moving ? s.role : ROLE_SECONDARY], s.label);
	return true;
}

/*
 * The series as columns `rows` high, newest on the right, scaled to the top
 * of its scale; the axis counts per second, as the title says.  Without a
 * title the row above (the lost line) already names it.
 */
static void groups_chart(struct column *c, int y, int rows, bool title)
{
	struct ui *ui = c->ui;
	int x = c->x + 1, iw = c->w - 2;
	char axis[16];
	int aw = 8;   /* the axis: "  12.3M " */
	int room = iw - aw - 2;
	struct groups_series s;

	groups_series(c, room, &s);
	if (title) {
		int lw = ui_width(s.label) + 1;
		ui_put_first(c->win, y, x, iw - lw - 1, ui->role[ROLE_SECONDARY], s.title);
		ui_put(c->win, y, x + iw - lw, lw, ui->role[s.moving ? s.role : ROLE_SECONDARY], s.label);
	}
	if (s.max > 0)
		ui_number((int64_t)(s.max + 0.5), 6, axis, sizeof(axis));
	else
		axis[0] = '\0';
	ui_putf(c->win, y + 1, x, aw, ui->role[ROLE_SECONDARY], "%*s ", aw - 1, axis);
	ui_putf(c->win, y + rows, x, aw, ui->role[ROLE_SECONDARY], "%*s ", aw - 1, "0");
	for (int r = 0; r < rows; r++)
		ui_put(c->win, y + 1 + r, x + aw, 1, ui->role[ROLE_SECONDARY], ui->utf8 ? "\u2502" : "|");
	int cx = x + aw + 1 + room - s.n;
	for (int i = s.n - 1; i >= 0; i--, cx++) {
		double d = s.v[i];
		if (d <= 0 || s.max <= 0) {
			ui_put(c->win, y + rows, cx, 1, ui->role[ROLE_SECONDARY], ui->g.spark[0]);
			continue;
		}
		/* Height in eighths of a row; at least one eighth, so anything at all shows. */
		int e = (int)((d * rows * 8) / s.max);
		e = e < 1 ? 1 : e;
		for (int r = 0; r < rows && e > 0; r++, e -= 8)
			ui_put(c->win, y + rows - r, cx, 1, ui->role[s.role], ui->g.spark[e >= 8 ? 7 : e - 1]);
	}
}

/* "label value" with the value in bold; returns the columns used. */
static int groups_figure(struct column *c, int y, int x, int w, const char *label, const char *value)
{
	int lw = ui_put(c->win, y, x, w, c->ui->role[ROLE_NORMAL], label);
	return lw + ui_put(c->win, y, x + lw, w - lw, c->ui->role[ROLE_FIGURE], value);
}

/*
 * Three rows, full grouped digits: under a mutex, increments and counter climb in lockstep and
 * lost stays put, which only shows when every digit does.  Wide: increments and counter share
 * a row, then lost, then the chart's row.  Narrow: one figure a row, aligned, and the lost row
 * carries the chart.  Digits give way (12.3M) only when a column is too narrow for them, and
 * never those of lost.
 */
/* The withdraw workload's figures: how many withdrawals, what the balance says, and what went wrong. */
static void groups_counters_withdraw(struct column *c, int y)
{
	struct ui *ui = c->ui;
	const struct lab_group *g = c->g;
	int x = c->x + 1, iw = groups_room(c);
	char made[32], bal[32], refused[32], text[160];

	story_number(g->increments, made, sizeof(made));
	story_number(g->counter, bal, sizeof(bal));
	story_number(g->refused, refused, sizeof(refused));
	int w1 = groups_figure(c, y, x, iw, " withdrawals ", made);
	if (g->shared) {
		groups_figure(c, y, x + w1, iw - w1, "   balance ", bal);
	} else {
		char t2[64];
		snprintf(text, sizeof(text), "   (%d from each account of %lld)", INSTR_WITHDRAW_AMOUNT,
		         (long long)g->start_balance);
		snprintf(t2, sizeof(t2), "   (each account %lld)", (long long)g->start_balance);
		const char *const alt[] = { text, t2, "", NULL };
		ui_put_first_cut(ui, c->win, y, x + w1, iw - w1, ui->role[ROLE_SECONDARY], alt);
	}
	if (g->overdrawn && g->shared) {
		snprintf(text, sizeof(text), " OVERDRAWN: both passed the check, both took %d", INSTR_WITHDRAW_AMOUNT);
		const char *const alt[] = { text, " OVERDRAWN: both passed the check", " OVERDRAWN", NULL };
		ui_put_first_cut(ui, c->win, y + 1, x, iw, ui->role[ROLE_LOST], alt);
	} else if (g->overdrawn) {
		ui_put_cut(ui, c->win, y + 1, x, iw, ui->role[ROLE_LOST], " an account is overdrawn");
	} else if (g->lost > 0) {
		char lost[32];
		story_number(g->lost, lost, sizeof(lost));
		char t2[64];
		snprintf(text, sizeof(text), " lost withdrawals %s: paid out, never taken off", lost);
		snprintf(t2, sizeof(t2), " lost withdrawals %s", lost);
		const char *const alt[] = { text, t2, NULL };
		ui_put_first_cut(ui, c->win, y + 1, x, iw, ui->role[ROLE_LOST], alt);
	} else {
		char t2[96];
		snprintf(text, sizeof(text), " started at %lld, %d a withdrawal; refused %s", (long long)g->start_balance,
		         INSTR_WITHDRAW_AMOUNT, refused);
		snprintf(t2, sizeof(t2), " started at %lld; refused %s", (long long)g->start_balance, refused);
		const char *const alt[] = { text, t2, NULL };
		ui_put_first_cut(ui, c->win, y + 1, x, iw, ui->role[ROLE_NORMAL], alt);
	}
	char t2[96];
	snprintf(text, sizeof(text), " sync %s: %s", lab_sync_name(g->sync),
	         g->sync == INSTR_SYNC_MUTEX    ? "check and take under one lock"
	         : g->sync == INSTR_SYNC_ATOMIC ? "the take is atomic, the check is not"
	                                        : "check, then load and store");
	snprintf(t2, sizeof(t2), " sync %s: %s", lab_sync_name(g->sync),
	         g->sync == INSTR_SYNC_MUTEX    ? "check and take, locked"
	         : g->sync == INSTR_SYNC_ATOMIC ? "atomic take, not check"
	                                        : "check, load, store");
	const char *const alt[] = { text, t2, NULL };
	ui_put_first_cut(ui, c->win, y + 2, x, iw, ui->role[ROLE_SECONDARY], alt);
}

static void groups_counters(struct column *c, int y)
{
	struct ui *ui = c->ui;
	const struct lab_group *g = c->g;
	int x = c->x + 1, iw = groups_room(c);
	char inc[32], cnt[32], lost[32], text[160];
	const char *what = g->shared ? "counter" : "copies add up to";

	if (g->workload == INSTR_WORK_WITHDRAW) {
		groups_counters_withdraw(c, y);
		return;
	}

	story_number(g->increments, inc, sizeof(inc));
	story_number(g->counter, cnt, sizeof(cnt));
	story_number(g->lost, lost, sizeof(lost));
	bool wide = 1 + (int)strlen("increments ") + (int)strlen(inc) + 3 + (int)strlen(what) + 1 + (int)strlen(cnt) <= iw;
	if (wide) {
		int w1 = groups_figure(c, y, x, iw, " increments ", inc);
		snprintf(text, sizeof(text), "   %s ", what);
		groups_figure(c, y, x + w1, iw - w1, text, cnt);
	} else {
		/* Aligned under each other, so the two figures can be compared digit by digit. */
		int lab = (int)strlen(what) > 10 ? (int)strlen(what) : 10;
		int room = iw - 1 - lab;
		if ((int)strlen(inc) > room || (int)strlen(cnt) > room) {
			ui_number(g->increments, room, inc, sizeof(inc));
			ui_number(g->counter, room, cnt, sizeof(cnt));
		}
		int nw = (int)strlen(inc) > (int)strlen(cnt) ? (int)strlen(inc) : (int)strlen(cnt);
		char fig[40];
		snprintf(text, sizeof(text), " %-*s ", lab, "increments");
		snprintf(fig, sizeof(fig), "%*s", nw, inc);
		groups_figure(c, y, x, iw, text, fig);
		snprintf(text, sizeof(text), " %-*s ", lab, what);
		snprintf(fig, sizeof(fig), "%*s", nw, cnt);
		groups_figure(c, y + 1, x, iw, text, fig);
	}
	int ly = wide ? y + 1 : y + 2;
	if (g->shared) {
		double pct = g->increments > 0 ? 100.0 * (double)g->lost / (double)g->increments : 0.0;
		snprintf(text, sizeof(text), " lost updates %s (%.1f%%)", lost, pct);
		if (ui_width(text) > iw)
			snprintf(text, sizeof(text), " lost %s", lost);
		int tw = ui_put(c->win, ly, x, iw, ui->role[g->lost > 0 ? ROLE_LOST : ROLE_NORMAL], text);
		char why[40];
		snprintf(why, sizeof(why), "%s%s", explain_lost(g)[0] ? "  " : "", explain_lost(g));
		/* Without a chart of its own the lost row carries one; when it has no room, the words instead. */
		bool charted = !wide && c->chart == 0 && groups_sparkline(c, ly, x + tw, iw - tw, !groups_losing(g));
		if (!charted && tw + ui_width(why) <= iw)
			ui_put(c->win, ly, x + tw, iw - tw, ui->role[ROLE_SECONDARY], why);
	} else {
		/* Separate copies: their sum is arithmetic on paper, not a value any memory holds. */
		static const char *const wide_alt[] = {
			" no counter holds that sum; lost updates 0 (nothing is shared)",
			" no counter holds that sum; lost updates 0",
			" no counter holds that; lost 0",
			NULL,
		};
		static const char *const narrow_alt[] = {
			" but no counter holds that; lost 0",
			" no counter holds that; lost 0",
			" in no counter; lost 0",
			NULL,
		};
		if (wide || g->workload == INSTR_WORK_COUNTER)
			ui_put_first_cut(ui, c->win, ly, x, iw, ui->role[ROLE_NORMAL], wide ? wide_alt : narrow_alt);
		else
			groups_sparkline(c, ly, x, iw, true);   /* io, cpu ...: the work done is the story */
	}
	if (c->chart > 0)
		groups_chart(c, y + 2, c->chart, wide);
	else if (wide)
		groups_sparkline(c, y + 2, x, iw, true);
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
	char item[64], death[32], more[24] = "";
	int reserve = 0, shown = g->nworkers, endx = x0, endy = y0;

	for (int attempt = 0; attempt < 2; attempt++) {
		int x = x0;
		y = y0;
		shown = g->nworkers;
		for (int i = 0; i < g->nworkers; i++) {
			const struct lab_worker *w = &g->workers[i];
			if (compact) {
				snprintf(item, sizeof(item), "%s", groups_glyph(ui, w));
			} else if (w->alive) {
				snprintf(item, sizeof(item), "%s %s", groups_glyph(ui, w), w->id);
			} else {
				story_death(w, death, sizeof(death));
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
				attr_t a = i == c->sel ? ui->role[ROLE_SELECTED] : w->alive ? ui->role[w->activity == INSTR_PAUSED ? ROLE_PAUSED : ROLE_ALIVE] : ui->role[ROLE_DEAD];
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
	static const char *const one[] = { "  one process: a crash ends all", "  one crash ends all", "  all or none",
		                           NULL };
	static const char *const each[] = { "  each process dies alone", "  each dies alone", NULL };
	const char *const *why = g->kind == LAB_THREADS && !g->host_alive ? died : g->kind == LAB_THREADS ? one : each;
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
	snprintf(sync, sizeof(sync), " %s%ssync %s%s%s ", g->workload > INSTR_WORK_WITHDRAW ? lab_workload_name(g->workload) : "",
	         g->workload > INSTR_WORK_WITHDRAW ? ", " : "", lab_sync_name(g->sync),
	         g->stepping ? ", STEP" : g->gil ? ", GIL" : "", cpu);
	int sw = ui_width(sync);
	for (int level = 0; level < 4; level++) {
		if (g->kind == LAB_THREADS && level < 2)
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
		if (ui_width(title) + sw + 2 <= c->w)
			break;
	}
	int tw = ui_put(c->win, 0, c->x + 1, c->w - 2, ui->role[ROLE_TITLE], title);
	if (tw + sw + 2 <= c->w)
		ui_put(c->win, 0, c->x + c->w - 1 - sw, sw, ui->role[g->sync == INSTR_SYNC_NONE ? ROLE_LOST : ROLE_ALIVE],
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

	int colw = w / nvis, surv = 0, chart = GROUPS_CHART_MAX;
	int own[GROUPS_VISIBLE_MAX];
	/*
	 * Pass 0 sizes each column's survivors, pass 1 the chart, the same in every column.  Pass 2
	 * lines the columns' panes up, unless that costs a column detail: then the column keeps its
	 * own survivors' height, so each shows the most its own rows allow.  Pass 3 draws.
	 */
	for (int pass = 0; pass < 4; pass++) {
	for (int v = 0; v < nvis; v++) {
		int pos = view->first_column + v;
		struct column c = {
			.ui = ui, .view = view, .win = win, .gi = ui->order[pos], .pos = pos,
			.x = v * colw, .w = v == nvis - 1 ? w - v * colw : colw, .h = h,
		};
		c.g = lab_group_at(ui->lab, c.gi);
		c.sel = c.gi == gsel ? wsel : -1;
		c.surv = pass == 0 ? 0 : own[v];
		c.chart = chart;
		if (pass == 0) {
			/* Names when they fit the most survivors may take, else dots. */
			own[v] = 1 + groups_survivor_items(&c, 0, 1000, false, false);
			if (own[v] > (h - 2) / 4)
				own[v] = 1 + groups_survivor_items(&c, 0, 1000, false, true);
			surv = own[v] > surv ? own[v] : surv;
		} else if (pass == 1) {
			int room = groups_chart_room(&c);
			chart = room < chart ? room : chart;
		} else if (pass == 2) {
			struct groups_plan mine, lined;
			int memory, rows;
			groups_split(&c, chart, &memory, &rows);
			groups_plan(&c, memory, &mine);
			c.surv = surv;
			groups_split(&c, chart, &memory, &rows);
			groups_plan(&c, memory, &lined);
			if (groups_plan_score(&lined) >= groups_plan_score(&mine))
				own[v] = surv;
		} else {
			groups_column(&c);
		}
	}
	}
	/* Groups that do not fit: say so where the eye goes, on the border. */
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

const struct ui_pane_ops ui_groups_ops = {
	.name = "groups",
	.size = sizeof(struct groups_view),
	.shows = UI_LAB | UI_SELECTION,
	.draw = groups_draw,
};
