/* A program's process's memory map (ptviz run): each region named for the program's tasks, copy-on-write after fork said. */
#ifndef PTVIZ_MEMMAP_PROGRAM_H
#define PTVIZ_MEMMAP_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lab/program.h"
#include "memmap.h"

/* Whose map it is: a process of a program group, and where its threads' stacks were found. */
struct memmap_program {
	const struct program_view *v;
	const struct program_process *pp;
	const struct program_process *parent;   /* the process it was forked from, in the group; NULL: none, or ... */
	const struct program_process *exec_parent;   /* ... it ran exec since: a new address space, no copy of this one's */
	const struct memmap *map;   /* the map read, where a region's neighbour is looked at; NULL: none */
	int nstacks;
	uintptr_t stack[PROGRAM_MAX_TASKS];     /* an address in each placed thread's stack */
	char stack_of[PROGRAM_MAX_TASKS][LAB_ID_MAX];   /* the thread it is: "A1.2" */
};

/* Reads the map of w->pp, its program's own file named as in /proc/PID/exe, the stacks in w->stack[] recognised. */
bool memmap_program_read(const struct memmap_program *w, struct memmap *m);
/* What a region is to the process: "stack of A1.2", "globals <- counter", "library libc.so.6" ... */
void memmap_program_label(const struct memmap_program *w, const struct memmap_region *r, bool utf8, char *buf,
                          size_t len);
/* Who can address it: "A1.1-A1.3", "A2 only", "copy of A1's" (a forked child's writable private pages). */
void memmap_program_seen_by(const struct memmap_program *w, const struct memmap_region *r, char *buf, size_t len);
/* The threads of the process whose stacks were not placed, as "A1.2, A1.3"; "" when every live one was. */
void memmap_program_unplaced(const struct memmap_program *w, char *buf, size_t len);

#endif
