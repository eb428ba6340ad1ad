/* Following without stopping: a program's every fork, clone and exit read from perf task events, to set beside tracing's cost. */
#include <linux/perf_event.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#define CPUS_MAX 64
#define RING_PAGES 64

struct ring {
	struct perf_event_mmap_page *meta;
	const char *data;
	size_t size;
};

static long tasks_started, tasks_ended;

/* Every record written since the last call: task starts and ends counted, the rest passed by. */
static void ring_drain(struct ring *r)
{
	uint64_t head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE), tail = r->meta->data_tail;

	while (tail < head) {
		struct perf_event_header h;
		for (size_t i = 0; i < sizeof(h); i++)
			((char *)&h)[i] = r->data[(tail + i) % r->size];
		tasks_started += h.type == PERF_RECORD_FORK;
		tasks_ended += h.type == PERF_RECORD_EXIT;
		tail += h.size > 0 ? h.size : sizeof(h);
	}
	__atomic_store_n(&r->meta->data_tail, tail, __ATOMIC_RELEASE);
}

/* Task events of pid and of every task it will start, on one CPU, from its exec on. */
static int ring_open(pid_t pid, int cpu, struct ring *r)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_DUMMY;
	a.task = a.comm = a.comm_exec = a.inherit = a.sample_id_all = 1;
	a.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME;
	a.disabled = a.enable_on_exec = 1;
	a.watermark = 1;
	a.wakeup_watermark = 1;
	int fd = (int)syscall(SYS_perf_event_open, &a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return -1;
	void *m = mmap(NULL, (RING_PAGES + 1) * 4096UL, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return -1;
	*r = (struct ring){ m, (const char *)m + 4096, RING_PAGES * 4096UL };
	return fd;
}

/* perf_follower PROGRAM [ARG...]: runs it, counting its tasks; exits with its status, 3 when perf refuses. */
int main(int argc, char **argv)
{
	int go[2], ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN), st;
	struct ring rings[CPUS_MAX];
	struct pollfd fds[CPUS_MAX];

	if (argc < 2 || pipe(go) != 0)
		return 2;
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(go[1]);
		if (read(go[0], &c, 1) == 1)
			execv(argv[1], argv + 1);
		_exit(127);
	}
	close(go[0]);
	for (int c = 0; c < ncpu && c < CPUS_MAX; c++) {
		fds[c] = (struct pollfd){ .fd = ring_open(pid, c, &rings[c]), .events = POLLIN };
		if (fds[c].fd < 0) {
			perror("perf_follower: perf_event_open");
			close(go[1]);
			waitpid(pid, &st, 0);
			return 3;
		}
	}
	if (write(go[1], "g", 1) != 1)
		return 2;
	close(go[1]);
	while (waitpid(pid, &st, WNOHANG) != pid) {
		poll(fds, (nfds_t)ncpu, 20);
		for (int c = 0; c < ncpu; c++)
			ring_drain(&rings[c]);
	}
	for (int c = 0; c < ncpu; c++)
		ring_drain(&rings[c]);
	fprintf(stderr, "perf_follower: %ld tasks started, %ld ended\n", tasks_started, tasks_ended);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
