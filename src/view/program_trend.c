/* The histories behind a program's CPU charts: each thread's share of a CPU, kept between looks by its name. */
#include "program_trend.h"

#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

/*
 * The index of a thread's history, or -1; looked for from `from` on, round
 * the table: the threads come in the same order at every look, so a look
 * over 256 threads finds each at the first try, not after half the table.
 */
static int program_trend_find(const struct program_trend *pt, uint32_t group, const char *thread, int from)
{
	for (int k = 0; k < pt->n; k++) {
		int i = (from + k) % pt->n;
		if (pt->t[i].group == group && strcmp(pt->t[i].id, thread) == 0)
			return i;
	}
	return -1;
}

static struct program_trend_thread *program_trend_add(struct program_trend *pt, uint32_t group, const char *thread)
{
	if (pt->n == pt->cap) {
		int cap = pt->cap ? pt->cap * 2 : 64;
		struct program_trend_thread *bigger = realloc(pt->t, (size_t)cap * sizeof(*bigger));
		if (bigger == NULL)
			return NULL;
		pt->t = bigger;
		pt->cap = cap;
	}
	struct program_trend_thread *e = &pt->t[pt->n++];
	memset(e, 0, sizeof(*e));
	e->group = group;
	strlcpy(e->id, thread, sizeof(e->id));
	return e;
}

/* Drops the histories of threads not alive at this look: ended, or of a group no longer shown. */
static void program_trend_prune(struct program_trend *pt)
{
	int kept = 0;

	for (int i = 0; i < pt->n; i++) {
		if (pt->t[i].seen)
			pt->t[kept++] = pt->t[i];
	}
	pt->n = kept;
}

void program_trend_update(struct program_trend *pt, const struct program_view *views, int n, double now)
{
	int next = 0;

	for (int i = 0; i < pt->n; i++)
		pt->t[i].seen = false;
	for (int g = 0; g < n; g++) {
		const struct program_view *v = &views[g];
		for (int i = 0; i < v->nprocesses; i++) {
			const struct program_process *pp = &v->processes[i];
			for (int j = 0; j < pp->nthreads; j++) {
				const struct program_thread *th = &pp->threads[j];
				int at = program_trend_find(pt, v->serial, th->id, next);
				struct program_trend_thread *e = at >= 0 ? &pt->t[at] : NULL;
				if (e == NULL && th->alive)
					e = program_trend_add(pt, v->serial, th->id);
				if (e != NULL)
					next = (int)(e - pt->t) + 1;
				if (e != NULL && th->alive) {
					e->seen = true;
					/* At the time its CPU time was read, which a busy thread's is not at every look. */
					trend_series_add(&e->cpu, th->cpu_at > 0 ? th->cpu_at : now, (double)th->cpu_ns / 1e9);
				}
			}
		}
	}
	/* A program that makes a thousand threads a second would otherwise keep a history for each. */
	program_trend_prune(pt);
}

const struct trend_series *program_trend_cpu(const struct program_trend *pt, uint32_t group, const char *thread)
{
	int at = program_trend_find(pt, group, thread, 0);

	return at >= 0 ? &pt->t[at].cpu : NULL;
}

void program_trend_free(struct program_trend *pt)
{
	free(pt->t);
	memset(pt, 0, sizeof(*pt));
}
