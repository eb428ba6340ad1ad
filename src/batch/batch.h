/* The screenless front end: runs commands and prints what happened, as text or JSON lines. */
#ifndef PTVIZ_BATCH_H
#define PTVIZ_BATCH_H

#include <stdbool.h>
#include <stdio.h>

#include "../lab/lab.h"

struct batch_options {
	bool json;
	int hz;                /* observations per second while time runs; 0 for none */
	const char *source;    /* "-c", a file name, or "-" */
};

/* Parses and runs text; returns the exit code: 0 all succeeded, 1 a command failed. */
int batch_run(struct lab *lab, const char *text, const struct batch_options *opt, FILE *out, FILE *errout);

#endif
