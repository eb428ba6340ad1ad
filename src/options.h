/* What the command line asks for, read from argv into one struct: the engine's limits and each front end's options. */
#ifndef PTVIZ_OPTIONS_H
#define PTVIZ_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "batch/batch.h"
#include "bench/bench.h"
#include "lab/lab.h"
#include "ui/ui.h"

struct options {
	struct lab_config lab;        /* --max-threads, --max-processes */
	struct batch_options batch;   /* --json; --hz for both front ends */
	struct ui_options screen;     /* --empty, --frames, --big, --no-keybar, a lesson's --autoplay, --speed, --seed */
	struct bench_options bench;   /* --bench-time, --bench-max-mib */
	const char *command;          /* -c TEXT */
	const char *file;             /* --batch FILE */
	bool demo;
	bool bench_run;               /* --bench [NAME] */
	const char *bench_name;
	const char *lesson_name;      /* --lesson NAME|FILE */
	bool lessons;                 /* --lessons */
	bool check;                   /* --check, with --lesson */
};

/* Reads argv into o.  Returns -1 to go on, or the exit status: 0 after --help or --version, 2 on a mistake (said on stderr). */
int options_parse(struct options *o, int argc, char **argv);
/* A lesson's options, checked only on the way to a front end (--bench and --lessons leave them be): -1, or 2 on a mistake. */
int options_check_lesson(const struct options *o);
/* --help. */
void options_usage(FILE *f);

#endif
