/* The child side of the engine: the workload, the increment boundary, and the faults. */
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <bsd/unistd.h>

_Atomic int64_t worker_counter;
pthread_mutex_t worker_counter_lock = PTHREAD_MUTEX_INITIALIZER;

/* Read through a volatile so the compiler cannot see the NULL and turn the write into a trap. */
static int *volatile worker_null;

/* How much lower than ptviz the workers run, so the front end stays responsive. */
#define WORKER_NICE 10

void worker_child_setup(pid_t parent, int keep_fd, const char *title, const char *comm)
{
	sigset_t all;
	struct rlimit nocore = { 0, 0 };

	/* Die with ptviz, even after kill -9; the parent may already be gone. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);

	/*
	 * A process group of its own: Ctrl-C or a hangup on ptviz's terminal goes to
	 * ptviz, which ends its workers itself, not to the workers behind its back.
	 */
	setpgid(0, 0);

	/* Handlers and mask are ptviz's; the worker starts from the defaults. */
	for (int sig = 1; sig < NSIG; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	}
	sigemptyset(&all);
	pthread_sigmask(SIG_SETMASK, &all, NULL);

	setrlimit(RLIMIT_CORE, &nocore);
	/* Inherited by the threads a host creates; SCHED_IDLE comes per thread, see worker_go_idle. */
	setpriority(PRIO_PROCESS, 0, WORKER_NICE);

	/* The terminal belongs to the front end: a worker must never draw on it. */
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		if (getenv("PTVIZ_WORKER_STDERR") == NULL)
			dup2(null, 2);
		if (null > 2)
			close(null);
	}
	if (keep_fd >= 0 && keep_fd != 3) {
		dup2(keep_fd, 3);
		keep_fd = 3;
	}
	closefrom(keep_fd >= 0 ? 4 : 3);

	setproctitle("-%s", title);
	prctl(PR_SET_NAME, comm);
}

static void worker_fault(struct instr_slot *s, uint32_t fault)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	atomic_store(&s->fault_ns, (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
	atomic_store(&s->fault, fault);
	if (fault == INSTR_FAULT_LOOP) {
		/* A runaway loop: no increments, no control, just burning a CPU. */
		volatile uint64_t spins = 0;
		atomic_store(&s->state, INSTR_LOOPING);
		for (;;)
			spins++;
	}
	atomic_store(&s->state, INSTR_FAULTING);
	switch (fault) {
	case INSTR_FAULT_SEGV:
		/* Sanitizer runtimes catch SIGSEGV to print a report; the lesson needs the real death. */
		signal(SIGSEGV, SIG_DFL);
		*worker_null = 1;
		break;
	case INSTR_FAULT_ABORT:
		abort();
	case INSTR_FAULT_EXIT:
		exit(1);
	default:
		break;
	}
	abort();
}

/*
 * The increment boundary.  Between two increments a worker answers its
 * control word and the group's gate: parks for a hold (so ptviz can read a
 * consistent snapshot), waits while paused, ends, or performs a fault.
 * A held worker sleeps on the gate; a paused one sleeps on its own control
 * word, so holds at the frame rate never wake it and /proc shows it asleep.
 * Returns true when the worker should end.
 */
static bool worker_boundary(struct instr_gate *g, struct instr_slot *s)
{
	for (;;) {
		uint32_t seq = atomic_load(&g->seq);
		uint32_t hold = atomic_load(&g->hold);
		uint32_t ctl = atomic_load(&s->control);

		if (hold != 0) {
			if (atomic_load_explicit(&s->ack, memory_order_relaxed) != hold) {
				atomic_store(&s->ack, hold);
				if (atomic_fetch_add(&g->acked, 1) + 1 >= atomic_load(&g->expect))
					instr_futex_wake(&g->acked, 1);
			}
			instr_futex_wait(&g->seq, seq, -1);
			continue;
		}
		if (ctl & INSTR_CTL_END) {
			atomic_store(&s->state, INSTR_ENDED);
			return true;
		}
		if (instr_ctl_fault(ctl) != INSTR_FAULT_NONE)
			worker_fault(s, instr_ctl_fault(ctl));
		if (!(ctl & INSTR_CTL_PAUSE)) {
			atomic_store(&s->state, INSTR_RUNNING);
			return false;
		}
		/*
		 * Say "paused" before looking at the hold once more: ptviz sets the
		 * hold before it reads our state, so one of us always sees the other.
		 */
		atomic_store(&s->state, INSTR_PAUSED);
		if (atomic_load(&g->hold) != 0)
			continue;
		instr_futex_wait(&s->control, ctl, -1);
	}
}

/*
 * Below every normal task: with hundreds of busy workers on two CPUs, nice
 * alone would still leave ptviz a small share (weight 1024 against 110 each).
 * SCHED_IDLE runs the workers only when ptviz needs no CPU, so the screen and
 * the snapshots stay prompt.  It is per thread: a thread host takes it only
 * after creating its threads, or creating hundreds would crawl.
 */
void worker_go_idle(void)
{
	struct sched_param idle = { 0 };

	sched_setscheduler(0, SCHED_IDLE, &idle);
}

/* The workload every worker runs: counter++ under the group's sync mode. */
static void worker_run(struct instr_gate *g, struct instr_slot *s, _Atomic int64_t *counter,
                       pthread_mutex_t *lock)
{
	volatile int64_t done = 0;   /* this worker's own count, on its own stack */

	atomic_store(&s->stack_address, (uint64_t)(uintptr_t)&done);
	atomic_store(&s->tid, (int32_t)gettid());
	/* Reported in first, at ptviz's priority, so a spawn of hundreds is quick. */
	worker_go_idle();
	atomic_store(&s->state, INSTR_RUNNING);
	for (;;) {
		if (atomic_load_explicit(&g->hold, memory_order_acquire) != 0 ||
		    atomic_load_explicit(&s->control, memory_order_acquire) != 0) {
			if (worker_boundary(g, s))
				return;
		}
		switch (atomic_load_explicit(&g->sync, memory_order_relaxed)) {
		case INSTR_SYNC_MUTEX:
			pthread_mutex_lock(lock);
			atomic_store_explicit(counter,
			                      atomic_load_explicit(counter, memory_order_relaxed) + 1,
			                      memory_order_relaxed);
			pthread_mutex_unlock(lock);
			break;
		case INSTR_SYNC_ATOMIC:
			atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
			break;
		default: {
			/* A separate load and store: another worker's store in between is lost. */
			int64_t v = atomic_load_explicit(counter, memory_order_relaxed);
			atomic_store_explicit(counter, v + 1, memory_order_relaxed);
			break;
		}
		}
		done = done + 1;
		atomic_store_explicit(&s->done, done, memory_order_release);
	}
}

struct worker_thread_arg {
	struct instr_gate *gate;
	struct instr_slot *slot;
	char name[16];
};

static void *worker_thread(void *p)
{
	struct worker_thread_arg *a = p;

	pthread_setname_np(pthread_self(), a->name);
	worker_run(a->gate, a->slot, &worker_counter, &worker_counter_lock);
	return NULL;
}

_Noreturn void worker_host_main(struct instr *in, int gate, const int *slots, int n,
                                int ready_fd, const char *group)
{
	struct instr_gate *g = &in->gates[gate];
	pthread_t *threads = calloc((size_t)n, sizeof(*threads));
	struct worker_thread_arg *args = calloc((size_t)n, sizeof(*args));
	pthread_attr_t attr;
	int started = 0, rc = 0;

	if (threads == NULL || args == NULL) {
		rc = ENOMEM;
		goto report;
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (; started < n; started++) {
		args[started].gate = g;
		args[started].slot = &in->slots[slots[started]];
		snprintf(args[started].name, sizeof(args[started].name), "%s%d", group, started + 1);
		rc = pthread_create(&threads[started], &attr, worker_thread, &args[started]);
		if (rc != 0)
			break;
	}
	pthread_attr_destroy(&attr);
report:
	/* ptviz spawns all or nothing: on failure it kills this host, threads and all. */
	if (write(ready_fd, &rc, sizeof(rc)) != (ssize_t)sizeof(rc) || rc != 0)
		_exit(2);
	close(ready_fd);
	worker_go_idle();
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	/* Every thread ended on request: the host has nothing left to do. */
	_exit(0);
}

_Noreturn void worker_process_main(struct instr *in, int gate, int slot,
                                   _Atomic int64_t *counter, pthread_mutex_t *lock)
{
	worker_run(&in->gates[gate], &in->slots[slot], counter, lock);
	_exit(0);
}
