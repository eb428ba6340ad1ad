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

static int keys_alive(struct ui *ui)
{
	int n = 0;

	for (int i = 0; i < lab_ngroups(ui->lab); i++)
		n += lab_group_at(ui->lab, i)->alive;
	return n;
}

/* The selected worker, or false with what to do logged. */
static bool keys_selected(struct ui *ui, const struct ui_binding *b, const struct lab_worker **w, const struct lab_group **g)
{
	int gi, wi;

	if (!keys_have_workers(ui))
		return false;
	if (!ui_selected(ui, &gi, &wi)) {
		ui_log(ui, ROLE_ERROR, "%s: select a worker first (arrow keys, h j k l, Tab or a click)", b->name);
		return false;
	}
	*g = lab_group_at(ui->lab, gi);
	*w = &(*g)->workers[wi];
	return true;
}

/* The selected program task, or false with what to do logged. */
static bool keys_task(struct ui *ui, const struct ui_binding *b, struct ui_task *t)
{
	if (ui_task_selected(ui, t))
		return true;
	ui_log(ui, ROLE_ERROR, "%s: select a process or thread first (arrow keys, h j k l or Tab)", b->name);
	return false;
}

/* A worker's name or description, or a program task's ("A2.1 (thread of A2, pid 1234)"). */
static void keys_name(const struct ui_task *t, const struct lab_worker *w, const struct lab_group *g, bool described,
                      char *part, size_t len)
{
	if (!described)
		strlcpy(part, t != NULL ? t->id : w->id, len);
	else if (t != NULL && t->thread)
		snprintf(part, len, "%s (thread of %s, pid %d)", t->id, t->process, (int)t->pid);
	else if (t != NULL)
		snprintf(part, len, "%s (process, pid %d)", t->id, (int)t->pid);
	else if (g->kind == LAB_THREADS)
		snprintf(part, len, "%s (thread of pid %d)", w->id, (int)w->pid);
	else
		snprintf(part, len, "%s (process, pid %d)", w->id, (int)w->pid);
}

/*
 * Fills format out, "%w" standing for the selected worker's name, "%W" for it described
 * ("T3 (thread of pid 1234)") and "%N" for how many workers are alive.  False, with the
 * reason logged, when it names a worker and none is selected.
 */
static bool keys_fill(struct ui *ui, const struct ui_binding *b, const char *format, char *out, size_t len)
{
	const struct lab_worker *w = NULL;
	const struct lab_group *g = NULL;
	struct ui_task task, *t = NULL;
	size_t o = 0;

	if (strstr(format, "%w") != NULL || strstr(format, "%W") != NULL) {
		if (selection_is_program(&ui->sel) && !keys_task(ui, b, &task))
			return false;
		if (selection_is_program(&ui->sel))
			t = &task;
		else if (!keys_selected(ui, b, &w, &g))
			return false;
	}
	for (const char *p = format; *p != '\0' && o + 1 < len; p++) {
		char part[96];
		if (p[0] == '%' && (p[1] == 'w' || p[1] == 'W'))
			keys_name(t, w, g, p[1] == 'W', part, sizeof(part));
		else if (p[0] == '%' && p[1] == 'N')
			snprintf(part, sizeof(part), "%d", keys_alive(ui));
		else {
			out[o++] = *p;
			continue;
		}
		o += strlcpy(out + o, part, len - o);
		if (o >= len)
			o = len - 1;
		p++;
	}
	out[o] = '\0';
	return true;
}

/* Builds the command text, "%w" standing for the selected worker, and runs it, or asks first when the key ends workers. */
static unsigned keys_command(struct ui *ui, const struct ui_binding *b)
{
	char text[128], question[256];
	struct cmd_error err;

	if (b->not_program != NULL && strstr(b->command, "%w") != NULL && selection_is_program(&ui->sel)) {
		ui_log(ui, ROLE_ERROR, "%s: %s", b->name, b->not_program);
		return UI_HANDLED;
	}
	if (!keys_fill(ui, b, b->command, text, sizeof(text)))
		return UI_HANDLED;
	/* With nothing alive (or the selected worker dead already) there is nothing to lose, and nothing to ask. */
	const struct lab_worker *w;
	const struct lab_group *g;
	struct ui_task task;
	bool lose = b->asks != NULL && keys_alive(ui) > 0;
	if (b->asks != NULL && strstr(b->asks, "%W") != NULL && selection_is_program(&ui->sel))
		lose = ui_task_selected(ui, &task) && task.alive;   /* a program's task: whether it is alive */
	else if (lose && strstr(b->asks, "%W") != NULL && keys_selected(ui, b, &w, &g))
		lose = w->alive;
	if (lose) {
		const char *asks = b->asks_program != NULL && selection_is_program(&ui->sel) ? b->asks_program : b->asks;
		if (!keys_fill(ui, b, asks, question, sizeof(question)))
			return UI_HANDLED;
		return ui_prompt_ask(ui, question, text);
	}
	ui_command(ui, text, &err);
	return UI_HANDLED;
}

/* p: pause the selected worker, or resume it when it is paused. */
static unsigned keys_pause(struct ui *ui, const struct ui_binding *b)
{
	const struct lab_worker *w;
	const struct lab_group *g;
	struct ui_task t;
	char text[64];
	struct cmd_error err;

	if (selection_is_program(&ui->sel)) {
		/* A program's process stopped (T) or thread held: the same key lets it go. */
		if (!keys_task(ui, b, &t))
			return UI_HANDLED;
		snprintf(text, sizeof(text), "%s %s", t.paused ? "resume" : "pause", t.id);
		ui_command(ui, text, &err);
		return UI_HANDLED;
	}
	if (!keys_selected(ui, b, &w, &g))
		return UI_HANDLED;
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
	if (ui->overlay == PANE_HELP) {
		ui_overlay(ui, PANE_COUNT);
		return UI_HANDLED;
	}
	return ui_help_open(ui, NULL);
}

static unsigned keys_memmap(struct ui *ui, const struct ui_binding *b)
{
	int gi, wi;

	if (ui->overlay == PANE_MEMMAP) {
		ui_overlay(ui, PANE_COUNT);
		return UI_HANDLED;
	}
	struct ui_task t;
	if (selection_is_program(&ui->sel) && !keys_task(ui, b, &t))
		return UI_HANDLED;
	if (!selection_is_program(&ui->sel) && !keys_have_workers(ui))
		return UI_HANDLED;
	if (!selection_is_program(&ui->sel) && !ui_selected(ui, &gi, &wi)) {
		ui_log(ui, ROLE_ERROR, "%s: select a worker first: its process's memory is shown", b->name);
		return UI_HANDLED;
	}
	ui_overlay(ui, PANE_MEMMAP);
	return UI_HANDLED;
}

/* o: the open files of the selected worker's group, or of a program's processes; again: off. */
static unsigned keys_files(struct ui *ui, const struct ui_binding *b)
{
	const struct lab_worker *w;
	const struct lab_group *g;
	struct ui_task t;
	char text[64];
	struct cmd_error err;

	if (selection_is_program(&ui->sel)) {
		if (!keys_task(ui, b, &t))
			return UI_HANDLED;
		snprintf(text, sizeof(text), "files %s %s", t.files ? "off" : "on", t.group);
	} else if (keys_selected(ui, b, &w, &g))
		snprintf(text, sizeof(text), "files %s %s", g->files ? "off" : "on", g->name);
	else
		return UI_HANDLED;
	ui_command(ui, text, &err);
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

/*
 * The programs that leaving would end: still running, and not run with --keep.  Returns how many;
 * name is the first one's, processes their live processes.
 */
static int keys_programs_to_end(struct ui *ui, char *name, size_t len, int *processes)
{
	const struct program_view *views;
	int n = program_count(ui->lab) > 0 ? ui_program_views(ui, &views) : 0, count = 0;

	*processes = 0;
	for (int i = 0; i < n; i++) {
		int procs, threads;
		ui_program_alive(&views[i], &procs, &threads);
		if (views[i].ended || views[i].opt.keep || procs == 0)
			continue;
		if (count++ == 0)
			ui_program_name(&views[i], name, len);
		*processes += procs;
	}
	return count;
}

/*
 * q with a program running: leaving ends its whole tree, so it asks first, in the longest words
 * that fit the line beside "y/Enter yes n/Esc no" (23 columns), or else beside a brief "y/n".
 */
static unsigned keys_quit_program(struct ui *ui, int count, const char *name, int processes)
{
	char what[96], question[3][256];

	if (count == 1)
		snprintf(what, sizeof(what), "%s and its %d process%s", name, processes, processes == 1 ? "" : "es");
	else
		snprintf(what, sizeof(what), "%d programs and their %d processes", count, processes);
	snprintf(question[0], sizeof(question[0]), "quit: end %s? (ptviz run --keep would leave %s running)", what,
	         count == 1 ? "it" : "them");
	snprintf(question[1], sizeof(question[1]), "quit: end %s? (--keep leaves %s running)", what,
	         count == 1 ? "it" : "them");
	snprintf(question[2], sizeof(question[2]), "quit: end %s?", what);
	static const int hint[] = { 23, 5 };   /* "  y/Enter yes  n/Esc no", then " y/n" */
	int pick = 2;
	for (int h = 0; h < 2 && pick == 2; h++) {
		for (int i = 0; i < 2 && pick == 2; i++)
			pick = ui_width(question[i]) + hint[h] <= ui->cols ? i : pick;
	}
	return ui_prompt_ask(ui, question[pick], "quit");
}

/*
 * q and F10: leave, but a lesson under way asks first, so a stray q never loses the step it had
 * reached; and so does a program ptviz would end.
 */
static unsigned keys_quit(struct ui *ui, const struct ui_binding *b)
{
	const struct ui_play *p = ui->play;
	char question[256], name[32];
	int processes;

	(void)b;
	if (p == NULL || p->state == PLAY_DONE) {
		int count = keys_programs_to_end(ui, name, sizeof(name), &processes);
		return count > 0 ? keys_quit_program(ui, count, name, processes) : UI_QUIT;
	}
	snprintf(question, sizeof(question), "leave the lesson '%s' at step %d of %d?", p->lesson->title, play_step(p) + 1,
	         p->lesson->nsteps);
	return ui_prompt_ask(ui, question, "quit");
}

/* Ctrl-C: at once, lesson or not, as the signals. */
static unsigned keys_quit_now(struct ui *ui, const struct ui_binding *b)
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
static unsigned keys_play_goto(struct ui *ui, const struct ui_binding *b) { (void)b; return ui_play_goto_key(ui, 'g'); }

const struct ui_binding ui_bindings[] = {
	/* A lesson's keys come first, so the key bar leads with them while a lesson plays. */
	{ .keys = { ' ', '\r', KEY_ENTER, '\n' }, .name = "Space", .bar = "Next", .keep = 0, .run = keys_play_next,
	  .when = UI_WHEN_LESSON, .help = "go on after a pause, or cut a wait short", .card = CARD_LESSON,
	  .card_label = "next" },
	{ .keys = { KEY_BACKSPACE, 127, 8 }, .name = "Bksp", .bar = "Again", .keep = 0, .run = keys_play_again,
	  .when = UI_WHEN_LESSON,
	  .help = "play the current step again from the pause before it: the lab is reset and the steps before "
	          "it run again at once", .card = CARD_LESSON, .card_label = "this step again" },
	{ .keys = { 'g' }, .name = "g", .run = keys_play_goto, .when = UI_WHEN_LESSON,
	  .help = "go to a step: g, the step's number, then Enter; the lab is reset and the steps before it run "
	          "again at once (Esc stays)", .card = CARD_LESSON, .card_label = "go to step" },
	{ .name = "1-9", .bar = "Predict", .keep = 0, .run = keys_play_hint, .when = UI_WHEN_ASK,
	  .help = "at a question: the number of the answer the audience predicts", .card = CARD_LESSON,
	  .card_label = "predict" },
	{ .keys = { KEY_F(1), '?' }, .name = "F1", .bar = "Help", .keep = 0, .run = keys_help, .program_bar = "Help",
	  .help = "this help; Esc or ? closes it, / searches it", .card = CARD_SCREEN, .card_label = "help" },
	{ .keys = { 't' }, .name = "t", .bar = "Threads", .keep = 1, .command = "spawn threads 4", .run = keys_command,
	  .help = "start 4 threads in one new host process (group T, then TB, TC...)", .card = CARD_START,
	  .card_label = "4 threads" },
	{ .keys = { 's', 'f' }, .name = "s", .bar = "Procs", .keep = 1, .command = "spawn processes 4", .run = keys_command,
	  .help = "start 4 processes with fork(), each with its own memory", .card = CARD_START,
	  .card_label = "4 processes" },
	{ .keys = { 'r' }, .name = "r", .bar = "Race", .keep = 2, .command = "sync none", .run = keys_command,
	  .help = "no lock: counter++ is load, add, store, and threads overwrite each other", .card = CARD_SYNC,
	  .card_label = "race (no lock)" },
	{ .keys = { 'L' }, .name = "L", .bar = "Lock", .keep = 2, .command = "sync mutex", .run = keys_command,
	  .help = "a mutex around counter++: no update is lost, but the threads take turns", .card = CARD_SYNC,
	  .card_label = "lock (mutex)" },
	{ .keys = { 'a' }, .name = "a", .bar = "Atomic", .keep = 3, .command = "sync atomic", .run = keys_command,
	  .help = "an atomic add: one indivisible instruction, no lost updates, no lock", .card = CARD_SYNC,
	  .card_label = "atomic add" },
	{ .keys = { 'x' }, .name = "x", .bar = "Segv", .keep = 2, .command = "inject segv %w", .run = keys_command,
	  .program_bar = "Segv",
	  .help = "the selected worker writes through NULL and gets SIGSEGV (asks first)",
	  .asks = "segfault: %W writes through NULL?", .asks_program = "segfault: send %W SIGSEGV (tgkill)?",
	  .card = CARD_BREAK, .card_label = "segfault" },
	{ .keys = { 'b' }, .name = "b", .command = "inject abort %w", .run = keys_command, .program_bar = "Abort", .keep = 5,
	  .help = "the selected worker calls abort(), SIGABRT (asks first)", .asks = "abort: %W calls abort()?",
	  .asks_program = "abort: send %W SIGABRT (tgkill)?",
	  .card = CARD_BREAK, .card_label = "abort()" },
	{ .keys = { 'e' }, .name = "e", .command = "inject exit %w", .run = keys_command,
	  .help = "the selected worker calls exit(1): from a thread, that ends its whole process (asks first)",
	  .asks = "exit: %W calls exit(1)?", .card = CARD_BREAK, .card_label = "exit()",
	  .not_program = "a program's code is its own: ptviz cannot make it call exit(); x sends SIGSEGV, b SIGABRT, "
	                 "K kills its process" },
	{ .keys = { 'K', KEY_F(9) }, .name = "K", .bar = "Kill", .keep = 4, .command = "kill %w", .run = keys_command,
	  .program_bar = "Kill",
	  .help = "end the selected worker from outside (a thread leaves its loop; a process gets SIGKILL; asks first)",
	  .asks = "kill %W?", .card = CARD_BREAK, .card_label = "kill" },
	{ .keys = { 'p' }, .name = "p", .bar = "Pause", .keep = 3, .command = "pause %w", .run = keys_pause,
	  .program_bar = "Pause",
	  .help = "pause the selected worker at its next increment, or resume it when paused", .card = CARD_BREAK,
	  .card_label = "pause/resume" },
	{ .keys = { 'S' }, .name = "S", .bar = "StepMode", .keep = 8, .command = "step on", .run = keys_step_mode,
	  .help = "step mode on or off: each counter++ becomes load, add, store, and each waits for n (counts start at 0)",
	  .card = CARD_STEP, .card_label = "step mode" },
	{ .keys = { 'n' }, .name = "n", .bar = "Step", .keep = 4, .command = "step", .run = keys_command,
	  .help = "in step mode: the next worker in the schedule takes one micro-step, in every group at once "
	          "('schedule 1 2 1 2' sets the order)", .card = CARD_STEP, .card_label = "next step" },
	{ .keys = { 'N' }, .name = "N", .command = "step %w", .run = keys_command,
	  .help = "in step mode: only the selected worker takes one micro-step", .card = CARD_STEP,
	  .card_label = "step selected",
	  .not_program = "micro-steps are ptviz's own workers'; a program's thread can be held and let go with p" },
	{ .keys = { 'w' }, .name = "w", .command = "workload withdraw", .run = keys_workload,
	  .help = "switch between counter++ and a bank withdrawal (check the balance of 100, then take 100)",
	  .card = CARD_STEP, .card_label = "withdraw" },
	{ .keys = { 'c' }, .name = "c", .bar = "Costs", .keep = 5, .run = keys_costs,
	  .help = "the costs lab: measure what a new thread or process, a switch and a message cost here (Esc closes)",
	  .card = CARD_LOOK, .card_label = "costs lab" },
	{ .keys = { 'C' }, .name = "C", .bar = "Restart", .keep = 7, .command = "reset; spawn threads 4; spawn processes 4",
	  .run = keys_command, .asks = "restart: end all %N workers, then 4 threads and 4 processes?",
	  .help = "restart: end everything and start the first scene again, 4 threads and 4 processes (asks first)",
	  .card = CARD_START, .card_label = "restart" },
	{ .keys = { 'R' }, .name = "R", .command = "reset", .run = keys_command,
	  .asks = "reset: end all %N workers and leave the screen empty?",
	  .help = "end every worker and leave the screen empty (asks first)", .card = CARD_START, .card_label = "empty" },
	{ .keys = { 'm' }, .name = "m", .bar = "Map", .keep = 6, .run = keys_memmap, .program_bar = "Map",
	  .help = "memory map of the selected worker's process: what is shared, what is private", .card = CARD_LOOK,
	  .card_label = "memory map" },
	{ .keys = { 'o' }, .name = "o", .command = "files on|off GROUP", .run = keys_files, .program_bar = "Files",
	  .keep = 6,
	  .help = "open files: each worker's descriptors in the selected group, or each process's in a program "
	          "(threads share one table; a forked child has its own copy); again: off", .card = CARD_LOOK,
	  .card_label = "open files" },
	{ .keys = { ':' }, .name = ":", .bar = "Cmd", .keep = 0, .run = keys_prompt, .program_bar = "Cmd",
	  .help = "type a command, e.g. 'spawn threads 8' or 'sync mutex T' (Up/Down: history, Tab: the words that fit)",
	  .card = CARD_SCREEN, .card_label = "command" },
	{ .keys = { 'q', KEY_F(10) }, .name = "q", .bar = "Quit", .keep = 0, .run = keys_quit, .program_bar = "Quit",
	  .help = "leave; every worker is ended (in a lesson, or while a program ptviz would end runs, asks first)",
	  .card = CARD_SCREEN, .card_label = "quit" },
	{ .keys = { CTRL('c') }, .name = "^C", .run = keys_quit_now, .help = "leave at once, without a question" },
	{ .keys = { KEY_UP, 'k' }, .name = "Up", .run = keys_up, .help = "select the worker above", .card = CARD_SELECT,
	  .card_label = "up" },
	{ .keys = { KEY_DOWN, 'j' }, .name = "Down", .run = keys_down, .program_bar = "Select", .program_name = "↑↓",
	  .keep = 1, .help = "select the worker below",
	  .card = CARD_SELECT, .card_label = "down" },
	{ .keys = { KEY_LEFT, 'h', KEY_BTAB }, .name = "Left", .run = keys_left,
	  .help = "select in the group to the left", .card = CARD_SELECT, .card_label = "left" },
	{ .keys = { KEY_RIGHT, 'l', '\t' }, .name = "Right", .run = keys_right,
	  .help = "select in the group to the right", .card = CARD_SELECT, .card_label = "right" },
	{ .keys = { KEY_PPAGE }, .name = "PgUp", .run = keys_log_back,
	  .help = "scroll the event log back to older messages", .card = CARD_LOOK, .card_label = "older log" },
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

const char *ui_key_name(int key, char *buf, size_t len)
{
	static const struct { int key; const char *name; } names[] = {
		{ KEY_UP, "Up" }, { KEY_DOWN, "Down" }, { KEY_LEFT, "Left" }, { KEY_RIGHT, "Right" },
		{ KEY_PPAGE, "PgUp" }, { KEY_NPAGE, "PgDn" }, { KEY_END, "End" }, { KEY_HOME, "Home" },
		{ KEY_BTAB, "S-Tab" }, { '\t', "Tab" }, { ' ', "Space" },
		/* ^J is what many terminals send for Enter */
		{ '\r', "Enter" }, { '\n', "Enter" }, { KEY_ENTER, "Enter" },
		{ KEY_BACKSPACE, "Bksp" }, { 127, "Bksp" }, { 8, "Bksp" }, { KEY_DC, "Del" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].key == key) {
			snprintf(buf, len, "%s", names[i].name);
			return buf;
		}
	}
	if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(buf, len, "F%d", key - KEY_F(0));
	else if (key > 0 && key < 32)
		snprintf(buf, len, "^%c", key + '@');
	else
		snprintf(buf, len, "%c", key);
	return buf;
}
