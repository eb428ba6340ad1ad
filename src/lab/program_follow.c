/* A program's tasks read from /proc: their ids, state and CPU time, and the whole tree followed there when tracing is refused. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

/* A stat file's text: state, ppid, and field 52, the exit code (the last; 0 until the task has exited). */
static bool follow_parse_stat(const char *buf, char *state, pid_t *ppid, int *exit_code)
{
	const char *close = strrchr(buf, ')');
	if (close == NULL || close[1] == '\0' || close[2] == '\0')
		return false;
	*state = close[2];
	int pp = 0;
	sscanf(close + 3, "%d", &pp);
	*ppid = pp;
	const char *last = strrchr(close, ' ');
	*exit_code = last != NULL ? atoi(last + 1) : 0;
	return true;
}

/* The name between a stat file's first '(' and its last ')', as /proc/PID/task/TID/comm has it. */
static void follow_stat_name(const char *buf, char *name, size_t namelen)
{
	const char *open = strchr(buf, '('), *close = strrchr(buf, ')');

	if (open == NULL || close == NULL || close < open || namelen == 0)
		return;
	size_t n = (size_t)(close - open - 1);
	n = n < namelen - 1 ? n : namelen - 1;
	memcpy(name, open + 1, n);
	name[n] = '\0';
}

/* A small /proc file read whole from the start (pread: a file kept open reads again); false when the task is gone. */
static bool follow_reread(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);

	if (n <= 0)
		return false;
	buf[n] = '\0';
	return true;
}

static int follow_open(pid_t pid, pid_t tid, const char *file)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/%s", (int)pid, (int)tid, file);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* /proc/PID/task/TID/stat: state, ppid and (for a zombie) the exit code; false when gone. */
static bool follow_stat(pid_t pid, pid_t tid, char *state, pid_t *ppid, int *exit_code)
{
	char buf[1024];
	int fd = follow_open(pid, tid, "stat");

	if (fd < 0)
		return false;
	bool read = follow_reread(fd, buf, sizeof(buf));
	close(fd);
	return read && follow_parse_stat(buf, state, ppid, exit_code);
}

/*
 * An ended process still a zombie: its parent has not yet waited for it, as
 * ps shows it (Z).  Once its stat is gone or says otherwise it was reaped,
 * and its PID may be another's: it is not read again.
 */
bool follow_still_zombie(struct program_task *t)
{
	char state;
	pid_t ppid;
	int code;

	if (t->zombie_gone)
		return false;
	if (follow_stat(t->pid, t->pid, &state, &ppid, &code) && state == 'Z')
		return true;
	t->zombie_gone = true;
	return false;
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

/* ---- the front ends' looks: each task's stat and schedstat kept open between frames ---- */

/*
 * A thread that has not been on a CPU since the last look (its schedstat, all
 * three figures, the same) has not changed its own state or name: what stat
 * gave then still holds, and reading stat, the dearer file by far, is left
 * out.  When no thread of the process has been on a CPU (its process CPU clock,
 * one call for all its threads, the same), schedstat is left out too.  Not for
 * long: another may have named a thread, or woken it (S to R, while it waits
 * for a CPU), without it running, so stat is read again after this many looks
 * (a second at 10 frames a second), and a process's main thread, whose parent
 * may change, at every look.
 */
#define FOLLOW_STAT_SKIP_MAX 9

/*
 * A thread that has been on a CPU since stat was read has its CPU time read
 * at every look (schedstat), and its state and name at every third: 256 busy
 * threads would otherwise cost two reads each a frame, more than ptviz's own
 * 256 workers, which say what they did through shared memory.  Its state
 * letter is then up to two frames old, as a slower sample of it would be.
 */
#define FOLLOW_STAT_RUNNING_EVERY 3

/*
 * A thread's CPU time (schedstat) is read at every other look while its
 * process runs: its chart has a cell each half second (TREND_STEP), and the
 * time of the read goes with the figure, so the share it shows is exact.
 * Busy threads would otherwise cost a read each a frame, where ptviz's own
 * workers are read about once a second while they run steadily.
 */
#define FOLLOW_SCHED_EVERY 2

/* One task's files, by its slot in the group's table, and what stat said at the last read. */
struct follow_kept {
	pid_t pid, tid;          /* the task they were opened for; 0: none */
	int stat_fd, sched_fd;   /* -1: not open (schedstat: a kernel built without it) */
	bool known;              /* state and name below are from a read of stat */
	int skips;               /* looks since that read */
	int ran_skips;           /* looks since that read at which the task had run (FOLLOW_STAT_RUNNING_EVERY) */
	int sched_turn;          /* looks counted for FOLLOW_SCHED_EVERY, spread over the threads */
	char state;
	char name[PROGRAM_NAME_MAX];
	unsigned long long sched[3];   /* schedstat then: time on a CPU, time waiting for one, times run */
	int64_t process_ns;      /* a main thread's: its process's CPU clock at the last look, -1: none */
};

struct follow_files {
	struct follow_kept task[PROGRAM_MAX_TASKS];
};

static void follow_kept_close(struct follow_kept *k)
{
	if (k->stat_fd >= 0)
		close(k->stat_fd);
	if (k->sched_fd >= 0)
		close(k->sched_fd);
	*k = (struct follow_kept){ .stat_fd = -1, .sched_fd = -1, .process_ns = -1 };
}

/* The files of t's slot, opened for t when they were another task's or none; NULL when they cannot be. */
static struct follow_kept *follow_kept_for(struct program *p, const struct program_task *t)
{
	if (p->kept == NULL) {
		p->kept = malloc(sizeof(*p->kept));
		if (p->kept == NULL)
			return NULL;
		for (int i = 0; i < PROGRAM_MAX_TASKS; i++)
			p->kept->task[i] = (struct follow_kept){ .stat_fd = -1, .sched_fd = -1, .process_ns = -1 };
	}
	struct follow_kept *k = &p->kept->task[t - p->tasks];
	if (k->stat_fd >= 0 && k->tid == t->tid && k->pid == t->pid)
		return k;
	follow_kept_close(k);
	k->stat_fd = follow_open(t->pid, t->tid, "stat");
	if (k->stat_fd < 0)
		return NULL;   /* gone, or no descriptor left: read the old way */
	k->sched_fd = follow_open(t->pid, t->tid, "schedstat");
	k->pid = t->pid;
	k->tid = t->tid;
	/* The threads' second reads of stat spread over the looks, not all at the same one. */
	k->skips = (int)(k - p->kept->task) % (FOLLOW_STAT_SKIP_MAX + 1);
	k->ran_skips = (int)(k - p->kept->task) % FOLLOW_STAT_RUNNING_EVERY;
	k->sched_turn = (int)(k - p->kept->task) % FOLLOW_SCHED_EVERY;
	return k;
}

bool follow_look_still(struct program *p, const struct program_task *leader)
{
	struct timespec ts;
	struct follow_kept *k = follow_kept_for(p, leader);
	/* Linux's process CPU clock of a PID, as clock_getcpuclockid makes it (without its check, a second call). */
	clockid_t clock = (clockid_t)((~(unsigned)leader->pid << 3) | 2);

	if (k == NULL)
		return false;
	int64_t was = k->process_ns;
	k->process_ns = clock_gettime(clock, &ts) == 0 ? (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec : -1;
	return was >= 0 && k->process_ns == was;
}

/* Its schedstat's three figures; false when there is none (gone, or a kernel without it). */
static bool follow_kept_sched(const struct follow_kept *k, unsigned long long sched[3])
{
	char buf[128];

	return k->sched_fd >= 0 && follow_reread(k->sched_fd, buf, sizeof(buf)) &&
	       sscanf(buf, "%llu %llu %llu", &sched[0], &sched[1], &sched[2]) == 3;
}

bool follow_look_task(struct program *p, struct program_task *t, bool still, char *state, char *name, size_t namelen)
{
	char buf[1024];
	pid_t ppid;
	int code;
	unsigned long long sched[3] = { 0, 0, 0 };
	struct follow_kept *k = follow_kept_for(p, t);

	if (k == NULL)
		return follow_read_task(t, state, name, namelen);
	bool fresh = k->known && !t->leader && k->skips < FOLLOW_STAT_SKIP_MAX;
	if (still && fresh) {
		/* Its process has not run since the last look: its CPU time is the same now. */
		t->cpu_at = lab_now(p->lab);
		k->skips++;
		*state = k->state;
		strlcpy(name, k->name, namelen);
		return true;
	}
	if (fresh && ++k->sched_turn % FOLLOW_SCHED_EVERY != 0) {
		k->skips++;
		*state = k->state;
		strlcpy(name, k->name, namelen);
		return true;
	}
	/* schedstat first: a run between the two reads shows at the next look. */
	bool timed = follow_kept_sched(k, sched);
	if (timed && sched[0] > t->cpu_ns)
		t->cpu_ns = sched[0];
	if (timed)
		t->cpu_at = lab_now(p->lab);
	if (timed && fresh && (memcmp(sched, k->sched, sizeof(sched)) == 0 ||
	                       ++k->ran_skips < FOLLOW_STAT_RUNNING_EVERY)) {
		k->skips++;
		*state = k->state;
		strlcpy(name, k->name, namelen);
		return true;
	}
	/* A task reaped reads as gone (ESRCH), even when its TID has been given to another since. */
	if (!follow_reread(k->stat_fd, buf, sizeof(buf)) || !follow_parse_stat(buf, state, &ppid, &code)) {
		follow_kept_close(k);
		return false;
	}
	if (t->leader)
		t->ppid = ppid;
	follow_stat_name(buf, name, namelen);
	if (!k->known)
		k->known = timed;   /* the first read: skips and ran_skips keep their spread */
	else
		k->skips = k->ran_skips = 0;
	k->state = *state;
	strlcpy(k->name, name, sizeof(k->name));
	memcpy(k->sched, sched, sizeof(sched));
	return true;
}

void follow_look_forget(struct program *p, const struct program_task *t)
{
	if (p->kept != NULL)
		follow_kept_close(&p->kept->task[t - p->tasks]);
}

void follow_look_free(struct program *p)
{
	if (p->kept == NULL)
		return;
	for (int i = 0; i < PROGRAM_MAX_TASKS; i++)
		follow_kept_close(&p->kept->task[i]);
	free(p->kept);
	p->kept = NULL;
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
