/* sandbox and escape: a worker that may not open files, and whether a sibling that shares its memory opens them for it. */
#include "lab_priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

#include "annex.h"

bool lab_sandbox(struct lab *lab, const char *id, struct lab_error *err)
{
	struct lab_group *g = NULL;
	int32_t answer;

	struct lab_worker *w = lab_requestable(lab, id, &g, err);
	if (w == NULL)
		return false;
	if (atomic_load(&lab->in.annex[w->slot].sandboxed))
		return lab_fail(err, "%s is in its sandbox already: a seccomp filter cannot be taken off", w->id);
	if (!lab_request(lab, g, w, INSTR_ASK_SANDBOX, 0, &answer, err))
		return false;
	if (answer < 0)
		return lab_fail(err, "%s could not put itself in a seccomp filter: %s", w->id, strerror(-answer));
	w->env.sandboxed = true;
	if (g->kind == LAB_THREADS)
		lab_note(err, "%s is in a seccomp filter now: open, openat and memfd_create fail with EPERM for it; the "
		         "filter is this thread's, so the other threads of %s still open files ('open %s', then "
		         "'escape %s')", w->id, g->name, w->id, w->id);
	else
		lab_note(err, "%s is in a seccomp filter now: open, openat and memfd_create fail with EPERM in its process; "
		         "the other processes of %s still open files ('open %s', then 'escape %s')", w->id, g->name, w->id,
		         w->id);
	return true;
}

/* Every live sibling looks in the mailbox of its own memory; the first that finds the request opens the file. */
static bool lab_escape_serve(struct lab *lab, struct lab_group *g, const struct lab_worker *asker, char *looked,
                             size_t len, struct lab_error *err)
{
	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *s = &g->workers[i];
		int32_t answer;
		/* One deaf to requests, or busy with a long task, cannot look. */
		if (s == asker || !s->alive || lab_worker_deaf(lab, s) != NULL ||
		    atomic_load(&lab_slot(lab, s)->state) == LAB_ACT_BLOCKING)
			continue;
		if (!lab_request(lab, g, s, INSTR_ASK_SERVE, 0, &answer, err))
			return false;
		snprintf(looked + strlen(looked), len - strlen(looked), "%s%s", looked[0] ? ", " : "", s->id);
		if (answer > 0)
			break;
	}
	return true;
}

/* What the escape came to, said in the group's own terms. */
static void lab_escape_note(struct lab *lab, const struct lab_group *g, struct lab_worker *w, int32_t own,
                            int32_t fd, const char *looked, struct lab_error *err)
{
	struct instr_annex *a = &lab->in.annex[w->slot];
	uintptr_t box = (uintptr_t)atomic_load(&a->mailbox_address);
	const char *why = own == -EPERM ? "EPERM, its filter" : own < 0 ? strerror(-own) : "it could, it is not sandboxed";

	if (fd < 0) {
		w->env.escape = -1;
		w->env.helper[0] = '\0';
		bool one = strchr(looked, ',') == NULL;
		lab_note(err, "%s's own open of %s failed (%s). It left the path in its global at 0x%lx; %s looked at "
		         "that address in %s and found nothing%s. The sandbox holds", w->id, ANNEX_ESCAPE_PATH, why,
		         (unsigned long)box, looked[0] ? looked : "no sibling", one ? "its own copy" : "their own copies",
		         g->kind == LAB_PROCESSES ? ": fork gave each process its own memory" : "");
		return;
	}
	int helper = atomic_load(&a->helper);
	w->env.escape = 1;
	snprintf(w->env.helper, sizeof(w->env.helper), "%s%d", g->name, helper);
	strlcpy(w->env.line, a->text, sizeof(w->env.line));
	lab_note(err, "%s's own open of %s failed (%s); it left the path in a global at 0x%lx. %s, unfiltered in the "
	         "same memory, opened it (fd %d) and %s read it through their one fd table: \"%.40s\". No boundary",
	         w->id, ANNEX_ESCAPE_PATH, why, (unsigned long)box, w->env.helper, (int)fd, w->id, w->env.line);
}

bool lab_escape(struct lab *lab, const char *id, struct lab_error *err)
{
	struct lab_group *g = NULL;
	int32_t own, fd;
	char looked[LAB_MSG_MAX / 2] = "";

	struct lab_worker *w = lab_requestable(lab, id, &g, err);
	if (w == NULL)
		return false;
	if (!atomic_load(&lab->in.annex[w->slot].sandboxed))
		return lab_fail(err, "%s is not sandboxed, so it would simply open the file itself: 'sandbox %s' first",
		                w->id, w->id);
	if (!lab_request(lab, g, w, INSTR_ASK_POST, 0, &own, err) || !lab_escape_serve(lab, g, w, looked, sizeof(looked), err))
		return false;
	if (!w->alive)
		return lab_fail(err, "%s died before it could read the file", w->id);
	if (!lab_request(lab, g, w, INSTR_ASK_COLLECT, 0, &fd, err))
		return false;
	lab_escape_note(lab, g, w, own, fd, looked, err);
	if (fd >= 0) {
		g->files = true;
		lab_read_files(lab, g->name);
	}
	return true;
}
