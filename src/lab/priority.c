/* The workers' priority: ptviz's own while few of them run, idle for every one once many do, and never back. */
#include "lab_priv.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "worker.h"

/*
 * Why two priorities.  A lesson on parallelism needs two workers that get
 * two CPUs beside a browser, as two real programs would: at idle priority
 * they get only what every other program leaves.  But hundreds of busy
 * workers at normal priority would take the machine from the lecturer's
 * browser and from ptviz itself.  So workers keep ptviz's priority while
 * they are few, and all give way together once they are many.
 *
 * Why only downwards.  Linux lets a program lower the priority of its own
 * tasks, but raising one again (SCHED_IDLE back to SCHED_OTHER, or nice 10
 * back to 0) needs CAP_SYS_NICE or a RLIMIT_NICE that most systems leave
 * at 0.  A policy that moved workers back and forth would work for root and
 * fail for everyone else, so the engine only ever lowers.
 */

/* The CPUs ptviz may run on (its affinity), at least 1. */
static int lab_usable_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	return online > 0 ? (int)online : 1;
}

int lab_normal_workers_default(void)
{
	return LAB_NORMAL_PER_CPU * lab_usable_cpus();
}

void lab_priority_get(const struct lab *lab, struct lab_priority *prio)
{
	*prio = lab->prio;
}

static int lab_live_workers(const struct lab *lab)
{
	int n = 0;

	for (int i = 0; i < lab->ngroups; i++)
		n += lab->groups[i].alive;
	return n;
}

/*
 * Lowers one task (a thread, by its TID) to idle priority: SCHED_IDLE, and
 * the nice value a worker started idle has.  A task already lower keeps its
 * nice.  Returns 0, or the errno of a refusal; a task that has just ended
 * (ESRCH) needs nothing.
 */
static int lab_task_lower(pid_t tid, int nice)
{
	struct sched_param param = { 0 };

	errno = 0;
	int now = getpriority(PRIO_PROCESS, (id_t)tid);
	if (errno == 0 && now < nice && setpriority(PRIO_PROCESS, (id_t)tid, nice) != 0 && errno != ESRCH)
		return errno;
	if (sched_setscheduler(tid, SCHED_IDLE, &param) != 0 && errno != ESRCH)
		return errno;
	return 0;
}

/*
 * Lowers every thread of a process, found in /proc/PID/task: a thread host's
 * own thread and its workers alike, since nice and the policy belong to each
 * thread, not to the process.  Returns the first refusal's errno, or 0.
 */
static int lab_process_lower(pid_t pid, int nice)
{
	char path[32];
	int refused = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *dir = opendir(path);
	if (dir == NULL)
		return errno == ENOENT ? 0 : lab_task_lower(pid, nice);
	for (struct dirent *d; (d = readdir(dir)) != NULL;) {
		pid_t tid = (pid_t)strtol(d->d_name, NULL, 10);
		int e = tid > 0 ? lab_task_lower(tid, nice) : 0;
		if (refused == 0)
			refused = e;
	}
	closedir(dir);
	return refused;
}

/* Lowers every live process of a group, and its workers' children; returns the first refusal's errno, or 0. */
static int lab_group_lower(struct lab_group *g, int nice)
{
	int refused = 0;

	if (g->kind == LAB_THREADS && g->host_alive)
		refused = lab_process_lower(g->host, nice);
	for (int i = 0; g->kind == LAB_PROCESSES && i < g->nworkers; i++) {
		int e = g->workers[i].alive ? lab_process_lower(g->workers[i].pid, nice) : 0;
		if (refused == 0)
			refused = e;
	}
	for (int k = 0; k < g->nkids; k++) {
		int e = g->kids[k].alive ? lab_process_lower(g->kids[k].pid, nice) : 0;
		if (refused == 0)
			refused = e;
	}
	g->idle_priority = true;
	return refused;
}

/* Moves every live worker to idle priority, for good, and says so in err. */
static void lab_priority_lower(struct lab *lab, int live, int n, struct lab_error *err)
{
	/* As a worker started idle: WORKER_NICE below ptviz, at most 19. */
	errno = 0;
	int own = getpriority(PRIO_PROCESS, 0);
	int nice = errno == 0 && own + WORKER_NICE < 19 ? own + WORKER_NICE : 19;
	int refused = 0;

	for (int i = 0; i < lab->ngroups; i++) {
		int e = lab->groups[i].alive > 0 ? lab_group_lower(&lab->groups[i], nice) : 0;
		if (refused == 0)
			refused = e;
	}
	lab->prio.idle = true;
	lab->prio.moved_with = live + n;
	lab->prio.since = lab_now(lab);
	char why[48] = "";
	int cpus = lab_usable_cpus();
	if (lab->prio.normal_workers == LAB_NORMAL_PER_CPU * cpus)
		snprintf(why, sizeof(why), " (%d for each of %d CPU%s)", LAB_NORMAL_PER_CPU, cpus, cpus == 1 ? "" : "s");
	lab_note(err, "%d workers is more than %d%s: every worker%s now runs at idle priority (SCHED_IDLE, nice %+d), so that ptviz and other programs stay responsive; they stay there until none is left",
	         live + n, lab->prio.normal_workers, why, live > 0 ? ", those running too," : "", nice);
	if (refused != 0)
		lab_note(err, "some could not be lowered: %s", strerror(refused));
}

bool lab_priority_before_spawn(struct lab *lab, int n, struct lab_error *err)
{
	int live = lab_live_workers(lab);

	if (live == 0 && lab->prio.idle) {
		/* Every task that was lowered has ended: new ones may start at ptviz's priority again. */
		lab->prio.idle = false;
		lab->prio.moved_with = 0;
		lab->prio.since = 0;
	}
	if (!lab->prio.idle && live + n > lab->prio.normal_workers)
		lab_priority_lower(lab, live, n, err);
	return lab->prio.idle;
}
