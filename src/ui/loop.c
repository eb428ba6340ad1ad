/* The screen's loop, on top of src/ui: one poll over the keyboard, the engine, signals and the costs lab; the layout; what changed, drawn. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <term.h>

#include "../crash.h"
#include "command.h"
#include "keys.h"
#include "lesson_play.h"
#include "pane_costs.h"
#include "panes.h"
#include "../lab/program.h"
#include "prompt.h"
#include "ui_priv.h"

static const struct ui_pane_ops *const loop_panes[PANE_COUNT] = {
	[PANE_HEADER] = &ui_header_ops,
	[PANE_GROUPS] = &ui_groups_ops,
	[PANE_LOG] = &ui_log_ops,
	[PANE_PROGRAM] = &ui_program_ops,
	[PANE_KEYBAR] = &ui_keybar_ops,
	[PANE_PROMPT] = &ui_prompt_ops,
	[PANE_HELP] = &ui_help_ops,
	[PANE_MEMMAP] = &ui_memmap_ops,
	[PANE_SMALL] = &ui_small_ops,
	[PANE_COSTS] = &ui_costs_ops,
	[PANE_CAPTION] = &ui_caption_ops,
	[PANE_ASK] = &ui_ask_ops,
	[PANE_BIG] = &ui_big_ops,
};

/* What the loop keeps for itself, beside the screen it runs. */
struct loop {
	struct ui *ui;
	SCREEN *screen;
	int sigfd;                 /* SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH and SIGCONT, read in the poll */
	double turn_at;            /* CLOCK_MONOTONIC seconds when this turn of the loop began */
	sigset_t old_mask;         /* the signal mask before the screen */
	long frames;               /* frames drawn, for --frames */
	bool first_frame_noted;    /* the PTVIZ_FIRST_FRAME test hook has been answered */
	/* Until when a traced program's stream of SIGCHLDs, and its events, are left to gather (see loop_gather). */
	double lab_quiet_until, program_quiet_until;
};

/*
 * A traced program that starts a thousand threads a second sends ptviz
 * thousands of SIGCHLDs and events a second.  After each turn that read some,
 * they are left to gather for LOOP_GATHER_S before the next read: a death or
 * a line of output reaches the screen that much later at most, well within a
 * frame, and the loop wakes fifty times a second instead of thousands.
 */
#define LOOP_GATHER_S 0.02

/* The poll's timeout, shortened to the end of a gathering; whether each of the two is gathering now. */
static int loop_gather(struct loop *l, int timeout, bool *lab_quiet, bool *program_quiet)
{
	double now = l->turn_at;

	*lab_quiet = now < l->lab_quiet_until;
	*program_quiet = now < l->program_quiet_until;
	for (int i = 0; i < 2; i++) {
		double until = i == 0 ? l->lab_quiet_until : l->program_quiet_until;
		int ms = (int)((until - now) * 1000) + 1;
		if (until > now && (timeout < 0 || ms < timeout))
			timeout = ms;
	}
	return timeout;
}

/* ---- panes and layout (the places themselves: layout.c) ---- */

/* From SIGWINCH (ask the terminal) or from KEY_RESIZE (ncurses has already resized). */
static void loop_resize(struct ui *ui, bool ask)
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
	ui_layout(ui);
}

/* What changed, to what is laid out and drawn again: the one place panes are marked dirty. */
static void loop_apply(struct ui *ui, unsigned change)
{
	change |= ui->changed;
	ui->changed = 0;
	if (change & UI_QUIT)
		ui->quit = true;
	/* The caption bar grows and shrinks with its text: lay the screen out again only when its height changes. */
	if ((change & UI_LESSON) && !ui->too_small &&
	    ui_caption_ops.rows(ui, &ui->pane[PANE_CAPTION], ui->cols) != ui->pane[PANE_CAPTION].h)
		change |= UI_RELAYOUT;
	if (ui_layout_shape(ui) != ui->laid_out_for)
		change |= UI_RELAYOUT;
	if (change & UI_RELAYOUT)
		ui_layout(ui);
	if (change & UI_REPAINT)
		clearok(curscr, TRUE);
	for (int i = 0; i < PANE_COUNT; i++) {
		if ((change & UI_REPAINT) || (loop_panes[i]->shows & change))
			ui->pane[i].dirty = true;
	}
}

/* A key for an overlay or the prompt: its own pane is marked here, the rest of what changed goes back to the loop. */
static unsigned loop_pane_key(struct ui *ui, enum ui_pane_id id, int key)
{
	unsigned change = loop_panes[id]->key != NULL ? loop_panes[id]->key(ui, &ui->pane[id], key) : 0;

	if (change & UI_REDRAW)
		ui->pane[id].dirty = true;
	return change;
}

static void loop_hits_forget(struct ui *ui, enum ui_pane_id id)
{
	int o = 0;

	for (int i = 0; i < ui->nhits; i++) {
		if (ui->hits[i].pane != id)
			ui->hits[o++] = ui->hits[i];
	}
	ui->nhits = o;
}

static void loop_draw_pane(struct ui *ui, enum ui_pane_id id)
{
	struct ui_pane *p = &ui->pane[id];

	if (!p->visible || !p->dirty)
		return;
	loop_hits_forget(ui, id);
	ui->drawing = id;
	werase(p->win);
	loop_panes[id]->draw(ui, p);
	wnoutrefresh(p->win);
	p->dirty = false;
}

/*
 * A hidden hook for benchmarks and tests: with PTVIZ_FIRST_FRAME=FILE in the environment, the
 * CLOCK_MONOTONIC time (seconds) at which the first full frame reached the terminal is written
 * to FILE, so "start to first frame" is measured from outside without scraping the screen.
 * ptviz creates FILE: it must not exist yet, and a symlink there is not followed.
 */
static void loop_note_first_frame(struct loop *l)
{
	const char *path = getenv("PTVIZ_FIRST_FRAME");
	struct timespec ts;
	char line[64];

	l->first_frame_noted = true;
	if (path == NULL || path[0] == '\0')
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	int n = snprintf(line, sizeof(line), "%lld.%09ld\n", (long long)ts.tv_sec, ts.tv_nsec);
	/* A new file only: never through a symlink, never over a file that is there (a hook must not clobber). */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		ui_log(l->ui, ROLE_ERROR, "PTVIZ_FIRST_FRAME: cannot create %s: %s (it must not exist yet)", path,
		       strerror(errno));
		return;
	}
	if (write(fd, line, (size_t)n) != n)
		ui_log(l->ui, ROLE_ERROR, "PTVIZ_FIRST_FRAME: cannot write %s", path);
	close(fd);
}

/* One doupdate per loop turn: only the cells that changed reach the terminal. */
static void loop_draw(struct loop *l)
{
	struct ui *ui = l->ui;
	bool any = false;

	for (int i = 0; i < PANE_COUNT; i++)
		any |= ui->pane[i].visible && ui->pane[i].dirty;
	if (!any)
		return;
	if (ui->too_small) {
		loop_draw_pane(ui, PANE_SMALL);
	} else {
		loop_draw_pane(ui, PANE_HEADER);
		if (ui->overlay == PANE_COUNT) {
			loop_draw_pane(ui, PANE_GROUPS);
			loop_draw_pane(ui, PANE_BIG);
			loop_draw_pane(ui, PANE_PROGRAM);
		} else {
			loop_draw_pane(ui, ui->overlay);
		}
		loop_draw_pane(ui, PANE_LOG);
		loop_draw_pane(ui, PANE_CAPTION);
		loop_draw_pane(ui, PANE_KEYBAR);
		if (ui->prompting)
			ui->pane[PANE_PROMPT].dirty = true; /* drawn last, so the cursor stays in the prompt */
		loop_draw_pane(ui, PANE_PROMPT);
	}
	curs_set(ui->prompting && !ui->too_small ? 1 : 0);
	doupdate();
	/* Full: the whole layout, with the starting scene's groups in it. */
	if (!l->first_frame_noted && !ui->too_small && (ui->opt.empty || lab_ngroups(ui->lab) > 0))
		loop_note_first_frame(l);
}

static unsigned loop_click(struct ui *ui, const MEVENT *me)
{
	if (me->bstate & BUTTON4_PRESSED) {
		if (ui->overlay != PANE_COUNT)
			return loop_pane_key(ui, ui->overlay, KEY_UP);
		ui_select_move(ui, 0, -1);
		return UI_HANDLED;
	}
#ifdef BUTTON5_PRESSED
	if (me->bstate & BUTTON5_PRESSED) {
		if (ui->overlay != PANE_COUNT)
			return loop_pane_key(ui, ui->overlay, KEY_DOWN);
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
		} else if (ui->overlay == PANE_COUNT && h->kind == HIT_TASK) {
			ui_select_task_row(ui, (uint32_t)h->group, h->worker);
		} else if (ui->overlay == PANE_COUNT) {
			ui_select(ui, h->group, h->worker);
		}
		return UI_HANDLED;
	}
	return 0;
}

#define LOOP_CTRL_Z 0x1a

static double loop_now(void);
/* When Ctrl-Z stopped ptviz, for the message on its return; 0 when it was not Ctrl-Z. */
static double loop_suspended_at;

/*
 * Ctrl-Z: ptviz steps aside as any terminal program does, and `fg` brings it
 * back (curses gives the terminal back and takes it again, see its SIGTSTP
 * handler).  Only ptviz stops: the workers are programs of their own, each in
 * its own process group, and go on running; the SIGCONT that comes with `fg`
 * says so in the log (loop_signals).
 */
static unsigned loop_suspend(struct ui *ui)
{
	struct sigaction now;

	if (sigaction(SIGTSTP, NULL, &now) == 0 && now.sa_handler == SIG_IGN) {
		ui_log(ui, ROLE_NOTE, "Ctrl-Z: this shell cannot suspend programs (it has no job control); q quits");
		return UI_HANDLED;
	}
	loop_suspended_at = loop_now();
	raise(SIGTSTP);
	return UI_HANDLED;
}

/* A key, to whichever handler it is for: the prompt, a lesson, the overlay, then the key table.  Returns what changed. */
static unsigned loop_input(struct ui *ui, int key)
{
	unsigned change;

	if (key == KEY_RESIZE) {
		loop_resize(ui, false);
		return UI_HANDLED;
	}
	if (key == LOOP_CTRL_Z)
		return loop_suspend(ui);
	if (key == KEY_MOUSE) {
		MEVENT me;
		if (getmouse(&me) == OK && !ui->too_small && !ui->prompting)
			return loop_click(ui, &me);
		return UI_HANDLED;
	}
	if (ui->prompting && !ui->too_small)
		return loop_pane_key(ui, PANE_PROMPT, key);
	if (ui->too_small) {
		if (key == 'q' || key == KEY_F(10) || key == 3)
			return UI_QUIT;
		if (key == 27 && ui->overlay != PANE_COUNT)
			ui_overlay(ui, PANE_COUNT);
		return UI_HANDLED;
	}
	/* A search typed in the help takes every key, even a lesson's Space. */
	if (ui_help_typing(ui))
		return loop_pane_key(ui, PANE_HELP, key);
	/* g and a step's number come before every other key, so a digit typed for it is no prediction. */
	if (ui->play != NULL && (change = ui_play_goto_key(ui, key)) != 0)
		return change;
	if (ui->play != NULL && (change = ui_lesson_key(ui, key)) != 0)
		return change;
	if (ui->overlay != PANE_COUNT && (change = loop_pane_key(ui, ui->overlay, key)) != 0)
		return change;
	if ((change = ui_key(ui, key)) != 0)
		return change;
	if (key == 27)
		return UI_HANDLED;
	const char *name = keyname(key);
	ui_log(ui, ROLE_NOTE, "key %s does nothing here: F1 or ? lists the keys", name ? name : "?");
	return UI_HANDLED;
}

/* ptviz itself is broken: the terminal comes back first (see crash.c). */
static void loop_restore_terminal(void)
{
	endwin();
}

/* ---- the loop ---- */

static double loop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Back from Ctrl-Z or an outside stop: the whole screen drawn again, and the log says what went on meanwhile. */
static void loop_continued(struct loop *l)
{
	struct ui *ui = l->ui;
	/* Stopped from outside, ptviz stopped in this turn's poll. */
	double since = loop_suspended_at > 0 ? loop_suspended_at : l->turn_at;

	loop_suspended_at = 0;
	clearok(curscr, TRUE);
	loop_resize(ui, true);
	ui_log(ui, ROLE_NOTE, "ptviz was stopped %.1f s; its workers ran on: they are programs of their own",
	       loop_now() - since);
}

/* One turn's signals: a resize is laid out at once, a continue redraws, any other ends the screen. */
static void loop_signals(struct loop *l)
{
	struct signalfd_siginfo si;

	while (read(l->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGWINCH)
			loop_resize(l->ui, true);
		else if (si.ssi_signo == SIGCONT)
			loop_continued(l);
		else
			l->ui->quit = true;
	}
}

static int loop_run(struct loop *l)
{
	struct ui *ui = l->ui;
	int rc = 0;

	while (!ui->quit) {
		l->turn_at = loop_now();
		/* A lesson's wait ends on time even when frames are rare. */
		bool lab_quiet, program_quiet;
		int timeout = loop_gather(l, frames_wait_ms(&ui->clock, ui_play_deadline(ui)), &lab_quiet, &program_quiet);
		struct pollfd pfd[5] = {
			{ STDIN_FILENO, POLLIN, 0 },
			{ lab_quiet ? -1 : lab_fd(ui->lab), POLLIN, 0 },
			{ l->sigfd, POLLIN, 0 },
			{ ui_costs_fd(ui), POLLIN, 0 },   /* a measuring child's pipe, or -1 */
			{ program_quiet ? -1 : program_fd(ui->lab), POLLIN, 0 },   /* a program's events (ptviz run), or -1 */
		};
		if (poll(pfd, 5, timeout) < 0 && errno != EINTR) {
			rc = 1;
			break;
		}
		/* Only while a program is followed: ptviz's own workers' deaths are read at once, as they are rare. */
		if ((pfd[1].revents & POLLIN) && program_count(ui->lab) > 0)
			l->lab_quiet_until = l->turn_at + LOOP_GATHER_S;
		if (pfd[4].revents & POLLIN)
			l->program_quiet_until = l->turn_at + LOOP_GATHER_S;
		/* A death reaches the screen at once, not at the next frame. */
		if (frames_step(&ui->clock, pfd[1].revents & POLLIN)) {
			l->frames++;
			loop_apply(ui, UI_FRAME);
		} else if (ui->clock.period == 0) {
			l->frames++;
		}
		if (pfd[3].revents & (POLLIN | POLLHUP))
			loop_apply(ui, ui_costs_dispatch(ui));
		if (pfd[4].revents & POLLIN) {
			bool placed = ui->pane[PANE_PROGRAM].visible;
			loop_apply(ui, ui_program_events(ui) | (placed ? 0 : UI_RELAYOUT));
		}
		/* Keys before a resize: a key typed just before the terminal shrank still counts. */
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			ui->quit = true; /* the terminal is gone */
			break;
		}
		if (pfd[0].revents & POLLIN) {
			int key;
			while (!ui->quit && (key = getch()) != ERR)
				loop_apply(ui, loop_input(ui, key));
		}
		if (pfd[2].revents & POLLIN)
			loop_signals(l);
		if (!ui->quit)
			loop_apply(ui, ui_play_tick(ui));
		if (!ui->quit)
			loop_draw(l);
		if (ui->opt.frames > 0 && l->frames >= ui->opt.frames)
			ui->quit = true;
	}
	return rc;
}

/* ---- start and end ---- */

/* The signals the loop reads in its poll, blocked and handed to a signalfd.  Returns 0, or main's exit status. */
static int loop_block_signals(struct loop *l)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	/* SIGQUIT's default would leave the terminal raw and a core file behind: it quits as q does. */
	sigaddset(&mask, SIGQUIT);
	sigaddset(&mask, SIGWINCH);
	/* Blocked, SIGCONT still continues ptviz; read here, it says ptviz was stopped. */
	sigaddset(&mask, SIGCONT);
	pthread_sigmask(SIG_BLOCK, &mask, &l->old_mask);
	l->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (l->sigfd < 0) {
		fprintf(stderr, "ptviz: signalfd: %s\n", strerror(errno));
		pthread_sigmask(SIG_SETMASK, &l->old_mask, NULL);
		return 1;
	}
	return 0;
}

static void loop_unblock_signals(struct loop *l)
{
	close(l->sigfd);
	pthread_sigmask(SIG_SETMASK, &l->old_mask, NULL);
}

/* Can the terminal put text anywhere on it?  Without cursor addressing there is no screen to draw. */
static bool loop_can_place_text(void)
{
	const char *cup = tigetstr("cup");

	return cup != NULL && cup != (const char *)-1;
}

/* curses on the terminal: raw keys, the mouse, the theme, the first layout.  Returns 0, or main's exit status. */
static int loop_open_terminal(struct loop *l)
{
	struct ui *ui = l->ui;

	const char *term = getenv("TERM");
	l->screen = newterm(NULL, stdout, stdin);
	if (l->screen != NULL && !loop_can_place_text()) {
		/* A terminal that cannot move the cursor (TERM=dumb) would show only the last line drawn. */
		endwin();
		delscreen(l->screen);
		l->screen = NULL;
	}
	if (l->screen == NULL) {
		fprintf(stderr, "ptviz: cannot drive terminal type '%s': it must be able to move the cursor; "
		        "try TERM=xterm-256color, or run without a screen with -c or --batch\n",
		        term ? term : "(unset)");
		return 2;
	}
	crash_on_restore(loop_restore_terminal);
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
	ui_layout(ui);
	return 0;
}

static void loop_close_terminal(struct loop *l)
{
	for (int i = 0; i < PANE_COUNT; i++) {
		if (l->ui->pane[i].win != NULL)
			delwin(l->ui->pane[i].win);
	}
	endwin();
	delscreen(l->screen);
	crash_on_restore(NULL);
}

/* The lesson, or the first scene, or a word on how to start one; then the first frame. */
static void loop_first_frame(struct loop *l)
{
	struct ui *ui = l->ui;
	struct cmd_error err;

	if (ui->opt.lesson != NULL)
		loop_apply(ui, ui_play_start(ui));
	else if (!ui->opt.empty)
		ui_command(ui, "spawn threads 4; spawn processes 4", &err);
	else
		ui_log(ui, ROLE_NOTE, "no groups yet: t starts 4 threads, s starts 4 processes, : takes any command");
	ui_observe(ui);
	loop_apply(ui, 0);
	loop_draw(l);
}

/* Each pane gets its table and its own state, zeroed.  False when there is no memory for it. */
static bool loop_panes_new(struct ui *ui)
{
	for (int i = 0; i < PANE_COUNT; i++) {
		ui->pane[i].ops = loop_panes[i];
		if (loop_panes[i]->size > 0 && (ui->pane[i].data = calloc(1, loop_panes[i]->size)) == NULL) {
			fprintf(stderr, "ptviz: out of memory for the %s pane\n", loop_panes[i]->name);
			return false;
		}
	}
	return true;
}

static void loop_panes_free(struct ui *ui)
{
	for (int i = 0; i < PANE_COUNT; i++) {
		struct ui_pane *p = &ui->pane[i];
		if (p->data != NULL && p->ops->free != NULL)
			p->ops->free(ui, p);
		free(p->data);
		p->data = NULL;
	}
}

int ui_run(struct lab *lab, const struct ui_options *opt)
{
	static struct ui uis; /* large: keep it off the stack */
	struct loop l = { .ui = &uis };
	struct ui *ui = &uis;
	int rc = 1;

	ui_init(ui, lab, opt);
	if (!loop_panes_new(ui))
		goto out;
	if ((rc = loop_block_signals(&l)) != 0)
		goto out;
	if ((rc = loop_open_terminal(&l)) != 0)
		goto out_signals;
	loop_first_frame(&l);
	rc = loop_run(&l);
	if (rc == 0)
		rc = ui_play_status(ui);
	ui_play_free(ui);
	loop_close_terminal(&l);
	/* The workers end before ptviz returns: main calls lab_free; end them here too, for SIGTERM's sake. */
	lab_reset(lab);
out_signals:
	loop_unblock_signals(&l);
out:
	/* A measurement still running ends here, with the costs pane. */
	loop_panes_free(ui);
	ui_free(ui);
	return rc;
}
