/* The command language: one parser and one executor shared by every front end. */
#ifndef PTVIZ_CMD_H
#define PTVIZ_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "../lab/lab.h"

enum cmd_verb {
	CMD_SPAWN,
	CMD_SYNC,
	CMD_INJECT,
	CMD_KILL,
	CMD_PAUSE,
	CMD_RESUME,
	CMD_RUN,
	CMD_REPORT,
	CMD_RESET,
	CMD_QUIT,
	CMD_STEP_MODE,   /* step on|off [GROUP] */
	CMD_STEP,        /* step [WORKER] */
	CMD_SCHEDULE,    /* schedule N N ... (none: clear) */
	CMD_WORKLOAD,    /* workload counter|withdraw [GROUP] */
	CMD_BENCH,       /* bench create|forksize|switch|ipc|all: the front end runs it */
	CMD_FIX,         /* fix lockorder [GROUP] */
	CMD_REAP,        /* reap [on|off] */
	CMD_CPUS,        /* cpus 1|all [GROUP] */
	CMD_GIL,         /* gil on|off [GROUP] */
	CMD_OPEN,        /* open WORKER: the worker opens a file */
	CMD_CLOSE,       /* close WORKER FD: the worker closes one of its file descriptors */
	CMD_FORK,        /* fork WORKER: the worker forks a child of its own */
	CMD_FILES,       /* files on|off [GROUP]: show each worker's open file descriptors */
	CMD_RETURN,      /* return GROUP: the thread host's main thread returns from main without joining */
	CMD_JOIN,        /* join GROUP: ... after joining every thread */
	CMD_SETENV,      /* setenv WORKER NAME=VALUE */
	CMD_CHDIR,       /* chdir WORKER DIR */
	CMD_SANDBOX,     /* sandbox WORKER: a seccomp filter that refuses to open files */
	CMD_ESCAPE,      /* escape WORKER: a sandboxed worker asks a sibling to open a file for it */
	CMD_TOUCH,       /* touch WORKER [KIB]: the worker writes memory it shares with ptviz since fork */
	CMD_POOL,        /* pool off|N [GROUP]: the tasks workload's pool, or a thread or process per task */
	CMD_RATE,        /* rate max|R [GROUP]: tasks arriving R a second, or as fast as they are taken */
	CMD_YIELD,       /* yield anywhere|boundary [GROUP]: where green threads give way */
	CMD_WATCH,       /* watch SYMBOL [GROUP]: a program's global, read in each of its processes */
};

#define CMD_WORD_MAX 32

struct cmd_entry;

struct cmd {
	enum cmd_verb verb;
	const struct cmd_entry *entry;   /* its verb's record: how it is executed */
	int line, column;            /* where the command starts */
	enum lab_kind kind;          /* spawn */
	int count;                   /* spawn: how many workers; pool: its size (0 off); rate: a second (0 max) */
	int fd;                      /* close: the file descriptor */
	int kib;                     /* touch: how much the worker writes */
	bool shared;                 /* spawn processes ... shared */
	int kernels;                 /* spawn green N on M: M; 0 when not green */
	bool handoff;                /* spawn green ... handoff */
	enum lab_sync sync;          /* sync */
	enum lab_fault fault;        /* inject */
	double seconds;              /* run */
	bool on;                     /* step on|off, gil on|off, files on|off, cpus 1 (on) or all */
	enum lab_reap_mode reap;     /* reap, reap on, reap off */
	enum lab_workload workload;
	int nschedule;               /* schedule */
	int schedule[LAB_SCHEDULE_MAX];
	int schedule_column[LAB_SCHEDULE_MAX];   /* where each number is written */
	char bench[CMD_WORD_MAX];    /* bench: which measurement */
	char value[CMD_WORD_MAX];    /* setenv's NAME=VALUE, chdir's directory */
	char target[CMD_WORD_MAX];   /* group (spawn as, sync, step on, workload), worker or group (inject, kill, pause, resume, step) */
	int target_column;
	int value_column;            /* where spawn's count or close's file descriptor is written */
	bool program;                /* spawn program PATH [ARG...] [as NAME] */
#define CMD_PROGRAM_ARGS 32
	int nprogram_args;
	char program_args[512];      /* the program and its arguments, each ending in a NUL */
	char text[128];              /* the command as written (runs of blanks as one), for echoes and history */
	bool text_cut;               /* ... cut short to fit: it would not parse again to the same command */
};

struct cmd_list {
	struct cmd *items;
	int n, cap;
};

struct cmd_error {
	int line, column;
	char message[LAB_MSG_MAX];
};

/*
 * Parses a whole text (commands separated by newlines or ';', '#' to the end
 * of a line is a comment).  Lines are numbered from first_line.  On error
 * nothing is kept in out and err names the line and column.
 */
bool cmd_parse(const char *text, int first_line, struct cmd_list *out, struct cmd_error *err);
void cmd_list_free(struct cmd_list *list);

/*
 * A number as a person writes one: an optional sign, digits and, when fraction is
 * allowed, a point and digits ("2", "0.5", ".5", "-0" is 0).  Nothing else: no
 * exponent, hexadecimal, inf or nan, which nobody means by a count or a duration.
 * True with *out; false with why, a few words on what was wrong ("written in
 * hexadecimal"), or "" when the text is no number at all.  The range is the caller's.
 */
bool cmd_number(const char *text, bool fraction, double *out, char *why, size_t len);

/* One command's words, as the parser splits them (cmd_priv.h). */
struct cmd_statement;

/* One line of help: the syntax, with "{}" for words joined by '|', and what it does. */
struct cmd_usage {
	const char *syntax;
	const char *const *words;
	const char *help;
};

/*
 * One verb of the command language, as tmux's cmd_entry: all the parser, the
 * executor, the prompt's completion, the help overlay, --help and the
 * "unknown command" message know of it.  Adding a command is one record in
 * cmd_entries (verbs.c), its name in enum cmd_verb, its parse and exec
 * functions, and their tests.
 */
struct cmd_entry {
	const char *name;              /* the word it starts with */
	enum cmd_verb verb;
	const char *const *words;      /* what the word after it may be, for completion (NULL: no list) */
	bool list;                     /* takes a list (schedule), more than a short command's words */
	bool (*parse)(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err);
	/* NULL: the front end acts on it (run, report, quit, bench); target: NULL when none was named */
	bool (*exec)(struct lab *lab, const struct cmd *c, const char *target, struct lab_error *err);
	struct cmd_usage usage[4];     /* for the helps; none: the record before tells it too (resume) */
};

/* Every verb, in the order the helps list them; ends with a NULL name. */
extern const struct cmd_entry cmd_entries[];

/* The record of a verb, or NULL. */
const struct cmd_entry *cmd_entry_find(const char *name);
/* A usage line as shown: "sync none|mutex|atomic [GROUP]". */
void cmd_usage_text(const struct cmd_usage *u, char *buf, size_t len);

/*
 * Runs one command on the lab.  run, report, quit and bench only ask something of
 * the front end, which acts on cmd->verb after a successful call.  On success
 * note may hold something worth telling (e.g. workers that ignored a pause).
 */
bool cmd_exec(struct lab *lab, const struct cmd *cmd, struct cmd_error *err, char *note, size_t notelen);

#endif
