/*
 * null_thread: one thread's bug ends its whole process, and only that process.
 *
 * The program forks once. The child process counts quietly for a while. In the parent, three
 * threads count too; after three seconds the one named "writer" stores a number through a NULL
 * pointer. The kernel answers with SIGSEGV, and the default action of that signal ends the whole
 * process: the parent's other threads die with the writer, in the middle of their work, without a
 * chance to clean up. The child is another process, with its own memory; it goes on counting.
 *
 * What to watch for under ptviz:
 *     ptviz run --watch ticks -- ./null_thread
 * Two processes; the first with four threads (main, two counters and the writer). When the writer
 * faults, all four threads of the first process end at once with SIGSEGV, while the second process
 * is still alive and its `ticks` still grows. Run alone, the shell reports "Segmentation fault" (no
 * core file is written under ptviz).
 *
 * Build alone: cc -g -pthread -o null_thread null_thread.c     Run: ./null_thread
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

long ticks = 0;

static void pause_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000 * 1000 };
	nanosleep(&t, NULL);
}

static void *counter_thread(void *arg)
{
	prctl(PR_SET_NAME, (char *)arg);
	for (;;) {
		__atomic_add_fetch(&ticks, 1, __ATOMIC_RELAXED);
		pause_ms(100);
	}
	return NULL;
}

static void *writer_thread(void *arg)
{
	int *volatile nowhere = NULL;   /* volatile: the compiler may not leave the store out */

	(void)arg;
	prctl(PR_SET_NAME, "writer");
	pause_ms(3000);
	printf("writer (pid %d): storing 42 through a NULL pointer\n", (int)getpid());
	*nowhere = 42;
	printf("not reached\n");
	return NULL;
}

int main(void)
{
	pthread_t a, b, w;

	setvbuf(stdout, NULL, _IOLBF, 0);
	pid_t child = fork();
	if (child < 0) {
		perror("fork");
		return 1;
	}
	if (child == 0) {
		/* The sibling process: ten seconds of counting, untouched by the parent's fault. */
		for (int i = 1; i <= 100; i++) {
			ticks++;
			if (i % 10 == 0)
				printf("child (pid %d): ticks = %ld, still here\n", (int)getpid(), ticks);
			pause_ms(100);
		}
		return 0;
	}
	printf("parent (pid %d): three threads start; the child is pid %d\n", (int)getpid(), (int)child);
	pthread_create(&a, NULL, counter_thread, "counter-1");
	pthread_create(&b, NULL, counter_thread, "counter-2");
	pthread_create(&w, NULL, writer_thread, NULL);
	pthread_join(w, NULL);
	return 0;
}
