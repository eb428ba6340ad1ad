/* Plain-words accounts of what happened, shared by every front end. */
#ifndef PTVIZ_STORY_H
#define PTVIZ_STORY_H

#include <stddef.h>

#include "lab.h"

/* "T3 wrote through NULL -> SIGSEGV: host 4101 died, taking T1 T2 T4 with it" */
void story_event(const struct lab *lab, const struct lab_event *ev, bool utf8, char *buf, size_t len);
/* "wrote through NULL", "called abort()", ... */
const char *story_fault(enum instr_fault fault);
/* What ended a dead worker, short: "SIGSEGV", "exit 1", "ended", "killed". */
void story_death(const struct lab_worker *w, char *buf, size_t len);

/* 2917406 -> "2 917 406": digits grouped for reading from the back of a room. */
void story_number(int64_t n, char *buf, size_t len);

#endif
