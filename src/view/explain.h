/* The explanations beside the figures: the notes under a group, why updates are lost or not, and the locks, each worded once. */
#ifndef PTVIZ_EXPLAIN_H
#define PTVIZ_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lab/lab.h"

#define EXPLAIN_LINE_MAX 128

/*
 * The two lines that say what a group's pane shows, from the first row of
 * the table the group matches: step mode and its schedule, orphans, open
 * files, the deadlock, the GIL, each workload, and at last threads, a shared
 * segment or private copies.
 */
void explain_group(const struct lab *lab, const struct lab_group *g, char lines[2][EXPLAIN_LINE_MAX]);
/* What `ps -eLf` shows of the group beside the screen; empty when its host is gone. */
void explain_ps(const struct lab_group *g, char *buf, size_t len);
/*
 * Why more updates are lost or not, in a word or two: "racing", "1 running",
 * "mutex: none now", "paused", "frozen" ...; "" when there is nothing to say.
 */
const char *explain_lost(const struct lab_group *g);
/*
 * lost as a figure: "1 234", or "≥ 1 234" (">= 1 234" without utf8) when it
 * is what is surely lost while a writer stands mid-increment.
 */
void explain_lost_figure(const struct lab_group *g, bool utf8, char *buf, size_t len);
/*
 * Why lost is not exact this frame, "" when it is: "T3 is stopped
 * mid-increment", "T3 is mid-increment", or "as last read: T3 did not reach
 * a boundary in time".
 */
void explain_lost_bound(const struct lab_group *g, char *buf, size_t len);
/* The writer that makes lost a bound (mid-increment) or kept (did not park); NULL when lost is exact. */
const struct lab_worker *explain_unsure_writer(const struct lab_group *g);
/* A worker's note on how exact its figures are: "stopped", "stopped mid-increment", "as at 4.2 s"; "" otherwise. */
void explain_worker_figures(const struct lab_worker *w, char *buf, size_t len);

/* The locks a worker holds (a mask of LAB_LOCK_*): "no lock", "lock A", "locks A and B" ("A and B" brief). */
const char *explain_held(uint32_t locks, bool brief);
/* The lock it waits for: "waits for lock B", or "waits for nothing". */
const char *explain_waits(uint32_t lock);
/* The lock's letter, "A" or "B" ("" for none). */
const char *explain_lock_letter(uint32_t lock);

#endif
