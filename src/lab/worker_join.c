/* A thread host's main thread that returns from main with or without joining, and the batches its threads deliver. */
#include "worker_priv.h"

#include <stdlib.h>
#include <unistd.h>

#include "annex.h"

/* The instrument panel, to find a slot's annex by the slot's place. */
static struct instr *worker_panel;

/*
 * The program's own word that the work is over, in the host's memory, as a
 * real program keeps it: its threads read it when a batch is done.
 */
static _Atomic bool worker_no_more_work;

/* How often a main thread with nothing to do looks whether a thread ended unseen. */
#define WORKER_MAIN_NAP_NS (250L * 1000 * 1000)

void worker_annex_panel(struct instr *in)
{
	worker_panel = in;
}

struct instr_annex *worker_annex(struct instr_slot *s)
{
	return &worker_panel->annex[s - worker_panel->slots];
}

bool worker_batch_delivered(struct instr_slot *s, int64_t done)
{
	/* The result leaves the process: kept in the panel, which outlives it. */
	atomic_store_explicit(&worker_annex(s)->delivered, done, memory_order_release);
	if (!atomic_load_explicit(&worker_no_more_work, memory_order_acquire))
		return false;
	atomic_store(&s->state, LAB_ACT_ENDED);
	return true;
}

void worker_thread_left(struct instr_gate *g)
{
	instr_futex_wake(&g->main_ask, 1);
}

/*
 * Where ptviz's host would sit in pthread_join: it waits for its threads,
 * and does what it is asked.  Returning from main is exit(): the process
 * ends, and every thread with it, wherever it stands.  Joining first lets
 * each thread finish its batch and deliver it, however long that takes.
 */
_Noreturn void worker_host_wait(struct instr_gate *g, pthread_t *threads, int n)
{
	bool *joined = calloc((size_t)n + 1, sizeof(*joined));
	int left = n;

	for (;;) {
		for (int i = 0; i < n && joined != NULL; i++) {
			if (!joined[i] && pthread_tryjoin_np(threads[i], NULL) == 0) {
				joined[i] = true;
				left--;
			}
		}
		/* Every thread ended on request: the host has nothing left to do. */
		if (left == 0)
			_exit(0);
		uint32_t ask = atomic_load(&g->main_ask);
		if (ask == ANNEX_MAIN_RETURN)
			exit(0);   /* what `return 0;` at the end of main does */
		if (ask == ANNEX_MAIN_JOIN) {
			atomic_store(&worker_no_more_work, true);
			for (int i = 0; i < n; i++) {
				if (joined == NULL || !joined[i])
					pthread_join(threads[i], NULL);
			}
			exit(0);
		}
		instr_futex_wait(&g->main_ask, ANNEX_MAIN_WAIT, WORKER_MAIN_NAP_NS);
	}
}
