/* What one more thread, green thread or process costs, in memory: from each group's smaps_rollup and its threads' stacks. */
#ifndef PTVIZ_MEMCOST_H
#define PTVIZ_MEMCOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lab/lab.h"

/*
 * One more thread costs the pages of its stack it touches: everything else
 * it uses is its process's already.  So does one more green thread, whose
 * stack is a 64 KiB mapping of ptviz's runtime (a guard page below it),
 * not a kernel thread's; it has no kernel task at all.  One more process costs its private
 * pages (USS): those it wrote since fork, copied for it alone; the pages it
 * still shares with ptviz cost nothing more.  Neither figure holds what only
 * the kernel keeps (a task's kernel stack, a process's page tables).
 */
struct memcost {
	bool known;              /* some live worker's memory has been read */
	enum lab_kind kind;
	int counted;             /* live workers the figures are of */
	uint64_t per_worker_kib; /* one more worker: a (green) thread's touched stack, a process's USS (their mean) */
	uint64_t own_kib;        /* the group's private pages: the host's USS, or its processes' summed */
	uint64_t rss_kib, pss_kib;
};

bool memcost_of(const struct lab_group *g, struct memcost *mc);
/* What one more worker of the group is: "thread", "green thread" or "process". */
const char *memcost_worker_word(const struct lab_group *g);
/* "16 KiB", "340 KiB", "1.3 MiB". */
void memcost_kib(uint64_t kib, char *buf, size_t len);
/*
 * The line under a group, longest first (NULL-ended in alt, at most 4):
 * "memory: one more thread ≈ 16 KiB (its stack's touched pages) · host's own 1.1 MiB".
 */
int memcost_lines(const struct lab_group *g, const struct memcost *mc, bool utf8, char (*alt)[160], int max);
/* Eighths of cells a bar of kib is, against the largest, max, filling cells; at least one eighth when kib > 0. */
int memcost_bar_eighths(uint64_t kib, uint64_t max, int cells);

#endif
