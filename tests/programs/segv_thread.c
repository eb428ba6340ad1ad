/* A test program: a second process sleeps on while, in the first, a thread writes through NULL beside two others. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void *faulty(void *arg)
{
	(void)arg;
	usleep(100 * 1000);
	*(volatile int *)NULL = 1;
	return NULL;
}

int main(void)
{
	pthread_t t[3];

	pid_t sibling = fork();
	if (sibling == 0) {
		/* The sibling process goes on for a while after the fault, then ends with status 7. */
		usleep(400 * 1000);
		_exit(7);
	}
	pthread_create(&t[0], NULL, sleeper, NULL);
	pthread_create(&t[1], NULL, sleeper, NULL);
	pthread_create(&t[2], NULL, faulty, NULL);
	pthread_join(t[2], NULL);
	return 0;
}
