/* What threads share and processes copy: open file descriptors, and the children a worker forks. */
#include "lab_priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <bsd/string.h>

#include "procfs.h"

static void lab_worker_read_files(struct lab_worker *w)
{
	int fds[LAB_FDS_MAX];

	w->nfds = 0;
	w->fds_total = 0;
	if (!w->alive)
		return;
	int total = procfs_list_fds(w->pid, w->tid, fds, LAB_FDS_MAX);
	if (total < 0)
		return;
	w->fds_total = total;
	for (int i = 0; i < total && i < LAB_FDS_MAX; i++) {
		struct lab_fd *f = &w->fds[w->nfds];
		f->fd = fds[i];
		if (procfs_fd_target(w->pid, w->tid, fds[i], f->target, sizeof(f->target)))
			w->nfds++;
	}
}

static void lab_group_read_files(struct lab_group *g)
{
	for (int i = 0; i < g->nworkers; i++)
		lab_worker_read_files(&g->workers[i]);
}

bool lab_files(struct lab *lab, bool on, const char *group, struct lab_error *err)
{
	struct lab_group *g = NULL;

	if (group != NULL && (g = lab_group_named(lab, group)) == NULL)
		return lab_no_group(lab, group, err);
	if (group == NULL && lab->ngroups == 0)
		return lab_fail(err, "no groups yet: start some with 'spawn threads 4' or 'spawn processes 4'");
	for (int i = 0; i < lab->ngroups; i++) {
		if (g != NULL && &lab->groups[i] != g)
			continue;
		lab->groups[i].files = on;
		if (on)
			lab_group_read_files(&lab->groups[i]);
	}
	if (on)
		lab_note(err, "each worker's open file descriptors are read from /proc/PID/task/TID/fd; fd 3 was opened by ptviz before it forked");
	return true;
}

void lab_read_files(struct lab *lab, const char *group)
{
	for (int i = 0; i < lab->ngroups; i++) {
		if (group == NULL || strcmp(lab->groups[i].name, group) == 0)
			lab_group_read_files(&lab->groups[i]);
	}
}

void lab_kid_read(struct lab_kid *kid)
{
	struct procfs_stat st;

	if (!kid->alive)
		return;
	int fd = procfs_open_stat(kid->pid, kid->pid);
	if (fd < 0)
		return;
	if (procfs_read_stat(fd, &st)) {
		kid->state = st.state;
		kid->ppid = st.ppid;
		kid->adopted = st.ppid == getpid();
	}
	close(fd);
}

/* Files are read only for groups that asked (open, close): hundreds of workers need not pay. */
void lab_observe_files_and_kids(struct lab *lab)
{
	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *g = &lab->groups[i];
		if (g->files)
			lab_group_read_files(g);
		for (int k = 0; k < g->nkids; k++)
			lab_kid_read(&g->kids[k]);
	}
}

static bool lab_request_answered(struct lab *lab, const void *arg)
{
	const struct lab_worker *w = arg;

	return !w->alive || instr_ctl_fault(atomic_load(&lab_slot(lab, w)->control)) == LAB_FAULT_NONE;
}

/* The live worker named id, able to carry out a request now. */
struct lab_worker *lab_requestable(struct lab *lab, const char *id, struct lab_group **g,
                                          struct lab_error *err)
{
	lab_dispatch(lab);
	struct lab_worker *w = lab_worker_named(lab, id, g);
	if (w == NULL) {
		lab_no_worker(lab, id, err);
		return NULL;
	}
	const char *deaf = lab_worker_deaf(lab, w);
	if (deaf != NULL) {
		lab_fail(err, "%s; live workers of %s: %s", deaf, (*g)->name, lab_live_list(*g));
		return NULL;
	}
	if (atomic_load(&lab_slot(lab, w)->state) == LAB_ACT_BLOCKING) {
		lab_fail(err, "%s is running its long task (inject block) and answers nothing until it ends; try again in a few seconds",
		         w->id);
		return NULL;
	}
	return w;
}

/* Asks a worker to carry out a request and waits for its answer (slot->arg). */
bool lab_request(struct lab *lab, struct lab_group *g, struct lab_worker *w, int req,
                 int32_t arg, int32_t *answer, struct lab_error *err)
{
	struct instr_slot *s = lab_slot(lab, w);

	atomic_store(&s->arg, arg);
	atomic_fetch_or(&s->control, (uint32_t)req << INSTR_CTL_FAULT_SHIFT);
	lab_poke(lab, g, w);
	if (!lab_wait_until(lab, lab_request_answered, w, LAB_ANSWER_TIMEOUT_MS)) {
		atomic_fetch_and(&s->control, ~INSTR_CTL_FAULT_MASK);
		return lab_fail(err, "%s did not answer within %d ms", w->id, LAB_ANSWER_TIMEOUT_MS);
	}
	if (!w->alive)
		return lab_fail(err, "%s died before it answered", w->id);
	*answer = atomic_load(&s->arg);
	return true;
}

bool lab_open_file(struct lab *lab, const char *id, struct lab_error *err)
{
	struct lab_group *g = NULL;
	int32_t fd;

	struct lab_worker *w = lab_requestable(lab, id, &g, err);
	if (w == NULL || !lab_request(lab, g, w, INSTR_ASK_OPEN, 0, &fd, err))
		return false;
	if (fd < 0)
		return lab_fail(err, "%s could not open a file: %s", w->id, strerror(-fd));
	g->files = true;
	lab_group_read_files(g);
	if (g->kind == LAB_THREADS)
		lab_note(err, "%s opened fd %d: the table of open files belongs to the process, so every thread of %s has fd %d now",
		         w->id, (int)fd, g->name, (int)fd);
	else
		lab_note(err, "%s opened fd %d in its own table: the other processes of %s do not have it", w->id, (int)fd,
		         g->name);
	return true;
}

bool lab_close_file(struct lab *lab, const char *id, int fd, struct lab_error *err)
{
	struct lab_group *g = NULL;
	int32_t answer;
	char target[48];

	struct lab_worker *w = lab_requestable(lab, id, &g, err);
	if (w == NULL)
		return false;
	if (!procfs_fd_target(w->pid, w->tid, fd, target, sizeof(target))) {
		char list[LAB_MSG_MAX / 2] = "";
		int fds[32];
		int n = procfs_list_fds(w->pid, w->tid, fds, 32);
		for (int i = 0; i < n && i < 32; i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), " %d", fds[i]);
		return lab_fail_arg(err, 1, "%s has no fd %d open; its open fds:%s", w->id, fd, list);
	}
	if (!lab_request(lab, g, w, INSTR_ASK_CLOSE, fd, &answer, err))
		return false;
	if (answer < 0)
		return lab_fail_arg(err, 1, "%s could not close fd %d: %s", w->id, fd, strerror(-answer));
	g->files = true;
	lab_group_read_files(g);
	if (g->kind == LAB_THREADS)
		lab_note(err, "%s closed fd %d: the table belongs to the process, so it is gone for every thread of %s", w->id, fd,
		         g->name);
	else
		lab_note(err, "%s closed fd %d in its own table; the other processes of %s keep theirs", w->id, fd, g->name);
	return true;
}

bool lab_fork_child(struct lab *lab, const char *id, struct lab_error *err)
{
	struct lab_group *g = NULL;
	int32_t pid;

	struct lab_worker *w = lab_requestable(lab, id, &g, err);
	if (w == NULL)
		return false;
	if (g->nkids >= LAB_KIDS_MAX)
		return lab_fail(err, "%s's workers have forked %d children already, the most ptviz follows: 'reset' ends them",
		                g->name, LAB_KIDS_MAX);
	/* From now on an orphan in ptviz's tree is given to ptviz, not to init. */
	if (!lab->subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
		return lab_fail(err, "cannot become the child subreaper: %s", strerror(errno));
	lab->subreaper = true;
	if (!lab_request(lab, g, w, INSTR_ASK_FORK, 0, &pid, err))
		return false;
	if (pid < 0)
		return lab_fail(err, "%s could not fork: %s", w->id, strerror(-pid));
	struct lab_kid *kid = &g->kids[g->nkids++];
	memset(kid, 0, sizeof(*kid));
	kid->pid = pid;
	strlcpy(kid->parent_id, w->id, sizeof(kid->parent_id));
	kid->parent_pid = w->pid;
	kid->ppid = w->pid;
	kid->state = 'S';
	kid->alive = true;
	lab_kid_read(kid);
	if (g->kind == LAB_THREADS)
		lab_note(err, "%s forked child %d; its parent is the process %s (pid %d), host of every thread. When that process dies (inject segv %s), ptviz adopts the child",
		         w->id, (int)pid, g->name, (int)w->pid, w->id);
	else
		lab_note(err, "%s forked child %d; its parent is %s (pid %d). When %s dies (kill %s), ptviz adopts the child",
		         w->id, (int)pid, w->id, (int)w->pid, w->id, w->id);
	return true;
}
