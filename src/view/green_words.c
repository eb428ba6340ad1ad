/* Green threads in words: the group's runtime (kind, N, M, hand-off, kernel threads) for the report and the screen. */
#include "green_words.h"

#include <stdio.h>

void green_words_group(const struct lab_group *g, char *buf, size_t len)
{
	const struct lab_green *gr = &g->green;

	if (gr->kernels == 0) {
		snprintf(buf, len, "%s", "");
		return;
	}
	snprintf(buf, len, "%d green thread%s on %d kernel thread%s%s", g->nworkers, g->nworkers == 1 ? "" : "s",
	         gr->kernels, gr->kernels == 1 ? "" : "s", gr->handoff ? ", with hand-off" : "");
}

void green_words_runtime(const struct lab_group *g, char *buf, size_t len)
{
	const struct lab_green *gr = &g->green;
	size_t o;

	if (gr->kernels == 0) {
		snprintf(buf, len, "%s", "");
		return;
	}
	o = (size_t)snprintf(buf, len, "%s; kernel threads now %d (tid%s", gr->anywhere
	                     ? "yield anywhere: also between an increment's load and its store"
	                     : "yields only between increments", gr->kernel_threads, gr->kernel_threads == 1 ? "" : "s");
	for (int i = 0; i < gr->kernel_threads && i < LAB_GREEN_KERNELS_MAX && o + 12 < len; i++)
		o += (size_t)snprintf(buf + o, len - o, " %d", (int)gr->kernel_tids[i]);
	if (o + 2 < len)
		snprintf(buf + o, len - o, "), %d hand-off%s", gr->handoffs, gr->handoffs == 1 ? "" : "s");
}
