/* Screenless runs of the real binary on input that is wrong: not text, counts over a cap, schedules no group can take. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "json_lines.h"
#include "ptviz_run.h"

/*
 * What every test here shares: a run's output (too big for the stack) and a file of commands;
 * freed however a test ends, with the JSON events it held (json_hold).
 */
struct input {
	struct run run;
	char path[64];
};

static int input_setup(void **state)
{
	struct input *in = calloc(1, sizeof(*in));

	if (in == NULL)
		return -1;
	strcpy(in->path, "/tmp/ptviz-input-XXXXXX");
	int fd = mkstemp(in->path);
	if (fd < 0) {
		free(in);
		return -1;
	}
	close(fd);
	*state = in;
	return 0;
}

static int input_teardown(void **state)
{
	struct input *in = *state;

	json_release_all();
	unlink(in->path);
	free(in);
	return 0;
}

/* Writes len bytes of text to the test's file of commands. */
static void input_write(struct input *in, const char *text, size_t len)
{
	int fd = open(in->path, O_WRONLY | O_TRUNC);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

/* Bad input is exit 1, as any other mistake in the commands; 2 is for bad options. */
static void test_nul_byte(void **state)
{
	struct input *in = *state;
	struct run *r = &in->run;
	char where[256];
	static const char text[] = "spawn threads 1\nrun 0.1\n\0report\n";

	input_write(in, text, sizeof(text) - 1);
	run(r, "--batch", in->path, NULL);
	assert_int_equal(r->status, 1);
	snprintf(where, sizeof(where), "%s:3:1: a NUL byte on line 3: a NUL byte is not text; expected a text file of commands",
	         in->path);
	if (strstr(r->err, where) == NULL)
		fail_msg("expected '%s', got '%s'", where, r->err);
	assert_null(strstr(r->out, "spawn"));

	/* in JSON, the error is an event with its line and column, as a parse error's */
	run(r, "--json", "--batch", in->path, NULL);
	assert_int_equal(r->status, 1);
	struct json_object *e = json_hold(json_event(r->out, "error", NULL, NULL, 0));
	assert_non_null(e);
	assert_int_equal(json_object_get_int(get(e, "line")), 3);
	assert_int_equal(json_object_get_int(get(e, "column")), 1);

	/* a file that cannot be read at all is still a bad option */
	run(r, "--batch", "/nonexistent/commands", NULL);
	assert_int_equal(r->status, 2);
}

/* Over the cap a group may have: the message names the cap and the flag that raises it, and nothing starts. */
static void test_caps_name_their_flag(void **state)
{
	struct input *in = *state;
	struct run *r = &in->run;

	run(r, "-c", "spawn threads 300", NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "-c:1:15: 300 threads is over the cap of 256 per group"));
	assert_non_null(strstr(r->err, "--max-threads 300"));
	run(r, "-c", "spawn threads 4097", NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "-c:1:15: bad count '4097': at most 4096 threads in one group"));
	assert_non_null(strstr(r->err, "--max-threads N raises it as far as 4096"));
	run(r, "-c", "spawn processes 65", NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "--max-processes 65"));
	run(r, "--max-threads", "300", "-c", "spawn threads 4097", NULL);
	assert_non_null(strstr(r->err, "at most 4096 threads in one group"));
}

/* A schedule naming a worker no group has is refused when the groups are there, at that number. */
static void test_schedule_beyond_the_groups(void **state)
{
	struct input *in = *state;
	struct run *r = &in->run;

	run(r, "-c", "spawn threads 2; spawn processes 2; step on; schedule 1 2 3 1", NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "-c:1:59: no stepping group has a worker 3: the most is 2, in T; number the "
	                               "steps from 1 to 2"));
	/* not stepping yet: judged by the groups there are */
	run(r, "-c", "spawn processes 3 as Web; schedule 4", NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "-c:1:36: no group has a worker 4: the most is 3, in Web"));
	/* before any group: judged when `step` reaches the number */
	run(r, "-c", "schedule 1 3; spawn threads 2; step on; step; step", NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "-c:1:47: no worker could take this step: T has no worker 3; the schedule's next "
	                               "is worker 3 (step 2 of 2)"));
	assert_non_null(strstr(r->err, "'schedule' alone to take turns"));
}

/* The numbers as a person writes them, through the binary: -0 runs for no time, hexadecimal does not run. */
static void test_numbers_run(void **state)
{
	struct input *in = *state;
	struct run *r = &in->run;

	run(r, "-c", "run -0; report", NULL);
	assert_int_equal(r->status, 0);
	run(r, "-c", "run 0x10", NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "bad duration '0x10' (written in hexadecimal): expected seconds as a decimal "
	                               "number, e.g. 2 or 0.5, from 0 to 86400"));
	assert_true(r->wall_s < 10);
}

/* The options' numbers follow the same rule as the commands': a bad one is a bad option, exit 2, with why. */
static void test_option_numbers(void **state)
{
	struct input *in = *state;
	struct run *r = &in->run;

	run(r, "--max-threads", "0x10", "-c", "report", NULL);
	assert_int_equal(r->status, 2);
	assert_non_null(strstr(r->err, "--max-threads '0x10' (written in hexadecimal): expected a whole number from 1 to 4096"));
	run(r, "--hz", "1e1", "-c", "report", NULL);
	assert_int_equal(r->status, 2);
	assert_non_null(strstr(r->err, "--hz '1e1' (written with an exponent: in decimal, 10)"));
	run(r, "--bench", "create", "--bench-time", "inf", NULL);
	assert_int_equal(r->status, 2);
	assert_non_null(strstr(r->err, "--bench-time 'inf' (infinity): expected seconds as a decimal number from"));
	run(r, "--lesson", "crash", "--check", "--speed", "0x2", NULL);
	assert_int_equal(r->status, 2);
	assert_non_null(strstr(r->err, "--speed '0x2' (written in hexadecimal): expected a factor from 0.1 to 1000"));
	/* a sign is what a person may write: +2 is 2, and the cap it sets holds */
	run(r, "--max-threads", "+2", "-c", "spawn threads 3", NULL);
	assert_int_equal(r->status, 1);
	assert_non_null(strstr(r->err, "3 threads is over the cap of 2 per group"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nul_byte, input_setup, input_teardown),
		cmocka_unit_test_setup_teardown(test_caps_name_their_flag, input_setup, input_teardown),
		cmocka_unit_test_setup_teardown(test_schedule_beyond_the_groups, input_setup, input_teardown),
		cmocka_unit_test_setup_teardown(test_numbers_run, input_setup, input_teardown),
		cmocka_unit_test_setup_teardown(test_option_numbers, input_setup, input_teardown),
	};
	if (argc < 2) {
		fprintf(stderr, "usage: test_input PATH-TO-PTVIZ\n");
		return 2;
	}
	static char full[4096];
	ptviz_path = realpath(argv[1], full) != NULL ? full : argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
