/* The tasks workload's two verbs: pool off|N and rate max|R, each with an optional group. */
#include "cmd_priv.h"

#include <stdio.h>
#include <string.h>

/* word 1: the word that means none (off, max) or a whole number from 1 to hi; then an optional group. */
static bool parse_amount(const struct cmd_statement *st, struct cmd *c, const char *none, long hi,
                         const char *example, struct cmd_error *err)
{
	const char *verb = st->words[0].text;
	char why[128] = "";
	double n;

	if (st->nwords < 2)
		return cmd_fail(err, st->line, st->end_column, "%s needs %s or a number, e.g. '%s'", verb, none, example);
	const struct cmd_word *w = &st->words[1];
	c->value_column = w->column;
	if (strcmp(w->text, none) == 0)
		c->count = 0;
	else if (cmd_number(w->text, false, &n, why, sizeof(why)) && n >= 1 && n <= (double)hi)
		c->count = (int)n;
	else
		return cmd_fail(err, st->line, w->column, "bad %s '%s'%s%s%s: expected %s or a whole number from 1 to %ld, e.g. '%s'",
		                verb, w->text, why[0] ? " (" : "", why, why[0] ? ")" : "", none, hi, example);
	return cmd_arg_group(st, 2, c, example, err);
}

bool cmd_parse_pool(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	return parse_amount(st, c, "off", LAB_LIMIT_THREADS, "pool 4 T", err);
}

bool cmd_exec_pool(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	return lab_pool(lab, c->count, target, err);
}

bool cmd_parse_rate(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	return parse_amount(st, c, "max", LAB_RATE_MAX, "rate 1000 T", err);
}

bool cmd_exec_rate(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	return lab_rate(lab, c->count, target, err);
}

