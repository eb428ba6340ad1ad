/* Each worker's life over the last seconds: new, ready, running, blocked, terminated, told from schedstat's run time and run_delay. */
#ifndef PTVIZ_LIFECYCLE_H
#define PTVIZ_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lab/lab.h"

/*
 * The kernel says R of a task that runs and of one that waits for a CPU, in
 * /proc/PID/task/TID/stat and /syscall alike.  schedstat tells them apart:
 * the time the task ran, and the time it waited on a run queue (run_delay).
 * Over a span, ran / span is its share running, waited / span its share
 * ready, and the rest it was blocked or asleep (or not yet begun).  A wait is
 * added when it ends, as the task gets a CPU, so ready lags by the wait under
 * way: a few ms for busy workers sharing a CPU, which take turns of a few ms,
 * far less than a cell; a worker that waits longer shows blocked until it
 * runs, and then the wait at once (shares are capped so they add up to 1).
 */
#define LIFE_CELL_S 0.5       /* seconds a cell of the strip stands for */
#define LIFE_SAMPLES 128      /* what each worker keeps: at 10 frames a second, 12.8 s */
#define LIFE_WINDOW_S 1.0     /* the report's shares: the last second */

enum life_state { LIFE_NEW, LIFE_READY, LIFE_RUNNING, LIFE_BLOCKED, LIFE_TERMINATED };

struct life_sample {
	double t;                 /* seconds since the lab started */
	uint64_t run_ns, ready_ns;
};

struct life_worker {
	uint32_t serial;          /* the worker's (lab.h); 0: unused */
	double born;              /* when its group was spawned: new */
	double died;              /* when it ended: terminated; < 0 while alive */
	bool seen;                /* still in the lab at the last update */
	int n, head;
	struct life_sample s[LIFE_SAMPLES];
};

struct life {
	int n, cap;
	struct life_worker *w;
};

/* A worker's shares of a span: they add up to 1 (blocked takes what the other two leave). */
struct life_share {
	double from, to;          /* the span the shares are of (may be shorter than asked: the history begins later) */
	double running, ready, blocked;
};

/* Takes the lab's snapshot at lab time t: a sample of every worker, by serial; workers gone from the lab are dropped. */
void life_update(struct life *l, const struct lab *lab, double t);
void life_free(struct life *l);
const struct life_worker *life_find(const struct life *l, uint32_t serial);

/* The shares of [from, to]; false when fewer than two samples cover any of it. */
bool life_share_of(const struct life_worker *lw, double from, double to, struct life_share *sh);
/* The state a span was mostly in: new or terminated when it began or ended in it, else the largest share. */
enum life_state life_state_of(const struct life_worker *lw, const struct life_share *sh);
const char *life_state_name(enum life_state s);   /* "new", "ready", "running", "blocked", "terminated" */
/*
 * The strip: cells of LIFE_CELL_S ending at now, oldest first, at most max;
 * a cell before the worker's first sample is left out.  Returns how many.
 */
int life_strip(const struct life_worker *lw, double now, struct life_share *cells, int max);
/* One line of words: "running 33%, ready 66%, blocked 1% of the last 1.0 s". */
void life_words(const struct life_share *sh, char *buf, size_t len);

#endif
