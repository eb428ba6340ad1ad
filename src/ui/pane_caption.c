/* The caption bar: what a lesson says now, big and high-contrast, with where the lesson is and what comes next. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

#include "../view/letters.h"
#include "lesson_play.h"

#define CAPTION_MARGIN 2
#define CAPTION_LINES_MAX 16
/* Rows the large figures below keep in presenter mode while a step shows its measurement: the counter and the lost updates in large digits. */
#define CAPTION_BIG_KEEP 14

/*
 * What presenter mode gives up, first to last, when the bar would take more than its rows: the headline's
 * large letters, the caption's words, each group's how (threads, sync), the answer's why, the headline,
 * the answer itself.  A level drops that many, in that order; the measured figures stay.
 */
enum caption_drop { DROP_LETTERS, DROP_CAPTION, DROP_HOW, DROP_WHY, DROP_HEADLINE, DROP_ANSWER, DROP_ALL };

/* One group's measured figures, for the table in large letters: "T 18.9M WAS 99.4M". */
struct caption_fig {
	char name[LAB_NAME_MAX + 1];
	char now[24], was[24];      /* the rate shortened for large letters; was "" when not measured before */
	char how[64], was_how[64];  /* "4 threads, sync mutex" */
};

/* The step's measurement and the one before it, read back from their wording; n 0 when it has none. */
struct caption_table {
	int n;
	char over[16], was_over[16];
	struct caption_fig f[LAB_MAX_GROUPS];
};

/* Emits lines, or only counts them when win is NULL: the same code lays out and draws. */
struct caption_out {
	const struct ui *ui;
	WINDOW *win;
	int y, h, w;
	int level;                    /* how much presenter mode dropped (enum caption_drop) */
	const struct caption_table *table;   /* the figures in large letters; NULL: as words */
};

/* Whether the part is still shown at the out's level. */
static bool caption_keeps(const struct caption_out *o, enum caption_drop part)
{
	return o->level <= (int)part;
}

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

/* "18.9 million" as large letters can hold it, "18.9M"; "1 310" as "1310".  False when it cannot. */
static bool caption_short_rate(const char *rate, size_t n, char *buf, size_t len)
{
	static const char *const words[][2] = { { " billion", "G" }, { " million", "M" }, { " thousand", "K" } };
	char num[32];
	const char *unit = "";
	size_t o = 0;

	if (n >= sizeof(num))
		return false;
	snprintf(num, sizeof(num), "%.*s", (int)n, rate);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t wl = strlen(words[i][0]);
		if (n > wl && strcmp(num + n - wl, words[i][0]) == 0) {
			num[n - wl] = '\0';
			unit = words[i][1];
			break;
		}
	}
	for (const char *c = num; *c != '\0'; c++) {
		if (*c == ' ')
			continue;
		if ((!isdigit((unsigned char)*c) && *c != '.' && *c != '-') || o + 3 >= len)
			return false;
		buf[o++] = *c;
	}
	if (o == 0)
		return false;
	snprintf(buf + o, len - o, "%s", unit);
	return true;
}

/* The group named name in the table, added when it is not there yet (unless only looking); NULL when full. */
static struct caption_fig *caption_fig_of(struct caption_table *t, const char *name, size_t n, bool add)
{
	for (int i = 0; i < t->n; i++) {
		if (strlen(t->f[i].name) == n && strncmp(t->f[i].name, name, n) == 0)
			return &t->f[i];
	}
	if (!add || t->n == LAB_MAX_GROUPS)
		return NULL;
	struct caption_fig *f = &t->f[t->n++];
	memset(f, 0, sizeof(*f));
	if (n >= sizeof(f->name))
		n = sizeof(f->name) - 1;
	memcpy(f->name, name, n);
	f->name[n] = '\0';
	return f;
}

/*
 * Reads a measurement as lesson_measure.c words it, "increments per second over 3 s: T 18.9 million
 * (4 threads, sync mutex), P ...", into the table: the step's own (was false) adds its groups, the one
 * before (was true) fills in theirs.  False when the text is not a whole measurement.
 */
static bool caption_read(struct caption_table *t, const char *text, bool was)
{
	static const char head[] = "increments per second over ";
	const char *at = text + sizeof(head) - 1, *colon;

	if (strncmp(text, head, sizeof(head) - 1) != 0 || (colon = strstr(at, " s:")) == NULL)
		return false;
	snprintf(was ? t->was_over : t->over, sizeof(t->over), "%.*s", (int)(colon - at), at);
	at = colon + 3;
	while (*at != '\0') {
		while (*at == ',' || *at == ' ')
			at++;
		const char *sp = strchr(at, ' '), *open = strstr(at, " ("), *close = open != NULL ? strchr(open, ')') : NULL;
		if (sp == NULL || open == NULL || close == NULL || sp >= open || sp - at > LAB_NAME_MAX)
			return false;
		struct caption_fig *f = caption_fig_of(t, at, (size_t)(sp - at), !was);
		if (f != NULL) {
			if (!caption_short_rate(sp + 1, (size_t)(open - sp - 1), was ? f->was : f->now, sizeof(f->now)))
				return false;
			snprintf(was ? f->was_how : f->how, sizeof(f->how), "%.*s", (int)(close - open - 2), open + 2);
		}
		at = close + 1;
	}
	return true;
}

/* Where the table's columns go: name, the rate now (right-aligned), WAS, the rate before; the columns it takes. */
struct caption_cols {
	int name, now_end, was_word, was_end, end;
};

static bool caption_table_cols(const struct caption_table *t, int w, struct caption_cols *c)
{
	int name = 0, now = 0, was = 0;

	for (int i = 0; i < t->n; i++) {
		int a = letters_width(t->f[i].name, LETTERS_HALF), b = letters_width(t->f[i].now, LETTERS_HALF);
		int d = t->f[i].was[0] != '\0' ? letters_width(t->f[i].was, LETTERS_HALF) : 0;
		if (a < 0 || b < 0 || d < 0)
			return false;
		name = a > name ? a : name;
		now = b > now ? b : now;
		was = d > was ? d : was;
	}
	c->name = CAPTION_MARGIN;
	c->now_end = c->name + name + 2 + now;
	c->was_word = c->now_end + 3;
	c->was_end = c->was_word + letters_width("was", LETTERS_HALF) + 2 + was;
	c->end = was > 0 ? c->was_end : c->now_end;
	return t->n > 0 && c->end <= w - CAPTION_MARGIN;
}

/* Draws text in large letters at row o->y + its x, right-aligned to the column's end when right > 0. */
static void caption_cell(struct caption_out *o, int x, int right, attr_t a, const char *text)
{
	char rows[LETTERS_ROWS][LETTERS_ROW_MAX];

	if (o->win == NULL || text[0] == '\0' || !letters_draw(text, o->ui->utf8 ? LETTERS_HALF : LETTERS_ASCII, rows))
		return;
	if (right > 0)
		x = right - letters_width(text, LETTERS_HALF);
	for (int r = 0; r < LETTERS_ROWS && o->y + r < o->h; r++)
		ui_put(o->win, o->y + r, x, o->w - x, a, rows[r]);
}

/* What changed since the measurement before: "sync none" of "4 threads, sync none" when the workers are the same. */
static const char *caption_how_changed(const struct caption_fig *f)
{
	const char *now = strrchr(f->how, ','), *was = strrchr(f->was_how, ',');

	if (now != NULL && was != NULL && now - f->how == was - f->was_how &&
	    strncmp(f->how, f->was_how, (size_t)(now - f->how)) == 0)
		return was + 2;
	return f->was_how;
}

/* A group's how beside its figures ("4 threads, sync mutex", then "was sync none"), or under the table. */
static void caption_how(const struct caption_fig *f, char *buf, size_t len, bool beside, int row)
{
	bool changed = f->was[0] != '\0' && strcmp(f->how, f->was_how) != 0;
	const char *was = changed ? caption_how_changed(f) : "";

	if (!beside)
		snprintf(buf, len, "%s %s%s%s", f->name, f->how, changed ? ", was " : "", was);
	else if (row == 0)
		snprintf(buf, len, "%s", f->how);
	else
		snprintf(buf, len, "%s%s", row == 1 && changed ? "was " : "", row == 1 ? was : "");
}

/*
 * Presenter mode: the step's measured figures in large letters, a group a line ("T 18.9M WAS 99.4M"), the
 * rate now and the rate before aligned for comparing; which rate and over how long in words above; each
 * group's how beside its line when there is room, else in one line under the table.
 */
static void caption_table_draw(struct caption_out *o)
{
	const struct caption_table *t = o->table;
	const struct ui *ui = o->ui;
	const char *mark = ui->utf8 ? "\u25b8" : ">";
	attr_t a = ui->role[ROLE_CAPTION] | A_BOLD, plain = ui->role[ROLE_CAPTION];
	struct caption_cols c;
	char text[512], how[160];
	bool any_was = false, beside = true;

	caption_table_cols(t, o->w, &c);
	for (int i = 0; i < t->n; i++) {
		any_was |= t->f[i].was[0] != '\0';
		for (int r = 0; r < 2; r++) {
			caption_how(&t->f[i], how, sizeof(how), true, r);
			beside &= c.end + 3 + ui_width(how) <= o->w - CAPTION_MARGIN;
		}
	}
	if (any_was)
		snprintf(text, sizeof(text), "increments per second over %s s %s was: the measurement before, over %s s",
		         t->over, ui->g.dot, t->was_over);
	else
		snprintf(text, sizeof(text), "increments per second over %s s", t->over);
	caption_text(o, mark, plain, text);
	for (int i = 0; i < t->n; i++) {
		const struct caption_fig *f = &t->f[i];
		for (int r = 0; r < LETTERS_ROWS && o->win != NULL && o->y + r < o->h; r++) {
			ui_fill(o->win, o->y + r, 0, o->w, plain);
			caption_how(f, how, sizeof(how), true, r);
			if (beside && caption_keeps(o, DROP_HOW))
				ui_put(o->win, o->y + r, c.end + 3, o->w - c.end - 3 - CAPTION_MARGIN, plain, how);
		}
		caption_cell(o, c.name, 0, a, f->name);
		caption_cell(o, 0, c.now_end, a, f->now);
		if (f->was[0] != '\0') {
			caption_cell(o, c.was_word, 0, plain, "was");
			caption_cell(o, 0, c.was_end, a, f->was);
		}
		o->y += LETTERS_ROWS;
	}
	if (beside || !caption_keeps(o, DROP_HOW))
		return;
	size_t n = 0;
	text[0] = '\0';
	for (int i = 0; i < t->n; i++) {
		caption_how(&t->f[i], how, sizeof(how), false, 0);
		n += (size_t)snprintf(text + n, n < sizeof(text) ? sizeof(text) - n : 0, "%s%s", i > 0 ? "  " : "", how);
		if (n >= sizeof(text))
			break;
	}
	caption_text(o, NULL, 0, text);
}

/* Presenter mode: the step's headline in letters three rows high, a blank row between its lines. */
static void caption_headline(struct caption_out *o)
{
	const struct ui *ui = o->ui;
	const char *text = ui->play->headline;
	int starts[2], lens[2], w = o->w - 2 * CAPTION_MARGIN;
	attr_t a = ui->role[ROLE_CAPTION] | A_BOLD;

	if (!ui->opt.big || text[0] == '\0' || !caption_keeps(o, DROP_HEADLINE))
		return;
	enum letters_style style = ui->utf8 ? LETTERS_HALF : LETTERS_ASCII;
	/*
	 * At most two lines of letters (7 rows), one above measured figures, which need the room more; a
	 * headline longer than that is shown as it is written.
	 */
	int n = caption_keeps(o, DROP_LETTERS) ? letters_wrap(text, style, w, starts, lens, o->table != NULL ? 1 : 2) : 0;
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

/* Presenter mode: the step's figures as a table in large letters, when they read as one and it fits w. */
static bool caption_table_for(const struct ui *ui, int w, struct caption_table *t)
{
	const struct ui_play *p = ui->play;
	struct caption_cols c;

	memset(t, 0, sizeof(*t));
	if (!ui->opt.big || p->figures[0] == '\0' || !caption_read(t, p->figures, false) || t->n == 0)
		return false;
	if (p->before[0] != '\0' && !caption_read(t, p->before, true)) {
		/* The measurement before cannot be read back: the table goes without it. */
		for (int i = 0; i < t->n; i++)
			t->f[i].was[0] = t->f[i].was_how[0] = '\0';
	}
	/* The progress line, the words above and a line per group, in what the groups' large digits leave. */
	int room = ui->rows - (ui->opt.no_keybar ? 0 : 1) - CAPTION_BIG_KEEP;
	if (room > ui->rows * 2 / 3)
		room = ui->rows * 2 / 3;
	return 2 + t->n * LETTERS_ROWS <= room && caption_table_cols(t, w, &c);
}

/* Draws the caption bar, or with win NULL only counts the rows it needs, at a level of what it drops. */
static int caption_render(const struct ui *ui, WINDOW *win, int h, int w, int level)
{
	const struct ui_play *p = ui->play;
	struct caption_table table;
	struct caption_out o = { ui, win, 0, h, w, level, NULL };
	/* Room to breathe around the words, when the screen has it. */
	bool roomy = ui->rows >= 34;

	if (p == NULL)
		return 0;
	if (caption_table_for(ui, w, &table))
		o.table = &table;
	caption_progress(&o);
	if (roomy)
		caption_blank(&o);
	caption_headline(&o);
	/* In presenter mode an empty caption takes no row: the headline or the figures below have it. */
	if ((!ui->opt.big || p->caption[0] != '\0') && caption_keeps(&o, DROP_CAPTION))
		caption_text(&o, NULL, 0, p->caption);
	if (o.table != NULL)
		caption_table_draw(&o);
	else if (p->figures[0] != '\0')
		caption_text(&o, ui->utf8 ? "\u25b8" : ">", ui->role[ROLE_CAPTION], p->figures);
	if (o.table == NULL && p->figures[0] != '\0' && p->before[0] != '\0') {
		char before[sizeof(p->before) + 16];
		snprintf(before, sizeof(before), "before: %s", p->before);
		caption_text(&o, ui->utf8 ? "\u25b8" : ">", ui->role[ROLE_CAPTION], before);
	}
	if (p->ask >= 0 && p->state != PLAY_ASK && !(p->state == PLAY_WAIT && p->then == THEN_ASK_PASSED) &&
	    caption_keeps(&o, DROP_ANSWER)) {
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
			if (caption_keeps(&o, DROP_WHY))
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

/*
 * The most rows the bar may take: half the screen, two thirds in presenter mode, where it holds the
 * headline; and while a step shows its figures in large letters, what leaves the groups' large digits
 * below their rows.
 */
static int caption_most(const struct ui *ui, int w)
{
	struct caption_table t;

	if (!ui->opt.big)
		return (ui->rows - 1) / 2;
	int most = ui->rows * 2 / 3, bar = ui->opt.no_keybar ? 0 : 1;
	if (caption_table_for(ui, w, &t) && ui->rows - bar - CAPTION_BIG_KEEP < most)
		most = ui->rows - bar - CAPTION_BIG_KEEP;
	return most;
}

/*
 * How much presenter mode drops (enum caption_drop) so that the bar fits: nothing when it fits as it is.
 * A step without a table of figures drops at most the headline's letters; with one, everything but the figures.
 */
static int caption_level(const struct ui *ui, int w)
{
	struct caption_table t;

	if (!ui->opt.big)
		return 0;
	int most = caption_most(ui, w), last = caption_table_for(ui, w, &t) ? DROP_ALL : DROP_CAPTION;
	for (int level = 0; level < last; level++) {
		if (caption_render(ui, NULL, 0, w, level) <= most)
			return level;
	}
	return last;
}

/* The rows the bar wants at width w: all its text, up to caption_most; none without a lesson. */
static int caption_rows(const struct ui *ui, const struct ui_pane *p, int w)
{
	(void)p;
	if (ui->play == NULL || w <= 0)
		return 0;
	int want = caption_render(ui, NULL, 0, w, caption_level(ui, w));
	int most = caption_most(ui, w);
	return want < most ? want : most > 2 ? most : 2;
}

static void caption_draw(struct ui *ui, struct ui_pane *p)
{
	caption_render(ui, p->win, p->h, p->w, caption_level(ui, p->w));
}

const struct ui_pane_ops ui_caption_ops = {
	.name = "caption",
	.shows = UI_LAB | UI_LESSON,
	.draw = caption_draw,
	.rows = caption_rows,
};
