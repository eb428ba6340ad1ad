/* A test program: N threads in all (the main one included, default 256) that sleep, or spin with "busy", for the seconds given (default 3600). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile int spin;
static unsigned seconds = 3600;

static void *crowd_thread(void *arg)
{
	if (arg != NULL) {
		for (;;)
			spin++;
	}
	for (;;)
		sleep(seconds);
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 256;
	int busy = argc > 2 && strcmp(argv[2], "busy") == 0;
	pthread_attr_t attr;
	pthread_t t;

	if (argc > 3)
		seconds = (unsigned)atoi(argv[3]);
	if (n < 1 || n > 4096) {
		fprintf(stderr, "thread_crowd: N from 1 to 4096 threads, e.g. thread_crowd 256 sleep 60\n");
		return 2;
	}
	/* Small stacks: 256 threads are 256 stacks; a sleeping thread needs little. */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (int i = 1; i < n; i++) {
		if (pthread_create(&t, &attr, crowd_thread, busy ? &t : NULL) != 0) {
			fprintf(stderr, "thread_crowd: could not start thread %d of %d\n", i + 1, n);
			return 1;
		}
	}
	printf("thread_crowd: %d threads\n", n);
	fflush(stdout);
	sleep(seconds);
	return 0;
}
