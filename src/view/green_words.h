/* Green threads in words and fields: the group's runtime (kind, N, M, hand-off, kernel threads) for the report's text and JSON. */
#ifndef PTVIZ_GREEN_WORDS_H
#define PTVIZ_GREEN_WORDS_H

#include <stddef.h>

#include "../lab/lab.h"

/* "8 green threads on 1 kernel thread, with hand-off"; "" for a group that is not green. */
void green_words_group(const struct lab_group *g, char *buf, size_t len);
/*
 * "yields only between increments; kernel threads now 2 (tids 101 102), 1 hand-off":
 * where its green threads give way and what the kernel has under them; "" when not green.
 */
void green_words_runtime(const struct lab_group *g, char *buf, size_t len);

#endif
