/* The screen's loop: one poll over the keyboard, the engine and signals; layout; commands; selection. */
#include <errno.h>
#include <inttypes.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>

#include "../view/report.h"
#include "../view/story.h"
#include "ui_priv.h"

#define UI_MIN_COLS 80
#define UI_MIN_ROWS 24

static const struct ui_pane_ops *const ui_pane_ops[PANE_COUNT] = {
	[PANE_HEADER] = &ui_header_ops,
	[PANE_GROUPS] = &ui_groups_ops,
	[PANE_LOG] = &ui_log_ops,
	[PANE_KEYBAR] = &ui_keybar_ops,
	[PANE_HELP] = &ui_help_ops,
	[PANE_MEMMAP] = &ui_memmap_ops,
	[PANE_SMALL] = &ui_small_ops,
	[PANE_COSTS] = &ui_costs_ops,
	[PANE_CAPTION] = &ui_caption_ops,
	[PANE_ASK] = &ui_ask_ops,
	[PANE_BIG] = &ui_big_ops,
};

/* ---- panes and layout ---- */

static void ui_place(struct ui *ui, enum ui_pane_id id, int y, int x, int h, int w)
{
	struct ui_pane *p = &ui->pane[id];

	if (p->win != NULL) {
		delwin(p->win);
		p->win = NULL;
	}
	p->visible = h > 0 && w > 0;
	p->y = y;
	p->x = x;
	p->h = h;
	p->w = w;
	if (p->visible) {
		p->win = newwin(h, w, y, x);
		if (p->win == NULL)
			p->visible = false;
		else
			leaveok(p->win, TRUE);
	}
	p->dirty = true;
}

/* Resize is handled here and only here. */
static void ui_relayout(struct ui *ui)
{
	int rows = ui->rows, cols = ui->cols;

	ui->too_small = cols < UI_MIN_COLS || rows < UI_MIN_ROWS;
	ui->nhits = 0;
	for (int i = 0; i < PANE_COUNT; i++)
		ui_place(ui, (enum ui_pane_id)i, 0, 0, 0, 0);
	if (ui->too_small) {
		ui_place(ui, PANE_SMALL, 0, 0, rows, cols);
		return;
	}
	int bar = ui->prompt.open ? ui_prompt_rows(ui, cols) : ui->opt.no_keybar ? 0 : 1;
	int logh = 3 + (rows - UI_MIN_ROWS) / 4;
	if (logh > 10)
		logh = 10;
	/* A lesson's caption bar sits above the key bar; the log gives it room. */
	int caption = ui_play_rows(ui, cols);
	if ((caption > 0 || ui->opt.big) && logh > 3)
		logh = ui->opt.big ? 2 : 3;
	int body = rows - 1 - logh - bar - caption;
	ui_place(ui, PANE_HEADER, 0, 0, 1, cols);
	ui_place(ui, ui->opt.big ? PANE_BIG : PANE_GROUPS, 1, 0, body, cols);
	ui_place(ui, PANE_LOG, 1 + body, 0, logh, cols);
	ui_place(ui, PANE_CAPTION, 1 + body + logh, 0, caption, cols);
	ui_place(ui, PANE_KEYBAR, rows - bar, 0, bar, cols);
	if (ui->overlay != PANE_COUNT)
		ui_place(ui, ui->overlay, 1, 0, body, cols);
}

/* From SIGWINCH (ask the terminal) or from KEY_RESIZE (ncurses has already resized). */
static void ui_resize(struct ui *ui, bool ask)
{
	struct winsize ws;

	/* resizeterm queues a KEY_RESIZE of its own, which lands back here with ask false. */
	if (ask && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0 &&
	    (ws.ws_row != LINES || ws.ws_col != COLS))
		resizeterm(ws.ws_row, ws.ws_col);
	ui->rows = LINES;
	ui->cols = COLS;
	werase(stdscr);
	wnoutrefresh(stdscr);
	ui_relayout(ui);
}

void ui_overlay(struct ui *ui, enum ui_pane_id id)
{
	if (ui->overlay == id)
		return;
	if (ui->overlay != PANE_COUNT && ui_pane_ops[ui->overlay]->close != NULL)
		ui_pane_ops[ui->overlay]->close(ui);
	ui->overlay = id;
	if (id != PANE_COUNT && ui_pane_ops[id]->open != NULL)
		ui_pane_ops[id]->open(ui);
	ui->changed |= UI_RELAYOUT;
}

/* What changed, to what is laid out and drawn again: the one place panes are marked dirty. */
static void ui_apply(struct ui *ui, unsigned change)
{
	change |= ui->changed;
	ui->changed = 0;
	if (change & UI_QUIT)
		ui->quit = true;
	/* The caption bar grows and shrinks with its text: lay the screen out again only when its height changes. */
	if ((change & UI_LESSON) && !ui->too_small && ui_play_rows(ui, ui->cols) != ui->pane[PANE_CAPTION].h)
		change |= UI_RELAYOUT;
	if (change & UI_RELAYOUT)
		ui_relayout(ui);
	if (change & UI_REPAINT)
		clearok(curscr, TRUE);
	for (int i = 0; i < PANE_COUNT; i++) {
		if ((change & UI_REPAINT) || (ui_pane_ops[i]->shows & change))
			ui->pane[i].dirty = true;
	}
}

/* An overlay's key: its own pane is marked here, the rest of what changed goes back to the loop. */
static unsigned ui_pane_key(struct ui *ui, enum ui_pane_id id, int key)
{
	unsigned change = ui_pane_ops[id]->key != NULL ? ui_pane_ops[id]->key(ui, key) : 0;

	if (change & UI_REDRAW)
		ui->pane[id].dirty = true;
	return change;
}

void ui_hit_add(struct ui *ui, enum ui_hit_kind kind, WINDOW *win, int y, int x, int w, int a, int b)
{
	if (ui->nhits >= UI_HITS_MAX || w <= 0)
		return;
	struct ui_hit *h = &ui->hits[ui->nhits++];
	h->kind = kind;
	h->pane = ui->drawing;
	h->y = getbegy(win) + y;
	h->x = getbegx(win) + x;
	h->w = w;
	h->group = a;
	h->worker = b;
	h->binding = a;
}

static void ui_hits_forget(struct ui *ui, enum ui_pane_id id)
{
	int o = 0;

	for (int i = 0; i < ui->nhits; i++) {
		if (ui->hits[i].pane != id)
			ui->hits[o++] = ui->hits[i];
	}
	ui->nhits = o;
}

static void ui_draw_pane(struct ui *ui, enum ui_pane_id id)
{
	struct ui_pane *p = &ui->pane[id];

	if (!p->visible || !p->dirty)
		return;
	ui_hits_forget(ui, id);
	ui->drawing = id;
	werase(p->win);
	ui_pane_ops[id]->draw(ui, p->win, p->h, p->w);
	wnoutrefresh(p->win);
	p->dirty = false;
}

/*
 * A hidden hook for benchmarks and tests: with PTVIZ_FIRST_FRAME=FILE in the environment, the
 * CLOCK_MONOTONIC time (seconds) at which the first full frame reached the terminal is written
 * to FILE, so "start to first frame" is measured from outside without scraping the screen.
 */
static void ui_note_first_frame(struct ui *ui)
{
	const char *path = getenv("PTVIZ_FIRST_FRAME");
	struct timespec ts;
	char line[64];

	ui->first_frame_noted = true;
	if (path == NULL || path[0] == '\0')
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	int n = snprintf(line, sizeof(line), "%lld.%09ld\n", (long long)ts.tv_sec, ts.tv_nsec);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) != n)
		ui_log(ui, ROLE_ERROR, "PTVIZ_FIRST_FRAME: cannot write %s", path);
	close(fd);
}

/* One doupdate per loop turn: only the cells that changed reach the terminal. */
static void ui_draw(struct ui *ui)
{
	bool any = false;

	for (int i = 0; i < PANE_COUNT; i++)
		any |= ui->pane[i].visible && ui->pane[i].dirty;
	if (!any)
		return;
	if (ui->too_small) {
		ui_draw_pane(ui, PANE_SMALL);
	} else {
		ui_draw_pane(ui, PANE_HEADER);
		if (ui->overlay == PANE_COUNT) {
			ui_draw_pane(ui, PANE_GROUPS);
			ui_draw_pane(ui, PANE_BIG);
		} else {
			ui_draw_pane(ui, ui->overlay);
		}
		ui_draw_pane(ui, PANE_LOG);
		ui_draw_pane(ui, PANE_CAPTION);
		if (ui->prompt.open)
			ui->pane[PANE_KEYBAR].dirty = true; /* drawn last, so the cursor stays in the prompt */
		ui_draw_pane(ui, PANE_KEYBAR);
	}
	curs_set(ui->prompt.open && !ui->too_small ? 1 : 0);
	doupdate();
	/* Full: the whole layout, with the starting scene's groups in it. */
	if (!ui->first_frame_noted && !ui->too_small && (ui->opt.empty || lab_ngroups(ui->lab) > 0))
		ui_note_first_frame(ui);
}

/* ---- the log ---- */

static void ui_log_at(struct ui *ui, double t, enum ui_role role, const char *text)
{
	struct ui_log_entry *e = &ui->log[(ui->log_head - 1 + UI_LOG_MAX) % UI_LOG_MAX];

	/* The same message again (a dead key held down) is counted, not repeated. */
	if (ui->log_n > 0 && e->role == role && strncmp(e->text, text, sizeof(e->text) - 1) == 0) {
		e->t = t;
		e->repeat++;
		ui->changed |= UI_LOG;
		return;
	}
	e = &ui->log[ui->log_head];
	e->t = t;
	e->role = role;
	e->repeat = 1;
	strlcpy(e->text, text, sizeof(e->text));
	/* Scrolled back: the view stays on what is being read. */
	if (ui->log_scroll > 0 && ui->log_scroll < UI_LOG_MAX - 1)
		ui->log_scroll++;
	ui->log_head = (ui->log_head + 1) % UI_LOG_MAX;
	if (ui->log_n < UI_LOG_MAX)
		ui->log_n++;
	ui->changed |= UI_LOG;
}

void ui_log(struct ui *ui, enum ui_role role, const char *fmt, ...)
{
	char buf[480];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ui_log_at(ui, lab_now(ui->lab), role, buf);
}

/* Each event in the log, as the clock hands it on. */
static void ui_event(void *ctx, const struct lab_event *ev)
{
	struct ui *ui = ctx;
	char text[768];

	story_event(ui->lab, ev, ui->utf8, text, sizeof(text));
	ui_log_at(ui, ev->t, ev->kind == LAB_EVENT_EXIT ? ROLE_DEAD : ROLE_ALIVE, text);
}


/* ---- groups, selection and history ---- */

void ui_order_groups(struct ui *ui)
{
	int n = lab_ngroups(ui->lab);

	ui->norder = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			enum lab_kind k = lab_group_at(ui->lab, i)->kind;
			if ((pass == 0) == (k == LAB_THREADS))
				ui->order[ui->norder++] = i;
		}
	}
}

static int ui_group_index(struct ui *ui, const char *name)
{
	for (int i = 0; i < lab_ngroups(ui->lab); i++) {
		if (strcmp(lab_group_at(ui->lab, i)->name, name) == 0)
			return i;
	}
	return -1;
}

bool ui_selected(struct ui *ui, int *group, int *worker)
{
	int gi = ui_group_index(ui, ui->sel_group);

	if (gi < 0)
		return false;
	const struct lab_group *g = lab_group_at(ui->lab, gi);
	for (int i = 0; i < g->nworkers; i++) {
		if (strcmp(g->workers[i].id, ui->sel_worker) == 0) {
			*group = gi;
			*worker = i;
			return true;
		}
	}
	return false;
}

void ui_select(struct ui *ui, int group, int worker)
{
	const struct lab_group *g = lab_group_at(ui->lab, group);

	if (g == NULL || worker < 0 || worker >= g->nworkers)
		return;
	strlcpy(ui->sel_group, g->name, sizeof(ui->sel_group));
	strlcpy(ui->sel_worker, g->workers[worker].id, sizeof(ui->sel_worker));
	ui->changed |= UI_SELECTION;
}

void ui_select_move(struct ui *ui, int dcol, int drow)
{
	int gi, wi, col = 0;

	ui_order_groups(ui);
	if (ui->norder == 0)
		return;
	if (!ui_selected(ui, &gi, &wi)) {
		ui_select(ui, ui->order[0], 0);
		return;
	}
	for (int i = 0; i < ui->norder; i++) {
		if (ui->order[i] == gi)
			col = i;
	}
	if (dcol != 0) {
		col = (col + dcol + ui->norder) % ui->norder;
		int n = lab_group_at(ui->lab, ui->order[col])->nworkers;
		wi = wi < n ? wi : n - 1;
	}
	wi += drow;
	int n = lab_group_at(ui->lab, ui->order[col])->nworkers;
	wi = wi < 0 ? 0 : wi >= n ? n - 1 : wi;
	ui_select(ui, ui->order[col], wi);
}

/* Keeps a selection that still means something, or picks the first worker. */
static void ui_select_check(struct ui *ui)
{
	int gi, wi;

	ui_order_groups(ui);
	if (!ui_selected(ui, &gi, &wi)) {
		ui->sel_group[0] = ui->sel_worker[0] = '\0';
		if (ui->norder > 0)
			ui_select(ui, ui->order[0], 0);
	}
}

/* After each observation: the charts' histories, the selection, and what shows them. */
static void ui_seen(void *ctx, const struct lab *lab)
{
	struct ui *ui = ctx;

	trend_update(&ui->trend, lab);
	ui_select_check(ui);
	ui->changed |= UI_LAB;
}

void ui_observe(struct ui *ui)
{
	frames_observe(&ui->clock);
}

/* ---- commands ---- */

/* The report, a line per group in the log; the events its observation brought come first. */
static void ui_report(struct ui *ui)
{
	struct report r;
	char a[32], b[32], c[32];

	if (!report_gather(&r, ui->lab)) {
		ui_log(ui, ROLE_ERROR, "report: out of memory");
		return;
	}
	frames_drain(&ui->clock);
	ui_log(ui, ROLE_NOTE, "report: ptviz's own counter @0x%" PRIxPTR " = %lld (it never runs the workload)",
	       r.parent_counter_address, (long long)r.parent_counter);
	if (r.ngroups == 0)
		ui_log(ui, ROLE_NOTE, "report: no groups; t or s starts some");
	for (int i = 0; i < r.ngroups; i++) {
		const struct report_group *rg = &r.groups[i];
		const struct lab_group *g = rg->g;
		story_number(g->increments, a, sizeof(a));
		story_number(g->counter, b, sizeof(b));
		story_number(g->lost, c, sizeof(c));
		if (rg->one_counter)
			ui_log(ui, ROLE_NOTE, "report: %s %d/%d %s alive, sync %s, increments %s, counter %s, lost %s (%.1f%%)",
			       g->name, g->alive, g->nworkers, rg->noun, lab_sync_name(g->sync), a, b, c, rg->lost_percent);
		else
			ui_log(ui, ROLE_NOTE,
			       "report: %s %d/%d %s alive, sync %s, increments %s, private copies add up to %s but no counter "
			       "holds that, lost %s",
			       g->name, g->alive, g->nworkers, rg->noun, lab_sync_name(g->sync), a, b, c);
	}
	report_free(&r);
}

bool ui_exec(struct ui *ui, const struct cmd *c, struct cmd_error *err)
{
	char note[LAB_MSG_MAX];

	ui_log(ui, ROLE_COMMAND, ":%s", c->text);
	bool ok = cmd_exec(ui->lab, c, err, note, sizeof(note));
	frames_drain(&ui->clock);
	if (!ok) {
		ui_log(ui, ROLE_ERROR, "%s", err->message);
		return false;
	}
	if (note[0] != '\0')
		ui_log(ui, ROLE_NOTE, "%s", note);
	switch (c->verb) {
	case CMD_RUN:
		ui_log(ui, ROLE_NOTE, "time runs on its own here: the screen stays live ('run' waits only in -c and --batch)");
		break;
	case CMD_REPORT:
		ui_report(ui);
		break;
	case CMD_QUIT:
		ui->quit = true;
		break;
	case CMD_BENCH:
		ui->changed |= ui_costs_start(ui, c->bench);
		break;
	default:
		break;
	}
	return true;
}

bool ui_command(struct ui *ui, const char *text, struct cmd_error *err)
{
	struct cmd_list list;
	bool ok = true;

	if (!cmd_parse(text, 1, &list, err)) {
		ui_log(ui, ROLE_ERROR, "%s: column %d: %s", text, err->column, err->message);
		return false;
	}
	for (int i = 0; i < list.n && ok; i++)
		ok = ui_exec(ui, &list.items[i], err);
	cmd_list_free(&list);
	ui_observe(ui);
	return ok;
}

/* ---- input ---- */

static unsigned ui_click(struct ui *ui, const MEVENT *me)
{
	if (me->bstate & BUTTON4_PRESSED) {
		if (ui->overlay != PANE_COUNT)
			return ui_pane_key(ui, ui->overlay, KEY_UP);
		ui_select_move(ui, 0, -1);
		return UI_HANDLED;
	}
#ifdef BUTTON5_PRESSED
	if (me->bstate & BUTTON5_PRESSED) {
		if (ui->overlay != PANE_COUNT)
			return ui_pane_key(ui, ui->overlay, KEY_DOWN);
		ui_select_move(ui, 0, 1);
		return UI_HANDLED;
	}
#endif
	if (!(me->bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_RELEASED)))
		return 0;
	for (int i = 0; i < ui->nhits; i++) {
		const struct ui_hit *h = &ui->hits[i];
		if (me->y != h->y || me->x < h->x || me->x >= h->x + h->w)
			continue;
		if (h->kind == HIT_KEY) {
			/* Only on press, so one click runs a key once. */
			if (me->bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
				return ui_binding_run(ui, h->binding);
		} else if (ui->overlay == PANE_COUNT) {
			ui_select(ui, h->group, h->worker);
		}
		return UI_HANDLED;
	}
	return 0;
}

/* A key, to whichever handler it is for: the prompt, a lesson, the overlay, then the key table.  Returns what changed. */
static unsigned ui_input(struct ui *ui, int key)
{
	unsigned change;

	if (key == KEY_RESIZE) {
		ui_resize(ui, false);
		return UI_HANDLED;
	}
	if (key == KEY_MOUSE) {
		MEVENT me;
		if (getmouse(&me) == OK && !ui->too_small && !ui->prompt.open)
			return ui_click(ui, &me);
		return UI_HANDLED;
	}
	if (ui->prompt.open && !ui->too_small)
		return ui_prompt_key(ui, key);
	if (ui->too_small) {
		if (key == 'q' || key == KEY_F(10) || key == 3)
			return UI_QUIT;
		if (key == 27 && ui->overlay != PANE_COUNT)
			ui_overlay(ui, PANE_COUNT);
		return UI_HANDLED;
	}
	if (ui->play != NULL && (change = ui_lesson_key(ui, key)) != 0)
		return change;
	if (ui->overlay != PANE_COUNT && (change = ui_pane_key(ui, ui->overlay, key)) != 0)
		return change;
	if ((change = ui_key(ui, key)) != 0)
		return change;
	if (key == 27)
		return UI_HANDLED;
	const char *name = keyname(key);
	ui_log(ui, ROLE_NOTE, "key %s does nothing here: F1 or ? lists the keys", name ? name : "?");
	return UI_HANDLED;
}

/* ---- the loop ---- */

static void ui_crashed(int sig)
{
	/* ptviz itself is broken: give the terminal back; the workers die with ptviz (PDEATHSIG). */
	endwin();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int ui_loop(struct ui *ui, int sigfd)
{
	int rc = 0;

	while (!ui->quit) {
		/* A lesson's wait ends on time even when frames are rare. */
		int timeout = frames_wait_ms(&ui->clock, ui_play_deadline(ui));
		struct pollfd pfd[4] = {
			{ STDIN_FILENO, POLLIN, 0 },
			{ lab_fd(ui->lab), POLLIN, 0 },
			{ sigfd, POLLIN, 0 },
			{ ui_costs_fd(ui), POLLIN, 0 },   /* a measuring child's pipe, or -1 */
		};
		if (poll(pfd, 4, timeout) < 0 && errno != EINTR) {
			rc = 1;
			break;
		}
		/* A death reaches the screen at once, not at the next frame. */
		if (frames_step(&ui->clock, pfd[1].revents & POLLIN)) {
			ui->frames++;
			ui_apply(ui, UI_FRAME);
		} else if (ui->clock.period == 0) {
			ui->frames++;
		}
		if (pfd[3].revents & (POLLIN | POLLHUP))
			ui_apply(ui, ui_costs_dispatch(ui));
		/* Keys before a resize: a key typed just before the terminal shrank still counts. */
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			ui->quit = true; /* the terminal is gone */
			break;
		}
		if (pfd[0].revents & POLLIN) {
			int key;
			while (!ui->quit && (key = getch()) != ERR)
				ui_apply(ui, ui_input(ui, key));
		}
		if (pfd[2].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				if (si.ssi_signo == SIGWINCH)
					ui_resize(ui, true);
				else
					ui->quit = true;
			}
		}
		if (!ui->quit)
			ui_apply(ui, ui_play_tick(ui));
		if (!ui->quit)
			ui_draw(ui);
		if (ui->opt.frames > 0 && ui->frames >= ui->opt.frames)
			ui->quit = true;
	}
	return rc;
}

int ui_run(struct lab *lab, const struct ui_options *opt)
{
	static struct ui uis; /* large: keep it off the stack */
	struct ui *ui = &uis;
	sigset_t mask, old;
	SCREEN *screen;
	int rc;

	memset(ui, 0, sizeof(*ui));
	ui->lab = lab;
	ui->opt = *opt;
	ui->overlay = PANE_COUNT;
	ui->prompt.walk = 0;
	setlocale(LC_ALL, "");
	ui->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	const struct frames_hooks hooks = { .event = ui_event, .frame = ui_seen, .ctx = ui };
	frames_start(&ui->clock, lab, opt->hz, &hooks);
	ui->clock.observe_deaths = true;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGWINCH);
	pthread_sigmask(SIG_BLOCK, &mask, &old);
	int sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sigfd < 0) {
		fprintf(stderr, "ptviz: signalfd: %s\n", strerror(errno));
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return 1;
	}

	screen = newterm(NULL, stdout, stdin);
	if (screen == NULL) {
		const char *term = getenv("TERM");
		fprintf(stderr, "ptviz: cannot drive terminal type '%s'; try TERM=xterm, or run without a screen with -c or --batch\n",
		        term ? term : "(unset)");
		close(sigfd);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return 2;
	}
	signal(SIGSEGV, ui_crashed);
	signal(SIGBUS, ui_crashed);
	signal(SIGFPE, ui_crashed);
	signal(SIGABRT, ui_crashed);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
	              | BUTTON5_PRESSED
#endif
	          ,
	          NULL);
	mouseinterval(0);
	ui_theme_init(ui);
	ui->rows = LINES;
	ui->cols = COLS;
	ui_relayout(ui);

	struct cmd_error err;
	if (opt->lesson != NULL)
		ui_apply(ui, ui_play_start(ui));
	else if (!opt->empty)
		ui_command(ui, "spawn threads 4; spawn processes 4", &err);
	else
		ui_log(ui, ROLE_NOTE, "no groups yet: t starts 4 threads, s starts 4 processes, : takes any command");
	ui_observe(ui);
	ui_apply(ui, 0);
	ui_draw(ui);

	rc = ui_loop(ui, sigfd);
	if (rc == 0)
		rc = ui_play_status(ui);
	ui_play_free(ui);
	trend_free(&ui->trend);

	if (ui->overlay == PANE_MEMMAP)
		memmap_free(&ui->mm.map);
	for (int i = 0; i < PANE_COUNT; i++) {
		if (ui->pane[i].win != NULL)
			delwin(ui->pane[i].win);
	}
	endwin();
	delscreen(screen);
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	signal(SIGFPE, SIG_DFL);
	signal(SIGABRT, SIG_DFL);
	ui_costs_end(ui);
	/* The workers end before ptviz returns: main calls lab_free; end them here too, for SIGTERM's sake. */
	lab_reset(lab);
	close(sigfd);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
