/* The engine: groups of real threads and processes, their faults, and what is observed of them. */
#ifndef PTVIZ_LAB_H
#define PTVIZ_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vocab.h"   /* sync modes, faults, workloads, micro-steps, activities */

#define LAB_NAME_MAX 8          /* letters in a group name */
#define LAB_ID_MAX 16           /* "T3", "PB12" and the terminating NUL */
#define LAB_MSG_MAX 320

/* Defaults sized for a classroom laptop; the front ends have flags to raise them. */
#define LAB_DEFAULT_MAX_THREADS 256     /* per group */
#define LAB_DEFAULT_MAX_PROCESSES 64    /* in total, over every group */
#define LAB_MAX_GROUPS 16
/* The most the flags may raise the caps to. */
#define LAB_LIMIT_THREADS 4096
#define LAB_LIMIT_PROCESSES 1024

enum lab_kind { LAB_THREADS, LAB_PROCESSES };

/* The group's locks, as bits of lab_worker.holds and values of lab_worker.wants. */
#define LAB_LOCK_A 1u
#define LAB_LOCK_B 2u

/* The account a `withdraw` workload starts from, and what each withdrawal takes. */
#define LAB_WITHDRAW_BALANCE 100
#define LAB_WITHDRAW_AMOUNT 100

/* Why a worker stopped. */
enum lab_end {
	LAB_END_NONE = 0,  /* still alive */
	LAB_END_FAULT,     /* it performed a fault itself (cause) */
	LAB_END_SIBLING,   /* a thread that died because its host died */
	LAB_END_KILLED,    /* `kill` from ptviz */
	LAB_END_ENDED,     /* a thread that left its loop on `kill` */
	LAB_END_SIGNAL,    /* a signal from outside ptviz */
	LAB_END_EXITED,    /* its process exited for another reason */
	LAB_END_RETURNED,  /* its host's main thread returned from main (return, join): exit() ended the process */
};

/* What a thread host's main thread was told to do (join.c). */
enum lab_main {
	LAB_MAIN_WAITING = 0, /* it waits for its threads, as ptviz's hosts do unless told */
	LAB_MAIN_RETURNED,    /* `return`: it returned from main without joining */
	LAB_MAIN_JOINED,      /* `join`: no more batches, it joined every thread, then returned */
};

/*
 * A worker's environment, working directory and sandbox, read where they
 * live (env.c): the environment in its process's memory (environ), the
 * directory from /proc/PID/task/TID/cwd.
 */
#define LAB_ENV_TEXT_MAX 64
struct lab_worker_env {
	bool read;               /* its environ was read (setenv has named a variable) */
	bool has;                /* the variable is in it ... */
	char value[LAB_ENV_TEXT_MAX];  /* ... with this value */
	bool at_start;           /* the variable is in /proc/PID/environ: the environment its process began with */
	char cwd[LAB_ENV_TEXT_MAX];    /* its working directory, "" until chdir is used */
	bool sandboxed;          /* it put itself in a seccomp filter that refuses to open files */
	int escape;              /* escape: 0 not tried, 1 it read the file through a sibling, -1 nobody opened it */
	char helper[LAB_ID_MAX]; /* the sibling that opened the file for it */
	char line[LAB_ENV_TEXT_MAX];   /* the first line it read */
};

/* An open file descriptor, as /proc shows it. */
#define LAB_FDS_MAX 8
struct lab_fd {
	int fd;
	char target[48];         /* readlink of /proc/PID/task/TID/fd/N, cut to fit */
};

/* A child a worker forked (`fork WORKER`), followed until it is reaped. */
#define LAB_KIDS_MAX 8
struct lab_kid {
	pid_t pid;
	char parent_id[LAB_ID_MAX];  /* the worker that forked it */
	pid_t parent_pid;        /* that worker's process */
	pid_t ppid;              /* its parent now, from /proc: ptviz's pid once adopted */
	char state;              /* from /proc; '-' once reaped */
	bool alive;              /* not reaped yet (it may be a zombie) */
	bool adopted;            /* orphaned, and ptviz (the child subreaper) is its parent now */
};

/*
 * Memory in use, from /proc/PID/smaps_rollup (memory.c), read at most once a
 * second per process.  rss: pages in RAM; pss: each page divided among the
 * processes that map it; uss: pages no other process maps (Private_Clean +
 * Private_Dirty).  A process's are its own.  A thread has no figures of its
 * own in /proc: rss is its process's (it can reach every page of it), pss the
 * process's shared among its live threads, and uss the pages of its own
 * stack it has touched (stack_kib), since every other page belongs to its
 * siblings as much as to it.  A group's: the host's, or its processes' summed.
 */
struct lab_memory_use {
	bool known;              /* read at least once */
	uint64_t rss_kib, pss_kib, uss_kib;
	uint64_t stack_kib;      /* a thread: its stack's touched pages (/proc/PID/pagemap); else 0 */
	double read_at;          /* seconds since the lab started */
};

/* `touch WORKER KIB`: the most a worker may write of the memory it shares with ptviz since fork. */
#define LAB_TOUCH_MAX_KIB 4096

/*
 * Identity.  Every group and every worker has a serial: a number the lab
 * gives once in a run, from one counter, and never again, whatever is
 * removed or whatever name is given anew.  Whatever keeps something from one
 * snapshot to the next (the charts' histories, the lesson's measure, the
 * screen's selection, the memory map's overlay) keys on serials, never on a
 * name or a place in the list: names come back and groups move up the list.
 *
 * The snapshot is meant to take a second producer later, programs ptviz did
 * not write, followed through /proc, with the view not caring which filled
 * it: a process and its threads would be a group and its workers; a task
 * that appears between two frames takes the next serial when it is first
 * seen and keeps it until it ends, so its history starts then; a process's
 * parent would be named by its serial, not by its place; a green thread,
 * with no TID of its own, is a worker known by its serial alone (tid 0);
 * memory per worker and a history of each worker's states belong in the
 * view, keyed by the same serials.  Serials are never 0, so 0 means none.
 */

struct lab_worker {
	uint32_t serial;         /* never reused in a run (see Identity above) */
	char id[LAB_ID_MAX];     /* "T3" */
	int number;              /* 3 */
	int slot;                /* the engine's: where it keeps its own record of the worker */
	pid_t pid;               /* its process: the host for a thread */
	pid_t tid;               /* its kernel thread id (the pid for a process) */
	bool alive;
	char state;              /* R S D Z T ... from /proc; '-' once gone */
	int cpu;                 /* CPU it last ran on, -1 unknown */
	uint64_t cpu_ticks;      /* utime + stime, clock ticks */
	uint64_t cpu_ns;         /* time it has run on a CPU, ns: schedstat, else the ticks */
	enum lab_activity activity; /* what it says it is doing */
	int64_t done;            /* increments it made (exact: see mid_increment and figures_kept) */
	int64_t counter;         /* the counter it increments, as last read */
	uintptr_t counter_address;
	uintptr_t stack_address; /* where its own `done` lives, on its stack */
	/* once dead */
	enum lab_end end;
	enum lab_fault fault;    /* the fault it performed, if it was the cause */
	int signal;              /* 0 when not killed by a signal */
	int status;              /* exit status, -1 when not exited */
	double died_at;          /* seconds since the lab started */
	/* step mode, as the worker published it in its slot */
	bool stepping;           /* it waits for permission before each micro-step */
	enum lab_step next;      /* the micro-step it takes next */
	bool has_reg;            /* reg holds a value loaded and not yet stored */
	int64_t reg;             /* its register */
	bool holds_lock;         /* it holds the group's lock between micro-steps */
	uint32_t steps;          /* micro-steps it has taken since step mode began */
	int64_t refused;         /* withdraw: checks that found too little money */
	uint32_t wants;          /* the lock it is blocked on (LAB_LOCK_A or _B), 0 when none */
	uint32_t holds;          /* the locks it holds, a mask */
	bool zombie;             /* exited, and ptviz has not reaped it yet (reap off): Z in ps */
	int64_t backlog;         /* eventloop, worker 1: tasks arrived and not yet served */
	uint64_t ready_ns;       /* time it waited ready for a CPU, ns: schedstat's run_delay, added as each wait ends; 0 without schedstat */
	struct lab_memory_use memory;
	/* its file descriptors, read when the group's files are watched (see lab_group.files) */
	int nfds;                /* shown in fds[]; more may be open */
	int fds_total;           /* how many are open */
	struct lab_fd fds[LAB_FDS_MAX];
	/*
	 * How exact its figures are.  A pass reads every worker where it stands,
	 * and waits (a few ms at most) only for those that are moving.
	 */
	bool mid_increment;      /* it stands inside an operation that writes the counter: between its load and its publish (dead: it died there) */
	bool figures_kept;       /* it was moving and did not reach a boundary within the pass's bound */
	double figures_at;       /* when its own figures were last read exactly, seconds since the lab started */
	/* stopped from outside (kill -STOP, Ctrl-Z, a debugger): T in ps */
	bool stopped;
	int stop_signal;         /* the signal that stopped it, 0 when not known */
	double stopped_at;       /* when ptviz saw it stop */
	int64_t counted;         /* batches: its own count in the panel, final even after its process died */
	int64_t delivered;       /* batches: the increments of the batches whose result it delivered */
	struct lab_worker_env env;
};

#include "lab_workloads.h"   /* the channel, the tasks and green threads: their figures */

struct lab_group {
	uint32_t serial;         /* never reused in a run, unlike the name */
	char name[LAB_NAME_MAX + 1];
	enum lab_kind kind;
	bool shared;             /* one counter for all: threads, or processes with a shared segment */
	enum lab_sync sync;
	int gate;                /* the engine's: where it controls the group */
	pid_t host;              /* the thread host; 0 for processes */
	bool host_alive;
	uintptr_t counter_address;
	int nworkers;
	struct lab_worker *workers;
	/* figures from the last snapshot */
	int alive;
	int64_t increments;      /* sum of done */
	int64_t counter;         /* what the counter(s) hold: the one shared, or the sum of private copies */
	/*
	 * increments - counter when every writer stood between two operations.
	 * Never negative and never lower than it was (until the group starts
	 * again), and under mutex or atomic it does not move.  When a writer of a
	 * shared counter stands mid-increment, lost is what is surely lost
	 * (lost_at_least, mid_id names the worker); when a writer was moving and
	 * did not park within the pass's bound, lost is its last value (lost_kept).
	 */
	int64_t lost;
	bool lost_at_least;
	bool lost_kept;
	char mid_id[LAB_ID_MAX]; /* the first writer found mid-increment, "" when none */
	bool consistent;         /* every figure exact: lost neither a bound nor kept, no worker's figures kept */
	double spawned_at;
	enum lab_workload workload;
	bool stepping;           /* step mode: every micro-step waits for `step` */
	/*
	 * withdraw: counter is the balance (each private copy's, summed, for
	 * private processes), increments the withdrawals made, and
	 * lost = withdrawals - (start - balance) / amount: withdrawals the
	 * balance never saw.  overdrawn: some balance is below zero.
	 */
	int64_t start_balance;   /* per copy */
	bool overdrawn;
	int64_t refused;         /* withdraw: checks that found too little money, summed */
	int next_turn;           /* step without a schedule: the worker number next in turn */
	bool gil;                /* one lock per process around the work */
	bool lockorder;          /* deadlock workload: the lock order is fixed */
	int pinned_cpu;          /* cpus 1: the CPU every worker is pinned to; -1: all CPUs */
	bool idle_priority;      /* its workers run at idle priority (SCHED_IDLE, nice +10): see lab_priority */
	bool host_zombie;        /* the thread host exited and is not reaped yet */
	bool files;              /* watch every worker's file descriptors (after open or close) */
	int nkids;
	struct lab_kid kids[LAB_KIDS_MAX];  /* children its workers forked, oldest first */
	/* return and join (join.c) */
	int64_t counted;         /* batches: the workers' counts, summed */
	int64_t delivered;       /* batches: the increments of the batches delivered, summed */
	enum lab_main main;      /* what the thread host's main thread was told */
	double main_at;          /* when */
	struct lab_memory_use memory;  /* the host's, or its live processes' summed (rss counts a shared page in each) */
	struct lab_channel channel;  /* workload channel */
	struct lab_tasks tasks;      /* workload tasks */
	struct lab_green green;  /* green threads (spawn green): green.kernels > 0 */
};

enum lab_event_kind {
	LAB_EVENT_SPAWN,
	LAB_EVENT_EXIT,
	LAB_EVENT_STOPPED,   /* a process was stopped from outside: every worker in it (signal, when known) */
	LAB_EVENT_RESUMED,   /* ... and continued (since: when it had stopped) */
	LAB_EVENT_UNREADABLE, /* ptviz may not read its workers' memory (status: the errno): no counter can be shown */
	LAB_EVENT_NO_PROC,   /* ptviz could not open the /proc files of the workers in ids (status: the errno; limit: ulimit -n) */
};

/* Something that happened on its own: a spawn finished, a process died, was stopped or continued. */
struct lab_event {
	enum lab_event_kind kind;
	double t;
	char group[LAB_NAME_MAX + 1];
	uint32_t group_serial;   /* the group, even after its name is given to another */
	enum lab_kind group_kind;
	pid_t pid;               /* process that exited (host or worker); host for a spawn of threads */
	int nids;
	char (*ids)[LAB_ID_MAX]; /* workers spawned, or that died with this exit */
	pid_t *pids;             /* their pids (spawn of processes) */
	char cause[LAB_ID_MAX];  /* worker that faulted, "" when none */
	enum lab_fault fault;
	enum lab_end end;        /* of the cause, or of the workers */
	int signal;              /* 0 when none */
	int status;              /* -1 when none */
	double fault_t;          /* when the cause began its fault, by its own clock; 0 when none */
	bool whole_group;        /* ptviz killed the whole group of processes, this one among them */
	double since;            /* stopped: when its figures were last read; resumed: when it had stopped */
	/*
	 * A stop told without its signal (no SIGCHLD came): how many of the
	 * process's workers /proc showed stopped then, listed first in ids, and
	 * how ('T' stopped, 't' by a tracer).  Fewer than nids: partly stopped.
	 */
	int nstopped;
	char stop_state;
	long limit;              /* no /proc files: the open-file limit (ulimit -n) when that was the cause, else 0 */
	int norphans;            /* children of the dead process that ptviz adopted */
	pid_t orphans[LAB_KIDS_MAX];
};

struct lab_config {
	int max_threads;         /* per group */
	int max_processes;       /* in total */
	int normal_workers;      /* the most live workers that run at normal priority (see lab_priority) */
};

struct lab_error {
	char msg[LAB_MSG_MAX];
	int arg;   /* which argument was wrong: 0 the worker or group, 1 the number (spawn's count, close's fd),
	              1 + i the schedule's number i */
};

struct lab;

void lab_config_defaults(struct lab_config *cfg);
/* Maps the instrument panel; call from the main thread before any other thread exists. */
struct lab *lab_new(const struct lab_config *cfg, struct lab_error *err);
/* Ends every worker, reaps them and frees the lab.  NULL is a no-op. */
void lab_free(struct lab *lab);

/*
 * Run in every child ptviz forks (a worker, the costs lab's measuring child),
 * straight after the fork: dies with ptviz, no core file, a session (or a
 * process group in its group's session) of its own, default signals, the terminal left alone, the nkeep descriptors of
 * keep on fds 3, 4, ... in that order and nothing else open, a title for ps.
 */
void lab_child_isolate(pid_t parent, const int *keep, int nkeep, const char *title, const char *comm);

/* Seconds since lab_new. */
double lab_now(const struct lab *lab);

/* A file descriptor to poll for input; when readable, call lab_dispatch. */
int lab_fd(const struct lab *lab);
/* Reaps exited workers and queues their events.  Never blocks. */
void lab_dispatch(struct lab *lab);
/* Takes the oldest queued event; free it with lab_event_clear. */
bool lab_next_event(struct lab *lab, struct lab_event *ev);
void lab_event_clear(struct lab_event *ev);

/*
 * One observation pass: /proc for every worker, then every group held at
 * once and read where its workers stand; only workers that are moving are
 * waited for, and never longer than LAB_PASS_BOUND_NS.  Released at the end.
 */
#define LAB_PASS_BOUND_NS (3L * 1000 * 1000)
void lab_observe(struct lab *lab);
/*
 * A pass, then a hold of every worker (up to 80 ms) for the groups where a
 * writer that is not stopped stood mid-increment: once the others park, it has
 * a CPU and finishes.  One that is stopped never does, and the figures say so.
 * For a report, read once and kept.
 */
void lab_observe_settled(struct lab *lab);

/*
 * The workers' priority.  While few workers live (at most normal_workers,
 * by default LAB_NORMAL_PER_CPU for each CPU ptviz may use) they run at
 * ptviz's own priority and compete for the CPUs as any program does.  A
 * spawn that would bring more moves every worker, those running and those to
 * come, to idle priority (SCHED_IDLE, nice +10), so that ptviz and the rest
 * of the machine stay responsive.  The move is one-way: a task at idle
 * priority cannot be raised again without privilege, so the lab stays idle
 * until no worker lives (reset, or every group killed).
 */
/*
 * Four per CPU: on a two-CPU laptop every lesson fits (the first screen and
 * `race` run 4 + 4, the most at once), and there, with 8 busy workers at
 * normal priority, ptviz waited 5 ms on average for a CPU when it woke (2 ms
 * with 4, 1.4 ms at idle priority): still a prompt screen.
 */
#define LAB_NORMAL_PER_CPU 4
struct lab_priority {
	bool idle;               /* every worker runs at idle priority */
	int normal_workers;      /* the threshold in force */
	int moved_with;          /* how many live workers there were, with the spawn, when they moved */
	double since;            /* when they moved, seconds since lab_new */
};
void lab_priority_get(const struct lab *lab, struct lab_priority *prio);

/* Where the time of the last observation pass went, in nanoseconds, and how many workers it waited for. */
struct lab_pass {
	int64_t dispatch_ns;     /* reaping: looking for exits */
	int64_t proc_ns;         /* reading /proc/PID/task/TID/stat */
	int64_t begin_ns;        /* asking the groups to hold */
	int64_t wait_ns;         /* waiting for workers to reach a boundary */
	int64_t read_ns;         /* reading counters (process_vm_readv) and slots */
	int64_t end_ns;          /* letting the groups go on */
	int64_t total_ns;
	int waited;              /* workers the pass had to wait for: moving ones, each time it found them so */
	int mid;                 /* workers read mid-increment */
	int kept;                /* workers whose figures were kept: moving, and not parked within the bound */
	int looks;               /* reads of a group, validated (the first, and again after a wait) */
	int proc_skipped;        /* workers whose /proc it did not read again: they have not worked since */
	int workers;             /* live workers observed */
	int64_t memory_ns;       /* reading memory (smaps_rollup, a thread's stack pages), for the processes due */
	int memory_reads;        /* processes whose memory it read: each at most once a second */
};
void lab_last_pass(const struct lab *lab, struct lab_pass *pass);

int lab_ngroups(const struct lab *lab);
const struct lab_group *lab_group_at(const struct lab *lab, int i);
const struct lab_group *lab_find_group(const struct lab *lab, const char *name);
const struct lab_worker *lab_find_worker(const struct lab *lab, const char *id,
                                         const struct lab_group **group);
/* By serial: the group, or the worker and its group; NULL once it is gone (or never was). */
const struct lab_group *lab_group_by_serial(const struct lab *lab, uint32_t serial);
const struct lab_worker *lab_worker_by_serial(const struct lab *lab, uint32_t serial,
                                              const struct lab_group **group);
/* Where a group of this snapshot stands in the list (lab_group_at), or -1. */
int lab_group_index(const struct lab *lab, const struct lab_group *g);
/* The sync mode new groups start with: the last `sync` given without a group. */
enum lab_sync lab_sync_default(const struct lab *lab);
/* Where the instrument panel is mapped (the same range in ptviz and every worker). */
void lab_instrument_range(const struct lab *lab, uintptr_t *start, uintptr_t *end);
/*
 * Where a shared process group's counter segment is mapped (the same range
 * in ptviz and in each of its processes); false when the group has none.
 */
bool lab_segment_range(const struct lab *lab, const struct lab_group *g, uintptr_t *start, uintptr_t *end);
/* ptviz's own copy of the demonstrated counter: it never runs the workload, so it stays 0. */
int64_t lab_parent_counter(void);
uintptr_t lab_counter_address(void);

/* Commands.  Each returns false with err set when nothing was done. */
bool lab_spawn(struct lab *lab, enum lab_kind kind, int n, bool shared, const char *name,
               struct lab_error *err);
/* n green threads on kernels kernel threads in one host (spawn green N on M [handoff]). */
bool lab_spawn_green(struct lab *lab, int n, int kernels, bool handoff, const char *name,
                     struct lab_error *err);
/* Green threads switch only at increment boundaries (false), or also between a load and its store (true). */
bool lab_green_yield(struct lab *lab, bool anywhere, const char *group, struct lab_error *err);
bool lab_sync(struct lab *lab, enum lab_sync sync, const char *group, struct lab_error *err);
bool lab_inject(struct lab *lab, enum lab_fault fault, const char *worker, struct lab_error *err);
bool lab_kill(struct lab *lab, const char *target, struct lab_error *err);
/* target: a worker, a group, or "all".  On success err->msg may hold a note. */
bool lab_pause(struct lab *lab, const char *target, bool pause, struct lab_error *err);
/* Ends every group, and sets sync, workload, reaping and the step schedule back to their defaults. */
void lab_reset(struct lab *lab);

/*
 * Step mode.  lab_step_mode puts a group (NULL: every group) in or out of
 * step mode; going in, each worker finishes the increment it is in, then its
 * counter and its own count start again from 0 (written where they live), so
 * every step can be followed.
 */
bool lab_step_mode(struct lab *lab, bool on, const char *group, struct lab_error *err);
/*
 * Lets one worker take one micro-step and waits until it has taken it (or
 * blocks on the group's lock).  worker NULL: every stepping group moves the
 * worker whose number is next in the schedule (round robin when there is
 * none).  On success err->msg tells what happened, e.g. "T1 load: register = 5".
 */
bool lab_step(struct lab *lab, const char *worker, struct lab_error *err);
/* The order `step` alone takes workers in, by number; n == 0 clears it. */
#define LAB_SCHEDULE_MAX 64
bool lab_schedule(struct lab *lab, const int *numbers, int n, struct lab_error *err);
/* The schedule and the index of the entry the next `step` takes. */
int lab_schedule_get(const struct lab *lab, const int **numbers, int *next);
/* Switches a group (NULL: every group) to a workload; withdraw refills the account. */
bool lab_workload(struct lab *lab, enum lab_workload workload, const char *group, struct lab_error *err);

/*
 * The tasks workload: a pool of the first n workers of a group (NULL: every
 * group), or n == 0, a thread or process per task; tasks arriving rate a
 * second, or rate == 0, as fast as they are taken.  Either starts the run
 * again.  Groups that do not run tasks yet keep it for when they do.
 */
bool lab_pool(struct lab *lab, int n, const char *group, struct lab_error *err);
bool lab_rate(struct lab *lab, int rate, const char *group, struct lab_error *err);
#define LAB_RATE_MAX 100000

/* Names, for reports and messages (sync modes, faults, workloads, steps and activities: vocab.h). */
const char *lab_kind_name(enum lab_kind kind);
const char *lab_end_name(enum lab_end end);
const char *lab_signal_name(int sig);   /* "SIGSEGV" */

/* The deadlock workload's fix: every worker takes lock A before lock B. */
bool lab_fix_lockorder(struct lab *lab, const char *group, struct lab_error *err);
/* A lock per process around the work, as CPython's GIL (threads take turns; processes each have one). */
bool lab_gil(struct lab *lab, bool on, const char *group, struct lab_error *err);
/* Pins every worker of a group (NULL: every group) to one CPU, or lets it run on all. */
bool lab_cpus(struct lab *lab, bool one, const char *group, struct lab_error *err);
/*
 * Reaping.  LAB_REAP_OFF: exited processes are noted but not waited for, so
 * they stay zombies (Z, <defunct> in ps); LAB_REAP_NOW waits for those there
 * are; LAB_REAP_ON does that and reaps every exit from then on (the default).
 */
enum lab_reap_mode { LAB_REAP_NOW, LAB_REAP_ON, LAB_REAP_OFF };
bool lab_reaping(struct lab *lab, enum lab_reap_mode mode, struct lab_error *err);
bool lab_reaping_on(const struct lab *lab);
/*
 * What threads share and processes copy.  Every group starts with one file
 * ptviz opened before it forked (fd 3, "inherited from ptviz"): the thread
 * host's one table has it, and each process has its own copy.  open makes a
 * worker open a file of its own, close makes it close a descriptor; after
 * either, or `files on`, the group's descriptors are read from /proc with every
 * observation.
 */
#define LAB_INHERITED_FD 3
bool lab_open_file(struct lab *lab, const char *worker, struct lab_error *err);
bool lab_close_file(struct lab *lab, const char *worker, int fd, struct lab_error *err);
/* Shows (reads with every observation) or stops showing the descriptors of a group (NULL: every group). */
bool lab_files(struct lab *lab, bool on, const char *group, struct lab_error *err);
/* Reads the file descriptors of every worker of a group now (a report wants them). */
void lab_read_files(struct lab *lab, const char *group);
/*
 * The worker forks a child of its own that sleeps.  Orphaned when the worker
 * dies, the child is adopted by ptviz, which is the child subreaper from the
 * first fork on; it ends with its group (kill GROUP, reset).
 */
bool lab_fork_child(struct lab *lab, const char *worker, struct lab_error *err);
/*
 * Copy-on-write.  Before its first fork ptviz writes LAB_TOUCH_MAX_KIB of
 * memory of its own, so every worker starts sharing those pages with it.
 * lab_touch makes a worker write to the first kib of them: each page it
 * writes is copied for its process alone, once (the thread host's copy
 * serves all its threads).  Its memory is read again at the next pass.
 */
bool lab_touch(struct lab *lab, const char *worker, int kib, struct lab_error *err);
/* Reads every process's memory now, whenever it was last read (a report wants it). */
void lab_read_memory(struct lab *lab);

/*
 * A thread host's main thread returns from main (join.c): without join, exit()
 * ends every thread wherever it stands, and the batches under way are lost;
 * with join (batches workload only), each thread finishes its batch and
 * delivers it first.  Waits up to a few seconds for the host to exit.
 */
bool lab_main_return(struct lab *lab, const char *group, bool join, struct lab_error *err);
/*
 * The environment, the working directory and a sandbox (env.c, sandbox.c).
 * setenv and chdir are done by the worker itself; from then on every
 * worker's value of that variable is read from environ in its process's
 * memory, and its directory from /proc.  sandbox: the worker puts itself in a
 * seccomp filter that refuses to open files (EPERM).  escape: a sandboxed
 * worker leaves the path of a file in a global and asks its siblings to look
 * there; a thread's siblings share that memory, a process's do not.
 */
bool lab_setenv(struct lab *lab, const char *worker, const char *assignment, struct lab_error *err);
bool lab_chdir(struct lab *lab, const char *worker, const char *dir, struct lab_error *err);
bool lab_sandbox(struct lab *lab, const char *worker, struct lab_error *err);
bool lab_escape(struct lab *lab, const char *worker, struct lab_error *err);
/* The variable setenv named last ("" none), and whether chdir has been used. */
const char *lab_env_name(const struct lab *lab);
bool lab_cwd_watched(const struct lab *lab);

/*
 * What the machine is doing beside ptviz (machine.c).  Every observation
 * pass is logged: when it began and how long it took.  With it, now and
 * then, how busy the CPUs were (/proc/stat) and how much of that was
 * ptviz's own tree: ptviz itself and every worker it started, alive or
 * dead, by their CPU time.  The rest is other programs'.
 */
struct lab_observation {
	uint64_t passes;         /* observation passes since the lab started */
	double hz;               /* passes a second delivered over the last few seconds; 0 before two */
	double window_s;         /* the seconds hz and the durations are taken over */
	double pass_median_us;   /* how long a pass took, the median of those */
	double pass_p90_us;      /* nine passes in ten took this long or less */
};
void lab_observation_read(const struct lab *lab, struct lab_observation *o);

struct lab_machine {
	int cpus;                /* online */
	bool measured;           /* ptviz has looked long enough to tell the CPU figures below */
	double window_s;         /* the last second or so they are taken over */
	double other_cpu;        /* CPUs' worth other programs used: all busy time less ptviz's tree */
	double own_cpu;          /* CPUs' worth ptviz and its workers used */
	double load1;            /* load average over the last minute (/proc/loadavg); -1 unknown */
};
void lab_machine_read(const struct lab *lab, struct lab_machine *m);

#endif
