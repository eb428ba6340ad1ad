/* The verbs of step mode: step on|off [GROUP], step [WORKER], schedule N N ... */
#include "cmd_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

/* ---- step on|off [GROUP], step [WORKER], schedule N N ... ---- */

bool cmd_parse_step(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	if (st->nwords >= 2 && (strcmp(st->words[1].text, "on") == 0 || strcmp(st->words[1].text, "off") == 0)) {
		c->verb = CMD_STEP_MODE;
		c->on = st->words[1].text[1] == 'n';
		return cmd_arg_group(st, 2, c, "step on T", err);
	}
	if (st->nwords == 1)
		return true;
	const struct cmd_word *w = &st->words[1];
	if (cmd_is_name(w->text, false))
		return cmd_fail(err, st->line, w->column,
		                "'%s' is a group, not a worker: expected 'step on %s', 'step off %s' or a worker such as '%s1'",
		                w->text, w->text, w->text, w->text);
	if (!cmd_is_name(w->text, true))
		return cmd_fail(err, st->line, w->column,
		                "bad worker '%s': expected on, off, a worker such as T1, or nothing (the next in the schedule)",
		                w->text);
	strlcpy(c->target, w->text, sizeof(c->target));
	c->target_column = w->column;
	return cmd_arg_end(st, 2, err);
}

bool cmd_exec_step(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	if (c->verb == CMD_STEP_MODE)
		return lab_step_mode(lab, c->on, target, err);
	return lab_step(lab, target, err);
}

/* schedule N N ...: worker numbers, from 1 */
bool cmd_parse_schedule(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	char why[128];
	long v;

	if (st->too_many)
		return cmd_fail(err, st->line, st->words[CMD_MAX_WORDS - 1].column,
		                "a schedule holds at most %d steps", LAB_SCHEDULE_MAX);
	for (int i = 1; i < st->nwords; i++) {
		const struct cmd_word *w = &st->words[i];
		if (!cmd_whole_number(w->text, 1, LAB_LIMIT_THREADS, &v, why, sizeof(why)))
			return cmd_fail(err, st->line, w->column,
			                "bad worker number '%s'%s: expected whole numbers from 1 to %d, e.g. 'schedule 1 2 1 2 1 2'",
			                w->text, why, LAB_LIMIT_THREADS);
		c->schedule_column[c->nschedule] = w->column;
		c->schedule[c->nschedule++] = (int)v;
	}
	return true;
}

/*
 * The group a schedule is judged by: the largest of the stepping groups with live
 * workers or, while none steps, of every group with live workers; NULL when there
 * is none yet (the schedule is judged when `step` reaches each number).
 */
static const struct lab_group *schedule_judge(const struct lab *lab, bool *stepping)
{
	const struct lab_group *largest = NULL;

	for (int pass = 0; pass < 2 && largest == NULL; pass++) {
		for (int i = 0; i < lab_ngroups(lab); i++) {
			const struct lab_group *g = lab_group_at(lab, i);
			if ((pass == 0 && !g->stepping) || g->alive == 0)
				continue;
			if (largest == NULL || g->nworkers > largest->nworkers)
				largest = g;
		}
		*stepping = pass == 0;
	}
	return largest;
}

bool cmd_exec_schedule(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	bool stepping;
	const struct lab_group *largest = schedule_judge(lab, &stepping);

	(void)target;
	/* A number no group can take would stop every 'step' there: said now, while it is typed. */
	for (int i = 0; largest != NULL && i < c->nschedule; i++) {
		if (c->schedule[i] <= largest->nworkers)
			continue;
		snprintf(err->msg, sizeof(err->msg),
		         "no %sgroup has a worker %d: the most is %d, in %s; number the steps from 1 to %d, e.g. "
		         "'schedule 1 2 1 2'",
		         stepping ? "stepping " : "", c->schedule[i], largest->nworkers, largest->name, largest->nworkers);
		err->arg = 1 + i;
		return false;
	}
	return lab_schedule(lab, c->schedule, c->nschedule, err);
}
