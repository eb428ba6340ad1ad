/* The one key table: it drives the keys, the key bar and the help overlay.  Keys run commands. */
#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

#include "command.h"
#include "keys.h"
#include "lesson_play.h"
#include "prompt.h"

#define CTRL(c) ((c) & 0x1f)

/* False, with the reason logged, when the lab has no worker at all. */
static bool keys_have_workers(struct ui *ui)
{
	for (int i = 0; i < lab_ngroups(ui->lab); i++) {
		if (lab_group_at(ui->lab, i)->nworkers > 0)
			return true;
	}
	ui_log(ui, ROLE_ERROR, "no workers: press t or s to spawn some");
	return false;
}

/* Builds the command text, "%w" standing for the selected worker, and runs it. */
static unsigned keys_command(struct ui *ui, const struct ui_binding *b)
{
	char text[128];
	size_t o = 0;
	int gi, wi;

	for (const char *p = b->command; *p != '\0' && o + 1 < sizeof(text); p++) {
		if (p[0] == '%' && p[1] == 'w') {
			if (!keys_have_workers(ui))
				return UI_HANDLED;
			if (!ui_selected(ui, &gi, &wi)) {
				ui_log(ui, ROLE_ERROR, "%s: select a worker first (arrow keys, Tab or a click)", b->name);
				return UI_HANDLED;
			}
			const struct lab_group *g = lab_group_at(ui->lab, gi);
			o += strlcpy(text + o, g->workers[wi].id, sizeof(text) - o);
			if (o >= sizeof(text))
				o = sizeof(text) - 1;
			p++;
			continue;
		}
		text[o++] = *p;
	}
	text[o] = '\0';
	struct cmd_error err;
	ui_command(ui, text, &err);
	return UI_HANDLED;
}

/* p: pause the selected worker, or resume it when it is paused. */
static unsigned keys_pause(struct ui *ui, const struct ui_binding *b)
{
	int gi, wi;
	char text[64];
	struct cmd_error err;

	if (!keys_have_workers(ui))
		return UI_HANDLED;
	if (!ui_selected(ui, &gi, &wi)) {
		ui_log(ui, ROLE_ERROR, "%s: select a worker first (arrow keys, Tab or a click)", b->name);
		return UI_HANDLED;
	}
	const struct lab_worker *w = &lab_group_at(ui->lab, gi)->workers[wi];
	snprintf(text, sizeof(text), "%s %s", w->activity == LAB_ACT_PAUSED ? "resume" : "pause", w->id);
	ui_command(ui, text, &err);
	return UI_HANDLED;
}

/* A key that switches every group one way, or back when some group already is that way. */
static unsigned keys_switch(struct ui *ui, bool (*is_on)(const struct lab_group *), const char *on, const char *off)
{
	bool any = false;
	struct cmd_error err;

	if (!keys_have_workers(ui))
		return UI_HANDLED;
	for (int i = 0; i < lab_ngroups(ui->lab); i++)
		any |= is_on(lab_group_at(ui->lab, i));
	ui_command(ui, any ? off : on, &err);
	return UI_HANDLED;
}

static bool keys_is_stepping(const struct lab_group *g) { return g->stepping; }
static bool keys_is_withdrawing(const struct lab_group *g) { return g->workload == LAB_WORK_WITHDRAW; }

/* S: step mode on for every group, or off when one is in it. */
static unsigned keys_step_mode(struct ui *ui, const struct ui_binding *b)
{
	(void)b;
	return keys_switch(ui, keys_is_stepping, "step on", "step off");
}

/* w: the withdraw workload for every group, or back to the counter. */
static unsigned keys_workload(struct ui *ui, const struct ui_binding *b)
{
	(void)b;
	return keys_switch(ui, keys_is_withdrawing, "workload withdraw", "workload counter");
}

static unsigned keys_help(struct ui *ui, const struct ui_binding *b)
{
	(void)b;
	ui_overlay(ui, ui->overlay == PANE_HELP ? PANE_COUNT : PANE_HELP);
	return UI_HANDLED;
}

static unsigned keys_memmap(struct ui *ui, const struct ui_binding *b)
{
	int gi, wi;

	if (ui->overlay == PANE_MEMMAP) {
		ui_overlay(ui, PANE_COUNT);
		return UI_HANDLED;
	}
	if (!keys_have_workers(ui))
		return UI_HANDLED;
	if (!ui_selected(ui, &gi, &wi)) {
		ui_log(ui, ROLE_ERROR, "%s: select a worker first: its process's memory is shown", b->name);
		return UI_HANDLED;
	}
	ui_overlay(ui, PANE_MEMMAP);
	return UI_HANDLED;
}

/* c: the costs view, where the measurements run. */
static unsigned keys_costs(struct ui *ui, const struct ui_binding *b)
{
	(void)b;
	ui_overlay(ui, ui->overlay == PANE_COSTS ? PANE_COUNT : PANE_COSTS);
	return UI_HANDLED;
}

static unsigned keys_prompt(struct ui *ui, const struct ui_binding *b)
{
	(void)b;
	return ui_prompt_open(ui, "");
}

static unsigned keys_quit(struct ui *ui, const struct ui_binding *b)
{
	(void)ui;
	(void)b;
	return UI_QUIT;
}

static unsigned keys_up(struct ui *ui, const struct ui_binding *b) { (void)b; ui_select_move(ui, 0, -1); return UI_HANDLED; }
static unsigned keys_down(struct ui *ui, const struct ui_binding *b) { (void)b; ui_select_move(ui, 0, 1); return UI_HANDLED; }
static unsigned keys_left(struct ui *ui, const struct ui_binding *b) { (void)b; ui_select_move(ui, -1, 0); return UI_HANDLED; }
static unsigned keys_right(struct ui *ui, const struct ui_binding *b) { (void)b; ui_select_move(ui, 1, 0); return UI_HANDLED; }

static unsigned keys_log_back(struct ui *ui, const struct ui_binding *b) { (void)b; return ui_log_scroll(ui, 1); }
static unsigned keys_log_on(struct ui *ui, const struct ui_binding *b) { (void)b; return ui_log_scroll(ui, -1); }
static unsigned keys_log_newest(struct ui *ui, const struct ui_binding *b) { (void)b; return ui_log_scroll(ui, 0); }

static unsigned keys_redraw(struct ui *ui, const struct ui_binding *b)
{
	(void)ui;
	(void)b;
	return UI_REPAINT;
}

static unsigned keys_play_next(struct ui *ui, const struct ui_binding *b) { (void)b; return ui_play_next(ui); }
static unsigned keys_play_again(struct ui *ui, const struct ui_binding *b) { (void)b; return ui_play_again(ui); }
static unsigned keys_play_hint(struct ui *ui, const struct ui_binding *b) { (void)b; return ui_play_answer_hint(ui); }

const struct ui_binding ui_bindings[] = {
	/* A lesson's keys come first, so the key bar leads with them while a lesson plays. */
	{ .keys = { ' ', '\r', KEY_ENTER, '\n' }, .name = "Space", .bar = "Next", .keep = 0, .run = keys_play_next,
	  .when = UI_WHEN_LESSON, .help = "go on after a pause, or cut a wait short" },
	{ .keys = { KEY_BACKSPACE, 127, 8 }, .name = "Bksp", .bar = "Again", .keep = 0, .run = keys_play_again,
	  .when = UI_WHEN_LESSON,
	  .help = "play the current step again from the pause before it: the lab is reset and the steps before "
	          "it run again at once" },
	{ .name = "1-9", .bar = "Predict", .keep = 0, .run = keys_play_hint, .when = UI_WHEN_ASK,
	  .help = "at a question: the number of the answer the audience predicts" },
	{ .keys = { KEY_F(1), '?' }, .name = "F1", .bar = "Help", .keep = 0, .run = keys_help,
	  .help = "this help; Esc or ? closes it" },
	{ .keys = { 't' }, .name = "t", .bar = "Threads", .keep = 1, .command = "spawn threads 4", .run = keys_command,
	  .help = "start 4 threads in one new host process (group T, then TB, TC...)" },
	{ .keys = { 's', 'f' }, .name = "s", .bar = "Procs", .keep = 1, .command = "spawn processes 4", .run = keys_command,
	  .help = "start 4 processes with fork(), each with its own memory" },
	{ .keys = { 'r' }, .name = "r", .bar = "Race", .keep = 2, .command = "sync none", .run = keys_command,
	  .help = "no lock: counter++ is load, add, store, and threads overwrite each other" },
	{ .keys = { 'l' }, .name = "l", .bar = "Lock", .keep = 2, .command = "sync mutex", .run = keys_command,
	  .help = "a mutex around counter++: no update is lost, but the threads take turns" },
	{ .keys = { 'a' }, .name = "a", .bar = "Atomic", .keep = 4, .command = "sync atomic", .run = keys_command,
	  .help = "an atomic add: one indivisible instruction, no lost updates, no lock" },
	{ .keys = { 'x' }, .name = "x", .bar = "Segv", .keep = 2, .command = "inject segv %w", .run = keys_command,
	  .help = "the selected worker writes through NULL and gets SIGSEGV" },
	{ .keys = { 'b' }, .name = "b", .command = "inject abort %w", .run = keys_command,
	  .help = "the selected worker calls abort() (SIGABRT)" },
	{ .keys = { 'e' }, .name = "e", .command = "inject exit %w", .run = keys_command,
	  .help = "the selected worker calls exit(1): from a thread, that ends its whole process" },
	{ .keys = { 'k' }, .name = "k", .bar = "Kill", .keep = 3, .command = "kill %w", .run = keys_command,
	  .help = "end the selected worker from outside (a thread leaves its loop; a process gets SIGKILL)" },
	{ .keys = { 'p' }, .name = "p", .bar = "Pause", .keep = 3, .command = "pause %w", .run = keys_pause,
	  .help = "pause the selected worker at its next increment, or resume it when paused" },
	{ .keys = { 'S' }, .name = "S", .bar = "StepMode", .keep = 8, .command = "step on", .run = keys_step_mode,
	  .help = "step mode on or off: each counter++ becomes load, add, store, and each waits for n (counts start at 0)" },
	{ .keys = { 'n' }, .name = "n", .bar = "Step", .keep = 4, .command = "step", .run = keys_command,
	  .help = "in step mode: the next worker in the schedule takes one micro-step, in every group at once "
	          "('schedule 1 2 1 2' sets the order)" },
	{ .keys = { 'N' }, .name = "N", .command = "step %w", .run = keys_command,
	  .help = "in step mode: only the selected worker takes one micro-step" },
	{ .keys = { 'w' }, .name = "w", .command = "workload withdraw", .run = keys_workload,
	  .help = "switch between counter++ and a bank withdrawal (check the balance of 100, then take 100)" },
	{ .keys = { 'c' }, .name = "c", .bar = "Costs", .keep = 3, .run = keys_costs,
	  .help = "the costs lab: measure what a new thread or process, a switch and a message cost here (Esc closes)" },
	{ .keys = { 'C' }, .name = "C", .bar = "Restart", .keep = 7, .command = "reset; spawn threads 4; spawn processes 4",
	  .run = keys_command, .help = "restart: end everything and start the first scene again (4 threads, 4 processes)" },
	{ .keys = { 'R' }, .name = "R", .command = "reset", .run = keys_command,
	  .help = "end every worker and leave the screen empty" },
	{ .keys = { 'm' }, .name = "m", .bar = "Map", .keep = 6, .run = keys_memmap,
	  .help = "memory map of the selected worker's process: what is shared, what is private" },
	{ .keys = { ':' }, .name = ":", .bar = "Cmd", .keep = 5, .run = keys_prompt,
	  .help = "type a command, e.g. 'spawn threads 8' or 'sync mutex T' (Up/Down: history)" },
	{ .keys = { 'q', KEY_F(10), CTRL('c') }, .name = "q", .bar = "Quit", .keep = 0, .run = keys_quit,
	  .help = "leave; every worker is ended" },
	{ .keys = { KEY_UP, 'K' }, .name = "Up", .run = keys_up, .help = "select the worker above" },
	{ .keys = { KEY_DOWN, 'j', 'J' }, .name = "Down", .run = keys_down,
	  .help = "select the worker below" },
	{ .keys = { KEY_LEFT, 'h', KEY_BTAB }, .name = "Left", .run = keys_left,
	  .help = "select in the group to the left" },
	{ .keys = { KEY_RIGHT, '\t', 'L' }, .name = "Right", .run = keys_right,
	  .help = "select in the group to the right" },
	{ .keys = { KEY_PPAGE }, .name = "PgUp", .run = keys_log_back,
	  .help = "scroll the event log back to older messages" },
	{ .keys = { KEY_NPAGE }, .name = "PgDn", .run = keys_log_on, .help = "scroll the event log forward" },
	{ .keys = { KEY_END }, .name = "End", .run = keys_log_newest,
	  .help = "the event log's newest messages again" },
	{ .keys = { CTRL('l') }, .name = "^L", .run = keys_redraw, .help = "draw the whole screen again" },
};

const int ui_nbindings = (int)(sizeof(ui_bindings) / sizeof(ui_bindings[0]));

unsigned ui_binding_run(struct ui *ui, int index)
{
	if (index < 0 || index >= ui_nbindings)
		return 0;
	return ui_bindings[index].run(ui, &ui_bindings[index]) | UI_HANDLED;
}

bool ui_binding_active(const struct ui *ui, const struct ui_binding *b)
{
	switch (b->when) {
	case UI_WHEN_LESSON:
		return ui->play != NULL;
	case UI_WHEN_ASK:
		return ui_play_asking(ui);
	default:
		return true;
	}
}

/* A lesson's keys, asked before an open overlay's: Space must move the lesson on even over a memory map. */
/* Runs the first binding that applies now and has the key, a lesson's only when asked; 0 when none has it. */
static unsigned keys_press(struct ui *ui, int key, bool lesson_only)
{
	for (int i = 0; i < ui_nbindings; i++) {
		if ((lesson_only && ui_bindings[i].when != UI_WHEN_LESSON) || !ui_binding_active(ui, &ui_bindings[i]))
			continue;
		for (int k = 0; k < 4 && ui_bindings[i].keys[k] != 0; k++) {
			if (ui_bindings[i].keys[k] == key)
				return ui_binding_run(ui, i);
		}
	}
	return 0;
}

unsigned ui_lesson_key(struct ui *ui, int key)
{
	return keys_press(ui, key, true);
}

unsigned ui_key(struct ui *ui, int key)
{
	return keys_press(ui, key, false);
}
