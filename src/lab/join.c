/* A thread host's main thread returns from main, with or without joining: the work counted against the batches delivered. */
#include "lab_priv.h"

#include <stdio.h>
#include <string.h>

#include "annex.h"

static bool lab_host_gone(struct lab *lab, const void *arg)
{
	(void)lab;
	return !((const struct lab_group *)arg)->host_alive;
}

/* What the group's workers counted and delivered, from the panel, which outlives their process. */
void lab_batches_read(struct lab *lab, struct lab_group *g, int64_t *counted, int64_t *delivered, int *cut)
{
	*counted = *delivered = 0;
	*cut = 0;
	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		int64_t done = atomic_load(&lab_slot(lab, w)->done);
		int64_t given = atomic_load(&lab->in.annex[w->slot].delivered);
		w->counted = done;
		w->delivered = given;
		*counted += done;
		*delivered += given;
		*cut += done > given;
	}
	g->counted = *counted;
	g->delivered = *delivered;
}

static bool lab_main_refused(struct lab *lab, const char *group, bool join, struct lab_group **gp,
                             struct lab_error *err)
{
	const char *verb = join ? "join" : "return";
	struct lab_group *g;

	lab_dispatch(lab);
	if (group == NULL)
		return lab_fail(err, "%s needs a group of threads, e.g. '%s T'", verb, verb);
	if ((g = lab_group_named(lab, group)) == NULL)
		return lab_no_group(lab, group, err);
	if (g->kind != LAB_THREADS)
		return lab_fail(err, "%s is a group of processes: each process is its own main thread, and ptviz (their "
		                "parent) waits for them; %s is about a thread host's main thread, e.g. '%s T'",
		                g->name, verb, verb);
	if (!g->host_alive)
		return lab_fail(err, "the host process of %s has ended already", g->name);
	if (g->main != LAB_MAIN_WAITING)
		return lab_fail(err, "the main thread of %s is already joining its threads", g->name);
	if (join && g->workload != LAB_WORK_BATCHES)
		return lab_fail(err, "join waits for each thread to finish its batch, and %s's threads do %s, which never "
		                "ends: 'workload batches %s' first", g->name, lab_workload_name(g->workload), g->name);
	*gp = g;
	return true;
}

bool lab_main_return(struct lab *lab, const char *group, bool join, struct lab_error *err)
{
	struct lab_group *g = NULL;
	struct instr_gate *gate;
	int64_t counted, delivered;
	int cut;

	if (!lab_main_refused(lab, group, join, &g, err))
		return false;
	g->main = join ? LAB_MAIN_JOINED : LAB_MAIN_RETURNED;
	g->main_at = lab_now(lab);
	gate = lab_gate(lab, g);
	atomic_store(&gate->main_ask, join ? ANNEX_MAIN_JOIN : ANNEX_MAIN_RETURN);
	instr_futex_wake(&gate->main_ask, 1);
	if (!lab_wait_until(lab, lab_host_gone, g, LAB_ANSWER_TIMEOUT_MS)) {
		lab_note(err, "the main thread of %s waits in pthread_join until every thread has finished its batch; "
		         "the process ends when the last one is delivered", g->name);
		return true;
	}
	lab_batches_read(lab, g, &counted, &delivered, &cut);
	if (!join && g->workload != LAB_WORK_BATCHES)
		lab_note(err, "the main thread of %s returned from main without joining: exit() ended the process and its "
		         "threads wherever they stood, in the middle of their work ('workload batches %s' counts what was "
		         "under way against what was delivered)", g->name, g->name);
	else if (join)
		lab_note(err, "the main thread of %s said no more batches, joined each thread as it delivered its last, then "
		         "returned: %lld increments counted, %lld delivered, none lost",
		         g->name, (long long)counted, (long long)delivered);
	else
		lab_note(err, "the main thread of %s returned from main without joining: exit() ended the process and its "
		         "threads wherever they stood; %lld increments counted, %lld delivered, %lld lost with the %d batch%s "
		         "under way",
		         g->name, (long long)counted, (long long)delivered, (long long)(counted - delivered), cut,
		         cut == 1 ? "" : "es");
	return true;
}

enum lab_end lab_main_end(struct lab *lab, const struct lab_group *g, const struct lab_worker *w, enum lab_end end)
{
	if (g->kind != LAB_THREADS || g->main == LAB_MAIN_WAITING || (end != LAB_END_EXITED && end != LAB_END_RETURNED))
		return end;
	/* A thread that finished its last batch and left was joined; the others were cut off where they stood. */
	if (w != NULL && atomic_load(&lab_slot(lab, w)->state) == LAB_ACT_ENDED)
		return LAB_END_ENDED;
	return LAB_END_RETURNED;
}

void lab_annex_restart(struct lab *lab, const struct lab_worker *w)
{
	atomic_store(&lab->in.annex[w->slot].delivered, 0);
}
