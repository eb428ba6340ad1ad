/* Large letters: a 5-pixel-high font for A to Z, digits and some punctuation, drawn 3 text rows high. */
#include "letters.h"

#include <ctype.h>
#include <string.h>

#define LETTERS_PX_MAX 400   /* pixels across one line */

/* Rows top to bottom; in each, the leftmost pixel is the highest bit of width. */
static const struct letters_glyph letters_font[] = {
	{ 'A', 3, { 7, 5, 7, 5, 5 } }, { 'B', 3, { 6, 5, 6, 5, 6 } }, { 'C', 3, { 7, 4, 4, 4, 7 } },
	{ 'D', 3, { 6, 5, 5, 5, 6 } }, { 'E', 3, { 7, 4, 6, 4, 7 } }, { 'F', 3, { 7, 4, 6, 4, 4 } },
	{ 'G', 3, { 7, 4, 5, 5, 7 } }, { 'H', 3, { 5, 5, 7, 5, 5 } }, { 'I', 3, { 7, 2, 2, 2, 7 } },
	{ 'J', 3, { 1, 1, 1, 5, 7 } }, { 'K', 3, { 5, 5, 6, 5, 5 } }, { 'L', 3, { 4, 4, 4, 4, 7 } },
	{ 'M', 5, { 17, 27, 21, 17, 17 } }, { 'N', 4, { 9, 13, 11, 9, 9 } }, { 'O', 3, { 7, 5, 5, 5, 7 } },
	{ 'P', 3, { 7, 5, 7, 4, 4 } }, { 'Q', 4, { 14, 10, 10, 14, 1 } }, { 'R', 3, { 6, 5, 6, 5, 5 } },
	{ 'S', 3, { 7, 4, 7, 1, 7 } }, { 'T', 3, { 7, 2, 2, 2, 2 } }, { 'U', 3, { 5, 5, 5, 5, 7 } },
	{ 'V', 3, { 5, 5, 5, 5, 2 } }, { 'W', 5, { 17, 17, 21, 21, 10 } }, { 'X', 3, { 5, 5, 2, 5, 5 } },
	{ 'Y', 3, { 5, 5, 2, 2, 2 } }, { 'Z', 3, { 7, 1, 2, 4, 7 } },
	{ '0', 3, { 7, 5, 5, 5, 7 } }, { '1', 3, { 2, 6, 2, 2, 7 } }, { '2', 3, { 7, 1, 7, 4, 7 } },
	{ '3', 3, { 7, 1, 7, 1, 7 } }, { '4', 3, { 5, 5, 7, 1, 1 } }, { '5', 3, { 7, 4, 7, 1, 7 } },
	{ '6', 3, { 7, 4, 7, 5, 7 } }, { '7', 3, { 7, 1, 1, 1, 1 } }, { '8', 3, { 7, 5, 7, 5, 7 } },
	{ '9', 3, { 7, 5, 7, 1, 7 } },
	{ ' ', 1, { 0, 0, 0, 0, 0 } }, { '.', 1, { 0, 0, 0, 0, 1 } }, { ',', 2, { 0, 0, 0, 1, 2 } },
	{ ':', 1, { 0, 1, 0, 1, 0 } }, { ';', 2, { 0, 1, 0, 1, 2 } }, { '!', 1, { 1, 1, 1, 0, 1 } },
	{ '?', 3, { 7, 1, 3, 0, 2 } }, { '-', 3, { 0, 0, 7, 0, 0 } }, { '+', 3, { 0, 2, 7, 2, 0 } },
	{ '\'', 1, { 1, 1, 0, 0, 0 } }, { '"', 3, { 5, 5, 0, 0, 0 } }, { '/', 3, { 1, 1, 2, 4, 4 } },
	{ '(', 2, { 1, 2, 2, 2, 1 } }, { ')', 2, { 2, 1, 1, 1, 2 } }, { '=', 3, { 0, 7, 0, 7, 0 } },
	{ '%', 3, { 5, 1, 2, 4, 5 } }, { '*', 3, { 5, 2, 5, 0, 0 } }, { '<', 3, { 1, 2, 4, 2, 1 } },
	{ '>', 3, { 4, 2, 1, 2, 4 } }, { '_', 3, { 0, 0, 0, 0, 7 } },
};

const struct letters_glyph *letters_glyph(char c)
{
	char u = (char)toupper((unsigned char)c);

	for (size_t i = 0; i < sizeof(letters_font) / sizeof(letters_font[0]); i++) {
		if (letters_font[i].c == u)
			return &letters_font[i];
	}
	return NULL;
}

bool letters_cover(const char *text)
{
	for (; *text != '\0'; text++) {
		if (letters_glyph(*text) == NULL)
			return false;
	}
	return true;
}

/* Pixels across n bytes of text: each glyph, one blank pixel between glyphs; -1 when one is missing. */
static int letters_pixels(const char *text, size_t n)
{
	int px = 0;

	for (size_t i = 0; i < n; i++) {
		const struct letters_glyph *g = letters_glyph(text[i]);
		if (g == NULL)
			return -1;
		px += g->width + (i > 0);
	}
	return px;
}

int letters_width(const char *text, enum letters_style style)
{
	(void)style;   /* a pixel is a column in every style */
	return letters_pixels(text, strlen(text));
}

/* One cell from its two pixels, the top one and the bottom one. */
static const char *letters_cell(enum letters_style style, bool top, bool bottom)
{
	if (style == LETTERS_HALF)
		return top && bottom ? "\u2588" : top ? "\u2580" : bottom ? "\u2584" : " ";
	return top && bottom ? "#" : top ? "\"" : bottom ? "_" : " ";
}

bool letters_draw(const char *text, enum letters_style style, char rows[LETTERS_ROWS][LETTERS_ROW_MAX])
{
	unsigned char px[6][LETTERS_PX_MAX + 1];
	int w = letters_pixels(text, strlen(text));

	if (w < 0 || w > LETTERS_PX_MAX)
		return false;
	memset(px, 0, sizeof(px));
	int x = 0;
	for (const char *c = text; *c != '\0'; c++) {
		const struct letters_glyph *g = letters_glyph(*c);
		for (int r = 0; r < 5; r++) {
			for (int col = 0; col < g->width; col++)
				px[r][x + col] = (g->rows[r] >> (g->width - 1 - col)) & 1;
		}
		x += g->width + 1;
	}
	for (int r = 0; r < LETTERS_ROWS; r++) {
		size_t o = 0;
		for (int col = 0; col < w; col++) {
			const char *cell = letters_cell(style, px[2 * r][col], px[2 * r + 1][col]);
			size_t n = strlen(cell);
			if (o + n >= LETTERS_ROW_MAX)
				return false;
			memcpy(rows[r] + o, cell, n);
			o += n;
		}
		rows[r][o] = '\0';
	}
	return true;
}

int letters_wrap(const char *text, enum letters_style style, int width, int *starts, int *lens, int max)
{
	(void)style;
	int n = 0;
	size_t at = 0, len = strlen(text);

	while (at < len) {
		while (text[at] == ' ')
			at++;
		if (at >= len)
			break;
		/* The longest run of whole words from at that fits. */
		size_t end = at, best = 0;
		while (end < len) {
			size_t next = end;
			while (next < len && text[next] == ' ')
				next++;
			while (next < len && text[next] != ' ')
				next++;
			int px = letters_pixels(text + at, next - at);
			if (px < 0 || px > width)
				break;
			best = end = next;
		}
		if (best == 0 || n == max)
			return 0;
		starts[n] = (int)at;
		lens[n] = (int)(best - at);
		n++;
		at = best;
	}
	return n;
}
