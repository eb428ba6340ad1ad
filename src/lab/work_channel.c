/* The channel workload in the workers: senders pass +1 to worker 1, which alone keeps the counter; no lock of ptviz's own. */
#include "work_channel.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "work_tasks.h"

/*
 * The thread group's queue: a ring in the host's memory, which every thread
 * of the host sees (one host per group, so one ring per group).  Many
 * senders, one owner, and no lock: a sender claims a cell by moving the tail
 * on with a compare-and-swap, writes the message, then marks the cell full;
 * the owner takes cells in order and marks each empty for the next lap.
 * A cell's mark is kept less its index, so that the zeroed ring is ready.
 */
struct channel_cell {
	_Atomic uint64_t mark;    /* lap position, less the cell's index */
	uint64_t message;         /* the run it was sent in: the increment itself is +1 */
};

static struct channel_cell channel_ring[WORK_CHANNEL_RING];
static _Atomic uint64_t channel_tail;   /* the next cell a sender claims */
static uint64_t channel_head;           /* the next cell the owner takes: the owner's alone */

void work_channel_ring_ends(uintptr_t *tail, uintptr_t *head)
{
	*tail = (uintptr_t)&channel_tail;
	*head = (uintptr_t)&channel_head;
}

static bool channel_ring_send(uint64_t message)
{
	uint64_t pos = atomic_load_explicit(&channel_tail, memory_order_relaxed);

	for (;;) {
		struct channel_cell *c = &channel_ring[pos % WORK_CHANNEL_RING];
		uint64_t mark = atomic_load_explicit(&c->mark, memory_order_acquire) + pos % WORK_CHANNEL_RING;
		int64_t ahead = (int64_t)(mark - pos);
		if (ahead == 0) {
			if (atomic_compare_exchange_weak_explicit(&channel_tail, &pos, pos + 1, memory_order_relaxed,
			                                          memory_order_relaxed)) {
				c->message = message;
				atomic_store_explicit(&c->mark, pos + 1 - pos % WORK_CHANNEL_RING, memory_order_release);
				return true;
			}
		} else if (ahead < 0) {
			return false;   /* full: the owner has not taken this cell's last message yet */
		} else {
			pos = atomic_load_explicit(&channel_tail, memory_order_relaxed);
		}
	}
}

static bool channel_ring_take(uint64_t *message)
{
	struct channel_cell *c = &channel_ring[channel_head % WORK_CHANNEL_RING];
	uint64_t mark = atomic_load_explicit(&c->mark, memory_order_acquire) + channel_head % WORK_CHANNEL_RING;

	if (mark != channel_head + 1)
		return false;   /* empty */
	*message = c->message;
	atomic_store_explicit(&c->mark, channel_head + WORK_CHANNEL_RING - channel_head % WORK_CHANNEL_RING,
	                      memory_order_release);
	channel_head++;
	return true;
}

/*
 * The process group's queue: a pipe the owner makes.  The senders are
 * ptviz's children, not the owner's, so they cannot inherit it; each opens
 * the owner's write end through /proc/PID/fd/N, which opens the same pipe.
 * A message is 8 bytes, less than PIPE_BUF, so no two ever interleave.
 */
static int channel_read_fd = -1, channel_write_fd = -1;   /* the owner's, for its process */
static int channel_send_fd = -1;                          /* a sender's, for its process */
static pid_t channel_send_to;

static bool channel_pipe_take(struct work_gate *wg, uint64_t *message)
{
	if (channel_read_fd < 0) {
		int fds[2];
		if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
			return false;
		channel_read_fd = fds[0];
		channel_write_fd = fds[1];
	}
	/* Said every time: ptviz clears it when it switches the group to the workload. */
	if (atomic_load_explicit(&wg->owner_pid, memory_order_relaxed) != getpid()) {
		atomic_store(&wg->owner_fd, channel_write_fd);
		atomic_store(&wg->owner_pid, getpid());
	}
	return read(channel_read_fd, message, sizeof(*message)) == (ssize_t)sizeof(*message);
}

/* 1 sent, 0 the queue is full, -1 no queue to send to (no owner yet, or it died). */
static int channel_pipe_send(struct work_gate *wg, uint64_t message)
{
	pid_t owner = atomic_load(&wg->owner_pid);

	if (channel_send_fd >= 0 && owner != channel_send_to) {
		close(channel_send_fd);
		channel_send_fd = -1;
	}
	if (channel_send_fd < 0) {
		char path[64];
		if (owner <= 0)
			return -1;
		/* A dead owner's pipe: the write fails with EPIPE, which must not kill the sender. */
		signal(SIGPIPE, SIG_IGN);
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)owner, (int)atomic_load(&wg->owner_fd));
		channel_send_fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (channel_send_fd < 0)
			return -1;
		channel_send_to = owner;
	}
	ssize_t n = write(channel_send_fd, &message, sizeof(message));
	if (n == (ssize_t)sizeof(message))
		return 1;
	if (n < 0 && errno == EAGAIN)
		return 0;
	close(channel_send_fd);
	channel_send_fd = -1;
	return -1;
}

/* Asleep for a moment, saying why; then parked if ptviz holds the group meanwhile. */
static void channel_wait(struct instr_gate *g, struct instr_slot *s, int fd, short events)
{
	struct timespec nap = { 0, 200 * 1000L };

	atomic_store(&s->state, LAB_ACT_QUEUEWAIT);
	if (fd >= 0) {
		struct pollfd p = { .fd = fd, .events = events };
		poll(&p, 1, 2);
	} else {
		nanosleep(&nap, NULL);
	}
	atomic_store(&s->state, LAB_ACT_RUNNING);
	worker_park_if_held(g, s);
}

/* Counted: the owner's counter (or a sender's messages sent), its own count, and the phase even again. */
static void channel_counted(struct instr_slot *s, _Atomic int64_t *counter, volatile int64_t *done)
{
	if (counter != NULL)
		atomic_store_explicit(counter, atomic_load_explicit(counter, memory_order_relaxed) + 1,
		                      memory_order_relaxed);
	*done = *done + 1;
	atomic_store_explicit(&s->done, *done, memory_order_release);
	worker_phase_end(s);
}

/*
 * The owner: takes one message and adds it to the counter, which nobody else
 * writes: a plain load and store.  The message is taken before the phase
 * turns odd, so an owner waiting on an empty queue stands between operations.
 */
static void channel_own(struct instr_gate *g, struct instr_slot *s, const struct worker_mem *m, volatile int64_t *done,
                        bool threads)
{
	struct work_gate *wg = work_gate_of(s);
	uint64_t message;

	if (!(threads ? channel_ring_take(&message) : channel_pipe_take(wg, &message))) {
		channel_wait(g, s, threads ? -1 : channel_read_fd, POLLIN);
		return;
	}
	/* A message from before the run began again is dropped: it was counted in the run it was sent in. */
	if (message != atomic_load_explicit(&wg->run, memory_order_relaxed))
		return;
	worker_phase_begin(s);
	channel_counted(s, m->counter, done);
}

/* A sender: one message, +1, counted as sent once it is in the queue. */
static void channel_send(struct instr_gate *g, struct instr_slot *s, volatile int64_t *done, bool threads)
{
	struct work_gate *wg = work_gate_of(s);
	uint64_t message = atomic_load_explicit(&wg->run, memory_order_relaxed);

	worker_phase_begin(s);
	int sent = threads ? channel_ring_send(message) : channel_pipe_send(wg, message);
	if (sent == 1) {
		channel_counted(s, NULL, done);
		return;
	}
	worker_phase_end(s);
	if (sent == 0)
		atomic_fetch_add_explicit(&work_slot_of(s)->full, 1, memory_order_relaxed);
	channel_wait(g, s, sent == 0 && !threads ? channel_send_fd : -1, POLLOUT);
}

void work_channel(struct instr_gate *g, struct instr_slot *s, const struct worker_mem *m, volatile int64_t *done)
{
	/* Threads share the one counter; a process's counter is its own, so only the owner's ever moves. */
	bool threads = m->shared && m->counter == &worker_counter;

	if (s->number == 1)
		channel_own(g, s, m, done, threads);
	else
		channel_send(g, s, done, threads);
}
