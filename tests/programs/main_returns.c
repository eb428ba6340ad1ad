/* A test program: one thread that returns on its own, then two that sleep while main returns and ends them all. */
#include <pthread.h>
#include <unistd.h>

static void *returns(void *arg)
{
	return arg;
}

static void *sleeps(void *arg)
{
	sleep(60);
	return arg;
}

int main(void)
{
	pthread_t t;

	pthread_create(&t, NULL, returns, NULL);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, sleeps, NULL);
	pthread_create(&t, NULL, sleeps, NULL);
	usleep(100000);
	return 0;   /* exit(0): the sleeping threads end with the process */
}
