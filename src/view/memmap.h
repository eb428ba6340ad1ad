/* A process's memory as /proc/PID/smaps describes it, sorted into plain-word kinds. */
#ifndef PTVIZ_MEMMAP_H
#define PTVIZ_MEMMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

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

#endif
