/* Each worker's life over the last seconds, from the run time and the ready time schedstat gives, sampled every frame. */
#include "lifecycle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Samples closer than this replace the newest instead of adding one: the history then covers seconds at any frame rate. */
#define LIFE_SAMPLE_EVERY_S 0.1

static const struct life_sample *life_at(const struct life_worker *lw, int i)
{
	/* i-th oldest */
	return &lw->s[(lw->head - lw->n + i + 2 * LIFE_SAMPLES) % LIFE_SAMPLES];
}

static void life_add(struct life_worker *lw, double t, uint64_t run, uint64_t ready)
{
	struct life_sample s = { t, run, ready };

	if (lw->n >= 2 && t - life_at(lw, lw->n - 2)->t < LIFE_SAMPLE_EVERY_S) {
		lw->s[(lw->head - 1 + LIFE_SAMPLES) % LIFE_SAMPLES] = s;
		return;
	}
	lw->s[lw->head] = s;
	lw->head = (lw->head + 1) % LIFE_SAMPLES;
	if (lw->n < LIFE_SAMPLES)
		lw->n++;
}

/* Index of serial in the array sorted by serial, or where it would go. */
static int life_index(const struct life *l, uint32_t serial)
{
	int lo = 0, hi = l->n;

	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (l->w[mid].serial < serial)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct life_worker *life_find(const struct life *l, uint32_t serial)
{
	int i = life_index(l, serial);

	return i < l->n && l->w[i].serial == serial ? &l->w[i] : NULL;
}

static struct life_worker *life_entry(struct life *l, uint32_t serial)
{
	int i = life_index(l, serial);

	if (i < l->n && l->w[i].serial == serial)
		return &l->w[i];
	if (l->n == l->cap) {
		int cap = l->cap ? 2 * l->cap : 16;
		struct life_worker *w = realloc(l->w, (size_t)cap * sizeof(*w));
		if (w == NULL)
			return NULL;
		l->w = w;
		l->cap = cap;
	}
	/* New serials are the largest: nearly always appended. */
	memmove(&l->w[i + 1], &l->w[i], (size_t)(l->n - i) * sizeof(*l->w));
	l->n++;
	memset(&l->w[i], 0, sizeof(l->w[i]));
	l->w[i].serial = serial;
	l->w[i].died = -1;
	return &l->w[i];
}

void life_update(struct life *l, const struct lab *lab, double t)
{
	for (int i = 0; i < l->n; i++)
		l->w[i].seen = false;
	for (int gi = 0; gi < lab_ngroups(lab); gi++) {
		const struct lab_group *g = lab_group_at(lab, gi);
		for (int j = 0; j < g->nworkers; j++) {
			const struct lab_worker *w = &g->workers[j];
			struct life_worker *lw = life_entry(l, w->serial);
			if (lw == NULL)
				continue;
			lw->seen = true;
			lw->born = g->spawned_at;
			if (!w->alive && lw->died < 0 && w->pid > 0)
				lw->died = w->died_at;
			if (w->alive)
				life_add(lw, t, w->cpu_ns, w->ready_ns);
		}
	}
	int k = 0;
	for (int i = 0; i < l->n; i++) {
		if (l->w[i].seen)
			l->w[k++] = l->w[i];
	}
	l->n = k;
}

void life_free(struct life *l)
{
	free(l->w);
	memset(l, 0, sizeof(*l));
}

/* The latest sample at or before t, or the earliest when none is; -1 when there are none. */
static int life_before(const struct life_worker *lw, double t, bool earliest_else)
{
	int found = -1;

	for (int i = 0; i < lw->n; i++) {
		if (life_at(lw, i)->t <= t)
			found = i;
	}
	return found < 0 && earliest_else && lw->n > 0 ? 0 : found;
}

bool life_share_of(const struct life_worker *lw, double from, double to, struct life_share *sh)
{
	memset(sh, 0, sizeof(*sh));
	if (lw == NULL)
		return false;
	int a = life_before(lw, from, true), b = life_before(lw, to, false);
	if (a < 0 || b <= a)
		return false;
	const struct life_sample *sa = life_at(lw, a), *sb = life_at(lw, b);
	double span = sb->t - sa->t;
	if (span <= 0)
		return false;
	double running = (double)(sb->run_ns - sa->run_ns) / 1e9 / span;
	double ready = (double)(sb->ready_ns - sa->ready_ns) / 1e9 / span;
	running = running < 0 ? 0 : running > 1 ? 1 : running;
	ready = ready < 0 ? 0 : ready > 1 - running ? 1 - running : ready;
	sh->from = sa->t;
	sh->to = sb->t;
	sh->running = running;
	sh->ready = ready;
	sh->blocked = 1 - running - ready;
	return true;
}

enum life_state life_state_of(const struct life_worker *lw, const struct life_share *sh)
{
	if (lw->died >= 0 && lw->died <= sh->to)
		return LIFE_TERMINATED;
	if (lw->born >= sh->from && lw->born <= sh->to)
		return LIFE_NEW;
	if (sh->running >= sh->ready && sh->running >= sh->blocked)
		return LIFE_RUNNING;
	return sh->ready >= sh->blocked ? LIFE_READY : LIFE_BLOCKED;
}

const char *life_state_name(enum life_state s)
{
	static const char *const names[] = { "new", "ready", "running", "blocked", "terminated" };

	return s <= LIFE_TERMINATED ? names[s] : "?";
}

int life_strip(const struct life_worker *lw, double now, struct life_share *cells, int max)
{
	int n = 0;

	if (lw == NULL || lw->n == 0)
		return 0;
	double first = life_at(lw, 0)->t;
	for (int k = max; k >= 1; k--) {
		double from = now - k * LIFE_CELL_S, to = from + LIFE_CELL_S;
		struct life_share *c = &cells[n];
		if (to <= first)
			continue;
		if (lw->died >= 0 && from >= lw->died) {
			/* Ended before the cell began: nothing ran or waited. */
			*c = (struct life_share){ .from = from, .to = to };
		} else if (!life_share_of(lw, from, to, c)) {
			continue;
		}
		/* The cell's own bounds: new and terminated are judged by them. */
		c->from = from;
		c->to = to;
		n++;
	}
	return n;
}

void life_words(const struct life_share *sh, char *buf, size_t len)
{
	snprintf(buf, len, "running %.0f%%, ready %.0f%%, blocked %.0f%% of the last %.1f s", 100 * sh->running,
	         100 * sh->ready, 100 * sh->blocked, sh->to - sh->from);
}
