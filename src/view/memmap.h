/* A process's memory as /proc/PID/smaps describes it, sorted into plain-word kinds, merged into rows and named for a worker. */
#ifndef PTVIZ_MEMMAP_H
#define PTVIZ_MEMMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../lab/lab.h"

enum memmap_kind {
	MEMMAP_CODE,       /* the program's machine code */
	MEMMAP_RODATA,     /* the program's constants */
	MEMMAP_GLOBALS,    /* the program's global variables */
	MEMMAP_HEAP,
	MEMMAP_STACK,      /* the main thread's stack */
	MEMMAP_THREAD_STACK,
	MEMMAP_GUARD,      /* no-access pages that catch a stack overflow */
	MEMMAP_SHARED,     /* MAP_SHARED memory */
	MEMMAP_LIBRARY,
	MEMMAP_KERNEL,     /* vdso, vvar */
	MEMMAP_ANON,       /* other private memory (malloc arenas, ...) */
	MEMMAP_OTHER,
};

struct memmap_region {
	uintptr_t start, end;
	char perms[5];
	unsigned long inode;
	char path[192];
	enum memmap_kind kind;
	/* kB, from smaps */
	unsigned long rss, private_kb, shared_kb;
	bool have_smaps;
};

struct memmap {
	struct memmap_region *r;
	int n, cap;
	int error;          /* errno when the maps could not be read */
	unsigned long private_kb, shared_kb, rss;
};

/*
 * Reads /proc/PID/smaps (or maps when smaps cannot be read).  exe is the
 * program's path as it appears in the maps (the front end passes its own,
 * since every worker is a fork of it).  Thread stacks are recognised by the
 * addresses in stacks[].
 */
bool memmap_read(pid_t pid, const char *exe, const uintptr_t *stacks, int nstacks, struct memmap *m);
void memmap_free(struct memmap *m);
/* "program code", "globals", ... */
const char *memmap_kind_name(enum memmap_kind kind);
/* Index of the region holding address, or -1. */
int memmap_find(const struct memmap *m, uintptr_t address);
bool memmap_holds(const struct memmap_region *r, uintptr_t address);

/* A row as people read the map: consecutive regions of one kind and one file, merged (a library is four mappings). */
struct memmap_row {
	int first, last;     /* its regions, m->r[first..last] */
	unsigned long kb, private_kb, shared_kb;
};
/* Fills at most max rows; returns how many. */
int memmap_rows(const struct memmap *m, struct memmap_row *rows, int max);

/* Whose map it is: the process of a worker of group g, as the lab shows them now. */
struct memmap_whose {
	const struct lab *lab;
	const struct lab_group *g;
	pid_t pid;
	const char *worker;  /* "P2"; for threads, the host's threads all share the map */
};
/* Reads the map of w->pid, with ptviz's own program named (every worker is a fork of it) and the stacks of g's workers in it. */
bool memmap_read_whose(const struct memmap_whose *w, struct memmap *m);
/* What a region is to the worker: "thread stack of T2", "shared segment of group S", "library libc.so.6" ... with "<- counter" where it lives. */
void memmap_label(const struct memmap_whose *w, const struct memmap_region *r, bool utf8, char *buf, size_t len);
/* Who can address a region: "T1..T4", "P2 only", "P1..P3 + ptviz", "all + ptviz". */
void memmap_seen_by(const struct memmap_whose *w, const struct memmap_region *r, char *buf, size_t len);

#endif
