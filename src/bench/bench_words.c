/* The costs lab's figures in words: the table, the one line for the event log, and what the figures say. */
#include <stdarg.h>
#include <string.h>

#include <bsd/string.h>

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

void bench_fork_slope_words(const struct bench_forksize *k, bool utf8, char *buf, size_t len)
{
	char us[16];

	bench_format_us(k->fork_us_per_mib, us, sizeof(us));
	if (k->fork_us_per_mib > 0)
		snprintf(buf, len, "+%s %s per MiB", us, US(utf8));
	else
		snprintf(buf, len, "no growth seen (busy machine)");
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

/* create: a thread against a process against a program, and where each one's time goes. */
static void verdict_creation(const struct bench_result *r, bool utf8, char *buf, size_t len)
{
	const struct bench_create *k = &r->u.create;
	char a[32];

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
	if (k->green_n > 0)
		report_add(buf, len, " %d green threads, alive at once, took %.0f ms of CPU to create (%.1f %s each) and "
		           "%.0f MiB: a page of stack and a saved context each, and no kernel task at all. A green "
		           "thread's first touch of its stack page is most of what it costs.",
		           k->green_n, k->green_create_ms, k->green_create_ms * 1e3 / k->green_n, US(utf8),
		           (double)k->green_kib / 1024.0);
}

/* forksize: fork copies a page-table entry per page held; a huge page is one entry; a thread copies none. */
static void verdict_page_tables(const struct bench_result *r, bool utf8, char *buf, size_t len)
{
	const struct bench_forksize *k = &r->u.forksize;
	const struct bench_forksize_point *big = &k->p[k->npoints - 1];
	char a[32], b[32], c[32];

	bench_format_us(k->fork_us_per_mib, a, sizeof(a));
	bench_format_us(k->fork_huge_us_per_mib < 0 ? 0 : k->fork_huge_us_per_mib, b, sizeof(b));
	if (k->fork_us_per_mib > 0)
		report_add(buf, len,
		           "Every MiB the parent held made fork() about %s %s slower: a MiB is 256 pages of 4 KiB, "
		           "and fork copies an entry for each. At %d MiB one fork took %.1f ms. ",
		           a, US(utf8), big->mib, big->fork_us / 1000);
	else
		report_add(buf, len,
		           "This time fork() did not grow with the memory held: other work on the machine slowed some "
		           "forks more than copying page tables did (fork copies an entry for each 4 KiB page; measure "
		           "again with 2 when it is quieter). At %d MiB one fork took %.1f ms. ",
		           big->mib, big->fork_us / 1000);
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
}

/* switch: what changing address spaces adds to a switch, and what waking a partner on another CPU adds. */
static void verdict_address_spaces(const struct bench_result *r, bool utf8, char *buf, size_t len)
{
	const struct bench_switch *k = &r->u.sw;
	double pinned = k->processes_pinned_us / k->threads_pinned_us;
	double wake = (k->threads_unpinned_us + k->processes_unpinned_us) /
	              (k->threads_pinned_us + k->processes_pinned_us);
	char a[32], b[32];

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
}

/* ipc: the kernel in the middle costs system calls per message; with memory shared, processes equal threads. */
static void verdict_kernel_in_the_middle(const struct bench_result *r, bool utf8, char *buf, size_t len)
{
	const struct bench_ipc *k = &r->u.ipc;
	char a[32], b[32], c[32];

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
	double shared = k->mb_per_s[1][BENCH_IPC_SHM];
	/* Which was faster is read from the figures, never assumed: on a busy machine a pipe can win. */
	if (best_kernel > 0 && shared > 0 && best_kernel >= shared * 1.15)
		report_add(buf, len,
		           "In %d KiB messages the copying itself is most of the work, and here the kernel's best channel "
		           "was even faster than shared memory (%.0f MB/s against %.0f): waiting for the other side, "
		           "not the system calls, set the pace. ",
		           k->bytes[1] / 1024, best_kernel, shared);
	else if (best_kernel > 0 && shared / best_kernel < 1.5)
		report_add(buf, len,
		           "In %d KiB messages the copying itself is most of the work, so the kernel's channels come "
		           "close (the best at %.0f MB/s against %.0f through shared memory). ",
		           k->bytes[1] / 1024, best_kernel, shared);
	else if (best_kernel > 0)
		report_add(buf, len,
		           "Even in %d KiB messages shared memory stayed %.1f%s as fast as the kernel's best channel "
		           "(%.0f MB/s against %.0f). ",
		           k->bytes[1] / 1024, shared / best_kernel, TIMES(utf8), shared, best_kernel);
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
}

void bench_report_verdict(const struct bench_result *r, bool utf8, char *buf, size_t len)
{
	buf[0] = '\0';
	if (r == NULL || !r->valid)
		return;
	switch (r->kind) {
	case BENCH_CREATE:
		verdict_creation(r, utf8, buf, len);
		break;
	case BENCH_FORKSIZE:
		verdict_page_tables(r, utf8, buf, len);
		break;
	case BENCH_SWITCH:
		verdict_address_spaces(r, utf8, buf, len);
		break;
	case BENCH_IPC:
		verdict_kernel_in_the_middle(r, utf8, buf, len);
		break;
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
		bench_fork_slope_words(k, utf8, c, sizeof(c));
		bench_format_us(k->p[k->npoints - 1].thread_us, d, sizeof(d));
		snprintf(buf, len, "forksize: fork %s %s at %d MiB, %s %s at %d MiB (%s); pthread_create %s %s", a, US(utf8),
		         k->p[0].mib, b, US(utf8), k->p[k->npoints - 1].mib, c, d, US(utf8));
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

/* create: each way of starting, its cost against a thread's, and how many were timed. */
static void table_create(const struct bench_result *r, bool utf8, FILE *out)
{
	const struct bench_create *k = &r->u.create;
	char a[32], b[48], c[32];

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
	if (k->green_n > 0) {
		char g[32];
		bench_format_us(k->green_create_ms * 1e3 / k->green_n, g, sizeof(g));
		fprintf(out, "  %-24s %9s %s of CPU each, %d alive at once: %.0f ms of CPU, %ld KiB resident, %d-byte stacks\n",
		        "green thread (ucontext)", g, US(utf8), k->green_n, k->green_create_ms, k->green_kib, k->green_stack);
	}
}

/* forksize: a row for each size held, then the cost of each MiB. */
static void table_forksize(const struct bench_result *r, bool utf8, FILE *out)
{
	const struct bench_forksize *k = &r->u.forksize;
	char a[32], b[48], c[32];

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
}

/* switch: threads and processes, on one CPU and on any. */
static void table_switch(const struct bench_result *r, bool utf8, FILE *out)
{
	const struct bench_switch *k = &r->u.sw;
	char a[32], b[48], d[32];

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
}

/* ipc: a row for each way, a column for each message size. */
static void table_ipc(const struct bench_result *r, FILE *out)
{
	const struct bench_ipc *k = &r->u.ipc;
	char a[32], b[48];

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
}

void bench_report_text(const struct bench_result *r, bool utf8, FILE *out)
{
	char verdict[2048];
	const char *dot = utf8 ? "\u00b7" : "-";

	fprintf(out, "bench %s %s %d CPUs (%d allowed), %s %s took %.1f s\n", bench_kind_name(r->kind), dot,
	        r->machine.cpus, r->machine.allowed, r->machine.kernel, dot, r->seconds);
	switch (r->kind) {
	case BENCH_CREATE:
		table_create(r, utf8, out);
		break;
	case BENCH_FORKSIZE:
		table_forksize(r, utf8, out);
		break;
	case BENCH_SWITCH:
		table_switch(r, utf8, out);
		break;
	case BENCH_IPC:
		table_ipc(r, out);
		break;
	default:
		break;
	}
	bench_report_verdict(r, utf8, verdict, sizeof(verdict));
	report_wrap(out, verdict, 2, 78);
	fflush(out);
}
