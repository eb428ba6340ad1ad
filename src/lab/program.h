/* Programs ptviz did not write: a program group's processes and threads, followed live as they start and end. */
#ifndef PTVIZ_PROGRAM_H
#define PTVIZ_PROGRAM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lab.h"
#include "symbols.h"

#define PROGRAM_MAX_GROUPS 4
/* Tasks (processes and threads, alive or ended) one program group follows; the rest are counted. */
#define PROGRAM_MAX_TASKS 256
#define PROGRAM_MAX_ARGS 64
#define PROGRAM_WATCH_MAX 16
#define PROGRAM_LINE_MAX 240     /* an output line longer than this is cut in pieces */
#define PROGRAM_LINES 200        /* output lines kept for the screen, the newest */
#define PROGRAM_NAME_MAX 16      /* comm, as the kernel keeps it */

/* How a program is run (ptviz run's options, and the command language's spawn program). */
struct program_options {
	bool pipe;               /* standard output and error through pipes, not a pseudo-terminal */
	const char *stdin_file;  /* its standard input; NULL: empty (/dev/null) */
	bool core;               /* leave RLIMIT_CORE as it is (default: 0, no core files) */
	bool keep;               /* on quit, leave the program running, detached; no parent-death signal */
	bool no_trace;           /* follow through /proc only, as when tracing is refused */
	int nwatch;              /* --watch NAME[:TYPE]: globals to read in every process */
	const char *watch[PROGRAM_WATCH_MAX];
};

/* One thread of a program's process, as last seen. */
struct program_thread {
	uint32_t serial;
	char id[LAB_ID_MAX];     /* "A1.2"; the main thread is "A1.1" */
	pid_t tid;
	char name[PROGRAM_NAME_MAX];
	char state;              /* R S D T t Z ... from /proc; '-' once gone */
	bool alive;
	bool paused;             /* held by ptviz (PTRACE_INTERRUPT) */
	uint64_t cpu_ns;
	double cpu_at;           /* when cpu_ns was read (lab seconds): a busy thread's, at every other look */
	int signal;              /* what ended it: a signal, or ... */
	int status;              /* ... an exit status, -1 when none is known */
	bool with_process;       /* it ended because its process ended */
	double started_at, died_at;
};

/* One watched global in one process: where it is there, and what it held when last read. */
struct program_watch_value {
	char name[SYMBOL_NAME_MAX];   /* as asked: "counter", or "counter:int32" */
	char type[SYMBOL_TYPE_MAX];   /* as shown: "int", "int32" */
	enum symbol_kind kind;
	bool now;                     /* read at this look; false: the last value read (the process has ended) */
	struct symbol_value value;    /* its address in this process, and the value */
	char text[40];                /* the value as text: "103", "true", "0x7ffd1234" */
};

/* One process of a program, with its threads. */
struct program_process {
	uint32_t serial;
	char id[LAB_ID_MAX];     /* "A1", "A2" ..., in the order they appeared */
	pid_t pid, ppid;
	pid_t first_ppid;        /* its parent when it started */
	char comm[PROGRAM_NAME_MAX];
	bool alive;
	char state;
	bool zombie;             /* ended, and its parent has not yet waited for it (Z) */
	int signal;              /* 0 when not ended by a signal */
	int status;              /* exit status, -1 when none (alive, a signal, or not known) */
	bool sent_by_ptviz;      /* the signal that ended it was ptviz's (inject, kill) */
	char cause[LAB_ID_MAX];  /* the thread whose signal or exit ended it, "" when not known */
	uint64_t cpu_ns;         /* every thread's, those ended included */
	double started_at, died_at;
	int nthreads;
	struct program_thread *threads;
	/* its open files, read while the group's files are shown ('files on A'): one table for all its threads */
	int nfds, fds_total;
	struct lab_fd fds[LAB_FDS_MAX];
	/* --watch: each watched global found in this process's executable, read while it runs */
	int nwatch;
	struct program_watch_value watch[PROGRAM_WATCH_MAX];
};

/* A program group, as a front end sees it: a copy, to read at leisure. */
struct program_view {
	uint32_t serial;
	char name[LAB_NAME_MAX + 1];
	char command[160];       /* the program and its arguments, as given */
	bool traced;             /* followed by ptrace; false: through /proc, every few ms */
	char follow_note[LAB_MSG_MAX];   /* why not traced, and what is missed so */
	bool ended;              /* its last process has ended */
	int exit_signal, exit_status;    /* of its first process */
	int64_t unfollowed;      /* tasks started beyond PROGRAM_MAX_TASKS: counted, not followed */
	int64_t started;         /* every task it started, followed or not */
	int live_tasks;
	int nprocesses;
	struct program_process *processes;
	struct program_options opt;
	bool files;              /* 'files on': each process's open files are read */
	int noutput;             /* the newest output lines, oldest first */
	char (*output)[PROGRAM_LINE_MAX + 8];
};

enum program_event_kind {
	PROGRAM_EVENT_START,     /* a process or a thread started */
	PROGRAM_EVENT_END,       /* ... ended */
	PROGRAM_EVENT_EXEC,      /* a process ran exec: a new program in it */
	PROGRAM_EVENT_OUTPUT,    /* a line the program wrote */
	PROGRAM_EVENT_NOTE,      /* something worth saying: tracing refused, the cap reached, an orphan adopted */
};

struct program_event {
	enum program_event_kind kind;
	double t;
	char group[LAB_NAME_MAX + 1];
	uint32_t group_serial;
	bool process;            /* start, end: a process (with its main thread), not another thread */
	char id[LAB_ID_MAX];
	pid_t pid, tid, ppid;
	char comm[PROGRAM_NAME_MAX];
	int signal, status;      /* end: what ended it (0, -1 when not known) */
	bool sent_by_ptviz;
	bool with_process;       /* end of a thread: it ended because its process did */
	char cause[LAB_ID_MAX];  /* end of a process: the thread that ended it */
	int nwith;               /* end of a process: the threads that ended with it */
	char (*with)[LAB_ID_MAX];
	char stream[8];          /* output: "tty", "stdout" or "stderr" */
	char text[LAB_MSG_MAX];  /* output: the line; note: the message */
};

void program_options_defaults(struct program_options *o);

/*
 * Starts a program group: argv[0] found as a shell would (PATH when it has no
 * '/'), run with o, followed from before its first instruction.  name: the
 * group's name, NULL for the next free letter from A.  False with err set
 * (not found, not executable, exec refused) and nothing left running.
 */
bool program_spawn(struct lab *lab, const struct program_options *o, char *const argv[], const char *name,
                   struct lab_error *err);
/* How many program groups there are. */
int program_count(struct lab *lab);
/* A file descriptor that is readable when events are queued (-1 before the first program). */
int program_fd(struct lab *lab);
/* Takes the oldest event; free it with program_event_clear. */
bool program_next_event(struct lab *lab, struct program_event *ev);
void program_event_clear(struct program_event *ev);
/* Copies of every program group, read now from /proc; free with program_views_free. */
int program_views(struct lab *lab, struct program_view **views);
void program_views_free(struct program_view *views, int n);
/* Has every program group ended?  (true when there is none) */
bool program_all_ended(struct lab *lab);
/* The exit status ptviz gives for the first program group: its status, or 128 + the signal. */
int program_exit_code(struct lab *lab);

/* Does target name a program group, one of its processes or threads, or a PID/TID it follows? */
bool program_names(struct lab *lab, const char *target);
/* inject segv|abort THREAD: that thread alone gets the signal (tgkill), as sent by ptviz. */
bool program_inject(struct lab *lab, enum lab_fault fault, const char *target, struct lab_error *err);
/* kill, pause, resume: whole processes (a process, or a group: all); pause THREAD holds one thread. */
bool program_kill(struct lab *lab, const char *target, struct lab_error *err);
bool program_pause(struct lab *lab, const char *target, bool pause, struct lab_error *err);
/* files on|off GROUP: read each process's open file descriptors with every look. */
bool program_files(struct lab *lab, bool on, const char *group, struct lab_error *err);
/*
 * watch SYMBOL [GROUP]: reads a global of the program in each of the group's
 * processes from now on (GROUP: the newest program group when not given).
 * Checked at once against a live process's executable: a message when the
 * symbol cannot be watched there, and nothing added.
 */
bool program_watch(struct lab *lab, const char *spec, const char *group, struct lab_error *err);
/* cpus 1|all: every task of the group on one CPU, or on all. */
bool program_cpus(struct lab *lab, bool one, const char *group, struct lab_error *err);

/*
 * Ends every program group: its whole tree killed and reaped, or with keep
 * (or the group's own --keep) left running, detached.  Never hangs: a task
 * that does not go within a few seconds is named in err.
 */
void program_end_all(struct lab *lab, bool keep);
/* For lab_free: ends every group as its options say and frees what is kept. */
void program_set_free(struct lab *lab);

/* ---- program_look.c: what the screen reads of a process beyond its tasks ---- */

/*
 * An address in the stack of thread tid of process pid: for the main thread
 * where the kernel set its stack up (stat's startstack); for another, its
 * stack pointer from /proc/PID/task/TID/syscall, which the kernel gives only
 * while the thread waits or is stopped.  False while it runs, or when it is gone.
 */
bool program_stack_pointer(pid_t pid, pid_t tid, bool main_thread, uintptr_t *sp);

#endif
