/* The screenless front end: runs commands and prints what happened, as text or JSON lines. */
#include "batch_priv.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <json-c/json.h>

#include "../bench/bench.h"
#include "batch_program.h"
#include "../cmd/cmd.h"
#include "../view/explain.h"
#include "../view/frames.h"
#include "../view/green_words.h"
#include "../view/machine_words.h"
#include "../view/report.h"
#include "../view/story.h"
#include "batch_envjoin.h"
#include "batch_json.h"
#include "batch_life.h"
#include "batch_work.h"


static struct json_object *batch_address(uintptr_t a)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%" PRIxPTR, a);
	return json_object_new_string(buf);
}

static struct json_object *batch_object(const char *event, double t)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "event", json_object_new_string(event));
	json_object_object_add(o, "t", batch_json_figure(t, "%.3f"));
	return o;
}

static void batch_emit(struct batch *b, struct json_object *o)
{
	fprintf(b->out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	fflush(b->out);
	json_object_put(o);
}

static void batch_print_event(void *ctx, const struct lab_event *ev)
{
	struct batch *b = ctx;

	if (!b->opt->json) {
		char text[768];
		story_event(b->lab, ev, false, text, sizeof(text));
		fprintf(b->out, "%6.2fs %s\n", ev->t, text);
		fflush(b->out);
		return;
	}
	static const char *const kinds[] = { [LAB_EVENT_SPAWN] = "spawn", [LAB_EVENT_EXIT] = "exit",
		                             [LAB_EVENT_STOPPED] = "stopped", [LAB_EVENT_RESUMED] = "resumed",
		                             [LAB_EVENT_UNREADABLE] = "unreadable", [LAB_EVENT_NO_PROC] = "no_proc" };
	struct json_object *o = batch_object(kinds[ev->kind], ev->t);
	struct json_object *ids = json_object_new_array();
	for (int i = 0; i < ev->nids; i++)
		json_object_array_add(ids, json_object_new_string(ev->ids[i]));
	json_object_object_add(o, "group", json_object_new_string(ev->group));
	const struct lab_group *eg = lab_group_by_serial(b->lab, ev->group_serial);
	json_object_object_add(o, "kind", json_object_new_string(eg != NULL && eg->green.kernels > 0 ? "green"
	                                                         : lab_kind_name(ev->group_kind)));
	if (ev->kind == LAB_EVENT_SPAWN) {
		struct json_object *tids = json_object_new_array();
		for (int i = 0; i < ev->nids; i++)
			json_object_array_add(tids, json_object_new_int(ev->pids[i]));
		json_object_object_add(o, "pid", ev->pid ? json_object_new_int(ev->pid) : NULL);
		json_object_object_add(o, "workers", ids);
		json_object_object_add(o, ev->group_kind == LAB_THREADS ? "tids" : "pids", tids);
	} else if (ev->kind == LAB_EVENT_UNREADABLE) {
		json_object_object_add(o, "error", json_object_new_string(strerror(ev->status)));
	} else if (ev->kind == LAB_EVENT_NO_PROC) {
		/* Workers without /proc files: state "?", cpu_ns 0; their counts are read as usual. */
		json_object_object_add(o, "workers", ids);
		json_object_object_add(o, "error", json_object_new_string(strerror(ev->status)));
		json_object_object_add(o, "ulimit_n", ev->limit > 0 ? json_object_new_int64(ev->limit) : NULL);
	} else if (ev->kind == LAB_EVENT_STOPPED || ev->kind == LAB_EVENT_RESUMED) {
		/* A stop is for a whole process: every worker in it. */
		json_object_object_add(o, "pid", json_object_new_int(ev->pid));
		json_object_object_add(o, "workers", ids);
		json_object_object_add(o, "signal", ev->signal ? json_object_new_string(lab_signal_name(ev->signal)) : NULL);
		/* stopped: when its figures were last read; resumed: when it had stopped. */
		json_object_object_add(o, ev->kind == LAB_EVENT_STOPPED ? "figures_t" : "stopped_t",
		                       batch_json_figure(ev->since, "%.3f"));
		/* Told without its signal: the workers /proc showed stopped (all, or a part of a thread host). */
		if (ev->kind == LAB_EVENT_STOPPED && ev->signal == 0 && ev->nstopped > 0) {
			struct json_object *seen = json_object_new_array();
			for (int i = 0; i < ev->nstopped; i++)
				json_object_array_add(seen, json_object_new_string(ev->ids[i]));
			json_object_object_add(o, "seen_stopped", seen);
			json_object_object_add(o, "by_tracer", json_object_new_boolean(ev->stop_state == 't'));
		}
	} else {
		json_object_object_add(o, "pid", json_object_new_int(ev->pid));
		json_object_object_add(o, "workers", ids);
		json_object_object_add(o, "cause", ev->cause[0] ? json_object_new_string(ev->cause) : NULL);
		json_object_object_add(o, "fault", ev->cause[0] ? json_object_new_string(lab_fault_name(ev->fault)) : NULL);
		json_object_object_add(o, "reason", json_object_new_string(lab_end_name(ev->end)));
		json_object_object_add(o, "signal", ev->signal ? json_object_new_string(lab_signal_name(ev->signal)) : NULL);
		json_object_object_add(o, "status", ev->status >= 0 ? json_object_new_int(ev->status) : NULL);
		/* When the cause began its fault, by its own clock: t minus this is how long news took. */
		json_object_object_add(o, "fault_t", ev->cause[0] ? batch_json_figure(ev->fault_t, "%.3f") : NULL);
		/* Its children, handed to ptviz (the child subreaper) as it died. */
		struct json_object *orphans = json_object_new_array();
		for (int i = 0; i < ev->norphans; i++)
			json_object_array_add(orphans, json_object_new_int(ev->orphans[i]));
		json_object_object_add(o, "orphans", orphans);
	}
	json_object_object_add(o, "group_serial", json_object_new_int64(ev->group_serial));
	batch_emit(b, o);
}

static void batch_error(struct batch *b, const struct cmd_error *err)
{
	if (b->opt->json) {
		struct json_object *o = batch_object("error", lab_now(b->lab));
		json_object_object_add(o, "source", json_object_new_string(b->opt->source));
		json_object_object_add(o, "line", json_object_new_int(err->line));
		json_object_object_add(o, "column", json_object_new_int(err->column));
		json_object_object_add(o, "message", json_object_new_string(err->message));
		batch_emit(b, o);
	}
	fflush(b->out);   /* what came before the error is written before it, wherever both go */
	fprintf(b->errout, "ptviz: %s:%d:%d: %s\n", b->opt->source, err->line, err->column, err->message);
	fflush(b->errout);
}

/* What stepping and dying add to a worker's object, and its open files. */
static void batch_json_worker_more(struct json_object *wo, const struct report_worker *rw)
{
	const struct lab_worker *w = rw->w;

	if (rw->stepping) {
		json_object_object_add(wo, "register", w->has_reg ? json_object_new_int64(w->reg) : NULL);
		json_object_object_add(wo, "next", json_object_new_string(lab_step_name(w->next)));
		json_object_object_add(wo, "steps", json_object_new_int64(w->steps));
		json_object_object_add(wo, "holds_lock", json_object_new_boolean(w->holds_lock));
	}
	if (!w->alive) {
		json_object_object_add(wo, "end", json_object_new_string(lab_end_name(w->end)));
		json_object_object_add(wo, "signal", w->signal ? json_object_new_string(lab_signal_name(w->signal)) : NULL);
		json_object_object_add(wo, "status", w->status >= 0 ? json_object_new_int(w->status) : NULL);
		json_object_object_add(wo, "died_at", batch_json_figure(w->died_at, "%.3f"));
	}
	struct json_object *fds = json_object_new_array();
	for (int f = 0; f < w->nfds; f++) {
		struct json_object *fo = json_object_new_object();
		json_object_object_add(fo, "fd", json_object_new_int(w->fds[f].fd));
		json_object_object_add(fo, "file", json_object_new_string(w->fds[f].target));
		json_object_array_add(fds, fo);
	}
	json_object_object_add(wo, "fds", fds);
	json_object_object_add(wo, "fds_open", json_object_new_int(w->fds_total));
}

static struct json_object *batch_json_worker(const struct batch *b, const struct report_group *rg,
                                             const struct report_worker *rw, double now)
{
	const struct lab_worker *w = rw->w;
	struct json_object *wo = json_object_new_object();

	json_object_object_add(wo, "id", json_object_new_string(w->id));
	json_object_object_add(wo, "pid", json_object_new_int(w->pid));
	json_object_object_add(wo, "tid", json_object_new_int(w->tid));
	json_object_object_add(wo, "alive", json_object_new_boolean(w->alive));
	json_object_object_add(wo, "state", batch_json_state(w->state));
	json_object_object_add(wo, "cpu", w->cpu >= 0 ? json_object_new_int(w->cpu) : NULL);
	json_object_object_add(wo, "done", json_object_new_int64(w->done));
	json_object_object_add(wo, "counter_address", batch_address(w->counter_address));
	json_object_object_add(wo, "counter", json_object_new_int64(w->counter));
	json_object_object_add(wo, "stack_address", batch_address(w->stack_address));
	json_object_object_add(wo, "paused", json_object_new_boolean(rw->paused));
	json_object_object_add(wo, "looping", json_object_new_boolean(rw->looping));
	json_object_object_add(wo, "activity", json_object_new_string(rw->activity));
	json_object_object_add(wo, "cpu_ticks", json_object_new_int64((int64_t)w->cpu_ticks));
	json_object_object_add(wo, "cpu_ns", json_object_new_int64((int64_t)w->cpu_ns));
	json_object_object_add(wo, "zombie", json_object_new_boolean(w->zombie));
	json_object_object_add(wo, "mid_increment", json_object_new_boolean(w->mid_increment));
	json_object_object_add(wo, "figures_kept", json_object_new_boolean(w->figures_kept));
	json_object_object_add(wo, "stopped", json_object_new_boolean(w->stopped));
	json_object_object_add(wo, "stop_signal", w->stopped && w->stop_signal ? json_object_new_string(lab_signal_name(w->stop_signal)) : NULL);
	if (rg->g->workload == LAB_WORK_EVENTLOOP)
		json_object_object_add(wo, "backlog", json_object_new_int64(w->backlog));
	struct json_object *holds = json_object_new_array();
	for (uint32_t lock = LAB_LOCK_A; lock <= LAB_LOCK_B; lock <<= 1) {
		if (rw->holds & lock)
			json_object_array_add(holds, json_object_new_string(explain_lock_letter(lock)));
	}
	json_object_object_add(wo, "holds", holds);
	json_object_object_add(wo, "wants", rw->wants ? json_object_new_string(explain_lock_letter(rw->wants)) : NULL);
	if (rg->withdraw)
		json_object_object_add(wo, "refused", json_object_new_int64(w->refused));
	batch_json_worker_more(wo, rw);
	json_object_object_add(wo, "memory", batch_memory_json(&w->memory, rg->g->kind == LAB_THREADS));
	json_object_object_add(wo, "lifecycle", batch_life_json(&b->life, w, now));
	if (rg->g->green.kernels > 0)
		json_object_object_add(wo, "kernel_tid", json_object_new_int(w->tid));
	json_object_object_add(wo, "serial", json_object_new_int64(w->serial));
	return wo;
}

static struct json_object *batch_json_kid(const struct lab_kid *kid)
{
	struct json_object *ko = json_object_new_object();

	json_object_object_add(ko, "pid", json_object_new_int(kid->pid));
	json_object_object_add(ko, "parent", json_object_new_string(kid->parent_id));
	json_object_object_add(ko, "parent_pid", json_object_new_int(kid->parent_pid));
	json_object_object_add(ko, "ppid", json_object_new_int(kid->ppid));
	json_object_object_add(ko, "state", batch_json_state(kid->state));
	json_object_object_add(ko, "alive", json_object_new_boolean(kid->alive));
	json_object_object_add(ko, "adopted", json_object_new_boolean(kid->adopted));
	return ko;
}

/* "green": the runtime under a group of green threads: N, M, hand-off, where they yield, the kernel threads. */
static struct json_object *batch_json_green(const struct lab_group *g)
{
	struct json_object *o = json_object_new_object();
	struct json_object *tids = json_object_new_array();

	json_object_object_add(o, "n", json_object_new_int(g->nworkers));
	json_object_object_add(o, "m", json_object_new_int(g->green.kernels));
	json_object_object_add(o, "handoff", json_object_new_boolean(g->green.handoff));
	json_object_object_add(o, "yield", json_object_new_string(g->green.anywhere ? "anywhere" : "boundary"));
	for (int i = 0; i < g->green.kernel_threads && i < LAB_GREEN_KERNELS_MAX; i++)
		json_object_array_add(tids, json_object_new_int(g->green.kernel_tids[i]));
	json_object_object_add(o, "kernel_threads", json_object_new_int(g->green.kernel_threads));
	json_object_object_add(o, "kernel_tids", tids);
	json_object_object_add(o, "handoffs", json_object_new_int(g->green.handoffs));
	return o;
}

static struct json_object *batch_json_group(const struct batch *b, const struct report_group *rg, double now, int cpus)
{
	const struct lab_group *g = rg->g;
	struct json_object *go = json_object_new_object();

	json_object_object_add(go, "name", json_object_new_string(g->name));
	json_object_object_add(go, "kind", json_object_new_string(rg->kind));
	if (g->green.kernels > 0)
		json_object_object_add(go, "green", batch_json_green(g));
	json_object_object_add(go, "memory", json_object_new_string(rg->memory));
	json_object_object_add(go, "sync", json_object_new_string(lab_sync_name(g->sync)));
	json_object_object_add(go, "pid", g->kind == LAB_THREADS ? json_object_new_int(g->host) : NULL);
	json_object_object_add(go, "alive", json_object_new_int(g->alive));
	json_object_object_add(go, "increments", json_object_new_int64(g->increments));
	json_object_object_add(go, "counter", rg->one_counter ? json_object_new_int64(g->counter) : NULL);
	json_object_object_add(go, "counter_address", batch_address(g->counter_address));
	json_object_object_add(go, "lost", json_object_new_int64(g->lost));
	json_object_object_add(go, "consistent", json_object_new_boolean(g->consistent));
	/* lost is what is surely lost: a writer stands mid-increment (mid_increment names it). */
	json_object_object_add(go, "lost_at_least", json_object_new_boolean(g->lost_at_least));
	json_object_object_add(go, "lost_kept", json_object_new_boolean(g->lost_kept));
	json_object_object_add(go, "mid_increment", g->mid_id[0] ? json_object_new_string(g->mid_id) : NULL);
	json_object_object_add(go, "workload", json_object_new_string(lab_workload_name(g->workload)));
	json_object_object_add(go, "gil", json_object_new_boolean(g->gil));
	json_object_object_add(go, "lockorder_fixed", json_object_new_boolean(g->lockorder));
	json_object_object_add(go, "pinned_cpu", g->pinned_cpu >= 0 ? json_object_new_int(g->pinned_cpu) : NULL);
	json_object_object_add(go, "priority", json_object_new_string(g->idle_priority ? "idle" : "normal"));
	json_object_object_add(go, "stepping", json_object_new_boolean(g->stepping));
	if (rg->withdraw) {
		json_object_object_add(go, "start_balance", json_object_new_int64(g->start_balance));
		json_object_object_add(go, "amount", json_object_new_int(LAB_WITHDRAW_AMOUNT));
		json_object_object_add(go, "withdrawals", json_object_new_int64(g->increments));
		json_object_object_add(go, "balance", rg->one_counter ? json_object_new_int64(g->counter) : NULL);
		json_object_object_add(go, "refused", json_object_new_int64(g->refused));
		json_object_object_add(go, "overdrawn", json_object_new_boolean(g->overdrawn));
	}
	struct json_object *workers = json_object_new_array();
	for (int j = 0; j < rg->nworkers; j++)
		json_object_array_add(workers, batch_json_worker(b, rg, &rg->workers[j], now));
	json_object_object_add(go, "workers", workers);
	struct json_object *kids = json_object_new_array();
	for (int k = 0; k < rg->nkids; k++)
		json_object_array_add(kids, batch_json_kid(rg->kids[k].kid));
	json_object_object_add(go, "children", kids);
	/* "memory" already says "shared" or "private": the figures are "memory_use". */
	json_object_object_add(go, "memory_use", batch_group_memory_json(g));
	batch_work_json(go, g, cpus);
	json_object_object_add(go, "serial", json_object_new_int64(g->serial));
	return go;
}

/* "observation": how often the lab was observed, and how long a pass took; "machine": the CPUs and the load. */
static void batch_json_machine(struct json_object *o, const struct report *r)
{
	const struct lab_observation *ob = &r->observation;
	const struct lab_machine *m = &r->machine;
	struct json_object *oo = json_object_new_object();
	struct json_object *mo = json_object_new_object();

	json_object_object_add(oo, "passes", json_object_new_int64((int64_t)ob->passes));
	json_object_object_add(oo, "hz", batch_json_figure(ob->hz, "%.2f"));
	json_object_object_add(oo, "pass_median_us", ob->passes ? batch_json_figure(ob->pass_median_us, "%.1f") : NULL);
	json_object_object_add(oo, "pass_p90_us", ob->passes ? batch_json_figure(ob->pass_p90_us, "%.1f") : NULL);
	json_object_object_add(o, "observation", oo);
	json_object_object_add(mo, "cpus", json_object_new_int(m->cpus));
	json_object_object_add(mo, "other_cpu", m->measured ? batch_json_figure(m->other_cpu, "%.2f") : NULL);
	json_object_object_add(mo, "load1", m->load1 >= 0 ? batch_json_figure(m->load1, "%.2f") : NULL);
	json_object_object_add(o, "machine", mo);
}

static void batch_report_json(struct batch *b, const struct report *r)
{
	struct json_object *o = batch_object("report", r->t);
	struct json_object *groups = json_object_new_array();

	json_object_object_add(o, "parent_counter", json_object_new_int64(r->parent_counter));
	json_object_object_add(o, "parent_counter_address", batch_address(r->parent_counter_address));
	batch_json_machine(o, r);
	for (int i = 0; i < r->ngroups; i++)
		json_object_array_add(groups, batch_json_group(b, &r->groups[i], r->t, r->machine.cpus));
	batch_envjoin_json(groups, b->lab, r);
	struct program_view *views;
	int nviews = program_views(b->lab, &views);
	for (int i = 0; i < nviews; i++)
		json_object_array_add(groups, batch_program_json_group(&views[i]));
	program_views_free(views, nviews);
	json_object_object_add(o, "groups", groups);
	batch_emit(b, o);
}

/* Gathers the report, tells the events its observation brought first, then the report. */
/* What programs ptviz did not write did meanwhile (batch_program.c). */
static void batch_program_events(struct batch *b)
{
	struct program_event ev;

	while (program_next_event(b->lab, &ev)) {
		if (b->opt->json) {
			struct json_object *o = batch_program_json_event(&ev);
			batch_emit(b, o);
		} else
			batch_program_text_event(&ev, b->out);
		program_event_clear(&ev);
	}
}

static bool batch_report(struct batch *b)
{
	struct report r;

	if (!report_gather(&r, b->lab))
		return false;
	life_update(&b->life, b->lab, r.t);
	frames_drain(&b->clock);
	batch_program_events(b);
	if (b->opt->json)
		batch_report_json(b, &r);
	else
		batch_report_text(b, &r);
	report_free(&r);
	return true;
}

/* After each observation: a sample of every worker's life. */
static void batch_frame(void *ctx, const struct lab *lab)
{
	struct batch *b = ctx;

	life_update(&b->life, lab, lab_now(lab));
}

/* Takes a pending SIGINT, SIGTERM, SIGHUP or SIGQUIT, so it stops the run instead of killing ptviz. */
static bool batch_interrupted(void *ctx)
{
	struct batch *b = ctx;
	struct signalfd_siginfo si;

	if (b->sigfd >= 0 && read(b->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		b->interrupted = true;
	return b->interrupted;
}

/* What the run does after a command: goes on, stops (quit, or interrupted), or stops on the error it was given. */
enum batch_next { BATCH_ON, BATCH_STOP, BATCH_FAILED };

/* A failure the command language cannot place: it is told at the command's line and column. */
static enum batch_next batch_failed_at(const struct cmd *c, struct cmd_error *err)
{
	err->line = c->line;
	err->column = c->column;
	return BATCH_FAILED;
}

/* What a command had to say beside doing it (e.g. a default it took), as text or as a "note" object. */
static void batch_note(struct batch *b, const struct cmd *c, const char *note)
{
	if (note[0] == '\0')
		return;
	if (!b->opt->json) {
		fprintf(b->out, "%6.2fs note: %s\n", lab_now(b->lab), note);
		return;
	}
	struct json_object *o = batch_object("note", lab_now(b->lab));
	json_object_object_add(o, "line", json_object_new_int(c->line));
	json_object_object_add(o, "command", json_object_new_string(c->text));
	json_object_object_add(o, "message", json_object_new_string(note));
	batch_emit(b, o);
}

/* One command, the events it brought, and what it asks of batch: time to pass, a report, a measurement, the end. */
static enum batch_next batch_command(struct batch *b, const struct cmd *c, struct cmd_error *err)
{
	char note[LAB_MSG_MAX];

	if (!cmd_exec(b->lab, c, err, note, sizeof(note))) {
		frames_drain(&b->clock);
		batch_program_events(b);
		return BATCH_FAILED;
	}
	frames_drain(&b->clock);
	batch_program_events(b);
	batch_note(b, c, note);
	if (c->verb == CMD_RUN) {
		frames_run(&b->clock, c->seconds, b->sigfd);
		batch_program_events(b);
	}
	else if (c->verb == CMD_REPORT && !batch_report(b)) {
		snprintf(err->message, sizeof(err->message), "report: out of memory");
		return batch_failed_at(c, err);
	} else if (c->verb == CMD_BENCH) {
		/* Measured in a child of its own (src/bench); the groups run on meanwhile. */
		if (!bench_report_command(c->bench, b->opt->json, lab_now(b->lab), b->out, b->errout, b->sigfd, err->message,
		                          sizeof(err->message)))
			return batch_interrupted(b) ? BATCH_STOP : batch_failed_at(c, err);
	} else if (c->verb == CMD_QUIT)
		return BATCH_STOP;
	return BATCH_ON;
}

int batch_run(struct lab *lab, const char *text, size_t len, const struct batch_options *opt, FILE *out,
              FILE *errout)
{
	struct batch b = { .lab = lab, .opt = opt, .out = out, .errout = errout, .sigfd = -1 };
	const struct frames_hooks hooks = { .event = batch_print_event, .frame = batch_frame, .stop = batch_interrupted,
		                            .ctx = &b };
	struct cmd_list list;
	struct cmd_error err;
	sigset_t stop, old;
	int rc = 0;

	/* Time passes as the screen lets it, observing at opt->hz, reaping as workers end. */
	frames_start(&b.clock, lab, opt->hz, &hooks);
	/* The whole text is checked before anything starts: a typo on line 9 must not leave lines 1-8 half done. */
	if (!batch_text_check(text, len, &err) || !cmd_parse(text, 1, &list, &err)) {
		batch_error(&b, &err);
		life_free(&b.life);
		return 1;
	}
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	/* Ctrl-\ ends the run as Ctrl-C does: no core file for a person who only wanted out. */
	sigaddset(&stop, SIGQUIT);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	b.sigfd = signalfd(-1, &stop, SFD_CLOEXEC | SFD_NONBLOCK);

	for (int i = 0; i < list.n && !batch_interrupted(&b); i++) {
		enum batch_next next = batch_command(&b, &list.items[i], &err);
		if (next == BATCH_FAILED) {
			batch_error(&b, &err);
			rc = 1;
		}
		if (next != BATCH_ON)
			break;
	}
	if (b.interrupted) {
		fprintf(errout, "ptviz: interrupted; every worker was ended\n");
		rc = 1;
	}
	cmd_list_free(&list);
	/* Every worker is ended and reaped before ptviz leaves, and every program's tree (unless --keep). */
	program_end_all(lab, false);
	lab_reset(lab);
	frames_drain(&b.clock);
	batch_program_events(&b);
	if (b.sigfd >= 0)
		close(b.sigfd);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	life_free(&b.life);
	return rc;
}
