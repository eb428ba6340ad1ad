/* What the parts of the groups pane share: a column being drawn, the pane's own state, and each part's entry. */
#ifndef PTVIZ_UI_GROUPS_COLUMN_H
#define PTVIZ_UI_GROUPS_COLUMN_H

#include "ui_priv.h"

#define GROUPS_CHART_MAX 14

/* The pane's own: which columns show and how far each has scrolled. */
struct groups_view {
	int first_column;               /* first group column shown when not all fit */
	int scroll[LAB_MAX_GROUPS];     /* worker rows scrolled in each column, by display position */
};

/* One group's column, as it is laid out and drawn. */
struct column {
	struct ui *ui;
	struct groups_view *view;
	WINDOW *win;
	const struct lab_group *g;
	int gi, pos;          /* lab index, display position */
	int x, w, h;          /* the box */
	int sel;              /* selected worker in this group, -1 none */
	int surv;             /* survivor lines, the same in every column so the panes line up */
	int chart;            /* rows of the tall lost-updates chart, the same in every column; 0: a sparkline */
	bool detail;          /* the workers have more than one line each */
	bool work_line;       /* ... and three: the third their CPU */
	int fmt;              /* the form every worker's first line takes, from groups_worker_format */
};

/* Text room in a column: from the first inner cell, leaving one blank before the right border. */
static inline int groups_room(const struct column *c)
{
	return c->w - 3;
}

/* How a column's Memory pane is laid out: the most detail its own rows allow. */
struct groups_plan {
	bool hdr2;   /* the header's second line */
	int per;     /* lines per worker: 4 (the fourth its lifecycle strip), 3, 2 or 1 (then the list may scroll) */
	int kids;    /* the workers' children shown */
	int rows;    /* rows for the workers */
	int visible; /* workers shown */
};

/* pane_groups_memory.c: the Memory pane, the column's top */
void groups_plan(const struct column *c, int lines, struct groups_plan *p);
/* How much a plan shows, to compare two: lines per worker first, then workers shown, then the header line. */
long groups_plan_score(const struct groups_plan *p);
/* Draws the Memory pane in lines rows from y0; returns the row after the workers and their children. */
int groups_memory(struct column *c, int y0, int lines);

/* pane_groups_workers.c: each worker's lines in the Memory pane */
/* The one form every worker line shown in the column takes: the widest that fits each of them. */
int groups_worker_format(struct column *c, int first, int count);
void groups_worker_line(struct column *c, int y, int i);
/* With room to spare, a second line per worker: where its memory is and where it runs. */
void groups_worker_detail(struct column *c, int y, int i, bool work_line);
/* With even more room, a third: its share of one CPU and of the group's work. */
void groups_worker_work(struct column *c, int y, int i);
/* A worker's child: who its parent is now, as /proc says, and whether ptviz adopted it. */
void groups_kid(struct column *c, int y, const struct lab_kid *kid);

/* pane_groups_life.c: a worker's fourth line, its lifecycle strip; the line under a group, what one more worker costs */
void groups_life_line(struct column *c, int y, int i);
bool groups_memory_line(struct column *c, int y);

/* pane_groups_counters.c: the Counters pane, increments beside the counter, lost updates and their chart */
void groups_counters(struct column *c, int y);

/* pane_groups_workers.c, for pane_groups_detail.c: whether the CPU says something here; a worker's step-mode line. */
bool groups_cpu_story(const struct lab_group *g);
void groups_worker_step(struct column *c, int y, int i, const char *bar);

#endif
