/* The engine's vocabularies, one table each: sync modes, faults, workloads, micro-steps, activities. */
#ifndef PTVIZ_VOCAB_H
#define PTVIZ_VOCAB_H

/*
 * Each table is an X-macro with one row per value, in the enum's order:
 * X(ID, "word", "one line of help").  The enums below, the engine's names
 * (lab_*_name, vocab.c), the command language's parsing, messages, help and
 * completion (src/cmd) all expand the same rows, so a new workload or sync
 * mode is one row here (and its worker code).
 */

/* How a group guards its counter++ (sync MODE). */
#define VOCAB_SYNCS(X) \
	X(NONE, "none", "a separate load and store") \
	X(MUTEX, "mutex", "under a mutex") \
	X(ATOMIC, "atomic", "with an atomic add")

/* What a worker does to itself (inject FAULT WORKER); the help is what the story says it did. */
#define VOCAB_FAULTS(X) \
	X(SEGV, "segv", "wrote through NULL") \
	X(ABORT, "abort", "called abort()") \
	X(EXIT, "exit", "called exit(1)") \
	X(LOOP, "loop", "started a runaway loop")
/* Injected like a fault, but not one: a long synchronous task (3 s of computing), then back to work. */
#define VOCAB_TASKS(X) \
	X(BLOCK, "block", "ran a long task")
/* Everything `inject` takes. */
#define VOCAB_INJECTS(X) VOCAB_FAULTS(X) VOCAB_TASKS(X)

/* What every worker of a group does over and over (workload KIND). */
#define VOCAB_WORKLOADS(X) \
	X(COUNTER, "counter", "counter = counter + 1") \
	X(WITHDRAW, "withdraw", "if (balance >= amount) balance = balance - amount") \
	X(DEADLOCK, "deadlock", "take lock A and lock B (odd workers A first, even B first), counter++") \
	X(IO, "io", "wait 2 ms as for I/O, then counter++") \
	X(CPU, "cpu", "compute for a while, then counter++") \
	X(EVENTLOOP, "eventloop", "worker 1 serves tasks as they arrive (counter++ each); the others wait") \
	X(BATCHES, "batches", "counter++ in batches of 1 000 000; a batch's result is delivered when it is done") \
	X(CHANNEL, "channel", "send +1 to worker 1, which alone keeps the counter (no lock)") \
	X(TASKS, "tasks", "short tasks, served by a pool or by a new thread or process each (pool, rate)")

/*
 * One operation as separate micro-steps, which step mode gates one by one.
 * counter, sync none:   load, add, store          (mutex: lock+load ... store+unlock)
 * counter, sync atomic: fetch-add                 (one indivisible step)
 * withdraw, sync none:  check, load, store        (mutex: lock+check ... store+unlock)
 * withdraw, sync atomic: check, fetch-sub
 */
#define VOCAB_STEPS(X) \
	X(LOAD, "load", "register = counter") \
	X(ADD, "add", "register = register + 1") \
	X(STORE, "store", "counter = register") \
	X(FETCH_ADD, "fetch-add", "counter = counter + 1, indivisibly") \
	X(CHECK, "check", "register = balance; go on only if it covers the amount") \
	X(FETCH_SUB, "fetch-sub", "balance = balance - amount, indivisibly")

/* What a worker is doing, as it says itself in its slot. */
#define VOCAB_ACTIVITIES(X) \
	X(FREE, "free", "slot unused") \
	X(STARTING, "starting", "created, not yet in its loop") \
	X(RUNNING, "running", "incrementing") \
	X(PAUSED, "paused", "waiting at an increment boundary") \
	X(FAULTING, "faulting", "about to perform an injected fault") \
	X(LOOPING, "looping", "spinning forever, deaf to control") \
	X(ENDED, "ended", "left its loop on request (a thread ended alone)") \
	X(STEPWAIT, "waiting for a step", "step mode: waiting for permission to take its next micro-step") \
	X(LOCKWAIT, "waiting for a lock", "blocked, waiting for one of the group's locks (slot->wants)") \
	X(IOWAIT, "waiting for I/O", "io workload: asleep, waiting as if for a disk or the network") \
	X(BLOCKING, "running a long task", "running a long task it was given with `inject block`") \
	X(QUEUEWAIT, "waiting for the queue", "channel: the owner's queue is full (a sender) or empty (the owner)") \
	X(TASKWAIT, "waiting for a task", "tasks: asleep until the next task arrives, or out of the pool")

/* Expanders: a row's word (for a NULL-terminated list of words), its help, and a row counted. */
#define VOCAB_WORD(id, word, help) word,
#define VOCAB_HELP(id, word, help) help,
#define VOCAB_ONE(id, word, help) +1

#define VOCAB_SYNC_ENUM(id, word, help) LAB_SYNC_##id,
#define VOCAB_FAULT_ENUM(id, word, help) LAB_FAULT_##id,
#define VOCAB_WORKLOAD_ENUM(id, word, help) LAB_WORK_##id,
#define VOCAB_STEP_ENUM(id, word, help) LAB_STEP_##id,
#define VOCAB_ACTIVITY_ENUM(id, word, help) LAB_ACT_##id,

enum lab_sync { VOCAB_SYNCS(VOCAB_SYNC_ENUM) };
enum lab_workload { VOCAB_WORKLOADS(VOCAB_WORKLOAD_ENUM) };
enum lab_step { VOCAB_STEPS(VOCAB_STEP_ENUM) };
enum lab_activity { VOCAB_ACTIVITIES(VOCAB_ACTIVITY_ENUM) };

/* Faults a worker performs on itself (and the long task), requested through its control word. */
enum lab_fault {
	LAB_FAULT_NONE = 0,
	VOCAB_INJECTS(VOCAB_FAULT_ENUM)
};

/* The words, NULL-terminated, in enum order ("inject": from LAB_FAULT_SEGV on). */
extern const char *const lab_sync_words[];
extern const char *const lab_inject_words[];
extern const char *const lab_workload_words[];

/* Names, for reports and messages. */
const char *lab_sync_name(enum lab_sync sync);
const char *lab_fault_name(enum lab_fault fault);   /* "none" for no fault and outside the table */
const char *lab_workload_name(enum lab_workload workload);
const char *lab_step_name(enum lab_step step);       /* "load", "fetch-add" */
const char *lab_activity_name(enum lab_activity state); /* "running", "waiting for a step" */

#endif
