/* Small JSON values the screenless front end writes in many places: a figure with its decimals, a task's state letter. */
#ifndef PTVIZ_BATCH_JSON_H
#define PTVIZ_BATCH_JSON_H

#include <json-c/json.h>

/* x as a JSON number printed with format ("%.3f"): the decimals it deserves, not json-c's seventeen. */
struct json_object *batch_json_figure(double x, const char *format);

/* A state letter from /proc (R, S, D, T, t, Z, or '-' when gone) as a one-letter string. */
struct json_object *batch_json_state(char state);

#endif
