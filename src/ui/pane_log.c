/* The event log: what happened, with times, newest at the bottom. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../view/letters.h"
#include "ui_priv.h"

#define LOG_INDENT 9

/* Where a long entry breaks: at the last space that fits, never inside a number (6 586 262), else at the width. */
static int log_break(const char *text, int room)
{
	int len = (int)strlen(text), cut = 0, cols = 0;

	for (int i = 0; i < len; i++) {
		if ((text[i] & 0xc0) == 0x80)
			continue; /* inside a UTF-8 sequence */
		if (cols == room)
			return cut > 0 ? cut : i;
		if (text[i] == ' ' && !(i > 0 && isdigit((unsigned char)text[i - 1]) && isdigit((unsigned char)text[i + 1])))
			cut = i;
		cols++;
	}
	return len;
}

static int log_lines(const char *text, int room, int *breaks, int max)
{
	int n = 0, at = 0, len = (int)strlen(text);

	while (at < len && n < max) {
		int b = at + log_break(text + at, room);
		breaks[n++] = at;
		at = b;
		while (text[at] == ' ')
			at++;
	}
	return n > 0 ? n : 1;
}

/* One entry's text, with (×N) when it came again. */
static void log_text(const struct ui *ui, const struct ui_log_entry *e, char *text, size_t len)
{
	if (e->repeat > 1)
		snprintf(text, len, "%s (%s%d)", e->text, ui->utf8 ? "\u00d7" : "x", e->repeat);
	else
		snprintf(text, len, "%s", e->text);
}

/* Draws an entry's first n lines from row y; when more would not fit, the last line says so with an ellipsis. */
static void log_entry(struct ui *ui, WINDOW *win, int y, int room, const struct ui_log_entry *e, const char *text,
                      const int *breaks, int n, bool cut)
{
	ui_putf(win, y, 0, LOG_INDENT, ui->role[ROLE_SECONDARY], "%7.1fs ", e->t);
	for (int i = 0; i < n; i++) {
		int end = i + 1 < n ? breaks[i + 1] : (int)strlen(text);
		char part[512];
		/* The last line of a cut entry holds the rest of it, ended in an ellipsis. */
		if (cut && i == n - 1) {
			ui_put_cut(ui, win, y + i, LOG_INDENT, room, ui->role[e->role], text + breaks[i]);
			break;
		}
		snprintf(part, sizeof(part), "%.*s", end - breaks[i], text + breaks[i]);
		ui_put(win, y + i, LOG_INDENT, room, ui->role[e->role], part);
	}
}

/* How far back the newest command is (0: the newest entry); -1 when the log keeps none. */
static int log_last_command(const struct ui_log *log)
{
	for (int k = 0; k < log->n; k++) {
		if (log->entry[(log->head - 1 - k + UI_LOG_MAX) % UI_LOG_MAX].role == ROLE_COMMAND)
			return k;
	}
	return -1;
}

/*
 * --big without a lesson, for the back of a hall: the last command in letters three rows high (in bold
 * text when it is too long for them), and under it the newest message, if it came after, in bold, whole
 * or cut with an ellipsis.  Scrolled back with PgUp, the log is drawn as usual.
 */
static void log_draw_big(struct ui *ui, struct ui_pane *p)
{
	struct ui_log *log = &ui->log;
	WINDOW *win = p->win;
	int w = p->w - 4, y = 0, cmd = log_last_command(log);
	char rows[LETTERS_ROWS][LETTERS_ROW_MAX], text[512];
	enum letters_style style = ui->utf8 ? LETTERS_HALF : LETTERS_ASCII;

	if (cmd >= 0) {
		const struct ui_log_entry *e = &log->entry[(log->head - 1 - cmd + UI_LOG_MAX) % UI_LOG_MAX];
		const char *said = e->text[0] == ':' ? e->text + 1 : e->text;
		int width = letters_width(said, style);
		if (width > 0 && width <= w && p->h > LETTERS_ROWS && letters_draw(said, style, rows)) {
			for (int r = 0; r < LETTERS_ROWS; r++)
				ui_put(win, y++, 2, w, ui->role[ROLE_COMMAND] | A_BOLD, rows[r]);
		} else {
			ui_put_cut(ui, win, y++, 2, w, ui->role[ROLE_COMMAND] | A_BOLD, e->text);
		}
	}
	if (log->n == 0 || cmd == 0)
		return;
	const struct ui_log_entry *e = &log->entry[(log->head - 1 + UI_LOG_MAX) % UI_LOG_MAX];
	int breaks[8];
	log_text(ui, e, text, sizeof(text));
	int n = log_lines(text, w, breaks, 8), room = p->h - y;
	for (int i = 0; i < n && i < room; i++) {
		if (i == room - 1 && i < n - 1) {
			ui_put_cut(ui, win, y + i, 2, w, ui->role[e->role] | A_BOLD, text + breaks[i]);
			break;
		}
		int end = i + 1 < n ? breaks[i + 1] : (int)strlen(text);
		char part[512];
		snprintf(part, sizeof(part), "%.*s", end - breaks[i], text + breaks[i]);
		ui_put(win, y + i, 2, w, ui->role[e->role] | A_BOLD, part);
	}
}

/*
 * Newest at the bottom; long entries wrap under their text, not under the time.  Only whole entries
 * are shown, so no line of the view is a piece of a message; an entry taller than the view shows
 * its beginning.  Scrolled back (PgUp), the entries below the view are hidden and the time column
 * says which way there is more.
 */
static void log_draw(struct ui *ui, struct ui_pane *p)
{
	struct ui_log *log = &ui->log;
	WINDOW *win = p->win;
	int h = p->h, y = h, room = p->w - LOG_INDENT, k;

	if (room < 10)
		return;
	if (ui->opt.big && ui->play == NULL && log->scroll == 0) {
		log_draw_big(ui, p);
		return;
	}
	if (log->scroll > log->n - 1)
		log->scroll = log->n > 0 ? log->n - 1 : 0;
	for (k = log->scroll; k < log->n && y > 0; k++) {
		const struct ui_log_entry *e = &log->entry[(log->head - 1 - k + UI_LOG_MAX) % UI_LOG_MAX];
		char text[512];
		int breaks[8];
		log_text(ui, e, text, sizeof(text));
		int n = log_lines(text, room, breaks, 8);
		if (n > y && k > log->scroll)
			break;   /* not whole: it waits above, for PgUp */
		bool cut = n > y;
		if (cut)
			n = y;
		y -= n;
		log_entry(ui, win, y, room, e, text, breaks, n, cut);
	}
	log->top = k - 1;
	/* Older entries above the view: PgUp shows them, on a row of its own when one is free. */
	if (k < log->n)
		ui_putf(win, 0, 0, LOG_INDENT + (y > 0 ? room : 0), ui->role[ROLE_NOTE], "%s PgUp  %s", ui->g.more_up,
		        y > 0 ? "older messages" : "");
	if (log->scroll > 0)
		ui_putf(win, h - 1, 0, LOG_INDENT, ui->role[ROLE_NOTE], "%s PgDn  ", ui->g.more_down);
}

const struct ui_pane_ops ui_log_ops = {
	.name = "log",
	.shows = UI_LOG,
	.draw = log_draw,
};
