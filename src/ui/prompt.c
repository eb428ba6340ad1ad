/* The ':' prompt: one line editor with history and completion; it runs any command through the command language, and asks before a key ends workers. */
#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

#include "command.h"
#include "prompt.h"
#include "prompt_priv.h"

#define CTRL(c) ((c) & 0x1f)

void prompt_set(struct prompt *p, const char *text)
{
	strlcpy(p->buf, text, sizeof(p->buf));
	p->len = (int)strlen(p->buf);
	p->cur = p->len;
}

unsigned ui_prompt_open(struct ui *ui, const char *text)
{
	struct prompt *p = ui->pane[PANE_PROMPT].data;

	ui->prompting = true;
	p->has_error = false;
	p->asking = false;
	p->nchoices = 0;
	p->no_choice[0] = '\0';
	p->walk = p->nlines;
	prompt_set(p, text);
	return UI_RELAYOUT;
}

unsigned ui_prompt_ask(struct ui *ui, const char *question, const char *command)
{
	struct prompt *p = ui->pane[PANE_PROMPT].data;

	ui_prompt_open(ui, "");
	p->asking = true;
	strlcpy(p->question, question, sizeof(p->question));
	strlcpy(p->command, command, sizeof(p->command));
	return UI_RELAYOUT;
}

static unsigned prompt_close(struct ui *ui, struct prompt *p)
{
	ui->prompting = false;
	p->has_error = false;
	p->asking = false;
	p->nchoices = 0;
	p->no_choice[0] = '\0';
	return UI_RELAYOUT;
}

/* The answer to a question: y or Enter does it, Ctrl-C leaves at once, any other key keeps everything. */
static unsigned prompt_answer(struct ui *ui, struct prompt *p, int key)
{
	struct cmd_error err;
	char command[sizeof(p->command)];

	strlcpy(command, p->command, sizeof(command));
	if (key == CTRL('c'))
		return prompt_close(ui, p) | UI_QUIT;
	unsigned change = prompt_close(ui, p);
	if (key == 'y' || key == 'Y' || key == '\r' || key == '\n' || key == KEY_ENTER) {
		if (strcmp(command, "quit") == 0)
			return change | UI_QUIT;
		ui_command(ui, command, &err);
		return change;
	}
	ui_log(ui, ROLE_NOTE, "answered no, nothing was done: %s", p->question);
	return change;
}

static void prompt_remember(struct prompt *p)
{
	if (p->nlines > 0 && strcmp(p->lines[p->nlines - 1], p->buf) == 0)
		return;
	if (p->nlines == PROMPT_HISTORY_LINES) {
		memmove(p->lines[0], p->lines[1], sizeof(p->lines[0]) * (PROMPT_HISTORY_LINES - 1));
		p->nlines--;
	}
	strlcpy(p->lines[p->nlines++], p->buf, sizeof(p->lines[0]));
}

static void prompt_insert(struct prompt *p, char ch)
{
	if (p->len + 1 >= PROMPT_MAX)
		return;
	memmove(p->buf + p->cur + 1, p->buf + p->cur, (size_t)(p->len - p->cur + 1));
	p->buf[p->cur++] = ch;
	p->len++;
}

static void prompt_delete(struct prompt *p, int from, int to)
{
	if (from < 0 || to > p->len || from >= to)
		return;
	memmove(p->buf + from, p->buf + to, (size_t)(p->len - to + 1));
	p->len -= to - from;
	if (p->cur > to)
		p->cur -= to - from;
	else if (p->cur > from)
		p->cur = from;
}

static unsigned prompt_run(struct ui *ui, struct prompt *p)
{
	struct cmd_error err;

	if (p->len == 0)
		return prompt_close(ui, p);
	prompt_remember(p);
	p->walk = p->nlines;
	if (ui_command(ui, p->buf, &err))
		return ui->prompting ? prompt_close(ui, p) : UI_HANDLED;
	/* Stay open with the text, so the mistake can be fixed where it is. */
	p->has_error = true;
	p->error_column = err.column;
	strlcpy(p->error, err.message, sizeof(p->error));
	return UI_RELAYOUT;   /* a long error wraps onto rows of its own */
}

/* Up and Down: the lines typed before, the one being typed kept aside while walking them. */
static void prompt_walk(struct prompt *p, int by)
{
	if (by < 0 && p->walk > 0) {
		if (p->walk == p->nlines)
			strlcpy(p->saved, p->buf, sizeof(p->saved));
		prompt_set(p, p->lines[--p->walk]);
	} else if (by > 0 && p->walk < p->nlines) {
		p->walk++;
		prompt_set(p, p->walk == p->nlines ? p->saved : p->lines[p->walk]);
	}
}

/* Moves the cursor or walks the history; false when the key does neither. */
static bool prompt_move(struct prompt *p, int key)
{
	switch (key) {
	case KEY_LEFT:
	case CTRL('b'):
		if (p->cur > 0)
			p->cur--;
		return true;
	case KEY_RIGHT:
	case CTRL('f'):
		if (p->cur < p->len)
			p->cur++;
		return true;
	case KEY_HOME:
	case CTRL('a'):
		p->cur = 0;
		return true;
	case KEY_END:
	case CTRL('e'):
		p->cur = p->len;
		return true;
	case KEY_UP:
		prompt_walk(p, -1);
		return true;
	case KEY_DOWN:
		prompt_walk(p, 1);
		return true;
	default:
		return false;
	}
}

/* Deletes, completes or types; false when the key does none of these. */
static bool prompt_edit(struct ui *ui, struct prompt *p, int key)
{
	int s = p->cur;

	switch (key) {
	case KEY_BACKSPACE:
	case 127:
	case CTRL('h'):
		prompt_delete(p, p->cur - 1, p->cur);
		return true;
	case KEY_DC:
	case CTRL('d'):
		prompt_delete(p, p->cur, p->cur + 1);
		return true;
	case CTRL('u'):
		prompt_delete(p, 0, p->cur);
		return true;
	case CTRL('w'):
		while (s > 0 && p->buf[s - 1] == ' ')
			s--;
		while (s > 0 && p->buf[s - 1] != ' ')
			s--;
		prompt_delete(p, s, p->cur);
		return true;
	case '\t':
		prompt_complete(ui, p);
		return true;
	default:
		/* No command holds a ':': after an error, a ':' typed from habit starts a fresh line. */
		if (key == ':' && p->has_error)
			prompt_set(p, "");
		else if (key >= 32 && key < 127)
			prompt_insert(p, (char)key);
		else
			return false;
		return true;
	}
}

/* Every key while the prompt is open: Enter runs the line, Esc leaves it, the rest edit it; a question takes its answer. */
static unsigned prompt_key(struct ui *ui, struct ui_pane *pane, int key)
{
	struct prompt *p = pane->data;
	unsigned change = UI_REDRAW;
	bool listed = p->nchoices > 0 || p->no_choice[0] != '\0';

	if (p->asking)
		return prompt_answer(ui, p, key) | UI_HANDLED;
	switch (key) {
	case '\r':
	case '\n':
	case KEY_ENTER:
		return prompt_run(ui, p) | UI_HANDLED;
	case 27:
	case CTRL('c'):
	case CTRL('g'):
		return prompt_close(ui, p);
	case KEY_BACKSPACE:
	case 127:
	case CTRL('h'):
		if (p->len == 0)
			return prompt_close(ui, p);
		break;
	}
	p->nchoices = 0;
	p->no_choice[0] = '\0';
	if (!prompt_move(p, key) && !prompt_edit(ui, p, key))
		return listed ? UI_RELAYOUT : UI_HANDLED;
	if (p->has_error) {
		p->has_error = false;
		change |= UI_RELAYOUT;
	}
	/* The list of choices opens or closes a line above the input. */
	if (listed != (p->nchoices > 0 || p->no_choice[0] != '\0'))
		change |= UI_RELAYOUT;
	return change;
}

#define PROMPT_ERROR_ROWS 4

/* The error under the caret: " column N: message", wrapped at words in rows of width w. */
static int prompt_error_lines(const struct prompt *p, int first, int w, char lines[][256], int max)
{
	char text[LAB_MSG_MAX + 64];
	const char *s = text;
	int n = 0, room = first;

	snprintf(text, sizeof(text), "column %d: %s", p->error_column, p->error);
	while (*s != '\0' && n < max) {
		int len = (int)strlen(s), take = len;
		if (room < 8) {
			/* Not even a word after the caret: the message starts on the next row. */
			lines[n++][0] = '\0';
			room = w - 2;
			continue;
		}
		if (take > room) {
			take = room;
			while (take > 0 && s[take] != ' ')
				take--;
			if (take == 0)
				take = room;
		}
		snprintf(lines[n++], 256, "%.*s", take, s);
		s += take;
		while (*s == ' ')
			s++;
		room = w - 2;
	}
	return n;
}

/* Where the input is shown from: the cursor in view, and an error's column too. */
static int prompt_offset(const struct prompt *p, int room)
{
	int off = p->cur > room ? p->cur - room : 0;

	if (p->has_error) {
		int ec = p->error_column - 1;
		if (ec < off)
			off = ec - room / 4 > 0 ? ec - room / 4 : 0;
		if (ec >= off + room)
			off = ec - room + 1;
	}
	return off;
}

static int prompt_caret(const struct prompt *p, int w)
{
	int off = prompt_offset(p, w - 2);
	int cx = 1 + p->error_column - 1 - off;

	return cx < 1 ? 1 : cx >= w ? w - 1 : cx;
}

/* Rows the prompt needs at width w: its line, and the hint or the error wrapped under it. */
static int prompt_rows(const struct ui *ui, const struct ui_pane *pane, int w)
{
	const struct prompt *p = pane->data;
	char lines[PROMPT_ERROR_ROWS][256];

	(void)ui;
	if (p->asking)
		return 1;
	if (p->nchoices > 0 || p->no_choice[0] != '\0')
		return 3;
	if (!p->has_error)
		return 2;
	int cx = prompt_caret(p, w);
	return 1 + prompt_error_lines(p, w - cx - 3, w, lines, PROMPT_ERROR_ROWS);
}

/* The question, and how to answer it, on the one line: briefly (y/n) when the whole would not fit. */
static void prompt_draw_question(struct ui *ui, struct prompt *p, WINDOW *win, int w)
{
	int qw = ui_width(p->question);

	if (qw + 23 > w) {
		int x = ui_put_cut(ui, win, 0, 0, w - 5, ui->role[ROLE_ERROR] | A_BOLD, p->question);
		x += ui_put(win, 0, x, w - x, ui->role[ROLE_NORMAL], " ");
		x += ui_put(win, 0, x, w - x, ui->role[ROLE_KEY], "y");
		x += ui_put(win, 0, x, w - x, ui->role[ROLE_KEYLABEL], "/");
		x += ui_put(win, 0, x, w - x, ui->role[ROLE_KEY], "n");
		wmove(win, 0, x < w ? x : w - 1);
		return;
	}
	int x = ui_put(win, 0, 0, w, ui->role[ROLE_ERROR] | A_BOLD, p->question);
	x += ui_put(win, 0, x, w - x, ui->role[ROLE_NORMAL], "  ");
	x += ui_put(win, 0, x, w - x, ui->role[ROLE_KEY], "y");
	x += ui_put(win, 0, x, w - x, ui->role[ROLE_KEYLABEL], "/");
	x += ui_put(win, 0, x, w - x, ui->role[ROLE_KEY], "Enter");
	x += ui_put(win, 0, x, w - x, ui->role[ROLE_KEYLABEL], " yes  ");
	x += ui_put(win, 0, x, w - x, ui->role[ROLE_KEY], "n");
	x += ui_put(win, 0, x, w - x, ui->role[ROLE_KEYLABEL], "/");
	x += ui_put(win, 0, x, w - x, ui->role[ROLE_KEY], "Esc");
	x += ui_put(win, 0, x, w - x, ui->role[ROLE_KEYLABEL], " no");
	wmove(win, 0, x < w ? x : w - 1);
}

/* Tab's words on one line: as many as fit, then how many more. */
static void prompt_draw_choices(struct ui *ui, struct prompt *p, WINDOW *win, int w)
{
	int x = ui_put(win, 0, 0, w, ui->role[ROLE_SECONDARY], "Tab: ");
	char more[32];

	if (p->no_choice[0] != '\0') {
		ui_put_cut(ui, win, 0, x, w - x, ui->role[ROLE_NOTE], p->no_choice);
		return;
	}
	for (int i = 0; i < p->nchoices; i++) {
		int left = p->choices_total - i - 1;
		snprintf(more, sizeof(more), " +%d more", left);
		int room = w - x - (left > 0 ? ui_width(more) : 0);
		if (ui_width(p->choices[i]) + 1 > room) {
			snprintf(more, sizeof(more), "+%d more", p->choices_total - i);
			ui_put(win, 0, x, w - x, ui->role[ROLE_SECONDARY], more);
			return;
		}
		x += ui_put(win, 0, x, w - x, ui->role[ROLE_NORMAL], p->choices[i]);
		x += ui_put(win, 0, x, w - x, ui->role[ROLE_NORMAL], " ");
	}
}

static void prompt_draw(struct ui *ui, struct ui_pane *pane)
{
	struct prompt *p = pane->data;
	WINDOW *win = pane->win;
	int h = pane->h, w = pane->w, room = w - 2;
	int off = prompt_offset(p, room), top = 0;

	leaveok(win, FALSE);
	if (p->asking) {
		prompt_draw_question(ui, p, win, w);
		return;
	}
	if ((p->nchoices > 0 || p->no_choice[0] != '\0') && h >= 3) {
		prompt_draw_choices(ui, p, win, w);
		top = 1;
	}
	ui_put(win, top, 0, 1, ui->role[ROLE_KEY], ":");
	ui_put(win, top, 1, room + 1, ui->role[ROLE_NORMAL], p->buf + off);
	if (h > top + 1) {
		if (p->has_error) {
			/* The caret sits under the character the error names, even when the line has scrolled. */
			char lines[PROMPT_ERROR_ROWS][256];
			int cx = prompt_caret(p, w);
			int n = prompt_error_lines(p, w - cx - 3, w, lines, h - 1 < PROMPT_ERROR_ROWS ? h - 1 : PROMPT_ERROR_ROWS);
			int x = ui_put(win, 1, cx, w - cx, ui->role[ROLE_ERROR], "^");
			if (n > 0 && lines[0][0] != '\0')
				ui_putf(win, 1, cx + x, w - cx - x, ui->role[ROLE_ERROR], " %s", lines[0]);
			for (int i = 1; i < n && 1 + i < h; i++)
				ui_put(win, 1 + i, 2, w - 2, ui->role[ROLE_ERROR], lines[i]);
		} else {
			static const char *const hint[] = {
				"Enter runs  Esc cancels  Up/Down history  Tab completes   e.g. spawn threads 8; sync mutex T",
				"Enter runs  Esc cancels  Up/Down history  Tab completes",
				"Enter runs  Esc cancels  Up/Down history",
				NULL,
			};
			ui_put_first(win, top + 1, 0, w, ui->role[ROLE_SECONDARY], hint);
		}
	}
	int cur = 1 + p->cur - off;
	wmove(win, top, cur < w ? cur : w - 1);
}

const struct ui_pane_ops ui_prompt_ops = {
	.name = "prompt",
	.size = sizeof(struct prompt),
	.draw = prompt_draw,
	.key = prompt_key,
	.rows = prompt_rows,
};
