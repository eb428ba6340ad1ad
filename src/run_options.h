/* The command line of ptviz run: its options, read into struct run_options. */
#ifndef PTVIZ_RUN_OPTIONS_H
#define PTVIZ_RUN_OPTIONS_H

#include <stdio.h>

#include "batch/batch_program.h"

/* argv[0] is "run".  Returns -1 to go on, or the exit status: 0 after --help, 2 on a mistake (said on stderr). */
int run_options_parse(struct run_options *ro, int argc, char **argv);
void run_usage(FILE *f);

#endif
