/* What the report adds for a main thread's return, the environment and the sandbox, as text and JSON. */
#ifndef PTVIZ_BATCH_ENVJOIN_H
#define PTVIZ_BATCH_ENVJOIN_H

#include <stdio.h>

#include <json-c/json.h>

#include "../view/report.h"

/* Adds "batches", "main" to each group object and "environment", "cwd", "sandbox", "batches" to each worker's. */
void batch_envjoin_json(struct json_object *groups, const struct lab *lab, const struct report *r);
/* The text report's lines for a group (after its figures) and a worker (after its line). */
void batch_envjoin_text_group(FILE *out, const struct report_group *rg);
void batch_envjoin_text_worker(FILE *out, const struct lab *lab, const struct report_group *rg, const struct report_worker *rw);

#endif
