/* Going to a step of a lesson: Backspace for the current one, g and a number for any; the lab reset and the steps before caught up on. */
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "lesson_play.h"

/* Catching up: the time a measurement is taken again, before --speed; the lesson's own when shorter. */
#define PLAY_CATCHUP_MEASURE 1.0

/*
 * The measurement before item first that a later one shows beside its own (the lesson's last before
 * first, when a measure comes at or after first); -1 when none is needed.
 */
static int play_needed_measure(const struct lesson *l, int first)
{
	int last = -1, later = 0;

	for (int i = 0; i < l->nitems; i++) {
		if (l->items[i].kind != LESSON_MEASURE)
			continue;
		if (i < first)
			last = i;
		else
			later++;
	}
	return later > 0 ? last : -1;
}

/* Runs a line of commands at once, its runs left out (no time passes while catching up). */
static bool play_catch_up_commands(struct ui *ui, const struct lesson_item *it)
{
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
	return true;
}

/* Measures again as the lesson did, for a second at most, the caption saying what and for whom. */
static void play_catch_up_measure(struct ui *ui, const struct lesson_item *it)
{
	struct ui_play *p = ui->play;
	char what[160] = "", how[64], span[32];
	int n = 0;

	lab_observe(ui->lab);
	for (int i = 0; i < lab_ngroups(ui->lab); i++) {
		const struct lab_group *g = lab_group_at(ui->lab, i);
		if (g->alive == 0 || play_group_held(g))
			continue;
		play_group_how(g, how, sizeof(how));
		size_t o = strlen(what);
		snprintf(what + o, sizeof(what) - o, "%s%s (%s)", n == 0 ? "" : ", ", g->name, how);
		n++;
	}
	/* "T (sync none), P (counter++)" reads "T (sync none) and P (counter++)". */
	char *comma = n > 1 ? strrchr(what, ',') : NULL;
	if (comma != NULL && strlen(what) + 4 < sizeof(what)) {
		memmove(comma + 4, comma + 1, strlen(comma + 1) + 1);
		memcpy(comma, " and", 4);
	}
	play_measure_start(ui);
	p->state = PLAY_WAIT;
	p->then = THEN_CAUGHT_UP;
	double seconds = it->seconds < PLAY_CATCHUP_MEASURE ? it->seconds : PLAY_CATCHUP_MEASURE;
	p->length = ui->opt.speed > 0 ? seconds / ui->opt.speed : seconds;
	p->until = lab_now(ui->lab) + p->length;
	play_seconds_text(p->length, span, sizeof(span));
	int step = play_step(p) + 1;
	snprintf(p->catching, sizeof(p->catching),
	         "Catching up: measuring %s as step %d did, for %s s, so that step %d has its figures to compare with.",
	         n > 0 ? what : "the workers", it->step + 1, span, step);
	p->caption = p->catching;
	p->headline = "Catching up";
	p->shown_at = lab_now(ui->lab);
	ui_log(ui, ROLE_NOTE, "catching up: step %d's measurement (line %d) taken again for %s s, for step %d to compare with",
	       it->step + 1, it->line, span, step);
}

/* The step reached: its question, if it asked one before it, and the prediction kept. */
static void play_arrive(struct ui *ui)
{
	struct ui_play *p = ui->play;

	p->catchup = -1;
	p->catchup_measure = -1;
	p->ask = p->arrive_ask;
	p->chosen = p->arrive_chosen;
	play_step_over(p);
	p->shown_at = lab_now(ui->lab);
}

/*
 * Going to a step: the items before it, one a call.  Commands run at once; captions, headlines, waits,
 * pauses, questions and memory maps belong to the earlier steps and are passed over; the measurement the
 * step compares with is taken again (it ends in play_wait_over).  False once the step is reached.
 */
bool play_catch_up(struct ui *ui)
{
	struct ui_play *p = ui->play;

	if (p->catchup < 0)
		return false;
	if (p->pc >= p->catchup) {
		play_arrive(ui);
		return false;
	}
	const struct lesson_item *it = &p->lesson->items[p->pc];
	if (it->kind == LESSON_COMMANDS && !play_catch_up_commands(ui, it))
		return true;
	if (it->kind == LESSON_MEASURE && p->pc == p->catchup_measure) {
		play_catch_up_measure(ui, it);
		return true;
	}
	p->pc++;
	if (p->pc >= p->catchup)
		play_arrive(ui);
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
 * so the same workers are there when it starts; chance picks fall the same way.  A measurement the step
 * shows beside its own is taken again on the way, for a second at most: a caption that compares with it
 * stays true.
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
	p->catchup = first;
	p->catchup_measure = play_needed_measure(l, first);
	p->arrive_ask = ask;
	p->arrive_chosen = chosen;
	p->pc = 0;
	p->state = PLAY_RUN;
	p->again = step == now ? step : -1;
	ui_log(ui, ROLE_NOTE, "step %d of %d%s: the lab is reset%s%s", step + 1, l->nsteps, step == now ? " again" : "",
	       first > 0 ? " and the steps before it replayed at once" : "",
	       p->catchup_measure >= 0 ? ", with the measurement it compares with" : "");
	if (first == 0)
		play_arrive(ui);
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

