/* The green threads' runtime: contexts switched with swapcontext, one run queue, M kernel threads, and hand-off around a blocking call. */
#include "green.h"

#include "annex.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "worker.h"

/* What the kernel thread does with a green thread that switched back to it. */
enum green_after {
	GREEN_AFTER_YIELD,    /* back on the run queue */
	GREEN_AFTER_END,      /* it ended: its stack is freed */
	GREEN_AFTER_RETURN,   /* back from a blocking call that gave its kernel thread's turn away */
};

struct green_thread {
	ucontext_t ctx;
	void *stack;               /* the mapping: a guard page, then the stack */
	size_t map_len;
	int index;
	struct instr_slot *slot;
	enum green_after after;
	bool waiting;
	struct green_thread *next; /* on the run queue */
};

/*
 * A kernel thread of the host.  It runs green code only while it holds one
 * of the M turns (Go calls them Ps); a thread that lost its turn in a
 * blocking call waits for one to come free.
 */
struct green_kernel {
	ucontext_t sched;          /* its own context: the scheduling loop */
	struct green_thread *current;
	bool has_turn;
	int index;                 /* 0 for the host's first thread */
	pid_t tid;
	struct timespec cpu_from;
};

/* The runtime of one host: one run queue for every kernel thread. */
static struct {
	pthread_mutex_t lock;
	struct green_thread *head, *tail;
	int alive;                 /* green threads not ended */
	int free_turns;            /* turns no kernel thread holds */
	int idle_kernels;          /* kernel threads waiting for a turn */
	int waiting_in_a_row;      /* switches back in a row from green threads that only wait */
	_Atomic uint32_t wake;     /* bumped when a turn comes free or work arrives: idle kernel threads wait on it */
	struct instr_gate *gate;
	struct green_panel *panel;
	char group[LAB_NAME_MAX + 1];
} rt = { .lock = PTHREAD_MUTEX_INITIALIZER };

static _Thread_local struct green_kernel *green_me;

/*
 * The calling kernel thread's record.  Not inlined: a green thread may come
 * back from a switch on another kernel thread, and the compiler must not keep
 * the address of the first one's thread-local variable across the call.
 */
static __attribute__((noinline)) struct green_kernel *green_kernel_self(void)
{
	return green_me;
}

bool green_anywhere(void)
{
	return atomic_load_explicit(&rt.panel->anywhere, memory_order_relaxed) != 0;
}

static void green_queue_push(struct green_thread *t)
{
	t->next = NULL;
	if (rt.tail != NULL)
		rt.tail->next = t;
	else
		rt.head = t;
	rt.tail = t;
}

static struct green_thread *green_queue_pop(void)
{
	struct green_thread *t = rt.head;

	if (t != NULL) {
		rt.head = t->next;
		if (rt.head == NULL)
			rt.tail = NULL;
	}
	return t;
}

static void green_switch_out(enum green_after after, bool waiting)
{
	struct green_kernel *k = green_kernel_self();
	struct green_thread *t = k->current;

	t->after = after;
	t->waiting = waiting;
	swapcontext(&t->ctx, &k->sched);
}

void green_yield(bool waiting)
{
	green_switch_out(GREEN_AFTER_YIELD, waiting);
}

/* The first thing a green thread runs: its work, then the end.  makecontext passes the pointer in two ints. */
static void green_thread_start(unsigned int hi, unsigned int lo)
{
	struct green_thread *t = (struct green_thread *)(((uintptr_t)hi << 32) | (uintptr_t)lo);

	worker_annex_start(t->slot);   /* where ptviz finds its environment, and asks what a slot alone cannot carry */
	green_work(rt.gate, t->slot);
	green_switch_out(GREEN_AFTER_END, false);
}

/* A green thread's stack (a guard page below it) and its context; false when there is no memory. */
static bool green_thread_make(struct green_thread *t, size_t stack, bool guard, void (*fn)(void), uintptr_t arg)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	t->map_len = stack + (guard ? page : 0);
	t->stack = mmap(NULL, t->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (t->stack == MAP_FAILED)
		return false;
	if (guard)
		mprotect(t->stack, page, PROT_NONE);
	getcontext(&t->ctx);
	t->ctx.uc_stack.ss_sp = (char *)t->stack + (guard ? page : 0);
	t->ctx.uc_stack.ss_size = stack;
	t->ctx.uc_link = NULL;
	makecontext(&t->ctx, fn, 2, (unsigned int)(arg >> 32), (unsigned int)(arg & 0xffffffffu));
	return true;
}

static int64_t green_cpu_ns(const struct timespec *a, const struct timespec *b)
{
	return (int64_t)(b->tv_sec - a->tv_sec) * 1000000000 + (b->tv_nsec - a->tv_nsec);
}

/* Switches to t on this kernel thread and comes back when it gives way; its CPU time is counted. */
static void green_run(struct green_kernel *k, struct green_thread *t)
{
	struct green_seen *seen = &rt.panel->seen[t->index];
	struct timespec to;

	k->current = t;
	if (atomic_load_explicit(&t->slot->tid, memory_order_relaxed) != k->tid && atomic_load(&t->slot->tid) != 0)
		atomic_store(&t->slot->tid, k->tid);
	atomic_store_explicit(&seen->tid, k->tid, memory_order_relaxed);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &k->cpu_from);
	swapcontext(&k->sched, &t->ctx);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &to);
	atomic_fetch_add_explicit(&seen->cpu_ns, green_cpu_ns(&k->cpu_from, &to), memory_order_relaxed);
	atomic_fetch_add_explicit(&seen->turns, 1, memory_order_relaxed);
	k->current = NULL;
}

/*
 * A kernel thread with nothing to run, or whose every green thread only
 * waits: it gives way to other programs for a moment, then sleeps on the
 * gate (ptviz bumps its seq when it lets the group go on, or pokes a worker)
 * and on the runtime's own word, each for a few milliseconds at most.
 */
static void green_idle(bool all_waiting)
{
	if (all_waiting) {
		struct instr_gate *g = rt.gate;
		uint32_t seq = atomic_load(&g->seq);
		atomic_fetch_add(&g->sleepers, 1);
		instr_futex_wait(&g->seq, seq, 2L * 1000 * 1000);
		atomic_fetch_sub(&g->sleepers, 1);
		return;
	}
	uint32_t wake = atomic_load(&rt.wake);
	instr_futex_wait(&rt.wake, wake, 5L * 1000 * 1000);
}

/* What the scheduling loop does once a green thread has switched back to it; called with the lock held. */
static void green_after(struct green_kernel *k, struct green_thread *t)
{
	switch (t->after) {
	case GREEN_AFTER_END:
		munmap(t->stack, t->map_len);
		if (--rt.alive == 0)
			_exit(0);   /* every green thread ended on request: the host has nothing left to do */
		break;
	case GREEN_AFTER_RETURN:
		/* Back from a blocking call without a turn: the green thread queues, this kernel thread waits for a turn. */
		green_queue_push(t);
		rt.waiting_in_a_row = 0;
		k->has_turn = false;
		break;
	default:
		green_queue_push(t);
		rt.waiting_in_a_row = t->waiting ? rt.waiting_in_a_row + 1 : 0;
		break;
	}
}

/* The scheduling loop every kernel thread runs: take a turn, take the next green thread, run it, again. */
static void *green_kernel_main(void *arg)
{
	struct green_kernel *k = arg;

	green_me = k;
	k->tid = gettid();
	atomic_store(&rt.panel->kernel_tid[k->index], k->tid);
	worker_go_idle();
	for (;;) {
		pthread_mutex_lock(&rt.lock);
		if (!k->has_turn && rt.free_turns > 0) {
			rt.free_turns--;
			k->has_turn = true;
		}
		struct green_thread *t = k->has_turn ? green_queue_pop() : NULL;
		bool all_waiting = rt.waiting_in_a_row >= 2 * rt.alive;
		if (t != NULL && all_waiting)
			rt.waiting_in_a_row = 0;
		if (!k->has_turn)
			rt.idle_kernels++;
		pthread_mutex_unlock(&rt.lock);
		if (t == NULL || all_waiting) {
			green_idle(all_waiting && k->has_turn);
			pthread_mutex_lock(&rt.lock);
			if (!k->has_turn)
				rt.idle_kernels--;
			if (t != NULL)
				green_queue_push(t);
			pthread_mutex_unlock(&rt.lock);
			continue;
		}
		green_run(k, t);
		pthread_mutex_lock(&rt.lock);
		green_after(k, t);
		pthread_mutex_unlock(&rt.lock);
	}
	return NULL;
}

/* A new kernel thread for the runtime, named for ps ("ptviz G k2"); false when it could not be made. */
static bool green_kernel_start(int *err)
{
	int i = atomic_fetch_add(&rt.panel->nkernels, 1);
	pthread_attr_t attr;
	pthread_t th;
	char name[16];

	struct green_kernel *k = i < LAB_GREEN_KERNELS_MAX ? calloc(1, sizeof(*k)) : NULL;
	if (k == NULL) {
		atomic_fetch_sub(&rt.panel->nkernels, 1);
		*err = i < LAB_GREEN_KERNELS_MAX ? ENOMEM : EAGAIN;
		return false;
	}
	k->index = i;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	*err = pthread_create(&th, &attr, green_kernel_main, k);
	pthread_attr_destroy(&attr);
	if (*err != 0) {
		atomic_fetch_sub(&rt.panel->nkernels, 1);
		free(k);
		return false;
	}
	snprintf(name, sizeof(name), "ptviz %.3s k%d", rt.group, (i + 1) % 100);
	pthread_setname_np(th, name);
	return true;
}

/*
 * Before a blocking call.  Without hand-off the kernel thread keeps its turn
 * and blocks with it: with one kernel thread, no green thread runs until the
 * call returns.  With hand-off, as Go's scheduler does, it gives its turn
 * back first, and a kernel thread waiting for one (started now if none is
 * idle) takes it and runs the others.
 */
void green_syscall_enter(void)
{
	struct green_kernel *k = green_kernel_self();
	int err;

	if (!rt.panel->handoff)
		return;
	pthread_mutex_lock(&rt.lock);
	k->has_turn = false;
	rt.free_turns++;
	bool start = rt.idle_kernels == 0;
	pthread_mutex_unlock(&rt.lock);
	if (start)
		green_kernel_start(&err);
	atomic_fetch_add(&rt.panel->handoffs, 1);
	atomic_fetch_add(&rt.wake, 1);
	instr_futex_wake(&rt.wake, INT_MAX);
}

/* After it: a kernel thread that gave its turn away queues the green thread and waits for a turn. */
void green_syscall_leave(void)
{
	if (!rt.panel->handoff)
		return;
	green_switch_out(GREEN_AFTER_RETURN, false);
}

_Noreturn void green_host_main(struct instr *in, int gate, const int *slots, int n, int ready_fd,
                               const char *group, struct green_panel *panel)
{
	struct green_thread *threads = calloc((size_t)n, sizeof(*threads));
	struct green_kernel *first = calloc(1, sizeof(*first));
	int rc = 0;

	rt.gate = &in->gates[gate];
	rt.panel = panel;
	worker_annex_panel(in);
	snprintf(rt.group, sizeof(rt.group), "%s", group);
	if (threads == NULL || first == NULL)
		rc = ENOMEM;
	for (int i = 0; rc == 0 && i < n; i++) {
		threads[i].index = i;
		threads[i].slot = &in->slots[slots[i]];
		if (!green_thread_make(&threads[i], GREEN_STACK_SIZE, true, (void (*)(void))green_thread_start,
		                       (uintptr_t)&threads[i]))
			rc = errno;
		else
			green_queue_push(&threads[i]);
	}
	rt.alive = n;
	rt.free_turns = panel->kernels;
	/* This thread is kernel thread 1; the others start now. */
	atomic_store(&panel->nkernels, 1);
	atomic_store(&panel->kernel_tid[0], gettid());
	for (int i = 1; rc == 0 && i < panel->kernels; i++) {
		if (!green_kernel_start(&rc))
			break;
	}
	/* ptviz spawns all or nothing: on failure it kills this host. */
	if (write(ready_fd, &rc, sizeof(rc)) != (ssize_t)sizeof(rc) || rc != 0)
		_exit(2);
	close(ready_fd);
	green_kernel_main(first);
	_exit(0);
}

size_t green_panel_size(int n)
{
	return sizeof(struct green_panel) + (size_t)n * sizeof(struct green_seen);
}
