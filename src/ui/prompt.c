/* The ':' prompt: one line editor with history; it runs any command through the command language. */
#include <string.h>

#include <bsd/string.h>

#include "command.h"
#include "prompt.h"

#define CTRL(c) ((c) & 0x1f)

#define PROMPT_MAX 256
#define PROMPT_HISTORY_LINES 64

/* The prompt's own: the line being typed, the lines typed before, and an error it stays open on. */
struct prompt {
	char buf[PROMPT_MAX];
	int len, cur;
	char saved[PROMPT_MAX];             /* what was typed before walking the history */
	char lines[PROMPT_HISTORY_LINES][PROMPT_MAX];
	int nlines, walk;                    /* walk: index while browsing, nlines when not */
	bool has_error;
	int error_column;
	char error[LAB_MSG_MAX + 32];
};

static void prompt_set(struct prompt *p, const char *text)
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
	p->walk = p->nlines;
	prompt_set(p, text);
	return UI_RELAYOUT;
}

static unsigned prompt_close(struct ui *ui, struct prompt *p)
{
	ui->prompting = false;
	p->has_error = false;
	return UI_RELAYOUT;
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

/* The i-th word that may stand nth in a command starting with first: a verb, then the words its record lists. */
static const char *prompt_choice(const char *first, int nth, int i)
{
	if (nth == 0)
		return cmd_entries[i].name;
	const struct cmd_entry *e = nth == 1 ? cmd_entry_find(first) : NULL;
	return e != NULL && e->words != NULL ? e->words[i] : NULL;
}

/* Tab completes the word under the cursor when only one choice fits. */
static void prompt_complete(struct prompt *p)
{
	int start = p->cur, nth = 0;
	char first[CMD_WORD_MAX] = "";

	if (p->cur != p->len)
		return;
	while (start > 0 && p->buf[start - 1] != ' ' && p->buf[start - 1] != ';')
		start--;
	int s = start;
	while (s > 0 && p->buf[s - 1] == ' ')
		s--;
	/* Count the words of this command before the cursor. */
	int cmd_start = s;
	while (cmd_start > 0 && p->buf[cmd_start - 1] != ';')
		cmd_start--;
	for (int i = cmd_start; i < start; i++) {
		if (p->buf[i] != ' ' && (i == cmd_start || p->buf[i - 1] == ' ')) {
			if (nth == 0) {
				int n = (int)strcspn(p->buf + i, " ;");
				if (n >= (int)sizeof(first))
					n = (int)sizeof(first) - 1;
				memcpy(first, p->buf + i, (size_t)n);
				first[n] = '\0';
			}
			nth++;
		}
	}
	const char *match = NULL, *choice;
	int nmatch = 0, wl = p->cur - start;
	for (int i = 0; (choice = prompt_choice(first, nth, i)) != NULL; i++) {
		if (strncmp(choice, p->buf + start, (size_t)wl) == 0) {
			match = choice;
			nmatch++;
		}
	}
	if (nmatch != 1)
		return;
	char text[PROMPT_MAX];
	snprintf(text, sizeof(text), "%.*s%s ", start, p->buf, match);
	prompt_set(p, text);
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
static bool prompt_edit(struct prompt *p, int key)
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
		prompt_complete(p);
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

/* Every key while the prompt is open: Enter runs the line, Esc leaves it, the rest edit it. */
static unsigned prompt_key(struct ui *ui, struct ui_pane *pane, int key)
{
	struct prompt *p = pane->data;
	unsigned change = UI_REDRAW;

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
	if (!prompt_move(p, key) && !prompt_edit(p, key))
		return UI_HANDLED;
	if (p->has_error) {
		p->has_error = false;
		change |= UI_RELAYOUT;
	}
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
	if (!p->has_error)
		return 2;
	int cx = prompt_caret(p, w);
	return 1 + prompt_error_lines(p, w - cx - 3, w, lines, PROMPT_ERROR_ROWS);
}

static void prompt_draw(struct ui *ui, struct ui_pane *pane)
{
	struct prompt *p = pane->data;
	WINDOW *win = pane->win;
	int h = pane->h, w = pane->w, room = w - 2;
	int off = prompt_offset(p, room);

	leaveok(win, FALSE);
	ui_put(win, 0, 0, 1, ui->role[ROLE_KEY], ":");
	ui_put(win, 0, 1, room + 1, ui->role[ROLE_NORMAL], p->buf + off);
	if (h > 1) {
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
			ui_put_first(win, 1, 0, w, ui->role[ROLE_SECONDARY], hint);
		}
	}
	int cur = 1 + p->cur - off;
	wmove(win, 0, cur < w ? cur : w - 1);
}

const struct ui_pane_ops ui_prompt_ops = {
	.name = "prompt",
	.size = sizeof(struct prompt),
	.draw = prompt_draw,
	.key = prompt_key,
	.rows = prompt_rows,
};
