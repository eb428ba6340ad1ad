/* Unit tests of the command language's parser: every command, every error with its line and column. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cmd/cmd.h"

/* The commands a test parsed, kept where the teardown frees them however the test ends. */
static struct cmd_list l;

static int list_teardown(void **state)
{
	(void)state;
	cmd_list_free(&l);
	return 0;
}

static struct cmd_list parse_ok(const char *text)
{
	struct cmd_list list;
	struct cmd_error err;

	if (!cmd_parse(text, 1, &list, &err))
		fail_msg("'%s' did not parse: %d:%d: %s", text, err.line, err.column, err.message);
	return list;
}

static void expect_error(const char *text, int line, int column, const char *needle)
{
	struct cmd_list list;
	struct cmd_error err;

	if (cmd_parse(text, 1, &list, &err)) {
		cmd_list_free(&list);
		fail_msg("'%s' parsed but should not have", text);
	}
	assert_int_equal(list.n, 0);
	if (err.line != line || err.column != column || strstr(err.message, needle) == NULL)
		fail_msg("'%s': got %d:%d '%s', expected %d:%d containing '%s'", text, err.line, err.column,
		         err.message, line, column, needle);
}

static void test_spawn(void **state)
{
	(void)state;
	l = parse_ok("spawn threads 4; spawn processes 3 shared as Web\nspawn processes 2");
	assert_int_equal(l.n, 3);
	assert_int_equal(l.items[0].verb, CMD_SPAWN);
	assert_int_equal(l.items[0].kind, LAB_THREADS);
	assert_int_equal(l.items[0].count, 4);
	assert_false(l.items[0].shared);
	assert_string_equal(l.items[0].target, "");
	assert_int_equal(l.items[1].kind, LAB_PROCESSES);
	assert_int_equal(l.items[1].count, 3);
	assert_true(l.items[1].shared);
	assert_string_equal(l.items[1].target, "Web");
	assert_int_equal(l.items[1].column, 18);
	assert_int_equal(l.items[2].line, 2);
	assert_int_equal(l.items[2].column, 1);
	assert_string_equal(l.items[1].text, "spawn processes 3 shared as Web");
	cmd_list_free(&l);
}

/* spawn green N [on M] [handoff] [as NAME], and yield anywhere|boundary [GROUP]. */
static void test_spawn_green(void **state)
{
	(void)state;
	l = parse_ok("spawn green 8; spawn green 100 on 2 handoff as H; spawn green 3 handoff; yield anywhere H; yield boundary");
	assert_int_equal(l.n, 5);
	assert_int_equal(l.items[0].kind, LAB_THREADS);
	assert_int_equal(l.items[0].kernels, 1);
	assert_false(l.items[0].handoff);
	assert_int_equal(l.items[1].count, 100);
	assert_int_equal(l.items[1].kernels, 2);
	assert_true(l.items[1].handoff);
	assert_string_equal(l.items[1].target, "H");
	assert_int_equal(l.items[2].kernels, 1);
	assert_true(l.items[2].handoff);
	assert_int_equal(l.items[3].verb, CMD_YIELD);
	assert_true(l.items[3].on);
	assert_string_equal(l.items[3].target, "H");
	assert_false(l.items[4].on);
	/* Threads and processes have no kernel threads to choose. */
	cmd_list_free(&l);
	l = parse_ok("spawn threads 2");
	assert_int_equal(l.items[0].kernels, 0);
	cmd_list_free(&l);
	expect_error("spawn green 8 on", 1, 17, "'on' needs how many kernel threads");
	expect_error("spawn green 8 on 0", 1, 18, "bad count of kernel threads '0'");
	expect_error("spawn green 8 on 9", 1, 18, "expected 1 to 8");
	expect_error("spawn green 2 shared", 1, 15, "green threads share one host's memory");
	expect_error("spawn green 2 on 1 extra", 1, 20, "'on M', 'handoff', 'as NAME'");
	expect_error("yield sometimes", 1, 7, "expected anywhere or boundary");
}

static void test_every_verb(void **state)
{
	(void)state;
	l = parse_ok("sync mutex\nsync atomic T\ninject segv T3\ninject loop PB12\n"
	                             "kill P2\nkill T\npause all\nresume T2\nrun 0.5\nreport\nreset\nquit\n");
	assert_int_equal(l.n, 12);
	assert_int_equal(l.items[0].verb, CMD_SYNC);
	assert_int_equal(l.items[0].sync, LAB_SYNC_MUTEX);
	assert_string_equal(l.items[0].target, "");
	assert_int_equal(l.items[1].sync, LAB_SYNC_ATOMIC);
	assert_string_equal(l.items[1].target, "T");
	assert_int_equal(l.items[2].verb, CMD_INJECT);
	assert_int_equal(l.items[2].fault, LAB_FAULT_SEGV);
	assert_string_equal(l.items[2].target, "T3");
	assert_int_equal(l.items[2].target_column, 13);
	assert_int_equal(l.items[3].fault, LAB_FAULT_LOOP);
	assert_string_equal(l.items[3].target, "PB12");
	assert_int_equal(l.items[4].verb, CMD_KILL);
	assert_int_equal(l.items[6].verb, CMD_PAUSE);
	assert_string_equal(l.items[6].target, "all");
	assert_int_equal(l.items[7].verb, CMD_RESUME);
	assert_int_equal(l.items[8].verb, CMD_RUN);
	assert_true(l.items[8].seconds > 0.49 && l.items[8].seconds < 0.51);
	assert_int_equal(l.items[9].verb, CMD_REPORT);
	assert_int_equal(l.items[10].verb, CMD_RESET);
	assert_int_equal(l.items[11].verb, CMD_QUIT);
	cmd_list_free(&l);

	l = parse_ok("open T2; close P1 0; fork PB3; files on P");
	assert_int_equal(l.n, 4);
	assert_int_equal(l.items[3].verb, CMD_FILES);
	assert_true(l.items[3].on);
	assert_string_equal(l.items[3].target, "P");
	assert_int_equal(l.items[0].verb, CMD_OPEN);
	assert_string_equal(l.items[0].target, "T2");
	assert_int_equal(l.items[1].verb, CMD_CLOSE);
	assert_string_equal(l.items[1].target, "P1");
	assert_int_equal(l.items[1].fd, 0);
	assert_int_equal(l.items[2].verb, CMD_FORK);
	assert_string_equal(l.items[2].target, "PB3");
	cmd_list_free(&l);
}

/* Every word of the vocabularies' tables parses to its own value; the help shows them all. */
static void test_table_words(void **state)
{
	(void)state;
	char text[128];
	for (int i = 0; lab_sync_words[i] != NULL; i++) {
		snprintf(text, sizeof(text), "sync %s", lab_sync_words[i]);
		l = parse_ok(text);
		assert_int_equal(l.items[0].sync, i);
		assert_string_equal(lab_sync_name(l.items[0].sync), lab_sync_words[i]);
		cmd_list_free(&l);
	}
	for (int i = 0; lab_inject_words[i] != NULL; i++) {
		snprintf(text, sizeof(text), "inject %s T1", lab_inject_words[i]);
		l = parse_ok(text);
		assert_string_equal(lab_fault_name(l.items[0].fault), lab_inject_words[i]);
		cmd_list_free(&l);
	}
	for (int i = 0; lab_workload_words[i] != NULL; i++) {
		snprintf(text, sizeof(text), "workload %s", lab_workload_words[i]);
		l = parse_ok(text);
		assert_string_equal(lab_workload_name(l.items[0].workload), lab_workload_words[i]);
		cmd_list_free(&l);
	}
	assert_string_equal(lab_fault_name(LAB_FAULT_NONE), "none");
	assert_string_equal(lab_fault_name((enum lab_fault)(1 VOCAB_INJECTS(VOCAB_ONE))), "none");
	assert_string_equal(lab_step_name(LAB_STEP_FETCH_ADD), "fetch-add");
	assert_string_equal(lab_activity_name(LAB_ACT_STEPWAIT), "waiting for a step");

	const struct cmd_entry *sync = cmd_entry_find("sync");
	assert_non_null(sync);
	cmd_usage_text(&sync->usage[0], text, sizeof(text));
	assert_string_equal(text, "sync none|mutex|atomic [GROUP]");
	expect_error("workload spin", 1, 10,
	             "unknown workload 'spin': expected counter, withdraw, deadlock, io, cpu, eventloop, batches, channel or tasks");
	expect_error("bench", 1, 6, "bench needs a measurement: create, forksize, switch, ipc or all");
	/* The tasks workload's pool and rate: a word for none, or a whole number, then an optional group. */
	l = parse_ok("pool off T; pool 3; rate max; rate 4000 P");
	assert_int_equal(l.n, 4);
	assert_int_equal(l.items[0].count, 0);
	assert_string_equal(l.items[0].target, "T");
	assert_int_equal(l.items[1].count, 3);
	assert_int_equal(l.items[2].count, 0);
	assert_int_equal(l.items[3].count, 4000);
	assert_string_equal(l.items[3].target, "P");
	cmd_list_free(&l);
	expect_error("pool", 1, 5, "pool needs off or a number, e.g. 'pool 4 T'");
	expect_error("pool none", 1, 6, "bad pool 'none': expected off or a whole number from 1 to 4096, e.g. 'pool 4 T'");
	expect_error("rate 0", 1, 6, "bad rate '0': expected max or a whole number from 1 to 100000, e.g. 'rate 1000 T'");
	expect_error("rate 1.5", 1, 6, "bad rate '1.5'");
	expect_error("bench cpu", 1, 7, "unknown measurement 'cpu': expected create, forksize, switch, ipc or all");
}

static void test_comments_and_blank(void **state)
{
	(void)state;
	l = parse_ok("# a lesson\n\n   ; ;\nspawn threads 2 # two of them\n  report;# end\n");
	assert_int_equal(l.n, 2);
	assert_int_equal(l.items[0].line, 4);
	assert_int_equal(l.items[1].line, 5);
	assert_int_equal(l.items[1].column, 3);
	assert_string_equal(l.items[0].text, "spawn threads 2");
	cmd_list_free(&l);

	l = parse_ok("");
	assert_int_equal(l.n, 0);
	cmd_list_free(&l);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("inject segfault T3", 1, 8, "unknown fault 'segfault': expected segv, abort, exit, loop or block");
	expect_error("spawn threads 4\nfrobnicate", 2, 1, "unknown command 'frobnicate'");
	expect_error("spawn threads", 1, 14, "needs a count");
	expect_error("spawn threads four", 1, 15, "bad count 'four'");
	expect_error("spawn threads 0", 1, 15, "bad count '0'");
	expect_error("spawn threads -3", 1, 15, "bad count");
	expect_error("spawn threads 99999999999", 1, 15, "bad count");
	expect_error("spawn fibers 2", 1, 7, "expected threads or processes");
	expect_error("spawn threads 2 shared", 1, 17, "only for processes");
	expect_error("spawn processes 2 as", 1, 21, "needs a group name");
	expect_error("spawn processes 2 as W3b", 1, 22, "bad group name 'W3b'");
	expect_error("spawn processes 2 as all", 1, 22, "bad group name 'all'");
	expect_error("spawn processes 2 extra", 1, 19, "unexpected 'extra'");
	expect_error("sync sometimes", 1, 6, "unknown sync mode 'sometimes': expected none, mutex or atomic");
	expect_error("sync mutex T3", 1, 12, "expected a group");
	expect_error("sync", 1, 5, "needs a mode");
	expect_error("inject segv", 1, 12, "needs a worker");
	expect_error("inject segv T", 1, 13, "'T' is a group, not a worker");
	expect_error("inject segv 3T", 1, 13, "bad worker '3T'");
	expect_error("inject segv T0", 1, 13, "bad worker 'T0'");
	expect_error("kill", 1, 5, "needs a worker or a group");
	expect_error("open", 1, 5, "open needs a worker, e.g. 'open T2'");
	expect_error("open T", 1, 6, "'T' is a group, not a worker: one worker opens a file, e.g. 'T1'");
	expect_error("fork P2 now", 1, 9, "unexpected 'now'");
	expect_error("fork 2", 1, 6, "bad worker '2'");
	expect_error("close P2", 1, 9, "close needs the file descriptor to close after the worker, e.g. 'close P2 3'");
	expect_error("close P2 three", 1, 10, "bad file descriptor 'three': expected a whole number from 0 to 65535");
	expect_error("close P2 -1", 1, 10, "bad file descriptor '-1'");
	expect_error("close P2 3 4", 1, 12, "unexpected '4'");
	expect_error("pause", 1, 6, "needs a worker, a group or all");
	expect_error("run", 1, 4, "needs seconds");
	expect_error("run soon", 1, 5, "bad duration 'soon'");
	expect_error("run -1", 1, 5, "bad duration");
	expect_error("run nan", 1, 5, "bad duration");
	expect_error("run 1e9", 1, 5, "bad duration");
	expect_error("report now", 1, 8, "unexpected 'now' after 'report'");
	expect_error("  spawn threads 2;  kill T T", 1, 28, "unexpected 'T'");
	expect_error("spawn threads 2\x01", 1, 16, "control character");
	expect_error("a b c d e f g h i j", 1, 17, "too many words");
}

/* Every number is decimal, as a person writes it; a refusal says why and names the accepted form and range. */
static void test_numbers(void **state)
{
	(void)state;
	l = parse_ok("run -0; run +0.5; run .25; run 2.; run 86400; spawn threads 4096; "
	                             "spawn processes 1024; close P1 -0; spawn threads 007");
	assert_int_equal(l.n, 9);
	assert_true(l.items[0].seconds == 0 && !signbit(l.items[0].seconds));
	assert_true(l.items[1].seconds == 0.5 && l.items[2].seconds == 0.25 && l.items[3].seconds == 2);
	assert_int_equal(l.items[5].count, 4096);
	assert_int_equal(l.items[6].count, 1024);
	assert_int_equal(l.items[7].fd, 0);
	assert_int_equal(l.items[8].count, 7);
	cmd_list_free(&l);

	static const char form[] = "expected seconds as a decimal number, e.g. 2 or 0.5, from 0 to 86400";
	expect_error("run 0x10", 1, 5, "bad duration '0x10' (written in hexadecimal): expected seconds as a decimal");
	expect_error("run 0x1p3", 1, 5, "(written in hexadecimal)");
	expect_error("run 1e-400", 1, 5, "bad duration '1e-400' (written with an exponent, and too small to tell from 0)");
	expect_error("run 1e3", 1, 5, "bad duration '1e3' (written with an exponent: in decimal, 1000)");
	expect_error("run 1e999", 1, 5, "(written with an exponent, and far too large)");
	expect_error("run inf", 1, 5, "bad duration 'inf' (infinity)");
	expect_error("run -nan", 1, 5, "bad duration '-nan' ('not a number')");
	expect_error("run -0.5", 1, 5, form);
	expect_error("run 86400.5", 1, 5, form);
	expect_error("run 1,5", 1, 5, "bad duration '1,5': expected seconds as a decimal number");
	expect_error("run .", 1, 5, form);

	/* counts: the parser's limit, and the flag that sets the cap below it */
	expect_error("spawn threads 4097", 1, 15,
	             "bad count '4097': at most 4096 threads in one group, however ptviz is started (the cap is 256 by "
	             "default; --max-threads N raises it as far as 4096)");
	expect_error("spawn threads 100000", 1, 15, "at most 4096 threads in one group");
	expect_error("spawn threads 99999999999999999999999", 1, 15, "at most 4096 threads in one group");
	expect_error("spawn processes 1025", 1, 17,
	             "bad count '1025': at most 1024 processes in all, however ptviz is started (the cap is 64 by "
	             "default; --max-processes N raises it as far as 1024)");
	expect_error("spawn threads 0", 1, 15, "bad count '0': expected a whole number from 1 to 4096, e.g. 'spawn threads 4'");
	expect_error("spawn process 0x10", 1, 15, "bad count '0x10' (written in hexadecimal): expected a whole number from 1 "
	                                          "to 1024, e.g. 'spawn process 4'");
	expect_error("spawn threads 2.5", 1, 15, "(a fraction, where a whole number is needed)");
	expect_error("spawn threads 1e2", 1, 15, "(written with an exponent: in decimal, 100)");
	expect_error("close P2 0x3", 1, 10, "bad file descriptor '0x3' (written in hexadecimal): expected a whole number");
	expect_error("schedule 1 2 4097", 1, 14, "bad worker number '4097': expected whole numbers from 1 to 4096");
	expect_error("schedule 1 0x2", 1, 12, "bad worker number '0x2' (written in hexadecimal)");
}

/* The same rule for a lesson's own numbers as for the commands'. */
static void test_number_form(void **state)
{
	(void)state;
	char why[96];
	double v = -1;

	assert_true(cmd_number("-0", true, &v, why, sizeof(why)));
	assert_true(v == 0 && !signbit(v));
	assert_string_equal(why, "");
	assert_true(cmd_number("12", false, &v, why, sizeof(why)));
	assert_true(v == 12);
	assert_false(cmd_number("", true, &v, why, sizeof(why)));
	assert_false(cmd_number("+", true, &v, why, sizeof(why)));
	assert_false(cmd_number("- 1", true, &v, why, sizeof(why)));
	assert_false(cmd_number("1.5", false, &v, why, sizeof(why)));
	assert_string_equal(why, "a fraction, where a whole number is needed");
	assert_false(cmd_number("INF", true, &v, why, sizeof(why)));
	assert_string_equal(why, "infinity");
	assert_false(cmd_number("0X1A", false, &v, why, sizeof(why)));
	assert_string_equal(why, "written in hexadecimal");
}

static void test_long_words(void **state)
{
	(void)state;
	char text[256];
	memset(text, 'a', sizeof(text));
	memcpy(text, "kill ", 5);
	text[sizeof(text) - 1] = '\0';
	expect_error(text, 1, 6, "word too long");
}

/* A command's text keeps what it means: blanks padded between words become one space; what cannot fit is marked cut. */
static void test_text_as_written(void **state)
{
	(void)state;
	char text[300];

	snprintf(text, sizeof(text), "spawn threads%140s3", "");
	l = parse_ok(text);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].text, "spawn threads 3");
	assert_false(l.items[0].text_cut);
	cmd_list_free(&l);
	l = parse_ok("report   # \"quoted  blanks\" stay out of it");
	assert_string_equal(l.items[0].text, "report");
	cmd_list_free(&l);
	memset(text, 0, sizeof(text));
	strcpy(text, "schedule");
	for (int i = 0; i < 60; i++)
		strcat(text, " 1");
	l = parse_ok(text);
	assert_true(l.items[0].text_cut);
	assert_true(strlen(l.items[0].text) < sizeof(l.items[0].text));
}

/* The parser must never crash or read past the end, whatever it is given. */
static void test_garbage(void **state)
{
	(void)state;
	unsigned seed = 12345;
	char text[96];
	static const char alphabet[] = "spawn threads processes 4 0.5 ;#\n\t TPab19 shared as inject segv x\x7f\"\\";

	for (int round = 0; round < 20000; round++) {
		size_t len = (seed = seed * 1103515245u + 12345u) % (sizeof(text) - 1);
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			text[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		text[len] = '\0';
		struct cmd_error err;
		if (cmd_parse(text, 1, &l, &err)) {
			for (int i = 0; i < l.n; i++)
				assert_true(l.items[i].line >= 1 && l.items[i].column >= 1);
			cmd_list_free(&l);
		} else {
			assert_true(err.line >= 1 && err.column >= 1);
			assert_true(err.message[0] != '\0');
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_spawn, list_teardown),
		cmocka_unit_test_teardown(test_spawn_green, list_teardown),
		cmocka_unit_test_teardown(test_text_as_written, list_teardown),
		cmocka_unit_test_teardown(test_every_verb, list_teardown),
		cmocka_unit_test_teardown(test_table_words, list_teardown),
		cmocka_unit_test_teardown(test_comments_and_blank, list_teardown),
		cmocka_unit_test_teardown(test_errors, list_teardown),
		cmocka_unit_test_teardown(test_numbers, list_teardown),
		cmocka_unit_test_teardown(test_number_form, list_teardown),
		cmocka_unit_test_teardown(test_long_words, list_teardown),
		cmocka_unit_test_teardown(test_garbage, list_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
