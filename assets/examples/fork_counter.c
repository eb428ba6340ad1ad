/*
 * fork_counter: one global, many copies.
 *
 * The parent sets `counter` to 100 and forks three children. From then on every process adds to
 * its own `counter`: child 1 adds 1 a tick, child 2 adds 2, child 3 adds 3, and the parent adds
 * nothing at all. Each prints where its counter is and what it holds.
 *
 * What to watch for under ptviz:
 *     ptviz run --watch counter -- ./fork_counter
 * Four processes, and the same address for `counter` in every one of them: fork copied the whole
 * address space, so the variable sits at the same place in each copy. The values differ all the
 * same, because each process writes to its own page (copy on write). The parent's stays 100 to the
 * end: nothing a child does to its copy reaches it.
 *
 * Build alone: cc -g -o fork_counter fork_counter.c     Run: ./fork_counter [SECONDS]   (default 30)
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHILDREN 3

int counter = 0;

/* A tenth of a second. */
static void tick(void)
{
	struct timespec t = { 0, 100 * 1000 * 1000 };
	nanosleep(&t, NULL);
}

/* What one child does: add step to its own counter ten times a second, and say so every second. */
static void child_counts(int step, int seconds)
{
	for (int t = 1; t <= seconds * 10; t++) {
		tick();
		counter += step;
		if (t % 10 == 0)
			printf("child %d (pid %d): counter at %p is %d\n", step, (int)getpid(), (void *)&counter, counter);
	}
	exit(0);
}

int main(int argc, char **argv)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 30;

	if (seconds < 1)
		seconds = 30;
	setvbuf(stdout, NULL, _IOLBF, 0);
	counter = 100;
	printf("parent (pid %d): counter at %p is %d, before fork\n", (int)getpid(), (void *)&counter, counter);
	for (int step = 1; step <= CHILDREN; step++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0)
			child_counts(step, seconds);
	}
	for (int t = 1; t <= seconds; t++) {
		for (int k = 0; k < 10; k++)
			tick();
		printf("parent (pid %d): counter at %p is %d\n", (int)getpid(), (void *)&counter, counter);
	}
	while (wait(NULL) > 0)
		;
	printf("parent: every child has ended; my counter is still %d\n", counter);
	return 0;
}
