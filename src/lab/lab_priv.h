/* The engine's private face: the lab's own record and what its files ask of one another.  Only src/lab includes it. */
#ifndef PTVIZ_LAB_PRIV_H
#define PTVIZ_LAB_PRIV_H

#include <signal.h>
#include <time.h>

#include "instr.h"
#include "lab.h"
#include "machine.h"

struct worker_segment;
struct green_panel;
struct program_set;

/*
 * How long a snapshot waits for workers to reach an increment boundary.
 * Usually well under a millisecond; on a machine crowded with other idle-class
 * work it can take longer, and a frame (100 ms) is the most the screen can spare.
 */
#define LAB_HOLD_TIMEOUT_NS (80L * 1000 * 1000)
/* How long into a pass a writer of a shared counter caught mid-increment is waited for (see observe.c). */
#define LAB_MID_WAIT_NS (1L * 1000 * 1000)
/* How many passes in a row may skip reading stat for a worker that has not moved. */
#define LAB_STAT_SKIP_MAX 8
/* How long a spawn waits with no thread created and no worker reporting in (lab_start_wait). */
#define LAB_START_TIMEOUT_MS 5000
/* A start that keeps moving may take this long in all (lab_start_wait). */
#define LAB_START_LIMIT_MS 120000
/* How long an injected fault may take to show its effect. */
#define LAB_ANSWER_TIMEOUT_MS 3000

/* How a worker stood while a pass read it (observe.c): by its phase word, read before and after. */
enum lab_look {
	LAB_LOOK_EXACT,    /* phase unchanged and even: between two operations */
	LAB_LOOK_MID,      /* unchanged and odd: inside one operation, which it neither began nor ended meanwhile */
	LAB_LOOK_MOVING,   /* changed: on a CPU; with the hold on, it parks within one operation */
};

/* What the engine keeps of a worker for its own work, beside what a front end sees (struct lab_worker). */
struct lab_worker_private {
	int stat_fd;             /* /proc/PID/task/TID/stat, kept open */
	int sched_fd;            /* /proc/PID/task/TID/schedstat, kept open; -1 when the kernel has none */
	bool stat_valid;         /* stat_fd was read, and then the worker's phase was ... */
	uint32_t stat_phase;     /* ... this, */
	uint32_t stat_resumes;   /* ... the slot's count of returns to work this, */
	uint32_t stat_epoch;     /* ... and the lab's stat epoch this */
	int stat_skips;          /* reads of stat skipped in a row */
	bool stop_untold;        /* seen stopped, and no event says so yet (lab_note_stop) */
	bool counter_valid;      /* its own counter (a private process) was read exactly at phase counter_phase */
	uint32_t counter_phase;
	uint32_t step_base;      /* the slot's step count when step mode began */
	/* the pass's look at it (observe.c) */
	enum lab_look look;
	bool awaited;            /* mid-increment, and waited for all the same (lab_mid_awaited) */
	uint32_t phase;          /* its phase at the first look of a read */
	int64_t seen_done;       /* done, and loaded (sync none), as that read saw them */
	int64_t seen_loaded;
};

struct lab {
	struct lab_config cfg;
	struct instr in;
	unsigned char *slot_used;
	struct lab_worker_private *workers_private;  /* one a slot: the worker in that slot */
	struct worker_segment *segments[LAB_MAX_GROUPS];  /* one a gate: a shared process group's counter segment */
	struct green_panel *green_panels[LAB_MAX_GROUPS];  /* one a gate: a green group's panel (green.h) */
	bool gate_used[LAB_MAX_GROUPS];
	struct lab_group groups[LAB_MAX_GROUPS];
	int ngroups;
	uint32_t last_serial;    /* the last serial given to a group or a worker */
	int sigfd;
	sigset_t old_mask;
	struct timespec t0;
	uint32_t hold_gen;
	enum lab_sync default_sync;
	enum lab_workload default_workload;
	bool reap_off;           /* exits are noted, not reaped: zombies until `reap` */
	bool subreaper;          /* PR_SET_CHILD_SUBREAPER is on: orphans in ptviz's tree come to it */
	int schedule[LAB_SCHEDULE_MAX];
	int nschedule, schedule_next;
	pid_t main_tid;
	int memory_refused;      /* errno of the first refused read of a worker's memory, told once (0: none) */
	struct lab_pass pass;    /* the last observation pass, phase by phase */
	struct machine_log machine;  /* every pass's time, and how busy the CPUs were (machine.c) */
	struct lab_priority prio;  /* the workers' priority (priority.c) */
	struct lab_memory *memory; /* memory.c's own, made at its first pass */
	int64_t mid_until;       /* until when this pass waits for writers caught mid-increment (lab_ns) */
	int moving_seen;         /* workers the last looks of a pass found moving (not only mid-increment) */
	/*
	 * Bumped when something may have changed what /proc says of a worker
	 * that has not worked: a SIGCHLD (a child stopped, continued or died),
	 * or ptviz moving workers to other CPUs.  A stat read before is read again.
	 */
	uint32_t stat_epoch;
	char env_name[32];       /* the variable setenv named last: read in every worker's environ (env.c) */
	bool cwd_watched;        /* chdir was used: every worker's directory is read */
	struct program_set *programs;  /* programs ptviz did not write (program.c); NULL before the first */
	/* queued events, oldest at head */
	struct lab_event *events;
	int nevents, head, cap;
};

/* A worker's slot and a group's gate in the instrument panel. */
static inline struct instr_slot *lab_slot(struct lab *lab, const struct lab_worker *w)
{
	return &lab->in.slots[w->slot];
}

static inline struct instr_gate *lab_gate(struct lab *lab, const struct lab_group *g)
{
	return &lab->in.gates[g->gate];
}

/* What the engine keeps of a worker, found by its slot. */
static inline struct lab_worker_private *lab_private(struct lab *lab, const struct lab_worker *w)
{
	return &lab->workers_private[w->slot];
}

/* A change made to the groups in a mask (bit i: group i), one group at a time. */
typedef void lab_group_fn(struct lab *lab, struct lab_group *g, const void *arg);
/* A condition lab_wait_until waits for. */
typedef bool lab_done_fn(struct lab *lab, const void *arg);

/* ---- lab.c: messages, time, lookups, events ---- */

/*
 * Fills err and returns false.  arg says which part of the command was
 * wrong (see lab_error.arg): lab_fail for the worker or group, 1 for the
 * number after it.
 */
bool lab_fail_arg(struct lab_error *err, int arg, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define lab_fail(err, ...) lab_fail_arg((err), 0, __VA_ARGS__)
/* Adds a note to err->msg after what is there ("; " between), for a command that succeeded. */
void lab_note(struct lab_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The monotonic clock in nanoseconds. */
int64_t lab_ns(void);

struct lab_group *lab_group_named(struct lab *lab, const char *name);
/* A serial never given before in this run. */
uint32_t lab_serial_next(struct lab *lab);
/* The worker named id ("PB12") and its group; NULL when there is none. */
struct lab_worker *lab_worker_named(struct lab *lab, const char *id, struct lab_group **group);
/* Say why a name is no group or no worker, and what is there instead; they return false. */
bool lab_no_group(const struct lab *lab, const char *name, struct lab_error *err);
bool lab_no_worker(const struct lab *lab, const char *id, struct lab_error *err);
/* The live workers of a group, "T1 T3", for messages that suggest what would be right. */
const char *lab_live_list(const struct lab_group *g);
/* The bit of a group in a mask. */
uint32_t lab_group_bit(struct lab *lab, const struct lab_group *g);
bool lab_group_has_life(const struct lab_group *g);
void lab_group_count_alive(struct lab_group *g);
/* The groups a command that changes what workers do applies to: the one named, or every group with life. */
bool lab_groups_mask(struct lab *lab, const char *group, uint32_t *mask, struct lab_error *err);

/* Queues an event with room for nids workers; NULL when out of memory. */
struct lab_event *lab_event_push(struct lab *lab, enum lab_event_kind kind, const struct lab_group *g, int nids);

/* ---- hold.c: holding workers at an increment boundary ---- */

/* A request in a worker's control word: wake it wherever it sleeps. */
void lab_poke(struct lab *lab, const struct lab_group *g, const struct lab_worker *w);
/*
 * Holds the groups in mask at one moment, runs meanwhile (if any) while the
 * workers come to their boundaries, runs fn on each group once its workers
 * are parked between increments, and lets them all go on.
 */
void lab_while_held_then(struct lab *lab, uint32_t mask, void (*meanwhile)(struct lab *, uint32_t),
                         lab_group_fn *fn, const void *arg);
void lab_while_held(struct lab *lab, uint32_t mask, lab_group_fn *fn, const void *arg);
/* As lab_while_held, for a change that must not be half made: asked again for up to about two seconds. */
void lab_while_held_surely(struct lab *lab, uint32_t mask, lab_group_fn *fn, const void *arg);
/*
 * A look at a held group (observe.c): reads it where its workers stand and
 * returns how many to wait for (moving ones); final: the last look, which no wait follows.
 */
typedef int lab_look_fn(struct lab *lab, struct lab_group *g, int round, bool final);
/*
 * The observation pass's hold: every group in mask held at once and looked
 * at; workers found moving are waited for (until LAB_PASS_BOUND_NS from the
 * start) and their groups looked at again; then all are let go.
 */
void lab_hold_pass(struct lab *lab, uint32_t mask, lab_look_fn *look);

/* ---- observe.c: the observation pass ---- */

/* Does the memory a worker incremented outlive it?  Then its final count in the slot is exact. */
bool lab_memory_outlives(const struct lab_group *g);
/* Reads a held group's counters, unless some worker could not be held (a lab_group_fn). */
void lab_read_if_consistent(struct lab *lab, struct lab_group *g, const void *arg);
/* One observation pass over the groups in mask: /proc, then the counters. */
void lab_observe_mask(struct lab *lab, uint32_t mask);
/* A process of a group was stopped or continued from outside (sig: the signal, 0 when not known). */
void lab_note_stop(struct lab *lab, struct lab_group *g, pid_t pid, bool stopped, int sig);
/* The signal that stopped a process of ours, once its stop is complete; 0 before, or when not stopped. */
int lab_stop_signal(pid_t pid);
/* How long a stop seen in /proc waits for the SIGCHLD that names its signal before it is told without. */
#define LAB_STOP_NAMED_S 0.5
/* Tells a stop seen in /proc and not told yet, if it has waited long enough (or now). */
void lab_tell_stop(struct lab *lab, struct lab_group *g, struct lab_worker *w, bool now);

/* ---- reap.c: deaths, zombies and orphans ---- */

/* Marks a worker dead (end, when) and closes what ptviz kept open of it. */
void lab_worker_bury(struct lab *lab, struct lab_group *g, struct lab_worker *w, enum lab_end end, double when);
/* Reaps one process of ours if it has exited; blocking waits for one we just killed. */
bool lab_reap(struct lab *lab, struct lab_group *g, pid_t pid, bool block, bool killed);
/* Waits for SIGCHLD and reaps, until done() holds or the timeout passes. */
bool lab_wait_until(struct lab *lab, lab_done_fn *done, const void *arg, int timeout_ms);
/* A process of ours that was sent SIGKILL, and its group. */
struct lab_dying {
	struct lab_group *g;
	pid_t pid;
};
/*
 * Waits until every process in dying has exited, taking each as it exits,
 * whichever first: with tell, as lab_reap has it for `kill` (its exit
 * event; a zombie left with reaping off); without, reaped and not told.
 */
void lab_reap_dying(struct lab *lab, const struct lab_dying *dying, int n, bool tell);

/* ---- priority.c: normal priority while few workers run, idle once many do ---- */

/*
 * Before a spawn of n workers: lowers every live worker to idle priority when
 * the spawn would bring them above the threshold (noting it in err), or starts
 * afresh at normal priority when none lives.  Returns whether the new workers
 * start idle.
 */
bool lab_priority_before_spawn(struct lab *lab, int n, struct lab_error *err);
/* The threshold when none is configured: LAB_NORMAL_PER_CPU for each CPU ptviz may use. */
int lab_normal_workers_default(void);

/* ---- stopped.c: a worker stopped from outside, for commands that need every worker between two operations ---- */

/* The first live worker of a group seen stopped (T in /proc, or the stop waitid reported); NULL when none. */
struct lab_worker *lab_group_stopped(struct lab *lab, struct lab_group *g);
/* "P3 is stopped (SIGSTOP from outside, pid 4108): NEEDS; resume it with ...", in a buffer of its own. */
const char *lab_stopped_why(const struct lab_group *g, const struct lab_worker *w, const char *needs);
/* Why a worker stopped from outside cannot take a request now, or NULL when it is not stopped (see lab_worker_deaf). */
const char *lab_worker_stopped_why(struct lab *lab, const struct lab_worker *w);
/* Fills err with why a stopped worker keeps a command (needs: what it needs) from its group, and the way out; false. */
bool lab_refuse_stopped(const struct lab_group *g, const struct lab_worker *w, const char *needs, struct lab_error *err);
/* The same, as a note beside what the command did to the other groups. */
void lab_note_stopped(const struct lab_group *g, const struct lab_worker *w, const char *needs, struct lab_error *err);
/* What a command that starts every counter afresh needs (what: "a new workload"), for lab_refuse_stopped. */
#define LAB_NEEDS_FRESH(what) what " starts every counter afresh, and needs every worker between two operations"
/* Refuses at once when a group in mask has a worker seen stopped; true when none has. */
bool lab_refuse_if_stopped(struct lab *lab, uint32_t mask, const char *needs, struct lab_error *err);

/* ---- proc_files.c: a worker's /proc files ---- */

/* Opens the /proc files of a new group's workers; says once in err which could not be, why, and what shows instead. */
void lab_proc_files_follow(struct lab *lab, struct lab_group *g, struct lab_error *err);

/* ---- slots.c: slots and gates ---- */

/* A free gate, set up for a new group; -1 when there is none. */
int lab_gate_alloc(struct lab *lab);
/* n free slots for the workers of the group at gate, set up; false when there are not enough. */
bool lab_slots_alloc(struct lab *lab, int gate, int *slots, int n);
/* Ends a group's processes, gives back its slots and gate, and takes it out of the list. */
void lab_group_remove(struct lab *lab, struct lab_group *g);

/* ---- control.c: control words ---- */

/* Why a worker cannot take a request, or NULL when it can. */
const char *lab_worker_deaf(struct lab *lab, const struct lab_worker *w);
/* Clears and sets bits in a control word the worker also writes. */
void lab_control_update(struct instr_slot *s, uint32_t clear, uint32_t set);

/* ---- step.c: step mode ---- */

/* Has every live worker of the group (arg) settled where step mode leaves it?  A lab_done_fn. */
bool lab_group_settled(struct lab *lab, const void *arg);

/* ---- env.c, join.c: the environment, the directory, the sandbox, what was delivered ---- */

/* Each worker's delivered batches, sandbox, and (once named) environment variable and directory. */
void lab_observe_env_and_batches(struct lab *lab);
/* What a group's workers counted and delivered, from the panel; cut: how many had a batch under way. */
void lab_batches_read(struct lab *lab, struct lab_group *g, int64_t *counted, int64_t *delivered, int *cut);
/* A live worker's annex starts again with its count (lab_group_restart). */
void lab_annex_restart(struct lab *lab, const struct lab_worker *w);
/* How a worker of a host whose main thread returned ended (end: as the exit would have it otherwise); w NULL: the host. */
enum lab_end lab_main_end(struct lab *lab, const struct lab_group *g, const struct lab_worker *w, enum lab_end end);
/* The live worker named id, able to carry out a request now (files.c). */
struct lab_worker *lab_requestable(struct lab *lab, const char *id, struct lab_group **g, struct lab_error *err);
/* Asks a worker to carry out a request and waits for its answer (files.c). */
bool lab_request(struct lab *lab, struct lab_group *g, struct lab_worker *w, enum instr_ask req, int32_t arg,
                 int32_t *answer, struct lab_error *err);

/* ---- scenarios.c: the scenario switches ---- */

/* Starts a held group's memory again where it lives: the counter (or balance) at start, each count at 0. */
void lab_group_restart(struct lab *lab, struct lab_group *g, int64_t start);
/* What a workload's counter starts at: the full account for withdraw, else 0. */
int64_t lab_start_value(enum lab_workload workload);
/* Switches a held group to the workload *arg (a lab_group_fn). */
void lab_switch_workload(struct lab *lab, struct lab_group *g, const void *arg);

/* ---- files.c: file descriptors and a worker's children ---- */

/* What /proc says of a child a worker forked: its state and parent. */
void lab_kid_read(struct lab_kid *kid);
/* The descriptors of groups that watch them, and every group's children, read with each observation. */
void lab_observe_files_and_kids(struct lab *lab);

/* ---- memory.c: each process's memory, at most once a second ---- */

struct lab_memory;   /* memory.c's own: when each process was read, where each thread's stack is */
/* Reads the memory of the processes whose turn it is, within a budget of time per pass. */
void lab_observe_memory(struct lab *lab);
void lab_memory_free(struct lab *lab);
/* ---- work_tasks_lab.c: the channel and tasks workloads, ptviz's side ---- */

/* A fresh run of a held group (from lab_group_restart): these workloads' figures at zero, tasks arriving anew. */
void work_restart(struct lab *lab, struct lab_group *g);
/* After a look at a held group: the channel's queue, or the tasks' figures. */
void work_figures(struct lab *lab, struct lab_group *g);
/* Once a pass: the memory each tasks group uses, and each channel's queue as read in the queue itself. */
void work_observe(struct lab *lab);
/* ---- green_lab.c: green threads, as ptviz sees them ---- */

/* Maps a green group's panel before its host is forked. */
bool lab_green_prepare(struct lab *lab, struct lab_group *g, struct lab_error *err);
/* Unmaps it once the group is gone.  Not green: nothing. */
void lab_green_forget(struct lab *lab, struct lab_group *g);
/* What the runtime says: each green thread's kernel thread (its /proc files follow it) and CPU, the kernel threads. */
void lab_green_read(struct lab *lab, struct lab_group *g);
/* What `inject block` on a green thread does: the note for its command. */
void lab_green_block_note(const struct lab_group *g, const struct lab_worker *w, struct lab_error *err);
/* Does this group run this workload?  Every group but a green one takes them all; green threads take counter and cpu. */
bool lab_green_takes(const struct lab_group *g, enum lab_workload workload);

#endif
