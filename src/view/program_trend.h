/* The histories behind a program's CPU charts: each thread's share of a CPU, kept between looks by its name. */
#ifndef PTVIZ_PROGRAM_TREND_H
#define PTVIZ_PROGRAM_TREND_H

#include <stdbool.h>
#include <stdint.h>

#include "../lab/program.h"
#include "trend.h"

struct program_trend_thread {
	uint32_t group;            /* the program group's serial (program.h) */
	char id[LAB_ID_MAX];       /* the thread's name, "A1.2": never given again in its group */
	struct trend_series cpu;   /* seconds on a CPU per second: 1.0 is all of one CPU */
	bool seen;                 /* alive at the latest look */
};

struct program_trend {
	struct program_trend_thread *t;
	int n, cap;
};

/* Takes the program groups as seen at `now` (seconds); threads of groups gone are dropped. */
void program_trend_update(struct program_trend *pt, const struct program_view *views, int n, double now);
/* The thread's CPU history; NULL before its first look. */
const struct trend_series *program_trend_cpu(const struct program_trend *pt, uint32_t group, const char *thread);
void program_trend_free(struct program_trend *pt);

#endif
