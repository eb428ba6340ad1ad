/* Large letters for the back of a lecture hall: a 5-pixel-high font drawn 3 text rows high, no ncurses. */
#ifndef PTVIZ_LETTERS_H
#define PTVIZ_LETTERS_H

#include <stdbool.h>
#include <stddef.h>

/* Text rows a line of large letters takes. */
#define LETTERS_ROWS 3
/* Bytes in one drawn row (a block is 3 bytes of UTF-8). */
#define LETTERS_ROW_MAX 1024

/* How a pixel becomes a character. */
enum letters_style {
	LETTERS_HALF,     /* a pixel is a column wide and half a row high: ▀ ▄ █ */
	LETTERS_ASCII,    /* as LETTERS_HALF, in plain ASCII: # for both halves, " for the top, _ for the bottom */
};

/* One glyph: up to 5 pixels wide, 5 high; each row's bits read left to right from 1 << (width - 1). */
struct letters_glyph {
	char c;
	int width;
	unsigned char rows[5];
};

/* The glyph for c (letters in either case), NULL when the font has none. */
const struct letters_glyph *letters_glyph(char c);
/* Whether every character of text has a glyph. */
bool letters_cover(const char *text);
/* The columns text takes in style, -1 when a character has no glyph. */
int letters_width(const char *text, enum letters_style style);
/*
 * Draws text into rows[0..2], each a NUL-terminated string of width columns
 * (letters_width).  False when a character has no glyph or a row would not fit.
 */
bool letters_draw(const char *text, enum letters_style style, char rows[LETTERS_ROWS][LETTERS_ROW_MAX]);
/*
 * Breaks text at spaces into lines that each fit width columns in style, at
 * most max of them; starts[i], lens[i] say where each is.  Returns the number
 * of lines, or 0 when a word alone is too wide or more than max lines are needed.
 */
int letters_wrap(const char *text, enum letters_style style, int width, int *starts, int *lens, int max);

#endif
