/* The caption bar: what a lesson says now, big and high-contrast, with where the lesson is and what comes next. */
#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

#include "../view/letters.h"
#include "lesson_play.h"

#define CAPTION_MARGIN 2
#define CAPTION_LINES_MAX 16

/* Emits lines, or only counts them when win is NULL: the same code lays out and draws. */
struct caption_out {
	const struct ui *ui;
	WINDOW *win;
	int y, h, w;
	bool small_headline;   /* the headline in normal text, when large letters would crowd out the words */
};

static void caption_blank(struct caption_out *o)
{
	if (o->win != NULL && o->y < o->h)
		ui_fill(o->win, o->y, 0, o->w, o->ui->role[ROLE_CAPTION]);
	o->y++;
}

/* A badge (" RIGHT ") in its own colour, then text wrapped in the caption's colour, hanging under the text. */
static void caption_text(struct caption_out *o, const char *badge, attr_t badge_attr, const char *text)
{
	int starts[CAPTION_LINES_MAX], lens[CAPTION_LINES_MAX];
	int indent = CAPTION_MARGIN + (badge != NULL ? ui_width(badge) + 1 : 0);
	int n = ui_wrap(text, o->w - indent - CAPTION_MARGIN, starts, lens, CAPTION_LINES_MAX);

	if (n == 0)
		n = 1, starts[0] = 0, lens[0] = 0;
	for (int i = 0; i < n; i++) {
		if (o->win != NULL && o->y < o->h) {
			char line[1024];
			snprintf(line, sizeof(line), "%.*s", lens[i], text + starts[i]);
			ui_fill(o->win, o->y, 0, o->w, o->ui->role[ROLE_CAPTION]);
			if (i == 0 && badge != NULL)
				ui_put(o->win, o->y, CAPTION_MARGIN, o->w - CAPTION_MARGIN, badge_attr, badge);
			ui_put(o->win, o->y, indent, o->w - indent - CAPTION_MARGIN, o->ui->role[ROLE_CAPTION], line);
		}
		o->y++;
	}
}

/* Presenter mode: the step's headline in letters three rows high, a blank row between its lines. */
static void caption_headline(struct caption_out *o)
{
	const struct ui *ui = o->ui;
	const char *text = ui->play->headline;
	int starts[2], lens[2], w = o->w - 2 * CAPTION_MARGIN;
	attr_t a = ui->role[ROLE_CAPTION] | A_BOLD;

	if (!ui->opt.big || text[0] == '\0')
		return;
	enum letters_style style = ui->utf8 ? LETTERS_HALF : LETTERS_ASCII;
	/* At most two lines of letters (7 rows); a headline longer than that is shown as it is written. */
	int n = o->small_headline ? 0 : letters_wrap(text, style, w, starts, lens, 2);
	if (n == 0) {
		caption_text(o, NULL, 0, text);
		return;
	}
	for (int i = 0; i < n; i++) {
		char line[LESSON_HEADLINE_MAX + 1], rows[LETTERS_ROWS][LETTERS_ROW_MAX];
		snprintf(line, sizeof(line), "%.*s", lens[i], text + starts[i]);
		bool drawn = letters_draw(line, style, rows);
		if (i > 0)
			caption_blank(o);
		for (int r = 0; r < LETTERS_ROWS; r++) {
			if (o->win != NULL && o->y < o->h) {
				ui_fill(o->win, o->y, 0, o->w, ui->role[ROLE_CAPTION]);
				if (drawn)
					ui_put(o->win, o->y, CAPTION_MARGIN, w, a, rows[r]);
			}
			o->y++;
		}
	}
	caption_blank(o);
}

/* The top line: which lesson, which step, and the key that moves it on. */
static void caption_progress(struct caption_out *o)
{
	const struct ui *ui = o->ui;
	const struct ui_play *p = ui->play;
	const struct lesson *l = p->lesson;
	char right[96], left[128], hint[48] = "";

	if (o->win == NULL) {
		o->y++;
		return;
	}
	switch (p->state) {
	case PLAY_PAUSE:
		snprintf(hint, sizeof(hint), "Space: next");
		break;
	case PLAY_ASK:
		snprintf(hint, sizeof(hint), "1-%d: predict", l->items[p->ask].ask.nanswers);
		break;
	case PLAY_WAIT:
		if (p->then == THEN_LEAVE)
			snprintf(hint, sizeof(hint), "leaving");
		else if (p->length >= 1.0)
			snprintf(hint, sizeof(hint), "%.0f s", p->until - lab_now(ui->lab) + 0.5);
		break;
	case PLAY_DONE:
		snprintf(hint, sizeof(hint), "the end %s q leaves", ui->g.dot);
		break;
	case PLAY_FAILED:
		snprintf(hint, sizeof(hint), "stopped %s Bksp: again", ui->g.dot);
		break;
	case PLAY_RUN:
		break;
	}
	if (ui->opt.autoplay && p->state != PLAY_FAILED)
		snprintf(hint, sizeof(hint), "%s", p->pc >= l->nitems ? "the end" : "autoplay");
	if (p->going == 0)
		snprintf(hint, sizeof(hint), "go to step: _ (1-%d, Enter)", l->nsteps);
	else if (p->going > 0)
		snprintf(hint, sizeof(hint), "go to step: %d_ (Enter)", p->going);
	int step = play_step(p);
	snprintf(right, sizeof(right), "step %d of %d%s%s%s%s ", step + 1, l->nsteps, p->again == step ? " " : "",
	         p->again == step ? ui->g.dot : "", p->again == step ? " again" : "", hint[0] != '\0' ? "   " : "");
	strlcat(right, hint, sizeof(right));
	strlcat(right, " ", sizeof(right));
	snprintf(left, sizeof(left), " %s %s", ui->utf8 ? "\u25b6" : ">", l->title);
	attr_t a = ui->role[ROLE_HEADER];
	ui_fill(o->win, o->y, 0, o->w, a);
	int rw = ui_width(right);
	ui_put_words(o->win, o->y, 0, o->w - rw - 1, a | A_BOLD, left);
	ui_put(o->win, o->y, o->w - rw > 0 ? o->w - rw : 0, rw, a | A_BOLD, right);
	o->y++;
}

/* Draws the caption bar, or with win NULL only counts the rows it needs. */
static int caption_render(const struct ui *ui, WINDOW *win, int h, int w, bool small_headline)
{
	const struct ui_play *p = ui->play;
	struct caption_out o = { ui, win, 0, h, w, small_headline };
	/* Room to breathe around the words, when the screen has it. */
	bool roomy = ui->rows >= 34;

	if (p == NULL)
		return 0;
	caption_progress(&o);
	if (roomy)
		caption_blank(&o);
	caption_headline(&o);
	/* In presenter mode an empty caption takes no row: the headline or the figures below have it. */
	if (!ui->opt.big || p->caption[0] != '\0')
		caption_text(&o, NULL, 0, p->caption);
	if (p->figures[0] != '\0')
		caption_text(&o, ui->utf8 ? "\u25b8" : ">", ui->role[ROLE_CAPTION], p->figures);
	if (p->figures[0] != '\0' && p->before[0] != '\0') {
		char before[sizeof(p->before) + 16];
		snprintf(before, sizeof(before), "before: %s", p->before);
		caption_text(&o, ui->utf8 ? "\u25b8" : ">", ui->role[ROLE_CAPTION], before);
	}
	if (p->ask >= 0 && p->state != PLAY_ASK && !(p->state == PLAY_WAIT && p->then == THEN_ASK_PASSED)) {
		const struct lesson_ask *a = &p->lesson->items[p->ask].ask;
		char text[LESSON_ANSWER_MAX * 4 + 64];
		if (!p->revealed) {
			if (p->chosen > 0)
				snprintf(text, sizeof(text), "%d. %s %s watch what happens", p->chosen, a->answers[p->chosen - 1],
				         ui->g.dot);
			else
				snprintf(text, sizeof(text), "none %s watch what happens", ui->g.dot);
			caption_text(&o, " PREDICTION ", ui->role[ROLE_HEADER] | A_BOLD, text);
		} else {
			bool right = p->chosen == a->correct;
			const char *badge = p->chosen == 0 ? " ANSWER " : right ? " RIGHT " : " NOT QUITE ";
			attr_t ba = p->chosen == 0 ? ui->role[ROLE_HEADER] | A_BOLD : ui->role[right ? ROLE_RIGHT : ROLE_WRONG];
			if (p->chosen == 0 || right)
				snprintf(text, sizeof(text), "%d. %s", a->correct, a->answers[a->correct - 1]);
			else
				snprintf(text, sizeof(text), "it is %d. %s", a->correct, a->answers[a->correct - 1]);
			caption_text(&o, badge, ba, text);
			caption_text(&o, " WHY ", ui->role[ROLE_HEADER] | A_BOLD, a->why);
		}
	}
	if (p->failed)
		caption_text(&o, " STOPPED ", ui->role[ROLE_WRONG], p->error);
	if (roomy)
		caption_blank(&o);
	/* What is left of the window stays in the caption's colour. */
	while (win != NULL && o.y < h)
		caption_blank(&o);
	return o.y;
}

/* The most rows the bar may take: half the screen, two thirds in presenter mode, where it holds the headline. */
static int caption_most(const struct ui *ui)
{
	return ui->opt.big ? ui->rows * 2 / 3 : (ui->rows - 1) / 2;
}

/* Presenter mode: the headline goes to normal size when in large letters the words below it would not fit. */
static bool caption_small_headline(const struct ui *ui, int w)
{
	return ui->opt.big && caption_render(ui, NULL, 0, w, false) > caption_most(ui);
}

/* The rows the bar wants at width w: all its text, up to caption_most; none without a lesson. */
static int caption_rows(const struct ui *ui, const struct ui_pane *p, int w)
{
	(void)p;
	if (ui->play == NULL || w <= 0)
		return 0;
	int want = caption_render(ui, NULL, 0, w, caption_small_headline(ui, w));
	int most = caption_most(ui);
	return want < most ? want : most > 2 ? most : 2;
}

static void caption_draw(struct ui *ui, struct ui_pane *p)
{
	caption_render(ui, p->win, p->h, p->w, caption_small_headline(ui, p->w));
}

const struct ui_pane_ops ui_caption_ops = {
	.name = "caption",
	.shows = UI_LAB | UI_LESSON,
	.draw = caption_draw,
	.rows = caption_rows,
};
