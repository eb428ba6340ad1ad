/* The costs lab's results as JSON lines, and the screenless runs (--bench, `bench` in -c or --batch) that wait. */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <bsd/string.h>
#include <json-c/json.h>

#include "bench_priv.h"

/* ---- JSON ---- */

static struct json_object *report_num(double v, int decimals)
{
	char buf[48];

	if (!isfinite(v))
		return NULL;
	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	return json_object_new_double_s(strtod(buf, NULL), buf);
}

/* {"event":"bench","t":...,"name":...}: how every line about a measurement begins. */
static struct json_object *report_object(enum bench_kind kind, double t)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "event", json_object_new_string("bench"));
	json_object_object_add(o, "t", report_num(t, 3));
	json_object_object_add(o, "name", json_object_new_string(bench_kind_name(kind)));
	return o;
}

static void json_create(struct json_object *o, const struct bench_create *k)
{
	json_object_object_add(o, "thread_us", report_num(k->thread_us, 3));
	json_object_object_add(o, "fork_us", report_num(k->fork_us, 3));
	json_object_object_add(o, "spawn_us", k->spawn_us > 0 ? report_num(k->spawn_us, 3) : NULL);
	json_object_object_add(o, "fork_per_thread", report_num(k->fork_us / k->thread_us, 2));
	json_object_object_add(o, "spawn_per_thread", k->spawn_us > 0 ? report_num(k->spawn_us / k->thread_us, 2) : NULL);
	json_object_object_add(o, "thread_n", json_object_new_int(k->thread_n));
	json_object_object_add(o, "fork_n", json_object_new_int(k->fork_n));
	json_object_object_add(o, "spawn_n", json_object_new_int(k->spawn_n));
	if (k->green_n > 0) {
		struct json_object *g = json_object_new_object();
		json_object_object_add(g, "n", json_object_new_int(k->green_n));
		json_object_object_add(g, "create_cpu_ms", report_num(k->green_create_ms, 1));
		json_object_object_add(g, "run_cpu_ms", report_num(k->green_run_ms, 1));
		json_object_object_add(g, "us_each", report_num(k->green_create_ms * 1e3 / k->green_n, 3));
		json_object_object_add(g, "rss_kib", k->green_kib >= 0 ? json_object_new_int64(k->green_kib) : NULL);
		json_object_object_add(g, "kib_each", k->green_kib >= 0 ? report_num((double)k->green_kib / k->green_n, 2) : NULL);
		json_object_object_add(g, "stack_bytes", json_object_new_int(k->green_stack));
		json_object_object_add(o, "green", g);
	}
}

static void json_forksize(struct json_object *o, const struct bench_forksize *k)
{
	struct json_object *pts = json_object_new_array();

	for (int i = 0; i < k->npoints; i++) {
		const struct bench_forksize_point *p = &k->p[i];
		struct json_object *po = json_object_new_object();
		json_object_object_add(po, "mib", json_object_new_int(p->mib));
		json_object_object_add(po, "fork_us", report_num(p->fork_us, 3));
		json_object_object_add(po, "fork_min_us", report_num(p->fork_min_us, 3));
		json_object_object_add(po, "fork_huge_us", report_num(p->fork_huge_us, 3));
		json_object_object_add(po, "huge_mib", report_num(p->huge_mib, 1));
		json_object_object_add(po, "thread_us", report_num(p->thread_us, 3));
		json_object_object_add(po, "reps", json_object_new_int(p->reps));
		json_object_array_add(pts, po);
	}
	json_object_object_add(o, "points", pts);
	json_object_object_add(o, "fork_us_per_mib", report_num(k->fork_us_per_mib, 4));
	json_object_object_add(o, "fork_huge_us_per_mib", report_num(k->fork_huge_us_per_mib, 4));
	json_object_object_add(o, "thread_us_per_mib", report_num(k->thread_us_per_mib, 4));
	json_object_object_add(o, "thp", k->thp_mode[0] ? json_object_new_string(k->thp_mode) : NULL);
	json_object_object_add(o, "capped_mib", k->capped_mib > 0 ? json_object_new_int(k->capped_mib) : NULL);
}

static void json_switch(struct json_object *o, const struct bench_switch *k)
{
	json_object_object_add(o, "pinned_cpu", json_object_new_int(k->pinned_cpu));
	json_object_object_add(o, "threads_pinned_us", report_num(k->threads_pinned_us, 3));
	json_object_object_add(o, "processes_pinned_us", report_num(k->processes_pinned_us, 3));
	json_object_object_add(o, "threads_unpinned_us", report_num(k->threads_unpinned_us, 3));
	json_object_object_add(o, "processes_unpinned_us", report_num(k->processes_unpinned_us, 3));
	json_object_object_add(o, "round_trips", json_object_new_int64(k->round_trips));
}

static void json_ipc(struct json_object *o, const struct bench_ipc *k)
{
	struct json_object *list = json_object_new_array();

	for (int s = 0; s < BENCH_IPC_SIZES; s++) {
		for (int m = 0; m < BENCH_IPC_METHODS; m++) {
			struct json_object *mo = json_object_new_object();
			json_object_object_add(mo, "method", json_object_new_string(bench_ipc_method_name((enum bench_ipc_method)m)));
			json_object_object_add(mo, "between", json_object_new_string(m == BENCH_IPC_THREADS ? "threads" : "processes"));
			json_object_object_add(mo, "bytes", json_object_new_int(k->bytes[s]));
			json_object_object_add(mo, "mb_per_s", report_num(k->mb_per_s[s][m], 1));
			json_object_object_add(mo, "msgs_per_s", report_num(k->msgs_per_s[s][m], 0));
			json_object_array_add(list, mo);
		}
	}
	json_object_object_add(o, "results", list);
}

struct json_object *bench_report_json(const struct bench_result *r, double t)
{
	struct json_object *o = report_object(r->kind, t);

	json_object_object_add(o, "cpus", json_object_new_int(r->machine.cpus));
	json_object_object_add(o, "cpus_allowed", json_object_new_int(r->machine.allowed));
	json_object_object_add(o, "kernel", json_object_new_string(r->machine.kernel));
	json_object_object_add(o, "cpu_model", r->machine.model[0] ? json_object_new_string(r->machine.model) : NULL);
	json_object_object_add(o, "seconds", report_num(r->seconds, 3));
	struct json_object *opt = json_object_new_object();
	json_object_object_add(opt, "seconds", report_num(r->opt.seconds, 2));
	json_object_object_add(opt, "max_mib", json_object_new_int(r->opt.max_mib));
	json_object_object_add(o, "options", opt);
	switch (r->kind) {
	case BENCH_CREATE:
		json_create(o, &r->u.create);
		break;
	case BENCH_FORKSIZE:
		json_forksize(o, &r->u.forksize);
		break;
	case BENCH_SWITCH:
		json_switch(o, &r->u.sw);
		break;
	case BENCH_IPC:
		json_ipc(o, &r->u.ipc);
		break;
	default:
		break;
	}
	return o;
}

/* ---- runs that wait ---- */

static void report_emit(FILE *out, struct json_object *o)
{
	fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	fflush(out);
	json_object_put(o);
}

struct report_progress {
	bool tty;
	int tenth;      /* the last tenth printed, without a terminal */
	bool line_open; /* a progress line waits for its end */
};

static void report_progress(struct report_progress *p, const struct bench *b, FILE *errout)
{
	int pct = (int)(b->fraction * 100);

	if (p->tty) {
		fprintf(errout, "\r\033[Kptviz: bench %s %3d%%  %s", bench_kind_name(b->kind), pct, b->progress);
		p->line_open = true;
	} else if (pct / 10 != p->tenth) {
		p->tenth = pct / 10;
		fprintf(errout, "ptviz: bench %s %3d%%  %s\n", bench_kind_name(b->kind), pct, b->progress);
	}
	fflush(errout);
}

static void report_progress_end(struct report_progress *p, FILE *errout)
{
	if (p->line_open)
		fprintf(errout, "\r\033[K");
	p->line_open = false;
	p->tenth = -1;
	fflush(errout);
}

bool bench_report_run(enum bench_kind kind, const struct bench_options *opt, bool json, bool utf8, double t0,
                      FILE *out, FILE *errout, int stop_fd, char *msg, size_t msglen)
{
	static struct bench b;   /* large: off the stack */
	struct report_progress prog = { isatty(fileno(errout)) == 1, -1, false };
	double start = bench_now();
	bool ok = true;

	msg[0] = '\0';
	bench_init(&b);
	if (!bench_start(&b, kind, opt)) {
		strlcpy(msg, b.error, msglen);
		return false;
	}
	while (bench_running(&b)) {
		struct pollfd pfd[2] = { { bench_fd(&b), POLLIN, 0 }, { stop_fd, POLLIN, 0 } };
		if (poll(pfd, stop_fd >= 0 ? 2 : 1, 1000) < 0 && errno != EINTR)
			break;
		if (stop_fd >= 0 && (pfd[1].revents & POLLIN)) {
			bench_cancel(&b);
			report_progress_end(&prog, errout);
			snprintf(msg, msglen, "interrupted: the measuring child of %s was ended", bench_kind_name(b.kind));
			return false;
		}
		enum bench_news news = bench_dispatch(&b);
		if (news == BENCH_NEWS_PROGRESS) {
			report_progress(&prog, &b, errout);
		} else if (news == BENCH_NEWS_DONE) {
			report_progress_end(&prog, errout);
			const struct bench_result *r = bench_last(&b, b.done);
			double t = t0 + bench_now() - start;
			if (b.done_ok && r != NULL) {
				if (json)
					report_emit(out, bench_report_json(r, t));
				else
					bench_report_text(r, utf8, out);
			} else {
				ok = false;
				if (json) {
					struct json_object *o = report_object(b.done, t);
					json_object_object_add(o, "error", json_object_new_string(b.done_error));
					report_emit(out, o);
				} else {
					fprintf(out, "bench %s: %s\n", bench_kind_name(b.done), b.done_error);
					fflush(out);
				}
				if (msg[0] == '\0')
					snprintf(msg, msglen, "bench %s: %s", bench_kind_name(b.done), b.done_error);
			}
			/* The next of `all` may not have started. */
			if (!bench_running(&b) && b.next < b.nqueue) {
				snprintf(msg, msglen, "%s", b.error);
				ok = false;
			}
		}
	}
	return ok;
}

bool bench_report_command(const char *name, bool json, double t0, FILE *out, FILE *errout, int stop_fd, char *msg,
                          size_t msglen)
{
	enum bench_kind kind;

	if (!bench_kind_parse(name, &kind)) {
		snprintf(msg, msglen, "unknown measurement '%s': expected create, forksize, switch, ipc or all", name);
		return false;
	}
	/* Batch output is plain ASCII, like the rest of it. */
	return bench_report_run(kind, bench_defaults(), json, false, t0, out, errout, stop_fd, msg, msglen);
}

int bench_report_main(const char *name, bool json)
{
	enum bench_kind kind = BENCH_ALL;
	char msg[256];
	sigset_t stop, old;

	if (name != NULL && !bench_kind_parse(name, &kind)) {
		fprintf(stderr, "ptviz: --bench: unknown measurement '%s': expected create, forksize, switch, ipc or all\n",
		        name);
		return 2;
	}
	setlocale(LC_CTYPE, "");
	bool utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	/* Ctrl-C ends the measuring child first, then ptviz. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	int sigfd = signalfd(-1, &stop, SFD_CLOEXEC | SFD_NONBLOCK);
	bool ok = bench_report_run(kind, bench_defaults(), json, utf8, 0, stdout, stderr, sigfd, msg, sizeof(msg));
	if (!ok)
		fprintf(stderr, "ptviz: %s\n", msg);
	if (sigfd >= 0) {
		/* Taken here, so it does not end ptviz once unblocked: the exit code says it. */
		struct signalfd_siginfo si;
		while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			;
		close(sigfd);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ok ? 0 : 1;
}
