/* What the channel and tasks workloads add to a group in the report: JSON fields and text lines. */
#include "batch_work.h"

#include "../view/work_text.h"
#include "batch_json.h"

static struct json_object *batch_channel_json(const struct lab_group *g)
{
	const struct lab_channel *c = &g->channel;
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "owner", json_object_new_string(g->nworkers > 0 ? g->workers[0].id : ""));
	json_object_object_add(o, "queue_kind", json_object_new_string(g->kind == LAB_THREADS ? "ring" : "pipe"));
	json_object_object_add(o, "sent", json_object_new_int64(c->sent));
	json_object_object_add(o, "received", json_object_new_int64(c->received));
	json_object_object_add(o, "queue", json_object_new_int64(c->queue));
	json_object_object_add(o, "queue_max", json_object_new_int64(c->queue_max));
	json_object_object_add(o, "capacity", json_object_new_int64(c->capacity));
	json_object_object_add(o, "full_waits", json_object_new_int64(c->full));
	json_object_object_add(o, "in_queue", c->in_queue >= 0 ? json_object_new_int64(c->in_queue) : NULL);
	return o;
}

static struct json_object *batch_tasks_json(const struct lab_group *g, int cpus)
{
	const struct lab_tasks *t = &g->tasks;
	struct json_object *o = json_object_new_object();
	double ceiling = work_tasks_ceiling(g, cpus);

	json_object_object_add(o, "pool", t->pool > 0 ? json_object_new_int(t->pool) : json_object_new_string("off"));
	json_object_object_add(o, "rate", t->rate > 0 ? json_object_new_int(t->rate) : json_object_new_string("max"));
	json_object_object_add(o, "seconds", batch_json_figure(t->seconds, "%.2f"));
	json_object_object_add(o, "done", json_object_new_int64(t->done));
	json_object_object_add(o, "started", json_object_new_int64(t->started));
	json_object_object_add(o, "arrived", json_object_new_int64(t->arrived));
	json_object_object_add(o, "backlog", json_object_new_int64(t->backlog));
	json_object_object_add(o, "created", json_object_new_int64(t->created));
	json_object_object_add(o, "alive", json_object_new_int(t->alive));
	json_object_object_add(o, "alive_max", json_object_new_int(t->alive_max));
	json_object_object_add(o, "cpu_ns", json_object_new_int64(t->cpu_ns));
	json_object_object_add(o, "cpu_us_per_task_run",
	                       t->done > 0 ? batch_json_figure((double)t->cpu_ns / 1000.0 / (double)t->done, "%.2f") : NULL);
	json_object_object_add(o, "per_s", batch_json_figure(t->per_s, "%.1f"));
	json_object_object_add(o, "cpu_us_per_task", batch_json_figure(t->cpu_us_per_task, "%.2f"));
	json_object_object_add(o, "cpu_share", batch_json_figure(t->cpu_share, "%.3f"));
	json_object_object_add(o, "cpus", json_object_new_int(cpus));
	json_object_object_add(o, "ceiling_per_s", ceiling > 0 ? batch_json_figure(ceiling, "%.0f") : NULL);
	json_object_object_add(o, "wait_us", batch_json_figure(t->wait_us, "%.1f"));
	json_object_object_add(o, "wait_max_us", batch_json_figure(t->wait_max_us, "%.1f"));
	json_object_object_add(o, "memory_kib", t->memory_kib >= 0 ? json_object_new_int64(t->memory_kib) : NULL);
	return o;
}

void batch_work_json(struct json_object *go, const struct lab_group *g, int cpus)
{
	if (g->workload == LAB_WORK_CHANNEL)
		json_object_object_add(go, "channel", batch_channel_json(g));
	else if (g->workload == LAB_WORK_TASKS)
		json_object_object_add(go, "tasks", batch_tasks_json(g, cpus));
}

void batch_work_text(FILE *out, const struct lab_group *g, int cpus)
{
	char lines[2][WORK_TEXT_MAX];

	if (!work_text(g, cpus, lines))
		return;
	fprintf(out, "    %s\n    %s\n", lines[0], lines[1]);
}
