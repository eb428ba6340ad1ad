/* Reading ptviz's JSON lines in the screenless tests (include after cmocka.h and json-c/json.h). */
#ifndef PTVIZ_TEST_JSON_LINES_H
#define PTVIZ_TEST_JSON_LINES_H

#include <stdlib.h>
#include <string.h>

/*
 * The nth line (from 0) whose "event" is name and, when key is not NULL, whose
 * key holds the string value; NULL when there is none.  Every line must be a
 * JSON object with "event" and "t".  Free the result with json_object_put.
 */
static inline struct json_object *json_event(const char *out, const char *name, const char *key, const char *value,
                                             int nth)
{
	char *copy = strdup(out), *save = NULL;

	for (char *line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		struct json_object *o = json_tokener_parse(line), *ev, *t, *v;
		if (o == NULL)
			fail_msg("not a JSON line: %s", line);
		assert_true(json_object_object_get_ex(o, "event", &ev));
		assert_true(json_object_object_get_ex(o, "t", &t));
		if (strcmp(json_object_get_string(ev), name) == 0 &&
		    (key == NULL || (json_object_object_get_ex(o, key, &v) && strcmp(json_object_get_string(v), value) == 0)) &&
		    nth-- == 0) {
			free(copy);
			return o;
		}
		json_object_put(o);
	}
	free(copy);
	return NULL;
}

/* o[key], which must be there. */
static inline struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no \"%s\" in %s", key, json_object_to_json_string(o));
	return v;
}

#endif
