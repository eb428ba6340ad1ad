/* Messages between two sides: by pipe, by socket, through a shared segment, through a variable two threads share. */
#include "bench_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define IPC_RING_BYTES (1024u * 1024u)

/*
 * A ring of message slots: one writer, one reader, two counters on cache lines of their
 * own.  The counters are 32 bits and wrap, so each is also a futex word to sleep on.
 */
struct ipc_ring {
	_Alignas(64) _Atomic uint32_t head;   /* messages written */
	_Atomic uint32_t reader_sleeps;       /* the reader waits on head */
	_Alignas(64) _Atomic uint32_t tail;   /* messages read */
	_Atomic uint32_t writer_sleeps;       /* the writer waits on tail */
	_Alignas(64) _Atomic int stop;        /* 1: the reader has had enough; 2: the writer failed */
	uint32_t slot, nslots;
	_Alignas(64) unsigned char data[];
};

/*
 * Waits until *word is no longer old.  Spins a little first: the other side is usually
 * running on the other CPU and answers within a microsecond.  Then sleeps on the word
 * (a futex, shared between processes as well as threads), as a real program would: a
 * spinner that cannot see its partner scheduled only burns the CPU the partner needs.
 */
static void ipc_wait(_Atomic uint32_t *word, uint32_t old, _Atomic uint32_t *sleeps, _Atomic int *stop)
{
	for (int spin = 0; spin < 2000; spin++) {
		if (atomic_load_explicit(word, memory_order_acquire) != old || atomic_load_explicit(stop, memory_order_relaxed))
			return;
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#elif defined(__aarch64__)
		__asm__ __volatile__("yield");
#endif
	}
	/*
	 * The flag up before the last look (both sequentially consistent): the other side then
	 * wakes us.  A stop changes no counter, so a sleep also ends by itself after 10 ms.
	 */
	struct timespec most = { 0, 10 * 1000 * 1000 };
	while (atomic_store(sleeps, 1), atomic_load(word) == old && !atomic_load(stop))
		syscall(SYS_futex, word, FUTEX_WAIT, old, &most, NULL, 0);
	atomic_store(sleeps, 0);
}

/* One wake for one sleep: the flag is taken down by whoever wakes. */
static void ipc_wake(_Atomic uint32_t *word, _Atomic uint32_t *sleeps)
{
	if (atomic_load(sleeps) && atomic_exchange(sleeps, 0))
		syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static void ipc_fill(unsigned char *msg, size_t len)
{
	for (size_t i = 0; i < len; i++)
		msg[i] = (unsigned char)(i * 31 + 7);
}

/* 1 when a whole message arrived, 0 at the end, -1 on an error or a message cut short. */
static int ipc_read_all(int fd, unsigned char *p, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return got == 0 ? 0 : -1;
		got += (size_t)n;
	}
	return 1;
}

/* The writer over a stream (pipe or socket): numbered messages until the reader says stop. */
static void ipc_stream_write(int fd, size_t len, _Atomic int *stop)
{
	unsigned char *msg = malloc(len);

	if (msg == NULL)
		return;
	ipc_fill(msg, len);
	for (uint64_t seq = 0; !atomic_load_explicit(stop, memory_order_relaxed); seq++) {
		memcpy(msg, &seq, sizeof(seq));
		if (!measure_write_all(fd, msg, len))
			break;
	}
	free(msg);
}

static void ipc_ring_write(struct ipc_ring *ring, size_t len)
{
	unsigned char *msg = malloc(len);

	if (msg == NULL) {
		atomic_store(&ring->stop, 2);
		ipc_wake(&ring->head, &ring->reader_sleeps);
		return;
	}
	ipc_fill(msg, len);
	for (uint64_t seq = 0; !atomic_load_explicit(&ring->stop, memory_order_relaxed); seq++) {
		memcpy(msg, &seq, sizeof(seq));
		uint32_t h = atomic_load_explicit(&ring->head, memory_order_relaxed), t;
		while (h - (t = atomic_load_explicit(&ring->tail, memory_order_acquire)) == ring->nslots) {
			if (atomic_load_explicit(&ring->stop, memory_order_relaxed))
				goto out;
			ipc_wait(&ring->tail, t, &ring->writer_sleeps, &ring->stop);
		}
		memcpy(ring->data + (size_t)(h % ring->nslots) * ring->slot, msg, len);
		atomic_store(&ring->head, h + 1);
		ipc_wake(&ring->head, &ring->reader_sleeps);
	}
out:
	free(msg);
}

static void *ipc_ring_thread(void *arg)
{
	struct ipc_ring *ring = arg;
	ipc_ring_write(ring, ring->slot);
	return NULL;
}

struct ipc_window {
	double seconds;
	uint64_t messages;
	bool bad;          /* a message out of order or damaged */
};

/* Reads messages for the window; returns with stop set and the stream drained to its end. */
static void ipc_stream_read(int fd, size_t len, double window, _Atomic int *stop, struct ipc_window *w)
{
	unsigned char *buf = malloc(len);
	uint64_t seq = 0, got;
	double t0 = 0, t1 = 0;

	if (buf == NULL || ipc_read_all(fd, buf, len) != 1) {
		w->bad = true;
		goto drain;
	}
	/* The clock starts once the first message is in: the writer is running by then. */
	t0 = bench_now();
	for (seq = 1;; seq++) {
		if (ipc_read_all(fd, buf, len) != 1) {
			w->bad = true;
			break;
		}
		memcpy(&got, buf, sizeof(got));
		if (got != seq || buf[len - 1] != (unsigned char)((len - 1) * 31 + 7)) {
			w->bad = true;
			break;
		}
		if ((seq & 63) == 0 && (t1 = bench_now()) - t0 >= window)
			break;
	}
	t1 = bench_now();
drain:
	atomic_store(stop, 1);
	if (buf != NULL) {
		while (ipc_read_all(fd, buf, len) == 1)
			;
	}
	free(buf);
	w->seconds = t1 - t0;
	w->messages = seq;
}

static void ipc_ring_read(struct ipc_ring *ring, double window, struct ipc_window *w)
{
	size_t len = ring->slot;
	unsigned char *buf = malloc(len);
	uint64_t seq = 0, got;
	double t0 = 0, t1;

	if (buf == NULL) {
		w->bad = true;
		atomic_store(&ring->stop, 1);
		ipc_wake(&ring->tail, &ring->writer_sleeps);
		return;
	}
	for (;; seq++) {
		uint32_t t = atomic_load_explicit(&ring->tail, memory_order_relaxed);
		while (atomic_load_explicit(&ring->head, memory_order_acquire) == t) {
			if (atomic_load(&ring->stop) == 2)
				break;
			ipc_wait(&ring->head, t, &ring->reader_sleeps, &ring->stop);
		}
		if (atomic_load(&ring->stop) == 2) {
			w->bad = true;
			break;
		}
		memcpy(buf, ring->data + (size_t)(t % ring->nslots) * len, len);
		atomic_store(&ring->tail, t + 1);
		ipc_wake(&ring->tail, &ring->writer_sleeps);
		memcpy(&got, buf, sizeof(got));
		if (got != seq || buf[len - 1] != (unsigned char)((len - 1) * 31 + 7)) {
			w->bad = true;
			break;
		}
		if (seq == 0)
			t0 = bench_now();
		else if ((seq & 255) == 0 && bench_now() - t0 >= window)
			break;
	}
	t1 = bench_now();
	atomic_store(&ring->stop, 1);
	ipc_wake(&ring->tail, &ring->writer_sleeps);
	free(buf);
	w->seconds = t1 - t0;
	w->messages = seq;
}

/* By pipe or by socket: a partner process writes into one end, this child reads the other. */
static bool ipc_stream_once(struct measure *m, enum bench_ipc_method method, size_t len, double window,
                            struct ipc_window *w)
{
	pid_t parent = getpid(), pid;
	bool ok = true;
	int fds[2];

	_Atomic int *stop = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (stop == MAP_FAILED)
		return measure_fail(m, "mmap: %s", strerror(errno));
	atomic_store(stop, 0);
	int rc = method == BENCH_IPC_PIPE ? pipe2(fds, O_CLOEXEC)
	                                  : socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds);
	if (rc < 0) {
		munmap((void *)stop, 4096);
		return measure_fail(m, "%s: %s", method == BENCH_IPC_PIPE ? "pipe" : "socketpair", strerror(errno));
	}
	pid = fork();
	if (pid == 0) {
		measure_partner_setup(parent);
		close(fds[0]);
		ipc_stream_write(fds[1], len, stop);
		close(fds[1]);
		_exit(0);
	}
	close(fds[1]);
	if (pid < 0) {
		ok = measure_fail(m, "fork: %s", strerror(errno));
	} else {
		ipc_stream_read(fds[0], len, window, stop, w);
		bench_wait(pid, NULL);
	}
	close(fds[0]);
	munmap((void *)stop, 4096);
	return ok;
}

/* A shared segment between two processes, or ordinary memory between two threads: the same ring. */
static bool ipc_ring_once(struct measure *m, enum bench_ipc_method method, size_t len, double window,
                          struct ipc_window *w)
{
	pid_t parent = getpid(), pid;
	bool ok = true;
	size_t nslots = IPC_RING_BYTES / len > 2 ? IPC_RING_BYTES / len : 2;
	size_t size = sizeof(struct ipc_ring) + nslots * len;
	int flags = method == BENCH_IPC_SHM ? MAP_SHARED | MAP_ANONYMOUS : MAP_PRIVATE | MAP_ANONYMOUS;

	struct ipc_ring *ring = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (ring == MAP_FAILED)
		return measure_fail(m, "mmap: %s", strerror(errno));
	atomic_store(&ring->head, 0);
	atomic_store(&ring->tail, 0);
	atomic_store(&ring->reader_sleeps, 0);
	atomic_store(&ring->writer_sleeps, 0);
	atomic_store(&ring->stop, 0);
	ring->slot = (uint32_t)len;
	ring->nslots = (uint32_t)nslots;
	if (method == BENCH_IPC_SHM) {
		pid = fork();
		if (pid == 0) {
			measure_partner_setup(parent);
			ipc_ring_write(ring, len);
			_exit(0);
		}
		if (pid < 0)
			ok = measure_fail(m, "fork: %s", strerror(errno));
		else {
			ipc_ring_read(ring, window, w);
			bench_wait(pid, NULL);
		}
	} else {
		pthread_t th;
		if (pthread_create(&th, NULL, ipc_ring_thread, ring) != 0)
			ok = measure_fail(m, "pthread_create: %s", strerror(errno));
		else {
			ipc_ring_read(ring, window, w);
			pthread_join(th, NULL);
		}
	}
	munmap(ring, size);
	return ok;
}

static bool ipc_once(struct measure *m, enum bench_ipc_method method, size_t len, double window,
                     struct ipc_window *w)
{
	memset(w, 0, sizeof(*w));
	if (method == BENCH_IPC_PIPE || method == BENCH_IPC_SOCKET)
		return ipc_stream_once(m, method, len, window, w);
	return ipc_ring_once(m, method, len, window, w);
}

bool measure_ipc(struct measure *m, struct bench_ipc *r)
{
	enum { ROUNDS = 3 };
	static const int sizes[BENCH_IPC_SIZES] = { 64, 64 * 1024 };
	double rate[BENCH_IPC_SIZES][BENCH_IPC_METHODS][ROUNDS];
	int configs = BENCH_IPC_SIZES * BENCH_IPC_METHODS, done = 0;
	double window = m->opt.seconds / (ROUNDS * configs);

	for (int round = 0; round < ROUNDS; round++) {
		for (int s = 0; s < BENCH_IPC_SIZES; s++) {
			r->bytes[s] = sizes[s];
			for (int k = 0; k < BENCH_IPC_METHODS; k++, done++) {
				struct ipc_window w;
				measure_progress(m, (double)done / (ROUNDS * configs), "round %d of %d: %d-byte messages by %s",
				                 round + 1, ROUNDS, sizes[s], bench_ipc_method_name((enum bench_ipc_method)k));
				if (!ipc_once(m, (enum bench_ipc_method)k, (size_t)sizes[s], window, &w))
					return false;
				if (w.bad || w.seconds <= 0 || w.messages == 0)
					return measure_fail(m, "%d-byte messages by %s arrived damaged or not at all", sizes[s],
					                    bench_ipc_method_name((enum bench_ipc_method)k));
				rate[s][k][round] = (double)w.messages / w.seconds;
			}
		}
	}
	for (int s = 0; s < BENCH_IPC_SIZES; s++) {
		for (int k = 0; k < BENCH_IPC_METHODS; k++) {
			r->msgs_per_s[s][k] = measure_median(rate[s][k], ROUNDS);
			r->mb_per_s[s][k] = r->msgs_per_s[s][k] * sizes[s] / 1e6;
		}
	}
	return true;
}
