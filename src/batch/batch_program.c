/* The screenless front end of ptviz run: a program's tasks, output and reports, as JSON lines or text. */
#include "batch_program.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "batch_json.h"

static struct json_object *bp_signal(int sig)
{
	return sig ? json_object_new_string(lab_signal_name(sig)) : NULL;
}

static struct json_object *bp_thread(const struct program_thread *th)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_string(th->id));
	json_object_object_add(o, "tid", json_object_new_int(th->tid));
	json_object_object_add(o, "name", json_object_new_string(th->name));
	json_object_object_add(o, "state", batch_json_state(th->state));
	json_object_object_add(o, "alive", json_object_new_boolean(th->alive));
	json_object_object_add(o, "paused", json_object_new_boolean(th->paused));
	json_object_object_add(o, "cpu_ns", json_object_new_int64((int64_t)th->cpu_ns));
	if (!th->alive) {
		json_object_object_add(o, "signal", bp_signal(th->signal));
		json_object_object_add(o, "status", th->status >= 0 ? json_object_new_int(th->status) : NULL);
		json_object_object_add(o, "with_process", json_object_new_boolean(th->with_process));
	}
	return o;
}

/* A watched value as JSON: a number, true or false, or a pointer as "0x..." text. */
static struct json_object *bp_watch_value(const struct program_watch_value *w)
{
	switch (w->kind) {
	case SYMBOL_SIGNED: return json_object_new_int64(w->value.i);
	case SYMBOL_UNSIGNED: return json_object_new_uint64(w->value.u);
	case SYMBOL_BOOL: return json_object_new_boolean(w->value.u != 0);
	case SYMBOL_FLOAT: return json_object_new_double(w->value.d);
	case SYMBOL_POINTER: break;
	}
	return json_object_new_string(w->text);
}

/*
 * --watch: each global found in this process's executable, where it is in this process and what it
 * held, read while the program ran; "now" false: the last value read before the process ended.
 */
static struct json_object *bp_watch(const struct program_process *pp)
{
	struct json_object *a = json_object_new_array();
	char address[24];

	for (int i = 0; i < pp->nwatch; i++) {
		const struct program_watch_value *w = &pp->watch[i];
		struct json_object *o = json_object_new_object();
		snprintf(address, sizeof(address), "0x%llx", (unsigned long long)w->value.address);
		json_object_object_add(o, "name", json_object_new_string(w->name));
		json_object_object_add(o, "type", json_object_new_string(w->type));
		json_object_object_add(o, "address", json_object_new_string(address));
		json_object_object_add(o, "value", bp_watch_value(w));
		json_object_object_add(o, "now", json_object_new_boolean(w->now));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *bp_process(const struct program_process *pp)
{
	struct json_object *o = json_object_new_object();
	struct json_object *threads = json_object_new_array();

	json_object_object_add(o, "id", json_object_new_string(pp->id));
	json_object_object_add(o, "pid", json_object_new_int(pp->pid));
	json_object_object_add(o, "ppid", json_object_new_int(pp->ppid));
	json_object_object_add(o, "first_ppid", json_object_new_int(pp->first_ppid));
	json_object_object_add(o, "comm", json_object_new_string(pp->comm));
	json_object_object_add(o, "alive", json_object_new_boolean(pp->alive));
	json_object_object_add(o, "state", batch_json_state(pp->state));
	json_object_object_add(o, "signal", bp_signal(pp->signal));
	json_object_object_add(o, "status", pp->status >= 0 ? json_object_new_int(pp->status) : NULL);
	json_object_object_add(o, "sent_by_ptviz", json_object_new_boolean(pp->sent_by_ptviz));
	json_object_object_add(o, "cause", pp->cause[0] ? json_object_new_string(pp->cause) : NULL);
	json_object_object_add(o, "cpu_ns", json_object_new_int64((int64_t)pp->cpu_ns));
	for (int i = 0; i < pp->nthreads; i++)
		json_object_array_add(threads, bp_thread(&pp->threads[i]));
	json_object_object_add(o, "threads", threads);
	struct json_object *fds = json_object_new_array();
	for (int f = 0; f < pp->nfds; f++) {
		struct json_object *fo = json_object_new_object();
		json_object_object_add(fo, "fd", json_object_new_int(pp->fds[f].fd));
		json_object_object_add(fo, "file", json_object_new_string(pp->fds[f].target));
		json_object_array_add(fds, fo);
	}
	/* Read only while 'files on' is asked for the group (fds_open is 0 otherwise). */
	json_object_object_add(o, "fds", fds);
	json_object_object_add(o, "fds_open", json_object_new_int(pp->fds_total));
	json_object_object_add(o, "watch", bp_watch(pp));
	return o;
}

struct json_object *batch_program_json_group(const struct program_view *v)
{
	struct json_object *o = json_object_new_object();
	struct json_object *procs = json_object_new_array();
	struct json_object *watch = json_object_new_array();

	json_object_object_add(o, "name", json_object_new_string(v->name));
	json_object_object_add(o, "kind", json_object_new_string("program"));
	json_object_object_add(o, "command", json_object_new_string(v->command));
	json_object_object_add(o, "traced", json_object_new_boolean(v->traced));
	json_object_object_add(o, "follow_note", v->follow_note[0] ? json_object_new_string(v->follow_note) : NULL);
	json_object_object_add(o, "ended", json_object_new_boolean(v->ended));
	json_object_object_add(o, "exit_signal", bp_signal(v->exit_signal));
	json_object_object_add(o, "exit_status", v->exit_status >= 0 ? json_object_new_int(v->exit_status) : NULL);
	json_object_object_add(o, "tasks_started", json_object_new_int64(v->started));
	json_object_object_add(o, "tasks_unfollowed", json_object_new_int64(v->unfollowed));
	json_object_object_add(o, "live_tasks", json_object_new_int(v->live_tasks));
	for (int i = 0; i < v->opt.nwatch; i++)
		json_object_array_add(watch, json_object_new_string(v->opt.watch[i]));
	json_object_object_add(o, "watch_asked", watch);
	for (int i = 0; i < v->nprocesses; i++)
		json_object_array_add(procs, bp_process(&v->processes[i]));
	json_object_object_add(o, "processes", procs);
	json_object_object_add(o, "serial", json_object_new_int64(v->serial));
	return o;
}

static void bp_event_end(struct json_object *o, const struct program_event *ev)
{
	json_object_object_add(o, "signal", bp_signal(ev->signal));
	json_object_object_add(o, "status", ev->status >= 0 ? json_object_new_int(ev->status) : NULL);
	json_object_object_add(o, "sent_by_ptviz", json_object_new_boolean(ev->sent_by_ptviz));
	if (!ev->process) {
		json_object_object_add(o, "with_process", json_object_new_boolean(ev->with_process));
		return;
	}
	struct json_object *with = json_object_new_array();
	for (int i = 0; i < ev->nwith; i++)
		json_object_array_add(with, json_object_new_string(ev->with[i]));
	json_object_object_add(o, "cause", ev->cause[0] ? json_object_new_string(ev->cause) : NULL);
	json_object_object_add(o, "threads", with);
}

struct json_object *batch_program_json_event(const struct program_event *ev)
{
	static const char *const names[] = { [PROGRAM_EVENT_START] = "start", [PROGRAM_EVENT_END] = "end",
		                             [PROGRAM_EVENT_EXEC] = "exec", [PROGRAM_EVENT_OUTPUT] = "output",
		                             [PROGRAM_EVENT_NOTE] = "note" };
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "event", json_object_new_string(names[ev->kind]));
	json_object_object_add(o, "t", batch_json_figure(ev->t, "%.3f"));
	json_object_object_add(o, "group", json_object_new_string(ev->group));
	if (ev->kind == PROGRAM_EVENT_OUTPUT) {
		json_object_object_add(o, "stream", json_object_new_string(ev->stream));
		json_object_object_add(o, "text", json_object_new_string(ev->text));
		return o;
	}
	if (ev->kind == PROGRAM_EVENT_NOTE) {
		json_object_object_add(o, "message", json_object_new_string(ev->text));
		return o;
	}
	json_object_object_add(o, "kind", json_object_new_string(ev->process ? "process" : "thread"));
	json_object_object_add(o, "id", json_object_new_string(ev->id));
	json_object_object_add(o, "pid", json_object_new_int(ev->pid));
	json_object_object_add(o, "tid", json_object_new_int(ev->tid));
	json_object_object_add(o, "ppid", json_object_new_int(ev->ppid));
	json_object_object_add(o, "comm", json_object_new_string(ev->comm));
	if (ev->kind == PROGRAM_EVENT_END)
		bp_event_end(o, ev);
	return o;
}

/* "SIGSEGV", "exit status 3", or "an end ptviz could not see the cause of". */
static const char *bp_how(int sig, int status, char *buf, size_t len)
{
	if (sig)
		snprintf(buf, len, "%s", lab_signal_name(sig));
	else if (status >= 0)
		snprintf(buf, len, "exit status %d", status);
	else
		snprintf(buf, len, "an unknown cause");
	return buf;
}

void batch_program_text_event(const struct program_event *ev, FILE *out)
{
	char how[48];

	fprintf(out, "%6.2fs ", ev->t);
	switch (ev->kind) {
	case PROGRAM_EVENT_OUTPUT:
		fprintf(out, "%s %s| %s\n", ev->group, ev->stream, ev->text);
		break;
	case PROGRAM_EVENT_NOTE:
		fprintf(out, "note: %s\n", ev->text);
		break;
	case PROGRAM_EVENT_EXEC:
		fprintf(out, "%s (pid %d) ran exec: now %s\n", ev->id, (int)ev->pid, ev->comm);
		break;
	case PROGRAM_EVENT_START:
		if (ev->process)
			fprintf(out, "%s started: process pid %d, parent %d, %s\n", ev->id, (int)ev->pid, (int)ev->ppid, ev->comm);
		else
			fprintf(out, "%s started: thread tid %d in pid %d\n", ev->id, (int)ev->tid, (int)ev->pid);
		break;
	case PROGRAM_EVENT_END:
		bp_how(ev->signal, ev->status, how, sizeof(how));
		if (!ev->process) {
			fprintf(out, "%s ended (%s)%s\n", ev->id, how, ev->with_process ? ", with its process" : "");
			break;
		}
		fprintf(out, "%s (pid %d) ended: %s%s%s%s, threads with it:", ev->id, (int)ev->pid, how,
		        ev->sent_by_ptviz ? " sent by ptviz" : "", ev->cause[0] ? (ev->sent_by_ptviz ? " to " : " from ") : "", ev->cause);
		for (int i = 0; i < ev->nwith; i++)
			fprintf(out, " %s", ev->with[i]);
		fputc('\n', out);
		break;
	}
}

void batch_program_text_group(const struct program_view *v, FILE *out)
{
	char how[48];

	fprintf(out, "  %s: program %s, %s, %lld tasks started%s\n", v->name, v->command,
	        v->traced ? "traced" : "followed through /proc", (long long)v->started, v->ended ? ", ended" : "");
	if (v->unfollowed > 0)
		fprintf(out, "    %lld tasks past the first %d were counted, not followed\n", (long long)v->unfollowed,
		        PROGRAM_MAX_TASKS);
	if (v->opt.nwatch > 0)
		fprintf(out, "    watched values are read while the program runs, one process after another: not exact "
		        "snapshots\n");
	for (int i = 0; i < v->nprocesses; i++) {
		const struct program_process *pp = &v->processes[i];
		fprintf(out, "    %-6s pid %-7d ppid %-7d %c %-15s cpu %8.1f ms  %s\n", pp->id, (int)pp->pid, (int)pp->ppid,
		        pp->state, pp->comm, (double)pp->cpu_ns / 1e6,
		        pp->alive ? "alive" : bp_how(pp->signal, pp->status, how, sizeof(how)));
		for (int w = 0; w < pp->nwatch; w++)
			fprintf(out, "      %s = %s at 0x%llx%s\n", pp->watch[w].name, pp->watch[w].text,
			        (unsigned long long)pp->watch[w].value.address, pp->watch[w].now ? "" : " (last read)");
		if (v->files && pp->alive) {
			fprintf(out, "      open files (%d):", pp->fds_total);
			for (int f = 0; f < pp->nfds; f++)
				fprintf(out, " %d %s%s", pp->fds[f].fd, pp->fds[f].target, f + 1 < pp->nfds ? "," : "");
			fputc('\n', out);
		}
		for (int j = 0; j < pp->nthreads; j++) {
			const struct program_thread *th = &pp->threads[j];
			fprintf(out, "      %-8s tid %-7d %c %-15s cpu %8.1f ms  %s\n", th->id, (int)th->tid, th->state, th->name,
			        (double)th->cpu_ns / 1e6,
			        th->alive ? (th->paused ? "paused" : "alive") : th->with_process ? "ended with its process" : "ended");
		}
	}
}

/* ---- the run ---- */

struct bp_run {
	struct lab *lab;
	const struct run_options *ro;
	FILE *out;
	int sigfd;
	int stop_signal;
};

/* Writes out the events that came; how many. */
static int bp_drain(struct bp_run *r)
{
	struct program_event ev;
	int n = 0;

	for (; program_next_event(r->lab, &ev); n++) {
		if (r->ro->json) {
			struct json_object *o = batch_program_json_event(&ev);
			fprintf(r->out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
			json_object_put(o);
		} else
			batch_program_text_event(&ev, r->out);
		program_event_clear(&ev);
	}
	fflush(r->out);
	return n;
}

static void bp_report(struct bp_run *r)
{
	struct program_view *views;
	int n = program_views(r->lab, &views);
	double t = lab_now(r->lab);

	bp_drain(r);
	if (r->ro->json) {
		struct json_object *o = json_object_new_object();
		struct json_object *groups = json_object_new_array();
		json_object_object_add(o, "event", json_object_new_string("report"));
		json_object_object_add(o, "t", batch_json_figure(t, "%.3f"));
		for (int i = 0; i < n; i++)
			json_object_array_add(groups, batch_program_json_group(&views[i]));
		json_object_object_add(o, "groups", groups);
		fprintf(r->out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		fprintf(r->out, "%6.2fs report\n", t);
		for (int i = 0; i < n; i++)
			batch_program_text_group(&views[i], r->out);
	}
	fflush(r->out);
	program_views_free(views, n);
}

/*
 * Events are written out at most every BP_GATHER_S: each carries its own
 * time, and a program that starts a thousand threads a second then costs
 * fifty wakes a second, not thousands.
 */
#define BP_GATHER_S 0.02

/* Until the last process ends or a stop signal comes: events as they come, a report every ro->every seconds. */
static void bp_loop(struct bp_run *r)
{
	double next = lab_now(r->lab) + r->ro->every, gather_until = 0;

	while (!program_all_ended(r->lab)) {
		double now = lab_now(r->lab), wait = next - now;
		bool gathering = now < gather_until;
		if (gathering && gather_until - now < wait)
			wait = gather_until - now;
		struct pollfd pfd[2] = { { gathering ? -1 : program_fd(r->lab), POLLIN, 0 }, { r->sigfd, POLLIN, 0 } };
		if (poll(pfd, 2, wait > 0 ? (int)ceil(wait * 1000) : 0) < 0 && errno != EINTR)
			break;
		if (!gathering && bp_drain(r) > 0)
			gather_until = lab_now(r->lab) + BP_GATHER_S;
		struct signalfd_siginfo si;
		if (read(r->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			r->stop_signal = (int)si.ssi_signo;
			return;
		}
		if (lab_now(r->lab) >= next) {
			bp_report(r);
			next = lab_now(r->lab) + r->ro->every;
		}
	}
}

int batch_program_run(const struct run_options *ro, FILE *out, FILE *errout)
{
	struct lab_config cfg;
	struct lab_error err = { 0 };
	sigset_t stop, old;

	lab_config_defaults(&cfg);
	struct lab *lab = lab_new(&cfg, &err);
	if (lab == NULL) {
		fprintf(errout, "ptviz: %s\n", err.msg);
		return 1;
	}
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigaddset(&stop, SIGQUIT);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	struct bp_run r = { .lab = lab, .ro = ro, .out = out, .sigfd = signalfd(-1, &stop, SFD_CLOEXEC | SFD_NONBLOCK) };
	if (!program_spawn(lab, &ro->program, ro->argv, NULL, &err)) {
		fprintf(errout, "ptviz: %s\n", err.msg);
		lab_free(lab);
		close(r.sigfd);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return 127;
	}
	bp_drain(&r);
	bp_loop(&r);
	/* The end: the tree is ended and reaped (unless --keep), the last output read, then the last report. */
	program_end_all(lab, ro->program.keep);
	bp_report(&r);
	int rc = r.stop_signal ? 128 + r.stop_signal : program_exit_code(lab);
	if (r.stop_signal)
		fprintf(errout, "ptviz: %s: %s\n", lab_signal_name(r.stop_signal),
		        ro->program.keep ? "the program was left running (--keep)" : "the program's whole tree was ended");
	lab_free(lab);
	close(r.sigfd);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
