/* The histories behind the charts, kept between observations: each group's work per second and lost updates per frame, each worker's share of a CPU. */
#include "trend.h"

#include <stdlib.h>
#include <string.h>

void trend_series_add(struct trend_series *s, double t, double v)
{
	if (!s->primed || v < s->v0) {
		/* The first sight, or a count started again from 0 (step mode): a new base. */
		s->primed = true;
		s->t0 = t;
		s->v0 = v;
		return;
	}
	if (t - s->t0 < TREND_STEP)
		return;
	s->cell[s->head] = (float)((v - s->v0) / (t - s->t0));
	s->head = (s->head + 1) % TREND_CELLS;
	if (s->n < TREND_CELLS)
		s->n++;
	s->t0 = t;
	s->v0 = v;
}

static void trend_frames_add(struct trend_frames *f, int64_t v)
{
	int64_t d = f->primed ? v - f->last : 0;

	f->primed = true;
	f->last = v;
	f->delta[f->head] = d > 0 ? d : 0;
	f->head = (f->head + 1) % TREND_FRAMES;
	if (f->n < TREND_FRAMES)
		f->n++;
}

int trend_frame_count(const struct trend_frames *f)
{
	return f != NULL ? f->n : 0;
}

int64_t trend_frame(const struct trend_frames *f, int i)
{
	if (f == NULL || i < 0 || i >= f->n)
		return 0;
	return f->delta[(f->head - 1 - i + TREND_FRAMES) % TREND_FRAMES];
}

int64_t trend_frames_sum(const struct trend_frames *f, int n)
{
	int64_t sum = 0;

	for (int i = 0; i < n && i < trend_frame_count(f); i++)
		sum += trend_frame(f, i);
	return sum;
}

int trend_count(const struct trend_series *s)
{
	return s != NULL ? s->n : 0;
}

double trend_cell(const struct trend_series *s, int i)
{
	if (s == NULL || i < 0 || i >= s->n)
		return 0.0;
	return s->cell[(s->head - 1 - i + TREND_CELLS) % TREND_CELLS];
}

bool trend_now(const struct trend_series *s, double *value)
{
	if (trend_count(s) == 0)
		return false;
	*value = trend_cell(s, 0);
	return true;
}

static bool trend_is(const struct trend_group *t, const struct lab_group *g)
{
	return t->serial != 0 && t->serial == g->serial;
}

static void trend_group_clear(struct trend_group *t)
{
	free(t->workers);
	memset(t, 0, sizeof(*t));
}

static const struct trend_group *trend_find(const struct trend *tr, const struct lab_group *g)
{
	for (int k = 0; k < LAB_MAX_GROUPS; k++) {
		if (trend_is(&tr->groups[k], g))
			return &tr->groups[k];
	}
	return NULL;
}

static void trend_group_add(struct trend_group *t, const struct lab_group *g, double now)
{
	if (t->nworkers != g->nworkers) {
		free(t->workers);
		t->workers = calloc((size_t)g->nworkers, sizeof(*t->workers));
		t->nworkers = t->workers != NULL ? g->nworkers : 0;
	}
	if (t->workload != g->workload || t->stepping != g->stepping) {
		memset(&t->rate, 0, sizeof(t->rate));
		t->workload = g->workload;
		t->stepping = g->stepping;
	}
	trend_series_add(&t->rate, now, (double)g->increments);
	trend_frames_add(&t->lost, g->lost);
	for (int i = 0; i < t->nworkers; i++) {
		const struct lab_worker *w = &g->workers[i];
		struct trend_worker *tw = &t->workers[i];
		if (tw->serial != w->serial) {
			memset(tw, 0, sizeof(*tw));
			tw->serial = w->serial;
		}
		trend_series_add(&tw->cpu, now, (double)w->cpu_ns / 1e9);
	}
}

void trend_update(struct trend *tr, const struct lab *lab)
{
	bool seen[LAB_MAX_GROUPS] = { false };
	int n = lab_ngroups(lab);
	double now = lab_now(lab);

	/* Groups keep their history, by serial, wherever they stand in the lab's list. */
	for (int i = 0; i < n; i++) {
		const struct trend_group *t = trend_find(tr, lab_group_at(lab, i));
		if (t != NULL)
			seen[t - tr->groups] = true;
	}
	for (int k = 0; k < LAB_MAX_GROUPS; k++) {
		if (!seen[k] && tr->groups[k].serial != 0)
			trend_group_clear(&tr->groups[k]);
	}
	for (int i = 0; i < n; i++) {
		const struct lab_group *g = lab_group_at(lab, i);
		struct trend_group *t = (struct trend_group *)trend_find(tr, g);
		for (int k = 0; t == NULL && k < LAB_MAX_GROUPS; k++) {
			if (tr->groups[k].serial == 0) {
				t = &tr->groups[k];
				t->serial = g->serial;
			}
		}
		if (t != NULL)
			trend_group_add(t, g, now);
	}
}

void trend_free(struct trend *tr)
{
	for (int k = 0; k < LAB_MAX_GROUPS; k++)
		trend_group_clear(&tr->groups[k]);
}

/* The history of lab group `group`, or NULL. */
static const struct trend_group *trend_of(const struct trend *tr, const struct lab *lab, int group)
{
	if (group < 0 || group >= lab_ngroups(lab))
		return NULL;
	return trend_find(tr, lab_group_at(lab, group));
}

const struct trend_series *trend_rate(const struct trend *tr, const struct lab *lab, int group)
{
	const struct trend_group *t = trend_of(tr, lab, group);
	return t != NULL ? &t->rate : NULL;
}

const struct trend_frames *trend_lost(const struct trend *tr, const struct lab *lab, int group)
{
	const struct trend_group *t = trend_of(tr, lab, group);
	return t != NULL ? &t->lost : NULL;
}

const struct trend_series *trend_cpu(const struct trend *tr, const struct lab *lab, int group, int worker)
{
	const struct trend_group *t = trend_of(tr, lab, group);
	if (t == NULL || worker < 0 || worker >= t->nworkers ||
	    t->workers[worker].serial != lab_group_at(lab, group)->workers[worker].serial)
		return NULL;
	return &t->workers[worker].cpu;
}
