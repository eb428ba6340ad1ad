/* The groups pane's worker lines: each worker's first line in the form its column takes, then its memory, CPU and children. */
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
static bool groups_cpu_story(const struct lab_group *g)
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
	const int(*steps)[2];
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
static void groups_worker_step(struct column *c, int y, int i, const char *bar)
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
	char text[200];
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

	if (w->end == LAB_END_FAULT)
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
