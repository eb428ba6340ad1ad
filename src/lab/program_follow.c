/* A program's tasks read from /proc: their ids, state and CPU time, and the whole tree followed there when tracing is refused. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>

#include "lab_priv.h"
#include "program_priv.h"

/* How often the tree is looked at when it cannot be traced. */
#define FOLLOW_PERIOD_MS 10

bool follow_ids(pid_t tid, pid_t *tgid, pid_t *ppid)
{
	char path[40], line[128];
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return false;
	while (found < 2 && fgets(line, sizeof(line), f) != NULL) {
		int v;
		if (sscanf(line, "Tgid: %d", &v) == 1) {
			*tgid = v;
			found++;
		} else if (sscanf(line, "PPid: %d", &v) == 1) {
			*ppid = v;
			found++;
		}
	}
	fclose(f);
	return found == 2;
}

uint64_t follow_cpu_ns(pid_t pid, pid_t tid)
{
	char path[64];
	unsigned long long ns = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", (int)pid, (int)tid);
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return 0;
	if (fscanf(f, "%llu", &ns) != 1)
		ns = 0;
	fclose(f);
	return ns;
}

/* /proc/PID/task/TID/stat: state, ppid and (for a zombie) the exit code; false when gone. */
static bool follow_stat(pid_t pid, pid_t tid, char *state, pid_t *ppid, int *exit_code)
{
	char path[64], buf[1024];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return false;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *close = strrchr(buf, ')');
	if (close == NULL || close[1] == '\0')
		return false;
	*state = close[2];
	int pp = 0;
	sscanf(close + 3, "%d", &pp);
	*ppid = pp;
	/* Field 52, the exit code, is the last; it is 0 until the task has exited. */
	char *last = strrchr(buf, ' ');
	*exit_code = last != NULL ? atoi(last + 1) : 0;
	return true;
}

bool follow_read_task(struct program_task *t, char *state, char *name, size_t namelen)
{
	char path[64];
	pid_t ppid;
	int code;

	if (!follow_stat(t->pid, t->tid, state, &ppid, &code))
		return false;
	if (t->leader)
		t->ppid = ppid;
	uint64_t ns = follow_cpu_ns(t->pid, t->tid);
	if (ns > t->cpu_ns)
		t->cpu_ns = ns;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", (int)t->pid, (int)t->tid);
	FILE *f = fopen(path, "re");
	if (f != NULL) {
		if (fgets(name, (int)namelen, f) != NULL)
			name[strcspn(name, "\n")] = '\0';
		fclose(f);
	}
	return true;
}

/* A process that is gone or a zombie: its status if it can be had (our child, or the zombie's exit code). */
static void follow_process_gone(struct program *p, struct program_task *t, bool zombie, int code)
{
	int st;

	if (t->pid == p->first && waitpid(t->pid, &st, WNOHANG) == t->pid)
		program_task_ended(p, t, WIFSIGNALED(st) ? WTERMSIG(st) : 0, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	else if (zombie)
		program_task_ended(p, t, code & 0x7f, (code & 0x7f) ? -1 : (code >> 8) & 0xff);
	else if (t->pid != p->first)
		program_task_ended(p, t, 0, -1);
}

/* The threads of a live process: new ones start, missing ones ended. */
static void follow_threads(struct program *p, struct program_task *leader)
{
	char path[48];

	for (int i = 0; i < p->ntasks; i++) {
		struct program_task *o = &p->tasks[i];
		char state;
		pid_t pp;
		int code;
		if (o->used && o->alive && !o->leader && o->pid == leader->pid && !follow_stat(o->pid, o->tid, &state, &pp, &code))
			program_task_ended(p, o, 0, -1);
	}
	snprintf(path, sizeof(path), "/proc/%d/task", (int)leader->pid);
	DIR *d = opendir(path);
	if (d == NULL)
		return;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		pid_t tid = (pid_t)atoi(e->d_name);
		struct program_task *t = tid > 0 ? program_task_find(p, tid) : NULL;
		if (tid > 0 && (t == NULL || !t->alive))
			program_task_add(p, tid, leader->pid, leader->ppid);
	}
	closedir(d);
}

/* New processes: any whose parent is a live process of the program (a scan of /proc). */
static void follow_children(struct program *p)
{
	DIR *d = opendir("/proc");

	if (d == NULL)
		return;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		pid_t pid = (pid_t)atoi(e->d_name);
		char state;
		pid_t ppid;
		int code;
		if (pid <= 0 || program_task_find(p, pid) != NULL || !follow_stat(pid, pid, &state, &ppid, &code))
			continue;
		struct program_task *parent = program_task_find(p, ppid);
		if (parent != NULL && parent->alive && parent->leader && state != 'Z') {
			if (p->ending)
				kill(pid, SIGKILL);
			else
				program_task_add(p, pid, pid, ppid);
		}
	}
	closedir(d);
}

static void follow_scan(struct program *p)
{
	for (int i = 0; i < p->ntasks; i++) {
		struct program_task *t = &p->tasks[i];
		char state;
		pid_t ppid;
		int code;
		if (!t->used || !t->alive || !t->leader)
			continue;
		bool there = follow_stat(t->pid, t->tid, &state, &ppid, &code);
		char now;
		/* Its name after an exec, which /proc shows (a zombie's too) but no event tells here. */
		if (there)
			follow_read_task(t, &now, t->comm, sizeof(t->comm));
		if (!there || state == 'Z' || state == 'X')
			follow_process_gone(p, t, there, code);
		else
			follow_threads(p, t);
	}
	follow_children(p);
	if (!program_has_life(p))
		program_mark_ended(p);
}

void follow_proc_loop(struct program *p)
{
	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct timespec until;
		if (p->order == TRACER_END) {
			/* Its orders are the tracer's (the /proc way carries out only END: nothing else needs tracing). */
			p->order_keep ? (void)(p->detaching = true) : (void)(p->ending = true);
			if (p->ending) {
				program_adopt_orphans(p);
				if (p->first > 0)
					kill(-p->first, SIGKILL);
				for (int i = 0; i < p->ntasks; i++) {
					if (p->tasks[i].used && p->tasks[i].alive && p->tasks[i].leader)
						kill(p->tasks[i].pid, SIGKILL);
				}
			}
			p->order = TRACER_NONE;
			p->order_result = 0;
			p->order_done = true;
			pthread_cond_broadcast(&p->order_cond);
		} else if (p->order != TRACER_NONE) {
			p->order = TRACER_NONE;
			p->order_result = EPERM;
			p->order_done = true;
			pthread_cond_broadcast(&p->order_cond);
		}
		follow_scan(p);
		if (p->detaching || (p->ending && !program_has_life(p)))
			break;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += FOLLOW_PERIOD_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&p->order_cond, &p->lock, &until);
	}
	pthread_mutex_unlock(&p->lock);
}
