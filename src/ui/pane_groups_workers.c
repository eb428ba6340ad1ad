/* The groups pane's worker lines: each worker's first line in the form its column takes, and its step-mode line (the detail lines below: pane_groups_detail.c). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../view/explain.h"
#include "../view/story.h"
#include "groups_column.h"

static attr_t groups_worker_role(const struct ui *ui, const struct lab_worker *w)
{
	if (!w->alive)
		return ui->role[ROLE_DEAD];
	if (w->activity == LAB_ACT_PAUSED)
		return ui->role[ROLE_PAUSED];
	return ui->role[ROLE_NORMAL];
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
bool groups_cpu_story(const struct lab_group *g)
{
	return !g->stepping && (g->workload == LAB_WORK_IO || g->workload == LAB_WORK_CPU || g->pinned_cpu >= 0);
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

	return g->kind == LAB_THREADS && !g->stepping && g->workload != LAB_WORK_EVENTLOOP &&
	       g->workload != LAB_WORK_DEADLOCK && !g->files && !(groups_cpu_story(g) && !work_line);
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

/* What a worker is doing, in a word or three: R or S, paused, looping, waiting for a lock, or how it died. */
static void groups_worker_state(const struct ui *ui, const struct lab_group *g, const struct lab_worker *w,
                                char *state, size_t len)
{
	char death[48];

	if (!w->alive) {
		story_death_in_group(g, w, death, sizeof(death));
		snprintf(state, len, "%s %s%s", ui->g.dead, death, w->zombie ? " Z zombie" : "");
	} else if (w->activity == LAB_ACT_LOCKWAIT && w->wants) {
		snprintf(state, len, "%c waits for %s", w->state, explain_lock_letter(w->wants));
	} else if (w->activity == LAB_ACT_PAUSED) {
		snprintf(state, len, "%s paused", ui->g.paused);
	} else if (w->activity == LAB_ACT_LOOPING) {
		snprintf(state, len, "%c looping", w->state);
	} else {
		char note[48];
		explain_worker_figures(w, note, sizeof(note));
		snprintf(state, len, note[0] ? "%c %s" : "%c", w->state, note);
	}
}

/* One line each and files on: the table of open files is the lesson, more than the count. */
static void groups_worker_files(struct column *c, const struct lab_worker *w, int k, const char *tree,
                                const char *state, char *left, size_t llen, char *right, size_t rlen)
{
	bool threads = c->g->kind == LAB_THREADS;
	char files[160], num[32];

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
}

/* A thread's stack address at a level: whole, shortened to its last digits, or gone. */
static void groups_worker_stack(const struct ui *ui, const struct lab_worker *w, int level, char *stack, size_t len)
{
	if (level == 0)
		snprintf(stack, len, " stack 0x%lx", (unsigned long)w->stack_address);
	else if (level < 3)
		snprintf(stack, len, " %s%s%06lx", level == 1 ? "stack " : "@", ui->g.ellipsis,
		         (unsigned long)(w->stack_address & 0xffffff));
	else
		stack[0] = '\0';
}

/* The left part of a worker's line at a level: its name, id and state, and what the scenario adds. */
static void groups_worker_left(struct column *c, int i, int level, const char *tree, const char *state, char *left,
                               size_t llen)
{
	struct ui *ui = c->ui;
	const struct lab_worker *w = &c->g->workers[i];
	bool threads = c->g->kind == LAB_THREADS;

	if (w->alive && c->g->stepping && !c->detail) {
		/* No second line: in step mode the register and the next step matter more than the ids. */
		char reg[24];
		if (w->has_reg)
			snprintf(reg, sizeof(reg), "%lld", (long long)w->reg);
		else
			snprintf(reg, sizeof(reg), "-");
		snprintf(left, llen, " %s %-3s register %s %s %s", tree, w->id, reg, ui->utf8 ? "\u25b8" : ">",
		         w->activity == LAB_ACT_LOCKWAIT ? "lock?" : lab_step_name(w->next));
	} else if (!c->detail && w->alive && groups_cpu_story(c->g)) {
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
		groups_worker_stack(ui, w, level, stack, sizeof(stack));
		snprintf(left, llen, " %s %-3s tid %d %s%s", tree, w->id, (int)w->tid, state, w->alive ? stack : "");
	} else {
		snprintf(left, llen, " %s %-3s pid %d %s", tree, w->id, (int)w->pid, state);
	}
}

/* A worker's line in form k of its column: left and right parts; right may be empty. */
static void groups_worker_compose(struct column *c, int i, int k, bool brief, char *left, size_t llen, char *right,
                                  size_t rlen)
{
	struct ui *ui = c->ui;
	const struct lab_worker *w = &c->g->workers[i];
	bool threads = c->g->kind == LAB_THREADS;
	const char *tree = i == c->g->nworkers - 1 ? ui->g.tree_end : ui->g.tree_mid;
	char num[32], state[80];
	const int(*steps)[2];
	int nsteps = groups_worker_steps(c, &steps);

	if (k >= nsteps)
		k = nsteps - 1;
	right[0] = '\0';
	groups_worker_state(ui, c->g, w, state, sizeof(state));
	if (!c->detail && c->g->files) {
		groups_worker_files(c, w, k, tree, state, left, llen, right, rlen);
		return;
	}
	int64_t value = threads || c->g->shared ? w->done : w->counter;
	const char *what = !w->alive                               ? "last"
	                   : threads || c->g->shared               ? "done"
	                   : c->g->workload == LAB_WORK_WITHDRAW ? "balance"
	                                                           : "counter";
	groups_worker_left(c, i, steps[k][0], tree, state, left, llen);
	/* One number style for the column: every digit, or every figure abbreviated (12.3M). */
	if (steps[k][1])
		ui_number(value, 3, num, sizeof(num));
	else
		story_number(value, num, sizeof(num));
	snprintf(right, rlen, "%s %s", what, num);
	/* Brief, the thread that faulted keeps its mark where "(faulted)" would not fit: "SIGSEGV faulted". */
	char *mark = strstr(state, " (faulted)");
	if (brief && mark != NULL) {
		memmove(mark + 1, mark + 2, strlen(mark + 2) + 1);
		*strchr(mark, ')') = '\0';
		groups_worker_left(c, i, steps[k][0], tree, state, left, llen);
	}
}

static bool groups_worker_fits(struct column *c, int i, int k)
{
	char left[256], right[64];

	groups_worker_compose(c, i, k, false, left, sizeof(left), right, sizeof(right));
	return ui_width(left) + (right[0] ? 1 + ui_width(right) : 0) <= groups_room(c);
}

/*
 * The one form every worker line shown in the column takes: the widest that
 * fits each of them, so the eye compares figures, not wording.
 */
int groups_worker_format(struct column *c, int first, int count)
{
	const int(*steps)[2];
	int nsteps = !c->detail && c->g->files ? 2 : groups_worker_steps(c, &steps);
	bool any_alive = false;

	for (int i = first; i < first + count && i < c->g->nworkers; i++)
		any_alive = any_alive || c->g->workers[i].alive;
	for (int k = 0; k < nsteps - 1; k++) {
		bool all = true;
		/* A dead worker's longer state ("✖ SIGSEGV") never costs the living their pid: it finds its own form. */
		for (int i = first; i < first + count && i < c->g->nworkers && all; i++)
			if (c->g->workers[i].alive || !any_alive)
				all = groups_worker_fits(c, i, k);
		if (all)
			return k;
	}
	return nsteps - 1;
}

/*
 * The form a worker's line takes: the column's, or for a dead worker the first
 * narrower one that fits; brief when none does (its mark then loses its brackets).
 */
static int groups_worker_own_format(struct column *c, int i, bool *brief)
{
	const int(*steps)[2] = NULL;
	int nsteps = !c->detail && c->g->files ? 2 : groups_worker_steps(c, &steps);
	int k = c->fmt;

	*brief = false;
	if (c->g->workers[i].alive || groups_worker_fits(c, i, k))
		return k;
	/* First the forms that keep the column's number style, so the figures still compare. */
	if (c->detail || !c->g->files)
		for (int n = k + 1; n < nsteps; n++)
			if (steps[n][1] == steps[k][1] && groups_worker_fits(c, i, n))
				return n;
	while (k < nsteps - 1 && !groups_worker_fits(c, i, k))
		k++;
	*brief = !groups_worker_fits(c, i, k);
	return k;
}

void groups_worker_line(struct column *c, int y, int i)
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
	bool brief;
	int k = groups_worker_own_format(c, i, &brief);
	groups_worker_compose(c, i, k, brief, left, sizeof(left), right, sizeof(right));
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
void groups_worker_step(struct column *c, int y, int i, const char *bar)
{
	struct ui *ui = c->ui;
	const struct lab_group *g = c->g;
	const struct lab_worker *w = &g->workers[i];
	int x = c->x + 1, iw = groups_room(c);
	char reg[48], next[64], text[128];

	const char *what = g->workload == LAB_WORK_WITHDRAW ? "balance" : "counter";
	/* Long words for the next step when they fit, then short ones, then the bare step name; "register" always. */
	for (int level = 0; level < 3; level++) {
		char value[24] = "-";
		if (w->has_reg)
			snprintf(value, sizeof(value), "%lld", (long long)w->reg);
		snprintf(reg, sizeof(reg), " %s     register %s", bar, value);
		if (level == 2) {
			snprintf(next, sizeof(next), "%s", lab_step_name(w->next));
			break;
		}
		switch (w->next) {
		case LAB_STEP_LOAD: snprintf(next, sizeof(next), level ? "load" : "load the %s", what); break;
		case LAB_STEP_ADD: snprintf(next, sizeof(next), level ? "add 1" : "add 1 to register"); break;
		case LAB_STEP_STORE:
			if (g->workload == LAB_WORK_WITHDRAW)
				snprintf(next, sizeof(next), "store %lld-%d", (long long)w->reg, LAB_WITHDRAW_AMOUNT);
			else
				snprintf(next, sizeof(next), level ? "store" : "store it");
			break;
		case LAB_STEP_FETCH_ADD: snprintf(next, sizeof(next), level ? "fetch-add" : "fetch-add (one step)"); break;
		case LAB_STEP_CHECK:
			snprintf(next, sizeof(next), level ? "check >= %d" : "check balance >= %d", LAB_WITHDRAW_AMOUNT);
			break;
		case LAB_STEP_FETCH_SUB: snprintf(next, sizeof(next), "fetch-sub %d", LAB_WITHDRAW_AMOUNT); break;
		default: snprintf(next, sizeof(next), "?"); break;
		}
		if (ui_width(reg) + 9 + ui_width(next) <= iw)
			break;
	}
	int used = ui_put(c->win, y, x, iw, ui->role[ROLE_NORMAL], reg);
	if (w->activity == LAB_ACT_LOCKWAIT) {
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
