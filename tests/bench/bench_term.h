/* A program on a pty of the benchmark's own, and just enough of a terminal to read back what its screen shows. */
#ifndef PTVIZ_BENCH_TERM_H
#define PTVIZ_BENCH_TERM_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#define TERM_ROWS 36
#define TERM_COLS 120
/* Output this far apart in time is counted as two bursts (two frames drawn). */
#define TERM_BURST_GAP 0.030

struct term {
	pid_t pid;
	int master;
	bool eof;
	/* the screen as a terminal would show it: one byte per cell, attributes dropped */
	char cell[TERM_ROWS][TERM_COLS];
	int row, col, top, bottom, saved_row, saved_col;
	char last;              /* the last character written, for REP */
	int state;              /* 0 text, 1 after ESC, 2 in CSI, 3 in OSC, 4 a charset byte to skip */
	int param[8], nparam;
	bool private_mode;
	/* output as it came */
	long bytes;
	long bursts;            /* runs of output with no gap of TERM_BURST_GAP: frames drawn, near enough */
	double last_read;
	/* set by the caller: a text on row watch_row whose following word changes with each frame ("t=") */
	const char *watch;
	int watch_row;
	char watched[32];
	long changes;           /* times that word changed: frames drawn */
};

/* forkpty, TERM=xterm-256color at TERM_COLSxTERM_ROWS, execvp argv; home (may be NULL) for HOME and XDG_CONFIG_HOME. */
pid_t term_start(struct term *t, char *const argv[], const char *home);
void term_type(struct term *t, const char *text);
/* Reads what is there (waiting up to timeout_ms for the first bytes) into the screen; bytes read, -1 at the end. */
int term_pump(struct term *t, int timeout_ms);
/* Whether text is on the screen; after gets the word that follows it. */
bool term_find(const struct term *t, const char *text, char *after, size_t len);
void term_dump(const struct term *t, FILE *out);
/* Types quit, waits up to wait_s for the program to exit (took), else kills it by PID.  True when it left by itself. */
bool term_end(struct term *t, const char *quit, double wait_s, double *took);

#endif
