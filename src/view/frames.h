/* The clock that lets time pass, one for every front end and test: reap as workers end, observe at the frame rate, hand on each event. */
#ifndef PTVIZ_FRAMES_H
#define PTVIZ_FRAMES_H

#include <stdbool.h>

#include "../lab/lab.h"

/* What the one letting time pass does with it; any may be NULL. */
struct frames_hooks {
	void (*event)(void *ctx, const struct lab_event *ev);   /* each event, oldest first */
	void (*frame)(void *ctx, const struct lab *lab);        /* after each observation */
	bool (*stop)(void *ctx);    /* asked each time the clock wakes; true ends frames_run at once */
	void *ctx;
};

struct frames {
	struct lab *lab;
	double period;           /* seconds between frames; 0: no frames, only what events bring */
	double next;             /* the lab's time the next frame falls due */
	bool observe_deaths;     /* a worker's end is observed at once, not at the next frame (the screen) */
	struct frames_hooks hooks;
};

/* hz frames a second (0: none); the first falls due at once. */
void frames_start(struct frames *f, struct lab *lab, int hz, const struct frames_hooks *hooks);
/*
 * How long a poll may sleep, in ms, before the next frame falls due or the
 * lab's time reaches until (< 0: no limit): -1 for ever, when neither comes.
 */
int frames_wait_ms(const struct frames *f, double until);
/*
 * One turn, after a poll that included lab_fd: reaps when lab_ready, observes
 * when a frame is due (or at once after an end, with observe_deaths), then
 * hands on the events.  Returns whether a frame fell due.  A frame late by
 * more than a period is dropped, not made up for.
 */
bool frames_step(struct frames *f, bool lab_ready);
/* Observes now, outside the frame rate, and hands on the events. */
void frames_observe(struct frames *f);
/* Hands on every queued event. */
void frames_drain(struct frames *f);
/*
 * Lets seconds pass, polling the lab and stop_fd (-1: none): the first frame
 * one period from now.  Ends reaped and events handed on; false when the stop
 * hook ended it early.
 */
bool frames_run(struct frames *f, double seconds, int stop_fd);

#endif
