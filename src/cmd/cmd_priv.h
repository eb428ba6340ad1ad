/* The command language's inside: a command's words, and the pieces every verb's parser is made of. */
#ifndef PTVIZ_CMD_PRIV_H
#define PTVIZ_CMD_PRIV_H

#include "cmd.h"

/* schedule takes the most words: the verb and LAB_SCHEDULE_MAX numbers. */
#define CMD_MAX_WORDS (LAB_SCHEDULE_MAX + 1)
/* Every other command is short. */
#define CMD_MAX_PLAIN_WORDS 8

struct cmd_word {
	char text[CMD_WORD_MAX];
	int column;
	bool too_long;
};

struct cmd_statement {
	struct cmd_word words[CMD_MAX_WORDS];
	int nwords;
	bool too_many;
	int line, column;
	int end_column;     /* just past the last word, for "expected ... here" */
	const char *start;  /* raw text, for cmd->text */
	size_t len;
};

/* Fills err (line, column, message) and returns false. */
bool cmd_fail(struct cmd_error *err, int line, int column, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* "a, b or c" (sep ", ", last " or "), or "a|b|c" (both "|"). */
void cmd_words_join(const char *const *words, const char *sep, const char *last, char *buf, size_t len);

/* A group name (letters) or, with allow_number, a worker (letters then a number from 1). */
bool cmd_is_name(const char *s, bool allow_number);

/* Nothing more after word i-1. */
bool cmd_arg_end(const struct cmd_statement *st, int i, struct cmd_error *err);
/*
 * Word i is one of words (NULL-terminated): its index.  Missing: "VERB needs
 * NEEDS: a, b or c"; unknown: "unknown WHAT 'x': expected a, b or c".
 */
bool cmd_arg_word(const struct cmd_statement *st, int i, const char *const *words, const char *needs,
                  const char *what, int *index, struct cmd_error *err);
/* Word i names what ("a worker or a group"), or all when allowed; into c->target. */
bool cmd_arg_target(const struct cmd_statement *st, int i, struct cmd *c, const char *what, const char *example,
                    bool allow_all, bool allow_worker, struct cmd_error *err);
/* Word i is one worker, never a group: what only a single thread or process can do. */
bool cmd_arg_worker(const struct cmd_statement *st, int i, struct cmd *c, const char *what, const char *example,
                    struct cmd_error *err);
/* Word i, if there, is a group; then the end. */
bool cmd_arg_group(const struct cmd_statement *st, int i, struct cmd *c, const char *example, struct cmd_error *err);

/* The verbs of the environment, the sandbox and the main thread's return (verbs_envjoin.c). */
bool cmd_parse_main_return(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err);
bool cmd_exec_main_return(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err);
bool cmd_parse_worker_text(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err);
bool cmd_exec_worker_text(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err);
bool cmd_parse_sandbox(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err);
bool cmd_exec_sandbox(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err);
/* verbs_touch.c: touch WORKER [KIB] */
bool cmd_parse_touch(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err);
bool cmd_exec_touch(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err);
/* verbs_tasks.c: pool off|N [GROUP] and rate max|R [GROUP]. */
bool cmd_parse_pool(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err);
bool cmd_exec_pool(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err);
bool cmd_parse_rate(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err);
bool cmd_exec_rate(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err);
/* spawn green N [on M] [handoff]: the words after N, from word *i, which it moves past them (verbs_green.c). */
bool cmd_parse_spawn_green(const struct cmd_statement *st, int *i, struct cmd *c, struct cmd_error *err);
/* ---- verbs_program.c: programs ptviz did not write ---- */

/* spawn program PATH [ARG...] [as NAME], read from the statement's text (quotes and all). */
bool cmd_parse_spawn_program(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err);
bool cmd_exec_spawn_program(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err);
/* Word i names a program's thread ("A1.2") or a PID or TID: the target, true. */
bool cmd_arg_program_task(const struct cmd_statement *st, int i, struct cmd *c);
/* Does the target name a program's task or group (exec then goes to program.c)? */
bool cmd_program_target(struct lab *lab, const char *target);
bool cmd_parse_watch(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err);
bool cmd_exec_watch(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err);

/* number.c: " (why)" after a refused word, or "" when there is no more to say. */
const char *cmd_why_said(const char *why, char *buf, size_t len);
/* A whole number from lo to hi (cmd_number's form); false with why, " (...)" or "", when it is not one. */
bool cmd_whole_number(const char *text, long lo, long hi, long *out, char *why, size_t len);

/* verbs_step.c: step on|off [GROUP], step [WORKER], schedule N N ... */
bool cmd_parse_step(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err);
bool cmd_exec_step(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err);
bool cmd_parse_schedule(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err);
bool cmd_exec_schedule(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err);

#endif
