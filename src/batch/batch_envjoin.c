/* What the report adds for a main thread's return, the environment and the sandbox, as text and JSON. */
#include "batch_envjoin.h"

#include "../view/envjoin.h"

static const char *batch_main_name(enum lab_main main)
{
	return main == LAB_MAIN_RETURNED ? "returned" : main == LAB_MAIN_JOINED ? "joined" : "waiting";
}

static struct json_object *batch_batches(int64_t counted, int64_t delivered)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "counted", json_object_new_int64(counted));
	json_object_object_add(o, "delivered", json_object_new_int64(delivered));
	json_object_object_add(o, "undelivered", json_object_new_int64(counted - delivered));
	return o;
}

static void batch_envjoin_worker(struct json_object *wo, const struct lab *lab, const struct lab_group *g,
                                 const struct lab_worker *w)
{
	const char *name = lab_env_name(lab);

	if (g->workload == LAB_WORK_BATCHES)
		json_object_object_add(wo, "batches", batch_batches(w->counted, w->delivered));
	if (name[0] != '\0') {
		struct json_object *e = json_object_new_object();
		json_object_object_add(e, "name", json_object_new_string(name));
		json_object_object_add(e, "read", json_object_new_boolean(w->env.read));
		json_object_object_add(e, "value", w->env.has ? json_object_new_string(w->env.value) : NULL);
		/* /proc/PID/environ: the environment the process began with, which setenv does not change. */
		json_object_object_add(e, "in_proc_environ", json_object_new_boolean(w->env.at_start));
		json_object_object_add(wo, "environment", e);
	}
	if (lab_cwd_watched(lab))
		json_object_object_add(wo, "cwd", w->env.cwd[0] ? json_object_new_string(w->env.cwd) : NULL);
	json_object_object_add(wo, "sandboxed", json_object_new_boolean(w->env.sandboxed));
	if (w->env.escape != 0) {
		struct json_object *e = json_object_new_object();
		json_object_object_add(e, "read", json_object_new_boolean(w->env.escape > 0));
		json_object_object_add(e, "helper", w->env.escape > 0 ? json_object_new_string(w->env.helper) : NULL);
		json_object_object_add(e, "line", w->env.escape > 0 ? json_object_new_string(w->env.line) : NULL);
		json_object_object_add(wo, "escape", e);
	}
}

void batch_envjoin_json(struct json_object *groups, const struct lab *lab, const struct report *r)
{
	for (int i = 0; i < r->ngroups && i < (int)json_object_array_length(groups); i++) {
		const struct report_group *rg = &r->groups[i];
		const struct lab_group *g = rg->g;
		struct json_object *go = json_object_array_get_idx(groups, (size_t)i), *workers;
		if (g->kind == LAB_THREADS)
			json_object_object_add(go, "main", json_object_new_string(batch_main_name(g->main)));
		if (g->workload == LAB_WORK_BATCHES)
			json_object_object_add(go, "batches", batch_batches(g->counted, g->delivered));
		if (!json_object_object_get_ex(go, "workers", &workers))
			continue;
		for (int j = 0; j < rg->nworkers && j < (int)json_object_array_length(workers); j++)
			batch_envjoin_worker(json_object_array_get_idx(workers, (size_t)j), lab, g, rg->workers[j].w);
	}
}

void batch_envjoin_text_group(FILE *out, const struct report_group *rg)
{
	char line[256];

	if (envjoin_group_text(rg->g, line, sizeof(line)))
		fprintf(out, "    %s\n", line);
}

void batch_envjoin_text_worker(FILE *out, const struct lab *lab, const struct report_group *rg,
                               const struct report_worker *rw)
{
	char line[256];

	if (envjoin_worker_text(lab, rg->g, rw->w, line, sizeof(line)))
		fprintf(out, "      %s\n", line);
}
