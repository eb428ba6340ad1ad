/* The command language's verbs: one record each (name, words, parse, exec, help), and their parse and exec. */
#include "cmd_priv.h"

#include "../lab/program.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

#include "../bench/bench.h"

#define CMD_MAX_SECONDS 86400.0

static const char *const on_off[] = { "on", "off", NULL };
static const char *const one_all[] = { "1", "all", NULL };
static const char *const spawn_kinds[] = { "threads", "processes", "green", NULL };
static const char *const yield_words[] = { "anywhere", "boundary", NULL };
static const char *const fix_words[] = { "lockorder", NULL };
/* inject's two lines of help: faults, and the task that is not one. */
static const char *const fault_words[] = { VOCAB_FAULTS(VOCAB_WORD) NULL };
static const char *const task_words[] = { VOCAB_TASKS(VOCAB_WORD) NULL };
static const char *const pool_words[] = { "off", NULL };
static const char *const rate_words[] = { "max", NULL };

/* ---- spawn threads|processes N [shared] [as NAME] ---- */

/* as NAME: the new group's name, at word i. */
static bool parse_spawn_as(const struct cmd_statement *st, int i, struct cmd *c, struct cmd_error *err)
{
	if (i >= st->nwords)
		return cmd_fail(err, st->line, st->end_column, "'as' needs a group name, e.g. 'as Web'");
	const struct cmd_word *w = &st->words[i];
	if (!cmd_is_name(w->text, false) || strcmp(w->text, "all") == 0)
		return cmd_fail(err, st->line, w->column,
		                "bad group name '%s': expected 1 to %d letters (not 'all'), e.g. 'as Web'",
		                w->text, LAB_NAME_MAX);
	strlcpy(c->target, w->text, sizeof(c->target));
	c->target_column = w->column;
	return true;
}

/*
 * N: a whole number from 1 to what ptviz can start in one group (threads) or in all
 * (processes), whatever --max-threads or --max-processes say; the engine holds
 * the caps those set, and names the flag when a count is over one.
 */
static bool parse_spawn_count(const struct cmd_statement *st, const struct cmd_word *n, enum lab_kind kind,
                              const char *noun, long *count, struct cmd_error *err)
{
	bool threads = kind == LAB_THREADS;   /* green threads too: the cap per group is the same */
	int limit = threads ? LAB_LIMIT_THREADS : LAB_LIMIT_PROCESSES;
	char why[128], words[96];
	double v;

	if (cmd_whole_number(n->text, 1, limit, count, why, sizeof(why)))
		return true;
	if (cmd_number(n->text, false, &v, words, sizeof(words)) && v > limit)
		return cmd_fail(err, st->line, n->column,
		                "bad count '%s': at most %d %s %s, however ptviz is started (the cap is %d by default; "
		                "%s N raises it as far as %d)",
		                n->text, limit, threads ? "threads" : "processes", threads ? "in one group" : "in all",
		                threads ? LAB_DEFAULT_MAX_THREADS : LAB_DEFAULT_MAX_PROCESSES,
		                threads ? "--max-threads" : "--max-processes", limit);
	return cmd_fail(err, st->line, n->column, "bad count '%s'%s: expected a whole number from 1 to %d, e.g. 'spawn %s 4'",
	                n->text, why, limit, noun);
}

static bool parse_spawn(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	int i = 1;
	long count = 0;

	if (i >= st->nwords)
		return cmd_fail(err, st->line, st->end_column,
		                "spawn needs what to start: 'spawn threads N' or 'spawn processes N'");
	const struct cmd_word *kind = &st->words[i++];
	c->kernels = 0;
	if (strcmp(kind->text, "threads") == 0 || strcmp(kind->text, "thread") == 0)
		c->kind = LAB_THREADS;
	else if (strcmp(kind->text, "green") == 0)
		c->kind = LAB_THREADS, c->kernels = 1;
	else if (strcmp(kind->text, "processes") == 0 || strcmp(kind->text, "process") == 0)
		c->kind = LAB_PROCESSES;
	else
		return cmd_fail(err, st->line, kind->column,
		                "cannot spawn '%s': expected threads or processes (or green, for green threads)", kind->text);
	if (i >= st->nwords)
		return cmd_fail(err, st->line, st->end_column, "spawn %s needs a count, e.g. 'spawn %s 4'",
		                kind->text, kind->text);
	const struct cmd_word *n = &st->words[i++];
	c->value_column = n->column;
	if (!parse_spawn_count(st, n, c->kind, kind->text, &count, err))
		return false;
	c->count = (int)count;
	if (c->kernels > 0 && !cmd_parse_spawn_green(st, &i, c, err))
		return false;
	if (i < st->nwords && strcmp(st->words[i].text, "shared") == 0) {
		if (c->kind == LAB_THREADS)
			return cmd_fail(err, st->line, st->words[i].column,
			                "'shared' is only for processes: threads always share their memory");
		c->shared = true;
		i++;
	}
	if (i < st->nwords && strcmp(st->words[i].text, "as") == 0) {
		if (!parse_spawn_as(st, i + 1, c, err))
			return false;
		i += 2;
	}
	if (i < st->nwords) {
		const struct cmd_word *w = &st->words[i];
		return cmd_fail(err, st->line, w->column, "unexpected '%s': expected %s'as NAME' or the end of the command",
		                w->text, c->kind == LAB_PROCESSES && !c->shared ? "'shared', "
		                         : c->kernels > 0 ? "'on M', 'handoff', " : "");
	}
	return true;
}

static bool exec_spawn(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	if (c->program)
		return cmd_exec_spawn_program(lab, c, target, err);
	if (c->kernels > 0)
		return lab_spawn_green(lab, c->count, c->kernels, c->handoff, target, err);
	return lab_spawn(lab, c->kind, c->count, c->shared, target, err);
}

/* ---- sync, inject, workload, fix, bench: a word from a table ---- */

static bool parse_sync(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	int k;

	if (!cmd_arg_word(st, 1, lab_sync_words, "a mode", "sync mode", &k, err))
		return false;
	c->sync = (enum lab_sync)k;
	return cmd_arg_group(st, 2, c, "sync mutex T", err);
}

static bool exec_sync(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	return lab_sync(lab, c->sync, target, err);
}

static bool parse_inject(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	int k;

	if (st->nwords < 2)
		return cmd_fail(err, st->line, st->end_column,
		                "inject needs a fault and a worker, e.g. 'inject segv T3'");
	if (!cmd_arg_word(st, 1, lab_inject_words, NULL, "fault", &k, err))
		return false;
	c->fault = (enum lab_fault)(LAB_FAULT_SEGV + k);
	if (cmd_arg_program_task(st, 2, c))
		return cmd_arg_end(st, 3, err);
	return cmd_arg_worker(st, 2, c, "inject into one worker", "inject segv T3", err) && cmd_arg_end(st, 3, err);
}

static bool exec_inject(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	if (cmd_program_target(lab, target))
		return program_inject(lab, c->fault, target, err);
	return lab_inject(lab, c->fault, target, err);
}

static bool parse_workload(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	int k;

	if (!cmd_arg_word(st, 1, lab_workload_words, "a kind", "workload", &k, err))
		return false;
	c->workload = (enum lab_workload)k;
	return cmd_arg_group(st, 2, c, "workload withdraw T", err);
}

static bool exec_workload(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	return lab_workload(lab, c->workload, target, err);
}

static bool parse_fix(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	int k;

	if (st->nwords < 2)
		return cmd_fail(err, st->line, st->end_column, "fix needs what to fix: 'fix lockorder'");
	return cmd_arg_word(st, 1, fix_words, NULL, "fix", &k, err) && cmd_arg_group(st, 2, c, "fix lockorder T", err);
}

static bool exec_fix(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	(void)c;
	return lab_fix_lockorder(lab, target, err);
}

/* bench NAME: the front end measures, in a child of its own. */
static bool parse_bench(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	int k;

	if (!cmd_arg_word(st, 1, bench_names, "a measurement", "measurement", &k, err))
		return false;
	strlcpy(c->bench, bench_names[k], sizeof(c->bench));
	return cmd_arg_end(st, 2, err);
}

/* ---- kill, pause, resume, open, fork, close: a worker or a group ---- */

static bool parse_kill(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	if (cmd_arg_program_task(st, 1, c))
		return cmd_arg_end(st, 2, err);
	return cmd_arg_target(st, 1, c, "a worker or a group", "kill P2", false, true, err) && cmd_arg_end(st, 2, err);
}

static bool exec_kill(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	(void)c;
	if (cmd_program_target(lab, target))
		return program_kill(lab, target, err);
	return lab_kill(lab, target, err);
}

static bool parse_pause(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	if (cmd_arg_program_task(st, 1, c))
		return cmd_arg_end(st, 2, err);
	return cmd_arg_target(st, 1, c, "a worker, a group or all", c->verb == CMD_PAUSE ? "pause T2" : "resume all",
	                      true, true, err) &&
	       cmd_arg_end(st, 2, err);
}

static bool exec_pause(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	if (cmd_program_target(lab, target))
		return program_pause(lab, target, c->verb == CMD_PAUSE, err);
	return lab_pause(lab, target, c->verb == CMD_PAUSE, err);
}

static bool parse_open(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	return cmd_arg_worker(st, 1, c, "one worker opens a file", "open T2", err) && cmd_arg_end(st, 2, err);
}

static bool exec_open(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	(void)c;
	return lab_open_file(lab, target, err);
}

static bool parse_fork(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	return cmd_arg_worker(st, 1, c, "one worker forks a child", "fork P2", err) && cmd_arg_end(st, 2, err);
}

static bool exec_fork(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	(void)c;
	return lab_fork_child(lab, target, err);
}

/* close WORKER FD: a descriptor number, 0 included (a worker may close its stdin). */
static bool parse_close(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	long fd;

	if (!cmd_arg_worker(st, 1, c, "one worker closes its descriptor", "close P2 3", err))
		return false;
	if (st->nwords < 3)
		return cmd_fail(err, st->line, st->end_column,
		                "close needs the file descriptor to close after the worker, e.g. 'close P2 3'");
	const struct cmd_word *w = &st->words[2];
	char why[128];
	if (!cmd_whole_number(w->text, 0, 65535, &fd, why, sizeof(why)))
		return cmd_fail(err, st->line, w->column,
		                "bad file descriptor '%s'%s: expected a whole number from 0 to 65535, e.g. 'close P2 3'",
		                w->text, why);
	c->fd = (int)fd;
	c->value_column = w->column;
	return cmd_arg_end(st, 3, err);
}

static bool exec_close(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	return lab_close_file(lab, target, c->fd, err);
}

/* ---- run, report, reset, quit ---- */

static bool parse_run(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	if (st->nwords < 2)
		return cmd_fail(err, st->line, st->end_column, "run needs seconds, e.g. 'run 2' or 'run 0.5'");
	const struct cmd_word *w = &st->words[1];
	char words[96], why[128];
	double v;
	if (!cmd_number(w->text, true, &v, words, sizeof(words)) || v < 0 || v > CMD_MAX_SECONDS)
		return cmd_fail(err, st->line, w->column,
		                "bad duration '%s'%s: expected seconds as a decimal number, e.g. 2 or 0.5, from 0 to %.0f",
		                w->text, cmd_why_said(words, why, sizeof(why)), CMD_MAX_SECONDS);
	c->seconds = v;
	return cmd_arg_end(st, 2, err);
}

/* report, reset, quit: the verb alone. */
static bool parse_alone(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	(void)c;
	return cmd_arg_end(st, 1, err);
}

static bool exec_reset(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	(void)c, (void)target, (void)err;
	lab_reset(lab);
	return true;
}

/* ---- gil, cpus, files, reap: a switch ---- */

/* A word out of two (the record's words: on/off, 1/all), then an optional group. */
static bool parse_switch(const struct cmd_statement *st, struct cmd *c, const char *example, struct cmd_error *err)
{
	const char *yes = c->entry->words[0], *no = c->entry->words[1];

	if (st->nwords < 2)
		return cmd_fail(err, st->line, st->end_column, "%s needs %s or %s, e.g. '%s'", st->words[0].text, yes, no,
		                example);
	const struct cmd_word *w = &st->words[1];
	if (strcmp(w->text, yes) != 0 && strcmp(w->text, no) != 0)
		return cmd_fail(err, st->line, w->column, "unknown '%s': expected %s or %s, e.g. '%s'", w->text, yes, no,
		                example);
	c->on = strcmp(w->text, yes) == 0;
	return cmd_arg_group(st, 2, c, example, err);
}

static bool parse_gil(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	return parse_switch(st, c, "gil on T", err);
}

static bool exec_gil(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	return lab_gil(lab, c->on, target, err);
}

static bool parse_cpus(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	return parse_switch(st, c, "cpus 1 T", err);
}

static bool exec_cpus(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	if (cmd_program_target(lab, target))
		return program_cpus(lab, c->on, target, err);
	return lab_cpus(lab, c->on, target, err);
}

static bool parse_files(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	return parse_switch(st, c, "files on P", err);
}

static bool exec_files(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	if (cmd_program_target(lab, target))
		return program_files(lab, c->on, target, err);
	return lab_files(lab, c->on, target, err);
}

static bool parse_yield(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	return parse_switch(st, c, "yield anywhere G", err);
}

static bool exec_yield(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	return lab_green_yield(lab, c->on, target, err);
}

/* reap (now), reap on, reap off */
static bool parse_reap(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	c->reap = LAB_REAP_NOW;
	if (st->nwords == 1)
		return true;
	const struct cmd_word *w = &st->words[1];
	if (strcmp(w->text, "on") == 0)
		c->reap = LAB_REAP_ON;
	else if (strcmp(w->text, "off") == 0)
		c->reap = LAB_REAP_OFF;
	else
		return cmd_fail(err, st->line, w->column,
		                "unknown '%s': expected 'reap' (now), 'reap off' (leave zombies) or 'reap on'", w->text);
	return cmd_arg_end(st, 2, err);
}

static bool exec_reap(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err)
{
	(void)target;
	return lab_reaping(lab, c->reap, err);
}

/* ---- the records ---- */

const struct cmd_entry cmd_entries[] = {
	{ .name = "spawn", .verb = CMD_SPAWN, .words = spawn_kinds, .parse = parse_spawn, .exec = exec_spawn,
	  .usage = { { "spawn threads N [as NAME]", NULL, "N threads in one new process" },
	             { "spawn processes N [shared] [as NAME]", NULL, "shared: one MAP_SHARED counter" },
	             { "spawn green N [on M] [handoff] [as NAME]", NULL, "N green threads on M kernel threads" },
	             { "spawn program PATH [ARG...] [as NAME]", NULL, "a program ptviz did not write" } } },
	{ .name = "sync", .verb = CMD_SYNC, .words = lab_sync_words, .parse = parse_sync, .exec = exec_sync,
	  .usage = { { "sync {} [GROUP]", lab_sync_words, "how counter++ is guarded" } } },
	{ .name = "inject", .verb = CMD_INJECT, .words = lab_inject_words, .parse = parse_inject, .exec = exec_inject,
	  .usage = { { "inject {} WORKER", fault_words, "the worker does it to itself" },
	             { "inject {} WORKER", task_words, "a 3-second task, run synchronously" } } },
	{ .name = "kill", .verb = CMD_KILL, .parse = parse_kill, .exec = exec_kill,
	  .usage = { { "kill WORKER|GROUP", NULL, "end it from outside" } } },
	{ .name = "pause", .verb = CMD_PAUSE, .parse = parse_pause, .exec = exec_pause,
	  .usage = { { "pause|resume WORKER|GROUP|all", NULL, "stop at an increment, or go on" } } },
	{ .name = "resume", .verb = CMD_RESUME, .parse = parse_pause, .exec = exec_pause },
	{ .name = "run", .verb = CMD_RUN, .parse = parse_run,
	  .usage = { { "run SECONDS", NULL, "scripts only: let time pass" } } },
	{ .name = "report", .verb = CMD_REPORT, .parse = parse_alone,
	  .usage = { { "report", NULL, "each group's figures, in the log" } } },
	{ .name = "reset", .verb = CMD_RESET, .parse = parse_alone, .exec = exec_reset,
	  .usage = { { "reset", NULL, "end every group; defaults again" } } },
	{ .name = "quit", .verb = CMD_QUIT, .parse = parse_alone, .usage = { { "quit", NULL, "leave" } } },
	{ .name = "step", .verb = CMD_STEP, .words = on_off, .parse = cmd_parse_step, .exec = cmd_exec_step,
	  .usage = { { "step {} [GROUP]", on_off, "load, add, store wait for 'step'" },
	             { "step [WORKER]", NULL, "one micro-step: the next, or WORKER" } } },
	{ .name = "schedule", .verb = CMD_SCHEDULE, .list = true, .parse = cmd_parse_schedule, .exec = cmd_exec_schedule,
	  .usage = { { "schedule N N ...", NULL, "the order of steps, e.g. '1 2 1 2'" } } },
	{ .name = "workload", .verb = CMD_WORKLOAD, .words = lab_workload_words, .parse = parse_workload,
	  .exec = exec_workload, .usage = { { "workload {} [GROUP]", lab_workload_words, "what the workers do" } } },
	{ .name = "fix", .verb = CMD_FIX, .words = fix_words, .parse = parse_fix, .exec = exec_fix,
	  .usage = { { "fix {} [GROUP]", fix_words, "every worker locks A before B" } } },
	{ .name = "gil", .verb = CMD_GIL, .words = on_off, .parse = parse_gil, .exec = exec_gil,
	  .usage = { { "gil {} [GROUP]", on_off, "one lock per process, as CPython's" } } },
	{ .name = "cpus", .verb = CMD_CPUS, .words = one_all, .parse = parse_cpus, .exec = exec_cpus,
	  .usage = { { "cpus {} [GROUP]", one_all, "pin to one CPU, or let them spread" } } },
	{ .name = "reap", .verb = CMD_REAP, .words = on_off, .parse = parse_reap, .exec = exec_reap,
	  .usage = { { "reap [{}]", on_off, "reap now; off: leave zombies" } } },
	{ .name = "files", .verb = CMD_FILES, .words = on_off, .parse = parse_files, .exec = exec_files,
	  .usage = { { "files {} [GROUP]", on_off, "list each worker's open descriptors" } } },
	{ .name = "open", .verb = CMD_OPEN, .parse = parse_open, .exec = exec_open,
	  .usage = { { "open WORKER", NULL, "the worker opens a file of its own" } } },
	{ .name = "close", .verb = CMD_CLOSE, .parse = parse_close, .exec = exec_close,
	  .usage = { { "close WORKER FD", NULL, "the worker closes descriptor FD" } } },
	{ .name = "fork", .verb = CMD_FORK, .parse = parse_fork, .exec = exec_fork,
	  .usage = { { "fork WORKER", NULL, "the worker forks a child of its own" } } },
	{ .name = "return", .verb = CMD_RETURN, .parse = cmd_parse_main_return, .exec = cmd_exec_main_return,
	  .usage = { { "return|join GROUP", NULL, "its main thread returns: without, or after, join" } } },
	{ .name = "join", .verb = CMD_JOIN, .parse = cmd_parse_main_return, .exec = cmd_exec_main_return },
	{ .name = "setenv", .verb = CMD_SETENV, .parse = cmd_parse_worker_text, .exec = cmd_exec_worker_text,
	  .usage = { { "setenv WORKER NAME=VALUE", NULL, "the worker changes its environment" } } },
	{ .name = "chdir", .verb = CMD_CHDIR, .parse = cmd_parse_worker_text, .exec = cmd_exec_worker_text,
	  .usage = { { "chdir WORKER DIR", NULL, "the worker changes its working directory" } } },
	{ .name = "sandbox", .verb = CMD_SANDBOX, .parse = cmd_parse_sandbox, .exec = cmd_exec_sandbox,
	  .usage = { { "sandbox WORKER", NULL, "a seccomp filter: its opens fail (EPERM)" } } },
	{ .name = "escape", .verb = CMD_ESCAPE, .parse = cmd_parse_sandbox, .exec = cmd_exec_sandbox,
	  .usage = { { "escape WORKER", NULL, "it asks a sibling to open a file for it" } } },
	{ .name = "touch", .verb = CMD_TOUCH, .parse = cmd_parse_touch, .exec = cmd_exec_touch,
	  .usage = { { "touch WORKER [KIB]", NULL, "it writes KiB shared since fork: copy-on-write" } } },
	{ .name = "pool", .verb = CMD_POOL, .words = pool_words, .parse = cmd_parse_pool, .exec = cmd_exec_pool,
	  .usage = { { "pool off|N [GROUP]", NULL, "tasks: a thread or process each, or N workers" } } },
	{ .name = "rate", .verb = CMD_RATE, .words = rate_words, .parse = cmd_parse_rate, .exec = cmd_exec_rate,
	  .usage = { { "rate max|R [GROUP]", NULL, "tasks: as fast as taken, or R a second" } } },
	{ .name = "yield", .verb = CMD_YIELD, .words = yield_words, .parse = parse_yield, .exec = exec_yield,
	  .usage = { { "yield {} [GROUP]", yield_words, "where green threads give way" } } },
	{ .name = "watch", .verb = CMD_WATCH, .parse = cmd_parse_watch, .exec = cmd_exec_watch,
	  .usage = { { "watch SYMBOL[:TYPE] [GROUP]", NULL, "a program's global, in each process" } } },
	{ .name = "bench", .verb = CMD_BENCH, .words = bench_names, .parse = parse_bench,
	  .usage = { { "bench {}", bench_names, "measure a cost (the costs view, c)" } } },
	{ .name = NULL },
};

const struct cmd_entry *cmd_entry_find(const char *name)
{
	for (const struct cmd_entry *e = cmd_entries; e->name != NULL; e++) {
		if (strcmp(e->name, name) == 0)
			return e;
	}
	return NULL;
}

void cmd_usage_text(const struct cmd_usage *u, char *buf, size_t len)
{
	const char *hole = u->words != NULL ? strstr(u->syntax, "{}") : NULL;
	char words[256];

	if (hole == NULL) {
		strlcpy(buf, u->syntax, len);
		return;
	}
	cmd_words_join(u->words, "|", "|", words, sizeof(words));
	snprintf(buf, len, "%.*s%s%s", (int)(hole - u->syntax), u->syntax, words, hole + 2);
}
