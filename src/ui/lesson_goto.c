/* Going to a step of a lesson: Backspace for the current one, g and a number for any; the lab reset and the steps before replayed at once. */
#include <stdio.h>

#include "command.h"
#include "lesson_play.h"

/* Runs the items before a step again at once, so the step starts from the same workers (not the same counts). */
static bool play_replay(struct ui *ui, int upto)
{
	struct ui_play *p = ui->play;
	const struct lesson *l = p->lesson;

	/* Captions and headlines before the step belong to earlier steps: none of them shows. */
	for (int i = 0; i < upto; i++) {
		const struct lesson_item *it = &l->items[i];
		if (it->kind != LESSON_COMMANDS)
			continue;
		const struct cmd_list *list = play_line(ui, it);
		if (list == NULL)
			return false;
		for (int k = 0; k < list->n; k++) {
			struct cmd_error err;
			if (list->items[k].verb == CMD_RUN || list->items[k].verb == CMD_QUIT)
				continue;
			if (!ui_exec(ui, &list->items[k], &err)) {
				play_fail(ui, it, &list->items[k], err.message);
				return false;
			}
		}
	}
	return true;
}

/* The question asked before item first and answered at or after it: its answer still comes in this step. */
static int play_open_ask(const struct lesson *l, int first)
{
	for (int i = first - 1; i >= 0; i--) {
		if (l->items[i].kind == LESSON_ASK)
			return l->items[i].ask.answer_item >= first ? i : -1;
	}
	return -1;
}

/*
 * Starts a step afresh: the lab is reset and every command before the step is run again at once (no waits),
 * so the same workers are there when it starts; chance picks fall the same way.
 */
unsigned ui_play_goto(struct ui *ui, int step)
{
	struct ui_play *p = ui->play;

	if (p == NULL)
		return UI_HANDLED;
	const struct lesson *l = p->lesson;
	int now = play_step(p), first = 0;
	while (first < l->nitems && l->items[first].step < step)
		first++;
	/* A question asked before this step and answered within it keeps its prediction when the step is the same. */
	int ask = play_open_ask(l, first), chosen = step == now && ask == p->ask ? p->chosen : 0;
	if (ui->overlay == PANE_ASK || ui->overlay == PANE_MEMMAP)
		ui_overlay(ui, PANE_COUNT);
	cmd_list_free(&p->filled);
	p->failed = false;
	p->error[0] = '\0';
	p->ask = -1;
	p->chosen = 0;
	p->revealed = false;
	play_step_over(p);
	p->last[0] = '\0';
	p->rng = ui->opt.seed;
	p->sub = 0;
	p->going = -1;
	lab_reset(ui->lab);
	ui_log(ui, ROLE_NOTE, "step %d of %d%s: the lab is reset%s", step + 1, l->nsteps, step == now ? " again" : "",
	       first > 0 ? " and the steps before it replayed at once" : "");
	if (play_replay(ui, first)) {
		p->pc = first;
		p->state = PLAY_RUN;
		p->again = step == now ? step : -1;
		p->ask = ask;
		p->chosen = chosen;
	}
	p->shown_at = lab_now(ui->lab);
	ui_observe(ui);
	return UI_LESSON;
}

/* Backspace: the current step again, from the pause before it (the step running, or the one waiting at its pause). */
unsigned ui_play_again(struct ui *ui)
{
	return ui->play != NULL ? ui_play_goto(ui, play_step(ui->play)) : UI_HANDLED;
}

static bool play_is_enter(int key)
{
	return key == '\r' || key == '\n' || key == KEY_ENTER;
}

/* A step number being typed after g: digits add, Backspace takes one back, Enter goes, anything else cancels. */
static unsigned play_going_key(struct ui *ui, int key)
{
	struct ui_play *p = ui->play;
	int nsteps = p->lesson->nsteps;

	if (key >= '0' && key <= '9') {
		if (p->going * 10 + (key - '0') <= nsteps * 10)
			p->going = p->going * 10 + (key - '0');
		return UI_LESSON;
	}
	if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		p->going /= 10;
		return UI_LESSON;
	}
	int n = p->going;
	p->going = -1;
	if (!play_is_enter(key)) {
		ui_log(ui, ROLE_NOTE, "go to a step: left; the lesson stays at step %d", play_step(p) + 1);
		return UI_LESSON;
	}
	if (n < 1 || n > nsteps) {
		ui_log(ui, ROLE_ERROR, "there is no step %d: the steps are 1 to %d; the lesson stays at step %d", n, nsteps,
		       play_step(p) + 1);
		return UI_LESSON;
	}
	return ui_play_goto(ui, n - 1);
}

unsigned ui_play_goto_key(struct ui *ui, int key)
{
	struct ui_play *p = ui->play;

	if (p == NULL)
		return 0;
	if (p->going >= 0)
		return play_going_key(ui, key);
	if (key != 'g')
		return 0;
	p->going = 0;
	ui_log(ui, ROLE_NOTE, "go to a step: type its number, 1 to %d, then Enter (Esc: stay)", p->lesson->nsteps);
	return UI_LESSON;
}

