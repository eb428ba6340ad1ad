/* The verbs of a main thread's return, the environment and the sandbox: return, join, setenv, chdir, sandbox, escape. */
#include "cmd_priv.h"

#include <string.h>

#include <bsd/string.h>

/* return GROUP, join GROUP: a group of threads, whose host's main thread is meant. */
bool cmd_parse_main_return(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	const char *example = c->verb == CMD_JOIN ? "join T" : "return T";

	if (st->nwords > 1 && cmd_is_name(st->words[1].text, true) && !cmd_is_name(st->words[1].text, false))
		return cmd_fail(err, st->line, st->words[1].column,
		                "'%s' is a worker; %s is about the main thread of a group of threads, e.g. '%s'",
		                st->words[1].text, st->words[0].text, example);
	return cmd_arg_target(st, 1, c, "a group of threads", example, false, false, err) && cmd_arg_end(st, 2, err);
}

bool cmd_exec_main_return(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	return lab_main_return(lab, target, c->verb == CMD_JOIN, err);
}

/* setenv WORKER NAME=VALUE, chdir WORKER DIR: one word after the worker, kept as written. */
bool cmd_parse_worker_text(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	bool env = c->verb == CMD_SETENV;
	const char *example = env ? "setenv T1 COLOR=red" : "chdir T1 /tmp";

	if (!cmd_arg_worker(st, 1, c, env ? "one worker changes its environment" : "one worker changes its directory",
	                    example, err))
		return false;
	if (st->nwords < 3)
		return cmd_fail(err, st->line, st->end_column, "%s needs %s after the worker, e.g. '%s'",
		                st->words[0].text, env ? "NAME=VALUE" : "a directory", example);
	const struct cmd_word *w = &st->words[2];
	if (w->too_long)
		return cmd_fail(err, st->line, w->column, "'%s...' is too long: at most %d characters, e.g. '%s'", w->text,
		                CMD_WORD_MAX - 1, example);
	if (env && (strchr(w->text, '=') == NULL || w->text[0] == '='))
		return cmd_fail(err, st->line, w->column, "bad '%s': expected NAME=VALUE, e.g. '%s'", w->text, example);
	strlcpy(c->value, w->text, sizeof(c->value));
	c->value_column = w->column;
	return cmd_arg_end(st, 3, err);
}

bool cmd_exec_worker_text(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	if (c->verb == CMD_SETENV)
		return lab_setenv(lab, target, c->value, err);
	return lab_chdir(lab, target, c->value, err);
}

/* sandbox WORKER, escape WORKER */
bool cmd_parse_sandbox(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	bool sandbox = c->verb == CMD_SANDBOX;

	return cmd_arg_worker(st, 1, c, sandbox ? "one worker puts itself in a sandbox" : "one sandboxed worker",
	                      sandbox ? "sandbox T1" : "escape T1", err) &&
	       cmd_arg_end(st, 2, err);
}

bool cmd_exec_sandbox(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	if (c->verb == CMD_SANDBOX)
		return lab_sandbox(lab, target, err);
	return lab_escape(lab, target, err);
}
