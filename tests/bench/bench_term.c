/* A program on a pty of the benchmark's own, and just enough of a terminal to read back what its screen shows. */
#include "bench_term.h"

#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_common.h"

pid_t term_start(struct term *t, char *const argv[], const char *home)
{
	struct winsize ws = { .ws_row = TERM_ROWS, .ws_col = TERM_COLS };

	memset(t, 0, sizeof(*t));
	memset(t->cell, ' ', sizeof(t->cell));
	fflush(stdout);
	t->pid = forkpty(&t->master, NULL, NULL, &ws);
	if (t->pid < 0)
		return -1;
	if (t->pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("LANG", "C.UTF-8", 1);
		setenv("LC_ALL", "C.UTF-8", 1);
		if (home != NULL) {
			setenv("HOME", home, 1);
			setenv("XDG_CONFIG_HOME", home, 1);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	return t->pid;
}

void term_type(struct term *t, const char *text)
{
	size_t n = strlen(text);

	if (write(t->master, text, n) != (ssize_t)n)
		fprintf(stderr, "bench: write to the pty: %s\n", strerror(errno));
}

static void term_scroll(struct term *t, int top, int bottom, int n)
{
	/* n > 0: lines move up (new blank lines at the bottom); n < 0: down. */
	for (; n > 0; n--) {
		memmove(t->cell[top], t->cell[top + 1], (size_t)(bottom - top) * TERM_COLS);
		memset(t->cell[bottom], ' ', TERM_COLS);
	}
	for (; n < 0; n++) {
		memmove(t->cell[top + 1], t->cell[top], (size_t)(bottom - top) * TERM_COLS);
		memset(t->cell[top], ' ', TERM_COLS);
	}
}

static void term_clamp(struct term *t)
{
	t->row = t->row < 0 ? 0 : t->row >= TERM_ROWS ? TERM_ROWS - 1 : t->row;
	t->col = t->col < 0 ? 0 : t->col >= TERM_COLS ? TERM_COLS - 1 : t->col;
}

static void term_down(struct term *t)
{
	int bottom = t->bottom ? t->bottom : TERM_ROWS - 1;

	if (t->row == bottom)
		term_scroll(t, t->top, bottom, 1);
	else if (t->row < TERM_ROWS - 1)
		t->row++;
}

static void term_put(struct term *t, char c)
{
	if (t->col >= TERM_COLS) {
		t->col = 0;
		term_down(t);
	}
	t->cell[t->row][t->col++] = c;
	t->last = c;
}

static void term_erase(struct term *t, int row, int from, int to)
{
	for (int c = from; c < to && c < TERM_COLS; c++)
		t->cell[row][c] = ' ';
}

/* The line editing finals: erase, insert and delete characters and lines. */
static void term_csi_edit(struct term *t, char f, int p0, int n)
{
	int bottom = t->bottom ? t->bottom : TERM_ROWS - 1;
	char *line = t->cell[t->row];

	switch (f) {
	case 'J':
		if (p0 == 2 || p0 == 3)
			memset(t->cell, ' ', sizeof(t->cell));
		else if (p0 == 0) {
			term_erase(t, t->row, t->col, TERM_COLS);
			for (int r = t->row + 1; r < TERM_ROWS; r++)
				term_erase(t, r, 0, TERM_COLS);
		}
		break;
	case 'K':
		term_erase(t, t->row, p0 == 0 ? t->col : 0, p0 == 1 ? t->col + 1 : TERM_COLS);
		break;
	case 'X':
		term_erase(t, t->row, t->col, t->col + n);
		break;
	case '@':
		n = n > TERM_COLS - t->col ? TERM_COLS - t->col : n;
		memmove(line + t->col + n, line + t->col, (size_t)(TERM_COLS - t->col - n));
		memset(line + t->col, ' ', (size_t)n);
		break;
	case 'P':
		n = n > TERM_COLS - t->col ? TERM_COLS - t->col : n;
		memmove(line + t->col, line + t->col + n, (size_t)(TERM_COLS - t->col - n));
		memset(line + TERM_COLS - n, ' ', (size_t)n);
		break;
	case 'L':
	case 'M':
		if (t->row >= t->top && t->row <= bottom)
			term_scroll(t, t->row, bottom, f == 'M' ? (n > bottom - t->row + 1 ? bottom - t->row + 1 : n)
			                                        : -(n > bottom - t->row + 1 ? bottom - t->row + 1 : n));
		break;
	case 'S':
	case 'T':
		term_scroll(t, t->top, bottom, f == 'S' ? n : -n);
		break;
	case 'b':
		for (int i = 0; i < n; i++)
			term_put(t, t->last);
		break;
	default:
		break;
	}
}

/* A control sequence's final byte, with its first two numbers. */
static void term_csi(struct term *t, char f)
{
	int p0 = t->param[0], p1 = t->param[1], n = p0 > 0 ? p0 : 1;

	if (t->private_mode && f != 'J' && f != 'K')
		return;
	switch (f) {
	case 'H': case 'f': t->row = n - 1; t->col = (p1 > 0 ? p1 : 1) - 1; break;
	case 'd': t->row = n - 1; break;
	case 'G': case '`': t->col = n - 1; break;
	case 'A': t->row -= n; break;
	case 'B': t->row += n; break;
	case 'C': t->col += n; break;
	case 'D': t->col -= n; break;
	case 'E': t->row += n; t->col = 0; break;
	case 'F': t->row -= n; t->col = 0; break;
	case 'r':
		t->top = p0 > 0 ? p0 - 1 : 0;
		t->bottom = p1 > 0 ? p1 - 1 : TERM_ROWS - 1;
		t->row = t->col = 0;
		break;
	default:
		term_csi_edit(t, f, p0, n);
		break;
	}
	term_clamp(t);
}

/* After ESC: one byte that is the whole sequence, or the start of a longer one. */
static void term_escape(struct term *t, unsigned char c)
{
	t->state = 0;
	switch (c) {
	case '[':
		t->state = 2;
		t->nparam = 0;
		t->private_mode = false;
		memset(t->param, 0, sizeof(t->param));
		break;
	case ']': t->state = 3; break;
	case '(': case ')': case '*': case '+': t->state = 4; break;
	case '7': t->saved_row = t->row; t->saved_col = t->col; break;
	case '8': t->row = t->saved_row; t->col = t->saved_col; break;
	case 'D': term_down(t); break;
	case 'E': t->col = 0; term_down(t); break;
	case 'M':
		if (t->row == t->top)
			term_scroll(t, t->top, t->bottom ? t->bottom : TERM_ROWS - 1, -1);
		else
			t->row--;
		break;
	default: break;
	}
}

static void term_byte(struct term *t, unsigned char c)
{
	if (t->state == 1) {
		term_escape(t, c);
	} else if (t->state == 2) {
		if (c >= '0' && c <= '9') {
			t->param[t->nparam] = t->param[t->nparam] * 10 + (c - '0');
		} else if (c == ';' || c == ':') {
			t->nparam += t->nparam < 7;
		} else if (c == '?' || c == '>' || c == '=' || c == '<') {
			t->private_mode = true;
		} else if (c >= 0x40 && c <= 0x7e) {
			t->state = 0;
			term_csi(t, (char)c);
		}
	} else if (t->state == 3) {
		if (c == 7 || c == '\\')
			t->state = 0;
	} else if (t->state == 4) {
		t->state = 0;
	} else if (c == 27) {
		t->state = 1;
	} else if (c == '\r') {
		t->col = 0;
	} else if (c == '\n') {
		term_down(t);
	} else if (c == '\b') {
		t->col -= t->col > 0;
	} else if (c == '\t') {
		t->col = (t->col / 8 + 1) * 8 < TERM_COLS ? (t->col / 8 + 1) * 8 : TERM_COLS - 1;
	} else if (c >= 0x20 && c < 0x7f) {
		term_put(t, (char)c);
	} else if (c >= 0xc0) {
		term_put(t, '?');   /* one cell for a character of several bytes; the rest are skipped */
	}
}

/* The watched word, when it changed since the last look. */
static void term_watch(struct term *t)
{
	const char *line = t->cell[t->watch_row];
	size_t n = strlen(t->watch);
	char now[sizeof(t->watched)];

	for (int c = 0; c + (int)n <= TERM_COLS; c++) {
		if (memcmp(line + c, t->watch, n) != 0)
			continue;
		size_t k = 0;
		for (int i = c + (int)n; i < TERM_COLS && line[i] != ' ' && k + 1 < sizeof(now); i++)
			now[k++] = line[i];
		now[k] = '\0';
		if (strcmp(now, t->watched) != 0) {
			t->changes++;
			memcpy(t->watched, now, sizeof(now));
		}
		return;
	}
}

int term_pump(struct term *t, int timeout_ms)
{
	char buf[65536];
	struct pollfd pfd = { t->master, POLLIN, 0 };
	int got = 0;

	while (poll(&pfd, 1, got ? 0 : timeout_ms) > 0) {
		ssize_t n = read(t->master, buf, sizeof(buf));
		if (n <= 0) {
			t->eof = true;
			return got ? got : -1;
		}
		double now = bench_now();
		if (now - t->last_read > TERM_BURST_GAP)
			t->bursts++;
		t->last_read = now;
		t->bytes += n;
		for (ssize_t i = 0; i < n; i++)
			term_byte(t, (unsigned char)buf[i]);
		got += (int)n;
	}
	if (got > 0 && t->watch != NULL)
		term_watch(t);
	return got;
}

bool term_find(const struct term *t, const char *text, char *after, size_t len)
{
	size_t n = strlen(text);

	for (int r = 0; r < TERM_ROWS; r++) {
		const char *line = t->cell[r];
		for (int c = 0; c + (int)n <= TERM_COLS; c++) {
			if (memcmp(line + c, text, n) != 0)
				continue;
			if (after != NULL && len > 0) {
				size_t k = 0;
				for (int i = c + (int)n; i < TERM_COLS && line[i] != ' ' && k + 1 < len; i++)
					after[k++] = line[i];
				after[k] = '\0';
			}
			return true;
		}
	}
	return false;
}

void term_dump(const struct term *t, FILE *out)
{
	for (int r = 0; r < TERM_ROWS; r++)
		fprintf(out, "|%.*s|\n", TERM_COLS, t->cell[r]);
}

bool term_end(struct term *t, const char *quit, double wait_s, double *took)
{
	double a = bench_now();

	if (t->pid <= 0)
		return true;
	term_type(t, quit);
	while (bench_now() - a < wait_s) {
		term_pump(t, 20);
		if (waitpid(t->pid, NULL, WNOHANG) == t->pid) {
			t->pid = 0;
			break;
		}
	}
	*took = bench_now() - a;
	bool clean = t->pid == 0;
	if (t->pid > 0) {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, NULL, 0);
		t->pid = 0;
	}
	close(t->master);
	return clean;
}
