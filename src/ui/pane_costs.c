/* The costs view: what creating, forking, switching and talking cost, measured here while you watch. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <bsd/string.h>

#include "../bench/bench.h"
#include "../view/units.h"
#include "pane_costs.h"

/* The pane's own, its one costs lab: the runner, the page shown, and what was true when it started. */
struct costs_state {
	struct bench bench;
	bool ready;
	enum bench_kind page;
	int scroll;                /* explanation lines scrolled away */
	int more;                  /* explanation lines that did not fit at the last draw */
	struct bench_machine machine;
	int busy_workers;          /* workers alive when the measurement started */
	int workers_at[BENCH_COUNT];
	char note[160];            /* a refusal or a cancel, until the next start */
};

/* What each measurement does, before any figure is in: plain words for a student. */
static const char *const costs_what[BENCH_COUNT] = {
	[BENCH_CREATE] =
	    "How long it takes to start something and wait for its end: a thread (pthread_create, then "
	    "pthread_join), a copy of this process (fork, then waitpid), and a new program (posix_spawn of "
	    "/bin/true, then waitpid). Each is done thousands of times; the bars show the median.",
	[BENCH_FORKSIZE] =
	    "fork() while the measuring process holds more and more memory, from 1 MiB up, every page "
	    "written so it really exists; then the same sizes in 2 MiB huge pages; and pthread_create beside "
	    "it at every size. Watch which one grows.",
	[BENCH_SWITCH] =
	    "Two threads, then two processes, pass one byte back and forth through two pipes. Each round trip "
	    "puts one side to sleep and wakes the other, twice. First both sides share one CPU, so every "
	    "round trip is two context switches; then they may use any CPU.",
	[BENCH_IPC] =
	    "One side sends numbered messages, the other receives and checks every one: through a pipe, a "
	    "UNIX socket, a shared-memory segment between two processes, and a ring buffer in memory two "
	    "threads share. Small messages show the cost of each message; 64 KiB ones show the bytes moved.",
};

static double costs_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void costs_ready(struct costs_state *cs)
{
	if (cs->ready)
		return;
	bench_init(&cs->bench);
	bench_machine_read(&cs->machine);
	cs->page = BENCH_CREATE;
	cs->ready = true;
}

static int costs_alive_workers(struct ui *ui)
{
	int n = 0;

	for (int i = 0; i < lab_ngroups(ui->lab); i++)
		n += lab_group_at(ui->lab, i)->alive;
	return n;
}

/* ---- for the loop and the bench command ---- */

static struct costs_state *costs_of(struct ui *ui)
{
	return ui->pane[PANE_COSTS].data;
}

int ui_costs_fd(struct ui *ui)
{
	struct costs_state *cs = costs_of(ui);

	return cs->ready ? bench_fd(&cs->bench) : -1;
}

unsigned ui_costs_dispatch(struct ui *ui)
{
	struct costs_state *cs = costs_of(ui);
	char line[400];

	if (!cs->ready)
		return 0;
	struct bench *b = &cs->bench;
	enum bench_news news = bench_dispatch(b);
	if (news == BENCH_NEWS_NONE)
		return 0;
	if (news != BENCH_NEWS_DONE)
		return UI_BENCH;
	cs->workers_at[b->done] = cs->busy_workers;
	cs->note[0] = '\0';
	if (b->done_ok) {
		bench_report_line(bench_last(b, b->done), ui->utf8, line, sizeof(line));
		ui_log(ui, ROLE_NOTE, "%s", line);
	} else {
		ui_log(ui, ROLE_ERROR, "bench %s: %s", bench_kind_name(b->done), b->done_error);
	}
	/* The view follows `all` from one measurement to the next. */
	if (bench_running(b)) {
		cs->page = b->kind;
		cs->scroll = 0;
	}
	return UI_BENCH;
}

unsigned ui_costs_start(struct ui *ui, const char *name)
{
	struct costs_state *cs = costs_of(ui);
	enum bench_kind kind;

	costs_ready(cs);
	if (ui->overlay != PANE_COSTS)
		ui_overlay(ui, PANE_COSTS);
	if (!bench_kind_parse(name, &kind)) {
		snprintf(cs->note, sizeof(cs->note), "no measurement called '%s'", name);
		ui_log(ui, ROLE_ERROR, "%s", cs->note);
		return UI_HANDLED;
	}
	if (bench_running(&cs->bench)) {
		snprintf(cs->note, sizeof(cs->note), "%s is still running: Esc or c cancels it first",
		         bench_kind_name(cs->bench.kind));
		ui_log(ui, ROLE_ERROR, "%s", cs->note);
		return UI_BENCH;
	}
	cs->note[0] = '\0';
	cs->busy_workers = costs_alive_workers(ui);
	if (!bench_start(&cs->bench, kind, bench_defaults())) {
		strlcpy(cs->note, cs->bench.error, sizeof(cs->note));
		ui_log(ui, ROLE_ERROR, "bench %s: %s", name, cs->note);
	} else {
		cs->page = cs->bench.kind;
		cs->scroll = 0;
		ui_log(ui, ROLE_NOTE, "bench %s: measuring in child pid %d (Esc cancels)", name, (int)cs->bench.pid);
	}
	return UI_BENCH;
}

/* Leaving the screen: a measurement still running ends with it. */
static void costs_free(struct ui *ui, struct ui_pane *p)
{
	struct costs_state *cs = p->data;

	(void)ui;
	if (cs->ready)
		bench_cancel(&cs->bench);
}

static unsigned costs_cancel(struct ui *ui, struct costs_state *cs)
{
	struct bench *b = &cs->bench;
	pid_t pid = b->pid;

	bench_cancel(b);
	snprintf(cs->note, sizeof(cs->note), "%s cancelled: child pid %d was killed and reaped",
	         bench_kind_name(b->kind), (int)pid);
	ui_log(ui, ROLE_NOTE, "bench %s", cs->note);
	return UI_BENCH;
}

/* ---- drawing helpers ---- */

/* A horizontal bar of value on a scale where full fills width cells; eighths where the terminal has them. */
static void costs_bar(struct ui *ui, WINDOW *win, int y, int x, int width, double value, double full, attr_t a)
{
	static const char *const eighth[8] = { "", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a", "\u2589" };

	if (width <= 0 || full <= 0 || value <= 0)
		return;
	double cells = value / full * width;
	if (cells > width)
		cells = width;
	int whole = (int)cells, part = (int)((cells - whole) * 8);
	for (int i = 0; i < whole; i++)
		ui_put(win, y, x + i, 1, a, ui->utf8 ? "\u2588" : "#");
	if (whole < width) {
		if (ui->utf8 && part > 0)
			ui_put(win, y, x + whole, 1, a, eighth[part]);
		else if (whole == 0)
			/* Never nothing at all: the smallest figure is still a figure. */
			ui_put(win, y, x, 1, a, ui->utf8 ? "\u258f" : "|");
	}
}

static void costs_rate(double v, char *buf, size_t len)
{
	if (v >= 1e6)
		snprintf(buf, len, "%.1f M", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, len, "%.0f k", v / 1e3);
	else
		snprintf(buf, len, "%.0f", v);
}

/* Splits text into lines of at most w columns, at spaces (ui_wrap), each copied out; a number stays with its unit. */
static int costs_wrap(const char *text, int w, char lines[][256], int max)
{
	int starts[40], lens[40];
	char bound[4096];

	units_bind(text, bound, sizeof(bound));
	int n = ui_wrap(bound, w, starts, lens, max < 40 ? max : 40);
	for (int i = 0; i < n; i++)
		units_unbind(bound + starts[i], (size_t)lens[i], lines[i], 256);
	return n;
}

/* ---- the pages ---- */

static int costs_draw_create(struct ui *ui, WINDOW *win, int y, int x, int iw, const struct bench_result *r)
{
	const struct bench_create *k = &r->u.create;
	static const char *const names[3] = { "pthread_create + join", "fork + waitpid", "posix_spawn /bin/true" };
	double v[3] = { k->thread_us, k->fork_us, k->spawn_us };
	const enum ui_role roles[3] = { ROLE_SHARED, ROLE_PRIVATE, ROLE_NOTE };
	double full = v[0];
	int lw = 22, nw = 20, bw = iw - lw - nw - 1;
	char a[32];

	for (int i = 1; i < 3; i++)
		full = v[i] > full ? v[i] : full;
	ui_put(win, y++, x, iw, ui->role[ROLE_TITLE], "start one, wait for its end (median per operation)");
	for (int i = 0; i < 3; i++, y++) {
		ui_put(win, y, x, lw, ui->role[ROLE_NORMAL], names[i]);
		if (v[i] <= 0) {
			ui_put(win, y, x + lw + 1, iw - lw - 1, ui->role[ROLE_SECONDARY], "could not run /bin/true here");
			continue;
		}
		costs_bar(ui, win, y, x + lw, bw, v[i], full, ui->role[roles[i]]);
		bench_format_us(v[i], a, sizeof(a));
		ui_putf(win, y, x + lw + bw + 1, nw, ui->role[ROLE_FIGURE], "%7s %s %6.1f%s", a, ui->utf8 ? "\u00b5s" : "us",
		        v[i] / v[0], ui->utf8 ? "\u00d7" : "x");
	}
	if (k->green_n > 0) {
		/* Green threads: CPU time, not a median of wall-clock batches, so no bar beside the others. */
		bench_format_us(k->green_create_ms * 1e3 / k->green_n, a, sizeof(a));
		ui_put(win, y, x, lw, ui->role[ROLE_NORMAL], "green thread");
		ui_putf(win, y++, x + lw + 1, iw - lw - 1, ui->role[ROLE_FIGURE], "%s %s of CPU each; %d alive: %.0f MiB",
		        a, ui->utf8 ? "\u00b5s" : "us", k->green_n, (double)k->green_kib / 1024.0);
	}
	return y;
}

static int costs_draw_forksize(struct ui *ui, WINDOW *win, int y, int x, int iw, int room,
                               const struct bench_result *r)
{
	const struct bench_forksize *k = &r->u.forksize;
	const char *us = ui->utf8 ? "\u00b5s" : "us";
	int lw = 10, nw = 30, bw = iw - lw - nw - 1;
	double full = 0, tmin = 1e18, tmax = 0;
	char a[32], b[32], c[32];

	for (int i = 0; i < k->npoints; i++) {
		full = k->p[i].fork_us > full ? k->p[i].fork_us : full;
		full = k->p[i].fork_huge_us > full ? k->p[i].fork_huge_us : full;
		tmin = k->p[i].thread_us < tmin ? k->p[i].thread_us : tmin;
		tmax = k->p[i].thread_us > tmax ? k->p[i].thread_us : tmax;
	}
	ui_put(win, y, x, lw + bw, ui->role[ROLE_TITLE], "held      fork + waitpid, 4 KiB pages");
	ui_putf(win, y++, x + lw + bw + 1, nw, ui->role[ROLE_TITLE], "%9s %9s %9s", "fork", "huge pg", "thread");
	/* Rows to spare: the smallest sizes go first, the story is in the big ones. */
	int first = k->npoints > room - 2 ? k->npoints - (room - 2) : 0;
	if (first < 0)
		first = 0;
	for (int i = first; i < k->npoints; i++, y++) {
		const struct bench_forksize_point *p = &k->p[i];
		if (p->mib >= 1024 && p->mib % 1024 == 0)
			ui_putf(win, y, x, lw, ui->role[ROLE_NORMAL], "%5d GiB", p->mib / 1024);
		else
			ui_putf(win, y, x, lw, ui->role[ROLE_NORMAL], "%5d MiB", p->mib);
		costs_bar(ui, win, y, x + lw, bw, p->fork_us, full, ui->role[ROLE_PRIVATE]);
		bench_format_us(p->fork_us, a, sizeof(a));
		bench_format_us(p->fork_huge_us, b, sizeof(b));
		bench_format_us(p->thread_us, c, sizeof(c));
		ui_putf(win, y, x + lw + bw + 1, nw, ui->role[ROLE_FIGURE], "%9s %9s %9s", a, b, c);
	}
	bench_fork_slope_words(k, ui->utf8, a, sizeof(a));
	bench_format_us(tmin, b, sizeof(b));
	bench_format_us(tmax, c, sizeof(c));
	char t1[200], t2[200], t3[200];
	snprintf(t1, sizeof(t1), "all in %s. fork: %s. pthread_create: flat, %s to %s %s, too short to see.", us, a, b, c, us);
	snprintf(t2, sizeof(t2), "all in %s. fork: %s. pthread_create: flat, %s to %s %s.", us, a, b, c, us);
	snprintf(t3, sizeof(t3), "fork %s; pthread_create flat", a);
	const char *const alt[] = { t1, t2, t3, NULL };
	ui_put_first(win, y++, x, iw, ui->role[ROLE_NOTE], alt);
	if (first > 0)
		ui_putf(win, y - 1, x + iw - 28, 28, ui->role[ROLE_SECONDARY], " (%d smaller sizes: taller) ", first);
	return y;
}

static int costs_draw_switch(struct ui *ui, WINDOW *win, int y, int x, int iw, const struct bench_result *r)
{
	const struct bench_switch *k = &r->u.sw;
	char names[4][40];
	double v[4] = { k->threads_pinned_us, k->processes_pinned_us, k->threads_unpinned_us, k->processes_unpinned_us };
	const enum ui_role roles[4] = { ROLE_SHARED, ROLE_PRIVATE, ROLE_SHARED, ROLE_PRIVATE };
	int lw = 24, nw = 24, bw = iw - lw - nw - 1;
	double full = 0;
	char a[32];

	snprintf(names[0], sizeof(names[0]), "threads, CPU %d only", k->pinned_cpu);
	snprintf(names[1], sizeof(names[1]), "processes, CPU %d only", k->pinned_cpu);
	snprintf(names[2], sizeof(names[2]), "threads, any CPU");
	snprintf(names[3], sizeof(names[3]), "processes, any CPU");
	for (int i = 0; i < 4; i++)
		full = v[i] > full ? v[i] : full;
	ui_put(win, y++, x, iw, ui->role[ROLE_TITLE], "one round trip through two pipes (median)");
	for (int i = 0; i < 4; i++, y++) {
		ui_put(win, y, x, lw, ui->role[ROLE_NORMAL], names[i]);
		costs_bar(ui, win, y, x + lw, bw, v[i], full, ui->role[roles[i]]);
		bench_format_us(v[i], a, sizeof(a));
		if (i % 2 == 1)
			ui_putf(win, y, x + lw + bw + 1, nw, ui->role[ROLE_FIGURE], "%6s %s %5.2f%s threads", a,
			        ui->utf8 ? "\u00b5s" : "us", v[i] / v[i - 1], ui->utf8 ? "\u00d7" : "x");
		else
			ui_putf(win, y, x + lw + bw + 1, nw, ui->role[ROLE_FIGURE], "%6s %s", a, ui->utf8 ? "\u00b5s" : "us");
	}
	return y;
}

static int costs_draw_ipc(struct ui *ui, WINDOW *win, int y, int x, int iw, const struct bench_result *r)
{
	const struct bench_ipc *k = &r->u.ipc;
	int lw = 17, half = (iw - lw) / 2, nw = 12, bw = half - nw - 2;
	double full[BENCH_IPC_SIZES] = { 0, 0 };
	char a[32], t[64];

	for (int s = 0; s < BENCH_IPC_SIZES; s++) {
		for (int m = 0; m < BENCH_IPC_METHODS; m++) {
			double v = s == 0 ? k->msgs_per_s[s][m] : k->mb_per_s[s][m];
			full[s] = v > full[s] ? v : full[s];
		}
	}
	snprintf(t, sizeof(t), "%d-byte messages/s", k->bytes[0]);
	ui_put(win, y, x + lw, half, ui->role[ROLE_TITLE], t);
	snprintf(t, sizeof(t), "%d KiB messages: MB/s", k->bytes[1] / 1024);
	ui_put(win, y++, x + lw + half, half, ui->role[ROLE_TITLE], t);
	for (int m = 0; m < BENCH_IPC_METHODS; m++, y++) {
		enum ui_role role = m == BENCH_IPC_THREADS ? ROLE_SHARED : ROLE_PRIVATE;
		ui_put(win, y, x, lw, ui->role[ROLE_NORMAL], bench_ipc_method_name((enum bench_ipc_method)m));
		costs_bar(ui, win, y, x + lw, bw, k->msgs_per_s[0][m], full[0], ui->role[role]);
		costs_rate(k->msgs_per_s[0][m], a, sizeof(a));
		ui_putf(win, y, x + lw + bw + 1, nw, ui->role[ROLE_FIGURE], "%8s/s", a);
		costs_bar(ui, win, y, x + lw + half, bw, k->mb_per_s[1][m], full[1], ui->role[role]);
		ui_putf(win, y, x + lw + half + bw + 1, nw, ui->role[ROLE_FIGURE], "%7.0f MB/s", k->mb_per_s[1][m]);
	}
	static const char *const between[] = {
		"pipe, socket and shared memory: between two processes; shared variable: between two threads",
		"pipe, socket, shared memory: two processes; shared variable: two threads", NULL
	};
	ui_put_first(win, y++, x, iw, ui->role[ROLE_SECONDARY], between);
	return y;
}

/* The top: which page, and what is going on. */
static void costs_draw_status(struct ui *ui, struct costs_state *cs, WINDOW *win, int y, int x, int iw)
{
	struct bench *b = &cs->bench;
	const struct bench_result *r = bench_last(b, cs->page);

	if (bench_running(b)) {
		int bw = 20, filled = (int)(b->fraction * bw + 0.5);
		int cx = x + ui_putf(win, y, x, iw, ui->role[ROLE_NOTE], "measuring %s ", bench_kind_name(b->kind));
		for (int i = 0; i < bw; i++)
			ui_put(win, y, cx + i, 1, ui->role[i < filled ? ROLE_ALIVE : ROLE_SECONDARY],
			       i < filled ? (ui->utf8 ? "\u2588" : "#") : ui->g.shade);
		cx += bw;
		cx += ui_putf(win, y, cx, x + iw - cx, ui->role[ROLE_FIGURE], " %3d%% %4.1fs ", (int)(b->fraction * 100),
		              costs_now() - b->started);
		ui_put_words(win, y, cx, x + iw - cx, ui->role[ROLE_NORMAL], b->progress);
		return;
	}
	if (cs->note[0] != '\0') {
		ui_put(win, y, x, iw, ui->role[cs->bench.cancelled ? ROLE_NOTE : ROLE_ERROR], cs->note);
		return;
	}
	if (r == NULL) {
		double s = bench_defaults()->seconds;
		ui_putf(win, y, x, iw, ui->role[ROLE_NOTE], "not measured yet: press %d to measure (about %.0f s), a for all four",
		        cs->page + 1, s);
		return;
	}
	char when[16];
	struct tm tm;
	localtime_r(&r->when, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	int n = cs->workers_at[cs->page];
	char t1[160], t2[160], t3[160];
	if (n > 0) {
		snprintf(t1, sizeof(t1), "measured at %s in %.1f s, while %d workers ran at idle priority (R ends them)", when,
		         r->seconds, n);
		snprintf(t2, sizeof(t2), "measured at %s in %.1f s, %d workers running at idle priority", when, r->seconds, n);
		snprintf(t3, sizeof(t3), "measured at %s, %d workers running", when, n);
	} else {
		snprintf(t1, sizeof(t1), "measured at %s in %.1f s, nothing else of ptviz running; %d measures again", when,
		         r->seconds, cs->page + 1);
		snprintf(t2, sizeof(t2), "measured at %s in %.1f s; %d measures again", when, r->seconds, cs->page + 1);
		snprintf(t3, sizeof(t3), "measured at %s", when);
	}
	const char *const alt[] = { t1, t2, t3, NULL };
	ui_put_first(win, y, x, iw, ui->role[ROLE_NORMAL], alt);
}

/* The pages, as keys: the one shown stands out. */
static void costs_draw_pages(struct ui *ui, const struct costs_state *cs, WINDOW *win, int y, int x, int iw)
{
	char line[64];
	int cx = x;

	for (int i = 0; i < BENCH_COUNT; i++) {
		snprintf(line, sizeof(line), " %d %s ", i + 1, bench_names[i]);
		cx += ui_put(win, y, cx, x + iw - cx, ui->role[i == (int)cs->page ? ROLE_SELECTED : ROLE_KEY], line);
		cx += ui_put(win, y, cx, x + iw - cx, ui->role[ROLE_NORMAL], " ");
	}
	cx += ui_put(win, y, cx, x + iw - cx, ui->role[ROLE_KEY], " a all ");
	static const char *const hint[] = { "  Tab next page  Up/Down scroll", "  Tab next page", NULL };
	ui_put_first(win, y, cx, x + iw - cx, ui->role[ROLE_SECONDARY], hint);
}

/* The page's figures, when it has any.  Returns the next row. */
static int costs_draw_figures(struct ui *ui, const struct costs_state *cs, WINDOW *win, int y, int x, int iw,
                              int bottom, const struct bench_result *r)
{
	switch (cs->page) {
	case BENCH_CREATE:
		return costs_draw_create(ui, win, y, x, iw, r);
	case BENCH_FORKSIZE:
		return costs_draw_forksize(ui, win, y, x, iw, bottom - y - 1, r);
	case BENCH_SWITCH:
		return costs_draw_switch(ui, win, y, x, iw, r);
	case BENCH_IPC:
		return costs_draw_ipc(ui, win, y, x, iw, r);
	default:
		return y;
	}
}

/* The explanation from y to bottom: what the figures say (verdict), then what was measured; the rest a scroll away. */
static void costs_draw_explanation(struct ui *ui, struct costs_state *cs, WINDOW *win, int y, int x, int iw,
                                   int bottom, const char *verdict)
{
	static char lines[40][256];
	enum ui_role roles[40];
	int n = 0;

	if (verdict[0] != '\0') {
		int k = costs_wrap(verdict, iw, lines, 30);
		for (int i = 0; i < k; i++)
			roles[n++] = ROLE_NORMAL;
		lines[n][0] = '\0';
		roles[n++] = ROLE_NORMAL;
	}
	int k = costs_wrap(costs_what[cs->page], iw, lines + n, 40 - n);
	for (int i = 0; i < k; i++)
		roles[n++] = ROLE_SECONDARY;
	int room = bottom - y;
	if (cs->scroll > n - room)
		cs->scroll = n - room;
	if (cs->scroll < 0)
		cs->scroll = 0;
	for (int i = cs->scroll; i < n && y < bottom; i++)
		ui_put(win, y++, x, iw, ui->role[roles[i]], lines[i]);
	cs->more = n - cs->scroll - room;
}

static void costs_draw(struct ui *ui, struct ui_pane *p)
{
	struct costs_state *cs = p->data;
	WINDOW *win = p->win;
	int h = p->h, w = p->w;
	struct bench *b = &cs->bench;
	int x = 2, iw = w - 4, y = 1, bottom = h - 1;
	char line[256], text[2048];

	costs_ready(cs);
	ui_box(ui, win, 0, 0, h, w);
	snprintf(line, sizeof(line), " COSTS %s measured on this machine: %d CPUs, %s ", ui->g.dot, cs->machine.cpus,
	         cs->machine.kernel);
	ui_put(win, 0, 2, w - 4, ui->role[ROLE_TITLE], line);
	costs_draw_pages(ui, cs, win, y++, x, iw);
	costs_draw_status(ui, cs, win, y++, x, iw);
	y++;
	const struct bench_result *r = bench_last(b, cs->page);
	text[0] = '\0';
	if (r != NULL) {
		y = costs_draw_figures(ui, cs, win, y, x, iw, bottom, r) + 1;
		bench_report_verdict(r, ui->utf8, text, sizeof(text));
	}
	costs_draw_explanation(ui, cs, win, y, x, iw, bottom, text);
	if (bench_running(b))
		snprintf(line, sizeof(line), " Esc or c cancels %s ", bench_kind_name(b->kind));
	else
	{
		/* Each part apart from the next, so "Down" and "1-4" never read as one phrase. */
		char more[48] = "";
		if (cs->more > 0)
			snprintf(more, sizeof(more), "%s more: Down %s ", ui->g.more_down, ui->g.dot);
		snprintf(line, sizeof(line), " %s1-4 measure %s a all %s Esc or c closes ", more, ui->g.dot, ui->g.dot);
	}
	int lw = ui_width(line);
	ui_put(win, h - 1, w - 2 - lw, lw, ui->role[ROLE_NOTE], line);
}

static unsigned costs_key(struct ui *ui, struct ui_pane *p, int key)
{
	struct costs_state *cs = p->data;
	struct bench *b = &cs->bench;

	costs_ready(cs);
	switch (key) {
	case 27:
	case 'c':
		if (bench_running(b))
			return costs_cancel(ui, cs);
		ui_overlay(ui, PANE_COUNT);
		return UI_HANDLED;
	case 'q':
		/* Closes the view; a measurement still running goes on and reports in the log. */
		ui_overlay(ui, PANE_COUNT);
		return UI_HANDLED;
	case '1':
	case '2':
	case '3':
	case '4':
		if (bench_running(b)) {
			cs->page = (enum bench_kind)(key - '1');
			cs->scroll = 0;
			snprintf(cs->note, sizeof(cs->note), "%s is still running: Esc or c cancels it first",
			         bench_kind_name(b->kind));
			break;
		}
		return ui_costs_start(ui, bench_names[key - '1']);
	case 'a':
		return ui_costs_start(ui, "all");
	case '\n':
	case '\r':
	case KEY_ENTER:
		return ui_costs_start(ui, bench_names[cs->page]);
	case '\t':
	case KEY_RIGHT:
		cs->page = (enum bench_kind)((cs->page + 1) % BENCH_COUNT);
		cs->scroll = 0;
		break;
	case KEY_BTAB:
	case KEY_LEFT:
		cs->page = (enum bench_kind)((cs->page + BENCH_COUNT - 1) % BENCH_COUNT);
		cs->scroll = 0;
		break;
	case KEY_UP:
	case 'k':
	case 'K':
		cs->scroll--;
		break;
	case KEY_DOWN:
	case 'j':
	case 'J':
		cs->scroll++;
		break;
	default:
		return 0;
	}
	return UI_REDRAW;
}

static void costs_open(struct ui *ui, struct ui_pane *p)
{
	struct costs_state *cs = p->data;

	(void)ui;
	costs_ready(cs);
	cs->scroll = 0;
	if (!bench_running(&cs->bench))
		cs->note[0] = '\0';
}

const struct ui_pane_ops ui_costs_ops = {
	.name = "costs",
	.size = sizeof(struct costs_state),
	.shows = UI_FRAME | UI_BENCH,
	.draw = costs_draw,
	.key = costs_key,
	.open = costs_open,
	.free = costs_free,
};
