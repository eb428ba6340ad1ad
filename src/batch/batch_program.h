/* The screenless front end of ptviz run: a program's tasks, output and reports, as JSON lines or text. */
#ifndef PTVIZ_BATCH_PROGRAM_H
#define PTVIZ_BATCH_PROGRAM_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "../lab/program.h"

struct run_options {
	bool json;
	double every;                  /* seconds between reports */
	struct program_options program;
	char **argv;                   /* the program and its arguments */
};

/* Runs the program until its last process ends (or ptviz is told to stop); returns its exit status. */
int batch_program_run(const struct run_options *ro, FILE *out, FILE *errout);

/* A program group as a report's group object ("kind": "program"). */
struct json_object *batch_program_json_group(const struct program_view *v);
/* One event as a JSON object, or as a line of text. */
struct json_object *batch_program_json_event(const struct program_event *ev);
void batch_program_text_event(const struct program_event *ev, FILE *out);
void batch_program_text_group(const struct program_view *v, FILE *out);

#endif
