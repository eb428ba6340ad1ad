/* Reading ptviz's JSON lines in the screenless tests (include after cmocka.h and json-c/json.h). */
#ifndef PTVIZ_TEST_JSON_LINES_H
#define PTVIZ_TEST_JSON_LINES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The nth line (from 0) whose "event" is name and, when key is not NULL, whose
 * key holds the string value; NULL when there is none.  Every line must be a
 * JSON object with "event" and "t".  Free the result with json_object_put, or hold it (json_hold)
 * for the test's teardown to release.
 */
static inline struct json_object *json_event(const char *out, const char *name, const char *key, const char *value,
                                             int nth)
{
	char *copy = strdup(out), *save = NULL;

	for (char *line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		struct json_object *o = json_tokener_parse(line), *ev = NULL, *t = NULL, *v;
		if (o == NULL || !json_object_object_get_ex(o, "event", &ev) || !json_object_object_get_ex(o, "t", &t)) {
			/* Freed before failing: the failure jumps out of this function. */
			char bad[240];
			snprintf(bad, sizeof(bad), "%s: %s", o == NULL ? "not a JSON line" : "a JSON line without \"event\" and \"t\"",
			         line);
			json_object_put(o);
			free(copy);
			fail_msg("%s", bad);
		}
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

/*
 * The events a test reads, held where its teardown releases them (json_release_all): a failed
 * assertion jumps out of the test past any json_object_put after it.
 */
#define JSON_HELD_MAX 16
static struct json_object *json_held[JSON_HELD_MAX];
static int json_nheld;

/* Holds o (NULL is passed through) until json_release or json_release_all. */
static inline struct json_object *json_hold(struct json_object *o)
{
	if (o == NULL)
		return NULL;
	if (json_nheld == JSON_HELD_MAX) {
		json_object_put(o);
		fail_msg("more than %d JSON events held at once", JSON_HELD_MAX);
	}
	json_held[json_nheld++] = o;
	return o;
}

/* Releases one held event now, before the teardown. */
static inline void json_release(struct json_object *o)
{
	for (int i = 0; i < json_nheld; i++) {
		if (json_held[i] == o) {
			json_object_put(o);
			json_held[i] = json_held[--json_nheld];
			return;
		}
	}
	fail_msg("a JSON event released that was not held");
}

/* Releases every held event: in a test's teardown. */
static inline void json_release_all(void)
{
	while (json_nheld > 0)
		json_object_put(json_held[--json_nheld]);
}

/* o[key], which must be there. */
static inline struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no \"%s\" in %s", key, json_object_to_json_string(o));
	return v;
}

/* The group named name in a report's "groups", which must be there. */
static inline struct json_object *group_named(struct json_object *report, const char *name)
{
	struct json_object *groups = get(report, "groups");

	for (size_t i = 0; i < json_object_array_length(groups); i++) {
		struct json_object *g = json_object_array_get_idx(groups, i);
		if (strcmp(json_object_get_string(get(g, "name")), name) == 0)
			return g;
	}
	fail_msg("no group %s in %s", name, json_object_to_json_string(report));
	return NULL;
}

#endif
