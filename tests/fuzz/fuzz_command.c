/*
 * A fuzz target for the command parser: libFuzzer's entry point, plus the shared mutating driver (fuzz_driver.h)
 * so that gcc builds it and it runs briefly as an ordinary test (-DPTVIZ_LIBFUZZER leaves the driver out).
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/batch.h"
#include "cmd/cmd_priv.h"

/* Where the parser may place a line and column in text: within its lines, at most one past a line's end. */
static bool fuzz_place_ok(const char *text, int line, int column)
{
	const char *p = text;

	if (line < 1 || column < 1)
		return false;
	for (int l = 1; l < line; l++) {
		p = strchr(p, '\n');
		if (p == NULL)
			return false;
		p++;
	}
	return (size_t)column <= strcspn(p, "\n") + 1;
}

/* A program's task as the command language names one: a process A1, a thread A1.3, or a plain PID or TID. */
static bool fuzz_program_task(const char *t)
{
	const char *dot = strchr(t, '.');
	char head[64];

	if (dot == NULL)
		return t[0] != '\0' && strspn(t, "0123456789") == strlen(t);
	if ((size_t)(dot - t) >= sizeof(head) || dot[1] == '\0' || strspn(dot + 1, "0123456789") != strlen(dot + 1))
		return false;
	memcpy(head, t, (size_t)(dot - t));
	head[dot - t] = '\0';
	return cmd_is_name(head, true);
}

/* What a parsed command promises the executor; a broken promise aborts, which the fuzzer reports. */
static void fuzz_check_command(const char *text, const struct cmd *c)
{
	if (!fuzz_place_ok(text, c->line, c->column) || c->entry == NULL || c->text[0] == '\0')
		abort();
	if (c->target_column && (c->target_column <= c->column || !fuzz_place_ok(text, c->line, c->target_column)))
		abort();
	if (c->target[0] != '\0' && strcmp(c->target, "all") != 0 && !cmd_is_name(c->target, true) &&
	    !fuzz_program_task(c->target))
		abort();
	switch (c->verb) {
	case CMD_SPAWN:
		if (c->program)
			break;   /* a program's words, not a count */
		if (c->count < 1 || c->count > (c->kind == LAB_THREADS ? LAB_LIMIT_THREADS : LAB_LIMIT_PROCESSES))
			abort();
		break;
	case CMD_RUN:
		if (!(c->seconds >= 0 && c->seconds <= 86400) || signbit(c->seconds))
			abort();
		break;
	case CMD_CLOSE:
		if (c->fd < 0 || c->fd > 65535)
			abort();
		break;
	case CMD_TOUCH:
		if (c->kib < 1 || c->kib > LAB_TOUCH_MAX_KIB)
			abort();
		break;
	case CMD_SCHEDULE:
		if (c->nschedule < 0 || c->nschedule > LAB_SCHEDULE_MAX)
			abort();
		for (int i = 0; i < c->nschedule; i++) {
			if (c->schedule[i] < 1 || c->schedule[i] > LAB_LIMIT_THREADS ||
			    !fuzz_place_ok(text, c->line, c->schedule_column[i]))
				abort();
		}
		break;
	default:
		break;
	}
}

/* A command as written, parsed again alone, is the same command (unless cut short to fit). */
static void fuzz_check_again(const struct cmd *c)
{
	struct cmd_list again;
	struct cmd_error err;

	if (c->text_cut)
		return;
	if (!cmd_parse(c->text, c->line, &again, &err))
		abort();
	const struct cmd *a = &again.items[0];
	if (again.n != 1 || a->verb != c->verb || a->count != c->count || a->seconds != c->seconds || a->fd != c->fd ||
	    a->nschedule != c->nschedule || strcmp(a->target, c->target) != 0 || a->line != c->line)
		abort();
	cmd_list_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct cmd_list list;
	struct cmd_error err;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* The batch front end refuses a NUL byte first, with its place; the parser reads up to one. */
	if (!batch_text_check(text, size, &err) &&
	    (err.line < 1 || err.column < 1 || err.message[0] == '\0' || memchr(text, '\0', size) == NULL))
		abort();
	if (cmd_parse(text, 1, &list, &err)) {
		for (int i = 0; i < list.n; i++) {
			fuzz_check_command(text, &list.items[i]);
			fuzz_check_again(&list.items[i]);
		}
		cmd_list_free(&list);
	} else if (!fuzz_place_ok(text, err.line, err.column) || err.message[0] == '\0' || list.items != NULL ||
	           list.n != 0) {
		abort();
	}
	free(text);
	return 0;
}

#ifndef PTVIZ_LIBFUZZER

static const char fuzz_name[] = "fuzz_command";
static const char fuzz_seed_text[] = "spawn threads 4; spawn processes 3 shared as Web\nsync mutex T # a comment\n"
                                     "step on; schedule 1 2 1 2 1 2; step; step T1\nrun 0.5; close P1 3; report\n";

/* Words that make mutations land in the grammar's corners (command.dict adds every verb and word). */
static const char *const fuzz_tokens[] = {
	" ", ";", "\n", "\r\n", "\t", "#", "T", "P", "T3", "PB12", "all", "as ", "shared", "0", "1", "-0", "+2", "0.5",
	".5", "2.", "4096", "4097", "1024", "1025", "65535", "65536", "86400", "86400.5", "0x10", "1e3", "1e-400",
	"inf", "nan", "99999999999999999999", "\x01", "\x7f", "\xc3\xa9", "\xff",
};

/* command.dict must hold every verb, as verb_NAME="NAME", so the fuzzer and the seed list know them all. */
static bool fuzz_dict_check(const char *path, char **tokens, int n)
{
	for (const struct cmd_entry *e = cmd_entries; e->name != NULL; e++) {
		int k = 0;
		while (k < n && strcmp(tokens[k], e->name) != 0)
			k++;
		if (k == n) {
			fprintf(stderr, "fuzz_command: %s lacks the verb '%s': add verb_%s=\"%s\"\n", path, e->name, e->name,
			        e->name);
			return false;
		}
	}
	return true;
}

#include "fuzz_driver.h"

#endif
