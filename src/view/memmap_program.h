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
	char peers[64];   /* the group's live processes running the same file (memmap_program_peers); "": not known */
};

/* Reads the map of w->pp, its program's own file named as in /proc/PID/exe, the stacks in w->stack[] recognised. */
bool memmap_program_read(const struct memmap_program *w, struct memmap *m);
/* What a region is to the process: "stack of A1.2", "globals <- counter", "library libc.so.6" ... */
void memmap_program_label(const struct memmap_program *w, const struct memmap_region *r, bool utf8, char *buf,
                          size_t len);
/*
 * Who sees what is in it.  Written pages: its threads, "A1.1-A1.3", or "A2 only", or for a forked
 * child "copy of A1's".  Pages of a file never written (the program's code and constants, a library's
 * code): the file's, the same for every process that maps it: "A1-A4 + all running it",
 * "every process using libc.so.6"; the vdso: "every process".  The longest wording.
 */
void memmap_program_seen_by(const struct memmap_program *w, const struct memmap_region *r, char *buf, size_t len);
/* As memmap_program_seen_by, in the longest wording that fits width columns ("any libc user", "all running it"). */
void memmap_program_seen_by_fit(const struct memmap_program *w, const struct memmap_region *r, int width, char *buf,
                                size_t len);
/* The group's live processes running the same executable file as w->pp (by /proc/PID/exe): "A1-A4", "A1, A3". */
void memmap_program_peers(const struct memmap_program *w, char *buf, size_t len);
/* The threads of the process whose stacks were not placed, as "A1.2, A1.3"; "" when every live one was. */
void memmap_program_unplaced(const struct memmap_program *w, char *buf, size_t len);

#endif
