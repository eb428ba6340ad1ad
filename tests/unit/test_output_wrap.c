/* A program's output wrapped to the pane: at a space near the edge or hard, UTF-8 whole, the newest rows kept at the bottom. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/view/output_wrap.h"

static char lines[4][PROGRAM_LINE_MAX + 8];

/* Row j of text as a string. */
static const char *row_text(const char *text, const struct output_row *r)
{
	static char buf[PROGRAM_LINE_MAX + 8];
	snprintf(buf, sizeof(buf), "%.*s", r->len, text + r->start);
	return buf;
}

static void test_short_and_empty(void **state)
{
	struct output_row r[4];
	(void)state;
	assert_int_equal(output_wrap_line("hello", 10, r, 4), 1);
	assert_string_equal(row_text("hello", &r[0]), "hello");
	assert_int_equal(output_wrap_line("exactly10!", 10, r, 4), 1);
	assert_int_equal(output_wrap_line("", 10, r, 4), 1);
	assert_int_equal(r[0].len, 0);
}

/* No space: cut hard at the width, every character kept. */
static void test_hard(void **state)
{
	char x[201];
	struct output_row r[8];
	(void)state;
	memset(x, 'x', 200);
	x[200] = '\0';
	assert_int_equal(output_wrap_line(x, 76, r, 8), 3);
	assert_int_equal(r[0].len, 76);
	assert_int_equal(r[1].start, 76);
	assert_int_equal(r[1].len, 76);
	assert_int_equal(r[2].start, 152);
	assert_int_equal(r[2].len, 48);
}

/* A space in the row's last quarter ends it (and is not shown); one further back does not. */
static void test_at_space(void **state)
{
	const char *near = "aaaaaaaaaaaaaaaaa bbbbbbbbbb";   /* 17 a, a space, 10 b; width 20: the space at 17 */
	const char *far = "aa bbbbbbbbbbbbbbbbbbbbbbbbb";    /* the only space at 2 */
	const char *indented = "    File \"x.py\", line 3, in <module>";
	struct output_row r[8];
	(void)state;
	assert_int_equal(output_wrap_line(near, 20, r, 8), 2);
	assert_string_equal(row_text(near, &r[0]), "aaaaaaaaaaaaaaaaa");
	assert_string_equal(row_text(near, &r[1]), "bbbbbbbbbb");
	assert_int_equal(output_wrap_line(far, 20, r, 8), 2);
	assert_string_equal(row_text(far, &r[0]), "aa bbbbbbbbbbbbbbbbb");
	assert_string_equal(row_text(far, &r[1]), "bbbbbbbb");
	/* A space just past the edge: the row is full, the next starts at the word. */
	assert_int_equal(output_wrap_line("0123456789 abc", 10, r, 8), 2);
	assert_string_equal(row_text("0123456789 abc", &r[0]), "0123456789");
	assert_string_equal(row_text("0123456789 abc", &r[1]), "abc");
	/* The indent of a line is kept: it is the text's, not a break. */
	assert_int_equal(output_wrap_line(indented, 22, r, 8), 2);
	assert_string_equal(row_text(indented, &r[0]), "    File \"x.py\", line");
	assert_string_equal(row_text(indented, &r[1]), "3, in <module>");
}

/* Columns, not bytes: é is two bytes and one column, and a row never ends inside it. */
static void test_utf8(void **state)
{
	char text[64] = "";
	struct output_row r[8];
	(void)state;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		skip();
	for (int i = 0; i < 12; i++)
		strcat(text, "\xc3\xa9");
	assert_int_equal(output_wrap_line(text, 10, r, 8), 2);
	assert_int_equal(r[0].len, 20);
	assert_int_equal(r[1].start, 20);
	assert_int_equal(r[1].len, 4);
	setlocale(LC_ALL, "C");
}

/* The tail: the last rows of the wrapped text, oldest first, each naming its line. */
static void test_tail(void **state)
{
	struct output_row r[6];
	(void)state;
	strcpy(lines[0], "first");
	memset(lines[1], 'y', 30);
	lines[1][30] = '\0';
	strcpy(lines[2], "last");
	/* width 10: "first", three rows of y, "last": five rows, of which the last four are kept. */
	assert_int_equal(output_wrap_tail(lines, 3, 10, 4, r), 4);
	assert_int_equal(r[0].line, 1);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[2].line, 1);
	assert_int_equal(r[2].start, 20);
	assert_int_equal(r[3].line, 2);
	assert_int_equal(output_wrap_tail(lines, 3, 10, 6, r), 5);
	assert_int_equal(r[0].line, 0);
	assert_int_equal(r[4].line, 2);
	/* One line longer than the rows wanted: its end is shown. */
	assert_int_equal(output_wrap_tail(lines + 1, 1, 10, 2, r), 2);
	assert_int_equal(r[0].start, 10);
	assert_int_equal(r[1].start, 20);
	assert_int_equal(output_wrap_tail(lines, 0, 10, 6, r), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_and_empty),
		cmocka_unit_test(test_hard),
		cmocka_unit_test(test_at_space),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_tail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
