/* Drawing helpers: text clipped to a width in screen columns or broken into lines at spaces, numbers, boxes. */
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "../view/story.h"
#include "ui_priv.h"

/* Walks s as multibyte text, stopping before maxw columns; returns columns used, and bytes taken when asked. */
static int draw_measure_bytes(const char *s, int maxw, wchar_t *out, int outmax, int *nout, size_t *nbytes)
{
	const char *s0 = s;
	mbstate_t st;
	int cols = 0, n = 0;
	size_t left = strlen(s);

	memset(&st, 0, sizeof(st));
	while (left > 0 && n < outmax) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, left, &st);
		if (k == (size_t)-1 || k == (size_t)-2) {
			wc = L'?';
			k = 1;
			memset(&st, 0, sizeof(st));
		} else if (k == 0) {
			break;
		}
		int cw = wcwidth(wc);
		if (cw < 0) {
			wc = L'?';
			cw = 1;
		}
		if (cols + cw > maxw)
			break;
		if (out != NULL)
			out[n] = wc;
		n++;
		cols += cw;
		s += k;
		left -= k;
	}
	if (nout != NULL)
		*nout = n;
	if (nbytes != NULL)
		*nbytes = (size_t)(s - s0);
	return cols;
}

static int draw_measure(const char *s, int maxw, wchar_t *out, int outmax, int *nout)
{
	return draw_measure_bytes(s, maxw, out, outmax, nout, NULL);
}

int ui_width(const char *s)
{
	return draw_measure(s, 1 << 20, NULL, 1 << 20, NULL);
}

int ui_put(WINDOW *win, int y, int x, int maxw, attr_t attr, const char *s)
{
	wchar_t wbuf[512];
	int n, cols;

	if (maxw <= 0 || y < 0 || x < 0 || y >= getmaxy(win) || x >= getmaxx(win))
		return 0;
	if (maxw > getmaxx(win) - x)
		maxw = getmaxx(win) - x;
	cols = draw_measure(s, maxw, wbuf, 511, &n);
	wattr_set(win, attr, PAIR_NUMBER(attr), NULL);
	mvwaddnwstr(win, y, x, wbuf, n);
	wattr_set(win, A_NORMAL, 0, NULL);
	return cols;
}

/* Like ui_put, but a text too long is cut after its last whole word that fits, never inside one. */
int ui_put_words(WINDOW *win, int y, int x, int maxw, attr_t attr, const char *s)
{
	char buf[1024];
	size_t best = 0;

	if (ui_width(s) <= maxw)
		return ui_put(win, y, x, maxw, attr, s);
	for (size_t i = 1; s[i] != '\0' && i < sizeof(buf); i++) {
		if (s[i] != ' ' || s[i - 1] == ' ')
			continue;
		memcpy(buf, s, i);
		buf[i] = '\0';
		if (ui_width(buf) > maxw)
			break;
		best = i;
	}
	/* No half sentence ending on a comma, colon or opening bracket. */
	while (best > 0 && strchr(" ,;:(", s[best - 1]) != NULL)
		best--;
	if (best == 0 || strspn(s, " ") >= best)
		return 0;
	memcpy(buf, s, best);
	buf[best] = '\0';
	return ui_put(win, y, x, maxw, attr, buf);
}

/* Which of texts (NULL-ended) to show in maxw: the first that fits, else the last. */
static int draw_first_fitting(int maxw, const char *const *texts)
{
	int i = 0;

	while (texts[i + 1] != NULL && ui_width(texts[i]) > maxw)
		i++;
	return i;
}

/* The first of texts (NULL-ended) that fits maxw, else the last cut at a word; returns columns used. */
int ui_put_first(WINDOW *win, int y, int x, int maxw, attr_t attr, const char *const *texts)
{
	return ui_put_words(win, y, x, maxw, attr, texts[draw_first_fitting(maxw, texts)]);
}

/*
 * Like ui_put, but a text too wide ends in an ellipsis instead of being cut
 * mid-word: after its last whole word when that keeps most of the text, else
 * after as many characters as fit.  Returns the columns used.
 */
int ui_put_cut(const struct ui *ui, WINDOW *win, int y, int x, int w, attr_t attr, const char *s)
{
	char buf[512];
	int ew = ui_width(ui->g.ellipsis);
	size_t n = strlen(s), cut, word = 0;

	if (w <= 0)
		return 0;
	if (ui_width(s) <= w || w <= ew || n >= sizeof(buf))
		return ui_put(win, y, x, w, attr, s);
	/* The longest prefix, at a character boundary, that leaves room for the ellipsis; its last word's end. */
	draw_measure_bytes(s, w - ew, NULL, 1 << 20, NULL, &cut);
	for (size_t i = 1; i <= cut && i < n; i++) {
		if (s[i] == ' ' && s[i - 1] != ' ')
			word = i;
	}
	while (cut > 0 && s[cut - 1] == ' ')
		cut--;
	if (word > 0 && 3 * word >= 2 * cut)
		cut = word;
	while (cut > 0 && strchr(" ,;:(", s[cut - 1]) != NULL)
		cut--;
	memcpy(buf, s, cut);
	snprintf(buf + cut, sizeof(buf) - cut, "%s", ui->g.ellipsis);
	return ui_put(win, y, x, w, attr, buf);
}

/* The first of texts (NULL-ended) that fits w, else the last ended by an ellipsis. */
int ui_put_first_cut(const struct ui *ui, WINDOW *win, int y, int x, int w, attr_t attr, const char *const *texts)
{
	return ui_put_cut(ui, win, y, x, w, attr, texts[draw_first_fitting(w, texts)]);
}

int ui_putf(WINDOW *win, int y, int x, int maxw, attr_t attr, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return ui_put(win, y, x, maxw, attr, buf);
}

void ui_fill(WINDOW *win, int y, int x, int w, attr_t attr)
{
	if (w <= 0)
		return;
	wattr_set(win, attr, PAIR_NUMBER(attr), NULL);
	mvwhline(win, y, x, ' ', w);
	wattr_set(win, A_NORMAL, 0, NULL);
}

/* " 97%", "0.6%": a share of one CPU in four columns; small shares keep a decimal, so waiting shows as waiting. */
void ui_percent(double share, char *buf, size_t len)
{
	double p = share * 100.0;

	if (p > 100.0)
		p = 100.0;   /* the two clocks are read a moment apart */
	if (p > 0.0 && p < 9.95)
		snprintf(buf, len, "%3.1f%%", p);
	else
		snprintf(buf, len, "%3.0f%%", p);
}

/*
 * A share of one CPU as a bar in eighths: a full block is all of it.  Next to
 * nothing (a waiting worker) is the pale shade, so it never looks like the
 * eighth of a CPU the lowest bar stands for.
 */
const char *ui_cpu_glyph(const struct ui *ui, double share)
{
	int e = (int)(share * 8 + 0.5);

	e = e > 8 ? 8 : e;
	return e > 0 ? ui->g.spark[e - 1] : ui->g.shade;
}

void ui_number(int64_t n, int maxw, char *buf, size_t len)
{
	static const char units[] = "kMGTP";
	double v = (double)n;

	story_number(n, buf, len);
	if ((int)strlen(buf) <= maxw)
		return;
	for (int i = 0; units[i] != '\0'; i++) {
		v /= 1000.0;
		if (v < 999.95 && v > -999.95) {
			snprintf(buf, len, "%.1f%c", v, units[i]);
			return;
		}
	}
	snprintf(buf, len, "%.2e", (double)n);
}

/* Line drawing: Unicode in a UTF-8 locale (right whatever TERM says), ASCII otherwise. */
enum draw_line { LINE_H, LINE_V, LINE_UL, LINE_UR, LINE_LL, LINE_LR, LINE_LT, LINE_RT };

static void draw_cell(struct ui *ui, cchar_t *cc, enum draw_line which, attr_t a)
{
	static const wchar_t uni[] = { L'\u2500', L'\u2502', L'\u250c', L'\u2510', L'\u2514', L'\u2518',
		                       L'\u251c', L'\u2524' };
	wchar_t wc[2] = { uni[which], L'\0' };

	if (ui->utf8) {
		setcchar(cc, wc, a, PAIR_NUMBER(a), NULL);
		return;
	}
	/* Plain ASCII: readable on any terminal, even one whose alternate character set is broken. */
	static const wchar_t ascii[] = { L'-', L'|', L'+', L'+', L'+', L'+', L'+', L'+' };
	wc[0] = ascii[which];
	setcchar(cc, wc, a, PAIR_NUMBER(a), NULL);
}

static void draw_put(struct ui *ui, WINDOW *win, int y, int x, enum draw_line which, attr_t a)
{
	cchar_t cc;

	draw_cell(ui, &cc, which, a);
	/* The last cell of the screen: writing it may scroll, so ncurses is asked to insert it. */
	if (y == getmaxy(win) - 1 && x == getmaxx(win) - 1)
		mvwins_wch(win, y, x, &cc);
	else
		mvwadd_wch(win, y, x, &cc);
}

void ui_box(struct ui *ui, WINDOW *win, int y, int x, int h, int w)
{
	attr_t a = ui->role[ROLE_BORDER];
	cchar_t hl, vl;

	if (h < 2 || w < 2)
		return;
	draw_cell(ui, &hl, LINE_H, a);
	draw_cell(ui, &vl, LINE_V, a);
	draw_put(ui, win, y, x, LINE_UL, a);
	mvwhline_set(win, y, x + 1, &hl, w - 2);
	draw_put(ui, win, y, x + w - 1, LINE_UR, a);
	mvwvline_set(win, y + 1, x, &vl, h - 2);
	mvwvline_set(win, y + 1, x + w - 1, &vl, h - 2);
	draw_put(ui, win, y + h - 1, x, LINE_LL, a);
	mvwhline_set(win, y + h - 1, x + 1, &hl, w - 2);
	draw_put(ui, win, y + h - 1, x + w - 1, LINE_LR, a);
}

/* A horizontal divider across a box at row y, with a title. */
void ui_rule(struct ui *ui, WINDOW *win, int y, int x, int w, const char *title)
{
	attr_t a = ui->role[ROLE_BORDER];
	cchar_t hl;

	draw_cell(ui, &hl, LINE_H, a);
	draw_put(ui, win, y, x, LINE_LT, a);
	mvwhline_set(win, y, x + 1, &hl, w - 2);
	draw_put(ui, win, y, x + w - 1, LINE_RT, a);
	if (title != NULL && w > 6)
		ui_putf(win, y, x + 2, w - 4, ui->role[ROLE_TITLE], " %s ", title);
}

/*
 * Breaks text into lines of at most width columns, at spaces; a word longer
 * than a line is cut.  Returns the number of lines; starts[i] and lens[i]
 * say where each is in text.
 */
int ui_wrap(const char *text, int width, int *starts, int *lens, int max)
{
	int n = 0, at = 0, len = (int)strlen(text);
	char buf[1024];

	if (width < 8)
		width = 8;
	while (at < len && n < max) {
		while (text[at] == ' ')
			at++;
		if (at >= len)
			break;
		int end = at, fit = at;
		/* The longest run of whole words that fits. */
		while (end < len) {
			int next = end;
			while (next < len && text[next] == ' ')
				next++;
			while (next < len && text[next] != ' ')
				next++;
			int k = next - at < (int)sizeof(buf) - 1 ? next - at : (int)sizeof(buf) - 1;
			memcpy(buf, text + at, (size_t)k);
			buf[k] = '\0';
			if (ui_width(buf) > width)
				break;
			fit = end = next;
		}
		if (fit == at) {
			/* One word wider than the line: cut it where it stops fitting, never inside a UTF-8 character. */
			int k = at;
			while (k < len && text[k] != ' ') {
				int next = k + 1;
				while (next < len && ((unsigned char)text[next] & 0xc0) == 0x80)
					next++;
				memcpy(buf, text + at, (size_t)(next - at));
				buf[next - at] = '\0';
				if (ui_width(buf) > width)
					break;
				k = next;
			}
			fit = k > at ? k : at + 1;
		}
		starts[n] = at;
		lens[n] = fit - at;
		n++;
		at = fit;
	}
	return n;
}
