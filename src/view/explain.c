/* The explanations beside the figures: the notes under a group, why updates are lost or not, and the locks, each worded once. */
#include "explain.h"

#include "story.h"

#include <stdio.h>
#include <string.h>

/* What a group is and does, as facts a row of the notes' table asks for. */
#define EXPLAIN_STEPPING (1u << 0)
#define EXPLAIN_CHILDREN (1u << 1)
#define EXPLAIN_FILES (1u << 2)
#define EXPLAIN_THREADS (1u << 3)
#define EXPLAIN_SHARED (1u << 4)    /* one counter for all: threads, or a shared segment */
#define EXPLAIN_GIL (1u << 5)
#define EXPLAIN_LOCKORDER (1u << 6)
#define EXPLAIN_SANDBOX (1u << 7)   /* a worker put itself in a seccomp filter */
#define EXPLAIN_GREEN (1u << 24)      /* green threads (spawn green) */
#define EXPLAIN_WORKLOAD(w) (1u << (8 + (w)))
#define EXPLAIN_GREEN_ONE (1u << 20)  /* ... on one kernel thread: never two at once */
#define EXPLAIN_ANYWHERE (1u << 21)   /* ... switched between load and store too */
#define EXPLAIN_HANDOFF (1u << 22)    /* ... whose runtime hands a blocked kernel thread's work on */
#define EXPLAIN_BLOCKING (1u << 23)   /* a green thread is in a blocking call */

/* The first row whose facts the group all has gives the note; the last asks for none. */
static const struct explain_note {
	unsigned when;
	const char *line[2];     /* line[0] NULL: composed (step mode's schedule) */
} explain_notes[] = {
	{ EXPLAIN_STEPPING, { NULL, "N steps the selected worker; S leaves step mode" } },
	{ EXPLAIN_SANDBOX | EXPLAIN_THREADS,
	  { "a thread's seccomp filter is its own, but its memory and files", "are not: a sibling can open for it, so it is no boundary" } },
	{ EXPLAIN_SANDBOX,
	  { "a process's seccomp filter holds for all of it, and no", "sibling shares its memory: a boundary, as browsers use" } },
	{ EXPLAIN_CHILDREN,
	  { "a child whose parent dies is an orphan; ptviz asked to be", "the child subreaper, so the kernel gives orphans to it" } },
	{ EXPLAIN_FILES | EXPLAIN_THREADS,
	  { "open files: one table for the whole process, so what", "one thread opens or closes, every thread sees at once" } },
	{ EXPLAIN_FILES,
	  { "open files: fork() copied ptviz's table, so each has fd 3;", "what one opens or closes after that is in its table alone" } },
	{ EXPLAIN_GREEN | EXPLAIN_BLOCKING | EXPLAIN_HANDOFF,
	  { "a green thread blocks in the kernel; hand-off gave its", "kernel thread's work to another, so the rest go on" } },
	{ EXPLAIN_GREEN | EXPLAIN_BLOCKING,
	  { "a green thread blocks in the kernel, and so does the kernel", "thread under it: no other green thread on it can run" } },
	{ EXPLAIN_GREEN | EXPLAIN_ANYWHERE,
	  { "yield anywhere: a switch between load and store lets", "another green thread load the same value; one store is lost" } },
	{ EXPLAIN_GREEN | EXPLAIN_GREEN_ONE,
	  { "green threads: ptviz's runtime switches them, not the kernel;", "one kernel thread, switched between increments: none lost" } },
	{ EXPLAIN_GREEN,
	  { "green threads on several kernel threads: two run at once,", "so a load and a store apart can lose updates, as threads do" } },
	{ EXPLAIN_WORKLOAD(LAB_WORK_DEADLOCK) | EXPLAIN_LOCKORDER,
	  { "fixed: every worker takes A, then B; nobody can hold", "one lock while waiting for the other, so all go on" } },
	{ EXPLAIN_WORKLOAD(LAB_WORK_DEADLOCK),
	  { "odd workers take lock A then B, even ones B then A:", "each soon holds one and waits for the other, for ever" } },
	{ EXPLAIN_GIL | EXPLAIN_THREADS,
	  { "GIL: one lock around all the work of this process, so", "its threads take turns; two CPUs do no more than one" } },
	{ EXPLAIN_GIL,
	  { "GIL: each process has its own, as each Python process", "has its own interpreter: processes still run side by side" } },
	{ EXPLAIN_WORKLOAD(LAB_WORK_EVENTLOOP),
	  { "one loop serves a task each ms; 'inject block' on it freezes", "everything; on a pool worker, the loop serves on" } },
	{ EXPLAIN_WORKLOAD(LAB_WORK_BATCHES) | EXPLAIN_THREADS,
	  { "a result is delivered when a batch is done; if main returns", "without join, exit() ends the threads and their batches" } },
	{ EXPLAIN_WORKLOAD(LAB_WORK_CHANNEL) | EXPLAIN_THREADS,
	  { "channel: the others put +1 in a queue in shared memory; the", "owner alone takes them out and adds: nothing lost, no lock" } },
	{ EXPLAIN_WORKLOAD(LAB_WORK_CHANNEL),
	  { "channel: the others write +1 into the owner's pipe; it alone", "reads and adds, so nothing is lost (the kernel locks the pipe)" } },
	{ EXPLAIN_WORKLOAD(LAB_WORK_TASKS) | EXPLAIN_THREADS,
	  { "tasks: a pool keeps its threads; 'pool off' pays a", "pthread_create and a join for every task, in CPU time" } },
	{ EXPLAIN_WORKLOAD(LAB_WORK_TASKS),
	  { "tasks: a pool of processes forked once (pre-forking); 'pool off'", "pays a fork, an exit and a wait for every task, in CPU time" } },
	{ EXPLAIN_WORKLOAD(LAB_WORK_IO),
	  { "io: each operation waits 2 ms, as for a disk or a socket;", "a waiting worker needs no CPU, so more workers do more" } },
	{ EXPLAIN_WORKLOAD(LAB_WORK_WITHDRAW) | EXPLAIN_SHARED,
	  { "if (balance >= 100) balance -= 100: the check and the", "take are separate, so two can pass the check at once" } },
	{ EXPLAIN_WORKLOAD(LAB_WORK_WITHDRAW),
	  { "each process withdraws from its own copy of the account:", "none can overdraw another's, and no total balance exists" } },
	{ EXPLAIN_THREADS,
	  { "one address space: the same counter for all, a stack each;", "counter++ is load, add, store, so two threads can lose one" } },
	{ EXPLAIN_SHARED,
	  { "one MAP_SHARED segment, at the same address in each process:", "they race on it exactly as threads race on a global" } },
	{ 0, { "fork() copied ptviz's memory: the same addresses, other pages;", "each adds to its own copy, so nothing is shared and none lost" } },
};

static unsigned explain_sandbox(const struct lab_group *g)
{
	for (int i = 0; i < g->nworkers; i++) {
		if (g->workers[i].alive && g->workers[i].env.sandboxed)
			return EXPLAIN_SANDBOX;
	}
	return 0;
}

/* What a group of green threads adds to its facts. */
static unsigned explain_green_facts(const struct lab_group *g)
{
	unsigned facts = EXPLAIN_GREEN;

	if (g->green.kernels == 0)
		return 0;
	facts |= (g->green.kernels == 1 ? EXPLAIN_GREEN_ONE : 0) | (g->green.anywhere ? EXPLAIN_ANYWHERE : 0) |
	         (g->green.handoff ? EXPLAIN_HANDOFF : 0);
	for (int i = 0; i < g->nworkers; i++) {
		if (g->workers[i].alive && g->workers[i].activity == LAB_ACT_BLOCKING)
			facts |= EXPLAIN_BLOCKING;
	}
	return facts;
}

static unsigned explain_facts(const struct lab_group *g)
{
	return explain_green_facts(g) | (g->stepping ? EXPLAIN_STEPPING : 0) | (g->nkids > 0 ? EXPLAIN_CHILDREN : 0) |
	       (g->files ? EXPLAIN_FILES : 0) | (g->kind == LAB_THREADS ? EXPLAIN_THREADS : 0) |
	       (g->shared ? EXPLAIN_SHARED : 0) | (g->gil ? EXPLAIN_GIL : 0) | (g->lockorder ? EXPLAIN_LOCKORDER : 0) |
	       EXPLAIN_WORKLOAD(g->workload) | explain_sandbox(g);
}

/* "step mode: n steps the next in schedule 1 [2] 1", or "... each in turn" without one. */
static void explain_schedule(const struct lab *lab, char *buf, size_t len)
{
	const int *order;
	int next, n = lab_schedule_get(lab, &order, &next);
	size_t o = (size_t)snprintf(buf, len, "step mode: n steps %s", n ? "the next in schedule" : "each in turn");

	for (int k = 0; k < n && o + 8 < len; k++)
		o += (size_t)snprintf(buf + o, len - o, k == next ? " [%d]" : " %d", order[k]);
}

void explain_group(const struct lab *lab, const struct lab_group *g, char lines[2][EXPLAIN_LINE_MAX])
{
	unsigned facts = explain_facts(g);
	size_t i = 0;

	while ((explain_notes[i].when & facts) != explain_notes[i].when)
		i++;
	for (int k = 0; k < 2; k++) {
		if (explain_notes[i].line[k] != NULL)
			snprintf(lines[k], EXPLAIN_LINE_MAX, "%s", explain_notes[i].line[k]);
		else
			explain_schedule(lab, lines[k], EXPLAIN_LINE_MAX);
	}
}

void explain_ps(const struct lab_group *g, char *buf, size_t len)
{
	/* Green threads: the kernel knows only the kernel threads under them. */
	if (g->green.kernels > 0 && g->host_alive)
		snprintf(buf, len, "ps -eLf: pid %d has %d task%s, not %d green threads", (int)g->host,
		         g->green.kernel_threads, g->green.kernel_threads == 1 ? "" : "s", g->alive);
	/* One task more than the threads listed: the host's main thread. */
	else if (g->kind == LAB_THREADS && g->host_alive)
		snprintf(buf, len, "ps -eLf: pid %d has %d tasks, its main thread waits", (int)g->host, g->alive + 1);
	else if (g->kind == LAB_PROCESSES)
		snprintf(buf, len, "ps -eLf: each pid one task, named 'ptviz: process %s1'..", g->name);
	else
		snprintf(buf, len, "%s", "");
}

/*
 * "racing" only while two workers at least run the unguarded counter++ on
 * the one counter; otherwise what stops them, or nothing.
 */
const char *explain_lost(const struct lab_group *g)
{
	int running = 0, paused = 0, blocked = 0;

	if (g->kind == LAB_THREADS && !g->host_alive)
		return "frozen";
	if (g->stepping)
		return "stepping";
	for (int i = 0; i < g->nworkers; i++) {
		const struct lab_worker *w = &g->workers[i];
		running += w->alive && (w->activity == LAB_ACT_RUNNING || w->activity == LAB_ACT_IOWAIT);
		paused += w->alive && w->activity == LAB_ACT_PAUSED;
		blocked += w->alive && w->activity == LAB_ACT_LOCKWAIT;
	}
	if (running == 0)
		return blocked > 0 ? "blocked" : paused > 0 ? "paused" : "";
	if (g->green.kernels > 0 && (explain_green_facts(g) & EXPLAIN_BLOCKING) && !g->green.handoff &&
	    g->green.kernels == 1)
		return "all stalled";
	if (g->green.kernels == 1 && !g->green.anywhere && g->sync == LAB_SYNC_NONE)
		return "yields: none now";
	if (g->sync == LAB_SYNC_MUTEX)
		return "mutex: none now";
	if (g->sync == LAB_SYNC_ATOMIC)
		return "atomic: none now";
	if (g->gil)
		return "GIL: none now";
	if (g->workload == LAB_WORK_DEADLOCK)
		return "locks: none now";   /* counter++ under both locks */
	if (g->workload == LAB_WORK_EVENTLOOP || g->workload == LAB_WORK_TASKS)
		return "";
	if (g->workload == LAB_WORK_CHANNEL)
		return "one writer: none";
	return running >= 2 ? "racing" : "1 running";
}

void explain_lost_figure(const struct lab_group *g, bool utf8, char *buf, size_t len)
{
	char n[32];

	story_number(g->lost, n, sizeof(n));
	snprintf(buf, len, "%s%s", g->lost_at_least ? (utf8 ? "\u2265 " : ">= ") : "", n);
}

const struct lab_worker *explain_unsure_writer(const struct lab_group *g)
{
	for (int i = 0; i < g->nworkers; i++) {
		const struct lab_worker *w = &g->workers[i];
		if (w->alive && (g->lost_at_least ? strcmp(w->id, g->mid_id) == 0 : w->figures_kept))
			return w;
	}
	return NULL;
}

void explain_lost_bound(const struct lab_group *g, char *buf, size_t len)
{
	const struct lab_worker *w = explain_unsure_writer(g);

	buf[0] = '\0';
	if (w == NULL)
		return;
	/*
	 * A writer that loaded the counter and has not stored it yet may store a
	 * stale value: what looked lost may come back, or more may go.
	 */
	if (g->lost_at_least)
		snprintf(buf, len, "%s is %smid-increment", w->id, w->stopped ? "stopped " : "");
	else if (g->lost_kept)
		snprintf(buf, len, "as last read: %s did not reach a boundary in time", w->id);
}

void explain_worker_figures(const struct lab_worker *w, char *buf, size_t len)
{
	buf[0] = '\0';
	if (!w->alive)
		return;
	if (w->stopped)
		snprintf(buf, len, "stopped%s", w->mid_increment ? " mid-increment" : "");
	else if (w->figures_kept)
		snprintf(buf, len, "as at %.1f s", w->figures_at);
	/* Caught mid-increment by a preemption: a moment's news, not a note that should flicker. */
}

/* Every set of locks a worker can hold or wait for, worded once. */
static const struct explain_lock {
	uint32_t locks;
	const char *held, *brief, *waits, *letter;
} explain_locks[] = {
	{ 0, "no lock", "no lock", "waits for nothing", "" },
	{ LAB_LOCK_A, "lock A", "lock A", "waits for lock A", "A" },
	{ LAB_LOCK_B, "lock B", "lock B", "waits for lock B", "B" },
	{ LAB_LOCK_A | LAB_LOCK_B, "locks A and B", "A and B", "waits for locks A and B", "A and B" },
};

static const struct explain_lock *explain_lock(uint32_t locks)
{
	for (size_t i = 0; i < sizeof(explain_locks) / sizeof(explain_locks[0]); i++) {
		if (explain_locks[i].locks == locks)
			return &explain_locks[i];
	}
	return &explain_locks[0];
}

const char *explain_held(uint32_t locks, bool brief)
{
	return brief ? explain_lock(locks)->brief : explain_lock(locks)->held;
}

const char *explain_waits(uint32_t lock)
{
	return explain_lock(lock)->waits;
}

const char *explain_lock_letter(uint32_t lock)
{
	return explain_lock(lock)->letter;
}
