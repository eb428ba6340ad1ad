/* touch WORKER [KIB]: the worker writes memory it has shared with ptviz since fork, and copy-on-write copies it. */
#include "cmd_priv.h"

#include <stdio.h>
#include <string.h>

/* What `touch` writes when no size is given: enough to stand out beside a worker's few hundred KiB. */
#define CMD_TOUCH_DEFAULT_KIB 1024

bool cmd_parse_touch(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	char words[96];
	double v;

	if (!cmd_arg_worker(st, 1, c, "one worker writes memory", "touch P1 1024", err))
		return false;
	c->kib = CMD_TOUCH_DEFAULT_KIB;
	if (st->nwords < 3)
		return true;
	const struct cmd_word *w = &st->words[2];
	c->value_column = w->column;
	if (!cmd_number(w->text, false, &v, words, sizeof(words)) || v < 1 || v > LAB_TOUCH_MAX_KIB)
		return cmd_fail(err, st->line, w->column,
		                "bad size '%s'%s%s%s: expected KiB as a whole number from 1 to %d, e.g. 'touch P1 1024'",
		                w->text, words[0] ? " (" : "", words, words[0] ? ")" : "", LAB_TOUCH_MAX_KIB);
	c->kib = (int)v;
	return cmd_arg_end(st, 3, err);
}

bool cmd_exec_touch(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	return lab_touch(lab, target, c->kib, err);
}
