/* Commands that need every worker between two operations, facing a worker stopped from outside: decided at once, with the way out. */
#include "lab_priv.h"

#include <signal.h>
#include <stdio.h>

/* The first live worker of a group that ptviz has seen stopped (T in /proc, or the stop waitid reported); NULL when none. */
struct lab_worker *lab_group_stopped(struct lab *lab, struct lab_group *g)
{
	(void)lab;
	for (int i = 0; i < g->nworkers; i++) {
		if (g->workers[i].alive && g->workers[i].stopped)
			return &g->workers[i];
	}
	return NULL;
}

/*
 * Why a stopped worker stands still, and the way out, for a message:
 * "P3 is stopped (SIGSTOP from outside, pid 4108)" then "resume it with
 * 'kill -CONT 4108', or 'kill P3'".  A stop is for a whole process: for a
 * thread, its host and every thread in it; a thread alone cannot be killed
 * either, so the way out is its group.
 */
static void lab_stopped_words(const struct lab_group *g, const struct lab_worker *w, char *why, size_t why_len,
                              char *out, size_t out_len)
{
	pid_t pid = g->kind == LAB_THREADS ? g->host : w->pid;
	const char *whose = g->kind == LAB_THREADS ? ", its host" : "";
	const char *kill_what = g->kind == LAB_THREADS ? g->name : w->id;

	if (w->stop_signal == SIGTRAP || w->state == 't') {
		snprintf(why, why_len, "%s is stopped by a tracer (a debugger; %s %d)", w->id,
		         g->kind == LAB_THREADS ? "tid" : "pid", (int)w->tid);
		snprintf(out, out_len, "let the debugger continue or detach, or 'kill %s'", kill_what);
		return;
	}
	if (w->stop_signal != 0)
		snprintf(why, why_len, "%s is stopped (%s from outside%s, pid %d)", w->id, lab_signal_name(w->stop_signal),
		         whose, (int)pid);
	else
		snprintf(why, why_len, "%s is stopped (from outside%s, pid %d)", w->id, whose, (int)pid);
	snprintf(out, out_len, "resume it with 'kill -CONT %d', or 'kill %s'", (int)pid, kill_what);
}

/* "P3 is stopped (SIGSTOP from outside, pid 4108): NEEDS; resume it with ...", in a buffer of its own. */
const char *lab_stopped_why(const struct lab_group *g, const struct lab_worker *w, const char *needs)
{
	static char said[2 * LAB_MSG_MAX];   /* cut to LAB_MSG_MAX where it is said */
	char why[160], out[160];

	lab_stopped_words(g, w, why, sizeof(why), out, sizeof(out));
	snprintf(said, sizeof(said), "%s: %s; %s", why, needs, out);
	return said;
}

/* Fills err with why a stopped worker keeps a command (needs: what it needs) from its group, and the way out; false. */
bool lab_refuse_stopped(const struct lab_group *g, const struct lab_worker *w, const char *needs,
                        struct lab_error *err)
{
	return lab_fail(err, "%s", lab_stopped_why(g, w, needs));
}

/* The same, as a note beside what the command did to the other groups. */
void lab_note_stopped(const struct lab_group *g, const struct lab_worker *w, const char *needs, struct lab_error *err)
{
	char why[160], out[160];

	lab_stopped_words(g, w, why, sizeof(why), out, sizeof(out));
	lab_note(err, "%s was left as it was: %s: %s; %s", g->name, why, needs, out);
}

/* Refuses at once when a group in mask has a worker seen stopped; true when none has. */
bool lab_refuse_if_stopped(struct lab *lab, uint32_t mask, const char *needs, struct lab_error *err)
{
	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *g = &lab->groups[i];
		struct lab_worker *w = (mask & (1u << i)) ? lab_group_stopped(lab, g) : NULL;
		if (w != NULL)
			return lab_refuse_stopped(g, w, needs, err);
	}
	return true;
}

/* Why a worker stopped from outside cannot take a request now, or NULL when it is not stopped (see lab_worker_deaf). */
const char *lab_worker_stopped_why(struct lab *lab, const struct lab_worker *w)
{
	if (!w->alive || !w->stopped)
		return NULL;
	for (int i = 0; i < lab->ngroups; i++) {
		const struct lab_group *g = &lab->groups[i];
		if (w >= g->workers && w < g->workers + g->nworkers)
			return lab_stopped_why(g, w, "it answers nothing until it is continued");
	}
	return NULL;
}
