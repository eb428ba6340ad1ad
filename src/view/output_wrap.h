/* A program's output lines broken into rows of a pane's width, at a space near the edge or else hard; the newest rows kept. */
#ifndef PTVIZ_OUTPUT_WRAP_H
#define PTVIZ_OUTPUT_WRAP_H

#include "../lab/program.h"

/* One row on screen: len bytes of output line `line`, from byte start. */
struct output_row {
	int line;
	int start, len;
};

/*
 * Breaks text into rows of at most width columns.  A row ends at the last
 * space that fits when that space is in the row's last quarter (the space
 * itself is not shown); otherwise it is cut where it stops fitting, never
 * inside a UTF-8 character.  An empty text is one empty row.  Fills at most
 * max rows (line = 0); returns how many rows the whole text takes.
 */
int output_wrap_line(const char *text, int width, struct output_row *rows, int max);

/*
 * The last `want` rows of lines[0..n-1] (oldest first) wrapped to width: the
 * tail of the text, as a terminal shows it with the newest row at the bottom.
 * Fills rows[] oldest first; returns how many (fewer when the text is short).
 */
int output_wrap_tail(const char (*lines)[PROGRAM_LINE_MAX + 8], int n, int width, int want, struct output_row *rows);

#endif
