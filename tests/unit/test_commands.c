/* The command table against its documentation: the man page and --help name every verb and its words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmd/cmd.h"

static const char *man_path, *ptviz_path;

/* Words of a set of lines, each between spaces: "|sync|none|mutex|" */
struct words {
	char text[16384];
};

/* Adds a line's words, with troff's font changes, quotes, '|' and brackets taken as spaces. */
static void words_add(struct words *w, const char *line)
{
	size_t n = strlen(w->text);

	if (n == 0 && n + 1 < sizeof(w->text))
		w->text[n++] = ' ';
	for (const char *p = line; *p != '\0' && n + 2 < sizeof(w->text); p++) {
		char ch = *p;
		if (ch == '\\' && p[1] == 'f' && p[2] != '\0') {
			p += 2;   /* \fI, \fP, \fR, \fB */
			ch = ' ';
		} else if (ch == '\\' && p[1] != '\0') {
			ch = *++p;   /* \- and the like: the character itself */
		}
		w->text[n++] = strchr("\"|[],\n\t", ch) != NULL ? ' ' : ch;
	}
	w->text[n++] = ' ';
	w->text[n] = '\0';
}

static bool words_have(const struct words *w, const char *word)
{
	char needle[64];

	snprintf(needle, sizeof(needle), " %s ", word);
	return strstr(w->text, needle) != NULL;
}

/* The man page's command headings: the line after each .TP in its COMMANDS section. */
static void man_commands(struct words *w)
{
	FILE *f = fopen(man_path, "r");
	char line[1024];
	bool in_commands = false, heading = false;

	if (f == NULL)
		fail_msg("cannot open %s", man_path);
	w->text[0] = '\0';
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, ".SH", 3) == 0)
			in_commands = strncmp(line, ".SH COMMANDS", 12) == 0;
		else if (in_commands && heading)
			words_add(w, line[0] == '.' ? line + strcspn(line, " ") : line);
		heading = in_commands && strncmp(line, ".TP", 3) == 0;
	}
	fclose(f);
	assert_true(strlen(w->text) > 100);
}

/* --help's list of commands: from "Commands:" to the blank line after it. */
static void help_commands(struct words *w)
{
	char cmd[4096], line[1024];
	bool in_commands = false;

	snprintf(cmd, sizeof(cmd), "'%s' --help", ptviz_path);
	FILE *f = popen(cmd, "r");
	if (f == NULL)
		fail_msg("cannot run %s", cmd);
	w->text[0] = '\0';
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strcmp(line, "Commands:\n") == 0)
			in_commands = true;
		else if (line[0] == '\n')
			in_commands = false;
		else if (in_commands)
			words_add(w, line);
	}
	assert_int_equal(pclose(f), 0);
	assert_true(strlen(w->text) > 100);
}

/* How many verbs (and, with_words, the words after them) where does not name; each is told. */
static int missing(const struct words *w, const char *where, bool with_words)
{
	int n = 0;

	for (const struct cmd_entry *e = cmd_entries; e->name != NULL; e++) {
		if (!words_have(w, e->name)) {
			fprintf(stderr, "%s: '%s' is not named\n", where, e->name);
			n++;
		}
		for (int i = 0; with_words && e->words != NULL && e->words[i] != NULL; i++) {
			if (!words_have(w, e->words[i])) {
				fprintf(stderr, "%s: '%s %s' is not named\n", where, e->name, e->words[i]);
				n++;
			}
		}
	}
	return n;
}

static void test_man_page_names_every_verb(void **state)
{
	static struct words man;

	(void)state;
	man_commands(&man);
	assert_int_equal(missing(&man, "the man page's COMMANDS", true), 0);
}

static void test_help_lists_every_verb(void **state)
{
	static struct words help;

	(void)state;
	help_commands(&help);
	assert_int_equal(missing(&help, "--help", false), 0);
}

/* Every record can be found by its name and has a line of help, or is told by the one before (resume). */
static void test_records(void **state)
{
	(void)state;
	for (const struct cmd_entry *e = cmd_entries; e->name != NULL; e++) {
		assert_ptr_equal(cmd_entry_find(e->name), e);
		assert_non_null(e->parse);
		if (e->usage[0].syntax == NULL) {
			char told[256];
			assert_true(e > cmd_entries);
			cmd_usage_text(&e[-1].usage[0], told, sizeof(told));
			assert_non_null(strstr(told, e->name));
		}
	}
	assert_null(cmd_entry_find("frobnicate"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_man_page_names_every_verb),
		cmocka_unit_test(test_help_lists_every_verb),
	};

	if (argc != 3) {
		fprintf(stderr, "usage: test_commands MAN_PAGE PATH_TO_PTVIZ\n");
		return 2;
	}
	man_path = argv[1];
	ptviz_path = argv[2];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
