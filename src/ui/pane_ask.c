/* A lesson's question over the columns: the audience predicts with a number key before the lesson shows them. */
#include <stdio.h>
#include <string.h>

#include "../view/letters.h"
#include "lesson_play.h"

/* Writes text wrapped at width from row y, x; returns the rows used (drawn only when win is not NULL). */
static int ask_wrap(WINDOW *win, int y, int x, int width, int hmax, attr_t a, const char *text)
{
	char line[512];
	int rows = 0;

	while (*text != '\0') {
		int take = (int)strlen(text);
		if (take > (int)sizeof(line) - 1)
			take = (int)sizeof(line) - 1;
		/* Shorten to the last space that lets the line fit. */
		for (;;) {
			snprintf(line, sizeof(line), "%.*s", take, text);
			if (ui_width(line) <= width)
				break;
			int cut = take - 1;
			while (cut > 0 && text[cut] != ' ')
				cut--;
			if (cut == 0) {
				/* No space: cut inside the word, on a character boundary. */
				cut = take - 1;
				while (cut > 1 && ((unsigned char)text[cut] & 0xc0) == 0x80)
					cut--;
			}
			take = cut;
			if (take <= 1)
				break;
		}
		if (win != NULL && y + rows < hmax)
			ui_put(win, y + rows, x, width, a, line);
		rows++;
		text += take;
		while (*text == ' ')
			text++;
	}
	return rows;
}

/* Presenter mode: the answer's number in letters three rows high, its text beside the middle row.  Returns rows. */
static int ask_big_answer(struct ui *ui, WINDOW *win, int y, int x, int width, int hmax, int n, const char *text)
{
	char num[12], rows[LETTERS_ROWS][LETTERS_ROW_MAX];

	snprintf(num, sizeof(num), "%d", n);
	if (win != NULL && letters_draw(num, ui->utf8 ? LETTERS_HALF : LETTERS_ASCII, rows)) {
		for (int r = 0; r < LETTERS_ROWS && y + r < hmax; r++)
			ui_put(win, y + r, x + 2, 3, ui->role[ROLE_FIGURE], rows[r]);
	}
	int lines = ask_wrap(win, y + 1, x + 8, width - 8, hmax, ui->role[ROLE_FIGURE], text);
	return lines + 1 > LETTERS_ROWS ? lines + 1 : LETTERS_ROWS;
}

static int ask_render(struct ui *ui, WINDOW *win, int top, int h, int w, bool big, bool tight)
{
	const struct ui_play *p = ui->play;
	const struct lesson_ask *a = &p->lesson->items[p->ask].ask;
	int x = 4, width = w - 8, y = top;
	char num[16], hint[128];

	y += ask_wrap(win, y, x, width, h - 1, ui->role[ROLE_TITLE], a->question);
	y += !tight;
	for (int i = 0; i < a->nanswers; i++) {
		if (big) {
			y += ask_big_answer(ui, win, y, x, width, h - 1, i + 1, a->answers[i]);
		} else {
			snprintf(num, sizeof(num), " %d ", i + 1);
			if (win != NULL && y < h - 1)
				ui_put(win, y, x + 2, 3, ui->role[ROLE_KEYLABEL] | A_BOLD, num);
			y += ask_wrap(win, y, x + 7, width - 7, h - 1, ui->role[ROLE_FIGURE], a->answers[i]);
		}
		/* A blank line between answers when the box is tall enough for it, and before the hint. */
		if (!tight && (h >= 20 || i == a->nanswers - 1))
			y++;
	}
	if (ui->opt.autoplay)
		snprintf(hint, sizeof(hint), "autoplay: the answer comes at the next pause");
	else
		snprintf(hint, sizeof(hint), "Predict: press %s%d %s Space: go on without a prediction",
		         a->nanswers == 2 ? "1 or " : "1 to ", a->nanswers, ui->g.dot);
	y += ask_wrap(win, y, x, width, h - 1, ui->role[ROLE_NOTE], hint);
	return y - top;
}

static void ask_draw(struct ui *ui, struct ui_pane *p)
{
	WINDOW *win = p->win;
	int h = p->h, w = p->w;

	if (ui->play == NULL || ui->play->ask < 0)
		return;
	ui_box(ui, win, 0, 0, h, w);
	ui_put(win, 0, 2, w - 4, ui->role[ROLE_TITLE], ui->opt.autoplay ? " QUESTION " : " QUESTION: PREDICT FIRST ");
	/* Presenter mode numbers the answers large when they all fit, without blank rows if need be; centred. */
	bool big = ui->opt.big && ask_render(ui, NULL, 0, h, w, true, true) <= h - 2;
	bool tight = big && ask_render(ui, NULL, 0, h, w, true, false) > h - 2;
	int need = ask_render(ui, NULL, 0, h, w, big, tight);
	int top = need < h - 2 ? 1 + (h - 2 - need) / 2 : 1;
	ask_render(ui, win, top, h, w, big, tight);
}

static unsigned ask_key(struct ui *ui, struct ui_pane *p, int key)
{
	(void)p;
	if (key >= '1' && key <= '9') {
		if (play_choose(ui, key - '0'))
			return UI_LESSON;
		ui_log(ui, ROLE_NOTE, "%c is not an answer here: press %s%d", key,
		       ui->play->lesson->items[ui->play->ask].ask.nanswers == 2 ? "1 or " : "1 to ",
		       ui->play->lesson->items[ui->play->ask].ask.nanswers);
		return UI_HANDLED;
	}
	/* Esc would only hide the question the lesson is waiting on. */
	return key == 27 ? UI_HANDLED : 0;
}

const struct ui_pane_ops ui_ask_ops = {
	.name = "ask",
	.shows = UI_FRAME,
	.draw = ask_draw,
	.key = ask_key,
};
