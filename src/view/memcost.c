/* What one more thread, green thread or process costs, in memory, in words and as bars. */
#include "memcost.h"

#include <stdio.h>
#include <string.h>

bool memcost_of(const struct lab_group *g, struct memcost *mc)
{
	uint64_t sum = 0;

	memset(mc, 0, sizeof(*mc));
	mc->kind = g->kind;
	for (int i = 0; i < g->nworkers; i++) {
		const struct lab_worker *w = &g->workers[i];
		if (!w->alive || !w->memory.known)
			continue;
		sum += g->kind == LAB_THREADS ? w->memory.stack_kib : w->memory.uss_kib;
		mc->counted++;
	}
	if (mc->counted == 0 || !g->memory.known)
		return false;
	mc->known = true;
	mc->per_worker_kib = (sum + (uint64_t)mc->counted / 2) / (uint64_t)mc->counted;
	mc->own_kib = g->memory.uss_kib;
	mc->rss_kib = g->memory.rss_kib;
	mc->pss_kib = g->memory.pss_kib;
	return true;
}

const char *memcost_worker_word(const struct lab_group *g)
{
	if (g->kind == LAB_PROCESSES)
		return "process";
	return g->green.kernels > 0 ? "green thread" : "thread";
}

void memcost_kib(uint64_t kib, char *buf, size_t len)
{
	if (kib < 10 * 1024)
		snprintf(buf, len, "%llu KiB", (unsigned long long)kib);
	else
		snprintf(buf, len, "%.1f MiB", (double)kib / 1024.0);
}

int memcost_lines(const struct lab_group *g, const struct memcost *mc, bool utf8, char (*alt)[160], int max)
{
	char one[24], own[24];
	const char *about = utf8 ? "\u2248" : "~", *dot = utf8 ? "\u00b7" : "-";
	int n = 0;

	if (!mc->known || max < 4)
		return 0;
	memcost_kib(mc->per_worker_kib, one, sizeof(one));
	memcost_kib(mc->own_kib, own, sizeof(own));
	if (g->kind == LAB_THREADS && g->green.kernels > 0) {
		snprintf(alt[n++], 160, "   memory: one more green thread %s %s (its 64 KiB stack's touched pages) %s host's own %s",
		         about, one, dot, own);
		snprintf(alt[n++], 160, "   memory: one more green thread %s %s (its stack) %s host %s", about, one, dot, own);
		snprintf(alt[n++], 160, "   one more green thread %s %s (stack)", about, one);
		snprintf(alt[n++], 160, "   +1 green %s %s", about, one);
	} else if (g->kind == LAB_THREADS) {
		snprintf(alt[n++], 160, "   memory: one more thread %s %s (its stack's touched pages) %s host's own %s", about, one,
		         dot, own);
		snprintf(alt[n++], 160, "   memory: one more thread %s %s (its stack) %s host %s", about, one, dot, own);
		snprintf(alt[n++], 160, "   one more thread %s %s (stack)", about, one);
		snprintf(alt[n++], 160, "   +1 thread %s %s", about, one);
	} else {
		snprintf(alt[n++], 160, "   memory: one more process %s %s (its own pages, USS) %s %d %s own %s", about, one, dot,
		         mc->counted, mc->counted == 1 ? "process" : "processes", own);
		snprintf(alt[n++], 160, "   memory: one more process %s %s (its own pages) %s all %s", about, one, dot, own);
		snprintf(alt[n++], 160, "   one more process %s %s (own pages)", about, one);
		snprintf(alt[n++], 160, "   +1 process %s %s", about, one);
	}
	return n;
}

int memcost_bar_eighths(uint64_t kib, uint64_t max, int cells)
{
	if (kib == 0 || max == 0 || cells <= 0)
		return 0;
	int e = (int)((double)kib / (double)max * cells * 8 + 0.5);
	return e < 1 ? 1 : e > cells * 8 ? cells * 8 : e;
}
