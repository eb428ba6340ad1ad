/* What a main thread's return, the environment and the sandbox come to, in words: the story, the screen's lines, the text report. */
#ifndef PTVIZ_ENVJOIN_H
#define PTVIZ_ENVJOIN_H

#include <stdbool.h>
#include <stddef.h>

#include "../lab/lab.h"

/* The exit of a host whose main thread returned (ev->end LAB_END_RETURNED): with or without join, and what it cut. */
void envjoin_story_exit(const struct lab *lab, const struct lab_event *ev, char *buf, size_t len);
/* A group's batches and its main thread: "batches: 44 341 939 counted, 43 000 000 delivered, ..."; false when none. */
bool envjoin_group_text(const struct lab_group *g, char *buf, size_t len);
/*
 * A live worker's environment, directory and sandbox ("env COLOR=red  cwd /tmp
 * sandboxed"), or its batches ("delivered 3 000 000 of 3 412 345"); a dead
 * one's batches once its host returned.  False when there is nothing to say.
 */
bool envjoin_worker_text(const struct lab *lab, const struct lab_group *g, const struct lab_worker *w, char *buf,
                         size_t len);

#endif
