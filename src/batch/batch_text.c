/* The screenless front end's report in words: the machine, each group's figures, each worker's line. */
#include "batch_priv.h"

#include <string.h>

#include "../view/explain.h"
#include "../view/green_words.h"
#include "../view/machine_words.h"
#include "../view/story.h"
#include "batch_envjoin.h"
#include "batch_program.h"
#include "batch_work.h"

/* The group's figures, in the words of its workload. */
static void batch_text_figures(struct batch *b, const struct report_group *rg)
{
	const struct lab_group *g = rg->g;
	char inc[32], value[32], lost[32], refused[32];

	story_number(g->increments, inc, sizeof(inc));
	story_number(g->counter, value, sizeof(value));
	char bound[96], lost_full[160];
	explain_lost_figure(g, false, lost, sizeof(lost));
	explain_lost_bound(g, bound, sizeof(bound));
	/* "lost >= 1 234, T3 is stopped mid-increment": what is sure, and why no more is. */
	snprintf(lost_full, sizeof(lost_full), "%s%s%s", lost, bound[0] ? ", " : "", bound);
	story_number(g->refused, refused, sizeof(refused));
	if (rg->withdraw && rg->one_counter)
		fprintf(b->out, "    withdrawals of %d from %lld: %s, balance @0x%" PRIxPTR " = %s%s, lost %s, refused %s\n",
		        LAB_WITHDRAW_AMOUNT, (long long)g->start_balance, inc, g->counter_address, value,
		        g->overdrawn ? " (overdrawn)" : "", lost_full, refused);
	else if (rg->withdraw)
		fprintf(b->out, "    withdrawals of %d from %lld: %s, each process its own balance @0x%" PRIxPTR "%s, lost %s, refused %s\n",
		        LAB_WITHDRAW_AMOUNT, (long long)g->start_balance, inc, g->counter_address,
		        g->overdrawn ? " (one is overdrawn)" : "", lost, refused);
	else if (rg->one_counter)
		fprintf(b->out, "    increments %s, counter @0x%" PRIxPTR " = %s, lost %s (%.1f%%)%s%s\n", inc,
		        g->counter_address, value, lost, rg->lost_percent, bound[0] ? ", " : "", bound);
	else
		fprintf(b->out, "    increments %s, each process its own counter @0x%" PRIxPTR ", no combined total, lost %s\n",
		        inc, g->counter_address, lost);
}

static void batch_text_worker(struct batch *b, const struct report_group *rg, const struct report_worker *rw,
                              double now)
{
	const struct lab_worker *w = rw->w;
	char done[32], value[32];

	story_number(w->done, done, sizeof(done));
	story_number(w->counter, value, sizeof(value));
	fprintf(b->out, "    %-5s pid %-7d tid %-7d %c %-8s done %12s  %s %12s  stack @0x%" PRIxPTR "%s%s\n", w->id,
	        (int)w->pid, (int)w->tid, w->state, rw->death, done, rg->variable, value, w->stack_address,
	        rw->why[0] ? "  " : "", rw->why);
	batch_life_text(b->out, &b->life, rg->g, w, now);
	if (rw->holds || rw->wants)
		fprintf(b->out, "          holds %s, %s\n", explain_held(rw->holds, false), explain_waits(rw->wants));
	if (rw->files) {
		char files[256];
		story_files(w, 0, files, sizeof(files));
		fprintf(b->out, "          open files: %s\n", files);
	}
	if (rw->stepping) {
		char reg[32] = "empty";
		if (w->has_reg)
			snprintf(reg, sizeof(reg), "%lld", (long long)w->reg);
		fprintf(b->out, "          step mode: register %s, next %s%s, %u micro-step%s taken\n", reg,
		        lab_step_name(w->next), w->activity == LAB_ACT_LOCKWAIT ? " (waiting for the lock)"
		                                : w->holds_lock ? " (holds the lock)" : "",
		        w->steps, w->steps == 1 ? "" : "s");
	}
}

/* What the machine did and how the lab was observed, in words. */
static void batch_text_machine(struct batch *b, const struct report *r)
{
	char text[384];

	machine_words_report(&r->machine, text, sizeof(text));
	fprintf(b->out, "  %s\n", text);
	machine_words_passes(&r->observation, text, sizeof(text));
	fprintf(b->out, "  %s\n", text);
}

void batch_report_text(struct batch *b, const struct report *r)
{
	fprintf(b->out, "%6.2fs report\n", r->t);
	fprintf(b->out, "  ptviz's own counter @0x%" PRIxPTR " = %lld (it never runs the workload)\n",
	        r->parent_counter_address, (long long)r->parent_counter);
	batch_text_machine(b, r);
	struct program_view *views;
	int nviews = program_views(b->lab, &views);
	for (int i = 0; i < nviews; i++)
		batch_program_text_group(&views[i], b->out);
	program_views_free(views, nviews);
	if (r->ngroups == 0 && nviews == 0)
		fprintf(b->out, "  no groups: start some with 'spawn threads 4' or 'spawn processes 4'\n");
	for (int i = 0; i < r->ngroups; i++) {
		const struct report_group *rg = &r->groups[i];
		const struct lab_group *g = rg->g;
		fprintf(b->out, "  %s: %d %s, %s memory, sync %s, %d/%d alive\n", g->name, g->nworkers, rg->noun, rg->memory,
		        lab_sync_name(g->sync), g->alive, g->nworkers);
		if (g->green.kernels > 0) {
			char green[2][256];
			green_words_group(g, green[0], sizeof(green[0]));
			green_words_runtime(g, green[1], sizeof(green[1]));
			fprintf(b->out, "    %s: %s\n", green[0], green[1]);
		}
		batch_text_figures(b, rg);
		batch_envjoin_text_group(b->out, rg);
		batch_group_memory_text(b->out, g);
		batch_work_text(b->out, g, r->machine.cpus);
		for (int j = 0; j < rg->nworkers; j++) {
			batch_text_worker(b, rg, &rg->workers[j], r->t);
			batch_envjoin_text_worker(b->out, b->lab, rg, &rg->workers[j]);
		}
		for (int k = 0; k < rg->nkids; k++) {
			const struct lab_kid *kid = rg->kids[k].kid;
			fprintf(b->out, "    child %d of %s: %s, parent now %d%s, %c\n", (int)kid->pid, kid->parent_id,
			        rg->kids[k].fate, (int)kid->ppid, kid->adopted ? " (ptviz)" : "", kid->state);
		}
	}
	fflush(b->out);
}
