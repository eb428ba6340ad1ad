/* What a main thread's return, the environment and the sandbox come to, in words: the story, the screen's lines, the text report. */
#include "envjoin.h"

#include <stdio.h>
#include <string.h>

#include "story.h"

void envjoin_story_exit(const struct lab *lab, const struct lab_event *ev, char *buf, size_t len)
{
	const struct lab_group *g = lab_group_by_serial(lab, ev->group_serial);
	char who[256] = "", counted[32], delivered[32];

	for (int i = 0; i < ev->nids && strlen(who) + LAB_ID_MAX + 2 < sizeof(who); i++)
		snprintf(who + strlen(who), sizeof(who) - strlen(who), "%s%s", i ? " " : "", ev->ids[i]);
	if (g != NULL && g->main == LAB_MAIN_JOINED) {
		snprintf(buf, len, "host %d of %s: its main thread joined %s, each after it delivered its last batch, "
		         "then returned from main (exit status %d)", (int)ev->pid, ev->group, who, ev->status);
		return;
	}
	if (g == NULL || g->counted == 0 || g->workload != LAB_WORK_BATCHES) {
		snprintf(buf, len, "host %d of %s: its main thread returned from main without joining; exit() ended %s "
		         "wherever they stood", (int)ev->pid, ev->group, who);
		return;
	}
	story_number(g->counted, counted, sizeof(counted));
	story_number(g->delivered, delivered, sizeof(delivered));
	snprintf(buf, len, "host %d of %s: its main thread returned from main without joining; exit() ended %s "
	         "mid-batch: %s increments counted, %s delivered", (int)ev->pid, ev->group, who, counted, delivered);
}

bool envjoin_group_text(const struct lab_group *g, char *buf, size_t len)
{
	char counted[32], delivered[32], lost[32];

	if (g->workload != LAB_WORK_BATCHES && g->main == LAB_MAIN_WAITING)
		return false;
	if (g->workload != LAB_WORK_BATCHES) {
		snprintf(buf, len, "main returned without joining: exit() ended every thread mid-work");
		return true;
	}
	story_number(g->counted, counted, sizeof(counted));
	story_number(g->delivered, delivered, sizeof(delivered));
	story_number(g->counted - g->delivered, lost, sizeof(lost));
	const char *main = g->main == LAB_MAIN_RETURNED ? "; main returned without joining: the rest is lost"
	                   : g->main == LAB_MAIN_JOINED ? "; main joined every thread, then returned"
	                   : g->kind == LAB_THREADS ? "; the rest is under way" : "";
	snprintf(buf, len, "batches: %s increments counted, %s delivered, %s not%s", counted, delivered, lost, main);
	return true;
}

/* "env COLOR=red", "env COLOR unset", and what /proc/PID/environ says beside it. */
static void envjoin_env(const struct lab *lab, const struct lab_worker *w, char *buf, size_t len)
{
	const char *name = lab_env_name(lab);

	if (!w->env.read)
		snprintf(buf, len, "env %s unread", name);
	else if (w->env.has)
		snprintf(buf, len, "env %s=%s%s", name, w->env.value, w->env.at_start ? "" : " (not in /proc/environ)");
	else
		snprintf(buf, len, "env %s unset", name);
}

bool envjoin_worker_text(const struct lab *lab, const struct lab_group *g, const struct lab_worker *w, char *buf,
                         size_t len)
{
	char counted[32], delivered[32];
	size_t o = 0;

	buf[0] = '\0';
	if (!w->alive) {
		if (w->end != LAB_END_RETURNED && !(w->end == LAB_END_ENDED && g->main == LAB_MAIN_JOINED))
			return false;
		if (g->workload != LAB_WORK_BATCHES) {
			snprintf(buf, len, "cut off when its main thread returned");
			return w->end == LAB_END_RETURNED;
		}
		story_number(w->counted, counted, sizeof(counted));
		story_number(w->delivered, delivered, sizeof(delivered));
		snprintf(buf, len, "%s: %s counted, %s delivered", w->end == LAB_END_RETURNED ? "cut off mid-batch" : "joined",
		         counted, delivered);
		return true;
	}
	if (lab_env_name(lab)[0] != '\0') {
		envjoin_env(lab, w, buf, len);
		o = strlen(buf);
	}
	if (lab_cwd_watched(lab) && o < len)
		o += (size_t)snprintf(buf + o, len - o, "%scwd %s", o ? "  " : "", w->env.cwd[0] ? w->env.cwd : "?");
	if (w->env.sandboxed && o < len)
		o += (size_t)snprintf(buf + o, len - o, "%ssandboxed%s%s", o ? "  " : "",
		                      w->env.escape > 0 ? ", read it via " : w->env.escape < 0 ? ", no one opened for it" : "",
		                      w->env.escape > 0 ? w->env.helper : "");
	if (o == 0 && g->workload == LAB_WORK_BATCHES) {
		story_number(w->counted, counted, sizeof(counted));
		story_number(w->delivered, delivered, sizeof(delivered));
		snprintf(buf, len, "delivered %s of %s counted", delivered, counted);
		return true;
	}
	return o > 0;
}
