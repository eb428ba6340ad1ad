/* spawn program in the command language: quoted words, 'as NAME' only at the end, and a program's task names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "cmd/cmd.h"

/* The i-th word of a parsed spawn program. */
static const char *arg(const struct cmd *c, int i)
{
	const char *p = c->program_args;

	while (i-- > 0)
		p += strlen(p) + 1;
	return p;
}

static void test_quoted_words(void **state)
{
	struct cmd_list list;
	struct cmd_error err;

	(void)state;
	assert_true(cmd_parse("spawn program ./a.out \"x; y # z\" \"as\" B; report", 1, &list, &err));
	assert_int_equal(list.n, 2);
	const struct cmd *c = &list.items[0];
	assert_true(c->program);
	assert_int_equal(c->nprogram_args, 4);
	assert_string_equal(arg(c, 0), "./a.out");
	assert_string_equal(arg(c, 1), "x; y # z");
	assert_string_equal(arg(c, 2), "as");   /* quoted: the program's own word */
	assert_string_equal(arg(c, 3), "B");
	assert_string_equal(c->target, "");
	cmd_list_free(&list);
}

static void test_as_name_last(void **state)
{
	struct cmd_list list;
	struct cmd_error err;

	(void)state;
	assert_true(cmd_parse("spawn program /usr/bin/a-very-long-program-path-beyond-a-word arg as Web", 1, &list, &err));
	assert_int_equal(list.items[0].nprogram_args, 2);
	assert_string_equal(list.items[0].target, "Web");
	assert_string_equal(arg(&list.items[0], 0), "/usr/bin/a-very-long-program-path-beyond-a-word");
	cmd_list_free(&list);
	/* Not at the end: a word of the program. */
	assert_true(cmd_parse("spawn program ./p as Web x", 1, &list, &err));
	assert_int_equal(list.items[0].nprogram_args, 4);
	assert_string_equal(list.items[0].target, "");
	cmd_list_free(&list);
}

static void test_refused(void **state)
{
	struct cmd_list list;
	struct cmd_error err;

	(void)state;
	assert_false(cmd_parse("spawn program", 1, &list, &err));
	assert_non_null(strstr(err.message, "needs the program"));
	assert_false(cmd_parse("spawn program \"./a b", 1, &list, &err));
	assert_non_null(strstr(err.message, "quote is not closed"));
	assert_false(cmd_parse("spawn program ./p as 9x", 1, &list, &err));
	assert_non_null(strstr(err.message, "bad group name"));
}

static void test_task_names(void **state)
{
	struct cmd_list list;
	struct cmd_error err;

	(void)state;
	assert_true(cmd_parse("inject segv A1.2; pause B3.10; kill 12345; resume A1", 1, &list, &err));
	assert_string_equal(list.items[0].target, "A1.2");
	assert_string_equal(list.items[1].target, "B3.10");
	assert_string_equal(list.items[2].target, "12345");
	assert_string_equal(list.items[3].target, "A1");
	cmd_list_free(&list);
	assert_false(cmd_parse("inject segv A1.", 1, &list, &err));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoted_words),
		cmocka_unit_test(test_as_name_last),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_task_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
