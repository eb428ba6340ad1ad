/* The command language's executor: one parsed command applied to the lab, through its verb's record. */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

bool cmd_exec(struct lab *lab, const struct cmd *c, struct cmd_error *err, char *note, size_t notelen)
{
	struct lab_error le = { 0 };
	const char *target = c->target[0] != '\0' ? c->target : NULL;
	int column = c->target_column ? c->target_column : c->column;

	if (note != NULL && notelen > 0)
		note[0] = '\0';
	/* No exec: the front end lets time pass, shows the report, leaves, or measures. */
	if (c->entry->exec == NULL || c->entry->exec(lab, c, target, &le)) {
		if (note != NULL && notelen > 0)
			strlcpy(note, le.msg, notelen);
		return true;
	}
	/* The engine names the part that was wrong: the number after the worker or group, one of a schedule's, or the rest. */
	if (c->verb == CMD_SCHEDULE && le.arg >= 1 && le.arg <= c->nschedule)
		column = c->schedule_column[le.arg - 1];
	else if (le.arg == 1 && c->value_column > 0)
		column = c->value_column;
	err->line = c->line;
	err->column = column;
	strlcpy(err->message, le.msg, sizeof(err->message));
	return false;
}
