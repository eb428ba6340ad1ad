/* The screenless front end: runs commands and prints what happened, as text or JSON lines. */
#ifndef PTVIZ_BATCH_H
#define PTVIZ_BATCH_H

#include <stdbool.h>
#include <stdio.h>

#include "../cmd/cmd.h"
#include "../lab/lab.h"

struct batch_options {
	bool json;
	int hz;                /* observations per second while time runs; 0 for none */
	const char *source;    /* "-c", a file name, or "-" */
};

/*
 * Checks, parses and runs text, len bytes (a NUL byte in them is refused, not taken
 * for the end); returns the exit code: 0 all succeeded, 1 the text was not commands or
 * a command failed.
 */
int batch_run(struct lab *lab, const char *text, size_t len, const struct batch_options *opt, FILE *out,
              FILE *errout);

/* A whole command file, NUL-terminated, its length in *len; NULL (errno set) when it cannot be read. */
char *batch_read(FILE *f, size_t *len);
/* Is it text, with no NUL byte in its len bytes?  false with err: the line and column of the first. */
bool batch_text_check(const char *text, size_t len, struct cmd_error *err);

#endif
