/* The command language's parser: text to a list of commands, or an error with line and column. */
#include "cmd.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

const char *const cmd_verbs[] = {
	"spawn", "sync", "inject", "kill", "pause", "resume", "run", "report", "reset", "quit",
	"step", "schedule", "workload", "bench", "fix", "reap", "cpus", "gil", "open", "close", "fork", "files", NULL,
};

const char *const cmd_benches[] = { "create", "forksize", "switch", "ipc", "all", NULL };

/* schedule takes the most words: the verb and LAB_SCHEDULE_MAX numbers. */
#define CMD_MAX_WORDS (LAB_SCHEDULE_MAX + 1)
/* Every other command is short. */
#define CMD_MAX_PLAIN_WORDS 8
#define CMD_MAX_COUNT LAB_LIMIT_THREADS
#define CMD_MAX_SECONDS 86400.0

struct word {
	char text[CMD_WORD_MAX];
	int column;
	bool too_long;
};

struct statement {
	struct word words[CMD_MAX_WORDS];
	int nwords;
	bool too_many;
	int line, column;
	int end_column;     /* just past the last word, for "expected ... here" */
	const char *start;  /* raw text, for cmd->text */
	size_t len;
};

static bool cmd_fail(struct cmd_error *err, int line, int column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool cmd_fail(struct cmd_error *err, int line, int column, const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	err->column = column;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return false;
}

static bool parse_count(const struct statement *st, const struct word *w, int *out, struct cmd_error *err)
{
	char *end;

	errno = 0;
	long v = strtol(w->text, &end, 10);
	if (!isdigit((unsigned char)w->text[0]) || *end != '\0' || errno != 0 || v < 1 || v > CMD_MAX_COUNT)
		return cmd_fail(err, st->line, w->column,
		                "bad count '%s': expected a whole number of 1 or more, e.g. 'spawn threads 4' (the caps: "
		                "--max-threads a group, --max-processes in all)",
		                w->text);
	*out = (int)v;
	return true;
}

static bool parse_seconds(const struct statement *st, const struct word *w, double *out, struct cmd_error *err)
{
	char *end;

	errno = 0;
	double v = strtod(w->text, &end);
	if (!(isdigit((unsigned char)w->text[0]) || w->text[0] == '.') || *end != '\0' || errno != 0 ||
	    !isfinite(v) || v < 0 || v > CMD_MAX_SECONDS)
		return cmd_fail(err, st->line, w->column,
		                "bad duration '%s': expected seconds from 0 to %.0f, e.g. 'run 2' or 'run 0.5'",
		                w->text, CMD_MAX_SECONDS);
	*out = v;
	return true;
}

/* A group name (letters) or a worker (letters then a number from 1). */
static bool is_name(const char *s, bool allow_number)
{
	size_t letters = 0;

	while (isalpha((unsigned char)s[letters]))
		letters++;
	if (letters == 0 || letters > LAB_NAME_MAX)
		return false;
	if (s[letters] == '\0')
		return true;
	if (!allow_number || s[letters] < '1' || s[letters] > '9')
		return false;
	for (size_t i = letters; s[i] != '\0'; i++) {
		if (!isdigit((unsigned char)s[i]) || i - letters >= 6)
			return false;
	}
	return true;
}

static bool parse_target(const struct statement *st, int i, struct cmd *c, const char *what,
                         const char *example, bool allow_all, bool allow_worker, struct cmd_error *err)
{
	if (i >= st->nwords)
		return cmd_fail(err, st->line, st->end_column, "%s needs %s, e.g. '%s'",
		                st->words[0].text, what, example);
	const struct word *w = &st->words[i];
	bool ok = (allow_all && strcmp(w->text, "all") == 0) || is_name(w->text, allow_worker);
	if (!ok || w->too_long)
		return cmd_fail(err, st->line, w->column, "bad name '%s': expected %s, e.g. '%s'",
		                w->text, what, example);
	strlcpy(c->target, w->text, sizeof(c->target));
	c->target_column = w->column;
	return true;
}

static bool expect_end(const struct statement *st, int i, struct cmd_error *err)
{
	if (i < st->nwords)
		return cmd_fail(err, st->line, st->words[i].column, "unexpected '%s' after '%s'",
		                st->words[i].text, st->words[i - 1].text);
	return true;
}

static bool parse_spawn(const struct statement *st, struct cmd *c, struct cmd_error *err)
{
	int i = 1;

	if (i >= st->nwords)
		return cmd_fail(err, st->line, st->end_column,
		                "spawn needs what to start: 'spawn threads N' or 'spawn processes N'");
	const struct word *kind = &st->words[i++];
	if (strcmp(kind->text, "threads") == 0 || strcmp(kind->text, "thread") == 0)
		c->kind = LAB_THREADS;
	else if (strcmp(kind->text, "processes") == 0 || strcmp(kind->text, "process") == 0)
		c->kind = LAB_PROCESSES;
	else
		return cmd_fail(err, st->line, kind->column, "cannot spawn '%s': expected threads or processes",
		                kind->text);
	if (i >= st->nwords)
		return cmd_fail(err, st->line, st->end_column, "spawn %s needs a count, e.g. 'spawn %s 4'",
		                kind->text, kind->text);
	c->value_column = st->words[i].column;
	if (!parse_count(st, &st->words[i++], &c->count, err))
		return false;
	if (i < st->nwords && strcmp(st->words[i].text, "shared") == 0) {
		if (c->kind == LAB_THREADS)
			return cmd_fail(err, st->line, st->words[i].column,
			                "'shared' is only for processes: threads always share their memory");
		c->shared = true;
		i++;
	}
	if (i < st->nwords && strcmp(st->words[i].text, "as") == 0) {
		i++;
		if (i >= st->nwords)
			return cmd_fail(err, st->line, st->end_column, "'as' needs a group name, e.g. 'as Web'");
		const struct word *w = &st->words[i++];
		if (!is_name(w->text, false) || strcmp(w->text, "all") == 0)
			return cmd_fail(err, st->line, w->column,
			                "bad group name '%s': expected 1 to %d letters (not 'all'), e.g. 'as Web'",
			                w->text, LAB_NAME_MAX);
		strlcpy(c->target, w->text, sizeof(c->target));
		c->target_column = w->column;
	}
	if (i < st->nwords) {
		const struct word *w = &st->words[i];
		return cmd_fail(err, st->line, w->column, "unexpected '%s': expected %s'as NAME' or the end of the command",
		                w->text, c->kind == LAB_PROCESSES && !c->shared ? "'shared', " : "");
	}
	return true;
}

static bool parse_sync(const struct statement *st, struct cmd *c, struct cmd_error *err)
{
	if (st->nwords < 2)
		return cmd_fail(err, st->line, st->end_column, "sync needs a mode: none, mutex or atomic");
	const struct word *w = &st->words[1];
	if (strcmp(w->text, "none") == 0)
		c->sync = INSTR_SYNC_NONE;
	else if (strcmp(w->text, "mutex") == 0)
		c->sync = INSTR_SYNC_MUTEX;
	else if (strcmp(w->text, "atomic") == 0)
		c->sync = INSTR_SYNC_ATOMIC;
	else
		return cmd_fail(err, st->line, w->column, "unknown sync mode '%s': expected none, mutex or atomic",
		                w->text);
	if (st->nwords > 2 && !parse_target(st, 2, c, "a group", "sync mutex T", false, false, err))
		return false;
	return expect_end(st, st->nwords > 2 ? 3 : 2, err);
}

/* One worker, never a group: what only a single thread or process can do. */
static bool parse_worker(const struct statement *st, int i, struct cmd *c, const char *what, const char *example,
                         struct cmd_error *err)
{
	if (i < st->nwords && !is_name(st->words[i].text, true))
		return cmd_fail(err, st->line, st->words[i].column,
		                "bad worker '%s': expected a worker such as T3 or P2", st->words[i].text);
	if (i < st->nwords && is_name(st->words[i].text, false))
		return cmd_fail(err, st->line, st->words[i].column, "'%s' is a group, not a worker: %s, e.g. '%s1'",
		                st->words[i].text, what, st->words[i].text);
	return parse_target(st, i, c, "a worker", example, false, true, err);
}

static bool parse_inject(const struct statement *st, struct cmd *c, struct cmd_error *err)
{
	static const char *const faults[] = { "segv", "abort", "exit", "loop", "block" };

	if (st->nwords < 2)
		return cmd_fail(err, st->line, st->end_column,
		                "inject needs a fault and a worker, e.g. 'inject segv T3'");
	const struct word *w = &st->words[1];
	c->fault = INSTR_FAULT_NONE;
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		if (strcmp(w->text, faults[i]) == 0)
			c->fault = (enum instr_fault)(INSTR_FAULT_SEGV + i);
	}
	if (c->fault == INSTR_FAULT_NONE)
		return cmd_fail(err, st->line, w->column, "unknown fault '%s': expected segv, abort, exit, loop or block",
		                w->text);
	return parse_worker(st, 2, c, "inject into one worker", "inject segv T3", err) && expect_end(st, 3, err);
}

/* step on|off [GROUP], or step [WORKER] */
static bool parse_step(const struct statement *st, struct cmd *c, struct cmd_error *err)
{
	if (st->nwords >= 2 && (strcmp(st->words[1].text, "on") == 0 || strcmp(st->words[1].text, "off") == 0)) {
		c->verb = CMD_STEP_MODE;
		c->on = st->words[1].text[1] == 'n';
		if (st->nwords > 2 && !parse_target(st, 2, c, "a group", "step on T", false, false, err))
			return false;
		return expect_end(st, st->nwords > 2 ? 3 : 2, err);
	}
	c->verb = CMD_STEP;
	if (st->nwords == 1)
		return true;
	const struct word *w = &st->words[1];
	if (is_name(w->text, false))
		return cmd_fail(err, st->line, w->column,
		                "'%s' is a group, not a worker: expected 'step on %s', 'step off %s' or a worker such as '%s1'",
		                w->text, w->text, w->text, w->text);
	if (!is_name(w->text, true))
		return cmd_fail(err, st->line, w->column,
		                "bad worker '%s': expected on, off, a worker such as T1, or nothing (the next in the schedule)",
		                w->text);
	strlcpy(c->target, w->text, sizeof(c->target));
	c->target_column = w->column;
	return expect_end(st, 2, err);
}

/* schedule N N ...: worker numbers, from 1 */
static bool parse_schedule(const struct statement *st, struct cmd *c, struct cmd_error *err)
{
	if (st->too_many)
		return cmd_fail(err, st->line, st->words[CMD_MAX_WORDS - 1].column,
		                "a schedule holds at most %d steps", LAB_SCHEDULE_MAX);
	for (int i = 1; i < st->nwords; i++) {
		const struct word *w = &st->words[i];
		char *end;
		errno = 0;
		long v = strtol(w->text, &end, 10);
		if (!isdigit((unsigned char)w->text[0]) || *end != '\0' || errno != 0 || v < 1 || v > LAB_LIMIT_THREADS)
			return cmd_fail(err, st->line, w->column,
			                "bad worker number '%s': expected numbers from 1, e.g. 'schedule 1 2 1 2 1 2'",
			                w->text);
		c->schedule[c->nschedule++] = (int)v;
	}
	return true;
}

static bool parse_workload(const struct statement *st, struct cmd *c, struct cmd_error *err)
{
	static const char *const names[] = { "counter", "withdraw", "deadlock", "io", "cpu", "eventloop" };

	if (st->nwords < 2)
		return cmd_fail(err, st->line, st->end_column,
		                "workload needs a kind: counter, withdraw, deadlock, io, cpu or eventloop");
	const struct word *w = &st->words[1];
	size_t k = 0;
	while (k < sizeof(names) / sizeof(names[0]) && strcmp(w->text, names[k]) != 0)
		k++;
	if (k == sizeof(names) / sizeof(names[0]))
		return cmd_fail(err, st->line, w->column,
		                "unknown workload '%s': expected counter, withdraw, deadlock, io, cpu or eventloop", w->text);
	c->workload = (enum instr_workload)k;
	if (st->nwords > 2 && !parse_target(st, 2, c, "a group", "workload withdraw T", false, false, err))
		return false;
	return expect_end(st, st->nwords > 2 ? 3 : 2, err);
}

/* A word out of two (on/off, 1/all), then an optional group. */
static bool parse_switch(const struct statement *st, struct cmd *c, const char *yes, const char *no,
                         const char *example, struct cmd_error *err)
{
	if (st->nwords < 2)
		return cmd_fail(err, st->line, st->end_column, "%s needs %s or %s, e.g. '%s'", st->words[0].text, yes, no,
		                example);
	const struct word *w = &st->words[1];
	if (strcmp(w->text, yes) != 0 && strcmp(w->text, no) != 0)
		return cmd_fail(err, st->line, w->column, "unknown '%s': expected %s or %s, e.g. '%s'", w->text, yes, no,
		                example);
	c->on = strcmp(w->text, yes) == 0;
	if (st->nwords > 2 && !parse_target(st, 2, c, "a group", example, false, false, err))
		return false;
	return expect_end(st, st->nwords > 2 ? 3 : 2, err);
}

static bool parse_reap(const struct statement *st, struct cmd *c, struct cmd_error *err)
{
	c->reap = LAB_REAP_NOW;
	if (st->nwords == 1)
		return true;
	const struct word *w = &st->words[1];
	if (strcmp(w->text, "on") == 0)
		c->reap = LAB_REAP_ON;
	else if (strcmp(w->text, "off") == 0)
		c->reap = LAB_REAP_OFF;
	else
		return cmd_fail(err, st->line, w->column,
		                "unknown '%s': expected 'reap' (now), 'reap off' (leave zombies) or 'reap on'", w->text);
	return expect_end(st, 2, err);
}

static bool parse_fix(const struct statement *st, struct cmd *c, struct cmd_error *err)
{
	if (st->nwords < 2)
		return cmd_fail(err, st->line, st->end_column, "fix needs what to fix: 'fix lockorder'");
	if (strcmp(st->words[1].text, "lockorder") != 0)
		return cmd_fail(err, st->line, st->words[1].column, "unknown fix '%s': expected lockorder",
		                st->words[1].text);
	if (st->nwords > 2 && !parse_target(st, 2, c, "a group", "fix lockorder T", false, false, err))
		return false;
	return expect_end(st, st->nwords > 2 ? 3 : 2, err);
}

/* close WORKER FD: a descriptor number, 0 included (a worker may close its stdin). */
static bool parse_close(const struct statement *st, struct cmd *c, struct cmd_error *err)
{
	if (!parse_worker(st, 1, c, "one worker closes its descriptor", "close P2 3", err))
		return false;
	if (st->nwords < 3)
		return cmd_fail(err, st->line, st->end_column,
		                "close needs the file descriptor to close after the worker, e.g. 'close P2 3'");
	const struct word *w = &st->words[2];
	char *end;
	errno = 0;
	long v = strtol(w->text, &end, 10);
	if (!isdigit((unsigned char)w->text[0]) || *end != '\0' || errno != 0 || v < 0 || v > 65535)
		return cmd_fail(err, st->line, w->column,
		                "bad file descriptor '%s': expected a number from 0 to 65535, e.g. 'close P2 3'", w->text);
	c->count = (int)v;
	c->value_column = w->column;
	return expect_end(st, 3, err);
}

static bool parse_bench(const struct statement *st, struct cmd *c, struct cmd_error *err)
{
	if (st->nwords < 2)
		return cmd_fail(err, st->line, st->end_column,
		                "bench needs a measurement: create, forksize, switch, ipc or all");
	const struct word *w = &st->words[1];
	for (int i = 0; cmd_benches[i] != NULL; i++) {
		if (strcmp(w->text, cmd_benches[i]) == 0) {
			strlcpy(c->bench, w->text, sizeof(c->bench));
			return expect_end(st, 2, err);
		}
	}
	return cmd_fail(err, st->line, w->column,
	                "unknown measurement '%s': expected create, forksize, switch, ipc or all", w->text);
}

static bool parse_statement(const struct statement *st, struct cmd *c, struct cmd_error *err)
{
	const struct word *verb = &st->words[0];

	memset(c, 0, sizeof(*c));
	c->line = st->line;
	c->column = st->column;
	size_t len = st->len < sizeof(c->text) - 1 ? st->len : sizeof(c->text) - 1;
	memcpy(c->text, st->start, len);
	c->text[len] = '\0';
	while (len > 0 && isspace((unsigned char)c->text[len - 1]))
		c->text[--len] = '\0';

	for (int i = 0; i < st->nwords; i++) {
		if (st->words[i].too_long)
			return cmd_fail(err, st->line, st->words[i].column, "word too long: '%.20s...'",
			                st->words[i].text);
	}
	if (strcmp(verb->text, "schedule") == 0) {
		c->verb = CMD_SCHEDULE;
		return parse_schedule(st, c, err);
	}
	if (st->too_many || st->nwords > CMD_MAX_PLAIN_WORDS)
		return cmd_fail(err, st->line, st->words[CMD_MAX_PLAIN_WORDS].column,
		                "too many words in one command: separate commands with ';' or a new line");

	if (strcmp(verb->text, "spawn") == 0) {
		c->verb = CMD_SPAWN;
		return parse_spawn(st, c, err);
	}
	if (strcmp(verb->text, "sync") == 0) {
		c->verb = CMD_SYNC;
		return parse_sync(st, c, err);
	}
	if (strcmp(verb->text, "inject") == 0) {
		c->verb = CMD_INJECT;
		return parse_inject(st, c, err);
	}
	if (strcmp(verb->text, "kill") == 0) {
		c->verb = CMD_KILL;
		return parse_target(st, 1, c, "a worker or a group", "kill P2", false, true, err) &&
		       expect_end(st, 2, err);
	}
	if (strcmp(verb->text, "pause") == 0 || strcmp(verb->text, "resume") == 0) {
		c->verb = verb->text[0] == 'p' ? CMD_PAUSE : CMD_RESUME;
		return parse_target(st, 1, c, "a worker, a group or all",
		                    c->verb == CMD_PAUSE ? "pause T2" : "resume all", true, true, err) &&
		       expect_end(st, 2, err);
	}
	if (strcmp(verb->text, "run") == 0) {
		c->verb = CMD_RUN;
		if (st->nwords < 2)
			return cmd_fail(err, st->line, st->end_column, "run needs seconds, e.g. 'run 2' or 'run 0.5'");
		return parse_seconds(st, &st->words[1], &c->seconds, err) && expect_end(st, 2, err);
	}
	if (strcmp(verb->text, "report") == 0 || strcmp(verb->text, "reset") == 0 ||
	    strcmp(verb->text, "quit") == 0) {
		c->verb = verb->text[2] == 'p' ? CMD_REPORT : verb->text[2] == 's' ? CMD_RESET : CMD_QUIT;
		return expect_end(st, 1, err);
	}
	if (strcmp(verb->text, "step") == 0)
		return parse_step(st, c, err);
	if (strcmp(verb->text, "workload") == 0) {
		c->verb = CMD_WORKLOAD;
		return parse_workload(st, c, err);
	}
	if (strcmp(verb->text, "bench") == 0) {
		c->verb = CMD_BENCH;
		return parse_bench(st, c, err);
	}
	if (strcmp(verb->text, "fix") == 0) {
		c->verb = CMD_FIX;
		return parse_fix(st, c, err);
	}
	if (strcmp(verb->text, "reap") == 0) {
		c->verb = CMD_REAP;
		return parse_reap(st, c, err);
	}
	if (strcmp(verb->text, "cpus") == 0) {
		c->verb = CMD_CPUS;
		return parse_switch(st, c, "1", "all", "cpus 1 T", err);
	}
	if (strcmp(verb->text, "gil") == 0) {
		c->verb = CMD_GIL;
		return parse_switch(st, c, "on", "off", "gil on T", err);
	}
	if (strcmp(verb->text, "open") == 0 || strcmp(verb->text, "fork") == 0) {
		c->verb = verb->text[0] == 'o' ? CMD_OPEN : CMD_FORK;
		return parse_worker(st, 1, c, c->verb == CMD_OPEN ? "one worker opens a file" : "one worker forks a child",
		                    c->verb == CMD_OPEN ? "open T2" : "fork P2", err) &&
		       expect_end(st, 2, err);
	}
	if (strcmp(verb->text, "files") == 0) {
		c->verb = CMD_FILES;
		return parse_switch(st, c, "on", "off", "files on P", err);
	}
	if (strcmp(verb->text, "close") == 0) {
		c->verb = CMD_CLOSE;
		return parse_close(st, c, err);
	}
	return cmd_fail(err, st->line, verb->column,
	                "unknown command '%s': expected spawn, sync, inject, kill, pause, resume, run, report, "
	                "reset, quit, step, schedule, workload, fix, reap, cpus, gil, files, open, close, fork or bench",
	                verb->text);
}

static bool list_push(struct cmd_list *list, const struct cmd *c)
{
	if (list->n == list->cap) {
		int cap = list->cap ? list->cap * 2 : 16;
		struct cmd *items = realloc(list->items, (size_t)cap * sizeof(*items));
		if (items == NULL)
			return false;
		list->items = items;
		list->cap = cap;
	}
	list->items[list->n++] = *c;
	return true;
}

void cmd_list_free(struct cmd_list *list)
{
	free(list->items);
	memset(list, 0, sizeof(*list));
}

bool cmd_parse(const char *text, int first_line, struct cmd_list *out, struct cmd_error *err)
{
	struct statement st;
	int line = first_line, column = 1;
	const char *p = text;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	memset(&st, 0, sizeof(st));
	for (;;) {
		char ch = *p;
		bool end_of_statement = ch == '\0' || ch == '\n' || ch == ';';

		if (ch == '#') {
			/* A comment runs to the end of the line. */
			while (*p != '\0' && *p != '\n') {
				p++;
				column++;
			}
			continue;
		}
		if (end_of_statement) {
			if (st.nwords > 0) {
				struct cmd c;
				if (!parse_statement(&st, &c, err) || !list_push(out, &c)) {
					if (err->message[0] == '\0')
						cmd_fail(err, st.line, st.column, "out of memory");
					cmd_list_free(out);
					return false;
				}
			}
			memset(&st, 0, sizeof(st));
			if (ch == '\0')
				return true;
			if (ch == '\n') {
				line++;
				column = 1;
			} else {
				column++;
			}
			p++;
			continue;
		}
		if (ch == ' ' || ch == '\t' || ch == '\r') {
			p++;
			column++;
			continue;
		}
		if ((unsigned char)ch < 0x20 || ch == 0x7f) {
			cmd_list_free(out);
			return cmd_fail(err, line, column, "unexpected control character 0x%02x", (unsigned char)ch);
		}
		/* A word. */
		if (st.nwords == 0) {
			st.line = line;
			st.column = column;
			st.start = p;
		}
		struct word *w = st.nwords < CMD_MAX_WORDS ? &st.words[st.nwords] : NULL;
		if (w == NULL)
			st.too_many = true;
		else
			w->column = column;
		size_t len = 0;
		while ((unsigned char)*p > ' ' && *p != 0x7f && *p != ';' && *p != '#') {
			if (w != NULL) {
				if (len + 1 < sizeof(w->text))
					w->text[len++] = *p;
				else
					w->too_long = true;
			}
			p++;
			column++;
		}
		if (w != NULL) {
			w->text[len] = '\0';
			st.nwords++;
		}
		st.end_column = column;
		st.len = (size_t)(p - st.start);
	}
}
