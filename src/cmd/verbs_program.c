/* The command language on programs ptviz did not write: spawn program, and the names of their tasks (A1, A1.2, a PID). */
#include "cmd_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

#include "../lab/program.h"
#include "../lab/symbols.h"
#include "../lesson/example.h"

bool cmd_arg_program_task(const struct cmd_statement *st, int i, struct cmd *c)
{
	if (i >= st->nwords)
		return false;
	const char *text = st->words[i].text;
	char head[CMD_WORD_MAX];
	strlcpy(head, text, sizeof(head));
	char *dot = strchr(head, '.');
	bool digits = strspn(text, "0123456789") == strlen(text) && text[0] != '\0';
	if (!digits && dot == NULL)
		return false;
	if (dot != NULL) {
		*dot = '\0';
		if (!cmd_is_name(head, true) || dot[1] == '\0' || strspn(dot + 1, "0123456789") != strlen(dot + 1))
			return false;
	}
	strlcpy(c->target, text, sizeof(c->target));
	c->target_column = st->words[i].column;
	return true;
}

/*
 * The program's words, read again from the statement's text: a word in
 * double quotes may hold blanks, ';', '#' or the word "as"; an unquoted
 * "as NAME" at the very end names the group.
 */
bool cmd_parse_spawn_program(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	const char *p = st->start, *end = st->start + st->len;
	size_t at = 0;
	int n = 0, words = 0;
	bool last_as = false, quoted_word[CMD_PROGRAM_ARGS + 2] = { false };
	char *starts[CMD_PROGRAM_ARGS + 2];

	c->program = true;
	c->kind = LAB_PROCESSES;
	while (p < end) {
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p >= end)
			break;
		bool quoted = *p == '"';
		const char *from = quoted ? p + 1 : p;
		const char *to = from;
		while (to < end && (quoted ? *to != '"' : !isspace((unsigned char)*to)))
			to++;
		if (quoted && to >= end)
			return cmd_fail(err, st->line, st->column + (int)(p - st->start), "a quote is not closed: end it with '\"'");
		p = quoted ? to + 1 : to;
		if (words++ < 2)
			continue;   /* "spawn" "program" */
		if (n == CMD_PROGRAM_ARGS || at + (size_t)(to - from) + 1 > sizeof(c->program_args))
			return cmd_fail(err, st->line, st->column, "spawn program: at most %d words and %zu characters",
			                CMD_PROGRAM_ARGS, sizeof(c->program_args) - 1);
		starts[n] = c->program_args + at;
		quoted_word[n] = quoted;
		memcpy(c->program_args + at, from, (size_t)(to - from));
		at += (size_t)(to - from);
		c->program_args[at++] = '\0';
		n++;
	}
	if (n == 0)
		return cmd_fail(err, st->line, st->end_column, "spawn program needs the program to run, e.g. 'spawn program "
		                "./fork_tree' (a word with a blank, ';' or '#' in double quotes)");
	last_as = n >= 3 && !quoted_word[n - 2] && strcmp(starts[n - 2], "as") == 0;
	if (last_as) {
		if (!cmd_is_name(starts[n - 1], false) || strcmp(starts[n - 1], "all") == 0)
			return cmd_fail(err, st->line, st->end_column, "bad group name '%s': expected 1 to %d letters, e.g. 'as Web'",
			                starts[n - 1], LAB_NAME_MAX);
		strlcpy(c->target, starts[n - 1], sizeof(c->target));
		n -= 2;
	} else if (n == 2 && !quoted_word[0] && strcmp(starts[0], "as") == 0)
		return cmd_fail(err, st->line, st->column, "spawn program needs the program before 'as NAME'");
	c->nprogram_args = n;
	return true;
}

/*
 * A bare name that is not a program on $PATH but one of ptviz's examples ("fork_counter",
 * "gil_pair.py"): its file, after its interpreter for a script.  Returns how many words were put
 * before the program's own arguments (0: not an example, argv[0] as given); -1 with err set when
 * the example's interpreter is not installed.
 */
static int spawn_example(const char *name, char *path, size_t len, char **argv, struct lab_error *err)
{
	char found[SYMBOL_PATH_MAX], msg[SYMBOL_MSG_MAX];

	if (strchr(name, '/') != NULL || symbol_program_path(name, found, sizeof(found), msg, sizeof(msg)) ||
	    !example_find(name, path, len, msg, sizeof(msg)))
		return 0;
	const char *interpreter = example_interpreter(path);
	if (interpreter == NULL) {
		argv[0] = path;
		return 1;
	}
	if (!symbol_program_path(interpreter, found, sizeof(found), msg, sizeof(msg))) {
		snprintf(err->msg, sizeof(err->msg), "the example %.80s runs with %s, which is not installed here (on Debian: "
		         "apt install %s)", name, interpreter, strcmp(interpreter, "node") == 0 ? "nodejs" : interpreter);
		err->arg = 0;
		return -1;
	}
	argv[0] = (char *)interpreter;
	argv[1] = path;
	return 2;
}

bool cmd_exec_spawn_program(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	char *argv[CMD_PROGRAM_ARGS + 2];
	char example[SYMBOL_PATH_MAX];
	const char *p = c->program_args;
	struct program_options o;
	int at = spawn_example(p, example, sizeof(example), argv, err);

	if (at < 0)
		return false;
	if (at > 0)
		p += strlen(p) + 1;
	for (int i = at > 0 ? 1 : 0; i < c->nprogram_args; i++) {
		argv[at++] = (char *)p;
		p += strlen(p) + 1;
	}
	argv[at] = NULL;
	program_options_defaults(&o);
	return program_spawn(lab, &o, argv, target, err);
}

bool cmd_program_target(struct lab *lab, const char *target)
{
	/* A1.2 is a program's thread, even one that is not there: the program's message says what is. */
	return target != NULL && (program_names(lab, target) || (strchr(target, '.') != NULL && program_count(lab) > 0));
}

/* watch SYMBOL[:TYPE] [GROUP]: the symbol checked as a C name here; the program's file says whether it is a global. */
bool cmd_parse_watch(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	static const char example[] = "e.g. 'watch counter', 'watch counter:int32 A'";

	if (st->nwords < 2)
		return cmd_fail(err, st->line, st->end_column, "watch needs the name of a program's global variable, %s",
		                example);
	const struct cmd_word *w = &st->words[1];
	size_t name = strcspn(w->text, ":");
	bool ok = !w->too_long && name > 0 && !isdigit((unsigned char)w->text[0]) &&
	          (w->text[name] != ':' || w->text[name + 1] != '\0');
	for (size_t i = 0; ok && i < name; i++)
		ok = w->text[i] == '_' || isalnum((unsigned char)w->text[i]);
	if (!ok)
		return cmd_fail(err, st->line, w->column, "bad '%s': expected a C name, and a type after ':' if it has no "
		                "debug information, %s", w->text, example);
	strlcpy(c->value, w->text, sizeof(c->value));
	c->value_column = w->column;
	if (st->nwords > 2) {
		const struct cmd_word *g = &st->words[2];
		if (!cmd_is_name(g->text, false))
			return cmd_fail(err, st->line, g->column, "bad group name '%s': expected a program group, %s", g->text,
			                example);
		strlcpy(c->target, g->text, sizeof(c->target));
		c->target_column = g->column;
	}
	return cmd_arg_end(st, 3, err);
}

bool cmd_exec_watch(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	return program_watch(lab, c->value, target, err);
}
