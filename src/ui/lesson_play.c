/* The lesson player: runs a lesson's items on the lab between frames, so time passes with the screen live. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

#include "command.h"
#include "lesson_play.h"

/* What autoplay gives a pause, a question and an answer, in seconds before --speed. */
#define PLAY_AUTO_PAUSE 2.5
#define PLAY_AUTO_ASK 3.0
#define PLAY_AUTO_REVEAL 4.0
#define PLAY_AUTO_END 2.0
#define PLAY_AUTO_FAILED 3.0
/* Items run in one turn of the loop at most, so a long run of commands still lets frames through. */
#define PLAY_BUDGET 64

static double play_scaled(const struct ui *ui, double seconds)
{
	return ui->opt.speed > 0 ? seconds / ui->opt.speed : seconds;
}

/* splitmix64: small, and the same sequence for the same --seed everywhere. */
static uint64_t play_random(struct ui_play *p)
{
	uint64_t z = (p->rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

int play_step(const struct ui_play *p)
{
	const struct lesson *l = p->lesson;
	/* Going to a step, the step gone to, while the items before it run. */
	int at = p->catchup >= 0 ? p->catchup : p->pc;

	if (at < l->nitems)
		return l->items[at].step;
	return l->nsteps > 0 ? l->nsteps - 1 : 0;
}

static void play_wait(struct ui *ui, double seconds, enum play_then then)
{
	struct ui_play *p = ui->play;

	p->state = PLAY_WAIT;
	p->then = then;
	p->length = play_scaled(ui, seconds);
	p->until = lab_now(ui->lab) + p->length;
}

void play_fail(struct ui *ui, const struct lesson_item *it, const struct cmd *c, const char *msg)
{
	struct ui_play *p = ui->play;

	snprintf(p->error, sizeof(p->error), "line %d%s%s: %s", it->line, c != NULL ? ", " : "", c != NULL ? c->text : "",
	         msg);
	ui_log(ui, ROLE_ERROR, "the lesson stopped at %s:%d: %s", p->lesson->source, it->line, msg);
	p->failed = true;
	p->state = PLAY_FAILED;
	if (ui->opt.autoplay)
		play_wait(ui, PLAY_AUTO_FAILED, THEN_LEAVE);
}

/* A chance pick (T?): one of the group's live workers, by the seeded generator. */
static int play_pick(const char *group, void *ctx)
{
	struct ui *ui = ctx;
	const struct lab_group *g = lab_find_group(ui->lab, group);
	int alive = 0;

	if (g == NULL)
		return 0;
	for (int i = 0; i < g->nworkers; i++)
		alive += g->workers[i].alive;
	if (alive == 0)
		return 0;
	int k = (int)(play_random(ui->play) % (uint64_t)alive);
	for (int i = 0; i < g->nworkers; i++) {
		if (g->workers[i].alive && k-- == 0)
			return g->workers[i].number;
	}
	return 0;
}

/* A line's commands as they run: its own list, or parsed again once its chance picks are made. */
const struct cmd_list *play_line(struct ui *ui, const struct lesson_item *it)
{
	struct ui_play *p = ui->play;
	char line[LESSON_LINE_MAX + 64], msg[LAB_MSG_MAX];
	struct cmd_error cerr;

	if (!it->chance)
		return &it->cmds;
	cmd_list_free(&p->filled);
	lab_observe(ui->lab);
	if (!lesson_fill_chance(it->text, play_pick, ui, line, sizeof(line), msg, sizeof(msg))) {
		play_fail(ui, it, NULL, msg);
		return NULL;
	}
	if (!cmd_parse(line, it->line, &p->filled, &cerr)) {
		play_fail(ui, it, NULL, cerr.message);
		return NULL;
	}
	return &p->filled;
}

static void play_commands(struct ui *ui, const struct lesson_item *it)
{
	struct ui_play *p = ui->play;
	const struct cmd_list *list = p->sub == 0 ? play_line(ui, it) : it->chance ? &p->filled : &it->cmds;

	if (list == NULL)
		return;
	while (p->sub < list->n) {
		const struct cmd *c = &list->items[p->sub++];
		struct cmd_error err;
		if (c->verb == CMD_RUN) {
			/* In a lesson, run lets time pass the way wait does: the screen stays live. */
			ui_log(ui, ROLE_COMMAND, ":%s", c->text);
			play_wait(ui, c->seconds, THEN_GO_ON);
			return;
		}
		if (!ui_exec(ui, c, &err)) {
			play_fail(ui, it, c, err.message);
			ui_observe(ui);
			return;
		}
		if (ui->quit)
			return;
	}
	p->sub = 0;
	p->pc++;
	ui_observe(ui);
}

static void play_show(struct ui *ui, const struct lesson_item *it)
{
	struct ui_play *p = ui->play;
	char name[LAB_ID_MAX + 16], msg[LAB_MSG_MAX];
	const struct lab_group *g = NULL;

	if (it->text[0] == '\0') {
		if (ui->overlay == PANE_MEMMAP)
			ui_overlay(ui, PANE_COUNT);
		p->pc++;
		return;
	}
	lab_observe(ui->lab);
	if (!lesson_fill_chance(it->text, play_pick, ui, name, sizeof(name), msg, sizeof(msg))) {
		play_fail(ui, it, NULL, msg);
		return;
	}
	const struct lab_worker *w = lab_find_worker(ui->lab, name, &g);
	if (w == NULL) {
		snprintf(msg, sizeof(msg), "show map %s: there is no worker %s", name, name);
		play_fail(ui, it, NULL, msg);
		return;
	}
	ui_select(ui, lab_group_index(ui->lab, g), (int)(w - g->workers));
	/* Closed first, so the map is read afresh for this worker. */
	ui_overlay(ui, PANE_COUNT);
	ui_overlay(ui, PANE_MEMMAP);
	ui_log(ui, ROLE_NOTE, "the memory map of %s's process, pid %d (key m shows the selected worker's)", name,
	       (int)w->pid);
	p->pc++;
}

static void play_reveal(struct ui *ui)
{
	struct ui_play *p = ui->play;
	const struct lesson_ask *a = &p->lesson->items[p->ask].ask;

	p->revealed = true;
	if (ui->overlay == PANE_ASK)
		ui_overlay(ui, PANE_COUNT);
	if (p->chosen == 0)
		ui_log(ui, ROLE_NOTE, "answer: %d. %s", a->correct, a->answers[a->correct - 1]);
	else
		ui_log(ui, p->chosen == a->correct ? ROLE_ALIVE : ROLE_NOTE, "answer: %d. %s (predicted %d: %s)", a->correct,
		       a->answers[a->correct - 1], p->chosen, p->chosen == a->correct ? "right" : "not this time");
}

static void play_end(struct ui *ui)
{
	struct ui_play *p = ui->play;
	bool reveal = p->ask >= 0 && !p->revealed;

	if (reveal)
		play_reveal(ui);
	p->state = PLAY_DONE;
	/* Under autoplay the lesson leaves by itself: no invitation to explore just before it does. */
	if (!ui->opt.autoplay)
		ui_log(ui, ROLE_NOTE, "the lesson is over; the workers are still live: explore, or q to leave");
	if (ui->opt.autoplay) {
		play_wait(ui, reveal ? PLAY_AUTO_REVEAL : PLAY_AUTO_END, THEN_LEAVE);
		/* The last screen stays a moment at any speed, so a recording ends on it. */
		if (p->length < 1.5) {
			p->length = 1.5;
			p->until = lab_now(ui->lab) + p->length;
		}
	}
}

/* A step is over: its caption, headline and figures go with it, so the next step never shows them. */
void play_step_over(struct ui_play *p)
{
	p->caption = "";
	p->headline = "";
	p->focus = "";
	p->figures[0] = '\0';
	p->before[0] = '\0';
}

static void play_pass_pause(struct ui *ui)
{
	struct ui_play *p = ui->play;

	play_step_over(p);
	if (p->revealed) {
		p->ask = -1;
		p->revealed = false;
		p->chosen = 0;
	}
	p->pc++;
	p->state = PLAY_RUN;
}

/* The question goes by without a prediction (Space, or autoplay). */
static void play_pass_ask(struct ui *ui)
{
	struct ui_play *p = ui->play;

	if (ui->overlay == PANE_ASK)
		ui_overlay(ui, PANE_COUNT);
	p->chosen = 0;
	p->pc++;
	p->state = PLAY_RUN;
}

/*
 * Autoplay at a pause: long enough to read what is on screen at three words a second, less the time the
 * caption has been up already (a wait after it was reading time too), never under the floor.  At an
 * answer, the answer and why are new: they get their whole reading time.  In the lesson's seconds, before
 * --speed (play_wait divides).
 */
static double play_hold(struct ui *ui, bool reveal)
{
	struct ui_play *p = ui->play;
	double speed = ui->opt.speed > 0 ? ui->opt.speed : 1;

	if (reveal) {
		const struct lesson_ask *a = &p->lesson->items[p->ask].ask;
		return lesson_hold_seconds(lesson_words(a->answers[a->correct - 1]) + lesson_words(a->why),
		                           PLAY_AUTO_REVEAL, 1);
	}
	int words = lesson_words(p->caption) + lesson_words(p->figures) + lesson_words(p->headline);
	double hold = lesson_hold_seconds(words, PLAY_AUTO_PAUSE, 1) - (lab_now(ui->lab) - p->shown_at) * speed;
	return hold > PLAY_AUTO_PAUSE ? hold : PLAY_AUTO_PAUSE;
}

/* Autoplay at a question: the question and its answers read, in the lesson's seconds. */
static double play_hold_ask(const struct lesson_ask *a)
{
	int words = lesson_words(a->question);

	for (int i = 0; i < a->nanswers; i++)
		words += lesson_words(a->answers[i]);
	return lesson_hold_seconds(words, PLAY_AUTO_ASK, 1);
}

static void play_item(struct ui *ui)
{
	struct ui_play *p = ui->play;
	const struct lesson *l = p->lesson;

	if (play_catch_up(ui))
		return;
	if (p->pc >= l->nitems) {
		play_end(ui);
		return;
	}
	const struct lesson_item *it = &l->items[p->pc];
	switch (it->kind) {
	case LESSON_COMMANDS:
		play_commands(ui, it);
		break;
	case LESSON_CAPTION:
		p->caption = it->text;
		p->shown_at = lab_now(ui->lab);
		p->pc++;
		break;
	case LESSON_HEADLINE:
		p->headline = it->text;
		p->pc++;
		break;
	case LESSON_FOCUS:
		p->focus = it->text;
		p->pc++;
		break;
	case LESSON_WAIT:
		play_wait(ui, it->seconds, THEN_GO_ON);
		break;
	case LESSON_MEASURE:
		play_measure_start(ui);
		play_wait(ui, it->seconds, THEN_MEASURED);
		/* Said while it lasts, and replaced by the figures: a caption never has to say "Measuring...". */
		{
			char span[32];
			play_seconds_text(p->length, span, sizeof(span));
			snprintf(p->figures, sizeof(p->figures), "measuring increments per second for %s s%s", span,
			         ui->g.ellipsis);
		}
		p->before[0] = '\0';
		break;
	case LESSON_PAUSE:
	case LESSON_ANSWER: {
		/* The question's answer shows at its own answer line, or at the first pause after it. */
		bool reveal = p->ask >= 0 && !p->revealed && l->items[p->ask].ask.answer_item == p->pc;
		if (reveal)
			play_reveal(ui);
		if (ui->opt.autoplay)
			play_wait(ui, play_hold(ui, reveal), THEN_PAUSE_PASSED);
		else
			p->state = PLAY_PAUSE;
		break;
	}
	case LESSON_ASK:
		p->ask = p->pc;
		p->chosen = 0;
		p->revealed = false;
		ui_log(ui, ROLE_NOTE, "question: %s", it->ask.question);
		ui_overlay(ui, PANE_ASK);
		if (ui->opt.autoplay)
			play_wait(ui, play_hold_ask(&it->ask), THEN_ASK_PASSED);
		else
			p->state = PLAY_ASK;
		break;
	case LESSON_SHOW:
		play_show(ui, it);
		break;
	}
}

/* What comes when a timed wait is over; UI_QUIT when that is leaving. */
static unsigned play_wait_over(struct ui *ui)
{
	struct ui_play *p = ui->play;
	const struct lesson *l = p->lesson;

	switch (p->then) {
	case THEN_GO_ON:
		p->state = PLAY_RUN;
		/* A run inside a line of commands goes on with the line's next command. */
		if (p->pc < l->nitems && l->items[p->pc].kind != LESSON_COMMANDS)
			p->pc++;
		break;
	case THEN_MEASURED:
		p->state = PLAY_RUN;
		play_measured(ui);
		p->pc++;
		break;
	case THEN_PAUSE_PASSED:
		play_pass_pause(ui);
		break;
	case THEN_ASK_PASSED:
		play_pass_ask(ui);
		break;
	case THEN_LEAVE:
		p->state = p->failed ? PLAY_FAILED : PLAY_DONE;
		return UI_QUIT;
	case THEN_CAUGHT_UP:
		/* Its figures belong to an earlier step: kept only for the next measurement to show beside its own. */
		p->state = PLAY_RUN;
		play_measured(ui);
		play_step_over(p);
		p->pc++;
		break;
	}
	return 0;
}

unsigned ui_play_tick(struct ui *ui)
{
	struct ui_play *p = ui->play;

	if (p == NULL)
		return 0;
	unsigned change = UI_LESSON;
	if (p->state == PLAY_WAIT && lab_now(ui->lab) >= p->until)
		change |= play_wait_over(ui);
	for (int budget = PLAY_BUDGET; p->state == PLAY_RUN && !ui->quit && budget > 0; budget--)
		play_item(ui);
	/* The question comes back when the help or a memory map closes over it. */
	if (ui_play_asking(ui) && ui->overlay == PANE_COUNT)
		ui_overlay(ui, PANE_ASK);
	return change;
}

double ui_play_deadline(const struct ui *ui)
{
	const struct ui_play *p = ui->play;

	if (p == NULL)
		return -1;
	if (p->state == PLAY_WAIT)
		return p->until;
	return p->state == PLAY_RUN ? 0 : -1;
}

bool ui_play_asking(const struct ui *ui)
{
	const struct ui_play *p = ui->play;

	return p != NULL && (p->state == PLAY_ASK || (p->state == PLAY_WAIT && p->then == THEN_ASK_PASSED));
}

const char *ui_play_answer_keys(const struct ui *ui, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (ui_play_asking(ui))
		snprintf(buf, len, "1-%d", ui->play->lesson->items[ui->play->ask].ask.nanswers);
	return buf;
}

bool play_choose(struct ui *ui, int n)
{
	struct ui_play *p = ui->play;

	if (!ui_play_asking(ui))
		return false;
	const struct lesson_ask *a = &p->lesson->items[p->ask].ask;
	if (n < 1 || n > a->nanswers)
		return false;
	p->chosen = n;
	ui_log(ui, ROLE_NOTE, "prediction: %d. %s; the answer comes at the next pause", n, a->answers[n - 1]);
	if (ui->overlay == PANE_ASK)
		ui_overlay(ui, PANE_COUNT);
	p->pc++;
	p->state = PLAY_RUN;
	return true;
}

int ui_play_status(const struct ui *ui)
{
	return ui->play != NULL && ui->play->failed ? 1 : 0;
}

unsigned ui_play_start(struct ui *ui)
{
	struct ui_play *p = calloc(1, sizeof(*p));
	const struct lesson *l = ui->opt.lesson;

	if (p == NULL) {
		ui_log(ui, ROLE_ERROR, "out of memory: the lesson cannot start");
		return 0;
	}
	p->lesson = l;
	p->ask = -1;
	p->again = -1;
	p->going = -1;
	p->catchup = -1;
	p->catchup_measure = -1;
	p->caption = "";
	p->headline = "";
	p->focus = "";
	p->rng = ui->opt.seed;
	p->state = PLAY_RUN;
	ui->play = p;
	ui_log(ui, ROLE_NOTE,
	       "lesson '%s': %d step%s; Space goes on after a pause, Backspace plays a step again, g goes to a step, q leaves",
	       l->title, l->nsteps, l->nsteps == 1 ? "" : "s");
	if (ui->opt.from_step > 1 && ui->opt.from_step <= l->nsteps)
		ui_play_goto(ui, ui->opt.from_step - 1);
	return UI_RELAYOUT;
}

void ui_play_free(struct ui *ui)
{
	if (ui->play == NULL)
		return;
	cmd_list_free(&ui->play->filled);
	free(ui->play);
	ui->play = NULL;
}

/* Space or Enter: on after a pause, a wait cut short, a question passed without a prediction. */
unsigned ui_play_next(struct ui *ui)
{
	struct ui_play *p = ui->play;

	if (p == NULL)
		return UI_HANDLED;
	switch (p->state) {
	case PLAY_PAUSE:
		play_pass_pause(ui);
		break;
	case PLAY_WAIT:
		if (p->then == THEN_LEAVE)
			return UI_QUIT | UI_LESSON;
		if (p->then == THEN_CAUGHT_UP) {
			/* Cut short, the figure the step compares with would be a figure of next to no time. */
			ui_log(ui, ROLE_NOTE, "catching up: the measurement ends by itself in %.1f s",
			       p->until - lab_now(ui->lab));
			break;
		}
		p->until = lab_now(ui->lab);
		break;
	case PLAY_ASK:
		ui_log(ui, ROLE_NOTE, "no prediction this time; the answer comes at the next pause");
		play_pass_ask(ui);
		break;
	case PLAY_DONE:
		ui_log(ui, ROLE_NOTE, "the lesson is over: Backspace plays the last step again, q leaves");
		break;
	case PLAY_FAILED:
		ui_log(ui, ROLE_NOTE, "the lesson stopped on an error: Backspace tries the step again, q leaves");
		break;
	case PLAY_RUN:
		break;
	}
	return UI_LESSON;
}

/* The key bar's "1-9 Predict", clicked: say what to press. */
unsigned ui_play_answer_hint(struct ui *ui)
{
	if (!ui_play_asking(ui))
		return UI_HANDLED;
	int n = ui->play->lesson->items[ui->play->ask].ask.nanswers;
	ui_log(ui, ROLE_NOTE, "press the number of an answer, %s%d", n == 2 ? "1 or " : "1 to ", n);
	return UI_HANDLED;
}
