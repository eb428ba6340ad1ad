/* Small JSON values the screenless front end writes in many places: a figure with its decimals, a state letter. */
#include "batch_json.h"

#include <stdio.h>

struct json_object *batch_json_figure(double x, const char *format)
{
	char buf[32];

	snprintf(buf, sizeof(buf), format, x);
	return json_object_new_double_s(x, buf);
}

struct json_object *batch_json_state(char state)
{
	char s[2] = { state, '\0' };

	return json_object_new_string(s);
}
