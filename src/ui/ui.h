/* The screen: threads and processes side by side, live, every action a key away. */
#ifndef PTVIZ_UI_H
#define PTVIZ_UI_H

#include <stdbool.h>

struct lab;
struct lesson;

struct ui_options {
	int hz;        /* observations and frames per second; 0: only on keys and events */
	bool empty;    /* start with no groups instead of the default scene */
	long frames;   /* leave after this many frames (tests, benchmarks); 0: never */
	/* Presenting (src/ui/lesson_play.c) */
	const struct lesson *lesson;  /* play this lesson on the lab; NULL: free exploration */
	bool autoplay;       /* pauses and questions pass by themselves; leave at the end */
	double speed;        /* a lesson's waits pass this many times faster; 0 or 1: as written */
	int from_step;       /* --from N: the lesson starts at step N (from 1); 0: at the start */
	unsigned long seed;  /* for whatever is picked at random (a lesson's T?) */
	bool seeded;         /* --seed was given: show it even without a lesson */
	bool big;            /* fewer details, bigger figures, for the back of a room */
	bool no_keybar;      /* hide the key bar (recordings) */
	bool contrast;       /* --theme contrast: bold white on black, for a washed-out projector */
};

/* Runs the screen until the user leaves.  Returns the exit status for main. */
int ui_run(struct lab *lab, const struct ui_options *opt);

#endif
