/* What the channel and tasks workloads add to a group in the report: JSON fields and text lines. */
#ifndef PTVIZ_BATCH_WORK_H
#define PTVIZ_BATCH_WORK_H

#include <stdio.h>

#include <json-c/json.h>

#include "../lab/lab.h"

/* "channel": {...} or "tasks": {...} on the group's object, for a group that runs one of them. */
void batch_work_json(struct json_object *go, const struct lab_group *g, int cpus);
/* Their two lines, under the group's figures. */
void batch_work_text(FILE *out, const struct lab_group *g, int cpus);

#endif
