/* A worker's life: set up after the fork, the thread host and the process, the boundary where it answers ptviz, its faults and requests. */
#include "worker_priv.h"

#include "annex.h"
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <bsd/unistd.h>

#include "memory.h"

_Atomic int64_t worker_counter;
/* The private locks: the thread host's, or each private process's own copy. */
static pthread_mutex_t worker_lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t worker_lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t worker_gil = PTHREAD_MUTEX_INITIALIZER;

/* Read through a volatile so the compiler cannot see the NULL and turn the write into a trap. */
static int *volatile worker_null;

/* ptviz, which a worker's own child keeps in view (see worker_kid_main). */
static pid_t worker_ptviz;
/* Started at idle priority: each thread goes to SCHED_IDLE once it has reported in. */
static bool worker_idle;

/*
 * Keeps only the descriptors in keep, moved to 3, 4, ... in that order.
 * Everything else ptviz had open is closed first, so the moves need only a
 * few free numbers above 2 + nkeep and work under any open-file limit ptviz
 * itself can run with (a fixed place such as 64 fails under `ulimit -n 64`).
 */
static void worker_keep_only(const int *keep, int nkeep)
{
	int moved[8];

	if (nkeep > 8)
		nkeep = 8;
	for (int fd = 3, open_max = (int)sysconf(_SC_OPEN_MAX); fd < open_max; ) {
		int next = open_max;
		for (int i = 0; i < nkeep; i++) {
			if (keep[i] >= fd && keep[i] < next)
				next = keep[i];
		}
		if (next > fd)
			close_range((unsigned)fd, (unsigned)next - 1, 0);
		fd = next + 1;
	}
	/* Above the places they go to, so moving one onto 3, 4, ... never closes another still to move. */
	for (int i = 0; i < nkeep; i++)
		moved[i] = fcntl(keep[i], F_DUPFD_CLOEXEC, 3 + nkeep);
	for (int i = 0; i < nkeep; i++) {
		if (moved[i] >= 0)
			dup2(moved[i], 3 + i);   /* dup2 clears close-on-exec, as the fds had it before */
	}
	closefrom(3 + nkeep);
}

void lab_child_isolate(pid_t parent, const int *keep, int nkeep, const char *title, const char *comm)
{
	sigset_t all;
	struct rlimit nocore = { 0, 0 };

	/*
	 * Dies with ptviz, even after kill -9.  A session (or in a group's session,
	 * a process group) of its own: Ctrl-C or a hangup on ptviz's terminal goes
	 * to ptviz, which ends its workers itself, not to the workers behind its
	 * back; and the scheduler shares the CPUs with ptviz by session (session.c).
	 */
	lab_session_join(parent);
	worker_ptviz = parent;

	/* Handlers and mask are ptviz's; the worker starts from the defaults. */
	for (int sig = 1; sig < NSIG; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	}
	sigemptyset(&all);
	pthread_sigmask(SIG_SETMASK, &all, NULL);

	setrlimit(RLIMIT_CORE, &nocore);

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
	worker_keep_only(keep, nkeep);

	setproctitle("-%s", title);
	prctl(PR_SET_NAME, comm);
}

void worker_child_setup(pid_t parent, const int *keep, int nkeep, const char *title, const char *comm, bool idle)
{
	lab_child_isolate(parent, keep, nkeep, title, comm);
	/*
	 * A worker of a lab with few of them keeps ptviz's priority and competes
	 * for the CPUs as any program does (see src/lab/priority.c).  Nothing here
	 * ever raises a priority: once lowered, an unprivileged task cannot go back.
	 */
	worker_idle = idle;
	if (idle) {
		/* Below ptviz's own; inherited by the threads a host creates.  SCHED_IDLE comes per thread, see worker_go_idle. */
		errno = 0;
		int own = getpriority(PRIO_PROCESS, 0);
		if (errno == 0)
			setpriority(PRIO_PROCESS, 0, own + WORKER_NICE);   /* the kernel keeps it at 19 at most */
	}
}

void worker_fault(struct instr_slot *s, uint32_t fault)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	atomic_store(&s->fault_ns, (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
	atomic_store(&s->fault, fault);
	if (fault == LAB_FAULT_LOOP) {
		/* A runaway loop: no increments, no control, just burning a CPU. */
		volatile uint64_t spins = 0;
		atomic_store(&s->state, LAB_ACT_LOOPING);
		for (;;)
			spins++;
	}
	atomic_store(&s->state, LAB_ACT_FAULTING);
	switch (fault) {
	case LAB_FAULT_SEGV:
		/* Sanitizer runtimes catch SIGSEGV to print a report; the lesson needs the real death. */
		signal(SIGSEGV, SIG_DFL);
		*worker_null = 1;
		break;
	case LAB_FAULT_ABORT:
		abort();
	case LAB_FAULT_EXIT:
		exit(1);
	default:
		break;
	}
	abort();
}

int64_t worker_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * `inject block`: a long task run synchronously, as a request handler that
 * computes for seconds.  Nothing else this worker does happens meanwhile.  It
 * stays killable (END) and never touches the counter, so ptviz does not wait
 * for it in a hold.
 */
static void worker_block(struct instr_slot *s)
{
	volatile uint64_t x = 1;
	int64_t until = worker_ns() + INSTR_BLOCK_NS;

	atomic_store(&s->state, LAB_ACT_BLOCKING);
	while (worker_ns() < until) {
		for (int i = 0; i < 20000; i++)
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		if (atomic_load(&s->control) & INSTR_CTL_END)
			return;
	}
	atomic_store(&s->state, LAB_ACT_RUNNING);
}

/* The worker's name, "T2" or "P2", from the name the kernel keeps for the calling thread. */
static void worker_own_id(char *id, size_t len)
{
	char comm[17] = "";

	prctl(PR_GET_NAME, comm);
	const char *name = strncmp(comm, "ptviz ", 6) == 0 ? comm + 6 : comm;
	snprintf(id, len, "%s", name);
}

/*
 * A worker's own child, forked on request: it sleeps, and it must neither
 * outlive ptviz nor die with its parent.  The kernel sends the parent-death
 * signal each time the child is handed to a new parent: once when the worker
 * dies and ptviz (the child subreaper) adopts it, which it survives, and again
 * when ptviz dies, which it does not.
 */
static _Noreturn void worker_kid_main(pid_t parent, const char *id)
{
	sigset_t usr;
	char title[64], comm[16];

	sigemptyset(&usr);
	sigaddset(&usr, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr, NULL);
	prctl(PR_SET_PDEATHSIG, SIGUSR1);
	snprintf(title, sizeof(title), "ptviz: child of %s", id);
	snprintf(comm, sizeof(comm), "%.9s child", id);
	setproctitle("-%s", title);
	prctl(PR_SET_NAME, comm);
	for (;;) {
		pid_t now = getppid();
		if (now != parent && now != worker_ptviz)
			_exit(0);
		struct timespec second = { 1, 0 };
		sigtimedwait(&usr, NULL, &second);
	}
}

/* INSTR_ASK_OPEN: a file of its own, in memory, named after the worker. */
static int32_t worker_open(void)
{
	char id[16], name[40];

	worker_own_id(id, sizeof(id));
	snprintf(name, sizeof(name), "opened by %s", id);
	int fd = memfd_create(name, 0);
	if (fd < 0)
		return -errno;
	/* Something of its own in it: the file is the worker's, not an empty name. */
	dprintf(fd, "%s wrote this\n", id);
	return fd;
}

static int32_t worker_fork(void)
{
	char id[16];
	pid_t me = getpid();

	worker_own_id(id, sizeof(id));
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		worker_kid_main(me, id);
	return pid;
}

/*
 * Carries out a request that is not a fault (open, close, fork, touch), answers in
 * slot->arg and clears it.  Returns false when ctl holds no such request.
 * Nothing here touches the counter, so it may run wherever the worker waits.
 */
bool worker_request(struct instr_slot *s, uint32_t ctl)
{
	int32_t answer;

	switch (instr_ctl_fault(ctl)) {
	case INSTR_ASK_OPEN:
		answer = worker_open();
		break;
	case INSTR_ASK_CLOSE:
		answer = close(atomic_load(&s->arg)) == 0 ? 0 : -errno;
		break;
	case INSTR_ASK_FORK:
		answer = worker_fork();
		break;
	case INSTR_ASK_TOUCH:
		answer = lab_touch_write(atomic_load(&s->arg));
		break;
	default:
		if (!worker_annex_request(s, instr_ctl_fault(ctl), &answer))
			return false;
		break;
	}
	atomic_store(&s->arg, answer);
	atomic_fetch_and(&s->control, ~INSTR_CTL_FAULT_MASK);
	return true;
}


/* How long a worker parked for a hold gives way with sched_yield before it sleeps instead. */
#define WORKER_HOLD_YIELD_NS (2LL * 1000 * 1000)

/*
 * Parks for the hold in force: acknowledges it once, then gives way until
 * ptviz lets the group go on.  The caller reads seq before hold, and reads
 * both again when this returns.
 *
 * It gives way with sched_yield, staying runnable: a hold lasts a fraction
 * of a millisecond, the CPUs it gives up go to the workers ptviz still waits
 * for, and the release wakes nobody, since a parked worker sees it the next
 * time it runs.  A hold that lasts longer (one that cannot be completed, or
 * a command that keeps the group held) finds it asleep on the gate instead;
 * sleepers tells ptviz whether a release has anyone to wake.
 *
 * While parked the worker says so in its slot: a later hold need not wait for
 * it, since it takes up its work only after clearing `parked` and reading
 * the hold again (sequentially consistent on both sides, so either ptviz sees
 * it parked or it sees ptviz's hold).
 */
static void worker_hold(struct instr_gate *g, struct instr_slot *s, uint32_t seq, uint32_t hold)
{
	if (atomic_load_explicit(&s->ack, memory_order_relaxed) != hold) {
		atomic_store(&s->ack, hold);
		/* The last worker ptviz waits for wakes it (see lab_worker_answered). */
		if (atomic_load(&s->awaited) == hold && atomic_exchange(&s->awaited, 0) == hold &&
		    atomic_fetch_sub(&g->pending, 1) == 1)
			instr_futex_wake(&g->pending, 1);
	}
	atomic_store(&s->parked, 1);
	int64_t until = worker_ns() + WORKER_HOLD_YIELD_NS;
	while (atomic_load(&g->hold) == hold) {
		if (worker_ns() < until) {
			sched_yield();
			continue;
		}
		atomic_fetch_add(&g->sleepers, 1);
		instr_futex_wait(&g->seq, seq, -1);
		atomic_fetch_sub(&g->sleepers, 1);
		break;
	}
	atomic_store(&s->parked, 0);
}

/*
 * Counts a return to work from a boundary: ptviz then reads /proc for it
 * again (lab_worker_read_proc).  Only the worker writes it, so no locked add.
 */
static void worker_resume(struct instr_slot *s)
{
	atomic_store_explicit(&s->resumes, atomic_load_explicit(&s->resumes, memory_order_relaxed) + 1,
	                      memory_order_relaxed);
}

/*
 * The boundary: between two operations, and in step mode between two
 * micro-steps, a worker answers its control word and the group's gate.  It
 * parks for a hold (so ptviz can read a consistent snapshot), waits while
 * paused or until it is permitted a micro-step, ends, or performs a fault.
 * A held worker sleeps on the gate; a paused or stepping one sleeps on its
 * own control word, so holds at the frame rate never wake it and /proc shows
 * it asleep.  Returns true when the worker should end.
 */
bool worker_boundary(struct instr_gate *g, struct instr_slot *s, struct worker_op *op, pthread_mutex_t *lock)
{
	for (;;) {
		uint32_t seq = atomic_load(&g->seq);
		uint32_t hold = atomic_load(&g->hold);
		uint32_t ctl = atomic_load(&s->control);

		if (hold != 0) {
			worker_hold(g, s, seq, hold);
			continue;
		}
		if (ctl & INSTR_CTL_END) {
			worker_unlock(op, lock);
			atomic_store(&s->state, LAB_ACT_ENDED);
			return true;
		}
		if (worker_request(s, ctl))
			continue;
		if (instr_ctl_fault(ctl) == LAB_FAULT_BLOCK) {
			atomic_fetch_and(&s->control, ~INSTR_CTL_FAULT_MASK);
			worker_resume(s);
			worker_block(s);   /* told to end while busy, it stops early: END is seen next */
			continue;
		}
		if (instr_ctl_fault(ctl) != LAB_FAULT_NONE)
			worker_fault(s, instr_ctl_fault(ctl));
		if (ctl & INSTR_CTL_DROP) {
			worker_drop(g, s, op, lock);
			continue;
		}
		uint32_t wait_state;
		if (ctl & INSTR_CTL_PAUSE) {
			wait_state = LAB_ACT_PAUSED;
		} else if (ctl & INSTR_CTL_STEP) {
			uint32_t taken = atomic_load(&s->taken);
			if ((ctl >> INSTR_CTL_PERMIT_SHIFT) != (taken & 0xffffu)) {
				/* Permitted.  Running first, then the hold once more (see below). */
				atomic_store(&s->state, LAB_ACT_RUNNING);
				if (atomic_load(&g->hold) != 0)
					continue;
				atomic_store(&s->taken, taken + 1);
				worker_resume(s);
				return false;
			}
			wait_state = LAB_ACT_STEPWAIT;
		} else {
			atomic_store(&s->state, LAB_ACT_RUNNING);
			worker_resume(s);
			return false;
		}
		/*
		 * Say where it waits before looking at the hold once more: ptviz sets
		 * the hold before it reads our state, so one of us always sees the other.
		 */
		atomic_store(&s->state, wait_state);
		if (atomic_load(&g->hold) != 0)
			continue;
		instr_futex_wait(&s->control, ctl, -1);
	}
}

/*
 * Below every normal task, in a lab with many busy workers: with hundreds on
 * two CPUs, nice alone would still leave ptviz a small share (weight 1024
 * against 110 each).  SCHED_IDLE runs the workers only when ptviz needs no
 * CPU, so the screen and the snapshots stay prompt.  It is per thread: a
 * thread host takes it only after creating its threads, or creating hundreds
 * would crawl.  A worker started at normal priority stays there unless ptviz
 * lowers it (lab_priority_lower), which it may do from outside, by TID.
 */
void worker_go_idle(void)
{
	struct sched_param idle = { 0 };

	if (worker_idle)
		sched_setscheduler(0, SCHED_IDLE, &idle);
}

/* Parks for a hold that began while the worker was blocked, before it touches memory again. */
void worker_park_if_held(struct instr_gate *g, struct instr_slot *s)
{
	for (;;) {
		uint32_t seq = atomic_load(&g->seq);
		uint32_t hold = atomic_load(&g->hold);
		if (hold == 0) {
			worker_resume(s);
			return;
		}
		worker_hold(g, s, seq, hold);
	}
}

/*
 * Takes a lock that may stay taken a long time (step mode, a deadlock, the
 * GIL).  A worker that finds it taken says which lock it waits for, and keeps
 * answering END and faults while it waits; ptviz does not wait for it in a
 * hold, so once it has the lock it parks for any hold before going on.
 * Returns false, without the lock, when it must answer its control word, or
 * when lockorder is fixed and bail_on_fix asks it to let go and start again.
 */
bool worker_lock_wait(struct instr_gate *g, struct instr_slot *s, pthread_mutex_t *lock, uint32_t id,
                      bool bail_on_fix)
{
	int rc = pthread_mutex_trylock(lock);

	if (rc == EBUSY) {
		atomic_store(&s->wants, id);
		atomic_store(&s->state, LAB_ACT_LOCKWAIT);
		for (;;) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			/*
			 * Awake twice a second to read its control word: rarely enough that
			 * /proc shows it asleep (S) nearly always, even when it must then wait
			 * for a CPU behind busy workers; often enough to answer promptly.
			 */
			until.tv_nsec += 500 * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			rc = pthread_mutex_timedlock(lock, &until);
			if (rc != ETIMEDOUT)
				break;
			uint32_t ctl = atomic_load(&s->control);
			/* A request is answered where it waits: it still wants the lock. */
			if (worker_request(s, ctl))
				continue;
			if ((ctl & (INSTR_CTL_END | INSTR_CTL_DROP)) || instr_ctl_fault(ctl) != LAB_FAULT_NONE ||
			    (bail_on_fix && (atomic_load(&g->flags) & INSTR_GATE_LOCKORDER))) {
				atomic_store(&s->wants, 0);
				atomic_store(&s->state, LAB_ACT_RUNNING);
				return false;
			}
		}
		atomic_store(&s->wants, 0);
		/* Running first, then the hold: ptviz did not wait for a worker blocked on a lock. */
		atomic_store(&s->state, LAB_ACT_RUNNING);
		worker_park_if_held(g, s);
	}
	if (rc == EOWNERDEAD)
		pthread_mutex_consistent(lock);   /* a process died holding it; the counter is whole */
	return true;
}

/* Step mode's lock: the group's sync mutex, held from the load to the store. */
struct worker_thread_arg {
	struct instr_gate *gate;
	struct instr_slot *slot;
	char name[16];
};

/*
 * Set by the thread host once it has created every thread.  Until then each
 * new thread waits: a thousand threads already busy would leave the creating
 * thread a small share of its CPU, and the last threads would take seconds
 * each to come.
 */
static _Atomic uint32_t worker_threads_go;

static void *worker_thread(void *p)
{
	struct worker_thread_arg *a = p;

	struct worker_mem m = { &worker_counter, &worker_lock_a, &worker_lock_b, &worker_gil, true };

	pthread_setname_np(pthread_self(), a->name);
	while (atomic_load(&worker_threads_go) == 0)
		instr_futex_wait(&worker_threads_go, 0, -1);
	worker_annex_start(a->slot);
	worker_run(a->gate, a->slot, &m);
	worker_thread_left(a->gate);
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

	worker_annex_panel(in);
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
	atomic_store(&worker_threads_go, 1);
	instr_futex_wake(&worker_threads_go, INT_MAX);
report:
	/* ptviz spawns all or nothing: on failure it kills this host, threads and all. */
	if (write(ready_fd, &rc, sizeof(rc)) != (ssize_t)sizeof(rc) || rc != 0)
		_exit(2);
	close(ready_fd);
	worker_go_idle();
	worker_host_wait(g, threads, started);
}

_Noreturn void worker_process_main(struct instr *in, int gate, int slot, struct worker_segment *seg)
{
	struct worker_mem m = { &worker_counter, &worker_lock_a, &worker_lock_b, &worker_gil, false };

	if (seg != NULL) {
		m.counter = &seg->counter;
		m.lock = &seg->lock;
		m.lock_b = &seg->lock_b;
		m.shared = true;
	}
	worker_annex_panel(in);
	worker_annex_start(&in->slots[slot]);
	worker_run(&in->gates[gate], &in->slots[slot], &m);
	_exit(0);
}
