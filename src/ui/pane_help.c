/* The help overlay: a card of the keys and panes on its first page, then every key and pane in detail, searched with '/'. */
#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

#include "help_more.h"
#include "help_text.h"
#include "keys.h"
#include "lesson_play.h"

#define CTRL(c) ((c) & 0x1f)
#define HELP_TERM_MAX 48
#define HELP_HITS_MAX 512

/* The help's own: how far it is scrolled, and the search. */
struct help_view {
	int scroll;
	bool typing;                 /* '/' was pressed: keys type the search */
	char typed[HELP_TERM_MAX];
	char term[HELP_TERM_MAX];    /* what was searched for last; "" none */
	int find;                    /* a search to make at the next draw: 1 on, -1 back, 0 none */
	int at;                      /* the line of the match on show; -1 none */
	bool missing;                /* the term is nowhere in the help */
};


#define HELP_SYNTAX_COLUMN 38

/* Emits one line, or only counts it: the same code lays out and draws. */
struct help_out {
	struct ui *ui;
	WINDOW *win;
	int y, h, w, scroll;
	const char *term;            /* marked where it shows, and its lines noted; NULL none */
	int hits[HELP_HITS_MAX];
	int nhits;
};

/* Where term is in text, as in less: case does not matter.  NULL when it is not. */
static const char *help_find(const char *text, const char *term)
{
	return term != NULL && term[0] != '\0' ? strcasestr(text, term) : NULL;
}

static void help_line(struct help_out *o, int x, attr_t a, const char *text)
{
	int row = o->y - o->scroll;
	const char *hit = help_find(text, o->term);

	if (hit != NULL && o->nhits < HELP_HITS_MAX)
		o->hits[o->nhits++] = o->y;
	if (o->win != NULL && row >= 1 && row < o->h - 1) {
		ui_put(o->win, row, x, o->w - x - 2, a, text);
		/* Each place the term shows, in reverse. */
		for (; hit != NULL; hit = help_find(hit + strlen(o->term), o->term)) {
			char before[512];
			snprintf(before, sizeof(before), "%.*s", (int)(hit - text), text);
			int hx = x + ui_width(before);
			snprintf(before, sizeof(before), "%.*s", (int)strlen(o->term), hit);
			if (hx < o->w - 2)
				ui_put(o->win, row, hx, o->w - 2 - hx, a | A_REVERSE, before);
		}
	}
	o->y++;
}

/* Holds words together: a command is never split across two lines.  Shown as a space. */
#define HELP_GLUE '\x1f'

/*
 * Copies text, with {shade} as the CPU charts' pale glyph and %w as WORKER, and glues the words of
 * each 'quoted command' together.  A quote opens a command only after a space, '(' or the start,
 * so an apostrophe (ptviz's) does not.
 */
static void help_prepare(const struct ui *ui, const char *text, char *out, size_t len)
{
	size_t o = 0;
	bool quoted = false;

	for (const char *p = text; *p != '\0' && o + 1 < len; p++) {
		const char *insert = NULL;
		size_t skip = 0;
		if (strncmp(p, "{shade}", 7) == 0) {
			insert = ui->g.shade;
			skip = 6;
		} else if (p[0] == '%' && p[1] == 'w') {
			insert = "WORKER";
			skip = 1;
		}
		if (insert != NULL) {
			for (; *insert != '\0' && o + 1 < len; insert++)
				out[o++] = *insert;
			p += skip;
			continue;
		}
		if (*p == '\'' && !quoted && (p == text || p[-1] == ' ' || p[-1] == '('))
			quoted = true;
		else if (*p == '\'' && quoted)
			quoted = false;
		out[o++] = quoted && *p == ' ' ? HELP_GLUE : *p;
	}
	out[o] = '\0';
}

static void help_wrap(struct help_out *o, int x, int hang, attr_t a, const char *text)
{
	int width = o->w - x - 3;
	char line[512], buf[2048];
	bool first = true;

	help_prepare(o->ui, text, buf, sizeof(buf));
	text = buf;
	while (*text != '\0') {
		/* Columns, not bytes: the shade glyph is three bytes wide in UTF-8 and one cell on screen. */
		int len = (int)strlen(text);
		int take = len, cols = 0, last_space = 0;
		for (int i = 0; i < len; i++) {
			if (((unsigned char)text[i] & 0xc0) == 0x80)
				continue;
			if (cols == width) {
				take = text[i] == ' ' || last_space == 0 ? i : last_space;
				break;
			}
			if (text[i] == ' ')
				last_space = i;
			cols++;
		}
		if (take == 0) {
			/* No room at all: one character a line, so the loop still ends. */
			take = 1;
			while (((unsigned char)text[take] & 0xc0) == 0x80)
				take++;
		}
		snprintf(line, sizeof(line), "%.*s", take, text);
		for (char *c = line; *c != '\0'; c++) {
			if (*c == HELP_GLUE)
				*c = ' ';
		}
		help_line(o, x, a, line);
		if (first) {
			first = false;
			x += hang;
			width -= hang;
		}
		text += take;
		while (*text == ' ')
			text++;
	}
}

/* One key line: its keys, what it does and, held together at the end, the command it runs. */
static void help_key_line(struct help_out *o, const struct ui_binding *b)
{
	char keys[64], k[16], line[512], cmd[160];

	keys[0] = '\0';
	if (b->keys[0] == 0)
		snprintf(keys, sizeof(keys), "%s", b->name);
	for (int j = 0; j < 4 && b->keys[j] != 0; j++) {
		const char *name = ui_key_name(b->keys[j], k, sizeof(k));
		if (j > 0 && strstr(keys, name) != NULL)
			continue; /* Enter, KEY_ENTER and ^J are one key to the reader */
		if (j > 0)
			strncat(keys, " ", sizeof(keys) - strlen(keys) - 1);
		strncat(keys, name, sizeof(keys) - strlen(keys) - 1);
	}
	if (b->command != NULL) {
		/* "= :" and every word of the command glued, so the command never breaks. */
		size_t n = (size_t)snprintf(cmd, sizeof(cmd), "=%c:", HELP_GLUE);
		for (const char *p = b->command; *p != '\0' && n + 1 < sizeof(cmd); p++)
			cmd[n++] = *p == ' ' ? HELP_GLUE : *p;
		cmd[n] = '\0';
		snprintf(line, sizeof(line), "%-14s %s  %s", keys, b->help, cmd);
	} else {
		snprintf(line, sizeof(line), "%-14s %s", keys, b->help);
	}
	help_wrap(o, 4, 15, o->ui->role[ROLE_NORMAL], line);
}

static void help_keys(struct help_out *o, bool lesson_keys)
{
	for (int i = 0; i < ui_nbindings; i++) {
		const struct ui_binding *b = &ui_bindings[i];
		if ((b->when != UI_WHEN_ALWAYS) == lesson_keys)
			help_key_line(o, b);
	}
}

/* A line of a command's record (src/cmd/verbs.c): its syntax glued and padded to one column, what it does beside it. */
static void help_command(struct help_out *o, const struct cmd_usage *usage)
{
	char syntax[256], line[512];
	int n = 0;

	cmd_usage_text(usage, syntax, sizeof(syntax));
	for (const char *p = syntax; *p != '\0' && n < 200; p++)
		line[n++] = *p == ' ' ? HELP_GLUE : *p;
	if (n >= HELP_SYNTAX_COLUMN - 1) {
		/* Too long for the column: what it does goes on the next line, in the column. */
		line[n] = '\0';
		help_wrap(o, 4, 0, o->ui->role[ROLE_NORMAL], line);
		help_wrap(o, 4 + HELP_SYNTAX_COLUMN, 0, o->ui->role[ROLE_NORMAL], usage->help);
		return;
	}
	while (n < HELP_SYNTAX_COLUMN - 1)
		line[n++] = HELP_GLUE;
	snprintf(line + n, sizeof(line) - (size_t)n, " %s", usage->help);
	help_wrap(o, 4, HELP_SYNTAX_COLUMN, o->ui->role[ROLE_NORMAL], line);
}

/* The card's rows, in the words a lecturer would use for what the keys are for. */
static const char *const help_card_rows[CARD_COUNT] = {
	[CARD_SELECT] = "select", [CARD_START] = "start", [CARD_SYNC] = "guard", [CARD_BREAK] = "break",
	[CARD_STEP] = "step", [CARD_LOOK] = "look", [CARD_LESSON] = "lesson", [CARD_SCREEN] = "screen",
};

/* The panes on the card: one line each. */
static const char *const help_card_panes[] = {
	"THREADS (left): one process; its threads share one counter at one address",
	"PROCESSES (right): each process has its own copy, at the same address",
	"COUNTERS: increments done vs what memory holds: the gap is lost updates",
	"SURVIVORS: who is still running, and who died with whom",
	"log: what happened, when; top line: workload, sync, frames a second, time",
};

/* A key on the card: its keys joined by '/', then its label unless that only repeats the key ("Up up"). */
static void help_card_item(const struct ui_binding *b, char *out, size_t len)
{
	char k[16];

	out[0] = '\0';
	if (b->keys[0] == 0)
		strlcpy(out, b->name, len);
	for (int j = 0; j < 4 && b->keys[j] != 0; j++) {
		const char *name = ui_key_name(b->keys[j], k, sizeof(k));
		if (j > 0 && strstr(out, name) != NULL)
			continue;
		if (j > 0)
			strlcat(out, "/", len);
		strlcat(out, name, len);
	}
	if (strncasecmp(out, b->card_label, strlen(b->card_label)) != 0) {
		strlcat(out, " ", len);
		strlcat(out, b->card_label, len);
	}
}

/*
 * The card's lesson row names what applies now, on one line at 80 columns: without a lesson, how to play
 * one; in a lesson, its keys, and the answer keys of a question only while one waits for them ("1-2 predict").
 */
static void help_card_lesson(struct help_out *o)
{
	char line[256], item[64], keys[16];

	if (o->ui->play == NULL) {
		help_line(o, 2, o->ui->role[ROLE_NORMAL], "lesson   ptviz --lesson NAME plays one, ptviz --lessons lists them");
		return;
	}
	snprintf(line, sizeof(line), "%-9s", help_card_rows[CARD_LESSON]);
	for (int i = 0; i < ui_nbindings; i++) {
		const struct ui_binding *b = &ui_bindings[i];
		if (b->card != CARD_LESSON)
			continue;
		if (b->when == UI_WHEN_ASK) {
			if (ui_play_answer_keys(o->ui, keys, sizeof(keys))[0] == '\0')
				continue;
			snprintf(item, sizeof(item), "%s %s", keys, b->card_label);
		} else {
			help_card_item(b, item, sizeof(item));
		}
		if (line[9] != '\0')
			strlcat(line, "  ", sizeof(line));
		strlcat(line, item, sizeof(line));
	}
	help_line(o, 2, o->ui->role[ROLE_NORMAL], line);
}

/* One row of the card: its name, then its keys, wrapped under the first key when they do not fit. */
static void help_card_row(struct help_out *o, enum ui_card row)
{
	char line[512] = "", item[64];
	int width = o->w - 4 - 3 - 9, used = 0;
	bool named = false;

	if (row == CARD_LESSON) {
		help_card_lesson(o);
		return;
	}
	for (int i = 0; i < ui_nbindings; i++) {
		if (ui_bindings[i].card != row)
			continue;
		help_card_item(&ui_bindings[i], item, sizeof(item));
		if (used > 0 && used + 2 + ui_width(item) > width) {
			help_line(o, 2, o->ui->role[ROLE_NORMAL], line);
			snprintf(line, sizeof(line), "%-9s", "");
			used = 0;
		}
		if (!named) {
			snprintf(line, sizeof(line), "%-9s", help_card_rows[row]);
			named = true;
		}
		if (used > 0)
			strlcat(line, "  ", sizeof(line));
		strlcat(line, item, sizeof(line));
		used += (used > 0 ? 2 : 0) + ui_width(item);
	}
	if (row == CARD_SELECT)
		strlcat(line, "  or a click", sizeof(line));
	if (named)
		help_line(o, 2, o->ui->role[ROLE_NORMAL], line);
}

/* The first page: every key on a row of what it is for, which keys ask, and the panes. */
static void help_card(struct help_out *o)
{
	char asks[160] = "";

	/* In a lesson its keys come first: below the lesson's caption, at 80x24, the card has few rows. */
	bool lesson = o->ui->play != NULL;
	if (lesson)
		help_card_row(o, CARD_LESSON);
	for (int row = CARD_SELECT; row < CARD_COUNT; row++) {
		if (!(lesson && row == CARD_LESSON))
			help_card_row(o, (enum ui_card)row);
	}
	for (int i = 0; i < ui_nbindings; i++) {
		if (ui_bindings[i].asks != NULL) {
			strlcat(asks, asks[0] != '\0' ? " " : "", sizeof(asks));
			strlcat(asks, ui_bindings[i].name, sizeof(asks));
		}
	}
	strlcat(asks, " (q in a lesson or ptviz run) ask first: y/Enter yes, n/Esc no", sizeof(asks));
	help_wrap(o, 2, 9, o->ui->role[ROLE_SECONDARY], asks);
	o->y++;
	for (size_t i = 0; i < sizeof(help_card_panes) / sizeof(help_card_panes[0]); i++)
		help_wrap(o, 2, 4, o->ui->role[ROLE_NORMAL], help_card_panes[i]);
}

/* Every key, pane and command in detail, after the card. */
static void help_detail(struct help_out *o)
{
	struct ui *ui = o->ui;
	bool in_lesson = ui->play != NULL;

	o->y++;
	help_line(o, 2, ui->role[ROLE_TITLE], "In detail");
	help_wrap(o, 2, 0, ui->role[ROLE_SECONDARY],
	          "Threads share one address space; processes each get their own. Break them on purpose and watch "
	          "what each side loses. Keys run commands; the command each one runs is shown after '=', with "
	          "WORKER for the selected worker.");
	/* A lesson's keys lead while one plays; otherwise they wait in their own section after the others. */
	for (int pass = 0; pass < 2; pass++) {
		bool lesson_keys = (pass == 0) == in_lesson;
		o->y++;
		help_line(o, 2, ui->role[ROLE_TITLE], lesson_keys ? "Keys in a lesson" : "Keys");
		help_keys(o, lesson_keys);
		if (!lesson_keys)
			help_wrap(o, 4, 15, ui->role[ROLE_NORMAL],
			          "mouse          click a worker to select it, a key in the bottom bar to press it");
	}
	for (size_t i = 0; i < ui_help_npanes + help_more_count; i++) {
		const struct help_section *s = i < ui_help_npanes ? &ui_help_panes[i] : &help_more[i - ui_help_npanes];
		o->y++;
		help_line(o, 2, ui->role[ROLE_TITLE], s->title);
		help_wrap(o, 4, 0, ui->role[ROLE_NORMAL], s->text);
	}
	o->y++;
	help_line(o, 2, ui->role[ROLE_TITLE], "Commands (after ':')");
	help_wrap(o, 4, 0, ui->role[ROLE_SECONDARY],
	          "GROUP is a group such as T or P; without it a command applies to every group. WORKER is one "
	          "worker, such as T3. Separate commands with ';' or a new line; '#' starts a comment. ':help WORDS' "
	          "opens this help at WORDS.");
	for (const struct cmd_entry *e = cmd_entries; e->name != NULL; e++) {
		for (size_t u = 0; u < sizeof(e->usage) / sizeof(e->usage[0]) && e->usage[u].syntax != NULL; u++)
			help_command(o, &e->usage[u]);
	}
}

/* Lays out (win NULL) or draws the whole help; o->term's lines are noted in o->hits.  Returns its length in lines. */
static int help_render(struct help_out *o)
{
	o->y = 1;
	o->nhits = 0;
	help_line(o, 2, o->ui->role[ROLE_TITLE], "ptviz: real threads and real processes, side by side");
	/* A program on screen: how to read its pane comes first. */
	for (size_t i = 0; program_count(o->ui->lab) > 0 && i < help_program_count; i++) {
		help_line(o, 2, o->ui->role[ROLE_TITLE], help_program[i].title);
		help_wrap(o, 4, 0, o->ui->role[ROLE_NORMAL], help_program[i].text);
		o->y++;
	}
	help_card(o);
	help_detail(o);
	return o->y;
}

/* The search asked for: the next line holding the term after the match on show (or before it), scrolled into view. */
static void help_search(struct ui *ui, struct help_view *v, int h, int w)
{
	static struct help_out o;   /* large: keep it off the stack */
	int room = h - 2, pick = -1;

	o = (struct help_out){ .ui = ui, .h = h, .w = w, .scroll = 1 << 20, .term = v->term };
	help_render(&o);
	v->missing = o.nhits == 0;
	int from = v->at >= 0 ? v->at : v->scroll;
	for (int i = 0; i < o.nhits; i++) {
		if (v->find > 0 && pick < 0 && (v->at >= 0 ? o.hits[i] > from : o.hits[i] >= from + 1))
			pick = o.hits[i];
		if (v->find < 0 && o.hits[i] < from)
			pick = o.hits[i];
	}
	/* Past the last, round to the first again, as less does with a wrapping search. */
	if (pick < 0 && o.nhits > 0)
		pick = v->find > 0 ? o.hits[0] : o.hits[o.nhits - 1];
	v->find = 0;
	if (pick < 0)
		return;
	v->at = pick;
	if (pick - 1 < v->scroll || pick - 1 >= v->scroll + room)
		v->scroll = pick - 1 - room / 3 > 0 ? pick - 1 - room / 3 : 0;
}

/* The bottom border: the search being typed, or what it found, and the keys. */
static void help_footer(struct ui *ui, struct help_view *v, WINDOW *win, int h, int w)
{
	char hint[128], said[96] = "";

	if (v->typing)
		snprintf(said, sizeof(said), " /%s_ ", v->typed);
	else if (v->term[0] != '\0' && v->missing)
		snprintf(said, sizeof(said), " '%s' is not in the help ", v->term);
	else if (v->term[0] != '\0')
		snprintf(said, sizeof(said), " /%s: n next, N back ", v->term);
	if (said[0] != '\0')
		ui_put(win, h - 1, 2, w - 4, v->missing && !v->typing ? ui->role[ROLE_ERROR] : ui->role[ROLE_KEY], said);
	if (v->typing)
		snprintf(hint, sizeof(hint), " Enter finds %s Esc stops ", ui->g.dot);
	else
		snprintf(hint, sizeof(hint), " PgDn details %s / search %s Esc closes ", ui->g.dot, ui->g.dot);
	int hw = ui_width(hint);
	if (ui_width(said) + hw + 4 <= w)
		ui_put(win, h - 1, w - 2 - hw, hw, ui->role[ROLE_NOTE], hint);
}

static void help_draw(struct ui *ui, struct ui_pane *p)
{
	struct help_view *v = p->data;
	static struct help_out o;   /* large: keep it off the stack */
	WINDOW *win = p->win;
	int h = p->h, w = p->w, room = h - 2;

	if (v->find != 0)
		help_search(ui, v, h, w);
	o = (struct help_out){ .ui = ui, .h = h, .w = w, .scroll = 1 << 20 };
	int total = help_render(&o);
	if (v->scroll > total - room)
		v->scroll = total - room;
	if (v->scroll < 0)
		v->scroll = 0;
	ui_box(ui, win, 0, 0, h, w);
	ui_put(win, 0, 2, w - 4, ui->role[ROLE_TITLE], " HELP ");
	o = (struct help_out){ .ui = ui, .win = win, .h = h, .w = w, .scroll = v->scroll,
		               .term = v->term[0] != '\0' && !v->missing ? v->term : NULL };
	help_render(&o);
	help_footer(ui, v, win, h, w);
}

/* A key while the search is typed: letters add, Backspace takes back, Enter finds, Esc stops. */
static unsigned help_typing_key(struct ui *ui, struct help_view *v, int key)
{
	size_t n = strlen(v->typed);

	(void)ui;
	switch (key) {
	case CTRL('c'):
		return UI_QUIT;
	case 27:
	case CTRL('g'):
		v->typing = false;
		break;
	case '\r':
	case '\n':
	case KEY_ENTER:
		v->typing = false;
		if (v->typed[0] != '\0') {
			strlcpy(v->term, v->typed, sizeof(v->term));
			v->at = -1;
			v->find = 1;
		}
		break;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (n == 0)
			v->typing = false;
		else
			v->typed[n - 1] = '\0';
		break;
	default:
		if (key >= 32 && key < 127 && n + 1 < sizeof(v->typed)) {
			v->typed[n] = (char)key;
			v->typed[n + 1] = '\0';
		}
		break;
	}
	return UI_REDRAW | UI_HANDLED;
}

static unsigned help_key(struct ui *ui, struct ui_pane *p, int key)
{
	struct help_view *v = p->data;
	int page = p->h - 3;

	if (v->typing)
		return help_typing_key(ui, v, key);
	switch (key) {
	case 27:
	case 'q':
	case '?':
	case KEY_F(1):
		ui_overlay(ui, PANE_COUNT);
		return UI_HANDLED;
	case '/':
		v->typing = true;
		v->typed[0] = '\0';
		return UI_REDRAW | UI_HANDLED;
	case 'n':
	case 'N':
		if (v->term[0] == '\0')
			return 0;
		v->find = key == 'n' ? 1 : -1;
		return UI_REDRAW | UI_HANDLED;
	}
	return ui_scroll_key(key, &v->scroll, page) ? UI_REDRAW : 0;
}

static void help_open(struct ui *ui, struct ui_pane *p)
{
	struct help_view *v = p->data;

	(void)ui;
	*v = (struct help_view){ .at = -1 };
}

bool ui_help_typing(const struct ui *ui)
{
	const struct help_view *v = ui->pane[PANE_HELP].data;

	return ui->overlay == PANE_HELP && v != NULL && v->typing;
}

unsigned ui_help_open(struct ui *ui, const char *words)
{
	struct help_view *v = ui->pane[PANE_HELP].data;

	ui_overlay(ui, PANE_HELP);
	if (words != NULL && words[0] != '\0') {
		strlcpy(v->term, words, sizeof(v->term));
		v->at = -1;
		v->find = 1;
	}
	return UI_HANDLED;
}

const struct ui_pane_ops ui_help_ops = {
	.name = "help",
	.size = sizeof(struct help_view),
	.shows = UI_FRAME,
	.draw = help_draw,
	.key = help_key,
	.open = help_open,
};
