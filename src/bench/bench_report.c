/* The costs lab in words and in JSON, and the screenless runs that wait for a result. */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>
#include <json-c/json.h>

#include "bench.h"
#include "../view/story.h"

#define US(utf8) ((utf8) ? "\u00b5s" : "us")
#define TIMES(utf8) ((utf8) ? "\u00d7" : "x")

void bench_format_us(double us, char *buf, size_t len)
{
	if (us < 0)
		snprintf(buf, len, "-");
	else if (us < 10)
		snprintf(buf, len, "%.2f", us);
	else if (us < 100)
		snprintf(buf, len, "%.1f", us);
	else
		snprintf(buf, len, "%.0f", us);
}

/* A rate: 1.23 M, 456 k, 789. */
static void report_rate(double v, char *buf, size_t len)
{
	if (v >= 1e9)
		snprintf(buf, len, "%.2f G", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, len, "%.2f M", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, len, "%.1f k", v / 1e3);
	else
		snprintf(buf, len, "%.0f ", v);
}

static void report_size(int bytes, char *buf, size_t len)
{
	if (bytes >= 1024 && bytes % 1024 == 0)
		snprintf(buf, len, "%d KiB", bytes / 1024);
	else
		snprintf(buf, len, "%d-byte", bytes);
}

/* ---- plain words ---- */

static void report_add(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void report_add(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

void bench_report_verdict(const struct bench_result *r, bool utf8, char *buf, size_t len)
{
	char a[32], b[32], c[32];

	buf[0] = '\0';
	if (r == NULL || !r->valid)
		return;
	switch (r->kind) {
	case BENCH_CREATE: {
		const struct bench_create *k = &r->u.create;
		bench_format_us(k->thread_us, a, sizeof(a));
		report_add(buf, len, "Here a new thread cost %s %s and a new process %.1f%s as much", a, US(utf8),
		           k->fork_us / k->thread_us, TIMES(utf8));
		if (k->spawn_us > 0)
			report_add(buf, len, "; starting a new program cost %.0f%s.", k->spawn_us / k->thread_us, TIMES(utf8));
		else
			report_add(buf, len, "; /bin/true could not be started, so no program was timed.");
		report_add(buf, len,
		           " A thread needs only a stack and a kernel task inside the same address space. fork() must "
		           "copy the page tables of the whole process and mark its memory copy-on-write, and the child "
		           "must tear them down again when it ends. posix_spawn() copies no page tables: on Linux its "
		           "child shares the parent's memory, as after vfork(), until it calls exec. Its time goes to "
		           "exec: a new address space, the program and its libraries mapped in and linked, and all of "
		           "it torn down again when the program ends.");
		break;
	}
	case BENCH_FORKSIZE: {
		const struct bench_forksize *k = &r->u.forksize;
		const struct bench_forksize_point *big = &k->p[k->npoints - 1];
		bench_format_us(k->fork_us_per_mib, a, sizeof(a));
		bench_format_us(k->fork_huge_us_per_mib < 0 ? 0 : k->fork_huge_us_per_mib, b, sizeof(b));
		report_add(buf, len,
		           "Every MiB the parent held made fork() about %s %s slower: a MiB is 256 pages of 4 KiB, "
		           "and fork copies an entry for each. At %d MiB one fork took %.1f ms. ",
		           a, US(utf8), big->mib, big->fork_us / 1000);
		if (big->huge_mib >= big->mib / 2.0)
			report_add(buf, len,
			           "In huge pages (2 MiB each, %.0f of %d MiB given by the kernel) it was %s %s per MiB: "
			           "one entry covers 512 small pages. ",
			           big->huge_mib, big->mib, b, US(utf8));
		else
			report_add(buf, len,
			           "Huge pages were asked for, but the kernel gave only %.0f of %d MiB (mode '%s'), so that "
			           "row says little. ",
			           big->huge_mib, big->mib, k->thp_mode[0] ? k->thp_mode : "unknown");
		bench_format_us(big->thread_us, c, sizeof(c));
		report_add(buf, len,
		           "pthread_create stayed flat (%s %s at %d MiB): a new thread shares the memory, so there is "
		           "nothing to copy.",
		           c, US(utf8), big->mib);
		break;
	}
	case BENCH_SWITCH: {
		const struct bench_switch *k = &r->u.sw;
		double pinned = k->processes_pinned_us / k->threads_pinned_us;
		double wake = (k->threads_unpinned_us + k->processes_unpinned_us) /
		              (k->threads_pinned_us + k->processes_pinned_us);
		bench_format_us(k->threads_pinned_us, a, sizeof(a));
		bench_format_us(k->processes_pinned_us, b, sizeof(b));
		report_add(buf, len, "On one CPU a round trip (two switches) took %s %s between threads and %s %s between processes (%.2f%s). ",
		           a, US(utf8), b, US(utf8), pinned, TIMES(utf8));
		if (pinned < 1.25)
			report_add(buf, len,
			           "So switching address spaces is cheap on this machine: the CPU tags TLB entries by address "
			           "space (PCID), so loading other page tables does not throw the cached translations away. "
			           "Most of the cost is the kernel's own work: the system calls, the wake-up, the scheduler. ");
		else
			report_add(buf, len,
			           "Here changing address spaces costs something extra: new page tables, and translations the "
			           "TLB has to find again. ");
		if (wake > 1.15)
			report_add(buf, len,
			           "Allowed any CPU, it took %.1f%s as long: the partner is woken on the other CPU, which "
			           "may first have to leave an idle state, and the byte moves between caches.",
			           wake, TIMES(utf8));
		else if (wake < 0.87)
			report_add(buf, len,
			           "Allowed any CPU it was faster (%.2f%s): both sides could run at once.", wake, TIMES(utf8));
		else
			report_add(buf, len, "Allowed any CPU it cost about the same (%.2f%s).", wake, TIMES(utf8));
		break;
	}
	case BENCH_IPC: {
		const struct bench_ipc *k = &r->u.ipc;
		story_rate(k->msgs_per_s[0][BENCH_IPC_PIPE], a, sizeof(a));
		story_rate(k->msgs_per_s[0][BENCH_IPC_SHM], b, sizeof(b));
		story_rate(k->msgs_per_s[0][BENCH_IPC_THREADS], c, sizeof(c));
		report_add(buf, len,
		           "Small messages: %s a second by pipe, %s through shared memory between processes, %s through "
		           "a variable shared by threads. Each message through a pipe or a socket costs two system calls, "
		           "a write and a read, with the kernel copying in between; through shared memory the bytes are "
		           "copied in and out just the same, but no system call is made. ",
		           a, b, c);
		double best_kernel = k->mb_per_s[1][BENCH_IPC_PIPE] > k->mb_per_s[1][BENCH_IPC_SOCKET]
		                         ? k->mb_per_s[1][BENCH_IPC_PIPE]
		                         : k->mb_per_s[1][BENCH_IPC_SOCKET];
		if (best_kernel > 0 && k->mb_per_s[1][BENCH_IPC_SHM] / best_kernel < 2)
			report_add(buf, len,
			           "In %d KiB messages the copying itself is most of the work, so the kernel's channels come "
			           "close (the best at %.0f MB/s against %.0f). ",
			           k->bytes[1] / 1024, best_kernel, k->mb_per_s[1][BENCH_IPC_SHM]);
		double shm = k->mb_per_s[1][BENCH_IPC_SHM], thr = k->mb_per_s[1][BENCH_IPC_THREADS];
		double lo = shm < thr ? shm : thr, hi = shm < thr ? thr : shm;
		if (lo > 0 && hi / lo < 1.3)
			report_add(buf, len,
			           "Once memory is shared, processes move data as fast as threads: the cost is the kernel "
			           "in the middle, not being a process. What threads save is setting the sharing up.");
		else
			report_add(buf, len,
			           "Shared memory between processes and a variable between threads differ here by %.1f%s in "
			           "big messages; the machine was probably busy.",
			           lo > 0 ? hi / lo : 0.0, TIMES(utf8));
		break;
	}
	default:
		break;
	}
}

void bench_report_line(const struct bench_result *r, bool utf8, char *buf, size_t len)
{
	char a[32], b[32], c[32], d[32];

	buf[0] = '\0';
	if (r == NULL || !r->valid)
		return;
	switch (r->kind) {
	case BENCH_CREATE: {
		const struct bench_create *k = &r->u.create;
		bench_format_us(k->thread_us, a, sizeof(a));
		bench_format_us(k->fork_us, b, sizeof(b));
		bench_format_us(k->spawn_us, c, sizeof(c));
		snprintf(buf, len, "create: pthread_create %s %s, fork %s %s (%.1f%s), posix_spawn %s %s (%.0f%s)", a,
		         US(utf8), b, US(utf8), k->fork_us / k->thread_us, TIMES(utf8), c, US(utf8),
		         k->spawn_us > 0 ? k->spawn_us / k->thread_us : 0.0, TIMES(utf8));
		break;
	}
	case BENCH_FORKSIZE: {
		const struct bench_forksize *k = &r->u.forksize;
		bench_format_us(k->p[0].fork_us, a, sizeof(a));
		bench_format_us(k->p[k->npoints - 1].fork_us, b, sizeof(b));
		bench_format_us(k->fork_us_per_mib, c, sizeof(c));
		bench_format_us(k->p[k->npoints - 1].thread_us, d, sizeof(d));
		snprintf(buf, len, "forksize: fork %s %s at %d MiB, %s %s at %d MiB (%s %s per MiB); pthread_create %s %s",
		         a, US(utf8), k->p[0].mib, b, US(utf8), k->p[k->npoints - 1].mib, c, US(utf8), d, US(utf8));
		break;
	}
	case BENCH_SWITCH: {
		const struct bench_switch *k = &r->u.sw;
		bench_format_us(k->threads_pinned_us, a, sizeof(a));
		bench_format_us(k->processes_pinned_us, b, sizeof(b));
		bench_format_us(k->threads_unpinned_us, c, sizeof(c));
		bench_format_us(k->processes_unpinned_us, d, sizeof(d));
		snprintf(buf, len, "switch: one CPU threads %s, processes %s %s; any CPU threads %s, processes %s %s", a, b,
		         US(utf8), c, d, US(utf8));
		break;
	}
	case BENCH_IPC: {
		const struct bench_ipc *k = &r->u.ipc;
		snprintf(buf, len, "ipc, %d KiB messages: pipe %.0f, socket %.0f, shared memory %.0f, shared variable %.0f MB/s",
		         k->bytes[1] / 1024, k->mb_per_s[1][0], k->mb_per_s[1][1], k->mb_per_s[1][2], k->mb_per_s[1][3]);
		break;
	}
	default:
		break;
	}
}

/* Words wrapped at width, each line indented. */
static void report_wrap(FILE *out, const char *text, int indent, int width)
{
	const char *p = text;

	while (*p != '\0') {
		int room = width - indent, n = 0, cut = 0, cols = 0;
		while (p[n] != '\0' && cols < room) {
			if (p[n] == ' ')
				cut = n;
			/* Count columns, not bytes: a UTF-8 sequence is one. */
			if (((unsigned char)p[n] & 0xc0) != 0x80)
				cols++;
			n++;
		}
		if (p[n] == '\0')
			cut = n;
		else if (cut == 0)
			cut = n;
		fprintf(out, "%*s%.*s\n", indent, "", cut, p);
		p += cut;
		while (*p == ' ')
			p++;
	}
}

void bench_report_text(const struct bench_result *r, bool utf8, FILE *out)
{
	char a[32], b[48], c[32], d[32], verdict[2048];
	const char *dot = utf8 ? "\u00b7" : "-";

	fprintf(out, "bench %s %s %d CPUs (%d allowed), %s %s took %.1f s\n", bench_kind_name(r->kind), dot,
	        r->machine.cpus, r->machine.allowed, r->machine.kernel, dot, r->seconds);
	switch (r->kind) {
	case BENCH_CREATE: {
		const struct bench_create *k = &r->u.create;
		bench_format_us(k->thread_us, a, sizeof(a));
		bench_format_us(k->fork_us, b, sizeof(b));
		bench_format_us(k->spawn_us, c, sizeof(c));
		fprintf(out, "  %-24s %9s %s %7.1f%s   (%d timed)\n", "pthread_create + join", a, US(utf8), 1.0,
		        TIMES(utf8), k->thread_n);
		fprintf(out, "  %-24s %9s %s %7.1f%s   (%d timed)\n", "fork + waitpid", b, US(utf8),
		        k->fork_us / k->thread_us, TIMES(utf8), k->fork_n);
		if (k->spawn_us > 0)
			fprintf(out, "  %-24s %9s %s %7.1f%s   (%d timed)\n", "posix_spawn /bin/true", c, US(utf8),
			        k->spawn_us / k->thread_us, TIMES(utf8), k->spawn_n);
		else
			fprintf(out, "  %-24s %9s\n", "posix_spawn /bin/true", "not run");
		break;
	}
	case BENCH_FORKSIZE: {
		const struct bench_forksize *k = &r->u.forksize;
		if (k->capped_mib > 0)
			fprintf(out, "  (the largest size was lowered to %d MiB to fit in free memory)\n", k->capped_mib);
		fprintf(out, "  %9s  %14s  %14s %10s  %14s\n", "held", "fork, 4 KiB", "fork, huge", "(huge)",
		        "pthread_create");
		for (int i = 0; i < k->npoints; i++) {
			const struct bench_forksize_point *p = &k->p[i];
			bench_format_us(p->fork_us, a, sizeof(a));
			bench_format_us(p->fork_huge_us, b, sizeof(b));
			bench_format_us(p->thread_us, c, sizeof(c));
			fprintf(out, "  %5d MiB  %11s %s  %11s %s %6.0f MiB  %11s %s\n", p->mib, a, US(utf8), b, US(utf8),
			        p->huge_mib, c, US(utf8));
		}
		bench_format_us(k->fork_us_per_mib, a, sizeof(a));
		bench_format_us(k->fork_huge_us_per_mib < 0 ? 0 : k->fork_huge_us_per_mib, b, sizeof(b));
		snprintf(c, sizeof(c), "%.3f", k->thread_us_per_mib);
		fprintf(out, "  per MiB held: fork %s %s, fork in huge pages %s %s, pthread_create %s %s (THP mode %s)\n", a,
		        US(utf8), b, US(utf8), c, US(utf8), k->thp_mode[0] ? k->thp_mode : "unknown");
		break;
	}
	case BENCH_SWITCH: {
		const struct bench_switch *k = &r->u.sw;
		snprintf(d, sizeof(d), "one CPU (%d)", k->pinned_cpu);
		fprintf(out, "  %-28s %14s %14s\n", "pipe round trip", d, "any CPU");
		bench_format_us(k->threads_pinned_us, a, sizeof(a));
		bench_format_us(k->threads_unpinned_us, b, sizeof(b));
		fprintf(out, "  %-28s %11s %s %11s %s\n", "two threads", a, US(utf8), b, US(utf8));
		bench_format_us(k->processes_pinned_us, a, sizeof(a));
		bench_format_us(k->processes_unpinned_us, b, sizeof(b));
		fprintf(out, "  %-28s %11s %s %11s %s\n", "two processes", a, US(utf8), b, US(utf8));
		fprintf(out, "  %-28s %13.2f%s %13.2f%s   (%ld round trips each)\n", "processes / threads",
		        k->processes_pinned_us / k->threads_pinned_us, TIMES(utf8),
		        k->processes_unpinned_us / k->threads_unpinned_us, TIMES(utf8), k->round_trips);
		break;
	}
	case BENCH_IPC: {
		const struct bench_ipc *k = &r->u.ipc;
		fprintf(out, "  %-18s", "");
		for (int s = 0; s < BENCH_IPC_SIZES; s++) {
			report_size(k->bytes[s], a, sizeof(a));
			snprintf(b, sizeof(b), "%s messages", a);
			fprintf(out, "  %26s", b);
		}
		fprintf(out, "\n");
		for (int m = 0; m < BENCH_IPC_METHODS; m++) {
			fprintf(out, "  %-18s", bench_ipc_method_name((enum bench_ipc_method)m));
			for (int s = 0; s < BENCH_IPC_SIZES; s++) {
				report_rate(k->msgs_per_s[s][m], a, sizeof(a));
				fprintf(out, "  %8s msg/s %7.0f MB/s", a, k->mb_per_s[s][m]);
			}
			fprintf(out, "\n");
		}
		break;
	}
	default:
		break;
	}
	bench_report_verdict(r, utf8, verdict, sizeof(verdict));
	report_wrap(out, verdict, 2, 78);
	fflush(out);
}

/* ---- JSON ---- */

static struct json_object *report_num(double v, int decimals)
{
	char buf[48];

	if (!isfinite(v))
		return NULL;
	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	return json_object_new_double_s(strtod(buf, NULL), buf);
}

struct json_object *bench_report_json(const struct bench_result *r, double t)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "event", json_object_new_string("bench"));
	json_object_object_add(o, "t", report_num(t, 3));
	json_object_object_add(o, "name", json_object_new_string(bench_kind_name(r->kind)));
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
	case BENCH_CREATE: {
		const struct bench_create *k = &r->u.create;
		json_object_object_add(o, "thread_us", report_num(k->thread_us, 3));
		json_object_object_add(o, "fork_us", report_num(k->fork_us, 3));
		json_object_object_add(o, "spawn_us", k->spawn_us > 0 ? report_num(k->spawn_us, 3) : NULL);
		json_object_object_add(o, "fork_per_thread", report_num(k->fork_us / k->thread_us, 2));
		json_object_object_add(o, "spawn_per_thread", k->spawn_us > 0 ? report_num(k->spawn_us / k->thread_us, 2) : NULL);
		json_object_object_add(o, "thread_n", json_object_new_int(k->thread_n));
		json_object_object_add(o, "fork_n", json_object_new_int(k->fork_n));
		json_object_object_add(o, "spawn_n", json_object_new_int(k->spawn_n));
		break;
	}
	case BENCH_FORKSIZE: {
		const struct bench_forksize *k = &r->u.forksize;
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
		break;
	}
	case BENCH_SWITCH: {
		const struct bench_switch *k = &r->u.sw;
		json_object_object_add(o, "pinned_cpu", json_object_new_int(k->pinned_cpu));
		json_object_object_add(o, "threads_pinned_us", report_num(k->threads_pinned_us, 3));
		json_object_object_add(o, "processes_pinned_us", report_num(k->processes_pinned_us, 3));
		json_object_object_add(o, "threads_unpinned_us", report_num(k->threads_unpinned_us, 3));
		json_object_object_add(o, "processes_unpinned_us", report_num(k->processes_unpinned_us, 3));
		json_object_object_add(o, "round_trips", json_object_new_int64(k->round_trips));
		break;
	}
	case BENCH_IPC: {
		const struct bench_ipc *k = &r->u.ipc;
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
		break;
	}
	default:
		break;
	}
	return o;
}

/* ---- runs that wait ---- */

static double report_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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
	double start = report_now();
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
			double t = t0 + report_now() - start;
			if (b.done_ok && r != NULL) {
				if (json)
					report_emit(out, bench_report_json(r, t));
				else
					bench_report_text(r, utf8, out);
			} else {
				ok = false;
				if (json) {
					struct json_object *o = json_object_new_object();
					json_object_object_add(o, "event", json_object_new_string("bench"));
					json_object_object_add(o, "t", report_num(t, 3));
					json_object_object_add(o, "name", json_object_new_string(bench_kind_name(b.done)));
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
