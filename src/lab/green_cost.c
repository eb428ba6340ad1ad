/* What green threads cost to create: a hundred thousand at once, each switched to once and ended, timed and weighed. */
#include "green.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/*
 * One page of stack each: enough for what these do (count themselves and
 * return), and the least a stack can take of memory.  The green threads of
 * a group on screen get GREEN_STACK_SIZE.
 */
#define GREEN_COST_STACK 4096

static ucontext_t green_cost_main;
static volatile int green_cost_ended;

static void green_cost_body(void)
{
	green_cost_ended++;
	/* Returning goes on at uc_link: back to the loop that switched here. */
}

/* CPU time this process has had: on a busy machine the clock on the wall says more of the others than of this. */
static double green_cost_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Resident memory of this process in KiB, from /proc/self/statm; -1 unknown. */
static long green_cost_rss_kib(void)
{
	long size = 0, resident = -1;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld %ld", &size, &resident) != 2)
		resident = -1;
	fclose(f);
	return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

bool green_measure_create(int n, struct green_cost *cost)
{
	size_t stacks_len = (size_t)n * GREEN_COST_STACK;
	long before = green_cost_rss_kib();
	double t0 = green_cost_now();
	ucontext_t *ctx = malloc((size_t)n * sizeof(*ctx));
	char *stacks = mmap(NULL, stacks_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (ctx == NULL || stacks == MAP_FAILED) {
		int e = errno;
		free(ctx);
		if (stacks != MAP_FAILED)
			munmap(stacks, stacks_len);
		errno = e;
		return false;
	}
	for (int i = 0; i < n; i++) {
		getcontext(&ctx[i]);
		ctx[i].uc_stack.ss_sp = stacks + (size_t)i * GREEN_COST_STACK;
		ctx[i].uc_stack.ss_size = GREEN_COST_STACK;
		ctx[i].uc_link = &green_cost_main;
		makecontext(&ctx[i], green_cost_body, 0);
	}
	double t1 = green_cost_now();
	long after = green_cost_rss_kib();
	green_cost_ended = 0;
	for (int i = 0; i < n; i++)
		swapcontext(&green_cost_main, &ctx[i]);
	double t2 = green_cost_now();
	munmap(stacks, stacks_len);
	free(ctx);
	cost->n = green_cost_ended;
	cost->create_ms = (t1 - t0) * 1e3;
	cost->run_ms = (t2 - t1) * 1e3;
	cost->rss_kib = before >= 0 && after >= before ? after - before : -1;
	cost->stack_bytes = GREEN_COST_STACK;
	return cost->n == n;
}
