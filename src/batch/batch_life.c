/* The report's memory and lifecycle for each worker and group, as text and JSON. */
#include "batch_life.h"

#include <string.h>

#include "../view/memcost.h"
#include "batch_json.h"

struct json_object *batch_memory_json(const struct lab_memory_use *m, bool thread)
{
	if (!m->known)
		return NULL;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "rss_kib", json_object_new_int64((int64_t)m->rss_kib));
	json_object_object_add(o, "pss_kib", json_object_new_int64((int64_t)m->pss_kib));
	json_object_object_add(o, "uss_kib", json_object_new_int64((int64_t)m->uss_kib));
	if (thread)
		json_object_object_add(o, "stack_kib", json_object_new_int64((int64_t)m->stack_kib));
	json_object_object_add(o, "read_t", batch_json_figure(m->read_at, "%.3f"));
	return o;
}

struct json_object *batch_group_memory_json(const struct lab_group *g)
{
	struct memcost mc;
	struct json_object *o = batch_memory_json(&g->memory, false);

	if (o != NULL && memcost_of(g, &mc))
		json_object_object_add(o, "per_worker_kib", json_object_new_int64((int64_t)mc.per_worker_kib));
	return o;
}

static void batch_life_event(struct json_object *events, const char *what, double t)
{
	struct json_object *e = json_object_new_object();

	json_object_object_add(e, "event", json_object_new_string(what));
	json_object_object_add(e, "t", batch_json_figure(t, "%.3f"));
	json_object_array_add(events, e);
}

struct json_object *batch_life_json(const struct life *life, const struct lab_worker *w, double now)
{
	const struct life_worker *lw = life_find(life, w->serial);
	struct life_share sh;
	struct json_object *o = json_object_new_object();
	struct json_object *events = json_object_new_array();

	if (lw != NULL && life_share_of(lw, now - LIFE_WINDOW_S, now, &sh)) {
		json_object_object_add(o, "running", batch_json_figure(sh.running, "%.3f"));
		json_object_object_add(o, "ready", batch_json_figure(sh.ready, "%.3f"));
		json_object_object_add(o, "blocked", batch_json_figure(sh.blocked, "%.3f"));
		json_object_object_add(o, "window_s", batch_json_figure(sh.to - sh.from, "%.3f"));
		/* Ended: terminated, whatever its last samples say (they stop before its end). */
		enum life_state state = w->alive ? life_state_of(lw, &sh) : LIFE_TERMINATED;
		json_object_object_add(o, "state", json_object_new_string(life_state_name(state)));
	} else {
		json_object_object_add(o, "running", NULL);
		json_object_object_add(o, "ready", NULL);
		json_object_object_add(o, "blocked", NULL);
		json_object_object_add(o, "window_s", NULL);
		json_object_object_add(o, "state", json_object_new_string(w->alive ? "new" : "terminated"));
	}
	if (lw != NULL)
		batch_life_event(events, "new", lw->born);
	if (!w->alive && w->pid > 0)
		batch_life_event(events, "terminated", w->died_at);
	json_object_object_add(o, "events", events);
	return o;
}

void batch_life_text(FILE *out, const struct life *life, const struct lab_group *g, const struct lab_worker *w,
                     double now)
{
	const struct life_worker *lw = life_find(life, w->serial);
	struct life_share sh;
	char words[128], kib[3][24];

	if (w->memory.known) {
		memcost_kib(w->memory.rss_kib, kib[0], sizeof(kib[0]));
		memcost_kib(w->memory.pss_kib, kib[1], sizeof(kib[1]));
		memcost_kib(w->memory.uss_kib, kib[2], sizeof(kib[2]));
		if (g->kind == LAB_THREADS)
			fprintf(out, "          memory: its stack %s touched (its own), a share of %s of its process (pss), which holds %s (rss)\n",
			        kib[2], kib[1], kib[0]);
		else
			fprintf(out, "          memory: rss %s, pss %s, its own (uss) %s\n", kib[0], kib[1], kib[2]);
	}
	if (lw == NULL)
		return;
	if (life_share_of(lw, now - LIFE_WINDOW_S, now, &sh)) {
		life_words(&sh, words, sizeof(words));
		fprintf(out, "          life: %s (%s); new at %.2fs", words,
		        life_state_name(w->alive ? life_state_of(lw, &sh) : LIFE_TERMINATED), lw->born);
	} else
		fprintf(out, "          life: new at %.2fs", lw->born);
	if (!w->alive && w->pid > 0)
		fprintf(out, ", terminated at %.2fs", w->died_at);
	fprintf(out, "\n");
}

void batch_group_memory_text(FILE *out, const struct lab_group *g)
{
	struct memcost mc;
	char alt[4][160];

	if (!memcost_of(g, &mc) || memcost_lines(g, &mc, false, alt, 4) == 0)
		return;
	fprintf(out, " %s\n", alt[0]);
}
