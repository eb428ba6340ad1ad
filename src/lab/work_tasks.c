/* The tasks workload in the workers: short tasks served by a pool, or by a thread (a process) created for each and joined (reaped). */
#include "work_channel.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "work_tasks.h"

/* A task started in a thread or a process of its own, until it is joined or reaped. */
struct tasks_started {
	bool used;
	pthread_t thread;
	pid_t pid;                 /* 0 for a thread */
	_Atomic int finished;      /* a thread: its task is done, so a join will not wait */
	uint32_t run;              /* the run it was started in: counted only in that one */
	int64_t arrival_ns;
	struct work_slot *ws;
	struct work_gate *wg;
};

/* What a worker keeps of the workload between two operations. */
struct tasks_own {
	bool seen;
	uint32_t run;              /* the run it last saw */
	int64_t cpu_base;          /* its process's CPU when that run began */
	bool reserved;             /* it has taken the task numbered task, which may not have arrived yet */
	uint32_t reserved_run;
	int64_t task, reserved_at;
	int alive, alive_max;      /* a thread or process per task: those not joined or reaped yet */
	struct tasks_started *started;
};

static _Thread_local struct tasks_own own;
_Thread_local int work_tasks_outstanding;

/* The task itself: arithmetic, some tens of microseconds of a CPU. */
static void tasks_compute(void)
{
	static _Thread_local volatile uint64_t sink;
	uint64_t x = sink + 1;

	for (int i = 0; i < WORK_TASK_ROUNDS; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	sink = x;
}

/* Runs one task that arrived at arrival_ns, and says how long it waited to start. */
static void tasks_run(struct work_gate *wg, struct work_slot *ws, uint32_t run, int64_t arrival_ns)
{
	int64_t wait = worker_ns() - arrival_ns;

	if (atomic_load_explicit(&wg->run, memory_order_relaxed) == run) {
		atomic_fetch_add_explicit(&ws->started, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&ws->wait_ns, wait > 0 ? wait : 0, memory_order_relaxed);
		int64_t max = atomic_load_explicit(&ws->wait_max_ns, memory_order_relaxed);
		while (wait > max && !atomic_compare_exchange_weak(&ws->wait_max_ns, &max, wait))
			;
	}
	tasks_compute();
}

static void *tasks_thread(void *arg)
{
	struct tasks_started *t = arg;

	tasks_run(t->wg, t->ws, t->run, t->arrival_ns);
	atomic_store_explicit(&t->finished, 1, memory_order_release);
	return NULL;
}

/* CPU its process used, with every child it has reaped: the tasks' own when each had a process. */
static int64_t tasks_cpu_now(void)
{
	struct timespec ts;
	struct rusage kids;
	int64_t ns = 0;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0)
		ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	if (getrusage(RUSAGE_CHILDREN, &kids) == 0)
		ns += ((int64_t)kids.ru_utime.tv_sec + kids.ru_stime.tv_sec) * 1000000000 +
		      ((int64_t)kids.ru_utime.tv_usec + kids.ru_stime.tv_usec) * 1000;
	return ns;
}

/* In a thread host one worker speaks for the whole process, whose CPU clock counts every thread, ended ones too. */
static void tasks_publish(struct instr_slot *s, bool threads)
{
	struct work_slot *ws = work_slot_of(s);

	if (!threads || s->number == 1)
		atomic_store_explicit(&ws->cpu_ns, tasks_cpu_now() - own.cpu_base, memory_order_relaxed);
	atomic_store_explicit(&ws->alive, own.alive, memory_order_relaxed);
	atomic_store_explicit(&ws->alive_max, own.alive_max, memory_order_relaxed);
}

/* A task done: counted in the counter and in the worker's own count. */
static void tasks_counted(struct instr_slot *s, const struct worker_mem *m, volatile int64_t *done)
{
	worker_phase_begin(s);
	atomic_fetch_add_explicit(m->counter, 1, memory_order_relaxed);
	*done = *done + 1;
	atomic_store_explicit(&s->done, *done, memory_order_release);
	worker_phase_end(s);
}

/* Asleep for a while (at most a few ms, so it answers ptviz), then parked if ptviz holds the group. */
static void tasks_nap(struct instr_gate *g, struct instr_slot *s, int64_t ns)
{
	struct timespec nap = { (time_t)(ns / 1000000000), (long)(ns % 1000000000) };

	atomic_store(&s->state, LAB_ACT_TASKWAIT);
	nanosleep(&nap, NULL);
	atomic_store(&s->state, LAB_ACT_RUNNING);
	worker_park_if_held(g, s);
}

/*
 * The next task, once it has arrived.  A worker takes a task's number first,
 * then waits for its arrival: at a fixed rate task i arrives at from + i /
 * rate, and each arrival wakes the one worker waiting for it.  As fast as
 * they are taken, a task arrives when it is taken.  False while it has not
 * arrived (the worker napped meanwhile).
 */
static bool tasks_next(struct instr_gate *g, struct instr_slot *s, uint32_t run, int64_t *arrival)
{
	struct work_gate *wg = work_gate_of(s);
	uint32_t rate = atomic_load_explicit(&wg->rate, memory_order_relaxed);
	int64_t from = atomic_load(&wg->from_ns), now = worker_ns();

	/* The first to look starts the clock; one that finds another did has its time in from. */
	if (from == 0 && atomic_compare_exchange_strong(&wg->from_ns, &from, now))
		from = now;
	if (!own.reserved || own.reserved_run != run) {
		own.task = atomic_fetch_add(&wg->taken, 1);
		own.reserved = true;
		own.reserved_run = run;
		own.reserved_at = now;
	}
	int64_t at = rate != 0 ? from + own.task * (1000000000 / (int64_t)rate) : own.reserved_at;
	if (at > now) {
		/* Asleep until it arrives, but never longer than a screen frame: ptviz may want an answer. */
		tasks_nap(g, s, at - now < WORK_TASK_NAP_NS ? at - now : WORK_TASK_NAP_NS);
		return false;
	}
	own.reserved = false;
	*arrival = at;
	return true;
}

/* Joins the threads (reaps the processes) whose tasks are done, and counts those of this run; wait: all of them. */
static void tasks_collect(struct instr_slot *s, const struct worker_mem *m, volatile int64_t *done, bool wait)
{
	int cap = WORK_TASKS_ALIVE_THREADS;

	for (int i = 0; own.started != NULL && i < cap && own.alive > 0; i++) {
		struct tasks_started *t = &own.started[i];
		if (!t->used)
			continue;
		if (t->pid == 0) {
			if (!wait && !atomic_load_explicit(&t->finished, memory_order_acquire))
				continue;
			pthread_join(t->thread, NULL);
		} else if (waitpid(t->pid, NULL, wait ? 0 : WNOHANG) == 0) {
			continue;
		}
		t->used = false;
		own.alive--;
		if (s != NULL && t->run == own.run)
			tasks_counted(s, m, done);
	}
	work_tasks_outstanding = own.alive;
}

void work_tasks_leave(void)
{
	tasks_collect(NULL, NULL, NULL, true);
}

/* A process for one task: it dies with its parent, runs the task, and exits. */
static _Noreturn void tasks_child(pid_t parent, struct tasks_started *t)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	/* Named, so that ptviz knows it should its parent die first and leave it to ptviz (work_reap_orphans). */
	prctl(PR_SET_NAME, WORK_TASK_COMM);
	tasks_run(t->wg, t->ws, t->run, t->arrival_ns);
	_exit(0);
}

/* Starts one task in a new thread (pthread_create) or process (fork); false when none could be made. */
static bool tasks_start(struct instr_slot *s, bool threads, uint32_t run, int64_t arrival)
{
	struct tasks_started *t = NULL;

	for (int i = 0; i < WORK_TASKS_ALIVE_THREADS && t == NULL; i++)
		t = own.started[i].used ? NULL : &own.started[i];
	if (t == NULL)
		return false;
	*t = (struct tasks_started){ .used = true, .run = run, .arrival_ns = arrival, .ws = work_slot_of(s),
	                             .wg = work_gate_of(s) };
	if (threads) {
		t->used = pthread_create(&t->thread, NULL, tasks_thread, t) == 0;
	} else {
		pid_t parent = getpid();
		t->pid = fork();
		if (t->pid == 0)
			tasks_child(parent, t);
		t->used = t->pid > 0;
	}
	if (!t->used)
		return false;
	atomic_fetch_add_explicit(&work_slot_of(s)->created, 1, memory_order_relaxed);
	own.alive++;
	if (own.alive > own.alive_max)
		own.alive_max = own.alive;
	work_tasks_outstanding = own.alive;
	return true;
}

/* No pool: worker 1 starts a thread (a process) for each task as it arrives, and joins (reaps) it once done. */
static void tasks_dispatch(struct instr_gate *g, struct instr_slot *s, const struct worker_mem *m,
                           volatile int64_t *done, bool threads, uint32_t run)
{
	int cap = threads ? WORK_TASKS_ALIVE_THREADS : WORK_TASKS_ALIVE_PROCESSES;
	int64_t arrival;

	if (own.started == NULL)
		own.started = calloc(WORK_TASKS_ALIVE_THREADS, sizeof(*own.started));
	if (own.started == NULL) {
		tasks_nap(g, s, 20000000);
		return;
	}
	tasks_collect(s, m, done, false);
	if (own.alive >= cap) {
		tasks_nap(g, s, 50000);   /* as many alive as it keeps: one must end first */
		return;
	}
	if (!tasks_next(g, s, run, &arrival))
		return;
	if (!tasks_start(s, threads, run, arrival)) {
		own.reserved = true;      /* it arrived and waits: started again after a pause */
		tasks_nap(g, s, 1000000);
	}
}

void work_tasks(struct instr_gate *g, struct instr_slot *s, const struct worker_mem *m, volatile int64_t *done)
{
	struct work_gate *wg = work_gate_of(s);
	bool threads = m->shared && m->counter == &worker_counter;
	uint32_t run = atomic_load_explicit(&wg->run, memory_order_relaxed);
	uint32_t pool = atomic_load_explicit(&wg->pool, memory_order_relaxed);
	int64_t arrival;

	if (!own.seen || own.run != run) {
		own.seen = true;
		own.run = run;
		own.cpu_base = tasks_cpu_now();
		own.reserved = false;
		own.alive_max = own.alive;
	}
	if (pool == 0 && s->number == 1) {
		tasks_dispatch(g, s, m, done, threads, run);
	} else {
		/* Per-task threads or processes left from before the pool: joined or reaped as they end. */
		if (own.alive > 0)
			tasks_collect(s, m, done, false);
		if (pool == 0 || s->number > pool) {
			tasks_nap(g, s, 20000000);   /* not serving: out of the pool, asleep most of the time */
		} else if (tasks_next(g, s, run, &arrival)) {
			tasks_run(wg, work_slot_of(s), run, arrival);
			tasks_counted(s, m, done);
		}
	}
	tasks_publish(s, threads);
}
