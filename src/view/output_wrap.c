/* A program's output lines broken into rows of a pane's width, at a space near the edge or else hard; the newest rows kept. */
#include "output_wrap.h"

#include <stdbool.h>
#include <string.h>
#include <wchar.h>

/* Bytes and columns of the character at s (at most left bytes): as the screen draws it, '?' for what cannot be. */
static int wrap_char(const char *s, size_t left, int *cols)
{
	mbstate_t st;
	wchar_t wc;

	memset(&st, 0, sizeof(st));
	size_t k = mbrtowc(&wc, s, left, &st);
	if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
		*cols = 1;
		return 1;
	}
	int w = wcwidth(wc);
	*cols = w < 0 ? 1 : w;
	return (int)k;
}

/* Where the row from `at` ends (the bytes it shows) and where the next one begins. */
static void wrap_row(const char *text, int len, int at, int width, int *end, int *next)
{
	int cols = 0, i = at, space = -1;

	while (i < len) {
		int cw, k = wrap_char(text + i, (size_t)(len - i), &cw);
		if (cols + cw > width && i > at)
			break;
		if (text[i] == ' ' && i > at)
			space = i;
		cols += cw;
		i += k;
	}
	if (i >= len) {
		*end = *next = len;
		return;
	}
	/* A space right at the edge, or one in the last quarter of the row: break there, the spaces not shown. */
	if (text[i] == ' ')
		space = i;
	else if (space < 0 || i - space > width / 4)
		space = -1;
	if (space < 0) {
		*end = *next = i;
		return;
	}
	*end = space;
	while (space < len && text[space] == ' ')
		space++;
	*next = space;
}

int output_wrap_line(const char *text, int width, struct output_row *rows, int max)
{
	int len = (int)strlen(text), at = 0, n = 0;

	if (width < 1)
		width = 1;
	do {
		int end, next;
		wrap_row(text, len, at, width, &end, &next);
		if (n < max)
			rows[n] = (struct output_row){ .line = 0, .start = at, .len = end - at };
		n++;
		at = next;
	} while (at < len);
	return n;
}

int output_wrap_tail(const char (*lines)[PROGRAM_LINE_MAX + 8], int n, int width, int want, struct output_row *rows)
{
	/* A line of PROGRAM_LINE_MAX bytes takes at most that many rows, one column each. */
	struct output_row one[PROGRAM_LINE_MAX + 8];
	int got = 0;

	for (int i = n - 1; i >= 0 && got < want; i--) {
		int k = output_wrap_line(lines[i], width, one, (int)(sizeof(one) / sizeof(one[0])));
		if (k > (int)(sizeof(one) / sizeof(one[0])))
			k = (int)(sizeof(one) / sizeof(one[0]));
		int take = k < want - got ? k : want - got;
		/* The rows found so far move down to make room for this line's last `take` rows above them. */
		memmove(rows + take, rows, (size_t)got * sizeof(rows[0]));
		for (int j = 0; j < take; j++) {
			rows[j] = one[k - take + j];
			rows[j].line = i;
		}
		got += take;
	}
	return got;
}
