/* --big: each group's essential figures in large digits, details dropped, for the back of a lecture hall. */
#include <stdio.h>
#include <string.h>

#include "../lab/program.h"
#include "../view/letters.h"
#include "../view/story.h"
#include "lesson_play.h"

#define BIG_COLUMN_MIN 30

/* A 3x5 pixel font; each row is three bits, left to right 4 2 1.  Drawn with half blocks: 3 rows of text. */
struct big_glyph {
	char c;
	int width;
	unsigned char rows[5];
};

static const struct big_glyph big_glyphs[] = {
	{ '0', 3, { 7, 5, 5, 5, 7 } }, { '1', 3, { 2, 6, 2, 2, 7 } }, { '2', 3, { 7, 1, 7, 4, 7 } },
	{ '3', 3, { 7, 1, 7, 1, 7 } }, { '4', 3, { 5, 5, 7, 1, 1 } }, { '5', 3, { 7, 4, 7, 1, 7 } },
	{ '6', 3, { 7, 4, 7, 5, 7 } }, { '7', 3, { 7, 1, 1, 1, 1 } }, { '8', 3, { 7, 5, 7, 5, 7 } },
	{ '9', 3, { 7, 5, 7, 1, 7 } }, { '-', 3, { 0, 0, 7, 0, 0 } }, { '.', 1, { 0, 0, 0, 0, 1 } },
	{ 'k', 3, { 4, 5, 6, 5, 5 } }, { 'M', 3, { 5, 7, 7, 5, 5 } }, { 'G', 3, { 7, 4, 5, 5, 7 } },
	{ ' ', 1, { 0, 0, 0, 0, 0 } },
};

static const struct big_glyph *big_glyph(char c)
{
	for (size_t i = 0; i < sizeof(big_glyphs) / sizeof(big_glyphs[0]); i++) {
		if (big_glyphs[i].c == c)
			return &big_glyphs[i];
	}
	return NULL;
}

/* Columns a text takes in large digits: each pixel is scale columns wide, one column between glyphs. */
static int big_width(const char *s, int scale)
{
	int w = 0;

	for (; *s != '\0'; s++) {
		const struct big_glyph *g = big_glyph(*s);
		if (g == NULL)
			return -1;
		w += g->width * scale + scale;
	}
	return w > 0 ? w - scale : 0;
}

/*
 * Scale 1: two pixel rows to a text row, in half blocks (3 rows).  Scale 2: a pixel is a block two
 * columns wide and a row high (5 rows), for numbers short enough to take it.
 */
static void big_draw_text(struct ui *ui, WINDOW *win, int y, int x, int scale, attr_t a, const char *s)
{
	int rows = scale == 1 ? 3 : 5;

	for (int r = 0; r < rows; r++) {
		int cx = x;
		for (const char *c = s; *c != '\0'; c++) {
			const struct big_glyph *g = big_glyph(*c);
			for (int col = 0; col < g->width; col++) {
				int bit = 1 << (g->width - 1 - col);
				const char *cell;
				if (scale == 1) {
					bool top = g->rows[2 * r] & bit;
					bool bottom = 2 * r + 1 < 5 && (g->rows[2 * r + 1] & bit);
					if (ui->utf8)
						cell = top && bottom ? "\u2588" : top ? "\u2580" : bottom ? "\u2584" : " ";
					else
						cell = top || bottom ? "#" : " ";
				} else {
					bool on = g->rows[r] & bit;
					cell = on ? (ui->utf8 ? "\u2588\u2588" : "##") : "  ";
				}
				ui_put(win, y + r, cx + col * scale, scale, a, cell);
			}
			cx += (g->width + 1) * scale;
		}
	}
}

/*
 * A number in large digits within maxw columns and room rows: as large as fits, shortened (12.3M)
 * when even the smaller digits are too wide, plain text when nothing fits.  Returns the rows used.
 */
static int big_number(struct ui *ui, WINDOW *win, int y, int x, int maxw, int room, attr_t a, int64_t n)
{
	char buf[48];

	story_number(n, buf, sizeof(buf));
	if (room >= 5 && big_width(buf, 2) >= 0 && big_width(buf, 2) <= maxw) {
		big_draw_text(ui, win, y, x, 2, a, buf);
		return 5;
	}
	for (int digits = 12; big_width(buf, 1) > maxw && digits >= 3; digits--)
		ui_number(n, digits, buf, sizeof(buf));
	if (room < 3 || big_width(buf, 1) < 0 || big_width(buf, 1) > maxw) {
		story_number(n, buf, sizeof(buf));
		ui_put(win, y, x, maxw, a, buf);
		return 1;
	}
	big_draw_text(ui, win, y, x, 1, a, buf);
	return 3;
}

/*
 * How much CPU the group has now, and each worker's bar beside it:
 * "CPUs in use 1.94  T1 █ T2 █ T3 ░ T4 ░".  Threads that take turns on one
 * CPU, or wait, show it here as plainly as threads side by side on two.
 */
static void big_cpu_line(struct ui *ui, WINDOW *win, int gi, int y, int x, int w)
{
	const struct lab_group *g = lab_group_at(ui->lab, gi);
	double share[LAB_LIMIT_THREADS], total = 0;
	int named = 0, any = 0;
	char buf[48];

	/* Each live worker's share now; -1 for the dead and those not measured yet. */
	for (int i = 0; i < g->nworkers && i < LAB_LIMIT_THREADS; i++) {
		if (!g->workers[i].alive || !trend_now(trend_cpu(&ui->trend, ui->lab, gi, i), &share[i])) {
			share[i] = -1;
			continue;
		}
		total += share[i];
		named += ui_width(g->workers[i].id) + 3;
		any++;
	}
	if (any == 0)
		return;
	snprintf(buf, sizeof(buf), "CPUs in use %.2f ", total);
	int cx = x + ui_put(win, y, x, w, ui->role[ROLE_FIGURE], buf);
	/* Each bar named when all fit so; else the bars alone, side by side. */
	bool names = cx + named <= x + w;
	if (!names)
		cx++;
	for (int i = 0; i < g->nworkers && i < LAB_LIMIT_THREADS && cx < x + w; i++) {
		if (share[i] < 0)
			continue;
		if (names) {
			snprintf(buf, sizeof(buf), " %s ", g->workers[i].id);
			cx += ui_put(win, y, cx, x + w - cx, ui->role[ROLE_SECONDARY], buf);
		}
		cx += ui_put(win, y, cx, 1, ui->role[share[i] >= 0.005 ? ROLE_ALIVE : ROLE_SECONDARY],
		             ui_cpu_glyph(ui, share[i]));
	}
}

/* What the lesson's step is about, drawn large ("registers", "survivors"); "" when nothing is. */
static bool big_focus(const struct ui *ui, const char *what)
{
	return ui->play != NULL && strcmp(ui->play->focus, what) == 0;
}

int ui_big_letters(struct ui *ui, WINDOW *win, int y, int x, int w, int bottom, attr_t a, const char *text)
{
	char rows[LETTERS_ROWS][LETTERS_ROW_MAX];
	int width = letters_width(text, LETTERS_HALF);

	if (width < 0 || width > w || y + LETTERS_ROWS > bottom ||
	    !letters_draw(text, ui->utf8 ? LETTERS_HALF : LETTERS_ASCII, rows))
		return 0;
	for (int r = 0; r < LETTERS_ROWS; r++)
		ui_put(win, y + r, x, w, a, rows[r]);
	return LETTERS_ROWS;
}

/*
 * Who is alive: the count, then each worker's mark and name while they fit.  When the step is about the
 * survivors, the count is drawn large above the names first.  Returns the rows used.
 */
static int big_alive(struct ui *ui, WINDOW *win, const struct lab_group *g, int y, int x, int w, int bottom)
{
	char buf[160];
	attr_t a = ui->role[g->alive == g->nworkers ? ROLE_ALIVE : ROLE_DEAD] | A_BOLD;
	int large = 0;

	/* Large when the step is about the survivors, and always without a lesson: who is left is the news. */
	if (big_focus(ui, "survivors") || ui->play == NULL) {
		snprintf(buf, sizeof(buf), "%d/%d alive", g->alive, g->nworkers);
		large = ui_big_letters(ui, win, y, x, w, bottom, a, buf);
		y += large;
	}
	int cx = large > 0 ? x : x + ui_putf(win, y, x, w, a, "%d/%d alive ", g->alive, g->nworkers);

	for (int i = 0; i < g->nworkers && cx < x + w; i++) {
		const struct lab_worker *wk = &g->workers[i];
		/* The thread whose fault ended its host is named as the one: the others died with it. */
		bool faulted = story_fault_cause(g, wk) == wk && g->nworkers > 1;
		snprintf(buf, sizeof(buf), " %s%s%s", wk->alive ? ui->g.alive : ui->g.dead, wk->id, faulted ? " faulted" : "");
		if (cx + ui_width(buf) > x + w)
			break;
		cx += ui_put(win, y, cx, x + w - cx, ui->role[wk->alive ? ROLE_ALIVE : ROLE_DEAD], buf);
	}
	return large + 1;
}

/* What memory holds: the one shared counter in large digits, or each process's own copy.  Returns the next row. */
static int big_memory(struct ui *ui, WINDOW *win, const struct lab_group *g, int y, int x, int w, int bottom)
{
	bool withdraw = g->workload == LAB_WORK_WITHDRAW;
	char num[48];

	if (g->shared) {
		ui_put(win, y++, x, w, ui->role[ROLE_SECONDARY],
		       withdraw ? "the shared balance" : g->kind == LAB_THREADS ? "the one shared counter" : "one shared segment");
		/* Below it: the step lines, then what was lost (a label, 3 rows, a gap) and the rate. */
		int below = (g->stepping ? g->nworkers + 1 : 0) + 6;
		/* The registers the step is about come before the counter's size: three rows each, and a label. */
		if (g->stepping && big_focus(ui, "registers"))
			below = g->nworkers * LETTERS_ROWS + 1 + 2;
		y += big_number(ui, win, y, x, w, bottom - y - below, ui->role[g->overdrawn ? ROLE_LOST : ROLE_SHARED],
		                g->counter) + 1;
	} else {
		ui_put(win, y++, x, w, ui->role[ROLE_SECONDARY],
		       withdraw ? "each process's own balance" : "each process's own counter");
		/* As many copies as fit; the last row says how many more there are, so none goes missing unsaid. */
		int room = bottom - 4 - y, shown = g->nworkers <= room ? g->nworkers : room - 1;
		for (int i = 0; i < shown; i++) {
			const struct lab_worker *wk = &g->workers[i];
			story_number(wk->counter, num, sizeof(num));
			ui_putf(win, y++, x, w, ui->role[wk->alive ? ROLE_PRIVATE : ROLE_DEAD], "%-5s %s", wk->id, num);
		}
		if (room > 0 && shown < g->nworkers)
			ui_putf(win, y++, x, w, ui->role[ROLE_NOTE], "+%d more", g->nworkers - (shown > 0 ? shown : 0));
		y++;
	}
	if (withdraw && g->overdrawn && y < bottom)
		ui_put(win, y++, x, w, ui->role[ROLE_LOST], "OVERDRAWN: below zero");
	return y;
}

/*
 * Step mode: each worker's register and next micro-step, the essence of the lost update.  When the step is
 * about the registers, each worker's line is drawn large ("T1 0 ADD") while it fits.  Returns the next row.
 */
static int big_steps(struct ui *ui, WINDOW *win, const struct lab_group *g, int y, int x, int w, int bottom)
{
	char num[48], line[96];
	/* Every worker large, or none: a column that mixes sizes reads as two kinds of line. */
	bool large = big_focus(ui, "registers") && y + 1 + g->nworkers * LETTERS_ROWS <= bottom - 2;

	if (large && y < bottom - 2)
		ui_put(win, y++, x, w, ui->role[ROLE_SECONDARY], "worker, register, next step");
	for (int i = 0; i < g->nworkers && y < bottom - 2; i++) {
		const struct lab_worker *wk = &g->workers[i];
		const char *next = wk->alive ? lab_step_name(wk->next) : "-";
		if (wk->has_reg)
			story_number(wk->reg, num, sizeof(num));
		else
			snprintf(num, sizeof(num), "-");
		snprintf(line, sizeof(line), "%s %s %s", wk->id, num, next);
		int rows = large ? ui_big_letters(ui, win, y, x, w, bottom - 2, ui->role[ROLE_FIGURE], line) : 0;
		if (rows == 0)
			ui_putf(win, y, x, w, ui->role[ROLE_FIGURE], "%-5s register %-6s next %s", wk->id, num, next);
		y += rows > 0 ? rows : 1;
	}
	return y + 1;
}

/* What was lost, in large digits, then the work done as a rate (what a lock costs) and the CPUs in use. */
static void big_work(struct ui *ui, WINDOW *win, int gi, int y, int x, int w, int bottom)
{
	const struct lab_group *g = lab_group_at(ui->lab, gi);
	bool withdraw = g->workload == LAB_WORK_WITHDRAW;
	char buf[160], num[48];

	if (y + 4 <= bottom) {
		if (g->shared)
			/* A writer caught mid-increment leaves only what is surely lost: the label says "at least". */
			snprintf(buf, sizeof(buf), "%s%s", withdraw ? "withdrawals the balance never saw" : "lost updates",
			         g->lost_at_least ? ", at least" : "");
		else
			snprintf(buf, sizeof(buf), "lost: nothing shared to lose");
		ui_put(win, y++, x, w, ui->role[ROLE_SECONDARY], buf);
		y += big_number(ui, win, y, x, w, bottom - y - 2, ui->role[ROLE_LOST], g->lost) + 1;
	} else if (y < bottom && g->shared) {
		/* No room for large digits: what was lost still shows, on one line. */
		story_number(g->lost, num, sizeof(num));
		ui_putf(win, y++, x, w, ui->role[ROLE_LOST], "%s: %s%s",
		        withdraw ? "withdrawals the balance never saw" : "lost updates", g->lost_at_least ? "≥ " : "", num);
	}
	double rate = -1;
	trend_now(trend_rate(&ui->trend, ui->lab, gi), &rate);
	if (y < bottom && (g->stepping || withdraw)) {
		/* One step at a time, a rate says nothing: the count does. */
		story_number(g->increments, num, sizeof(num));
		ui_putf(win, y++, x, w, ui->role[ROLE_FIGURE], "%s: %s", withdraw ? "withdrawals made" : "increments made",
		        num);
	} else if (y < bottom) {
		if (rate < 0) {
			snprintf(buf, sizeof(buf), "increments/s: measuring");
		} else {
			story_rate(rate, num, sizeof(num));
			snprintf(buf, sizeof(buf), "increments/s: %s", num);
		}
		ui_put(win, y++, x, w, ui->role[ROLE_FIGURE], buf);
	}
	if (y < bottom)
		big_cpu_line(ui, win, gi, y, x, w);
}

static void big_column(struct ui *ui, WINDOW *win, int gi, int x0, int cw, int h)
{
	const struct lab_group *g = lab_group_at(ui->lab, gi);
	int x = x0 + 2, w = cw - 4, y = 1, bottom = h - 1;
	char title[64];

	ui_box(ui, win, 0, x0, h, cw);
	snprintf(title, sizeof(title), " %s %s %s sync %s ", g->kind == LAB_THREADS ? "THREADS" : "PROCESSES", g->name,
	         ui->g.dot, lab_sync_name(g->sync));
	ui_put(win, 0, x0 + 2, cw - 4, ui->role[ROLE_TITLE], title);
	y += big_alive(ui, win, g, y, x, w, bottom);
	y += h >= 18 ? 1 : 0;
	y = big_memory(ui, win, g, y, x, w, bottom);
	if (g->stepping)
		y = big_steps(ui, win, g, y, x, w, bottom);
	big_work(ui, win, gi, y, x, w, bottom);
}

static void big_draw(struct ui *ui, struct ui_pane *p)
{
	WINDOW *win = p->win;
	int h = p->h, w = p->w;

	ui_order_groups(ui);
	int n = ui->norder;

	if (n == 0 && program_count(ui->lab) > 0) {
		/* ptviz run with --big: the program's processes, large. */
		werase(win);
		ui_big_programs(ui, win, w, h);
		return;
	}
	if (n == 0) {
		ui_put(win, h / 2, 2, w - 4, ui->role[ROLE_NOTE], "no workers yet");
		return;
	}
	int fit = w / BIG_COLUMN_MIN;
	if (fit < 1)
		fit = 1;
	if (n > fit)
		n = fit;
	int cw = w / n;
	for (int i = 0; i < n; i++)
		big_column(ui, win, ui->order[i], i * cw, i == n - 1 ? w - i * cw : cw, h);
}

const struct ui_pane_ops ui_big_ops = {
	.name = "big",
	.shows = UI_LAB,
	.draw = big_draw,
};
