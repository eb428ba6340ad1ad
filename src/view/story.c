/* Plain-words accounts of what happened, shared by every front end. */
#include "story.h"

#include "envjoin.h"

#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

const char *story_fault(enum lab_fault fault)
{
	static const char *const told[] = { VOCAB_INJECTS(VOCAB_HELP) };
	unsigned i = (unsigned)fault - LAB_FAULT_SEGV;

	return i < sizeof(told) / sizeof(told[0]) ? told[i] : "stopped";
}

void story_death(const struct lab_worker *w, char *buf, size_t len)
{
	if (w->alive)
		strlcpy(buf, "alive", len);
	else if (w->end == LAB_END_ENDED)
		strlcpy(buf, "ended", len);
	else if (w->signal != 0)
		strlcpy(buf, lab_signal_name(w->signal), len);
	else if (w->status >= 0)
		snprintf(buf, len, "exit %d", w->status);
	else
		strlcpy(buf, lab_end_name(w->end), len);
}

/* The thread of g whose fault killed the host w lived in, or NULL: only threads die with another. */
const struct lab_worker *story_fault_cause(const struct lab_group *g, const struct lab_worker *w)
{
	if (g->kind != LAB_THREADS || w->alive || (w->end != LAB_END_FAULT && w->end != LAB_END_SIBLING))
		return NULL;
	for (int i = 0; i < g->nworkers; i++)
		if (!g->workers[i].alive && g->workers[i].end == LAB_END_FAULT && g->workers[i].pid == w->pid)
			return &g->workers[i];
	return NULL;
}

/*
 * How a worker of g died, telling the one that faulted from those its fault
 * killed: "SIGSEGV (faulted)", "died with T3"; else as story_death.
 */
void story_death_in_group(const struct lab_group *g, const struct lab_worker *w, char *buf, size_t len)
{
	const struct lab_worker *cause = story_fault_cause(g, w);
	char death[32];

	story_death(w, death, sizeof(death));
	if (cause == w && g->nworkers > 1)
		snprintf(buf, len, "%s (faulted)", death);
	else if (cause != NULL && cause != w)
		snprintf(buf, len, "died with %s", cause->id);
	else
		strlcpy(buf, death, len);
}

void story_group_ids(const struct lab_group *g, bool alive, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; i < g->nworkers; i++) {
		if (g->workers[i].alive != alive)
			continue;
		/* A run of neighbours is said by its ends: T1..T4; two alone as one run when they are all. */
		int end = i;
		while (end + 1 < g->nworkers && g->workers[end + 1].alive == alive)
			end++;
		bool whole = i == 0 && end == g->nworkers - 1;
		if (buf[0] != '\0')
			strlcat(buf, " ", len);
		if (end - i >= 2 || (end - i == 1 && whole)) {
			char run[2 * LAB_ID_MAX + 4];
			snprintf(run, sizeof(run), "%s..%s", g->workers[i].id, g->workers[end].id);
			strlcat(buf, run, len);
			i = end;
		} else {
			strlcat(buf, g->workers[i].id, len);
		}
	}
}

/* "T1 T2 T4": the ids of an event other than skip. */
static void story_ids(const struct lab_event *ev, const char *skip, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; i < ev->nids; i++) {
		if (strcmp(ev->ids[i], skip) == 0)
			continue;
		if (buf[0] != '\0')
			strlcat(buf, " ", len);
		strlcat(buf, ev->ids[i], len);
	}
}

/* Who in the group is still running, other than those of the event. */
static void story_survivors(const struct lab *lab, const struct lab_event *ev, char *buf, size_t len)
{
	const struct lab_group *g = lab_group_by_serial(lab, ev->group_serial);

	buf[0] = '\0';
	if (g == NULL)
		return;
	for (int i = 0; i < g->nworkers; i++) {
		if (!g->workers[i].alive)
			continue;
		if (buf[0] != '\0')
			strlcat(buf, " ", len);
		strlcat(buf, g->workers[i].id, len);
	}
}

/*
 * A thread host partly stopped, told without its signal since no SIGCHLD
 * came: only what /proc showed.  "host 4100 of T partly stopped: T2 shows t
 * (stopped by a tracer), T1 T3 run on; no SIGCHLD named a signal ...".
 */
static void story_partly_stopped(const struct lab_event *ev, const char *who, char *buf, size_t len)
{
	char seen[256] = "", rest[256] = "";

	for (int i = 0; i < ev->nids; i++) {
		char *list = i < ev->nstopped ? seen : rest;
		if (list[0] != '\0')
			strlcat(list, " ", sizeof(seen));
		strlcat(list, ev->ids[i], sizeof(seen));
	}
	snprintf(buf, len, "%s partly stopped: %s %s %s in /proc, %s %s not; no SIGCHLD named a signal within half a second "
	         "(a tracer stops one thread at a time; a SIGSTOP reaches each thread when it next runs); "
	         "the numbers of %s are as they were at %.1f s", who, seen, ev->nstopped == 1 ? "shows" : "show",
	         ev->stop_state == 't' ? "t (stopped by a tracer)" : "T (stopped)", rest,
	         ev->nids - ev->nstopped == 1 ? "does" : "do", seen, ev->since);
}

/*
 * A process stopped or continued from outside: "P3 stopped from outside
 * (SIGSTOP): its numbers are as they were at 4.2 s".  A stop is for a whole
 * process, so a thread never stops alone: kill -STOP on one thread's id stops
 * its host, and every thread in it.
 */
static void story_stop(const struct lab_event *ev, char *buf, size_t len)
{
	char sig[40] = "", who[96];

	if (ev->signal != 0)
		snprintf(sig, sizeof(sig), " (%s)", lab_signal_name(ev->signal));
	if (ev->group_kind == LAB_THREADS)
		snprintf(who, sizeof(who), "host %d of %s", (int)ev->pid, ev->group);
	else
		snprintf(who, sizeof(who), "%s (pid %d)", ev->nids > 0 ? ev->ids[0] : ev->group, (int)ev->pid);
	if (ev->kind == LAB_EVENT_RESUMED) {
		snprintf(buf, len, "%s resumed%s after %.1f s", who, sig, ev->t - ev->since);
		if (ev->group_kind == LAB_THREADS)
			strlcat(buf, ev->nids == 1 ? ", its thread with it" : ", all its threads with it", len);
		return;
	}
	if (ev->signal == 0 && ev->stop_state == 't')
		snprintf(sig, sizeof(sig), " (by a tracer: t in /proc)");
	if (ev->group_kind == LAB_THREADS && ev->signal == 0 && ev->nstopped > 0 && ev->nstopped < ev->nids) {
		story_partly_stopped(ev, who, buf, len);
		return;
	}
	if (ev->group_kind == LAB_THREADS)
		snprintf(buf, len, "%s stopped from outside%s: a stop is for a whole process, so all %d of its threads "
		         "stopped with it; their numbers are as they were at %.1f s", who, sig, ev->nids, ev->since);
	else
		snprintf(buf, len, "%s stopped from outside%s: its numbers are as they were at %.1f s", who, sig, ev->since);
}

/*
 * Workers whose /proc files ptviz could not open, said once: "ptviz could not
 * open /proc files for T8..T16 (Too many open files: ulimit -n is 20, ...)".
 */
static void story_no_proc(const struct lab_event *ev, char *buf, size_t len)
{
	char who[2 * LAB_ID_MAX + 4], why[160];

	snprintf(who, sizeof(who), "%s%s%s", ev->nids > 0 ? ev->ids[0] : ev->group, ev->nids > 1 ? ".." : "",
	         ev->nids > 1 ? ev->ids[ev->nids - 1] : "");
	if (ev->limit > 0)
		snprintf(why, sizeof(why), "%s: ulimit -n is %ld, and ptviz keeps 2 open for each worker", strerror(ev->status),
		         ev->limit);
	else
		snprintf(why, sizeof(why), "%s", strerror(ev->status));
	snprintf(buf, len, "ptviz could not open the /proc files of %s (%d worker%s; %s): %s state shows ? and %s CPU "
	         "time is not read; counts and counters are read as usual.%s", who, ev->nids, ev->nids == 1 ? "" : "s", why,
	         ev->nids == 1 ? "its" : "their", ev->nids == 1 ? "its" : "their",
	         ev->limit > 0 ? " Start ptviz where 'ulimit -Hn' allows more to see them" : "");
}

/* "spawned 4 threads T1..T4 in one host process, pid 4101", and the same for processes and green threads. */
static void story_spawn(const struct lab *lab, const struct lab_event *ev, char *buf, size_t len)
{
	char who[2 * LAB_ID_MAX + 4];

	if (ev->nids == 1)
		snprintf(who, sizeof(who), "%s", ev->ids[0]);
	else
		snprintf(who, sizeof(who), "%s..%s", ev->ids[0], ev->ids[ev->nids - 1]);
	const struct lab_group *g = lab_group_by_serial(lab, ev->group_serial);
	if (g != NULL && g->green.kernels > 0)
		snprintf(buf, len, "spawned %d green thread%s %s on %d kernel thread%s%s in one host process, pid %d",
		         ev->nids, ev->nids == 1 ? "" : "s", who, g->green.kernels, g->green.kernels == 1 ? "" : "s",
		         g->green.handoff ? " with hand-off" : "", (int)ev->pid);
	else if (ev->group_kind == LAB_THREADS)
		snprintf(buf, len, "spawned %d thread%s %s in one host process, pid %d", ev->nids,
		         ev->nids == 1 ? "" : "s", who, (int)ev->pid);
	else if (ev->nids == 1)
		snprintf(buf, len, "spawned 1 process %s, pid %d", who, (int)ev->pids[0]);
	else
		snprintf(buf, len, "spawned %d processes %s, pids %d..%d", ev->nids, who, (int)ev->pids[0],
		         (int)ev->pids[ev->nids - 1]);
}

static void story_event_text(const struct lab *lab, const struct lab_event *ev, bool utf8, char *buf, size_t len)
{
	const char *arrow = utf8 ? " \u2192 " : " -> ";
	char others[512], alive[512], how[64];

	if (ev->kind == LAB_EVENT_SPAWN) {
		story_spawn(lab, ev, buf, len);
		return;
	}
	if (ev->kind == LAB_EVENT_STOPPED || ev->kind == LAB_EVENT_RESUMED) {
		story_stop(ev, buf, len);
		return;
	}
	if (ev->kind == LAB_EVENT_NO_PROC) {
		story_no_proc(ev, buf, len);
		return;
	}
	if (ev->kind == LAB_EVENT_UNREADABLE) {
		snprintf(buf, len, "ptviz may not read its workers' memory (process_vm_readv: %s), so no counter "
		         "can be shown: a seccomp filter or a ptrace rule refuses it (see the README, \"Where it runs\")",
		         strerror(ev->status));
		return;
	}

	if (ev->signal != 0)
		strlcpy(how, lab_signal_name(ev->signal), sizeof(how));
	else if (ev->status >= 0)
		snprintf(how, sizeof(how), "exit status %d", ev->status);
	else
		how[0] = '\0';
	story_ids(ev, ev->cause, others, sizeof(others));
	story_survivors(lab, ev, alive, sizeof(alive));

	if (ev->end == LAB_END_RETURNED) {
		envjoin_story_exit(lab, ev, buf, len);
		return;
	}
	if (ev->end == LAB_END_ENDED) {
		snprintf(buf, len, "%s ended alone on request; its host %d and %s go on", ev->ids[0], (int)ev->pid,
		         alive[0] ? alive : "no other thread");
		return;
	}
	char lead[160];
	if (ev->cause[0] != '\0')
		snprintf(lead, sizeof(lead), "%s %s%s%s", ev->cause, story_fault(ev->fault), how[0] ? arrow : "", how);
	else if (ev->end == LAB_END_KILLED)
		snprintf(lead, sizeof(lead), "was killed by ptviz (%s)", how[0] ? how : "SIGKILL");
	else
		snprintf(lead, sizeof(lead), "got %s from outside ptviz", how[0] ? how : "an end");

	if (ev->group_kind == LAB_THREADS) {
		if (ev->cause[0] != '\0' && others[0] != '\0')
			snprintf(buf, len, "%s%shost %d died, taking %s with it", lead, arrow, (int)ev->pid, others);
		else if (ev->cause[0] != '\0')
			snprintf(buf, len, "%s%shost %d died with it", lead, arrow, (int)ev->pid);
		else
			snprintf(buf, len, "host %d of %s %s; thread%s %s died with it", (int)ev->pid, ev->group, lead,
			         ev->nids == 1 ? "" : "s", others);
		return;
	}
	const char *who = ev->cause[0] != '\0' ? ev->cause : ev->ids[0];
	if (ev->whole_group) {
		snprintf(buf, len, "%s (pid %d) %s, like every process of %s still running", who, (int)ev->pid, lead, ev->group);
		return;
	}
	if (ev->cause[0] != '\0')
		snprintf(buf, len, "%s%s%s (pid %d) died alone; %s", lead, arrow, who, (int)ev->pid,
		         alive[0] ? alive : "no other process of its group was left");
	else
		snprintf(buf, len, "%s (pid %d) %s; %s", who, (int)ev->pid, lead,
		         alive[0] ? alive : "no other process of its group was left");
	if (alive[0] != '\0')
		strlcat(buf, " kept running", len);
}

/* "; its child 4242 is an orphan now, adopted by ptviz" */
static void story_orphans(const struct lab_event *ev, char *buf, size_t len);

void story_event(const struct lab *lab, const struct lab_event *ev, bool utf8, char *buf, size_t len)
{
	story_event_text(lab, ev, utf8, buf, len);
	story_orphans(ev, buf, len);
}

static void story_orphans(const struct lab_event *ev, char *buf, size_t len)
{
	if (ev->kind != LAB_EVENT_EXIT || ev->norphans == 0)
		return;
	strlcat(buf, ev->norphans == 1 ? "; its child" : "; its children", len);
	for (int i = 0; i < ev->norphans; i++) {
		char pid[16];
		snprintf(pid, sizeof(pid), " %d", (int)ev->orphans[i]);
		strlcat(buf, pid, len);
	}
	strlcat(buf, ev->norphans == 1 ? " is an orphan now, adopted by ptviz" : " are orphans now, adopted by ptviz", len);
}

void story_number(int64_t n, char *buf, size_t len)
{
	char digits[32], out[48];
	uint64_t u = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
	int nd = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)u);
	size_t o = 0;

	if (n < 0)
		out[o++] = '-';
	for (int i = 0; i < nd; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			out[o++] = ' ';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	strlcpy(buf, out, len);
}

void story_rate(double rate, char *buf, size_t len)
{
	if (rate >= 1e9)
		snprintf(buf, len, "%.2f billion", rate / 1e9);
	else if (rate >= 1e6)
		snprintf(buf, len, "%.1f million", rate / 1e6);
	else if (rate >= 1e5)
		snprintf(buf, len, "%.0f thousand", rate / 1e3);
	else
		story_number((int64_t)(rate + 0.5), buf, len);   /* 1 310 beside 322: every digit counts */
}

void story_file(const char *target, char *buf, size_t len)
{
	static const char memfd[] = "/memfd:", deleted[] = " (deleted)";
	const char *name = strncmp(target, memfd, sizeof(memfd) - 1) == 0 ? target + sizeof(memfd) - 1 : target;
	size_t n = strlen(name);

	if (name != target && n >= sizeof(deleted) - 1 && strcmp(name + n - (sizeof(deleted) - 1), deleted) == 0)
		n -= sizeof(deleted) - 1;
	snprintf(buf, len, "%.*s", (int)n, name);
}

static void story_files_as(const struct lab_worker *w, int from, bool brief, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int i = 0; i < w->nfds && at < len; i++) {
		if (w->fds[i].fd < from)
			continue;
		char name[48];
		int last = i;
		story_file(w->fds[i].target, name, sizeof(name));
		if (brief && strncmp(name, "opened by ", 10) == 0) {
			char owner[48];
			snprintf(owner, sizeof(owner), "%.16s's file", name + 10);
			strlcpy(name, owner, sizeof(name));
		} else if (brief && strncmp(name, "inherited", 9) == 0)
			strlcpy(name, "inherited", sizeof(name));
		/* Runs of descriptors open on the same file read as one: "0-2 /dev/null". */
		while (last + 1 < w->nfds && w->fds[last + 1].fd == w->fds[last].fd + 1 &&
		       strcmp(w->fds[last + 1].target, w->fds[i].target) == 0)
			last++;
		int n = last > i ? snprintf(buf + at, len - at, "%s%d-%d %s", at ? ", " : "", w->fds[i].fd, w->fds[last].fd, name)
		                 : snprintf(buf + at, len - at, "%s%d %s", at ? ", " : "", w->fds[i].fd, name);
		at += n > 0 ? (size_t)n : 0;
		i = last;
	}
	if (w->fds_total > w->nfds && at < len)
		snprintf(buf + at, len - at, "%s%d more", at ? ", " : "", w->fds_total - w->nfds);

}

void story_files(const struct lab_worker *w, int from, char *buf, size_t len)
{
	story_files_as(w, from, false, buf, len);
}

void story_files_brief(const struct lab_worker *w, int from, char *buf, size_t len)
{
	story_files_as(w, from, true, buf, len);
}
