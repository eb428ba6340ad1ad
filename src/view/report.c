/* One report of the lab at a moment: the facts gathered once, for batch's text and JSON and the screen's log. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "story.h"

static const char *report_why(const struct lab_worker *w)
{
	if (w->end == LAB_END_FAULT)
		return story_fault(w->fault);
	if (w->end == LAB_END_SIBLING)
		return "died with its process";
	if (w->alive && w->activity == LAB_ACT_PAUSED)
		return "paused";
	if (w->alive && w->activity == LAB_ACT_LOOPING)
		return "spinning in a loop";
	return "";
}

static void report_worker(struct report_worker *rw, const struct lab_group *g, const struct lab_worker *w)
{
	rw->w = w;
	story_death(w, rw->death, sizeof(rw->death));
	rw->why = report_why(w);
	rw->activity = w->alive ? lab_activity_name(w->activity) : "dead";
	rw->paused = w->alive && w->activity == LAB_ACT_PAUSED;
	rw->looping = w->activity == LAB_ACT_LOOPING;
	rw->holds = w->alive ? w->holds : 0;
	rw->wants = w->alive ? w->wants : 0;
	rw->stepping = w->alive && w->stepping;
	rw->files = w->alive && g->files;
}

static const char *report_fate(const struct lab_kid *kid)
{
	if (!kid->alive)
		return "reaped";
	return kid->adopted ? "orphaned, adopted by ptviz" : "its parent is alive";
}

static bool report_group(struct report_group *rg, const struct lab_group *g)
{
	rg->g = g;
	if (g->green.kernels > 0)
		rg->noun = g->nworkers == 1 ? "green thread" : "green threads";
	else if (g->nworkers == 1)
		rg->noun = g->kind == LAB_THREADS ? "thread" : "process";
	else
		rg->noun = lab_kind_name(g->kind);
	rg->kind = g->green.kernels > 0 ? "green" : lab_kind_name(g->kind);
	rg->memory = g->shared ? "shared" : "private";
	rg->withdraw = g->workload == LAB_WORK_WITHDRAW;
	rg->variable = rg->withdraw ? "balance" : "counter";
	rg->one_counter = g->shared;
	rg->lost_percent = g->increments > 0 ? 100.0 * (double)g->lost / (double)g->increments : 0.0;
	rg->workers = calloc(g->nworkers > 0 ? (size_t)g->nworkers : 1, sizeof(*rg->workers));
	if (rg->workers == NULL)
		return false;
	rg->nworkers = g->nworkers;
	for (int j = 0; j < g->nworkers; j++)
		report_worker(&rg->workers[j], g, &g->workers[j]);
	rg->nkids = g->nkids < LAB_KIDS_MAX ? g->nkids : LAB_KIDS_MAX;
	for (int k = 0; k < rg->nkids; k++) {
		rg->kids[k].kid = &g->kids[k];
		rg->kids[k].fate = report_fate(&g->kids[k]);
	}
	return true;
}

bool report_gather(struct report *r, struct lab *lab)
{
	memset(r, 0, sizeof(*r));
	/* The passes as time brought them, before the report's own: the frame rate delivered. */
	lab_observation_read(lab, &r->observation);
	/* A report is read once and kept: worth a hold for every figure exact. */
	lab_observe_settled(lab);
	lab_read_files(lab, NULL);
	lab_read_memory(lab);
	r->t = lab_now(lab);
	r->parent_counter = lab_parent_counter();
	r->parent_counter_address = lab_counter_address();
	lab_machine_read(lab, &r->machine);
	for (int i = 0; i < lab_ngroups(lab) && i < LAB_MAX_GROUPS; i++) {
		if (!report_group(&r->groups[i], lab_group_at(lab, i))) {
			report_free(r);
			return false;
		}
		r->ngroups = i + 1;
	}
	return true;
}

void report_free(struct report *r)
{
	for (int i = 0; i < r->ngroups; i++)
		free(r->groups[i].workers);
	memset(r, 0, sizeof(*r));
}
