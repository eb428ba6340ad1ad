/* Unit tests of the lesson parser: every directive, every error with its line and column, and the built-in lessons. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lesson/lesson.h"
#include "view/letters.h"

/* The lesson a test parsed, kept where the teardown frees it however the test ends. */
static struct lesson l;

static int lesson_teardown(void **state)
{
	(void)state;
	lesson_free(&l);
	return 0;
}

static struct lesson parse_ok(const char *text)
{
	struct lesson parsed;
	struct lesson_error err;

	if (!lesson_parse(text, strlen(text), "t.lesson", &parsed, &err)) {
		char msg[1024];
		lesson_error_format(&err, msg, sizeof(msg));
		fail_msg("did not parse: %s\n---\n%s", msg, text);
	}
	return parsed;
}

static void expect_error_n(const char *text, size_t len, int line, int column, const char *needle)
{
	struct lesson refused;
	struct lesson_error err;

	if (lesson_parse(text, len, "t.lesson", &refused, &err)) {
		lesson_free(&refused);
		fail_msg("parsed but should not have:\n%s", text);
	}
	assert_int_equal(refused.nitems, 0);
	assert_null(refused.items);
	if (err.line != line || err.column != column || strstr(err.message, needle) == NULL)
		fail_msg("got %d:%d '%s', expected %d:%d containing '%s'\n---\n%s", err.line, err.column, err.message,
		         line, column, needle, text);
}

static void expect_error(const char *text, int line, int column, const char *needle)
{
	expect_error_n(text, strlen(text), line, column, needle);
}

/* ---- directives ---- */

static void test_header_and_caption(void **state)
{
	(void)state;
	l = parse_ok("# a comment first\n\ntitle  The title \nsummary One line\ncaption Hello, # not a comment\n"
	                           "caption\n");
	assert_string_equal(l.title, "The title");
	assert_string_equal(l.summary, "One line");
	assert_string_equal(l.name, "t");
	assert_int_equal(l.nitems, 2);
	assert_int_equal(l.items[0].kind, LESSON_CAPTION);
	assert_string_equal(l.items[0].text, "Hello, # not a comment");
	assert_int_equal(l.items[0].line, 5);
	assert_int_equal(l.items[0].column, 1);
	assert_int_equal(l.items[1].kind, LESSON_CAPTION);
	assert_string_equal(l.items[1].text, "");
	assert_int_equal(l.nsteps, 1);
	lesson_free(&l);
}

/* needs PROGRAM: a lesson whose program is installed plays as written; one whose program is missing says so. */
static void test_needs(void **state)
{
	(void)state;
	l = parse_ok("title T\nneeds sh\ncaption one\nspawn threads 2\npause\ncaption two\n");
	assert_int_equal(l.nitems, 4);
	assert_int_equal(l.nsteps, 2);
	lesson_free(&l);
	l = parse_ok("title T\nneeds no-such-program-here\ncaption one\nask Q | a | b | correct=1 | why=w\npause\n"
	             "spawn program gil_pair.py\n");
	assert_int_equal(l.nitems, 1);
	assert_int_equal(l.nsteps, 1);
	assert_int_equal(l.nasks, 0);
	assert_int_equal(l.items[0].kind, LESSON_CAPTION);
	assert_non_null(strstr(l.items[0].text, "no-such-program-here, which is not installed here"));
	lesson_free(&l);
	expect_error("title T\nneeds\n", 2, 6, "needs names a program the lesson runs, e.g. 'needs python3'");
	expect_error("title T\nneeds python3 node\n", 2, 15, "");
	expect_error("title T\ncaption x\nneeds python3\n", 3, 1, "needs comes before the lesson's first caption");
}

static void test_summary_optional_and_name(void **state)
{
	(void)state;
	struct lesson_error err;
	const char *text = "title T\ncaption x";

	assert_true(lesson_parse(text, strlen(text), "some/dir/crash.lesson", &l, &err));
	assert_null(l.summary);
	assert_string_equal(l.name, "crash");
	assert_string_equal(l.source, "some/dir/crash.lesson");
	lesson_free(&l);
	lesson_free(NULL);
}

static void test_pause_wait_measure_and_steps(void **state)
{
	(void)state;
	l = parse_ok("title T\ncaption one\npause\nwait 2.5 # a comment\nmeasure .5\npause   # end of step 2\n"
	                           "wait 0\n\tpause\n");
	assert_int_equal(l.nitems, 7);
	assert_int_equal(l.items[1].kind, LESSON_PAUSE);
	assert_int_equal(l.items[1].step, 0);
	assert_int_equal(l.items[2].kind, LESSON_WAIT);
	assert_true(l.items[2].seconds == 2.5);
	assert_int_equal(l.items[2].step, 1);
	assert_int_equal(l.items[3].kind, LESSON_MEASURE);
	assert_true(l.items[3].seconds == 0.5);
	assert_int_equal(l.items[4].step, 1);
	assert_int_equal(l.items[4].kind, LESSON_PAUSE);
	assert_int_equal(l.items[4].step, 1);
	assert_int_equal(l.items[5].kind, LESSON_WAIT);
	assert_true(l.items[5].seconds == 0);
	assert_int_equal(l.items[6].kind, LESSON_PAUSE);
	assert_int_equal(l.items[6].column, 2);
	assert_int_equal(l.items[6].step, 2);
	/* Ends with a pause: three steps, not four. */
	assert_int_equal(l.nsteps, 3);
	lesson_free(&l);

	l = parse_ok("title T\npause\ncaption after\n");
	assert_int_equal(l.nsteps, 2);
	lesson_free(&l);
}

/* `pause` alone waits for the presenter; with a target it is the command that pauses workers. */
static void test_pause_command(void **state)
{
	(void)state;
	l = parse_ok("title T\npause T2\npause all; resume all\npause\n");
	assert_int_equal(l.nitems, 3);
	assert_int_equal(l.items[0].kind, LESSON_COMMANDS);
	assert_int_equal(l.items[0].cmds.n, 1);
	assert_int_equal(l.items[0].cmds.items[0].verb, CMD_PAUSE);
	assert_string_equal(l.items[0].cmds.items[0].target, "T2");
	assert_int_equal(l.items[1].cmds.n, 2);
	assert_int_equal(l.items[1].cmds.items[1].verb, CMD_RESUME);
	assert_int_equal(l.items[2].kind, LESSON_PAUSE);
	lesson_free(&l);
}

static void test_ask(void **state)
{
	(void)state;
	l = parse_ok("title T\nask  Who dies? | only T3 |all four| every worker | correct=2 | why=They share one "
	                           "process: a = b, too.\npause\nask Again? | yes | no | why=Because. | correct=1\n");
	assert_int_equal(l.nitems, 3);
	const struct lesson_ask *a = &l.items[0].ask;
	assert_int_equal(l.items[0].kind, LESSON_ASK);
	assert_string_equal(a->question, "Who dies?");
	assert_int_equal(a->nanswers, 3);
	assert_string_equal(a->answers[0], "only T3");
	assert_string_equal(a->answers[1], "all four");
	assert_string_equal(a->answers[2], "every worker");
	assert_int_equal(a->correct, 2);
	assert_string_equal(a->why, "They share one process: a = b, too.");
	a = &l.items[2].ask;
	assert_int_equal(a->correct, 1);
	assert_string_equal(a->why, "Because.");
	assert_int_equal(l.nasks, 2);
	/* The end counts as the pause after the last question. */
	assert_int_equal(l.nsteps, 2);
	lesson_free(&l);

	/* Nine answers: one per number key. */
	l = parse_ok("title T\nask Q | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | correct=9 | why=w\n");
	assert_int_equal(l.items[0].ask.nanswers, 9);
	assert_string_equal(l.items[0].ask.answers[8], "9");
	lesson_free(&l);
}

/* The answer shows at the question's answer line; without one, at the first pause after it, or at the end. */
static void test_answer(void **state)
{
	(void)state;
	l = parse_ok("title T\nask Q | a | b | correct=1 | why=w\ncaption c\npause\nstep\npause\nanswer # now\n"
	                           "caption after\nask R | a | b | correct=2 | why=v\npause\n");
	assert_int_equal(l.nitems, 9);
	assert_int_equal(l.items[5].kind, LESSON_ANSWER);
	assert_int_equal(l.items[0].ask.answer_item, 5);
	assert_int_equal(l.items[5].step, 2);
	assert_int_equal(l.items[6].step, 3);
	assert_int_equal(l.items[7].ask.answer_item, 8);
	assert_int_equal(l.nsteps, 4);
	lesson_free(&l);

	l = parse_ok("title T\nask Q | a | b | correct=1 | why=w\ncaption c\npause\ncaption d\n");
	assert_int_equal(l.items[0].ask.answer_item, 2);
	lesson_free(&l);
	l = parse_ok("title T\nask Q | a | b | correct=1 | why=w\ncaption c\n");
	assert_int_equal(l.items[0].ask.answer_item, l.nitems);
	lesson_free(&l);
	/* An answer line may come after pauses: they go by without answering. */
	l = parse_ok("title T\nask Q | a | b | correct=1 | why=w\npause\npause\nanswer\n");
	assert_int_equal(l.items[0].ask.answer_item, 3);
	assert_int_equal(l.nsteps, 3);
	lesson_free(&l);

	expect_error("title T\nanswer\n", 2, 1, "answer: there is no question to answer; an 'ask' comes first");
	expect_error("title T\nask Q | a | b | correct=1 | why=w\nanswer\nanswer\n", 4, 1, "there is no question to answer");
	expect_error("title T\nask Q | a | b | correct=1 | why=w\nanswer now\n", 3, 8,
	             "unexpected 'now' after 'answer'");
}

static void test_show(void **state)
{
	(void)state;
	l = parse_ok("title T\nshow map T1\nshow map PB12 # its process\nshow map P?\nshow none\n");
	assert_int_equal(l.nitems, 4);
	assert_int_equal(l.items[0].kind, LESSON_SHOW);
	assert_string_equal(l.items[0].text, "T1");
	assert_false(l.items[0].chance);
	assert_string_equal(l.items[1].text, "PB12");
	assert_string_equal(l.items[2].text, "P?");
	assert_true(l.items[2].chance);
	assert_string_equal(l.items[3].text, "");
	lesson_free(&l);
}

/* Every other line goes to the command language, with its own line number. */
static void test_commands(void **state)
{
	(void)state;
	l = parse_ok("title T\n\nspawn threads 4; spawn processes 2 # both\n  run 1.5\ninject segv T?\n"
	                           "step on; schedule 1 2 1 2 1 2; step\nworkload withdraw T\n");
	assert_int_equal(l.nitems, 5);
	const struct lesson_item *it = &l.items[0];
	assert_int_equal(it->kind, LESSON_COMMANDS);
	assert_int_equal(it->line, 3);
	assert_int_equal(it->cmds.n, 2);
	assert_int_equal(it->cmds.items[0].line, 3);
	assert_int_equal(it->cmds.items[1].count, 2);
	assert_int_equal(it->cmds.items[1].column, 18);
	assert_string_equal(it->text, "spawn threads 4; spawn processes 2 # both");
	assert_false(it->chance);
	assert_int_equal(l.items[1].column, 3);
	assert_int_equal(l.items[1].cmds.items[0].verb, CMD_RUN);
	assert_true(l.items[1].cmds.items[0].seconds == 1.5);
	/* A chance pick is checked as GROUP1 and picked when the line runs. */
	assert_true(l.items[2].chance);
	assert_string_equal(l.items[2].cmds.items[0].target, "T1");
	assert_string_equal(l.items[2].text, "inject segv T?");
	assert_int_equal(l.items[3].cmds.n, 3);
	assert_int_equal(l.items[3].cmds.items[0].verb, CMD_STEP_MODE);
	assert_int_equal(l.items[3].cmds.items[1].verb, CMD_SCHEDULE);
	assert_int_equal(l.items[3].cmds.items[1].nschedule, 6);
	assert_int_equal(l.items[3].cmds.items[2].verb, CMD_STEP);
	assert_int_equal(l.items[4].cmds.items[0].verb, CMD_WORKLOAD);
	lesson_free(&l);
}

static void test_crlf_tabs_and_no_final_newline(void **state)
{
	(void)state;
	l = parse_ok("title\tT\r\ncaption a\tb\r\nwait 1\r\nspawn threads 2");
	assert_string_equal(l.title, "T");
	assert_string_equal(l.items[0].text, "a b");
	assert_int_equal(l.items[2].cmds.items[0].count, 2);
	assert_int_equal(l.items[2].line, 4);
	lesson_free(&l);
}

/* ---- errors: where, and what would be right ---- */

static void test_header_errors(void **state)
{
	(void)state;
	expect_error("caption hi\n", 1, 1, "a lesson begins with 'title TEXT'");
	expect_error("", 1, 1, "a lesson begins with 'title TEXT'");
	expect_error("# only a comment\n", 1, 1, "a lesson begins with 'title TEXT'");
	expect_error("title T\ntitle U\n", 2, 1, "a second title: the first is on line 1");
	expect_error("title T\nsummary A\nsummary B\n", 3, 1, "a second summary");
	expect_error("title T\ncaption x\nsummary S\n", 3, 1, "'summary' belongs at the top");
	expect_error("title T\ncaption x\n  title U\n", 3, 3, "'title' belongs at the top");
	expect_error("title\n", 1, 6, "title needs text");
	expect_error("title T\nsummary   \n", 2, 11, "summary needs text");
	expect_error("title 1234567890123456789012345678901234567890123456789012345678901\n", 1, 67,
	             "the title is too long: at most 60");

	struct lesson_error err;
	assert_false(lesson_parse("title T\n", 8, "x.lesson", &l, &err));
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.message, "nothing to play"));
	char msg[600];
	lesson_error_format(&err, msg, sizeof(msg));
	assert_int_equal(strncmp(msg, "x.lesson: nothing to play", 25), 0);
}

static void test_wait_errors(void **state)
{
	(void)state;
	expect_error("title T\nwait\n", 2, 5, "wait needs seconds, e.g. 'wait 2'");
	expect_error("title T\nwait soon\n", 2, 6,
	             "bad duration 'soon': expected seconds as a decimal number, e.g. 'wait 2' or 'wait 0.5', from 0 to 600");
	expect_error("title T\nwait 2 3\n", 2, 8, "unexpected '3' after 'wait 2': expected the end of the line");
	expect_error("title T\nwait 601\n", 2, 6, "bad duration '601'");
	expect_error("title T\nwait -1\n", 2, 6, "bad duration '-1'");
	expect_error("title T\nwait nan\n", 2, 6, "bad duration 'nan' ('not a number')");
	/* the command language's rule: decimal as a person writes it, "-0" is 0, no hexadecimal or exponent */
	expect_error("title T\nwait 0x10\n", 2, 6, "bad duration '0x10' (written in hexadecimal): expected seconds as a");
	expect_error("title T\nwait 1e2\n", 2, 6, "bad duration '1e2' (written with an exponent: in decimal, 100)");
	l = parse_ok("title T\nwait -0\n");
	assert_true(l.items[0].kind == LESSON_WAIT && l.items[0].seconds == 0);
	lesson_free(&l);
	expect_error("title T\nmeasure 0\n", 2, 9, "bad duration '0': expected seconds as a decimal number, e.g. "
	             "'measure 2' or 'measure 0.5', from 0.1 to 600");
	expect_error("title T\nmeasure\n", 2, 8, "measure needs seconds");
	expect_error("title T\npause # fine\nwait 1 now\n", 3, 8, "unexpected 'now'");
}

static void test_ask_errors(void **state)
{
	(void)state;
	expect_error("title T\nask Q | a | b | correct=2\n", 2, 26, "ask needs the reason: add '| why=TEXT'");
	expect_error("title T\nask Q | a | b | why=w\n", 2, 22, "ask needs the right answer's number: add '| correct=N'");
	expect_error("title T\nask Q | a | correct=1 | why=w\n", 2, 30, "at least two answers");
	expect_error("title T\nask Q\n", 2, 6, "at least two answers");
	expect_error("title T\nask Q | a | b | correct=3 | why=w\n", 2, 25, "correct=3, but there are only 2 answers");
	expect_error("title T\nask Q | a | b | correct=x | why=w\n", 2, 25, "bad correct=x");
	expect_error("title T\nask Q | a | b | correct=0 | why=w\n", 2, 25, "bad correct=0");
	expect_error("title T\nask Q | a | b | correct=2x | why=w\n", 2, 25, "bad correct=2x");
	expect_error("title T\nask Q | a | | b | correct=1 | why=w\n", 2, 12, "an empty answer between two '|'");
	expect_error("title T\nask | a | b | correct=1 | why=w\n", 2, 5, "ask needs a question and answers");
	expect_error("title T\nask\n", 2, 4, "ask needs a question and answers");
	expect_error("title T\nask Q | a | b | correct=1 | why=w | c\n", 2, 37, "an answer after correct= or why=");
	expect_error("title T\nask Q | a | b | correct=1 | why=\n", 2, 33, "why= is empty");
	expect_error("title T\nask Q | a | b | correct=1 | correct=1 | why=w\n", 2, 29, "a second correct=");
	expect_error("title T\nask Q | a | b | correct=1 | why=w | why=v\n", 2, 37, "a second why=");
	expect_error("title T\nask Q | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | correct=1 | why=w\n", 2, 45,
	             "too many answers: at most 9");
	expect_error("title T\nask Q | a | b | correct=1 | why=w\ncaption c\nask R | a | b | correct=1 | why=w\n", 4, 1,
	             "the ask on line 2 has had no answer yet: put an 'answer' (or a 'pause') before this ask");
	/* Columns count characters: the é is one. */
	expect_error("title T\nask Q\xc3\xa9 | a | b | correct=3 | why=w\n", 2, 26, "only 2 answers");
	expect_error("title T\nask Q | a\x01 | b | correct=1 | why=w\n", 2, 10, "a control character (0x01) in the answer");
}

static void test_show_errors(void **state)
{
	(void)state;
	expect_error("title T\nshow\n", 2, 5, "show needs what to show");
	expect_error("title T\nshow film\n", 2, 6, "cannot show 'film': expected 'show map WORKER' or 'show none'");
	expect_error("title T\nshow map\n", 2, 9, "show map needs a worker, e.g. 'show map P1'");
	expect_error("title T\nshow map 3x\n", 2, 10, "bad worker '3x'");
	expect_error("title T\nshow map T\n", 2, 10, "bad worker 'T'");
	expect_error("title T\nshow map T0\n", 2, 10, "bad worker 'T0'");
	expect_error("title T\nshow map T1 now\n", 2, 13, "unexpected 'now' after 'show map T1'");
	expect_error("title T\nshow none please\n", 2, 11, "unexpected 'please' after 'show none'");
}

static void test_command_errors(void **state)
{
	(void)state;
	expect_error("title T\nspawn threads\n", 2, 14, "spawn threads needs a count");
	expect_error("title T\n\n  inject segfault T3\n", 3, 10, "unknown fault 'segfault'");
	expect_error("title T\nspawn threads 4; spawn threads x\n", 2, 32, "bad count 'x'");
	expect_error("title T\nsapwn threads 4\n", 2, 1, "unknown command 'sapwn'");
	expect_error("title T\ninject segv T?x\n", 2, 13, "bad worker 'T?x'");
	expect_error("title T\nkill ?\n", 2, 6, "bad name '?'");
	expect_error("title T\nschedule 1 0\n", 2, 12, "bad worker number '0'");
}

static void test_text_errors(void **state)
{
	(void)state;
	char text[2048];

	expect_error("title T\ncaption \x01x\n", 2, 9, "a control character (0x01) in the caption");
	expect_error("title T\ncaption ok \xff\n", 2, 12, "a byte 0xff that is not UTF-8");
	expect_error("title T\ncaption \xc0\xaf\n", 2, 9, "not UTF-8");          /* overlong '/' */
	expect_error("title T\ncaption \xed\xa0\x80\n", 2, 9, "not UTF-8");      /* a surrogate */
	expect_error("title T\ncaption \xe2\x82\n", 2, 9, "not UTF-8");          /* cut short */
	expect_error("title T\ncaption \xc2\x85\n", 2, 9, "a control character (0x85)"); /* C1 */
	snprintf(text, sizeof(text), "title T\ncaption %0320d\n", 0);
	l = parse_ok(text);
	lesson_free(&l);
	snprintf(text, sizeof(text), "title T\ncaption %0321d\n", 0);
	expect_error(text, 2, 329, "the caption is too long: at most 320 characters");

	/* A line longer than LESSON_LINE_MAX bytes. */
	memset(text, 'x', sizeof(text));
	memcpy(text, "title T\ncaption ", 16);
	text[8 + LESSON_LINE_MAX + 1] = '\n';
	text[8 + LESSON_LINE_MAX + 2] = '\0';
	expect_error(text, 2, LESSON_LINE_MAX + 1, "the line is too long: at most 1024 bytes");

	static const char nul[] = "title T\ncap\0tion x\n";
	expect_error_n(nul, sizeof(nul) - 1, 2, 4, "a NUL byte");
}

/* ---- chance picks ---- */

static int pick_three(const char *group, void *ctx)
{
	char *seen = ctx;
	strcat(seen, group);
	strcat(seen, ",");
	return 3;
}

static int pick_none(const char *group, void *ctx)
{
	(void)group;
	(void)ctx;
	return 0;
}

static void test_fill_chance(void **state)
{
	(void)state;
	char out[256], msg[256], seen[64] = "";

	assert_true(lesson_fill_chance("inject segv T?; kill PB?  # T? here is a comment", pick_three, seen, out,
	                               sizeof(out), msg, sizeof(msg)));
	assert_string_equal(out, "inject segv T3; kill PB3  # T? here is a comment");
	assert_string_equal(seen, "T,PB,");
	assert_true(lesson_fill_chance("inject segv T?x; kill ?", pick_three, seen, out, sizeof(out), msg, sizeof(msg)));
	assert_string_equal(out, "inject segv T?x; kill ?");
	assert_false(lesson_fill_chance("inject segv T?", pick_none, NULL, out, sizeof(out), msg, sizeof(msg)));
	assert_non_null(strstr(msg, "T?: group T has no live worker to pick"));
	assert_false(lesson_fill_chance("inject segv T?", pick_three, seen, out, 12, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "too long"));
}

/* ---- the built-in lessons, and where they are found ---- */

static const char *lessons_dir(void)
{
	const char *dirs[4];
	int n = lesson_dirs(dirs, 4);
	assert_int_equal(n, 1); /* PTVIZ_LESSONS_DIR, set by meson, wins alone */
	return dirs[0];
}

/* headline TEXT: one a step, in the step it is written in; a pause begins a new step that may have its own. */
static void test_headline(void **state)
{
	(void)state;
	struct lesson l = parse_ok("title T\nheadline  One thread crashes, all die! \ncaption c\npause\n"
	                           "headline (2) Processes: 0% shared\ncaption d\n");

	assert_int_equal(l.nitems, 5);
	assert_int_equal(l.items[0].kind, LESSON_HEADLINE);
	assert_string_equal(l.items[0].text, "One thread crashes, all die!");
	assert_int_equal(l.items[0].step, 0);
	assert_int_equal(l.items[0].line, 2);
	assert_int_equal(l.items[0].column, 1);
	assert_int_equal(l.items[3].kind, LESSON_HEADLINE);
	assert_string_equal(l.items[3].text, "(2) Processes: 0% shared");
	assert_int_equal(l.items[3].step, 1);
	assert_int_equal(l.nsteps, 2);
	lesson_free(&l);
	/* An answer ends a step too. */
	l = parse_ok("title T\nheadline A\nask Q | a | b | correct=1 | why=w\nanswer\nheadline B\n");
	assert_int_equal(l.items[3].kind, LESSON_HEADLINE);
	assert_int_equal(l.items[3].step, 1);
	lesson_free(&l);
}

static void test_focus(void **state)
{
	(void)state;
	struct lesson l = parse_ok("title T\nfocus registers # the point\ncaption c\npause\nfocus survivors\n");

	assert_int_equal(l.items[0].kind, LESSON_FOCUS);
	assert_string_equal(l.items[0].text, "registers");
	assert_int_equal(l.items[0].step, 0);
	assert_int_equal(l.items[3].kind, LESSON_FOCUS);
	assert_string_equal(l.items[3].text, "survivors");
	assert_int_equal(l.items[3].step, 1);
	lesson_free(&l);
	expect_error("title T\nfocus\n", 2, 6, "focus needs what to draw large");
	expect_error("title T\nfocus counters\n", 2, 7, "cannot focus on 'counters': expected 'focus registers' or 'focus survivors'");
	expect_error("title T\nfocus registers now\n", 2, 17, "unexpected 'now' after 'focus registers'");
}

static void test_headline_errors(void **state)
{
	(void)state;
	expect_error("title T\nheadline\n", 2, 9, "headline needs text");
	expect_error("title T\nheadline   \n", 2, 12, "headline needs text");
	expect_error("title T\nheadline A\ncaption c\nheadline B\n", 4, 1, "a second headline in this step: the first is on line 2");
	/* A character the large letters lack, at its column, in characters (the é is one). */
	expect_error("title T\nheadline Caf\xc3\xa9 # x\n", 2, 13, "'\xc3\xa9' has no large letter");
	expect_error("title T\nheadline 50 # of them\n", 2, 13, "'#' has no large letter");
	expect_error("title T\nheadline a\tb\n", 2, 11, "has no large letter");
	expect_error("title T\nheadline 12345678901234567890123456789012345678901\n", 2, 50,
	             "the headline is too long: at most 40 characters");
	expect_error("headline First\n", 1, 1, "a lesson begins with 'title TEXT'");
}

/* Each headline of a built-in lesson is drawn in large letters at 80 columns (76 inside the margins). */
static void builtin_headlines_fit(const struct lesson *l)
{
	int starts[2], lens[2], headlines = 0;

	for (int i = 0; i < l->nitems; i++) {
		if (l->items[i].kind != LESSON_HEADLINE)
			continue;
		headlines++;
		if (letters_wrap(l->items[i].text, LETTERS_HALF, 76, starts, lens, 2) == 0)
			fail_msg("%s:%d: the headline '%s' needs more than two lines of large letters at 80 columns", l->source,
			         l->items[i].line, l->items[i].text);
	}
	if (headlines == 0)
		fail_msg("%s: no step has a headline for presenter mode", l->source);
}

/* A caption that names the answer keys ("keys 1 to 3", "1-3") names as many as every question has answers. */
static void builtin_keys_named_right(const struct lesson *l)
{
	for (int i = 0; i < l->nitems; i++) {
		const char *t = l->items[i].kind == LESSON_CAPTION ? l->items[i].text : NULL;
		const char *k = t != NULL ? strstr(t, "keys 1 to ") : NULL;
		if (k == NULL)
			continue;
		int named = atoi(k + strlen("keys 1 to "));
		for (int j = 0; j < l->nitems; j++) {
			if (l->items[j].kind == LESSON_ASK && l->items[j].ask.nanswers != named)
				fail_msg("%s:%d: the caption names keys 1 to %d, but the question on line %d has %d answers",
				         l->source, l->items[i].line, named, l->items[j].line, l->items[j].ask.nanswers);
		}
	}
}

static void test_builtin_lessons(void **state)
{
	(void)state;
	static const char *const wanted[] = { "memory", "race", "lostupdate", "crash", "runaway", "quiz" };
	const char *dir = lessons_dir();
	DIR *d = opendir(dir);
	struct dirent *de;
	int found = 0, total = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len < 8 || strcmp(de->d_name + len - 7, ".lesson") != 0)
			continue;
		char path[4096];
		struct lesson_error err;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!lesson_load(path, &l, &err)) {
			char msg[1024];
			lesson_error_format(&err, msg, sizeof(msg));
			fail_msg("a built-in lesson does not parse: %s", msg);
		}
		/* Every built-in lesson can be listed and shows where it is. */
		assert_non_null(l.summary);
		assert_true(l.nsteps >= 1);
		builtin_headlines_fit(&l);
		builtin_keys_named_right(&l);
		for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
			found += strcmp(l.name, wanted[i]) == 0;
		total++;
		lesson_free(&l);
	}
	closedir(d);
	assert_int_equal(found, 6);
	assert_true(total >= 6);
}

/* What test_find_and_list writes to: two streams in memory and a broken lesson, all let go by its teardown. */
struct listing {
	char *out, *errs;
	size_t outlen, errlen;
	FILE *fo, *fe;
	char bad[64];   /* a lesson file with a mistake, "" when there is none */
};
static struct listing listing;

static void listing_close(struct listing *li)
{
	if (li->fo != NULL)
		fclose(li->fo);
	if (li->fe != NULL)
		fclose(li->fe);
	li->fo = li->fe = NULL;
}

static void listing_free(struct listing *li)
{
	listing_close(li);
	free(li->out);
	free(li->errs);
	li->out = li->errs = NULL;
}

static int listing_teardown(void **state)
{
	listing_free(&listing);
	if (listing.bad[0] != '\0')
		unlink(listing.bad);
	listing.bad[0] = '\0';
	return lesson_teardown(state);
}

static void test_find_and_list(void **state)
{
	(void)state;
	char path[4096], msg[1024];
	const char *dir = lessons_dir();

	assert_true(lesson_find("crash", path, sizeof(path), msg, sizeof(msg)));
	assert_int_equal(strncmp(path, dir, strlen(dir)), 0);
	assert_non_null(strstr(path, "/crash.lesson"));
	assert_false(lesson_find("nosuch", path, sizeof(path), msg, sizeof(msg)));
	assert_non_null(strstr(msg, "no lesson 'nosuch': expected a file or one of "));
	assert_non_null(strstr(msg, " crash,"));
	assert_non_null(strstr(msg, " lostupdate,"));
	assert_false(lesson_find("./nosuch.lesson", path, sizeof(path), msg, sizeof(msg)));
	assert_non_null(strstr(msg, "cannot open lesson './nosuch.lesson'"));

	struct listing *li = &listing;
	li->fo = open_memstream(&li->out, &li->outlen);
	li->fe = open_memstream(&li->errs, &li->errlen);
	assert_int_equal(lesson_list(li->fo, li->fe), 0);
	listing_close(li);
	assert_non_null(strstr(li->out, "\n  crash        "));
	assert_non_null(strstr(li->out, "\n  lostupdate   "));
	assert_string_equal(li->errs, "");
	listing_free(li);

	/* --check: OK on out, nothing kept; a broken file: FILE:LINE:COLUMN on err, status 2. */
	li->fo = open_memstream(&li->out, &li->outlen);
	li->fe = open_memstream(&li->errs, &li->errlen);
	assert_int_equal(lesson_open("quiz", true, &l, li->fo, li->fe), 0);
	strcpy(li->bad, "/tmp/ptviz-test-lesson-XXXXXX.lesson");
	int fd = mkstemps(li->bad, 7);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "title T\nwait x\n", 15), 15);
	close(fd);
	assert_int_equal(lesson_open(li->bad, true, &l, li->fo, li->fe), 2);
	assert_int_equal(lesson_open("quiz", false, &l, li->fo, li->fe), -1);
	assert_string_equal(l.name, "quiz");
	listing_close(li);
	assert_non_null(strstr(li->out, "quiz.lesson: OK: 'Quiz: threads or processes?'"));
	char expect[128];
	snprintf(expect, sizeof(expect), "%s:2:6: bad duration 'x'", li->bad);
	assert_non_null(strstr(li->errs, expect));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_header_and_caption, lesson_teardown),
		cmocka_unit_test_teardown(test_summary_optional_and_name, lesson_teardown),
		cmocka_unit_test_teardown(test_needs, lesson_teardown),
		cmocka_unit_test_teardown(test_pause_wait_measure_and_steps, lesson_teardown),
		cmocka_unit_test_teardown(test_pause_command, lesson_teardown),
		cmocka_unit_test_teardown(test_ask, lesson_teardown),
		cmocka_unit_test_teardown(test_answer, lesson_teardown),
		cmocka_unit_test_teardown(test_show, lesson_teardown),
		cmocka_unit_test_teardown(test_commands, lesson_teardown),
		cmocka_unit_test_teardown(test_crlf_tabs_and_no_final_newline, lesson_teardown),
		cmocka_unit_test_teardown(test_header_errors, lesson_teardown),
		cmocka_unit_test_teardown(test_wait_errors, lesson_teardown),
		cmocka_unit_test_teardown(test_ask_errors, lesson_teardown),
		cmocka_unit_test_teardown(test_show_errors, lesson_teardown),
		cmocka_unit_test_teardown(test_command_errors, lesson_teardown),
		cmocka_unit_test_teardown(test_text_errors, lesson_teardown),
		cmocka_unit_test_teardown(test_fill_chance, lesson_teardown),
		cmocka_unit_test(test_headline),
		cmocka_unit_test(test_headline_errors),
		cmocka_unit_test(test_focus),
		cmocka_unit_test_teardown(test_builtin_lessons, lesson_teardown),
		cmocka_unit_test_teardown(test_find_and_list, listing_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
