/* A lesson's measurements: each group's increments per second over a time, the one before kept to compare. */
#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

#include "../view/story.h"
#include "lesson_play.h"

void play_group_how(const struct lab_group *g, char *buf, size_t len)
{
	/* What decides the rate: the lock for counter++, else the workload; and the CPUs when pinned. */
	snprintf(buf, len, "%s%s%s", g->workload == LAB_WORK_COUNTER ? "sync " : "",
	         g->workload == LAB_WORK_COUNTER ? lab_sync_name(g->sync) : lab_workload_name(g->workload),
	         g->pinned_cpu >= 0 ? ", 1 CPU" : "");
}

/* Whether a group is held, every live worker paused, while another is measured: its zero says nothing. */
bool play_group_held(const struct lab_group *g)
{
	int paused = 0;

	for (int i = 0; i < g->nworkers; i++)
		paused += g->workers[i].alive && g->workers[i].activity == LAB_ACT_PAUSED;
	return g->alive > 0 && paused == g->alive;
}

/* One wording of a time for the caption and the log, so they agree at any --speed: "2", "1.5". */
void play_seconds_text(double seconds, char *buf, size_t len)
{
	snprintf(buf, len, "%.1f", seconds);
	size_t n = strlen(buf);
	if (n > 2 && strcmp(buf + n - 2, ".0") == 0)
		buf[n - 2] = '\0';
}

void play_measure_start(struct ui *ui)
{
	struct play_measure *m = &ui->play->measure;

	lab_observe(ui->lab);
	m->t = lab_now(ui->lab);
	m->n = 0;
	for (int i = 0; i < lab_ngroups(ui->lab) && m->n < LAB_MAX_GROUPS; i++) {
		const struct lab_group *g = lab_group_at(ui->lab, i);
		m->serial[m->n] = g->serial;
		m->increments[m->n] = g->increments;
		m->n++;
	}
}

/* Each group's increments per second over the measured time: the cost of a lock, in numbers. */
void play_measured(struct ui *ui)
{
	struct ui_play *p = ui->play;
	struct play_measure *m = &p->measure;
	size_t o = 0;

	lab_observe(ui->lab);
	double dt = lab_now(ui->lab) - m->t;
	char over[32];
	p->figures[0] = '\0';
	/* The measurement before this one stays beside it, so a caption can compare the two. */
	strlcpy(p->before, p->last, sizeof(p->before));
	if (dt <= 0)
		return;
	play_seconds_text(dt, over, sizeof(over));
	for (int k = 0; k < m->n; k++) {
		const struct lab_group *g = lab_group_by_serial(ui->lab, m->serial[k]);
		char rate[32], how[64];
		if (g == NULL)
			continue;
		if (play_group_held(g)) {
			/* Held on purpose while another group is measured: its zero says nothing. */
			ui_log(ui, ROLE_NOTE, "measured: %s was paused", g->name);
			continue;
		}
		story_rate((double)(g->increments - m->increments[k]) / dt, rate, sizeof(rate));
		play_group_how(g, how, sizeof(how));
		const char *who = g->kind == LAB_THREADS ? (g->alive == 1 ? "thread" : "threads")
		                                         : (g->alive == 1 ? "process" : "processes");
		ui_log(ui, ROLE_NOTE, "measured: %s (%d %s, %s) made %s increments per second over %s s", g->name,
		       g->alive, who, how, rate, over);
		if (o == 0)
			o = (size_t)snprintf(p->figures, sizeof(p->figures), "increments per second over %s s:", over);
		if (o < sizeof(p->figures))
			o += (size_t)snprintf(p->figures + o, sizeof(p->figures) - o, "%s %s %s (%d %s, %s)",
			                      o > 40 ? "," : "", g->name, rate, g->alive, who, how);
	}
	strlcpy(p->last, p->figures, sizeof(p->last));
}
