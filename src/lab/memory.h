/* Copy-on-write on request: the pages ptviz writes before its first fork, and a worker's writes to them. */
#ifndef PTVIZ_LAB_MEMORY_H
#define PTVIZ_LAB_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

/* ptviz writes LAB_TOUCH_MAX_KIB of its own memory, once, before any worker is forked; false when it cannot map it. */
bool lab_touch_prepare(void);
/* In a worker: writes one byte in each page of the first kib; returns the pages written, or -EINVAL. */
int32_t lab_touch_write(int32_t kib);

/* Parses the text of /proc/PID/smaps_rollup, in KiB: Rss, Pss and the private pages (USS); false without Rss. */
bool lab_memory_parse_rollup(const char *text, uint64_t *rss, uint64_t *pss, uint64_t *uss);

#endif
