/* Plain-words accounts of what happened, shared by every front end. */
#ifndef PTVIZ_STORY_H
#define PTVIZ_STORY_H

#include <stddef.h>

#include "../lab/lab.h"

/* "T3 wrote through NULL -> SIGSEGV: host 4101 died, taking T1 T2 T4 with it" */
void story_event(const struct lab *lab, const struct lab_event *ev, bool utf8, char *buf, size_t len);
/* "wrote through NULL", "called abort()", ... */
const char *story_fault(enum lab_fault fault);
/* What ended a dead worker, short: "SIGSEGV", "exit 1", "ended", "killed". */
void story_death(const struct lab_worker *w, char *buf, size_t len);
/* The thread of g whose fault killed the host w lived in (w itself maybe), or NULL. */
const struct lab_worker *story_fault_cause(const struct lab_group *g, const struct lab_worker *w);
/* As story_death, telling the thread that faulted from those that died with it. */
void story_death_in_group(const struct lab_group *g, const struct lab_worker *w, char *buf, size_t len);
/* The ids of g's live workers (alive true) or of its dead ones: "T1..T4", "T1 T2 T4", "T1..T3 T5..T8". */
void story_group_ids(const struct lab_group *g, bool alive, char *buf, size_t len);

/* What a file descriptor refers to, for reading: "/memfd:opened by T2 (deleted)" -> "opened by T2". */
void story_file(const char *target, char *buf, size_t len);
/*
 * One worker's open files, "0-2 /dev/null, 3 inherited from ptviz, 4 opened by T2",
 * cut to len, empty when there are none; from: the first descriptor told (3 leaves out
 * stdin, stdout and stderr).
 */
void story_files(const struct lab_worker *w, int from, char *buf, size_t len);
/* The same in fewer words for a narrow pane: "3 inherited, 4 T2's". */
void story_files_brief(const struct lab_worker *w, int from, char *buf, size_t len);

/* 2917406 -> "2 917 406": digits grouped for reading from the back of a room. */
void story_number(int64_t n, char *buf, size_t len);
/* A rate in words: "1.8 million", "125 thousand", and every digit below 100 000 ("1 310"). */
void story_rate(double rate, char *buf, size_t len);

#endif
