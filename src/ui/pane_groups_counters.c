/* The groups pane's Counters section: increments beside the counter, the updates lost, and their chart over time. */
#include <stdio.h>
#include <string.h>

#include "../view/explain.h"
#include "../view/story.h"
#include "../view/work_text.h"
#include "groups_column.h"

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
	return g->shared && g->sync == LAB_SYNC_NONE && g->workload == LAB_WORK_COUNTER && !g->gil;
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
	s->name = c->g->workload == LAB_WORK_EVENTLOOP ? " served/s " : " increments/s ";
	snprintf(s->title_buf, sizeof(s->title_buf), " %s per second, last %.0f s",
	         c->g->workload == LAB_WORK_EVENTLOOP ? "tasks served" : "increments", room * TREND_STEP);
	s->title[0] = s->title_buf;
	s->title[1] = c->g->workload == LAB_WORK_EVENTLOOP ? " tasks served per second" : " increments per second";
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
		snprintf(text, sizeof(text), "   (%d from each account of %lld)", LAB_WITHDRAW_AMOUNT,
		         (long long)g->start_balance);
		snprintf(t2, sizeof(t2), "   (each account %lld)", (long long)g->start_balance);
		const char *const alt[] = { text, t2, "", NULL };
		ui_put_first_cut(ui, c->win, y, x + w1, iw - w1, ui->role[ROLE_SECONDARY], alt);
	}
	if (g->overdrawn && g->shared) {
		snprintf(text, sizeof(text), " OVERDRAWN: both passed the check, both took %d", LAB_WITHDRAW_AMOUNT);
		const char *const alt[] = { text, " OVERDRAWN: both passed the check", " OVERDRAWN", NULL };
		ui_put_first_cut(ui, c->win, y + 1, x, iw, ui->role[ROLE_LOST], alt);
	} else if (g->overdrawn) {
		ui_put_cut(ui, c->win, y + 1, x, iw, ui->role[ROLE_LOST], " an account is overdrawn");
	} else if (g->lost > 0) {
		char lost[48], bound[80];
		explain_lost_figure(g, ui->utf8, lost, sizeof(lost));
		explain_lost_bound(g, bound, sizeof(bound));
		char t2[80];
		snprintf(text, sizeof(text), " lost withdrawals %s: %s", lost, bound[0] ? bound : "paid out, never taken off");
		snprintf(t2, sizeof(t2), " lost withdrawals %s", lost);
		const char *const alt[] = { text, t2, NULL };
		ui_put_first_cut(ui, c->win, y + 1, x, iw, ui->role[ROLE_LOST], alt);
	} else {
		char t2[96];
		snprintf(text, sizeof(text), " started at %lld, %d a withdrawal; refused %s", (long long)g->start_balance,
		         LAB_WITHDRAW_AMOUNT, refused);
		snprintf(t2, sizeof(t2), " started at %lld; refused %s", (long long)g->start_balance, refused);
		const char *const alt[] = { text, t2, NULL };
		ui_put_first_cut(ui, c->win, y + 1, x, iw, ui->role[ROLE_NORMAL], alt);
	}
	char t2[96];
	snprintf(text, sizeof(text), " sync %s: %s", lab_sync_name(g->sync),
	         g->sync == LAB_SYNC_MUTEX    ? "check and take under one lock"
	         : g->sync == LAB_SYNC_ATOMIC ? "the take is atomic, the check is not"
	                                        : "check, then load and store");
	snprintf(t2, sizeof(t2), " sync %s: %s", lab_sync_name(g->sync),
	         g->sync == LAB_SYNC_MUTEX    ? "check and take, locked"
	         : g->sync == LAB_SYNC_ATOMIC ? "atomic take, not check"
	                                        : "check, load, store");
	const char *const alt[] = { text, t2, NULL };
	ui_put_first_cut(ui, c->win, y + 2, x, iw, ui->role[ROLE_SECONDARY], alt);
}

/*
 * The lost row of a shared counter: lost, its share of the increments, and why it moves or
 * not.  A writer stopped mid-increment makes lost a bound: "lost ≥ N, T3 is stopped
 * mid-increment" then takes the row, before anything else.
 */
static void groups_lost_row(struct column *c, int ly, bool wide, const char *lost)
{
	struct ui *ui = c->ui;
	const struct lab_group *g = c->g;
	int x = c->x + 1, iw = groups_room(c);
	char text[160];
	const struct lab_worker *unsure = explain_unsure_writer(g);

	if (unsure != NULL && unsure->stopped) {
		char t1[160], t2[128], t3[96];
		snprintf(t1, sizeof(t1), " lost updates %s, %s is stopped mid-increment", lost, unsure->id);
		snprintf(t2, sizeof(t2), " lost %s, %s is stopped mid-increment", lost, unsure->id);
		snprintf(t3, sizeof(t3), " lost %s, %s stopped", lost, unsure->id);
		const char *const alt[] = { t1, t2, t3, NULL };
		ui_put_first_cut(ui, c->win, ly, x, iw, ui->role[ROLE_LOST], alt);
		return;
	}
	double pct = g->increments > 0 ? 100.0 * (double)g->lost / (double)g->increments : 0.0;
	snprintf(text, sizeof(text), " lost updates %s (%.1f%%)", lost, pct);
	if (ui_width(text) > iw)
		snprintf(text, sizeof(text), " lost %s", lost);
	int tw = ui_put(c->win, ly, x, iw, ui->role[g->lost > 0 ? ROLE_LOST : ROLE_NORMAL], text);
	/* A writer mid-increment is why lost is a bound: that comes first. */
	char bound[96], why[104];
	explain_lost_bound(g, bound, sizeof(bound));
	const char *because = bound[0] ? bound : explain_lost(g);
	snprintf(why, sizeof(why), "%s%s", because[0] ? "  " : "", because);
	/* Without a chart of its own the lost row carries one; when it has no room, the words instead. */
	bool charted = !wide && c->chart == 0 && groups_sparkline(c, ly, x + tw, iw - tw, !groups_losing(g));
	if (!charted && tw + ui_width(why) <= iw)
		ui_put(c->win, ly, x + tw, iw - tw, ui->role[ROLE_SECONDARY], why);
}

/*
 * The channel's queue or the tasks' figures, in place of the lost row: one
 * line, and the second where the sparkline would go (else it goes in the
 * notes, groups_notes).  False for any other workload.
 */
static bool groups_work_rows(struct column *c, int ly, bool wide)
{
	struct ui *ui = c->ui;
	struct lab_machine m;
	char lines[2][WORK_TEXT_MAX], text[WORK_TEXT_MAX + 1];
	int x = c->x + 1, iw = groups_room(c);

	lab_machine_read(ui->lab, &m);
	if (!work_text(c->g, m.cpus, lines))
		return false;
	bool full = c->g->workload == LAB_WORK_CHANNEL && c->g->channel.queue >= c->g->channel.capacity;
	snprintf(text, sizeof(text), " %s", lines[0]);
	ui_put_cut(ui, c->win, ly, x, iw, ui->role[full ? ROLE_LOST : ROLE_FIGURE], text);
	if (c->chart > 0) {
		groups_chart(c, ly + 1, c->chart, wide);
	} else if (wide) {
		snprintf(text, sizeof(text), " %s", lines[1]);
		ui_put_cut(ui, c->win, ly + 1, x, iw, ui->role[ROLE_SECONDARY], text);
	}
	return true;
}

void groups_counters(struct column *c, int y)
{
	struct ui *ui = c->ui;
	const struct lab_group *g = c->g;
	int x = c->x + 1, iw = groups_room(c);
	char inc[32], cnt[32], lost[48], text[160];
	const char *what = g->shared ? "counter" : "copies add up to";

	if (g->workload == LAB_WORK_WITHDRAW) {
		groups_counters_withdraw(c, y);
		return;
	}

	story_number(g->increments, inc, sizeof(inc));
	story_number(g->counter, cnt, sizeof(cnt));
	explain_lost_figure(g, ui->utf8, lost, sizeof(lost));
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
	if (groups_work_rows(c, ly, wide))
		return;
	if (g->shared) {
		groups_lost_row(c, ly, wide, lost);
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
		if (wide || g->workload == LAB_WORK_COUNTER)
			ui_put_first_cut(ui, c->win, ly, x, iw, ui->role[ROLE_NORMAL], wide ? wide_alt : narrow_alt);
		else
			groups_sparkline(c, ly, x, iw, true);   /* io, cpu ...: the work done is the story */
	}
	if (c->chart > 0)
		groups_chart(c, y + 2, c->chart, wide);
	else if (wide)
		groups_sparkline(c, y + 2, x, iw, true);
}
