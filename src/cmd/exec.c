/* The command language's executor: one parsed command applied to the lab. */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

static bool exec_result(bool ok, const struct cmd *c, int column, const struct lab_error *le,
                        struct cmd_error *err, char *note, size_t notelen)
{
	if (!ok) {
		err->line = c->line;
		err->column = column;
		strlcpy(err->message, le->msg, sizeof(err->message));
		return false;
	}
	if (note != NULL && notelen > 0)
		strlcpy(note, le->msg, notelen);
	return true;
}

bool cmd_exec(struct lab *lab, const struct cmd *c, struct cmd_error *err, char *note, size_t notelen)
{
	struct lab_error le = { 0 };
	const char *target = c->target[0] != '\0' ? c->target : NULL;
	int column = c->target_column ? c->target_column : c->column;
	bool ok = true;

	if (note != NULL && notelen > 0)
		note[0] = '\0';
	switch (c->verb) {
	case CMD_SPAWN:
		ok = lab_spawn(lab, c->kind, c->count, c->shared, target, &le);
		if (!ok && target == NULL)
			column = c->column;
		break;
	case CMD_SYNC:
		ok = lab_sync(lab, c->sync, target, &le);
		break;
	case CMD_INJECT:
		ok = lab_inject(lab, c->fault, c->target, &le);
		break;
	case CMD_KILL:
		ok = lab_kill(lab, c->target, &le);
		break;
	case CMD_PAUSE:
	case CMD_RESUME:
		ok = lab_pause(lab, c->target, c->verb == CMD_PAUSE, &le);
		break;
	case CMD_RESET:
		lab_reset(lab);
		break;
	case CMD_STEP_MODE:
		ok = lab_step_mode(lab, c->on, target, &le);
		break;
	case CMD_STEP:
		ok = lab_step(lab, target, &le);
		break;
	case CMD_SCHEDULE:
		ok = lab_schedule(lab, c->schedule, c->nschedule, &le);
		break;
	case CMD_WORKLOAD:
		ok = lab_workload(lab, c->workload, target, &le);
		break;
	case CMD_FIX:
		ok = lab_fix_lockorder(lab, target, &le);
		break;
	case CMD_REAP:
		ok = lab_reaping(lab, c->reap, &le);
		break;
	case CMD_CPUS:
		ok = lab_cpus(lab, c->on, target, &le);
		break;
	case CMD_GIL:
		ok = lab_gil(lab, c->on, target, &le);
		break;
	case CMD_OPEN:
		ok = lab_open_file(lab, c->target, &le);
		break;
	case CMD_CLOSE:
		ok = lab_close_file(lab, c->target, c->count, &le);
		break;
	case CMD_FILES:
		ok = lab_files(lab, c->on, target, &le);
		break;
	case CMD_FORK:
		ok = lab_fork_child(lab, c->target, &le);
		break;
	case CMD_RUN:
	case CMD_REPORT:
	case CMD_QUIT:
	case CMD_BENCH:
		/* The front end lets time pass, shows the report, leaves, or measures. */
		break;
	}
	/* The engine names the part that was wrong: the number after the worker or group, or the rest. */
	if (!ok && le.arg == 1 && c->value_column > 0)
		column = c->value_column;
	return exec_result(ok, c, column, &le, err, note, notelen);
}
