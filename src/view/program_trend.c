/* The histories behind a program's CPU charts: each thread's share of a CPU, kept between looks by its name. */
#include "program_trend.h"

#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

static struct program_trend_thread *program_trend_find(const struct program_trend *pt, uint32_t group, const char *thread)
{
	for (int i = 0; i < pt->n; i++) {
		if (pt->t[i].group == group && strcmp(pt->t[i].id, thread) == 0)
			return &pt->t[i];
	}
	return NULL;
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

/* Drops the histories of groups no longer shown (a group's serial is never given again). */
static void program_trend_prune(struct program_trend *pt, const struct program_view *views, int n)
{
	int kept = 0;

	for (int i = 0; i < pt->n; i++) {
		bool shown = false;
		for (int g = 0; g < n; g++)
			shown |= views[g].serial == pt->t[i].group;
		if (shown)
			pt->t[kept++] = pt->t[i];
	}
	pt->n = kept;
}

void program_trend_update(struct program_trend *pt, const struct program_view *views, int n, double now)
{
	program_trend_prune(pt, views, n);
	for (int g = 0; g < n; g++) {
		const struct program_view *v = &views[g];
		for (int i = 0; i < v->nprocesses; i++) {
			const struct program_process *pp = &v->processes[i];
			for (int j = 0; j < pp->nthreads; j++) {
				const struct program_thread *th = &pp->threads[j];
				struct program_trend_thread *e = program_trend_find(pt, v->serial, th->id);
				if (e == NULL && th->alive)
					e = program_trend_add(pt, v->serial, th->id);
				if (e != NULL && th->alive)
					trend_series_add(&e->cpu, now, (double)th->cpu_ns / 1e9);
			}
		}
	}
}

const struct trend_series *program_trend_cpu(const struct program_trend *pt, uint32_t group, const char *thread)
{
	const struct program_trend_thread *e = program_trend_find(pt, group, thread);

	return e != NULL ? &e->cpu : NULL;
}

void program_trend_free(struct program_trend *pt)
{
	free(pt->t);
	memset(pt, 0, sizeof(*pt));
}
