/* The working parts of program groups: the task table the tracer fills, its commands, the output reader. */
#ifndef PTVIZ_PROGRAM_PRIV_H
#define PTVIZ_PROGRAM_PRIV_H

#include <pthread.h>

#include "program.h"

/* How many chains the slots are kept in by TID. */
#define PROGRAM_TID_CHAINS 1024

/* A task (a process's main thread, or another thread) as the tracer keeps it. */
struct program_task {
	int tid_next;            /* 1 + the next slot whose TID falls in the same chain, 0 none */
	bool used;
	bool leader;             /* a process: its main thread */
	pid_t tid, pid;          /* pid: its process */
	int proc;                /* the index of its process's leader in the table */
	int number;              /* A<number> for a leader; A1.<number> for a thread */
	int threads_made;        /* leader: threads numbered so far (the main thread is 1) */
	pid_t ppid, first_ppid;
	char comm[PROGRAM_NAME_MAX];
	bool alive;
	bool exit_stopped;       /* a thread: reached its exit on its own, not killed with its process (read from its zombie) */
	bool with_process;
	bool held;               /* ptviz holds it (pause THREAD) */
	bool adoption_told;      /* its new parent, after its own ended, was told */
	bool zombie_gone;        /* ended and reaped by its parent (no longer Z), or not a process */
	bool in_stop;            /* the tracer left it stopped (held, or a stop from outside) */
	int delivered;           /* the last signal delivered to it (a signal-delivery stop), 0 when none */
	int injected;            /* the signal ptviz sent it, 0 when none */
	int signal, status;
	uint64_t cpu_ns;         /* as last read; read from its zombie, final */
	double cpu_at;           /* when cpu_ns was read while it ran (lab seconds), 0: not yet */
	double started_at, died_at;
	/* --watch, for a process: its executable and load address, found once (again after exec) */
	bool watch_based;        /* watch_exe is known */
	bool base_loaded;        /* watch_base is known */
	int watch_exe;           /* index in the group's watch_exes, -1: none yet */
	dev_t exe_dev;
	ino_t exe_ino;
	uint64_t watch_base;
	struct program_watch_value watch[PROGRAM_WATCH_MAX];   /* the last values read */
};

/* An executable the group's watched globals were looked for in: one symbol_find per name, once. */
struct program_watch_exe {
	dev_t dev;
	ino_t ino;
	char path[SYMBOL_PATH_MAX];
	bool looked[PROGRAM_WATCH_MAX];   /* symbol_find ran for that name */
	bool found[PROGRAM_WATCH_MAX];
	struct symbol_watch w[PROGRAM_WATCH_MAX];
};
#define PROGRAM_WATCH_EXES 8

enum tracer_order { TRACER_NONE, TRACER_SEIZE, TRACER_HOLD, TRACER_RELEASE, TRACER_END };

struct program {
	struct lab *lab;
	pthread_mutex_t lock;    /* the table and the lines: the tracer and the reader write, the front end reads */
	char name[LAB_NAME_MAX + 1];
	uint32_t serial;
	char command[160];
	struct program_options opt;
	char *watch_store[PROGRAM_WATCH_MAX];
	pid_t first;
	bool traced;
	bool files;              /* files on: read each process's descriptors */
	char follow_note[LAB_MSG_MAX];
	struct program_task tasks[PROGRAM_MAX_TASKS];
	int ntasks;              /* used so far (slots of ended threads are given again when full) */
	/* The slots by TID, so a stop need not look through every slot: 1 + the first slot in a chain, 0 none. */
	int tid_chain[PROGRAM_TID_CHAINS];
	pid_t thread_maker;      /* the process that made the last thread (the tracer's first guess for the next) */
	int processes_made;
	struct program_watch_exe *watch_exes[PROGRAM_WATCH_EXES];
	int nwatch_exes;
	bool watch_read_told;    /* a value that could not be read from a live process was told once */
	int64_t started, unfollowed;
	bool cap_told;
	bool ended;
	int exit_signal, exit_status;
	/* the tracer thread */
	pthread_t tracer;
	bool tracer_started;
	pid_t tracer_tid;
	pthread_cond_t order_cond;
	enum tracer_order order;
	pid_t order_tid;
	bool order_keep;
	int order_result;        /* 0, or the errno */
	bool order_done;
	bool ending;             /* kill every task that appears: the group is being ended */
	bool detaching;          /* let every task go: --keep */
	bool finished;           /* the tracer has nothing more to follow and has left */
	/* the output */
	int out_fd, err_fd;      /* the pseudo-terminal's master, or the two pipes (-1: none) */
	int reader_stop;         /* an eventfd that ends the reader */
	pthread_t reader;
	bool reader_started;
	char partial[2][PROGRAM_LINE_MAX + 1];
	int partial_len[2];
	char lines[PROGRAM_LINES][PROGRAM_LINE_MAX + 8];
	int64_t nlines;
	/* each task's stat and schedstat, open from one look to the next (program_follow.c) */
	struct follow_files *kept;
};

struct program_set {
	struct program *groups[PROGRAM_MAX_GROUPS];
	int n;
	int efd;                 /* readable while events are queued */
	pthread_mutex_t qlock;
	struct program_event *q;
	int qhead, qn, qcap;
};

/* program.c */
struct program_set *program_set_get(struct lab *lab);
/* Queues an event (copied; with is taken over); wakes the front end. */
void program_event_push(struct program *p, struct program_event *ev);
/* An event of the group about a task, filled from it. */
void program_event_fill(struct program *p, struct program_event *ev, enum program_event_kind kind,
                        const struct program_task *t);
void program_note(struct program *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
struct program_task *program_task_find(struct program *p, pid_t tid);
/* A new task in the table (lock held); NULL past the cap, counted. */
struct program_task *program_task_add(struct program *p, pid_t tid, pid_t pid, pid_t ppid);
/* A task ended (lock held): its end event, and for a leader its process's. */
void program_task_ended(struct program *p, struct program_task *t, int signal, int status);
/* The program's last task has ended: marked, and the front end woken to see it (lock held). */
void program_mark_ended(struct program *p);
/*
 * Before the tree is killed: ptviz becomes the child subreaper, so the
 * processes orphaned as their parents die come to ptviz, which reaps them
 * (program_end_all), instead of to an init that may not reap.
 */
void program_adopt_orphans(struct program *p);
/* Has the group a process alive? */
bool program_has_life(const struct program *p);

/* program_launch.c */
bool program_launch(struct program *p, char *const argv[], struct lab_error *err);

/* tracer.c: the thread that follows a program's tasks */
bool tracer_start(struct program *p, struct lab_error *err);
/* Gives the tracer an order and waits for it (at most about two seconds); the errno, or 0. */
int tracer_order(struct program *p, enum tracer_order order, pid_t tid, bool keep);
/* Waits until the tracer has left (bounded), then joins it. */
void tracer_join(struct program *p);

/* program_follow.c: /proc */
/* Follows through /proc (the tracer thread's loop when tracing is refused). */
void follow_proc_loop(struct program *p);
/* Reads the task's state, CPU time and name from /proc; false when it is gone. */
bool follow_read_task(struct program_task *t, char *state, char *name, size_t namelen);
/* The Tgid and PPid lines of /proc/TID/status. */
bool follow_ids(pid_t tid, pid_t *tgid, pid_t *ppid);
/* A task's CPU time, ns (schedstat, else stat's ticks); 0 when gone. */
uint64_t follow_cpu_ns(pid_t pid, pid_t tid);
/*
 * follow_read_task for the front ends' looks (lock held): the task's stat and
 * schedstat are opened once and read again at each look, as ptviz reads its
 * own workers, instead of three files opened and closed for every task at
 * every frame, and neither is read while they cannot have changed (still: no
 * thread of its process has run since the last look; see program_follow.c).
 * Falls back to follow_read_task when they cannot be kept open.
 */
bool follow_look_task(struct program *p, struct program_task *t, bool still, char *state, char *name, size_t namelen);
/* Has no thread of the leader's process been on a CPU since the last look (its process CPU clock the same)? */
bool follow_look_still(struct program *p, const struct program_task *leader);
bool follow_still_zombie(struct program_task *t);
/* Closes what is kept open for a task that has ended (lock held). */
void follow_look_forget(struct program *p, const struct program_task *t);
/* Closes all the group keeps open and frees the table (program_watch_free, as the group is freed). */
void follow_look_free(struct program *p);

/* program_watch.c: --watch and the watch command */
/* Reads each watched global in process t (a leader; lock held) and puts the values in pp. */
void program_watch_read(struct program *p, struct program_task *t, struct program_process *pp);
/* After exec: the process is another program; its executable and load address are looked for again. */
void program_watch_forget(struct program_task *t);
/* Frees what the group's watches keep, and the files its looks keep open (follow_look_free). */
void program_watch_free(struct program *p);

/* program_output.c */
bool output_start(struct program *p, struct lab_error *err);
/* Starts the reader once the descriptors are open. */
bool output_run(struct program *p, struct lab_error *err);
void output_stop(struct program *p);

#endif
