/* One report of the lab at a moment: the facts gathered once, for batch's text and JSON and the screen's log. */
#ifndef PTVIZ_REPORT_H
#define PTVIZ_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "../lab/lab.h"

struct report_worker {
	const struct lab_worker *w;
	char death[32];          /* "alive", "SIGSEGV", "exit 1", "ended", "killed" */
	const char *why;         /* the fault it performed, "died with its process", "paused", "spinning in a loop", or "" */
	const char *activity;    /* what it says it is doing; "dead" once dead */
	bool paused;             /* alive and paused */
	bool looping;            /* in a runaway loop, or in one when it died */
	uint32_t holds, wants;   /* its locks (LAB_LOCK_*), 0 once dead */
	bool stepping;           /* alive in step mode: its register, next micro-step and steps tell */
	bool files;              /* alive, and its group's open files are watched */
};

struct report_kid {
	const struct lab_kid *kid;
	const char *fate;        /* "its parent is alive", "orphaned, adopted by ptviz", "reaped" */
};

struct report_group {
	const struct lab_group *g;
	const char *noun;        /* "threads", "processes", "green threads"; "thread", "process" for one */
	const char *kind;        /* "threads", "processes" or "green" */
	const char *memory;      /* "shared" or "private" */
	const char *variable;    /* what the workers change: "counter", or "balance" for withdraw */
	bool withdraw;
	bool one_counter;        /* one counter holds the total (counter); else private copies, no total */
	double lost_percent;     /* of the increments */
	int nworkers;
	struct report_worker *workers;
	int nkids;
	struct report_kid kids[LAB_KIDS_MAX];
};

struct report {
	double t;
	int64_t parent_counter;  /* ptviz's own copy of the counter: it never runs the workload */
	uintptr_t parent_counter_address;
	struct lab_observation observation;  /* how often the lab was observed before the report, and how long a pass took */
	struct lab_machine machine;          /* the CPUs, what other programs used of them, the load */
	int ngroups;
	struct report_group groups[LAB_MAX_GROUPS];
};

/*
 * Observes the lab, reads every worker's open files and gathers the facts;
 * the events the observation queues are left for the caller to tell first.
 * The report points into the lab's snapshot: tell it before the next lab
 * call that changes it.  Returns false when memory ran out.
 */
bool report_gather(struct report *r, struct lab *lab);
void report_free(struct report *r);

#endif
