/* A worker's /proc files, kept open for every pass; and, once for a spawn, which workers the open-file limit left without them. */
#include "lab_priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <bsd/string.h>

#include "procfs.h"

/* Opens a worker's stat and schedstat; the errno of the first that failed, or 0. */
static int lab_proc_files_open(struct lab_worker *w, struct lab_worker_private *p)
{
	int error = 0;

	p->stat_fd = procfs_open_stat(w->pid, w->tid);
	if (p->stat_fd < 0) {
		error = errno;
		p->stat_fd = -1;
	}
	p->sched_fd = procfs_open_schedstat(w->pid, w->tid);
	if (p->sched_fd < 0) {
		error = error != 0 ? error : errno;
		p->sched_fd = -1;
	}
	return error;
}

/* Queues the event that names the workers without /proc files, why, and the limit when it was the cause. */
static void lab_proc_files_tell(struct lab *lab, struct lab_group *g, int error)
{
	int n = 0;
	struct rlimit rl;

	for (int i = 0; i < g->nworkers; i++)
		n += lab_private(lab, &g->workers[i])->stat_fd < 0;
	struct lab_event *ev = lab_event_push(lab, LAB_EVENT_NO_PROC, g, n);
	if (ev == NULL)
		return;
	for (int i = 0; i < g->nworkers; i++) {
		if (lab_private(lab, &g->workers[i])->stat_fd >= 0)
			continue;
		strlcpy(ev->ids[ev->nids], g->workers[i].id, sizeof(ev->ids[0]));
		ev->pids[ev->nids++] = g->workers[i].tid;
	}
	ev->pid = g->kind == LAB_THREADS ? g->host : 0;
	ev->status = error;
	if (error == EMFILE && getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		ev->limit = (long)rl.rlim_cur;
}

/*
 * Opens the /proc files of a new group's workers.  Where some could not be
 * opened (past a low open-file limit, most often: ptviz raises its own soft
 * limit to the hard one at start, and no further), says so once, in the
 * log and the JSON (an event): which workers, why, and what is shown instead.
 */
void lab_proc_files_follow(struct lab *lab, struct lab_group *g, struct lab_error *err)
{
	int error = 0, no_stat = 0, no_sched = 0;

	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		struct lab_worker_private *p = lab_private(lab, w);
		int e = lab_proc_files_open(w, p);
		error = error != 0 ? error : e;
		no_sched += p->stat_fd >= 0 && p->sched_fd < 0;
		no_stat += p->stat_fd < 0;
	}
	if (no_stat > 0)
		lab_proc_files_tell(lab, g, error);
	else if (no_sched > 0)
		lab_note(err, "ptviz could not open /proc schedstat for %d of %s's workers (%s): CPU time in 10 ms ticks",
		         no_sched, g->name, strerror(error));
}
