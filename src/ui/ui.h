/* The screen: threads and processes side by side, live, every action a key away. */
#ifndef PTVIZ_UI_H
#define PTVIZ_UI_H

#include <stdbool.h>

struct lab;

struct ui_options {
	int hz;        /* observations and frames per second; 0: only on keys and events */
	bool empty;    /* start with no groups instead of the default scene */
	long frames;   /* leave after this many frames (tests, benchmarks); 0: never */
};

/* Runs the screen until the user leaves.  Returns the exit status for main. */
int ui_run(struct lab *lab, const struct ui_options *opt);

#endif
