/* The report's memory and lifecycle for each worker and group, as text and JSON. */
#ifndef PTVIZ_BATCH_LIFE_H
#define PTVIZ_BATCH_LIFE_H

#include <stdio.h>

#include <json-c/json.h>

#include "../lab/lab.h"
#include "../view/lifecycle.h"

/* "memory": {"rss_kib", "pss_kib", "uss_kib"} (a thread: and "stack_kib"); null before the first read. */
struct json_object *batch_memory_json(const struct lab_memory_use *m, bool thread);
/* A group's "memory_use" (its "memory" says shared or private), with "per_worker_kib": what one more worker costs (memcost.h). */
struct json_object *batch_group_memory_json(const struct lab_group *g);
/* "lifecycle": the shares of the last second, the state, and the new and terminated events with their times. */
struct json_object *batch_life_json(const struct life *life, const struct lab_worker *w, double now);
/* The same as two lines of text under the worker. */
void batch_life_text(FILE *out, const struct life *life, const struct lab_group *g, const struct lab_worker *w,
                     double now);
/* A group's memory line: what one more worker costs. */
void batch_group_memory_text(FILE *out, const struct lab_group *g);

#endif
