/* Tests of the workers' priority (normal while few run, idle for all once many do, never back) and of ending them all, as root and as a normal user. */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <grp.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "lab/lab.h"

/*
 * The stories below run in a child of the test: as nobody, they must, since
 * a dropped privilege cannot be taken back; as root, so that a failure cannot
 * leave the runner's own process changed.  A failed check prints why and ends
 * the child with 1; a check that cannot be judged prints why and is passed over.
 */
#define CHECK(cond, ...)                                                    \
	do {                                                                    \
		if (!(cond)) {                                                      \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                   \
			fputc('\n', stderr);                                            \
			_exit(1);                                                       \
		}                                                                   \
	} while (0)

static void must(bool ok, const struct lab_error *err)
{
	CHECK(ok, "%s", err->msg);
}

/* What the kernel says of one thread: its policy and nice value, from /proc and from sched_getscheduler. */
struct task_prio {
	int policy;       /* field 41 of stat */
	int nice;         /* field 19 */
	int asked;        /* sched_getscheduler(tid) */
};

static bool task_prio_read(pid_t pid, pid_t tid, struct task_prio *tp)
{
	char path[64], buf[1024];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	if (p == NULL)
		return false;
	/* After the name: field 3 (state) is the first; nice is field 19, policy field 41. */
	int field = 2;
	long nice = 0, policy = -1;
	for (char *tok = strtok(p + 1, " "); tok != NULL; tok = strtok(NULL, " ")) {
		field++;
		if (field == 19)
			nice = strtol(tok, NULL, 10);
		if (field == 41)
			policy = strtol(tok, NULL, 10);
	}
	tp->policy = (int)policy;
	tp->nice = (int)nice;
	tp->asked = sched_getscheduler(tid);
	return policy >= 0;
}

/* The processes a group runs: its thread host, or each of its live process workers. */
static int group_pids(const struct lab_group *g, pid_t *pids, int max)
{
	int n = 0;

	if (g->kind == LAB_THREADS && g->host_alive)
		pids[n++] = g->host;
	for (int i = 0; g->kind == LAB_PROCESSES && i < g->nworkers && n < max; i++) {
		if (g->workers[i].alive)
			pids[n++] = g->workers[i].pid;
	}
	return n;
}

/*
 * Calls fn on every thread of every process of every live group (a thread
 * host's own thread too); counts those for which it returns true.
 */
static int each_task(struct lab *lab, bool (*fn)(pid_t pid, pid_t tid, void *ctx), void *ctx, int *total)
{
	int yes = 0;

	*total = 0;
	for (int i = 0; i < lab_ngroups(lab); i++) {
		pid_t pids[64];
		int n = group_pids(lab_group_at(lab, i), pids, 64);
		for (int k = 0; k < n; k++) {
			char path[32];
			snprintf(path, sizeof(path), "/proc/%d/task", (int)pids[k]);
			DIR *dir = opendir(path);
			CHECK(dir != NULL, "%s: %s", path, strerror(errno));
			for (struct dirent *d; (d = readdir(dir)) != NULL;) {
				pid_t tid = (pid_t)strtol(d->d_name, NULL, 10);
				if (tid <= 0)
					continue;
				(*total)++;
				yes += fn(pids[k], tid, ctx);
			}
			closedir(dir);
		}
	}
	return yes;
}

static int own_nice(void)
{
	errno = 0;
	int nice = getpriority(PRIO_PROCESS, 0);
	CHECK(errno == 0, "getpriority: %s", strerror(errno));
	return nice;
}

/* At ptviz's own priority: SCHED_OTHER, ptviz's nice. */
static bool task_normal(pid_t pid, pid_t tid, void *ctx)
{
	struct task_prio tp;

	(void)ctx;
	CHECK(task_prio_read(pid, tid, &tp), "cannot read /proc/%d/task/%d/stat", (int)pid, (int)tid);
	if (tp.policy != SCHED_OTHER || tp.asked != SCHED_OTHER || tp.nice != own_nice())
		fprintf(stderr, "  tid %d: policy %d (asked %d), nice %d\n", (int)tid, tp.policy, tp.asked, tp.nice);
	return tp.policy == SCHED_OTHER && tp.asked == SCHED_OTHER && tp.nice == own_nice();
}

/* At idle priority: SCHED_IDLE, nice 10 below ptviz's (19 at most). */
static bool task_idle(pid_t pid, pid_t tid, void *ctx)
{
	struct task_prio tp;
	int nice = own_nice() + 10 < 19 ? own_nice() + 10 : 19;

	(void)ctx;
	CHECK(task_prio_read(pid, tid, &tp), "cannot read /proc/%d/task/%d/stat", (int)pid, (int)tid);
	return tp.policy == SCHED_IDLE && tp.asked == SCHED_IDLE && tp.nice == nice;
}

static void all_normal(struct lab *lab, const char *when)
{
	int total;
	int normal = each_task(lab, task_normal, NULL, &total);

	CHECK(normal == total && total > 0, "%s: %d of %d threads at normal priority", when, normal, total);
	printf("%s: all %d threads at SCHED_OTHER, nice %d\n", when, total, own_nice());
}

/*
 * Every thread idle.  A worker born idle takes SCHED_IDLE itself once it has
 * reported in, so it may not have yet: wait for it by its count, in
 * observations, and pass over the check when the workers get no CPU at all.
 */
static bool all_idle(struct lab *lab, const char *when)
{
	int total, idle = 0;

	for (int pass = 0; pass < 2000; pass++) {
		idle = each_task(lab, task_idle, NULL, &total);
		if (idle == total && total > 0) {
			printf("%s: all %d threads at SCHED_IDLE, nice %+d\n", when, total, own_nice() + 10);
			return true;
		}
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
		lab_observe(lab);
	}
	/* Passed over only when some worker never counted: it had no CPU to reach its loop. */
	for (int i = 0; i < lab_ngroups(lab); i++) {
		const struct lab_group *g = lab_group_at(lab, i);
		for (int j = 0; j < g->nworkers; j++) {
			if (g->workers[j].alive && g->workers[j].done == 0) {
				printf("SKIP one check: %s: %s never counted (no CPU): %d of %d threads idle\n", when,
				       g->workers[j].id, idle, total);
				return false;
			}
		}
	}
	CHECK(false, "%s: %d of %d threads at idle priority", when, idle, total);
	return false;
}

/* Every group's flag, and the lab's, say idle (or not). */
static void flags_say(struct lab *lab, bool idle)
{
	struct lab_priority prio;

	lab_priority_get(lab, &prio);
	CHECK(prio.idle == idle, "the lab says idle %d", prio.idle);
	for (int i = 0; i < lab_ngroups(lab); i++) {
		const struct lab_group *g = lab_group_at(lab, i);
		if (g->alive > 0)
			CHECK(g->idle_priority == idle, "%s says idle %d", g->name, g->idle_priority);
	}
}

static struct lab *story_lab(int normal_workers)
{
	struct lab_config cfg;
	struct lab_error err;

	lab_config_defaults(&cfg);
	cpu_set_t set;
	CHECK(sched_getaffinity(0, sizeof(set), &set) == 0, "sched_getaffinity");
	CHECK(cfg.normal_workers == LAB_NORMAL_PER_CPU * CPU_COUNT(&set), "default threshold %d for %d CPUs",
	      cfg.normal_workers, CPU_COUNT(&set));
	cfg.max_threads = 8;
	cfg.max_processes = 8;
	cfg.normal_workers = normal_workers;
	struct lab *lab = lab_new(&cfg, &err);
	CHECK(lab != NULL, "lab_new: %s", err.msg);
	return lab;
}

static void spawn(struct lab *lab, enum lab_kind kind, int n, const char *name, char *note)
{
	struct lab_error err = { 0 };

	must(lab_spawn(lab, kind, n, false, name, &err), &err);
	if (note != NULL)
		snprintf(note, LAB_MSG_MAX, "%s", err.msg);
}

static void kill_group(struct lab *lab, const char *name)
{
	struct lab_error err = { 0 };

	must(lab_kill(lab, name, &err), &err);
}

/*
 * A move back to normal priority, tried on one worker process from here:
 * refused without privilege.  Returns whether both calls were refused.
 */
static bool move_back_refused(pid_t pid)
{
	struct sched_param param = { 0 };
	struct rlimit rl;

	if (getrlimit(RLIMIT_NICE, &rl) == 0 && rl.rlim_cur > 0) {
		printf("SKIP one check: RLIMIT_NICE is %ld here, so a raise may be allowed\n", (long)rl.rlim_cur);
		return true;
	}
	errno = 0;
	int policy = sched_setscheduler(pid, SCHED_OTHER, &param);
	int policy_errno = errno;
	errno = 0;
	int nice = setpriority(PRIO_PROCESS, (id_t)pid, own_nice());
	int nice_errno = errno;
	printf("back to normal, tried as uid %d: sched_setscheduler %s, setpriority %s\n", (int)getuid(),
	       policy == 0 ? "allowed" : strerror(policy_errno), nice == 0 ? "allowed" : strerror(nice_errno));
	/* setpriority says EACCES for a raise it refuses, sched_setscheduler EPERM. */
	return policy == -1 && policy_errno == EPERM && nice == -1 && (nice_errno == EACCES || nice_errno == EPERM);
}

/* Every pid in pids is gone: reaped, not a zombie, not running. */
static void all_gone(const pid_t *pids, int n, const char *when)
{
	for (int i = 0; i < n; i++)
		CHECK(kill(pids[i], 0) == -1 && errno == ESRCH, "%s: pid %d is still there", when, (int)pids[i]);
	/* And no child of this process is left to reap. */
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	CHECK(waitid(P_ALL, 0, &si, WEXITED | WNOHANG) == -1 && errno == ECHILD, "%s: a child is left (pid %d)", when,
	      (int)si.si_pid);
	printf("%s: all %d processes gone, no child left\n", when, n);
}

/* The pids of every process the lab runs now, added to pids. */
static int remember(struct lab *lab, pid_t *pids, int n, int max)
{
	for (int i = 0; i < lab_ngroups(lab); i++) {
		const struct lab_group *g = lab_group_at(lab, i);
		pid_t now[64];
		int k = group_pids(g, now, 64);
		for (int j = 0; j < k && n < max; j++) {
			bool seen = false;
			for (int s = 0; s < n; s++)
				seen |= pids[s] == now[j];
			if (!seen)
				pids[n++] = now[j];
		}
		for (int c = 0; c < g->nkids && n < max; c++)
			pids[n++] = g->kids[c].pid;
	}
	return n;
}

/*
 * The policy, told as a lecturer would try it: four workers keep ptviz's
 * priority; a fifth (the threshold here is 4) lowers every one; killing
 * some brings none back; only when none is left do new ones start normal.
 */
static void priority_story(bool privileged)
{
	char note[LAB_MSG_MAX];
	pid_t pids[128];
	int npids = 0;
	struct lab *lab = story_lab(4);

	spawn(lab, LAB_PROCESSES, 2, "P", NULL);
	spawn(lab, LAB_THREADS, 2, "T", note);
	CHECK(strstr(note, "idle") == NULL, "no move is told at 4 workers: '%s'", note);
	flags_say(lab, false);
	all_normal(lab, "4 workers");
	npids = remember(lab, pids, npids, 128);

	spawn(lab, LAB_PROCESSES, 1, "Q", note);
	CHECK(strstr(note, "idle priority") != NULL, "the spawn says why the workers moved: '%s'", note);
	printf("spawn's note: %s\n", note);
	flags_say(lab, true);
	struct lab_priority prio;
	lab_priority_get(lab, &prio);
	CHECK(prio.moved_with == 5 && prio.normal_workers == 4, "moved with %d, threshold %d", prio.moved_with,
	      prio.normal_workers);
	all_idle(lab, "5 workers");
	npids = remember(lab, pids, npids, 128);

	const struct lab_group *p = lab_find_group(lab, "P");
	if (!privileged)
		CHECK(move_back_refused(p->workers[0].pid), "a move back must be refused without privilege");

	/* Down to 2 live workers, then a third: none goes back, the new one starts idle. */
	kill_group(lab, "Q");
	kill_group(lab, "T");
	spawn(lab, LAB_THREADS, 1, "U", NULL);
	flags_say(lab, true);
	all_idle(lab, "after kills, 3 workers");
	npids = remember(lab, pids, npids, 128);

	/* Only a fresh start (no worker left) starts normal again. */
	lab_reset(lab);
	flags_say(lab, false);
	spawn(lab, LAB_PROCESSES, 2, "P", NULL);
	all_normal(lab, "after reset, 2 workers");
	npids = remember(lab, pids, npids, 128);
	lab_free(lab);
	all_gone(pids, npids, "after lab_free");
}

/* Runs a story in a child (as nobody when drop); the child's exit says how it went, 77 when it could not start. */
static void in_child(void (*story)(bool privileged), bool drop)
{
	fflush(stdout);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		bool privileged = geteuid() == 0;
		if (drop && privileged) {
			if (chdir("/") != 0 || setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0) {
				printf("SKIP: cannot become nobody (uid 65534): %s\n", strerror(errno));
				fflush(stdout);
				_exit(77);
			}
			/* A change of user makes a process undumpable, and /proc of its children root's alone. */
			prctl(PR_SET_DUMPABLE, 1);
			privileged = false;
		}
		printf("as uid %d:\n", (int)geteuid());
		story(privileged);
		fflush(stdout);
		_exit(0);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_priority_as_user(void **state)
{
	(void)state;
	in_child(priority_story, true);
}

static void test_priority_as_root(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		printf("SKIP: not root, so the plain path is the one above\n");
		skip();
	}
	in_child(priority_story, false);
}

/*
 * Ending, judged by counts: every process the lab started is gone when
 * lab_free returns (reaped: not running, not a zombie), with workers at both
 * priorities, children the workers forked, and a zombie left by `reap off`.
 */
static void ending_story(bool privileged)
{
	struct lab_error err = { 0 };
	pid_t pids[128];
	int npids = 0;
	struct lab *lab = story_lab(4);

	(void)privileged;
	spawn(lab, LAB_THREADS, 2, "T", NULL);
	spawn(lab, LAB_PROCESSES, 2, "P", NULL);
	must(lab_fork_child(lab, "P1", &err), &err);
	must(lab_fork_child(lab, "T2", &err), &err);
	npids = remember(lab, pids, npids, 128);
	lab_reset(lab);
	all_gone(pids, npids, "reset, 4 normal workers and 2 children");

	/* Over the threshold: idle workers, one left a zombie. */
	spawn(lab, LAB_THREADS, 8, "T", NULL);
	spawn(lab, LAB_PROCESSES, 8, "P", NULL);
	must(lab_fork_child(lab, "P3", &err), &err);
	must(lab_reaping(lab, LAB_REAP_OFF, &err), &err);
	npids = remember(lab, pids, 0, 128);
	kill_group(lab, "P");
	const struct lab_group *p = lab_find_group(lab, "P");
	int zombies = 0;
	for (int i = 0; i < p->nworkers; i++)
		zombies += p->workers[i].zombie;
	CHECK(zombies == 8, "kill with reaping off leaves 8 zombies, not %d", zombies);
	lab_free(lab);
	all_gone(pids, npids, "lab_free, 16 idle workers, 8 zombies, 1 child");
}

static void test_ending_as_user(void **state)
{
	(void)state;
	in_child(ending_story, true);
}

static void test_ending_as_root(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	in_child(ending_story, false);
}

/*
 * `kill GROUP` kills every process first and takes each as it dies: when it
 * returns, every one is reaped and its exit told, one event each.
 */
static void kill_story(bool privileged)
{
	struct lab_event ev;
	struct lab *lab = story_lab(4);
	pid_t pids[16];

	(void)privileged;
	spawn(lab, LAB_PROCESSES, 8, "P", NULL);
	int n = remember(lab, pids, 0, 16);
	while (lab_next_event(lab, &ev))
		lab_event_clear(&ev);
	kill_group(lab, "P");
	int exits = 0;
	while (lab_next_event(lab, &ev)) {
		exits += ev.kind == LAB_EVENT_EXIT && ev.end == LAB_END_KILLED && ev.whole_group;
		lab_event_clear(&ev);
	}
	CHECK(exits == 8, "8 exits told, not %d", exits);
	CHECK(lab_find_group(lab, "P")->alive == 0, "none alive");
	for (int i = 0; i < n; i++)
		CHECK(kill(pids[i], 0) == -1 && errno == ESRCH, "pid %d is still there after kill", (int)pids[i]);
	printf("kill P: 8 processes reaped, 8 exits told\n");
	lab_free(lab);
}

static void test_kill_together(void **state)
{
	(void)state;
	in_child(kill_story, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_priority_as_user),
		cmocka_unit_test(test_priority_as_root),
		cmocka_unit_test(test_ending_as_user),
		cmocka_unit_test(test_ending_as_root),
		cmocka_unit_test(test_kill_together),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
