/* The histories behind the charts, kept between observations: each group's work per second and lost updates per frame, each worker's share of a CPU. */
#ifndef PTVIZ_TREND_H
#define PTVIZ_TREND_H

#include <stdbool.h>
#include <stdint.h>

#include "../lab/lab.h"

#define TREND_STEP 0.5   /* seconds one cell of a chart stands for */
#define TREND_CELLS 64

/* A figure per second, one cell per TREND_STEP, from a count that only grows. */
struct trend_series {
	bool primed;
	double t0, v0;       /* where the cell being filled began */
	int n, head;
	float cell[TREND_CELLS];
};

/* A count per frame (one update), newest last: what a figure that only grows gained since the frame before. */
#define TREND_FRAMES 256
struct trend_frames {
	bool primed;
	int64_t last;        /* the figure at the last frame */
	int n, head;
	int64_t delta[TREND_FRAMES];
};

struct trend_worker {
	uint32_t serial;           /* the worker's (lab.h): what the history is of */
	struct trend_series cpu;   /* seconds on a CPU per second: 1.0 is all of one CPU */
};

struct trend_group {
	uint32_t serial;           /* the group's (lab.h): what the history is of; 0 for an unused entry */
	struct trend_series rate;  /* increments (operations, tasks served) per second */
	enum lab_workload workload;   /* the rate's history is of this workload only, */
	bool stepping;                  /* and of free running or of step mode only */
	struct trend_frames lost;  /* lost updates, frame by frame */
	int nworkers;
	struct trend_worker *workers;
};

struct trend {
	struct trend_group groups[LAB_MAX_GROUPS];
};

/*
 * Takes the lab's latest snapshot.  Histories are kept by serial, wherever a
 * group stands in the lab's list.  A group seen for the first time (a new
 * spawn, a reset, a name given again) starts with no history; so does a
 * group's rate when its workload changes or it goes into or out of step
 * mode, since a million counter increments a second, a few hundred served
 * tasks and a few steps share no scale.
 */
void trend_update(struct trend *tr, const struct lab *lab);
void trend_free(struct trend *tr);

/* The series of lab group `group` or of one of its workers; NULL before its first update. */
const struct trend_series *trend_rate(const struct trend *tr, const struct lab *lab, int group);
const struct trend_series *trend_cpu(const struct trend *tr, const struct lab *lab, int group, int worker);

/* Lost updates frame by frame of lab group `group`; NULL before its first update. */
const struct trend_frames *trend_lost(const struct trend *tr, const struct lab *lab, int group);
/* Frames counted so far (at most TREND_FRAMES), the i-th newest (0: the newest), and the newest n added up. */
int trend_frame_count(const struct trend_frames *f);
int64_t trend_frame(const struct trend_frames *f, int i);
int64_t trend_frames_sum(const struct trend_frames *f, int n);

/* Adds a sight of a count that only grows, v at time t (seconds): a cell each TREND_STEP. */
void trend_series_add(struct trend_series *s, double t, double v);
/* Whole cells so far (at most TREND_CELLS), and the i-th newest (0: the newest). */
int trend_count(const struct trend_series *s);
double trend_cell(const struct trend_series *s, int i);
/* The newest whole cell; false while the first is still being filled. */
bool trend_now(const struct trend_series *s, double *value);

#endif
