/* Where each pane goes on the screen: the normal layout, presenter mode, and a terminal too small. */
#include "../view/letters.h"
#include "lesson_play.h"
#include "panes.h"
#include "prompt.h"
#include "ui_priv.h"
#include "../lab/program.h"

static void layout_place(struct ui *ui, enum ui_pane_id id, int y, int x, int h, int w)
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
		if (p->win == NULL) {
			p->visible = false;
		} else {
			leaveok(p->win, TRUE);
			/* The theme's background under blank cells too (--theme contrast: black). */
			wbkgd(p->win, (chtype)(ui->role[ROLE_NORMAL] & A_COLOR));
		}
	}
	p->dirty = true;
}

/* Every pane placed for the terminal's size and what is open: resize is handled here and only here. */
int ui_layout_shape(const struct ui *ui)
{
	return (program_count(ui->lab) > 0) * 2 + (lab_ngroups(ui->lab) > 0);
}

void ui_layout(struct ui *ui)
{
	int rows = ui->rows, cols = ui->cols;

	ui->too_small = cols < UI_MIN_COLS || rows < UI_MIN_ROWS;
	ui->nhits = 0;
	for (int i = 0; i < PANE_COUNT; i++)
		layout_place(ui, (enum ui_pane_id)i, 0, 0, 0, 0);
	if (ui->too_small) {
		layout_place(ui, PANE_SMALL, 0, 0, rows, cols);
		return;
	}
	int bar = ui->prompting ? ui_prompt_ops.rows(ui, &ui->pane[PANE_PROMPT], cols) : ui->opt.no_keybar ? 0 : 1;
	if (ui->opt.big && ui->play != NULL) {
		/* Presenter mode: the lesson's headline and words on top, the large figures below; the rest drops away. */
		int words = ui_caption_ops.rows(ui, &ui->pane[PANE_CAPTION], cols);
		layout_place(ui, PANE_CAPTION, 0, 0, words, cols);
		layout_place(ui, PANE_BIG, words, 0, rows - words - bar, cols);
		layout_place(ui, ui->prompting ? PANE_PROMPT : PANE_KEYBAR, rows - bar, 0, bar, cols);
		if (ui->overlay != PANE_COUNT)
			layout_place(ui, ui->overlay, words, 0, rows - words - bar, cols);
		return;
	}
	if (ui->opt.big) {
		/*
		 * Presenter mode without a lesson: the large figures from the top row, and under them what just
		 * happened, the last command in large letters and the newest message in bold; the top line drops away.
		 */
		int band = rows >= 26 ? LETTERS_ROWS + 2 : LETTERS_ROWS + 1, body = rows - band - bar;
		layout_place(ui, PANE_BIG, 0, 0, body, cols);
		layout_place(ui, PANE_LOG, body, 0, band, cols);
		layout_place(ui, ui->prompting ? PANE_PROMPT : PANE_KEYBAR, rows - bar, 0, bar, cols);
		if (ui->overlay != PANE_COUNT)
			layout_place(ui, ui->overlay, 0, 0, body, cols);
		return;
	}
	int logh = 3 + (rows - UI_MIN_ROWS) / 4;
	if (logh > 10)
		logh = 10;
	/* A lesson's caption bar sits above the key bar; the log gives it room. */
	int caption = ui_caption_ops.rows(ui, &ui->pane[PANE_CAPTION], cols);
	if (caption > 0 && logh > 3)
		logh = 3;
	int body = rows - 1 - logh - bar - caption;
	layout_place(ui, PANE_HEADER, 0, 0, 1, cols);
	/* A program's pane (ptviz run): all the body when there is no group of ptviz's own, else its lower half. */
	ui->laid_out_for = ui_layout_shape(ui);
	int program = program_count(ui->lab) == 0 ? 0 : lab_ngroups(ui->lab) == 0 ? body : body / 2;
	layout_place(ui, PANE_PROGRAM, 1 + body - program, 0, program, cols);
	body -= program;
	layout_place(ui, PANE_GROUPS, 1, 0, body, cols);
	body += program;
	layout_place(ui, PANE_LOG, 1 + body, 0, logh, cols);
	layout_place(ui, PANE_CAPTION, 1 + body + logh, 0, caption, cols);
	layout_place(ui, ui->prompting ? PANE_PROMPT : PANE_KEYBAR, rows - bar, 0, bar, cols);
	if (ui->overlay != PANE_COUNT)
		layout_place(ui, ui->overlay, 1, 0, body, cols);
}
